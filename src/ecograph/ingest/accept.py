"""Accepting candidates: a curator's yes turns an inbox candidate into curated YAML.

Nothing enters curated data without this step. The accepted candidates are written into the
dataset's own files as text inserted where it belongs, so every other byte of those files (the
curator's comments, layout, quoting) stays as it was:

* a document goes to ``documents.yaml`` and its source file into ``dataset.yaml``'s ``sources``;
* a section goes to ``documents.yaml``, ``partOf`` its document;
* a new entity goes to the file that already holds records of its type (else ``entities.yaml``,
  or the file ``into`` names); a linked entity (``link:``) gains the candidate's citation;
* an observation goes to the file that holds observations (else ``observations.yaml``);
* a relation goes into the ``relations`` of its subject's record.

The edited dataset is validated (loader and SHACL) in a copy before anything is written: what
would not validate is refused with the validator's findings, and the dataset is left as it was.
A document, section or new entity needs its English label, written by the curator (in the
candidate, or passed as ``english``); none is ever made up.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from ..errors import DataError, Problem, UsageError
from .inbox import (
    _HEADER,
    ACCEPTED,
    CANDIDATES,
    INBOX,
    KINDS,
    _dump,
    _folder,
    _order,
    _read_list,
    read_inbox,
)

__all__ = ["ACCEPTED", "AcceptResult", "accept_candidates"]

_TOP_KEY = re.compile(r"^  [A-Za-z_][\w-]*:")


def _q(value: Any) -> str:
    """A YAML scalar that reads back as the same string: JSON's double-quoted form is YAML."""
    return json.dumps(str(value), ensure_ascii=False)


def _flow(mapping: dict[str, Any]) -> str:
    return "{" + ", ".join(f"{k}: {_q(v)}" for k, v in mapping.items() if v not in (None, "")) + "}"


def _cite(candidate: dict[str, Any]) -> dict[str, str]:
    section, quote = candidate.get("section"), candidate.get("quote")
    if not section or not quote:
        raise UsageError(f"candidate {candidate.get('cid')} has no section and quote to cite")
    return {"section": str(section), "quote": str(quote)}


