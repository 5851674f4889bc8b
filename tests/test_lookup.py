"""Lookups by any name, entity cards with citations, neighbours and relation paths — through the
API and the CLI — and proof that user text never reaches a SPARQL query."""

from __future__ import annotations

import json
import re

import pytest

import ecograph
from ecograph.cli import main
from ecograph.errors import NotFoundError
from ecograph.lookup import AmbiguousNameError, amount_text, normalize_pinyin


@pytest.mark.parametrize(
    "text,expected",
    [
        ("鄂尔多斯实验室", "ordos-laboratory"),  # preferred Chinese label
        ("鄂尔多斯市实验室", "ordos-laboratory"),  # the source's other spelling, an alias
        ("ordos laboratory", "ordos-laboratory"),  # English, any case
        ("ORDOS LABORATORY", "ordos-laboratory"),
        ("eerduosi shiyanshi", "ordos-laboratory"),  # pinyin without tones, with spaces
        ("EerduosiShiyanshi", "ordos-laboratory"),  # without spaces
        ("Èěrduōsī Shíyànshì", "ordos-laboratory"),  # with tone marks
        ("e4 er3 duo1 si1 shi2 yan4 shi4", "ordos-laboratory"),  # with tone numbers
        ("ordos labratory", "ordos-laboratory"),  # a near miss
        ("ordos-laboratory", "ordos-laboratory"),  # the id
        ("中科院", "cas"),  # the source's short form is the preferred label
        ("中国科学院", "cas"),  # the full name is an alias
        ("鄂尔多斯", "ordos"),
        ("changsanjiao", "yangtze-river-delta"),  # 长 read as chang, not zhang
        ("piao zhefan", "piao-zhefan"),  # 朴 as a surname is piao
        ("九三学社", "jiusan-society"),
    ],
)
def test_lookup_finds_by_every_kind_of_name(ordos_kg, text: str, expected: str) -> None:
    result = ordos_kg.lookup(text)
    assert result.status == "found", (text, [c.id for c in result.candidates])
    assert result.match.id == expected
    assert result.card.id == expected


def test_pinyin_normalization() -> None:
    assert (
        normalize_pinyin("Èěrduōsī  Shíyànshì")
        == normalize_pinyin("e4er3duo1si1 shi2yan4shi4")
        == "eerduosishiyanshi"
    )
    assert normalize_pinyin("lǜ") == normalize_pinyin("lv") == "lv"


def test_card_of_the_ordos_laboratory(ordos_kg) -> None:
    card = ordos_kg.lookup("鄂尔多斯实验室").card
    assert card.kinds == ["Laboratory", "NewTypeRDInstitution"]
    assert card.labels == {"zh": "鄂尔多斯实验室", "en": "Ordos Laboratory"}
    assert card.alt_labels["zh"] == ["鄂尔多斯市实验室"]
    out = {(r.predicate, r.other): r for r in card.outgoing}
    designation = out[("hasDesignation", "first-batch-inner-mongolia-laboratory")]
    assert designation.status == "done" and designation.basis == "explicit"
    assert [(c.quote, c.section_labels["zh"]) for c in designation.citations] == [
        ("鄂尔多斯实验室获批首批内蒙古实验室", "二、重大创新平台快速发展")
    ]
    assert ("memberOf", "new-type-rd-institution-cluster") in out
    incoming = {(r.predicate, r.other): r for r in card.incoming}
    base = incoming[("branchOf", "ordos-laboratory-jungar-pilot-base")]
    assert base.status == "planned" and base.basis == "implied"
    assert base.other_labels["zh"] == "鄂尔多斯实验室准格尔中试基地"


def test_card_observations_with_year_unit_and_qualifier(ordos_kg) -> None:
    card = ordos_kg.lookup("鄂尔多斯市").card
    by_value = {(o.value, o.year): o for o in card.observations}
    spending = by_value[("24.82", "2024")]
    assert spending.unit_labels["zh"] == "亿元"
    assert spending.citations and "24.82" in spending.citations[0].quote
    assert any(o.value == "9" and o.qualifier == "超" for o in card.observations)
    assert any(o.value == "132" and o.year is None and o.period for o in card.observations)


