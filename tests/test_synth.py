"""Synthetic datasets: valid in the same ontology, skewed, deterministic; long work is quiet when
output is not a terminal."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pyoxigraph
import pytest

import ecograph
from ecograph.cli import main
from ecograph.synth import KIND_SHARES, synthesize


@pytest.mark.slow  # a synthetic city through the loader and SHACL: 18 s
def test_synthetic_yaml_passes_the_loader_and_shacl(tmp_path: Path) -> None:
    result = synthesize(tmp_path / "s", entities=300, seed=3)
    report = ecograph.validate(tmp_path / "s")
    assert report.conforms, report.findings[:5]
    kg = ecograph.load(tmp_path / "s")
    stats = kg.stats()
    assert set(KIND_SHARES) <= set(stats.entities_by_class)  # every kind
    assert stats.observations == result.observations > 0 and stats.citations > 300
    university = next(r for r in kg.data.records.values() if "University" in r.types)
    assert kg.lookup(university.labels["en"]).match.id == university.id
    degrees = Counter(d for _, d in kg.network().undirected.degree())
    top = max(d for d in degrees)
    assert (
        top >= 10 * (sum(k * v for k, v in degrees.items()) / sum(degrees.values())) / 3
    )  # hubs: skewed degrees


def test_same_seed_same_bytes(tmp_path: Path) -> None:
    synthesize(tmp_path / "a", 200, 5)
    synthesize(tmp_path / "b", 200, 5)
    synthesize(tmp_path / "c", 200, 6)
    files = sorted(
        p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file()
    )
    assert all(
        (tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes() for f in files
    )
    assert (tmp_path / "a" / "entities.yaml").read_bytes() != (
        tmp_path / "c" / "entities.yaml"
    ).read_bytes()


def test_nquads_and_ntriples_parse(tmp_path: Path) -> None:
    synthesize(tmp_path / "q", 500, 1, "nquads")
    synthesize(tmp_path / "t", 500, 1, "ntriples")
    store = pyoxigraph.Store()
    store.load(path=str(tmp_path / "q" / "synth.nq"), format=pyoxigraph.RdfFormat.N_QUADS)
    assert len(list(store.named_graphs())) > 500
    triples = list(
        pyoxigraph.parse(
            path=str(tmp_path / "t" / "synth.nt"), format=pyoxigraph.RdfFormat.N_TRIPLES
        )
    )
    assert len(triples) > 5000
    labs = store.query(
        "SELECT (COUNT(?x) AS ?n) WHERE { ?x a <https://w3id.org/ecograph/ontology#Laboratory> }",
        use_default_graph_as_union=True,
    )
    assert int(next(iter(labs))["n"].value) == round(0.06 * 500)


def test_synth_rdf_is_what_the_loader_makes_of_synth_yaml(runner, tmp_path: Path) -> None:
    """One provenance layout: `ecograph export` of the YAML folder gives the bytes synth writes
    as N-Quads and N-Triples for the same arguments (citation IRIs included)."""
    for fmt in ("yaml", "nquads", "ntriples"):
        synthesize(tmp_path / fmt, 250, 4, fmt)
    for fmt, name in (("nquads", "synth.nq"), ("ntriples", "synth.nt")):
        exported = tmp_path / f"exported.{fmt}"
        result = runner.invoke(
            main,
            ["export", "--data", str(tmp_path / "yaml"), "--format", fmt, "-o", str(exported)],
            catch_exceptions=False,
        )
        assert result.exit_code == 0, result.output
        assert exported.read_bytes() == (tmp_path / fmt / name).read_bytes()
    citations = {
        line.split(" ")[2]
        for line in (tmp_path / "nquads" / "synth.nq").read_text(encoding="utf-8").splitlines()
        if " <https://w3id.org/ecograph/ontology#citation> " in line
    }
    assert citations and all(
        re.fullmatch(r"<https://w3id\.org/ecograph/synth/citation/s[0-9]+-[0-9a-f]{10}>", c)
        for c in citations
    )


def test_synth_command_is_quiet_when_not_a_terminal(runner, tmp_path: Path) -> None:
    result = runner.invoke(
        main, ["synth", "--entities", "100", "-o", str(tmp_path / "s")], catch_exceptions=False
    )
    assert result.exit_code == 0
    assert result.output.startswith("Wrote 100 entities")
    assert "%" not in result.output and "[" not in result.output  # no progress bar in a pipe
    built = runner.invoke(
        main,
        ["build", "--data", str(tmp_path / "s"), "--out", str(tmp_path / "o")],
        catch_exceptions=False,
    )
    assert built.exit_code == 0 and built.output.startswith("Built dataset synth")
    bad = runner.invoke(main, ["synth", "--entities", "5", "-o", str(tmp_path / "x")])
    assert bad.exit_code == 2


def test_progress_bar_shows_on_a_terminal(monkeypatch) -> None:
    import io
    import sys

    from ecograph.cli import Progress

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    screen = Terminal()
    monkeypatch.setattr(sys, "stderr", screen)
    progress = Progress()
    assert progress.enabled
    progress("reading a.yaml", 1, 3)
    progress("reading c.yaml", 3, 3)
    progress.close()
    assert "reading" in screen.getvalue() and "100%" in screen.getvalue()
