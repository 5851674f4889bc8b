"""The inbox: candidates written for a curator, listed, shown and rejected for good.

The candidates here are hand-made dicts in the shape `ecograph ingest` writes, about a fictional
city (示例市); nothing here is a fact of any real place."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from ecograph.errors import NotFoundError, UsageError
from ecograph.ingest.inbox import (
    candidate_id,
    list_inbox,
    read_inbox,
    reject_candidates,
    write_inbox,
)

QUOTE = "示例市获批建设示例市新材料实验室"
CANDIDATES = [
    {
        "kind": "relation",
        "s": "shili-new-materials-lab",
        "p": "locatedIn",
        "o": "shili",
        "status": "done",
        "basis": "explicit",
        "quote": QUOTE,
        "section": "doc-s1",
        "rule": "trigger:获批建设",
        "confidence": 0.6,
    },
    {
        "kind": "entity",
        "type": "Laboratory",
        "label": {"zh": "示例市新材料实验室"},
        "id": "shili-new-materials-lab",
        "new": True,
        "quote": QUOTE,
        "section": "doc-s1",
        "rule": "pattern:实验室",
        "confidence": 0.8,
    },
    {
        "kind": "observation",
        "indicator": "rd-spending",
        "area": "shili",
        "year": "2025",
        "value": "12.5",
        "unit": "yi-yuan",
        "qualifier": "超",
        "status": "done",
        "quote": "全市研发投入超12.5亿元",
        "section": "doc-s2",
        "rule": "figure",
        "confidence": 0.7,
    },
]


def test_write_then_read_in_a_fixed_order(tmp_path: Path) -> None:
    written = write_inbox(tmp_path, "shili-notice", CANDIDATES)
    again = write_inbox(tmp_path, "shili-notice", list(reversed(CANDIDATES)))
    assert [c["kind"] for c in written.candidates] == ["entity", "observation", "relation"]
    assert written.candidates == again.candidates
    text = (tmp_path / "inbox/shili-notice/candidates.yaml").read_text(encoding="utf-8")
    assert text.startswith("# Candidate records proposed for shili-notice")
    assert yaml.safe_load(text) == read_inbox(tmp_path, "shili-notice").candidates
    assert not list(tmp_path.glob("*.yaml"))  # no curated file written
    assert read_inbox(tmp_path, "shili-notice").counts() == {
        "document": 0, "section": 0, "entity": 1, "observation": 1, "relation": 1,
    }  # fmt: skip


def test_a_rejected_candidate_is_never_proposed_again(tmp_path: Path) -> None:
    written = write_inbox(tmp_path, "shili-notice", CANDIDATES)
    relation = next(c["cid"] for c in written.candidates if c["kind"] == "relation")
    result = reject_candidates(tmp_path, "shili-notice", [relation], reason="not in the text")
    assert result.left == 2 and result.rejected == [relation]
    rejected = yaml.safe_load((tmp_path / "inbox/shili-notice/rejected.yaml").read_text("utf-8"))
    assert rejected[0]["cid"] == relation and rejected[0]["reason"] == "not in the text"
    again = write_inbox(tmp_path, "shili-notice", CANDIDATES)  # the same document, ingested again
    assert relation not in {c["cid"] for c in again.candidates}
    assert again.rejected == 1
    assert "1 rejected" in list_inbox(tmp_path).to_text()


def test_misuse_and_missing(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError):
        read_inbox(tmp_path, "never-ingested")
    with pytest.raises(UsageError):
        read_inbox(tmp_path, "../etc")
    write_inbox(tmp_path, "shili-notice", CANDIDATES)
    with pytest.raises(UsageError, match="no candidate"):
        reject_candidates(tmp_path, "shili-notice", ["rel-0000000000"])
    with pytest.raises(UsageError):
        reject_candidates(tmp_path, "shili-notice", [])
    with pytest.raises(UsageError):
        candidate_id({"kind": "guess"})
    assert len(read_inbox(tmp_path, "shili-notice").candidates) == 3  # nothing changed


def test_the_listing_and_its_text(tmp_path: Path) -> None:
    assert list_inbox(tmp_path).to_text() == f"The inbox of {tmp_path} is empty."
    write_inbox(tmp_path, "shili-notice", CANDIDATES)
    write_inbox(tmp_path, "shili-plan", CANDIDATES[1:2])
    listing = list_inbox(tmp_path)
    assert [d.doc_id for d in listing.documents] == ["shili-notice", "shili-plan"]
    shown = read_inbox(tmp_path, "shili-notice").to_text()
    assert "示例市新材料实验室" in shown and f"“{QUOTE}”" in shown
    assert "rd-spending 2025: 超12.5 yi-yuan" in shown


@given(
    st.text(min_size=1, max_size=20),
    st.text(max_size=20),
    st.sampled_from(["Laboratory", "University", "Programme"]),
)
def test_ids_depend_on_what_is_proposed_not_on_how_it_was_found(
    label: str, other: str, kind: str
) -> None:
    one = {"kind": "entity", "type": kind, "label": {"zh": label}, "rule": "a", "confidence": 1}
    two = {**one, "rule": "b", "confidence": 0.1, "quote": other}
    assert candidate_id(one) == candidate_id(two)
    assert candidate_id(one) != candidate_id({**one, "label": {"zh": label + "甲"}})
    assert candidate_id(one).startswith("ent-")


def test_the_inbox_commands(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from ecograph.cli import main

    runner = CliRunner()
    empty = runner.invoke(main, ["inbox", "list", "--data", str(tmp_path)])
    assert empty.exit_code == 0 and "is empty" in empty.output
    written = write_inbox(tmp_path, "shili-notice", CANDIDATES)
    shown = runner.invoke(main, ["inbox", "show", "shili-notice", "--data", str(tmp_path)])
    assert shown.exit_code == 0, shown.output
    assert shown.output.rstrip("\n") == read_inbox(tmp_path, "shili-notice").to_text()
    cid = written.candidates[0]["cid"]
    done = runner.invoke(
        main, ["inbox", "reject", "shili-notice", cid, "--data", str(tmp_path), "--reason", "no"]
    )
    assert done.exit_code == 0 and "Rejected 1 candidate(s)" in done.output
    again = runner.invoke(main, ["inbox", "reject", "shili-notice", cid, "--data", str(tmp_path)])
    assert again.exit_code == 2 and "no candidate" in again.output  # misuse: it is not waiting
    missing = runner.invoke(main, ["inbox", "show", "other-doc", "--data", str(tmp_path)])
    assert missing.exit_code == 1 and "no inbox" in missing.output
    listed = runner.invoke(main, ["inbox", "list", "--data", str(tmp_path), "--format", "json"])
    assert '"rejected": 1' in listed.output


def test_series_prints_each_point_with_its_source() -> None:
    import ecograph

    result = ecograph.load().series("national-high-tech-enterprise-count")
    assert [(p.year, p.value, p.conflict) for p in result.points] == [
        ("2024", "330", False),
        (None, "132", False),
    ]
    assert all(p.sources and p.sources[0].document == "reply-2025-185" for p in result.points)
