"""rdflib namespaces of the ontology and the vocabularies it aligns to, and the ontology graph.

What the loader accepts (classes, relations, attributes) is read by :mod:`ecograph.vocab`.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TypeVar

from rdflib import Graph, Namespace, URIRef

from .namespaces import ECO_NS, ECOSH_NS, ONTOLOGY_IRI_STR, PREFIX_IRIS, SPARQL_PREFIX_IRIS
from .resources import ontology_file

G = TypeVar("G", bound=Graph)

__all__ = [
    "ECO",
    "ECOSH",
    "ELI",
    "OA",
    "ONTOLOGY_IRI",
    "ORG",
    "PREFIXES",
    "QB",
    "SCHEMA",
    "SDMX_ATTR",
    "SDMX_DIM",
    "SDMX_MEASURE",
    "SPARQL_PREFIXES",
    "bind_prefixes",
    "ontology_graph",
]

ECO = Namespace(ECO_NS)
ECOSH = Namespace(ECOSH_NS)
ONTOLOGY_IRI = URIRef(ONTOLOGY_IRI_STR)
OA = Namespace("http://www.w3.org/ns/oa#")
QB = Namespace("http://purl.org/linked-data/cube#")
ORG = Namespace("http://www.w3.org/ns/org#")
SCHEMA = Namespace("https://schema.org/")
ELI = Namespace("http://data.europa.eu/eli/ontology#")
SDMX_DIM = Namespace("http://purl.org/linked-data/sdmx/2009/dimension#")
SDMX_MEASURE = Namespace("http://purl.org/linked-data/sdmx/2009/measure#")
SDMX_ATTR = Namespace("http://purl.org/linked-data/sdmx/2009/attribute#")

#: Prefixes bound in every serialization (see ecograph.namespaces), as rdflib namespaces.
PREFIXES: dict[str, Namespace] = {prefix: Namespace(iri) for prefix, iri in PREFIX_IRIS.items()}
SPARQL_PREFIXES: dict[str, Namespace] = {
    prefix: Namespace(iri) for prefix, iri in SPARQL_PREFIX_IRIS.items()
}


def bind_prefixes(graph: G, base: str | None = None) -> G:
    """Bind the ontology's prefixes (and ``data:`` to the entities of ``base``) on an rdflib
    graph or dataset, replacing rdflib's own bindings; returns the graph."""
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    if base is not None:
        graph.bind("data", base + "id/")
    return graph


@lru_cache(maxsize=8)
def _parse(path: str, mtime: float) -> Graph:
    return Graph().parse(path, format="turtle")


def ontology_graph(path: Path | None = None) -> Graph:
    """The ontology as an rdflib graph (parsed once per file version)."""
    path = path or ontology_file()
    return _parse(str(path), path.stat().st_mtime)
