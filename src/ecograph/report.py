"""The brief: one offline HTML page that reads like a think tank's brief of a dataset.

:func:`build_report` turns a :class:`~ecograph.kg.KnowledgeGraph` into the page; every part of
it comes from the graph, and every statement in it carries a footnote with the verbatim quote
and the section (and document) behind it:

* **key figures**: every observation (value as printed, unit, hedge, year or period, area,
  ranking scope and subject), conflicts marked, never averaged;
* **indicator series**: each indicator of one area, unit, scope and subject with two or more
  dated points drawn as a chart (the grouping of the viewer's small charts);
* **central entities** (PageRank, with betweenness beside it), **brokers** (Burt's structural
  holes, articulation points, bridges) and **communities** (Louvain, fixed seed);
* **field-support gaps** as a heat map (fields × kinds of support) with the relations behind
  every count;
* **planned versus done**: the relations and entities by status, and what is still planned
  or under way.

Charts are drawn by matplotlib (imported only here, inside the functions, so the command line
starts without it) as SVG and inlined, so the page needs no JavaScript at all. Text in a chart
stays text (``svg.fonttype: none``): it is selectable, searchable and extractable from a PDF,
and it is drawn by the same embedded face as the page (:func:`ecograph.fonts.font_face_css`, the
bundled Noto Sans CJK SC cut to the page's characters). Matplotlib lays the text out with the
metrics of that very subset (converted to OpenType with fontTools and registered under a name
of its own), so what it measured is what the browser draws. Drawing glyphs as paths instead
would make every chart larger, its text unsearchable, and the charts no longer share the
page's one font.

The same data gives the same bytes: fixed figure sizes, ``svg.hashsalt`` fixed, no date in the
SVG metadata (the metadata block is dropped), ids renamed per chart, every list sorted. Inline
``style`` attributes of the SVG become presentation attributes, so the page's
Content-Security-Policy allows its one stylesheet by hash and nothing else: no script, no
inline style attribute, no image, no fetch; fonts only from ``data:``.

The library never prints; :func:`write_report` writes the page atomically and returns a
:class:`ReportResult`.
"""

from __future__ import annotations

import hashlib
import html
import io
import re
import time
import warnings
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .safetext import csp_hash
from .text import check_lang, other_lang, pick_label
from .viewer.model import _ENTITY_CITATIONS_QUERY, _STATUS_QUERY

if TYPE_CHECKING:
    from .kg import KnowledgeGraph

__all__ = ["ReportResult", "build_report", "render_report", "write_report"]

#: chart sizes in inches (fixed: the same data gives the same bytes)
SERIES_SIZE = (6.4, 2.6)
BAR_SIZE = (6.4, 3.4)
STATUS_SIZE = (6.4, 3.6)
#: how many entities the centrality and broker tables list
TOP = 10
STATUSES = ("done", "ongoing", "planned")
#: how many relation kinds the status chart shows (the rest are one bar)
STATUS_BARS = 12
STATUS_COLOURS = {"done": "#3b7d4f", "ongoing": "#d08c2e", "planned": "#8c8c8c"}
#: the embedded face's family, as the page and the charts name it
FAMILY = "ecograph CJK"

