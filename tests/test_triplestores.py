"""ecograph against real triple stores: an Oxigraph server and Virtuoso 7, each started here
with a folder of its own, the build pushed into it with ``ecograph push``, then every saved
query and the commands (lookup, neighbors, path, rank, view) run through ``--endpoint`` and
compared with the local answers, byte for byte.

Virtuoso comes from Debian's ``virtuoso-opensource-7-bin`` (installed by ``.ci/run``); where its
dialect makes a saved query give another answer, the query carries a
``# portability.virtuoso: order|rows — reason`` line, and the test checks that the mark is true
(the answer does differ, and only in order for ``order``), so a mark cannot outlive the reason.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner

import ecograph
from ecograph.cli import main
from ecograph.errors import QueryError
from ecograph.gallery import gallery
from ecograph.namespaces import ONTOLOGY_IRI_STR
from ecograph.stores import Iri, Literal
from ecograph.stores.endpoint import (
    Credentials,
    EndpointError,
    EndpointStore,
    bind_query,
    check_layout,
    provenance_graph,
)

from .conftest import free_port, wait_until_answering

# One worker under pytest-xdist --dist loadgroup: one Virtuoso, one Oxigraph server, one push each.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("triplestores")]


@dataclass
class Server:
    name: str
    query: str
    store: str
    env: dict[str, str] = field(default_factory=dict)  # the credentials, as a user would set them

    def endpoint(self, **options) -> EndpointStore:
        credentials = (
            Credentials(self.env["ECOGRAPH_ENDPOINT_USER"], self.env["ECOGRAPH_ENDPOINT_PASSWORD"])
            if self.env
            else False
        )
        return EndpointStore(self.query, credentials=credentials, **options)


def _oxigraph_binary() -> str:
    binary = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    if not Path(binary).exists():
        pytest.skip("the Oxigraph server binary is absent: pip install oxigraph")
    return binary


def start_oxigraph(folder: Path | None, *, union: bool = True) -> tuple[subprocess.Popen, str]:
    """An Oxigraph server on a free loopback port (in memory when ``folder`` is None)."""
    port = free_port()
    command = [_oxigraph_binary(), "serve", "--bind", f"127.0.0.1:{port}"]
    command += ["--location", str(folder)] if folder is not None else []
    command += ["--union-default-graph"] if union else []
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    wait_until_answering(f"{base}/query", process)
    return process, base


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="module", params=["oxigraph", "virtuoso"])
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    """Each server with the Ordos build pushed into it by the CLI."""
    process = None
    if request.param == "oxigraph":
        process, base = start_oxigraph(tmp_path_factory.mktemp("oxigraph"))
        found = Server("oxigraph", f"{base}/query", f"{base}/store")
    else:
        virtuoso = request.getfixturevalue("virtuoso")
        found = Server(
            "virtuoso",
            virtuoso.sparql,
            virtuoso.store,
            {
                "ECOGRAPH_ENDPOINT_USER": virtuoso.user,
                "ECOGRAPH_ENDPOINT_PASSWORD": virtuoso.password,
            },
        )
    try:
        pushed = CliRunner().invoke(
            main, ["push", "--endpoint", found.store], env=found.env, catch_exceptions=False
        )
        assert pushed.exit_code == 0, pushed.output
        assert (
            pushed.output.startswith(
                f"Pushed {ecograph.load().stats().triples:,} quads in 478 graphs"
            )
            and "replace, graph by graph" in pushed.output
        )
        yield found
    finally:
        if process is not None:
            _stop(process)


@pytest.fixture(scope="module")
def local() -> ecograph.KnowledgeGraph:
    return ecograph.load()


def _rows(result) -> list[str]:
    return [json.dumps(r, sort_keys=True, ensure_ascii=False) for r in result.rows]


def _answer(result) -> tuple:
    return (
        result.kind,
        result.variables,
        _rows(result),
        result.boolean,
        result.triples,
        result.turtle,
    )


# --------------------------------------------------------------------------- the gallery


@pytest.mark.parametrize("saved", gallery(), ids=lambda q: q.name)
def test_the_gallery_gives_the_local_answers(server: Server, local, saved) -> None:
    remote = server.endpoint()
    remote.declare_prefixes({"data": local.meta.base + "id/"})
    there, here = remote.query(saved.text), local.query(saved.text)
    mark = saved.portability.get(server.name)
    if mark is None:
        assert _answer(there) == _answer(here)
        return
    kind, reason = mark
    assert reason
    # the mark must be true: the answer differs, and for "order" only in its order
    assert _answer(there) != _answer(here), (
        f"{saved.name} is marked for {server.name} but gives the local answer"
    )
    if kind == "order":
        assert sorted(_rows(there)) == sorted(_rows(here)) and there.variables == here.variables
    else:
        assert sorted(_rows(there)) != sorted(_rows(here))


def test_only_virtuoso_needs_marks() -> None:
    marked = {q.name: q.portability for q in gallery() if q.portability}
    assert {store for marks in marked.values() for store in marks} == {"virtuoso"}
    assert len(marked) <= 4, (
        "each new mark needs a reason the saved query cannot be written portably"
    )


# --------------------------------------------------------------------------- the commands

COMMANDS = [
    ["query", "--name", "rankings-2024"],
    ["query", "--name", "why-beijing-branch", "--format", "json"],
    ["query", "--name", "entities-per-kind", "--format", "csv"],
    ["lookup", "鄂尔多斯实验室"],
    ["lookup", "清华大学", "--format", "json"],
    ["lookup", "鄂尔多斯市"],
    ["lookup", "鄂建提复字〔2025〕185号"],
    ["lookup", "city-new-quality-productivity-rank", "--format", "json"],
    ["lookup", "national-high-tech-enterprise-count-ordos-2024"],
    ["series", "three-zeros-enterprise-count", "--format", "json"],
    ["neighbors", "鄂尔多斯人才科创中心", "--depth", "2"],
    ["path", "北京人才科创分中心", "鄂尔多斯实验室", "--exclude-type", "none"],
    ["path", "清华大学", "九三学社", "--all", "--exclude-type", "none"],
    ["path", "北京大学", "鄂尔多斯实验室"],
    ["rank", "--measure", "all", "--top", "10"],
    ["brokers", "--top", "5"],
    ["communities"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_commands_give_the_local_answers(server: Server, command: list[str]) -> None:
    runner = CliRunner()
    here = runner.invoke(main, command, catch_exceptions=False)
    there = runner.invoke(
        main, [*command, "--endpoint", server.query], env=server.env, catch_exceptions=False
    )
    assert here.exit_code == there.exit_code == 0, there.output
    assert there.output == here.output


def test_the_viewer_is_the_same_page(server: Server, tmp_path: Path) -> None:
    runner = CliRunner()
    here, there = tmp_path / "here.html", tmp_path / "there.html"
    assert runner.invoke(main, ["view", "-o", str(here)], catch_exceptions=False).exit_code == 0
    made = runner.invoke(
        main,
        ["view", "-o", str(there), "--endpoint", server.query],
        env=server.env,
        catch_exceptions=False,
    )
    assert made.exit_code == 0, made.output
    assert there.read_bytes() == here.read_bytes()


def test_lookup_and_paths_through_the_library(server: Server, local) -> None:
    through = ecograph.load(endpoint=server.endpoint())
    for text in ["鄂尔多斯实验室", "eerduosi shiyanshi", "实验室", "量子"]:
        assert through.lookup(text).to_dict() == local.lookup(text).to_dict()
    for pair in [("北京人才科创分中心", "鄂尔多斯实验室"), ("清华大学", "九三学社")]:
        assert (
            through.paths(*pair, max_length=5, all_paths=True, exclude=[]).to_dict()
            == local.paths(*pair, max_length=5, all_paths=True, exclude=[]).to_dict()
        )


# --------------------------------------------------------------------------- bindings

HOSTILE = [
    '"',
    "'",
    '"} UNION { ?s ?p ?o } #',
    "'} UNION { ?s ?p ?o } #",
    "} UNION {",
    "line\nbreak\r\n\ttab",
    "back\\slash\\",
    '\\"',
    ">",
    '""" ) } SELECT * WHERE { ?s ?p ?o } VALUES ?z { "',
    "\u0007\u007f\u2028 tail",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_bindings_do_not_alter_the_query(server: Server, value: str) -> None:
    remote = server.endpoint()
    assert remote.query("SELECT ?e ?v WHERE { ?e skos:prefLabel ?v }", {"v": value}).rows == []
    echoed = remote.query("SELECT ?v WHERE { ?s a eco:Laboratory } LIMIT 1", {"v": value})
    assert echoed.rows == [{"v": {"type": "literal", "value": value}}]


def test_bindings_join_like_a_substitution(server: Server, local) -> None:
    """A bound value opens the query's group as a VALUES block, which every store joins alike
    (a trailing VALUES was applied wrongly by Virtuoso 7 to a UNION whose branches BIND: every
    relation of the graph came back); the cards read through it are the same everywhere."""
    from ecograph.lookup import (
        _OBSERVATIONS_QUERY,
        _RELATIONS_IN_QUERY,
        _RELATIONS_OUT_QUERY,
        build_card,
    )

    remote = server.endpoint()
    for entity in ["ordos", "tsinghua-university", "ordos-laboratory"]:
        bound = {"e": Iri(local.iri(entity))}
        for query in (_RELATIONS_OUT_QUERY, _RELATIONS_IN_QUERY, _OBSERVATIONS_QUERY):
            assert sorted(_rows(remote.query(query, bound))) == sorted(
                _rows(local.query(query, bound))
            )
        card = build_card(remote, local.names(), entity).to_dict()
        assert card == local.lookup(entity).card.to_dict()
    label = {"label": Literal("鄂尔多斯市", language="zh")}
    assert remote.query("SELECT ?e WHERE { ?e skos:prefLabel ?label }", label).values("e") == [
        local.iri("ordos")
    ]
    with pytest.raises(QueryError, match="SPARQL Update is not allowed"):
        remote.query("INSERT DATA { <urn:a> <urn:b> <urn:c> }")


def test_the_values_block_opens_the_outermost_group() -> None:
    bound = {"e": Iri("urn:x")}
    assert (
        bind_query("SELECT ?e WHERE { ?e ?p ?o }", bound)
        == "SELECT ?e WHERE {\n  VALUES (?e) { (<urn:x>) }\n ?e ?p ?o }"
    )
    construct = bind_query('CONSTRUCT { ?e ?p "{" } WHERE { ?e ?p ?o }', bound)
    assert construct.startswith('CONSTRUCT { ?e ?p "{" } WHERE {\n  VALUES')
    assert bind_query("# WHERE {\nASK { ?e ?p ?o }", bound).startswith("# WHERE {\nASK {\n  VALUES")
    nested = bind_query("SELECT ?e WHERE { { SELECT ?e WHERE { ?e ?p ?o } } }", bound)
    assert nested.startswith("SELECT ?e WHERE {\n  VALUES") and nested.count("VALUES") == 1
    assert bind_query("DESCRIBE ?e", bound) == "DESCRIBE ?e\nVALUES (?e) { (<urn:x>) }\n"
    assert bind_query("SELECT * { ?s ?p ?o }", {}) == "SELECT * { ?s ?p ?o }"


# -------------------------------------------------------------------------- methods and credentials


def test_methods(server: Server) -> None:
    ask = "ASK { ?s a eco:Laboratory }"
    auto = server.endpoint()
    assert auto.query(ask).boolean is True and auto.method == "form"
    assert server.endpoint(method="get").query(ask).boolean is True
    assert server.endpoint(method="form").query(ask).boolean is True
    if (
        server.name == "oxigraph"
    ):  # Virtuoso 7 never answers a direct POST: it would wait for the timeout
        assert server.endpoint(method="direct").query(ask).boolean is True


def test_a_server_that_refuses_the_form_is_asked_with_get(tmp_path: Path) -> None:
    """auto falls back when a server refuses the method or media type (405/415)."""
    import http.server
    import threading
    import urllib.parse

    class OnlyGet(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.send_response(415)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def do_GET(self) -> None:
            query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query).get(
                "query", [""]
            )[0]
            body = json.dumps({"head": {}, "boolean": "ASK" in query}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), OnlyGet)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        store = EndpointStore(
            f"http://127.0.0.1:{httpd.server_address[1]}/sparql", credentials=False
        )
        assert store.query("ASK {}").boolean is True and store.method == "get"
    finally:
        httpd.shutdown()


