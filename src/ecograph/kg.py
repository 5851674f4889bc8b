"""The :class:`KnowledgeGraph`: a loaded dataset and what can be asked of it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from .loader import DatasetMeta, LoadedData, metadata_file, read_dataset
from .resources import default_dataset_dir

if TYPE_CHECKING:
    from rdflib import Dataset, Graph

    from .lookup import NameIndex
    from .network import Projection
    from .rdfwrite import Statements
    from .spool import Spool
    from .stores import Store

__all__ = [
    "FORMATS",
    "NETWORK_FORMATS",
    "BuildResult",
    "ExportResult",
    "KnowledgeGraph",
    "Stats",
    "build",
    "load",
]

#: export format name -> (rdflib's name for it, to parse it back; file extension;
#: keeps named graphs)
FORMATS: dict[str, tuple[str, str, bool]] = {
    "trig": ("trig", "trig", True),
    "nquads": ("nquads", "nq", True),
    "turtle": ("turtle", "ttl", False),
    "ntriples": ("nt", "nt", False),
    "jsonld": ("json-ld", "jsonld", True),
}


@dataclass
class Stats:
    """Counts describing a loaded dataset."""

    dataset: str
    triples: int
    data_triples: int
    ontology_triples: int
    named_graphs: int
    records: int
    entities: int
    entities_by_class: dict[str, int] = field(default_factory=dict)
    observations: int = 0
    citations: int = 0
    assertions: int = 0
    relations: int = 0
    relations_by_status: dict[str, int] = field(default_factory=dict)
    relations_by_basis: dict[str, int] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    #: rows of the dataset's tables that yielded statements (each cited as its row)
    table_rows: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def to_text(self, lang: str = "zh") -> str:
        """Three tables: the totals, entities per class, relations by status and basis."""
        from .text import table

        summary = [
            ("dataset", self.dataset),
            ("triples", self.triples),
            ("data triples", self.data_triples),
            ("ontology triples", self.ontology_triples),
            ("named graphs", self.named_graphs),
            ("entities", self.entities),
            ("observations", self.observations),
            ("citations", self.citations),
            ("relations", self.relations),
        ]
        if self.table_rows:
            summary.append(("table rows", self.table_rows))
        statuses = [(k, v) for k, v in self.relations_by_status.items()]
        statuses += [(f"basis: {k}", v) for k, v in self.relations_by_basis.items()]
        return "\n\n".join(
            [
                table(summary, ("measure", "count")),
                table(list(self.entities_by_class.items()), ("class", "entities")),
                table(statuses, ("relation status", "relations")),
            ]
        )


@dataclass
class ExportResult:
    """What :meth:`KnowledgeGraph.export` produced: ``document``, the text itself, when no
    output was given; else the ``files`` written (with their sizes in bytes)."""

    format: str
    document: str | None = None
    files: list[str] = field(default_factory=list)
    sizes: list[int] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def to_text(self, lang: str = "zh") -> str:
        """What was written (``ecograph export`` says it on standard error)."""
        if self.document is not None:
            return self.document
        if len(self.files) == 1 and self.format != "csv":
            return f"Wrote {self.files[0]} ({self.sizes[0]:,} bytes, {self.format})."
        return f"Wrote {', '.join(self.files)}."


@lru_cache(maxsize=1)
def _code_stamp() -> str:
    """Name, size and modification time of every file of the installed package: part of the
    key of a kept result (rank, communities, the viewer page), so that a changed ecograph
    (a checkout being worked on, not only a new version) computes it afresh."""
    import hashlib

    root = Path(__file__).resolve().parent
    stamp = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            info = path.stat()
            stamp.update(f"{path.relative_to(root)} {info.st_size} {info.st_mtime_ns}\n".encode())
    return stamp.hexdigest()[:16]


class KnowledgeGraph:
    """A dataset loaded into RDF: ``.dataset`` is an rdflib ``Dataset`` whose default graph is
    the union of every graph; each statement sits in its own named graph that the default graph
    describes (status, basis, citations)."""

    def __init__(
        self,
        data: LoadedData | Callable[[], LoadedData],
        store: Store | None = None,
        *,
        dataset: Dataset | None = None,
        nquads: bytes | Callable[[], bytes] | None = None,
        key: str = "",
        statements: Statements | None = None,
        meta: DatasetMeta | None = None,
        spool: Spool | None = None,
    ):
        # the records and the N-Quads may come as functions that read them from the build
        # cache when first needed: a lookup needs neither
        self._data = data if isinstance(data, LoadedData) else None
        self._data_reader = None if isinstance(data, LoadedData) else data
        if meta is None:
            meta = self.data.meta
        self._meta = meta
        self._dataset = dataset
        self._nquads = nquads
        self.key = key  # the content key of the build (see ecograph.cache)
        self.use_cache = True  # names and network kept in the build cache under that key
        self.cache_hit = False
        if store is None:  # rdflib over the dataset, as the reference implementation
            from .stores.memory import RdflibStore

            store = RdflibStore(self.dataset)
        store.declare_prefixes({"data": meta.base + "id/"})
        self._store: Store = store
        self._index: NameIndex | None = None
        self._projection: Projection | None = None
        self._quads: Statements | None = statements
        self._disk_store: Any = None
        #: the build in files instead of memory (the streaming build, see ecograph.spool)
        self.spool = spool

    @property
    def data(self) -> LoadedData:
        """The checked records (read from the build cache on first use after a hit)."""
        if self._data is None:
            reader = cast("Callable[[], LoadedData]", self._data_reader)
            data = reader()
            data.meta = self._meta
            self._data = data
        return self._data

    @property
    def dataset(self) -> Dataset:
        """The rdflib ``Dataset`` (built on first use when the graph came from the cache)."""
        if self._dataset is None:
            from .provenance import to_dataset

            self._dataset = to_dataset(self.nquads(), self.meta.base)
        return self._dataset

    def nquads(self) -> bytes:
        """The whole build as N-Quads, each statement once, in the writers' order (what the
        cache keeps and the stores load; ``serialize("nquads")`` sorts the lines)."""
        if self._nquads is None:
            self._nquads = self.spool.nquads() if self.spool else self.quads().nquads()
        elif callable(self._nquads):
            self._nquads = self._nquads()
        return self._nquads

    def quads(self) -> Statements:
        """Every statement, sorted as the writers write them (default graph first, then named
        graphs, subjects, ``rdf:type`` first, predicates, objects): a
        :class:`~ecograph.rdfwrite.Statements`, whose iteration gives pyoxigraph quads."""
        if self._quads is None:
            from .rdfwrite import Statements

            if self._nquads is not None:
                self._quads = Statements.parse(self.nquads())
            else:
                self._quads = Statements.from_quads(all_quads(self.data))
        return self._quads

    @property
    def store(self) -> Store:
        """The store queries run on (given when the graph was made; ``data:`` is predeclared
        there for this dataset's entities)."""
        return self._store

    @property
    def meta(self) -> DatasetMeta:
        return self._meta

    @property
    def folder(self) -> Path:
        return self._meta.folder

    def iri(self, slug: str) -> str:
        """The IRI of a record id."""
        return self._meta.entity_iri(slug)

    def data_graph(self) -> Graph:
        """All data triples (every graph but the ontology's) as one plain graph."""
        from rdflib import Graph

        from .ontology import ONTOLOGY_IRI, bind_prefixes

        graph = bind_prefixes(Graph(), self.meta.base)
        for s, p, o, g in self.dataset.quads((None, None, None, None)):
            identifier = getattr(g, "identifier", g)
            if identifier != ONTOLOGY_IRI:
                graph.add((s, p, o))
        return graph

    def serialize(self, format: str = "trig") -> str:
        """Serialize as ``trig``, ``nquads``, ``turtle``, ``ntriples`` or ``jsonld``.

        Graph-aware formats keep the provenance graphs; ``turtle`` and ``ntriples`` flatten every
        graph (ontology included) into one. Output is deterministic: statements are written in
        one fixed order (see :mod:`ecograph.rdfwrite`), N-Quads and N-Triples lines sorted.
        """
        from . import rdfwrite

        if format not in FORMATS:
            from .errors import UsageError

            choices = ", ".join(FORMATS)
            raise UsageError(f"unknown format {format!r}; choose one of {choices}", param="format")
        if format == "nquads":
            return self.quads().sorted_nquads().decode("utf-8")
        if format == "ntriples":
            return rdfwrite.to_ntriples(self.quads())
        prefixes = rdfwrite.prefixes_for(self.meta.base)
        if format == "trig":
            return rdfwrite.to_trig(self.quads(), prefixes)
        if format == "turtle":
            return rdfwrite.to_turtle(self.quads(), prefixes)
        return rdfwrite.to_jsonld(self.quads(), prefixes)

    def query(self, text: str, bindings: dict[str, Any] | None = None):
        """Run a read-only SPARQL query (SELECT, ASK, CONSTRUCT, DESCRIBE) over the union of all
        graphs. ``bindings`` maps variable names to values (rdflib terms, or strings taken as
        plain literals); they are bound, never pasted into the query text.

        >>> text = "SELECT (COUNT(*) AS ?n) WHERE { ?x a eco:Academician }"
        >>> kg.query(text).values("n")  # doctest: +SKIP
        ['5']
        """
        result = self._store.query(text, bindings)
        result.data_prefix = self.meta.base + "id/"  # data:slug in its text table
        return result

    def run_query(
        self,
        text: str | None = None,
        *,
        file: str | Path | None = None,
        name: str | None = None,
        bindings: dict[str, Any] | list[str] | tuple[str, ...] | None = None,
    ):
        """Run one query given as ``text``, read from a ``file`` (UTF-8, at most 1 MB) or saved
        in the gallery under ``name``. ``bindings`` is a dict (see :meth:`query`) or a list of
        ``NAME=VALUE`` strings: ``<iri>``, ``data:slug`` or a plain literal.

        Raises :class:`ecograph.UsageError` unless exactly one of them is given, or for a file
        that is no query file, or a malformed binding; :class:`ecograph.NotFoundError` for an
        unknown saved query."""
        from .errors import UsageError

        given = [x for x in (text, file, name) if x]
        if len(given) != 1:
            raise UsageError("give exactly one of: a query text, a query file, a saved query name")
        if file is not None:
            text = _read_query_file(Path(file))
        elif name is not None:
            from .gallery import saved_query

            text = saved_query(name).text
        if bindings is None or isinstance(bindings, dict):
            values = bindings
        else:
            from .stores import parse_binding

            values = dict(parse_binding(b, self.meta.base) for b in bindings)
        return self.query(text or "", values)

    def export(
        self, format: str = "trig", output: str | Path | None = None, *, excel: bool = False
    ) -> ExportResult:
        """Serialize the graph (:meth:`serialize`: trig, nquads, turtle, ntriples, jsonld) or
        export the entity network (:meth:`export_network`: graphml, gexf, csv) into ``output``,
        written atomically; without ``output`` the text comes back as ``document``. ``csv`` writes
        ``nodes.csv`` and ``edges.csv`` into the folder ``output``."""
        from .errors import UsageError
        from .output import write_atomic, write_many_atomic

        if format not in (*FORMATS, *NETWORK_FORMATS):
            raise UsageError(
                f"unknown format {format!r}; choose one of "
                f"{', '.join((*FORMATS, *NETWORK_FORMATS))}",
                param="format",
            )
        target = Path(output) if output is not None else None
        if target is not None and target.is_dir() and format != "csv":
            raise UsageError(f"{target} is a folder; {format} is written to a file", param="output")
        if format in NETWORK_FORMATS:
            if format == "csv" and target is None:
                raise UsageError(
                    "csv writes nodes.csv and edges.csv: give a folder to write them into",
                    param="output",
                )
            files = self.export_network(format, excel=excel)
            if format == "csv" and target is not None:
                texts = {target / file_name: text for file_name, text in files.items()}
                written = write_many_atomic(texts)
                sizes = [len(t.encode("utf-8")) for t in texts.values()]
                return ExportResult(format, None, [str(p) for p in written], sizes)
            [text] = files.values()
        else:
            text = self.serialize(format)
        if target is None:
            return ExportResult(format, text)
        write_atomic(target, text)
        return ExportResult(format, None, [str(target)], [len(text.encode("utf-8"))])

    # ------------------------------------------------------------------ names and relations

    def names(self):
        """The name index (labels, aliases, pinyin) of every entity, built once."""
        if self._index is None:
            from .lookup import NameIndex

            cached = self._cached("names-searched", NameIndex) or self._cached("names", NameIndex)
            if cached is None:
                cached = NameIndex.read(self._store, self.meta.base)
                self._cache("names", cached)
            self._index = cached
        return self._index

    def network(self):
        """The networkx projection of entity-to-entity relations, built once."""
        if self._projection is None:
            from .network import Projection
            from .vocab import vocabulary

            cached = self._cached("network", Projection)
            if cached is None:
                cached = Projection.build(self._store, self.names(), vocabulary())
                self._cache("network", cached)
            self._projection = cached
        return self._projection

    def _memoized(self, name: str, args: tuple, expected: type, compute: Callable[[], Any]) -> Any:
        """``compute()``, or its answer for the same arguments on the same build from the build
        cache: a result is a function of the data and the arguments (and, for the ``auto``
        engine, of which engines are installed, which is part of the key). At 50,000 entities a
        repeated ``rank`` took 12 s, 5 s of it unpickling the network and 5 s building the
        analysis view again."""
        import hashlib

        from . import cache as build_cache
        from .analysis import _has

        slot = self._cache_slot(f"result-{name}")
        if slot is None:
            return compute()
        engines = tuple(m for m in ("igraph", "networkit") if _has(m))
        digest = hashlib.sha256(repr((args, engines, _code_stamp())).encode()).hexdigest()[:16]
        key = f"{slot[1]}-{digest}"
        entry = build_cache.get(slot[0], key)
        value = entry.get("value") if entry else None
        if isinstance(value, expected):
            return value
        value = compute()
        build_cache.put(slot[0], key, {"value": value})
        return value

    def _cache_slot(self, kind: str) -> tuple[str, str] | None:
        """Where the build cache keeps what is read from this graph's own store (names, the
        network): the kind of entry (per store kind) and the build's key; none when the cache
        is off for this graph or for a remote endpoint, whose contents the key does not
        vouch for."""
        from .stores.endpoint import EndpointStore

        if not self.use_cache or not self.key or isinstance(self._store, EndpointStore):
            return None
        return f"{kind}-{self._store.name.split(':')[0]}", self.key

    def _cached(self, kind: str, expected: type) -> Any:
        slot = self._cache_slot(kind)
        if slot is None:
            return None
        from . import cache as build_cache

        entry = build_cache.get(*slot)
        value = entry.get("value") if entry else None
        return value if isinstance(value, expected) else None

    def _cache(self, kind: str, value: Any) -> None:
        slot = self._cache_slot(kind)
        if slot is not None:
            from . import cache as build_cache

            build_cache.put(*slot, {"value": value})

    def lookup(self, text: str):
        """Find an entity by Chinese name, alias, English name, pinyin, id or a near miss (or an
        observation by its id: its card shows the other observations of its fact).

        Returns a :class:`~ecograph.lookup.LookupResult`: ``found`` with the entity's card,
        ``ambiguous`` with candidates, or ``not_found`` with the closest names.
        """
        from .errors import NotFoundError
        from .loader import SLUG_RE
        from .lookup import LookupResult, Match, build_card

        db = self._name_db()
        if db is not None:  # a large build's names in SQLite: an exact name in milliseconds
            exact = db.search_exact(text)
            if exact is not None:
                best, others = exact
                if len(best) == 1:
                    card = build_card(self._card_store(), db, best[0].id)
                    return LookupResult(text, "found", match=best[0], card=card)
                return LookupResult(text, "ambiguous", candidates=best)
        index = self.names()
        if db is None:
            self._write_name_db(index)
        slug = text.strip()
        if slug not in index.entries and SLUG_RE.fullmatch(slug):
            # an observation's id: observations have no names, so the index does not hold them
            try:
                card = build_card(self._card_store(), index, slug)
            except NotFoundError:
                pass
            else:
                match = Match(card.id, card.iri, dict(card.labels), list(card.kinds), slug, "id", 1)
                return LookupResult(text, "found", match=match, card=card)
        tables = index.tables_made()
        best, others = index.search(text)
        if index.tables_made() != tables:
            self._cache("names-searched", index)  # with the search tables made for this search
        if len(best) == 1:
            return LookupResult(
                text, "found", match=best[0], card=build_card(self._card_store(), index, best[0].id)
            )
        if best:
            return LookupResult(text, "ambiguous", candidates=best)
        return LookupResult(text, "not_found", suggestions=others or index.suggest(text))

    def _name_db_path(self) -> Path | None:
        from . import cache as build_cache

        slot = self._cache_slot("namesdb")
        if slot is None or not build_cache.enabled():
            return None
        return build_cache.cache_dir() / f"{slot[0]}-{slot[1]}" / "names.sqlite"

    def _name_db(self) -> Any:
        """The name index of a large build as SQLite in the build cache, if it is there."""
        import sqlite3

        from .lookup import NameDB

        path = self._name_db_path()
        if path is None or not path.exists():
            return None
        try:
            return NameDB(path)
        except (sqlite3.Error, OSError, TypeError):  # damaged or half removed: use the index
            return None

    def _write_name_db(self, index: Any) -> None:
        """Keep a large build's name index as SQLite in the build cache (never raises)."""
        import sqlite3

        from . import cache as build_cache
        from .lookup import NameDB

        path = self._name_db_path()
        if path is None or len(index.entries) < CARD_STORE_MIN_ENTITIES:
            return
        try:
            build_cache.put_folder(
                path.parent.name, lambda folder: NameDB.write(index, folder / path.name)
            )
        except sqlite3.Error:
            return

    def _is_large(self) -> bool:
        """Whether the build has :data:`CARD_STORE_MIN_ENTITIES` entities or more (known from
        its name database without reading the name index)."""
        path = self._name_db_path()
        if path is not None and path.exists():
            return True
        return len(self.names().entries) >= CARD_STORE_MIN_ENTITIES

    def _card_store(self) -> Any:
        """The store a card's queries go to: this graph's own, except for a large build whose
        in-memory store is not loaded yet, where it is the build's copy on disk in the build
        cache (made at the first card, opened read-only after). Loading 1.87M statements into
        memory takes 6 s; opening the copy takes milliseconds, and the card's queries, which
        start from the entity, take a few milliseconds on it."""
        from . import cache as build_cache
        from .stores.oxigraph import OxigraphStore

        store = self._store
        if (
            type(store) is not OxigraphStore
            or store.path is not None
            or store._pending is None  # loaded already: as fast as it gets
            or not self.use_cache
            or not self.key
            or not build_cache.enabled()
            or not self._is_large()
        ):
            return store
        if self._disk_store is None:
            disk = _disk_store(self.key, self.nquads)
            if disk is not None:
                disk.declare_prefixes({"data": self.meta.base + "id/"})
            self._disk_store = disk if disk is not None else store
        return self._disk_store

    def neighbors(
        self,
        text: str,
        depth: int = 1,
        kinds: list[str] | None = None,
        exclude: list[str] | None = None,
    ):
        """Entities within ``depth`` relation steps of the entity ``text`` names. Entities of the
        kinds ``exclude`` names are neither listed nor passed through; it defaults to
        :data:`ecograph.analysis.DEFAULT_EXCLUDE`, as for :meth:`rank` (the city links to
        almost everything); pass ``[]`` to keep all."""
        from .analysis import DEFAULT_EXCLUDE
        from .errors import UsageError
        from .vocab import require_kinds

        if depth < 1:
            raise UsageError(f"depth must be at least 1, not {depth}", param="depth")
        excluded = list(DEFAULT_EXCLUDE if exclude is None else exclude)
        require_kinds(sorted(kinds or []))
        require_kinds(sorted(excluded))
        return self.network().neighbors(self.names().resolve(text), depth, kinds, excluded)

    def paths(
        self,
        source: str,
        target: str,
        max_length: int = 6,
        all_paths: bool = False,
        exclude: list[str] | None = None,
    ):
        """Relation paths between the entities two names name (shortest, or all up to
        ``max_length``), passing through no entity of the kinds ``exclude`` names (default
        :data:`ecograph.analysis.DEFAULT_EXCLUDE`, as for :meth:`rank`; ``[]`` keeps all)."""
        from .analysis import DEFAULT_EXCLUDE
        from .vocab import require_kinds

        if max_length < 1:
            from .errors import UsageError

            raise UsageError(f"max_length must be at least 1, not {max_length}", param="max_length")
        excluded = list(DEFAULT_EXCLUDE if exclude is None else exclude)
        require_kinds(sorted(excluded))
        index = self.names()
        return self.network().paths(
            index.resolve(source), index.resolve(target), max_length, all_paths, exclude=excluded
        )

    # ------------------------------------------------------------------ the viewer

    def _view_source(self):
        from .viewer import ViewSource

        return ViewSource(
            store=self._store,
            names=self.names(),
            projection=self.network(),
            title=dict(self.meta.title or {}),
        )

    def view(self, out: str | Path, **options: Any):
        """Write the interactive HTML viewer to ``out`` (see :func:`ecograph.viewer.build_view`
        for ``focus``, ``depth``, ``kinds``, ``size_by``, ``lang``, ``physics_threshold``);
        returns a :class:`~ecograph.viewer.ViewResult`, whose ``seconds`` include building the
        network and name index (as they did when the viewer built them itself)."""
        import dataclasses
        import time

        from .output import write_atomic
        from .viewer.page import RenderedPage, render_page

        started = time.perf_counter()
        args = tuple(
            sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in options.items())
        )
        page = self._memoized(  # the same data and options always give the same page
            "view", args, RenderedPage, lambda: render_page(self._view_source(), **options)
        )
        path = write_atomic(Path(out), page.text)
        return dataclasses.replace(
            page.result, path=str(path), seconds=round(time.perf_counter() - started, 3)
        )

    def render_view(self, **options: Any) -> str:
        """The viewer page as a string (same options as :meth:`view`; nothing is written)."""
        from .viewer import render_html

        return render_html(self._view_source(), **options)

    def series(self, indicator: str, area: str | None = None):
        """One indicator across years and documents (:func:`ecograph.series.series`): every
        point with the quote, section and document behind it; points of one area and year that
        disagree are kept and marked as conflicts."""
        from .series import series

        return series(self._store, self.names(), indicator, area)

    # ------------------------------------------------------------------ network analysis

    def rank(
        self,
        measure: str = "pagerank",
        kinds: list[str] | None = None,
        exclude: list[str] | None = None,
        top: int | None = 20,
        engine: str = "auto",
    ):
        """Entities by centrality (degree, betweenness, closeness, pagerank, eigenvector or all).
        ``exclude`` defaults to :data:`ecograph.analysis.DEFAULT_EXCLUDE`; pass ``[]`` to keep all.
        ``engine``: networkx, igraph, or auto (igraph above 5,000 entities)."""
        from .analysis import DEFAULT_EXCLUDE, RankResult, rank

        excluded = DEFAULT_EXCLUDE if exclude is None else exclude
        return self._memoized(
            "rank",
            (measure, tuple(kinds or ()), tuple(excluded), top, engine),
            RankResult,
            lambda: rank(self.network(), measure, kinds, excluded, top, engine),
        )

    def communities(
        self,
        exclude: list[str] | None = None,
        seed: int = 42,
        resolution: float = 1.0,
        engine: str = "auto",
    ):
        """Louvain communities with a fixed seed, each named by its most central member."""
        from .analysis import DEFAULT_EXCLUDE, CommunitiesResult, communities

        excluded = DEFAULT_EXCLUDE if exclude is None else exclude
        return self._memoized(
            "communities",
            (tuple(excluded), seed, resolution, engine),
            CommunitiesResult,
            lambda: communities(self.network(), excluded, seed, resolution, engine),
        )

    def brokers(self, exclude: list[str] | None = None, top: int | None = 20):
        """Articulation points, bridges, and Burt's effective size and constraint."""
        from .analysis import DEFAULT_EXCLUDE, brokers

        return brokers(self.network(), DEFAULT_EXCLUDE if exclude is None else exclude, top)

    def gaps(self):
        """Fields × kinds of support (lab, pilot platform, project, programme, policy, talent
        centre, achievement): link counts, and the fields with none of a kind."""
        from .analysis import gaps

        return gaps(self.network())

    def export_network(self, fmt: str, *, excel: bool = False) -> dict[str, str]:
        """The entity network as ``graphml``, ``gexf`` or ``csv`` (nodes.csv and edges.csv):
        file name → text. CSV cells that would start a formula are neutralised; ``excel`` adds
        the byte-order mark and CRLF line ends Excel expects."""
        from .analysis import export_network

        return export_network(self.network(), fmt, excel=excel)

    def stats(self) -> Stats:
        """Counts of triples, entities per class, observations, citations and relations."""
        from .namespaces import ECO_NS, ONTOLOGY_IRI_STR

        records = self.data.records
        if self.spool is not None:
            return self._spool_stats(records)
        statements = self.quads()
        total = len(statements)
        ontology_triples = statements.count_in_graph(ONTOLOGY_IRI_STR)
        citations = statements.typed(ECO_NS + "Citation")
        assertions = statements.typed(ECO_NS + "Assertion")
        by_class: Counter[str] = Counter()
        for record in records.values():
            if not record.is_observation:
                for type_name in record.types:
                    by_class[type_name] += 1
        relations = [rel for record in records.values() for rel in record.relations]
        statuses = Counter(rel.status for rel in relations)
        bases = Counter(rel.basis for rel in relations)
        entities = sum(1 for r in records.values() if not r.is_observation)
        rows = 0
        if self.meta.tables:  # what the tables' rows say: entities, kinds, relations
            rows, kinds, links = _table_counts(statements, self.meta.base)
            for subject, kind in kinds:
                if subject not in records:
                    by_class[kind] += 1
            entities += len({s for s, _ in kinds if s not in records})
            statuses["done"] += links
            bases["explicit"] += links
            relations_count = len(relations) + links
        else:
            relations_count = len(relations)
        return Stats(
            dataset=self.meta.id,
            triples=total,
            data_triples=total - ontology_triples,
            ontology_triples=ontology_triples,
            named_graphs=statements.named_graphs(),
            records=len(records),
            entities=entities,
            entities_by_class=dict(sorted(by_class.items(), key=lambda kv: (-kv[1], kv[0]))),
            observations=sum(1 for r in records.values() if r.is_observation),
            citations=len(citations),
            assertions=len(assertions),
            relations=relations_count,
            relations_by_status=_ordered_counts(statuses, ("done", "ongoing", "planned")),
            relations_by_basis=_ordered_counts(bases, ("explicit", "implied")),
            files=list(self.data.files),
            table_rows=rows,
        )

    def _spool_stats(self, records: dict[str, Any]) -> Stats:
        """:meth:`stats` of a streaming build, from the counts its sort kept."""
        assert self.spool is not None  # noqa: S101 (the caller checked)
        counts = self.spool.counts
        by_class: Counter[str] = Counter()
        for record in records.values():
            if not record.is_observation:
                for type_name in record.types:
                    by_class[type_name] += 1
        by_class.update(counts.table_entities_by_class)
        relations = [rel for record in records.values() for rel in record.relations]
        statuses = Counter(rel.status for rel in relations)
        bases = Counter(rel.basis for rel in relations)
        statuses["done"] += counts.table_links
        bases["explicit"] += counts.table_links
        entities = sum(1 for r in records.values() if not r.is_observation)
        return Stats(
            dataset=self.meta.id,
            triples=counts.statements,
            data_triples=counts.statements - counts.ontology_statements,
            ontology_triples=counts.ontology_statements,
            named_graphs=counts.named_graphs,
            records=len(records),
            entities=entities + counts.table_entities,
            entities_by_class=dict(sorted(by_class.items(), key=lambda kv: (-kv[1], kv[0]))),
            observations=sum(1 for r in records.values() if r.is_observation),
            citations=counts.citations,
            assertions=counts.assertions,
            relations=len(relations) + counts.table_links,
            relations_by_status=_ordered_counts(statuses, ("done", "ongoing", "planned")),
            relations_by_basis=_ordered_counts(bases, ("explicit", "implied")),
            files=list(self.data.files),
            table_rows=counts.table_rows,
        )


