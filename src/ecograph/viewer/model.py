"""What the viewer shows, before it becomes HTML: :func:`prepare_view` selects the nodes and
edges, sizes, colours and (for large graphs) lays them out, and reads the details the page shows
beyond the projection (observations, an entity's own quotes, aliases, status) with three bulk
queries.
"""

from __future__ import annotations

import json
import math
import zlib
from collections import Counter
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from ..analysis import DEFAULT_EXCLUDE
from ..errors import NotFoundError, UsageError
from ._files import ui_strings
from .layout import compute_layout

__all__ = [
    "FONT_STACK",
    "HUB_KINDS",
    "LANGS",
    "SEED_LAYOUT_ABOVE",
    "SIZE_MEASURES",
    "STABILIZATION_BUDGET",
    "ViewModel",
    "ViewResult",
    "ViewSource",
    "prepare_view",
]

SIZE_MEASURES = ("pagerank", "degree", "betweenness")
LANGS = ("zh", "en")
#: the face the page embeds (ecograph.fonts: the glyphs it uses), then fonts that have Chinese
#: glyphs on Linux, Windows and macOS, then the generic family
FONT_STACK = (
    '"ecograph CJK", "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", '
    '"Microsoft YaHei", "PingFang SC", "WenQuanYi Micro Hei", sans-serif'
)
#: kinds that are never nodes of the projection and never shown
_BOOKKEEPING = frozenset(
    {"Assertion", "Citation", "Dataset", "DocumentSection", "Observation", "Indicator", "Unit"}
)
#: above this many nodes (and up to the physics threshold) the browser's physics starts from the
#: Python layout instead of random positions; it runs STABILIZATION_BUDGET / nodes stabilization
#: iterations (100 to 700), which keeps the page's first drawing within a few seconds
SEED_LAYOUT_ABOVE = 300
STABILIZATION_BUDGET = 100_000

# Shape by the kind's family (its ontology superclass), colour by kind.
_FAMILY_SHAPES = (
    ("Person", "triangle"),
    ("Place", "triangleDown"),
    ("Document", "square"),
    ("Designation", "star"),
    ("TechnologyAchievement", "star"),
    ("Programme", "diamond"),
    ("Fund", "diamond"),
    ("ResearchProject", "diamond"),
    ("Field", "hexagon"),
    ("Organization", "dot"),
)
_KIND_COLORS = {
    "GovernmentBody": "#c0392b",
    "PoliticalParty": "#e74c3c",
    "University": "#2e86c1",
    "ResearchInstitution": "#1f618d",
    "NewTypeRDInstitution": "#8e44ad",
    "Laboratory": "#d35400",
    "PilotPlatform": "#ca6f1e",
    "TalentInnovationCentre": "#16a085",
    "ExpertWorkstation": "#48c9b0",
    "InnovationPlatform": "#117a65",
    "InstitutionCluster": "#6c3483",
    "Enterprise": "#7d6608",
    "Organization": "#5d6d7e",
    "Academician": "#b7950b",
    "Person": "#d4ac0d",
    "AdministrativeArea": "#566573",
    "Region": "#839192",
    "InnovationZone": "#229954",
    "Place": "#7f8c8d",
    "PolicyDocument": "#1a5276",
    "Document": "#2874a6",
    "Proposal": "#5499c7",
    "Programme": "#a04000",
    "Mechanism": "#dc7633",
    "Fund": "#9a7d0a",
    "ResearchProject": "#b03a2e",
    "TechnologyAchievement": "#cb4335",
    "Designation": "#7d3c98",
    "Award": "#a569bd",
    "Field": "#27ae60",
    "ResearchFacility": "#0e6655",
    "Event": "#af601a",
}
_PALETTE = (
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
    "#bcbd22", "#17becf", "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173", "#3182bd",
)  # fmt: skip
_OTHER_COMMUNITY = "#aab2bd"
#: the kinds the page can hide behind "hide areas and regions": what ``rank`` leaves out
HUB_KINDS = DEFAULT_EXCLUDE
_SHAPES = ("dot", "square", "diamond", "triangle", "triangleDown", "star", "hexagon")


# --------------------------------------------------------------------------- input and results


