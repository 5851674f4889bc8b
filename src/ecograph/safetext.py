"""Text from the data on its way to a spreadsheet, a terminal or a page, made harmless there.

* **Spreadsheets** (OWASP "CSV injection"): a cell that starts with ``=``, ``+``, ``-``, ``@``, a
  tab or a carriage return is a formula to Excel and LibreOffice; it gets a leading ``'``, which
  they show as text. Plain numbers (``-5``, ``+1.5e3``) stay as they are: a spreadsheet reads them
  as numbers, never as formulas. ``excel=True`` also starts the file with a UTF-8 byte-order mark,
  without which Excel reads UTF-8 as the local code page and shows Chinese as mojibake.
* **Terminals**: C0 and C1 control characters (except line feed and tab), DEL and the Unicode
  bidirectional controls are shown as escapes (``\\x1b``, ``\\u202e``) instead of being obeyed, so
  a label cannot move the cursor, recolour the terminal, set its title or reverse the text after it.
* **Pages**: the bidirectional embedding, override and isolate controls are replaced by U+FFFD,
  so that no label or quote can display reversed ("Trojan source" style spoofing).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from typing import Any

__all__ = [
    "BIDI_CONTROLS",
    "BOM",
    "csv_text",
    "neutralise_bidi",
    "script_json",
    "spreadsheet_cell",
    "terminal_text",
]

BOM = "\ufeff"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
#: LRE RLE PDF LRO RLO, LRI RLI FSI PDI, and the Arabic letter mark
BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u061c"
_TERMINAL_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f" + BIDI_CONTROLS + "\u200e\u200f]")
_BIDI = re.compile("[" + BIDI_CONTROLS + "]")


def spreadsheet_cell(value: Any) -> str:
    """``value`` as a CSV cell that a spreadsheet shows as text, never evaluates."""
    text = "" if value is None else str(value)
    if text.startswith(_FORMULA_START) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def csv_text(
    headers: Sequence[Any],
    rows: Iterable[Sequence[Any]],
    *,
    excel: bool = False,
    lineterminator: str = "\n",
) -> str:
    """A CSV document with every cell neutralised; ``excel`` adds the byte-order mark and ends
    lines with CRLF, as Excel writes them."""
    buffer = io.StringIO()
    if excel:
        buffer.write(BOM)
        lineterminator = "\r\n"
    writer = csv.writer(buffer, lineterminator=lineterminator)
    writer.writerow([spreadsheet_cell(h) for h in headers])
    for row in rows:
        writer.writerow([spreadsheet_cell(cell) for cell in row])
    return buffer.getvalue()


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal_text(text: str) -> str:
    """``text`` with every character a terminal would obey rather than show written as an escape."""
    return _TERMINAL_UNSAFE.sub(_escape, text) if _TERMINAL_UNSAFE.search(text) else text


def neutralise_bidi(text: str) -> str:
    """``text`` with the bidirectional controls replaced by U+FFFD (for a page)."""
    return _BIDI.sub("\ufffd", text) if _BIDI.search(text) else text


def csp_hash(text: str) -> str:
    """The Content-Security-Policy source that allows exactly this inline script or style:
    ``'sha256-…'`` over its UTF-8 bytes."""
    import base64
    import hashlib

    return (
        "'sha256-"
        + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")
        + "'"
    )


def script_json(value: object) -> str:
    """JSON that is safe inside an HTML ``<script>`` element: ``<``, ``>`` and ``&`` (so no
    ``</script>`` or ``<!--``) and the JavaScript line separators U+2028/U+2029 are escaped.
    Keys are sorted, so the text does not depend on the order a store returned rows in. The
    bidirectional controls become U+FFFD (:func:`neutralise_bidi`), so no label or quote can
    show reversed text on a page. Used by the viewer and the inbox page."""
    import json

    text = neutralise_bidi(
        json.dumps(
            value, ensure_ascii=False, separators=(",", ":"), allow_nan=False, sort_keys=True
        )
    )
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )
