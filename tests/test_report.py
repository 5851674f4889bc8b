"""The brief (`ecograph report`, ecograph.report): its sections, charts as inline SVG, footnotes
whose quotes are verbatim in the source text, zh and en, the same bytes for the same data,
hostile labels escaped (tests/data/xss), the command line, and a print to PDF in headless
Chromium (slow).
"""

from __future__ import annotations

import base64
import hashlib
import html
import io
import os
import re
import subprocess
import sys
import warnings
from collections import Counter
from pathlib import Path

import pytest

import ecograph
import ecograph.viewer as view_module
from ecograph.cli import main
from ecograph.report import ReportResult, build_report, render_report, write_report

from .conftest import ORDOS, TESTS, two_documents

XSS = TESTS / "data" / "xss"  # a fictional city whose names and quotes are injection payloads
CHROMIUM = Path(view_module.CHROMIUM)
SECTIONS = ("figures", "series", "central", "brokers", "communities", "gaps", "status", "methods")
HEADINGS = {
    "zh": ("关键数据", "指标序列", "核心实体", "中介实体", "社区", "领域支撑缺口", "规划与落实"),
    "en": (
        "Key figures", "Indicator series", "Central entities", "Brokers", "Communities",
        "Field-support gaps", "Planned versus done",
    ),
}  # fmt: skip
NOTE = re.compile(
    r'<li id="fn-(\d+)" value="\d+">(?:<q>(.*?)</q>|<span class="row">.*?</span>) — '
    r'<span class="where">(.*?)</span></li>'
)
REMOTE = re.compile(
    r"""(?:\bsrc\s*=|\bhref\s*=|\burl\(|@import)\s*["']?\s*(?:https?:|//)""", re.IGNORECASE
)


@pytest.fixture(scope="module")
def zh(ordos_kg: ecograph.KnowledgeGraph) -> tuple[str, ReportResult]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        page, result = render_report(ordos_kg, "zh")
    assert not [str(w.message) for w in caught], "the brief warned"
    return page, result


@pytest.fixture(scope="module")
def en(ordos_kg: ecograph.KnowledgeGraph) -> tuple[str, ReportResult]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        page, result = render_report(ordos_kg, "en")
    # a glyph missing from the page's font subset would be a warning of matplotlib's
    assert not [str(w.message) for w in caught], "the brief warned"
    return page, result


def _source_text() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted((ORDOS / "sources").iterdir()))


def _notes(page: str) -> dict[int, tuple[str, str]]:
    return {int(n): (html.unescape(q), html.unescape(w)) for n, q, w in NOTE.findall(page)}


def _svgs(page: str) -> list[str]:
    return re.findall(r"<svg\b.*?</svg>", page, re.S)


# --------------------------------------------------------------------------- the page


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_brief_has_every_section(lang: str, request: pytest.FixtureRequest) -> None:
    page, result = request.getfixturevalue(lang)
    assert page.startswith("<!DOCTYPE html>\n")
    assert f'<html lang="{"zh-Hans" if lang == "zh" else "en"}">' in page
    for anchor in (*SECTIONS, "notes"):
        assert f'<h2 id="{anchor}">' in page, anchor
    for heading in HEADINGS[lang]:
        assert f">{heading}</h2>" in page, heading
    # the dataset's title in the page's language, the other language beside it
    assert "<h1>鄂尔多斯市创新生态知识图谱" in page or "<h1>Knowledge graph of the Ordos" in page
    assert "Knowledge graph of the Ordos innovation ecosystem" in page
    assert "鄂尔多斯市创新生态知识图谱" in page
    assert result.bytes == len(page.encode("utf-8")) and result.lang == lang


