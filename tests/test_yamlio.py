"""The fast YAML reader (rapidyaml) gives exactly what the reference reader (libyaml with
PyYAML's constructor) gives: the same values and the same line for every mapping, or it says it
is unsure and the reference reader reads the file."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ecograph import yamlio
from ecograph.errors import DataError

REPO = Path(__file__).resolve().parent.parent


def shape(value: Any) -> Any:
    """A value with the line of every mapping, comparable with ``==``."""
    if isinstance(value, dict):
        assert isinstance(value, yamlio.Node)
        return ("map", value.line, [(key, shape(item)) for key, item in value.items()])
    if isinstance(value, list):
        return ("seq", [shape(item) for item in value])
    assert isinstance(value, str)
    return value


def reference(path: Path) -> Any:
    return yamlio.read_yaml(path, fast=False)


def fast(path: Path) -> Any:
    return yamlio.fast_load(path.read_bytes())


YAML_FILES = sorted(
    path
    for folder in ("graph_data", "tests/data", "src", "queries")
    for path in (REPO / folder).rglob("*.yaml")
    if "broken" not in path.parts
)


def test_there_are_files_to_compare():
    assert len(YAML_FILES) > 30


@pytest.mark.parametrize("path", YAML_FILES, ids=lambda p: str(p.relative_to(REPO)))
def test_every_yaml_file_of_the_repository_reads_the_same(path: Path):
    result = fast(path)
    if result is yamlio._UNSURE:
        return  # read by the reference reader; the cases that make it unsure are tested below
    assert shape(result) == shape(reference(path))


def test_the_bundled_data_is_read_by_the_fast_reader():
    """The fast reader is no use if it is always unsure: every file of the Ordos data is its."""
    files = sorted((REPO / "graph_data").rglob("*.yaml"))
    assert files
    unsure = [p.name for p in files if fast(p) is yamlio._UNSURE]
    assert unsure == []


@pytest.mark.parametrize(
    "text",
    [
        "- id: a\n  year: !!str 2024\n",  # a tag
        "%YAML 1.1\n---\n- id: a\n",  # a directive
        "- id: a\n---\n- id: b\n",  # two documents
        "- id: a\n  note:\n",  # a null
        "- id: a\n  done: true\n",  # a boolean in JSON
        "- id: a\n  id: b\n",  # a duplicate key
        "- id: a\n  label: {zh: 甲\n",  # a syntax error
        '- id: a\n  bell: "\\a"\n',  # a control character
        "- {}\n",  # an empty mapping with no key to tell its line
        "",
    ],
)
def test_what_only_the_reference_reader_reads_makes_the_fast_one_unsure(text: str):
    assert yamlio.fast_load(text.encode("utf-8")) is yamlio._UNSURE


def test_unsure_files_still_get_the_reference_messages(tmp_path: Path):
    path = tmp_path / "dup.yaml"
    path.write_text("- id: a\n  label: {zh: 甲}\n  label: {zh: 乙}\n", encoding="utf-8")
    with pytest.raises(DataError) as caught:
        yamlio.read_yaml(path)
    [problem] = caught.value.problems
    assert (problem.line, problem.message) == (3, "duplicate key 'label'")
    path.write_text("- id: a\n  label: {zh: 甲\n", encoding="utf-8")
    with pytest.raises(DataError) as caught:
        yamlio.read_yaml(path)
    assert "YAML syntax error" in caught.value.problems[0].message


def test_a_flow_mapping_is_on_the_line_of_its_brace(tmp_path: Path):
    path = tmp_path / "flow.yaml"
    path.write_text(
        "- id: a\n  label: {\n    zh: 甲, en: A}\n  cite:\n    - {section: s1,\n"
        "       quote: 甲}\n  empty: {}\n",
        encoding="utf-8",
    )
    result = fast(path)
    assert result is not yamlio._UNSURE
    assert shape(result) == shape(reference(path))
    assert result[0]["label"].line == 2


def test_without_rapidyaml_the_reference_reader_reads(monkeypatch, tmp_path: Path):
    path = tmp_path / "a.yaml"
    path.write_text("- id: a\n  label: {zh: 甲}\n", encoding="utf-8")
    monkeypatch.setitem(sys.modules, "ryml", None)
    assert yamlio.fast_load(path.read_bytes()) is yamlio._UNSURE
    assert shape(yamlio.read_yaml(path)) == shape(reference(path))


def test_a_byte_order_mark_is_read_the_same(tmp_path: Path):
    path = tmp_path / "bom.yaml"
    path.write_bytes("\ufeff- id: a\n  label: {zh: 甲}\n".encode())
    assert shape(yamlio.read_yaml(path)) == shape(reference(path))


# every character but surrogates; the dumper picks plain, quoted or escaped styles for them
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)
KEY = st.from_regex(r"[a-z][a-zA-Z0-9_]{0,8}", fullmatch=True)
VALUES = st.recursive(
    TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEY, inner, min_size=1, max_size=4),
    max_leaves=12,
)
RECORDS = st.lists(st.dictionaries(KEY, VALUES, min_size=1, max_size=5), min_size=1, max_size=5)


#: ECOGRAPH_YAML_EXAMPLES=5000 for a longer search (passed 2026-12-07)
EXAMPLES = int(os.environ.get("ECOGRAPH_YAML_EXAMPLES", "300"))


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(records=RECORDS, flow=st.sampled_from([False, None]), width=st.sampled_from([20, 80]))
def test_generated_yaml_reads_the_same(tmp_path_factory, records, flow, width):
    text = yaml.safe_dump(
        records, allow_unicode=True, default_flow_style=flow, width=width, sort_keys=False
    )
    path = tmp_path_factory.mktemp("gen") / "records.yaml"
    path.write_text(text, encoding="utf-8")
    result = fast(path)
    if result is yamlio._UNSURE:
        return
    assert shape(result) == shape(reference(path)), text
