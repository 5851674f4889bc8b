"""Queries run isolated: each in a worker process with a memory cap and a deadline that kills it.

A query cannot be interrupted inside pyoxigraph or rdflib, so the only way to stop one is to stop
the process that runs it. The runner keeps ``workers`` processes, each with its own copy of the
store (loaded from an N-Quads file, or the same Oxigraph folder opened read-only):

* **Memory**: after loading, a worker caps its own data segment (``RLIMIT_DATA``) at what it uses
  plus ``memory_mb``; a query that needs more fails inside the worker (Python's MemoryError, or
  an allocation failure that aborts the process), the answer is 503 and the worker is replaced.
* **Deadline**: a query that outlasts ``timeout`` seconds has its worker killed (SIGKILL), so the
  work stops, not only the answer; the answer is 503 and a new worker is started.
* **Fairness**: requests wait in one queue per client (by address). When a worker is free it
  takes the oldest request of the next client in turn (round robin), and no client holds more
  than ``workers - 1`` workers at once (all of them with a single worker). Under contention
  (every worker busy and a query waiting) the longest query that has run over ``slow_after``
  seconds is stopped (503, "stopped … to let other queries in"): slow queries cannot hold the
  workers while quick ones queue behind them, whoever sends them. A client with ``per_client``
  requests waiting or running gets 429; with ``queue`` requests waiting in all, 503. A request
  that waits ``timeout`` seconds for a worker gets 503.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections import OrderedDict, deque
from dataclasses import dataclass, field
from typing import Any

from ..errors import QueryError
from .worker import StoreSpec, TooLarge

__all__ = ["Busy", "QueryRunner", "RunnerLimits", "StoreSpec", "TooLarge"]

log = logging.getLogger("ecograph.serve")


class Busy(Exception):
    """The query was not run, or was stopped: ``status`` is the HTTP status to answer with."""

    def __init__(self, status: int, message: str, retry_after: int | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.retry_after = retry_after


# --------------------------------------------------------------------------- the parent side


@dataclass(frozen=True)
class RunnerLimits:
    workers: int = 2
    timeout: float = 10.0
    max_rows: int = 10_000
    memory_mb: int = 1024
    per_client: int = 16
    queue: int = 64
    #: under contention (every worker busy, a query waiting) a query that has run this long is
    #: stopped to let the waiting ones in; 0 turns preemption off
    slow_after: float = 2.0
    #: a query stopped (deadline, memory, preemption) is refused at once for this long; the
    #: same query means the same tokens, whatever its comments, spacing or keyword case
    cooldown: float = 60.0


class _Worker:
    """One worker: ``python -m ecograph.endpoint.worker FD``, talking over a socket pair (a plain
    subprocess, so that starting one never re-runs the parent's ``__main__``)."""

    def __init__(self, spec: StoreSpec, memory_mb: int):
        import socket
        import subprocess
        import sys
        from multiprocessing.connection import Connection

        parent, child = socket.socketpair()
        try:
            # our own worker module, run by this interpreter with a fixed argv
            self.process = subprocess.Popen(  # noqa: S603
                [sys.executable, "-m", "ecograph.endpoint.worker", str(child.fileno())],
                pass_fds=[child.fileno()],
                stdin=subprocess.DEVNULL,
                # an allocation failure prints a Rust backtrace; the parent logs one line
                stderr=subprocess.DEVNULL,
                env={**os.environ, "RUST_BACKTRACE": "0"},
                close_fds=True,
            )
        finally:
            child.close()
        self.conn = Connection(parent.detach())
        self.conn.send((spec, memory_mb))
        self.started: float | None = None  # when the query it runs now started
        self.client: str | None = None
        self.preempted = False

    def wait_ready(self, timeout: float) -> None:
        if not self.conn.poll(timeout):
            self.kill()
            raise RuntimeError(f"a query worker did not start within {timeout:g} s")
        kind, detail = self.conn.recv()
        if kind != "ready":
            self.kill()
            raise RuntimeError(f"a query worker could not open the store: {detail}")

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        try:
            self.process.wait(5)
        except Exception:  # noqa: S110 - best effort: the worker was killed just before
            pass
        self.conn.close()


@dataclass
class _Ticket:
    client: str
    ready: threading.Event = field(default_factory=threading.Event)
    worker: _Worker | None = None


def fingerprint(text: str) -> str:
    """What makes two query texts the same query here: their tokens, without comments and white
    space, keywords in one case (``SELECT … # 1`` and ``select … # 2`` are the same)."""
    import hashlib

    from ..stores.sparql import SPARQL_TOKEN

    parts = []
    for match in SPARQL_TOKEN.finditer(text):
        token = match.group(0)
        if match.group("skip"):
            if token.startswith("#"):
                continue
            parts.append(token)
        elif match.group("word"):
            parts.append(token if token[0] in "?$" or ":" in token else token.upper())
        elif not token.isspace():
            parts.append(token)
    return hashlib.sha256("\x00".join(parts).encode("utf-8")).hexdigest()


class QueryRunner:
    """Runs queries on worker processes, fairly, within the limits (see the module)."""

    def __init__(self, spec: StoreSpec, limits: RunnerLimits, *, start_timeout: float = 120.0):
        self.spec = spec
        self.limits = limits
        self._lock = threading.Lock()
        self._idle: list[_Worker] = []
        self._pending: OrderedDict[str, deque[_Ticket]] = OrderedDict()
        self._running: dict[str, int] = {}
        self._waiting = 0
        self._alive = 0
        self._closed = False
        self._start_timeout = start_timeout
        #: a started worker kept aside, which replaces a stopped one at once (starting one takes
        #: about half a second: under attack, that would be half a second with a worker short)
        self._spares: list[_Worker] = []
        self._stopped: dict[str, float] = {}  # fingerprint of a stopped query -> refused until
        workers = [self._spawn() for _ in range(max(1, limits.workers) + 1)]
        try:
            for worker in workers:
                worker.wait_ready(start_timeout)
        except RuntimeError:
            for worker in workers:
                worker.kill()
            raise
        self._spares.append(workers.pop())
        self._idle.extend(workers)
        self._alive = len(workers)
        self._busy: set[_Worker] = set()
        if limits.slow_after > 0:
            threading.Thread(target=self._watch, name="ecograph-query-watch", daemon=True).start()

    @property
    def cap(self) -> int:
        """The most workers one client may hold at once."""
        return max(1, self.limits.workers - 1)

    def _spawn(self) -> _Worker:
        return _Worker(self.spec, self.limits.memory_mb)

    def run(self, text: str, client: str) -> Any:
        """The result of ``text`` for ``client``; raises :class:`Busy` (with the HTTP status),
        QueryError for a bad query, :class:`TooLarge` for a result over ``max_rows``."""
        ticket = _Ticket(client)
        key = fingerprint(text)
        with self._lock:
            if self._closed:
                raise Busy(503, "the server is shutting down")
            until = self._stopped.get(key, 0.0)
            if until > time.monotonic():
                raise Busy(
                    503,
                    "this query was stopped a moment ago (too slow or too big for this server); "
                    "it is not run again for "
                    f"{self.limits.cooldown:g} s",
                    max(1, round(until - time.monotonic())),
                )
            mine = len(self._pending.get(client, ())) + self._running.get(client, 0)
            if mine >= self.limits.per_client:
                raise Busy(
                    429,
                    f"you have {mine} queries waiting or running, the most one client may have "
                    "here",
                    2,
                )
            if self._waiting >= self.limits.queue:
                raise Busy(503, "the server has too many queries waiting; try again shortly", 2)
            self._pending.setdefault(client, deque()).append(ticket)
            self._waiting += 1
            self._dispatch()
        if not ticket.ready.wait(self.limits.timeout):
            with self._lock:
                if ticket.worker is None:
                    self._pending[client].remove(ticket)
                    if not self._pending[client]:
                        del self._pending[client]
                    self._waiting -= 1
                    raise Busy(
                        503,
                        f"no query worker was free within {self.limits.timeout:g} s; try again "
                        "shortly",
                        5,
                    )
        worker = ticket.worker
        assert worker is not None  # noqa: S101 - narrows the type; a granted ticket has one
        answered = False
        try:
            reply = self._call(worker, text)
            answered = True
        except Busy:
            with self._lock:
                if len(self._stopped) > 4096:
                    now = time.monotonic()
                    self._stopped = {k: v for k, v in self._stopped.items() if v > now}
                self._stopped[key] = time.monotonic() + self.limits.cooldown
            raise
        finally:
            with self._lock:
                self._busy.discard(worker)
                worker.started = worker.client = None
                self._running[client] -= 1
                if not self._running[client]:
                    del self._running[client]
                keep = answered and not self._closed
                if keep:
                    self._idle.append(worker)
                    self._dispatch()
                else:
                    self._alive -= 1
                    if not self._closed:
                        if self._spares:  # a started spare takes over at once; a new spare is made
                            self._idle.append(self._spares.pop())
                            self._alive += 1
                            self._dispatch()
                        threading.Thread(target=self._replace, daemon=True).start()
            if not keep:
                worker.kill()
        kind, detail = reply
        if kind == "ok":
            return detail
        if kind == "too-large":
            raise TooLarge(*detail)
        from ..guard import QueryRefused

        if kind == "refused":
            raise QueryRefused(detail)
        raise QueryError(detail)

    def _call(self, worker: _Worker, text: str) -> tuple[str, Any]:
        started = time.monotonic()
        try:
            worker.conn.send((text, self.limits.max_rows))
            if worker.conn.poll(self.limits.timeout):
                reply = worker.conn.recv()
                if reply[0] == "memory":
                    raise Busy(
                        503,
                        f"the query needed more than {self.limits.memory_mb} MB and was stopped",
                        5,
                    )
                return reply
        except (EOFError, OSError, BrokenPipeError):
            if worker.preempted:
                raise Busy(
                    503,
                    f"the query was stopped after {self.limits.slow_after:g} s because every "
                    "worker was busy and other "
                    "clients' queries were waiting; try again later, or give it a server with more "
                    "workers",
                    10,
                ) from None
            try:
                code = worker.process.wait(1)
            except Exception:
                code = None
            log.warning(
                "a query worker died (exit %s) after %.2f s", code, time.monotonic() - started
            )
            raise Busy(
                503,
                f"the query needed more than {self.limits.memory_mb} MB (or crashed its worker) "
                "and was stopped",
                5,
            ) from None
        log.warning(
            "a query passed the %.3g s deadline; its worker is stopped", self.limits.timeout
        )
        raise Busy(503, f"the query took longer than {self.limits.timeout:g} s and was stopped", 5)

    def _dispatch(self) -> None:
        """Give idle workers to waiting tickets, a client at a time (under the lock)."""
        while self._idle and self._pending:
            for client in list(self._pending):
                if self._running.get(client, 0) < self.cap:
                    break
            else:
                return
            queue = self._pending[client]
            ticket = queue.popleft()
            if queue:
                self._pending.move_to_end(client)
            else:
                del self._pending[client]
            self._waiting -= 1
            worker = ticket.worker = self._idle.pop()
            worker.started, worker.client = time.monotonic(), client
            self._busy.add(worker)
            self._running[client] = self._running.get(client, 0) + 1
            ticket.ready.set()

    def _watch(self) -> None:
        """Preemption: while every worker is busy and a query waits, stop the longest-running
        query that has run over ``slow_after`` seconds (not one of the waiting client's own), so
        that slow queries cannot hold the workers while quick ones queue behind them."""
        while not self._closed:
            time.sleep(0.05)
            with self._lock:
                if self._idle or not self._pending:
                    continue
                now = time.monotonic()
                waiting = set(self._pending)
                candidates = [
                    w
                    for w in self._busy
                    if w.started is not None
                    and not w.preempted
                    and now - w.started > self.limits.slow_after
                    and (waiting - {w.client})
                ]
                if not candidates:
                    continue
                victim = min(candidates, key=lambda w: w.started or now)
                victim.preempted = True
            log.warning(
                "stopping a query of %.1f s to let %d waiting client(s) in",
                now - (victim.started or now),
                len(waiting),
            )
            try:
                victim.process.kill()
            except OSError:
                pass

    def _replace(self) -> None:
        try:
            worker = self._spawn()
            worker.wait_ready(self._start_timeout)
        except Exception:  # the next stop will try again
            log.exception("could not start a query worker")
            return
        with self._lock:
            if self._closed:
                worker.kill()
                return
            if self._alive < max(1, self.limits.workers):
                self._idle.append(worker)
                self._alive += 1
                self._dispatch()
            else:
                self._spares.append(worker)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle + self._spares, []
            self._spares = []
        for worker in idle:
            worker.kill()