UI: dict[str, dict[str, str]] = {
    "zh": {
        "brief": "数据简报",
        "intro": "本简报由知识图谱自动生成；每一条陈述均附脚注，脚注给出原文原句及其所在章节。"
        "排名、中心性、社区与缺口为图谱上的计算结果，计算方法见“方法说明”。",
        "sources": "来源文件",
        "contents": "目录",
        "figures": "关键数据",
        "figures-note": "数值照原文所印（含“超”“余”等限定词）；"
        "两份文件对同一事实给出不同数值时两者并列，标为冲突。",
        "indicator": "指标",
        "value": "数值",
        "when": "年份",
        "area": "地区",
        "scope": "范围",
        "about": "对象",
        "note": "备注",
        "conflict": "冲突",
        "series": "指标序列",
        "series-note": "同一指标、地区、单位、范围与对象下有两个及以上带年份数据点的序列。",
        "series-none": "本数据集中没有两个及以上带年份数据点的指标序列。",
        "rank-axis": "位次（纵轴倒置：1 为最前）",
        "top-n": "“前N名”为上界，以空心点表示",
        "conflict-note": "红点：两份文件对同一事实给出不同数值，两者并列",
        "central": "核心实体",
        "central-note": "PageRank 中心性最高的实体（另列介数中心性）；计算网络不含",
        "entity": "实体",
        "kinds": "类型",
        "pagerank": "PageRank",
        "betweenness": "介数中心性",
        "degree": "连接数",
        "brokers": "中介实体",
        "brokers-note": "Burt 结构洞：有效规模越大、约束越小，越处于连接不同群体的中介位置。",
        "effective": "有效规模",
        "constraint": "约束",
        "articulation": "割点（移除后网络分裂）",
        "bridges": "桥（移除后网络分裂的关系）",
        "communities": "社区",
        "communities-note": "Louvain 方法（固定随机种子）划分的紧密连接群体，"
        "以连接最多的成员命名；模块度",
        "community": "社区",
        "size": "规模",
        "members": "成员",
        "isolated": "无关系的实体",
        "gaps": "领域支撑缺口",
        "gaps-note": "各领域直接关联（任一关系、任一状态）的实验室、中试平台、项目、计划、政策、"
        "人才科创中心与成果的数量；0 即缺口。",
        "field": "领域",
        "links": "计数所依据的关系",
        "unsupported": "无任何支撑的领域",
        "status": "规划与落实",
        "status-note": "实体之间的关系与实体本身的状态：已完成、推进中、计划中（原文所述）。",
        "relations": "关系",
        "entities": "实体",
        "planned-relations": "计划中与推进中的关系",
        "planned-entities": "计划中与推进中的实体",
        "relation": "关系",
        "done": "已完成",
        "ongoing": "推进中",
        "planned": "计划中",
        "count": "数量",
        "source": "来源",
        "other-relations": "其他{n}种关系",
        "methods": "方法说明",
        "methods-text": "网络由实体之间的关系构成（文献章节、观测值、指标与单位不是节点）。"
        "中心性、中介与社区的计算不含以下类型的实体：{excluded}。{algorithm}；"
        "PageRank 在有向简单图上计算，其余指标在无向简单图上计算，同分按标识符排序。",
        "notes": "脚注",
        "none": "无",
        "section": "章节",
        "document": "文件",
        "generated": "由 ecograph {version} 根据数据集 {dataset} 生成；同一数据生成同一文件。",
        "more": "等",
    },
    "en": {
        "brief": "Data brief",
        "intro": "This brief is generated from the knowledge graph; every statement carries a "
        "footnote giving the verbatim source sentence and its section. Rankings, centrality, "
        "communities and gaps are computed on the graph; see Methods.",
        "sources": "Source documents",
        "contents": "Contents",
        "figures": "Key figures",
        "figures-note": "Values as printed (with hedges such as over, more than); where two "
        "documents give one fact different values both are kept and marked as a conflict.",
        "indicator": "Indicator",
        "value": "Value",
        "when": "Year",
        "area": "Area",
        "scope": "Scope",
        "about": "About",
        "note": "Note",
        "conflict": "conflict",
        "series": "Indicator series",
        "series-note": "Series with two or more dated points for one indicator, area, unit, "
        "scope and subject.",
        "series-none": "The dataset has no series with two or more dated points.",
        "rank-axis": "Rank (axis inverted: 1 is the top)",
        "top-n": "a top-N figure is a bound, drawn as an open marker",
        "conflict-note": "red: two documents give this fact different values, both shown",
        "central": "Central entities",
        "central-note": "The entities of highest PageRank (betweenness beside it); the network "
        "leaves out",
        "entity": "Entity",
        "kinds": "Kinds",
        "pagerank": "PageRank",
        "betweenness": "Betweenness",
        "degree": "Links",
        "brokers": "Brokers",
        "brokers-note": "Burt's structural holes: a larger effective size and a smaller "
        "constraint mean an entity bridges groups that are otherwise apart.",
        "effective": "Effective size",
        "constraint": "Constraint",
        "articulation": "Articulation points (removing one splits the network)",
        "bridges": "Bridges (relations whose removal splits the network)",
        "communities": "Communities",
        "communities-note": "Groups of closely linked entities (Louvain, fixed seed), each "
        "named by its member with most links; modularity",
        "community": "Community",
        "size": "Size",
        "members": "Members",
        "isolated": "Entities without relations",
        "gaps": "Field-support gaps",
        "gaps-note": "How many laboratories, pilot platforms, projects, programmes, policies, "
        "talent centres and achievements are directly linked to each field (any relation, any "
        "status); 0 is a gap.",
        "field": "Field",
        "links": "The relations behind the counts",
        "unsupported": "Fields with no support of any kind",
        "status": "Planned versus done",
        "status-note": "The status of the relations between entities and of entities "
        "themselves as the source states it: done, ongoing, planned.",
        "relations": "Relations",
        "entities": "Entities",
        "planned-relations": "Planned and ongoing relations",
        "planned-entities": "Planned and ongoing entities",
        "relation": "Relation",
        "done": "done",
        "ongoing": "ongoing",
        "planned": "planned",
        "count": "Count",
        "source": "Sources",
        "other-relations": "{n} other relations",
        "methods": "Methods",
        "methods-text": "The network is made of the relations between entities (document "
        "sections, observations, indicators and units are no nodes). Centrality, brokers and "
        "communities leave out entities of these kinds: {excluded}. {algorithm}; PageRank is "
        "computed on the simple directed graph, every other measure on the simple undirected "
        "graph; ties are ordered by id.",
        "notes": "Notes",
        "none": "none",
        "section": "section",
        "document": "document",
        "generated": "Generated by ecograph {version} from the dataset {dataset}; the same "
        "data gives the same file.",
        "more": "and others",
    },
}

# the viewer reads an entity's own quotes and status with the same two queries
_ENTITY_CITATIONS = _ENTITY_CITATIONS_QUERY
_ENTITY_STATUS = _STATUS_QUERY
_INDICATORS = "SELECT DISTINCT ?ind WHERE { ?obs a eco:Observation ; eco:indicator ?ind }"


@dataclass
class ReportResult:
    """What :func:`write_report` wrote: the file, its size and what the brief holds."""

    path: str
    bytes: int
    lang: str
    figures: int  # observations (points) listed as key figures
    charts: int  # inline SVG charts
    footnotes: int
    seconds: float
    #: parts of ``seconds``: importing matplotlib, drawing the charts, cutting the font
    timings: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def to_text(self, lang: str = "zh") -> str:
        parts = ", ".join(f"{k} {v:.2f} s" for k, v in self.timings.items())
        return (
            f"Wrote {self.path} ({self.bytes:,} bytes, {self.lang}): {self.figures} key figures, "
            f"{self.charts} charts, {self.footnotes} footnotes ({self.seconds:.2f} s"
            + (f"; {parts}" if parts else "")
            + ")."
        )


# --------------------------------------------------------------------------- footnotes


@dataclass(frozen=True, order=True)
class _Cite:
    quote: str
    section: str  # section id (or a table document's id)
    row: str = ""  # a table row reference, for a row of a registry


class _Notes:
    """The footnotes of the page, numbered in order of first reference; one note per distinct
    quote and section."""

    def __init__(self, labels: Any, documents: dict[str, str], lang: str):
        self.labels = labels
        self.documents = documents
        self.lang = lang
        self.number: dict[_Cite, int] = {}

    def ref(self, cites: Iterable[_Cite]) -> str:
        numbers: list[int] = []
        for cite in sorted(set(cites)):
            if cite not in self.number:
                self.number[cite] = len(self.number) + 1
            numbers.append(self.number[cite])
        if not numbers:
            return ""
        links = ",".join(f'<a href="#fn-{n}">{n}</a>' for n in sorted(numbers))
        return f'<sup class="fn">{links}</sup>'

    def html(self) -> str:
        from .text import row_text

        items = []
        for cite, number in sorted(self.number.items(), key=lambda kv: kv[1]):
            section = pick_label(self.labels(cite.section), self.lang) or cite.section
            document = self.documents.get(cite.section, "")
            where = f'<span class="where">{_e(section)}'
            if document and len(set(self.documents.values())) > 1:
                where += f" · {_e(pick_label(self.labels(document), self.lang) or document)}"
            where += "</span>"
            said = (
                f"<q>{_e(cite.quote)}</q>"
                if not cite.row
                else f'<span class="row">{_e(row_text(cite.row, self.lang))}</span>'
            )
            items.append(f'<li id="fn-{number}" value="{number}">{said} — {where}</li>')
        return '<ol class="notes">\n' + "\n".join(items) + "\n</ol>"


def _e(text: Any) -> str:
    return html.escape(str(text), quote=True)


# --------------------------------------------------------------------------- what the page says


