"""The source, section by section: what the reply letter names and every number it gives must be
in the graph, with the right kind, status and citation. Written from a reading of
graph_data/ordos/sources/000_6dda99716a2125f5.txt independent of the YAML; the curator's own
table (graph_data/ordos/CHECKLIST.md) is checked too."""

from __future__ import annotations

import re
from collections import defaultdict
from decimal import Decimal

import pytest
from rdflib import RDF, Literal, URIRef
from rdflib.namespace import SKOS

from ecograph.loader import normalize_text
from ecograph.ontology import ECO, OA

from .conftest import ORDOS

SOURCE = (ORDOS / "sources" / "000_6dda99716a2125f5.txt").read_text(encoding="utf-8")
SECTION = "reply-2025-185-{}".format


@pytest.fixture(scope="module")
def g(ordos_kg):
    return ordos_kg.data_graph()


@pytest.fixture(scope="module")
def by_label(ordos_kg, g):
    """zh label (preferred or alternative) -> entity ids."""
    index = defaultdict(set)
    prefix = ordos_kg.meta.base + "id/"
    for prop in (SKOS.prefLabel, SKOS.altLabel):
        for s, o in g.subject_objects(prop):
            if isinstance(o, Literal) and o.language == "zh":
                index[str(o)].add(str(s)[len(prefix):])
    return index


def kinds(ordos_kg, rid: str) -> set[str]:
    return set(ordos_kg.data.records[rid].types)


def one(by_label, label: str) -> str:
    ids = by_label.get(label, set())
    assert len(ids) == 1, f"{label!r} should name exactly one entity, names {sorted(ids)}"
    return next(iter(ids))


def observations_by_section(ordos_kg) -> dict[str, list]:
    found = defaultdict(list)
    for record in ordos_kg.data.records.values():
        if record.is_observation:
            for cite in record.cites:
                found[cite.section].append(record)
    return found


def values(records, **where) -> list[tuple[Decimal, str | None, str | None]]:
    return sorted(
        (
            (Decimal(r.observation["value"]), r.observation.get("year"), r.observation.get("qualifier"))
            for r in records
            if all(r.observation.get(k) == v for k, v in where.items())
        ),
        key=lambda t: (t[0], t[1] or "", t[2] or ""),
    )


# --------------------------------------------------------------------------- header and closing


def test_letter_header_and_closing(ordos_kg, g, by_label) -> None:
    letter = URIRef(ordos_kg.iri("reply-2025-185"))
    assert str(g.value(letter, ECO.docNumber)) == "鄂建提复字[2025]185号"
    assert str(g.value(letter, ECO.dateIssued)) == "2025-08-07"
    rels = {(r.prop, r.target) for r in ordos_kg.data.records["reply-2025-185"].relations}
    assert ("signedBy", one(by_label, "张秀玲")) in rels
    assert ("issuedBy", one(by_label, "鄂尔多斯市人民政府")) in rels
    assert ("printedBy", one(by_label, "鄂尔多斯市人民政府办公室")) in rels
    assert ("copiedTo", one(by_label, "市政协办公室")) in rels
    assert ("copiedTo", one(by_label, "市政协提案委员会")) in rels
    [proposal] = [t for p, t in rels if p == "repliesTo"]
    assert "Proposal" in kinds(ordos_kg, proposal)
    assert "关于以科技创新赋能我市新质生产力发展的提案" in ordos_kg.data.records[proposal].labels["zh"]
    proposal_rels = {(r.prop, r.target) for r in ordos_kg.data.records[proposal].relations}
    assert ("submittedBy", one(by_label, "九三学社")) in proposal_rels


def test_contact_person_without_phone(ordos_kg) -> None:
    text = ordos_kg.serialize("nquads")
    assert "苏浩" in text
    assert "8586566" not in text


def test_intro_names_the_city_titles_and_zones(ordos_kg, by_label) -> None:
    for label in ("国家可持续发展议程创新示范区", "呼包鄂国家自主创新示范区"):
        assert "InnovationZone" in kinds(ordos_kg, one(by_label, label))
    for label in ("国家创新型城市", "人才友好型城市"):
        assert one(by_label, label)
    assert "AdministrativeArea" in kinds(ordos_kg, one(by_label, "鄂尔多斯市"))


# --------------------------------------------------------------------------- 一 to 六


