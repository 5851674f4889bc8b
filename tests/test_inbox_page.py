"""`ecograph inbox show DOC_ID --html`: an offline page with the source text, every candidate's
quote highlighted by kind, and the candidates beside it."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from ecograph.cli import main
from ecograph.ingest.inbox import write_inbox
from ecograph.ingest.page import NOT_FOUND, TextMap, render_inbox_page, write_inbox_page
from ecograph.ingest.run import ingest_document

REPO = Path(__file__).resolve().parent.parent
SHILI = REPO / "tests" / "data" / "shili"
REPLY = REPO / "tests" / "data" / "documents" / "reply.txt"
CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture
def city(tmp_path: Path) -> Path:
    folder = tmp_path / "shili"
    shutil.copytree(SHILI, folder)
    ingest_document(REPLY, folder, doc_id="reply")
    return folder


def _handmade(tmp_path: Path) -> Path:
    """A dataset whose inbox holds a document, a quote that is not in the text and a label
    that tries to be markup."""
    folder = tmp_path / "shili"
    shutil.copytree(SHILI, folder)
    write_inbox(
        folder,
        "briefing",
        [
            {
                "kind": "document",
                "id": "briefing",
                "label": {"zh": "示例市科技工作简报", "en": None},
                "file": "sources/briefing.txt",
                "section": "briefing-head",
                "quote": "示例市科技工作简报",
                "rule": "structure:title",
                "confidence": 0.9,
            },
            {
                "kind": "section",
                "id": "briefing-s1",
                "label": {"zh": "一、平台建设", "en": None},
                "order": 2,
                "start": "一、平台建设",
                "section": "briefing-s1",
                "quote": "一、平台建设",
                "rule": "structure:heading",
                "confidence": 0.9,
            },
            {
                "kind": "entity",
                "type": "Laboratory",
                "id": "x",
                "label": {"zh": '<script>alert("x")</script>示例市实验室', "en": None},
                "link": None,
                "new": True,
                "section": "briefing-s1",
                "quote": "示例市实验室获批省级重点实验室",
                "rule": "suffix:实验室",
                "confidence": 0.65,
            },
            {
                "kind": "relation",
                "s": "x",
                "p": "hasDesignation",
                "o": "javascript:alert(1)",
                "section": "briefing-s1",
                "quote": "这句话不在简报里",
                "rule": "trigger:获批",
                "confidence": 0.7,
            },
        ],
    )
    return folder


def test_every_quote_is_highlighted_with_its_kind(city: Path) -> None:
    page = render_inbox_page(city, "reply")
    assert page.startswith("<!DOCTYPE html>")
    for kind in ("document", "section", "entity", "observation", "relation"):
        assert f"k-{kind}" in page or kind in page
    marks = re.findall(r'<mark class="([^"]*)" data-s="([^"]*)"', page)
    assert marks
    assert not re.search(r"<mark[^>]*>[^<]*<mark", page), "highlights are never nested"
    written = write_inbox_page(city, "reply", city / "reply.html")
    assert written.missing == 0 and written.located == sum(written.counts.values())


def test_a_quote_not_in_the_text_is_flagged(tmp_path: Path) -> None:
    folder = _handmade(tmp_path)
    result = write_inbox_page(folder, "briefing", tmp_path / "page.html")
    assert result.missing == 1
    page = (tmp_path / "page.html").read_text(encoding="utf-8")
    assert NOT_FOUND in page


def test_user_text_stays_text(tmp_path: Path) -> None:
    page = render_inbox_page(_handmade(tmp_path), "briefing")
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert" in page or "\\u003cscript\\u003e" in page
    assert 'href="javascript' not in page and "src=" not in page.replace("data-s", "")
    scripts = re.findall(r"<script[^>]*>(.*?)</script>", page, re.S)
    assert all("</" not in body for body in scripts)


def test_the_page_needs_no_network_and_is_deterministic(city: Path) -> None:
    page = render_inbox_page(city, "reply")
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", page)
    assert "@import" not in page and "url(http" not in page
    assert "Content-Security-Policy" in page
    assert page == render_inbox_page(city, "reply")


def test_the_page_says_so_when_the_text_is_missing(city: Path) -> None:
    (city / "sources" / "reply.txt").unlink()
    result = write_inbox_page(city, "reply", city / "page.html")
    assert result.text_problem
    assert "reply" in (city / "page.html").read_text(encoding="utf-8")


def test_cli_writes_the_page(city: Path, tmp_path: Path) -> None:
    out = tmp_path / "inbox.html"
    result = CliRunner().invoke(
        main, ["inbox", "show", "reply", "--data", str(city), "--html", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert f"Wrote {out}" in result.output and "0 quote not found" in result.output
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    missing = CliRunner().invoke(
        main, ["inbox", "show", "nothing", "--data", str(city), "--html", str(out)]
    )
    assert missing.exit_code == 1 and "no inbox" in missing.output


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.sampled_from(list("示例市实验室获批省级重点")), min_size=1, max_size=30),
    st.lists(st.sampled_from([" ", "\n", "\t", "\u3000", "\n\n"]), max_size=30),
    st.data(),
)
def test_quotes_are_found_whatever_the_whitespace(chars, blanks, data) -> None:
    text = "".join(c + (blanks[i] if i < len(blanks) else "") for i, c in enumerate(chars))
    start = data.draw(st.integers(min_value=0, max_value=len(chars) - 1))
    end = data.draw(st.integers(min_value=start + 1, max_value=len(chars)))
    quote = "".join(chars[start:end])
    found = TextMap(text).find(quote)
    assert found is not None
    a, b = found
    assert re.sub(r"\s", "", text[a:b]) == quote
    assert not text[a].isspace() and not text[b - 1].isspace()


@pytest.mark.slow
def test_clicking_a_candidate_shows_its_quote(city: Path, tmp_path: Path) -> None:
    if not CHROMIUM.exists():
        pytest.skip("no Chromium at /usr/bin/chromium")
    from playwright.sync_api import sync_playwright

    out = tmp_path / "page.html"
    write_inbox_page(city, "reply", out)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        page = browser.new_page()
        errors: list[str] = []
        requests: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("request", lambda r: requests.append(r.url))
        page.goto(out.as_uri())
        assert page.evaluate("window.ecographInbox.ready") is True
        card = page.locator("li.cand[data-span]").nth(5)
        card.click()
        assert "selected" in (card.get_attribute("class") or "")
        span = card.get_attribute("data-span")
        active = page.locator("mark.hl.active")
        assert active.count() >= 1
        assert span in (active.first.get_attribute("data-s") or "").split()
        # and back: a highlight selects the candidates behind it
        page.locator("mark.hl").nth(3).click()
        assert page.locator("li.cand.selected").count() >= 1
        browser.close()
    assert not errors
    assert all(url.startswith("file://") for url in requests), requests
