"""A build kept on disk instead of in memory: the streaming build for an ``oxigraph:PATH`` store.

At national scale (20M statements) the in-memory build's rows of sort keys alone outgrow the
machine (about 600 bytes a statement in Python tuples). A :class:`Spool` holds the same
statements in files instead, in the same order, so every writer gives the same bytes:

* ``statements.nq``: every distinct statement as N-Quads, in the writers' order
  (:class:`ecograph.rdfwrite.Statements`), made by an external merge sort: the quads are cut
  into runs of :data:`RUN_ROWS`, each sorted in memory and written to a temporary file, and the
  runs are merged (:func:`heapq.merge`) while the duplicates are dropped;
* ``triples.nt``: every distinct triple of every graph, in the Turtle writer's order (a second
  external sort, fed while the first is merged);
* ``counts.json``: what :meth:`ecograph.kg.KnowledgeGraph.stats` reads off the statements,
  counted during the merge.

Memory stays at about one run whatever the size; the Oxigraph store bulk-loads
``statements.nq`` from the file and the TriG, Turtle and JSON-LD writers stream from the two
files (:func:`write_trig`, :func:`write_turtle`, :func:`write_jsonld`).
"""

from __future__ import annotations

import heapq
import json
import os
import pickle
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any

from .errors import OutputError

#: statements sorted in memory at a time (about 0.8 GB of Python rows)
RUN_ROWS = 1_000_000
#: rows per pickled batch of a run file
_BATCH = 20_000
QUADS_FILE = "statements.nq"
TRIPLES_FILE = "triples.nt"
COUNTS_FILE = "counts.json"


@dataclass
class SpoolCounts:
    """What the statistics need, counted while the statements were sorted."""

    statements: int = 0
    named_graphs: int = 0
    ontology_statements: int = 0
    citations: int = 0
    assertions: int = 0
    table_rows: int = 0
    table_links: int = 0
    #: kinds of the entities only the tables type (not curated records): kind -> how many
    table_entities_by_class: dict[str, int] = field(default_factory=dict)
    table_entities: int = 0
    #: byte offset of the first named-graph statement in ``statements.nq``
    named_offset: int = 0


class Spool:
    """The statements of a build in files (see the module's notes)."""

    def __init__(self, folder: Path, counts: SpoolCounts):
        self.folder = Path(folder)
        self.counts = counts

    @property
    def quads_file(self) -> Path:
        return self.folder / QUADS_FILE

    @property
    def triples_file(self) -> Path:
        return self.folder / TRIPLES_FILE

    @classmethod
    def open(cls, folder: Path) -> Spool | None:
        """The spool in ``folder``, or ``None`` when it is not whole."""
        try:
            counts = SpoolCounts(**json.loads((folder / COUNTS_FILE).read_text("utf-8")))
        except (OSError, ValueError, TypeError):
            return None
        if not (folder / QUADS_FILE).is_file() or not (folder / TRIPLES_FILE).is_file():
            return None
        return cls(folder, counts)

    def __len__(self) -> int:
        return self.counts.statements

    def nquads(self) -> bytes:
        """The statements as one N-Quads document (for callers that need it in memory)."""
        return self.quads_file.read_bytes()

    def blocks(self, start: int = 0, stop: int | None = None) -> Iterator[bytes]:
        """``statements.nq`` between two byte offsets (line starts), 16 MB of whole lines at a
        time."""
        with self.quads_file.open("rb") as handle:
            handle.seek(start)
            left = None if stop is None else stop - start
            while left is None or left > 0:
                chunk = handle.read(1 << 24 if left is None else min(1 << 24, left))
                if not chunk:
                    break
                if not chunk.endswith(b"\n"):
                    chunk += handle.readline()
                if left is not None:
                    left -= len(chunk)
                yield chunk

    def rows(self, start: int = 0, stop: int | None = None) -> Iterator[Any]:
        """The statements' rows (:class:`ecograph.rdfwrite.Statements` rows) read back from
        ``statements.nq`` between two byte offsets."""
        from .rdfwrite import _rows, _split_lines

        for chunk in self.blocks(start, stop):
            yield from _rows(_split_lines(chunk))


# ---------------------------------------------------------------------------- sorting


