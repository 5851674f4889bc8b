"""A second document for the fictional city, from the file to a built graph: ingested,
curated by accept and reject, validated (its figure that contradicts the first document is a
conflict, its figure that agrees is one fact with two citations) and built."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from ecograph.cli import main

REPO = Path(__file__).resolve().parent.parent
SHILI = REPO / "tests" / "data" / "shili"
REPLY = REPO / "tests" / "data" / "documents" / "reply.txt"
DOC = "reply-2025-7"


def _run(*args: str) -> object:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def _candidates(folder: Path) -> list[dict]:
    result = _run("inbox", "show", DOC, "--data", str(folder), "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)["candidates"]


def _one(candidates: list[dict], **fields: object) -> dict:
    found = [c for c in candidates if all(_get(c, k) == v for k, v in fields.items())]
    assert len(found) == 1, (fields, len(found))
    return found[0]


def _get(candidate: dict, key: str) -> object:
    if key == "zh":
        return (candidate.get("label") or {}).get("zh")
    return candidate.get(key)


@pytest.fixture(scope="module")
def curated(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The shili dataset with the reply letter ingested and partly curated."""
    folder = tmp_path_factory.mktemp("curation") / "shili"
    shutil.copytree(SHILI, folder)
    before = {p.name: p.read_text(encoding="utf-8") for p in folder.glob("*.yaml")}
    result = _run("ingest", str(REPLY), "--data", str(folder), "--id", DOC)
    assert result.exit_code == 0, result.output
    candidates = _candidates(folder)
    document = _one(candidates, kind="document")
    sections = [c for c in candidates if c["kind"] == "section"]
    english = [f"{document['cid']}=Reply of the Shili Science and Technology Bureau (fictional)"]
    english += [f"{s['cid']}=Section {s['order']}" for s in sections if not s["label"]["en"]]
    flags = [x for pair in (("--en", e) for e in english) for x in pair]
    result = _run(
        "inbox",
        "accept",
        DOC,
        document["cid"],
        *(s["cid"] for s in sections),
        *flags,
        "--data",
        str(folder),
    )
    assert result.exit_code == 0, result.output
    lab = _one(candidates, kind="entity", zh="示例市新材料实验室")
    academician = _one(candidates, kind="entity", zh="王示例")
    linked = _one(candidates, kind="entity", link="shili-laboratory")
    result = _run(
        "inbox",
        "accept",
        DOC,
        lab["cid"],
        academician["cid"],
        linked["cid"],
        "--en",
        f"{lab['cid']}=Shili New Materials Laboratory",
        "--en",
        f"{academician['cid']}=Wang Shili",
        "--data",
        str(folder),
    )
    assert result.exit_code == 0, result.output
    spending = _one(candidates, kind="observation", indicator="rd-spending", year="2024")
    firms = _one(
        candidates, kind="observation", indicator="high-tech-enterprise-count", year="2024"
    )
    engaged = _one(candidates, kind="relation", s=academician["id"], p="engagedBy")
    result = _run(
        "inbox",
        "accept",
        DOC,
        spending["cid"],
        firms["cid"],
        engaged["cid"],
        "--data",
        str(folder),
    )
    assert result.exit_code == 0, result.output
    return {
        "folder": folder,
        "before": before,
        "lab": lab,
        "academician": academician,
        "spending": spending,
        "firms": firms,
    }


def test_curated_files_keep_every_line_and_comment(curated: dict) -> None:
    folder = curated["folder"]
    for name, text in curated["before"].items():
        now = (folder / name).read_text(encoding="utf-8").splitlines()
        old = text.splitlines()
        # every original line is still there, in its order: accept only adds (a one-line
        # `cite: {…}` that gains a second citation becomes a list holding it)
        at = 0
        for line in old:
            if line not in now[at:] and line.startswith("  cite: {"):
                line = "    - " + line[len("  cite: ") :]
            at = now.index(line, at) + 1
    meta = (folder / "dataset.yaml").read_text(encoding="utf-8")
    assert meta.startswith("# FICTIONAL test dataset")
    assert f"document: {DOC}" in meta and "sha256: " in meta


def test_the_document_and_its_sections_are_curated(curated: dict) -> None:
    records = yaml.safe_load((curated["folder"] / "documents.yaml").read_text(encoding="utf-8"))
    by_id = {r["id"]: r for r in records}
    document = by_id[DOC]
    assert document["docNumber"] == "示科复字[2025]7号"
    assert str(document["dateIssued"]) == "2025-09-01"
    sections = [r for r in records if r.get("relations") == [{"p": "partOf", "o": DOC}]]
    assert len(sections) >= 5


