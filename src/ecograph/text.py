"""Human-readable text of ecograph's results: aligned tables, counts, labels and quotes.

Every result class has a ``to_text(lang)`` built from these pieces, so a notebook prints
exactly what the command line prints (the CLI adds only terminal safety, see
:func:`ecograph.safetext.terminal_text`). This module imports nothing else of ecograph but
:mod:`ecograph.namespaces`, so that every part can use it.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any

__all__ = [
    "LANGUAGES",
    "check_lang",
    "cite_lines",
    "count",
    "display_width",
    "other_lang",
    "pick_label",
    "short_term",
    "table",
    "view_text",
]

#: the languages of labels in human output
LANGUAGES = ("zh", "en")


def check_lang(lang: str) -> None:
    """Raise :class:`ecograph.UsageError` unless ``lang`` is zh or en."""
    if lang not in LANGUAGES:
        from .errors import UsageError

        raise UsageError(f"unknown language {lang!r}; choose zh or en", param="lang")


def other_lang(lang: str) -> str:
    return "en" if lang == "zh" else "zh"


def pick_label(labels: dict[str, str], lang: str) -> str:
    """The label in ``lang``, falling back to the other language, then to anything."""
    return labels.get(lang) or labels.get(other_lang(lang)) or next(iter(labels.values()), "")


def display_width(text: str) -> int:
    """Columns ``text`` takes in a terminal: wide and full-width (CJK) characters count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def table(rows: Iterable[Sequence[Any]], headers: Sequence[Any]) -> str:
    """A plain aligned text table (no final newline): a header, a rule of dashes, the rows.
    Numbers are right-aligned (except in the first column), everything else left-aligned."""
    cells = [tuple(str(c) for c in headers)] + [tuple(str(c) for c in row) for row in rows]
    widths = [max(display_width(row[i]) for row in cells) for i in range(len(headers))]

    def fmt(row: tuple[str, ...]) -> str:
        parts = []
        for i, cell in enumerate(row):
            pad = widths[i] - display_width(cell)
            numeric = cell.replace(".", "", 1).isdigit()
            parts.append(" " * pad + cell if numeric and i else cell + " " * pad)
        return "  ".join(parts).rstrip()

    lines = [fmt(cells[0]), "  ".join("-" * w for w in widths)]
    lines += [fmt(row) for row in cells[1:]]
    return "\n".join(lines)


def count(number: int, singular: str, plural: str | None = None, *, grouped: bool = False) -> str:
    """``1 relation``, ``2 relations`` (``grouped``: with thousands separators)."""
    noun = singular if number == 1 else plural or singular + "s"
    return f"{number:,} {noun}" if grouped else f"{number} {noun}"


def row_text(reference: str, lang: str) -> str:
    """A table row's RFC 7111 reference (``名单.csv#row=5312``) as a reader says it:
    ``row 5312 of 名单.csv``, ``名单.csv 第 5312 行``."""
    file, _, fragment = reference.rpartition("#")
    number = fragment.removeprefix("row=")
    return f"{file} 第 {number} 行" if lang == "zh" else f"row {number} of {file}"


def cite_lines(citations: Iterable[Any], lang: str, indent: str) -> list[str]:
    """One line per citation: ``“quote” — section`` (the section's label in ``lang``), or for
    a table row ``row 5312 of 名单.csv — document``."""
    return [
        f"{indent}"
        + (row_text(c.row, lang) if getattr(c, "row", "") else f"“{c.quote}”")
        + f" — {pick_label(c.section_labels, lang) or c.section}"
        for c in citations
    ]


def short_term(cell: dict[str, str], data_prefix: str = "") -> str:
    """A SPARQL JSON result term for a text table: IRIs under ``data_prefix`` as ``data:slug``,
    known namespaces as prefixed names, other IRIs in angle brackets; literals on one line."""
    from .namespaces import SPARQL_PREFIX_IRIS

    value = cell["value"]
    if cell["type"] != "uri":
        return value.replace("\n", " ")
    if data_prefix and value.startswith(data_prefix):
        return "data:" + value[len(data_prefix) :]
    for prefix, namespace in SPARQL_PREFIX_IRIS.items():
        if prefix != "dct" and value.startswith(namespace) and len(value) > len(namespace):
            return f"{prefix}:{value[len(namespace) :]}"
    return f"<{value}>"


def view_text(result: Any) -> str:
    """What the viewer wrote (a :class:`ecograph.viewer.ViewResult`): size, counts per kind, the
    five entities of highest PageRank and the file's address."""
    from pathlib import Path

    layout = "laid out in the browser" if result.physics else "layout precomputed, physics off"
    lines = [
        f"Wrote {result.path} ({result.bytes:,} bytes): "
        f"{count(result.nodes, 'entity', 'entities')}, {count(result.edges, 'relation')} "
        f"({layout}; {result.seconds:.2f} s).",
        table(list(result.counts_by_kind.items()), ("kind", "entities")),
        "Top 5 by PageRank:",
    ]
    lines += [
        f"  {i}. {label} ({node})  {score:.6f}"
        for i, (node, label, score) in enumerate(result.top, 1)
    ]
    lines.append(f"Open it in a browser: {Path(result.path).resolve().as_uri()}")
    return "\n".join(lines)