class _Files:
    """The dataset's YAML files as lists of lines, edited in memory, written together."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.lines: dict[str, list[str]] = {}
        for path in sorted(folder.glob("*.yaml")):
            self.lines[path.name] = path.read_text(encoding="utf-8").splitlines()
        self.changed: set[str] = set()

    def records(self) -> dict[str, tuple[str, int, int]]:
        """Record id -> (file, first line, line after its last non-blank line)."""
        found: dict[str, tuple[str, int, int]] = {}
        for name, lines in self.lines.items():
            if name == "dataset.yaml":
                continue
            starts = [i for i, line in enumerate(lines) if line.startswith("- id:")]
            for n, start in enumerate(starts):
                end = starts[n + 1] if n + 1 < len(starts) else len(lines)
                while end > start + 1 and (not lines[end - 1].strip() or lines[end - 1][0] == "#"):
                    end -= 1
                record_id = lines[start][len("- id:") :].strip().strip("\"'")
                found[record_id] = (name, start, end)
        return found

    def file_of_type(self, kind: str, default: str) -> str:
        for name, lines in self.lines.items():
            for line in lines:
                types = line.strip()[len("type:") :].strip() if line.startswith("  type:") else ""
                if types == kind or kind in [t.strip() for t in types.strip("[]").split(",")]:
                    return name
        return default

    def append_record(self, name: str, block: list[str]) -> None:
        lines = self.lines.setdefault(name, [])
        # a file made by `ecograph init` holds an empty list (`[]`) until its first record
        lines[:] = [line for line in lines if line.strip() != "[]"]
        while lines and not lines[-1].strip():
            lines.pop()
        if lines:
            lines.append("")
        lines.extend(block)
        self.changed.add(name)

    def add_to_list(self, record_id: str, key: str, item: str) -> None:
        """Append ``    - item`` to the ``key:`` list of a record (made if missing; a single
        flow mapping under ``key:`` becomes the first item of the list)."""
        where = self.records().get(record_id)
        if where is None:
            raise UsageError(f"no record {record_id!r} in the dataset to add a {key} to")
        name, start, end = where
        lines = self.lines[name]
        at = next((i for i in range(start + 1, end) if lines[i].startswith(f"  {key}:")), None)
        if at is None:
            lines[end:end] = [f"  {key}:", f"    - {item}"]
        else:
            rest = lines[at][len(f"  {key}:") :].strip()
            if rest:  # `cite: {…}` on one line becomes a list
                lines[at : at + 1] = [f"  {key}:", f"    - {rest}"]
                end += 1
            last = at + 1
            while last < end and not _TOP_KEY.match(lines[last]):
                last += 1
            while last > at + 1 and not lines[last - 1].strip():
                last -= 1
            lines[last:last] = [f"    - {item}"]
        self.changed.add(name)

    def add_source(
        self, document: str, file: str, *, original: Any = None, sha256: Any = None
    ) -> None:
        lines = self.lines["dataset.yaml"]
        entry = [f"  - document: {document}", f"    file: {file}"]
        if original:
            entry.append(f"    original: {_q(original)}")
        if sha256:
            entry.append(f"    sha256: {sha256}")
        at = next((i for i, line in enumerate(lines) if line.startswith("sources:")), None)
        if at is None:
            lines.extend(["sources:", *entry])
        else:
            if lines[at].strip() == "sources: []":
                lines[at] = "sources:"
            last = at + 1
            while last < len(lines) and (lines[last].startswith((" ", "#")) or not lines[last]):
                last += 1
            while last > at + 1 and not lines[last - 1].strip():
                last -= 1
            lines[last:last] = entry
        self.changed.add("dataset.yaml")

    def texts(self) -> dict[str, str]:
        return {name: "\n".join(self.lines[name]) + "\n" for name in sorted(self.changed)}


def _english(candidate: dict[str, Any], english: dict[str, str]) -> str:
    text = english.get(str(candidate.get("cid"))) or (candidate.get("label") or {}).get("en")
    if not text or not str(text).strip():
        raise UsageError(
            f"candidate {candidate.get('cid')} needs its English label, written by the curator "
            "(ecograph never makes one up)",
            param="english",
        )
    return str(text).strip()


def _record(candidate: dict[str, Any], kind: str, english: dict[str, str]) -> list[str]:
    zh = (candidate.get("label") or {}).get("zh")
    record_id = candidate.get("id")
    if not record_id or not zh:
        raise UsageError(f"candidate {candidate.get('cid')} has no id or Chinese label")
    lines = [
        f"- id: {record_id}",
        f"  type: {kind}",
        f"  label: {_flow({'zh': zh, 'en': _english(candidate, english)})}",
    ]
    if kind in ("Document", "PolicyDocument", "Proposal"):
        if candidate.get("docNumber"):
            lines.append(f"  docNumber: {_q(candidate['docNumber'])}")
        if candidate.get("dateIssued"):
            lines.append(f"  dateIssued: {candidate['dateIssued']}")
    if kind == "DocumentSection":
        if candidate.get("order") is not None:
            lines.append(f"  order: {int(candidate['order'])}")
        if candidate.get("start"):
            lines.append(f"  start: {_q(candidate['start'])}")
    constructed = candidate.get("constructed")
    if isinstance(constructed, dict) and constructed:
        lines.append(f"  constructed: {_flow(constructed)}")
    lines += ["  cite:", f"    - {_flow(_cite(candidate))}"]
    if kind == "DocumentSection" and candidate.get("partOf"):
        lines += ["  relations:", f"    - {_flow({'p': 'partOf', 'o': candidate['partOf']})}"]
    return lines


def _observation(candidate: dict[str, Any]) -> list[str]:
    needed = ("indicator", "area", "value", "unit")
    missing = [k for k in needed if not candidate.get(k)]
    if missing:
        raise UsageError(f"observation {candidate.get('cid')} has no {missing[0]}")
    year = candidate.get("year")
    record_id = candidate.get("id") or "-".join(
        str(p) for p in (candidate["indicator"], candidate["area"], year or "undated") if p
    )
    lines = [f"- id: {record_id}", "  type: Observation"]
    for key in ("indicator", "area"):
        lines.append(f"  {key}: {candidate[key]}")
    if year:
        lines.append(f"  year: {_q(year)}")
    else:  # the source gives no year: say so, guess nothing
        lines.append('  period: {zh: 未说明年份, en: "year not stated"}')
    lines += [f"  value: {_q(candidate['value'])}", f"  unit: {candidate['unit']}"]
    if candidate.get("qualifier"):
        lines.append(f"  qualifier: {_q(candidate['qualifier'])}")
    if candidate.get("status") and candidate["status"] != "done":
        lines.append(f"  status: {candidate['status']}")
    lines.append(f"  cite: {_flow(_cite(candidate))}")
    return lines


def _relation(candidate: dict[str, Any]) -> str:
    for key in ("s", "p", "o"):
        if not candidate.get(key):
            raise UsageError(f"relation {candidate.get('cid')} has no {key}")
    item: dict[str, Any] = {"p": candidate["p"], "o": candidate["o"]}
    if candidate.get("basis") and candidate["basis"] != "explicit":
        item["basis"] = candidate["basis"]
    if candidate.get("status") and candidate["status"] != "done":
        item["status"] = candidate["status"]
    cite = _flow(_cite(candidate))
    return "{" + ", ".join(f"{k}: {_q(v)}" for k, v in item.items()) + f", cite: {cite}" + "}"


def _decimal(candidate: dict[str, Any]) -> Decimal | None:
    try:
        return Decimal(str(candidate.get("value")))
    except InvalidOperation:
        return None


def _fact_key(candidate: dict[str, Any]) -> tuple[str, str, str, str]:
    return tuple(  # type: ignore[return-value]
        str(candidate.get(k) or "") for k in ("indicator", "area", "year", "unit")
    )


def _observations(folder: Path) -> dict[tuple[str, str, str, str], list[tuple[str, Any]]]:
    """The dataset's observations by (indicator, area, year, unit), with their values."""
    from ..loader import read_dataset

    found: dict[tuple[str, str, str, str], list[tuple[str, Any]]] = {}
    for record in read_dataset(folder).records.values():
        if record.is_observation:
            fields = record.observation
            key = _fact_key(fields)
            found.setdefault(key, []).append((record.id, _decimal(fields)))
    for items in found.values():
        items.sort()
    return found


