"""The inbox: candidate records waiting for a curator, one folder per ingested document.

``DIR/inbox/DOC_ID/candidates.yaml`` holds what an ingest proposed for the document ``DOC_ID``
of the dataset folder ``DIR``; nothing in it is curated data (the loader reads only the YAML
files at the top of the dataset folder). ``DIR/inbox/DOC_ID/rejected.yaml`` remembers what the
curator rejected, so that ingesting the document again never proposes it again.

Every candidate has a stable ``cid``: a digest of what makes it the same proposal (its kind and
its label and type, its subject, predicate and object, or its indicator, area, year, value and
unit, with its section and quote), so the same document ingested twice gives the same ids, and
a rejection made after the first ingest still holds after the second.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import DataError, NotFoundError, Problem, UsageError
from ..text import pick_label

__all__ = [
    "INBOX",
    "InboxDocument",
    "InboxListing",
    "RejectResult",
    "candidate_id",
    "list_inbox",
    "read_inbox",
    "reject_candidates",
    "write_inbox",
]

INBOX = "inbox"
CANDIDATES = "candidates.yaml"
REJECTED = "rejected.yaml"
ACCEPTED = "accepted.yaml"  # what accept wrote into the curated files
KINDS = ("document", "section", "entity", "observation", "relation")
_DOC_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,99}")

#: the fields whose values make two candidates the same proposal, by kind
_IDENTITY = {
    "document": ("id",),
    "section": ("id",),
    "entity": ("type", "label.zh", "link"),
    "observation": ("indicator", "area", "year", "value", "unit", "section", "quote"),
    "relation": ("s", "p", "o", "section", "quote"),
}

_HEADER = """\
# Candidate records proposed for {doc} by `ecograph ingest`: NOT curated data.
# Each says why it was proposed (rule, confidence) and the verbatim quote behind it (section,
# quote). `ecograph inbox show {doc}` lists them; `ecograph inbox reject {doc} CID…` sets one
# aside for good. The loader never reads this folder.
"""


def _field(candidate: dict[str, Any], path: str) -> str:
    value: Any = candidate
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return "" if value is None else str(value)


def candidate_id(candidate: dict[str, Any]) -> str:
    """The stable id of a candidate: ``KIND-`` and ten hex digits of a digest of its identity."""
    kind = candidate.get("kind")
    if kind not in _IDENTITY:
        raise UsageError(f"unknown candidate kind {kind!r}; one of {', '.join(KINDS)}")
    identity = [kind, *(_field(candidate, name) for name in _IDENTITY[kind])]
    digest = hashlib.sha256(json.dumps(identity, ensure_ascii=False).encode("utf-8"))
    return f"{kind[:3]}-{digest.hexdigest()[:10]}"


def _check_doc_id(doc_id: str) -> str:
    if not _DOC_ID.fullmatch(doc_id):
        raise UsageError(
            f"{doc_id[:60]!r} is not a document id (lower-case letters, digits and -)",
            param="doc_id",
        )
    return doc_id


def _folder(dataset: str | Path, doc_id: str) -> Path:
    return Path(dataset) / INBOX / _check_doc_id(doc_id)


def _read_list(path: Path) -> list[Any]:
    import yaml

    if not path.exists():
        return []
    try:
        value = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", -1) + 1
        raise DataError([Problem(str(path), line, "", f"not YAML: {exc}")]) from None
    if value is None:
        return []
    if not isinstance(value, list):
        raise DataError([Problem(str(path), 1, "", "expected a list")])
    return value


def _dump(items: list[Any]) -> str:
    import yaml

    if not items:
        return "[]\n"
    return str(yaml.safe_dump(items, allow_unicode=True, sort_keys=False, width=100))


def _rejected(folder: Path) -> dict[str, Any]:
    entries = _read_list(folder / REJECTED)
    return {str(e.get("cid")): e for e in entries if isinstance(e, dict) and e.get("cid")}


def _order(candidate: dict[str, Any]) -> tuple[int, int, str, str]:
    """Kind, then sections in document order, then section id and cid (a total order)."""
    kind = str(candidate.get("kind"))
    rank = KINDS.index(kind) if kind in KINDS else len(KINDS)
    order = candidate.get("order") if kind == "section" else 0
    return (
        rank,
        order if isinstance(order, int) else 0,
        _field(candidate, "section"),
        str(candidate.get("cid")),
    )


@dataclass
class InboxDocument:
    """The candidates of one document in the inbox."""

    doc_id: str
    folder: str
    candidates: list[dict[str, Any]] = field(default_factory=list)
    rejected: int = 0  # proposals set aside earlier and left out

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(KINDS, 0)
        for candidate in self.candidates:
            kind = str(candidate.get("kind"))
            counts[kind] = counts.get(kind, 0) + 1
        return counts

    def to_dict(self) -> dict[str, Any]:
        return {
            "doc_id": self.doc_id,
            "folder": self.folder,
            "counts": self.counts(),
            "rejected": self.rejected,
            "candidates": self.candidates,
        }

    def to_text(self, lang: str = "zh") -> str:
        counts = ", ".join(f"{n} {kind}" for kind, n in self.counts().items() if n)
        lines = [f"{self.doc_id}: {counts or 'no candidates'} ({self.rejected} rejected earlier)"]
        for candidate in self.candidates:
            name = pick_label(candidate.get("label") or {}, lang)
            if candidate.get("kind") == "relation":
                name = f"{candidate.get('s')} —{candidate.get('p')}→ {candidate.get('o')}"
            elif candidate.get("kind") == "observation":
                name = (
                    f"{candidate.get('indicator')} {candidate.get('year') or '?'}: "
                    f"{candidate.get('qualifier') or ''}{candidate.get('value')} "
                    f"{candidate.get('unit')}"
                )
            lines.append(
                f"  {candidate.get('cid')}  {candidate.get('kind')}  {name}  "
                f"[{candidate.get('rule')}, {candidate.get('confidence')}]"
            )
            if candidate.get("quote"):
                lines.append(f"      “{candidate['quote']}” — {candidate.get('section')}")
        return "\n".join(lines)


def write_inbox(
    dataset: str | Path, doc_id: str, candidates: list[dict[str, Any]]
) -> InboxDocument:
    """Write the candidates of ``doc_id`` into its inbox folder (atomically, replacing an earlier
    ingest's list), each with its ``cid``, in a fixed order; proposals rejected or accepted
    earlier are left out. The curated files are not touched."""
    from ..output import write_atomic

    folder = _folder(dataset, doc_id)
    rejected = _rejected(folder)
    accepted = {str(e.get("cid")) for e in _read_list(folder / ACCEPTED) if isinstance(e, dict)}
    kept: dict[str, dict[str, Any]] = {}
    left_out = 0
    for candidate in candidates:
        cid = candidate_id(candidate)
        if cid in rejected:
            left_out += 1
        elif cid in accepted:
            continue  # in the curated files already: not proposed again
        else:
            kept[cid] = {"cid": cid, **{k: v for k, v in candidate.items() if k != "cid"}}
    ordered = sorted(kept.values(), key=_order)
    folder.mkdir(parents=True, exist_ok=True)
    write_atomic(folder / CANDIDATES, _HEADER.format(doc=doc_id) + _dump(ordered))
    return InboxDocument(doc_id, str(folder), ordered, left_out)


def read_inbox(dataset: str | Path, doc_id: str) -> InboxDocument:
    """The candidates waiting for ``doc_id``; :class:`NotFoundError` if it was never ingested."""
    folder = _folder(dataset, doc_id)
    path = folder / CANDIDATES
    if not path.exists():
        raise NotFoundError(f"no inbox for {doc_id!r} in {dataset}", param="doc_id")
    entries = [e for e in _read_list(path) if isinstance(e, dict)]
    return InboxDocument(doc_id, str(folder), sorted(entries, key=_order), len(_rejected(folder)))


@dataclass
class InboxListing:
    """Every document waiting in a dataset's inbox."""

    dataset: str
    documents: list[InboxDocument] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "dataset": self.dataset,
            "documents": [
                {"doc_id": d.doc_id, "counts": d.counts(), "rejected": d.rejected}
                for d in self.documents
            ],
        }

    def to_text(self, lang: str = "zh") -> str:
        if not self.documents:
            return f"The inbox of {self.dataset} is empty."
        lines = []
        for doc in self.documents:
            counts = ", ".join(f"{n} {kind}" for kind, n in doc.counts().items() if n)
            lines.append(f"{doc.doc_id}: {counts or 'no candidates'} ({doc.rejected} rejected)")
        return "\n".join(lines)


