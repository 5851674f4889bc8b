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