def test_credentials_come_from_the_environment_or_netrc(tmp_path: Path, monkeypatch) -> None:
    netrc = tmp_path / "netrc"
    netrc.write_text("machine 127.0.0.1 login curator password s3cret\n", encoding="utf-8")
    netrc.chmod(0o600)
    env = {"NETRC": str(netrc), "HOME": str(tmp_path)}
    found = Credentials.lookup("http://127.0.0.1:8890/sparql", env)
    assert (found.user, found.password, found.source) == ("curator", "s3cret", str(netrc))
    assert "s3cret" not in repr(found)
    assert Credentials.lookup("http://example.org/sparql", env) is None
    assert (
        Credentials.lookup(
            "http://x/", {"ECOGRAPH_ENDPOINT_USER": "u", "ECOGRAPH_ENDPOINT_PASSWORD": "p", **env}
        ).user
        == "u"
    )
    assert Credentials.lookup("http://x/", {"ECOGRAPH_ENDPOINT_TOKEN": "t", **env}).token == "t"
    with pytest.raises(EndpointError, match="ECOGRAPH_ENDPOINT_USER"):
        EndpointStore("http://user:pw@127.0.0.1:1/sparql")
    runner = CliRunner()
    refused = runner.invoke(
        main, ["lookup", "鄂尔多斯市", "--endpoint", "http://user:pw@127.0.0.1:1/sparql"]
    )
    assert refused.exit_code == 1 and "pw" not in refused.output and "netrc" in refused.output


