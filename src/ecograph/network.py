"""The graph as a network: a networkx projection of entity-to-entity relations.

Only relations between entities become edges. Literals, classes, citations, document sections
and observations are not nodes (otherwise everything would be two steps apart through the source
document or a shared year). Each edge keeps its predicate, status, basis and citations.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from .lookup import CitationView, Match, NameIndex
from .namespaces import ECO_NS
from .text import check_lang, cite_lines, pick_label

if TYPE_CHECKING:
    import networkx as nx

    from .stores import Store
    from .vocab import Vocabulary

__all__ = [
    "NOT_NODES",
    "EdgeView",
    "Neighbor",
    "NeighborsResult",
    "PathStep",
    "PathsResult",
    "Projection",
    "RelationPath",
]

#: kinds that never become nodes of the projection
NOT_NODES = frozenset(
    {
        "DocumentSection",
        "Observation",
        "Indicator",
        "Unit",
        "Assertion",
        "Citation",
        "RowCitation",
        "Dataset",
    }
)

_EDGES_QUERY = """
SELECT ?s ?p ?o ?g ?status ?basis WHERE {
  GRAPH ?g { ?s ?p ?o }
  ?g a eco:Assertion ; eco:status ?status ; eco:basis ?basis .
  FILTER(isIRI(?o) && ?p != rdf:type)
}"""
_CITATIONS_QUERY = """
SELECT ?g ?quote ?section ?row WHERE {
  ?g a eco:Assertion ; eco:citation ?c .
  { ?c oa:exact ?quote ; eco:section ?section }
  UNION { ?c dct:identifier ?row ; dct:source ?section }
}"""


@dataclass
class EdgeView:
    """One relation between two consecutive nodes, seen from the first of them."""

    source: str  # subject id of the RDF statement
    target: str  # object id
    source_labels: dict[str, str]
    target_labels: dict[str, str]
    predicate: str
    predicate_labels: dict[str, str]
    direction: str  # "forward" (step follows the statement) or "backward"
    status: str
    basis: str
    citations: list[CitationView] = field(default_factory=list)

    def to_text(self, lang: str = "zh") -> str:
        """``source —predicate→ target  [status]``, then its quotes, one per indented line."""
        predicate = pick_label(self.predicate_labels, lang) or self.predicate
        source = pick_label(self.source_labels, lang) or self.source
        target = pick_label(self.target_labels, lang) or self.target
        flags = self.status + ("" if self.basis == "explicit" else f", {self.basis}")
        head = f"{source} —{predicate}→ {target}  [{flags}]"
        return "\n".join([head, *cite_lines(self.citations, lang, "    ")])


def _left_out(exclude: list[str]) -> str:
    return f" (entities of kind {', '.join(exclude)} left out)" if exclude else ""


def _indented(text: str, indent: str) -> list[str]:
    return [indent + line for line in text.split("\n")]


@dataclass
class Neighbor:
    id: str
    labels: dict[str, str]
    kinds: list[str]
    depth: int
    via: str  # id of the node one step closer to the centre
    edges: list[EdgeView] = field(default_factory=list)


@dataclass
class NeighborsResult:
    center: Match
    depth: int
    kinds: list[str]
    neighbors: list[Neighbor]
    #: kinds whose entities were neither listed nor passed through (the centre excepted)
    exclude: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def to_text(self, lang: str = "zh") -> str:
        """The neighbours by depth, each with the relations that reach it and their quotes."""
        check_lang(lang)
        kinds_text = f" of kind {', '.join(self.kinds)}" if self.kinds else ""
        lines = [
            f"{self.center.label(lang)} ({self.center.id}): {len(self.neighbors)} neighbour(s)"
            f"{kinds_text} within {self.depth} step(s){_left_out(self.exclude)}"
        ]
        for level in range(1, self.depth + 1):
            items = [n for n in self.neighbors if n.depth == level]
            if not items:
                continue
            lines.append(f"Depth {level}:")
            for item in items:
                lines.append(
                    f"  {pick_label(item.labels, lang)} ({item.id}; {', '.join(item.kinds)})"
                )
                for edge in item.edges:
                    lines += _indented(edge.to_text(lang), "      ")
        return "\n".join(lines)


@dataclass
class PathStep:
    source: str
    source_labels: dict[str, str]
    target: str
    target_labels: dict[str, str]
    edges: list[EdgeView]


@dataclass
class RelationPath:
    nodes: list[str]
    steps: list[PathStep]

    @property
    def length(self) -> int:
        return len(self.steps)


@dataclass
class PathsResult:
    source: Match
    target: Match
    max_length: int
    all_paths: bool
    paths: list[RelationPath]
    truncated: bool = False
    #: kinds whose entities no path passes through (the two ends excepted)
    exclude: list[str] = field(default_factory=list)
    #: when no path avoids them: the length of the shortest path through them (else None)
    #: and the left-out entities on it ({"id", "labels"}), so the answer says what it hides
    excluded_length: int | None = None
    excluded_through: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def to_text(self, lang: str = "zh") -> str:
        """The paths, step by step with each relation and its quotes; or one line saying there
        is none (``ecograph path`` writes that to standard error and exits 1)."""
        check_lang(lang)
        head = f"{self.source.label(lang)} → {self.target.label(lang)}"
        left_out = _left_out(self.exclude)
        if not self.paths:
            through = ""
            if self.excluded_length is not None:
                names = "、" if lang == "zh" else ", "
                through = (
                    f"; with them the shortest is {self.excluded_length} step(s), through "
                    + names.join(
                        f"{pick_label(e['labels'], lang) or e['id']} ({e['id']})"
                        for e in self.excluded_through
                    )
                )
            return f"{head}: no path of at most {self.max_length} steps{left_out}{through}."
        kind = "path(s) up to" if self.all_paths else "shortest path(s) of"
        length = self.max_length if self.all_paths else self.paths[0].length
        shown = " (first 50 shown)" if self.truncated else ""
        lines = [f"{head}: {len(self.paths)} {kind} {length} step(s){shown}{left_out}"]
        for number, found in enumerate(self.paths, 1):
            lines.append(f"Path {number} ({found.length} steps):")
            for index, step in enumerate(found.steps, 1):
                # one line per step; the relations that make it (often two, one each way)
                # under it, each in the direction its statement has
                source = pick_label(step.source_labels, lang) or step.source
                target = pick_label(step.target_labels, lang) or step.target
                count = f" ({len(step.edges)} relations)" if len(step.edges) > 1 else ""
                lines.append(f"  {index}. {source} → {target}{count}")
                for edge in step.edges:
                    lines += _indented(edge.to_text(lang), "       ")
        return "\n".join(lines)


class Projection:
    """A ``networkx.MultiDiGraph`` of entities (nodes carry ``kinds`` and ``labels``) and their
    relations (edges carry ``predicate``, ``status``, ``basis`` and ``citations``), plus an
    undirected simple view for paths and centrality."""

    def __init__(self, graph: nx.MultiDiGraph, index: NameIndex | None, vocab: Vocabulary):
        import networkx as nx

        self.index = index
        self.vocab = vocab
        self.predicate_labels = {
            name: vocab.term_labels(name) for name in sorted(vocab.object_properties)
        }
        self.graph: nx.MultiDiGraph = graph
        self.undirected: nx.Graph = nx.Graph(graph.to_undirected(as_view=True))
        #: the analysis views of this projection by the kinds left out, made once each by
        #: :func:`ecograph.analysis.analysis_view`
        self.analysis_cache: dict[tuple[str, ...], tuple[Any, Any]] = {}

    @classmethod
    def build(cls, store: Store, names: NameIndex, vocab: Vocabulary) -> Projection:
        """Read the relations between the entities ``names`` knows from ``store`` (two bulk
        queries: every statement graph, and every citation)."""
        import networkx as nx

        from .loader import RESERVED_PROPERTIES

        base = names.base
        citations: dict[str, list[CitationView]] = {}
        section_labels: dict[str, dict[str, str]] = {}  # one dict per section, shared
        # the rows one at a time (Store.values): at 20M statements, 1.2M citations and 3.3M
        # relations held as rows of JSON terms took 7 GB
        for g, quote, section_iri, row_ref in store.values(_CITATIONS_QUERY):
            section = (section_iri or "")[len(base) :]
            labels = section_labels.get(section)
            if labels is None:
                labels = section_labels[section] = names.labels(section)
            citations.setdefault(g or "", []).append(
                CitationView(quote or "", section, labels, row_ref or "")
            )
        graph = nx.MultiDiGraph()
        for entity_id, entry in sorted(names.entries.items()):
            if not NOT_NODES & set(entry.kinds):
                graph.add_node(entity_id, kinds=list(entry.kinds), labels=dict(entry.labels))
        edges: list[tuple[str, str, str, dict[str, Any]]] = []
        no_citations: list[CitationView] = []
        for s, p, o, g, status, basis in store.values(_EDGES_QUERY):
            if not (s and o and p and g and status and basis):
                continue
            if not (s.startswith(base) and o.startswith(base) and p.startswith(ECO_NS)):
                continue
            name = p[len(ECO_NS) :]
            s_id, o_id = s[len(base) :], o[len(base) :]
            if name in RESERVED_PROPERTIES or name not in vocab.object_properties:
                continue
            if s_id not in graph or o_id not in graph:
                continue
            cited = citations.get(g, no_citations)
            if len(cited) > 1:
                cited.sort(key=lambda c: (c.section, c.quote))
            edges.append(
                (
                    s_id,
                    o_id,
                    name,
                    {
                        "predicate": name,
                        "status": status[len(ECO_NS) :],
                        "basis": basis[len(ECO_NS) :],
                        "citations": list(cited),
                    },
                )
            )
        del citations
        graph.add_edges_from(sorted(edges, key=lambda e: (e[0], e[1], e[2])))
        return cls(graph, names, vocab)

    # ------------------------------------------------------------------ steps

    def edges_between(self, a: str, b: str) -> list[EdgeView]:
        """Every relation linking ``a`` and ``b``, in either direction, seen from ``a``."""
        views = []
        for source, target, direction in ((a, b, "forward"), (b, a, "backward")):
            data = self.graph.get_edge_data(source, target) or {}
            for key in sorted(data):
                attrs = data[key]
                views.append(
                    EdgeView(
                        source=source,
                        target=target,
                        source_labels=self._labels(source),
                        target_labels=self._labels(target),
                        predicate=attrs["predicate"],
                        predicate_labels=self.predicate_labels.get(attrs["predicate"], {}),
                        direction=direction,
                        status=attrs["status"],
                        basis=attrs["basis"],
                        citations=list(attrs["citations"]),
                    )
                )
        return views

    def _labels(self, node: str) -> dict[str, str]:
        return dict(self.graph.nodes[node]["labels"])

    # ------------------------------------------------------------------ queries

    def excluded_nodes(self, exclude: list[str] | None) -> frozenset[str]:
        """The entities of the kinds ``exclude`` names (subclasses too)."""
        if not exclude:
            return frozenset()
        banned = set(exclude)
        is_any = self.vocab.is_any
        return frozenset(
            node for node, kinds in self.graph.nodes(data="kinds") if is_any(list(kinds), banned)
        )

    def neighbors(
        self,
        center: Match,
        depth: int = 1,
        kinds: list[str] | None = None,
        exclude: list[str] | None = None,
    ) -> NeighborsResult:
        """Entities within ``depth`` relation steps of ``center`` (either direction), nearest first;
        ``kinds`` keeps only neighbours of those kinds (paths may pass through any kind);
        entities of the kinds ``exclude`` names are neither listed nor passed through."""
        vocab = self.vocab
        wanted = set(kinds or [])
        excluded = sorted(exclude or [])
        found: list[Neighbor] = []
        if center.id not in self.graph:
            return NeighborsResult(center, depth, sorted(wanted), [], excluded)
        banned = self.excluded_nodes(excluded) - {center.id}
        seen = {center.id}
        frontier = [center.id]
        for level in range(1, depth + 1):
            next_frontier = []
            for node in frontier:
                for other in sorted(self.undirected.neighbors(node)):
                    if other in seen or other in banned:
                        continue
                    seen.add(other)
                    next_frontier.append(other)
                    node_kinds = list(self.graph.nodes[other]["kinds"])
                    if wanted and not vocab.is_any(node_kinds, wanted):
                        continue
                    found.append(
                        Neighbor(
                            other,
                            self._labels(other),
                            node_kinds,
                            level,
                            node,
                            self.edges_between(node, other),
                        )
                    )
            frontier = sorted(next_frontier)
        found.sort(key=lambda n: (n.depth, n.kinds, pick_label(n.labels, "zh"), n.id))
        return NeighborsResult(center, depth, sorted(wanted), found, excluded)

    def paths(
        self,
        source: Match,
        target: Match,
        max_length: int = 6,
        all_paths: bool = False,
        limit: int = 50,
        exclude: list[str] | None = None,
    ) -> PathsResult:
        """Shortest relation paths from ``source`` to ``target`` (every shortest path, sorted), or
        with ``all_paths`` every simple path up to ``max_length`` steps, shortest first; no path
        passes through an entity of the kinds ``exclude`` names (the two ends may be one)."""
        import networkx as nx

        excluded = sorted(exclude or [])
        result = PathsResult(source, target, max_length, all_paths, [], exclude=excluded)
        if (
            source.id not in self.undirected
            or target.id not in self.undirected
            or source.id == target.id
        ):
            return result
        banned = self.excluded_nodes(excluded) - {source.id, target.id}
        graph = (
            nx.subgraph_view(self.undirected, filter_node=lambda node: node not in banned)
            if banned
            else self.undirected
        )
        try:
            if all_paths:
                candidates = nx.all_simple_paths(graph, source.id, target.id, cutoff=max_length)
            else:
                candidates = nx.all_shortest_paths(graph, source.id, target.id)
            node_lists = []
            for nodes in candidates:
                if len(nodes) - 1 > max_length:
                    break
                node_lists.append(nodes)
                if len(node_lists) > 10 * limit:
                    break
        except nx.NetworkXNoPath:
            node_lists = []
        if not node_lists and banned:
            # say what the exclusion hides: the first shortest path through left-out entities
            try:
                shortest = min(nx.all_shortest_paths(self.undirected, source.id, target.id))
            except nx.NetworkXNoPath:
                return result
            if len(shortest) - 1 <= max_length:
                result.excluded_length = len(shortest) - 1
                result.excluded_through = [
                    {"id": node, "labels": self._labels(node)}
                    for node in shortest
                    if node in banned
                ]
            return result
        node_lists.sort(key=lambda nodes: (len(nodes), nodes))
        result.truncated = len(node_lists) > limit
        for nodes in node_lists[:limit]:
            steps = [
                PathStep(a, self._labels(a), b, self._labels(b), self.edges_between(a, b))
                for a, b in pairwise(nodes)
            ]
            result.paths.append(RelationPath(list(nodes), steps))
        return result
