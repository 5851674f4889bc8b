"""The Oxigraph SHACL engine (ecograph.shacl) against pyshacl, the reference: the same findings
on the bundled data, on the test cities, and on a synthetic city damaged so that every shape in
ontology/shapes.ttl is violated; the rdflib decisions it reproduces; the constructs it refuses."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Graph, Literal, URIRef

import ecograph
from ecograph.cli import main
from ecograph.errors import EcographError, UsageError
from ecograph.resources import shapes_file
from ecograph.shacl import (
    _SURELY_WELL_TYPED,
    XSD_ALIAS,
    ShapesError,
    compile_shapes,
    load_store,
    protect_literals,
    rdflib_lexical,
    well_typed,
)
from ecograph.synth import BASE
from ecograph.validation import _namespaces, _shacl_findings, _shacl_findings_from_nquads

from .conftest import SHILI, TESTS, two_documents

ECO = "https://w3id.org/ecograph/ontology#"
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
SKOS = "http://www.w3.org/2004/02/skos/core#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SH = "http://www.w3.org/ns/shacl#"
DCT = "http://purl.org/dc/terms/"


def both(nquads: bytes, base: str) -> list[ecograph.Finding]:
    """The findings of both engines on the same quads, asserted equal."""
    oxigraph = _shacl_findings_from_nquads(nquads, base, "oxigraph")
    reference = _shacl_findings_from_nquads(nquads, base, "pyshacl")
    assert oxigraph == reference
    return oxigraph


def expected_messages(base: str) -> set[str]:
    """The message of every shape that reports results, as a finding writes it."""
    names = _namespaces(base)
    program = compile_shapes(Graph().parse(shapes_file(), format="turtle"))
    return {
        (f"{names.normalizeUri(URIRef(s.path))}: " if s.path else "") + s.message
        for s in program.shapes
    }


# --------------------------------------------------------------------------- clean data


def test_bundled_data_conforms_with_both_engines(ordos_kg: ecograph.KnowledgeGraph) -> None:
    assert _shacl_findings(ordos_kg, "oxigraph") == _shacl_findings(ordos_kg, "pyshacl") == []


def test_the_test_city_conforms_with_both_engines(shili_kg: ecograph.KnowledgeGraph) -> None:
    assert _shacl_findings(shili_kg, "oxigraph") == _shacl_findings(shili_kg, "pyshacl") == []


@pytest.mark.parametrize("fixture", ["two-documents", "xss", "warn"])
def test_the_test_fixtures_agree(fixture: str, tmp_path: Path) -> None:
    if fixture == "two-documents":
        folder = two_documents(tmp_path / "shili")
    elif fixture == "xss":
        folder = TESTS / "data" / "xss"
    else:  # the city with every warning fixture added
        folder = tmp_path / "shili"
        shutil.copytree(SHILI, folder)
        for name in (TESTS / "data" / "warn").glob("*.yaml"):
            shutil.copy(name, folder / name.name)
    kg = ecograph.load(folder)
    assert _shacl_findings(kg, "oxigraph") == _shacl_findings(kg, "pyshacl")


def test_the_golden_graph_agrees(shili_kg: ecograph.KnowledgeGraph) -> None:
    """tests/golden/shili.ttl (every graph flattened), as data of its own."""
    import pyoxigraph as ox

    triples = ox.parse(path=TESTS / "golden" / "shili.ttl", format=ox.RdfFormat.TURTLE)
    nquads = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    assert both(nquads, shili_kg.meta.base) == []


# --------------------------------------------------------------------------- a damaged city


class Quads:
    """N-Quads lines of a build, edited by subject, predicate and object."""

    def __init__(self, nquads: bytes):
        self.lines = nquads.decode("utf-8").splitlines()

    def subjects(self, cls: str) -> list[str]:
        return sorted({ln.split(" ", 1)[0] for ln in self.lines if f" {RDF_TYPE} <{cls}> " in ln})

    def with_predicate(self, predicate: str) -> list[str]:
        return sorted({ln.split(" ", 1)[0] for ln in self.lines if f" <{predicate}> " in ln})

    def remove(self, subject: str, predicate: str, test: Callable[[str], bool] = bool) -> None:
        head = f"{subject} <{predicate}> "
        kept = [ln for ln in self.lines if not (ln.startswith(head) and test(ln[len(head) :]))]
        assert len(kept) < len(self.lines), f"nothing to remove: {head}"
        self.lines = kept

    def add(self, subject: str, predicate: str, obj: str) -> None:
        self.lines.append(f"{subject} <{predicate}> {obj} .")

    def nquads(self) -> bytes:
        return ("\n".join(self.lines) + "\n").encode("utf-8")


def typed(lexical: str, datatype: str) -> str:
    return f'"{lexical}"^^<{XSD}{datatype}>'


def damage(quads: Quads, base: str) -> None:
    """Break every shape of ontology/shapes.ttl at least once; among the damage, values each
    engine could get wrong in its own way (rdflib's lexical forms, Oxigraph's canonical ones)."""
    entities = [s for s in quads.with_predicate(SKOS + "prefLabel") if s.startswith(f"<{base}id/")]
    enterprises = quads.subjects(ECO + "Enterprise")
    areas = quads.subjects(ECO + "AdministrativeArea")
    observations = quads.subjects(ECO + "Observation")
    assertions = quads.subjects(ECO + "Assertion")
    citations = quads.subjects(ECO + "Citation")
    documents = quads.subjects(ECO + "PolicyDocument")
    assert len(entities) > 10 and len(observations) > 20 and len(assertions) > 10
    pref, alt = SKOS + "prefLabel", SKOS + "altLabel"
    e = iter(entities[1:])

    # entities: IRI pattern, label datatypes, one label per language
    quads.add(f"<{base}id/Bad_Slug>", pref, '"坏"@zh')
    quads.add(f"<{base}id/Bad_Slug>", pref, '"Bad"@en')
    quads.add(next(e), pref, '"no language"')
    quads.add(next(e), pref, '"第二个中文名"@zh')
    quads.remove(next(e), pref, lambda o: '"@zh ' in o)
    quads.remove(next(e), pref, lambda o: '"@en ' in o)
    quads.add(next(e), pref, '"简体"@zh-hans')  # a second Chinese label, another tag
    quads.add(next(e), alt, typed("1", "integer"))

    # observations
    o = iter(observations)
    quads.remove(next(o), ECO + "indicator")
    quads.add(next(o), ECO + "indicator", enterprises[0])  # not an eco:Indicator
    quads.remove(next(o), ECO + "refArea")
    quads.add(next(o), ECO + "refArea", enterprises[1])  # not a place
    quads.add(next(o), ECO + "refArea", areas[0])  # an area: a subclass of eco:Place
    obs = next(o)
    quads.add(obs, ECO + "scope", areas[0])
    quads.add(obs, ECO + "scope", areas[1])
    quads.add(next(o), ECO + "scope", enterprises[2])
    quads.remove(next(o), ECO + "value")
    obs = next(o)  # two spellings of one decimal: two values for rdflib, one for Oxigraph
    quads.remove(obs, ECO + "value")
    quads.add(obs, ECO + "value", typed("15.0", "decimal"))
    quads.add(obs, ECO + "value", typed("15", "decimal"))
    quads.add(next(o), ECO + "value", typed("abc", "decimal"))
    obs = next(o)
    quads.remove(obs, ECO + "value")
    quads.add(obs, ECO + "value", typed("12", "integer"))  # not an xsd:decimal
    obs = next(o)  # well-typed for rdflib, although not XSD decimals
    quads.remove(obs, ECO + "value")
    quads.add(obs, ECO + "value", typed(" 12 ", "decimal"))
    obs = next(o)
    quads.remove(obs, ECO + "value")
    quads.add(obs, ECO + "value", typed("1e5", "decimal"))
    quads.remove(next(o), ECO + "unit")
    quads.add(next(o), ECO + "unit", areas[2])  # not a unit
    obs = next(o)
    quads.add(obs, ECO + "year", typed("1999", "gYear"))
    obs = next(o)  # no year, and a period note
    quads.remove(obs, ECO + "year")
    quads.add(obs, ECO + "periodNote", '"十四五期间"@zh')
    quads.remove(next(o), ECO + "year")  # neither year nor period
    quads.add(next(o), ECO + "year", '"2024"')  # a plain string
    obs = next(o)  # any lexical form is an xsd:gYear to rdflib
    quads.remove(obs, ECO + "year")
    quads.add(obs, ECO + "year", typed("MMXXIV", "gYear"))
    obs = next(o)
    quads.add(obs, ECO + "periodNote", '"期间"')  # not language-tagged
    quads.add(obs, ECO + "periodNote", '"一"@zh')
    quads.add(obs, ECO + "periodNote", '"二"@zh')
    obs = next(o)
    quads.add(obs, ECO + "qualifier", '"超"')
    quads.add(obs, ECO + "qualifier", '"约"')
    quads.add(next(o), ECO + "qualifier", '"大约"')
    quads.add(next(o), ECO + "qualifier", '"超"@zh')
    quads.add(next(o), ECO + "qualifier", typed("近", "string"))  # the same as "近"
    quads.add(next(o), ECO + "multiplier", typed("ten", "decimal"))
    quads.add(next(o), ECO + "multiplier", typed("100000000", "decimal"))

    # assertions (described in the default graph; about statements in named graphs)
    a = iter(assertions)
    quads.remove(next(a), ECO + "citation")
    quads.add(next(a), ECO + "citation", entities[0])  # not a citation
    quads.remove(next(a), ECO + "status")
    quads.add(next(a), ECO + "status", f"<{ECO}planned>")  # a second status
    quads.remove(next(a), ECO + "basis")
    quads.add(next(a), ECO + "basis", f"<{ECO}guessed>")
    assertion = next(a)
    quads.remove(assertion, ECO + "status")
    quads.add(assertion, ECO + "status", f"<{ECO}unknown>")
    assertion = next(a)
    quads.remove(assertion, ECO + "assertionAbout")
    quads.add(assertion, ECO + "assertionAbout", '"a literal"')
    quads.add(next(a), ECO + "assertionAbout", entities[0])

    # citations
    c = iter(citations)
    oa_exact = "http://www.w3.org/ns/oa#exact"
    quads.remove(next(c), oa_exact)
    citation = next(c)
    quads.remove(citation, oa_exact)
    quads.add(citation, oa_exact, '""')
    citation = next(c)
    quads.remove(citation, oa_exact)
    quads.add(citation, oa_exact, typed("12", "integer"))
    quads.add(next(c), oa_exact, '"另一段"@zh')
    quads.remove(next(c), ECO + "section")
    quads.add(next(c), ECO + "section", entities[0])

    # document sections and documents, new nodes
    section = f"<{base}section/damaged>"
    quads.add(section, RDF_TYPE[1:-1], f"<{ECO}DocumentSection>")
    quads.add(section, ECO + "partOf", '"not an IRI"')
    quads.add(section, ECO + "start", '"开头"')
    quads.add(section, ECO + "start", '"另一个开头"@zh')
    section = f"<{base}section/damaged-2>"
    quads.add(section, RDF_TYPE[1:-1], f"<{ECO}DocumentSection>")
    quads.add(section, ECO + "order", typed("1", "integer"))
    quads.add(section, ECO + "order", typed("01", "integer"))  # one value for rdflib
    quads.add(section, ECO + "partOf", documents[0])
    section = f"<{base}section/damaged-3>"
    quads.add(section, RDF_TYPE[1:-1], f"<{ECO}DocumentSection>")
    quads.add(section, ECO + "order", typed("1.5", "decimal"))
    quads.add(section, ECO + "partOf", documents[0])
    section = f"<{base}section/damaged-4>"
    quads.add(section, RDF_TYPE[1:-1], f"<{ECO}DocumentSection>")
    quads.add(section, ECO + "order", typed(" 7 ", "integer"))  # well-typed for rdflib
    quads.add(section, ECO + "order", typed("x", "integer"))
    quads.add(section, ECO + "partOf", documents[0])
    d = iter(documents)
    document = next(d)
    quads.add(document, ECO + "docNumber", '"鄂府发〔2024〕1号"')
    quads.add(document, ECO + "docNumber", typed("2", "integer"))
    document = next(d)
    quads.add(document, ECO + "dateIssued", typed("2024-02-30", "date"))
    quads.add(document, ECO + "dateIssued", typed("2024-03-01", "date"))
    document = f"<{base}id/damaged-document>"
    quads.add(document, RDF_TYPE[1:-1], f"<{ECO}Document>")
    quads.add(document, ECO + "dateIssued", typed("2024-01-01T00:00:00", "date"))
    quads.add(document, ECO + "version", typed("1", "integer"))
    quads.add(document, ECO + "assessment", '"untagged"')
    quads.add(next(d), ECO + "version", '"v1"')

    # table rows cited (eco:RowCitation), when the shapes have them
    row = f"<{base}row/damaged>"
    quads.add(row, RDF_TYPE[1:-1], f"<{ECO}RowCitation>")
    quads.add(row, "http://www.w3.org/1999/02/22-rdf-syntax-ns#value", '"row=0"')
    quads.add(row, DCT + "conformsTo", "<http://tools.ietf.org/rfc/rfc4180>")
    quads.add(row, DCT + "source", entities[0])
    quads.add(row, DCT + "identifier", typed("register.csv#row=12", "anyURI"))
    quads.add(f"<{base}row/empty>", RDF_TYPE[1:-1], f"<{ECO}RowCitation>")
    quads.add(assertions[-1], ECO + "citation", row)


@pytest.fixture(scope="module")
def damaged(tmp_path_factory: pytest.TempPathFactory) -> tuple[bytes, str]:
    folder = tmp_path_factory.mktemp("synth")
    ecograph.synthesize(folder, entities=200, seed=3, fmt="nquads")
    nquads = (folder / "synth.nq").read_bytes()
    base = BASE
    quads = Quads(nquads)
    damage(quads, base)
    return quads.nquads(), base


def test_every_shape_is_violated_and_the_engines_agree(damaged: tuple[bytes, str]) -> None:
    nquads, base = damaged
    findings = both(nquads, base)
    assert {f.message for f in findings} == expected_messages(base)
    assert all(f.source == "shacl" and f.severity == "Violation" for f in findings)


def test_what_rdflib_reads_as_one_value_or_as_well_typed(damaged: tuple[bytes, str]) -> None:
    nquads, base = damaged
    findings = _shacl_findings_from_nquads(nquads, base, "oxigraph")
    by_focus: dict[str, set[str]] = {}
    for finding in findings:
        by_focus.setdefault(finding.location, set()).add(finding.message.split(": ", 1)[0])
    assert "eco:order" in by_focus[f"{base}section/damaged-4"]  # "x" is no integer
    assert f"{base}section/damaged-2" not in by_focus  # "1" and "01" are one value
    assert f"{base}id/damaged-document" in by_focus  # version and assessment
    assert "eco:dateIssued" not in by_focus[f"{base}id/damaged-document"]


def test_the_json_reports_are_the_same_bytes(runner) -> None:
    outputs = [
        runner.invoke(main, ["validate", "--data", str(SHILI), "--format", "json", *engine])
        for engine in ([], ["--shacl-engine", "oxigraph"], ["--shacl-engine", "pyshacl"])
    ]
    assert all(result.exit_code == 0 for result in outputs), outputs[0].output
    assert outputs[0].output == outputs[1].output == outputs[2].output
    assert json.loads(outputs[0].output)["conforms"] is True


def test_the_cli_option_says_what_each_engine_is(runner) -> None:
    result = runner.invoke(main, ["validate", "--help"])
    text = " ".join(result.output.split())
    assert "--shacl-engine [oxigraph|pyshacl]" in text
    assert "pyshacl" in text and "reference" in text and "SPARQL" in text
    bad = runner.invoke(main, ["validate", "--shacl-engine", "rudof"])
    assert bad.exit_code == 2


def test_an_unknown_engine_is_a_usage_error() -> None:
    with pytest.raises(UsageError) as info:
        ecograph.validate(SHILI, shacl_engine="rudof")
    assert info.value.param == "shacl_engine"


def test_validate_picks_the_engine() -> None:
    fast = ecograph.validate(SHILI, shacl_engine="oxigraph")
    reference = ecograph.validate(SHILI, shacl_engine="pyshacl")
    assert fast.to_dict() == reference.to_dict() and fast.conforms


# --------------------------------------------------------------------------- random damage

# objects a hypothesis example may put anywhere: of every kind, including the lexical forms
# where rdflib and Oxigraph part ways
POOL = [
    f"<{ECO}done>",
    f"<{ECO}explicit>",
    f"<{ECO}Indicator>",
    '"超"',
    '"x"@zh',
    '"x"@en',
    '"x"@zh-hant',
    '""',
    '"row=5"',
    typed("01", "integer"),
    typed("1", "integer"),
    typed("abc", "integer"),
    typed("15.0", "decimal"),
    typed("15", "decimal"),
    typed("1e5", "decimal"),
    typed("2024", "gYear"),
    typed("24", "gYear"),
    typed("2024-02-30", "date"),
    typed("2024-02-03", "date"),
    typed("true", "boolean"),
    typed("x", "string"),
]


@pytest.fixture(scope="module")
def sample(damaged: tuple[bytes, str]) -> tuple[list[str], str, list[str]]:
    """A small slice of the damaged city (a few nodes of each kind), and IRIs to draw from."""
    nquads, base = damaged
    quads = Quads(nquads)
    chosen: set[str] = set()
    for cls in ("Observation", "Assertion", "Citation", "DocumentSection", "RowCitation"):
        chosen.update(quads.subjects(ECO + cls)[:3])
    chosen.update(quads.subjects(ECO + "PolicyDocument")[:2])
    chosen.update(quads.subjects(ECO + "AdministrativeArea")[:2])
    chosen.update(quads.subjects(ECO + "Indicator")[:1])
    chosen.update(quads.subjects(ECO + "Unit")[:1])
    chosen.add(f"<{base}id/Bad_Slug>")
    lines = [ln for ln in quads.lines if ln.split(" ", 1)[0] in chosen]
    return lines, base, sorted(chosen)


@st.composite
def edits(draw: st.DrawFn, lines: list[str], iris: list[str]) -> list[str]:
    lines = list(lines)
    for _ in range(draw(st.integers(1, 6))):
        index = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["delete", "replace", "add"]))
        subject, predicate, _ = lines[index].split(" ", 2)
        obj = draw(st.sampled_from(POOL + iris))
        if action == "delete":
            del lines[index]
        elif action == "replace":
            lines[index] = f"{subject} {predicate} {obj} ."
        else:
            lines.append(f"{subject} {predicate} {obj} .")
        if len(lines) < 2:
            break
    return lines


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_random_damage_gives_the_same_findings(
    data: st.DataObject, sample: tuple[list[str], str, list[str]]
) -> None:
    _random_damage(data, sample)


def _random_damage(data: st.DataObject, sample: tuple[list[str], str, list[str]]) -> None:
    lines, base, iris = sample
    edited = data.draw(edits(lines, iris))
    both(("\n".join(edited) + "\n").encode("utf-8"), base)


@pytest.mark.slow
@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_much_random_damage_gives_the_same_findings(
    data: st.DataObject, sample: tuple[list[str], str, list[str]]
) -> None:
    _random_damage(data, sample)


@pytest.mark.slow
def test_a_larger_synthetic_city_agrees(tmp_path: Path) -> None:
    ecograph.synthesize(tmp_path, entities=2000, seed=5, fmt="nquads")
    nquads = (tmp_path / "synth.nq").read_bytes()
    quads = Quads(nquads)
    damage(quads, BASE)
    assert both(quads.nquads(), BASE)


# --------------------------------------------------------------------------- rdflib's decisions


def _pyshacl_datatype(lexical: str, datatype: str) -> bool:
    """pyshacl's sh:datatype on the literal as rdflib parses it (for a matching datatype)."""
    from pyshacl.constraints.core.value_constraints import DatatypeConstraintComponent

    literal = Literal(lexical, datatype=URIRef(datatype))
    if literal.ill_typed is True:
        return False
    return bool(
        DatatypeConstraintComponent._assert_actual_datatype(None, literal, URIRef(datatype))
    )  # type: ignore[arg-type]


