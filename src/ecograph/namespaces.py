"""Namespace IRIs as plain strings, for code that must not import rdflib (start-up paths)."""

from __future__ import annotations

__all__ = [
    "ECOSH_NS",
    "ECO_NS",
    "ONTOLOGY_IRI_STR",
    "PREFIX_IRIS",
    "RDF_TYPE",
    "SKOS_NS",
    "SPARQL_PREFIX_IRIS",
    "XSD_STRING",
    "is_iri",
    "sparql_prologue",
]

ECO_NS = "https://w3id.org/ecograph/ontology#"
ECOSH_NS = "https://w3id.org/ecograph/shapes#"
ONTOLOGY_IRI_STR = "https://w3id.org/ecograph/ontology"

#: Prefixes bound in every serialization. Dublin Core terms are written ``dcterms:`` in outputs
#: because rdflib rebinds that prefix on every graph it touches; SPARQL also knows ``dct:``.
PREFIX_IRIS: dict[str, str] = {
    "eco": ECO_NS,
    "ecosh": ECOSH_NS,
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "org": "http://www.w3.org/ns/org#",
    "schema": "https://schema.org/",
    "qb": "http://purl.org/linked-data/cube#",
    "oa": "http://www.w3.org/ns/oa#",
    "eli": "http://data.europa.eu/eli/ontology#",
    "sdmx-dimension": "http://purl.org/linked-data/sdmx/2009/dimension#",
    "sdmx-measure": "http://purl.org/linked-data/sdmx/2009/measure#",
    "sdmx-attribute": "http://purl.org/linked-data/sdmx/2009/attribute#",
}
#: Prefixes predeclared for SPARQL queries.
SPARQL_PREFIX_IRIS: dict[str, str] = {**PREFIX_IRIS, "dct": "http://purl.org/dc/terms/"}
SKOS_NS = PREFIX_IRIS["skos"]
XSD_STRING = PREFIX_IRIS["xsd"] + "string"
RDF_TYPE = PREFIX_IRIS["rdf"] + "type"


def sparql_prologue() -> str:
    """The predeclared prefixes as PREFIX lines, one per prefix, for text sent to a SPARQL
    parser."""
    return "".join(f"PREFIX {prefix}: <{iri}>\n" for prefix, iri in SPARQL_PREFIX_IRIS.items())


def is_iri(text: str) -> bool:
    """Whether ``text`` is an absolute IRI (RFC 3987) as the Oxigraph store accepts it."""
    from pyoxigraph import NamedNode

    try:
        NamedNode(text)
    except ValueError:
        return False
    return True
