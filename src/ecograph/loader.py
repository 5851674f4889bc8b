"""A dataset folder of curated YAML → checked records → an RDF dataset with provenance graphs.

Reading happens in two steps so that every problem can be reported with its file, line and
record id: :func:`read_dataset` parses and checks the records against the ontology and the
source texts, collecting *all* problems before raising one :class:`DataError`;
:func:`ecograph.provenance.dataset_quads` turns checked records into quads.

Provenance layout (see ``docs/data-model.md``): each entity record, each relation and each
observation is one named graph (an *assertion*); the default graph describes every assertion
(status, basis, citations) and every citation (section and verbatim quote).
"""

from __future__ import annotations

import datetime as _dt
import os
import re
import reprlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from .errors import DataError, Problem
from .namespaces import is_iri
from .yamlio import Node, read_yaml

__all__ = [
    "BASES",
    "MASK",
    "QUALIFIERS",
    "SLUG_RE",
    "STATUSES",
    "Citation",
    "DatasetMeta",
    "LoadedData",
    "Record",
    "Redaction",
    "Relation",
    "normalize_text",
    "printed_values",
    "read_dataset",
    "read_records",
    "source_text",
]

SLUG_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")  # use .fullmatch: "x\n" is no slug
STATUSES = ("done", "ongoing", "planned")
BASES = ("explicit", "implied")
#: hedges the sources use on numbers: over, more than, surpassed, reached, within the top N, …
QUALIFIERS = ("超", "余", "突破", "达", "前", "以上", "近", "约")
METADATA_FILE = "dataset.yaml"

_ENTITY_KEYS = {
    "id",
    "type",
    "label",
    "altLabel",
    "definition",
    "note",
    "status",
    "cite",
    "relations",
}
_OBSERVATION_KEYS = {
    "id", "type", "indicator", "area", "scope", "about", "year", "period", "value", "unit",
    "qualifier", "note", "cite", "status",
}  # fmt: skip
_RELATION_KEYS = {"p", "o", "status", "basis", "cite", "note"}
_CITE_KEYS = {"section", "quote"}
_META_KEYS = {
    "id",
    "base",
    "title",
    "description",
    "license",
    "sources",
    "subject",
    "mentions",
    "redact",
    "tables",
}
#: what a redacted character of a source text becomes: one mask character per character, so
#: offsets and every other quote stay as they were
MASK = "█"
_WS = re.compile(r"\s+")
#: ontology terms the loader writes itself; a curator may not use them as relations or kinds
RESERVED_PROPERTIES = frozenset(
    {
        "status",
        "basis",
        "citation",
        "assertionAbout",
        "section",
        "indicator",
        "refArea",
        "unit",
        "scope",
        "about",
    }
)
RESERVED_CLASSES = frozenset({"Assertion", "Citation", "RowCitation", "Status", "Basis", "Dataset"})


def normalize_text(text: str) -> str:
    """Remove all whitespace: quotes are compared with the source this way."""
    return _WS.sub("", text)


# --------------------------------------------------------------------------- records


@dataclass(frozen=True)
class Citation:
    section: str
    quote: str


@dataclass
class Relation:
    prop: str
    target: str
    status: str
    basis: str
    cites: list[Citation]
    note: dict[str, str]
    line: int


@dataclass
class Record:
    id: str
    types: list[str]
    file: str
    line: int
    labels: dict[str, str] = field(default_factory=dict)
    alt_labels: dict[str, list[str]] = field(default_factory=dict)
    definition: dict[str, str] = field(default_factory=dict)
    note: dict[str, str] = field(default_factory=dict)
    status: str | None = None
    #: why a record with no relation is meant to stand alone ({lang: text}); reported as a warning
    isolated: dict[str, str] = field(default_factory=dict)
    #: why the zh label is not the source's own wording ({lang: text}): a name composed by the
    #: curator
    constructed: dict[str, str] = field(default_factory=dict)
    cites: list[Citation] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    #: datatype property local name -> value (str, or {lang: str} for rdf:langString)
    attributes: dict[str, Any] = field(default_factory=dict)
    #: observation fields: indicator, area, scope, about, unit (ids), year, value, qualifier (str),
    #: period ({lang: str})
    observation: dict[str, Any] = field(default_factory=dict)

    @property
    def is_observation(self) -> bool:
        return "Observation" in self.types


@dataclass(frozen=True)
class Redaction:
    """A pattern of private text (a telephone number, say) masked in every source text."""

    pattern: str
    reason: dict[str, str]
    line: int

    def apply(self, text: str) -> str:
        # white space stays, so the masked and the written text line up once it is removed
        return re.sub(
            self.pattern, lambda m: "".join(ch if ch.isspace() else MASK for ch in m.group(0)), text
        )


@dataclass
class DatasetMeta:
    id: str
    base: str
    title: dict[str, str]
    description: dict[str, str]
    license: str | None
    #: source document record id -> path of its text
    sources: dict[str, Path]
    folder: Path
    #: the entity the dataset speaks for: the subject of sentences without one (the city)
    subject: str | None = None
    #: words the sources use for an entity that are no names of it (我市 → the city)
    mentions: dict[str, str] = field(default_factory=dict)
    redactions: tuple[Redaction, ...] = ()
    #: registries as tables, mapped with YARRRML (:mod:`ecograph.tables`)
    tables: tuple[Any, ...] = ()

    def entity_iri(self, slug: str) -> str:
        return f"{self.base}id/{slug}"


def _source_problem(folder: Path, name: str) -> str | None:
    """Why ``name`` (a source's ``file:``) cannot be read as a source of the dataset in
    ``folder``, or ``None``. A source is a regular file inside the folder: not a path that leaves
    it (``../``, an absolute path, a symlink pointing out), not a FIFO or a device (reading one
    would hang or never end). The build cache keys on the folder's files, so it then covers
    every source."""
    import stat

    shown = _shown(name)
    if "\0" in name or any(ord(c) < 32 for c in name):
        return f"source file {shown} has a control character in its name"
    root = folder.resolve()
    path = folder / name
    try:
        resolved = path.resolve(strict=True)
    except (OSError, RuntimeError):
        return f"source file not found: {shown}"
    if not resolved.is_relative_to(root):
        return (
            f"source file {shown} lies outside the dataset folder; "
            "copy it into the folder (e.g. sources/)"
        )
    try:
        mode = os.stat(resolved).st_mode
    except OSError as exc:
        return f"cannot read source {shown}: {exc.strerror}"
    if not stat.S_ISREG(mode):
        return f"source file {shown} is not a regular file"
    return None


