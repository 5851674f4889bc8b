"""The endpoint holds under load and abuse (issue 14, items 2 and 3): queries run isolated in
worker processes, clients are served fairly, and the HTTP layer bounds what a client may hold."""

from __future__ import annotations

import http.client
import json
import socket
import threading
import time
import urllib.parse
from collections.abc import Iterator

import pytest

import ecograph

from .test_serve import ACADEMICIANS, HEAVY, Running, request, sparql_get

#: 30 nested doublings of a string: allocates until the process aborts, unless capped
CONCAT_BOMB = (
    "SELECT ?n WHERE { BIND('ab' AS ?x0) "
    + " ".join(f"BIND(CONCAT(?x{i},?x{i}) AS ?x{i + 1})" for i in range(30))
    + " BIND(STRLEN(?x30) AS ?n) }"
)
#: a GROUP BY over a cross product: CPU and memory for as long as it is let run
CROSS_GROUP = "SELECT ?a (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f } GROUP BY ?a"


# Every test here starts the endpoint (uvicorn and its worker processes).
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("endpoint")]


@pytest.fixture(scope="module")
def kg() -> ecograph.KnowledgeGraph:
    return ecograph.load()


def get_from(address: str, base: str, query: str, timeout: float = 30) -> tuple[int, bytes, float]:
    """GET a query from the client address ``address`` (127.0.0.x: another client to the server)."""
    host, port = urllib.parse.urlsplit(base).hostname, urllib.parse.urlsplit(base).port
    started = time.perf_counter()
    connection = http.client.HTTPConnection(
        host, port, timeout=timeout, source_address=(address, 0)
    )
    try:
        connection.request(
            "GET",
            "/sparql?" + urllib.parse.urlencode({"query": query}),
            headers={"Accept": "application/sparql-results+json"},
        )
        response = connection.getresponse()
        return response.status, response.read(), time.perf_counter() - started
    finally:
        connection.close()


@pytest.mark.slow
def test_bombs_from_one_client_leave_the_others_answered_within_a_second(kg) -> None:
    running = Running(kg, timeout=4, workers=2, memory_mb=512, view=False)
    try:
        attacks: dict[str, tuple[int, bytes, float]] = {}

        def attack(query: str) -> None:
            attacks[query] = get_from("127.0.0.2", running.base, query)

        threads = [
            threading.Thread(target=attack, args=(q,))
            for q in (CONCAT_BOMB, CROSS_GROUP, HEAVY + " # 1", HEAVY + " # 2", HEAVY + " # 3")
        ]
        for thread in threads:  # the bomb first: it is that client's first in line
            thread.start()
            time.sleep(0.1)
        time.sleep(0.3)
        good = []
        deadline = time.monotonic() + 6
        while time.monotonic() < deadline:
            good.append(get_from("127.0.0.3", running.base, ACADEMICIANS))
            time.sleep(0.2)
        for thread in threads:
            thread.join(60)
        assert good and all(status == 200 for status, _, _ in good), [s for s, _, _ in good]
        assert max(seconds for _, _, seconds in good) < 1.0, [round(s, 2) for _, _, s in good]
        assert len(json.loads(good[-1][1])["results"]["bindings"]) == 5
        assert len(attacks) == 5
        assert attacks[CONCAT_BOMB][0] == 503 and b"MB" in attacks[CONCAT_BOMB][1]  # the memory cap
        # the others finished within the deadline, were stopped at it, or waited their turn
        assert {status for status, _, _ in attacks.values()} <= {200, 429, 503}
        running.alive()
    finally:
        running.stop()


