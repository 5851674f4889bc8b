"""The RDF writers (TriG, Turtle, N-Triples, JSON-LD): every output reads back as exactly the
statements of the build, with two independent parsers (Oxigraph's and rdflib's), in one fixed
order, for the bundled data and for random statements."""

from __future__ import annotations

import json
import re

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import Dataset, Graph

from ecograph import rdfwrite
from ecograph.errors import OutputError

FORMATS = {
    "trig": ox.RdfFormat.TRIG,
    "jsonld": ox.RdfFormat.JSON_LD,
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
}


def _quads(kg) -> set:
    return set(ox.parse(kg.nquads(), format=ox.RdfFormat.N_QUADS))


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_every_format_reads_back_as_the_build_with_oxigraph(ordos_kg, fmt: str) -> None:
    text = ordos_kg.serialize(fmt)
    parsed = set(ox.parse(text.encode("utf-8"), format=FORMATS[fmt]))
    expected = _quads(ordos_kg)
    if fmt in ("turtle", "ntriples"):  # flattened: every graph's triples in one graph
        parsed = {quad.triple for quad in parsed}
        expected = {quad.triple for quad in expected}
    assert parsed == expected
    assert len(expected) > 5000


@pytest.mark.parametrize("fmt,rdflib_format", [("trig", "trig"), ("jsonld", "json-ld")])
def test_graph_formats_read_back_with_rdflib(shili_kg, fmt: str, rdflib_format: str) -> None:
    expected = Dataset()
    expected.parse(data=shili_kg.nquads().decode("utf-8"), format="nquads")
    parsed = Dataset()
    parsed.parse(data=shili_kg.serialize(fmt), format=rdflib_format)
    assert set(parsed.quads()) == set(expected.quads())
    graphs = {g.identifier for g in parsed.graphs()}
    assert (
        len(graphs) == 1 + shili_kg.stats().named_graphs
    )  # the named graphs and the default graph


def test_turtle_reads_back_with_rdflib(shili_kg) -> None:
    expected = {(s, p, o) for s, p, o, _ in shili_kg.dataset.quads()}
    assert set(Graph().parse(data=shili_kg.serialize("turtle"), format="turtle")) == expected


def test_trig_writes_the_default_graph_first_then_named_graphs_in_iri_order(ordos_kg) -> None:
    text = ordos_kg.serialize("trig")
    prefixes = rdfwrite.prefixes_for(ordos_kg.meta.base)
    header = [line for line in text.splitlines() if line.startswith("@prefix")]
    # Oxigraph writes the prefixes longest IRI first (a fixed order, whatever the process)
    assert sorted(header) == sorted(f"@prefix {p}: <{iri}> ." for p, iri in prefixes.items())
    names = re.findall(r"^(\S+) \{$", text, re.M)
    expanded = [
        n[1:-1] if n.startswith("<") else prefixes[n.split(":")[0]] + n.split(":", 1)[1]
        for n in names
    ]
    assert expanded == sorted(expanded) and len(expanded) == ordos_kg.stats().named_graphs
    first_graph = text.index(names[0] + " {")
    assert "eco:Citation" in text[:first_graph]  # the provenance (default graph) comes first


def test_jsonld_is_compacted_with_the_prefixes(ordos_kg) -> None:
    document = json.loads(ordos_kg.serialize("jsonld"))
    assert document["@context"] == dict(sorted(rdfwrite.prefixes_for(ordos_kg.meta.base).items()))
    top = {node["@id"]: node for node in document["@graph"]}
    # a statement's named graph hangs on the node that describes it (status, basis, citations)
    holders = [node for node in top.values() if "@graph" in node]
    assert len(holders) == ordos_kg.stats().named_graphs
    described = [node for node in holders if "eco:status" in node]
    assert len(described) == len(holders) - 1  # all but the ontology's graph
    assert {node["eco:basis"]["@id"] for node in described} == {"eco:explicit", "eco:implied"}
    lab = [
        inner for node in holders for inner in _as_list(node["@graph"])
        if inner["@id"] == "data:ordos-laboratory" and "skos:prefLabel" in inner
    ]  # fmt: skip
    assert len(lab) == 1
    assert {"@language": "zh", "@value": "鄂尔多斯实验室"} in _as_list(lab[0]["skos:prefLabel"])
    assert {"eco:Laboratory", "eco:NewTypeRDInstitution"} <= set(_as_list(lab[0].get("@type", [])))


def _as_list(value):
    return value if isinstance(value, list) else [value]


def test_outputs_are_the_same_bytes_from_shuffled_input(shili_kg) -> None:
    lines = shili_kg.nquads().decode("utf-8").splitlines()
    shuffled = ("\n".join(reversed(lines)) + "\n").encode("utf-8")
    prefixes = rdfwrite.prefixes_for(shili_kg.meta.base)
    first, second = rdfwrite.sorted_quads(shili_kg.nquads()), rdfwrite.sorted_quads(shuffled)
    assert first == second
    for write in (rdfwrite.to_trig, rdfwrite.to_turtle, rdfwrite.to_jsonld):
        assert write(first, prefixes) == write(second, prefixes)


