"""Accepting inbox candidates into curated YAML: the curator's yes, validated before it lands.

Runs on a copy of the fictional test city (示例市, tests/data/shili) whose source gains two
invented sentences; every candidate here is hand-made in the shape `ecograph ingest` writes."""

from __future__ import annotations

import difflib
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

import ecograph
from ecograph.cli import main
from ecograph.errors import DataError, UsageError
from ecograph.ingest.accept import accept_candidates
from ecograph.ingest.inbox import read_inbox, write_inbox

SHILI = Path(__file__).parent / "data" / "shili"
NEW_LAB = "示例市新材料实验室建成投用"
NEW_FIGURE = "2023年，全市研发经费投入10亿元"

ENTITY = {
    "kind": "entity",
    "type": "Laboratory",
    "label": {"zh": "示例市新材料实验室"},
    "id": "shili-new-materials-lab",
    "new": True,
    "quote": NEW_LAB,
    "section": "briefing-s1",
    "rule": "pattern:实验室",
    "confidence": 0.8,
}
RELATION = {
    "kind": "relation",
    "s": "shili-new-materials-lab",
    "p": "locatedIn",
    "o": "shili",
    "basis": "implied",
    "quote": NEW_LAB,
    "section": "briefing-s1",
    "rule": "name:示例市",
    "confidence": 0.5,
}
OBSERVATION = {
    "kind": "observation",
    "indicator": "rd-spending",
    "area": "shili",
    "year": "2023",
    "value": "10",
    "unit": "yi-yuan",
    "status": "done",
    "quote": NEW_FIGURE,
    "section": "briefing-s2",
    "rule": "figure",
    "confidence": 0.7,
}
LINK = {
    "kind": "entity",
    "type": "University",
    "label": {"zh": "示例大学"},
    "link": "shili-university",
    "new": False,
    "quote": "示例大学与示例市合作共建示例研究院",
    "section": "briefing-s1",
    "rule": "name",
    "confidence": 1.0,
}


@pytest.fixture
def city(tmp_path: Path) -> Path:
    folder = tmp_path / "shili"
    shutil.copytree(SHILI, folder)
    source = folder / "sources" / "briefing.txt"
    text = source.read_text(encoding="utf-8")
    text = text.replace("合作共建示例研究院。", f"合作共建示例研究院。{NEW_LAB}。")
    text = text.replace("高新技术企业达120家。", f"高新技术企业达120家。{NEW_FIGURE}。")
    source.write_text(text, encoding="utf-8")
    return folder


def _cids(folder: Path) -> dict[str, str]:
    found = read_inbox(folder, "briefing-2").candidates
    return {
        f"{c['kind']}:{c.get('id') or c.get('link') or c.get('p') or ''}": c["cid"] for c in found
    }


def test_accepted_candidates_land_where_they_belong_and_validate(city: Path) -> None:
    before = {p.name: p.read_text(encoding="utf-8") for p in city.glob("*.yaml")}
    write_inbox(city, "briefing-2", [ENTITY, RELATION, OBSERVATION, LINK])
    cids = _cids(city)
    result = accept_candidates(
        city,
        "briefing-2",
        list(cids.values()),
        english={cids["entity:shili-new-materials-lab"]: "Shili New Materials Laboratory"},
    )
    assert result.left == 0 and len(result.accepted) == 4
    assert result.files == ["observations.yaml", "organizations.yaml"]
    for name, text in before.items():  # every curated line kept; lines only added
        after = (city / name).read_text(encoding="utf-8").splitlines()
        matcher = difflib.SequenceMatcher(a=text.splitlines(), b=after, autojunk=False)
        for op, i1, i2, _, _ in matcher.get_opcodes():
            # the one change allowed: a one-line `cite: {…}` becomes the first item of a list
            assert op in ("equal", "insert") or (
                op == "replace"
                and all(line.startswith("  cite: {") for line in text.splitlines()[i1:i2])
            ), (name, op, text.splitlines()[i1:i2])
    kg = ecograph.load(city, store="memory", cache=False)
    card = kg.lookup("示例市新材料实验室").card
    assert card.labels == {"zh": "示例市新材料实验室", "en": "Shili New Materials Laboratory"}
    assert [(r.predicate, r.other) for r in card.outgoing] == [("locatedIn", "shili")]
    assert any(c.quote == NEW_LAB for c in card.citations)
    assert "rd-spending-shili-2023" in kg.data.records
    assert ecograph.validate(city).conforms
    assert read_inbox(city, "briefing-2").candidates == []
    assert (city / "inbox/briefing-2/accepted.yaml").exists()


def test_what_would_not_validate_is_refused_and_nothing_written(city: Path) -> None:
    wrong = {**RELATION, "quote": "示例市新材料实验室位于北城", "o": "shili"}
    write_inbox(city, "briefing-2", [ENTITY, wrong])
    before = {p.name: p.read_bytes() for p in city.glob("*.yaml")}
    cids = _cids(city)
    english = {cids["entity:shili-new-materials-lab"]: "Shili New Materials Laboratory"}
    with pytest.raises(DataError) as info:
        accept_candidates(city, "briefing-2", list(cids.values()), english=english)
    assert "quote" in str(info.value) and str(city) in str(info.value)
    assert {p.name: p.read_bytes() for p in city.glob("*.yaml")} == before
    assert len(read_inbox(city, "briefing-2").candidates) == 2  # still waiting


def test_an_english_label_is_the_curators_to_write(city: Path) -> None:
    write_inbox(city, "briefing-2", [ENTITY])
    [cid] = _cids(city).values()
    with pytest.raises(UsageError, match="English label"):
        accept_candidates(city, "briefing-2", [cid])
    runner = CliRunner()
    refused = runner.invoke(main, ["inbox", "accept", "briefing-2", cid, "--data", str(city)])
    assert refused.exit_code == 2 and "English label" in refused.output
    done = runner.invoke(
        main,
        ["inbox", "accept", "briefing-2", cid, "--data", str(city), "--en",
         f"{cid}=Shili New Materials Laboratory"],
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    assert "Accepted 1 candidate(s) of briefing-2 into organizations.yaml" in done.output