def test_a_client_with_too_many_queries_gets_429(kg) -> None:
    running = Running(kg, timeout=3, workers=2, per_client=2, view=False)
    try:
        results: list[int] = []
        threads = [
            threading.Thread(
                target=lambda: results.append(get_from("127.0.0.4", running.base, HEAVY)[0])
            )
            for _ in range(4)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        assert results.count(429) >= 2 and set(results) <= {200, 429, 503}
        status, _, _ = get_from("127.0.0.5", running.base, ACADEMICIANS)
        assert status == 200
    finally:
        running.stop()


# --------------------------------------------------------------------------- the HTTP layer


@pytest.fixture(scope="module")
def server(kg) -> Iterator[Running]:
    running = Running(kg, timeout=10, request_timeout=1.5, max_connections=60, view=False)
    yield running
    running.stop()


def _raw(base: str, data: bytes, timeout: float = 10) -> bytes:
    parts = urllib.parse.urlsplit(base)
    with socket.create_connection((parts.hostname, parts.port), timeout=timeout) as sock:
        sock.sendall(data)
        chunks = []
        while True:
            try:
                chunk = sock.recv(65536)
            except TimeoutError:
                break
            if not chunk:
                break
            chunks.append(chunk)
        return b"".join(chunks)


def test_a_client_that_trickles_its_headers_is_cut_off(server) -> None:
    parts = urllib.parse.urlsplit(server.base)
    started = time.monotonic()
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
        sock.sendall(b"GET /sparql?query=ASK")
        closed_after = None
        for _ in range(40):  # one byte every 0.25 s: each byte would reset an idle timer
            try:
                sock.sendall(b"%")
            except OSError:
                closed_after = time.monotonic() - started
                break
            time.sleep(0.25)
            sock.settimeout(0.01)
            try:
                if sock.recv(1) == b"":
                    closed_after = time.monotonic() - started
                    break
            except (TimeoutError, BlockingIOError):
                pass
            sock.settimeout(10)
    assert closed_after is not None and closed_after < 4.5, closed_after
    server.alive()


def test_a_body_sent_too_slowly_is_408(server) -> None:
    parts = urllib.parse.urlsplit(server.base)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
        head = (
            f"POST /sparql HTTP/1.1\r\nHost: {parts.netloc}\r\n"
            "Content-Type: application/sparql-query\r\nContent-Length: 100\r\n\r\n"
        )
        sock.sendall(head.encode())
        sock.sendall(b"ASK {")
        answer = sock.recv(65536)
    assert answer.startswith(b"HTTP/1.1 408") and b"connection: close" in answer.lower()


def test_conflicting_content_lengths_are_refused(server) -> None:
    netloc = urllib.parse.urlsplit(server.base).netloc
    answer = _raw(
        server.base,
        f"POST /sparql HTTP/1.1\r\nHost: {netloc}\r\nContent-Type: application/sparql-query\r\n"
        f"Content-Length: 5\r\nContent-Length: 50\r\n\r\nASK {{}}".encode(),
    )
    assert answer.startswith(b"HTTP/1.1 400")


def test_keep_alive_and_connection_close(server) -> None:
    netloc = urllib.parse.urlsplit(server.base).netloc
    query = urllib.parse.urlencode({"query": "ASK { ?s ?p ?o }"})
    two = _raw(
        server.base,
        (f"GET /sparql?{query} HTTP/1.1\r\nHost: {netloc}\r\n\r\n" * 2).encode(),
        timeout=3,
    )
    assert two.count(b"HTTP/1.1 200") == 2  # both answered on one connection
    closing = _raw(
        server.base,
        f"GET /sparql?{query} HTTP/1.1\r\nHost: {netloc}\r\nConnection: close\r\n\r\n".encode(),
    )
    assert closing.startswith(b"HTTP/1.1 200") and b"connection: close" in closing.lower()


def test_fifty_clients_at_once_are_all_answered(server) -> None:
    answers: list[int] = []

    def one() -> None:
        answers.append(sparql_get(server.base, "ASK { ?s ?p ?o }").status)

    threads = [threading.Thread(target=one) for _ in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(answers) == 50 and set(answers) <= {200, 429}
    assert answers.count(200) >= 16  # the per-client limit, all from 127.0.0.1


def test_hosts_outside_the_allow_list_are_421(server, kg) -> None:
    assert request(server.base, "/sparql", headers={"Host": "evil.example"}).status == 421
    assert request(server.base, "/sparql", headers={"Host": "localhost"}).status == 200
    with pytest.raises(ecograph.UsageError, match="allowed hosts") as caught:
        Running(kg, host="0.0.0.0", view=False)
    assert caught.value.param == "allow_hosts"


def test_cors_only_for_the_origins_asked(kg) -> None:
    running = Running(kg, cors=("https://ok.example",), view=False)
    try:
        ok = request(
            running.base,
            "/sparql?" + urllib.parse.urlencode({"query": "ASK {}"}),
            headers={"Origin": "https://ok.example"},
        )
        other = request(
            running.base,
            "/sparql?" + urllib.parse.urlencode({"query": "ASK {}"}),
            headers={"Origin": "https://evil.example"},
        )
        assert ok.headers["Access-Control-Allow-Origin"] == "https://ok.example"
        assert "Access-Control-Allow-Origin" not in other.headers
    finally:
        running.stop()


# ------------------------------------------------------------------- the protocol as clients use it


def test_accept_wins_over_format_and_format_may_repeat(server) -> None:
    query = urllib.parse.urlencode(
        [("query", ACADEMICIANS), ("format", "json"), ("output", "json"), ("results", "json")]
    )
    tsv = request(server.base, "/sparql?" + query, headers={"Accept": "text/tab-separated-values"})
    assert tsv.status == 200 and tsv.type == "text/tab-separated-values"
    browser = request(
        server.base,
        "/sparql?" + urllib.parse.urlencode([("query", ACADEMICIANS), ("format", "csv")]),
        headers={"Accept": "*/*"},
    )
    assert browser.type == "text/csv"
    twice = request(
        server.base, "/sparql?" + urllib.parse.urlencode([("query", "ASK {}"), ("query", "ASK {}")])
    )
    assert twice.status == 400


@pytest.mark.parametrize(
    ("accept", "media"),
    [
        ("text/turtle", "text/turtle"),
        ("application/n-triples", "application/n-triples"),
        ("application/rdf+xml", "application/rdf+xml"),
        ("application/ld+json", "application/ld+json"),
    ],
)
def test_construct_in_every_graph_format(server, accept: str, media: str) -> None:
    import pyoxigraph as ox

    answer = sparql_get(
        server.base, "CONSTRUCT { ?x a eco:Academician } WHERE { ?x a eco:Academician }", accept
    )
    assert answer.status == 200 and answer.type == media
    formats = {
        "text/turtle": ox.RdfFormat.TURTLE,
        "application/n-triples": ox.RdfFormat.N_TRIPLES,
        "application/rdf+xml": ox.RdfFormat.RDF_XML,
        "application/ld+json": ox.RdfFormat.JSON_LD,
    }
    assert len(list(ox.parse(answer.body, format=formats[media]))) == 5


def test_graph_store_reads(server, kg) -> None:
    import pyoxigraph as ox

    graph = "https://w3id.org/ecograph/ordos/assertion/ordos-laboratory"
    one = request(
        server.base,
        "/sparql?" + urllib.parse.urlencode({"graph": graph}),
        headers={"Accept": "application/n-triples"},
    )
    assert one.status == 200 and one.type == "application/n-triples"
    triples = list(ox.parse(one.body, format=ox.RdfFormat.N_TRIPLES))
    expected = kg.query(f"SELECT (COUNT(*) AS ?n) FROM <{graph}> WHERE {{ ?s ?p ?o }}").values("n")[
        0
    ]
    assert len(triples) == int(expected)
    missing = request(
        server.base, "/sparql?" + urllib.parse.urlencode({"graph": "https://example.org/none"})
    )
    assert missing.status == 404
    whole = request(server.base, "/sparql?default", headers={"Accept": "application/n-triples"})
    union = kg.query(
        "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }"
    ).values("n")[0]
    assert whole.status == 200 and len(
        list(ox.parse(whole.body, format=ox.RdfFormat.N_TRIPLES))
    ) == int(union)
    small = Running(kg, max_rows=100, view=False)
    try:
        assert request(small.base, "/sparql?default").status == 413  # over that server's row limit
    finally:
        small.stop()


@pytest.mark.parametrize("return_format", ["json", "xml", "csv", "tsv"])
def test_sparqlwrapper_select_in_every_format(server, return_format: str) -> None:
    from SPARQLWrapper import SPARQLWrapper

    client = SPARQLWrapper(server.base + "/sparql")
    client.setQuery(ACADEMICIANS)
    client.setReturnFormat(return_format)
    result = client.query()
    body = result.response.read()
    assert result.response.status == 200 and body.count(b"w3id.org/ecograph/ordos/id/") == 5


@pytest.mark.parametrize("return_format", ["turtle", "xml", "n3", "json-ld"])
def test_sparqlwrapper_construct_in_every_format(server, return_format: str) -> None:
    from SPARQLWrapper import SPARQLWrapper

    client = SPARQLWrapper(server.base + "/sparql")
    client.setQuery("CONSTRUCT { ?x a eco:Academician } WHERE { ?x a eco:Academician }")
    client.setReturnFormat(return_format)
    result = client.query()
    assert result.response.status == 200
    assert result.response.read().count(b"ordos/id/") >= 5


@pytest.mark.slow
def test_the_load_test_loses_no_good_query() -> None:
    """benchmarks/loadtest.py as the README runs it: 50 clients for 60 s, each from an address of
    its own, gallery queries with 5 % each of malformed, huge and slow ones mixed in."""
    import importlib.util

    from .conftest import REPO

    spec = importlib.util.spec_from_file_location(
        "ecograph_loadtest", REPO / "benchmarks" / "loadtest.py"
    )
    loadtest = importlib.util.module_from_spec(spec)
    import sys

    sys.modules["ecograph_loadtest"] = loadtest  # dataclasses look their module up there
    spec.loader.exec_module(loadtest)
    samples = loadtest.run(50, 60.0)
    gallery = [s for s in samples if s.kind == "gallery"]
    assert len(gallery) > 1000
    assert [s.status for s in gallery if s.status != 200] == []
    for kind, expected in loadtest.EXPECTED.items():
        assert {s.status for s in samples if s.kind == kind} <= {expected} | loadtest.ALSO[kind], (
            kind
        )


def test_a_stopped_query_is_refused_at_once_whatever_its_comments(kg) -> None:
    from ecograph.endpoint.runner import fingerprint

    assert fingerprint(HEAVY) == fingerprint(
        "select (count(*) as ?n) where {\n ?a ?b ?c . ?d ?e ?f } # 2"
    )
    assert fingerprint(HEAVY) != fingerprint(HEAVY.replace("?f", "?g"))
    assert fingerprint("SELECT * { ?s ?p 'SELECT' }") != fingerprint("SELECT * { ?s ?p 'select' }")
    running = Running(kg, timeout=0.5, view=False)
    try:
        first = sparql_get(running.base, HEAVY)
        assert first.status == 503 and "was stopped" in first.text
        started = time.perf_counter()
        again = sparql_get(running.base, HEAVY.lower() + " # another comment")
        assert (
            again.status == 503
            and "a moment ago" in again.text
            and int(again.headers["Retry-After"]) > 0
        )
        assert time.perf_counter() - started < 0.3  # not run again
        running.alive()
    finally:
        running.stop()