def test_virtuoso_push_needs_credentials_and_takes_them_from_netrc(
    virtuoso, shili_copy: Path, tmp_path: Path
) -> None:
    runner = CliRunner()
    bare = {"HOME": str(tmp_path), "NETRC": str(tmp_path / "none")}
    refused = runner.invoke(
        main, ["push", "--endpoint", virtuoso.store, "--data", str(shili_copy)], env=bare
    )
    assert (
        refused.exit_code == 1
        and "asks for credentials (401)" in refused.output
        and "Traceback" not in refused.output
    )
    netrc = tmp_path / "netrc"
    netrc.write_text(
        f"machine 127.0.0.1 login {virtuoso.user} password {virtuoso.password}\n", encoding="utf-8"
    )
    netrc.chmod(0o600)
    pushed = runner.invoke(
        main,
        ["push", "--endpoint", virtuoso.store, "--data", str(shili_copy)],
        env={**bare, "NETRC": str(netrc)},
    )
    assert pushed.exit_code == 0, pushed.output
    wrong = netrc.read_text().replace(virtuoso.password, "wrong")
    netrc.write_text(wrong, encoding="utf-8")
    again = runner.invoke(
        main,
        ["push", "--endpoint", virtuoso.store, "--data", str(shili_copy)],
        env={**bare, "NETRC": str(netrc)},
    )
    assert again.exit_code == 1 and f"credentials from {netrc} were refused" in again.output