@dataclass(frozen=True, kw_only=True)
class ViewSource:
    """The parts of a knowledge graph the viewer reads, and nothing else.

    ``projection``: the entity network (``graph``, a networkx MultiDiGraph with ``kinds`` and
    ``labels`` on nodes and ``predicate``, ``status``, ``basis``, ``citations`` on edges; and
    ``predicate_labels``), as :meth:`KnowledgeGraph.network` gives it. ``store``: anything
    with ``.query(text, bindings)`` returning a result whose ``.rows`` are SPARQL-JSON cells
    (observations, an entity's own quotes and status are read from it). ``names``: the name
    index (:meth:`KnowledgeGraph.names`), for ``focus``, aliases and search rows. ``title``:
    the dataset title by language. Without a store or a name index the page shows what the
    projection carries (a synthetic network, say).

    ``KnowledgeGraph.view`` and ``KnowledgeGraph.render_view`` build one from the graph.
    """

    projection: Any
    store: Any = None
    names: Any = None
    title: Mapping[str, str] = field(default_factory=dict)


# --------------------------------------------------------------------------- results


@dataclass
class ViewResult:
    """What :func:`build_view` wrote."""

    path: str
    nodes: int
    edges: int
    counts_by_kind: dict[str, int]  # main kind -> nodes shown
    top: list[tuple[str, str, float]]  # (id, label, pagerank): the five highest
    physics: bool  # True: the browser lays the graph out; False: positions computed here
    seconds: float
    bytes: int = 0
    focus: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def to_text(self, lang: str = "zh") -> str:
        from ..text import view_text

        return view_text(self)


@dataclass
class ViewModel:
    """Everything the page shows, before it becomes HTML (see :func:`prepare_view`)."""

    payload: dict[str, Any]
    counts_by_kind: dict[str, int]
    top: list[tuple[str, str, float]]
    physics: bool
    focus: str | None = None
    title: str = "ecograph"
    lang: str = "zh"

    @property
    def nodes(self) -> int:
        return len(self.payload["nodes"])

    @property
    def edges(self) -> int:
        return len(self.payload["edges"])