def test_card_attributes_of_a_policy(ordos_kg) -> None:
    card = ordos_kg.lookup("关于加快培育新质生产力以科技创新引领高质量发展的实施意见").card
    assert card.attributes["docNumber"] == ["鄂党办发〔2025〕6号"]


def test_ambiguous_and_not_found(ordos_kg) -> None:
    result = ordos_kg.lookup("实验室")
    assert result.status == "ambiguous"
    assert "ordos-laboratory" in [c.id for c in result.candidates]
    missing = ordos_kg.lookup("量子计算研究中心")
    assert missing.status == "not_found"
    nothing = ordos_kg.lookup("xyzzy")
    assert nothing.status == "not_found"


def test_cli_lookup_text_json_and_exit_codes(runner) -> None:
    result = runner.invoke(main, ["lookup", "鄂尔多斯实验室"], catch_exceptions=False)
    assert result.exit_code == 0
    assert result.output.startswith("鄂尔多斯实验室  Ordos Laboratory")
    assert "获得称号/资质 (hasDesignation)  首批内蒙古实验室" in result.output
    assert "“鄂尔多斯实验室获批首批内蒙古实验室” — 二、重大创新平台快速发展" in result.output
    english = runner.invoke(
        main, ["lookup", "eerduosi shiyanshi", "--lang", "en"], catch_exceptions=False
    )
    assert english.output.startswith("Ordos Laboratory  鄂尔多斯实验室")
    assert (
        "has designation (hasDesignation)" in english.output.lower()
        or "(hasDesignation)" in english.output
    )
    data = json.loads(runner.invoke(main, ["lookup", "中科院", "--format", "json"]).output)
    assert data["status"] == "found" and data["card"]["id"] == "cas"
    ambiguous = runner.invoke(main, ["lookup", "实验室"])
    assert (
        ambiguous.exit_code == 0
        and "choose one" in ambiguous.output
        and "ordos-laboratory" in ambiguous.output
    )
    assert runner.invoke(main, ["lookup", "实验室", "--strict"]).exit_code == 1
    missing = runner.invoke(main, ["lookup", "鄂尔多斯实验宫殿"])
    assert missing.exit_code in (0, 1)
    none = runner.invoke(main, ["lookup", "量子计算研究中心"])
    assert none.exit_code == 1 and "No entity is named" in none.output


def test_near_miss_suggests_closest_names(ordos_kg) -> None:
    result = ordos_kg.lookup("深部煤层气勘探示范工程")
    ids = [
        m.id for m in ([result.match] if result.match else result.candidates + result.suggestions)
    ]
    assert any("coalbed" in i or "cbm" in i or "methane" in i for i in ids), ids


def test_neighbors_of_the_talent_centre(ordos_kg) -> None:
    result = ordos_kg.neighbors("鄂尔多斯人才科创中心")
    branches = {n.id for n in result.neighbors if any(e.predicate == "branchOf" for e in n.edges)}
    assert len(branches) == 4 and all(n.startswith("talent-centre-") for n in branches)
    assert all(n.depth == 1 for n in result.neighbors)
    assert not any(
        "DocumentSection" in n.kinds or "Observation" in n.kinds for n in result.neighbors
    )
    # the laboratories two steps away are reached through the city: with areas kept
    typed = ordos_kg.neighbors("鄂尔多斯实验室", depth=2, kinds=["Laboratory"], exclude=[])
    assert typed.neighbors and all("Laboratory" in n.kinds for n in typed.neighbors)
    with pytest.raises(ecograph.UsageError, match="unknown kind") as caught:
        ordos_kg.neighbors("鄂尔多斯实验室", kinds=["Labratory"])
    assert caught.value.param == "kinds"
    with pytest.raises(ecograph.UsageError, match="depth must be at least 1") as caught:
        ordos_kg.neighbors("鄂尔多斯实验室", depth=0)
    assert caught.value.param == "depth"