class _Brief:
    """Reads what the brief shows from the graph, then writes its sections."""

    def __init__(self, kg: KnowledgeGraph, lang: str):
        from .lookup import section_documents

        self.kg = kg
        self.lang = lang
        self.t = UI[lang]
        self.names = kg.names()
        self.base = self.names.base
        self.store = kg.store
        self.projection = kg.network()
        self.graph = self.projection.graph
        self.documents = section_documents(self.store, self.base)
        self.notes = _Notes(self.label_of, self.documents, lang)
        self.own = self._own_citations()
        self.charts: list[_Chart] = []
        from .vocab import vocabulary

        self.vocab = vocabulary()

    # ---------------------------------------------------------------- reading

    def local(self, cell: dict[str, str] | None) -> str:
        value = (cell or {}).get("value", "")
        return value[len(self.base) :] if value.startswith(self.base) else value

    def label_of(self, entity: str) -> dict[str, str]:
        if not entity:
            return {}
        if entity in self.graph:
            return dict(self.graph.nodes[entity]["labels"])
        return dict(self.names.labels(entity))

    def _own_citations(self) -> dict[str, list[_Cite]]:
        own: dict[str, set[_Cite]] = {}
        for row in self.store.query(_ENTITY_CITATIONS, None).rows:
            cite = _Cite(
                row.get("quote", {}).get("value", ""),
                self.local(row.get("section")),
                row.get("row", {}).get("value", ""),
            )
            own.setdefault(self.local(row.get("e")), set()).add(cite)
        return {entity: sorted(cites) for entity, cites in own.items()}

    @staticmethod
    def edge_cites(data: dict[str, Any]) -> list[_Cite]:
        return [
            _Cite(str(c.quote), str(c.section), str(getattr(c, "row", "") or ""))
            for c in data.get("citations") or []
        ]

    # ---------------------------------------------------------------- writing helpers

    def name(self, labels: dict[str, str]) -> str:
        return pick_label(labels, self.lang)

    def entity(self, entity: str, *, both: bool = True, cite: bool = True) -> str:
        """An entity's name in the page's language (the other language beside it) with the
        footnotes of its own record."""
        labels = self.label_of(entity)
        main = self.name(labels) or entity
        other = labels.get(other_lang(self.lang), "")
        text = f'<span class="ent">{_e(main)}</span>'
        if both and other and other != main:
            text += f' <span class="alt">{_e(other)}</span>'
        if cite:
            text += self.notes.ref(self.own.get(entity, []))
        return text

    def kinds(self, kinds: Iterable[str]) -> str:
        return self.sep().join(_e(self.name(self.vocab.term_labels(k)) or k) for k in kinds)

    def add_chart(self, chart: _Chart) -> None:
        chart.number = len(self.charts) + 1
        self.charts.append(chart)

    def sep(self) -> str:
        return "、" if self.lang == "zh" else ", "

    # ---------------------------------------------------------------- sections

    def figures(self) -> tuple[str, int]:
        """Every observation of every indicator, the dated ones first (newest first)."""
        from .facts import TOP_N, same_value

        t = self.t
        indicators = sorted(
            self.local(r.get("ind")) for r in self.store.query(_INDICATORS, None).rows
        )
        rows: list[tuple[Any, ...]] = []
        groups: dict[tuple[str, ...], list[Any]] = {}
        for indicator in indicators:
            result = self.kg.series(indicator)
            for point in result.points:
                rows.append((result, point))
                if (point.year or "")[:4].isdigit():
                    key = (
                        indicator, point.area, point.unit, point.scope or "", point.about or "",
                    )  # fmt: skip
                    groups.setdefault(key, []).append(point)
        rows.sort(
            key=lambda rp: (
                not (rp[1].year or "")[:4].isdigit(),
                -int(rp[1].year[:4]) if (rp[1].year or "")[:4].isdigit() else 0,
                self.name(rp[0].indicator_labels),
                rp[0].indicator,
                rp[1].area,
                rp[1].value,
            )
        )
        body = []
        conflicts = any(point.conflict for _, point in rows)
        for result, point in rows:
            when = point.year or ""
            period = self.name(point.period)
            if period and period != when:
                when = f"{when} ({period})" if when else period
            cites = [_Cite(s.quote, s.section) for s in point.sources]
            note = f'<span class="conflict">{_e(t["conflict"])}</span>' if point.conflict else ""
            body.append(
                "<tr>"
                f"<td>{_e(self.name(result.indicator_labels) or result.indicator)}</td>"
                f'<td class="num">{_e(point.amount(self.lang))}{self.notes.ref(cites)}</td>'
                f"<td>{_e(when)}</td>"
                f'<td class="nw">{self.entity(point.area, both=False, cite=False)}</td>'
                '<td class="nw">'
                f"{self.entity(point.scope, both=False, cite=False) if point.scope else ''}</td>"
                f"<td>{self.entity(point.about, both=False, cite=False) if point.about else ''}"
                "</td>" + (f"<td>{note}</td>" if conflicts else "") + "</tr>"
            )
        columns = ("indicator", "value", "when", "area", "scope", "about")
        head = "".join(f"<th>{_e(t[k])}</th>" for k in (*columns, "note")[: 7 if conflicts else 6])
        table = (
            f'<table class="figures long"><thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(body)}</tbody></table>"
        )
        section = (
            _section("figures", t["figures"], f'<p class="lead">{_e(t["figures-note"])}</p>')
            + table
        )
        # the series: every group of two or more dated points, one chart each
        charts = []
        for group in sorted(groups):
            points = sorted(groups[group], key=lambda p: (p.year, _number(p.value), p.value))
            # as the viewer's charts: points of one year that agree (the same number, whatever
            # the hedge, except a top-N bound) are one mark with every source
            marks: list[list[Any]] = []
            for point in points:
                bound = point.qualifier == TOP_N
                same = next(
                    (
                        m
                        for m in marks
                        if m[0].year == point.year
                        and same_value(m[0].value, point.value)
                        and (m[0].qualifier == TOP_N) == bound
                    ),
                    None,
                )
                if same is None:
                    marks.append([point])
                else:
                    same.append(point)
            if len(marks) < 2:
                continue
            indicator, area, unit, scope, about = group
            labels = self.names.labels(indicator)
            title = self.name(labels) or indicator
            subtitle = self.sep().join(
                self.name(self.label_of(x)) for x in (area, scope, about) if x
            )
            unit_label = self.name(self.names.labels(unit)) or unit
            chart = _Chart(
                kind="series",
                title=f"{title} — {subtitle}" if subtitle else title,
                data={
                    "years": [m[0].year for m in marks],
                    "values": [_number(m[0].value) for m in marks],
                    "labels": [
                        " / ".join(dict.fromkeys(p.amount(self.lang) for p in m)) for m in marks
                    ],
                    "bound": [m[0].qualifier == TOP_N for m in marks],
                    "conflict": [any(p.conflict for p in m) for m in marks],
                    "unit": unit_label,
                    "rank": unit == "rank",
                    "rank_axis": self.t["rank-axis"],
                },
            )
            self.add_chart(chart)
            cites = [_Cite(s.quote, s.section) for p in points for s in p.sources]
            caption = f"{_e(t['source'])}{self.notes.ref(cites)}"
            notes = []
            if chart.data["rank"]:
                notes.append(self.t["rank-axis"])
            if any(chart.data["bound"]):
                notes.append(self.t["top-n"])
            if any(chart.data["conflict"]):
                notes.append(self.t["conflict-note"])
            if notes:
                caption += f' <span class="small">({_e("; ".join(notes))})</span>'
            charts.append(
                f'<figure class="chart">{chart.placeholder}'
                f"<figcaption>{caption}</figcaption></figure>"
            )
        series = _section(
            "series",
            t["series"],
            f'<p class="lead">{_e(t["series-note"] if charts else t["series-none"])}</p>',
        ) + "".join(charts)
        return section + series, len(rows)

    def central(self) -> str:
        t = self.t
        result = self.kg.rank("all", top=TOP)
        excluded = self.sep().join(self.name(self.vocab.term_labels(k)) for k in result.excluded)
        rows = []
        for row in result.rows:
            rows.append(
                f'<tr><td class="num">{row.rank}</td><td>{self.entity(row.id)}</td>'
                f"<td>{self.kinds(row.kinds)}</td>"
                f'<td class="num">{row.scores["pagerank"]:.4f}</td>'
                f'<td class="num">{row.scores["betweenness"]:.4f}</td></tr>'
            )
        chart = _Chart(
            kind="bars",
            title=f"{t['pagerank']} — {t['central']}",
            data={
                "labels": [self.name(row.labels) or row.id for row in result.rows],
                "values": [row.scores["pagerank"] for row in result.rows],
                "axis": t["pagerank"],
            },
        )
        self.add_chart(chart)
        head = "".join(
            f"<th>{_e(x)}</th>"
            for x in ("#", t["entity"], t["kinds"], t["pagerank"], t["betweenness"])
        )
        return (
            _section(
                "central",
                t["central"],
                f'<p class="lead">{_e(t["central-note"])} {_e(excluded or t["none"])}.</p>',
            )
            + f'<figure class="chart">{chart.placeholder}</figure>'
            + f'<table class="keep"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}'
            "</tbody></table>"
        )

    def brokers(self) -> str:
        t = self.t
        result = self.kg.brokers(top=TOP)
        rows = [
            f"<tr><td>{self.entity(h['id'])}</td><td>{self.kinds(h['kinds'])}</td>"
            f'<td class="num">{h["degree"]}</td>'
            f'<td class="num">{h["effective_size"]:.3f}</td>'
            f'<td class="num">{h["constraint"]:.3f}</td></tr>'
            for h in result.structural_holes
        ]
        head = "".join(
            f"<th>{_e(x)}</th>"
            for x in (t["entity"], t["kinds"], t["degree"], t["effective"], t["constraint"])
        )
        points = self.sep().join(
            self.entity(p["id"], both=False) for p in result.articulation_points
        )
        if result.articulation_total > len(result.articulation_points):
            points += f" {_e(t['more'])}"
        bridges = []
        for bridge in result.bridges:
            a, b = bridge["source"]["id"], bridge["target"]["id"]
            cites = [c for edge in self.projection.edges_between(a, b) for c in edge.citations]
            bridges.append(
                f"<li>{self.entity(a, both=False, cite=False)} — "
                f"{self.entity(b, both=False, cite=False)}"
                f"{self.notes.ref(self.edge_cites({'citations': cites}))}</li>"
            )
        return (
            _section("brokers", t["brokers"], f'<p class="lead">{_e(t["brokers-note"])}</p>')
            + f'<table class="keep"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}'
            "</tbody></table>"
            + f"<h3>{_e(t['articulation'])} ({result.articulation_total})</h3>"
            + f"<p>{points or _e(t['none'])}</p>"
            + f"<h3>{_e(t['bridges'])} ({len(result.bridges)})</h3>"
            + f'<ul class="cols">{"".join(bridges)}</ul>'
        )

    def communities(self) -> str:
        t = self.t
        result = self.kg.communities()
        rows = []
        for c in result.communities:
            members = self.sep().join(self.entity(m["id"], both=False) for m in c.members)
            kinds = self.sep().join(
                f"{_e(self.name(self.vocab.term_labels(k)) or k)} {n}" for k, n in c.kinds.items()
            )
            rows.append(
                f'<tr><td class="num">{c.number}</td>'
                f"<td>{self.entity(c.name, both=True, cite=False)}</td>"
                f'<td class="num">{c.size}</td><td>{kinds}</td><td>{members}</td></tr>'
            )
        head = "".join(
            f"<th>{_e(x)}</th>" for x in ("#", t["community"], t["size"], t["kinds"], t["members"])
        )
        isolated = self.sep().join(self.entity(m["id"], both=False) for m in result.isolates)
        return (
            _section(
                "communities",
                t["communities"],
                f'<p class="lead">{_e(t["communities-note"])} {result.modularity:.4f}.</p>',
            )
            + f'<table class="long"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}'
            "</tbody></table>"
            + f"<h3>{_e(t['isolated'])} ({len(result.isolates)})</h3>"
            + f"<p>{isolated or _e(t['none'])}</p>"
        )

    def gaps(self) -> str:
        from .analysis import SUPPORT_KINDS

        t = self.t
        result = self.kg.gaps()
        kind_names = [
            result.kind_labels[k] if self.lang == "zh" else SUPPORT_KINDS[k] for k in result.kinds
        ]
        chart = _Chart(
            kind="heatmap",
            title=t["gaps"],
            data={
                "rows": [self.name(r.labels) or r.field for r in result.rows],
                "columns": kind_names,
                "values": [[r.counts[k] for k in result.kinds] for r in result.rows],
            },
        )
        self.add_chart(chart)
        links = []
        for row in result.rows:
            cells = []
            for kind, kind_name in zip(result.kinds, kind_names, strict=True):
                for other in row.linked[kind]:
                    edges = self.projection.edges_between(row.field, other)
                    cites = [c for edge in edges for c in edge.citations]
                    predicates = self.sep().join(
                        sorted({self.name(e.predicate_labels) or e.predicate for e in edges})
                    )
                    cells.append(
                        f"<li>{_e(kind_name)}: {self.entity(other, both=False, cite=False)} "
                        f'<span class="small">({_e(predicates)})</span>'
                        f"{self.notes.ref(self.edge_cites({'citations': cites}))}</li>"
                    )
            if cells:
                links.append(
                    f"<li>{self.entity(row.field, both=False)}<ul>{''.join(cells)}</ul></li>"
                )
        unsupported = self.sep().join(self.entity(f, both=False) for f in result.unsupported)
        return (
            _section("gaps", t["gaps"], f'<p class="lead">{_e(t["gaps-note"])}</p>')
            + f'<figure class="chart">{chart.placeholder}</figure>'
            + f"<h3>{_e(t['unsupported'])} ({len(result.unsupported)})</h3>"
            + f"<p>{unsupported or _e(t['none'])}</p>"
            + f"<h3>{_e(t['links'])}</h3>"
            + f'<ul class="links">{"".join(links)}</ul>'
        )

    def status(self) -> str:
        t = self.t
        edges = sorted(
            ((u, v, d) for u, v, d in self.graph.edges(data=True) if d.get("status") in STATUSES),
            key=lambda e: (STATUSES.index(e[2]["status"]), e[2]["predicate"], e[0], e[1]),
        )
        by_predicate: dict[str, Counter[str]] = {}
        for _, _, data in edges:
            by_predicate.setdefault(data["predicate"], Counter())[data["status"]] += 1
        order = sorted(by_predicate, key=lambda p: (-sum(by_predicate[p].values()), p))
        shown = order[:STATUS_BARS]
        rest: Counter[str] = Counter()
        for predicate in order[STATUS_BARS:]:
            rest.update(by_predicate[predicate])
        bar_labels = [self.name(self.projection.predicate_labels.get(p, {})) or p for p in shown]
        bar_counts = {s: [by_predicate[p][s] for p in shown] for s in STATUSES}
        if rest:
            bar_labels.append(t["other-relations"].format(n=len(order) - STATUS_BARS))
            for status in STATUSES:
                bar_counts[status].append(rest[status])
        entity_status: dict[str, str] = {}
        for row in self.store.query(_ENTITY_STATUS, None).rows:
            entity = self.local(row.get("e"))
            if entity in self.graph:
                entity_status[entity] = row["status"]["value"].rsplit("#", 1)[-1]
        chart = _Chart(
            kind="status",
            title=f"{t['status']} — {t['relations']}",
            data={
                "labels": bar_labels,
                "series": bar_counts,
                "names": {s: t[s] for s in STATUSES},
                "axis": t["count"],
            },
        )
        self.add_chart(chart)
        totals = Counter(d["status"] for _, _, d in edges)
        entity_totals = Counter(entity_status.values())
        summary = "".join(
            f"<tr><td>{_e(t[s])}</td><td class='num'>{totals[s]}</td>"
            f"<td class='num'>{entity_totals[s] if s in entity_totals else '—'}</td></tr>"
            for s in STATUSES
        )
        relation_rows = []
        for u, v, data in edges:
            if data["status"] == "done":
                continue
            predicate = self.name(self.projection.predicate_labels.get(data["predicate"], {}))
            relation_rows.append(
                f'<tr><td><span class="st st-{_e(data["status"])}">{_e(t[data["status"]])}'
                f"</span></td><td>{self.entity(u, both=False, cite=False)} "
                f"—{_e(predicate or data['predicate'])}→ "
                f"{self.entity(v, both=False, cite=False)}"
                f"{self.notes.ref(self.edge_cites(data))}</td></tr>"
            )
        entity_rows = [
            f'<tr><td><span class="st st-{_e(s)}">{_e(t[s])}</span></td>'
            f"<td>{self.entity(e)}</td><td>{self.kinds(self.graph.nodes[e]['kinds'])}</td></tr>"
            for e, s in sorted(
                entity_status.items(),
                key=lambda kv: (STATUSES.index(kv[1]) if kv[1] in STATUSES else 9, kv[0]),
            )
            if s != "done"
        ]
        return (
            _section("status", t["status"], f'<p class="lead">{_e(t["status-note"])}</p>')
            + f'<table class="keep small-table"><thead><tr><th></th><th>{_e(t["relations"])}'
            f"</th><th>{_e(t['entities'])}</th></tr></thead><tbody>{summary}</tbody></table>"
            + f'<figure class="chart">{chart.placeholder}</figure>'
            + f"<h3>{_e(t['planned-relations'])} ({len(relation_rows)})</h3>"
            + f'<table class="long"><tbody>{"".join(relation_rows)}</tbody></table>'
            + f"<h3>{_e(t['planned-entities'])} ({len(entity_rows)})</h3>"
            + f'<table class="long"><tbody>{"".join(entity_rows)}</tbody></table>'
        )

    def methods(self) -> str:
        t = self.t
        result = self.kg.communities()
        excluded = (
            self.sep().join(self.name(self.vocab.term_labels(k)) for k in result.excluded)
            or t["none"]
        )
        text = t["methods-text"].format(
            excluded=excluded, algorithm=f"{result.algorithm}, seed {result.seed}"
        )
        return _section("methods", t["methods"], f"<p>{_e(text)}</p>")