def test_zh_and_en_differ_in_language_not_in_facts(zh: tuple, en: tuple) -> None:
    (zh_page, zh_result), (en_page, en_result) = zh, en
    assert "鄂尔多斯实验室" in zh_page and "Ordos Laboratory" in en_page
    assert "53.2亿元" in zh_page and "53.2 hundred million yuan" in en_page
    assert (zh_result.figures, zh_result.charts, zh_result.footnotes) == (
        en_result.figures, en_result.charts, en_result.footnotes,
    )  # fmt: skip
    # the quotes are the source's own words in both
    assert {q for q, _ in _notes(zh_page).values()} == {q for q, _ in _notes(en_page).values()}
    zh_sections = {w for _, w in _notes(zh_page).values()}
    en_sections = {w for _, w in _notes(en_page).values()}
    assert "四、科技创新人才纷至沓来" in zh_sections
    assert "4. Science and technology talent flocks in" in en_sections


def test_key_figures_list_every_observation_with_its_source(
    ordos_kg: ecograph.KnowledgeGraph, zh: tuple
) -> None:
    page, result = zh
    rows = ordos_kg.query(
        "SELECT DISTINCT ?ind WHERE { ?o a eco:Observation ; eco:indicator ?ind }"
    ).rows
    base = ordos_kg.iri("")
    points = [p for r in rows for p in ordos_kg.series(r["ind"]["value"][len(base) :]).points]
    assert result.figures == len(points) == 32
    table = page[page.index('<table class="figures') : page.index('<h2 id="series">')]
    assert table.count("<tr>") == len(points) + 1  # and the header
    for point in points:
        # each value as printed (hedge and unit included), followed by its footnote
        assert re.search(re.escape(html.escape(point.amount("zh"))) + r'<sup class="fn">', table)
    assert "超9亿元" in table and "600余个" in table and "前100位次" in table


def test_every_footnote_quote_is_verbatim_in_the_source(zh: tuple, en: tuple) -> None:
    # the loader's rule: a quote is compared with its source with all whitespace removed (the
    # letter's lines wrap inside sentences)
    source = re.sub(r"\s+", "", _source_text())
    for page, result in (zh, en):
        notes = _notes(page)
        assert len(notes) == result.footnotes > 100
        assert sorted(notes) == list(range(1, len(notes) + 1))
        for number, (quote, where) in notes.items():
            assert quote and re.sub(r"\s+", "", quote) in source, f"note {number}: {quote!r}"
            assert where, f"note {number} names no section"
        referenced = {int(n) for n in re.findall(r'<a href="#fn-(\d+)">', page)}
        assert referenced == set(notes), "a reference without a note, or a note never cited"


def test_every_statement_carries_a_footnote(zh: tuple) -> None:
    page, _ = zh
    figures = page[page.index('<table class="figures') : page.index('<h2 id="series">')]
    for row in re.findall(r"<tr><td>.*?</tr>", figures):
        assert '<sup class="fn">' in row, row
    planned = page[page.index('<h2 id="status">') : page.index('<h2 id="methods">')]
    rows = re.findall(r'<tr><td><span class="st st-(?:planned|ongoing)">.*?</tr>', planned)
    assert len(rows) > 100
    for row in rows:
        assert '<sup class="fn">' in row, row
    # every chart of a series names its sources
    series = page[page.index('<h2 id="series">') : page.index('<h2 id="central">')]
    for caption in re.findall(r"<figcaption>.*?</figcaption>", series):
        assert '<sup class="fn">' in caption


def test_charts_are_inline_svg_drawn_with_the_embedded_font(zh: tuple) -> None:
    from fontTools.ttLib import TTFont

    page, result = zh
    svgs = _svgs(page)
    assert len(svgs) == result.charts >= 5  # series, PageRank, heat map, status
    assert "<img" not in page and "<image" not in page and "<script" not in page
    match = re.search(r"src:url\(data:font/woff2;base64,([A-Za-z0-9+/=]+)\)", page)
    assert match
    cmap = TTFont(io.BytesIO(base64.b64decode(match.group(1)))).getBestCmap()
    for svg in svgs:
        assert "style=" not in svg and "<style" not in svg  # presentation attributes only
        families = set(re.findall(r'font-family="([^"]*)"', svg))
        assert families == {"ecograph CJK, sans-serif"}
        for text in re.findall(r"<text\b[^>]*>(.*?)</text>", svg, re.S):
            missing = {ch for ch in html.unescape(text) if ord(ch) not in cmap and ch != " "}
            assert not missing, f"the page's font does not draw {missing}"
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids)), "ids repeat across charts"


