"""``ingest``: a document in, cited candidate records out, into the dataset's inbox.

:func:`ingest_document` reads the file (:mod:`.readers`), stores its text verbatim as
``DIR/sources/DOC_ID.txt``, finds its structure (:mod:`.structure`) and its candidates
(:mod:`.extract`) against what the dataset already holds, and writes them to
``DIR/inbox/DOC_ID/`` (:mod:`.inbox`). The curated files are not touched: nothing enters them
without ``ecograph inbox accept``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import DataError, Problem, UsageError
from .inbox import InboxDocument

__all__ = ["CANDIDATE_FIELDS", "IngestResult", "ingest_document", "known_of"]

#: the fields every candidate has in ``--format json`` (null where they do not apply)
CANDIDATE_FIELDS = (
    "cid",
    "kind",
    "label",
    "type",
    "id",
    "link",
    "new",
    "s",
    "p",
    "o",
    "indicator",
    "area",
    "year",
    "value",
    "unit",
    "qualifier",
    "status",
    "basis",
    "quote",
    "section",
    "rule",
    "confidence",
)
_DOC_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,99}")


def _doc_id_of(path: Path) -> str:
    stem = unicodedata.normalize("NFKD", path.stem).encode("ascii", "ignore").decode().lower()
    stem = re.sub(r"[^a-z0-9]+", "-", stem).strip("-")
    if not stem or not _DOC_ID.fullmatch(stem):
        raise UsageError(
            f"cannot make a document id of {path.name[:80]!r}; give one (lower-case letters, "
            "digits and -)",
            param="doc_id",
        )
    return stem


def known_of(data: Any) -> Any:
    """The names, indicators and units a loaded dataset holds, for linking mentions."""
    from ..loader import plain_text
    from .extract import Known

    known = Known(subject=data.meta.subject)
    for record in sorted(data.records.values(), key=lambda r: r.id):
        known.ids.add(record.id)
        known.types[record.id] = list(record.types)
        if record.is_observation or "DocumentSection" in record.types:
            continue
        kind = record.types[0] if record.types else "Entity"
        zh = record.labels.get("zh")
        if zh:
            known.labels[record.id] = zh
        names = [zh] if zh else []
        names += record.alt_labels.get("zh", [])
        number = record.attributes.get("docNumber")
        if isinstance(number, str):
            names.append(number)
        for name in names:
            flat = plain_text(str(name))
            if not flat:
                continue
            if "Indicator" in record.types:
                known.indicators.setdefault(flat, record.id)
            elif "Unit" in record.types:
                known.units.setdefault(flat, record.id)
            elif len(flat) >= 2:
                known.names.setdefault(flat, (record.id, kind))
    for word, entity in data.meta.mentions.items():
        if entity in data.records:
            record = data.records[entity]
            known.names.setdefault(word, (entity, record.types[0] if record.types else "Entity"))
    return known


@dataclass
class IngestResult:
    """What an ingest proposed for one document."""

    doc_id: str
    file: str  # the stored text, relative to the dataset folder
    format: str
    sha256: str
    inbox: InboxDocument
    sections: int
    linked: int  # entity candidates that name an entity of the dataset

    def candidates(self) -> list[dict[str, Any]]:
        rows = []
        for candidate in self.inbox.candidates:
            row = {key: candidate.get(key) for key in CANDIDATE_FIELDS}
            if row["label"] is None:
                row["label"] = {"zh": None, "en": None}
            row.update({k: v for k, v in candidate.items() if k not in row})
            rows.append(row)
        return rows

    def to_dict(self) -> dict[str, Any]:
        return {
            "doc_id": self.doc_id,
            "file": self.file,
            "format": self.format,
            "sha256": self.sha256,
            "inbox": self.inbox.folder,
            "counts": self.inbox.counts(),
            "rejected": self.inbox.rejected,
            "candidates": self.candidates(),
        }

    def to_yaml(self) -> str:
        """The candidates as candidates.yaml holds them."""
        from .inbox import _dump

        return _dump(self.inbox.candidates)

    def to_text(self, lang: str = "zh") -> str:
        counts = self.inbox.counts()
        shown = ", ".join(f"{n} {kind}" for kind, n in counts.items() if n)
        lines = [
            f"Ingested {self.doc_id} ({self.format}, sha256 {self.sha256[:12]}…): "
            f"text stored as {self.file}.",
            f"{shown}; {self.linked} entity mention(s) linked to the dataset, "
            f"{self.inbox.rejected} proposal(s) rejected earlier left out.",
            f"Waiting in {self.inbox.folder}: review with `ecograph inbox show {self.doc_id}`.",
        ]
        return "\n".join(lines)


def _subject(subject: str | None, meta_subject: str | None, known: Any) -> str | None:
    if subject is None:
        return meta_subject
    if subject in known.ids:
        return subject
    for name, (entity, _kind) in known.names.items():
        if name == subject:
            return entity
    if re.fullmatch(r"[\u4e00-\u9fff]{2,40}", subject):
        # a zh label: the entity the document itself proposes under that name
        return f"label:{subject}"
    raise UsageError(
        f"{subject[:60]!r} is no entity of the dataset (give its id or its zh label)",
        param="subject",
    )


def ingest_document(
    file: str | Path,
    dataset: str | Path,
    *,
    doc_id: str | None = None,
    subject: str | None = None,
) -> IngestResult:
    """Ingest the document ``file`` into the inbox of the dataset folder ``dataset`` (see the
    module's description). ``subject`` is the id or zh label of the entity that sentences
    without a subject speak of (default: ``subject:`` of dataset.yaml); in a new dataset it may
    name an entity the document itself proposes (its zh label)."""
    from ..loader import _redacted, read_dataset
    from ..output import write_atomic
    from .extract import extract_candidates
    from .inbox import write_inbox
    from .lexicon import load_lexicon
    from .readers import read_document
    from .structure import parse_structure

    folder = Path(dataset)
    if not (folder / "dataset.yaml").is_file():
        raise UsageError(
            f"{str(folder)[:200]} is no dataset folder (no dataset.yaml); make one with "
            "`ecograph init`",
            param="data",
        )
    source = Path(file)
    document = read_document(source)
    doc_id = doc_id or _doc_id_of(source)
    if not _DOC_ID.fullmatch(doc_id):
        raise UsageError(f"{doc_id[:60]!r} is not a document id", param="doc_id")
    data = read_dataset(folder)
    known = known_of(data)
    if doc_id in data.records and "Document" not in "".join(data.records[doc_id].types):
        raise UsageError(f"{doc_id!r} is the id of a record that is no document", param="doc_id")
    stored = Path("sources") / f"{doc_id}.txt"
    target = folder / stored
    if target.exists() and target.read_text(encoding="utf-8") != document.text:
        raise DataError(
            [
                Problem(
                    str(target),
                    0,
                    doc_id,
                    "a different text is stored for this document id already; ingest this "
                    "document under another id, or remove the old text first",
                )
            ]
        )
    lexicon = load_lexicon(folder)
    structure = parse_structure(document.text, doc_id)
    masked = _redacted(data.meta, document.text)
    if len(masked) != len(document.text):  # a redaction must keep offsets
        masked = document.text
    resolved = _subject(subject, data.meta.subject, known)
    candidates = extract_candidates(
        document.text,
        structure,
        lexicon,
        known,
        doc_id=doc_id,
        subject=resolved,
        source={
            "file": stored.as_posix(),
            "sha256": document.sha256,
            "original": source.name,
            "format": document.format,
        },
        masked=masked,
    )
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(target, document.text)
    inbox = write_inbox(folder, doc_id, candidates)
    linked = sum(1 for c in inbox.candidates if c.get("kind") == "entity" and c.get("link"))
    sections = sum(1 for c in inbox.candidates if c.get("kind") == "section")
    return IngestResult(
        doc_id, stored.as_posix(), document.format, document.sha256, inbox, sections, linked
    )