def _section(anchor: str, title: str, lead: str = "") -> str:
    return f'<h2 id="{anchor}">{_e(title)}</h2>{lead}'


def _number(value: str) -> float:
    try:
        return float(value.replace(",", ""))
    except ValueError:
        return float("nan")


# --------------------------------------------------------------------------- charts


@dataclass
class _Chart:
    kind: str
    title: str
    data: dict[str, Any]
    number: int = 0  # its place in the page, from 1

    @property
    def placeholder(self) -> str:
        """Where the chart goes in the page, until it is drawn."""
        return f"\x00{self.number}\x00"

    def strings(self) -> str:
        """Every character the chart may draw (for the font subset)."""
        parts = [self.title, "0123456789.,-+%e …"]
        for value in self.data.values():
            if isinstance(value, str):
                parts.append(value)
            elif isinstance(value, list):
                parts += [str(v) for v in value if isinstance(v, str)]
            elif isinstance(value, dict):
                parts += [str(v) for v in value.values() if isinstance(v, str)]
        return "".join(parts)


_FONT_FILES: dict[str, tuple[str, str]] = {}  # subset digest -> (family, OpenType file)
_FONT_FOLDER: list[str] = []  # the process's folder of converted subsets, removed at exit


def _font_folder() -> str:
    if not _FONT_FOLDER:
        import atexit
        import shutil
        import tempfile

        folder = tempfile.mkdtemp(prefix="ecograph-report-font-")
        atexit.register(shutil.rmtree, folder, True)
        _FONT_FOLDER.append(folder)
    return _FONT_FOLDER[0]


