"""Namespaces, and the vocabulary the loader accepts, read from ``ontology/ecograph.ttl``.

The loader does not hard-code which classes, relations and attributes exist: it asks the
ontology. Adding a class or property to the Turtle file makes it usable in YAML at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from rdflib import OWL, RDF, RDFS, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, PROV, SKOS

from .resources import ontology_file

__all__ = [
    "ECO",
    "ECOSH",
    "ONTOLOGY_IRI",
    "PREFIXES",
    "SPARQL_PREFIXES",
    "Vocabulary",
    "vocabulary",
    "OA",
    "QB",
    "ORG",
    "SCHEMA",
    "ELI",
    "SDMX_DIM",
    "SDMX_MEASURE",
    "SDMX_ATTR",
]

ECO = Namespace("https://w3id.org/ecograph/ontology#")
ECOSH = Namespace("https://w3id.org/ecograph/shapes#")
ONTOLOGY_IRI = URIRef("https://w3id.org/ecograph/ontology")
OA = Namespace("http://www.w3.org/ns/oa#")
QB = Namespace("http://purl.org/linked-data/cube#")
ORG = Namespace("http://www.w3.org/ns/org#")
SCHEMA = Namespace("https://schema.org/")
ELI = Namespace("http://data.europa.eu/eli/ontology#")
SDMX_DIM = Namespace("http://purl.org/linked-data/sdmx/2009/dimension#")
SDMX_MEASURE = Namespace("http://purl.org/linked-data/sdmx/2009/measure#")
SDMX_ATTR = Namespace("http://purl.org/linked-data/sdmx/2009/attribute#")

#: Prefixes bound in every serialization and predeclared for SPARQL. Dublin Core terms are
#: written ``dcterms:`` in outputs because rdflib rebinds that prefix on every graph it touches;
#: ``dct:`` is predeclared for SPARQL as well (see SPARQL_PREFIXES).
PREFIXES: dict[str, Namespace] = {
    "eco": ECO,
    "ecosh": ECOSH,
    "rdf": Namespace(str(RDF)),
    "rdfs": Namespace(str(RDFS)),
    "owl": Namespace(str(OWL)),
    "xsd": Namespace(str(XSD)),
    "skos": Namespace(str(SKOS)),
    "dcterms": Namespace(str(DCTERMS)),
    "prov": Namespace(str(PROV)),
    "foaf": Namespace(str(FOAF)),
    "org": ORG,
    "schema": SCHEMA,
    "qb": QB,
    "oa": OA,
    "eli": ELI,
    "sdmx-dimension": SDMX_DIM,
    "sdmx-measure": SDMX_MEASURE,
    "sdmx-attribute": SDMX_ATTR,
}

SPARQL_PREFIXES: dict[str, Namespace] = {**PREFIXES, "dct": Namespace(str(DCTERMS))}


@dataclass(frozen=True)
class Vocabulary:
    """What the ontology declares, by local name."""

    classes: frozenset[str]
    object_properties: frozenset[str]
    #: datatype property local name -> range datatype IRI (xsd:string, rdf:langString, …)
    datatype_properties: dict[str, URIRef] = field(default_factory=dict)
    #: class local name -> all its eco: superclasses, itself included
    superclasses: dict[str, frozenset[str]] = field(default_factory=dict)
    #: object property local name -> eco: class local name of its rdfs:domain / rdfs:range
    domains: dict[str, str] = field(default_factory=dict)
    ranges: dict[str, str] = field(default_factory=dict)
    #: term IRI -> {"zh": label, "en": label}
    labels: dict[URIRef, dict[str, str]] = field(default_factory=dict)
    graph: Graph | None = None

    def is_a(self, class_name: str, ancestor: str) -> bool:
        return ancestor in self.superclasses.get(class_name, frozenset())


def _local(iri: URIRef) -> str | None:
    text = str(iri)
    return text[len(str(ECO)) :] if text.startswith(str(ECO)) else None


@lru_cache(maxsize=8)
def _read(path: str, mtime: float) -> Vocabulary:
    graph = Graph()
    graph.parse(path, format="turtle")
    classes = {_local(s) for s in graph.subjects(RDF.type, OWL.Class)}
    objects = {_local(s) for s in graph.subjects(RDF.type, OWL.ObjectProperty)}
    datatypes: dict[str, URIRef] = {}
    for prop in graph.subjects(RDF.type, OWL.DatatypeProperty):
        name = _local(prop)
        if name:
            rng = graph.value(prop, RDFS.range)
            datatypes[name] = rng if isinstance(rng, URIRef) else XSD.string
    classes.discard(None)
    objects.discard(None)
    supers: dict[str, frozenset[str]] = {}
    for name in classes:
        closure = {
            _local(c) for c in graph.transitive_objects(ECO[name], RDFS.subClassOf)  # type: ignore[arg-type]
        }
        closure.discard(None)
        supers[name] = frozenset(closure)  # type: ignore[arg-type]
    domains: dict[str, str] = {}
    ranges: dict[str, str] = {}
    for name in objects:
        if name is None:
            continue
        for target, pred in ((domains, RDFS.domain), (ranges, RDFS.range)):
            value = graph.value(ECO[name], pred)
            local = _local(value) if isinstance(value, URIRef) else None
            if local and local != "Entity":
                target[name] = local
    labels: dict[URIRef, dict[str, str]] = {}
    for subject, label in graph.subject_objects(RDFS.label):
        if isinstance(subject, URIRef) and isinstance(label, Literal) and label.language:
            labels.setdefault(subject, {})[label.language] = str(label)
    return Vocabulary(
        classes=frozenset(classes),  # type: ignore[arg-type]
        object_properties=frozenset(objects),  # type: ignore[arg-type]
        datatype_properties=datatypes,
        superclasses=supers,
        domains=domains,
        ranges=ranges,
        labels=labels,
        graph=graph,
    )


def vocabulary(path: Path | None = None) -> Vocabulary:
    """Read (and cache) the vocabulary of the ontology at ``path`` (default: the bundled one)."""
    path = path or ontology_file()
    return _read(str(path), path.stat().st_mtime)