def test_paths_between_branch_centre_and_laboratory(ordos_kg) -> None:
    result = ordos_kg.paths("北京人才科创分中心", "鄂尔多斯实验室", exclude=[])
    # 先后建成…人才科创分中心 and 鄂尔多斯实验室 (located in the city, from its name): two steps
    # through the city (kept: by default areas are left out, and then there is no path)
    assert result.paths and all(p.length == 2 for p in result.paths)
    assert all(p.nodes[1] == "ordos" for p in result.paths)
    first = result.paths[0]
    assert (
        first.nodes[0] == "talent-centre-beijing-branch" and first.nodes[-1] == "ordos-laboratory"
    )
    for step in first.steps:
        assert step.edges and all(e.citations for e in step.edges)
        assert all(e.direction in ("forward", "backward") for e in step.edges)
    longer = ordos_kg.paths(
        "北京人才科创分中心", "鄂尔多斯实验室", max_length=4, all_paths=True, exclude=[]
    )
    assert len(longer.paths) > len(result.paths)
    assert [p.length for p in longer.paths] == sorted(p.length for p in longer.paths)
    assert ordos_kg.paths("北京人才科创分中心", "鄂尔多斯实验室", max_length=1).paths == []


def test_cli_neighbors_and_path(runner) -> None:
    result = runner.invoke(main, ["neighbors", "鄂尔多斯人才科创中心"], catch_exceptions=False)
    assert (
        result.exit_code == 0
        and "北京人才科创分中心 —分支机构→ 鄂尔多斯人才科创中心" in result.output
    )
    data = json.loads(
        runner.invoke(
            main, ["neighbors", "鄂尔多斯人才科创中心", "--depth", "2", "--format", "json"]
        ).output
    )
    assert {n["depth"] for n in data["neighbors"]} == {1, 2}
    path = runner.invoke(
        main,
        ["path", "北京人才科创分中心", "鄂尔多斯实验室", "--lang", "en", "--exclude-type", "none"],
        catch_exceptions=False,
    )
    assert (
        path.exit_code == 0
        and "shortest path(s) of 2 step(s)" in path.output
        and "Ordos —develops→" in path.output
    )
    none = runner.invoke(
        main,
        [
            "path",
            "北京人才科创分中心",
            "鄂尔多斯实验室",
            "--max-length",
            "1",
            "--exclude-type",
            "none",
        ],
    )
    assert none.exit_code == 1 and "no path" in none.output
    ambiguous = runner.invoke(main, ["path", "实验室", "鄂尔多斯市"])
    assert (
        ambiguous.exit_code == 1
        and "ambiguous" in ambiguous.output
        and "Traceback" not in ambiguous.output
    )


HOSTILE = [
    '鄂尔多斯实验室" } UNION { ?s ?p ?o } #',
    "} UNION { ?x ?y ?z",
    "'; DROP GRAPH <x>; '",
    "鄂尔多斯\n实验室",
    "\\u0022 \\\\ \\",
    '"""<script>{}</script>"""',
    "?e a eco:Laboratory",
]


def _record_queries(monkeypatch, work) -> list[tuple[str, dict]]:
    """Every query the library sends to its store while ``work`` runs (the parts read through
    the store the graph was made with, whatever the store)."""
    seen: list[tuple[str, dict]] = []
    kg = (
        ecograph.load()
    )  # a fresh graph, so that its name index and network are built under the spy
    real = kg.store.query

    def spy(query_text, bindings=None):
        seen.append((query_text, dict(bindings or {})))
        return real(query_text, bindings)

    monkeypatch.setattr(kg.store, "query", spy)
    work(kg)
    return seen


@pytest.mark.parametrize("text", HOSTILE)
def test_user_text_never_reaches_sparql(monkeypatch, text: str) -> None:
    def benign(kg) -> None:
        kg.lookup("鄂尔多斯实验室")
        kg.paths("鄂尔多斯市", "鄂尔多斯实验室")

    def hostile(kg) -> None:
        kg.lookup(text)
        for call in (lambda: kg.paths(text, "鄂尔多斯实验室"), lambda: kg.neighbors(text)):
            try:
                call()  # a near miss may resolve the text to an entity; that is fine
            except NotFoundError:
                pass
        kg.lookup("鄂尔多斯实验室")
        kg.paths("鄂尔多斯市", "鄂尔多斯实验室")

    baseline = {q for q, _ in _record_queries(monkeypatch, benign)}
    seen = _record_queries(monkeypatch, hostile)
    assert seen
    for query_text, bindings in seen:
        assert query_text in baseline, "a query differs from the fixed ones"
        assert text not in query_text
        for value in bindings.values():
            assert str(value).startswith("https://w3id.org/ecograph/ordos/id/"), value


