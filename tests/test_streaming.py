"""The streaming build (ecograph.spool): statements sorted through files for an ``oxigraph:PATH``
store give the same bytes as the in-memory build, on the bundled data, the test city (the golden
fixture), the registry and random statements; statistics, validation and the cache agree."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ecograph
from ecograph import rdfwrite, spool
from ecograph.cli import main
from ecograph.kg import all_quads
from ecograph.loader import read_dataset
from ecograph.provenance import ntriples_literal

from .conftest import GOLDEN, ORDOS, SHILI, TESTS

REGISTRY = TESTS / "data" / "registry"


def _writers(statements: rdfwrite.Statements, prefixes: dict[str, str]) -> dict[str, bytes]:
    return {
        "trig": rdfwrite.trig_bytes(statements, prefixes),
        "turtle": rdfwrite.turtle_bytes(statements, prefixes),
        "jsonld": rdfwrite.to_jsonld(statements, prefixes).encode("utf-8"),
    }


def _streamed(sorted_: spool.Spool, prefixes: dict[str, str]) -> dict[str, bytes]:
    out = {}
    for name, write in (
        ("trig", spool.write_trig),
        ("turtle", spool.write_turtle),
        ("jsonld", spool.write_jsonld),
    ):
        buffer = io.BytesIO()
        write(sorted_, prefixes, buffer)
        out[name] = buffer.getvalue()
    return out


@pytest.mark.parametrize("folder", [ORDOS, SHILI, REGISTRY], ids=["ordos", "shili", "registry"])
def test_the_spool_gives_the_in_memory_bytes(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(spool, "RUN_ROWS", 700)  # many runs: the merge is what is tested
    data = read_dataset(folder)
    quads = all_quads(data)
    statements = rdfwrite.Statements.from_quads(quads)
    # the same quads twice, reversed: duplicates across runs are dropped
    sorted_ = spool.spool_quads(
        [*quads, *reversed(quads)], tmp_path, base=data.meta.base, curated=data.records
    )
    assert sorted_.quads_file.read_bytes() == statements.nquads()
    assert sorted_.triples_file.read_bytes() == statements.triples()
    assert len(sorted_) == len(statements)
    prefixes = rdfwrite.prefixes_for(data.meta.base)
    assert _streamed(sorted_, prefixes) == _writers(statements, prefixes)
    assert list(sorted_.rows()) == statements.rows
    assert spool.Spool.open(tmp_path) is not None


def test_the_golden_fixture_from_an_on_disk_build(
    tmp_path: Path, runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The test city built through the spool: the same files as in memory, and the graph of
    tests/golden/shili.ttl."""
    monkeypatch.setenv("ECOGRAPH_CACHE_DIR", str(tmp_path / "cache"))  # a build of its own
    from rdflib import Graph
    from rdflib.compare import isomorphic

    memory, disk = tmp_path / "memory", tmp_path / "disk"
    store = f"oxigraph:{tmp_path / 'store'}"
    for out, extra in ((disk, ["--store", store]), (memory, [])):
        result = runner.invoke(main, ["build", "--data", str(SHILI), "--out", str(out), *extra])
        assert result.exit_code == 0, result.output
    for name in ("trig", "ttl", "jsonld"):
        assert (disk / f"ecograph.{name}").read_bytes() == (
            memory / f"ecograph.{name}"
        ).read_bytes()
    kg = ecograph.load(SHILI, store)
    assert kg.spool is not None  # the entry the on-disk build cached (the in-memory one hit it)
    golden = Graph().parse(GOLDEN / "shili.ttl", format="turtle")
    assert isomorphic(kg.data_graph(), golden)


def test_an_on_disk_build_writes_what_the_in_memory_one_does(tmp_path: Path, runner) -> None:
    memory, disk = tmp_path / "memory", tmp_path / "disk"
    store = f"oxigraph:{tmp_path / 'store'}"
    assert runner.invoke(main, ["build", "--out", str(memory)]).exit_code == 0
    first = runner.invoke(main, ["build", "--store", store, "--out", str(disk)])
    assert first.exit_code == 0, first.output
    for name in ("trig", "ttl", "jsonld"):
        assert (disk / f"ecograph.{name}").read_bytes() == (
            memory / f"ecograph.{name}"
        ).read_bytes()
    stats = [
        json.loads(runner.invoke(main, ["stats", "--format", "json", *extra]).output)
        for extra in ([], ["--store", store])
    ]
    assert stats[0] == stats[1]
    assert stats[1]["triples"] > 6000


def test_the_streaming_build_is_cached_and_rebuilt_when_evicted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ecograph import cache

    monkeypatch.setenv("ECOGRAPH_CACHE_DIR", str(tmp_path / "cache"))
    store = f"oxigraph:{tmp_path / 'store'}"
    first = ecograph.load(SHILI, store)
    assert first.spool is not None and not first.cache_hit
    folder = first.spool.folder
    assert folder.parent == cache.cache_dir()
    expected = first.stats()
    del first
    again = ecograph.load(SHILI, store)
    assert again.cache_hit and again.spool is not None
    assert again.stats() == expected
    found = again.lookup("示例市")
    assert found.status == "found" and found.card is not None
    del again
    import shutil

    shutil.rmtree(folder)  # evicted: the entry that names it is a miss, built again
    rebuilt = ecograph.load(SHILI, store)
    assert not rebuilt.cache_hit and rebuilt.spool is not None
    assert rebuilt.stats() == expected
    # the in-memory store reads the same entry's statements from the file
    memory = ecograph.load(SHILI, "oxigraph")
    assert memory.cache_hit and memory.stats() == expected
    assert memory.store.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }").rows


def test_validation_on_disk_finds_what_it_finds_in_memory(tmp_path: Path, runner) -> None:
    folder = tmp_path / "city"
    import shutil

    shutil.copytree(SHILI, folder)
    for name in (TESTS / "data" / "warn").glob("*.yaml"):
        shutil.copy(name, folder / name.name)
    reports = [
        runner.invoke(main, ["validate", "--data", str(folder), "--format", "json", *extra])
        for extra in ([], ["--store", f"oxigraph:{tmp_path / 'store'}"])
    ]
    assert reports[0].output == reports[1].output
    assert json.loads(reports[1].output)["findings"]


literal_text = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=0, max_size=12
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    quads=st.lists(
        st.tuples(
            st.sampled_from(["<http://e/a>", "<http://e/b>", "_:b1", "<http://e/c>"]),
            st.sampled_from(
                [
                    "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>",
                    "<http://e/p>",
                    "<http://e/q>",
                ]
            ),
            st.one_of(
                st.sampled_from(["<http://e/a>", "<http://e/d>", "_:b2"]),
                literal_text.map(ntriples_literal),
                literal_text.map(lambda t: ntriples_literal(t) + "@zh"),
            ),
            st.sampled_from(["", "<http://e/g1>", "<http://e/a>", "<http://e/g2>"]),
        ),
        max_size=60,
    )
)
def test_random_statements_sort_the_same_way(quads, tmp_path_factory) -> None:
    folder = tmp_path_factory.mktemp("spool")
    original = spool.RUN_ROWS
    spool.RUN_ROWS = 7
    try:
        sorted_ = spool.spool_quads(quads, folder, base="http://e/")
    finally:
        spool.RUN_ROWS = original
    statements = rdfwrite.Statements.from_quads(quads)
    assert sorted_.quads_file.read_bytes() == statements.nquads()
    assert sorted_.triples_file.read_bytes() == statements.triples()
    prefixes = {"e": "http://e/"}
    assert _streamed(sorted_, prefixes) == _writers(statements, prefixes)
