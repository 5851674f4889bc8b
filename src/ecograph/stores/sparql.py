"""SPARQL text helpers shared by every store: a tokenizer, the refusal of SPARQL Update, and
syntax messages that point at the user's line."""

from __future__ import annotations

import re

from ..errors import QueryError

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