class _Runs:
    """Rows cut into sorted run files in ``folder``; :meth:`merged` gives them back in order."""

    def __init__(self, folder: Path, name: str, rows_of: Callable[[list[Any]], list[Any]]):
        self.folder, self.name, self.rows_of = folder, name, rows_of
        self.files: list[Path] = []
        self.pending: list[Any] = []

    def add(self, item: Any) -> None:
        self.pending.append(item)
        if len(self.pending) >= RUN_ROWS:
            self.flush()

    def flush(self) -> None:
        import gc

        if not self.pending:
            return
        collecting = gc.isenabled()
        gc.disable()  # a million tuples, none cyclic
        try:
            rows = self.rows_of(self.pending)
            self.pending = []
            rows.sort()
            path = self.folder / f"{self.name}-{len(self.files)}.run"
            with path.open("wb") as handle:
                for at in range(0, len(rows), _BATCH):
                    pickle.dump(rows[at : at + _BATCH], handle, protocol=pickle.HIGHEST_PROTOCOL)
            del rows
        finally:
            if collecting:
                gc.enable()
        self.files.append(path)

    def merged(self) -> Iterator[Any]:
        self.flush()

        def read(path: Path) -> Iterator[Any]:
            with path.open("rb") as handle:
                while True:
                    try:
                        batch = pickle.load(handle)  # noqa: S301 (this process's own run file)
                    except EOFError:
                        break
                    yield from batch
            path.unlink()

        if len(self.files) == 1:
            return read(self.files[0])
        return heapq.merge(*(read(path) for path in self.files))


def spool_quads(
    quads: Iterable[tuple[str, str, str, str]],
    folder: Path,
    *,
    base: str,
    curated: Iterable[str] = (),
    progress: Any = None,
) -> Spool:
    """Sort ``quads`` (N-Quads terms, any order, repeats allowed) into a :class:`Spool` in
    ``folder`` (which must exist). ``base`` and ``curated`` (the curated record ids) are for
    the counts of the tables' rows."""
    with SpoolWriter(folder, base=base, curated=curated, progress=progress) as writer:
        for quad in quads:
            writer.add(quad)
    if writer.spool is None:  # pragma: no cover (the block ended without an error)
        raise OutputError("the statements were not sorted")
    return writer.spool


class SpoolWriter:
    """Takes quads one at a time (:meth:`add`) and, when its ``with`` block ends without an
    error, sorts them into a :class:`Spool` in ``folder`` (:attr:`spool`)."""

    def __init__(
        self, folder: Path, *, base: str, curated: Iterable[str] = (), progress: Any = None
    ):
        self.folder, self.base, self.curated = Path(folder), base, set(curated)
        self.progress = progress
        self.spool: Spool | None = None

    def __enter__(self) -> SpoolWriter:
        from .rdfwrite import _rows

        self._tmp = tempfile.TemporaryDirectory(prefix=".sort-", dir=self.folder)
        self.work = Path(self._tmp.name)
        self._first = _Runs(self.work, "quads", _rows)
        self.add = self._first.add  # type: ignore[method-assign,assignment]
        return self

    def add(self, quad: tuple[str, str, str, str]) -> None:  # replaced by the runs' own
        self._first.add(quad)

    def __exit__(self, kind: Any, *rest: Any) -> None:
        try:
            if kind is None:
                self.spool = self._finish()
        finally:
            self._tmp.cleanup()

    def _finish(self) -> Spool:
        from .namespaces import ECO_NS, ONTOLOGY_IRI_STR, RDF_TYPE

        folder, base, curated, progress = self.folder, self.base, self.curated, self.progress
        if progress:
            progress("sorting the statements", 0, 1)

        def triple_rows(items: list[Any]) -> list[Any]:
            return items

        second = _Runs(self.work, "triples", triple_rows)
        counts = SpoolCounts()
        table_graphs = f"{base}assertion/table/"
        entity_ns = f"{base}id/"
        citation, assertion = ECO_NS + "Citation", ECO_NS + "Assertion"
        kinds: set[tuple[str, str]] = set()
        last: tuple[Any, ...] = ()
        last_graph: tuple[str, str] = ("", "")
        sequence = 0
        offset = 0
        seen_named = False
        with _atomic(folder / QUADS_FILE) as out:
            batch: list[str] = []
            for row in self._first.merged():
                key = row[:9]
                if key == last:
                    continue
                last = key
                graph_kind, graph = row[0], row[1]
                counts.statements += 1
                if graph_kind:
                    if not seen_named:
                        seen_named = True
                        offset += _flush(out, batch)
                        counts.named_offset = offset
                    if (graph_kind, graph) != last_graph:
                        last_graph = (graph_kind, graph)
                        counts.named_graphs += 1
                        if graph_kind == "0" and graph.startswith(table_graphs):
                            counts.table_rows += 1
                    if graph == ONTOLOGY_IRI_STR and graph_kind == "0":
                        counts.ontology_statements += 1
                    if graph_kind == "0" and graph.startswith(table_graphs):
                        if row[5] == RDF_TYPE:
                            if (
                                row[6] == "0"
                                and row[7].startswith(ECO_NS)
                                and row[3].startswith(entity_ns)
                            ):
                                kinds.add((row[3][len(entity_ns) :], row[7][len(ECO_NS) :]))
                        elif (
                            row[6] == "0"
                            and row[7].startswith(entity_ns)
                            and row[5].startswith(ECO_NS)
                        ):
                            counts.table_links += 1
                elif row[5] == RDF_TYPE and row[6] == "0":
                    if row[7] == citation:
                        counts.citations += 1
                    elif row[7] == assertion:
                        counts.assertions += 1
                batch.append(f"{row[9]} {row[10]} {row[11]} {row[12]} .\n")
                if len(batch) >= _BATCH:
                    offset += _flush(out, batch)
                second.add((*row[2:9], sequence, f"{row[9]} {row[10]} {row[11]} .\n"))
                sequence += 1
            offset += _flush(out, batch)
            if not seen_named:
                counts.named_offset = offset
        by_class: Counter[str] = Counter()
        entities = set()
        for subject, kind in kinds:
            if subject not in curated:
                by_class[kind] += 1
                entities.add(subject)
        counts.table_entities_by_class = dict(sorted(by_class.items()))
        counts.table_entities = len(entities)
        del kinds, entities
        if progress:
            progress("sorting the triples", 0, 1)
        with _atomic(folder / TRIPLES_FILE) as out:
            batch = []
            last = ()
            for item in second.merged():
                key = item[:7]
                if key == last:
                    continue
                last = key
                batch.append(item[8])
                if len(batch) >= _BATCH:
                    _flush(out, batch)
            _flush(out, batch)
        (folder / COUNTS_FILE).write_text(json.dumps(asdict(counts), sort_keys=True), "utf-8")
        return Spool(folder, counts)