#: how many builds keep a copy of their store on disk (each about 130 bytes a statement)
MAX_DISK_STORES = 2


def _disk_store(key: str, nquads: Any) -> Any:
    """The build ``key``'s store as an Oxigraph folder in the cache, opened read-only: made
    from ``nquads()`` (bulk-loaded into a temporary folder, then renamed into place) when there
    is none yet. ``None`` when the cache cannot hold it (the caller loads a store in memory)."""
    import shutil

    from . import cache as build_cache
    from .errors import OutputError
    from .stores.oxigraph import OxigraphStore

    def make(folder: Path) -> None:
        import pyoxigraph

        store = pyoxigraph.Store(str(folder))
        store.bulk_load(input=nquads(), format=pyoxigraph.RdfFormat.N_QUADS)
        store.flush()
        del store
        (folder / "ecograph-complete").write_text(key + "\n", encoding="utf-8")
        stores = sorted(build_cache.cache_dir().glob("store-*"), key=lambda p: p.stat().st_mtime)
        for old in stores[: -(MAX_DISK_STORES - 1) or None]:
            shutil.rmtree(old, ignore_errors=True)

    final = build_cache.put_folder(f"store-{key}", make)
    if final is None:
        return None
    try:
        return OxigraphStore.read_only(final)
    except OutputError:
        return None