def test_s1_rankings(ordos_kg) -> None:
    obs = observations_by_section(ordos_kg)[SECTION("s1")]
    ranks = values(obs, year="2024")
    for expected in (Decimal(33), Decimal(62), Decimal(15)):
        assert any(v == expected for v, _, _ in ranks), expected
    top100 = [r for r in obs if r.observation["value"] == "100"]
    assert {r.observation.get("year") for r in top100} >= {"2023", "2024"}


def test_s2_platforms(ordos_kg, by_label) -> None:
    assert "PolicyDocument" in kinds(ordos_kg, one(by_label, "鄂尔多斯市合作共建科研机构管理办法"))
    lab = one(by_label, "鄂尔多斯实验室")
    assert {"Laboratory", "NewTypeRDInstitution"} <= kinds(ordos_kg, lab)
    for label in ("北京大学鄂尔多斯能源研究院", "中国矿业大学(北京)内蒙古研究院", "辽宁工程技术大学鄂尔多斯研究院"):
        assert "NewTypeRDInstitution" in kinds(ordos_kg, one(by_label, label))
    assert "PilotPlatform" in kinds(ordos_kg, one(by_label, "鄂尔多斯现代煤化工中试平台"))
    got = [v for v, _, _ in values(observations_by_section(ordos_kg)[SECTION("s2")])]
    for expected in (13, 4, 273):
        assert Decimal(expected) in got


def test_s3_enterprise_counts_before_and_after(ordos_kg) -> None:
    obs = observations_by_section(ordos_kg)[SECTION("s3")]
    got = values(obs)
    plain = {v for v, _, _ in got}
    assert {Decimal(n) for n in (77, 279, 132, 111, 330, 701, 1000)} <= plain
    assert (Decimal(1000), "2024", "突破") in got or any(v == 1000 and q == "突破" for v, _, q in got)
    base = [r for r in obs if r.observation["value"] in ("132", "111")]
    assert all("year" not in r.observation and "period" in r.observation for r in base), "base year is not stated"
    early = [r for r in obs if r.observation["value"] == "77"]
    assert all("2021" in r.observation["period"]["zh"] for r in early)


def test_s4_talent(ordos_kg, by_label) -> None:
    ordos = one(by_label, "鄂尔多斯市")
    for name in ("金之钧", "武强", "李根生", "欧阳明高", "朴哲范"):
        person = ordos_kg.data.records[one(by_label, name)]
        assert "Academician" in person.types
        assert {(r.prop, r.target) for r in person.relations} == {("activeIn", ordos)}, "only linked to the city"
    centre = one(by_label, "鄂尔多斯人才科创中心")
    branches = [
        r for r in ordos_kg.data.records.values() if any(x.prop == "branchOf" and x.target == centre for x in r.relations)
    ]
    assert len(branches) == 4
    got = values(observations_by_section(ordos_kg)[SECTION("s4")])
    assert (Decimal(15), None, None) in [(v, None, None) for v, _, _ in got]
    assert sum(1 for v, _, q in got if v == 100 and q == "余") == 2  # 百余次, 百余项
    assert any(v == 9 and q == "超" for v, _, q in got)


def test_s5_achievements_and_projects(ordos_kg) -> None:
    achievements = [r for r in ordos_kg.data.records.values() if "TechnologyAchievement" in r.types]
    assert len(achievements) >= 9
    got = values(observations_by_section(ordos_kg)[SECTION("s5")])
    assert {Decimal(4), Decimal(45), Decimal(1)} <= {v for v, _, _ in got}


def test_s6_money_and_shares(ordos_kg) -> None:
    got = values(observations_by_section(ordos_kg)[SECTION("s6")])
    for value, qualifier in (("10", "达"), ("600", "余"), ("24.82", None), ("2.2", None), ("53.2", None), ("48.9", "达"), ("6", None)):
        assert any(v == Decimal(value) and (qualifier is None or q == qualifier) for v, _, q in got), value
    assert any(v == Decimal("24.82") and y == "2024" for v, y, _ in got)


def test_next_steps_policies_and_plans(ordos_kg, g, by_label) -> None:
    numbers = {str(o) for o in g.objects(None, ECO.docNumber)}
    assert {"鄂党办发〔2025〕6号", "鄂府发〔2024〕56号", "鄂建提复字[2025]185号"} <= numbers
    for label in ("清华全国重点实验室鄂尔多斯基地", "乌审旗现代煤化工创新技术中试基地", "鄂尔多斯实验室准格尔中试基地", "天使科创基金"):
        assert ordos_kg.data.records[one(by_label, label)].status == "planned", label
    for label in ("氢能", "储能", "新型化工", "新型能源", "低空经济"):
        assert "Field" in kinds(ordos_kg, one(by_label, label))