LEXICALS = st.one_of(
    st.from_regex(r"\A[ +\-0-9.eE_TZ:a-z]{0,12}\Z"),
    st.sampled_from(["2024-02-30", "2024-01-01Z", "0000-01-01", "NaN", "INF", " 1 ", "1_0"]),
)
DATATYPES = ["integer", "decimal", "date", "gYear", "boolean", "double", "dateTime", "int", "token"]


@pytest.mark.filterwarnings("ignore:Parsing weird boolean")  # rdflib, for the reference
@settings(max_examples=400, deadline=None)
@given(lexical=LEXICALS, datatype=st.sampled_from(DATATYPES))
def test_datatype_decisions_are_pyshacls(lexical: str, datatype: str) -> None:
    assert well_typed(lexical, XSD + datatype) == _pyshacl_datatype(lexical, XSD + datatype)
    assert rdflib_lexical(lexical, XSD + datatype) == str(Literal(lexical, datatype=XSD + datatype))


def test_the_decisions_log_nothing(caplog: pytest.LogCaptureFixture) -> None:
    """rdflib logs a warning with a traceback for each literal it cannot convert; the engine
    asks its converters directly, so that the library writes nothing."""
    import warnings

    caplog.set_level("DEBUG")
    well_typed.cache_clear()
    rdflib_lexical.cache_clear()
    with warnings.catch_warnings(record=True) as warned:
        warnings.simplefilter("always")
        assert not well_typed("abc", XSD + "integer")
        assert not well_typed("2024-02-30", XSD + "date")
        assert well_typed("yes", XSD + "boolean") is False
        assert rdflib_lexical("abc", XSD + "integer") == "abc"
        assert rdflib_lexical("01", XSD + "integer") == "1"
        assert rdflib_lexical("1", XSD + "boolean") == "true"
    assert caplog.records == [] and warned == []