def test_an_entity_cited_by_two_documents_keeps_both_citations(curated: dict) -> None:
    records = yaml.safe_load((curated["folder"] / "organizations.yaml").read_text(encoding="utf-8"))
    lab = next(r for r in records if r["id"] == "shili-laboratory")
    sections = {c["section"] for c in lab["cite"]}
    assert "briefing-s1" in sections
    assert any(s.startswith(DOC) for s in sections)


def test_validate_reports_the_conflict_and_merges_the_agreeing_figure(curated: dict) -> None:
    folder = curated["folder"]
    result = _run("validate", "--data", str(folder))
    assert result.exit_code == 0, result.output
    assert "conflict" in result.output and "rd-spending" in result.output
    observations = yaml.safe_load((folder / "observations.yaml").read_text(encoding="utf-8"))
    firms = [o for o in observations if o["indicator"] == "high-tech-enterprise-count"]
    assert len(firms) == 1  # the same fact: one record …
    cites = firms[0]["cite"]
    assert isinstance(cites, list) and len(cites) == 2  # … with both citations
    spending = [o for o in observations if o["indicator"] == "rd-spending"]
    assert sorted(o["value"] for o in spending) == ["11.8", "12.5"]


def test_lookup_shows_the_conflict_with_both_sources(curated: dict) -> None:
    result = _run("lookup", "rd-spending", "--data", str(curated["folder"]), "--format", "json")
    assert result.exit_code == 0, result.output
    text = result.output
    assert "11.8" in text and "12.5" in text and "conflict" in text
    assert "briefing" in text and DOC in text


def test_the_graph_builds_with_both_documents(curated: dict, tmp_path: Path) -> None:
    out = tmp_path / "build"
    result = _run("build", "--data", str(curated["folder"]), "--out", str(out))
    assert result.exit_code == 0, result.output
    trig = (out / "ecograph.trig").read_text(encoding="utf-8")
    assert "王示例" in trig and "示科复字[2025]7号" in trig


def test_series_gives_each_point_its_document(curated: dict) -> None:
    result = _run("series", "rd-spending", "--data", str(curated["folder"]), "--format", "json")
    assert result.exit_code == 0, result.output
    assert DOC in result.output and "briefing" in result.output


def test_accept_refuses_what_would_not_validate(curated: dict) -> None:
    folder = curated["folder"]
    candidates = _candidates(folder)
    before = {p.name: p.read_text(encoding="utf-8") for p in folder.glob("*.yaml")}
    # a relation to an entity the curator has not accepted: a dangling reference
    dangling = next(
        c
        for c in candidates
        if c["kind"] == "relation" and c["s"] == "shili-pilot-base" and c["p"] == "locatedIn"
    )
    result = _run("inbox", "accept", DOC, dangling["cid"], "--data", str(folder))
    assert result.exit_code == 1
    assert "(if accepted)" in result.output and ".yaml:" in result.output
    assert "Traceback" not in result.output
    # a new entity without its English label: misuse, the curator must write it
    fund = _one(candidates, kind="entity", zh="示例市科技创新基金")
    result = _run("inbox", "accept", DOC, fund["cid"], "--data", str(folder))
    assert result.exit_code == 2
    assert "English label" in result.output
    assert before == {p.name: p.read_text(encoding="utf-8") for p in folder.glob("*.yaml")}


def test_reingesting_keeps_what_was_rejected_out(curated: dict) -> None:
    folder = curated["folder"]
    candidates = _candidates(folder)
    wrong = next(c for c in candidates if c["kind"] == "entity" and c.get("new"))
    result = _run("inbox", "reject", DOC, wrong["cid"], "--data", str(folder), "--reason", "x")
    assert result.exit_code == 0, result.output
    again = _run("ingest", str(REPLY), "--data", str(folder), "--id", DOC, "--format", "json")
    assert again.exit_code == 0, again.output
    cids = {c["cid"] for c in json.loads(again.output)["candidates"]}
    assert wrong["cid"] not in cids
    # nor are the accepted ones, which are in the curated files already
    for accepted in ("lab", "academician", "spending", "firms"):
        assert curated[accepted]["cid"] not in cids, accepted
