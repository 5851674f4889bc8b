"""Load test of ``ecograph serve``: many concurrent clients on the loopback interface.

Starts the endpoint in this process on a free loopback port (or uses ``--url`` of a server
already running on loopback; any other host is refused), then runs ``--clients`` threads for
``--seconds`` seconds (and at most ``--max-requests`` requests in all). Each client connects
from an address of its own (127.0.1.N: the server's fairness is per client address; use
``--same-address`` to send everything from 127.0.0.1) and sends the gallery's queries, with
malformed (400), huge (over the row limit: 413) and slow (stopped: 503) queries mixed in, chosen
by a seeded random generator. At the end it prints the throughput, p50 and p99 latency, the
answers by status, overall and per kind of query, and how many gallery queries were lost (any
answer but 200).

    python benchmarks/loadtest.py                       # 50 clients, 60 s
    python benchmarks/loadtest.py --clients 20 --seconds 20
    python benchmarks/loadtest.py --url http://127.0.0.1:8000/sparql
"""

from __future__ import annotations

import argparse
import http.client
import random
import sys
import threading
import time
import urllib.parse
from collections import Counter, defaultdict
from dataclasses import dataclass

LOOPBACK = {"127.0.0.1", "localhost", "::1"}

MALFORMED = "SELECT ?x WHERE { ?x a eco:Academician "
HUGE = "SELECT * WHERE { ?s ?p ?o }"  # every triple: over the row limit
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f }"  # a cross join: seconds
EXPECTED = {"gallery": 200, "malformed": 400, "huge": 413, "slow": 503}
#: also acceptable for a kind: a slow query its client sent while its others were queued (429)
ALSO = {"slow": {429}, "huge": {429}, "malformed": set(), "gallery": set()}