# --------------------------------------------------------------------------- push replaces


def _drop_a_relation(folder: Path) -> None:
    """The Shili build without the implied ``locatedIn`` of 示例研究院."""
    path = folder / "organizations.yaml"
    text = path.read_text(encoding="utf-8")
    cut = (
        "    - p: locatedIn\n      o: shili\n      basis: implied\n"
        "      cite: {section: briefing-s1, quote: 示例大学与示例市合作共建示例研究院}\n"
    )
    assert cut in text
    path.write_text(text.replace(cut, ""), encoding="utf-8")


def _dataset_quads(remote: EndpointStore, base: str) -> int:
    """The quads of the dataset at ``base`` on the server: its statement graphs and its
    provenance."""
    text = (
        "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } FILTER(STRSTARTS(STR(?g), ?base)) }"
    )
    return int(remote.query(text, {"base": base}).values("n")[0])


def test_push_replaces_the_dataset_and_merge_keeps_what_was_there(
    server: Server, shili_copy: Path
) -> None:
    runner = CliRunner()
    card = ["lookup", "示例研究院", "--format", "json", "--data", str(shili_copy)]

    def push(*options: str):
        result = runner.invoke(
            main,
            ["push", "--endpoint", server.store, "--data", str(shili_copy), *options],
            env=server.env,
            catch_exceptions=False,
        )
        assert result.exit_code == 0, result.output
        return result

    def through() -> str:
        result = runner.invoke(
            main, [*card, "--endpoint", server.query], env=server.env, catch_exceptions=False
        )
        assert result.exit_code == 0, result.output
        return result.output

    remote = server.endpoint()
    base = ecograph.load(shili_copy).meta.base
    push()
    before = _dataset_quads(remote, base)
    assert through() == runner.invoke(main, card).output
    _drop_a_relation(shili_copy)
    changed = ecograph.load(shili_copy)
    local_quads = sum(
        1 for q in changed.quads() if getattr(q.graph_name, "value", None) != ONTOLOGY_IRI_STR
    )

    merged = push("--merge")
    assert "merge" in merged.output
    assert (
        "locatedIn" in through() and through() != runner.invoke(main, card).output
    )  # the stale relation stays

    replaced = push()
    assert "1 stale graph deleted" in replaced.output
    assert through() == runner.invoke(main, card).output
    after = _dataset_quads(remote, base)
    assert after < before and after == local_quads
    # the Ordos dataset on the same server is untouched
    assert (
        CliRunner()
        .invoke(main, ["lookup", "鄂尔多斯市", "--endpoint", server.query], env=server.env)
        .exit_code
        == 0
    )
    assert (
        remote.query("ASK { GRAPH ?g { ?s ?p ?o } }", {"g": Iri(provenance_graph(base))}).boolean
        is True
    )


