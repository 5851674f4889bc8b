"""The worker process of the endpoint: ``python -m ecograph.endpoint.worker FD``.

It receives its :class:`StoreSpec` over the connection on file descriptor FD, opens its own
store, caps its data segment at what it then uses plus the query budget, and answers queries
one at a time until the connection closes. The parent kills it to stop a query.
"""

from __future__ import annotations

import os
import signal
from dataclasses import dataclass, field
from typing import Any

from ..errors import QueryError

__all__ = ["StoreSpec", "TooLarge", "worker_main"]


@dataclass(frozen=True)
class StoreSpec:
    """How a worker opens its store: ``kind`` ``oxigraph`` or ``memory`` from the N-Quads file
    ``nquads``, or ``oxigraph-path`` (the folder ``path``, read-only); ``prefixes`` are declared."""

    kind: str
    nquads: str | None = None
    path: str | None = None
    prefixes: dict[str, str] = field(default_factory=dict)


class TooLarge(Exception):
    def __init__(self, size: int, unit: str):
        super().__init__(f"{size} {unit}")
        self.size = size
        self.unit = unit


# --------------------------------------------------------------------------- the worker process


def _data_segment_bytes() -> int:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmData:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _open_store(spec: StoreSpec) -> Any:
    from ..stores.memory import RdflibStore
    from ..stores.oxigraph import OxigraphStore

    store: OxigraphStore | RdflibStore
    if spec.kind == "oxigraph-path":
        store = OxigraphStore.read_only(spec.path or "")  # the parent's folder, never written
    elif spec.kind == "oxigraph":
        store = OxigraphStore()
        with open(spec.nquads or "", "rb") as handle:
            store.load_nquads(handle.read())
    else:
        from rdflib import Dataset

        from ..ontology import bind_prefixes

        dataset = bind_prefixes(Dataset(default_union=True))
        dataset.parse(spec.nquads, format="nquads")
        store = RdflibStore(dataset)
    store.declare_prefixes(spec.prefixes)
    return store


def _run_capped(store: Any, text: str, max_rows: int) -> Any:
    """The query's result, reading at most ``max_rows + 1`` rows from Oxigraph (a huge result
    never fills the memory); TooLarge past the limit."""
    from ..stores import QueryResult
    from ..stores.oxigraph import OxigraphStore, solutions_to_rows

    if type(store) is OxigraphStore:
        import itertools

        import pyoxigraph as ox

        plan = store.plan(text)
        if not plan.has_dataset:
            try:
                solutions = store._run(plan.text)
            except (SyntaxError, RuntimeError, OSError):
                solutions = None  # the store's own error handling below says what is wrong
            if isinstance(solutions, ox.QuerySolutions):
                variables = [v.value for v in solutions.variables]
                try:
                    rows = solutions_to_rows(itertools.islice(solutions, max_rows + 1), variables)
                except (RuntimeError, OSError) as exc:
                    raise QueryError(f"SPARQL evaluation error: {exc}") from None
                if len(rows) > max_rows:
                    raise TooLarge(max_rows + 1, "rows or more")
                return QueryResult(kind="select", variables=variables, rows=rows)
    result = store.query(text)
    size = len(result.rows) if result.kind == "select" else result.triples or 0
    if size > max_rows:
        raise TooLarge(size, "rows" if result.kind == "select" else "triples")
    return result


def worker_main(conn: Any) -> None:  # pragma: no cover - runs in a child
    """The loop of one worker process: receive its spec, open the store, cap the memory, answer
    queries."""
    import resource

    spec, memory_mb = conn.recv()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the server, which stops us
    from ..guard import QueryRefused

    try:
        store = _open_store(spec)
    except Exception as exc:
        conn.send(("failed", f"{type(exc).__name__}: {exc}"))
        return
    if memory_mb > 0:
        cap = _data_segment_bytes() + memory_mb * 1024 * 1024
        try:
            resource.setrlimit(resource.RLIMIT_DATA, (cap, cap))
        except (ValueError, OSError):
            pass
    conn.send(("ready", os.getpid()))
    while True:
        try:
            text, max_rows = conn.recv()
        except (EOFError, OSError):
            return
        try:
            conn.send(("ok", _run_capped(store, text, max_rows)))
        except TooLarge as exc:
            conn.send(("too-large", (exc.size, exc.unit)))
        except QueryRefused as exc:
            conn.send(("refused", str(exc)))
        except QueryError as exc:
            conn.send(("error", str(exc)))
        except MemoryError:
            conn.send(("memory", None))
            return  # a fresh process is better than one that ran out of memory
        except Exception as exc:  # a bug: report it, stay alive
            conn.send(("error", f"internal error: {type(exc).__name__}"))


if __name__ == "__main__":  # pragma: no cover - the worker process
    import sys
    from multiprocessing.connection import Connection

    worker_main(Connection(int(sys.argv[1])))
