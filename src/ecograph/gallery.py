"""The gallery of saved queries: ``queries/NAME.rq`` files with bilingual header comments.

Each file starts with ``# title.zh:``, ``# title.en:``, ``# description.zh:`` and
``# description.en:`` lines, and may say on which stores it is known not to give the local
answer (``# portability.STORE: order|rows — reason``).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .errors import NotFoundError

__all__ = ["Gallery", "SavedQuery", "gallery", "saved_queries", "saved_query"]


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


class Gallery(list[SavedQuery]):
    """The saved queries, sorted by name: a list that prints as a table of names and titles."""

    def to_dict(self) -> dict[str, Any]:
        return {"queries": [asdict(q) for q in self]}

    def to_text(self, lang: str = "zh") -> str:
        """Name, Chinese title and English title of every query (both languages always)."""
        from .text import table

        rows = [(q.name, q.title.get("zh", ""), q.title.get("en", "")) for q in self]
        return table(rows, ("name", "标题", "title"))


def gallery(folder: Path | None = None) -> Gallery:
    """The saved queries (``queries/*.rq``), sorted by name."""
    from .resources import resource_path

    folder = folder or resource_path("queries")
    return Gallery(_read_saved(p) for p in sorted(folder.glob("*.rq")))


#: the public name (``ecograph.saved_queries``) of :func:`gallery`
saved_queries = gallery


def saved_query(name: str, folder: Path | None = None) -> SavedQuery:
    """One saved query by name; an unknown name suggests the closest ones."""
    import difflib

    queries = {q.name: q for q in gallery(folder)}
    if name in queries:
        return queries[name]
    close = difflib.get_close_matches(name, list(queries), n=3, cutoff=0.5)
    hint = f" (did you mean {', '.join(close)}?)" if close else ""
    raise NotFoundError(f"no saved query named {name!r}{hint}", param="name")