def test_jsonld_refuses_an_iri_whose_scheme_is_a_prefix() -> None:
    quads = rdfwrite.sorted_quads(b'<data:text/plain,x> <http://example.org/p> "v" .\n')
    with pytest.raises(OutputError, match=r"<data:text/plain,x>.*scheme data: is also a prefix"):
        rdfwrite.to_jsonld(quads, rdfwrite.prefixes_for("https://example.org/city/"))
    # the other formats write it as a full IRI
    text = rdfwrite.to_trig(quads, rdfwrite.prefixes_for("https://example.org/city/"))
    assert set(ox.parse(text.encode(), format=ox.RdfFormat.TRIG)) == set(quads)


# ---------------------------------------------------------------- random statements

BASE = "https://example.org/city/"
PREFIXES = rdfwrite.prefixes_for(BASE)
# local parts that are easy (a-z), hard for compact IRIs ("//…", ":", "#") and non-ASCII
_local = st.lists(
    st.sampled_from(["a", "z", "0", "9", "-", "_", ".", "/", "#", ":", "~", "//", "中", "é"]),
    max_size=6,
).map("".join)
_namespace = st.sampled_from(
    [PREFIXES["data"], PREFIXES["eco"], PREFIXES["skos"], "http://other.example/", BASE]
)


def _iri_or_none(text: str):
    try:
        return ox.NamedNode(text)
    except ValueError:  # a second "#", say
        return None


iris = st.builds(lambda ns, local: _iri_or_none(ns + local), _namespace, _local).filter(
    lambda iri: iri is not None
)
blank = st.builds(ox.BlankNode, st.from_regex(r"b[a-z0-9]{0,5}", fullmatch=True))
_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12)
literals = st.one_of(
    st.builds(ox.Literal, _text),
    st.builds(
        lambda v, lang: ox.Literal(v, language=lang),
        _text,
        st.sampled_from(["zh", "en", "zh-Hans", "en-GB"]),
    ),
    st.builds(
        lambda v, d: ox.Literal(v, language="ar", direction=d),
        _text,
        st.sampled_from([ox.BaseDirection.LTR, ox.BaseDirection.RTL]),
    ),
    st.builds(
        lambda n: ox.Literal(str(n), datatype=ox.NamedNode(PREFIXES["xsd"] + "integer")),
        st.integers(),
    ),
    st.builds(
        lambda v: ox.Literal(v, datatype=ox.NamedNode(PREFIXES["xsd"] + "decimal")),
        st.sampled_from(["1.0", "0.50", "-3", "1"]),
    ),
    st.builds(
        lambda v: ox.Literal(v, datatype=ox.NamedNode(PREFIXES["xsd"] + "gYear")),
        st.sampled_from(["2024", "2025"]),
    ),
    st.builds(lambda v: ox.Literal(v, datatype=ox.NamedNode("http://other.example/dt")), _text),
)
rdf_type = st.just(ox.NamedNode(PREFIXES["rdf"] + "type"))
quads = st.builds(
    ox.Quad,
    st.one_of(iris, blank),
    st.one_of(iris, rdf_type),
    st.one_of(iris, blank, literals),
    st.one_of(st.just(ox.DefaultGraph()), iris),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(quads, max_size=25))
def test_random_statements_read_back_from_every_writer(statements) -> None:
    nquads = ox.serialize(statements, format=ox.RdfFormat.N_QUADS) or b""
    ordered = rdfwrite.sorted_quads(nquads)
    expected = set(statements)
    assert set(ordered) == expected and len(ordered) == len(expected)
    for text, fmt in (
        (rdfwrite.to_trig(ordered, PREFIXES), ox.RdfFormat.TRIG),
        (rdfwrite.to_jsonld(ordered, PREFIXES), ox.RdfFormat.JSON_LD),
    ):
        assert set(ox.parse(text.encode("utf-8"), format=fmt)) == expected, text
    flat = {quad.triple for quad in expected}
    for text, fmt in (
        (rdfwrite.to_turtle(ordered, PREFIXES), ox.RdfFormat.TURTLE),
        (rdfwrite.to_ntriples(ordered), ox.RdfFormat.N_TRIPLES),
    ):
        assert {quad.triple for quad in ox.parse(text.encode("utf-8"), format=fmt)} == flat, text


_json_values = st.recursive(
    st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(_json_values, st.integers(min_value=0, max_value=3))
def test_the_jsonld_layout_is_json_dumps_layout(value, level) -> None:
    expected = json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True)
    expected = expected.replace("\n", "\n" + "  " * level)
    assert rdfwrite._dumps(value, level) == expected
