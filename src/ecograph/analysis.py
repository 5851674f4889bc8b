"""Network analysis of the entity projection: centrality, communities, brokers and support gaps.

All measures run on the *analysis view* of :class:`~ecograph.network.Projection`: the entity
network without the kinds left out (by default administrative areas and regions, because the
city itself is linked to almost everything and would dominate every measure). Centrality uses the
undirected simple view (parallel relations between two entities count once), except PageRank,
which follows the direction of relations (a branch points to its centre, a project to its field).
Every ordering breaks ties by id, and scores are rounded to 9 decimals, so the same data gives
the same output on every machine.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from .errors import UsageError
from .text import check_lang, count, pick_label, table
from .vocab import require_kinds

if TYPE_CHECKING:
    import networkx as nx

    from .network import Projection

__all__ = [
    "DEFAULT_EXCLUDE",
    "MEASURES",
    "SUPPORT_KINDS",
    "BrokersResult",
    "CommunitiesResult",
    "Community",
    "GapsResult",
    "NodeScore",
    "RankResult",
    "analysis_view",
    "brokers",
    "communities",
    "export_network",
    "gaps",
    "measures",
    "rank",
]

#: kinds left out of the analysis unless the user says otherwise
DEFAULT_EXCLUDE = ("AdministrativeArea", "Region")
MEASURES = ("degree", "betweenness", "closeness", "pagerank", "eigenvector")
#: the kinds of support counted by :func:`gaps`, in column order
SUPPORT_KINDS: dict[str, str] = {
    "Laboratory": "laboratory",
    "PilotPlatform": "pilot platform",
    "ResearchProject": "project",
    "Programme": "programme",
    "PolicyDocument": "policy",
    "TalentInnovationCentre": "talent centre",
    "TechnologyAchievement": "achievement",
}
DIGITS = 9


def _csv(headers: tuple[str, ...], rows: list[tuple[Any, ...]], excel: bool) -> str:
    from .safetext import csv_text

    return csv_text(headers, rows, excel=excel)


def _node_info(graph: Any, node: str) -> dict[str, Any]:
    data = graph.nodes[node]
    return {"id": node, "labels": dict(data["labels"]), "kinds": list(data["kinds"])}


def analysis_view(
    projection: Projection, exclude: list[str] | tuple[str, ...] | None = DEFAULT_EXCLUDE
):
    """(directed simple graph, undirected simple graph) of the projection without the nodes of
    the ``exclude`` kinds (subclasses included)."""
    import networkx as nx

    vocab = projection.vocab
    excluded = list(exclude or [])
    require_kinds(excluded, param="exclude")
    cache = projection.analysis_cache
    key = tuple(sorted(excluded))
    if key in cache:  # a projection does not change once built
        return cache[key]
    graph = projection.graph
    keep = {n for n, data in graph.nodes(data=True) if not vocab.is_any(data["kinds"], excluded)}
    nodes = sorted((n, graph.nodes[n]) for n in keep)
    edges = sorted({(u, v) for u, v in graph.edges() if u != v and u in keep and v in keep})
    directed = nx.DiGraph()
    directed.add_nodes_from(nodes)
    directed.add_edges_from(edges)
    undirected = nx.Graph()
    undirected.add_nodes_from(nodes)
    undirected.add_edges_from(edges)
    cache[key] = (directed, undirected)
    return directed, undirected


#: above this many nodes rank and communities run on igraph (a C library) instead of networkx
FAST_ENGINE_THRESHOLD = 5000
#: above this many nodes betweenness is estimated from this many sampled source nodes
BETWEENNESS_SAMPLES = 500


ENGINES = ("auto", "networkx", "igraph", "networkit")


def choose_engine(engine: str, nodes: int, *, louvain: bool = False) -> str:
    """The engine to use. ``auto`` keeps networkx up to :data:`FAST_ENGINE_THRESHOLD` nodes; above
    it, measures run on igraph and Louvain on networkit's PLM (about 1 s at 100k nodes where
    igraph's multilevel method took 26 s here), falling back to igraph."""
    if engine not in ENGINES:
        raise UsageError(f"unknown engine {engine!r}; use {', '.join(ENGINES)}", param="engine")
    if engine == "networkit" and not louvain:
        engine = "igraph"  # networkit serves Louvain; measures come from igraph
    if engine == "auto":
        if nodes <= FAST_ENGINE_THRESHOLD:
            return "networkx"
        if louvain and _has("networkit"):
            return "networkit"
        return "igraph" if _has("igraph") else "networkx"
    return engine