@pytest.mark.parametrize("datatype", sorted(_SURELY_WELL_TYPED))
@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_the_fast_regular_expressions_only_pass_well_typed_forms(
    datatype: str, data: st.DataObject
) -> None:
    # the query's regular expressions use only what Python's and Oxigraph's syntax share
    lexical = data.draw(st.from_regex(_SURELY_WELL_TYPED[datatype].replace("$", r"\Z")))
    assert _pyshacl_datatype(lexical, XSD + datatype)


# --------------------------------------------------------------------------- loading


def test_lexical_forms_survive_the_store() -> None:
    nquads = (
        f"<http://a> <http://p> {typed('15.0', 'decimal')} .\n"
        f"<http://a> <http://p> {typed('15', 'decimal')} <http://g> .\n"
        f"<http://a> <http://p> {typed('x', 'string')} .\n"
        f'<http://a> <http://q> "say \\"{XSD}decimal> \\"" .\n'
    ).encode()
    protected = protect_literals(nquads)
    assert b"#string" not in protected and b'"15.0"^^<' + XSD_ALIAS.encode() in protected
    store = load_store(nquads)
    objects = sorted(str(q.object) for q in store)
    assert f'"15.0"^^<{XSD_ALIAS}decimal>' in objects and f'"15"^^<{XSD_ALIAS}decimal>' in objects
    assert '"x"' in objects
    # a string whose text looks like the end of a typed literal: parsed, not replaced
    tricky = f'<http://a> <http://q> "say \\"^^<{XSD}decimal> " .\n'.encode()
    assert protect_literals(tricky).decode().count(XSD) == 1
    with pytest.raises(EcographError):
        protect_literals(f'<http://a> <http://q> "1"^^<{XSD_ALIAS}integer> .\n'.encode())


