"""The vocabulary the loader accepts, read from ``ontology/ecograph.ttl``.

The loader does not hard-code which classes, relations and attributes exist: it asks the
ontology. Adding a class or property to the Turtle file makes it usable in YAML at once. The
result is cached (see :mod:`ecograph.cache`), so commands that only read a built graph never
need to parse the ontology or import rdflib.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .namespaces import ECO_NS, XSD_STRING
from .resources import ontology_file

__all__ = ["Vocabulary", "require_kinds", "vocabulary"]


@dataclass(frozen=True)
class Vocabulary:
    """What the ontology declares, by local name."""

    classes: frozenset[str]
    object_properties: frozenset[str]
    #: datatype property local name -> range datatype IRI (xsd:string, rdf:langString, …)
    datatype_properties: dict[str, str] = field(default_factory=dict)
    #: class local name -> all its eco: superclasses, itself included
    superclasses: dict[str, frozenset[str]] = field(default_factory=dict)
    #: object property local name -> eco: class local name of its rdfs:domain / rdfs:range
    domains: dict[str, str] = field(default_factory=dict)
    ranges: dict[str, str] = field(default_factory=dict)
    #: term IRI -> {"zh": label, "en": label}
    labels: dict[str, dict[str, str]] = field(default_factory=dict)

    def is_a(self, class_name: str, ancestor: str) -> bool:
        return ancestor in self.superclasses.get(class_name, frozenset())

    def is_any(self, kinds: Iterable[str], ancestors: Iterable[str]) -> bool:
        """Whether any of ``kinds`` is one of ``ancestors`` or descends from one."""
        wanted = frozenset(ancestors)
        return any(wanted & self.superclasses.get(kind, frozenset()) for kind in kinds)

    def term_labels(self, local_name: str) -> dict[str, str]:
        """The zh/en labels of an ``eco:`` term."""
        return dict(self.labels.get(ECO_NS + local_name, {}))


def _local(iri: object) -> str | None:
    text = str(iri)
    return text[len(ECO_NS) :] if text.startswith(ECO_NS) else None


def _read(path: Path) -> Vocabulary:
    from rdflib import OWL, RDF, RDFS, Literal, URIRef

    from .ontology import ontology_graph

    graph = ontology_graph(path)
    eco = lambda name: URIRef(ECO_NS + name)  # noqa: E731
    classes = {n for n in map(_local, graph.subjects(RDF.type, OWL.Class)) if n}
    objects = {n for n in map(_local, graph.subjects(RDF.type, OWL.ObjectProperty)) if n}
    datatypes: dict[str, str] = {}
    for prop in graph.subjects(RDF.type, OWL.DatatypeProperty):
        name = _local(prop)
        if name:
            rng = graph.value(prop, RDFS.range)
            datatypes[name] = str(rng) if isinstance(rng, URIRef) else XSD_STRING
    supers = {
        name: frozenset(
            n for n in map(_local, graph.transitive_objects(eco(name), RDFS.subClassOf)) if n
        )
        for name in classes
    }
    domains: dict[str, str] = {}
    ranges: dict[str, str] = {}
    for name in objects:
        for target, pred in ((domains, RDFS.domain), (ranges, RDFS.range)):
            local = _local(graph.value(eco(name), pred))
            if local and local != "Entity":
                target[name] = local
    labels: dict[str, dict[str, str]] = {}
    for subject, label in graph.subject_objects(RDFS.label):
        if isinstance(subject, URIRef) and isinstance(label, Literal) and label.language:
            labels.setdefault(str(subject), {})[label.language] = str(label)
    return Vocabulary(
        frozenset(classes), frozenset(objects), datatypes, supers, domains, ranges, labels
    )


@lru_cache(maxsize=8)
def _cached(path: str, mtime: float, size: int) -> Vocabulary:
    from . import cache

    file = Path(path)
    key = cache.content_key(file, extra="vocabulary")
    entry = cache.get("vocabulary", key)
    if entry is not None and isinstance(entry.get("vocabulary"), Vocabulary):
        return entry["vocabulary"]
    vocab = _read(file)
    cache.put("vocabulary", key, {"vocabulary": vocab})
    return vocab


def require_kinds(kinds: list[str] | tuple[str, ...], param: str = "kinds") -> None:
    """Raise :class:`~ecograph.errors.UsageError` (about the argument ``param``) for the first
    name that is not a class of the ontology."""
    from .errors import UsageError

    known = vocabulary().classes
    for kind in kinds:
        if kind not in known:
            raise UsageError(f"unknown kind {kind!r}", param=param)


def vocabulary(path: Path | None = None) -> Vocabulary:
    """The vocabulary of the ontology at ``path`` (default: the bundled one)."""
    path = path or ontology_file()
    stat = path.stat()
    return _cached(str(path), stat.st_mtime, stat.st_size)