def test_the_heat_map_and_status_chart_show_the_graph(
    ordos_kg: ecograph.KnowledgeGraph, zh: tuple
) -> None:
    page, _ = zh
    gaps = ordos_kg.gaps()
    section = page[page.index('<h2 id="gaps">') : page.index('<h2 id="status">')]
    (heat,) = _svgs(section)
    texts = [html.unescape(t) for t in re.findall(r"<text\b[^>]*>(.*?)</text>", heat, re.S)]
    for row in gaps.rows:
        assert row.labels["zh"] in texts
    cells = Counter(t for t in texts if t.isdigit())
    expected = Counter(str(row.counts[k]) for row in gaps.rows for k in gaps.kinds)
    assert all(cells[n] >= c for n, c in expected.items())
    # every non-zero count is backed by a listed, cited relation
    links = section[section.index('<ul class="links">') :]
    assert links.count("</li>") - links.count("</ul></li>") == sum(
        sum(row.counts.values()) for row in gaps.rows
    )
    status = page[page.index('<h2 id="status">') : page.index('<h2 id="methods">')]
    totals = Counter(d["status"] for _, _, d in ordos_kg.network().graph.edges(data=True))
    for name in ("已完成", "推进中", "计划中"):
        assert f"<td>{name}</td>" in status
    planned = status.count('<tr><td><span class="st st-planned">')
    ongoing = status.count('<tr><td><span class="st st-ongoing">')
    entities = status[status.index("计划中与推进中的实体") :]
    assert planned - entities.count("st-planned") == totals["planned"]
    assert ongoing - entities.count("st-ongoing") == totals["ongoing"]


def test_centrality_and_brokers_are_the_library_s(
    ordos_kg: ecograph.KnowledgeGraph, zh: tuple
) -> None:
    page, _ = zh
    central = page[page.index('<h2 id="central">') : page.index('<h2 id="brokers">')]
    top = ordos_kg.rank("pagerank", top=10).rows
    positions = [central.index(f">{html.escape(r.labels['zh'])}</span>") for r in top]
    assert positions == sorted(positions)
    assert f"{top[0].scores['pagerank']:.4f}" in central
    brokers = page[page.index('<h2 id="brokers">') : page.index('<h2 id="communities">')]
    holes = ordos_kg.brokers(top=10).structural_holes
    assert f'<td class="num">{holes[0]["effective_size"]:.3f}</td>' in brokers
    communities = ordos_kg.communities()
    assert f"{communities.modularity:.4f}" in page


def test_the_page_needs_nothing_from_outside(zh: tuple) -> None:
    page, _ = zh
    assert not REMOTE.search(page)
    # no address at all, but the XML namespace names of the SVG (which are never fetched)
    names = re.sub(r'\sxmlns(?::\w+)?="http://www\.w3\.org/[^"]*"', "", page)
    assert "http://" not in names and "https://" not in names
    csp = html.unescape(
        re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', page)[1]
    )
    assert "default-src 'none'" in csp and "script-src 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    styles = re.findall(r"<style>(.*?)</style>", page, re.S)
    assert len(styles) == 1
    digest = base64.b64encode(hashlib.sha256(styles[0].encode("utf-8")).digest()).decode()
    assert f"style-src 'sha256-{digest}'" in csp
    assert not re.search(r"<[a-z][^>]*\sstyle=", page)  # no inline style attribute anywhere
    assert not re.search(r"<[a-z][^>]*\son[a-z]+=", page)  # no event handler anywhere


def test_print_css_keeps_charts_and_tables_whole(zh: tuple) -> None:
    page, _ = zh
    css = re.search(r"<style>(.*?)</style>", page, re.S)[1]
    assert "@page{size:A4" in css
    assert re.search(
        r"table\.keep,figure,\.svg,svg\{break-inside:avoid;page-break-inside:avoid\}", css
    )
    assert "tr{break-inside:avoid" in css and "thead{display:table-header-group}" in css


