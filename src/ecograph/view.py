"""The interactive viewer: one self-contained, offline HTML file of the entity network.

``build_view(kg, "ordos.html")`` writes a single UTF-8 page that opens from disk with no network
at all: the vis-network library that ships inside the pyvis package (JavaScript and CSS) is
inlined, the nodes and edges are written as one JSON block, and a small script of our own builds
the page (search, kind filter and legend, neighbourhood highlight, tooltips, a details panel with
every relation in and out and the quote behind it).

Safety. Every string from the data (labels, aliases, quotes, section names) travels only inside
that JSON block, where ``<``, ``>``, ``&`` and U+2028/U+2029 are written as ``\\uXXXX`` escapes,
so nothing in the data can close the ``<script>`` element. The page script puts text on screen
only through ``textContent`` (never ``innerHTML``) and gives vis-network no ``title`` strings
(vis renders those as HTML): tooltips are our own DOM elements. On top of that a
Content-Security-Policy allows only the page's own two scripts (by SHA-256 hash), no network
fetches of any kind, and no inline event handlers.

Large graphs. Up to ``physics_threshold`` nodes the browser lays the graph out (vis-network
physics with a fixed seed, switched off once stable). Above it the layout is computed here (see
:func:`compute_layout`): a spring layout of the best-connected nodes with a fixed seed, every other
node placed around the neighbour that reached it, isolated parts packed in rows by kind; the
page then draws fixed positions with physics off.

pyvis itself is never imported (importing it costs half a second and its HTML links CDNs); only
its bundled copy of vis-network is read.
"""

from __future__ import annotations

import base64
import hashlib
import heapq
import html
import importlib.util
import json
import math
import re
import time
import zlib
from collections import Counter, deque
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from .errors import NotFoundError, OutputError

__all__ = [
    "CHROMIUM",
    "CHROMIUM_ARGS",
    "FONT_STACK",
    "SIZE_MEASURES",
    "ViewModel",
    "ViewResult",
    "build_view",
    "compute_layout",
    "prepare_view",
    "render_html",
]

#: Debian's Chromium and the flags it needs headless on a machine with no network (as root, no
#: sandbox; no background connections). Used by the browser tests and benchmarks/viewer.py.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)

SIZE_MEASURES = ("pagerank", "degree", "betweenness")
LANGS = ("zh", "en")
#: fonts that have Chinese glyphs on Linux, Windows and macOS, then the generic family
FONT_STACK = (
    '"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Microsoft YaHei", '
    '"PingFang SC", "WenQuanYi Micro Hei", sans-serif'
)
#: kinds that are never nodes of the projection and never shown
_BOOKKEEPING = frozenset(
    {"Assertion", "Citation", "Dataset", "DocumentSection", "Observation", "Indicator", "Unit"}
)
#: how many of the best-connected nodes the Python layout runs a spring layout on
BACKBONE = 400
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
_SHAPES = ("dot", "square", "diamond", "triangle", "triangleDown", "star", "hexagon")

_UI = {
    "zh": {
        "search": "搜索名称、英文名、别名、拼音、文号或 id",
        "searchLabel": "查找机构",
        "noResults": "没有匹配的名称",
        "closest": "没有匹配的名称；最接近的是：",
        "moreResults": "另有 {n} 个结果，请输入更完整的名称",
        "kinds": "类型（勾选显示）",
        "all": "全选",
        "none": "全不选",
        "relations": "关系状态",
        "status": {"done": "已完成", "ongoing": "推进中", "planned": "计划中"},
        "statusLine": {"done": "实线", "ongoing": "长虚线", "planned": "短虚线"},
        "basis": {"explicit": "原文明确表述", "implied": "据原文推断"},
        "details": "详情",
        "hint": "点击节点查看它的全部关联及原文依据；点击空白处恢复。",
        "kind": "类型",
        "aliases": "别名",
        "entityStatus": "状态",
        "observations": "数据",
        "sources": "原文依据",
        "outgoing": "指向其他实体",
        "incoming": "其他实体指向它",
        "noRelations": "（无）",
        "more": "……另有 {n} 条",
        "clickHint": "点击查看关联",
        "counts": "{nodes} 个实体，{edges} 条关系",
        "sizeBy": "节点大小：{measure}",
        "focus": "焦点：{label}（{depth} 步以内）",
        "reset": "重置视图",
        "physicsOff": "大图：布局已预先计算",
        "measures": {"pagerank": "PageRank", "degree": "度中心性", "betweenness": "中介中心性"},
        "year": "{year}年",
        "id": "编号",
        "noscript": "此页面需要启用 JavaScript。",
    },
    "en": {
        "search": "Search names, aliases, pinyin, document numbers or ids",
        "searchLabel": "Find an institution",
        "noResults": "No matching name",
        "closest": "No name matches; the closest are:",
        "moreResults": "{n} more; type more of the name",
        "kinds": "Kinds (tick to show)",
        "all": "All",
        "none": "None",
        "relations": "Relation status",
        "status": {"done": "done", "ongoing": "ongoing", "planned": "planned"},
        "statusLine": {"done": "solid", "ongoing": "long dashes", "planned": "short dashes"},
        "basis": {"explicit": "stated in the source", "implied": "implied by the source"},
        "details": "Details",
        "hint": "Click a node to see every relation in and out and the quote behind it; click the background to reset.",
        "kind": "Kind",
        "aliases": "Aliases",
        "entityStatus": "Status",
        "observations": "Figures",
        "sources": "Sources",
        "outgoing": "Relations out",
        "incoming": "Relations in",
        "noRelations": "(none)",
        "more": "… {n} more",
        "clickHint": "Click to see its links",
        "counts": "{nodes} entities, {edges} relations",
        "sizeBy": "Node size: {measure}",
        "focus": "Focus: {label} (within {depth} step(s))",
        "reset": "Reset view",
        "physicsOff": "Large graph: layout precomputed",
        "measures": {"pagerank": "PageRank", "degree": "degree", "betweenness": "betweenness"},
        "year": "{year}",
        "id": "id",
        "noscript": "This page needs JavaScript.",
    },
}


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
        from .text import view_text

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


# --------------------------------------------------------------------------- public API


def build_view(
    kg: Any,
    out: str | Path,
    *,
    focus: str | None = None,
    depth: int = 1,
    kinds: list[str] | tuple[str, ...] | None = None,
    size_by: str = "pagerank",
    lang: str = "zh",
    physics_threshold: int = 1000,
) -> ViewResult:
    """Write the interactive viewer of ``kg`` (a :class:`~ecograph.KnowledgeGraph`, or a
    projection with the same ``graph`` attributes) to ``out`` as one self-contained UTF-8 HTML
    file, atomically.

    ``focus`` names an entity (any name :meth:`KnowledgeGraph.lookup` accepts) and keeps only its
    neighbourhood within ``depth`` steps; ``kinds`` keeps only entities of those kinds (subclasses
    included; with ``focus``, the focus itself is always kept); ``size_by`` is ``pagerank``,
    ``degree`` or ``betweenness`` on the whole network; ``lang`` is the language of node and edge
    labels (the other one is the fallback, and tooltips show both). Above ``physics_threshold``
    nodes the layout is computed in Python and the page draws it with physics off.

    >>> result = build_view(ecograph.load(), "ordos.html")        # doctest: +SKIP
    >>> result.nodes, result.top[0]                                # doctest: +SKIP
    """
    from .output import write_atomic

    started = time.perf_counter()
    model = prepare_view(
        kg,
        focus=focus,
        depth=depth,
        kinds=kinds,
        size_by=size_by,
        lang=lang,
        physics_threshold=physics_threshold,
    )
    text = _render(model)
    path = write_atomic(Path(out), text)
    return ViewResult(
        path=str(path),
        nodes=model.nodes,
        edges=model.edges,
        counts_by_kind=dict(model.counts_by_kind),
        top=list(model.top),
        physics=model.physics,
        seconds=round(time.perf_counter() - started, 3),
        bytes=len(text.encode("utf-8")),
        focus=model.focus,
    )