def prepare_view(
    source: ViewSource,
    *,
    focus: str | None = None,
    depth: int = 1,
    kinds: list[str] | tuple[str, ...] | None = None,
    size_by: str = "pagerank",
    lang: str = "zh",
    physics_threshold: int = 1000,
    hide_hubs: bool = True,
) -> ViewModel:
    """Select the nodes and edges to show, size, colour and (for large graphs) lay them out.

    ``hide_hubs``: the page opens with areas and regions (:data:`HUB_KINDS`, the kinds
    ``ecograph rank`` leaves out) hidden behind its "hide areas and regions" box, unless
    ``kinds`` asks for kinds, the focus is one of them or every node shown is one. Up to
    ``physics_threshold`` nodes each node also carries its Louvain community
    (``ecograph.analysis.communities`` without the hub kinds, seed 42), for the page's
    "colour by community"; an observation in unit ``rank`` is flagged for the rankings chart."""
    from ..lookup import pick_label

    if size_by not in SIZE_MEASURES:
        raise UsageError(
            f"unknown measure {size_by!r}; choose one of {', '.join(SIZE_MEASURES)}",
            param="size_by",
        )
    if lang not in LANGS:
        raise UsageError(f"unknown language {lang!r}; choose zh or en", param="lang")
    if depth < 1:
        raise UsageError("depth must be at least 1", param="depth")
    projection = source.projection
    graph = projection.graph
    vocab = _vocabulary()
    wanted = list(dict.fromkeys(kinds or []))
    if wanted and vocab is not None:
        unknown = sorted(set(wanted) - set(vocab.classes))
        if unknown:
            raise UsageError(f"unknown kind {unknown[0]!r}", param="kinds")

    # which nodes
    focus_id: str | None = None
    if focus is not None:
        index = source.names
        if index is None:
            raise UsageError("a focus needs a name index in the view source", param="focus")
        center = index.resolve(focus, lang)
        if center.id not in graph:
            raise NotFoundError(
                f"{center.label(lang)} ({center.id}) is not part of the entity network"
            )
        result = projection.neighbors(center, depth, wanted or None)
        keep = {center.id} | {n.id for n in result.neighbors}
        focus_id = center.id
    else:
        keep = {
            n
            for n, data in graph.nodes(data=True)
            if not wanted or _is_any(data["kinds"], wanted, vocab)
        }
    node_ids = sorted(keep)

    # centrality on the whole network
    names = ("pagerank",) if size_by == "pagerank" else ("pagerank", size_by)
    scores = _measures(projection, names)
    pagerank = scores["pagerank"]
    sized = scores[size_by]

    # kinds, labels, details
    details = _Details.read(source)
    main_kind = {n: _main_kind(graph.nodes[n]["kinds"], vocab) for n in node_ids}
    counts = Counter(main_kind.values())
    kind_order = sorted(counts, key=lambda k: (-counts[k], k))
    kind_list = []
    for kind in kind_order:
        color = _KIND_COLORS.get(kind) or _PALETTE[zlib.crc32(kind.encode("utf-8")) % len(_PALETTE)]
        kind_list.append(
            {
                "kind": kind,
                "labels": _kind_labels(kind, vocab),
                "color": color,
                "border": _darker(color),
                "shape": _shape(kind, vocab),
                "count": counts[kind],
            }
        )
    all_kinds = sorted({k for n in node_ids for k in graph.nodes[n]["kinds"]} | set(kind_order))
    kind_names = {k: _kind_labels(k, vocab) for k in all_kinds}

    # edges among the kept nodes, in a fixed order
    edge_rows = []
    for u, v, key, data in graph.edges(keys=True, data=True):
        if u in keep and v in keep:
            edge_rows.append((u, v, str(data.get("predicate", key)), str(key), data))
    edge_rows.sort(key=lambda r: (r[0], r[1], r[2], r[3]))

    physics = len(node_ids) <= physics_threshold
    positions: dict[str, tuple[float, float]] = {}
    if not physics or len(node_ids) > SEED_LAYOUT_ABOVE:
        # large: fixed positions; middle-sized: starting positions the browser's physics refines
        positions = compute_layout(node_ids, [(r[0], r[1]) for r in edge_rows], main_kind)
    iterations = min(700, max(100, round(STABILIZATION_BUDGET / max(len(node_ids), 1))))
    hubs = {n for n in node_ids if _is_any(list(graph.nodes[n]["kinds"]), list(HUB_KINDS), vocab)}
    community_of, community_list = _communities(projection, keep) if physics else ({}, [])

    top_value = max((sized.get(n, 0.0) for n in node_ids), default=0.0)
    nodes_out = []
    for n in node_ids:
        data = graph.nodes[n]
        labels = {k: v for k, v in dict(data.get("labels") or {}).items() if k in LANGS and v}
        value = sized.get(n, 0.0)
        size = 9.0 + 31.0 * math.sqrt(value / top_value) if top_value > 0 else 12.0
        item: dict[str, Any] = {
            "id": n,
            "labels": labels,
            "aliases": details.aliases(n, data),
            **details.search_rows(n, data),
            "kind": main_kind[n],
            "kinds": list(data["kinds"]),
            "size": round(size, 2),
            "score": {name: scores[name].get(n, 0.0) for name in names},
        }
        status = details.status.get(n)
        if status:
            item["status"] = status
        obs = details.observations.get(n)
        if obs:
            item["obs"] = obs
        charts = details.series.get(n)
        if charts:
            item["series"] = charts
        cites = details.citations(n, data)
        if cites:
            item["cites"] = cites
        if n in positions:
            item["x"], item["y"] = positions[n]
        if n in hubs:
            item["hub"] = True
        if n in community_of:
            item["community"] = community_of[n]
        nodes_out.append(item)

    edges_out = []
    for u, v, predicate, _, data in edge_rows:
        edge: dict[str, Any] = {
            "from": u,
            "to": v,
            "p": predicate,
            "status": str(data.get("status") or "done"),
            "basis": str(data.get("basis") or "explicit"),
        }
        cites = [_citation(c, details) for c in data.get("citations") or []]
        if cites:
            edge["cites"] = cites
        edges_out.append(edge)

    predicate_labels = getattr(projection, "predicate_labels", {}) or {}
    used = sorted({e["p"] for e in edges_out})
    predicates = {
        p: {k: v for k, v in dict(predicate_labels.get(p) or {}).items() if k in LANGS} or {"en": p}
        for p in used
    }

    title_labels = details.title or {"zh": "ecograph 知识图谱", "en": "ecograph knowledge graph"}
    ranked = sorted(node_ids, key=lambda n: (-pagerank.get(n, 0.0), n))[:5]
    top = [
        (n, pick_label(dict(graph.nodes[n].get("labels") or {}), lang) or n, pagerank.get(n, 0.0))
        for n in ranked
    ]
    payload = {
        "meta": {
            "title": title_labels,
            "lang": lang,
            "font": FONT_STACK,
            "physics": physics,
            "iterations": iterations if physics else 0,
            "focus": focus_id,
            "depth": depth if focus_id else None,
            "sizeBy": size_by,
            "kindsWanted": wanted,
            "hideHubs": bool(
                hide_hubs
                and hubs
                and not wanted
                and len(hubs) < len(node_ids)
                and focus_id not in hubs
            ),
            "ui": ui_strings()[lang],
        },
        "kinds": kind_list,
        "communities": community_list,
        "kindNames": kind_names,
        "predicates": predicates,
        "nodes": nodes_out,
        "edges": edges_out,
    }
    shown_documents = sorted(
        {
            q["document"]
            for n in nodes_out
            for o in n.get("obs", [])
            for q in o.get("quotes", [])
            if "document" in q
        }
    )
    if shown_documents:
        payload["documents"] = {d: details.documents[d] for d in shown_documents}
    return ViewModel(
        payload=payload,
        counts_by_kind={k: counts[k] for k in kind_order},
        top=top,
        physics=physics,
        focus=focus_id,
        title=pick_label(title_labels, lang),
        lang=lang,
    )