def _has(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


def measures(
    directed: nx.DiGraph,
    undirected: nx.Graph,
    names: tuple[str, ...] = MEASURES,
    engine: str = "auto",
    seed: int = 42,
) -> dict[str, dict[str, float]]:
    """The requested centrality measures of every node, rounded. Betweenness is exact up to
    :data:`FAST_ENGINE_THRESHOLD` nodes and estimated from :data:`BETWEENNESS_SAMPLES` sampled
    sources (fixed seed) above it."""
    import networkx as nx

    engine = choose_engine(engine, len(undirected))
    sample = BETWEENNESS_SAMPLES if len(undirected) > FAST_ENGINE_THRESHOLD else None
    results: dict[str, dict[str, float]] = {}
    for name in names:
        if name not in MEASURES:
            choices = ", ".join((*MEASURES, "all"))
            raise UsageError(f"unknown measure {name!r}; choose one of {choices}", param="measure")
        if engine == "igraph":
            values = _igraph_measure(name, directed, undirected, sample, seed)
        elif name == "degree":
            values = (
                nx.degree_centrality(undirected)
                if len(undirected) > 1
                else dict.fromkeys(undirected, 0.0)
            )
        elif name == "betweenness":
            k = sample if sample and sample < len(undirected) else None
            values = nx.betweenness_centrality(undirected, k=k, normalized=True, seed=seed)
        elif name == "closeness":
            values = nx.closeness_centrality(undirected)
        elif name == "pagerank":
            values = (
                nx.pagerank(directed, alpha=0.85, tol=1e-12, max_iter=1000) if len(directed) else {}
            )
        else:
            values = _eigenvector(undirected)
        results[name] = {node: round(float(value), DIGITS) + 0.0 for node, value in values.items()}
    return results


def _networkit_louvain(graph: Any, seed: int, resolution: float) -> tuple[list[set[str]], float]:
    """Louvain (PLM with refinement) by networkit, single-threaded so that a seed gives one
    answer."""
    import networkit as nk

    nodes = list(graph.nodes)
    index = {node: i for i, node in enumerate(nodes)}
    nkg = nk.Graph(len(nodes))
    add = nkg.addEdge
    for u, v in graph.edges:
        add(index[u], index[v])
    nk.setSeed(seed, False)
    nk.setNumberOfThreads(1)
    plm = nk.community.PLM(nkg, refine=True, gamma=resolution)
    plm.run()
    partition = plm.getPartition()
    groups: dict[int, set[str]] = {}
    for i, group in enumerate(partition.getVector()):
        groups.setdefault(group, set()).add(nodes[i])
    parts = list(groups.values())
    if resolution == 1.0:
        return parts, nk.community.Modularity().getQuality(partition, nkg)
    import networkx as nx

    return parts, nx.community.modularity(graph, parts, resolution=resolution)


def _to_igraph(graph: Any, directed: bool) -> tuple[Any, list[str]]:
    import igraph

    nodes = list(graph.nodes)
    index = {node: i for i, node in enumerate(nodes)}
    return igraph.Graph(
        n=len(nodes), edges=[(index[u], index[v]) for u, v in graph.edges], directed=directed
    ), nodes


def _igraph_measure(
    name: str, directed: Any, undirected: Any, sample: int | None, seed: int
) -> dict[str, float]:
    """The same measures as networkx's (same normalisation), computed by igraph."""
    n = len(undirected)
    if name == "pagerank":
        graph, nodes = _to_igraph(directed, directed=True)
        return (
            dict(zip(nodes, graph.pagerank(directed=True, damping=0.85), strict=True)) if n else {}
        )
    graph, nodes = _to_igraph(undirected, directed=False)
    if name == "eigenvector":
        return _igraph_eigenvector(graph, nodes)
    if name == "degree":
        return {
            node: d / (n - 1) if n > 1 else 0.0
            for node, d in zip(nodes, graph.degree(), strict=True)
        }
    if name == "closeness":
        # networkx (Wasserman-Faust): (r - 1) / sum of distances, times (r - 1) / (n - 1),
        # where r is the size of the node's component
        sizes = {}
        for component in graph.connected_components():
            for v in component:
                sizes[v] = len(component)
        raw = graph.closeness(normalized=True)
        return {
            node: (
                raw[i] * (sizes[i] - 1) / (n - 1)
                if n > 1 and sizes[i] > 1 and raw[i] == raw[i]
                else 0.0
            )
            for i, node in enumerate(nodes)
        }
    # betweenness: exact, or from sampled sources scaled up (as networkx's k-sample estimate)
    scale = 2.0 / ((n - 1) * (n - 2)) if n > 2 else 0.0
    if sample and sample < n:
        import random

        # a seeded sample of sources, for a reproducible estimate: not a secret
        sources = random.Random(seed).sample(range(n), sample)  # noqa: S311
        raw = graph.betweenness(directed=False, sources=sources)
        factor = n / sample
        # each sampled source contributes its paths to every target, as networkx's k-sample
        # estimate does; scaled by n/k (measured against exact values in the tests)
        return {node: value * factor * scale for node, value in zip(nodes, raw, strict=True)}
    betweenness = graph.betweenness(directed=False)
    return {node: value * scale for node, value in zip(nodes, betweenness, strict=True)}


def _eigenvector(graph: nx.Graph) -> dict[str, float]:
    """Eigenvector centrality of each connected component, scaled by the component's share of
    nodes (the measure is undefined across disconnected parts; isolated nodes score 0)."""
    import networkx as nx

    values = dict.fromkeys(graph, 0.0)
    for component in nx.connected_components(graph):
        if len(component) < 2:
            continue
        scores = nx.eigenvector_centrality(graph.subgraph(component), max_iter=10000, tol=1e-12)
        values.update(_component_share(scores, len(graph)))
    return values


def _igraph_eigenvector(graph: Any, nodes: list[str]) -> dict[str, float]:
    """:func:`_eigenvector` by igraph (ARPACK): the same per-component scaling."""
    values = dict.fromkeys(nodes, 0.0)
    graph.vs["_index"] = range(len(nodes))  # a subgraph's vertices are renumbered
    for component in graph.connected_components():
        if len(component) < 2:
            continue
        part = graph.induced_subgraph(component)
        scores = dict(
            zip((nodes[i] for i in part.vs["_index"]), part.eigenvector_centrality(), strict=True)
        )
        values.update(_component_share(scores, len(nodes)))
    return values


def _component_share(scores: dict[str, float], total: int) -> dict[str, float]:
    """One component's eigenvector scores, summing to the component's share of all ``total``
    nodes (so that components of different sizes can be compared)."""
    norm = sum(abs(v) for v in scores.values()) or 1.0
    return {node: abs(value) / norm * len(scores) / (total or 1) for node, value in scores.items()}


@dataclass
class NodeScore:
    rank: int
    id: str
    labels: dict[str, str]
    kinds: list[str]
    scores: dict[str, float]

    def label(self, lang: str = "zh") -> str:
        return pick_label(self.labels, lang)


@dataclass
class RankResult:
    measure: str  # the measure rows are ordered by
    measures: list[str]
    excluded: list[str]
    kinds: list[str]
    nodes: int
    edges: int
    rows: list[NodeScore] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def table(self, lang: str = "zh") -> tuple[tuple[str, ...], list[tuple[Any, ...]]]:
        """(headers, rows): rank, id, label in ``lang``, kinds, then one column per measure."""
        headers = ("rank", "id", "label", "kinds", *self.measures)
        rows = [
            (
                r.rank,
                r.id,
                r.label(lang),
                ";".join(r.kinds),
                *(f"{r.scores[m]:.6f}" for m in self.measures),
            )
            for r in self.rows
        ]
        return headers, rows

    def to_text(self, lang: str = "zh") -> str:
        check_lang(lang)
        excluded = ", ".join(self.excluded) or "nothing"
        head = (
            f"{count(self.nodes, 'entity', 'entities')}, {count(self.edges, 'link')} "
            f"(excluded: {excluded}); ordered by {self.measure}"
        )
        headers, rows = self.table(lang)
        return head + "\n" + table(rows, headers)

    def to_csv(self, lang: str = "zh", *, excel: bool = False) -> str:
        """The table as CSV, formula-like cells neutralised (``excel``: BOM and CRLF)."""
        check_lang(lang)
        return _csv(*self.table(lang), excel)


def rank(
    projection: Projection,
    measure: str = "pagerank",
    kinds: list[str] | None = None,
    exclude: list[str] | tuple[str, ...] | None = DEFAULT_EXCLUDE,
    top: int | None = 20,
    engine: str = "auto",
) -> RankResult:
    """Entities ordered by a centrality measure (``all`` computes every measure and orders by
    PageRank); ties are broken by id. ``kinds`` keeps only entities of those kinds in the list
    (the measures are computed on the whole analysis view)."""
    from .vocab import vocabulary

    names = MEASURES if measure == "all" else (measure,)
    order_by = "pagerank" if measure == "all" else measure
    wanted = list(kinds or [])
    require_kinds(wanted)
    directed, undirected = analysis_view(projection, exclude)
    values = measures(directed, undirected, names, engine)
    vocab = vocabulary()
    nodes = [
        n
        for n in undirected.nodes
        if not wanted or vocab.is_any(undirected.nodes[n]["kinds"], wanted)
    ]
    nodes.sort(key=lambda n: (-values[order_by][n], n))
    if top is not None:
        nodes = nodes[:top]
    rows = [
        NodeScore(
            i,
            n,
            dict(undirected.nodes[n]["labels"]),
            list(undirected.nodes[n]["kinds"]),
            {m: values[m][n] for m in names},
        )
        for i, n in enumerate(nodes, 1)
    ]
    return RankResult(
        order_by,
        list(names),
        list(exclude or []),
        wanted,
        len(undirected),
        undirected.number_of_edges(),
        rows,
    )


@dataclass
class Community:
    number: int
    name: str  # id of the most central member
    name_labels: dict[str, str]
    size: int
    kinds: dict[str, int]
    members: list[dict[str, Any]]


@dataclass
class CommunitiesResult:
    algorithm: str
    seed: int
    resolution: float
    modularity: float
    excluded: list[str]
    communities: list[Community]
    isolates: list[dict[str, Any]]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def to_text(self, lang: str = "zh") -> str:
        check_lang(lang)
        lines = [
            f"{len(self.communities)} communities, modularity {self.modularity:.4f} "
            f"({self.algorithm}, seed {self.seed}); {len(self.isolates)} entities without links"
        ]
        for c in self.communities:
            members = ", ".join(pick_label(m["labels"], lang) for m in c.members)
            lines.append(f"{c.number:>3}. {pick_label(c.name_labels, lang)} ({c.size}): {members}")
        return "\n".join(lines)

    def to_csv(self, lang: str = "zh", *, excel: bool = False) -> str:
        """One row per member: community, named_by, id, label, kinds, degree."""
        check_lang(lang)
        rows = [
            (
                c.number,
                c.name,
                m["id"],
                pick_label(m["labels"], lang),
                ";".join(m["kinds"]),
                m["degree"],
            )
            for c in self.communities
            for m in c.members
        ]
        return _csv(("community", "named_by", "id", "label", "kinds", "degree"), rows, excel)


def communities(
    projection: Projection,
    exclude: list[str] | tuple[str, ...] | None = DEFAULT_EXCLUDE,
    seed: int = 42,
    resolution: float = 1.0,
    engine: str = "auto",
) -> CommunitiesResult:
    """Louvain communities (fixed seed) of the analysis view. Each community is named by its most
    central member (highest degree, ties by id); entities with no relation are listed apart."""
    import networkx as nx

    _, undirected = analysis_view(projection, exclude)
    degree = dict(undirected.degree())
    isolates = sorted(n for n, d in degree.items() if d == 0)
    algorithm = "louvain (networkx)"
    modularity = 0.0
    if len(isolates) == len(undirected):
        parts: list[set[str]] = []
    elif (
        chosen := choose_engine(engine, len(undirected) - len(isolates), louvain=True)
    ) == "networkit":
        # isolated entities would be singleton communities: they are listed apart instead
        parts, modularity = _networkit_louvain(undirected, seed, resolution)
        parts = [part for part in parts if len(part) > 1 or degree[next(iter(part))] > 0]
        algorithm = "louvain (networkit PLM)"
    elif chosen == "igraph":
        import random

        import igraph

        connected = undirected.subgraph([n for n, d in degree.items() if d > 0])
        graph, nodes = _to_igraph(connected, directed=False)
        # seeded for reproducible communities, not for anything secret
        igraph.set_random_number_generator(random.Random(seed))  # noqa: S311
        clustering = graph.community_multilevel(resolution=resolution)
        parts = [{nodes[i] for i in members} for members in clustering]
        modularity = graph.modularity(clustering.membership, resolution=resolution)
        algorithm = "louvain (igraph multilevel)"
    else:
        connected = undirected.subgraph([n for n, d in degree.items() if d > 0])
        parts = nx.community.louvain_communities(connected, seed=seed, resolution=resolution)
        modularity = nx.community.modularity(connected, parts, resolution=resolution)
    nodes_data = undirected.nodes
    found = []
    for part in parts:
        members = sorted(part, key=lambda n: (-degree[n], n))
        kinds = Counter(k for n in members for k in nodes_data[n]["kinds"])
        found.append(
            Community(
                number=0,
                name=members[0],
                name_labels=dict(nodes_data[members[0]]["labels"]),
                size=len(members),
                kinds=dict(sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0]))),
                members=[{**_node_info(undirected, n), "degree": degree[n]} for n in members],
            )
        )
    found.sort(key=lambda c: (-c.size, c.name))
    for number, community in enumerate(found, 1):
        community.number = number
    return CommunitiesResult(
        algorithm,
        seed,
        resolution,
        round(modularity, DIGITS),
        list(exclude or []),
        found,
        [_node_info(undirected, n) for n in isolates],
    )