def list_inbox(dataset: str | Path) -> InboxListing:
    """The documents with candidates in the inbox of the dataset folder ``dataset``."""
    root = Path(dataset) / INBOX
    documents = []
    if root.is_dir():
        for folder in sorted(p for p in root.iterdir() if (p / CANDIDATES).exists()):
            if _DOC_ID.fullmatch(folder.name):
                documents.append(read_inbox(dataset, folder.name))
    return InboxListing(str(dataset), documents)


@dataclass
class RejectResult:
    """What :func:`reject_candidates` set aside."""

    doc_id: str
    rejected: list[str]
    left: int  # candidates still waiting

    def to_dict(self) -> dict[str, Any]:
        return {"doc_id": self.doc_id, "rejected": self.rejected, "left": self.left}

    def to_text(self, lang: str = "zh") -> str:
        return (
            f"Rejected {len(self.rejected)} candidate(s) of {self.doc_id}; "
            f"{self.left} still waiting. A new ingest will not propose them again."
        )


def reject_candidates(
    dataset: str | Path, doc_id: str, cids: list[str], *, reason: str = ""
) -> RejectResult:
    """Set the candidates ``cids`` of ``doc_id`` aside: they leave ``candidates.yaml`` and are
    remembered in ``rejected.yaml`` (with what they proposed and ``reason``), so re-ingesting
    the document never proposes them again. An id that is not waiting is a
    :class:`UsageError`, and nothing is changed."""
    from ..output import write_many_atomic

    if not cids:
        raise UsageError("name the candidates to reject (their cid)", param="cids")
    current = read_inbox(dataset, doc_id)
    waiting = {str(c.get("cid")): c for c in current.candidates}
    unknown = [cid for cid in cids if cid not in waiting]
    if unknown:
        raise UsageError(f"no candidate {unknown[0]!r} waits for {doc_id}", param="cids")
    folder = Path(current.folder)
    rejected = _rejected(folder)
    for cid in dict.fromkeys(cids):
        entry = dict(waiting.pop(cid))
        if reason:
            entry["reason"] = reason
        rejected[cid] = entry
    left = sorted(waiting.values(), key=_order)
    write_many_atomic(
        {
            folder / CANDIDATES: _HEADER.format(doc=doc_id) + _dump(left),
            folder / REJECTED: _dump([rejected[k] for k in sorted(rejected)]),
        }
    )
    return RejectResult(doc_id, list(dict.fromkeys(cids)), len(left))