def source_text(meta: DatasetMeta, document: str) -> str:
    """The text of a source document as the dataset ships it: read as UTF-8, with every
    ``redact:`` pattern of ``dataset.yaml`` masked (same length, so offsets do not move)."""
    return _redacted(meta, _raw_source(meta, document))


def _redacted(meta: DatasetMeta, text: str) -> str:
    for redaction in meta.redactions:
        text = redaction.apply(text)
    return text


def _raw_source(meta: DatasetMeta, document: str) -> str:
    """A source as written in its file, UTF-8."""
    path = meta.sources[document]
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise DataError(
            [
                Problem(
                    METADATA_FILE,
                    0,
                    document,
                    f"source {path.name} is not UTF-8 text ({exc.reason})",
                )
            ]
        ) from None
    except OSError as exc:
        raise DataError(
            [Problem(METADATA_FILE, 0, document, f"cannot read source {path.name}: {exc.strerror}")]
        ) from None
    return text


@dataclass
class LoadedData:
    """Everything read from a dataset folder, checked."""

    meta: DatasetMeta
    records: dict[str, Record]
    files: list[str]
    #: what a careful second reader would question but that does not stop a build: records with
    #: no relation, relations whose quotes name neither end, observations of one fact that
    #: disagree or repeat each other (see :func:`read_dataset`)
    warnings: list[Problem] = field(default_factory=list)


# --------------------------------------------------------------------------- reading


class _Collector:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, file: str, line: int, record_id: str, message: str) -> None:
        self.problems.append(Problem(file, line, record_id, message))


#: a BCP 47 language tag as rdflib accepts it (zh, en, zh-Hans, en-GB)
_LANGUAGE_TAG = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]+)*")


def _lang_map(
    value: Any,
    where: tuple[str, int, str],
    key: str,
    out: _Collector,
    *,
    required: tuple[str, ...] = (),
) -> dict[str, str]:
    file, line, rid = where
    if not isinstance(value, dict):
        out.add(
            file,
            line,
            rid,
            f"{_shown(key)} must be a mapping of language to text, like {{zh: …, en: …}}",
        )
        return {}
    result: dict[str, str] = {}
    for lang, text in value.items():
        if not isinstance(text, str) or not text.strip():
            out.add(
                file, line, rid, f"{key}.{lang} must be non-empty text (one string, not a list)"
            )
            continue
        if not _LANGUAGE_TAG.fullmatch(lang):
            out.add(file, line, rid, f"{key}: {_shown(lang)} is not a language tag")
            continue
        result[lang] = text.strip()
    names = {"zh": "Chinese", "en": "English"}
    for lang in required:
        if lang not in value:
            out.add(file, line, rid, f"missing {names.get(lang, lang)} {key} ({key}.{lang})")
    return result


def _alt_labels(value: Any, where: tuple[str, int, str], out: _Collector) -> dict[str, list[str]]:
    file, line, rid = where
    if not isinstance(value, dict):
        out.add(file, line, rid, "'altLabel' must be a mapping of language to a list of strings")
        return {}
    result: dict[str, list[str]] = {}
    for lang, texts in value.items():
        if not isinstance(lang, str) or not _LANGUAGE_TAG.fullmatch(lang):
            out.add(file, line, rid, f"altLabel: {_shown(lang)} is not a language tag")
            continue
        items = [texts] if isinstance(texts, str) else texts
        if not isinstance(items, list) or not all(isinstance(t, str) and t.strip() for t in items):
            out.add(file, line, rid, f"altLabel.{lang} must be a list of non-empty strings")
            continue
        result[lang] = [t.strip() for t in items]
    return result


def _citations(value: Any, where: tuple[str, int, str], out: _Collector) -> list[Citation]:
    file, line, rid = where
    items = value if isinstance(value, list) else [value]
    result = []
    for item in items:
        item_line = item.line if isinstance(item, Node) else line
        if not isinstance(item, dict):
            out.add(file, item_line, rid, "a citation must be a mapping {section: …, quote: …}")
            continue
        for key in item:
            if key not in _CITE_KEYS:
                out.add(
                    file,
                    item_line,
                    rid,
                    f"unknown property {_shown(key)} in citation (use section, quote)",
                )
        section, quote = item.get("section"), item.get("quote")
        if not isinstance(section, str) or not isinstance(quote, str) or not quote.strip():
            out.add(file, item_line, rid, "a citation needs a section id and a non-empty quote")
            continue
        result.append(Citation(section.strip(), quote.strip()))
    return result


def _check_literal(datatype: str, value: Any) -> str | None:
    """Return an error message if ``value`` is not a valid lexical form of ``datatype``."""
    if datatype == "langString":
        return None if isinstance(value, dict) else "expects {zh: …, en: …}"
    if not isinstance(value, str):
        return "expects a single value, not a list or mapping"
    if datatype == "gYear" and not re.fullmatch(r"-?[0-9]{4}", value):
        return f"{_shown(value)} is not a year (expected four digits like 2024)"
    if datatype == "date":
        try:
            if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
                raise ValueError
            _dt.date.fromisoformat(value)
        except ValueError:
            return f"{_shown(value)} is not a date (expected YYYY-MM-DD)"
    if datatype == "decimal" and not re.fullmatch(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)", value):
        return (
            f"{_shown(value)} is not a number "
            "(write it as printed, digits and one dot, e.g. '24.82')"
        )
    if datatype == "integer" and not re.fullmatch(r"[+-]?[0-9]+", value):
        return f"{_shown(value)} is not a whole number"
    return None


def _datatype_name(iri: Any) -> str:
    text = str(iri)
    return text.rsplit("#", 1)[-1]


def metadata_file(folder: Path) -> Path:
    """The dataset.yaml of a dataset folder; :class:`DataError` if there is none."""
    path = folder / METADATA_FILE
    if not path.is_file():
        raise DataError([Problem(METADATA_FILE, 0, "", f"no {METADATA_FILE} in {folder}")])
    return path


