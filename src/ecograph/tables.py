"""Registries as tables: CSV, Excel and Parquet files mapped to RDF with YARRRML.

A dataset folder may declare tables in ``dataset.yaml``::

    tables:
      - file: tables/高新技术企业名单.csv      # .csv, .xlsx (first sheet, or `sheet:`) or .parquet
        document: hte-register               # the curated Document record the rows cite
        mapping: tables/enterprises.yarrrml.yaml
        links: {lab: label, zone: id}        # columns that name curated entities

The build reads each table, replaces the cells of its link columns by the curated entity's id
(``id``: the cell is an id; ``label``: the cell is exactly one entity's preferred or alternative
label), and runs the mapping through morph-kgc, a kept RML engine, on a copy of the table that
carries each row's number in a column ``__row__``. Every statement a row yields goes into that
row's assertion graph, which cites the row as an RFC 7111 fragment (``file.csv#row=5312``,
``oa:FragmentSelector``). Rows are numbered as a spreadsheet shows them: the header is row 1, the
first record row 2 (for Parquet, which has no header line, as if it were written out as CSV).

morph-kgc pins ``pyoxigraph<0.4`` and ``rdflib<7.3`` (every release up to 2.10.0), which ecograph
cannot share an environment with, so it runs as a separate program in its own environment:
``$ECOGRAPH_RML_PYTHON`` if set, else this Python if it has morph_kgc, else the copy that
:func:`install_engine` makes. The mapping may read only its own table (its sources are rewritten
to the prepared copy), may not set graphs (the rows' graphs are ecograph's), and runs without
user-defined functions; the engine gets no network address to read.
"""

from __future__ import annotations

import csv
import datetime
import decimal
import importlib.util
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import DataError, EcographError, Problem
from .tablespec import LINK_KINDS, TABLE_SUFFIXES, TableSpec

__all__ = [
    "ENGINE_VERSION",
    "LINK_KINDS",
    "TABLE_SUFFIXES",
    "EngineError",
    "EngineStatus",
    "TableSpec",
    "engine_python",
    "engine_status",
    "install_engine",
    "read_table",
    "table_quads",
]

ENGINE = "morph-kgc"
ENGINE_VERSION = "2.10.0"
ROW_COLUMN = "__row__"
RFC7111 = "http://tools.ietf.org/rfc/rfc7111"
#: the longest a mapping run may take (seconds); a registry of 500,000 rows takes minutes
ENGINE_TIMEOUT = 3600
#: YARRRML keys that set a graph: the rows' graphs are ecograph's own
_GRAPH_KEYS = frozenset({"g", "graph", "graphs"})
_MAPPING_KEYS = frozenset({"prefixes", "mappings", "m", "base"})


class EngineError(EcographError):
    """The RML engine is missing, cannot be installed or failed on its own (not on the data)."""


# --------------------------------------------------------------------------- the engine


def engine_dir() -> Path:
    """Where :func:`install_engine` keeps morph-kgc's environment: ``$ECOGRAPH_ENGINE_DIR``,
    else ``$XDG_DATA_HOME/ecograph/engines``, else ``~/.local/share/ecograph/engines``."""
    explicit = os.environ.get("ECOGRAPH_ENGINE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(
        os.path.expanduser("~"), ".local", "share"
    )
    return Path(base) / "ecograph" / "engines"


def _managed_python() -> Path:
    folder = engine_dir() / f"{ENGINE}-{ENGINE_VERSION}"
    return folder / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def engine_python() -> str:
    """The Python that runs morph-kgc; :class:`EngineError` if there is none."""
    explicit = os.environ.get("ECOGRAPH_RML_PYTHON")
    if explicit:
        return explicit
    if importlib.util.find_spec("morph_kgc") is not None:
        return sys.executable
    managed = _managed_python()
    if managed.is_file():
        return str(managed)
    raise EngineError(
        f"no RML engine: the dataset has tables, and {ENGINE} {ENGINE_VERSION} is not installed. "
        "Install ecograph's own copy with `ecograph engine install` (it needs the package "
        "index), or set ECOGRAPH_RML_PYTHON to a Python that has morph_kgc"
    )