@dataclass(frozen=True)
class Sample:
    kind: str
    status: int  # 0: no answer (connection error)
    seconds: float


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank) of values (0 for none)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(p / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


class Client(threading.Thread):
    """One client: a keep-alive connection, queries until the deadline or the shared budget."""

    def __init__(
        self,
        index: int,
        url: str,
        queries: list[str],
        mix: dict[str, float],
        deadline: float,
        budget: Budget,
        seed: int,
        source: str | None = None,
    ):
        super().__init__(name=f"client-{index}", daemon=True)
        self.source = source
        self.url = urllib.parse.urlsplit(url)
        self.queries = queries
        self.mix = mix
        self.deadline = deadline
        self.budget = budget
        self.random = random.Random(seed * 1000 + index)
        self.samples: list[Sample] = []
        self.connection: http.client.HTTPConnection | None = None

    def pick(self) -> tuple[str, str]:
        draw = self.random.random()
        for kind, text in (("malformed", MALFORMED), ("huge", HUGE), ("slow", SLOW)):
            if draw < self.mix[kind]:
                return kind, text
            draw -= self.mix[kind]
        return "gallery", self.random.choice(self.queries)

    def send(self, text: str) -> int:
        if self.connection is None:
            address = (self.source, 0) if self.source else None
            self.connection = http.client.HTTPConnection(
                self.url.hostname, self.url.port, timeout=60, source_address=address
            )
        body = text.encode("utf-8")
        try:
            self.connection.request(
                "POST",
                self.url.path or "/sparql",
                body=body,
                headers={
                    "Content-Type": "application/sparql-query",
                    "Accept": "application/sparql-results+json",
                },
            )
            response = self.connection.getresponse()
            response.read()
            if response.getheader("Connection", "").lower() == "close":
                self.connection.close()
                self.connection = None
            return response.status
        except (OSError, http.client.HTTPException):
            if self.connection is not None:
                self.connection.close()
            self.connection = None
            return 0

    def run(self) -> None:
        while time.monotonic() < self.deadline and self.budget.take():
            kind, text = self.pick()
            started = time.perf_counter()
            status = self.send(text)
            self.samples.append(Sample(kind, status, time.perf_counter() - started))
        if self.connection is not None:
            self.connection.close()


class Budget:
    """The number of requests left for all clients together."""

    def __init__(self, total: int):
        self.left = total
        self.lock = threading.Lock()

    def take(self) -> bool:
        with self.lock:
            if self.left <= 0:
                return False
            self.left -= 1
            return True


def check_loopback(url: str) -> None:
    host = urllib.parse.urlsplit(url).hostname
    if host not in LOOPBACK:
        raise SystemExit(f"refusing to load-test {host!r}: only 127.0.0.1, localhost or ::1")


def report(samples: list[Sample], seconds: float, clients: int) -> str:
    lines = []
    total = len(samples)
    latencies = [s.seconds for s in samples]
    lines.append(
        f"{total} requests from {clients} clients in {seconds:.1f} s: "
        f"{total / seconds:.1f} requests/s"
    )
    lines.append(
        f"latency p50 {percentile(latencies, 50) * 1000:.1f} ms, "
        f"p99 {percentile(latencies, 99) * 1000:.1f} ms"
    )
    lines.append(
        "by status: "
        + ", ".join(
            f"{status or 'no answer'}: {n}"
            for status, n in sorted(Counter(s.status for s in samples).items())
        )
    )
    lines.append("")
    lines.append(f"{'kind':<10} {'requests':>8} {'p50 ms':>8} {'p99 ms':>8}  statuses (expected)")
    by_kind: dict[str, list[Sample]] = defaultdict(list)
    for sample in samples:
        by_kind[sample.kind].append(sample)
    unexpected = 0
    for kind in ("gallery", "malformed", "huge", "slow"):
        group = by_kind.get(kind, [])
        times = [s.seconds for s in group]
        statuses = Counter(s.status for s in group)
        unexpected += sum(
            n
            for status, n in statuses.items()
            if status != EXPECTED[kind] and status not in ALSO[kind]
        )
        lines.append(
            f"{kind:<10} {len(group):>8} {percentile(times, 50) * 1000:>8.1f} "
            f"{percentile(times, 99) * 1000:>8.1f}  "
            + ", ".join(f"{status or 'none'}: {n}" for status, n in sorted(statuses.items()))
            + f"  ({EXPECTED[kind]})"
        )
    lost = sum(1 for s in by_kind.get("gallery", []) if s.status != 200)
    lines.append(f"answers other than the expected status: {unexpected}")
    lines.append(f"gallery queries lost (not answered 200): {lost}")
    return "\n".join(lines)


def run(
    clients: int = 50,
    seconds: float = 60.0,
    *,
    url: str | None = None,
    mix: dict[str, float] | None = None,
    timeout: float = 10.0,
    max_rows: int = 1000,
    workers: int = 2,
    data: str | None = None,
    seed: int = 42,
    max_requests: int = 1_000_000,
    same_address: bool = False,
) -> list[Sample]:
    """Run the load test; the samples of every client."""
    import ecograph
    from ecograph.gallery import gallery

    server = None
    if url is None:
        from ecograph.serve import make_server

        server = make_server(
            ecograph.load(data),
            port=0,
            timeout=timeout,
            max_rows=max_rows,
            workers=workers,
            view=False,
        )
        threading.Thread(target=server.serve_forever, daemon=True).start()
        host, port = server.server_address[:2]
        url = f"http://{host}:{port}/sparql"
    check_loopback(url)
    queries = [q.text for q in gallery()]
    mix = mix or {"malformed": 0.05, "huge": 0.05, "slow": 0.05}
    budget = Budget(max_requests)
    deadline = time.monotonic() + seconds
    threads = [
        Client(
            i,
            url,
            queries,
            mix,
            deadline,
            budget,
            seed,
            None if same_address else f"127.0.1.{i + 1}",
        )
        for i in range(clients)
    ]
    try:
        for client in threads:
            client.start()
        for client in threads:
            client.join()
    finally:
        if server is not None:
            server.shutdown()
            server.server_close()
    return [s for c in threads for s in c.samples]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--url",
        help="SPARQL endpoint of a server already running on loopback (default: start one here)",
    )
    parser.add_argument(
        "--clients", type=int, default=50, help="concurrent clients (threads; default 50)"
    )
    parser.add_argument("--seconds", type=float, default=60.0, help="duration (default 60 s)")
    parser.add_argument(
        "--max-requests", type=int, default=1_000_000, help="stop after this many requests in all"
    )
    parser.add_argument(
        "--malformed", type=float, default=0.05, help="share of malformed queries (default 0.05)"
    )
    parser.add_argument(
        "--huge",
        type=float,
        default=0.05,
        help="share of queries over the row limit (default 0.05)",
    )
    parser.add_argument(
        "--slow", type=float, default=0.05, help="share of queries past the timeout (default 0.05)"
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=10.0,
        help="query timeout of the started server (default 10 s)",
    )
    parser.add_argument(
        "--max-rows", type=int, default=1000, help="row limit of the started server (default 1000)"
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=2,
        help="query worker processes of the started server (default 2)",
    )
    parser.add_argument(
        "--same-address", action="store_true", help="send every client's requests from 127.0.0.1"
    )
    parser.add_argument(
        "--data", help="dataset folder of the started server (default: the bundled Ordos data)"
    )
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args(argv)
    if not (1 <= args.clients <= 500) or not (0 < args.seconds <= 600):
        parser.error("--clients must be 1-500 and --seconds at most 600")

    mix = {"malformed": args.malformed, "huge": args.huge, "slow": args.slow}
    print(f"load test: {args.clients} clients, {args.seconds:g} s, mix {mix}", file=sys.stderr)
    started = time.perf_counter()
    samples = run(
        args.clients,
        args.seconds,
        url=args.url,
        mix=mix,
        timeout=args.timeout,
        max_rows=args.max_rows,
        workers=args.workers,
        data=args.data,
        seed=args.seed,
        max_requests=args.max_requests,
        same_address=args.same_address,
    )
    print(report(samples, time.perf_counter() - started, args.clients))
    return 0


if __name__ == "__main__":
    sys.exit(main())