# --------------------------------------------------------------------------- helpers


def _vocabulary() -> Any:
    """The ontology's vocabulary (``None`` if it cannot be read, e.g. for synthetic graphs)."""
    from ..vocab import vocabulary

    try:
        return vocabulary()
    except Exception:
        return None


def _is_any(node_kinds: list[str], wanted: list[str], vocab: Any) -> bool:
    if vocab is None:
        return bool(set(node_kinds) & set(wanted))
    return vocab.is_any(node_kinds, wanted)


def _main_kind(node_kinds: list[str], vocab: Any) -> str:
    """The kind a node is drawn and filtered as: the most specific of its kinds (one no other
    of its kinds descends from), the first by name when several are."""
    kinds = (
        sorted(k for k in node_kinds if k not in _BOOKKEEPING) or sorted(node_kinds) or ["Entity"]
    )
    if vocab is not None:
        specific = [k for k in kinds if not any(o != k and vocab.is_a(o, k) for o in kinds)]
        kinds = specific or kinds
    return kinds[0]


def _kind_labels(kind: str, vocab: Any) -> dict[str, str]:
    labels = vocab.term_labels(kind) if vocab is not None else {}
    return {k: v for k, v in labels.items() if k in LANGS} or {"zh": kind, "en": kind}


def _shape(kind: str, vocab: Any) -> str:
    for family, shape in _FAMILY_SHAPES:
        if kind == family or (vocab is not None and vocab.is_a(kind, family)):
            return shape
    if vocab is not None and kind in vocab.classes:
        return "hexagon"
    return _SHAPES[zlib.crc32(kind.encode("utf-8")) % len(_SHAPES)]


def _darker(color: str) -> str:
    r, g, b = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    return "#{:02x}{:02x}{:02x}".format(*(int(c * 0.7) for c in (r, g, b)))


def _measures(projection: Any, names: tuple[str, ...]) -> dict[str, dict[str, float]]:
    """Centrality on the whole projection (no kind left out), by :func:`ecograph.analysis.measures`
    (which also decides when betweenness is estimated from sampled sources on large graphs)."""
    from ..analysis import analysis_view, measures

    directed, undirected = analysis_view(projection, exclude=())
    return measures(directed, undirected, tuple(names))


