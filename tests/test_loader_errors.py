"""Every kind of bad input gets a clear message naming file, line and id, exit code 1, no
traceback and no output written. One broken fixture per kind lives in tests/data/broken/."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ecograph
from ecograph.cli import main
from ecograph.errors import DataError

from .conftest import BROKEN

# fixture file -> (line, record id, words the message must contain)
CASES = {
    "yaml-syntax.yaml": (6, "", "YAML syntax error"),
    "unknown-kind.yaml": (
        2,
        "broken-kind",
        "unknown kind 'Labratory' (did you mean 'Laboratory'?)",
    ),
    "unknown-property.yaml": (
        10,
        "broken-property",
        "unknown property 'brnchOf' (did you mean 'branchOf'?)",
    ),
    "dangling-reference.yaml": (7, "broken-reference", "dangling reference: locatedIn 'atlantis'"),
    "duplicate-id.yaml": (
        2,
        "shili-laboratory",
        "duplicate id (also defined at organizations.yaml:1)",
    ),
    "bad-slug.yaml": (2, "Shili_Lab", "bad slug 'Shili_Lab'"),
    "bad-literal.yaml": (
        2,
        "broken-literal-shili-2024",
        "bad literal for value: '12,5' is not a number",
    ),
    "bad-year.yaml": (2, "broken-year-shili-24", "bad literal for year: '24' is not a year"),
    "bad-date.yaml": (2, "broken-date", "bad literal for dateIssued: '2025-02-31' is not a date"),
    "missing-zh-label.yaml": (2, "broken-label", "missing Chinese label (label.zh)"),
    "bad-language-tag.yaml": (2, "broken-language", "altLabel: 'z{h' is not a language tag"),
    "quote-not-found.yaml": (
        2,
        "broken-quote",
        "quote not found in the source: '示例理工大学与示例市合作'",
    ),
    "quote-wrong-section.yaml": (
        2,
        "broken-section",
        "quote not found in section briefing-s1; it is in section briefing-s3",
    ),
    "value-not-printed.yaml": (
        2,
        "broken-value-shili-2024",
        "value 35.5 does not occur in its quote (it prints: 12.5, 2024)",
    ),
    "label-not-quoted.yaml": (
        2,
        "broken-unquoted-label",
        "neither the zh label '示例市立大学' nor a zh alias occurs in the record's quotes",
    ),
    "quote-on-redacted-span.yaml": (
        2,
        "broken-redacted-quote",
        "quote falls on text redacted by dataset.yaml",
    ),
    "isolated-but-linked.yaml": (
        2,
        "broken-isolated",
        "record says 'isolated:' but takes part in relations",
    ),
}


def test_every_fixture_has_a_case() -> None:
    assert sorted(p.name for p in BROKEN.glob("*.yaml")) == sorted(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_library_reports_file_line_and_id(name: str, shili_copy: Path) -> None:
    shutil.copy(BROKEN / name, shili_copy / name)
    line, record_id, words = CASES[name]
    with pytest.raises(ecograph.DataError) as info:
        ecograph.load(shili_copy)
    matching = [p for p in info.value.problems if words in p.message]
    assert matching, f"no problem says {words!r}: {info.value.problems}"
    problem = matching[0]
    assert (problem.file, problem.line, problem.record_id) == (name, line, record_id)
    assert f"{name}:{line}:" in str(info.value)


@pytest.mark.parametrize("name", sorted(CASES))
def test_cli_exits_1_without_traceback_and_writes_nothing(
    name: str, shili_copy: Path, tmp_path: Path, runner
) -> None:
    shutil.copy(BROKEN / name, shili_copy / name)
    out = tmp_path / "out"
    result = runner.invoke(main, ["build", "--data", str(shili_copy), "--out", str(out)])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    line, record_id, words = CASES[name]
    assert f"{name}:{line}:" in result.output
    assert words in result.output
    if record_id:
        assert f"[{record_id}]" in result.output
    assert not out.exists() or not any(out.iterdir())
    exported = tmp_path / "x.trig"
    result = runner.invoke(main, ["export", "--data", str(shili_copy), "-o", str(exported)])
    assert result.exit_code == 1 and not exported.exists()


@pytest.mark.parametrize("name", sorted(CASES))
def test_validate_lists_the_problem(name: str, shili_copy: Path, runner) -> None:
    shutil.copy(BROKEN / name, shili_copy / name)
    result = runner.invoke(main, ["validate", "--data", str(shili_copy)])
    assert result.exit_code == 1
    assert "INVALID" in result.output and CASES[name][2] in result.output
    # named by the id in its dataset.yaml, as a valid dataset is (the folder is a copy of shili)
    assert "in dataset shili:" in result.output


def test_all_problems_are_reported_together(shili_copy: Path) -> None:
    for name in (
        "unknown-kind.yaml",
        "dangling-reference.yaml",
        "bad-literal.yaml",
        "quote-not-found.yaml",
    ):
        shutil.copy(BROKEN / name, shili_copy / name)
    with pytest.raises(ecograph.DataError) as info:
        ecograph.load(shili_copy)
    files = {p.file for p in info.value.problems}
    assert {
        "unknown-kind.yaml",
        "dangling-reference.yaml",
        "bad-literal.yaml",
        "quote-not-found.yaml",
    } <= files


def test_missing_folder_and_metadata(tmp_path: Path, runner) -> None:
    result = runner.invoke(main, ["stats", "--data", str(tmp_path / "nowhere")])
    assert result.exit_code == 1 and "dataset folder not found" in result.output
    result = runner.invoke(main, ["stats", "--data", str(tmp_path)])
    assert result.exit_code == 1 and "no dataset.yaml" in result.output


def test_duplicate_yaml_key_is_an_error(shili_copy: Path) -> None:
    (shili_copy / "dup.yaml").write_text(
        "- id: dup-key\n  type: University\n  type: Laboratory\n  label: {zh: 示例大学, en: X}\n"
        "  cite: {section: briefing-s1, quote: 示例大学}\n",
        encoding="utf-8",
    )
    with pytest.raises(ecograph.DataError, match=r"dup.yaml:3: duplicate key 'type'"):
        ecograph.load(shili_copy)


def test_relation_to_wrong_kind_is_an_error(shili_copy: Path) -> None:
    (shili_copy / "wrong.yaml").write_text(
        "- id: wrong-branch\n  type: TalentInnovationCentre\n  label: {zh: 北城分中心, en: X}\n"
        "  cite: {section: briefing-s2, quote: 北城分中心}\n  relations:\n"
        "    - {p: branchOf, o: shili, cite: {section: briefing-s2, quote: 北城分中心}}\n",
        encoding="utf-8",
    )
    with pytest.raises(
        ecograph.DataError,
        match=r"wrong.yaml:6: \[wrong-branch\] branchOf 'shili' is of kind AdministrativeArea, "
        r"expected Organization",
    ):
        ecograph.load(shili_copy)


def _tiny_city(folder: Path, *, heading_section: bool) -> Path:
    """A two-section report with a title line above its first section."""
    (folder / "sources").mkdir(parents=True)
    (folder / "sources" / "report.txt").write_text(
        "示例市科技局工作报告\n\n一、平台建设\n示例研究院获批重点实验室。\n", encoding="utf-8"
    )
    (folder / "dataset.yaml").write_text(
        "id: tiny\nbase: https://example.org/tiny/\ntitle: {zh: 示例, en: Example}\n"
        "sources:\n  - {document: report, file: sources/report.txt}\n",
        encoding="utf-8",
    )
    header = (
        "- id: report-header\n  type: DocumentSection\n  label: {zh: 文头, en: Heading}\n"
        "  order: 0\n"
        "  start: 示例市科技局工作报告\n  relations: [{p: partOf, o: report}]\n"
        if heading_section
        else ""
    )
    (folder / "documents.yaml").write_text(
        "- id: report\n  type: Document\n  label: {zh: 示例市科技局工作报告, en: Report}\n"
        f"  cite: {{section: {'report-header' if heading_section else 'report-s1'}, "
        "quote: 示例市科技局工作报告}\n"
        # no cite: a section is cited by the text it starts with
        "- id: report-s1\n  type: DocumentSection\n  label: {zh: 一、平台建设, en: 1. Platforms}\n"
        "  order: 1\n"
        "  relations: [{p: partOf, o: report}]\n" + header,
        encoding="utf-8",
    )
    return folder


def test_a_quote_above_the_first_section_says_so(tmp_path: Path) -> None:
    with pytest.raises(ecograph.DataError) as info:
        ecograph.load(_tiny_city(tmp_path / "tiny", heading_section=False))
    (problem,) = info.value.problems
    assert (problem.file, problem.line, problem.record_id) == ("documents.yaml", 1, "report")
    assert "it comes before the document's first section" in problem.message


def test_a_section_needs_no_cite_of_its_own(tmp_path: Path) -> None:
    kg = ecograph.load(_tiny_city(tmp_path / "tiny", heading_section=True))
    section = kg.data.records["report-s1"]
    assert [(c.section, c.quote) for c in section.cites] == [("report-s1", "一、平台建设")]


@pytest.mark.parametrize(
    ("line", "words"),
    [
        (
            "base: https://example.org/shi]li/",
            "'base' must be an http(s) IRI ending in '/'",
        ),  # found by hypothesis
        ("base: https://example.org/shi li/", "'base' must be an http(s) IRI ending in '/'"),
        ("license: not an iri", "'license' must be an IRI"),
        ("license: https://example.org/%zz", "'license' must be an IRI"),
    ],
)
def test_bad_iris_in_dataset_yaml(line: str, words: str, shili_copy: Path, runner) -> None:
    meta = shili_copy / "dataset.yaml"
    key = line.split(":", 1)[0]
    text = "".join(
        f"{line}\n" if old.startswith(f"{key}:") else old
        for old in meta.read_text(encoding="utf-8").splitlines(True)
    )
    if f"{key}:" not in meta.read_text(encoding="utf-8"):
        text += f"{line}\n"
    meta.write_text(text, encoding="utf-8")
    with pytest.raises(ecograph.DataError, match=re.escape(words)) as info:
        ecograph.load(shili_copy)
    assert info.value.problems[0].file == "dataset.yaml"
    result = runner.invoke(main, ["validate", "--data", str(shili_copy)])
    assert result.exit_code == 1 and words in result.output and "Traceback" not in result.output


def test_a_folder_without_dataset_yaml_is_refused_before_anything_is_read(
    tmp_path: Path, runner
) -> None:
    """Found by fuzzing: --data / read every file under / to make the cache key, and crashed
    on the first it could not read."""
    (tmp_path / "unreadable").mkdir()
    (tmp_path / "unreadable" / "secret.txt").write_text("x", encoding="utf-8")
    (tmp_path / "unreadable").chmod(0)
    try:
        result = runner.invoke(main, ["stats", "--data", str(tmp_path)])
    finally:
        (tmp_path / "unreadable").chmod(0o755)
    assert (
        result.exit_code == 1
        and "no dataset.yaml" in result.output
        and "Traceback" not in result.output
    )


# ----------------------------------------------------------------- hostile input (issue 14, item 6)


def _problems(folder) -> list[str]:
    import ecograph

    with pytest.raises(DataError) as caught:
        ecograph.load(folder, cache=False)
    return [str(p) for p in caught.value.problems]


def test_a_yaml_alias_bomb_is_refused_before_it_expands(shili_copy) -> None:
    import resource

    folder = shili_copy
    levels = ["  note: &a [" + ",".join(['"lol"'] * 9) + "]"]
    levels += [
        f"  x{i}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 9) + "]" for i in range(8)
    ]
    (folder / "bomb.yaml").write_text(
        "- id: bomb\n  type: Fund\n  label: {zh: 示例基金, en: x}\n" + "\n".join(levels) + "\n",
        encoding="utf-8",
    )
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    problems = _problems(folder)
    assert problems == ["bomb.yaml:4: YAML anchor 'a' is not allowed: write the value out"]
    assert (
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 200_000
    )  # KB: nothing expanded


def test_an_ampersand_inside_text_is_no_anchor(tmp_path) -> None:
    from ecograph.yamlio import read_yaml

    path = tmp_path / "r.yaml"
    path.write_text("- {id: a, note: R&D and 2*3, label: 'x &y *z'}\n", encoding="utf-8")
    assert read_yaml(path)[0]["note"] == "R&D and 2*3"


@pytest.mark.parametrize(
    "where", ["../outside.txt", "/etc/hostname", "link.txt", "fifo.txt", "sources"]
)
def test_a_source_must_be_a_regular_file_inside_the_folder(
    shili_copy, tmp_path, where: str
) -> None:
    import os
    import re as _re

    folder = shili_copy
    (tmp_path / "outside.txt").write_text("示例市\n", encoding="utf-8")
    if where == "link.txt":
        (folder / "link.txt").symlink_to(tmp_path / "outside.txt")
    if where == "fifo.txt":
        os.mkfifo(folder / "fifo.txt")
    meta = folder / "dataset.yaml"
    text = meta.read_text(encoding="utf-8")
    meta.write_text(_re.sub(r"file: \S+", f"file: {where}", text, count=1), encoding="utf-8")
    problems = _problems(folder)  # a FIFO is refused before it is opened: this does not hang
    assert any(
        ("outside the dataset folder" in p or "not a regular file" in p or "not found" in p)
        for p in problems
    ), problems
    assert all(p.startswith("dataset.yaml:") for p in problems[:1])


def test_an_id_with_a_trailing_newline_is_no_slug(shili_copy) -> None:
    folder = shili_copy
    (folder / "bad-id.yaml").write_text(
        '- id: "fund\\n"\n  type: Fund\n  label: {zh: 示例基金, en: x}\n', encoding="utf-8"
    )
    assert any("bad slug 'fund\\n'" in p for p in _problems(folder))


def test_non_ascii_digits_are_not_numbers(shili_copy) -> None:
    folder = shili_copy
    observations = folder / "observations.yaml"
    text = observations.read_text(encoding="utf-8")
    observations.write_text(text.replace('value: "120"', 'value: "１２０"', 1), encoding="utf-8")
    assert any("is not a number" in p and "１２０" in p for p in _problems(folder))


def test_a_message_quotes_at_most_a_line_of_a_value(shili_copy) -> None:
    folder = shili_copy
    huge = "x" * 100_000
    (folder / "long.yaml").write_text(
        f"- id: fund\n  type: {huge}\n  label: {{zh: 示例基金, en: x}}\n", encoding="utf-8"
    )
    problems = _problems(folder)
    assert problems and max(len(p) for p in problems) < 400


_ids = st.text(alphabet="abcdefgh-0123456789", min_size=0, max_size=12)


@settings(max_examples=400, deadline=None)
@given(st.lists(_ids, max_size=40), st.lists(_ids, min_size=1, max_size=5))
def test_the_suggester_answers_as_difflib_does(choices, words) -> None:
    """The "did you mean" of a dangling reference is difflib's answer, read from a pruned
    search (see ecograph.loader.Suggester)."""
    import difflib

    from ecograph.loader import Suggester

    suggester = Suggester(choices)
    for word in words:
        expected = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.75)
        assert suggester.closest(word) == (expected[0] if expected else None)
        assert suggester.closest(word) == (expected[0] if expected else None)  # remembered


def test_the_suggester_on_ids_with_one_shared_prefix() -> None:
    import difflib

    from ecograph.loader import Suggester

    choices = [f"enterprise-{n}" for n in range(3000)] + ["field-12", "fiel", "unicode-中文"]
    suggester = Suggester(choices)
    for word in ("enterprise-151x", "enterprize-29", "fiel-12", "中文", "x", "enterprise-2999"):
        expected = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.75)
        assert suggester.closest(word) == (expected[0] if expected else None)


@pytest.mark.parametrize(
    ("key", "bad", "expected"),
    [
        ("base", "base: ftp://example.org/x\n", "'base' must be an http(s) IRI"),
        ("license", "license: not an iri\n", "'license' must be an IRI"),
        ("subject", "subject: Not A Slug\n", "'subject' must be the id"),
        ("mentions", "mentions: [我市]\n", "'mentions' must map words"),
        ("licence", "licence: https://example.org/l\n", "unknown property 'licence'"),
    ],
)
def test_dataset_yaml_problems_name_their_line(
    key: str, bad: str, expected: str, shili_copy: Path
) -> None:
    """Every dataset.yaml problem names the line of the key it is about (they all said line 1)."""
    path = shili_copy / "dataset.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    at = next((i for i, line in enumerate(lines) if line.startswith(f"{key}:")), None)
    if at is None:  # a key the file does not have: added before `sources:`
        at = next(i for i, line in enumerate(lines) if line.startswith("sources:"))
        lines.insert(at, bad)
    else:
        lines[at] = bad
    path.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(DataError) as caught:
        ecograph.load(shili_copy, cache=False)
    [problem] = [p for p in caught.value.problems if expected in p.message]
    assert (problem.file, problem.line) == ("dataset.yaml", at + 1), problem


def test_the_readme_dataset_yaml_has_every_key_the_loader_reads() -> None:
    """README's "Adding your own city" shows a complete dataset.yaml: its keys are the loader's,
    no more (it once named `base IRI` and `licence`, which the loader refuses), no fewer."""
    import yaml

    from ecograph.loader import _META_KEYS

    from .conftest import REPO

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Adding your own city", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```yaml\n(.*?)```", section, re.S)
    assert block, "no dataset.yaml example in README's 'Adding your own city'"
    example = yaml.safe_load("\n".join(line[3:] for line in block.group(1).splitlines()))
    assert set(example) == set(_META_KEYS)
    for key in _META_KEYS:
        assert f"`{key}`" in section, key