def _chart_font(woff2: bytes) -> str:
    """The family name under which matplotlib knows the page's font subset (converted to
    OpenType once per subset and process: matplotlib reads fonts from files only). The name is
    the subset's digest, so two subsets never pass for each other in matplotlib's caches."""
    from fontTools.ttLib import TTFont
    from matplotlib import font_manager

    digest = hashlib.sha256(woff2).hexdigest()[:16]
    if digest in _FONT_FILES:
        return _FONT_FILES[digest][0]
    family = f"ecograph-report-{digest}"
    font = TTFont(io.BytesIO(woff2))
    font.flavor = None
    for record in font["name"].names:
        if record.nameID in (1, 4, 16):
            record.string = family
        elif record.nameID == 6:
            record.string = family.replace(" ", "-")
    path = str(Path(_font_folder()) / f"{family}.otf")
    font.save(path)
    font_manager.fontManager.addfont(path)
    _FONT_FILES[digest] = (family, path)
    return family


def _rc(family: str) -> Any:  # matplotlib types its keys as a Literal of every rcParam
    return {
        "svg.fonttype": "none",
        "svg.hashsalt": "ecograph-report",
        "svg.image_inline": True,
        "font.family": [family],
        "font.size": 8.5,
        "axes.unicode_minus": False,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.edgecolor": "#555555",
        "axes.titlesize": 9.5,
        "axes.titleweight": "normal",
        "xtick.color": "#333333",
        "ytick.color": "#333333",
        "path.simplify": False,
        "text.parse_math": False,  # a label with $ in it is text, not TeX
    }


