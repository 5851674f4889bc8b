"""The second reader in the validator: values as printed, labels in their quotes, relations
whose quotes name neither end, isolated records, redacted private text, and --strict."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import ecograph
from ecograph.cli import main
from ecograph.loader import MASK, printed_values, source_text

from .conftest import ORDOS, TESTS

WARN = TESTS / "data" / "warn"

# fixture -> (line, record id, words of the warning)
WARNINGS = {
    "isolated-record.yaml": (
        2,
        "lonely-fund",
        "isolated record: no relation in or out and no observation refers to it; link it",
    ),
    "isolated-with-reason.yaml": (
        2,
        "lonely-centre",
        "isolated record: The source mentions it once and links it to nothing.",
    ),
    "quote-names-neither-end.yaml": (
        9,
        "quoted-elsewhere",
        "relation operatedBy → shili-institute: its quote names neither end",
    ),
}


def test_every_warning_fixture_has_a_case() -> None:
    assert sorted(p.name for p in WARN.glob("*.yaml")) == sorted(WARNINGS)


@pytest.mark.parametrize("name", sorted(WARNINGS))
def test_warnings_pass_but_are_listed_and_strict_fails(name: str, shili_copy: Path, runner) -> None:
    shutil.copy(WARN / name, shili_copy / name)
    line, record_id, words = WARNINGS[name]
    kg = ecograph.load(shili_copy)  # a warning never stops a build
    found = [w for w in kg.data.warnings if words in w.message]
    assert found and (found[0].file, found[0].line, found[0].record_id) == (
        name,
        line,
        record_id,
    ), kg.data.warnings
    result = runner.invoke(main, ["validate", "--data", str(shili_copy), "--no-shacl"])
    assert result.exit_code == 0, result.output
    assert "OK: dataset shili is valid" in result.output and "1 warning:" in result.output
    assert f"Warning: {name}:{line}: [{record_id}] {words}" in result.output
    strict = runner.invoke(main, ["validate", "--data", str(shili_copy), "--no-shacl", "--strict"])
    assert strict.exit_code == 1 and "INVALID" in strict.output
    assert f"Error: {name}:{line}: [{record_id}] {words}" in strict.output


def test_implied_relations_need_not_name_their_ends(shili_copy: Path) -> None:
    text = (WARN / "quote-names-neither-end.yaml").read_text(encoding="utf-8")
    (shili_copy / "implied.yaml").write_text(
        text.replace(
            "      status: planned\n      cite",
            "      status: planned\n      basis: implied\n      cite",
        ),
        encoding="utf-8",
    )
    assert ecograph.load(shili_copy).data.warnings == []


@pytest.mark.slow
def test_bundled_data_passes_strict(runner) -> None:
    result = runner.invoke(main, ["validate", "--strict"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("OK: dataset ordos is valid") and "warning" not in result.output


def test_bundled_data_has_no_isolated_record(ordos_kg: ecograph.KnowledgeGraph) -> None:
    assert ordos_kg.data.warnings == []
    records = [r for r in ordos_kg.data.records.values() if not r.is_observation]
    assert not any(r.isolated for r in records)


# --------------------------------------------------------------------------- values as printed


@pytest.mark.parametrize(
    ("quote", "value"),
    [
        ("全市科技支出 24.82 亿元", "24.82"),
        ("开展企业家与科学家“握手”行动百余次", "100"),
        ("总数突破千家", "1000"),
        ("建成院士专家工作站十三家", "13"),
        ("增长到二百七十三家", "273"),
        ("居全区首位", "1"),
        ("总数居全区第一", "1"),
        ("两万家", "20000"),
        ("超9亿元", "9"),
    ],
)
def test_printed_values(quote: str, value: str) -> None:
    assert Decimal(value) in printed_values(quote)


def test_a_near_number_is_not_the_value() -> None:
    assert Decimal("35.5") not in printed_values("投入30.5亿元")
    assert Decimal("5") not in printed_values("第35位")
    assert Decimal("3") not in printed_values("投入 3.5 亿元")


_DIGITS = "零一二三四五六七八九"


def _chinese(n: int) -> str:
    """The usual way of writing 1 ≤ n < 100000000 in Chinese numerals."""
    if n >= 10000:
        high, low = divmod(n, 10000)
        return (
            _chinese(high)
            + "万"
            + ("零" + _chinese(low) if 0 < low < 1000 else _chinese(low) if low else "")
        )
    out, zero = "", False
    for unit, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit, n = divmod(n, unit)
        if digit:
            out += ("零" if zero and out else "") + _DIGITS[digit] + name
            zero = False
        else:
            zero = True
    return out


@given(st.integers(min_value=1, max_value=99_999_999))
def test_chinese_numerals_read_back(n: int) -> None:
    assert Decimal(n) in printed_values(f"共{_chinese(n)}项")


@given(st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False, allow_infinity=False))
def test_arabic_numbers_read_back(d: Decimal) -> None:
    assert d in printed_values(f"投入{d}亿元")


def test_unicode_digits_are_not_numbers() -> None:
    assert printed_values("投入٣亿元") == set()


# --------------------------------------------------------------------------- redaction


def test_the_shipped_letter_has_its_telephone_number_masked() -> None:
    import re

    text = (ORDOS / "sources" / "000_6dda99716a2125f5.txt").read_text(encoding="utf-8")
    assert not re.search(r"0[0-9]{2,3}-[0-9]{7,8}", text)
    assert "联系电话 " + MASK * 12 in text


def test_redact_masks_the_source_with_the_same_length(
    shili_kg: ecograph.KnowledgeGraph, shili_copy: Path
) -> None:
    raw = (shili_copy / "sources" / "briefing.txt").read_text(encoding="utf-8")
    masked = source_text(shili_kg.meta, "briefing")
    assert "0000-1234567" in raw and "0000-1234567" not in masked
    assert len(masked) == len(raw) and masked.replace(MASK * 12, "0000-1234567") == raw
    assert "1234567" not in shili_kg.nquads().decode("utf-8")


def test_an_ordos_copy_with_the_number_is_masked_on_load(tmp_path: Path) -> None:
    copy = tmp_path / "ordos"
    shutil.copytree(ORDOS, copy)
    source = copy / "sources" / "000_6dda99716a2125f5.txt"
    source.write_text(
        source.read_text(encoding="utf-8").replace(MASK * 12, "0123-4567890"), encoding="utf-8"
    )
    kg = ecograph.load(copy)
    assert "0123-4567890" not in source_text(kg.meta, "reply-2025-185")


@pytest.mark.parametrize(
    ("redact", "words"),
    [
        (
            "redact: [{pattern: '(', reason: {en: x}}]",
            "redaction pattern is not a regular expression",
        ),
        ("redact: [{pattern: 'x*', reason: {en: x}}]", "redaction pattern matches empty text"),
        (
            "redact: [{pattern: '[0-9]+'}]",
            "each redaction needs 'pattern' (a regular expression) and 'reason'",
        ),
        ("redact: nothing", "'redact' must be a list"),
        ("subject: Not A Slug", "'subject' must be the id of the entity the dataset speaks for"),
    ],
)
def test_bad_redact_and_subject_are_data_errors(shili_copy: Path, redact: str, words: str) -> None:
    meta = shili_copy / "dataset.yaml"
    text = meta.read_text(encoding="utf-8")
    text = text[: text.index("subject: shili")] + redact + "\n"
    meta.write_text(text, encoding="utf-8")
    with pytest.raises(ecograph.DataError) as info:
        ecograph.load(shili_copy)
    assert any(words in p.message and p.file == "dataset.yaml" for p in info.value.problems), (
        info.value.problems
    )


def test_non_utf8_source_is_a_data_error(shili_copy: Path) -> None:
    (shili_copy / "sources" / "briefing.txt").write_bytes("示例".encode("gb18030"))
    with pytest.raises(ecograph.DataError) as info:
        ecograph.load(shili_copy)
    assert any("is not UTF-8 text" in p.message for p in info.value.problems)


# --------------------------------------------------------------------------- queries and lookups


@pytest.mark.parametrize("store", ["oxigraph", "memory"])
def test_data_prefix_is_predeclared(store: str, runner) -> None:
    result = runner.invoke(main, ["query", "--store", store, "DESCRIBE data:ordos-laboratory"])
    assert result.exit_code == 0, result.output
    assert "鄂尔多斯实验室" in result.output
    result = runner.invoke(
        main,
        ["query", "--store", store, "SELECT ?l WHERE { data:ordos-laboratory skos:prefLabel ?l }"],
    )
    assert result.exit_code == 0 and "Ordos Laboratory" in result.output


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("鄂党办发〔2025〕6号", "nqp-implementation-opinions"),
        ("鄂党办发[2025]6号", "nqp-implementation-opinions"),
        ("鄂党办发(2025)6号", "nqp-implementation-opinions"),
        ("鄂党办发 （2025） 6号", "nqp-implementation-opinions"),
        ("鄂府发〔2024〕56号", "st-breakthrough-implementing-rules"),
        ("鄂建提复字〔2025〕185号", "reply-2025-185"),
        ("第0355号", "proposal-0355"),
        ("0355", "proposal-0355"),
        ("ordos-laboratory", "ordos-laboratory"),
    ],
)
def test_lookup_by_document_number_and_id(
    ordos_kg: ecograph.KnowledgeGraph, text: str, expected: str, runner
) -> None:
    assert ordos_kg.names().resolve(text).id == expected
    result = runner.invoke(main, ["lookup", text, "--format", "json"])
    assert result.exit_code == 0 and f'"id": "{expected}"' in result.output, result.output