def _read_meta(folder: Path) -> DatasetMeta:
    path = metadata_file(folder)
    raw = read_yaml(path)
    out = _Collector()
    if not isinstance(raw, Node):
        raise DataError(
            [Problem(METADATA_FILE, 1, "", "must be a mapping (id, base, title, sources)")]
        )
    key_lines = _top_level_lines(path)

    def at(key: str) -> int:
        """The line of a top-level key (the mapping's first line when it is absent)."""
        return key_lines.get(key, raw.line)

    where = (METADATA_FILE, raw.line, str(raw.get("id", "")))
    for key in raw:
        if key not in _META_KEYS:
            out.add(METADATA_FILE, at(key), where[2], f"unknown property {_shown(key)}")
    dataset_id = raw.get("id")
    if not isinstance(dataset_id, str) or not SLUG_RE.fullmatch(dataset_id):
        out.add(METADATA_FILE, at("id"), "", f"bad slug {_shown(dataset_id)} for the dataset id")
    base = raw.get("base")
    if (
        not isinstance(base, str)
        or not re.fullmatch(r"https?://[^\s<>\"{}|\\^`]+/", base)
        or not is_iri(base)
    ):
        out.add(
            METADATA_FILE,
            at("base"),
            where[2],
            f"'base' must be an http(s) IRI ending in '/', not {_shown(base)}",
        )
    license_ = raw.get("license")
    if license_ is not None and not (isinstance(license_, str) and is_iri(license_)):
        out.add(
            METADATA_FILE,
            at("license"),
            where[2],
            "'license' must be an IRI (e.g. https://creativecommons.org/licenses/by/4.0/), "
            f"not {_shown(license_)}",
        )
    title = _lang_map(
        raw.get("title", {}), (where[0], at("title"), where[2]), "title", out, required=("zh", "en")
    )
    description = _lang_map(
        raw.get("description", {}), (where[0], at("description"), where[2]), "description", out
    )
    sources: dict[str, Path] = {}
    raw_sources = raw.get("sources")
    if raw_sources is None:
        raw_sources = []  # a new dataset (`ecograph init`) before its first document
    if not isinstance(raw_sources, list):
        out.add(METADATA_FILE, at("sources"), where[2], "'sources' must list the source documents")
        raw_sources = []
    for item in raw_sources:
        line = item.line if isinstance(item, Node) else at("sources")
        if (
            not isinstance(item, dict)
            or not isinstance(item.get("document"), str)
            or not isinstance(item.get("file"), str)
        ):
            out.add(
                METADATA_FILE,
                line,
                where[2],
                "each source needs 'document' (a record id) and 'file'",
            )
            continue
        problem = _source_problem(folder, item["file"])
        if problem:
            out.add(METADATA_FILE, line, item["document"], problem)
            continue
        sources[item["document"]] = (folder / item["file"]).resolve()
    subject = raw.get("subject")
    if subject is not None and not (isinstance(subject, str) and SLUG_RE.fullmatch(subject)):
        out.add(
            METADATA_FILE,
            at("subject"),
            where[2],
            f"'subject' must be the id of the entity the dataset speaks for, not {_shown(subject)}",
        )
        subject = None
    redactions = _read_redactions(raw.get("redact", []), at("redact"), where, out)
    tables = _read_tables(folder, raw.get("tables", []), at("tables"), where, out)
    mentions = raw.get("mentions", {})
    if not isinstance(mentions, dict) or not all(
        isinstance(k, str) and k.strip() and isinstance(v, str) for k, v in mentions.items()
    ):
        out.add(
            METADATA_FILE,
            at("mentions"),
            where[2],
            "'mentions' must map words to entity ids, like {我市: ordos}",
        )
        mentions = {}
    if out.problems:
        raise DataError(out.problems)
    return DatasetMeta(
        id=dataset_id,  # type: ignore[arg-type]
        base=base,  # type: ignore[arg-type]
        title=title,
        description=description,
        license=license_ if isinstance(license_, str) else None,
        sources=sources,
        folder=folder,
        subject=subject,
        mentions={k.strip(): v for k, v in sorted(mentions.items())},
        redactions=tuple(redactions),
        tables=tuple(tables),
    )


def _top_level_lines(path: Path) -> dict[str, int]:
    """The 1-based line of each top-level key of a YAML mapping file (a key at column 0), so
    that a problem with a key's value names the key's line, not the file's first."""
    lines: dict[str, int] = {}
    key = re.compile(r"""^(?:"([^"]+)"|'([^']+)'|([^\s#'"\-][^:#]*?))\s*:(?:\s|$)""")
    with path.open(encoding="utf-8", errors="replace") as handle:
        for number, text in enumerate(handle, 1):
            found = key.match(text)
            if found:
                name = next(g for g in found.groups() if g is not None)
                lines.setdefault(name.strip(), number)
    return lines


_TABLE_KEYS = {"file", "document", "mapping", "links", "sheet"}


def _read_tables(
    folder: Path, value: Any, line: int, where: tuple[str, int, str], out: _Collector
) -> list[Any]:
    """The ``tables:`` of dataset.yaml (see :mod:`ecograph.tables`), each file checked as a
    source is (a regular file inside the folder)."""
    from .tablespec import LINK_KINDS, TABLE_SUFFIXES, TableSpec

    if not isinstance(value, list):
        out.add(
            METADATA_FILE,
            line,
            where[2],
            "'tables' must be a list of {file: …, document: …, mapping: …, links: {…}}",
        )
        return []
    result: list[Any] = []
    documents: dict[str, int] = {}
    for item in value:
        item_line = item.line if isinstance(item, Node) else line
        if not isinstance(item, dict) or not all(
            isinstance(item.get(k), str) for k in ("file", "document", "mapping")
        ):
            out.add(
                METADATA_FILE,
                item_line,
                where[2],
                "each table needs 'file' (.csv, .xlsx or .parquet), 'document' (the id of the "
                "Document record its rows cite) and 'mapping' (a YARRRML file)",
            )
            continue
        unknown = sorted(set(map(str, item)) - _TABLE_KEYS)
        if unknown:
            out.add(
                METADATA_FILE,
                item_line,
                item["document"],
                f"unknown property {_shown(unknown[0])} in a table "
                f"(use {', '.join(sorted(_TABLE_KEYS))})",
            )
            continue
        file, mapping, document = item["file"], item["mapping"], item["document"]
        if not SLUG_RE.fullmatch(document):
            out.add(
                METADATA_FILE, item_line, "", f"bad slug {_shown(document)} for a table's document"
            )
            continue
        if document in documents:
            out.add(
                METADATA_FILE,
                item_line,
                document,
                f"document {_shown(document)} is already the document of the table at line "
                f"{documents[document]}: each table cites its own",
            )
            continue
        documents[document] = item_line
        if not file.lower().endswith(TABLE_SUFFIXES):
            out.add(
                METADATA_FILE,
                item_line,
                document,
                f"table {_shown(file)} is not {', '.join(TABLE_SUFFIXES)}",
            )
            continue
        problem = _source_problem(folder, file) or _source_problem(folder, mapping)
        if problem:
            out.add(METADATA_FILE, item_line, document, problem)
            continue
        links = item.get("links", {})
        if not isinstance(links, dict) or not all(
            isinstance(k, str) and v in LINK_KINDS for k, v in links.items()
        ):
            out.add(
                METADATA_FILE,
                item_line,
                document,
                "'links' must map column names to 'id' or 'label', like {lab: label, zone: id}",
            )
            continue
        sheet = item.get("sheet")
        if sheet is not None and not (isinstance(sheet, str) and file.lower().endswith(".xlsx")):
            out.add(METADATA_FILE, item_line, document, "'sheet' names a sheet of an .xlsx table")
            continue
        result.append(
            TableSpec(
                file=file,
                path=(folder / file).resolve(),
                mapping=mapping,
                mapping_path=(folder / mapping).resolve(),
                document=document,
                links=tuple(sorted(links.items())),
                sheet=sheet,
                line=item_line,
            )
        )
    return result