def _problem(folder: Path, location: str, record_id: str, message: str) -> Problem:
    """A finding on the edited copy as a problem of the dataset (its file as the edit would
    leave it, so the line is that of the accepted record)."""
    where, _, line = location.rpartition(":")
    if not (where and line.isdigit()):
        where, line = location, "0"
    if where and not Path(where).is_absolute() and not where.startswith(("http:", "https:")):
        where = str(folder / where)
    return Problem(where, int(line), record_id, f"{message} (if accepted)")


@dataclass
class AcceptResult:
    """What :func:`accept_candidates` wrote into the curated files."""

    doc_id: str
    accepted: list[str]
    files: list[str] = field(default_factory=list)
    left: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "doc_id": self.doc_id,
            "accepted": self.accepted,
            "files": self.files,
            "left": self.left,
        }

    def to_text(self, lang: str = "zh") -> str:
        files = ", ".join(self.files) or "no file"
        return (
            f"Accepted {len(self.accepted)} candidate(s) of {self.doc_id} into {files}; "
            f"{self.left} still waiting. The dataset validates."
        )


def accept_candidates(
    dataset: str | Path,
    doc_id: str,
    cids: list[str],
    *,
    english: dict[str, str] | None = None,
    into: str | None = None,
) -> AcceptResult:
    """Write the candidates ``cids`` of ``doc_id`` into the curated YAML of ``dataset`` (see the
    module's description for where each kind goes). ``english`` maps a cid to the English label
    the curator gives it; ``into`` names the file new entities go to. The whole edit is
    validated in a copy first: a :class:`DataError` with the validator's findings, and nothing
    written, if it does not validate; a :class:`UsageError` for a cid that is not waiting or a
    candidate that lacks what its record needs."""
    from ..output import write_many_atomic
    from ..validation import validate

    if not cids:
        raise UsageError("name the candidates to accept (their cid)", param="cids")
    if into is not None and (Path(into).name != into or not into.endswith(".yaml")):
        raise UsageError(f"{into!r} is not a YAML file name of the dataset folder", param="into")
    english = dict(english or {})
    folder = Path(dataset)
    waiting = {str(c.get("cid")): c for c in read_inbox(folder, doc_id).candidates}
    unknown = [cid for cid in cids if cid not in waiting]
    if unknown:
        raise UsageError(f"no candidate {unknown[0]!r} waits for {doc_id}", param="cids")
    chosen = sorted((waiting[cid] for cid in dict.fromkeys(cids)), key=_order)
    files = _Files(folder)
    observed = _observations(folder) if any(c.get("kind") == "observation" for c in chosen) else {}
    for candidate in chosen:
        kind = candidate.get("kind")
        if kind == "document":
            document_type = str(candidate.get("type") or "Document")
            files.append_record("documents.yaml", _record(candidate, document_type, english))
            source = candidate.get("file") or f"sources/{candidate.get('id')}.txt"
            files.add_source(
                str(candidate.get("id")),
                str(source),
                original=candidate.get("original"),
                sha256=candidate.get("sha256"),
            )
        elif kind == "section":
            files.append_record("documents.yaml", _record(candidate, "DocumentSection", english))
        elif kind == "entity" and candidate.get("link"):
            files.add_to_list(str(candidate["link"]), "cite", _flow(_cite(candidate)))
        elif kind == "entity":
            kind_name = str(candidate.get("type") or "")
            if not kind_name:
                raise UsageError(f"entity {candidate.get('cid')} has no type")
            target = into or files.file_of_type(kind_name, "entities.yaml")
            files.append_record(target, _record(candidate, kind_name, english))
        elif kind == "observation":
            key = _fact_key(candidate)
            same = [rid for rid, value in observed.get(key, []) if value == _decimal(candidate)]
            if same:
                # the same figure from another document: one fact with both citations
                files.add_to_list(same[0], "cite", _flow(_cite(candidate)))
                continue
            lines = _observation(candidate)
            record_id = lines[0][len("- id: ") :]
            if record_id in files.records() or any(
                record_id == rid for items in observed.values() for rid, _ in items
            ):
                # a figure that differs from one recorded already: its own record, which
                # `validate` reports as a conflict
                record_id = f"{record_id}-{doc_id}"
                lines[0] = f"- id: {record_id}"
            target = files.file_of_type("Observation", "observations.yaml")
            files.append_record(target, lines)
            observed.setdefault(key, []).append((record_id, _decimal(candidate)))
        elif kind == "relation":
            files.add_to_list(str(candidate["s"]), "relations", _relation(candidate))
        else:
            raise UsageError(f"unknown candidate kind {kind!r}; one of {', '.join(KINDS)}")
    texts = files.texts()
    with tempfile.TemporaryDirectory(prefix="ecograph-accept-") as tmp:
        copy = Path(tmp) / folder.name
        shutil.copytree(folder, copy, ignore=shutil.ignore_patterns(INBOX))
        for name, text in texts.items():
            (copy / name).write_text(text, encoding="utf-8")
        report = validate(copy)
        if not report.conforms:
            problems = [
                _problem(folder, f.location.replace(str(copy), str(folder)), f.record_id, f.message)
                for f in report.findings
                if f.severity != "Warning"
            ] or [Problem(str(folder), 0, "", "the edited dataset does not validate")]
            raise DataError(problems)
    inbox = _folder(folder, doc_id)
    left = [c for cid, c in waiting.items() if cid not in set(cids)]
    accepted = _read_list(inbox / ACCEPTED) + chosen
    write_many_atomic(
        {
            **{folder / name: text for name, text in texts.items()},
            inbox / CANDIDATES: _HEADER.format(doc=doc_id) + _dump(sorted(left, key=_order)),
            inbox / ACCEPTED: _dump(sorted(accepted, key=lambda c: str(c.get("cid")))),
        }
    )
    return AcceptResult(doc_id, [str(c["cid"]) for c in chosen], sorted(texts), len(left))