# --------------------------------------------------------------------------- refused constructs

PREFIXES = f"""
@prefix sh: <{SH}> .
@prefix ex: <http://example.org/> .
@prefix xsd: <{XSD}> .
"""


@pytest.mark.parametrize(
    ("shape", "construct"),
    [
        (
            "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:closed true ; sh:message 'm' .",
            "sh:closed",
        ),
        ("ex:S a sh:NodeShape ; sh:targetNode ex:n ; sh:message 'm' .", "sh:targetNode"),
        (
            "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:node ex:T ; sh:message 'm' .",
            "sh:node",
        ),
        (
            "ex:S a sh:PropertyShape ; sh:targetClass ex:C ; sh:path [ sh:inversePath ex:p ] ; "
            "sh:minCount 1 ; sh:message 'm' .",
            "a property path that is not an IRI",
        ),
        (
            "ex:S a sh:PropertyShape ; sh:targetClass ex:C ; sh:path ex:p ; sh:minCount 1 .",
            "a constraint without sh:message",
        ),
        (
            "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:message 'm' ; "
            "sh:or ( [ sh:path ex:p ; sh:minCount 2 ] ) .",
            "sh:minCount 2 inside sh:or",
        ),
        (
            "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:message 'm' ; "
            "sh:or ( [ sh:path ex:p ; sh:hasValue ex:v ] ) .",
            "sh:hasValue",
        ),
        (
            "ex:S a sh:PropertyShape ; sh:targetClass ex:C ; sh:path ex:p ; sh:message 'm' ; "
            "sh:pattern 'a' ; sh:flags 'x' .",
            "sh:flags",
        ),
        (
            "ex:S a sh:PropertyShape ; sh:targetClass ex:C ; sh:path ex:p ; sh:message 'm' ; "
            "sh:datatype xsd:string, xsd:integer .",
            "sh:datatype",
        ),
        (
            "ex:S a sh:PropertyShape ; sh:targetClass ex:C ; sh:path ex:p ; sh:message 'm' ; "
            "sh:in ( [] ) .",
            "a blank node in sh:in",
        ),
        (
            "ex:S a sh:PropertyShape ; sh:targetClass ex:C ; sh:path ex:p ; sh:message 'm'@en, "
            "'n'@en ; sh:minCount 1 .",
            "sh:message",
        ),
        (
            "ex:S a sh:PropertyShape ; sh:targetClass ex:C ; sh:path ex:p ; sh:message 'm' ; "
            "sh:qualifiedValueShape [ sh:class ex:D ] ; sh:qualifiedMinCount 1 ; "
            "sh:qualifiedValueShapesDisjoint true .",
            "sh:qualifiedValueShapesDisjoint",
        ),
        ("ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:sparql [ ] .", "sh:sparql"),
    ],
)
def test_constructs_outside_the_subset_are_refused(shape: str, construct: str) -> None:
    graph = Graph().parse(data=PREFIXES + shape, format="turtle")
    with pytest.raises(ShapesError) as info:
        compile_shapes(graph)
    assert info.value.shape.startswith("ex:S") and construct in info.value.construct, str(
        info.value
    )
    assert isinstance(info.value, EcographError)
    assert "ex:S" in str(info.value) and "pyshacl" in str(info.value)


def test_shape_literals_are_written_safely() -> None:
    """Quotes, backslashes and newlines of sh:in and sh:languageIn stay inside their strings."""
    text = PREFIXES + (
        'ex:S a sh:PropertyShape ; sh:targetSubjectsOf ex:p ; sh:path ex:p ; sh:message "m" ; '
        'sh:in ( "a\\" } UNION { ?this ?p ?o" "b\\\\" "c\\nd" ) .'
    )
    program = compile_shapes(Graph().parse(data=text, format="turtle"))
    nquads = b'<http://x/1> <http://example.org/p> "a\\" } UNION { ?this ?p ?o" .\n'
    nquads += b'<http://x/2> <http://example.org/p> "other" .\n'
    from ecograph.shacl import run_program

    results = run_program(program, load_store(nquads))
    assert [r.focus for r in results] == ["http://x/2"]
    assert re.search(r"UNION", program.shapes[0].queries[0])