# --------------------------------------------------------------------------- whole dataset


def test_size_of_the_dataset(ordos_kg) -> None:
    stats = ordos_kg.stats()
    assert stats.entities > 120
    assert stats.observations >= 32  # 6 + 3 + 7 + 4 + 3 + 9 numbers in sections 一 to 六


def test_every_number_in_the_source_is_observed_or_named(ordos_kg) -> None:
    """Each number printed in sections 一 to 六 appears as an observation value (or, as with
    “科技新政 30 条”, inside a name)."""
    start = normalize_text(SOURCE).index("一、科技创新指数大幅攀升")
    end = normalize_text(SOURCE).index("下一步,")
    body = normalize_text(SOURCE)[start:end]
    numbers = set(re.findall(r"\d+(?:\.\d+)?", body)) - {"2021", "2023", "2024", "2.0"}  # years; a version
    observed = {r.observation["value"] for r in ordos_kg.data.records.values() if r.is_observation}
    labels = " ".join(normalize_text(label) for r in ordos_kg.data.records.values() for label in r.labels.values())
    missing = sorted(n for n in numbers if n not in observed and n not in labels)
    assert not missing, f"numbers of the source with no observation: {missing}"


def test_zh_labels_come_from_the_source(ordos_kg) -> None:
    """Preferred Chinese labels are the source's own strings; the few that cannot be (editorial
    section names, labels cleaned of OCR markup) are listed here after review."""
    text = normalize_text(SOURCE).replace("$\\alpha$", "α").replace("CO<sub>2</sub>", "CO2")
    missing = sorted(
        r.labels["zh"]
        for r in ordos_kg.data.records.values()
        if not r.is_observation
        and not {"Indicator", "Unit"} & set(r.types)  # indicator names are descriptive, not quoted
        and normalize_text(r.labels["zh"]) not in text
    )
    reviewed = set(REVIEWED_LABELS)
    assert set(missing) <= reviewed, f"labels not in the source and not reviewed: {sorted(set(missing) - reviewed)}"


# Labels that are not verbatim substrings of the source, each checked by a person.
REVIEWED_LABELS = [
    "文头", "引言", "下一步", "落款", "抄送与印发",  # editorial names of unheaded sections
    "“三清零”行动",  # 规上工业企业“三清零”（…）行动 without its parenthetical gloss
    # 北京、深圳、上海、雄安等人才科创分中心: one list, four branch centres
    "北京人才科创分中心", "深圳人才科创分中心", "上海人才科创分中心", "雄安人才科创分中心",
    # 加快零碳机场、深部煤层气勘探、…、工业热储能示范项目建设: one list, six demonstration projects
    "零碳机场示范项目", "深部煤层气勘探示范项目", "CO2(二氧化碳)/合成气一步法制芳烃技术示范项目",
    "合成气一步法制烯烃示范项目", "硅碳负极材料示范项目",
]


def test_curator_checklist_is_covered(ordos_kg) -> None:
    table = (ORDOS / "CHECKLIST.md").read_text(encoding="utf-8")
    rows = [line for line in table.splitlines() if line.startswith("|") and not set(line) <= set("|-: ")]
    checked = 0
    for row in rows:
        cells = [c.strip() for c in row.strip("|").split("|")]
        if len(cells) < 2 or cells[0] in ("source phrase", "原文"):
            continue
        ids = re.findall(r"`([a-z0-9-]+)`", cells[-1]) or re.findall(r"[a-z0-9]+(?:-[a-z0-9]+)+|[a-z0-9]+", cells[-1])
        for rid in ids:
            assert rid in ordos_kg.data.records, f"CHECKLIST row {cells[0]!r} names unknown id {rid!r}"
        checked += 1
    assert checked >= 100


def test_every_citation_quote_is_verbatim(ordos_kg, g) -> None:
    text = normalize_text(SOURCE)
    quotes = [str(q) for q in g.objects(None, OA.exact)]
    assert quotes and all(normalize_text(q) in text for q in quotes)
    assert len(set(g.subjects(RDF.type, ECO.Citation))) == len(quotes)
