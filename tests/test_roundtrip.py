"""Property tests: any valid dataset survives YAML → graph → TriG → graph unchanged, and random
damage to a dataset never escapes as a traceback or leaves a half-written file."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

import ecograph
from ecograph.cli import main

_counter = itertools.count()

# Text a curator might type: CJK, Latin, digits, punctuation the sources use, and the
# characters that break naive serializers (quotes, backslashes, angle brackets, braces, and the
# characters Python's str.splitlines() takes for line ends inside one N-Quads line).
label_text = (
    st.text(
        alphabet=st.sampled_from(
            list("鄂尔多斯实验室能源研究院科技创新中心")
            + list("abcXYZ 0129-.,'\"\\<>{}&%“”（）、")
            + list("\u2028\x85\x0c")
        ),
        min_size=1,
        max_size=20,
    )
    .map(str.strip)
    .filter(lambda s: s and "\n" not in s)
)
slug = st.from_regex(r"[a-z][a-z0-9]{0,6}(-[a-z0-9]{1,5}){0,2}", fullmatch=True)
KINDS = ["Laboratory", "University", "Programme", "Field", "PilotPlatform", "Person"]


@st.composite
def datasets(draw):
    ids = draw(
        st.lists(
            slug.filter(lambda s: s not in {"doc", "sec"}), min_size=1, max_size=6, unique=True
        )
    )
    records = []
    quotes = []
    for rid in ids:
        zh = draw(label_text)
        quotes.append(zh)
        record = {
            "id": rid,
            "type": draw(st.sampled_from(KINDS)),
            "label": {"zh": zh, "en": draw(label_text)},
            "cite": {"section": "sec", "quote": zh},
        }
        if draw(st.booleans()):
            record["altLabel"] = {"zh": draw(st.lists(label_text, max_size=2, unique=True))}
        if draw(st.booleans()):
            record["status"] = draw(st.sampled_from(["done", "ongoing", "planned"]))
        records.append(record)
    for record in records:
        targets = draw(st.lists(st.sampled_from(ids), max_size=2, unique=True))
        rels = [
            {"p": "collaboratesWith", "o": t, "status": draw(st.sampled_from(["done", "planned"])),
             "basis": draw(st.sampled_from(["explicit", "implied"])),
             "cite": {"section": "sec", "quote": record["cite"]["quote"]}}
            for t in targets
        ]  # fmt: skip
        if rels:
            record["relations"] = rels
    value = draw(st.from_regex(r"[1-9][0-9]{0,4}(\.[0-9]{1,2})?", fullmatch=True))
    year = str(draw(st.integers(1990, 2030)))
    return records, quotes, value, year


def _write(folder: Path, records, quotes, value, year) -> None:
    folder.mkdir(parents=True)
    (folder / "sources").mkdir()
    text = "测试标题\n" + "。\n".join(quotes) + f"。\n数值{value}亿元。\n"
    (folder / "sources" / "s.txt").write_text(text, encoding="utf-8")
    meta = {"id": "prop", "base": "https://example.org/prop/",
            "title": {"zh": "测试", "en": "Test"},
            "sources": [{"document": "doc", "file": "sources/s.txt"}]}  # fmt: skip
    (folder / "dataset.yaml").write_text(yaml.safe_dump(meta, allow_unicode=True), encoding="utf-8")
    fixed = [
        {"id": "doc", "type": "Document", "label": {"zh": "测试标题", "en": "Test"},
         "cite": {"section": "sec", "quote": "测试标题"}},
        {"id": "sec", "type": "DocumentSection", "label": {"zh": "测试标题", "en": "All"},
         "order": "1", "cite": {"section": "sec", "quote": "测试标题"},
         "relations": [{"p": "partOf", "o": "doc"}]},
        {"id": "place", "type": "AdministrativeArea", "label": {"zh": "测试标题", "en": "Place"},
         "cite": {"section": "sec", "quote": "测试标题"}},
        {"id": "ind", "type": "Indicator", "label": {"zh": "数值", "en": "Value"},
         "cite": {"section": "sec", "quote": "数值"}},
        {"id": "unit", "type": "Unit", "label": {"zh": "亿元", "en": "100 million yuan"},
         "cite": {"section": "sec", "quote": "亿元"}},
        {"id": "obs", "type": "Observation", "indicator": "ind", "area": "place", "unit": "unit",
         "value": value, "year": year, "cite": {"section": "sec", "quote": f"数值{value}亿元"}},
    ]  # fmt: skip
    (folder / "fixed.yaml").write_text(yaml.safe_dump(fixed, allow_unicode=True), encoding="utf-8")
    (folder / "records.yaml").write_text(
        yaml.safe_dump(records, allow_unicode=True), encoding="utf-8"
    )


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(datasets())
@pytest.mark.slow  # 40 generated datasets, each built and read back: 13 s
def test_yaml_graph_trig_graph_round_trip(tmp_path: Path, data) -> None:
    folder = tmp_path / f"ds{next(_counter)}"
    _write(folder, *data)
    kg = ecograph.load(folder)
    parsed = Dataset()
    parsed.parse(data=kg.serialize("trig"), format="trig")
    original = {g.identifier: g for g in kg.dataset.graphs()}
    again = {g.identifier: g for g in parsed.graphs()}
    assert set(original) == set(again)
    for identifier, graph in original.items():
        assert isomorphic(graph, again[identifier]), identifier
    parsed_nq = Dataset()
    parsed_nq.parse(data=kg.serialize("nquads"), format="nquads")
    assert len(parsed_nq) == len(kg.dataset)
    parsed_jsonld = Dataset()
    parsed_jsonld.parse(data=kg.serialize("jsonld"), format="json-ld")
    assert set(parsed_jsonld.quads()) == set(parsed.quads())
    flat = Graph().parse(data=kg.serialize("turtle"), format="turtle")
    assert set(flat) == {(s, p, o) for s, p, o, _ in kg.dataset.quads()}


def _damage(text: str, position: int, junk: str) -> str:
    position %= max(len(text), 1)
    return text[:position] + junk + text[position:]


# YAML structure, tags and aliases, stray quotes and brackets, control characters, a BOM, number
# forms; each kind passed 3,000 examples when it was added
JUNK = [
    "\n- ", ": ", "{", "]", "  x: 1\n", "\t", "'", "\n  type: Nope\n", "- id: 9\n", "\x00",
    "*a ", "&a ", "!!binary ", "!!python/object:os.system ", "---\n", "%", " ", "<", '"', "|", "? ",
    "\\u", "~", "0x", "1e999", "@", "`", "\ufeff", "\r", "#",
]  # fmt: skip


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    datasets(),
    st.sampled_from(["records.yaml", "fixed.yaml", "dataset.yaml"]),
    st.integers(0, 10_000),
    st.sampled_from(JUNK),
)
def test_damaged_yaml_never_tracebacks_or_half_writes(
    tmp_path: Path, data, target: str, position: int, junk: str
) -> None:
    from click.testing import CliRunner

    folder = tmp_path / f"bad{next(_counter)}"
    _write(folder, *data)
    path = folder / target
    path.write_text(_damage(path.read_text(encoding="utf-8"), position, junk), encoding="utf-8")
    out = folder.parent / f"{folder.name}-out"
    result = CliRunner().invoke(main, ["build", "--data", str(folder), "--out", str(out)])
    assert result.exit_code in (0, 1), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert "Traceback" not in result.output
    if result.exit_code == 1:
        assert result.output.startswith("Error: ")
        assert not out.exists() or not any(out.iterdir())
    else:
        assert sorted(p.name for p in out.iterdir()) == [
            "ecograph.jsonld",
            "ecograph.trig",
            "ecograph.ttl",
        ]
        json.loads((out / "ecograph.jsonld").read_text(encoding="utf-8"))


def test_outputs_get_the_mode_a_plain_write_would(tmp_path: Path) -> None:
    """Atomic writes go through a private temporary file; the output must not stay private."""
    import os
    import stat

    from ecograph.output import write_atomic

    old = os.umask(0o022)
    try:
        fresh = write_atomic(tmp_path / "fresh.html", "<p>鄂尔多斯</p>")
        assert stat.S_IMODE(fresh.stat().st_mode) == 0o644
        os.umask(0o077)
        assert stat.S_IMODE(write_atomic(tmp_path / "private.ttl", "x").stat().st_mode) == 0o600
        kept = tmp_path / "shared.csv"
        kept.write_text("old", encoding="utf-8")
        kept.chmod(0o664)
        write_atomic(kept, "new")
        assert (
            stat.S_IMODE(kept.stat().st_mode) == 0o664 and kept.read_text(encoding="utf-8") == "new"
        )
    finally:
        os.umask(old)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fresh.html", "private.ttl", "shared.csv"]