#: from how many entities a card is read from the build's copy on disk rather than from a store
#: loaded into memory for it (:meth:`KnowledgeGraph._card_store`)
CARD_STORE_MIN_ENTITIES = 20_000

#: formats of :meth:`KnowledgeGraph.export_network`
NETWORK_FORMATS = ("graphml", "gexf", "csv")
#: the largest query file :meth:`KnowledgeGraph.run_query` reads
MAX_QUERY_FILE = 1024 * 1024


def _read_query_file(path: Path) -> str:
    import stat

    from .errors import UsageError

    try:
        info = path.stat()
    except FileNotFoundError:
        from .errors import NotFoundError

        raise NotFoundError(f"no query file {path}") from None
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}", param="file") from None
    if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_QUERY_FILE:
        raise UsageError(
            f"{path} is not a query file (a regular file of at most 1 MB)", param="file"
        )
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise UsageError(
            f"{path} is not UTF-8 text ({exc.reason} at byte {exc.start})", param="file"
        ) from None
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}", param="file") from None


def all_quads(
    data: LoadedData, emit: Callable[[tuple[str, str, str, str]], None] | None = None
) -> list[tuple[str, str, str, str]]:
    """Every statement of a loaded dataset: its records' (:func:`ecograph.provenance.dataset_quads`,
    ontology included) and its tables' (:func:`ecograph.tables.table_quads`). With ``emit``,
    each goes to it instead (the streaming build) and the list comes back empty."""
    from .provenance import dataset_quads

    quads = dataset_quads(data)
    if emit is not None:
        for quad in quads:
            emit(quad)
        quads = []
    if data.meta.tables:
        from .tables import table_quads

        # a curated record only the tables' rows link to is not isolated
        entity_ns = f"<{data.meta.base}id/"
        records = data.records
        linked: set[str] = set()

        def note(quad: tuple[str, str, str, str]) -> None:
            for term in (quad[0], quad[2]):
                if term.startswith(entity_ns):
                    local = term[len(entity_ns) : -1]
                    if local in records:
                        linked.add(local)

        if emit is None:
            rows = table_quads(data)
            for quad in rows:
                note(quad)
            quads.extend(rows)
        else:
            sink = emit

            def both(quad: tuple[str, str, str, str]) -> None:
                note(quad)
                sink(quad)

            table_quads(data, both)
        data.warnings = [
            w
            for w in data.warnings
            if not (w.record_id in linked and w.message.startswith("isolated record"))
        ]
    return quads