def _communities(projection: Any, keep: set[str]) -> tuple[dict[str, int], list[dict[str, Any]]]:
    """Each shown node's Louvain community (numbered as ``ecograph communities`` numbers them,
    areas and regions left out, seed 42) and the communities with a shown member: number, the
    labels of the most central member, members shown, colour. The 16 biggest get a colour of
    their own; the rest share grey."""
    from ..analysis import communities

    result = communities(projection, exclude=DEFAULT_EXCLUDE, seed=42)
    of: dict[str, int] = {}
    listed: list[dict[str, Any]] = []
    for community in result.communities:
        members = sorted(m["id"] for m in community.members if m["id"] in keep)
        if not members:
            continue
        for m in members:
            of[m] = community.number
        color = _PALETTE[len(listed)] if len(listed) < len(_PALETTE) else _OTHER_COMMUNITY
        listed.append(
            {
                "number": community.number,
                "labels": {k: v for k, v in community.name_labels.items() if k in LANGS and v}
                or {"en": community.name},
                "size": len(members),
                "color": color,
                "border": _darker(color),
            }
        )
    return of, listed


def _citation(cite: Any, details: _Details) -> dict[str, Any]:
    if isinstance(cite, dict):
        quote, section, labels, row = (
            cite.get("quote", ""),
            cite.get("section", ""),
            cite.get("section_labels") or {},
            cite.get("row", ""),
        )
    else:
        quote, section = getattr(cite, "quote", ""), getattr(cite, "section", "")
        labels = getattr(cite, "section_labels", None) or {}
        row = getattr(cite, "row", "")
    labels = {k: v for k, v in dict(labels or details.labels(section)).items() if k in LANGS and v}
    return _cite_item(str(quote), labels or {"en": str(section)}, str(row or ""))


def _cite_item(quote: str, section: dict[str, str], row: str) -> dict[str, Any]:
    """A citation as the page draws it: the quote, or for a table row "row 5312 of 名单.csv"
    in each language, and the section's (or table document's) labels."""
    from ..text import row_text

    if row:
        return {"row": {lang: row_text(row, lang) for lang in LANGS}, "section": section}
    return {"quote": quote, "section": section}


_OBSERVATIONS_QUERY = """
SELECT ?obs ?e ?ind ?value ?unit ?area ?year ?qual ?periodZh ?periodEn ?quote ?section WHERE {
  ?obs a eco:Observation ; eco:indicator ?ind ; eco:value ?value ; eco:unit ?unit ;
       eco:refArea ?area .
  { ?obs eco:refArea ?e } UNION { ?obs eco:about ?e }
  OPTIONAL { ?obs eco:year ?year }
  OPTIONAL { ?obs eco:qualifier ?qual }
  OPTIONAL { ?obs eco:periodNote ?periodZh FILTER(lang(?periodZh) = "zh") }
  OPTIONAL { ?obs eco:periodNote ?periodEn FILTER(lang(?periodEn) = "en") }
  OPTIONAL {
    ?g eco:assertionAbout ?obs ; eco:citation ?c . ?c oa:exact ?quote ; eco:section ?section
  }
}"""
_ENTITY_CITATIONS_QUERY = """
SELECT DISTINCT ?e ?quote ?section ?row WHERE {
  ?g a eco:Assertion ; eco:assertionAbout ?e ; eco:citation ?c .
  GRAPH ?g { ?e a ?kind }
  { ?c oa:exact ?quote ; eco:section ?section }
  UNION { ?c dct:identifier ?row ; dct:source ?section }
}"""
_STATUS_QUERY = (
    "SELECT ?e ?status WHERE { ?e a ?kind ; eco:status ?status . FILTER(?kind != eco:Assertion) }"
)


