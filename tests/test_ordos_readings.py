"""The Ordos letter read twice more, independently: how many of the links each reader found
are in the graph (relation recall, target at least 0.85), and why each missing one is not."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

import ecograph
from ecograph.loader import normalize_text

from .conftest import ORDOS, TESTS

READINGS = sorted((TESTS / "data" / "ordos-readings").glob("reader-*.yaml"))
SOURCE = normalize_text(
    (ORDOS / "sources" / "000_6dda99716a2125f5.txt").read_text(encoding="utf-8")
)


def graph_pairs(kg: ecograph.KnowledgeGraph) -> set[frozenset[str]]:
    return {frozenset((r.id, rel.target)) for r in kg.data.records.values() for rel in r.relations}


def reading(path: Path) -> dict[frozenset[str], list[dict]]:
    """Unique pairs of a reading (either direction counts the same) → its entries."""
    pairs: dict[frozenset[str], list[dict]] = {}
    for item in yaml.safe_load(path.read_text(encoding="utf-8"))["relations"]:
        pairs.setdefault(frozenset((item["s"], item["o"])), []).append(item)
    return pairs


def test_there_are_two_readings() -> None:
    assert [p.name for p in READINGS] == ["reader-1.yaml", "reader-2.yaml"]


@pytest.mark.parametrize("path", READINGS, ids=lambda p: p.stem)
def test_relation_recall_against_an_independent_reading(
    path: Path, ordos_kg: ecograph.KnowledgeGraph
) -> None:
    pairs, have = reading(path), graph_pairs(ordos_kg)
    missing = {pair: items for pair, items in pairs.items() if pair not in have}
    recall = 1 - len(missing) / len(pairs)
    assert recall >= 0.85, f"recall {recall:.3f}"
    unexplained = sorted(
        tuple(sorted(p)) for p, items in missing.items() if not any(i.get("verdict") for i in items)
    )
    assert unexplained == [], "links the reader found that the graph lacks, with no verdict"
    # a verdict only where the graph really lacks the link (verdicts do not go stale)
    stale = sorted(
        tuple(sorted(p))
        for p, items in pairs.items()
        if p in have and any(i.get("verdict") for i in items)
    )
    assert stale == []


@pytest.mark.parametrize("path", READINGS, ids=lambda p: p.stem)
def test_readings_quote_the_source(path: Path) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for item in data["relations"] + data.get("new_entities", []):
        assert normalize_text(item["quote"]) in SOURCE, item["quote"]


def test_most_graph_links_were_found_by_a_reader(ordos_kg: ecograph.KnowledgeGraph) -> None:
    """The other way round: the graph's links that neither reader listed are few (the section
    partOf links and the links read from names are not in the readers' brief)."""
    found = set().union(*(reading(p) for p in READINGS))
    records = ordos_kg.data.records
    pairs = {
        frozenset((r.id, rel.target))
        for r in records.values()
        for rel in r.relations
        if "DocumentSection" not in r.types
    }
    share = len(pairs & found) / len(pairs)
    assert share >= 0.85, f"{share:.3f}"
