"""docs/ontology-terms.md is what docs/gen_ontology_terms.py generates from the ontology."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest
from rdflib import OWL, RDF, Graph, URIRef

from .conftest import REPO

GENERATOR = REPO / "docs" / "gen_ontology_terms.py"
PAGE = REPO / "docs" / "ontology-terms.md"


@pytest.fixture(scope="module")
def gen() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_ontology_terms", GENERATOR)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_ontology_terms_page_is_current(gen: ModuleType) -> None:
    expected = gen.render()
    current = PAGE.read_text(encoding="utf-8")
    assert current == expected, (
        "docs/ontology-terms.md is not what the ontology generates; run "
        "`python docs/gen_ontology_terms.py` and commit the result.\n"
        + gen.diff(current, expected, PAGE)
    )


def test_render_is_deterministic(gen: ModuleType) -> None:
    assert gen.render() == gen.render()


def test_every_term_of_the_ontology_is_on_the_page(gen: ModuleType) -> None:
    graph = Graph().parse(REPO / "ontology" / "ecograph.ttl")
    page = gen.render()
    eco = gen.ECO
    for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.NamedIndividual):
        for term in graph.subjects(RDF.type, kind):
            if isinstance(term, URIRef) and str(term).startswith(eco):
                name = str(term)[len(eco) :]
                assert f"| {name} |" in page, name
                assert f"- **{name}** —" in page, name


def test_check_mode(gen: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = tmp_path / "ontology-terms.md"
    assert gen.main(["--output", str(page)]) == 0
    first = page.read_bytes()
    assert gen.main(["--output", str(page)]) == 0
    assert page.read_bytes() == first  # same bytes on every run
    assert gen.main(["--check", "--output", str(page)]) == 0
    assert list(tmp_path.iterdir()) == [page]  # no temporary file left behind

    page.write_text(first.decode("utf-8").replace("| Entity |", "| Entty |"), encoding="utf-8")
    capsys.readouterr()
    assert gen.main(["--check", "--output", str(page)]) == 1
    err = capsys.readouterr().err
    assert "-| Entty |" in err and "+| Entity |" in err
    assert "run `python docs/gen_ontology_terms.py`" in err
