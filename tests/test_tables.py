"""Registries as tables: CSV, Excel and Parquet mapped by YARRRML through morph-kgc, each
statement citing its table row (RFC 7111), links to curated entities by id or exact label, and
every problem located by file and row."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

import ecograph
from ecograph.cli import main
from ecograph.errors import DataError
from ecograph.tables import EngineError, engine_python

from .conftest import TESTS

REGISTRY = TESTS / "data" / "registry"


def ecograph_iri(slug: str, full: bool = False):
    from ecograph.stores import Iri

    return Iri(slug if full else f"{BASE}id/{slug}")


TABLE = "tables/高新技术企业名单.csv"
BASE = "https://w3id.org/ecograph/registry/"


@pytest.fixture(scope="module", autouse=True)
def _engine() -> None:
    try:
        engine_python()
    except EngineError as exc:  # the README's test command installs it first
        pytest.fail(f"{exc}", pytrace=False)


@pytest.fixture
def registry(tmp_path: Path) -> Path:
    folder = tmp_path / "registry"
    shutil.copytree(REGISTRY, folder)
    return folder


def _rows(folder: Path) -> list[list[str]]:
    with (folder / TABLE).open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def _write_rows(folder: Path, rows: list[list[str]]) -> None:
    with (folder / TABLE).open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)


def _problems(folder: Path) -> list[tuple[str, int, str]]:
    with pytest.raises(DataError) as caught:
        ecograph.load(folder, cache=False)
    return [(p.file, p.line, p.message) for p in caught.value.problems]


def test_rows_become_cited_entities_linked_to_curated_ones() -> None:
    kg = ecograph.load(REGISTRY, cache=False)
    card = kg.lookup("示例能源科技有限公司").card
    assert card.id == "hte-0001" and card.kinds == ["Enterprise"]
    assert card.labels == {"zh": "示例能源科技有限公司", "en": "Shili Energy Technology Co."}
    assert [(c.row, c.section) for c in card.citations] == [
        ("高新技术企业名单.csv#row=2", "hte-register")
    ]
    links = {(r.predicate, r.other) for r in card.outgoing}
    # 合作单位 named the laboratory by its Chinese label, 所在地 the city by its id
    assert links == {("collaboratesWith", "shili-laboratory"), ("locatedIn", "shili")}
    text = card.to_text("en")
    assert "source: row 2 of 高新技术企业名单.csv — Register of high-tech enterprises" in text
    assert "高新技术企业名单.csv 第 2 行 — 示例市高新技术企业名单" in card.to_text("zh")
    # an alias (示大) is an exact label too
    second = kg.lookup("hte-0002").card
    assert ("collaboratesWith", "shili-university") in {
        (r.predicate, r.other) for r in second.outgoing
    }
    # the curated end shows the row behind the link
    lab = kg.lookup("示例市实验室").card
    incoming = [r for r in lab.incoming if r.other == "hte-0001"]
    assert [c.row for c in incoming[0].citations] == ["高新技术企业名单.csv#row=2"]


def test_row_citations_are_rfc7111_fragment_selectors() -> None:
    kg = ecograph.load(REGISTRY, cache=False)
    rows = kg.query(
        """SELECT ?e ?g ?value ?id ?doc WHERE {
          ?g eco:assertionAbout ?e ; eco:citation ?c .
          ?c a eco:RowCitation, oa:FragmentSelector ; rdf:value ?value ; dct:identifier ?id ;
             dct:conformsTo <http://tools.ietf.org/rfc/rfc7111> ; dct:source ?doc .
        }""",
        {"e": ecograph_iri("hte-0003")},
    ).rows
    assert [(r["value"]["value"], r["id"]["value"], r["doc"]["value"]) for r in rows] == [
        ("row=4", "高新技术企业名单.csv#row=4", f"{BASE}id/hte-register")
    ]
    # every statement of the row is in the row's graph, which the citation backs
    graph = rows[0]["g"]["value"]
    assert graph == f"{BASE}assertion/table/hte-register/row-4"
    inside = kg.query(
        "SELECT ?g ?p WHERE { GRAPH ?g { ?s ?p ?o } }", {"g": ecograph_iri(graph, full=True)}
    ).rows
    assert len(inside) == 5  # type, two labels, year, locatedIn (合作单位 is empty)


def test_stats_count_what_the_tables_say() -> None:
    stats = ecograph.load(REGISTRY, cache=False).stats()
    assert stats.table_rows == 3
    assert stats.entities_by_class["Enterprise"] == 3
    curated = ecograph.load(TESTS / "data" / "shili", cache=False).stats()
    assert stats.relations == curated.relations + 5  # 3 locatedIn, 2 collaboratesWith


def test_the_registry_conforms_to_the_shapes() -> None:
    report = ecograph.validate(REGISTRY)
    assert report.conforms, [str(f) for f in report.findings]
    assert not [f for f in report.findings if f.source == "shacl"]


def test_an_unknown_label_or_id_is_a_finding_at_its_row(registry: Path) -> None:
    rows = _rows(registry)
    rows[1][5] = "示例市实验"  # no such label
    rows[2][3] = "shilli"  # no such id
    _write_rows(registry, rows)
    problems = _problems(registry)
    assert (
        TABLE,
        2,
        "row 2: column '合作单位': '示例市实验' is no curated entity's label",
    ) in problems
    assert any(
        f == TABLE
        and line == 3
        and "names no curated entity 'shilli'" in m
        and "did you mean 'shili'" in m
        for f, line, m in problems
    ), problems


def test_a_label_of_two_entities_is_ambiguous(registry: Path) -> None:
    organizations = registry / "organizations.yaml"
    text = organizations.read_text(encoding="utf-8")
    organizations.write_text(
        text.replace("altLabel: {zh: [示大]}", "altLabel: {zh: [示大, 示例市实验室]}"), "utf-8"
    )
    problems = _problems(registry)
    assert any(
        line == 2 and "is the label of 2 entities (shili-laboratory, shili-university)" in m
        for _, line, m in problems
    ), problems


def test_a_dangling_reference_of_the_mapping_is_a_finding_at_its_row(registry: Path) -> None:
    mapping = registry / "tables" / "enterprises.yarrrml.yaml"
    text = mapping.read_text(encoding="utf-8")
    mapping.write_text(
        text + "      - p: eco:memberOf\n        o: id:cluster-$(企业编号)~iri\n", "utf-8"
    )
    problems = _problems(registry)
    assert sorted(line for f, line, m in problems if f == TABLE and "dangling" in m) == [2, 3, 4]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda t: t.replace("[tables/高新技术企业名单.csv~csv]", "[/etc/passwd~csv]"),
            "reads only its table",
        ),
        (lambda t: t.replace("    s: id:", "    graphs: id:g\n    s: id:"), "sets 'graphs'"),
        (lambda t: t + "sources:\n  other: [x.csv~csv]\n", "unknown top-level key 'sources'"),
        (lambda t: t.replace("mappings:", "mappings: [\n"), "cannot read the mapping"),
    ],
)
def test_a_mapping_reads_only_its_table_and_never_sets_graphs(
    registry: Path, change, expected: str
) -> None:
    mapping = registry / "tables" / "enterprises.yarrrml.yaml"
    mapping.write_text(change(mapping.read_text(encoding="utf-8")), "utf-8")
    problems = _problems(registry)
    assert any(f == "tables/enterprises.yarrrml.yaml" and expected in m for f, _, m in problems), (
        problems
    )


def test_dataset_yaml_table_errors_name_their_line(registry: Path) -> None:
    meta = registry / "dataset.yaml"
    text = meta.read_text(encoding="utf-8")
    line = text.splitlines().index("  - file: tables/高新技术企业名单.csv") + 1
    meta.write_text(text.replace("links: {合作单位: label", "links: {合作单位: name"), "utf-8")
    problems = _problems(registry)
    assert (
        "dataset.yaml",
        line,
        "'links' must map column names to 'id' or 'label', like {lab: label, zone: id}",
    ) in problems
    meta.write_text(
        text.replace("file: tables/高新技术企业名单.csv", "file: ../outside.csv"), "utf-8"
    )
    assert [line] == [n for f, n, _ in _problems(registry) if f == "dataset.yaml"]


def test_rows_count_records_not_lines_and_skip_empty_ones(registry: Path) -> None:
    rows = _rows(registry)
    rows[1][2] = "Shili Energy\nTechnology Co."  # a quoted cell over two lines is one record
    rows.insert(2, ["", "", "", "", "", ""])  # an empty row keeps its number
    _write_rows(registry, rows)
    kg = ecograph.load(registry, cache=False)
    assert [c.row for c in kg.lookup("hte-0002").card.citations] == ["高新技术企业名单.csv#row=4"]


@pytest.mark.slow  # three more engine runs
def test_xlsx_and_parquet_give_the_statements_of_the_csv(registry: Path) -> None:
    import openpyxl
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = _rows(registry)
    reference = _table_statements(ecograph.load(registry, cache=False), ".csv")
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append([int(c) if c.isdigit() else (c or None) for c in row])
    book.save(registry / "tables" / "高新技术企业名单.xlsx")
    columns = {name: [r[i] or None for r in rows[1:]] for i, name in enumerate(rows[0])}
    columns["认定年份"] = [int(v) for v in columns["认定年份"]]
    pq.write_table(pa.table(columns), registry / "tables" / "高新技术企业名单.parquet")
    meta = registry / "dataset.yaml"
    text = meta.read_text(encoding="utf-8")
    mapping = registry / "tables" / "enterprises.yarrrml.yaml"
    original = mapping.read_text(encoding="utf-8")
    for suffix in (".xlsx", ".parquet"):
        meta.write_text(text.replace("高新技术企业名单.csv", f"高新技术企业名单{suffix}"), "utf-8")
        mapping.write_text(
            original.replace("高新技术企业名单.csv", f"高新技术企业名单{suffix}"), "utf-8"
        )
        kg = ecograph.load(registry, cache=False)
        assert _table_statements(kg, suffix) == reference, suffix


def _table_statements(kg: ecograph.KnowledgeGraph, suffix: str) -> list[str]:
    lines = kg.nquads().decode("utf-8").splitlines()
    return sorted(
        line.replace(f"高新技术企业名单{suffix}", "高新技术企业名单.TABLE")
        for line in lines
        if "/table/" in line
    )


def test_the_build_is_deterministic_and_cached(registry: Path) -> None:
    first = ecograph.load(registry, cache=False).nquads()
    assert ecograph.load(registry, cache=False).nquads() == first
    ecograph.load(registry)  # fills the cache
    again = ecograph.load(registry)
    assert again.cache_hit and again.nquads() == first


def test_a_missing_engine_says_how_to_get_one(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.delenv("ECOGRAPH_RML_PYTHON", raising=False)
    monkeypatch.setenv("ECOGRAPH_ENGINE_DIR", str(tmp_path / "none"))
    status = ecograph.engine_status()
    if status.source == "this environment":
        pytest.skip("morph_kgc is importable here")
    assert status.python == "" and "not installed" in status.to_text()
    with pytest.raises(EngineError, match="ecograph engine install"):
        ecograph.load(REGISTRY, cache=False)


def test_cli_reports_table_problems_with_exit_1(registry: Path, runner) -> None:
    rows = _rows(registry)
    rows[1][5] = "没有这个单位"
    _write_rows(registry, rows)
    result = runner.invoke(main, ["validate", "--data", str(registry), "--format", "json"])
    assert result.exit_code == 1, result.output
    findings = json.loads(result.output)["findings"]
    assert findings[0]["location"] == f"{TABLE}:2"
    assert "Traceback" not in result.output
    status = runner.invoke(main, ["engine", "status", "--format", "json"])
    assert status.exit_code == 0 and json.loads(status.output)["engine"] == "morph-kgc"