def _table_counts(statements: Any, base: str) -> tuple[int, set[tuple[str, str]], int]:
    """From the statements of the tables' row graphs: how many rows, the (entity id, kind)
    pairs they type, and how many entity-to-entity links they state."""
    from .namespaces import ECO_NS, RDF_TYPE

    prefix, entity_ns = f"{base}assertion/table/", f"{base}id/"
    rows: set[str] = set()
    kinds: set[tuple[str, str]] = set()
    links = 0
    for row in statements.rows:
        if row[0] != "0" or not row[1].startswith(prefix):
            continue
        rows.add(row[1])
        if row[5] == RDF_TYPE:
            if row[6] == "0" and row[7].startswith(ECO_NS) and row[3].startswith(entity_ns):
                kinds.add((row[3][len(entity_ns) :], row[7][len(ECO_NS) :]))
        elif row[6] == "0" and row[7].startswith(entity_ns) and row[5].startswith(ECO_NS):
            links += 1
    return len(rows), kinds, links


def _ordered_counts(counter: Counter[str], order: tuple[str, ...]) -> dict[str, int]:
    return {key: counter.get(key, 0) for key in order}


def load(
    path: str | Path | None = None,
    store: str | None = None,
    *,
    cache: bool = True,
    progress: Any = None,
    endpoint: Any = None,
) -> KnowledgeGraph:
    """Load a dataset folder (default: the bundled Ordos data) into a :class:`KnowledgeGraph`.

    ``store`` is ``memory`` (rdflib), ``oxigraph`` (in memory) or ``oxigraph:PATH`` (on disk);
    default ``$ECOGRAPH_STORE``, else Oxigraph. ``endpoint`` (a URL or an
    :class:`ecograph.stores.endpoint.EndpointStore`) sends the graph's queries to a SPARQL
    endpoint instead, the local folder still giving names and metadata; it is checked to hold
    this dataset as ecograph reads it (:func:`ecograph.stores.endpoint.check_layout`), so a
    server without a union default graph is an error that says how to fix it, not empty
    answers. Unchanged data is read from the build cache
    (see :mod:`ecograph.cache`) instead of being parsed again. Raises
    :class:`ecograph.DataError` listing every problem (file, line, record id) if the data is
    not valid.

    >>> kg = load()                                   # doctest: +SKIP
    >>> kg.stats().entities_by_class["Laboratory"]    # doctest: +SKIP
    """
    import weakref

    from . import cache as build_cache
    from .errors import DataError, Problem
    from .rdfwrite import Statements
    from .resources import ontology_file
    from .stores import open_store, store_spec

    folder = Path(path) if path is not None else default_dataset_dir()
    spec = store_spec(store)
    if not folder.is_dir():
        raise DataError([Problem(str(folder), 0, "", "dataset folder not found")])
    metadata_file(folder)  # before reading every file under the folder for the key
    try:
        key = build_cache.content_key(folder, ontology_file(), extra="dataset")
    except OSError as exc:
        raise DataError(
            [Problem(str(exc.filename or folder), 0, "", f"cannot read: {exc.strerror}")]
        ) from None
    # a store on disk gets the streaming build: sorted through files, never whole in memory
    streaming = spec.startswith("oxigraph:")
    entry = build_cache.get("dataset", key, only=("meta", "spool")) if cache else None
    data: LoadedData | Callable[[], LoadedData]
    nquads: bytes | Callable[[], bytes] | Path
    spool = None
    if entry is not None and isinstance(entry.get("spool"), str):
        spool = _open_spool(entry["spool"])
        if spool is None or not isinstance(entry.get("meta"), DatasetMeta):
            entry = None  # its statements were evicted: build again
    if (
        entry is not None
        and isinstance(entry.get("meta"), DatasetMeta)
        and callable(entry.get("data"))
        and (spool is not None or callable(entry.get("nquads")))
    ):
        meta = entry["meta"]
        meta.folder = folder
        rebuilt: dict[str, Any] = {}
        made: Callable[[], KnowledgeGraph | None] = lambda: None  # noqa: E731

        def rebuild() -> dict[str, Any]:
            """A part of the entry was damaged: build as on a miss (and cache it again)."""
            if not rebuilt:
                loaded = read_dataset(folder)
                built = Statements.from_quads(all_quads(loaded))
                rebuilt.update(data=loaded, nquads=built.nquads())
                if cache:
                    build_cache.put("dataset", key, {"meta": loaded.meta, **rebuilt})
                graph = made()
                if graph is not None:
                    graph.cache_hit = False
                    graph.spool = None
            return rebuilt

        def part(name: str) -> Callable[[], Any]:
            reader, read_once = entry[name], {}

            def read() -> Any:  # once: the store and the graph may both ask for the N-Quads
                if rebuilt:
                    return rebuilt[name]
                if name not in read_once:
                    try:
                        read_once[name] = reader()
                    except DataError:
                        return rebuild()[name]
                return read_once[name]

            return read

        data = part("data")
        nquads = spool.quads_file if spool is not None else part("nquads")
        statements = None
        hit = True
    elif streaming:
        loaded = read_dataset(folder, progress=progress)
        if progress:
            progress("building RDF", 0, 1)
        spool = _build_spool(loaded, key if cache else None, progress)
        data, meta, nquads = loaded, loaded.meta, spool.quads_file
        statements = None
        hit = False
        if cache and spool.folder.parent == build_cache.cache_dir():
            build_cache.put(
                "dataset", key, {"meta": meta, "data": loaded, "spool": spool.folder.name}
            )
    else:
        loaded = read_dataset(folder, progress=progress)
        if progress:
            progress("building RDF", 0, 1)
        statements = Statements.from_quads(all_quads(loaded))  # the build: records → quads
        data, meta, nquads = loaded, loaded.meta, statements.nquads()
        hit = False
        if cache:
            build_cache.put("dataset", key, {"meta": meta, "data": loaded, "nquads": nquads})
    if isinstance(nquads, Path):
        spooled = spool

        def spooled_nquads() -> bytes:
            return spooled.nquads() if spooled is not None else b""

        store_source: Any = nquads
        nquads = spooled_nquads
    else:
        store_source = nquads
    if endpoint is not None:
        from .stores.endpoint import EndpointStore, check_layout

        remote = endpoint if isinstance(endpoint, EndpointStore) else EndpointStore(str(endpoint))
        kg = KnowledgeGraph(
            data, remote, nquads=nquads, key=key, statements=statements, meta=meta, spool=spool
        )
        if kg.data.records:
            check_layout(remote, kg.iri(min(kg.data.records)))
    else:
        if progress:
            progress(f"loading the {spec} store", 1, 1)
        from .provenance import to_dataset

        dataset = None
        if spec == "memory":
            dataset = to_dataset(nquads() if callable(nquads) else nquads, meta.base)
        backend = open_store(spec, None if spec == "memory" else store_source, key, lambda: dataset)
        kg = KnowledgeGraph(
            data,
            backend,
            dataset=dataset,
            nquads=nquads,
            key=key,
            statements=statements,
            meta=meta,
            spool=spool,
        )
    kg.cache_hit = hit
    kg.use_cache = cache
    made = weakref.ref(kg)  # (no cycle: a persistent store closes when the graph goes)
    return kg