def _read_redactions(
    value: Any, line: int, where: tuple[str, int, str], out: _Collector
) -> list[Redaction]:
    if not isinstance(value, list):
        out.add(
            METADATA_FILE,
            line,
            where[2],
            "'redact' must be a list of {pattern: …, reason: {zh: …, en: …}}",
        )
        return []
    result = []
    for item in value:
        item_line = item.line if isinstance(item, Node) else line
        if (
            not isinstance(item, dict)
            or not isinstance(item.get("pattern"), str)
            or "reason" not in item
        ):
            out.add(
                METADATA_FILE,
                item_line,
                where[2],
                "each redaction needs 'pattern' (a regular expression) and 'reason'",
            )
            continue
        unknown = set(item) - {"pattern", "reason"}
        if unknown:
            out.add(
                METADATA_FILE,
                item_line,
                where[2],
                f"unknown property {_shown(sorted(unknown)[0])} in redaction (use pattern, reason)",
            )
        try:
            compiled = re.compile(item["pattern"])
        except re.error as exc:
            out.add(
                METADATA_FILE,
                item_line,
                where[2],
                f"redaction pattern is not a regular expression: {exc}",
            )
            continue
        if compiled.search(""):
            out.add(METADATA_FILE, item_line, where[2], "redaction pattern matches empty text")
            continue
        reason = _lang_map(item["reason"], (METADATA_FILE, item_line, where[2]), "reason", out)
        result.append(Redaction(item["pattern"], reason, item_line))
    return result


def _read_record(raw: Any, file: str, vocab: Any, out: _Collector) -> Record | None:
    line = raw.line if isinstance(raw, Node) else 0
    if not isinstance(raw, dict):
        out.add(file, line, "", "each record must be a mapping with at least id, type and cite")
        return None
    rid = raw.get("id")
    if not isinstance(rid, str) or not rid:
        out.add(file, line, "", "record has no id")
        return None
    where = (file, line, rid)
    if not SLUG_RE.fullmatch(rid):
        out.add(
            file,
            line,
            rid,
            f"bad slug {_shown(rid)}: use lowercase ASCII letters, digits and single hyphens",
        )
    types = raw.get("type")
    types = [types] if isinstance(types, str) else types
    if not isinstance(types, list) or not types or not all(isinstance(t, str) for t in types):
        out.add(file, line, rid, "record has no type (a class of the ontology, or a list of them)")
        return None
    known_types = []
    for type_name in types:
        if type_name in RESERVED_CLASSES:
            out.add(
                file,
                line,
                rid,
                f"kind {_shown(type_name)} is made by the loader and cannot be used in data",
            )
        elif type_name not in vocab.classes:
            close = _closest(type_name, vocab.classes)
            hint = f" (did you mean {_shown(close)}?)" if close else ""
            out.add(file, line, rid, f"unknown kind {_shown(type_name)}{hint}")
        else:
            known_types.append(type_name)
    record = Record(id=rid, types=types, file=file, line=line)
    is_observation = "Observation" in types
    allowed = _OBSERVATION_KEYS if is_observation else _ENTITY_KEYS | set(vocab.datatype_properties)
    for key in raw:
        if key not in allowed:
            close = _closest(key, allowed)
            hint = f" (did you mean {_shown(close)}?)" if close else ""
            out.add(file, line, rid, f"unknown property {_shown(key)}{hint}")
    if "cite" in raw:
        record.cites = _citations(raw["cite"], where, out)
    elif "DocumentSection" not in types:  # a section without one is cited by its start (below)
        out.add(file, line, rid, "record has no citation ('cite')")
    if "note" in raw:
        record.note = _lang_map(raw["note"], where, "note", out)
    if is_observation:
        _read_observation(raw, record, where, out)
        return record
    if "label" not in raw:
        out.add(file, line, rid, "missing label (label.zh and label.en)")
    else:
        record.labels = _lang_map(raw["label"], where, "label", out, required=("zh", "en"))
    if "altLabel" in raw:
        record.alt_labels = _alt_labels(raw["altLabel"], where, out)
    if "definition" in raw:
        record.definition = _lang_map(raw["definition"], where, "definition", out)
    if "status" in raw:
        if raw["status"] not in STATUSES:
            out.add(
                file, line, rid, f"bad status {_shown(raw['status'])} (use {', '.join(STATUSES)})"
            )
        else:
            record.status = raw["status"]
    for key, value in raw.items():
        if key in vocab.datatype_properties:
            datatype = _datatype_name(vocab.datatype_properties[key])
            error = _check_literal(datatype, value)
            if error:
                out.add(file, line, rid, f"bad literal for {key}: {error}")
            elif datatype == "langString":
                record.attributes[key] = _lang_map(value, where, key, out)
            else:
                record.attributes[key] = value
    for key in ("isolated", "constructed"):  # datatype properties the checks below read too
        if key in raw and isinstance(record.attributes.get(key), dict):
            if "en" not in record.attributes[key]:
                out.add(
                    file, line, rid, f"missing English {key} ({key}.en): say why in English too"
                )
            setattr(record, key, record.attributes[key])
    if "cite" not in raw and "DocumentSection" in types:
        start = _section_start(record)
        if start.strip():
            record.cites = [Citation(rid, start)]
        else:
            out.add(file, line, rid, "section has no 'start' or zh label to cite it by")
    relations = raw.get("relations", [])
    if not isinstance(relations, list):
        out.add(file, line, rid, "'relations' must be a list")
        relations = []
    for item in relations:
        relation = _read_relation(item, where, vocab, out)
        if relation is not None:
            record.relations.append(relation)
    return record