@dataclass(frozen=True)
class EngineStatus:
    """Which RML engine a build of a dataset with tables runs, and where it comes from."""

    engine: str
    version: str
    python: str  # "" when there is none
    source: str  # "ECOGRAPH_RML_PYTHON", "this environment", "ecograph's copy", "not installed"

    def to_dict(self) -> dict[str, str]:
        return {
            "engine": self.engine,
            "version": self.version,
            "python": self.python,
            "source": self.source,
        }

    def to_text(self, lang: str = "zh") -> str:
        if not self.python:
            return (
                f"{self.engine} {self.version}: not installed; datasets with tables cannot be "
                "built until it is (`ecograph engine install`)"
            )
        return f"{self.engine} {self.version}: {self.python} ({self.source})"


def engine_status() -> EngineStatus:
    """Which engine a build would run, and where it comes from."""
    explicit = os.environ.get("ECOGRAPH_RML_PYTHON")
    if explicit:
        return EngineStatus(ENGINE, ENGINE_VERSION, explicit, "ECOGRAPH_RML_PYTHON")
    if importlib.util.find_spec("morph_kgc") is not None:
        return EngineStatus(ENGINE, ENGINE_VERSION, sys.executable, "this environment")
    managed = _managed_python()
    if managed.is_file():
        return EngineStatus(ENGINE, ENGINE_VERSION, str(managed), "ecograph's copy")
    return EngineStatus(ENGINE, ENGINE_VERSION, "", "not installed")