def _flush(out: IO[bytes], batch: list[str]) -> int:
    """Write the lines of ``batch`` (emptied) and say how many bytes they took."""
    if not batch:
        return 0
    text = "".join(batch)
    batch.clear()
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: written as "?", as the in-memory build does
        data = text.encode("utf-8", "replace")
    out.write(data)
    return len(data)


class _atomic:
    """A binary file written under a temporary name and renamed into place when whole."""

    def __init__(self, path: Path):
        self.path = path

    def __enter__(self) -> IO[bytes]:
        fd, self.tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", dir=self.path.parent)
        self.handle = os.fdopen(fd, "wb", buffering=1 << 20)
        return self.handle

    def __exit__(self, kind: Any, *rest: Any) -> None:
        self.handle.close()
        if kind is None:
            os.replace(self.tmp, self.path)
        elif os.path.exists(self.tmp):
            os.unlink(self.tmp)


# ---------------------------------------------------------------------------- writers


def write_trig(spool: Spool, prefixes: dict[str, str], out: IO[bytes]) -> None:
    """TriG of the spool, as :func:`ecograph.rdfwrite.trig_bytes` writes it, streamed."""
    import pyoxigraph as ox

    quads = ox.parse(path=str(spool.quads_file), format=ox.RdfFormat.N_QUADS)
    _serialize(ox, quads, out, ox.RdfFormat.TRIG, prefixes)


def write_turtle(spool: Spool, prefixes: dict[str, str], out: IO[bytes]) -> None:
    """Turtle of the spool, as :func:`ecograph.rdfwrite.turtle_bytes` writes it, streamed."""
    import pyoxigraph as ox

    triples = ox.parse(path=str(spool.triples_file), format=ox.RdfFormat.N_TRIPLES)
    _serialize(ox, triples, out, ox.RdfFormat.TURTLE, prefixes)


def _serialize(ox: Any, items: Any, out: IO[bytes], fmt: Any, prefixes: dict[str, str]) -> None:
    try:
        ox.serialize(items, out, fmt, prefixes=prefixes)
    except SyntaxError as exc:  # the spool's own file, damaged
        raise OutputError(f"cannot read the build's statements: {exc}") from None


def write_jsonld(spool: Spool, prefixes: dict[str, str], out: IO[bytes]) -> None:
    """JSON-LD of the spool, as :func:`ecograph.rdfwrite.to_jsonld` writes it, streamed."""
    from .rdfwrite import jsonld_chunks

    split = spool.counts.named_offset

    def runs(start: int, stop: int | None, width: int) -> Iterator[list[Any]]:
        group: list[Any] = []
        for row in spool.rows(start, stop):
            if group and row[:width] != group[0][:width]:
                yield group
                group = []
            group.append(row)
        if group:
            yield group

    for chunk in jsonld_chunks(lambda: runs(0, split, 4), lambda: runs(split, None, 2), prefixes):
        out.write(chunk.encode("utf-8"))