def _read_relation(
    item: Any, where: tuple[str, int, str], vocab: Any, out: _Collector
) -> Relation | None:
    file, line, rid = where
    line = item.line if isinstance(item, Node) else line
    if not isinstance(item, dict):
        out.add(
            file, line, rid, "a relation must be a mapping {p: property, o: target id, cite: …}"
        )
        return None
    for key in item:
        if key not in _RELATION_KEYS:
            out.add(
                file,
                line,
                rid,
                f"unknown property {_shown(key)} in relation (use p, o, status, basis, cite, note)",
            )
    prop, target = item.get("p"), item.get("o")
    if not isinstance(prop, str) or not isinstance(target, str):
        out.add(file, line, rid, "a relation needs 'p' (a property) and 'o' (a target id)")
        return None
    if prop in RESERVED_PROPERTIES:
        out.add(
            file,
            line,
            rid,
            f"property {_shown(prop)} is made by the loader and cannot be used as a relation",
        )
        return None
    if prop not in vocab.object_properties:
        close = _closest(prop, vocab.object_properties - RESERVED_PROPERTIES)
        hint = f" (did you mean {_shown(close)}?)" if close else ""
        out.add(file, line, rid, f"unknown property {_shown(prop)}{hint}")
        return None
    status = item.get("status", "done")
    if status not in STATUSES:
        out.add(file, line, rid, f"bad status {_shown(status)} (use {', '.join(STATUSES)})")
        status = "done"
    basis = item.get("basis", "explicit")
    if basis not in BASES:
        out.add(file, line, rid, f"bad basis {_shown(basis)} (use {', '.join(BASES)})")
        basis = "explicit"
    cites = _citations(item["cite"], (file, line, rid), out) if "cite" in item else []
    note = _lang_map(item["note"], (file, line, rid), "note", out) if "note" in item else {}
    return Relation(prop, target, status, basis, cites, note, line)


def _read_observation(
    raw: dict, record: Record, where: tuple[str, int, str], out: _Collector
) -> None:
    file, line, rid = where
    obs = record.observation
    for key in ("indicator", "area", "unit"):
        if not isinstance(raw.get(key), str):
            out.add(file, line, rid, f"observation needs {_shown(key)} (a record id)")
        else:
            obs[key] = raw[key]
    for key in ("scope", "about"):
        if key in raw:
            if not isinstance(raw[key], str):
                out.add(file, line, rid, f"{_shown(key)} must be a record id")
            else:
                obs[key] = raw[key]
    if "value" not in raw:
        out.add(file, line, rid, "observation needs a 'value'")
    else:
        error = _check_literal("decimal", raw["value"])
        if error:
            out.add(file, line, rid, f"bad literal for value: {error}")
        else:
            obs["value"] = raw["value"]
    if "year" in raw:
        error = _check_literal("gYear", raw["year"])
        if error:
            out.add(file, line, rid, f"bad literal for year: {error}")
        else:
            obs["year"] = raw["year"]
    if "period" in raw:
        obs["period"] = _lang_map(raw["period"], where, "period", out, required=("zh",))
    if "year" not in raw and "period" not in raw:
        out.add(file, line, rid, "observation needs a 'year' or a 'period' note")
    if "status" in raw:  # a target (力争到2027年…) is planned; a reported figure is done
        if raw["status"] not in STATUSES:
            out.add(
                file, line, rid, f"bad status {_shown(raw['status'])} (use {', '.join(STATUSES)})"
            )
        else:
            record.status = raw["status"]
    if "qualifier" in raw:
        if raw["qualifier"] not in QUALIFIERS:
            out.add(
                file,
                line,
                rid,
                f"bad qualifier {_shown(raw['qualifier'])} (use one of {' '.join(QUALIFIERS)})",
            )
        else:
            obs["qualifier"] = raw["qualifier"]


def _closest(word: str, choices: Iterable[str]) -> str | None:
    """``difflib.get_close_matches(word, choices, n=1, cutoff=0.75)``: the "did you mean" of a
    message (for the few names of the vocabulary; :class:`Suggester` for the record ids)."""
    import difflib

    match = difflib.get_close_matches(word, list(choices), n=1, cutoff=_CUTOFF)
    return match[0] if match else None


_CUTOFF = 0.75


class Suggester:
    """:func:`_closest` over many choices (every record id), with the same answers, in time
    that does not grow with the square of the data.

    ``get_close_matches`` sorted the 50,000 ids of a large dataset and scored each against the
    word, for every dangling reference (8,000 of them took 93 s). Here the choices are read
    once: each word is scored, with difflib's own ratio, only against the ids that pass the
    two upper bounds difflib applies first (``real_quick_ratio`` from the lengths,
    ``quick_ratio`` from the characters in common, computed for all ids at once with numpy),
    and each distinct word is scored once."""

    def __init__(self, choices: Iterable[str]):
        import numpy as np

        self._choices = sorted(set(choices))
        alphabet = sorted({char for choice in self._choices for char in choice})
        self._column = {char: at for at, char in enumerate(alphabet)}
        counts = np.zeros((len(self._choices), len(alphabet)), dtype=np.int32)
        for row, choice in enumerate(self._choices):
            for char in choice:
                counts[row, self._column[char]] += 1
        self._counts = counts
        self._lengths = np.array([len(choice) for choice in self._choices], dtype=np.int64)
        self._answers: dict[str, str | None] = {}

    def closest(self, word: str) -> str | None:
        if word not in self._answers:
            self._answers[word] = self._closest(word)
        return self._answers[word]

    def _closest(self, word: str) -> str | None:
        import difflib

        import numpy as np

        if not self._choices or not word:
            return _closest(word, self._choices)
        wanted = np.zeros(self._counts.shape[1], dtype=np.int32)
        for char in word:
            column = self._column.get(char)
            if column is not None:
                wanted[column] += 1
        total = self._lengths + len(word)
        shortest = np.minimum(self._lengths, len(word))
        common = np.minimum(self._counts, wanted).sum(axis=1)
        # difflib's bounds, as difflib computes them (2.0 * matches / length >= cutoff)
        passing = (2.0 * shortest / total >= _CUTOFF) & (2.0 * common / total >= _CUTOFF)
        matcher = difflib.SequenceMatcher()
        matcher.set_seq2(word)
        best: tuple[float, str] | None = None
        for at in np.flatnonzero(passing):
            choice = self._choices[at]
            matcher.set_seq1(choice)
            score = matcher.ratio()
            if score >= _CUTOFF and (best is None or (score, choice) > best):
                best = (score, choice)
        return best[1] if best else None