@dataclass
class BrokersResult:
    excluded: list[str]
    articulation_points: list[dict[str, Any]]
    bridges: list[dict[str, Any]]
    structural_holes: list[dict[str, Any]]  # id, labels, kinds, degree, effective_size, constraint
    articulation_total: int = (
        0  # how many articulation points there are (the list may be cut at top)
    )
    #: how many of each list the text shows (the bridges are all in the data)
    top: int | None = None

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out.pop("top")
        return out

    def _holes(self, lang: str) -> list[tuple[Any, ...]]:
        return [
            (
                h["id"],
                pick_label(h["labels"], lang),
                h["degree"],
                f"{h['effective_size']:.3f}",
                f"{h['constraint']:.3f}",
            )
            for h in self.structural_holes
        ]

    def to_text(self, lang: str = "zh") -> str:
        check_lang(lang)
        points = ", ".join(pick_label(p["labels"], lang) for p in self.articulation_points)
        shown = (
            ""
            if len(self.articulation_points) == self.articulation_total
            else f", {len(self.articulation_points)} with most links shown"
        )
        lines = [
            f"Articulation points ({self.articulation_total}{shown}): {points}",
            f"Bridges: {len(self.bridges)}",
        ]
        for bridge in self.bridges[: self.top]:
            source = pick_label(bridge["source"]["labels"], lang)
            lines.append(f"  {source} — {pick_label(bridge['target']['labels'], lang)}")
        lines.append("Structural holes (Burt):")
        headers = ("id", "label", "degree", "effective size", "constraint")
        lines.append(table(self._holes(lang), headers))
        return "\n".join(lines)

    def to_csv(self, lang: str = "zh", *, excel: bool = False) -> str:
        """The structural holes: id, label, degree, effective_size, constraint."""
        check_lang(lang)
        headers = ("id", "label", "degree", "effective_size", "constraint")
        return _csv(headers, self._holes(lang), excel)