# --------------------------------------------------------------------- a store commands cannot read


def test_a_store_without_a_union_default_graph_is_an_error_that_says_how_to_fix_it(local) -> None:
    process, base = start_oxigraph(None, union=False)
    try:
        assert CliRunner().invoke(main, ["push", "--endpoint", f"{base}/store"]).exit_code == 0
        result = CliRunner().invoke(main, ["lookup", "鄂尔多斯市", "--endpoint", f"{base}/query"])
        assert (
            result.exit_code == 1
            and "not the union" in result.output
            and "--union-default-graph" in result.output
        )
        # Oxigraph's own switch for one query is the way out without a restart
        assert (
            CliRunner()
            .invoke(
                main, ["lookup", "鄂尔多斯市", "--endpoint", f"{base}/query?union-default-graph"]
            )
            .exit_code
            == 0
        )
    finally:
        _stop(process)


def test_push_graph_makes_a_copy_that_commands_refuse(local) -> None:
    process, base = start_oxigraph(None)
    try:
        empty = CliRunner().invoke(main, ["lookup", "鄂尔多斯市", "--endpoint", f"{base}/query"])
        assert (
            empty.exit_code == 1
            and "does not hold this dataset" in empty.output
            and "push the build there first" in empty.output
        )
        copied = CliRunner().invoke(
            main, ["push", "--endpoint", f"{base}/store", "--graph", "urn:ecograph:all"]
        )
        assert copied.exit_code == 0 and "one graph" in copied.output and "refuse" in copied.output
        refused = CliRunner().invoke(main, ["lookup", "鄂尔多斯市", "--endpoint", f"{base}/query"])
        assert refused.exit_code == 1 and "without naming a graph" in refused.output
        remote = EndpointStore(f"{base}/query", credentials=False)
        with pytest.raises(EndpointError, match="without the graph of each statement"):
            check_layout(remote, local.iri("ordos"))
        assert CliRunner().invoke(main, ["push", "--endpoint", f"{base}/store"]).exit_code == 0
        check_layout(remote, local.iri("ordos"))
    finally:
        _stop(process)


# --------------------------------------------------------------------------- push in chunks


