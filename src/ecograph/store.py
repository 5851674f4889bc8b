"""Triple stores behind one interface.

* ``memory``: rdflib's in-memory ``Dataset`` (pure Python; the reference implementation).
* ``oxigraph``: pyoxigraph in memory (a Rust SPARQL engine; much faster on large graphs).
* ``oxigraph:PATH``: pyoxigraph persisted in a folder; a folder already holding the same build
  is opened as it is, without loading anything.

Every store answers :meth:`Store.query` with the same :class:`~ecograph.query.QueryResult`, with
the union of all graphs as the default graph and the ontology's prefixes predeclared. Values are
passed as bindings (SEP-0007 substitutions in Oxigraph, ``initBindings`` in rdflib), never pasted
into the query text.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .errors import NotFoundError, OutputError, QueryError
from .namespaces import SPARQL_PREFIX_IRIS, XSD_STRING
from .query import Iri, QueryResult

__all__ = [
    "DEFAULT_STORE",
    "STORE_ENV",
    "OxigraphStore",
    "RdflibStore",
    "Store",
    "open_store",
    "store_spec",
]

STORE_ENV = "ECOGRAPH_STORE"
#: chosen by measurement (see README, "Stores"): Oxigraph answers the lookups and the gallery
#: 5-40x faster and loads a cached build in milliseconds
DEFAULT_STORE = "oxigraph"


def store_spec(spec: str | None) -> str:
    """The store to use: the argument, else ``$ECOGRAPH_STORE``, else the default."""
    spec = spec or os.environ.get(STORE_ENV) or DEFAULT_STORE
    if spec not in ("memory", "oxigraph") and not spec.startswith("oxigraph:"):
        raise NotFoundError(f"unknown store {spec!r}; use memory, oxigraph or oxigraph:PATH")
    return spec


class Store:
    """What every backend offers."""

    name = "store"
    #: the prefixes predeclared for queries (see :meth:`declare_prefixes`)
    prefixes: dict[str, str] = SPARQL_PREFIX_IRIS

    def declare_prefixes(self, extra: dict[str, str]) -> None:
        """Predeclare ``extra`` prefixes (such as ``data:`` for a dataset's entities) besides the
        standard ones, for every query run on this store."""
        self.prefixes = {**SPARQL_PREFIX_IRIS, **extra}

    def query(
        self, text: str, bindings: dict[str, Any] | None = None
    ) -> QueryResult:  # pragma: no cover
        raise NotImplementedError

    def plan(self, text: str) -> Any:
        """The checked plan of ``text`` (:class:`ecograph.guard.QueryPlan`): raises
        :class:`ecograph.guard.QueryRefused` for SERVICE and for FROM on a graph this store does
        not hold. Every query a local store runs goes through it."""
        from .guard import check_query

        return check_query(text, self.prefixes, self.is_graph)

    def is_graph(self, iri: str) -> bool:  # pragma: no cover
        raise NotImplementedError

    def __len__(self) -> int:  # pragma: no cover
        raise NotImplementedError


class RdflibStore(Store):
    """rdflib's in-memory Dataset with a union default graph."""

    name = "memory"

    def __init__(self, dataset: Any):
        self.dataset = dataset

    def query(self, text: str, bindings: dict[str, Any] | None = None) -> QueryResult:
        from rdflib import Literal, URIRef
        from rdflib.term import Identifier

        from .query import Iri, run_query

        plan = self.plan(text)
        terms = {
            k: URIRef(v) if isinstance(v, Iri) else v if isinstance(v, Identifier) else Literal(v)
            for k, v in (bindings or {}).items()
        }
        return run_query(self.dataset, plan.text, terms, self.prefixes)

    def is_graph(self, iri: str) -> bool:
        from rdflib import URIRef

        return any(True for _ in self.dataset.quads((None, None, None, URIRef(iri))))

    def __len__(self) -> int:
        return len(self.dataset)


#: query text -> whether it needs the predeclared prefixes (see OxigraphStore._run)
_NEEDS_PREFIXES: dict[str, bool] = {}
#: query text -> the names of its SELECT projection, which the text alone fixes (reading them
#: from each answer makes a pyoxigraph Variable per column, a few percent of a small query)
_PROJECTION: dict[str, tuple[str, ...]] = {}


class OxigraphStore(Store):
    """pyoxigraph, in memory or in a folder."""

    def __init__(self, path: str | Path | None = None):
        pyoxigraph = _ox()
        self.path = Path(path) if path else None
        try:
            self.store = pyoxigraph.Store(str(self.path)) if self.path else pyoxigraph.Store()
        except OSError as exc:  # a file in the way, a folder that cannot be made, a store in use
            raise OutputError(f"cannot open the Oxigraph store at {self.path}: {exc}") from None
        self.name = f"oxigraph:{self.path}" if self.path else "oxigraph"

    # ------------------------------------------------------------------ loading

    def load_nquads(self, nquads: bytes) -> None:
        import pyoxigraph

        if self.path is not None:
            self.store.clear()
            self.store.bulk_load(input=nquads, format=pyoxigraph.RdfFormat.N_QUADS)
            self.store.flush()
        else:
            self.store.load(input=nquads, format=pyoxigraph.RdfFormat.N_QUADS)

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
        substitutions = None
        if bindings:
            try:
                substitutions = {
                    _variable(name): _to_oxigraph(value) for name, value in bindings.items()
                }
            except ValueError as exc:  # an invalid IRI or variable name
                raise QueryError(f"bad binding: {exc}") from None
        plan = self.plan(text)
        text = plan.text
        try:
            if plan.has_dataset:  # FROM / FROM NAMED: the dataset is those graphs, as SPARQL says
                result = self.store.query(
                    text,
                    prefixes=self.prefixes,
                    default_graph=[ox.NamedNode(iri) for iri in plan.from_default] or None,
                    named_graphs=[ox.NamedNode(iri) for iri in plan.from_named],
                    substitutions=substitutions,
                )
            else:
                result = self._run(text, substitutions)
        except SyntaxError as exc:
            from .query import refuse_update

            refuse_update(text)
            raise QueryError(
                syntax_message(str(exc), text) or f"SPARQL syntax error: {exc}"
            ) from None
        except RuntimeError as exc:
            if "in its SELECT projection" in str(exc):
                raise QueryError(
                    f"{exc}: with the Oxigraph store a bound variable must be selected (SELECT ?var …); "
                    "or use --store memory"
                ) from None
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
        return _construct_result(list(result), text)

    def _run(self, text: str, substitutions: dict[Any, Any] | None) -> Any:
        """Query with the predeclared prefixes only when the text needs them: passing them costs
        Oxigraph about 7 µs a query, a fifth of a small query's time. A text is tried once
        without them; if that fails it is run with them (and the answer remembered)."""
        needs = _NEEDS_PREFIXES.get(text)
        if needs is None:
            if len(_NEEDS_PREFIXES) > 4096:
                _NEEDS_PREFIXES.clear()
            try:
                result = self.store.query(
                    text, use_default_graph_as_union=True, substitutions=substitutions
                )
                _NEEDS_PREFIXES[text] = False
                return result
            except SyntaxError:
                _NEEDS_PREFIXES[text] = needs = True
        if needs:
            return self.store.query(
                text,
                prefixes=self.prefixes,
                use_default_graph_as_union=True,
                substitutions=substitutions,
            )
        return self.store.query(text, use_default_graph_as_union=True, substitutions=substitutions)

    def is_graph(self, iri: str) -> bool:
        try:
            return bool(self.store.contains_named_graph(_ox().NamedNode(iri)))
        except ValueError:  # not an IRI pyoxigraph accepts
            return False

    def __len__(self) -> int:
        return len(self.store)


_ERROR_AT = re.compile(r"error at (\d+):(\d+): (.*)", re.S)


def syntax_message(message: str, text: str, line_offset: int = 0) -> str | None:
    """Oxigraph's "error at LINE:COLUMN: …" as ecograph says it: the line of the user's ``text``
    (``line_offset`` lines sent before it are not counted), shortened, with the line quoted;
    ``None`` if the message gives no position inside the text. An error after the last line
    (an unclosed brace at the end of a file) is said to be at the end of the query."""
    match = _ERROR_AT.search(message)
    if match is None:
        return None
    line = int(match.group(1)) - line_offset
    if line < 1:
        return None
    detail = match.group(3).splitlines()[0] if match.group(3) else ""
    if len(detail) > 100:  # Oxigraph lists every character class it expected
        detail = detail[:100].rsplit(",", 1)[0] + ", …"
    lines = text.splitlines()
    quoted = lines[line - 1] if line <= len(lines) else "(the end of the query)"
    return f"SPARQL syntax error at line {line}, column {match.group(2)}: {detail}\n  {quoted}"


def _construct_result(triples: list[Any], text: str) -> QueryResult:
    import pyoxigraph as ox

    from .namespaces import PREFIX_IRIS

    kind = (
        "describe"
        if re.search(r"^\s*(PREFIX[^\n]*\n\s*)*DESCRIBE\b", text, re.I | re.M)
        else "construct"
    )
    ordered = sorted(triples, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    turtle = ox.serialize(ordered, format=ox.RdfFormat.TURTLE, prefixes=dict(PREFIX_IRIS))
    return QueryResult(kind=kind, turtle=(turtle or b"").decode("utf-8"), triples=len(ordered))


_OX: Any = None
_VARIABLES: dict[str, Any] = {}


def _ox() -> Any:
    """pyoxigraph, imported on first use (it is not needed to print ``--help``)."""
    global _OX
    if _OX is None:
        import pyoxigraph

        _OX = pyoxigraph
    return _OX


def _variable(name: str) -> Any:
    variable = _VARIABLES.get(name)
    if variable is None:
        variable = _VARIABLES[name] = _ox().Variable(name)
    return variable


def solutions_to_rows(solutions: Any, variables: Sequence[str]) -> list[dict[str, dict[str, str]]]:
    """pyoxigraph solutions as rows of SPARQL 1.1 JSON terms (unbound variables left out).

    This is the one per-term cost ecograph adds to Oxigraph, so it is written for speed: the
    conversion is inlined (no call per term) and dispatches on the exact term type.
    """
    ox = _ox()
    named_node, literal = ox.NamedNode, ox.Literal
    rows = []
    append = rows.append
    for solution in solutions:
        row = {}
        for name, term in zip(variables, solution):
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
    if type(term).__name__ == "Triple":
        raise QueryError(
            "the answer holds an RDF 1.2 triple term (TRIPLE(), <<( … )>>), which ecograph's results do not carry"
        )
    return {"type": "bnode", "value": term.value}


def _to_oxigraph(value: Any) -> Any:
    """An :class:`~ecograph.query.Iri`, rdflib term or plain string as a pyoxigraph term
    (pyoxigraph terms pass through unchanged)."""
    if type(value).__module__ == "pyoxigraph":
        return value
    ox = _ox()
    if isinstance(value, Iri):
        return ox.NamedNode(str(value))
    kind = type(value).__name__
    if kind == "URIRef":
        return ox.NamedNode(str(value))
    if kind == "BNode":
        return ox.BlankNode(str(value))
    if kind == "Literal":
        if value.language:
            return ox.Literal(str(value), language=value.language)
        if value.datatype is not None:
            return ox.Literal(str(value), datatype=ox.NamedNode(str(value.datatype)))
        return ox.Literal(str(value))
    return ox.Literal(str(value))


def open_store(spec: str, nquads: bytes | None, key: str, dataset_factory: Any) -> Store:
    """Open the store ``spec`` names, loaded with the build (``nquads``); ``dataset_factory``
    gives the rdflib Dataset for the memory store."""
    if spec == "memory":
        return RdflibStore(dataset_factory())
    path = spec.split(":", 1)[1] if ":" in spec else None
    store = OxigraphStore(path)
    if path is None or store.stamp() != key or len(store) == 0:
        store.load_nquads(nquads if nquads is not None else b"")
        store.set_stamp(key)
    return store
