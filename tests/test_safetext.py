"""Data on its way out cannot command a spreadsheet, a terminal or a page (issue 14, item 7)."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

import ecograph
from ecograph.cli import main
from ecograph.safetext import (
    BIDI_CONTROLS,
    BOM,
    csv_text,
    neutralise_bidi,
    spreadsheet_cell,
    terminal_text,
)

from .conftest import TESTS

XSS = TESTS / "data" / "xss"


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\r=1", "'\r=1"),
        ("-5", "-5"),  # numbers stay numbers
        ("+1.5e3", "+1.5e3"),
        ("鄂尔多斯实验室", "鄂尔多斯实验室"),
        ("a=b", "a=b"),
        (None, ""),
    ],
)
def test_the_owasp_rule(cell, written) -> None:
    assert spreadsheet_cell(cell) == written


@given(st.text(max_size=30))
def test_no_cell_starts_a_formula_unless_it_is_a_plain_number(text: str) -> None:
    cell = spreadsheet_cell(text)
    if cell.startswith(("=", "+", "-", "@", "\t", "\r")):
        float(cell)  # a number a spreadsheet reads as a number
        assert cell == text
    else:
        assert cell in (text, "'" + text)


def test_excel_csv_has_a_bom_and_reads_back() -> None:
    text = csv_text(["名称", "值"], [["=1+1", "-5"]], excel=True)
    assert text.startswith(BOM) and "\r\n" in text
    rows = list(csv.reader(io.StringIO(text.removeprefix(BOM))))
    assert rows == [["名称", "值"], ["'=1+1", "-5"]]


def test_terminal_text_shows_controls_as_escapes() -> None:
    assert terminal_text("a\x1b[31mb\x07\u202ec\n\td") == "a\\x1b[31mb\\x07\\u202ec\n\td"
    assert terminal_text("鄂尔多斯") == "鄂尔多斯"


@given(st.text(max_size=40))
def test_terminal_text_leaves_no_control_character(text: str) -> None:
    shown = terminal_text(text)
    assert not any(
        (ord(c) < 32 and c not in "\n\t") or 0x7F <= ord(c) <= 0x9F or c in BIDI_CONTROLS
        for c in shown
    )


def test_bidi_controls_never_reach_a_page() -> None:
    assert neutralise_bidi("a\u202eb\u2066c") == "a\ufffdb\ufffdc"


def test_cli_csv_outputs_neutralise_and_excel_adds_the_bom(runner, tmp_path) -> None:
    query = "SELECT ?v WHERE { VALUES ?v { '=cmd|calc' '-7' 'plain' } } ORDER BY ?v"
    plain = runner.invoke(main, ["query", query, "--format", "csv"], catch_exceptions=False)
    assert plain.exit_code == 0 and plain.output.splitlines() == ["v", "-7", "'=cmd|calc", "plain"]
    excel = runner.invoke(
        main, ["query", query, "--format", "csv", "--excel"], catch_exceptions=False
    )
    assert excel.stdout_bytes.decode("utf-8").startswith(BOM + "v\r\n")
    ranked = runner.invoke(
        main, ["rank", "--top", "2", "--format", "csv", "--excel"], catch_exceptions=False
    )
    assert ranked.exit_code == 0 and ranked.output.startswith(BOM + "rank,id,label")
    written = runner.invoke(
        main,
        ["export", "--format", "csv", "--excel", "-o", str(tmp_path / "net")],
        catch_exceptions=False,
    )
    assert written.exit_code == 0
    assert (
        (tmp_path / "net" / "nodes.csv").read_text(encoding="utf-8").startswith(BOM + "id,label_zh")
    )


def test_labels_cannot_command_the_terminal(runner) -> None:
    result = runner.invoke(main, ["lookup", "zhuru", "--data", str(XSS)], catch_exceptions=False)
    assert result.exit_code == 0
    assert (
        "\x1b" not in result.output
        and "\x07" not in result.output
        and "\u202e" not in result.output
    )
    assert "Zhuru \\x1b[31mred\\x1b[0m" in result.output and "\\u202e" in result.output


def test_the_viewer_neutralises_bidi_controls(tmp_path) -> None:
    kg = ecograph.load(XSS)
    page = tmp_path / "xss.html"
    kg.view(page)
    html = page.read_text(encoding="utf-8")
    assert not any(c in html for c in BIDI_CONTROLS)
    assert "Zhuru \ufffdtxet desrever\ufffd" in html