def render_html(
    kg: Any,
    *,
    focus: str | None = None,
    depth: int = 1,
    kinds: list[str] | tuple[str, ...] | None = None,
    size_by: str = "pagerank",
    lang: str = "zh",
    physics_threshold: int = 1000,
) -> str:
    """The viewer page as a string (same arguments as :func:`build_view`; nothing is written).
    The same data and arguments always give the same text."""
    return _render(
        prepare_view(
            kg,
            focus=focus,
            depth=depth,
            kinds=kinds,
            size_by=size_by,
            lang=lang,
            physics_threshold=physics_threshold,
        )
    )


def prepare_view(
    kg: Any,
    *,
    focus: str | None = None,
    depth: int = 1,
    kinds: list[str] | tuple[str, ...] | None = None,
    size_by: str = "pagerank",
    lang: str = "zh",
    physics_threshold: int = 1000,
) -> ViewModel:
    """Select the nodes and edges to show, size, colour and (for large graphs) lay them out."""
    from .lookup import pick_label

    if size_by not in SIZE_MEASURES:
        raise NotFoundError(
            f"unknown measure {size_by!r}; choose one of {', '.join(SIZE_MEASURES)}"
        )
    if lang not in LANGS:
        raise NotFoundError(f"unknown language {lang!r}; choose zh or en")
    if depth < 1:
        raise NotFoundError("depth must be at least 1")
    projection = kg.network() if hasattr(kg, "network") else kg
    graph = projection.graph
    vocab = _vocabulary()
    wanted = list(dict.fromkeys(kinds or []))
    if wanted and vocab is not None:
        unknown = sorted(set(wanted) - set(vocab.classes))
        if unknown:
            raise NotFoundError(f"unknown kind {unknown[0]!r}")

    # which nodes
    focus_id: str | None = None
    if focus is not None:
        index = getattr(projection, "index", None)
        if index is None:
            raise NotFoundError("--focus needs a knowledge graph with a name index")
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
    details = _Details.read(kg, projection)
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
        cites = details.citations(n, data)
        if cites:
            item["cites"] = cites
        if n in positions:
            item["x"], item["y"] = positions[n]
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
            "ui": _UI[lang],
        },
        "kinds": kind_list,
        "kindNames": kind_names,
        "predicates": predicates,
        "nodes": nodes_out,
        "edges": edges_out,
    }
    return ViewModel(
        payload=payload,
        counts_by_kind={k: counts[k] for k in kind_order},
        top=top,
        physics=physics,
        focus=focus_id,
        title=pick_label(title_labels, lang),
        lang=lang,
    )


# --------------------------------------------------------------------------- layout