def brokers(
    projection: Projection,
    exclude: list[str] | tuple[str, ...] | None = DEFAULT_EXCLUDE,
    top: int | None = 20,
) -> BrokersResult:
    """Who holds the network together: articulation points (removing one splits a component),
    bridges (relations whose removal splits one), and Burt's structural-hole measures: effective
    size (non-redundant contacts, high = broker) and constraint (low = broker)."""
    import networkx as nx

    _, undirected = analysis_view(projection, exclude)
    points = sorted(nx.articulation_points(undirected), key=lambda n: (-undirected.degree(n), n))
    bridge_list = sorted(tuple(sorted(edge)) for edge in nx.bridges(undirected))
    active = [n for n in undirected if undirected.degree(n) > 0]
    effective, constraint = structural_holes(undirected, active)
    holes = [
        {
            **_node_info(undirected, n),
            "degree": undirected.degree(n),
            "effective_size": round(float(effective[n]), DIGITS) + 0.0,
            "constraint": round(float(constraint[n]), DIGITS) + 0.0,
        }
        for n in active
    ]
    holes.sort(key=lambda h: (-h["effective_size"], h["constraint"], h["id"]))
    cut = [{**_node_info(undirected, n), "degree": undirected.degree(n)} for n in points]
    return BrokersResult(
        list(exclude or []),
        cut[:top] if top else cut,
        [
            {"source": _node_info(undirected, a), "target": _node_info(undirected, b)}
            for a, b in bridge_list
        ],
        holes[:top] if top else holes,
        len(cut),
        top,
    )