def _charts(
    entity: str,
    items: list[dict[str, Any]],
    chart_keys: dict[int, tuple[str, ...]],
    area_labels: Any,
) -> list[dict[str, Any]]:
    """The small charts of a card: the card's dated observations by indicator, area, unit,
    scope and subject (the same fact, year by year), each chart with at least two points. One
    point per year and value (observations that agree are one point with their sources
    together); values that conflict are two points of one year, each marked."""
    from ..facts import TOP_N, same_value

    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for item in items:
        if item.get("year", "")[:4].isdigit():
            groups.setdefault(chart_keys[id(item)], []).append(item)
    charts = []
    for key in sorted(groups):
        points: list[dict[str, Any]] = []
        for item in sorted(groups[key], key=lambda o: (o["year"], _number(o["value"]), o["id"])):
            bound = item.get("qualifier") == TOP_N
            sources = [{"amount": item["amount"], **quote} for quote in item["quotes"]]
            same = next(
                (
                    p
                    for p in points
                    if p["year"] == item["year"]
                    and same_value(p["value"], item["value"])
                    and p["bound"] == bound
                ),
                None,
            )
            if same is not None:
                same["sources"] += [q for q in sources if q not in same["sources"]]
                continue
            point = {
                "year": item["year"],
                "value": item["value"],
                "amount": item["amount"],
                "bound": bound,
                "sources": sources,
            }
            if item.get("conflict"):
                point["conflict"] = True
            points.append(point)
        if len(points) < 2:
            continue
        for point in points:
            del point["bound"]
        first = groups[key][0]
        charts.append({"indicator": first["indicator"], "unit": first["unit"], "points": points})
        if key[1] != entity:
            charts[-1]["area"] = area_labels(key[1])
    return charts


def _number(value: str) -> float:
    try:
        return float(value.replace(",", ""))
    except ValueError:
        return float("inf")