def install_engine(progress: Any = None) -> EngineStatus:
    """Make ecograph's own environment with morph-kgc (pinned) and return :func:`engine_status`.

    Needs the package index. Idempotent: an environment that already imports morph_kgc is
    kept."""
    import venv

    python = _managed_python()
    folder = python.parent.parent
    if python.is_file() and _imports_engine(python):
        return EngineStatus(ENGINE, ENGINE_VERSION, str(python), "ecograph's copy")
    if progress:
        progress(f"creating {folder}", 0, 2)
    try:
        venv.EnvBuilder(with_pip=True, clear=True).create(folder)
    except OSError as exc:
        raise EngineError(f"cannot create {folder}: {exc.strerror or exc}") from None
    if progress:
        progress(f"installing {ENGINE}=={ENGINE_VERSION}", 1, 2)
    done = subprocess.run(  # noqa: S603 - our own venv's python, fixed arguments
        [str(python), "-m", "pip", "install", "--quiet", f"{ENGINE}=={ENGINE_VERSION}"],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0 or not _imports_engine(python):
        raise EngineError(f"installing {ENGINE} failed: {_last_line(done.stderr)}")
    return EngineStatus(ENGINE, ENGINE_VERSION, str(python), "ecograph's copy")


def _imports_engine(python: Path) -> bool:
    done = subprocess.run(  # noqa: S603 - our own venv's python, fixed arguments
        [str(python), "-c", "import morph_kgc"], capture_output=True, check=False, timeout=120
    )
    return done.returncode == 0


def _last_line(text: str) -> str:
    from .safetext import terminal_text

    lines = [line for line in text.strip().splitlines() if line.strip()]
    return terminal_text(lines[-1])[:300] if lines else "(no message)"


# --------------------------------------------------------------------------- reading tables


def _cell_text(value: Any) -> str:
    """A spreadsheet or Parquet cell as the text a CSV export would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value:  # NaN: an empty cell
            return ""
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, decimal.Decimal):
        return format(value, "f")
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time(0) and value.tzinfo is None:
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return str(value)


def read_table(spec: TableSpec) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """The header and the rows ``(row number, cells as text)`` of a table; empty rows are
    skipped (they keep their number). :class:`DataError` for a file that cannot be read."""
    suffix = spec.path.suffix.lower()
    try:
        if suffix == ".csv":
            return _read_csv(spec)
        if suffix == ".xlsx":
            return _read_xlsx(spec)
        if suffix == ".parquet":
            return _read_parquet(spec)
    except (OSError, UnicodeDecodeError, csv.Error, ValueError, KeyError) as exc:
        raise DataError([Problem(spec.file, 0, "", f"cannot read the table: {exc}")]) from None
    raise DataError([Problem(spec.file, 0, "", f"not a table ({', '.join(TABLE_SUFFIXES)})")])


def _read_csv(spec: TableSpec) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    handle = spec.path.open(encoding="utf-8-sig", newline="")
    reader = csv.reader(handle, strict=True)
    try:
        header = next(reader)
    except StopIteration:
        handle.close()
        return [], iter(())

    def rows() -> Iterator[tuple[int, list[str]]]:
        with handle:
            for number, row in enumerate(reader, 2):
                if any(cell.strip() for cell in row):
                    yield number, row

    return [h.strip() for h in header], rows()


def _read_xlsx(spec: TableSpec) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    try:
        import openpyxl
    except ImportError:
        raise EngineError(
            "reading .xlsx tables needs openpyxl: pip install 'ecograph[tables]'"
        ) from None
    book = openpyxl.load_workbook(spec.path, read_only=True, data_only=True)
    sheet = book[spec.sheet] if spec.sheet else book.worksheets[0]
    values = sheet.iter_rows(values_only=True)
    try:
        header = [_cell_text(v).strip() for v in next(values)]
    except StopIteration:
        book.close()
        return [], iter(())

    def rows() -> Iterator[tuple[int, list[str]]]:
        try:
            for number, row in enumerate(values, 2):
                cells = [_cell_text(v) for v in row]
                if any(cell.strip() for cell in cells):
                    yield number, cells
        finally:
            book.close()

    return header, rows()


def _read_parquet(spec: TableSpec) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise EngineError(
            "reading .parquet tables needs pyarrow: pip install 'ecograph[tables]'"
        ) from None
    source = pq.ParquetFile(spec.path)
    header = [str(name).strip() for name in source.schema_arrow.names]

    def rows() -> Iterator[tuple[int, list[str]]]:
        number = 1
        for batch in source.iter_batches(batch_size=65536):
            columns = [column.to_pylist() for column in batch.columns]
            for i in range(batch.num_rows):
                number += 1
                cells = [_cell_text(column[i]) for column in columns]
                if any(cell.strip() for cell in cells):
                    yield number, cells

    return header, rows()


# --------------------------------------------------------------------------- links


class _Labels:
    """Curated entities by exact label (preferred or alternative, any language)."""

    def __init__(self, records: dict[str, Any]) -> None:
        self.ids: dict[str, set[str]] = {}
        for rid, record in records.items():
            names = set(getattr(record, "labels", {}).values())
            for alts in getattr(record, "alt_labels", {}).values():
                names.update(alts)
            for name in names:
                self.ids.setdefault(name, set()).add(rid)


def _resolve(
    spec: TableSpec,
    header: list[str],
    rows: Iterator[tuple[int, list[str]]],
    records: dict[str, Any],
    problems: list[Problem],
) -> Iterator[tuple[int, list[str]]]:
    """The rows with each link cell replaced by the curated id it names; a cell that names
    none (or, by label, several) is a problem at the table's file and row."""
    from .loader import Suggester, _shown

    columns = []
    for column, kind in spec.links:
        columns.append((header.index(column), column, kind))
    labels = _Labels(records) if any(kind == "label" for _, _, kind in columns) else None
    suggester: Suggester | None = None
    for number, cells in rows:
        if len(cells) != len(header):
            problems.append(
                Problem(
                    spec.file,
                    number,
                    "",
                    f"row {number} has {len(cells)} cells, the header {len(header)}",
                )
            )
            continue
        for index, column, kind in columns:
            value = cells[index].strip()
            if not value:
                continue
            if kind == "id":
                if value in records:
                    cells[index] = value
                    continue
                if suggester is None:
                    suggester = Suggester(records)
                close = suggester.closest(value)
                hint = f" (did you mean {_shown(close)}?)" if close else ""
                problems.append(
                    Problem(
                        spec.file,
                        number,
                        "",
                        f"row {number}: column {_shown(column)} names no curated entity "
                        f"{_shown(value)}{hint}",
                    )
                )
                continue
            found = labels.ids.get(value, set()) if labels is not None else set()
            if len(found) == 1:
                cells[index] = next(iter(found))
            else:
                which = (
                    f"is the label of {len(found)} entities ({', '.join(sorted(found)[:5])})"
                    if found
                    else "is no curated entity's label"
                )
                problems.append(
                    Problem(
                        spec.file,
                        number,
                        "",
                        f"row {number}: column {_shown(column)}: {_shown(value)} {which}",
                    )
                )
        yield number, cells


# --------------------------------------------------------------------------- the mapping


def _mapping(spec: TableSpec, prepared: Path, graph_prefix: str) -> dict[str, Any]:
    """The table's YARRRML, checked and rewritten: every source is the prepared copy, every
    mapping writes into its row's graph."""
    import yaml

    try:
        raw = yaml.safe_load(spec.mapping_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", -1) + 1
        reason = getattr(exc, "problem", None) or getattr(exc, "strerror", None) or exc
        raise DataError(
            [Problem(spec.mapping, line, "", f"cannot read the mapping: {reason}")]
        ) from None

    def problem(message: str) -> DataError:
        return DataError([Problem(spec.mapping, 0, "", message)])

    if not isinstance(raw, dict):
        raise problem("a YARRRML mapping must be a mapping with 'prefixes' and 'mappings'")
    unknown = sorted(set(map(str, raw)) - _MAPPING_KEYS)
    if unknown:
        raise problem(
            f"unknown top-level key {unknown[0]!r} (a table's mapping has prefixes and mappings; "
            "its sources are the table itself)"
        )
    mappings = raw.get("mappings", raw.get("m"))
    if not isinstance(mappings, dict) or not mappings:
        raise problem("'mappings' must name at least one mapping")
    prefixes = raw.get("prefixes") or {}
    if not isinstance(prefixes, dict):
        raise problem("'prefixes' must map prefixes to IRIs")
    if "ecograph-row" in prefixes:
        raise problem("the prefix 'ecograph-row' is ecograph's own")
    out: dict[str, Any] = {"prefixes": {**prefixes, "ecograph-row": graph_prefix}, "mappings": {}}
    if "base" in raw:
        out["base"] = raw["base"]
    for name, body in mappings.items():
        if not isinstance(body, dict):
            raise problem(f"mapping {str(name)!r} must be a mapping")
        sources = body.get("sources", body.get("source"))
        if sources is None:
            raise problem(f"mapping {str(name)!r} has no sources (name the table, {spec.name!r})")
        for source in sources if isinstance(sources, list) else [sources]:
            access = source[0] if isinstance(source, list) and source else source
            if isinstance(access, dict):
                access = access.get("access")
            text = str(access).split("~", 1)[0] if access is not None else ""
            if text not in (spec.file, spec.name):
                raise problem(
                    f"mapping {str(name)!r} reads {text!r}: a table's mapping reads only its "
                    f"table, {spec.name!r}"
                )
        bad = _graph_key(body)
        if bad:
            raise problem(
                f"mapping {str(name)!r} sets {bad!r}: each row's statements go into the row's "
                "graph, which ecograph names"
            )
        rewritten = {k: v for k, v in body.items() if k not in ("sources", "source")}
        rewritten["sources"] = [[f"{prepared}~csv"]]
        rewritten["graphs"] = f"ecograph-row:$({ROW_COLUMN})"
        out["mappings"][name] = rewritten
    return out


def _graph_key(value: Any) -> str | None:
    if isinstance(value, dict):
        for key, item in value.items():
            if str(key) in _GRAPH_KEYS:
                return str(key)
            found = _graph_key(item)
            if found:
                return found
    elif isinstance(value, list):
        for item in value:
            found = _graph_key(item)
            if found:
                return found
    return None


# --------------------------------------------------------------------------- running


_IRI_TERM = r'<[^<>"{}|^`\\\x00-\x20]+>'
#: a line of N-Quads whose terms are already in ecograph's canonical form: IRIs, and literals
#: without an escape (what a mapping makes of nearly every cell)
_SIMPLE_QUAD = re.compile(
    rf'({_IRI_TERM}) ({_IRI_TERM}) ({_IRI_TERM}|"[^"\\\n\r]*"'
    rf"(?:@[a-z]+(?:-[a-z0-9]+)*|\^\^{_IRI_TERM})?) ({_IRI_TERM}) \.\n?$"
)
_XSD_STRING_SUFFIX = "^^<http://www.w3.org/2001/XMLSchema#string>"


def _run_engine(config: Path, cwd: Path, spec: TableSpec) -> None:
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    env["PYTHONNOUSERSITE"] = "1"
    try:
        done = subprocess.run(  # noqa: S603 - the engine's python, a config file we wrote
            [engine_python(), "-m", "morph_kgc", str(config)],
            cwd=cwd,
            capture_output=True,
            text=True,
            check=False,
            timeout=ENGINE_TIMEOUT,
            env=env,
        )
    except subprocess.TimeoutExpired:
        raise DataError(
            [Problem(spec.mapping, 0, "", f"the mapping ran over {ENGINE_TIMEOUT} s")]
        ) from None
    except OSError as exc:
        raise EngineError(f"cannot run {ENGINE}: {exc.strerror or exc}") from None
    if done.returncode != 0:
        raise DataError(
            [Problem(spec.mapping, 0, "", f"{ENGINE} failed: {_last_line(done.stderr)}")]
        )


def _term(term: Any) -> str:
    from pyoxigraph import BlankNode, Literal, NamedNode

    from .provenance import ntriples_iri, ntriples_literal

    if isinstance(term, NamedNode):
        return ntriples_iri(term.value)
    if isinstance(term, Literal):
        if term.language:
            return ntriples_literal(term.value, term.language)
        datatype = term.datatype.value
        if datatype == "http://www.w3.org/2001/XMLSchema#string":
            return ntriples_literal(term.value)
        return ntriples_literal(term.value, datatype=datatype)
    if isinstance(term, BlankNode):
        return f"_:{term.value}"
    raise ValueError(f"unexpected term {term!r}")


def _table_quads(
    spec: TableSpec,
    base: str,
    records: dict[str, Any],
    problems: list[Problem],
    work: Path,
    number: int,
    emit: Callable[[tuple[str, str, str, str]], None],
) -> tuple[dict[int, Any], set[str], dict[str, list[int]]]:
    """Run one table: each of its quads to ``emit``; back come its rows' subjects (one IRI, or
    a set of them), every subject it describes and, for each IRI in the entity namespace it
    points at, the rows that do."""
    import configparser

    import pyoxigraph

    header, rows = read_table(spec)
    if not header:
        problems.append(Problem(spec.file, 1, "", "the table has no header row"))
        return {}, set(), {}
    if ROW_COLUMN in header:
        problems.append(Problem(spec.file, 1, "", f"column {ROW_COLUMN!r} is ecograph's own"))
        return {}, set(), {}
    duplicated = sorted({h for h in header if header.count(h) > 1})
    if duplicated:
        problems.append(Problem(spec.file, 1, "", f"column {duplicated[0]!r} appears twice"))
        return {}, set(), {}
    missing = [column for column, _ in spec.links if column not in header]
    if missing:
        problems.append(
            Problem(
                "dataset.yaml",
                spec.line,
                spec.document,
                f"link column {missing[0]!r} is not in {spec.name}",
            )
        )
        return {}, set(), {}
    prepared = work / f"table-{number}.csv"
    with prepared.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([ROW_COLUMN, *header])
        for row_number, cells in _resolve(spec, header, rows, records, problems):
            writer.writerow([row_number, *cells])
    graph_prefix = f"{base}assertion/table/{spec.document}/row-"
    mapping = _mapping(spec, prepared, graph_prefix)
    import yaml

    mapping_file = work / f"mapping-{number}.yaml"
    mapping_file.write_text(yaml.safe_dump(mapping, allow_unicode=True, sort_keys=True), "utf-8")
    output = work / f"out-{number}.nq"
    config = configparser.ConfigParser(interpolation=None)
    config["CONFIGURATION"] = {
        "output_file": str(output),
        "output_format": "N-QUADS",
        "na_values": "",
        "number_of_processes": "1",
        "logging_level": "ERROR",
    }
    config["DataSource1"] = {"mappings": str(mapping_file)}
    config_file = work / f"config-{number}.ini"
    with config_file.open("w", encoding="utf-8") as handle:
        config.write(handle)
    _run_engine(config_file, work, spec)
    subjects_by_row: dict[int, Any] = {}
    subjects: set[str] = set()
    pointed: dict[str, list[int]] = {}
    entity_ns = f"{base}id/"
    if not output.exists():
        return subjects_by_row, subjects, pointed
    row_start = len(graph_prefix) + 1
    subject_start = len(entity_ns) + 1
    with output.open(encoding="utf-8") as handle:
        for line in handle:
            match = _SIMPLE_QUAD.match(line)
            if match is not None:
                s, p, o, g = match.groups()
                if o.endswith(_XSD_STRING_SUFFIX):  # the plain literal's canonical form
                    o = o[: -len(_XSD_STRING_SUFFIX)]
            else:  # an escaped literal, a blank node: through the parser, written our way
                if not line.strip():
                    continue
                try:
                    parsed = next(iter(pyoxigraph.parse(line, format=pyoxigraph.RdfFormat.N_QUADS)))
                except (SyntaxError, ValueError, StopIteration) as exc:
                    problems.append(Problem(spec.mapping, 0, "", f"{ENGINE} wrote {exc}"[:300]))
                    continue
                obj = parsed.object
                if isinstance(obj, pyoxigraph.BlankNode):
                    obj = pyoxigraph.BlankNode(f"t{number}{obj.value}")
                if parsed.graph_name is None or isinstance(
                    parsed.graph_name, pyoxigraph.DefaultGraph
                ):
                    g = ""
                else:
                    g = _term(parsed.graph_name)
                s, p, o = _term(parsed.subject), _term(parsed.predicate), _term(obj)
            if not g.startswith(graph_prefix, 1) or not g[row_start:-1].isdigit():
                problems.append(Problem(spec.mapping, 0, "", "a statement outside its row's graph"))
                continue
            row = int(g[row_start:-1])
            if not s.startswith(entity_ns, 1):
                problems.append(
                    Problem(
                        spec.file,
                        row,
                        "",
                        f"row {row}: the mapping describes {s[:120]}, which is not an entity "
                        f"of this dataset ({entity_ns}…)",
                    )
                )
                continue
            emit((s, p, o, g))
            by_row = subjects_by_row.get(row)
            if by_row is None:  # most rows describe one entity: its IRI, not a set of one
                subjects_by_row[row] = s
            elif type(by_row) is str:
                if by_row != s:
                    subjects_by_row[row] = {by_row, s}
            else:
                by_row.add(s)
            subjects.add(s[subject_start:-1])
            if o.startswith(entity_ns, 1):
                pointed.setdefault(o[subject_start:-1], []).append(row)
    return subjects_by_row, subjects, pointed


def table_quads(
    data: Any, emit: Callable[[tuple[str, str, str, str]], None] | None = None
) -> list[tuple[str, str, str, str]]:
    """The statements of a loaded dataset's tables, each in its row's assertion graph, with
    the assertions and the row citations; :class:`DataError` listing every table problem
    (file and row). With ``emit``, each statement goes to it as it is made (the streaming
    build) and none is kept."""
    from .loader import _shown
    from .namespaces import ECO_NS, PREFIX_IRIS
    from .provenance import ntriples_literal

    meta, records = data.meta, data.records
    tables = getattr(meta, "tables", ())
    if not tables:
        return []
    base = meta.base
    problems: list[Problem] = []
    quads: list[tuple[str, str, str, str]] = []
    add = emit if emit is not None else quads.append
    a = f"<{PREFIX_IRIS['rdf']}type>"
    dct = PREFIX_IRIS["dcterms"]
    rows_of: list[tuple[TableSpec, dict[int, Any]]] = []
    described: set[str] = set()
    pointers: list[tuple[TableSpec, dict[str, list[int]]]] = []
    with tempfile.TemporaryDirectory(prefix="ecograph-tables-") as tmp:
        for number, spec in enumerate(tables, 1):
            by_row, subjects, pointed = _table_quads(
                spec, base, records, problems, Path(tmp), number, add
            )
            rows_of.append((spec, by_row))
            described |= subjects
            pointers.append((spec, pointed))
    for spec, pointed in pointers:
        for target in sorted(pointed):
            if target in records or target in described:
                continue
            for row in sorted(set(pointed[target]))[:20]:
                problems.append(
                    Problem(
                        spec.file,
                        row,
                        "",
                        f"row {row}: dangling reference: {_shown(target)} is neither a curated "
                        "entity nor one the tables describe",
                    )
                )
    if problems:
        raise DataError(sorted(set(problems)))
    for spec, by_row in rows_of:
        document = f"<{base}id/{spec.document}>"
        name = spec.name
        for row in sorted(by_row):
            graph = f"<{base}assertion/table/{spec.document}/row-{row}>"
            cite = f"<{base}citation/table/{spec.document}/row-{row}>"
            add((graph, a, f"<{ECO_NS}Assertion>", ""))
            about = by_row[row]
            for subject in [about] if type(about) is str else sorted(about):
                add((graph, f"<{ECO_NS}assertionAbout>", subject, ""))
            add((graph, f"<{ECO_NS}status>", f"<{ECO_NS}done>", ""))
            add((graph, f"<{ECO_NS}basis>", f"<{ECO_NS}explicit>", ""))
            add((graph, f"<{ECO_NS}citation>", cite, ""))
            add((cite, a, f"<{ECO_NS}RowCitation>", ""))
            add((cite, a, f"<{PREFIX_IRIS['oa']}FragmentSelector>", ""))
            add((cite, f"<{PREFIX_IRIS['rdf']}value>", ntriples_literal(f"row={row}"), ""))
            add((cite, f"<{dct}conformsTo>", f"<{RFC7111}>", ""))
            add((cite, f"<{dct}source>", document, ""))
            add((cite, f"<{dct}identifier>", ntriples_literal(f"{name}#row={row}"), ""))
    return quads