def read_dataset(folder: Path, ontology: Path | None = None, progress: Any = None) -> LoadedData:
    """Read and check every record of a dataset folder; raise :class:`DataError` listing all
    problems.

    ``progress``, if given, is called as ``progress(step, done, total)`` while files are read."""
    from .vocab import vocabulary

    folder = Path(folder)
    if not folder.is_dir():
        raise DataError([Problem(str(folder), 0, "", "dataset folder not found")])
    vocab = vocabulary(ontology)
    meta = _read_meta(folder)
    out = _Collector()
    records: dict[str, Record] = {}
    files = sorted(p for p in folder.glob("*.yaml") if p.name != METADATA_FILE)
    syntax_problems: list[Problem] = []
    places: dict[str, list[tuple[str, int]]] = {}
    for number, path in enumerate(files, 1):
        if progress:
            progress(f"reading {path.name}", number, len(files))
        try:
            raw = read_yaml(path)
        except DataError as exc:
            syntax_problems.extend(exc.problems)
            continue
        if raw is None:
            continue
        if not isinstance(raw, list):
            out.add(
                path.name,
                getattr(raw, "line", 1),
                "",
                "a record file must be a YAML list of records",
            )
            continue
        for item in raw:
            record = _read_record(item, path.name, vocab, out)
            if record is None:
                continue
            places.setdefault(record.id, []).append((record.file, record.line))
            records.setdefault(record.id, record)
    for rid, found in places.items():
        if len(found) > 1:
            for file, line in found:
                others = ", ".join(f"{f}:{n}" for f, n in found if (f, n) != (file, line))
                out.add(file, line, rid, f"duplicate id (also defined at {others})")
    if syntax_problems:
        raise DataError(syntax_problems + out.problems)
    for doc_id in meta.sources:
        if doc_id not in records:
            out.add(METADATA_FILE, 0, doc_id, f"source document {_shown(doc_id)} has no record")
    for table in meta.tables:
        if table.document not in records:
            out.add(
                METADATA_FILE,
                table.line,
                table.document,
                f"the document {_shown(table.document)} of table {_shown(table.file)} "
                "has no record",
            )
        elif not vocab.is_any(records[table.document].types, ("Document",)):
            out.add(
                METADATA_FILE,
                table.line,
                table.document,
                f"the document of table {_shown(table.file)} must be a Document, not "
                + "/".join(records[table.document].types),
            )
    for what, target in [
        ("subject", meta.subject),
        *((f"mention {_shown(w)}", i) for w, i in meta.mentions.items()),
    ]:
        if target is not None and target not in records:
            out.add(METADATA_FILE, 0, target, f"{what}: {_shown(target)} is not defined")
    _check_references(records, vocab, out)
    _check_quotes(meta, records, out)
    _check_printed_values(records, out)
    _check_labels_quoted(records, out)
    warnings = _Collector()
    _warn_isolated(records, out, warnings)
    if out.problems:
        raise DataError(out.problems)
    _warn_unmentioned(records, meta.mentions, warnings)
    _warn_conflicts(records, meta, warnings)
    return LoadedData(
        meta=meta,
        records=records,
        files=[p.name for p in files],
        warnings=sorted(warnings.problems),
    )


def read_records(
    files: Mapping[str, Iterable[Any]], ontology: Path | None = None
) -> dict[str, Record]:
    """Records made in memory (``ecograph synth``), file name → the file's parsed YAML list,
    read as :func:`read_dataset` reads them: each record checked alone (keys, kinds, labels,
    literals, relations), then the references between them (which also gives a section's
    uncited relations the section's citation). The checks against the source texts are not
    made. Raises :class:`DataError` listing every problem."""
    from .vocab import vocabulary

    vocab = vocabulary(ontology)
    out = _Collector()
    records: dict[str, Record] = {}
    for file in sorted(files):
        for raw in files[file]:
            record = _read_record(raw, file, vocab, out)
            if record is None:
                continue
            if record.id in records:
                out.add(file, record.line, record.id, "duplicate id")
            records.setdefault(record.id, record)
    _check_references(records, vocab, out)
    if out.problems:
        raise DataError(out.problems)
    return records


def _check_references(records: dict[str, Record], vocab: Any, out: _Collector) -> None:
    suggester: Suggester | None = None

    def is_instance(record: Record, class_name: str) -> bool:
        return vocab.is_any(record.types, (class_name,))

    def check(record: Record, line: int, what: str, target: str, class_name: str | None) -> None:
        nonlocal suggester
        if target not in records:
            if suggester is None:  # read the ids once, at the first dangling reference
                suggester = Suggester(records)
            close = suggester.closest(target)
            hint = f" (did you mean {_shown(close)}?)" if close else ""
            out.add(
                record.file,
                line,
                record.id,
                f"dangling reference: {what} {_shown(target)} is not defined{hint}",
            )
        elif class_name and not is_instance(records[target], class_name):
            kinds = "/".join(records[target].types)
            out.add(
                record.file,
                line,
                record.id,
                f"{what} {_shown(target)} is of kind {kinds}, expected {class_name}",
            )

    for record in records.values():
        for cite in record.cites:
            check(record, record.line, "citation section", cite.section, "DocumentSection")
        if record.is_observation:
            obs = record.observation
            for key, class_name in (
                ("indicator", "Indicator"),
                ("unit", "Unit"),
                ("area", "Place"),
                ("scope", "Place"),
                ("about", None),
            ):
                if key in obs:
                    check(record, record.line, key, obs[key], class_name)
            continue
        seen: set[tuple[str, str]] = set()
        for rel in record.relations:
            if (rel.prop, rel.target) in seen:
                out.add(
                    record.file,
                    rel.line,
                    record.id,
                    f"duplicate relation {rel.prop} → {rel.target}",
                )
            seen.add((rel.prop, rel.target))
            check(record, rel.line, rel.prop, rel.target, vocab.ranges.get(rel.prop))
            domain = vocab.domains.get(rel.prop)
            if domain and not is_instance(record, domain):
                out.add(
                    record.file,
                    rel.line,
                    record.id,
                    f"{rel.prop} applies to kind {domain}, not {'/'.join(record.types)}",
                )
            if not rel.cites:
                if "DocumentSection" in record.types:
                    rel.cites = list(record.cites)
                else:
                    out.add(
                        record.file,
                        rel.line,
                        record.id,
                        f"relation {rel.prop} → {rel.target} has no citation",
                    )
            for cite in rel.cites:
                check(record, rel.line, "citation section", cite.section, "DocumentSection")


@dataclass
class _Span:
    document: str
    text: str  # normalized text of the whole document, with redact: applied
    start: int
    end: int
    raw: str = ""  # the same before redaction (the file as written)


def _section_start(record: Record) -> str:
    """The verbatim text at which a section begins in its source: its ``start``, else its zh
    label."""
    return record.attributes.get("start") or record.labels.get("zh", "")


def _source_texts(meta: DatasetMeta, out: _Collector) -> tuple[dict[str, str], dict[str, str]]:
    """Every source, normalized: as shipped with ``redact:`` applied, and as written in the file."""
    texts, raw = {}, {}
    for document in meta.sources:
        try:
            written = _raw_source(meta, document)  # read once: masked below, and kept as written
            texts[document] = normalize_text(_redacted(meta, written))
            raw[document] = normalize_text(written)
        except DataError as exc:
            out.problems.extend(exc.problems)
    return texts, raw


