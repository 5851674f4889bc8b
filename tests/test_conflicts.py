"""Many documents, one graph (issue 16 item 4): the fictional test city with a second source
document (``tests/data/second-document``) that conflicts on purpose with a figure of the first
and agrees with another. ``validate`` warns of both, ``lookup`` shows the conflicting figures
with their sources, and the viewer draws the series as a small chart."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import ecograph
from ecograph.cli import main
from ecograph.facts import fact_key, fact_peers, same_value

from .conftest import two_documents


@pytest.fixture
def city(tmp_path: Path) -> Path:
    return two_documents(tmp_path / "two-documents")


def merge_the_agreeing_record(folder: Path) -> None:
    """What the warning asks: one record of the 120 enterprises, citing both documents."""
    plan = folder / "plan-2025.yaml"
    text = plan.read_text(encoding="utf-8")
    start = text.index("# The briefing says 达120家")
    plan.write_text(text[:start], encoding="utf-8")
    observations = folder / "observations.yaml"
    text = observations.read_text(encoding="utf-8")
    old = "  cite: {section: briefing-s2, quote: 高新技术企业达120家}\n"
    assert old in text
    observations.write_text(
        text.replace(
            old,
            "  cite:\n    - {section: briefing-s2, quote: 高新技术企业达120家}\n"
            "    - {section: plan-2025-s1, quote: 高新技术企业120家}\n",
        ),
        encoding="utf-8",
    )


# --------------------------------------------------------------------------- the rule


@given(st.decimals(allow_nan=False, allow_infinity=False, places=3), st.integers(0, 4))
def test_values_compare_as_decimals(value: Decimal, zeros: int) -> None:
    printed = f"{value:f}"
    padded = printed + ("" if "." in printed else ".") + "0" * zeros if zeros else printed
    assert same_value(printed, padded)
    assert not same_value(printed, f"{value + 1:f}")


def test_the_hedge_does_not_make_a_value_differ_but_top_n_is_a_bound() -> None:
    key = fact_key("rd-spending", "shili", "2024", "yi-yuan", qualifier="超")
    assert key == fact_key("rd-spending", "shili", "2024", "yi-yuan")
    assert key != fact_key("rd-spending", "shili", "2024", "wan-yuan")
    # 第15位 and 前20名 are both true: a top-N bound is no rank
    rank = fact_key("rank", "ordos", "2024", "rank", scope="china")
    assert rank != fact_key("rank", "ordos", "2024", "rank", scope="china", qualifier="前")
    assert rank != fact_key("rank", "ordos", "2024", "rank", scope="inner-mongolia")
    assert fact_key("rd-spending", "shili", None, "yi-yuan") is None  # a period only
    peers = fact_peers(
        {
            "a": (key, "12.5"),
            "b": (key, "12.50"),
            "c": (key, "13.1"),
            "d": (fact_key("rd-spending", "shili", "2023", "yi-yuan"), "10.2"),
        }
    )
    assert set(peers) == {"a", "b", "c"}
    assert peers["a"].agree == ("b",) and peers["a"].conflict == ("c",)
    assert peers["c"].agree == () and peers["c"].conflict == ("a", "b")


# --------------------------------------------------------------------------- validate

CONFLICT = (
    "Warning: observations.yaml:1: [rd-spending-shili-2024] conflict: rd-spending shili 2024 is "
    "12.5 (briefing) here and 13.1 (plan-2025) in plan-2025.yaml:40 rd-spending-shili-2024-plan"
)
CONFLICT_BACK = (
    "Warning: plan-2025.yaml:40: [rd-spending-shili-2024-plan] conflict: rd-spending shili 2024 "
    "is 13.1 (plan-2025) here and 12.5 (briefing) in observations.yaml:1 rd-spending-shili-2024"
)
TWICE = (
    "Warning: observations.yaml:11: [high-tech-enterprise-count-shili-2024] same fact recorded "
    "twice: high-tech-enterprise-count shili 2024 is 120 (briefing) here and 120.0 (plan-2025) "
    "in plan-2025.yaml:51 high-tech-enterprise-count-shili-2024-plan; "
    "keep one record with both cites"
)


def test_validate_warns_of_the_conflict_and_of_the_fact_recorded_twice(city: Path, runner) -> None:
    kg = ecograph.load(city)  # conflicting sources are records: the dataset builds
    assert len(kg.data.warnings) == 4
    result = runner.invoke(main, ["validate", "--data", str(city)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("OK: dataset shili is valid") and lines[0].endswith("4 warnings:")
    assert f"  {CONFLICT}" in lines and f"  {CONFLICT_BACK}" in lines and f"  {TWICE}" in lines
    strict = runner.invoke(main, ["validate", "--data", str(city), "--strict"])
    assert strict.exit_code == 1 and f"  {CONFLICT.replace('Warning', 'Error', 1)}" in strict.output
    found = json.loads(
        runner.invoke(main, ["validate", "--data", str(city), "--format", "json"]).output
    )
    assert found["conforms"] is True
    assert {f["record_id"] for f in found["findings"] if "conflict:" in f["message"]} == {
        "rd-spending-shili-2024",
        "rd-spending-shili-2024-plan",
    }


def test_one_record_citing_both_documents_is_one_fact(city: Path, runner) -> None:
    merge_the_agreeing_record(city)
    kg = ecograph.load(city)
    assert [w.message.split(":")[0] for w in kg.data.warnings] == ["conflict", "conflict"]
    result = kg.series("high-tech-enterprise-count")
    [point] = result.points
    assert [s.document for s in point.sources] == ["briefing", "plan-2025"]
    assert not point.conflict


def test_a_third_source_lists_every_other_value(city: Path) -> None:
    extra = city / "third.yaml"
    extra.write_text(
        "- id: rd-spending-shili-2024-again\n  type: Observation\n  indicator: rd-spending\n"
        '  area: shili\n  year: "2024"\n  value: "12.50"\n  unit: yi-yuan\n  qualifier: 超\n'
        "  cite: {section: briefing-s2, quote: 2024年，全市研发经费投入超12.5亿元}\n",
        encoding="utf-8",
    )
    loaded = ecograph.load(city).data.warnings
    warnings = {(w.record_id, w.message.split(":")[0]): w for w in loaded}
    plan = warnings[("rd-spending-shili-2024-plan", "conflict")].message
    assert plan.endswith(
        "here and 12.5 (briefing) in observations.yaml:1 rd-spending-shili-2024, "
        "12.50 (briefing) in third.yaml:1 rd-spending-shili-2024-again"
    )
    # 12.50 is 12.5: the same fact, whatever the hedge
    assert ("rd-spending-shili-2024-again", "same fact recorded twice") in warnings
    assert ("rd-spending-shili-2024-again", "conflict") in warnings


def test_the_bundled_data_has_no_conflict(ordos_kg: ecograph.KnowledgeGraph) -> None:
    # 中国城市新质生产力排名第15位 and 入选前20名 (top 20) of one year: a rank and a bound
    assert not [w for w in ordos_kg.data.warnings if "conflict" in w.message]


# --------------------------------------------------------------------------- lookup and series


def test_lookup_of_the_indicator_shows_both_sources(city: Path, runner) -> None:
    result = runner.invoke(main, ["lookup", "研发经费投入", "--data", str(city)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    start = lines.index("Observations (3; 2 in conflict):")
    assert lines[start + 1 : start + 7] == [
        "  2023  研发经费投入 [示例市]: 10.2亿元",
        "      “2023年，全市研发经费投入10.2亿元” — 一、2024年工作回顾",
        "  2024  研发经费投入 [示例市]: 超12.5亿元  "
        "[conflict: 13.1亿元 (rd-spending-shili-2024-plan)]",
        "      “2024年，全市研发经费投入超12.5亿元” — 二、人才与投入 (briefing)",
        "  2024  研发经费投入 [示例市]: 13.1亿元  [conflict: 超12.5亿元 (rd-spending-shili-2024)]",
        "      “2024年，全市研发经费投入13.1亿元” — 一、2024年工作回顾 (plan-2025)",
    ]
    card = json.loads(
        runner.invoke(
            main, ["lookup", "rd-spending", "--data", str(city), "--format", "json"]
        ).output
    )["card"]
    by_id = {o["id"]: o for o in card["observations"]}
    assert by_id["rd-spending-shili-2024"]["conflict"] is True
    assert by_id["rd-spending-shili-2024"]["conflicts_with"] == ["rd-spending-shili-2024-plan"]
    assert by_id["rd-spending-shili-2024-plan"]["citations"][0]["document"] == "plan-2025"
    assert by_id["rd-spending-shili-2023"]["conflict"] is False
    assert by_id["rd-spending-shili-2023"]["conflicts_with"] == []


def test_lookup_of_the_area_marks_conflicts_and_repeats(city: Path) -> None:
    card = ecograph.load(city).lookup("示例市").card
    assert card is not None
    marks = {o.id: (o.conflict, o.conflicts_with, o.agrees_with) for o in card.observations}
    assert marks == {
        "rd-spending-shili-2023": (False, [], []),
        "rd-spending-shili-2024": (True, ["rd-spending-shili-2024-plan"], []),
        "rd-spending-shili-2024-plan": (True, ["rd-spending-shili-2024"], []),
        "high-tech-enterprise-count-shili-2024": (
            False, [], ["high-tech-enterprise-count-shili-2024-plan"],
        ),
        "high-tech-enterprise-count-shili-2024-plan": (
            False, [], ["high-tech-enterprise-count-shili-2024"],
        ),
    }  # fmt: skip
    text = card.to_text("en")
    assert "Observations (5; 2 in conflict):" in text
    assert (
        "  2024  Number of high-tech enterprises: 120 enterprises  "
        "[same fact as high-tech-enterprise-count-shili-2024]"
    ) in text


def test_lookup_of_an_observation_id_shows_its_fact(city: Path, runner) -> None:
    result = runner.invoke(main, ["lookup", "rd-spending-shili-2024-plan", "--data", str(city)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[:3] == [
        "研发经费投入（示例市，2024年）  R&D expenditure (Shili, 2024)",
        "  id: rd-spending-shili-2024-plan  "
        "<https://w3id.org/ecograph/shili/id/rd-spending-shili-2024-plan>",
        "  kinds: 观测值 (Observation)",
    ]
    assert "Observations (2; 2 in conflict):" in lines
    assert "      “2024年，全市研发经费投入超12.5亿元” — 二、人才与投入 (briefing)" in lines
    result = ecograph.load(city).lookup("rd-spending-shili-2023")
    assert result.status == "found" and result.match is not None and result.match.how == "id"
    assert result.card is not None and [o.role for o in result.card.observations] == ["self"]
    near = ecograph.load(city).lookup("rd-spending-shili-2030")  # no observation: names as before
    assert near.match is None or near.match.how in ("partial", "fuzzy")


def test_series_marks_the_conflict_with_both_documents(city: Path) -> None:
    result = ecograph.load(city).series("rd-spending")
    assert [
        (p.year, p.value, p.conflict, [s.document for s in p.sources]) for p in result.points
    ] == [
        ("2023", "10.2", False, ["plan-2025"]),
        ("2024", "12.5", True, ["briefing"]),
        ("2024", "13.1", True, ["plan-2025"]),
    ]
    assert result.conflicts == 2


def test_a_rank_and_a_top_n_bound_are_no_conflict(ordos_kg: ecograph.KnowledgeGraph) -> None:
    points = ordos_kg.series("city-new-quality-productivity-rank").points
    assert [(p.value, p.qualifier, p.conflict) for p in points] == [
        ("15", None, False),
        ("20", "前", False),
    ]
    card = ordos_kg.lookup("city-new-quality-productivity-rank").card
    assert card is not None and not any(o.conflict or o.agrees_with for o in card.observations)


# --------------------------------------------------------------------------- the viewer's chart


def page_data(kg: ecograph.KnowledgeGraph) -> dict:
    from .test_view import payload_of

    return payload_of(kg.render_view())


def test_the_card_of_the_area_carries_the_series(city: Path) -> None:
    data = page_data(ecograph.load(city))
    nodes = {n["id"]: n for n in data["nodes"]}
    [chart] = nodes["shili"]["series"]  # the 120 enterprises agree: one point, no chart
    assert chart["indicator"] == {"zh": "研发经费投入", "en": "R&D expenditure"}
    assert chart["unit"] == {"zh": "亿元", "en": "100 million yuan"} and "area" not in chart
    assert [(p["year"], p["value"], p.get("conflict", False)) for p in chart["points"]] == [
        ("2023", "10.2", False),
        ("2024", "12.5", True),
        ("2024", "13.1", True),
    ]
    source = chart["points"][1]["sources"][0]
    assert source["quote"] == "2024年，全市研发经费投入超12.5亿元"
    assert source["document"] == "briefing"
    assert data["documents"]["briefing"] == {
        "zh": "示例市科技工作简报",
        "en": "Shili science and technology briefing",
    }
    assert source["amount"]["zh"] == "超12.5亿元"
    conflicting = [o["amount"]["zh"] for o in nodes["shili"]["obs"] if o.get("conflict")]
    assert sorted(conflicting) == ["13.1亿元", "超12.5亿元"]


def test_agreeing_sources_are_one_point(city: Path) -> None:
    merge_the_agreeing_record(city)
    (city / "later.yaml").write_text(
        "- id: high-tech-enterprise-count-shili-2023\n  type: Observation\n"
        '  indicator: high-tech-enterprise-count\n  area: shili\n  year: "2023"\n'
        '  value: "120"\n  unit: enterprise\n'
        "  cite: {section: plan-2025-s1, quote: 高新技术企业120家}\n",
        encoding="utf-8",
    )
    nodes = {n["id"]: n for n in page_data(ecograph.load(city))["nodes"]}
    chart = next(c for c in nodes["shili"]["series"] if c["unit"]["en"] == "enterprises")
    assert [(p["year"], len(p["sources"])) for p in chart["points"]] == [("2023", 1), ("2024", 2)]


def test_the_chart_data_is_the_same_from_either_store(city: Path) -> None:
    assert (
        ecograph.load(city, store="memory").render_view()
        == ecograph.load(city, store="oxigraph").render_view()
    )


def test_ordos_charts_are_drawn_where_an_indicator_has_two_years(
    ordos_kg: ecograph.KnowledgeGraph,
) -> None:
    nodes = {n["id"]: n for n in page_data(ordos_kg)["nodes"]}
    charted = {
        node: [(c["indicator"]["zh"], [p["year"] for p in c["points"]]) for c in n["series"]]
        for node, n in nodes.items()
        if "series" in n
    }
    assert charted["three-zeros-action"] == [("“三清零”企业数量", ["2021", "2024"])]
    assert ("“三清零”企业数量", ["2021", "2024"]) in charted["ordos"]
    assert not any(
        p.get("conflict") for n in nodes.values() for c in n.get("series", []) for p in c["points"]
    )