def _draw(chart: _Chart) -> Any:
    from matplotlib.figure import Figure

    data = chart.data
    if chart.kind == "series":
        fig = Figure(figsize=SERIES_SIZE)
        ax = fig.add_subplot()
        years = data["years"]
        positions = {y: i for i, y in enumerate(sorted(set(years)))}
        xs = [positions[y] for y in years]
        solid = [(x, v) for x, v, b in zip(xs, data["values"], data["bound"], strict=True) if not b]
        # a line only where each year has one value: two sources that disagree are two marks of
        # one year, and no line chooses between them
        if len(solid) > 1 and len({x for x, _ in solid}) == len(solid):
            ax.plot([x for x, _ in solid], [v for _, v in solid], color="#2f5d8a", lw=1.4)
        for x, v, label, bound, conflict in zip(
            xs, data["values"], data["labels"], data["bound"], data["conflict"], strict=True
        ):
            ax.plot(
                [x], [v], marker="o", ms=6, ls="none",
                color="#b3261e" if conflict else "#2f5d8a",
                markerfacecolor="white" if bound else ("#b3261e" if conflict else "#2f5d8a"),
            )  # fmt: skip
            # the label above a mark that tops its neighbours (the marks of its own and the next
            # years), below any other, so that it stays clear of the line
            near = [w for x2, w in zip(xs, data["values"], strict=True) if 0 < abs(x2 - x) <= 1]
            same = [w for x2, w in zip(xs, data["values"], strict=True) if x2 == x and w != v]
            up = v >= max(same or near or [v]) if same or near else True
            if data["rank"]:
                up = not up  # the axis is inverted
            ax.annotate(
                label, (x, v), textcoords="offset points", xytext=(0, 7 if up else -8),
                ha="center", va="bottom" if up else "top", fontsize=8, color="#222222",
            )  # fmt: skip
        ax.set_xticks(range(len(positions)), list(positions))
        ax.set_xlim(-0.5, len(positions) - 0.5)
        low, high = min(data["values"]), max(data["values"])
        pad = (high - low) * 0.25 or max(abs(high) * 0.25, 1.0)
        ax.set_ylim(low - pad, high + pad)
        if data["rank"]:
            ax.invert_yaxis()
        ax.set_ylabel(data["rank_axis"] if data["rank"] else data["unit"])
        ax.grid(axis="y", color="#dddddd", lw=0.6)
        ax.set_title(chart.title, loc="left")
    elif chart.kind == "bars":
        fig = Figure(figsize=BAR_SIZE)
        ax = fig.add_subplot()
        labels, values = data["labels"][::-1], data["values"][::-1]
        ax.barh(range(len(values)), values, color="#2f5d8a", height=0.65)
        ax.set_yticks(range(len(values)), [_short(label, 36) for label in labels])
        for i, v in enumerate(values):
            ax.text(v, i, f" {v:.4f}", va="center", fontsize=7.5, color="#222222")
        ax.set_xlim(0, max(values or [1]) * 1.2)
        ax.set_xlabel(data["axis"])
        ax.set_title(chart.title, loc="left")
    elif chart.kind == "heatmap":
        rows, columns, values = data["rows"], data["columns"], data["values"]
        fig = Figure(figsize=(6.4, 0.9 + 0.26 * max(len(rows), 1)))
        ax = fig.add_subplot()
        import numpy as np

        matrix = np.array(values, dtype=float).reshape(len(rows), len(columns))
        mesh = ax.pcolormesh(
            matrix, cmap="Blues", vmin=0, vmax=max(float(matrix.max(initial=0)), 1.0),
            edgecolors="white", linewidth=1.0,
        )  # fmt: skip
        ax.invert_yaxis()
        for i in range(len(rows)):
            for j in range(len(columns)):
                value = int(matrix[i, j])
                ax.text(
                    j + 0.5, i + 0.5, str(value), ha="center", va="center", fontsize=7.5,
                    color="white" if value and value >= matrix.max() * 0.6 else
                    ("#b3261e" if value == 0 else "#222222"),
                )  # fmt: skip
        ax.set_xticks(
            [j + 0.5 for j in range(len(columns))], columns, fontsize=7.5, rotation=30,
            ha="left", rotation_mode="anchor",
        )  # fmt: skip
        ax.xaxis.tick_top()
        ax.set_yticks([i + 0.5 for i in range(len(rows))], [_short(r, 36) for r in rows])
        ax.tick_params(length=0)
        for spine in ax.spines.values():
            spine.set_visible(False)
        del mesh
    else:  # status
        fig = Figure(figsize=STATUS_SIZE)
        ax = fig.add_subplot()
        labels = data["labels"][::-1]
        left = [0] * len(labels)
        for status in STATUSES:
            counts = data["series"][status][::-1]
            ax.barh(
                range(len(labels)), counts, left=left, color=STATUS_COLOURS[status],
                height=0.65, label=data["names"][status],
            )  # fmt: skip
            left = [a + b for a, b in zip(left, counts, strict=True)]
        ax.set_yticks(range(len(labels)), [_short(label, 30) for label in labels])
        ax.set_xlabel(data["axis"])
        ax.legend(
            loc="lower right", bbox_to_anchor=(1.0, 1.0), ncols=3, frameon=False, fontsize=7.5,
        )  # fmt: skip
        ax.set_title(chart.title, loc="left")
    fig.set_layout_engine("constrained") if chart.kind != "heatmap" else fig.tight_layout()
    return fig


