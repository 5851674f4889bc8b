"""`ecograph init` and `ecograph ingest`: a document in, cited candidates out, curated data
untouched. The documents are fictional (tests/data/documents/README.md), one per format."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from ecograph.cli import main
from ecograph.errors import DataError, UsageError
from ecograph.ingest.init import init_dataset
from ecograph.ingest.readers import read_document
from ecograph.ingest.run import CANDIDATE_FIELDS, ingest_document
from ecograph.ingest.structure import DATE, iso_date, parse_structure
from ecograph.loader import normalize_text

REPO = Path(__file__).resolve().parent.parent
DOCS = REPO / "tests" / "data" / "documents"
SHILI = REPO / "tests" / "data" / "shili"


def _run(*args: str) -> object:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def _shili(tmp_path: Path) -> Path:
    folder = tmp_path / "shili"
    shutil.copytree(SHILI, folder)
    return folder


def _curated(folder: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.glob("*.yaml"))
    }


# ------------------------------------------------------------------ init


def test_init_makes_a_dataset_that_validates(tmp_path: Path) -> None:
    folder = tmp_path / "my-city"
    result = _run(
        "init",
        str(folder),
        "--id",
        "my-city",
        "--base",
        "https://w3id.org/ecograph/my-city/",
        "--title-zh",
        "示例市创新生态",
        "--title-en",
        "Shili innovation ecosystem",
    )
    assert result.exit_code == 0, result.output
    assert "validates as it is" in result.output
    assert sorted(p.name for p in folder.iterdir()) == [
        "dataset.yaml",
        "documents.yaml",
        "lexicons",
        "sources",
    ]
    meta = yaml.safe_load((folder / "dataset.yaml").read_text(encoding="utf-8"))
    assert meta["id"] == "my-city"
    assert meta["title"] == {"zh": "示例市创新生态", "en": "Shili innovation ecosystem"}
    assert meta["sources"] == []
    text = (folder / "dataset.yaml").read_text(encoding="utf-8")
    # every key is explained by a comment above it
    lines = text.splitlines()
    for index, line in enumerate(lines):
        if line and not line.startswith((" ", "#", "-")):
            assert lines[index - 1].startswith("#"), line
    check = _run("validate", "--data", str(folder))
    assert check.exit_code == 0, check.output
    assert "is valid" in check.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--id", "Bad Id"], "not a dataset id"),
        (["--base", "https://example.org/no-slash"], "ending in '/'"),
        (["--title-en", ""], "title must be one line"),
    ],
)
def test_init_refuses_misuse(tmp_path: Path, args: list[str], message: str) -> None:
    options = {
        "--id": "my-city",
        "--base": "https://w3id.org/ecograph/my-city/",
        "--title-zh": "示例",
        "--title-en": "Example",
    }
    options.update(dict(zip(args[::2], args[1::2], strict=True)))
    flat = [x for pair in options.items() for x in pair]
    result = _run("init", str(tmp_path / "x"), *flat)
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_init_refuses_a_folder_in_use(tmp_path: Path) -> None:
    (tmp_path / "used").mkdir()
    (tmp_path / "used" / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(UsageError, match="not empty"):
        init_dataset(
            tmp_path / "used",
            dataset_id="x",
            base="https://w3id.org/x/",
            title_zh="x",
            title_en="x",
        )
    assert (tmp_path / "used" / "notes.txt").read_text(encoding="utf-8") == "mine"


# ------------------------------------------------------------------ readers


@pytest.mark.parametrize(
    ("name", "kind", "present", "absent"),
    [
        ("reply.txt", "text", ["示科复字[2025]7号", "下一步"], []),
        ("targets.md", "markdown", ["# 示例高新区发展目标", "示例中试基地"], []),
        ("notice.docx", "docx", ["示政办发〔2025〕12号", "二〇二五年三月十日"], []),
        ("plan.pdf", "pdf", ["示科发[2025]3号", "力争到2027年"], []),
        (
            "rules.html",
            "html",
            ["示科规(2025)1号", "示例市科技创新基金管理实施细则"],
            ["function", "color:", "{"],
        ),
    ],
)
def test_each_format_reads_with_its_library(
    name: str, kind: str, present: list[str], absent: list[str]
) -> None:
    document = read_document(DOCS / name)
    assert document.format == kind
    assert document.sha256 == hashlib.sha256((DOCS / name).read_bytes()).hexdigest()
    flat = normalize_text(document.text)
    for phrase in present:
        assert normalize_text(phrase) in flat, phrase
    for phrase in absent:
        assert phrase not in document.text, phrase


def test_a_docx_table_row_is_one_line_of_cells() -> None:
    text = read_document(DOCS / "notice.docx").text
    rows = [line for line in text.splitlines() if "\t" in line]
    assert rows, "the notice has a table"
    assert all(len(row.split("\t")) >= 2 for row in rows)


def test_html_leaves_out_scripts_styles_and_navigation() -> None:
    html = (DOCS / "rules.html").read_text(encoding="utf-8")
    assert "<script" in html and "<nav" in html
    text = read_document(DOCS / "rules.html").text
    assert "<" not in text
    assert "首页" in html
    nav = html[html.index("<nav") : html.index("</nav>")]
    for word in ("政务公开",):
        if word in nav:
            assert text.count(word) < html.count(word)


def test_a_scanned_pdf_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="no text layer") as caught:
        read_document(DOCS / "scanned.pdf")
    assert "OCR" in str(caught.value)
    folder = _shili(tmp_path)
    result = _run("ingest", str(DOCS / "scanned.pdf"), "--data", str(folder))
    assert result.exit_code == 1
    assert "no text layer" in result.output
    assert "Traceback" not in result.output
    assert not (folder / "inbox").exists()


def test_an_unknown_format_is_misuse(tmp_path: Path) -> None:
    odd = tmp_path / "minutes.rtf"
    odd.write_text("{\\rtf1}", encoding="utf-8")
    result = _run("ingest", str(odd), "--data", str(_shili(tmp_path)))
    assert result.exit_code == 2
    assert "cannot read 'minutes.rtf'" in result.output


# ------------------------------------------------------------------ structure


def test_the_reply_letters_header_closing_and_sections() -> None:
    text = read_document(DOCS / "reply.txt").text
    structure = parse_structure(text, "reply")
    assert structure.number == "示科复字[2025]7号"
    assert structure.title == "示例市科学技术局关于市政协十届三次会议第0088号提案的答复函"
    assert structure.date == "2025-09-01"
    assert structure.printed == "2025-09-02"
    facts = {(f.role, f.value) for f in structure.facts}
    assert ("signer", "陈示文") in facts
    assert ("issuer", "示例市科学技术局") in facts
    assert ("addressee", "示例市工商业联合会") in facts
    assert ("cc", "市政协提案委员会") in facts and ("cc", "市人民政府办公室") in facts
    assert ("printer", "示例市科学技术局办公室") in facts
    assert ("contact", "示例联系人") in facts
    kinds = [(s.kind, s.label) for s in structure.sections]
    assert kinds[0] == ("head", "文头")
    assert ("heading", "一、创新平台加快集聚") in kinds
    assert ("next", "下一步") in kinds
    assert ("closing", "落款") in kinds and ("distribution", "抄送与印发") in kinds
    items = [s for s in structure.sections if s.kind == "item"]
    assert [s.id for s in items] == ["reply-next-1", "reply-next-2", "reply-next-3"]
    assert all(s.parent == "reply-next" for s in items)
    assert [s.order for s in structure.sections] == list(range(1, len(structure.sections) + 1))
    # every start is found first where its section begins (the loader's rule)
    flat = normalize_text(text)
    starts = [flat.find(normalize_text(s.start_text)) for s in structure.sections]
    assert starts == sorted(starts) and len(set(starts)) == len(starts)


def test_a_notice_with_brackets_levels_and_a_chinese_date() -> None:
    structure = parse_structure(read_document(DOCS / "notice.docx").text, "notice")
    assert structure.number == "示政办发〔2025〕12号"
    assert structure.date == "2025-03-10"
    levels = {s.level for s in structure.sections if s.kind == "heading"}
    assert {1, 2, 3} <= levels
    assert any(s.label.startswith("（一）") for s in structure.sections)
    assert any(("addressee", "各区人民政府") == (f.role, f.value) for f in structure.facts)


def test_document_numbers_in_round_brackets() -> None:
    structure = parse_structure(read_document(DOCS / "rules.html").text, "rules")
    assert structure.number == "示科规(2025)1号"


_CN = "〇一二三四五六七八九"


def _cn_year(year: int) -> str:
    return "".join(_CN[int(d)] for d in str(year))


def _cn_small(n: int) -> str:
    if n < 10:
        return _CN[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _CN[tens]) + "十" + (_CN[ones] if ones else "")


@given(
    st.integers(min_value=1950, max_value=2099),
    st.integers(min_value=1, max_value=12),
    st.integers(min_value=1, max_value=28),
)
def test_dates_in_digits_and_in_chinese_numerals(year: int, month: int, day: int) -> None:
    expected = f"{year:04d}-{month:02d}-{day:02d}"
    for written in (
        f"{year}年{month}月{day}日",
        f"{year} 年 {month} 月 {day} 日",
        f"{_cn_year(year)}年{_cn_small(month)}月{_cn_small(day)}日",
    ):
        match = DATE.search(written)
        assert match is not None, written
        assert iso_date(match) == expected, written


# ------------------------------------------------------------------ ingest


def test_ingest_proposes_cited_candidates_and_touches_no_curated_file(tmp_path: Path) -> None:
    folder = _shili(tmp_path)
    before = _curated(folder)
    result = ingest_document(DOCS / "reply.txt", folder, doc_id="reply-2025-7")
    assert _curated(folder) == before
    stored = folder / "sources" / "reply-2025-7.txt"
    assert stored.read_text(encoding="utf-8") == (DOCS / "reply.txt").read_text(encoding="utf-8")
    candidates = result.inbox.candidates
    document = next(c for c in candidates if c["kind"] == "document")
    assert document["sha256"] == hashlib.sha256((DOCS / "reply.txt").read_bytes()).hexdigest()
    assert document["docNumber"] == "示科复字[2025]7号"
    assert document["dateIssued"] == "2025-09-01"
    text = normalize_text(stored.read_text(encoding="utf-8"))
    for candidate in candidates:
        assert candidate["rule"] and 0 < candidate["confidence"] <= 1, candidate["cid"]
        if candidate.get("quote"):
            assert normalize_text(candidate["quote"]) in text, candidate["cid"]
            assert "█" not in candidate["quote"]
            assert "0000-7654321" not in candidate["quote"]  # redacted by dataset.yaml


def _by(candidates: list[dict], kind: str) -> list[dict]:
    return [c for c in candidates if c["kind"] == kind]


def test_mentions_of_the_datasets_own_entities_are_linked(tmp_path: Path) -> None:
    result = ingest_document(DOCS / "reply.txt", _shili(tmp_path), doc_id="reply-2025-7")
    links = {c["link"]: c for c in _by(result.inbox.candidates, "entity") if c.get("link")}
    for entity in (
        "shili-laboratory",
        "shili-university",
        "shili-institute",
        "shili-talent-centre",
        "beicheng-branch",
        "shili-pilot-base",
    ):
        assert entity in links, entity
        assert links[entity]["new"] is False
    # 示大, an alias, links too
    assert any(c.get("mention") == "示大" for c in links.values()) or "示大" in (
        (DOCS / "reply.txt").read_text(encoding="utf-8")
    )


def test_new_things_are_found_by_naming_patterns(tmp_path: Path) -> None:
    result = ingest_document(DOCS / "reply.txt", _shili(tmp_path), doc_id="reply-2025-7")
    new = {c["label"]["zh"]: c for c in _by(result.inbox.candidates, "entity") if c.get("new")}
    expected = {
        "示例市新材料实验室": "Laboratory",
        "示例市科技创新基金": "Fund",
        "王示例": "Academician",
        "刘示范": "Academician",
        "示例高新区": "InnovationZone",
        "“科创示例”行动": "Programme",
        "示例市关于加快科技创新平台建设的若干措施": "PolicyDocument",
        "关于加快建设示例市创新平台的提案": "Proposal",
    }
    for label, kind in expected.items():
        assert label in new, label
        assert new[label]["type"] == kind, label
        assert new[label]["id"] and new[label]["label"]["en"] is None
    # a policy title in 《》 goes with its 文号 where the sentence gives one
    assert new["示例市关于加快科技创新平台建设的若干措施"]["docNumber"] == "示政发〔2025〕8号"
    assert new["示例市科技创新基金管理实施细则"]["docNumber"] == "示科规(2025)1号"
    assert new["示例市“科创示例”行动工作方案"]["docNumber"] == "示科发[2025]3号"
    assert "陈示文" in new and new["陈示文"]["type"] == "Person"


def test_figures_with_hedge_year_status_and_linked_indicator(tmp_path: Path) -> None:
    result = ingest_document(DOCS / "reply.txt", _shili(tmp_path), doc_id="reply-2025-7")
    figures = {
        (c["value"], c["unit_printed"], c["year"]): c
        for c in _by(result.inbox.candidates, "observation")
    }
    reported = figures[("11.8", "亿元", "2024")]
    assert reported["indicator"] == "rd-spending" and reported["area"] == "shili"
    assert reported["status"] == "done" and reported["qualifier"] is None
    target = figures[("20", "亿元", "2027")]
    assert target["status"] == "planned"
    assert target["qualifier"] == "达" and target["hedge"] == "达到"
    assert figures[("120", "家", "2024")]["indicator"] == "high-tech-enterprise-count"
    assert figures[("200", "人", "2024")]["qualifier"] == "近"
    assert figures[("100", "名", "2024")]["qualifier"] == "约"
    assert figures[("300", "家", "2024")]["qualifier"] == "突破"
    assert figures[("35", "亿元", "2024")]["qualifier"] == "超"
    assert figures[("60", "家", "2025")]["qualifier"] == "余"


def test_relations_come_from_the_trigger_lexicon(tmp_path: Path) -> None:
    result = ingest_document(DOCS / "reply.txt", _shili(tmp_path), doc_id="reply-2025-7")
    relations = _by(result.inbox.candidates, "relation")
    triples = {(c["s"], c["p"], c["o"]): c for c in relations}
    labels = {c["id"]: c["label"]["zh"] for c in _by(result.inbox.candidates, "entity")}
    named = {(labels.get(s, s), p, labels.get(o, o)): c for (s, p, o), c in triples.items()}
    assert ("示例市实验室", "hasDesignation", "首批省级实验室") in named
    assert ("王示例", "engagedBy", "示例大学") in named
    assert ("示例中试基地", "locatedIn", "示例高新区") in named
    assert ("reply-2025-7", "repliesTo", "关于加快建设示例市创新平台的提案") in named
    assert ("reply-2025-7", "signedBy", "陈示文") in named
    # a sentence without a subject speaks of the dataset's subject, marked as implied
    implied = [c for c in relations if c["s"] == "shili" or c["o"] == "shili"]
    assert implied and all(c["basis"] in ("implied", "explicit") for c in implied)
    assert any(c["basis"] == "implied" for c in implied)
    for candidate in relations:
        if candidate["basis"] == "implied" and candidate["rule"].startswith("trigger:"):
            assert "dataset's subject" in candidate["subject_from"], candidate["cid"]
    # in the 下一步 section, what is to be done is planned
    planned = [c for c in relations if c["section"].startswith("reply-2025-7-next")]
    assert planned and all(c["status"] == "planned" for c in planned)


def test_json_has_every_field_for_every_candidate(tmp_path: Path) -> None:
    folder = _shili(tmp_path)
    result = _run("ingest", str(DOCS / "reply.txt"), "--data", str(folder), "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["doc_id"] == "reply"
    kinds = {c["kind"] for c in data["candidates"]}
    assert kinds == {"document", "section", "entity", "observation", "relation"}
    for candidate in data["candidates"]:
        assert set(CANDIDATE_FIELDS) <= set(candidate), candidate["cid"]
        assert set(candidate["label"]) == {"zh", "en"}
    as_yaml = _run("inbox", "show", "reply", "--data", str(folder), "--format", "json")
    assert len(json.loads(as_yaml.output)["candidates"]) == len(data["candidates"])


def test_yaml_output_is_the_inbox_file(tmp_path: Path) -> None:
    folder = _shili(tmp_path)
    result = _run("ingest", str(DOCS / "targets.md"), "--data", str(folder), "--format", "yaml")
    assert result.exit_code == 0, result.output
    printed = yaml.safe_load(result.output)
    stored = yaml.safe_load(
        (folder / "inbox" / "targets" / "candidates.yaml").read_text(encoding="utf-8")
    )
    assert printed == stored


def test_ingesting_twice_gives_the_same_ids_and_keeps_rejections(tmp_path: Path) -> None:
    folder = _shili(tmp_path)
    first = ingest_document(DOCS / "reply.txt", folder, doc_id="reply-2025-7")
    relation = _by(first.inbox.candidates, "relation")[0]["cid"]
    result = _run(
        "inbox", "reject", "reply-2025-7", relation, "--data", str(folder), "--reason", "no"
    )
    assert result.exit_code == 0, result.output
    again = ingest_document(DOCS / "reply.txt", folder, doc_id="reply-2025-7")
    cids = [c["cid"] for c in again.inbox.candidates]
    assert relation not in cids
    assert sorted(cids) == sorted(c["cid"] for c in first.inbox.candidates if c["cid"] != relation)
    assert again.inbox.rejected == 1


def test_another_text_under_the_same_id_is_refused(tmp_path: Path) -> None:
    folder = _shili(tmp_path)
    ingest_document(DOCS / "reply.txt", folder, doc_id="letter")
    with pytest.raises(DataError, match="different text"):
        ingest_document(DOCS / "targets.md", folder, doc_id="letter")


@pytest.mark.parametrize("name", ["notice.docx", "plan.pdf", "rules.html", "targets.md"])
def test_every_format_ingests_with_verbatim_quotes(tmp_path: Path, name: str) -> None:
    folder = _shili(tmp_path)
    result = ingest_document(DOCS / name, folder)
    text = normalize_text((folder / result.file).read_text(encoding="utf-8"))
    counts = result.inbox.counts()
    assert counts["document"] == 1 and counts["section"] >= 3 and counts["entity"] >= 5
    assert counts["observation"] >= 3
    for candidate in result.inbox.candidates:
        if candidate.get("quote"):
            assert normalize_text(candidate["quote"]) in text, candidate["cid"]


def test_subject_by_label_in_a_new_dataset(tmp_path: Path) -> None:
    folder = tmp_path / "fresh"
    init_dataset(
        folder, dataset_id="fresh", base="https://w3id.org/fresh/", title_zh="新", title_en="New"
    )
    result = ingest_document(DOCS / "reply.txt", folder, subject="示例市")
    city = [c for c in _by(result.inbox.candidates, "entity") if c["label"]["zh"] == "示例市"]
    assert len(city) == 1
    implied = [
        c
        for c in _by(result.inbox.candidates, "relation")
        if c["basis"] == "implied" and city[0]["id"] in (c["s"], c["o"])
    ]
    assert implied
    with pytest.raises(UsageError, match="no entity"):
        ingest_document(DOCS / "reply.txt", folder, doc_id="other", subject="not-an-id!")


def test_a_dataset_extends_the_lexicons(tmp_path: Path) -> None:
    folder = _shili(tmp_path)
    base = ingest_document(DOCS / "reply.txt", folder, doc_id="a")
    assert not any(
        c["label"]["zh"] == "先进结构材料研究" for c in _by(base.inbox.candidates, "entity")
    )
    (folder / "lexicons").mkdir()
    (folder / "lexicons" / "names.yaml").write_text(
        "suffixes:\n  研究: ResearchProject\n", encoding="utf-8"
    )
    extended = ingest_document(DOCS / "reply.txt", folder, doc_id="b")
    found = {c["label"]["zh"]: c for c in _by(extended.inbox.candidates, "entity")}
    assert "先进结构材料研究" in found and found["先进结构材料研究"]["type"] == "ResearchProject"
