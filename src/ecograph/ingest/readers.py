"""Reading a document's text: one well-kept library per format.

* ``.txt``, ``.md`` — the file itself (UTF-8, with or without a byte-order mark; GB 18030 as
  Chinese government sites still publish it);
* ``.docx`` — python-docx: paragraphs and tables in the order of the body, a table row as one
  line with its cells separated by a tab;
* ``.pdf`` — pypdf: the text layer, page by page. A PDF without one (a scan) is a
  :class:`~ecograph.errors.DataError` that says so: it needs OCR first, which ecograph does not
  do;
* ``.html``, ``.htm`` — BeautifulSoup over lxml: the text of ``<body>`` by block (a paragraph,
  heading, list item or table row per line), without scripts, styles and navigation.

What comes out is the text as the document gives it (no normalisation: quotes are checked
against it verbatim), with the SHA-256 of the original file's bytes.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import DataError, Problem, UsageError

__all__ = ["FORMATS", "MAX_BYTES", "ReadDocument", "read_document"]

#: suffix -> format name
FORMATS = {
    ".txt": "text",
    ".md": "markdown",
    ".docx": "docx",
    ".pdf": "pdf",
    ".html": "html",
    ".htm": "html",
}
#: documents larger than this are refused (a reply letter is 10 kB, a 300-page plan 5 MB)
MAX_BYTES = 100 * 1024 * 1024
_BLANK_RUNS = re.compile(r"\n[ \t\u3000]*(?:\n[ \t\u3000]*){2,}")


@dataclass(frozen=True)
class ReadDocument:
    """A document's text and where it came from."""

    path: str
    format: str
    text: str
    sha256: str  # of the original file's bytes
    pages: int | None = None  # PDF pages


def _problem(path: Path, message: str) -> DataError:
    return DataError([Problem(str(path), 0, "", message)], what="the document")


def _decode(path: Path, data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise _problem(path, "not UTF-8 or GB 18030 text")


def _runs(paragraph: Any, qn: Any) -> str:
    """A paragraph's text with its tabs and line breaks (示例市人民政府办公室<tab>2025年…印发)."""
    parts = []
    for node in paragraph.iter(qn("w:t"), qn("w:tab"), qn("w:br")):
        if node.tag == qn("w:t"):
            parts.append(node.text or "")
        elif node.tag == qn("w:tab"):
            parts.append("\t")
        else:
            parts.append("\n")
    return "".join(parts)


def _docx(path: Path) -> str:
    import docx
    from docx.oxml.ns import qn

    try:
        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises several kinds for a damaged package
        raise _problem(path, f"not a readable .docx file ({type(exc).__name__})") from None
    lines: list[str] = []
    body = document.element.body
    for child in body.iterchildren():
        if child.tag == qn("w:p"):
            lines.append(_runs(child, qn))
        elif child.tag == qn("w:tbl"):
            for row in child.iter(qn("w:tr")):
                cells = []
                for cell in row.iter(qn("w:tc")):
                    cells.append("".join(t.text or "" for t in cell.iter(qn("w:t"))))
                lines.append("\t".join(cells))
            lines.append("")
    return "\n".join(lines).strip("\n") + "\n"


def _pdf(path: Path) -> tuple[str, int]:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted:
            raise _problem(path, "the PDF is encrypted; save an unprotected copy first")
        pages = [page.extract_text() or "" for page in reader.pages]
    except DataError:
        raise
    except (PdfReadError, ValueError, KeyError, OSError) as exc:
        raise _problem(path, f"not a readable PDF ({type(exc).__name__})") from None
    if not "".join(pages).strip():
        raise _problem(
            path,
            f"the PDF has no text layer ({len(pages)} page(s) of images: a scan?); "
            "run OCR on it (e.g. ocrmypdf) and ingest the result",
        )
    text = "\n".join(page.rstrip("\n") for page in pages) + "\n"
    return _radicals(text), len(pages)


def _radicals(text: str) -> str:
    """Kangxi and supplementary radicals (⽰ U+2F70) as the ideographs they stand for (示): PDF
    writers map shared glyphs to the radical's code point, so a text layer says ⽰例 for 示例.
    Only those two blocks are touched; every other character stays as extracted."""
    import unicodedata

    return "".join(
        unicodedata.normalize("NFKC", ch) if "\u2e80" <= ch <= "\u2fdf" else ch for ch in text
    )


_BLOCKS = (
    "address article aside blockquote dd div dl dt figcaption figure footer h1 h2 h3 h4 h5 h6 "
    "header hr li main ol p pre section table tbody thead tfoot tr ul caption"
).split()
_DROP = ("script", "style", "noscript", "template", "nav", "head", "iframe", "svg", "form")


def _html(path: Path, data: bytes) -> str:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(data, "lxml")
    for tag in soup.find_all(_DROP):
        tag.decompose()
    for br in soup.find_all("br"):
        br.replace_with("\n")
    for cell in soup.find_all(["td", "th"]):
        cell.insert_after("\t")
    for block in soup.find_all(_BLOCKS):
        block.insert_before("\n")
        block.insert_after("\n")
    # the document itself, without the site around it (logo, breadcrumb, footer)
    for tag in soup.find_all(["footer", "aside"]):
        tag.decompose()
    root = soup.find("article") or soup.find("main") or soup.body or soup
    text = root.get_text("")
    lines = [line.strip(" \t\r\u00a0") for line in text.split("\n")]
    text = "\n".join(lines)
    text = _BLANK_RUNS.sub("\n\n", text).strip("\n")
    if not text:
        raise _problem(path, "the HTML page has no text in its body")
    return text + "\n"


def read_document(path: str | Path) -> ReadDocument:
    """The text of the document at ``path``, read by its suffix (see :data:`FORMATS`)."""
    source = Path(path)
    kind = FORMATS.get(source.suffix.lower())
    if kind is None:
        raise UsageError(
            f"cannot read {source.name[:80]!r}: ingest reads {', '.join(sorted(FORMATS))}",
            param="file",
        )
    if not source.is_file():
        raise UsageError(f"no file {str(source)[:200]!r}", param="file")
    size = source.stat().st_size
    if size > MAX_BYTES:
        raise UsageError(
            f"{source.name[:80]} is {size // 2**20} MB; ingest reads documents up to "
            f"{MAX_BYTES // 2**20} MB",
            param="file",
        )
    data = source.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    pages = None
    if kind in ("text", "markdown"):
        text = _decode(source, data).replace("\r\n", "\n").replace("\r", "\n")
    elif kind == "docx":
        text = _docx(source)
    elif kind == "pdf":
        text, pages = _pdf(source)
    else:
        text = _html(source, data)
    if not text.strip():
        raise _problem(source, "the document has no text")
    return ReadDocument(str(source), kind, text, digest, pages)
