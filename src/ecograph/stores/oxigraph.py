"""The ``oxigraph`` store: pyoxigraph (a Rust SPARQL engine) in memory, or persisted in a folder
(``oxigraph:PATH``); a folder already holding the same build is opened as it is, without loading
anything. Bound values are serialized into a VALUES block (:func:`.sparql.bind_query`), never
pasted."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from ..errors import OutputError, QueryError
from ..namespaces import XSD_STRING
from .base import BaseStore
from .results import QueryResult
from .sparql import bind_query, refuse_update, syntax_message

__all__ = ["OxigraphStore", "construct_result", "solutions_to_rows"]


#: query text -> whether it needs the predeclared prefixes (see OxigraphStore._run)
_NEEDS_PREFIXES: dict[str, bool] = {}
#: query text -> the names of its SELECT projection, which the text alone fixes (reading them
#: from each answer makes a pyoxigraph Variable per column, a few percent of a small query)
_PROJECTION: dict[str, tuple[str, ...]] = {}


class OxigraphStore(BaseStore):
    """pyoxigraph, in memory or in a folder."""

    def __init__(self, path: str | Path | None = None):
        pyoxigraph = _ox()
        self.path = Path(path) if path else None
        try:
            self._store = pyoxigraph.Store(str(self.path)) if self.path else pyoxigraph.Store()
        except OSError as exc:  # a file in the way, a folder that cannot be made, a store in use
            raise OutputError(f"cannot open the Oxigraph store at {self.path}: {exc}") from None
        self.name = f"oxigraph:{self.path}" if self.path else "oxigraph"
        self._pending: Any = None  # the build to load on first use: () -> N-Quads

    @property
    def store(self) -> Any:
        """The pyoxigraph ``Store`` (an in-memory one loads its build on first use)."""
        if self._pending is not None:
            import pyoxigraph

            pending, self._pending = self._pending, None
            document = pending()
            if isinstance(document, Path):
                self._store.load(path=str(document), format=pyoxigraph.RdfFormat.N_QUADS)
            else:
                self._store.load(input=document, format=pyoxigraph.RdfFormat.N_QUADS)
        return self._store

    def defer(self, nquads: Any) -> None:
        """Load the build ``nquads()`` on first use (an in-memory store): a command that asks
        nothing (``ecograph build``, or ``rank`` with its network in the build cache) spends
        neither the time nor the memory. (A copy of the store kept on disk in the cache was
        measured and dropped: at 50,000 entities the card's queries took 14 s on it against
        1.2 s in memory.)"""
        self._pending = nquads

    @classmethod
    def read_only(cls, path: str | Path) -> OxigraphStore:
        """The store persisted in the folder ``path``, opened read-only (another process may
        have it open for writing; nothing is ever written through this one)."""
        store = cls.__new__(cls)
        store.path = Path(path)
        try:
            store._store = _ox().Store.read_only(str(path))
        except OSError as exc:
            raise OutputError(f"cannot open the Oxigraph store at {path}: {exc}") from None
        store.name = f"oxigraph:{store.path}"
        store._pending = None
        return store

    # ------------------------------------------------------------------ loading

    def load_nquads(self, nquads: bytes | Path) -> None:
        """Load a build, its N-Quads or an N-Quads file (replacing what a persistent store
        held)."""
        import pyoxigraph

        source: dict[str, Any] = (
            {"path": str(nquads)} if isinstance(nquads, Path) else {"input": nquads}
        )
        if self.path is not None:
            self.store.clear()
            self.store.bulk_load(format=pyoxigraph.RdfFormat.N_QUADS, **source)
            self.store.flush()
        else:
            self.store.load(format=pyoxigraph.RdfFormat.N_QUADS, **source)

    def stamp(self) -> str | None:
        """The build key a persistent store was loaded from (``None``: unknown or in memory)."""
        marker = self._marker()
        return marker.read_text(encoding="utf-8").strip() if marker and marker.exists() else None

    def set_stamp(self, key: str) -> None:
        marker = self._marker()
        if marker is not None:
            marker.write_text(key + "\n", encoding="utf-8")

    def _marker(self) -> Path | None:
        return self.path.parent / f".{self.path.name}.ecograph-build" if self.path else None

    # ------------------------------------------------------------------ querying

    def query(self, text: str, bindings: dict[str, Any] | None = None) -> QueryResult:
        ox = _ox()
        plan = self.plan(text)
        text = plan.text
        if bindings:
            # bound values open the query's group as a one-row VALUES block, as every store
            # gets them (:func:`ecograph.stores.sparql.bind_query`): Oxigraph then joins from
            # the bound entity (its substitutions scanned, 1.6 s for a card query at 50,000
            # entities, and needed the variable selected)
            try:
                text = bind_query(text, bindings)
            except QueryError as exc:
                raise QueryError(f"bad binding: {exc}") from None
        try:
            if plan.has_dataset:  # FROM / FROM NAMED: the dataset is those graphs, as SPARQL says
                result = self.store.query(
                    text,
                    prefixes=self.prefixes,
                    default_graph=[ox.NamedNode(iri) for iri in plan.from_default] or None,
                    named_graphs=[ox.NamedNode(iri) for iri in plan.from_named],
                )
            else:
                result = self._run(text)
        except SyntaxError as exc:
            refuse_update(text)
            raise QueryError(
                syntax_message(str(exc), text) or f"SPARQL syntax error: {exc}"
            ) from None
        except RuntimeError as exc:
            raise QueryError(f"SPARQL evaluation error: {exc}") from None
        except OSError as exc:
            raise QueryError(f"SPARQL evaluation error: {exc}") from None
        if type(result) is ox.QuerySolutions:
            variables = _PROJECTION.get(text)
            if variables is None:
                if len(_PROJECTION) > 4096:
                    _PROJECTION.clear()
                variables = _PROJECTION[text] = tuple(v.value for v in result.variables)
            return QueryResult("select", list(variables), solutions_to_rows(result, variables))
        if isinstance(result, ox.QueryBoolean):
            return QueryResult(kind="ask", boolean=bool(result))
        return construct_result(list(result), text)

    def values(self, text: str) -> Iterator[tuple[str | None, ...]]:
        """:meth:`BaseStore.values`, read from Oxigraph's solutions one at a time (at 20M
        statements the network's 3.3M relation rows held as JSON terms took 5 GB)."""
        result = self._run(self.plan(text).text)
        if type(result) is not _ox().QuerySolutions:
            raise QueryError("values() reads a SELECT")
        for solution in result:
            yield tuple(None if term is None else term.value for term in solution)

    def _run(self, text: str) -> Any:
        """Query with the predeclared prefixes only when the text needs them: passing them costs
        Oxigraph about 7 µs a query, a fifth of a small query's time. A text is tried once
        without them; if that fails it is run with them (and the answer remembered)."""
        needs = _NEEDS_PREFIXES.get(text)
        if needs is None:
            if len(_NEEDS_PREFIXES) > 4096:
                _NEEDS_PREFIXES.clear()
            try:
                result = self.store.query(text, use_default_graph_as_union=True)
                _NEEDS_PREFIXES[text] = False
                return result
            except SyntaxError:
                _NEEDS_PREFIXES[text] = needs = True
        if needs:
            return self.store.query(text, prefixes=self.prefixes, use_default_graph_as_union=True)
        return self.store.query(text, use_default_graph_as_union=True)

    def is_graph(self, iri: str) -> bool:
        try:
            return bool(self.store.contains_named_graph(_ox().NamedNode(iri)))
        except ValueError:  # not an IRI pyoxigraph accepts
            return False

    def graph_ntriples(self, iri: str | None, limit: int) -> list[str] | None:
        """The triples of the named graph ``iri`` (``None``: of every graph) as N-Triples terms
        ``s p o`` without the final dot, sorted; ``None`` as soon as there are more than
        ``limit``."""
        ox = _ox()
        lines: set[str] = set()
        # pyoxigraph iterators must be dropped on the thread that made them: never leave one behind
        found = self.store.quads_for_pattern(None, None, None, ox.NamedNode(iri) if iri else None)
        try:
            for quad in found:
                lines.add(f"{quad.subject} {quad.predicate} {quad.object}")
                if len(lines) > limit:
                    return None
        finally:
            del found
        return sorted(lines)

    def __len__(self) -> int:
        return len(self.store)


