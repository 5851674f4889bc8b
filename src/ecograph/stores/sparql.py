"""SPARQL text helpers shared by every store: a tokenizer, the refusal of SPARQL Update, and
syntax messages that point at the user's line."""

from __future__ import annotations

import re
from typing import Any

from ..errors import QueryError
from ..namespaces import XSD_STRING
from .results import binding_parts

__all__ = [
    "SPARQL_TOKEN",
    "UPDATE_REFUSED",
    "escape_tabs_in_strings",
    "is_update",
    "query_form",
    "refuse_update",
    "syntax_message",
]

UPDATE_REFUSED = (
    "SPARQL Update is not allowed: ecograph only runs SELECT, ASK, CONSTRUCT and DESCRIBE"
)

#: SPARQL text one token at a time: strings (all four quote forms), IRIs and comments
#: (``skip``), then words (keywords, prefixed names, variables), then any other character
SPARQL_TOKEN = re.compile(
    r'''(?P<skip>"""(?:[^"\\]|\\.|"(?!""))*"""|'\'\'(?:[^'\\]|\\.|'(?!''))*\'\'\'|"(?:[^"\\\n\r]|\\.)*"|'(?:[^'\\\n\r]|\\.)*'|<[^<>"{}|^`\\\x00-\x20]*>|\#[^\n\r]*)'''
    r"|(?P<word>[?$_]?[A-Za-z_][\w\-.]*(?::[\w\-.:%]*)?|:[\w\-.:%]*)"
    r"|(?P<other>.)",
    re.S,
)


def escape_tabs_in_strings(text: str) -> str:
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


def is_update(text: str) -> bool:
    from rdflib.plugins.sparql.parser import parseUpdate

    from ..namespaces import sparql_prologue

    try:
        parseUpdate(sparql_prologue() + text)
    except Exception:
        return False
    return True


def refuse_update(text: str) -> None:
    """Raise :class:`QueryError` if ``text`` (which failed as a query) is SPARQL Update."""
    if is_update(text):
        raise QueryError(UPDATE_REFUSED) from None


def query_form(text: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the form of a query ('' if none is found)."""
    for match in SPARQL_TOKEN.finditer(text):
        word = (match.group("word") or "").upper()
        if word in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"):
            return word
    return ""


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


# --------------------------------------------------------------------------- bound values

_LANG = re.compile(r"[A-Za-z]+(?:-[A-Za-z0-9]+)*")
_VARIABLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _iri(value: str) -> str:
    from ..provenance import ntriples_iri

    try:
        return ntriples_iri(value)
    except ValueError:
        raise QueryError(f"not an IRI that can be bound in a query: {value!r}") from None


def _string(value: str) -> str:
    from ..provenance import ntriples_string

    return ntriples_string(value, escape_controls=True)


def sparql_term(value: Any) -> str:
    """A bound value (:class:`~ecograph.stores.Iri`, :class:`~ecograph.stores.Literal` or a
    plain value) as one N-Triples term: an IRI as a checked ``<IRI>``, a literal with its
    language or datatype. Raises :class:`QueryError` for anything that cannot be written safely
    (IRIs with forbidden characters, malformed language tags)."""
    kind, text, language, datatype = binding_parts(value)
    if kind == "iri":
        return _iri(text)
    if language:
        if not _LANG.fullmatch(language):
            raise QueryError(f"not a language tag: {language!r}")
        return f"{_string(text)}@{language}"
    if datatype is not None and datatype != XSD_STRING:
        return f"{_string(text)}^^{_iri(datatype)}"
    return _string(text)


def values_clause(bindings: dict[str, Any]) -> str:
    """``VALUES (?a ?b) { (<iri> "literal") }`` for the bindings ('' when there are none)."""
    if not bindings:
        return ""
    names = []
    for name in bindings:
        if not _VARIABLE.fullmatch(name):
            raise QueryError(f"{name!r} is not a SPARQL variable name")
        names.append(f"?{name}")
    terms = [sparql_term(v) for v in bindings.values()]
    return f"VALUES ({' '.join(names)}) {{ ({' '.join(terms)}) }}"


def bind_query(text: str, bindings: dict[str, Any]) -> str:
    """``text`` with ``bindings`` as a one-row ``VALUES`` block opening the query's outermost
    group (``WHERE {`` → ``WHERE { VALUES (?e) { (<iri>) }``).

    The SPARQL 1.1 Protocol has no parameters, so bound values travel in the text; each is
    serialized by :func:`sparql_term`, never pasted. The block opens the group rather than
    trailing the query because Virtuoso 7 applies a trailing ``VALUES`` to a UNION whose
    branches BIND a variable as if it were not there (every relation of the graph came back
    for one entity); opened first, it is joined by every store alike, which is what a
    substitution of the variable (Oxigraph's ``substitutions``, rdflib's ``initBindings``) does
    for the queries ecograph sends. A query with no group (``DESCRIBE <iri>``) gets the block
    at its end."""
    values = values_clause(bindings)
    if not values:
        return text
    depth = 0
    form = ""
    after_where = False
    for match in SPARQL_TOKEN.finditer(text):
        if match.group("skip"):
            continue
        word = (match.group("word") or "").upper()
        if depth == 0 and word in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE") and not form:
            form = word
        elif depth == 0 and word == "WHERE":
            after_where = True
        elif match.group(0) == "{":
            if depth == 0 and (after_where or form in ("SELECT", "ASK", "DESCRIBE")):
                return f"{text[: match.end()]}\n  {values}\n{text[match.end() :]}"
            depth += 1
        elif match.group(0) == "}":
            depth -= 1
    return f"{text}\n{values}\n"