def _short(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` columns (a CJK character takes two), with an ellipsis."""
    from .text import display_width

    if display_width(text) <= limit:
        return text
    while text and display_width(text) > limit - 1:
        text = text[:-1]
    return text + "…"


_STYLE_ATTR = re.compile(r'\sstyle="([^"]*)"')
_ID_ATTR = re.compile(r'\sid="([^"]+)"')


def _inline_svg(svg: str, number: int, family: str) -> str:
    """matplotlib's SVG made fit to inline: no prologue, no metadata, no style element, ids
    unique to the chart, style attributes as presentation attributes, the page's font."""
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r"<metadata>.*?</metadata>\s*", "", svg, flags=re.S)
    svg = re.sub(r"<style[^>]*>.*?</style>\s*", "", svg, flags=re.S)
    svg = re.sub(r"<defs>\s*</defs>\s*", "", svg)
    prefix = f"c{number}-"
    svg = _ID_ATTR.sub(lambda m: f' id="{prefix}{m.group(1)}"', svg)
    svg = svg.replace('xlink:href="#', f'xlink:href="#{prefix}').replace("url(#", f"url(#{prefix}")

    def attributes(match: re.Match[str]) -> str:
        out = []
        for declaration in html.unescape(match.group(1)).split(";"):
            name, _, value = declaration.partition(":")
            name, value = name.strip(), value.strip()
            if not name:
                continue
            if name == "font-family":
                value = f"{FAMILY}, sans-serif"
            out.append(f' {name}="{_e(value)}"')
        return "".join(out)

    svg = _STYLE_ATTR.sub(attributes, svg)
    # matplotlib escapes <, > and & in text; quotes too, as every other string of the page
    svg = re.sub(
        r"(<text\b[^>]*>)([^<]*)(</text>)",
        lambda m: m.group(1) + _e(html.unescape(m.group(2))) + m.group(3),
        svg,
    )
    svg = svg.replace(family, FAMILY)
    # width and height in pt become a responsive box of the same proportions
    svg = re.sub(
        r'<svg ([^>]*?)width="([\d.]+)pt" height="([\d.]+)pt"',
        lambda m: f'<svg {m.group(1)}class="chart-svg" role="img"',
        svg,
        count=1,
    )
    return svg.strip()


def _render_charts(charts: list[_Chart], woff2: bytes) -> tuple[dict[int, str], dict[str, float]]:
    started = time.perf_counter()
    import matplotlib
    import matplotlib.backends.backend_svg
    import matplotlib.figure  # timed apart from the drawing

    imported = time.perf_counter()
    timings = {"matplotlib import": round(imported - started, 3)}
    if not charts:
        return {}, timings
    family = _chart_font(woff2)
    rendered: dict[int, str] = {}
    with matplotlib.rc_context(_rc(family)), warnings.catch_warnings():
        # a character the bundled font lacks is drawn by the reader's own fonts; matplotlib
        # would say so on standard error, and the library never writes there
        warnings.filterwarnings("ignore", r"Glyph \d+ .* missing from font", UserWarning)
        for chart in charts:
            fig = _draw(chart)
            out = io.StringIO()
            fig.savefig(
                out,
                format="svg",
                metadata={"Date": None, "Creator": None, "Format": None, "Type": None},
            )
            rendered[chart.number] = (
                f'<div class="svg" aria-label="{_e(chart.title)}">'
                f"{_inline_svg(out.getvalue(), chart.number, family)}</div>"
            )
    timings["charts"] = round(time.perf_counter() - imported, 3)
    return rendered, timings


# --------------------------------------------------------------------------- the page

_CSS = """\
:root{--font:"ecograph CJK","Noto Sans CJK SC","Source Han Sans SC","PingFang SC",\
"Microsoft YaHei",sans-serif}
*{box-sizing:border-box}
html{background:#fff}
body{margin:0 auto;max-width:52rem;padding:1.5rem 1.25rem 3rem;font-family:var(--font);
color:#1d1d1f;font-size:10.5pt;line-height:1.55}
header{border-bottom:2px solid #2f5d8a;margin-bottom:1rem;padding-bottom:.6rem}
header .kicker{color:#2f5d8a;font-size:9pt;letter-spacing:.08em;text-transform:uppercase}
h1{font-size:19pt;margin:.2rem 0 .3rem;line-height:1.3}
h1 .alt,h2 .alt{font-weight:normal;color:#666;font-size:.6em;display:block}
h2{font-size:13.5pt;color:#2f5d8a;border-bottom:1px solid #ccd6e0;margin:1.8rem 0 .5rem;
padding-bottom:.15rem;break-after:avoid;page-break-after:avoid}
h3{font-size:11pt;margin:1rem 0 .3rem;break-after:avoid;page-break-after:avoid}
p{margin:.3rem 0 .6rem}
.lead{color:#444}
.small{color:#666;font-size:8.5pt}
.alt{color:#666;font-size:.85em}
nav ol{columns:2;margin:.3rem 0;padding-left:1.4rem}
table{border-collapse:collapse;width:100%;margin:.4rem 0 .8rem;font-size:9pt}
th,td{border-bottom:1px solid #e3e3e3;padding:.22rem .35rem;text-align:left;vertical-align:top}
th{background:#f2f5f8;font-weight:600;white-space:nowrap}
td.num,td.nw{text-align:right;white-space:nowrap}
td.nw{text-align:left}
html[lang=en] table.figures td{white-space:normal}
table.figures td:first-child{width:30%}
thead{display:table-header-group}
tr{break-inside:avoid;page-break-inside:avoid}
table.keep,figure,.svg,svg{break-inside:avoid;page-break-inside:avoid}
figure{margin:.6rem 0 1rem}
figcaption{font-size:9pt;color:#333;margin-top:.2rem}
.svg{width:100%}
svg.chart-svg{width:100%;height:auto;display:block}
svg.chart-svg *{stroke-linejoin:round;stroke-linecap:butt}
sup.fn{font-size:.68em;line-height:0;margin-left:1px}
sup.fn a{color:#2f5d8a;text-decoration:none}
.conflict{color:#b3261e;font-weight:600}
.st{font-size:8.5pt;padding:0 .3em;border-radius:3px;color:#fff;white-space:nowrap}
.st-done{background:#3b7d4f}.st-ongoing{background:#d08c2e}.st-planned{background:#8c8c8c}
ul.cols{columns:2;padding-left:1.2rem}
ul.cols li,ul.links li{break-inside:avoid;page-break-inside:avoid}
ul.links>li{margin-bottom:.3rem}
ol.notes{font-size:8.5pt;padding-left:2.2rem;color:#333}
ol.notes li{margin:.12rem 0;break-inside:avoid;page-break-inside:avoid}
ol.notes q{quotes:"“" "”"}
ol.notes .where{color:#666}
footer{margin-top:2rem;border-top:1px solid #ddd;padding-top:.4rem;color:#666;font-size:8.5pt}
@page{size:A4;margin:16mm 14mm}
@media print{body{max-width:none;padding:0;font-size:9.5pt}a{color:inherit}
nav{break-after:page;page-break-after:always}}
"""


def _csp(css: str) -> str:
    return (
        "default-src 'none'; script-src 'none'; "
        f"style-src {csp_hash(css)}; img-src 'none'; font-src data:; connect-src 'none'; "
        "media-src 'none'; object-src 'none'; frame-src 'none'; worker-src 'none'; "
        "manifest-src 'none'; base-uri 'none'; form-action 'none'"
    )


def _visible_text(markup: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", markup))


def render_report(kg: KnowledgeGraph, lang: str = "zh") -> tuple[str, ReportResult]:
    """The brief of ``kg`` in ``lang`` (zh or en) and what it holds (``path`` empty, nothing
    written)."""
    from ._version import __version__
    from .fonts import font_face_rule, subset_woff2

    check_lang(lang)
    started = time.perf_counter()
    brief = _Brief(kg, lang)
    t = brief.t
    meta = kg.meta
    figures, figure_count = brief.figures()
    parts = [
        figures,
        brief.central(),
        brief.brokers(),
        brief.communities(),
        brief.gaps(),
        brief.status(),
        brief.methods(),
    ]
    title = pick_label(dict(meta.title or {}), lang) or meta.id
    other_title = dict(meta.title or {}).get(other_lang(lang), "")
    description = pick_label(dict(meta.description or {}), lang)
    documents = sorted(set(brief.documents.values()) | set(meta.sources or {}))
    sources = "".join(
        f"<li>{_e(pick_label(brief.label_of(d), lang) or d)}"
        + (
            f' <span class="alt">{_e(brief.label_of(d).get(other_lang(lang), ""))}</span>'
            if brief.label_of(d).get(other_lang(lang))
            else ""
        )
        + "</li>"
        for d in documents
    )
    anchors = ["figures", "series", "central", "brokers", "communities", "gaps", "status"]
    nav = "".join(f'<li><a href="#{a}">{_e(t[a])}</a></li>' for a in [*anchors, "methods"])
    nav += f'<li><a href="#notes">{_e(t["notes"])}</a></li>'
    header = (
        f'<header><div class="kicker">{_e(t["brief"])}</div>'
        f"<h1>{_e(title)}"
        + (f'<span class="alt">{_e(other_title)}</span>' if other_title else "")
        + "</h1>"
        + (f"<p>{_e(description)}</p>" if description else "")
        + f'<p class="lead">{_e(t["intro"])}</p>'
        f"<h3>{_e(t['sources'])}</h3><ul>{sources}</ul></header>"
        f"<nav><h3>{_e(t['contents'])}</h3><ol>{nav}</ol></nav>"
    )
    notes = f'<h2 id="notes">{_e(t["notes"])}</h2>' + brief.notes.html()
    footer = f"<footer>{_e(t['generated'].format(version=__version__, dataset=meta.id))}</footer>"
    body = header + "<main>" + "".join(parts) + notes + "</main>" + footer
    text = _visible_text(re.sub("\x00\\d+\x00", "", body)) + title
    text += "".join(c.strings() for c in brief.charts)
    font_started = time.perf_counter()
    woff2 = subset_woff2(text)
    face = font_face_rule(woff2)
    font_seconds = time.perf_counter() - font_started
    rendered, timings = _render_charts(brief.charts, woff2)
    timings["font"] = round(font_seconds, 3)
    for chart in brief.charts:
        body = body.replace(chart.placeholder, rendered[chart.number])
    css = face + "\n" + _CSS
    page = (
        "<!DOCTYPE html>\n"
        f'<html lang="{"zh-Hans" if lang == "zh" else "en"}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{_e(_csp(css))}">\n'
        '<meta name="referrer" content="no-referrer">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(title)} — {_e(t['brief'])}</title>\n"
        f"<style>{css}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n"
    )
    result = ReportResult(
        path="",
        bytes=len(page.encode("utf-8")),
        lang=lang,
        figures=figure_count,
        charts=len(brief.charts),
        footnotes=len(brief.notes.number),
        seconds=round(time.perf_counter() - started, 3),
        timings=timings,
    )
    return page, result


def build_report(kg: KnowledgeGraph, lang: str = "zh") -> str:
    """The brief of ``kg`` as one self-contained HTML page in ``lang`` (zh or en)."""
    return render_report(kg, lang)[0]


def write_report(kg: KnowledgeGraph, out: str | Path, lang: str = "zh") -> ReportResult:
    """Write the brief of ``kg`` to ``out`` atomically (wholly written or not touched)."""
    import dataclasses

    from .output import write_atomic

    started = time.perf_counter()
    page, result = render_report(kg, lang)
    path = write_atomic(Path(out), page)
    return dataclasses.replace(
        result, path=str(path), seconds=round(time.perf_counter() - started, 3)
    )
