"""Records → quads in one place: the N-Triples term writer is rdflib's byte for byte, the build
is what rdflib would write for it, and the layout (citation IRIs, graphs) is the loader's."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import Dataset, Literal, URIRef
from rdflib.plugins.serializers.nt import _quoteLiteral

from ecograph.loader import Citation
from ecograph.provenance import (
    citation_iri,
    dataset_quads,
    ntriples_iri,
    ntriples_literal,
    ntriples_string,
    to_dataset,
    to_nquads,
)

LANGS = st.sampled_from([None, "zh", "en", "zh-Hans", "en-GB"])
#: text as curated data holds it: any character but a lone surrogate (YAML cannot carry one)
TEXT = st.text(st.characters(exclude_categories=["Cs"]))
#: a datatype rdflib keeps the lexical form of (it would normalize xsd:integer "01" to "1")
DATATYPE = "https://example.org/datatype#opaque"


@settings(max_examples=500, deadline=None)
@given(TEXT, LANGS)
def test_literal_is_rdflibs_bytes(text: str, lang: str | None) -> None:
    assert ntriples_literal(text, lang) == _quoteLiteral(Literal(text, lang=lang))
    typed = Literal(text, datatype=URIRef(DATATYPE), normalize=False)
    assert ntriples_literal(text, datatype=DATATYPE) == _quoteLiteral(typed)


@settings(max_examples=200, deadline=None)
@given(TEXT, LANGS)
def test_nquads_line_is_rdflibs_serialization_and_parses_back(text: str, lang: str | None) -> None:
    s, p, g = "https://example.org/s", "https://example.org/p", "https://example.org/g"
    ds = Dataset()
    ds.graph(URIRef(g)).add((URIRef(s), URIRef(p), Literal(text, lang=lang)))
    ds.add((URIRef(s), URIRef(p), URIRef(g)))  # the default graph: "s p o  ."
    rdflib_text = ds.serialize(format="nquads")
    rdflib_bytes = ("\n".join(sorted({ln for ln in rdflib_text.split("\n") if ln})) + "\n").encode()
    quads = [
        (ntriples_iri(s), ntriples_iri(p), ntriples_literal(text, lang), ntriples_iri(g)),
        (ntriples_iri(s), ntriples_iri(p), ntriples_iri(g), ""),
    ]
    ours = to_nquads(quads)
    assert ours == rdflib_bytes
    parsed = {
        q for q in ox.parse(ours, format=ox.RdfFormat.N_QUADS) if isinstance(q.object, ox.Literal)
    }
    assert [q.object for q in parsed] == [ox.Literal(text, language=lang)]


@settings(max_examples=300, deadline=None)
@given(st.text())  # lone surrogates included: this form writes them as \uXXXX
def test_control_form_escapes_every_control_and_parses_back(text: str) -> None:
    written = ntriples_string(text, escape_controls=True)
    body = written[1:-1]
    assert not any(
        ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 or 0xD800 <= ord(c) < 0xE000 for c in body
    )
    if not any(0xD800 <= ord(c) < 0xE000 for c in text):
        line = f"<https://example.org/s> <https://example.org/p> {written} ."
        (triple,) = ox.parse(line.encode(), format=ox.RdfFormat.N_TRIPLES)
        assert triple.object.value == text


def test_escapes_by_hand() -> None:
    assert ntriples_string('a"b\\c\nd\re\tf') == '"a\\"b\\\\c\\nd\\re\tf"'
    assert ntriples_string('a"b\\c\n\t\b\f\x01\x7f\x85', escape_controls=True) == (
        '"a\\"b\\\\c\\n\\t\\b\\f\\u0001\\u007F\\u0085"'
    )
    assert ntriples_literal("鄂尔多斯", "zh") == '"鄂尔多斯"@zh'
    assert ntriples_literal("2024", datatype="http://www.w3.org/2001/XMLSchema#gYear") == (
        '"2024"^^<http://www.w3.org/2001/XMLSchema#gYear>'
    )
    with pytest.raises(ValueError):
        ntriples_literal("x", "zh", "http://www.w3.org/2001/XMLSchema#string")
    for bad in ("https://example.org/a b", "https://example.org/<x>", "no-scheme", ""):
        with pytest.raises(ValueError):
            ntriples_iri(bad)


def test_to_nquads_sorts_and_deduplicates() -> None:
    a = ("<https://example.org/a>", "<https://example.org/p>", '"x"', "")
    b = ("<https://example.org/b>", "<https://example.org/p>", '"y"', "<https://example.org/g>")
    assert to_nquads([b, a, b]) == (
        b'<https://example.org/a> <https://example.org/p> "x"  .\n'
        b'<https://example.org/b> <https://example.org/p> "y" <https://example.org/g> .\n'
    )
    assert to_nquads([]) == b"\n"


@pytest.mark.parametrize("fixture", ["ordos_kg", "shili_kg"])
def test_build_is_what_rdflib_writes_for_it(fixture: str, request: pytest.FixtureRequest) -> None:
    """rdflib reads the build and writes it back (as the build used to be written: rdflib's
    N-Quads, lines sorted) to the same bytes: every term is written as rdflib writes it."""
    kg = request.getfixturevalue(fixture)
    nquads = to_nquads(dataset_quads(kg.data))
    assert nquads == kg.quads().sorted_nquads() == kg.serialize("nquads").encode()
    # the build keeps the same lines in the writers' order
    assert sorted(kg.nquads().splitlines()) == nquads.splitlines()
    text = to_dataset(nquads, kg.meta.base).serialize(format="nquads")
    again = ("\n".join(sorted({line for line in text.split("\n") if line.strip()})) + "\n").encode()
    assert again == nquads


def test_layout_of_one_cited_relation(shili_kg) -> None:
    data = shili_kg.data
    record = next(r for r in data.records.values() if r.relations and r.relations[0].cites)
    rel = record.relations[0]
    base = data.meta.base
    graph = f"<{base}assertion/{record.id}/{rel.prop}/{rel.target}>"
    cite = f"<{citation_iri(base, rel.cites[0])}>"
    quads = set(dataset_quads(data, include_ontology=False))
    subject = f"<{base}id/{record.id}>"
    assert (
        subject,
        f"<https://w3id.org/ecograph/ontology#{rel.prop}>",
        f"<{base}id/{rel.target}>",
        graph,
    ) in quads
    assert (graph, "<https://w3id.org/ecograph/ontology#citation>", cite, "") in quads
    assert not any(q[3] == "<https://w3id.org/ecograph/ontology>" for q in quads)


def test_citation_iri_ignores_white_space() -> None:
    one = citation_iri("https://example.org/", Citation("s1", "鄂尔多斯 实验室"))
    assert one == citation_iri("https://example.org/", Citation("s1", "鄂尔多斯实验室"))
    assert one.startswith("https://example.org/citation/s1-") and len(one.rsplit("-", 1)[1]) == 10