def _section_spans(
    meta: DatasetMeta, records: dict[str, Record], out: _Collector
) -> dict[str, _Span]:
    texts, raw = _source_texts(meta, out)

    starts: dict[str, list[tuple[int, str]]] = {}
    for record in records.values():
        if "DocumentSection" not in record.types:
            continue
        document = _document_of(record, records, texts)
        if document is None:
            out.add(
                record.file,
                record.line,
                record.id,
                "section is not partOf any source document of dataset.yaml",
            )
            continue
        marker = _section_start(record)
        position = texts[document].find(normalize_text(marker))
        if not marker or position < 0:
            out.add(
                record.file,
                record.line,
                record.id,
                f"section start {_shown(marker)} not found in the source text",
            )
            continue
        starts.setdefault(document, []).append((position, record.id))
    spans: dict[str, _Span] = {}
    for document, items in starts.items():
        items.sort()
        for index, (position, section_id) in enumerate(items):
            end = items[index + 1][0] if index + 1 < len(items) else len(texts[document])
            spans[section_id] = _Span(document, texts[document], position, end, raw[document])
    return spans


def _check_quotes(meta: DatasetMeta, records: dict[str, Record], out: _Collector) -> None:
    spans = _section_spans(meta, records, out)

    def check(record: Record, line: int, cite: Citation) -> None:
        span = spans.get(cite.section)
        if span is None:
            return  # the section itself is reported already
        quote = normalize_text(cite.quote)
        if MASK in quote:
            out.add(
                record.file,
                line,
                record.id,
                f"quote falls on text redacted by dataset.yaml: {_shown(cite.quote)}",
            )
            return
        if span.text.find(quote, span.start, span.end) >= 0:
            return
        if quote in span.text:
            found = [
                sid
                for sid, s in spans.items()
                if s.document == span.document and s.text.find(quote, s.start, s.end) >= 0
            ]
            if found:
                where = f"; it is in section {', '.join(sorted(found))}"
            elif span.text.find(quote) + len(quote) <= min(
                s.start for s in spans.values() if s.document == span.document
            ):
                where = (
                    " (it comes before the document's first section: "
                    "add a section for the opening, starting at the top)"
                )
            else:
                where = " (it spans two sections)"
            out.add(
                record.file,
                line,
                record.id,
                f"quote not found in section {cite.section}{where}: {_shown(cite.quote)}",
            )
        elif _on_redacted_span(quote, span.raw, span.text):
            out.add(
                record.file,
                line,
                record.id,
                f"quote falls on text redacted by dataset.yaml: {_shown(cite.quote)}",
            )
        else:
            out.add(
                record.file, line, record.id, f"quote not found in the source: {_shown(cite.quote)}"
            )

    for record in records.values():
        for cite in record.cites:
            check(record, record.line, cite)
        for rel in record.relations:
            for cite in rel.cites:
                check(record, rel.line, cite)


def _on_redacted_span(quote: str, raw: str, masked: str) -> bool:
    """Whether ``quote`` occurs in the source as written where ``redact:`` masks some of it: the
    curator quoted private text."""
    position = raw.find(quote)
    while position >= 0:
        if MASK in masked[position : position + len(quote)]:
            return True
        position = raw.find(quote, position + 1)
    return False


_REPR = reprlib.Repr()
_REPR.maxstring = _REPR.maxother = 120
_REPR.maxlist = _REPR.maxdict = _REPR.maxtuple = _REPR.maxset = 6
_REPR.maxlevel = 3


def _shown(value: Any, limit: int = 120) -> str:
    """A value quoted in a message: at most about a line of it, whatever its size (a long
    string, a deep or long structure), and never a control character raw."""
    if isinstance(value, str):
        shown = repr(value if len(value) <= limit else value[:limit] + "…")
    else:
        shown = _REPR.repr(value)
    return shown if len(shown) <= limit + 40 else shown[: limit + 40] + "…"


# --------------------------------------------------------------------------- the second reader

_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN_BIG = {"万": 10_000, "亿": 100_000_000}
_CN_NUMBER = re.compile(r"[零〇一二两三四五六七八九十百千万亿]+")
_ARABIC_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?")
#: words the sources use for first place
_FIRST = ("首位", "第一", "首名")


def _chinese_number(text: str) -> int | None:
    """``十三`` → 13, ``二百七十三`` → 273, ``百`` → 100, ``千`` → 1000, ``一`` → 1."""
    total, section, digit = 0, 0, None
    for ch in text:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
        elif ch in _CN_UNITS:
            section += (1 if digit is None else digit) * _CN_UNITS[ch]
            digit = None
        elif ch in _CN_BIG:
            section += digit or 0
            total = (total + (section or 1)) * _CN_BIG[ch]
            section, digit = 0, None
        else:
            return None
    return total + section + (digit or 0)


def printed_values(quote: str) -> set[Decimal]:
    """Every number a quote prints: in digits (``24.82``), in Chinese numerals (``百余次``,
    ``千家``, ``一、二类``), and first place (``首位``, ``第一``) as 1."""
    text = normalize_text(quote)
    found = set()
    for match in _ARABIC_NUMBER.finditer(text):
        try:
            found.add(Decimal(match.group(0)))
        except InvalidOperation:  # pragma: no cover - the pattern only matches numbers
            continue
    for match in _CN_NUMBER.finditer(text):
        if not match.group(0).strip("万亿") or (
            match.start() and text[match.start() - 1] in "0123456789"
        ):
            continue  # 万 and 亿 alone, or after digits (12.5亿), are a unit, not a number
        number = _chinese_number(match.group(0))
        if number is not None:
            found.add(Decimal(number))
    if any(word in text for word in _FIRST):
        found.add(Decimal(1))
    return found


def _check_printed_values(records: dict[str, Record], out: _Collector) -> None:
    """An observation's value as printed must be a number its quotes print."""
    for record in records.values():
        value = record.observation.get("value") if record.is_observation else None
        if value is None or not record.cites:
            continue
        printed = set().union(*(printed_values(c.quote) for c in record.cites))
        if Decimal(value) not in printed:
            shown = (
                ", ".join(sorted({str(n) for n in printed}, key=lambda s: (len(s), s))) or "none"
            )
            out.add(
                record.file,
                record.line,
                record.id,
                f"value {value} does not occur in its quote (it prints: {shown})",
            )


_MARKUP = re.compile(r"</?(?:sub|sup|i|b|em|strong)>|\\?\$")
_TEX_LETTERS = {
    "\\alpha": "α",
    "\\beta": "β",
    "\\gamma": "γ",
    "\\delta": "δ",
    "\\mu": "μ",
    "\\pi": "π",
}