# --------------------------------------------------------------------------- the same bytes


def test_the_same_data_gives_the_same_bytes(ordos_kg: ecograph.KnowledgeGraph, zh: tuple) -> None:
    assert build_report(ordos_kg, "zh") == zh[0]


@pytest.mark.slow
def test_the_same_bytes_in_a_fresh_process(tmp_path: Path, zh: tuple) -> None:
    out = tmp_path / "brief.html"
    code = (
        "import ecograph, sys; from ecograph.report import write_report; "
        "write_report(ecograph.load(), sys.argv[1], 'zh')"
    )
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    env = {**os.environ, "TMPDIR": str(temporary)}
    subprocess.run([sys.executable, "-c", code, str(out)], check=True, timeout=300, env=env)
    assert out.read_bytes() == zh[0].encode("utf-8")
    # the font subset matplotlib measured with was a temporary file, removed at exit
    assert not [p.name for p in temporary.iterdir() if p.name.startswith("ecograph-report")]


@pytest.mark.slow
def test_every_store_gives_the_same_brief(zh: tuple) -> None:
    """rdflib's store (the reference) and Oxigraph's give the same page, byte for byte."""
    assert build_report(ecograph.load(store="memory"), "zh") == zh[0]


def test_importing_the_module_imports_no_matplotlib() -> None:
    code = "import sys, ecograph.report; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# --------------------------------------------------------------------------- hostile labels


@pytest.fixture(scope="module")
def xss_page() -> str:
    return build_report(ecograph.load(XSS), "zh")


def test_hostile_labels_and_quotes_are_escaped(xss_page: str) -> None:
    for payload in (
        "<img src=x onerror=alert(1)>",
        "<script>alert(2)</script>",
        "<svg onload=",
        '"onmouseover=alert(3)',
    ):
        assert payload not in xss_page, payload
    assert "&lt;img src=x onerror=alert(1)&gt;实验室" in xss_page
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in xss_page
    assert "&quot;onmouseover=alert(3)" in xss_page
    assert "<script" not in xss_page
    assert not re.search(r"<[a-z][^>]*\son[a-z]+=", xss_page)
    # the title in <title> and the quotes in the notes, as text
    title = "注入市创新生态（虚构安全测试数据）&lt;img src=x onerror=alert(1)&gt;"
    assert f"<title>{title} — " in xss_page
    quotes = {q for q, _ in _notes(xss_page).values()}
    assert "<img src=x onerror=alert(1)>实验室获批省级重点实验室" in quotes
    for svg in _svgs(xss_page):  # labels drawn in a chart stay text
        assert "<script" not in svg and "<img" not in svg
        assert not re.search(r"<[a-z][^>]*\son[a-z]+=", svg)
    assert "&lt;img src=x onerror=alert(1)&gt;实验室</text>" in xss_page


# --------------------------------------------------------------------------- two documents


def test_documents_that_disagree_are_both_shown(tmp_path: Path) -> None:
    """The test city with its second document: 2024 R&D spending is 超12.5亿元 in the briefing
    and 13.1亿元 in the plan; both are key figures marked as a conflict, both are marks of the
    chart (no line chooses between them), and each note names its document."""
    page = build_report(ecograph.load(two_documents(tmp_path / "two")), "zh")
    figures = page[page.index('<table class="figures') : page.index('<h2 id="series">')]
    conflicting = [r for r in re.findall(r"<tr><td>.*?</tr>", figures) if "冲突" in r]
    assert len(conflicting) == 2
    assert any("超12.5亿元" in r for r in conflicting)
    assert any("13.1亿元" in r for r in conflicting)
    series = page[page.index('<h2 id="series">') : page.index('<h2 id="central">')]
    chart = next(svg for svg in _svgs(series) if "研发经费投入" in svg)
    assert "超12.5亿元" in chart and "13.1亿元" in chart and "10.2亿元" in chart
    assert "红点" in series
    wheres = {w for _, w in _notes(page).values()}
    assert any(w.endswith("示例市2025年科技创新工作要点") for w in wheres)
    assert any(w.endswith("示例市科技工作简报") for w in wheres)
    # 120 and 达120 agree: one mark, so that indicator draws no chart of one point
    assert not any("高新技术企业数量" in svg for svg in _svgs(series))


