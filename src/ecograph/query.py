"""SPARQL over a knowledge graph, and the gallery of saved queries.

Queries run against the union of all graphs as the default graph, with the ontology's and the
standard prefixes predeclared. Only SELECT, ASK, CONSTRUCT and DESCRIBE are run: SPARQL Update
is refused. Values from users are passed as *bindings* (``initBindings``), never pasted into
query text.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import NotFoundError, QueryError

__all__ = [
    "Iri",
    "QueryResult",
    "SavedQuery",
    "gallery",
    "parse_binding",
    "refuse_update",
    "run_query",
    "saved_query",
    "term_to_json",
]

UPDATE_REFUSED = (
    "SPARQL Update is not allowed: ecograph only runs SELECT, ASK, CONSTRUCT and DESCRIBE"
)


class Iri(str):
    """An IRI to bind to a query variable (a plain ``str`` binds as a literal). Every store
    turns it into its own term type, so callers need not import rdflib or pyoxigraph."""

    __slots__ = ()


@dataclass
class SavedQuery:
    """A query of the gallery: ``queries/NAME.rq`` with its header comments."""

    name: str
    title: dict[str, str]
    description: dict[str, str]
    text: str
    path: str
    #: stores on which the query is known not to give the local answer, from its
    #: ``# portability.STORE: order|rows — reason`` lines: ``order`` (the same rows in another
    #: order) or ``rows`` (other rows), with the reason (see tests/test_triplestores.py)
    portability: dict[str, tuple[str, str]] = field(default_factory=dict)


@dataclass
class QueryResult:
    """The answer to a query, as plain data.

    ``kind`` is ``select``, ``ask``, ``construct`` or ``describe``. SELECT fills ``variables`` and
    ``rows`` (each row maps a variable to a term in the SPARQL 1.1 JSON form
    ``{"type": "uri"|"literal"|"bnode", "value": …, "xml:lang"?: …, "datatype"?: …}``;
    unbound variables are absent). ASK fills ``boolean``; CONSTRUCT and DESCRIBE fill ``turtle``
    and ``triples``.
    """

    kind: str
    variables: list[str] = field(default_factory=list)
    rows: list[dict[str, dict[str, str]]] = field(default_factory=list)
    boolean: bool | None = None
    turtle: str | None = None
    triples: int = 0

    def to_sparql_json(self) -> dict[str, Any]:
        """The W3C SPARQL 1.1 Query Results JSON document (SELECT and ASK)."""
        if self.kind == "ask":
            return {"head": {}, "boolean": bool(self.boolean)}
        return {
            "head": {"vars": list(self.variables)},
            "results": {"bindings": [dict(r) for r in self.rows]},
        }

    def values(self, variable: str) -> list[str | None]:
        """The plain values of one variable, row by row (``None`` where unbound)."""
        return [row[variable]["value"] if variable in row else None for row in self.rows]

    def to_delimited(
        self, delimiter: str = ",", *, spreadsheet: bool = False, excel: bool = False
    ) -> str:
        """CSV (plain values, as the SPARQL 1.1 CSV format) or TSV (terms in N-Triples syntax).
        ``spreadsheet`` neutralises CSV cells a spreadsheet would take for a formula (see
        :mod:`ecograph.safetext`); ``excel`` also adds the byte-order mark."""
        buffer = io.StringIO()
        if delimiter == "," and (spreadsheet or excel):
            from .safetext import csv_text

            values = (
                [row[v]["value"] if v in row else "" for v in self.variables] for row in self.rows
            )
            return csv_text(self.variables, values, excel=excel, lineterminator="\r\n")
        if delimiter == ",":
            writer = csv.writer(buffer, lineterminator="\r\n")
            writer.writerow(self.variables)
            for row in self.rows:
                writer.writerow([row[v]["value"] if v in row else "" for v in self.variables])
        else:
            buffer.write("\t".join(f"?{v}" for v in self.variables) + "\n")
            for row in self.rows:
                buffer.write(
                    "\t".join(_term_to_ntriples(row[v]) if v in row else "" for v in self.variables)
                    + "\n"
                )
        return buffer.getvalue()


def term_to_json(term: Any) -> dict[str, str]:
    """An rdflib term in the SPARQL 1.1 JSON results form."""
    from rdflib import BNode, Literal, URIRef

    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    if isinstance(term, Literal):
        out = {"type": "literal", "value": str(term)}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype is not None:
            out["datatype"] = str(term.datatype)
        return out
    return {"type": "literal", "value": str(term)}


def _term_to_ntriples(cell: dict[str, str]) -> str:
    value = cell["value"]
    if cell["type"] == "uri":
        return f"<{value}>"
    if cell["type"] == "bnode":
        return f"_:{value}"
    escaped = (
        value.replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\n", "\\n")
        .replace("\r", "\\r")
        .replace("\t", "\\t")
    )
    if "xml:lang" in cell:
        return f'"{escaped}"@{cell["xml:lang"]}'
    if "datatype" in cell:
        return f'"{escaped}"^^<{cell["datatype"]}>'
    return f'"{escaped}"'


#: SPARQL text one token at a time: strings (all four quote forms), IRIs and comments
#: (``skip``), then words (keywords, prefixed names, variables), then any other character
SPARQL_TOKEN = re.compile(
    r'''(?P<skip>"""(?:[^"\\]|\\.|"(?!""))*"""|'\'\'(?:[^'\\]|\\.|'(?!''))*\'\'\'|"(?:[^"\\\n\r]|\\.)*"|'(?:[^'\\\n\r]|\\.)*'|<[^<>"{}|^`\\\x00-\x20]*>|\#[^\n\r]*)'''
    r"|(?P<word>[?$_]?[A-Za-z_][\w\-.]*(?::[\w\-.:%]*)?|:[\w\-.:%]*)"
    r"|(?P<other>.)",
    re.S,
)


def _escape_tabs_in_strings(text: str) -> str:
    """``text`` with every tab inside a string literal written as the escape ``\\t``, which means
    the same. rdflib's parser (pyparsing) expands the tabs of the whole query text to spaces,
    so ``"a<TAB>b"`` would otherwise be matched as ``"a        b"``; outside strings a tab is
    only white space, and expanding it changes nothing."""
    if "\t" not in text:
        return text

    def escape(match: re.Match[str]) -> str:
        token = match.group(0)
        return token.replace("\t", "\\t") if match.group("skip") and token[0] in "\"'" else token

    return SPARQL_TOKEN.sub(escape, text)


def _parse(text: str, prefixes: dict[str, str] | None = None) -> Any:
    """Parse a query with the prefixes predeclared; report syntax errors with line and column
    of the user's text, and refuse SPARQL Update."""
    from pyparsing import ParseException
    from rdflib import Namespace
    from rdflib.plugins.sparql import prepareQuery

    from .namespaces import SPARQL_PREFIX_IRIS

    namespaces = {
        prefix: Namespace(iri) for prefix, iri in (prefixes or SPARQL_PREFIX_IRIS).items()
    }
    try:
        prepared = prepareQuery(_escape_tabs_in_strings(text), initNs=namespaces)
    except (
        Exception
    ) as exc:  # ParseException, or plain exceptions for unknown prefixes and the like
        refuse_update(text)
        if isinstance(exc, ParseException):
            raise QueryError(
                f"SPARQL syntax error at line {exc.lineno}, column {exc.col}: {exc.msg}\n  {exc.line}"
            ) from None
        raise QueryError(f"SPARQL error: {exc}") from None
    _lazy_joins(prepared.algebra)
    return prepared


def _lazy_joins(algebra: Any) -> None:
    """Evaluate every join of an rdflib query as a nested loop that passes the left side's
    bindings into the right side. rdflib does this only for joins without nested joins and
    otherwise evaluates both sides unbound and compares every pair: for the provenance
    queries of the gallery (a BGP, a GRAPH block, then more triples) that took 15-60 s instead
    of 0.2 s. The answers are checked against Oxigraph, a conformant engine, by the tests."""
    from rdflib.plugins.sparql.algebra import traverse
    from rdflib.plugins.sparql.parserutils import CompValue

    def visit(node: Any) -> None:
        if isinstance(node, CompValue) and node.name == "Join":
            node["lazy"] = True

    traverse(algebra, visitPost=visit)


def _is_update(text: str) -> bool:
    from rdflib.plugins.sparql.parser import parseUpdate

    from .namespaces import sparql_prologue

    try:
        parseUpdate(sparql_prologue() + text)
    except Exception:
        return False
    return True


def refuse_update(text: str) -> None:
    """Raise :class:`QueryError` if ``text`` (which failed as a query) is SPARQL Update."""
    if _is_update(text):
        raise QueryError(UPDATE_REFUSED) from None


def parse_binding(text: str, base: str) -> tuple[str, Any]:
    """``NAME=VALUE`` → (name, term). ``<iri>`` is an IRI, ``data:slug`` an entity of the
    dataset, anything else a plain literal. The value is never pasted into query text."""
    from rdflib import Literal, URIRef

    if "=" not in text:
        raise QueryError(f"a binding must look like NAME=VALUE, not {text!r}")
    name, value = text.split("=", 1)
    name = name.strip().lstrip("?$")
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
        raise QueryError(f"{name!r} is not a SPARQL variable name")
    if value.startswith("<") and value.endswith(">"):
        iri = value[1:-1]
    elif value.startswith("data:"):
        iri = f"{base}id/{value[5:]}"
    else:
        return name, Literal(value)
    from .namespaces import is_iri

    if not is_iri(iri):
        raise QueryError(f"{value!r} is not an IRI (write <https://…> or data:SLUG)")
    return name, URIRef(iri)


def run_query(
    dataset: Any,
    text: str,
    bindings: dict[str, Any] | None = None,
    prefixes: dict[str, str] | None = None,
) -> QueryResult:
    """Run a read-only SPARQL query over ``dataset`` (an rdflib Dataset with a union default
    graph). ``bindings`` maps variable names to rdflib terms; ``prefixes`` are predeclared
    (default: the standard ones)."""
    import rdflib.plugins.sparql
    from rdflib import Graph

    # FROM <iri> of a graph the dataset does not hold must never fetch it (the guard refuses such
    # queries before they get here; this keeps rdflib from loading anything even so)
    rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False
    prepared = _parse(text, prefixes)
    try:
        result = dataset.query(prepared, initBindings=bindings or {})
    except Exception as exc:  # evaluation errors (bad function arguments, …)
        raise QueryError(f"SPARQL evaluation error: {exc}") from None
    if result.type == "ASK":
        return QueryResult(kind="ask", boolean=bool(result.askAnswer))
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        from .ontology import bind_prefixes

        graph = bind_prefixes(Graph())
        for triple in result.graph or []:
            graph.add(triple)
        return QueryResult(
            kind=result.type.lower(), turtle=graph.serialize(format="turtle"), triples=len(graph)
        )
    variables = [str(v) for v in result.vars or []]
    rows = []
    for row in result:
        rows.append(
            {v: term_to_json(row[i]) for i, v in enumerate(variables) if row[i] is not None}
        )
    return QueryResult(kind="select", variables=variables, rows=rows)


# --------------------------------------------------------------------------- gallery

_HEADER = re.compile(r"^#\s*(title|description)\.(zh|en)\s*:\s*(.*)$")
_PORTABILITY = re.compile(r"^#\s*portability\.([a-z]+)\s*:\s*(order|rows)\s*[—-]+\s*(.+)$")


def _read_saved(path: Path) -> SavedQuery:
    title: dict[str, str] = {}
    description: dict[str, str] = {}
    portability: dict[str, tuple[str, str]] = {}
    text = path.read_text(encoding="utf-8")
    for line in text.splitlines():
        mark = _PORTABILITY.match(line.strip())
        if mark:
            portability[mark.group(1)] = (mark.group(2), mark.group(3).strip())
        match = _HEADER.match(line.strip())
        if match:
            target = title if match.group(1) == "title" else description
            key = match.group(2)
            target[key] = (target.get(key, "") + " " + match.group(3).strip()).strip()
    return SavedQuery(
        name=path.stem,
        title=title,
        description=description,
        text=text,
        path=str(path),
        portability=portability,
    )


def gallery(folder: Path | None = None) -> list[SavedQuery]:
    """The saved queries (``queries/*.rq``), sorted by name."""
    from .resources import resource_path

    folder = folder or resource_path("queries")
    return [_read_saved(p) for p in sorted(folder.glob("*.rq"))]


def saved_query(name: str, folder: Path | None = None) -> SavedQuery:
    """One saved query by name; an unknown name suggests the closest ones."""
    import difflib

    queries = {q.name: q for q in gallery(folder)}
    if name in queries:
        return queries[name]
    close = difflib.get_close_matches(name, list(queries), n=3, cutoff=0.5)
    hint = (
        f"; did you mean {', '.join(close)}?"
        if close
        else "; `ecograph query --list` shows them all"
    )
    raise NotFoundError(f"no saved query named {name!r}{hint}")
