"""What a query may ask of a local store: it never makes the process send a request or read a file.

SPARQL has three ways to reach outside the dataset: ``SERVICE`` (pyoxigraph and rdflib both send
the sub-query over HTTP), ``FROM``/``FROM NAMED`` (rdflib fetches an IRI it does not hold as a
graph, ``file://`` included) and ``LOAD`` (an update). :func:`check_query` decides on the parsed
query, not on its text: the text is first brought to what both engines parse (the ``\\u``/``\\U``
escapes of SPARQL 1.1 §19.2 expanded once, as the specification says, so ``\\u0053ERVICE`` *is*
``SERVICE``), then parsed by rdflib's SPARQL 1.1 grammar, and the parse tree is searched for
``ServiceGraphPattern`` and dataset clauses. A text the grammar cannot parse is refused (the
check fails closed), and so is one whose expansion leaves an escape behind (a second expansion by
an engine could make a keyword out of it). Line ends are made LF, because Oxigraph ends a comment
at CR and rdflib only at LF (``# x<CR> SERVICE …`` would otherwise be a comment to the check and a
SERVICE call to the engine). The engine then runs exactly the text that was checked.

Keywords cannot be spelt other than by escapes, so a text that after expansion contains none of
the letters ``service``, ``from`` or ``load`` (in any case) cannot use them; such texts (every
query ecograph itself sends) skip the parse, which costs about a millisecond.

``FROM <g>`` and ``FROM NAMED <g>`` are honoured when ``<g>`` is a graph of the store (the
dataset then is those graphs, as SPARQL says) and refused otherwise.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .errors import QueryError

__all__ = ["QueryPlan", "QueryRefused", "check_query", "expand_escapes"]

#: SPARQL 1.1 §19.2: \\uXXXX and \\UXXXXXXXX, anywhere in the text, before parsing
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_MAY_REACH_OUT = re.compile(r"service|from|load", re.I)


class QueryRefused(QueryError):
    """The query asks for something the store never does (an outgoing request, a local file)."""


@dataclass(frozen=True)
class QueryPlan:
    """What to run: ``text`` (escapes expanded), and the dataset its FROM clauses name (empty
    tuples: the union of all graphs, as always)."""

    text: str
    from_default: tuple[str, ...] = ()
    from_named: tuple[str, ...] = ()

    @property
    def has_dataset(self) -> bool:
        return bool(self.from_default or self.from_named)


def expand_escapes(text: str) -> str:
    """``text`` with every ``\\u``/``\\U`` escape replaced by its character, once."""

    def expand(match: re.Match[str]) -> str:
        code = int(match.group(1) or match.group(2), 16)
        if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            raise QueryRefused(f"the escape {match.group(0)} is not a Unicode character")
        return chr(code)

    expanded = _ESCAPE.sub(expand, text)
    if expanded is not text and _ESCAPE.search(expanded):
        raise QueryRefused(
            "an escape that spells another escape (\\u005C…) is not allowed: "
            "write the character itself"
        )
    return expanded


_PLANS: dict[tuple[str, frozenset[tuple[str, str]]], QueryPlan] = {}


def check_query(text: str, prefixes: dict[str, str], is_graph: Callable[[str], bool]) -> QueryPlan:
    """The plan to run ``text``, or :class:`QueryRefused` if it uses SERVICE or names a graph
    outside the store in FROM / FROM NAMED. ``prefixes`` are the predeclared ones (to read a
    prefixed name in FROM); ``is_graph(iri)`` says whether the store holds that graph."""
    # A comment ends at CR for Oxigraph and at LF for rdflib's parser: with CR left in, a line
    # could hide SERVICE from the check and show it to the engine. Line ends become LF.
    expanded = expand_escapes(text)
    if "\r" in expanded:
        expanded = expanded.replace("\r\n", "\n").replace("\r", "\n")
    if not _MAY_REACH_OUT.search(expanded):
        return QueryPlan(expanded)
    key = (expanded, frozenset(prefixes.items()))
    plan = _PLANS.get(key)
    if plan is None:
        plan = _plan(expanded, prefixes)
        if len(_PLANS) > 1024:
            _PLANS.clear()
        _PLANS[key] = plan
    for iri in (*plan.from_default, *plan.from_named):
        if not is_graph(iri):
            raise QueryRefused(
                f"FROM <{_short(iri)}> is not a graph of this dataset; the store never fetches "
                "graphs from elsewhere (leave FROM out to query every graph)"
            )
    return plan


def _plan(text: str, prefixes: dict[str, str]) -> QueryPlan:
    # The parse runs on a thread of its own: pyparsing keeps some frames of a parse alive after it
    # returns, and on the caller's thread they would hold the caller's frames too (a store's
    # query frame, and the pyoxigraph results it later holds, which must be freed on the thread
    # that made them). On the parser's thread they hold nothing of ours. The parser is imported
    # there too: the import's frames, kept in a reference cycle, would otherwise reach back to
    # the first caller's query frame (measured: a gallery run at 20M statements printed
    # "QuerySolutions is unsendable, but is being dropped on another thread").
    return _parser_thread().submit(_plan_parsed, text, prefixes).result()


_EXECUTOR: Any = None


def _parser_thread() -> Any:
    global _EXECUTOR
    if _EXECUTOR is None:
        from concurrent.futures import ThreadPoolExecutor

        _EXECUTOR = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ecograph-sparql-check")
    return _EXECUTOR


def _plan_parsed(text: str, prefixes: dict[str, str]) -> QueryPlan:
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import Query, UpdateUnit

    try:
        parsed = Query.parse_string(text, parse_all=True)
    except ParseException as exc:
        try:
            UpdateUnit.parse_string(text, parse_all=True)
        except ParseException:
            pass
        else:
            from .stores.sparql import UPDATE_REFUSED

            raise QueryRefused(UPDATE_REFUSED) from None
        raise QueryError(
            f"SPARQL syntax error at line {exc.lineno}, column {exc.col}: {exc.msg}\n  {exc.line}"
        ) from None
    except RecursionError:
        raise QueryRefused("the query nests too deeply to be checked") from None
    prologue, query = parsed[0], parsed[1]
    if _contains(query, "ServiceGraphPattern"):
        raise QueryRefused(
            "SERVICE (federated query) is not allowed: ecograph never sends requests to "
            "other servers"
        )
    declared = dict(prefixes)
    base = None
    for decl in prologue or []:
        if getattr(decl, "name", None) == "PrefixDecl":
            declared[str(decl["prefix"]) if "prefix" in decl else ""] = str(decl["iri"])
        elif getattr(decl, "name", None) == "Base":
            base = str(decl["iri"])
    default: list[str] = []
    named: list[str] = []
    for clause in query["datasetClause"] if "datasetClause" in query else []:
        if "default" in clause:
            default.append(_iri(clause["default"], declared, base))
        elif "named" in clause:
            named.append(_iri(clause["named"], declared, base))
    return QueryPlan(text, tuple(default), tuple(named))


def _contains(node: Any, name: str, depth: int = 0) -> bool:
    """Whether the parse tree under ``node`` holds a ``name`` node."""
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.parserutils import CompValue

    if depth > 2000:
        raise QueryRefused("the query nests too deeply to be checked")
    if isinstance(node, CompValue):
        if node.name == name:
            return True
        return any(_contains(value, name, depth + 1) for value in node.values())
    if isinstance(node, (list, tuple, ParseResults)):
        return any(_contains(value, name, depth + 1) for value in node)
    return False


def _iri(term: Any, prefixes: dict[str, str], base: str | None) -> str:
    """The absolute IRI a FROM clause names (an IRI or a prefixed name)."""
    from rdflib.plugins.sparql.parserutils import CompValue

    if isinstance(term, CompValue) and term.name == "pname":
        prefix = str(term["prefix"]) if "prefix" in term else ""
        if prefix not in prefixes:
            raise QueryError(f"unknown prefix {prefix!r} in FROM")
        return prefixes[prefix] + (str(term["localname"]) if "localname" in term else "")
    iri = str(term)
    if not re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", iri):
        if base is None:
            raise QueryRefused(f"FROM <{_short(iri)}> is a relative IRI and the query has no BASE")
        from urllib.parse import urljoin

        iri = urljoin(base, iri)
    return iri


def _short(text: str, limit: int = 120) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