def _open_spool(name: str) -> Spool | None:
    from . import cache as build_cache
    from .spool import Spool

    if "/" in name or name.startswith("."):
        return None
    return Spool.open(build_cache.cache_dir() / name)


def _build_spool(loaded: LoadedData, key: str | None, progress: Any) -> Spool:
    """The streaming build of ``loaded``: in the cache under ``key`` (``None``: the cache is
    off), else in a temporary folder removed when the process ends."""
    import atexit
    import shutil
    import tempfile

    from . import cache as build_cache
    from .spool import Spool, SpoolWriter

    def make(folder: Path) -> None:
        with SpoolWriter(
            folder, base=loaded.meta.base, curated=loaded.records, progress=progress
        ) as writer:
            all_quads(loaded, writer.add)

    if key is not None:
        name = f"spool-{key}"
        # a miss: whatever an earlier build left under the name is not trusted
        shutil.rmtree(build_cache.cache_dir() / name, ignore_errors=True)
        made = build_cache.put_folder(name, make)
        spool = Spool.open(made) if made is not None else None
        if spool is not None:
            return spool
    folder = Path(tempfile.mkdtemp(prefix="ecograph-build-"))
    atexit.register(shutil.rmtree, folder, True)
    make(folder)
    spool = Spool.open(folder)
    if spool is None:  # pragma: no cover (just written)
        from .errors import OutputError

        raise OutputError("the streaming build left no statements")
    return spool


