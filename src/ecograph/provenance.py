"""Records → quads: the provenance layout, written down in one place.

Every way ecograph writes a dataset as RDF goes through :func:`dataset_quads`: the loader's
build (ordered once by :class:`ecograph.rdfwrite.Statements`, whose N-Quads are what the build
cache keeps and Oxigraph loads, and which the TriG, Turtle, N-Triples and JSON-LD writers
write), the rdflib ``Dataset`` of the memory store (:func:`to_dataset`, parsed from those
N-Quads) and ``ecograph synth`` (:func:`to_nquads`: lines sorted).

The layout (see ``docs/data-model.md``): each entity record, each relation and each observation
is one named graph (an *assertion*, ``{base}assertion/{id}`` and
``{base}assertion/{id}/{property}/{target}``); the default graph describes the dataset, every
assertion (subject, status, basis, citations, notes) and every citation
(``{base}citation/{section}-{quote hash}``: its section, verbatim quote and source document).
The ontology, when included, is the named graph ``https://w3id.org/ecograph/ontology``.

A quad is four N-Quads terms as text (subject, predicate, object, graph; the graph is ``""``
for the default graph). Terms are written by :func:`ntriples_iri` and :func:`ntriples_literal`,
the one N-Triples term writer of the package. Their bytes are those rdflib's N-Quads serializer
wrote when it made the build, so the build's bytes did not change when this module replaced it.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .namespaces import ECO_NS, ONTOLOGY_IRI_STR, PREFIX_IRIS

if TYPE_CHECKING:
    from rdflib import Dataset

    from .loader import Citation, LoadedData

__all__ = [
    "Quad",
    "citation_iri",
    "dataset_quads",
    "ntriples_iri",
    "ntriples_literal",
    "ntriples_string",
    "ontology_quads",
    "to_dataset",
    "to_nquads",
]

#: subject, predicate, object, graph: N-Quads terms as text; graph ``""`` is the default graph
Quad = tuple[str, str, str, str]

# --------------------------------------------------------------------------- terms

#: what an IRI may not hold in N-Triples (IRIREF), nor in a SPARQL query sent to a server
_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:[^\x00-\x20<>\"{}|^`\\\x7f]*")
#: the escapes N-Triples, N-Quads, Turtle and SPARQL share (ECHAR)
_ECHAR = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
#: what the ``escape_controls`` form escapes: ECHAR's characters, the other C0 and C1 controls,
#: DEL and lone surrogates (written ``\\uXXXX``)
_CONTROLS = re.compile('[\\\\"\x00-\x1f\x7f-\x9f\ud800-\udfff]')


def _control_escape(match: re.Match[str]) -> str:
    ch = match.group(0)
    return _ECHAR.get(ch) or f"\\u{ord(ch):04X}"


def ntriples_string(text: str, *, escape_controls: bool = False) -> str:
    """``text`` as a quoted N-Triples string (also valid Turtle and SPARQL).

    By default only what must be escaped is (``\\``, ``"``, line feed, carriage return): the
    canonical form of RDF 1.1 N-Triples, and the bytes of the build. ``escape_controls`` also
    writes tab, backspace and form feed as ``\\t \\b \\f`` and every other control character,
    DEL and lone surrogate as ``\\uXXXX``: for text that meets other programs (TSV results, a
    query sent to a server), where a raw control character is legal but fragile.
    """
    if escape_controls:
        return '"' + _CONTROLS.sub(_control_escape, text) + '"'
    return (
        '"'
        + text.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"').replace("\r", "\\r")
        + '"'
    )


def ntriples_literal(
    text: str,
    lang: str | None = None,
    datatype: str | None = None,
    *,
    escape_controls: bool = False,
) -> str:
    """A literal as one N-Triples term: ``"text"@lang``, ``"text"^^<datatype>`` or ``"text"``.

    ``datatype`` is written whenever it is given (``xsd:string`` included: leaving it out for a
    plain string is the caller's choice), as given (check an IRI from outside with
    :func:`ntriples_iri`); a literal cannot have both. ``escape_controls``: see
    :func:`ntriples_string`.
    """
    quoted = ntriples_string(text, escape_controls=escape_controls)
    if lang:
        if datatype:
            raise ValueError("a literal has a language or a datatype, not both")
        return f"{quoted}@{lang}"
    if datatype:
        return f"{quoted}^^<{datatype}>"
    return quoted


def ntriples_iri(iri: str) -> str:
    """An absolute IRI as one N-Triples term, ``<iri>``; :class:`ValueError` for text that is
    not one or holds a character an IRI reference cannot (space, ``<>"{}|^`\\``, controls)."""
    if not _IRI.fullmatch(iri):
        raise ValueError(f"not an IRI that N-Triples can write: {iri!r}")
    return f"<{iri}>"


def _rdflib_term(term: Any) -> str:
    """An rdflib term (of a parsed ontology) as one N-Triples term."""
    from rdflib import BNode, Literal

    if isinstance(term, Literal):
        datatype = term.datatype
        return ntriples_literal(str(term), term.language, str(datatype) if datatype else None)
    if isinstance(term, BNode):
        return f"_:{term}"
    return ntriples_iri(str(term))


# --------------------------------------------------------------------------- the layout

_RDF = PREFIX_IRIS["rdf"]
_XSD = PREFIX_IRIS["xsd"]
_SKOS = PREFIX_IRIS["skos"]
_DCT = PREFIX_IRIS["dcterms"]
_OA = PREFIX_IRIS["oa"]
_QB = PREFIX_IRIS["qb"]

_A = f"<{_RDF}type>"
_PREF_LABEL = f"<{_SKOS}prefLabel>"
_ALT_LABEL = f"<{_SKOS}altLabel>"
_DEFINITION = f"<{_SKOS}definition>"
_EDITORIAL_NOTE = f"<{_SKOS}editorialNote>"
_ASSERTION = f"<{ECO_NS}Assertion>"
_ASSERTION_ABOUT = f"<{ECO_NS}assertionAbout>"
_STATUS = f"<{ECO_NS}status>"
_BASIS = f"<{ECO_NS}basis>"
_CITATION = f"<{ECO_NS}citation>"
_DEFAULT = ""
#: the datatypes a value is written with (by the local name of its property's range); a value
#: of any other range is a plain string
_DATATYPES = {name: f"<{_XSD}{name}>" for name in ("gYear", "date", "decimal", "integer")}


def citation_iri(base: str, cite: Citation) -> str:
    """The IRI (not the term) of a citation: ``{base}citation/{section}-{hash}``, the hash being
    the first 10 hex digits of the SHA-1 of the quote without white space, so one quote of one
    section is one citation wherever it is cited."""
    from .loader import normalize_text

    text = normalize_text(cite.quote).encode("utf-8")
    digest = hashlib.sha1(text, usedforsecurity=False).hexdigest()[:10]
    return f"{base}citation/{cite.section}-{digest}"


def dataset_quads(
    data: LoadedData, ontology: Path | None = None, *, include_ontology: bool = True
) -> list[Quad]:
    """Every statement of checked records (and of the ontology, in its own graph) as quads of
    N-Quads terms, in no particular order and possibly repeated (:func:`to_nquads` and
    :class:`ecograph.rdfwrite.Statements` order them, each once)."""
    from .loader import _document_of, decimal_lexical
    from .vocab import vocabulary

    vocab = vocabulary(ontology)
    meta, records = data.meta, data.records
    base = meta.base
    ntriples_iri(base)  # checked by the loader; the IRIs below are it and checked slugs
    quads: list[Quad] = []
    add = quads.append
    lit = ntriples_literal

    def iri(slug: str) -> str:
        return f"<{base}id/{slug}>"

    dataset = f"<{base}dataset>"
    add((dataset, _A, f"<{ECO_NS}Dataset>", _DEFAULT))
    for lang, text in sorted(meta.title.items()):
        add((dataset, f"<{_DCT}title>", lit(text, lang), _DEFAULT))
    for lang, text in sorted(meta.description.items()):
        add((dataset, f"<{_DCT}description>", lit(text, lang), _DEFAULT))
    if meta.license:
        add((dataset, f"<{_DCT}license>", ntriples_iri(meta.license), _DEFAULT))
    for doc in sorted(meta.sources):
        add((dataset, f"<{_DCT}source>", iri(doc), _DEFAULT))

    citations: dict[Citation, str] = {}

    def citation(cite: Citation) -> str:
        node = citations.get(cite)
        if node is None:
            node = citations[cite] = f"<{citation_iri(base, cite)}>"
            add((node, _A, f"<{ECO_NS}Citation>", _DEFAULT))
            add((node, _A, f"<{_OA}TextQuoteSelector>", _DEFAULT))
            add((node, f"<{_OA}exact>", lit(cite.quote, "zh"), _DEFAULT))
            add((node, f"<{ECO_NS}section>", iri(cite.section), _DEFAULT))
        return node

    def assertion(
        graph: str, subject: str, status: str, basis: str, cites: list[Citation], note: dict
    ) -> None:
        add((graph, _A, _ASSERTION, _DEFAULT))
        add((graph, _ASSERTION_ABOUT, subject, _DEFAULT))
        add((graph, _STATUS, f"<{ECO_NS}{status}>", _DEFAULT))
        add((graph, _BASIS, f"<{ECO_NS}{basis}>", _DEFAULT))
        for cite in cites:
            add((graph, _CITATION, citation(cite), _DEFAULT))
        for lang, text in sorted(note.items()):
            add((graph, _EDITORIAL_NOTE, lit(text, lang), _DEFAULT))

    def typed(value: str, range_iri: Any) -> str:
        name = str(range_iri).rsplit("#", 1)[-1]
        if name == "decimal":
            value = decimal_lexical(value)
        datatype = _DATATYPES.get(name)
        return lit(value) + "^^" + datatype if datatype else lit(value)

    for rid in sorted(records):
        record = records[rid]
        subject = iri(rid)
        graph = f"<{base}assertion/{rid}>"
        assertion(graph, subject, record.status or "done", "explicit", record.cites, {})
        for type_name in record.types:
            add((subject, _A, f"<{ECO_NS}{type_name}>", graph))
        for lang, text in sorted(record.note.items()):
            add((subject, _EDITORIAL_NOTE, lit(text, lang), graph))
        if record.is_observation:
            obs = record.observation
            add((subject, f"<{_QB}dataSet>", dataset, graph))
            for key in ("indicator", "area", "scope", "about", "unit"):
                if key in obs:
                    local = "refArea" if key == "area" else key
                    add((subject, f"<{ECO_NS}{local}>", iri(obs[key]), graph))
            add((subject, f"<{ECO_NS}value>", typed(obs["value"], "decimal"), graph))
            if "year" in obs:
                add((subject, f"<{ECO_NS}year>", typed(obs["year"], "gYear"), graph))
            for lang, text in sorted(obs.get("period", {}).items()):
                add((subject, f"<{ECO_NS}periodNote>", lit(text, lang), graph))
            if "qualifier" in obs:
                add((subject, f"<{ECO_NS}qualifier>", lit(obs["qualifier"]), graph))
            continue
        for lang, text in sorted(record.labels.items()):
            add((subject, _PREF_LABEL, lit(text, lang), graph))
        for lang in sorted(record.alt_labels):
            for text in record.alt_labels[lang]:
                add((subject, _ALT_LABEL, lit(text, lang), graph))
        for lang, text in sorted(record.definition.items()):
            add((subject, _DEFINITION, lit(text, lang), graph))
        if record.status:
            add((subject, _STATUS, f"<{ECO_NS}{record.status}>", graph))
        for key in sorted(record.attributes):
            value = record.attributes[key]
            prop = f"<{ECO_NS}{key}>"
            if isinstance(value, dict):
                for lang, text in sorted(value.items()):
                    add((subject, prop, lit(text, lang), graph))
            else:
                add((subject, prop, typed(value, vocab.datatype_properties[key]), graph))
        for rel in record.relations:
            rel_graph = f"<{base}assertion/{rid}/{rel.prop}/{rel.target}>"
            assertion(rel_graph, subject, rel.status, rel.basis, rel.cites, rel.note)
            add((subject, f"<{ECO_NS}{rel.prop}>", iri(rel.target), rel_graph))
    for cite, node in citations.items():
        document = _document_of(records[cite.section], records, meta.sources)
        if document:
            add((node, f"<{_DCT}source>", iri(document), _DEFAULT))
    if include_ontology:
        quads.extend(ontology_quads(ontology))
    return quads


def ontology_quads(path: Path | None = None) -> tuple[Quad, ...]:
    """The ontology's statements in its named graph (parsed once per file version)."""
    from .resources import ontology_file

    path = path or ontology_file()
    stat = path.stat()
    return _ontology_quads(str(path), stat.st_mtime, stat.st_size)


@lru_cache(maxsize=8)
def _ontology_quads(path: str, mtime: float, size: int) -> tuple[Quad, ...]:
    from .ontology import ontology_graph

    graph = ntriples_iri(ONTOLOGY_IRI_STR)
    return tuple(
        (_rdflib_term(s), _rdflib_term(p), _rdflib_term(o), graph)
        for s, p, o in ontology_graph(Path(path))
    )


# --------------------------------------------------------------------------- documents


def to_nquads(quads: Iterable[Quad]) -> bytes:
    """Quads as an N-Quads document: one line per distinct quad, lines sorted (by code point,
    which is the order of their UTF-8 bytes), ending in a newline. A default-graph line has two
    spaces before its final dot, as rdflib wrote it."""
    lines = sorted({f"{s} {p} {o} {g} ." for s, p, o, g in quads})
    try:
        return ("\n".join(lines) + "\n").encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: written as "?", as rdflib did
        encoded = sorted({line.encode("utf-8", "replace") for line in lines})
        return b"\n".join(encoded) + b"\n"


def to_dataset(nquads: bytes, base: str | None = None) -> Dataset:
    """An rdflib ``Dataset`` (default graph = union of every graph) of an N-Quads document, with
    the ontology's prefixes (and ``data:`` for the entities of ``base``) bound."""
    from rdflib import Dataset

    from .ontology import bind_prefixes

    dataset = Dataset(default_union=True)
    bind_prefixes(dataset, base)
    dataset.parse(data=nquads.decode("utf-8"), format="nquads")
    return dataset
