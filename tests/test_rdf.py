"""The RDF the loader makes: a golden file of the test city, provenance reachable from SPARQL,
literals typed as the ontology says, and a second city that loads with no code change."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.compare import graph_diff, isomorphic, to_isomorphic
from rdflib.namespace import XSD

from ecograph.ontology import ECO, SPARQL_PREFIXES

from .conftest import GOLDEN

PREFIX_TEXT = "\n".join(f"PREFIX {p}: <{ns}>" for p, ns in SPARQL_PREFIXES.items())


def test_golden_turtle_of_the_test_city(shili_kg, update_golden: bool) -> None:
    golden = GOLDEN / "shili.ttl"
    actual = shili_kg.data_graph()
    if update_golden or not golden.exists():
        golden.write_text(actual.serialize(format="turtle"), encoding="utf-8")
    expected = Graph().parse(golden, format="turtle")
    if not isomorphic(actual, expected):
        _, only_actual, only_expected = graph_diff(to_isomorphic(actual), to_isomorphic(expected))
        raise AssertionError(
            "graph differs from tests/golden/shili.ttl (rerun with --update-golden if intended)\n"
            f"only in actual:\n{only_actual.serialize(format='nt')}\n"
            f"only in golden:\n{only_expected.serialize(format='nt')}"
        )


def test_every_statement_sits_in_a_cited_assertion_graph(shili_kg) -> None:
    ds = shili_kg.dataset
    default = ds.default_context.identifier
    described = set(ds.default_context.subjects(URIRef(str(ECO.citation)), None))
    for _, _, _, graph in ds.quads((None, None, None, None)):
        identifier = graph.identifier if hasattr(graph, "identifier") else graph
        if identifier in (default, URIRef("https://w3id.org/ecograph/ontology")):
            continue
        assert identifier in described, f"graph {identifier} has no citation"


def test_provenance_of_a_relation_from_sparql(shili_kg) -> None:
    query = (
        PREFIX_TEXT
        + """
    SELECT ?section ?quote ?status ?basis WHERE {
      GRAPH ?g { ?x eco:branchOf ?y }
      ?x skos:prefLabel "北城分中心"@zh . ?y skos:prefLabel "示例人才中心"@zh .
      ?g eco:citation ?c ; eco:status ?status ; eco:basis ?basis .
      ?c eco:section ?s ; oa:exact ?quote . ?s skos:prefLabel ?section .
      FILTER(lang(?section) = "zh")
    }"""
    )
    rows = list(shili_kg.dataset.query(query))
    assert [(str(r.section), str(r.quote), r.status, r.basis) for r in rows] == [
        ("二、人才与投入", "示例人才中心设立北城分中心", ECO.done, ECO.explicit)
    ]


def test_union_default_graph_needs_no_graph_clause(shili_kg) -> None:
    rows = list(shili_kg.dataset.query(PREFIX_TEXT + "SELECT ?x WHERE { ?x eco:branchOf ?y }"))
    assert len(rows) == 1


def test_planned_status_and_implied_basis(shili_kg) -> None:
    query = (
        PREFIX_TEXT
        + """
    SELECT ?label WHERE { ?x eco:status eco:planned ; skos:prefLabel ?label \
FILTER(lang(?label)="zh") }"""
    )
    assert [str(r.label) for r in shili_kg.dataset.query(query)] == ["示例中试基地"]
    query = PREFIX_TEXT + "SELECT (COUNT(?g) AS ?n) WHERE { ?g eco:basis eco:implied }"
    assert int(next(iter(shili_kg.dataset.query(query))).n) == 2


def test_observation_literals_are_exact_and_typed(shili_kg) -> None:
    obs = URIRef(shili_kg.iri("rd-spending-shili-2024"))
    graph = shili_kg.data_graph()
    assert graph.value(obs, ECO.value) == Literal("12.5", datatype=XSD.decimal, normalize=False)
    assert graph.value(obs, ECO.year) == Literal("2024", datatype=XSD.gYear, normalize=False)
    assert str(graph.value(obs, ECO.qualifier)) == "超"
    assert graph.value(obs, ECO.refArea) == URIRef(shili_kg.iri("shili"))


def test_citation_names_section_and_document(shili_kg) -> None:
    query = (
        PREFIX_TEXT
        + """
    SELECT DISTINCT ?doc WHERE { ?c a eco:Citation ; dct:source ?doc }"""
    )
    assert [str(r.doc) for r in shili_kg.dataset.query(query)] == [shili_kg.iri("briefing")]


def test_second_city_uses_its_own_base(shili_kg, ordos_kg) -> None:
    assert shili_kg.iri("shili").startswith("https://w3id.org/ecograph/shili/id/")
    assert ordos_kg.iri("ordos") == "https://w3id.org/ecograph/ordos/id/ordos"
    subjects = {str(s) for s in shili_kg.data_graph().subjects()}
    assert not any("/ordos/" in s for s in subjects)


def test_entity_iris_are_the_yaml_slugs(ordos_kg) -> None:
    prefix = ordos_kg.meta.base + "id/"
    slugs = {
        str(s)[len(prefix) :] for s in ordos_kg.data_graph().subjects() if str(s).startswith(prefix)
    }
    assert slugs == set(ordos_kg.data.records)


def test_no_phone_number_anywhere(tmp_path: Path, ordos_kg) -> None:
    import re

    text = ordos_kg.serialize("nquads")
    assert not re.search(r"[0-9]{3,4}-[0-9]{7,8}", text)  # no telephone number, in any form