def structural_holes(graph: Any, nodes: list[Any]) -> tuple[dict[Any, float], dict[Any, float]]:
    """Burt's effective size and constraint of ``nodes`` (none isolated) in an undirected, simple,
    unweighted networkx graph: the values of networkx's ``effective_size`` and ``constraint``.

    networkx builds an ego network per node and re-sums each neighbour's ties for every pair, which
    took 9.6 minutes on a 5,000-entity network with hubs; here every edge costs one intersection of
    two neighbour sets. With degree d and p_ij = 1/d_i for a neighbour j:

    * constraint c_i = sum over neighbours j of
      (1/d_i * (1 + sum over common neighbours q of 1/d_q))²;
    * effective size = d_i - 2 t_i / d_i, where t_i is the number of ties among i's neighbours
      (Borgatti's form, which networkx uses for unweighted undirected graphs).
    """
    neighbours = {node: set(graph[node]) for node in graph}
    inverse = {node: 1.0 / len(adjacent) for node, adjacent in neighbours.items() if adjacent}
    wanted = set(nodes)
    constraint = dict.fromkeys(nodes, 0.0)
    ties = dict.fromkeys(nodes, 0)  # per node: common neighbours summed over its edges (2 t_i)
    for u, v in graph.edges():
        u_wanted, v_wanted = u in wanted, v in wanted
        if not (u_wanted or v_wanted):
            continue
        common = neighbours[u] & neighbours[v]
        through = 1.0 + sum(inverse[q] for q in common)
        if u_wanted:
            constraint[u] += (inverse[u] * through) ** 2
            ties[u] += len(common)
        if v_wanted:
            constraint[v] += (inverse[v] * through) ** 2
            ties[v] += len(common)
    effective = {node: len(neighbours[node]) - ties[node] * inverse[node] for node in nodes}
    return effective, constraint