@dataclass
class BuildResult:
    """What :func:`build` wrote."""

    files: dict[str, str]  # format -> path
    stats: Stats
    sizes: dict[str, int] = field(default_factory=dict)  # format -> bytes written

    def to_dict(self) -> dict[str, Any]:
        return {"files": dict(self.files), "stats": self.stats.to_dict()}

    def to_text(self, lang: str = "zh") -> str:
        """The counts of the dataset built, then each file with its size."""
        from .text import count

        stats = self.stats
        lines = [
            f"Built dataset {stats.dataset}: {count(stats.entities, 'entity', 'entities')}, "
            f"{count(stats.observations, 'observation')}, {count(stats.relations, 'relation')}, "
            f"{count(stats.citations, 'citation')}, {count(stats.triples, 'triple')} "
            f"in {count(stats.named_graphs, 'named graph')}."
        ]
        for fmt, path in self.files.items():
            size = self.sizes[fmt] if fmt in self.sizes else Path(path).stat().st_size
            lines.append(f"  {fmt:<7} {path}  ({size:,} bytes)")
        return "\n".join(lines)


BUILD_FORMATS = ("trig", "turtle", "jsonld")


def build(
    out: str | Path, path: str | Path | None = None, store: str | None = None, progress: Any = None
) -> BuildResult:
    """Load a dataset and write ``ecograph.trig`` (with provenance graphs), ``ecograph.ttl``
    (flattened) and ``ecograph.jsonld`` into ``out``. All three are written in full before any
    is renamed into place, and each is written atomically."""
    from functools import partial

    from . import rdfwrite
    from .output import write_many_atomic

    kg = load(path, store, progress=progress)
    out = Path(out)
    prefixes = rdfwrite.prefixes_for(kg.meta.base)
    contents: dict[Path, Any]
    if kg.spool is not None:  # the streaming build: each file written from the sorted files
        from . import spool as spooled
        from .output import Streamed

        streamers = {
            "trig": spooled.write_trig,
            "turtle": spooled.write_turtle,
            "jsonld": spooled.write_jsonld,
        }
        contents = {
            out / f"ecograph.{FORMATS[fmt][1]}": Streamed(
                partial(streamers[fmt], kg.spool, prefixes)
            )
            for fmt in BUILD_FORMATS
        }
    else:
        statements = kg.quads()
        writers: dict[str, Callable[[Statements, dict[str, str]], str | bytes]] = {
            "trig": rdfwrite.trig_bytes,
            "turtle": rdfwrite.turtle_bytes,
            "jsonld": rdfwrite.to_jsonld,
        }
        # each file is made when it is written, so one output is held at a time
        contents = {
            out / f"ecograph.{FORMATS[fmt][1]}": partial(writers[fmt], statements, prefixes)
            for fmt in BUILD_FORMATS
        }
    if progress:
        progress("writing the files", 0, 1)
    # all are written before any is renamed into place
    written = write_many_atomic(contents)
    return BuildResult(
        files={fmt: str(p) for fmt, p in zip(BUILD_FORMATS, written, strict=True)},
        stats=kg.stats(),
        sizes={fmt: p.stat().st_size for fmt, p in zip(BUILD_FORMATS, written, strict=True)},
    )