def test_ambiguous_name_error_lists_candidates(ordos_kg) -> None:
    with pytest.raises(AmbiguousNameError) as info:
        ordos_kg.paths("实验室", "鄂尔多斯市")
    assert "ordos-laboratory" in str(info.value)


@pytest.mark.parametrize(
    ("value", "unit", "qualifier", "lang", "text"),
    [
        ("9", "亿元", "超", "zh", "超9亿元"),  # 项目投入总金额超9亿元
        ("600", "个", "余", "zh", "600余个"),  # 惠及各类创新主体600余个
        ("10", "亿元", "以上", "zh", "10亿元以上"),
        ("1000", "家", "突破", "zh", "突破1000家"),
        ("24.82", "亿元", None, "zh", "24.82亿元"),
        ("9", "100 million yuan", "超", "en", "over 9 100 million yuan"),
        ("600", "units", "余", "en", "more than 600 units"),
        ("10", "100 million yuan", "以上", "en", "10 100 million yuan or more"),
        ("20", "rank", "前", "en", "top 20 rank"),
        ("48.9", "percent", "达", "en", "48.9 percent"),  # 达 (reaches) is no hedge in English
        ("4", "", None, "en", "4"),
    ],
)
def test_amounts_are_written_as_each_language_writes_them(
    value, unit, qualifier, lang, text
) -> None:
    assert amount_text(value, unit, qualifier, lang) == text


def test_cards_write_hedged_amounts_as_each_language_does(runner) -> None:
    card = runner.invoke(main, ["lookup", "鄂尔多斯市"]).output
    assert "惠及各类创新主体数量: 600余个" in card and "余 600" not in card
    english = runner.invoke(main, ["lookup", "鄂尔多斯市", "--lang", "en"]).output
    assert "Number of innovation entities benefited: more than 600 units" in english


def test_the_name_database_answers_exact_names_as_the_index(tmp_path) -> None:
    """A large build keeps its name index in SQLite: for every name of the Ordos data (labels,
    aliases, English names, ids, document numbers) it gives the index's own answer, and it
    leaves everything else (pinyin, near misses) to the index."""
    from ecograph.lookup import NameDB

    index = ecograph.load().names()
    NameDB.write(index, tmp_path / "names.sqlite")
    db = NameDB(tmp_path / "names.sqlite")
    shown = sorted({row[3] for row in index._name_table()})
    assert len(shown) > 300
    from ecograph.lookup import normalize_name

    for text in [*shown, f"  {shown[0]}  ", shown[1].upper()]:
        found = db.search_exact(text)
        if found is None:  # a name of nothing but punctuation: the index answers it
            assert not normalize_name(text), text
        else:
            assert found == index.search(text), text
    for text in ("eerduosi", "鄂尔多斯科技", "nothing at all"):
        assert db.search_exact(text) is None
    some = next(iter(index.entries))
    assert db.entries[some] == index.entries[some] and "no-such-id" not in db.entries