@dataclass
class GapRow:
    field: str
    labels: dict[str, str]
    counts: dict[str, int]
    linked: dict[str, list[str]]


@dataclass
class GapsResult:
    kinds: list[str]
    kind_labels: dict[str, str]
    rows: list[GapRow]
    missing: dict[str, list[str]]  # kind -> fields with no link to an entity of that kind
    unsupported: list[str]  # fields with no link to any kind of support

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def _rows(self, lang: str) -> list[tuple[Any, ...]]:
        return [
            (r.field, pick_label(r.labels, lang), *(r.counts[k] for k in self.kinds))
            for r in self.rows
        ]

    def to_text(self, lang: str = "zh") -> str:
        """The matrix (kinds named in ``lang``), then the fields with none of each kind."""
        check_lang(lang)
        names = {k: self.kind_labels[k] if lang == "zh" else SUPPORT_KINDS[k] for k in self.kinds}
        lines = [table(self._rows(lang), ("field", "label", *(names[k] for k in self.kinds)))]
        labels = {r.field: pick_label(r.labels, lang) for r in self.rows}
        lines.append("")
        unsupported = ", ".join(labels[f] for f in self.unsupported) or "-"
        lines.append(f"No support of any kind: {unsupported}")
        for kind in self.kinds:
            missing = ", ".join(labels[f] for f in self.missing[kind]) or "-"
            lines.append(f"No {names[kind]}: {missing}")
        return "\n".join(lines)

    def to_csv(self, lang: str = "zh", *, excel: bool = False) -> str:
        """The matrix: field, label, one count column per kind (named by its class)."""
        check_lang(lang)
        return _csv(("field", "label", *self.kinds), self._rows(lang), excel)


def gaps(projection: Projection) -> GapsResult:
    """Fields × kinds of support: how many entities of each kind are directly linked to each field
    (any relation, either direction, any status), and which fields have none of a kind."""
    from .vocab import vocabulary

    vocab = vocabulary()
    graph = projection.graph
    fields = sorted(
        (n for n, d in graph.nodes(data=True) if vocab.is_any(d["kinds"], ("Field",))),
        key=lambda n: (pick_label(graph.nodes[n]["labels"], "zh"), n),
    )
    kinds = list(SUPPORT_KINDS)
    rows = []
    for field_id in fields:
        linked: dict[str, list[str]] = {kind: [] for kind in kinds}
        others = set(graph.predecessors(field_id)) | set(graph.successors(field_id))
        for other in sorted(others):
            for kind in kinds:
                if vocab.is_any(graph.nodes[other]["kinds"], (kind,)):
                    linked[kind].append(other)
        rows.append(
            GapRow(
                field_id,
                dict(graph.nodes[field_id]["labels"]),
                {k: len(v) for k, v in linked.items()},
                linked,
            )
        )
    missing = {kind: [r.field for r in rows if r.counts[kind] == 0] for kind in kinds}
    unsupported = [r.field for r in rows if not any(r.counts.values())]
    labels = {kind: pick_label(vocab.term_labels(kind), "zh") for kind in kinds}
    return GapsResult(kinds, labels, rows, missing, unsupported)


