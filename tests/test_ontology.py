"""The ontology files: every term labelled and defined in both languages, aligned to the
standard vocabularies, the looser mappings kept apart, and the shapes bilingual."""

from __future__ import annotations

import pytest
from rdflib import OWL, RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import SH, SKOS

from ecograph.ontology import ECO
from ecograph.resources import resource_path

ONTOLOGY = Graph().parse(resource_path("ontology", "ecograph.ttl"))
ALIGNMENTS = Graph().parse(resource_path("ontology", "alignments.ttl"))
SHAPES = Graph().parse(resource_path("ontology", "shapes.ttl"))

TERMS = sorted(
    s
    for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.NamedIndividual)
    for s in ONTOLOGY.subjects(RDF.type, kind)
    if isinstance(s, URIRef) and str(s).startswith(str(ECO))
)


def test_ontology_has_the_terms_of_the_source() -> None:
    local = {str(t)[len(str(ECO)) :] for t in TERMS}
    for name in (
        "GovernmentBody", "University", "NewTypeRDInstitution", "Laboratory", "ExpertWorkstation",
        "PilotPlatform", "TalentInnovationCentre", "Academician", "PolicyDocument", "Programme",
        "ResearchProject", "TechnologyAchievement", "Field", "Place", "InnovationZone",
        "Observation", "DocumentSection", "branchOf", "docNumber", "qualifier", "status", "planned",
    ):  # fmt: skip
        assert name in local
    assert len(TERMS) > 80


@pytest.mark.parametrize("term", TERMS, ids=lambda t: str(t).rsplit("#", 1)[-1])
def test_every_term_has_zh_and_en_label_and_definition(term: URIRef) -> None:
    for prop in (RDFS.label, SKOS.definition):
        langs = sorted(o.language for o in ONTOLOGY.objects(term, prop) if isinstance(o, Literal))
        assert langs == ["en", "zh"], (prop, langs)


def test_alignment_by_subclass_to_standard_vocabularies() -> None:
    supers = {str(o) for o in ONTOLOGY.objects(None, RDFS.subClassOf)} | {
        str(o) for o in ONTOLOGY.objects(None, RDFS.subPropertyOf)
    }
    for namespace in (
        "http://www.w3.org/ns/org#", "http://xmlns.com/foaf/0.1/", "https://schema.org/", "http://www.w3.org/ns/prov#",
        "http://www.w3.org/2004/02/skos/core#", "http://purl.org/dc/terms/", "http://purl.org/linked-data/cube#",
        "http://data.europa.eu/eli/ontology#",
    ):  # fmt: skip
        assert any(s.startswith(namespace) for s in supers), namespace


def test_vivo_and_frapo_only_in_the_alignment_file() -> None:
    for graph in (ONTOLOGY,):
        text = " ".join(str(t) for triple in graph for t in triple)
        assert "vivoweb.org" not in text and "purl.org/cerif/frapo" not in text
    header = URIRef("https://w3id.org/ecograph/ontology/alignments")
    predicates = {p for s, p, _ in ALIGNMENTS if s != header}
    assert predicates <= {
        SKOS.closeMatch,
        SKOS.exactMatch,
        SKOS.relatedMatch,
        SKOS.broadMatch,
        SKOS.narrowMatch,
    }
    objects = {str(o) for o in ALIGNMENTS.objects()}
    assert any("vivoweb.org" in o for o in objects) and any(
        "purl.org/cerif/frapo" in o for o in objects
    )


def test_object_properties_have_domain_or_range_where_listed() -> None:
    branch = ECO.branchOf
    assert ONTOLOGY.value(branch, RDFS.domain) == ECO.Organization
    assert ONTOLOGY.value(branch, RDFS.range) == ECO.Organization
    assert (ECO.collaboratesWith, RDF.type, OWL.SymmetricProperty) in ONTOLOGY


def test_every_shacl_message_is_bilingual() -> None:
    holders = set(SHAPES.subjects(SH.message, None))
    assert holders
    for holder in holders:
        langs = sorted(m.language for m in SHAPES.objects(holder, SH.message))
        assert langs == ["en", "zh"], holder