def test_a_large_build_looks_names_up_in_its_database(tmp_path, monkeypatch) -> None:
    import ecograph.kg

    monkeypatch.setenv("ECOGRAPH_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(ecograph.kg, "CARD_STORE_MIN_ENTITIES", 1)
    expected = {t: ecograph.load(cache=False).lookup(t).to_dict() for t in TEXTS_SEEN}
    for _ in range(3):  # the build, then the database written, then read
        kg = ecograph.load()
        assert {t: kg.lookup(t).to_dict() for t in TEXTS_SEEN} == expected
    kg = ecograph.load()
    for text in TEXTS_SEEN[:-1]:
        assert kg.lookup(text).to_dict() == expected[text]
    assert kg._name_db() is not None and kg._index is None  # exact names: the index unread
    assert kg.lookup("eerduosi").to_dict() == expected["eerduosi"]  # pinyin: the index


TEXTS_SEEN = ("鄂尔多斯市", "清华大学", "鄂尔多斯实验室", "内蒙古", "eerduosi")


def test_path_and_neighbors_leave_out_areas_as_rank_does(runner) -> None:
    """By default no path passes through 鄂尔多斯市 (AdministrativeArea) or a Region, and the
    answer says so; when only the city links two entities, it says through whom."""
    tsinghua = runner.invoke(main, ["path", "清华大学", "鄂尔多斯实验室"])
    assert tsinghua.exit_code == 1
    assert "AdministrativeArea, Region left out" in tsinghua.output
    assert "with them the shortest is 2 step(s), through 鄂尔多斯市 (ordos)" in tsinghua.output
    assert "--exclude-type none" in tsinghua.output
    peking = runner.invoke(main, ["path", "北京大学", "鄂尔多斯实验室", "--format", "json"])
    found = json.loads(peking.output)
    assert found["exclude"] == ["AdministrativeArea", "Region"] and found["paths"]
    assert all("ordos" not in p["nodes"] for p in found["paths"])
    kept = json.loads(
        runner.invoke(
            main,
            ["path", "北京大学", "鄂尔多斯实验室", "--exclude-type", "none", "--format", "json"],
        ).output
    )
    assert kept["exclude"] == [] and kept["paths"][0]["nodes"][1] == "ordos"
    # neighbours: the city is neither listed nor walked through, unless asked
    around = json.loads(
        runner.invoke(
            main, ["neighbors", "鄂尔多斯实验室", "--depth", "2", "--format", "json"]
        ).output
    )
    assert "ordos" not in {n["id"] for n in around["neighbors"]}
    assert all(n["via"] != "ordos" for n in around["neighbors"])
    everything = json.loads(
        runner.invoke(
            main,
            [
                "neighbors",
                "鄂尔多斯实验室",
                "--depth",
                "2",
                "--exclude-type",
                "none",
                "--format",
                "json",
            ],
        ).output
    )
    assert "ordos" in {n["id"] for n in everything["neighbors"]}
    assert len(everything["neighbors"]) > len(around["neighbors"])
    # the centre itself may be of a left-out kind
    city = json.loads(runner.invoke(main, ["neighbors", "鄂尔多斯市", "--format", "json"]).output)
    assert city["neighbors"] and all(
        "AdministrativeArea" not in n["kinds"] for n in city["neighbors"]
    )
    unknown = runner.invoke(main, ["path", "北京大学", "鄂尔多斯实验室", "--exclude-type", "Nope"])
    assert unknown.exit_code == 2 and "Traceback" not in unknown.output


def test_a_step_of_two_relations_is_one_line(runner) -> None:
    """Two relations between the same two entities are one step: one numbered line, the
    relations under it (not one line each, which read like a longer path)."""
    result = runner.invoke(
        main, ["path", "北京人才科创分中心", "鄂尔多斯实验室", "--exclude-type", "none"]
    )
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    steps = [line for line in lines if re.match(r"^  \d+\. ", line)]
    assert [line.split(".")[0].strip() for line in steps] == ["1", "2"]
    assert steps[0] == "  1. 北京人才科创分中心 → 鄂尔多斯市 (2 relations)"
    first = lines.index(steps[0])
    second = lines.index(steps[1])
    relations = [line for line in lines[first + 1 : second] if "→ " in line and "[" in line]
    assert len(relations) == 2
    assert "北京人才科创分中心 —链接→ 鄂尔多斯市  [ongoing]" in relations[0]
    assert "鄂尔多斯市 —建设/培育→ 北京人才科创分中心  [done]" in relations[1]


def test_exclude_type_default_is_stated_in_help(runner) -> None:
    for command in ("path", "neighbors"):
        text = " ".join(runner.invoke(main, [command, "--help"]).output.split())
        assert "--exclude-type KIND" in text
        assert "Default, as for rank: AdministrativeArea and Region" in text