class _Details:
    """What the page shows about nodes beyond the projection: observations (and the series
    they draw), own citations, aliases, entity status, the dataset title. Read with six bulk
    queries, not per node."""

    def __init__(self) -> None:
        self.index: Any = None
        self.title: dict[str, str] = {}
        self.observations: dict[str, list[dict[str, Any]]] = {}
        #: entity id -> the small charts of its card: one per indicator (and area, unit, scope)
        #: with at least two dated points
        self.series: dict[str, list[dict[str, Any]]] = {}
        #: document id -> labels, for the documents the observations' quotes name
        self.documents: dict[str, dict[str, str]] = {}
        self.own_citations: dict[str, list[dict[str, Any]]] = {}
        self.status: dict[str, str] = {}

    @classmethod
    def read(cls, source: ViewSource) -> _Details:
        from ..facts import fact_key, fact_peers
        from ..loader import printed_number
        from ..lookup import amount_text, observation_contexts, pick_label, section_documents

        details = cls()
        details.index = source.names
        details.title = {k: v for k, v in dict(source.title or {}).items() if k in LANGS}
        store = source.store
        if store is None or details.index is None:
            return details
        base = details.index.base

        def local(cell: dict[str, Any] | None) -> str:
            value = (cell or {}).get("value", "")
            return value[len(base) :] if value.startswith(base) else value

        graph = source.projection.graph
        documents = section_documents(store, base)
        contexts = observation_contexts(store, base)  # scope and about, read apart (see lookup)
        seen: dict[tuple[str, str], dict[str, Any]] = {}
        facts: dict[str, tuple[Any, str]] = {}  # observation id -> (fact, value as printed)
        chart_keys: dict[int, tuple[str, ...]] = {}  # id(item) -> what its chart is of
        for row in store.query(_OBSERVATIONS_QUERY, None).rows:
            entity, obs_id = local(row.get("e")), local(row.get("obs"))
            if entity not in graph:
                continue
            item = seen.get((entity, obs_id))
            if item is None:
                indicator, unit_id, area = (local(row[k]) for k in ("ind", "unit", "area"))
                scope, about = (contexts.get(obs_id, {}).get(k, "") for k in ("scope", "about"))
                year = row["year"]["value"] if "year" in row else None
                period = {
                    k: row[c]["value"]
                    for k, c in (("zh", "periodZh"), ("en", "periodEn"))
                    if c in row
                }
                value, unit = (
                    printed_number(row["value"]["value"]),
                    details.labels(local(row["unit"])),
                )
                qualifier = row["qual"]["value"] if "qual" in row else None
                facts[obs_id] = (
                    fact_key(
                        indicator, area, year, unit_id,
                        scope=scope, about=about, qualifier=qualifier,
                    ),
                    value,
                )  # fmt: skip
                item = {
                    "id": obs_id,
                    "year": year,
                    "period": period,
                    "indicator": details.labels(local(row["ind"])),
                    "value": value,
                    "unit": unit,
                    "qualifier": qualifier,
                    # a position in a ranking (unit "rank"): the card draws these in a chart
                    "rank": True if unit_id == "rank" else None,
                    # value, unit and hedge as each language writes them (超9亿元, over 9 …)
                    "amount": {
                        lang: amount_text(value, pick_label(unit, lang), qualifier, lang)
                        for lang in LANGS
                    },
                    "quotes": [],
                }
                item = {k: v for k, v in item.items() if v is not None}
                seen[(entity, obs_id)] = item
                chart_keys[id(item)] = (indicator, area, unit_id, scope, about)
                details.observations.setdefault(entity, []).append(item)
            if "quote" in row and "section" in row:
                section = local(row["section"])
                cite = {"quote": row["quote"]["value"], "section": details.labels(section)}
                document = documents.get(section, "")
                if document:
                    cite["document"] = document
                    details.documents[document] = details.labels(document) or {"en": document}
                if cite not in item["quotes"]:
                    item["quotes"].append(cite)
        peers = fact_peers({k: facts[k] for k in sorted(facts)})
        for items in details.observations.values():
            for item in items:
                item["quotes"].sort(
                    key=lambda c: (c["quote"], json.dumps(c["section"], sort_keys=True))
                )
                if item["id"] in peers and peers[item["id"]].conflict:
                    item["conflict"] = True
            items.sort(
                key=lambda o: (
                    -int(o["year"][:4]) if o.get("year", "")[:4].isdigit() else 0,
                    pick_label(o["indicator"], "zh"),
                    o["value"],
                    o["id"],
                )
            )
        for entity, items in details.observations.items():
            charts = _charts(entity, items, chart_keys, details.labels)
            if charts:
                details.series[entity] = charts
            for item in items:
                del item["id"]
                if not item["quotes"]:
                    del item["quotes"]
        own: dict[str, set[tuple[str, str, str]]] = {}
        for row in store.query(_ENTITY_CITATIONS_QUERY, None).rows:
            entity = local(row.get("e"))
            if entity in graph:
                own.setdefault(entity, set()).add(
                    (
                        row.get("quote", {}).get("value", ""),
                        local(row["section"]),
                        row.get("row", {}).get("value", ""),
                    )
                )
        for entity, triples in own.items():
            details.own_citations[entity] = [
                _cite_item(quote, details.labels(section) or {"en": section}, row_ref)
                for quote, section, row_ref in sorted(triples)
            ]
        for row in store.query(_STATUS_QUERY, None).rows:
            entity = local(row.get("e"))
            status = row["status"]["value"].rsplit("#", 1)[-1]
            if entity in graph and status != "done":
                details.status[entity] = status
        return details

    def labels(self, entity_id: str) -> dict[str, str]:
        if self.index is None or not entity_id:
            return {}
        return {k: v for k, v in self.index.labels(entity_id).items() if k in LANGS and v}

    def aliases(self, node: str, data: dict[str, Any]) -> list[str]:
        names: list[str] = []
        entry = getattr(self.index, "entries", {}).get(node) if self.index is not None else None
        if entry is not None:
            for lang in sorted(entry.alt_labels):
                names += [a for a in entry.alt_labels[lang] if a not in names]
        for alias in data.get("aliases") or []:
            if alias not in names:
                names.append(str(alias))
        return names

    def search_rows(self, node: str, data: dict[str, Any]) -> dict[str, list[list[str]]]:
        """What the search box matches for a node: the name index's rows (labels, aliases, id,
        document numbers, pinyin), or for a graph without an index its labels, aliases and id."""
        if self.index is not None and node in self.index.entries:
            return self.index.search_keys(node)
        from ..lookup import normalize_name

        labels = dict(data.get("labels") or {})
        rows = [[normalize_name(node), "id", node]]
        rows += [
            [normalize_name(v), "english" if k == "en" else "label", v]
            for k, v in sorted(labels.items())
            if v
        ]
        rows += [[normalize_name(a), "alias", a] for a in self.aliases(node, data)]
        return {"names": sorted(r for r in rows if r[0]), "pinyin": []}

    def citations(self, node: str, data: dict[str, Any]) -> list[dict[str, Any]]:
        if node in self.own_citations:
            return self.own_citations[node]
        return [_citation(c, self) for c in data.get("citations") or []]