def plain_text(text: str) -> str:
    """``text`` without whitespace and without the markup that document conversion leaves in
    sources (``CO<sub>2</sub>``, ``$\\alpha$``): what a reader sees, for matching names."""
    text = normalize_text(text)
    for command, letter in _TEX_LETTERS.items():
        text = text.replace(command, letter)
    return _MARKUP.sub("", text)


def _zh_names(record: Record) -> list[str]:
    names = [record.labels["zh"]] if "zh" in record.labels else []
    return [plain_text(n) for n in names + record.alt_labels.get("zh", []) if plain_text(n)]


def _check_labels_quoted(records: dict[str, Record], out: _Collector) -> None:
    """An entity's zh label or one of its zh aliases is the source's own wording: it occurs in
    one of the entity's quotes, unless ``constructed:`` says why the name was composed."""
    for record in records.values():
        if (
            record.is_observation
            or "DocumentSection" in record.types
            or record.constructed
            or not record.cites
        ):
            continue
        quotes = [plain_text(c.quote) for c in record.cites]
        if not any(name in quote for name in _zh_names(record) for quote in quotes):
            out.add(
                record.file, record.line, record.id,
                f"neither the zh label {_shown(record.labels.get('zh', ''))} nor a zh alias "
                "occurs in the record's quotes; quote the source's own wording, "
                "or say why the name was composed with 'constructed:'",
            )  # fmt: skip


def _warn_unmentioned(
    records: dict[str, Record], mentions: dict[str, str], warnings: _Collector
) -> None:
    """A relation the source states should be quoted by a sentence that names one of its ends
    (by a label, an alias or a word of ``mentions:`` such as 我市)."""
    words: dict[str, list[str]] = {}
    for word, entity_id in mentions.items():
        words.setdefault(entity_id, []).append(plain_text(word))
    for record in records.values():
        if "DocumentSection" in record.types:
            continue
        own = _zh_names(record) + words.get(record.id, [])
        for rel in record.relations:
            target = records.get(rel.target)
            if rel.basis == "implied" or target is None or not rel.cites:
                continue
            names = own + _zh_names(target) + words.get(rel.target, [])
            quotes = [plain_text(c.quote) for c in rel.cites]
            if not any(name in quote for name in names for quote in quotes):
                warnings.add(
                    record.file, rel.line, record.id,
                    f"relation {rel.prop} → {rel.target}: its quote names neither end; "
                    "quote the sentence that does, or mark the relation basis: implied",
                )  # fmt: skip


def _warn_isolated(records: dict[str, Record], out: _Collector, warnings: _Collector) -> None:
    """Every entity takes part in some relation (or is what an observation counts or measures)."""
    linked: set[str] = set()
    for record in records.values():
        for rel in record.relations:
            linked.update((record.id, rel.target))
        if record.is_observation:
            linked.update(
                v
                for k, v in record.observation.items()
                if k in ("indicator", "area", "scope", "about", "unit")
            )
    for record in records.values():
        if record.is_observation:
            continue
        if record.id not in linked:
            why = (
                record.isolated.get("en") or "no relation in or out and no observation refers to it"
            )
            hint = (
                "" if record.isolated else "; link it, or say why it stands alone with 'isolated:'"
            )
            warnings.add(record.file, record.line, record.id, f"isolated record: {why}{hint}")
        elif record.isolated:
            out.add(
                record.file,
                record.line,
                record.id,
                "record says 'isolated:' but takes part in relations; drop 'isolated:'",
            )


def _warn_conflicts(records: dict[str, Record], meta: DatasetMeta, warnings: _Collector) -> None:
    """Observations of one fact (:mod:`ecograph.facts`: indicator, area, year, unit) that state
    other values are sources that disagree: both stay, each warned with the other's value, place
    and document. Observations of one fact that state the same value are one fact recorded
    twice: one record citing both sources says it once."""
    from .facts import fact_key, fact_peers

    observations = {
        rid: (
            fact_key(
                obs.get("indicator", ""), obs.get("area", ""), obs.get("year"),
                obs.get("unit", ""), scope=obs.get("scope"), about=obs.get("about"),
                qualifier=obs.get("qualifier"),
            ),
            obs.get("value", ""),
        )
        for rid, record in records.items()
        if record.is_observation and "value" in (obs := record.observation)
    }  # fmt: skip

    def documents(record: Record) -> str:
        found: list[str] = []
        for cite in record.cites:
            section = records.get(cite.section)
            document = _document_of(section, records, meta.sources) if section else None
            if (document or cite.section) not in found:
                found.append(document or cite.section)
        return ", ".join(found) or "no source"

    def stated(rid: str) -> str:
        return f"{records[rid].observation['value']} ({documents(records[rid])})"

    def elsewhere(rid: str) -> str:
        record = records[rid]
        return f"{stated(rid)} in {record.file}:{record.line} {rid}"

    for rid, peers in fact_peers(observations).items():
        record = records[rid]
        obs = record.observation
        what = f"{obs['indicator']} {obs['area']} {obs['year']}"
        what += "".join(f" ({key} {obs[key]})" for key in ("scope", "about") if key in obs)
        if peers.conflict:
            warnings.add(
                record.file, record.line, rid,
                f"conflict: {what} is {stated(rid)} here and "
                + ", ".join(elsewhere(other) for other in peers.conflict),
            )  # fmt: skip
        if peers.agree:
            warnings.add(
                record.file, record.line, rid,
                f"same fact recorded twice: {what} is {stated(rid)} here and "
                + ", ".join(elsewhere(other) for other in peers.agree)
                + "; keep one record with both cites",
            )  # fmt: skip


# --------------------------------------------------------------------------- RDF


def decimal_lexical(value: str) -> str:
    """The xsd:decimal lexical form of a number as printed: digits kept, a ``.0`` added to whole
    numbers (``"120"`` → ``"120.0"``) because Turtle writes decimals that way and a round trip
    must give back the same term."""
    return value if "." in value else f"{value}.0"


def printed_number(lexical: str) -> str:
    """The number as the source prints it: the inverse of :func:`decimal_lexical`."""
    return lexical[:-2] if lexical.endswith(".0") else lexical


def _document_of(section: Record, records: dict[str, Record], documents: Any) -> str | None:
    """The source document a section belongs to, following partOf links upwards."""
    seen: set[str] = set()
    current: Record | None = section
    while current is not None and current.id not in seen:
        seen.add(current.id)
        if current.id in documents:
            return current.id
        parents = [
            r.target for r in current.relations if r.prop == "partOf" and r.target in records
        ]
        current = records[parents[0]] if parents else None
    return None
