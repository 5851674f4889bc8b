"""The benchmark script runs end to end on a small synthetic dataset and reports every measure.
No timing is asserted here: targets are read from its table (README), never checked by tests."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.slow  # benchmarks/run.py in a subprocess: 23 s
def test_benchmark_script_reports_every_measure(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    done = subprocess.run(
        [
            sys.executable,
            str(REPO / "benchmarks" / "run.py"),
            "--triples",
            "2000",
            "--network-entities",
            "300",
            "--json",
            str(out),
        ],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    results = json.loads(out.read_text(encoding="utf-8"))
    ((_triples, size),) = results["sizes"].items()
    queries = ("entity+relations", "2-hop", "group-by count", "label search")
    for store in ("rdflib", "oxigraph-raw", "oxigraph"):
        assert size["stores"][store]["load"] > 0 and size["stores"][store]["peak MB"] > 0
        assert all(size["stores"][store][q] > 0 for q in queries)
    assert all(size["stores"]["oxigraph"][f"{q} (raw, paired)"] > 0 for q in queries)
    assert set(size["ratios"]) == {*queries, "load"}
    assert all(r > 0 for q in queries for r in size["ratios"][q].values())
    for engine in ("networkx", "igraph"):
        assert all(
            size["analytics"][f"{engine} {m}"] > 0 for m in ("pagerank", "betweenness", "louvain")
        )
    assert (
        size["analytics"]["networkx structural holes"] > 0
        and size["analytics"]["ecograph structural holes"] > 0
    )
    assert size["stores"]["oxigraph"]["export trig+turtle+jsonld"] > 0
    (network,) = results["networks"].values()
    # the 300 entities and the Document record of the synthetic source (as in the YAML folder)
    assert network["analytics"]["nodes"] == 301 and network["analytics"]["igraph louvain"] > 0
    assert set(results["startup"]) == {"ecograph --help", "ecograph lookup 鄂尔多斯实验室"}
    table = done.stdout
    for measure in (
        *queries,
        "load",
        "peak MB",
        "lookup",
        "path",
        "pagerank",
        "louvain",
        "approx. betweenness (500 sources)",
        "structural holes (brokers; ecograph's own)",
        "export trig+turtle+jsonld",
    ):
        assert measure in table
    assert "ecograph / raw pyoxigraph" in table and "rdflib / ecograph" in table


def test_snapshot_compare_sees_through_folder_names(tmp_path: Path) -> None:
    """benchmarks/snapshot.py --compare: the same outputs written into two folders are the same
    (each folder's path is in file names and texts), and one changed byte is a difference."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("snapshot", REPO / "benchmarks/snapshot.py")
    snapshot = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(snapshot)
    for name in ("before", "after"):
        folder = tmp_path / name
        out = folder / "build-oxigraph"
        out.mkdir(parents=True)
        stdout = f"Wrote {out}/ecograph.trig\n".encode()
        (folder / f"build_--out_{snapshot.slug([str(out)])}.stdout").write_bytes(stdout)
        (out / "ecograph.trig").write_bytes(b"<a> <b> <c> .\n")
        (folder / "MANIFEST").write_text(name, encoding="utf-8")
    assert snapshot.compare(tmp_path / "before", tmp_path / "after") == []
    (tmp_path / "after/build-oxigraph/ecograph.trig").write_bytes(b"<a> <b> <d> .\n")
    assert snapshot.compare(tmp_path / "before", tmp_path / "after") == [
        "differs: build-oxigraph/ecograph.trig"
    ]


@pytest.mark.slow  # benchmarks/ingest.py in a subprocess: ingests a 100-page document, 8 s
def test_ingest_benchmark_reports_every_measure(tmp_path: Path) -> None:
    out = tmp_path / "ingest.json"
    done = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "ingest.py"), "--json", str(out)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    for row in (
        "entities recall",
        "observations recall",
        "relations recall",
        "link accuracy",
        "quotes not verbatim",
        "ingest the letter",
        "ingest 100 pages",
    ):
        assert row in done.stdout, row
    results = json.loads(out.read_text(encoding="utf-8"))
    for part in ("entities", "observations", "relations"):
        figures = results["fresh"][part]
        assert figures["gold"] > 0 and figures["candidates"] > 0
        assert 0 <= figures["recall"] <= 1 and 0 <= figures["precision"] <= 1
        assert isinstance(figures["missed"], list)
    assert results["links"]["linked"] > 0
    assert results["speed"]["hundred_pages_chars"] >= 100 * 1800


@pytest.mark.slow  # benchmarks/national.py at a small size: a build, its commands and a push
def test_national_benchmark_reports_every_step(tmp_path: Path) -> None:
    out = tmp_path / "national.json"
    done = subprocess.run(
        [
            sys.executable,
            str(REPO / "benchmarks" / "national.py"),
            "--entities",
            "200",
            "--table-rows",
            "300",
            "--json",
            str(out),
        ],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=900,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    results = json.loads(out.read_text(encoding="utf-8"))
    steps = (
        "libyaml parse",
        "ecograph build (cold)",
        "oxigraph bulk load (disk)",
        "validate",
        "rank --top 3 (first)",
        "rank --top 3 (warm cache)",
        "communities",
        "query (the gallery)",
        "serve (start, first answer)",
        "push (to oxigraph serve)",
        "oxigraph load (CLI)",
    )
    assert list(results["results"]) == list(steps)
    assert all(seconds > 0 and peak > 0 for seconds, peak in results["results"].values())
    assert results["statements"] > 300 * 10
    for step in steps:
        assert step in done.stdout
    assert "within 12 GB" in done.stdout and "× oxigraph load" in done.stdout