def _without_networkx_key(lines: Any) -> str:
    """networkx's GEXF of a multigraph, without the ``networkx_key`` edge attribute it adds
    (the key of a parallel edge: bookkeeping of networkx, not a property of the relation)."""
    import re

    text = list(lines)
    declared = [
        re.search(r'id="([^"]+)"', line)
        for line in text
        if "<attribute " in line and 'title="networkx_key"' in line
    ]
    ids = {m.group(1) for m in declared if m}
    kept = [
        line
        for line in text
        if not ('title="networkx_key"' in line and "<attribute " in line)
        and not any(f'<attvalue for="{i}" ' in line for i in ids)
    ]
    return "\n".join(kept) + "\n"


def export_network(projection: Projection, fmt: str, *, excel: bool = False) -> dict[str, str]:
    """The whole projection for Gephi and Cytoscape, with both labels, the kind and the measures
    (computed on the whole projection) on every node: ``graphml`` and ``gexf`` give one file,
    ``csv`` gives ``nodes.csv`` and ``edges.csv``. Returns file name → text."""
    import networkx as nx

    directed, undirected = analysis_view(projection, exclude=())
    values = measures(directed, undirected)
    parts = communities(projection, exclude=())
    community_of = {m["id"]: c.number for c in parts.communities for m in c.members}
    graph = nx.MultiDiGraph()
    for node in sorted(projection.graph.nodes):
        data = projection.graph.nodes[node]
        graph.add_node(
            node,
            label=pick_label(data["labels"], "zh"),
            label_zh=data["labels"].get("zh", ""),
            label_en=data["labels"].get("en", ""),
            kind=data["kinds"][0] if data["kinds"] else "",
            kinds=";".join(data["kinds"]),
            # an isolated entity belongs to no community: no value (Gephi would group every
            # entity of "community 0" as one)
            **({"community": community_of[node]} if node in community_of else {}),
            **{m: values[m].get(node, 0.0) for m in MEASURES},
        )
    for source, target, key, data in sorted(
        projection.graph.edges(keys=True, data=True), key=lambda e: (e[0], e[1], e[2])
    ):
        labels = projection.predicate_labels.get(data["predicate"], {})
        first = data["citations"][0] if data["citations"] else None
        graph.add_edge(
            source,
            target,
            key=key,
            predicate=data["predicate"],
            label=labels.get("zh", data["predicate"]),
            label_en=labels.get("en", data["predicate"]),
            status=data["status"],
            basis=data["basis"],
            quote=first.quote if first else "",
            section=first.section if first else "",
        )
    if fmt == "graphml":
        return {"ecograph.graphml": "\n".join(nx.generate_graphml(graph)) + "\n"}
    if fmt == "gexf":
        return {"ecograph.gexf": _without_networkx_key(nx.generate_gexf(graph))}
    if fmt != "csv":
        raise UsageError(
            f"unknown network format {fmt!r}; choose graphml, gexf or csv", param="format"
        )
    from .safetext import csv_text

    node_columns = ["id", "label_zh", "label_en", "kind", "kinds", "community", *MEASURES]
    node_rows = (
        [node] + [data.get(c, "") for c in node_columns[1:]]
        for node, data in graph.nodes(data=True)
    )
    edge_columns = [
        "source",
        "target",
        "predicate",
        "label",
        "label_en",
        "status",
        "basis",
        "quote",
        "section",
    ]
    edge_rows = (
        [source, target] + [data[c] for c in edge_columns[2:]]
        for source, target, data in graph.edges(data=True)
    )
    return {
        "nodes.csv": csv_text(node_columns, node_rows, excel=excel),
        "edges.csv": csv_text(edge_columns, edge_rows, excel=excel),
    }