def test_push_in_chunks_replaces_as_a_push_graph_by_graph_does(
    server: Server, shili_copy: Path
) -> None:
    runner = CliRunner()
    card = ["lookup", "示例研究院", "--format", "json", "--data", str(shili_copy)]

    def push(*options: str):
        result = runner.invoke(
            main,
            [
                "push",
                "--endpoint",
                server.store,
                "--data",
                str(shili_copy),
                "--chunk",
                "300",
                *options,
            ],
            env=server.env,
            catch_exceptions=False,
        )
        assert result.exit_code == 0, result.output
        assert "in chunks of 300" in result.output
        return result

    def through() -> str:
        result = runner.invoke(
            main, [*card, "--endpoint", server.query], env=server.env, catch_exceptions=False
        )
        assert result.exit_code == 0, result.output
        return result.output

    remote = server.endpoint()
    kg = ecograph.load(shili_copy)
    base = kg.meta.base
    pushed = push()
    data_quads = kg.stats().data_triples
    assert _dataset_quads(remote, base) == data_quads
    assert through() == runner.invoke(main, card).output
    assert f"{kg.stats().triples:,} quads" in pushed.output
    _drop_a_relation(shili_copy)
    changed = ecograph.load(shili_copy)
    replaced = push()
    assert "1 stale graph deleted" in replaced.output
    assert _dataset_quads(remote, base) == changed.stats().data_triples < data_quads
    assert through() == runner.invoke(main, card).output


def test_a_push_broken_off_resumes_at_its_chunk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ecograph.stores import endpoint as endpoint_module

    monkeypatch.setenv("ECOGRAPH_CACHE_DIR", str(tmp_path / "cache"))
    kg = ecograph.load()
    first, first_base = start_oxigraph(None)
    second, second_base = start_oxigraph(None)
    try:
        whole = ecograph.push(kg, f"{second_base}/store", chunk=0)  # graph by graph
        real_send = endpoint_module._Pusher.send
        calls = {"n": 0}

        def failing(self, url, method, *args, **kwargs):
            calls["n"] += 1
            if calls["n"] == 12:
                raise EndpointError(f"cannot reach {url}: connection reset")
            return real_send(self, url, method, *args, **kwargs)

        monkeypatch.setattr(endpoint_module._Pusher, "send", failing)
        with pytest.raises(EndpointError, match="connection reset"):
            ecograph.push(kg, f"{first_base}/store", chunk=400)
        assert list((tmp_path / "cache").glob("push-*.json"))  # where it stopped
        monkeypatch.setattr(endpoint_module._Pusher, "send", real_send)
        seen: list[tuple[str, int, int]] = []
        resumed = ecograph.push(
            kg, f"{first_base}/store", chunk=400, progress=lambda *step: seen.append(step)
        )
        full = ecograph.push(kg, f"{first_base}/store", chunk=400)
        # the whole build counted, in fewer requests: the chunks sent before the break are not
        # sent again
        assert resumed.quads == full.quads == whole.quads == kg.stats().triples
        assert resumed.requests < full.requests
        assert seen[-1][1] == seen[-1][2] == kg.stats().triples  # the bar ends full
        assert not list((tmp_path / "cache").glob("push-*.json"))
        dumps = [
            sorted(
                urllib.request.urlopen(
                    urllib.request.Request(
                        f"{base}/store", headers={"Accept": "application/n-quads"}
                    )
                )
                .read()
                .decode("utf-8")
                .splitlines()
            )
            for base in (first_base, second_base)
        ]
        assert dumps[0] == dumps[1] and len(dumps[0]) == kg.stats().triples
    finally:
        _stop(first)
        _stop(second)


def test_push_chunk_options_are_checked(local) -> None:
    runner = CliRunner()
    negative = runner.invoke(
        main, ["push", "--endpoint", "http://127.0.0.1:9/store", "--chunk", "-1"]
    )
    assert negative.exit_code == 2
    other = runner.invoke(main, ["push", "--endpoint", "http://127.0.0.1:9/data", "--chunk", "100"])
    assert other.exit_code == 1 and "chunk size 0" in other.output