def construct_result(triples: list[Any], text: str) -> QueryResult:
    import pyoxigraph as ox

    from ..namespaces import PREFIX_IRIS

    kind = (
        "describe"
        if re.search(r"^\s*(PREFIX[^\n]*\n\s*)*DESCRIBE\b", text, re.I | re.M)
        else "construct"
    )
    ordered = sorted(triples, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    turtle = ox.serialize(ordered, format=ox.RdfFormat.TURTLE, prefixes=dict(PREFIX_IRIS))
    return QueryResult(kind=kind, turtle=(turtle or b"").decode("utf-8"), triples=len(ordered))


_OX: Any = None


def _ox() -> Any:
    """pyoxigraph, imported on first use (it is not needed to print ``--help``)."""
    global _OX
    if _OX is None:
        import pyoxigraph

        _OX = pyoxigraph
    return _OX


def solutions_to_rows(solutions: Any, variables: Sequence[str]) -> list[dict[str, dict[str, str]]]:
    """pyoxigraph solutions as rows of SPARQL 1.1 JSON terms (unbound variables left out).

    This is the one per-term cost ecograph adds to Oxigraph, so it is written for speed: the
    conversion is inlined (no call per term) and dispatches on the exact term type.
    """
    ox = _ox()
    named_node, literal = ox.NamedNode, ox.Literal
    rows: list[dict[str, dict[str, str]]] = []
    append = rows.append
    for solution in solutions:
        row = {}
        for name, term in zip(variables, solution, strict=True):
            if term is None:
                continue
            kind = type(term)
            if kind is named_node:
                row[name] = {"type": "uri", "value": term.value}
            elif kind is literal:
                language = term.language
                if language:
                    row[name] = {"type": "literal", "value": term.value, "xml:lang": language}
                else:
                    datatype = term.datatype.value
                    if datatype == XSD_STRING:
                        row[name] = {"type": "literal", "value": term.value}
                    else:
                        row[name] = {"type": "literal", "value": term.value, "datatype": datatype}
            else:
                row[name] = _term_json(term)
        append(row)
    return rows


def _term_json(term: Any) -> dict[str, str]:
    """A term :func:`solutions_to_rows` does not convert inline: a blank node (or a triple term,
    which ecograph's results cannot carry)."""
    ox = _ox()
    if isinstance(term, ox.Triple):
        raise QueryError(
            "the answer holds an RDF 1.2 triple term (TRIPLE(), <<( … )>>), "
            "which ecograph's results do not carry"
        )
    return {"type": "bnode", "value": term.value}