# --------------------------------------------------------------------------- the command line


def test_the_command_writes_the_brief(runner, tmp_path: Path) -> None:
    out = tmp_path / "brief-en.html"
    result = runner.invoke(main, ["report", "-o", str(out), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert re.fullmatch(
        rf"Wrote {re.escape(str(out))} \([\d,]+ bytes, en\): 32 key figures, \d+ charts, "
        r"\d+ footnotes \([\d.]+ s; matplotlib import [\d.]+ s, charts [\d.]+ s, "
        r"font [\d.]+ s\)\.\n",
        result.output,
    ), result.output
    assert '<h2 id="figures">Key figures</h2>' in out.read_text(encoding="utf-8")


def test_the_command_defaults_to_brief_html(runner, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(main, ["report", "--data", str(XSS)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "brief.html").exists()


def test_the_command_reports_errors_cleanly(runner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["report", "--lang", "fr", "-o", str(tmp_path / "x.html")])
    assert result.exit_code == 2 and "'--lang'" in result.output
    (tmp_path / "taken").mkdir()
    result = runner.invoke(main, ["report", "-o", str(tmp_path / "taken")])
    assert result.exit_code == 2  # click refuses a directory for a file option
    result = runner.invoke(main, ["report", "--data", str(tmp_path / "nowhere")])
    assert result.exit_code != 0 and "Traceback" not in result.output


def test_write_report_writes_atomically(ordos_kg: ecograph.KnowledgeGraph, tmp_path: Path) -> None:
    from ecograph.errors import OutputError, UsageError

    (tmp_path / "dir").mkdir()
    with pytest.raises(OutputError):
        write_report(ordos_kg, tmp_path / "dir", "zh")
    with pytest.raises(UsageError):
        write_report(ordos_kg, tmp_path / "x.html", "fr")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dir"]


# --------------------------------------------------------------------------- print to PDF


@pytest.mark.slow
def test_the_brief_prints_to_a_multi_page_pdf(tmp_path: Path, zh: tuple) -> None:
    if not CHROMIUM.exists():
        pytest.skip("no Chromium at /usr/bin/chromium (CI installs Debian's chromium)")
    from playwright.sync_api import sync_playwright
    from pypdf import PdfReader

    path = tmp_path / "brief.html"
    path.write_text(zh[0], encoding="utf-8")
    requests: list[str] = []
    console: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=list(view_module.CHROMIUM_ARGS)
        )
        try:
            page = browser.new_page()
            page.on("request", lambda r: requests.append(r.url))
            page.on("console", lambda m: console.append(m.text))
            page.goto(path.as_uri())
            page.emulate_media(media="print")
            kept = page.evaluate(
                """() => [...document.querySelectorAll('figure, table.keep, svg')]
                    .map(e => getComputedStyle(e).breakInside)"""
            )
            family = page.evaluate("() => document.fonts.check('16px \"ecograph CJK\"', '鄂')")
            pdf = page.pdf(format="A4", print_background=True)
        finally:
            browser.close()
    assert requests == [path.as_uri()]  # nothing fetched but the page
    assert not console, console  # no CSP violation, nothing logged
    assert kept and set(kept) == {"avoid"}
    assert family
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) > 3
    text = "".join(page.extract_text() for page in reader.pages)
    squeezed = re.sub(r"\s+", "", text)
    for expected in (
        "关键数据",
        "领域支撑缺口",
        "规划与落实",
        "53.2亿元",
        "鄂尔多斯实验室获批首批内蒙古实验室",
    ):
        assert expected in squeezed, expected
    # the charts' text is text in the PDF too (svg.fonttype none)
    assert "PageRank" in text and "储能" in squeezed