def compute_layout(
    nodes: list[str],
    edges: list[tuple[str, str]],
    kinds: dict[str, str] | None = None,
    *,
    seed: int = 42,
    spacing: float = 36.0,
) -> dict[str, tuple[float, float]]:
    """Pixel positions for a graph too large for the browser's physics, in time linear in the
    graph beyond a fixed-size core per connected part.

    Each connected part is laid out on its own:

    1. its core, the :data:`BACKBONE` best-connected nodes grown outwards from its biggest hub
       (so the core is itself connected), gets a Fruchterman-Reingold spring layout (networkx,
       fixed ``seed``, 50 iterations), scaled so that linked core nodes sit about as far apart
       as the discs of leaves around them are wide;
    2. every other node of the part is placed, breadth first, on a sunflower spiral around the
       neighbour that reached it, so a hub's leaves form a disc around the hub.

    The parts are then packed in rows, biggest first, single nodes last and grouped by kind.
    The result depends only on the input (and ``seed``); coordinates are rounded to 0.1 px.
    """
    import networkx as nx

    kinds = kinds or {}
    g = nx.Graph()
    g.add_nodes_from(nodes)
    g.add_edges_from((u, v) for u, v in edges if u != v)
    if g.number_of_nodes() == 0:
        return {}
    degree = dict(g.degree())
    golden = math.pi * (3.0 - math.sqrt(5.0))

    def disc(k: int) -> float:
        """Radius of the sunflower of ``k`` leaves around a node."""
        return spacing * (1.2 + 0.75 * math.sqrt(max(k - 1, 0))) if k else spacing * 0.6

    def layout_part(part: set[str]) -> dict[str, tuple[float, float]]:
        root = min(part, key=lambda x: (-degree[x], x))
        if len(part) == 1:
            return {root: (0.0, 0.0)}
        # the core: grown from the biggest hub, best-connected first
        core, heap, seen = [], [(-degree[root], root)], {root}
        while heap and len(core) < BACKBONE:
            _, x = heapq.heappop(heap)
            core.append(x)
            for w in g[x]:
                if w not in seen:
                    seen.add(w)
                    heapq.heappush(heap, (-degree[w], w))
        in_core = set(core)
        # a new graph, not g.subgraph(): a subgraph view may iterate its nodes in set order,
        # which changes with the hash seed and would change the layout from run to run
        sub = nx.Graph()
        sub.add_nodes_from(core)
        sub.add_edges_from((u, w) for u in core for w in g[u] if w in in_core)
        raw = (
            nx.spring_layout(sub, seed=seed, iterations=50)
            if len(core) > 2
            else {x: (float(i), 0.0) for i, x in enumerate(sorted(core))}
        )
        outside = {x: sum(1 for w in g[x] if w not in in_core) for x in core}
        lengths = sorted(math.dist(raw[u], raw[v]) for u, v in sub.edges())
        wanted = sorted(disc(outside[u]) + disc(outside[v]) for u, v in sub.edges())
        median = lengths[len(lengths) // 2] if lengths else 1.0
        factor = (wanted[len(wanted) // 2] if wanted else spacing * 2) / (median or 1.0)
        pos = {x: (float(raw[x][0]) * factor, float(raw[x][1]) * factor) for x in core}
        children: Counter[str] = Counter()
        queue = deque(core)
        while queue:
            u = queue.popleft()
            ux, uy = pos[u]
            phase = (zlib.crc32(u.encode("utf-8")) % 360) * math.pi / 180.0
            for v in sorted((w for w in g[u] if w not in pos), key=lambda w: (-degree[w], w)):
                i = children[u]
                children[u] += 1
                r = spacing * (1.2 + 0.75 * math.sqrt(i))
                pos[v] = (
                    ux + r * math.cos(phase + i * golden),
                    uy + r * math.sin(phase + i * golden),
                )
                queue.append(v)
        return pos

    parts = sorted(
        nx.connected_components(g),
        key=lambda p: (-len(p), kinds.get(min(p), ""), min(p)),
    )
    placed: dict[str, tuple[float, float]] = {}
    boxes = []
    for part in parts:
        pos = layout_part(part)
        xs = [p[0] for p in pos.values()]
        ys = [p[1] for p in pos.values()]
        margin = spacing
        boxes.append((pos, min(xs) - margin, min(ys) - margin, max(xs) + margin, max(ys) + margin))
    # shelf packing: rows as wide as the biggest part (or as a square of the total area)
    area = sum((b[3] - b[1]) * (b[4] - b[2]) for b in boxes)
    width = max(boxes[0][3] - boxes[0][1], math.sqrt(area))
    x0 = y0 = row = 0.0
    for pos, left, top, right, bottom in boxes:
        w, h = right - left, bottom - top
        if x0 > 0 and x0 + w > width:
            x0, y0, row = 0.0, y0 + row, 0.0
        for node, (x, y) in pos.items():
            placed[node] = (x - left + x0, y - top + y0)
        x0 += w
        row = max(row, h)
    return {x: (round(placed[x][0], 1) + 0.0, round(placed[x][1], 1) + 0.0) for x in nodes}


# --------------------------------------------------------------------------- helpers


def _vocabulary() -> Any:
    """The ontology's vocabulary (``None`` if it cannot be read, e.g. for synthetic graphs)."""
    from .vocab import vocabulary

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
    from .analysis import analysis_view, measures

    directed, undirected = analysis_view(projection, exclude=())
    return measures(directed, undirected, tuple(names))


def _citation(cite: Any, details: _Details) -> dict[str, Any]:
    if isinstance(cite, dict):
        quote, section, labels = (
            cite.get("quote", ""),
            cite.get("section", ""),
            cite.get("section_labels") or {},
        )
    else:
        quote, section = getattr(cite, "quote", ""), getattr(cite, "section", "")
        labels = getattr(cite, "section_labels", None) or {}
    labels = {k: v for k, v in dict(labels or details.labels(section)).items() if k in LANGS and v}
    return {"quote": str(quote), "section": labels or {"en": str(section)}}


_OBSERVATIONS_QUERY = """
SELECT ?obs ?e ?ind ?value ?unit ?year ?qual ?periodZh ?periodEn ?quote ?section WHERE {
  ?obs a eco:Observation ; eco:indicator ?ind ; eco:value ?value ; eco:unit ?unit .
  { ?obs eco:refArea ?e } UNION { ?obs eco:about ?e }
  OPTIONAL { ?obs eco:year ?year }
  OPTIONAL { ?obs eco:qualifier ?qual }
  OPTIONAL { ?obs eco:periodNote ?periodZh FILTER(lang(?periodZh) = "zh") }
  OPTIONAL { ?obs eco:periodNote ?periodEn FILTER(lang(?periodEn) = "en") }
  OPTIONAL { ?g eco:assertionAbout ?obs ; eco:citation ?c . ?c oa:exact ?quote ; eco:section ?section }
}"""
_ENTITY_CITATIONS_QUERY = """
SELECT DISTINCT ?e ?quote ?section WHERE {
  ?g a eco:Assertion ; eco:assertionAbout ?e ; eco:citation ?c .
  GRAPH ?g { ?e a ?kind }
  ?c oa:exact ?quote ; eco:section ?section .
}"""
_STATUS_QUERY = (
    "SELECT ?e ?status WHERE { ?e a ?kind ; eco:status ?status . FILTER(?kind != eco:Assertion) }"
)


class _Details:
    """What the page shows about nodes beyond the projection: observations, own citations,
    aliases, entity status, the dataset title. Read with three bulk queries, not per node."""

    def __init__(self) -> None:
        self.index: Any = None
        self.title: dict[str, str] = {}
        self.observations: dict[str, list[dict[str, Any]]] = {}
        self.own_citations: dict[str, list[dict[str, Any]]] = {}
        self.status: dict[str, str] = {}

    @classmethod
    def read(cls, kg: Any, projection: Any) -> _Details:
        from .loader import printed_number
        from .lookup import amount_text, pick_label

        details = cls()
        details.index = getattr(projection, "index", None)
        meta = getattr(kg, "meta", None)
        if meta is not None:
            details.title = {
                k: v for k, v in dict(getattr(meta, "title", {}) or {}).items() if k in LANGS
            }
        if not hasattr(kg, "query") or details.index is None:
            return details
        base = details.index.base

        def local(cell: dict[str, Any] | None) -> str:
            value = (cell or {}).get("value", "")
            return value[len(base) :] if value.startswith(base) else value

        graph = projection.graph
        seen: dict[tuple[str, str], dict[str, Any]] = {}
        for row in kg.query(_OBSERVATIONS_QUERY).rows:
            entity, obs_id = local(row.get("e")), local(row.get("obs"))
            if entity not in graph:
                continue
            item = seen.get((entity, obs_id))
            if item is None:
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
                item = {
                    "year": year,
                    "period": period,
                    "indicator": details.labels(local(row["ind"])),
                    "value": value,
                    "unit": unit,
                    "qualifier": qualifier,
                    # value, unit and hedge as each language writes them (超9亿元, over 9 …)
                    "amount": {
                        lang: amount_text(value, pick_label(unit, lang), qualifier, lang)
                        for lang in LANGS
                    },
                    "quotes": [],
                }
                item = {k: v for k, v in item.items() if v is not None}
                seen[(entity, obs_id)] = item
                details.observations.setdefault(entity, []).append(item)
            if "quote" in row and "section" in row:
                cite = {
                    "quote": row["quote"]["value"],
                    "section": details.labels(local(row["section"])),
                }
                if cite not in item["quotes"]:
                    item["quotes"].append(cite)
        for entity, items in details.observations.items():
            for item in items:
                item["quotes"].sort(
                    key=lambda c: (c["quote"], json.dumps(c["section"], sort_keys=True))
                )
                if not item["quotes"]:
                    del item["quotes"]
            items.sort(
                key=lambda o: (
                    -int(o["year"][:4]) if o.get("year", "")[:4].isdigit() else 0,
                    pick_label(o["indicator"], "zh"),
                    o["value"],
                )
            )
        own: dict[str, set[tuple[str, str]]] = {}
        for row in kg.query(_ENTITY_CITATIONS_QUERY).rows:
            entity = local(row.get("e"))
            if entity in graph:
                own.setdefault(entity, set()).add((row["quote"]["value"], local(row["section"])))
        for entity, pairs in own.items():
            details.own_citations[entity] = [
                {"quote": quote, "section": details.labels(section) or {"en": section}}
                for quote, section in sorted(pairs)
            ]
        for row in kg.query(_STATUS_QUERY).rows:
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
        from .lookup import normalize_name

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


# --------------------------------------------------------------------------- the page


@lru_cache(maxsize=1)
def vis_assets() -> tuple[str, str, str]:
    """(JavaScript, CSS, version) of the standalone vis-network build bundled with pyvis, read
    from the installed package without importing it."""
    spec = importlib.util.find_spec("pyvis")
    if spec is None or not spec.submodule_search_locations:
        raise OutputError(
            "the viewer needs the pyvis package (it bundles vis-network); pip install pyvis"
        )
    candidates = []
    for location in spec.submodule_search_locations:
        for folder in ("lib", "templates/lib"):
            for js in Path(location, folder).glob("vis-*/vis-network.min.js"):
                version = tuple(int(p) for p in re.findall(r"\d+", js.parent.name))
                if js.with_name("vis-network.css").is_file():
                    candidates.append((version, str(js)))
    if not candidates:
        raise OutputError(
            "no copy of vis-network (vis-network.min.js) found inside the pyvis package"
        )
    version, js_path = max(candidates)
    js = Path(js_path).read_text(encoding="utf-8")
    css = Path(js_path).with_name("vis-network.css").read_text(encoding="utf-8")
    # neither may end its element early (they do not today; this keeps it so)
    js = re.sub(r"</(script)", r"<\\/\1", js, flags=re.IGNORECASE).replace("<!--", "<\\!--")
    css = re.sub(r"</(style)", r"<\\/\1", css, flags=re.IGNORECASE)
    return js, css, ".".join(map(str, version))


def script_json(value: Any) -> str:
    """JSON that is safe inside an HTML ``<script>`` element: ``<``, ``>`` and ``&`` (so no
    ``</script>`` or ``<!--``) and the JavaScript line separators U+2028/U+2029 are escaped.
    Keys are sorted, so the text does not depend on the order a store returned rows in. The
    bidirectional controls (U+202A-E, U+2066-9, U+061C) become U+FFFD, so no label or quote can
    show reversed text on the page (see :mod:`ecograph.safetext`)."""
    from .safetext import neutralise_bidi

    text = neutralise_bidi(
        json.dumps(
            value, ensure_ascii=False, separators=(",", ":"), allow_nan=False, sort_keys=True
        )
    )
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def _csp(scripts: list[str]) -> str:
    hashes = " ".join(
        "'sha256-"
        + base64.b64encode(hashlib.sha256(s.encode("utf-8")).digest()).decode("ascii")
        + "'"
        for s in scripts
    )
    return (
        "default-src 'none'; "
        f"script-src {hashes}; "
        "style-src 'unsafe-inline'; img-src data:; font-src data:; connect-src 'none'; "
        "media-src 'none'; object-src 'none'; frame-src 'none'; worker-src 'none'; "
        "manifest-src 'none'; base-uri 'none'; form-action 'none'"
    )


def _render(model: ViewModel) -> str:
    from ._version import __version__

    vis_js, vis_css, vis_version = vis_assets()
    data = script_json(model.payload)
    ui = _UI[model.lang]
    app_js = _APP_JS
    head_css = _APP_CSS.replace("__FONT_STACK__", FONT_STACK)
    esc = html.escape
    parts = [
        "<!DOCTYPE html>\n",
        f'<html lang="{"zh-CN" if model.lang == "zh" else "en"}">\n<head>\n<meta charset="utf-8">\n',
        f'<meta http-equiv="Content-Security-Policy" content="{esc(_csp([vis_js, app_js]), quote=False)}">\n',
        '<meta name="referrer" content="no-referrer">\n',
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n',
        f'<meta name="generator" content="ecograph {esc(__version__)}; vis-network {esc(vis_version)}">\n',
        f"<title>{esc(model.title)}</title>\n",
        "<style>\n", vis_css, "\n</style>\n",
        "<style>\n", head_css, "</style>\n",
        "</head>\n<body>\n",
        _BODY.replace("__NOSCRIPT__", esc(ui["noscript"])),
        '<script type="application/json" id="ecograph-data">', data, "</script>\n",
        "<script>", vis_js, "</script>\n",
        "<script>", app_js, "</script>\n",
        "</body>\n</html>\n",
    ]  # fmt: skip
    return "".join(parts)


_BODY = """<div id="ecograph-app">
<aside id="ecograph-side">
<header id="ecograph-header"></header>
<section id="ecograph-search-box">
<label id="ecograph-search-label" for="ecograph-search"></label>
<input id="ecograph-search" type="search" autocomplete="off" spellcheck="false">
<ul id="ecograph-results" hidden></ul>
</section>
<section id="ecograph-details"></section>
<section id="ecograph-legend"></section>
</aside>
<main id="ecograph-main">
<div id="ecograph-graph"></div>
<div id="ecograph-tooltip" role="tooltip" hidden></div>
<button id="ecograph-reset" type="button"></button>
</main>
</div>
<noscript><p>__NOSCRIPT__</p></noscript>
"""

_APP_CSS = """html, body { margin: 0; height: 100%; }
body { font-family: __FONT_STACK__; font-size: 14px; color: #1f2933; background: #f5f7fa; }
#ecograph-app { display: flex; height: 100vh; }
#ecograph-side { width: 360px; min-width: 300px; box-sizing: border-box; overflow-y: auto;
  background: #fff; border-right: 1px solid #d9dee5; padding: 12px 14px; }
#ecograph-main { position: relative; flex: 1; min-width: 0; }
#ecograph-graph { position: absolute; inset: 0; }
#ecograph-header h1 { font-size: 17px; margin: 0 0 4px; line-height: 1.35; }
#ecograph-header p { margin: 2px 0; color: #52606d; font-size: 12.5px; }
#ecograph-search-box { position: relative; margin: 10px 0; }
#ecograph-search-label { display: block; font-weight: 600; margin-bottom: 4px; }
#ecograph-search { width: 100%; box-sizing: border-box; padding: 7px 9px; font: inherit;
  border: 1px solid #9aa5b1; border-radius: 6px; }
#ecograph-results { list-style: none; margin: 4px 0 0; padding: 0; max-height: 300px; overflow-y: auto;
  border: 1px solid #d9dee5; border-radius: 6px; }
#ecograph-results li { padding: 5px 8px; cursor: pointer; border-bottom: 1px solid #eef1f4; }
#ecograph-results li:hover, #ecograph-results li.active { background: #e8f1fb; }
#ecograph-results .sub, .ecograph-card .sub { color: #616e7c; font-size: 12px; }
#ecograph-legend h2, #ecograph-details h2 { font-size: 14px; margin: 14px 0 6px; }
#ecograph-legend label { display: flex; align-items: center; gap: 6px; padding: 2px 0; cursor: pointer; }
#ecograph-legend .count { margin-left: auto; color: #7b8794; font-size: 12px; }
#ecograph-legend .buttons button { font: inherit; font-size: 12px; margin-right: 6px; }
#ecograph-legend .edge-key { display: flex; align-items: center; gap: 8px; padding: 2px 0; }
.ecograph-card h3 { font-size: 15px; margin: 0; }
.ecograph-card .field { margin: 4px 0; }
.ecograph-card .name { color: #52606d; }
.ecograph-card ul { margin: 2px 0 6px; padding-left: 18px; }
.ecograph-card li { margin: 2px 0; }
.ecograph-card .quote { color: #323f4b; }
.ecograph-card .section { color: #7b8794; font-size: 12px; }
.ecograph-card .badge { display: inline-block; font-size: 11px; padding: 0 5px; border-radius: 8px;
  background: #eef1f4; color: #3e4c59; margin-left: 4px; }
.ecograph-card .badge.ongoing { background: #e3eefc; color: #1c5fb8; }
.ecograph-card .badge.planned { background: #fdf0dc; color: #a35f00; }
.ecograph-card button.link { font: inherit; border: 0; background: none; padding: 0; color: #1c5fb8;
  cursor: pointer; text-align: left; }
.ecograph-card button.link:hover { text-decoration: underline; }
#ecograph-tooltip { position: absolute; z-index: 10; max-width: 380px; pointer-events: none;
  background: #fff; border: 1px solid #bcccdc; border-radius: 6px; padding: 8px 10px;
  box-shadow: 0 4px 14px rgba(31, 41, 51, .18); font-size: 12.5px; line-height: 1.45; }
#ecograph-tooltip .ecograph-card h3 { font-size: 14px; }
#ecograph-reset { position: absolute; top: 10px; right: 10px; z-index: 5; font: inherit; font-size: 12.5px;
  padding: 4px 10px; border: 1px solid #9aa5b1; border-radius: 6px; background: #fff; cursor: pointer; }
"""

# The page script. It reads the JSON block, builds vis DataSets in bulk, and puts text on screen
# only with textContent / createTextNode: nothing from the data is ever parsed as HTML.
_APP_JS = r"""
(function () {
  "use strict";
  var DATA = JSON.parse(document.getElementById("ecograph-data").textContent);
  var META = DATA.meta, UI = META.ui, LANG = META.lang, OTHER = LANG === "zh" ? "en" : "zh";
  var view = window.ecographView = {ready: false, readyAt: null, highlighted: null, neighbourhood: []};

  var COLON = LANG === "zh" ? "：" : ": ";
  function pick(labels) { return (labels && (labels[LANG] || labels[OTHER])) || ""; }
  function fill(template, values) {
    return String(template).replace(/\{(\w+)\}/g, function (m, k) { return k in values ? String(values[k]) : m; });
  }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function kindName(kind) { return pick(DATA.kindNames[kind]) || kind; }
  function nodeName(n) { return pick(n.labels) || n.id; }

  // ---------------------------------------------------------------- nodes and edges
  var KINDS = {}, NODE = {}, BY_KIND = {}, ADJ = {}, KIND_ON = {};
  DATA.kinds.forEach(function (k) { KINDS[k.kind] = k; BY_KIND[k.kind] = []; KIND_ON[k.kind] = true; });
  var FONT = {face: META.font, size: 14, color: "#1f2933", strokeWidth: 3, strokeColor: "#ffffff"};
  var DIM_FONT = {face: META.font, size: 14, color: "#c5cbd3", strokeWidth: 0, strokeColor: "#ffffff"};
  var EDGE_FONT = {face: META.font, size: 11, color: "#52606d", strokeWidth: 3, strokeColor: "#ffffff", align: "horizontal"};
  var DIM_EDGE_FONT = {face: META.font, size: 11, color: "rgba(0,0,0,0)", strokeWidth: 0, strokeColor: "#ffffff"};
  var DIM_NODE = {background: "#eceff3", border: "#d5dae1",
    highlight: {background: "#eceff3", border: "#9aa5b1"}, hover: {background: "#eceff3", border: "#9aa5b1"}};
  var STATUS = {
    done: {color: "#7b8794", dashes: false},
    ongoing: {color: "#2f80ed", dashes: [10, 6]},
    planned: {color: "#e8900c", dashes: [3, 5]}
  };
  var DIM_EDGE = {color: "#e4e7eb", highlight: "#e4e7eb", hover: "#e4e7eb", opacity: 1};

  var nodeItems = DATA.nodes.map(function (n) {
    NODE[n.id] = n;
    ADJ[n.id] = [];
    var k = KINDS[n.kind];
    BY_KIND[n.kind].push(n.id);
    var color = {background: k.color, border: k.border,
      highlight: {background: k.color, border: "#111111"}, hover: {background: k.color, border: "#111111"}};
    var item = {id: n.id, label: nodeName(n), shape: k.shape, size: n.size, color: color, font: FONT,
      borderWidth: 1.5, shapeProperties: {borderDashes: n.status ? [4, 3] : false}};
    if (n.x !== undefined) { item.x = n.x; item.y = n.y; }
    return item;
  });
  var pairs = {};
  var edgeItems = DATA.edges.map(function (e, i) {
    var st = STATUS[e.status] || STATUS.done;
    var key = e.from < e.to ? e.from + "\u0000" + e.to : e.to + "\u0000" + e.from;
    var k = pairs[key] = (pairs[key] || 0) + 1;
    ADJ[e.from].push(i);
    if (e.to !== e.from) ADJ[e.to].push(i);
    var item = {id: i, from: e.from, to: e.to, label: pick(DATA.predicates[e.p]) || e.p,
      arrows: {to: {enabled: true, scaleFactor: 0.55}}, dashes: st.dashes, width: 1.2,
      color: {color: st.color, highlight: st.color, hover: st.color, opacity: 1}, font: EDGE_FONT};
    if (k > 1) item.smooth = {enabled: true, type: k % 2 === 0 ? "curvedCW" : "curvedCCW", roundness: 0.22 * Math.ceil((k - 1) / 2)};
    return item;
  });
  var ORIGINAL_NODE = {}, ORIGINAL_EDGE = {};
  nodeItems.forEach(function (n) { ORIGINAL_NODE[n.id] = n.color; });
  edgeItems.forEach(function (e) { ORIGINAL_EDGE[e.id] = e.color; });

  var nodes = new vis.DataSet(nodeItems);
  var edges = new vis.DataSet(edgeItems);
  var big = !META.physics;
  var options = {
    autoResize: true,
    layout: {randomSeed: 7, improvedLayout: false},
    physics: big ? false : {
      enabled: true,
      solver: "forceAtlas2Based",
      forceAtlas2Based: {gravitationalConstant: -110, centralGravity: 0.03, springLength: 100, springConstant: 0.06, avoidOverlap: 0.7},
      stabilization: {enabled: true, iterations: META.iterations, updateInterval: 100, fit: true},
      minVelocity: 0.75
    },
    interaction: {hover: true, tooltipDelay: 100, hideEdgesOnDrag: big, hideEdgesOnZoom: big, multiselect: false, navigationButtons: false},
    nodes: {shape: "dot", font: FONT, widthConstraint: {maximum: 170}, scaling: {label: {drawThreshold: 6}}},
    edges: {smooth: big ? false : {enabled: true, type: "continuous", roundness: 0.3}, font: EDGE_FONT, selectionWidth: 1.5, hoverWidth: 1}
  };
  var container = document.getElementById("ecograph-graph");
  var network = new vis.Network(container, {nodes: nodes, edges: edges}, options);
  view.nodes = nodes;
  view.edges = edges;
  view.network = network;

  // ---------------------------------------------------------------- cards (tooltip and details)
  function field(label, value) {
    var p = el("div", "field");
    p.appendChild(el("span", "name", label + COLON));
    p.appendChild(document.createTextNode(value));
    return p;
  }
  function citeItem(c) {
    var li = el("li");
    li.appendChild(el("span", "quote", "“" + c.quote + "”"));
    var section = pick(c.section);
    if (section) li.appendChild(el("span", "section", " — " + section));
    return li;
  }
  function obsText(o) {
    var when = pick(o.period) || (o.year ? fill(UI.year, {year: o.year}) : "");
    return (when ? when + " " : "") + pick(o.indicator) + COLON + pick(o.amount);
  }
  function list(items, limit, make) {
    var ul = el("ul");
    items.slice(0, limit).forEach(function (x) { ul.appendChild(make(x)); });
    if (items.length > limit) ul.appendChild(el("li", "sub", fill(UI.more, {n: items.length - limit})));
    return ul;
  }
  function nodeCard(n, compact) {
    var box = el("div", "ecograph-card");
    box.appendChild(el("h3", null, n.labels.zh || n.labels.en || n.id));
    if (n.labels.en && n.labels.zh) box.appendChild(el("div", "sub", n.labels.en));
    box.appendChild(field(UI.kind, n.kinds.map(kindName).join(LANG === "zh" ? "、" : ", ")));
    if (n.aliases.length) box.appendChild(field(UI.aliases, n.aliases.join(LANG === "zh" ? "；" : "; ")));
    if (n.status) box.appendChild(field(UI.entityStatus, UI.status[n.status] || n.status));
    var measure = META.sizeBy;
    box.appendChild(field(UI.measures[measure], Number(n.score[measure]).toPrecision(3)));
    if (!compact) box.appendChild(field(UI.id, n.id));
    if (n.obs && n.obs.length) {
      box.appendChild(el("div", "name", UI.observations));
      box.appendChild(list(n.obs, compact ? 5 : 1e9, function (o) {
        var li = el("li", null, obsText(o));
        if (!compact && o.quotes) o.quotes.forEach(function (c) { li.appendChild(el("div", "section", "“" + c.quote + "” — " + pick(c.section))); });
        return li;
      }));
    }
    if (n.cites && n.cites.length) {
      box.appendChild(el("div", "name", UI.sources));
      box.appendChild(list(n.cites, compact ? 3 : 1e9, citeItem));
    }
    if (compact) box.appendChild(el("div", "sub", UI.clickHint));
    return box;
  }
  function edgeCard(e) {
    var box = el("div", "ecograph-card");
    var head = el("h3");
    head.textContent = nodeName(NODE[e.from]) + " → " + pick(DATA.predicates[e.p]) + " → " + nodeName(NODE[e.to]);
    box.appendChild(head);
    var other = DATA.predicates[e.p] && DATA.predicates[e.p][OTHER];
    if (other) box.appendChild(el("div", "sub", other + " (" + e.p + ")"));
    box.appendChild(field(UI.relations, (UI.status[e.status] || e.status) + (LANG === "zh" ? "，" : ", ") + (UI.basis[e.basis] || e.basis)));
    if (e.cites && e.cites.length) {
      box.appendChild(el("div", "name", UI.sources));
      box.appendChild(list(e.cites, 4, citeItem));
    }
    return box;
  }
  function relationBlock(id, outgoing) {
    var items = ADJ[id].filter(function (i) { return outgoing ? DATA.edges[i].from === id : DATA.edges[i].to === id; });
    var wrap = el("div");
    wrap.appendChild(el("h2", null, (outgoing ? UI.outgoing : UI.incoming) + " (" + items.length + ")"));
    if (!items.length) { wrap.appendChild(el("div", "sub", UI.noRelations)); return wrap; }
    var ul = el("ul");
    items.forEach(function (i) {
      var e = DATA.edges[i], otherId = outgoing ? e.to : e.from, li = el("li");
      li.appendChild(document.createTextNode((outgoing ? "→ " : "← ") + (pick(DATA.predicates[e.p]) || e.p) + " "));
      var b = el("button", "link", nodeName(NODE[otherId]));
      b.type = "button";
      b.addEventListener("click", function () { selectNode(otherId, true); });
      li.appendChild(b);
      li.appendChild(el("span", "badge " + e.status, UI.status[e.status] || e.status));
      if (e.basis === "implied") li.appendChild(el("span", "badge", UI.basis.implied));
      if (e.cites) { var q = el("ul"); e.cites.forEach(function (c) { q.appendChild(citeItem(c)); }); li.appendChild(q); }
      ul.appendChild(li);
    });
    wrap.appendChild(ul);
    return wrap;
  }

  var details = document.getElementById("ecograph-details");
  function showHint() {
    details.replaceChildren(el("h2", null, UI.details), el("p", "sub", UI.hint));
  }
  function showDetails(id) {
    var n = NODE[id];
    var card = nodeCard(n, false);
    card.appendChild(relationBlock(id, false));
    card.appendChild(relationBlock(id, true));
    details.replaceChildren(el("h2", null, UI.details), card);
  }

  // ---------------------------------------------------------------- tooltip
  var tip = document.getElementById("ecograph-tooltip");
  var main = document.getElementById("ecograph-main");
  function showTip(content, pointer) {
    tip.replaceChildren(content);
    tip.hidden = false;
    var x = pointer.x + 16, y = pointer.y + 16;
    var w = tip.offsetWidth, h = tip.offsetHeight, W = main.clientWidth, H = main.clientHeight;
    if (x + w > W - 4) x = Math.max(4, pointer.x - w - 12);
    if (y + h > H - 4) y = Math.max(4, H - h - 4);
    tip.style.left = x + "px";
    tip.style.top = y + "px";
  }
  function hideTip() { tip.hidden = true; tip.replaceChildren(); }
  network.on("hoverNode", function (p) { showTip(nodeCard(NODE[p.node], true), p.pointer.DOM); });
  network.on("hoverEdge", function (p) { showTip(edgeCard(DATA.edges[p.edge]), p.pointer.DOM); });
  network.on("blurNode", hideTip);
  network.on("blurEdge", hideTip);
  network.on("dragStart", hideTip);
  network.on("zoom", hideTip);

  // ---------------------------------------------------------------- highlight
  function highlight(id) {
    var keep = {}, keepEdge = {};
    keep[id] = true;
    ADJ[id].forEach(function (i) { keepEdge[i] = true; keep[DATA.edges[i].from] = true; keep[DATA.edges[i].to] = true; });
    nodes.update(nodeItems.map(function (n) {
      return keep[n.id] ? {id: n.id, color: ORIGINAL_NODE[n.id], font: FONT} : {id: n.id, color: DIM_NODE, font: DIM_FONT};
    }));
    edges.update(edgeItems.map(function (e) {
      return keepEdge[e.id] ? {id: e.id, color: ORIGINAL_EDGE[e.id], font: EDGE_FONT} : {id: e.id, color: DIM_EDGE, font: DIM_EDGE_FONT};
    }));
    view.highlighted = id;
    view.neighbourhood = Object.keys(keep).sort();
  }
  function clearHighlight() {
    if (view.highlighted === null) return;
    nodes.update(nodeItems.map(function (n) { return {id: n.id, color: ORIGINAL_NODE[n.id], font: FONT}; }));
    edges.update(edgeItems.map(function (e) { return {id: e.id, color: ORIGINAL_EDGE[e.id], font: EDGE_FONT}; }));
    view.highlighted = null;
    view.neighbourhood = [];
  }
  function selectNode(id, animate) {
    var n = NODE[id];
    if (!n) return;
    if (!KIND_ON[n.kind]) setKind(n.kind, true);
    network.selectNodes([id]);
    highlight(id);
    showDetails(id);
    network.focus(id, {scale: Math.max(network.getScale(), 1.0),
      animation: animate ? {duration: 450, easingFunction: "easeInOutQuad"} : false});
  }
  network.on("click", function (p) {
    if (p.nodes.length) { highlight(p.nodes[0]); showDetails(p.nodes[0]); }
    else if (p.edges.length) { clearHighlight(); details.replaceChildren(el("h2", null, UI.details), edgeCard(DATA.edges[p.edges[0]])); }
    else { clearHighlight(); showHint(); }
  });
  view.selectNode = function (id) { selectNode(id, false); };
  view.visibleCount = function () { return nodes.get({filter: function (n) { return !n.hidden; }}).length; };

  // ---------------------------------------------------------------- search
  // ecograph.lookup.NameIndex.search in JavaScript, over the rows Python wrote for each node
  // (names: [key, how, shown]; pinyin: [key, shown]): the same normalisation, the same scores,
  // difflib's ratio, the same tie-breakers. A browser test checks that both find the same
  // entities for the names, ids, document numbers, pinyin and near misses of the data.
  var PUNCT = /[\s"'“”‘’《》〈〉()（）\[\]【】〔〕{}<>,，。.、:：;；!！?？·•\-–—_\/\\|+＋&*#@$%^~`]+/g;
  var WEIGHTS = {id: 1.0, label: 1.0, english: 1.0, identifier: 1.0, alias: 0.95};
  function norm(s) { return String(s).normalize("NFKC").toLowerCase().replace(PUNCT, ""); }
  function normPinyin(s) {
    s = String(s).normalize("NFKC").toLowerCase().normalize("NFD").replace(/u\u0308/g, "v").replace(/u:/g, "v");
    return s.replace(/[^a-z]/g, "");
  }
  function hasCjk(s) { return /[\u3400-\u9fff\uf900-\ufaff]/.test(s); }
  function chars(s) { return Array.from(s); }
  // difflib.SequenceMatcher(None, a, b).ratio(), autojunk included
  function ratio(a, b) {
    a = chars(a); b = chars(b);
    var la = a.length, lb = b.length;
    if (!la && !lb) return 1.0;
    var b2j = new Map();
    b.forEach(function (c, i) { var l = b2j.get(c); if (!l) b2j.set(c, l = []); l.push(i); });
    if (lb >= 200) {
      var ntest = Math.floor(lb / 100) + 1, popular = [];
      b2j.forEach(function (l, c) { if (l.length > ntest) popular.push(c); });
      popular.forEach(function (c) { b2j.delete(c); });
    }
    function longest(alo, ahi, blo, bhi) {
      var besti = alo, bestj = blo, bestsize = 0, j2len = new Map();
      for (var i = alo; i < ahi; i++) {
        var next = new Map(), js = b2j.get(a[i]) || [];
        for (var x = 0; x < js.length; x++) {
          var j = js[x];
          if (j < blo) continue;
          if (j >= bhi) break;
          var k = (j2len.get(j - 1) || 0) + 1;
          next.set(j, k);
          if (k > bestsize) { besti = i - k + 1; bestj = j - k + 1; bestsize = k; }
        }
        j2len = next;
      }
      while (besti > alo && bestj > blo && a[besti - 1] === b[bestj - 1]) { besti--; bestj--; bestsize++; }
      while (besti + bestsize < ahi && bestj + bestsize < bhi && a[besti + bestsize] === b[bestj + bestsize]) bestsize++;
      return [besti, bestj, bestsize];
    }
    var matched = 0, queue = [[0, la, 0, lb]];
    while (queue.length) {
      var q = queue.pop(), m = longest(q[0], q[1], q[2], q[3]), i = m[0], j = m[1], k = m[2];
      if (k) {
        matched += k;
        if (q[0] < i && q[2] < j) queue.push([q[0], i, q[2], j]);
        if (i + k < q[1] && j + k < q[3]) queue.push([i + k, q[1], j + k, q[3]]);
      }
    }
    return 2.0 * matched / (la + lb);
  }
  var NAME_ROWS = [], PINYIN_ROWS = [];
  DATA.nodes.forEach(function (n) {
    (n.names || []).forEach(function (r) { NAME_ROWS.push([r[0], r[1], n.id, r[2]]); });
    (n.pinyin || []).forEach(function (r) { PINYIN_ROWS.push([r[0], "pinyin", n.id, r[1]]); });
  });
  function cmpStr(x, y) { return x < y ? -1 : x > y ? 1 : 0; }
  function zhLabel(id) { return (NODE[id].labels && NODE[id].labels.zh) || ""; }
  function suggest(text) {
    var key = norm(text), py = hasCjk(text) ? "" : normPinyin(text), best = {};
    var rows = NAME_ROWS.concat(py ? PINYIN_ROWS : []);
    rows.forEach(function (r) {
      var r0 = ratio(r[1] === "pinyin" ? py : key, r[0]);
      if (!(r[2] in best) || r0 > best[r[2]]) best[r[2]] = r0;
    });
    return Object.keys(best).filter(function (id) { return best[id] >= 0.4; })
      .sort(function (x, y) { return best[y] - best[x] || cmpStr(x, y); }).slice(0, 5);
  }
  // {best, rest, how}: the ids NameIndex.search returns as best matches and suggestions, and
  // how the best one matched; ``all`` is every scored id in rank order, for the result list
  function search(text) {
    var key = norm(text), out = {best: [], rest: [], all: [], how: null};
    if (!key) return out;
    var scored = {};
    function offer(id, how, score) { if (!(id in scored) || score > scored[id].score) scored[id] = {score: score, how: how}; }
    NAME_ROWS.forEach(function (r) { if (r[0] === key) offer(r[2], r[1], WEIGHTS[r[1]]); });
    var py = hasCjk(text) ? "" : normPinyin(text);
    if (py && !Object.keys(scored).length) PINYIN_ROWS.forEach(function (r) { if (r[0] === py) offer(r[2], "pinyin", 0.9); });
    if (!Object.keys(scored).length) {
      NAME_ROWS.concat(py ? PINYIN_ROWS : []).forEach(function (r) {
        var probe = r[1] === "pinyin" ? py : key;
        if (!probe || !r[0]) return;
        var lp = chars(probe).length, ln = chars(r[0]).length, shorter = Math.min(lp, ln), longer = Math.max(lp, ln);
        if (shorter >= 2 && (r[0].indexOf(probe) >= 0 || probe.indexOf(r[0]) >= 0)) offer(r[2], "partial", 0.5 + 0.3 * shorter / longer);
        var r0 = ratio(probe, r[0]);
        if (r0 >= 0.75) offer(r[2], "fuzzy", 0.8 * r0);
      });
    }
    var ranked = Object.keys(scored).sort(function (x, y) {
      return scored[y].score - scored[x].score || cmpStr(zhLabel(x), zhLabel(y)) || cmpStr(x, y);
    });
    if (!ranked.length) { out.rest = suggest(text); return out; }
    var top = scored[ranked[0]].score, best = ranked.filter(function (id) { return scored[id].score === top; });
    if (scored[ranked[0]].how === "partial" || scored[ranked[0]].how === "fuzzy") {
      var close = ranked.filter(function (id) { return scored[id].score >= top - 0.05; });
      best = close.length === 1 ? ranked.slice(0, 1) : ranked.slice(0, 20);
    }
    out.best = best; out.rest = ranked.slice(best.length, best.length + 5); out.all = ranked; out.how = scored[ranked[0]].how;
    return out;
  }
  view.search = function (text) { var r = search(text); return {best: r.best, rest: r.rest}; };
  var input = document.getElementById("ecograph-search");
  var results = document.getElementById("ecograph-results");
  var currentHits = [];
  // the ranked matches, then every other name that contains the text (longer names), by PageRank
  function listed(found, text) {
    var hits = (found.all.length ? found.all : found.rest).slice(), seen = {}, key = norm(text), more = [];
    hits.forEach(function (id) { seen[id] = true; });
    if (key) NAME_ROWS.forEach(function (r) { if (!seen[r[2]] && r[0].indexOf(key) >= 0) { seen[r[2]] = true; more.push(r[2]); } });
    more.sort(function (x, y) { return NODE[y].score.pagerank - NODE[x].score.pagerank || cmpStr(x, y); });
    return hits.concat(more);
  }
  function showResults(found) {
    var hits = listed(found, input.value);
    results.replaceChildren();
    if (!input.value.trim()) { results.hidden = true; return; }
    if (!hits.length) results.appendChild(el("li", "sub", UI.noResults));
    else if (!found.all.length && found.rest.length) results.appendChild(el("li", "sub", UI.closest));
    hits.slice(0, 30).forEach(function (id) {
      var n = NODE[id], li = el("li");
      li.appendChild(el("div", null, n.labels.zh || n.labels.en || n.id));
      li.appendChild(el("div", "sub", (n.labels.en && n.labels.zh ? n.labels.en + " · " : "") + kindName(n.kind)));
      li.addEventListener("click", function () { selectNode(id, true); results.hidden = true; });
      results.appendChild(li);
    });
    if (hits.length > 30) results.appendChild(el("li", "sub", fill(UI.moreResults, {n: hits.length - 30})));
    results.hidden = false;
  }
  var pending = null;
  function runSearch() {
    pending = null;
    var found = search(input.value);
    currentHits = listed(found, input.value);
    showResults(found);
    if (found.best.length === 1 && found.how !== "partial" && found.how !== "fuzzy") selectNode(found.best[0], true);
  }
  input.addEventListener("input", function () {
    // big pages: wait for a pause in typing, the near-miss pass reads every name
    if (NAME_ROWS.length > 20000) { clearTimeout(pending); pending = setTimeout(runSearch, 150); } else runSearch();
  });
  input.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter" && currentHits.length) { selectNode(currentHits[0], true); results.hidden = true; }
    if (ev.key === "Escape") { input.value = ""; currentHits = []; showResults({all: [], rest: []}); }
  });

  // ---------------------------------------------------------------- legend and kind filter
  function swatch(shape, fillColor, stroke) {
    var c = document.createElement("canvas"), r = window.devicePixelRatio || 1;
    c.width = c.height = Math.round(16 * r);
    c.style.width = c.style.height = "16px";
    var g = c.getContext("2d");
    g.scale(r, r);
    g.fillStyle = fillColor; g.strokeStyle = stroke; g.lineWidth = 1.2;
    g.beginPath();
    var cx = 8, cy = 8, s = 6.5, i, a;
    if (shape === "square") g.rect(cx - s + 1, cy - s + 1, 2 * s - 2, 2 * s - 2);
    else if (shape === "triangle") { g.moveTo(cx, cy - s); g.lineTo(cx + s, cy + s * 0.8); g.lineTo(cx - s, cy + s * 0.8); g.closePath(); }
    else if (shape === "triangleDown") { g.moveTo(cx, cy + s); g.lineTo(cx + s, cy - s * 0.8); g.lineTo(cx - s, cy - s * 0.8); g.closePath(); }
    else if (shape === "diamond") { g.moveTo(cx, cy - s); g.lineTo(cx + s, cy); g.lineTo(cx, cy + s); g.lineTo(cx - s, cy); g.closePath(); }
    else if (shape === "star") {
      for (i = 0; i < 10; i++) { a = -Math.PI / 2 + i * Math.PI / 5; var rr = i % 2 ? s * 0.45 : s; g.lineTo(cx + rr * Math.cos(a), cy + rr * Math.sin(a)); }
      g.closePath();
    } else if (shape === "hexagon") {
      for (i = 0; i < 6; i++) { a = i * Math.PI / 3; g.lineTo(cx + s * Math.cos(a), cy + s * Math.sin(a)); }
      g.closePath();
    } else g.arc(cx, cy, s - 0.5, 0, 2 * Math.PI);
    g.fill(); g.stroke();
    return c;
  }
  function lineSwatch(st) {
    var c = document.createElement("canvas");
    c.width = 34; c.height = 10; c.style.width = "34px"; c.style.height = "10px";
    var g = c.getContext("2d");
    g.strokeStyle = st.color; g.lineWidth = 2;
    if (st.dashes) g.setLineDash(st.dashes);
    g.beginPath(); g.moveTo(1, 5); g.lineTo(33, 5); g.stroke();
    return c;
  }
  var checkboxes = {};
  function setKind(kind, on) {
    KIND_ON[kind] = on;
    if (checkboxes[kind]) checkboxes[kind].checked = on;
    nodes.update(BY_KIND[kind].map(function (id) { return {id: id, hidden: !on}; }));
  }
  var legend = document.getElementById("ecograph-legend");
  legend.appendChild(el("h2", null, UI.kinds));
  var buttons = el("div", "buttons");
  [[UI.all, true], [UI.none, false]].forEach(function (pair) {
    var b = el("button", null, pair[0]);
    b.type = "button";
    b.addEventListener("click", function () { DATA.kinds.forEach(function (k) { setKind(k.kind, pair[1]); }); });
    buttons.appendChild(b);
  });
  legend.appendChild(buttons);
  DATA.kinds.forEach(function (k) {
    var label = el("label"), box = document.createElement("input");
    box.type = "checkbox"; box.checked = true; box.setAttribute("data-kind", k.kind);
    box.addEventListener("change", function () { setKind(k.kind, box.checked); });
    checkboxes[k.kind] = box;
    label.appendChild(box);
    label.appendChild(swatch(k.shape, k.color, k.border));
    label.appendChild(el("span", null, pick(k.labels)));
    label.appendChild(el("span", "count", k.count));
    legend.appendChild(label);
  });
  legend.appendChild(el("h2", null, UI.relations));
  ["done", "ongoing", "planned"].forEach(function (s) {
    var row = el("div", "edge-key");
    row.appendChild(lineSwatch(STATUS[s]));
    row.appendChild(el("span", null, UI.status[s] + (LANG === "zh" ? "（" + UI.statusLine[s] + "）" : " (" + UI.statusLine[s] + ")")));
    legend.appendChild(row);
  });

  // ---------------------------------------------------------------- header, reset, start
  var header = document.getElementById("ecograph-header");
  header.appendChild(el("h1", null, pick(META.title)));
  header.appendChild(el("p", null, fill(UI.counts, {nodes: DATA.nodes.length.toLocaleString("en-US"), edges: DATA.edges.length.toLocaleString("en-US")})));
  header.appendChild(el("p", null, fill(UI.sizeBy, {measure: UI.measures[META.sizeBy]})));
  if (META.focus) header.appendChild(el("p", null, fill(UI.focus, {label: nodeName(NODE[META.focus]), depth: META.depth})));
  if (big) header.appendChild(el("p", null, UI.physicsOff));
  document.getElementById("ecograph-search-label").textContent = UI.searchLabel;
  input.placeholder = UI.search;
  var reset = document.getElementById("ecograph-reset");
  reset.textContent = UI.reset;
  reset.addEventListener("click", function () {
    clearHighlight(); network.unselectAll(); showHint(); network.fit({animation: false});
  });
  showHint();

  function ready() {
    if (view.ready) return;
    view.ready = true;
    view.readyAt = performance.now();
    if (META.focus) selectNode(META.focus, false);
    document.documentElement.setAttribute("data-ready", "true");
  }
  if (!big && nodeItems.length) {
    network.once("stabilizationIterationsDone", function () {
      network.setOptions({physics: {enabled: false}});
      network.fit({animation: false});
      network.once("afterDrawing", ready);
      network.redraw();
    });
  } else {
    network.once("afterDrawing", ready);
    network.redraw();
  }
})();
"""
