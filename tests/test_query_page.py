"""The query page of ``ecograph serve`` (``/``): a SPARQL editor (CodeMirror 6, vendored), the
predeclared prefixes, the gallery's saved queries as one-click examples in Chinese and English, and
a result table with paging and downloads, all offline under a strict Content-Security-Policy.

The first tests read the page's HTML; the browser tests (slow) start the real endpoint and drive
Debian's Chromium at /usr/bin/chromium through playwright."""

from __future__ import annotations

import base64
import hashlib
import html
import io
import json
import re
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

import ecograph
import ecograph.viewer
from ecograph.endpoint.pages import EDITOR_JS, EDITOR_LICENCES, PAGE_JS, dataset_glyphs, query_page
from ecograph.gallery import gallery
from ecograph.namespaces import SPARQL_PREFIX_IRIS
from ecograph.safetext import csv_text

from .conftest import REPO, TESTS
from .test_serve import Running, request
from .test_view import REMOTE, elements

CHROMIUM = Path(ecograph.viewer.CHROMIUM)
XSS = TESTS / "data" / "xss"  # a fictional city whose names and quotes are injection payloads
URL = re.compile(r"https?://[^\s\"'<>&\\]+")
#: the one address inside the vendored editor: the SVG namespace, a name that is never fetched
SVG_NAMESPACE = "http://www.w3.org/2000/svg"
HOSTILE_TITLE = {
    "zh": "</title><script>window.__pwned=1</script>恶意",
    "en": '<img src=x onerror="window.__pwned=2">" onmouseover="x',
}
KEYWORD_COLOUR = "rgb(122, 31, 162)"  # tags.keyword in tools/editor/entry.mjs


def json_block(page: str, element_id: str) -> Any:
    match = re.search(
        rf'<script type="application/json" id="{element_id}">(.*?)</script>', page, re.S
    )
    assert match, element_id
    assert "<" not in match.group(1)
    return json.loads(match.group(1))


@pytest.fixture(scope="module")
def page_and_csp(ordos_kg: ecograph.KnowledgeGraph) -> tuple[str, str]:
    return query_page(
        ordos_kg.meta.title,
        ordos_kg.store.prefixes,
        dataset_glyphs(ordos_kg.nquads().decode("utf-8")),
    )


@pytest.fixture(scope="module")
def page(page_and_csp: tuple[str, str]) -> str:
    return page_and_csp[0]


# --------------------------------------------------------------------------- the page's HTML


def test_no_remote_reference(page: str, ordos_kg: ecograph.KnowledgeGraph) -> None:
    assert not REMOTE.search(page), REMOTE.search(page)
    tags = elements(page)
    assert not [
        t
        for t, _ in tags
        if t in ("link", "iframe", "object", "embed", "img", "base", "frame", "audio", "video")
    ]
    assert not [a for _, a in tags if "src" in a]
    assert [a["href"] for _, a in tags if "href" in a] == ["/view"]
    assert [a.get("action") for t, a in tags if t == "form"] == ["/sparql"]
    # the scripts: the examples, the page's settings, the editor and the page script, all inline
    assert [(t, a) for t, a in tags if t == "script"] == [
        ("script", {"type": "application/json", "id": "examples"}),
        ("script", {"type": "application/json", "id": "query-ui"}),
        ("script", {}),
        ("script", {}),
    ]
    # every address in the page is a name: a predeclared namespace, an IRI inside a saved query
    # (both data, never fetched) or the SVG namespace inside the editor
    names = set(ordos_kg.store.prefixes.values()) | {SVG_NAMESPACE}
    names |= {iri for q in gallery() for iri in URL.findall(q.text)}
    found = set(URL.findall(page))
    assert {u for u in found if not any(u.startswith(n) or n.startswith(u) for n in names)} == set()
    editor = (resources.files("ecograph.endpoint") / "assets" / EDITOR_JS).read_text("utf-8")
    assert set(URL.findall(editor)) == {SVG_NAMESPACE}
    # one face, the page's own glyphs inline (ecograph.fonts)
    faces = re.findall(r"@font-face\{[^}]*\}", page)
    assert len(faces) == 1 and "src:url(data:font/woff2;base64," in faces[0]


def test_remote_check_catches_cdn_links() -> None:
    """The check above is not vacuous: a CDN script or style would fail it."""
    for bad in (
        '<script src="https://cdn.jsdelivr.net/npm/codemirror"></script>',
        "<link href='http://example.org/yasgui.css'>",
        "a { background: url(https://x.org/a.png) }",
        '@import "https://x.org/a.css";',
        '<img src="//x.org/a.png">',
    ):
        assert REMOTE.search(bad), bad


def test_content_security_policy_pins_the_scripts(page_and_csp: tuple[str, str]) -> None:
    page, csp = page_and_csp
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["default-src"] == "'none'"
    assert directives["connect-src"] == "'self'"
    assert directives["font-src"] == "data:"
    assert directives["base-uri"] == "'none'" and directives["form-action"] == "'self'"
    script_src = directives["script-src"]
    assert "unsafe" not in script_src and "'self'" not in script_src and "*" not in script_src
    assert "unsafe-eval" not in csp and "blob:" not in csp
    scripts = re.findall(r"<script>(.*?)</script>", page, re.S)
    assert len(scripts) == 2
    pinned = set(script_src.split())
    for body in scripts:
        digest = base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode()
        assert f"'sha256-{digest}'" in pinned
    assert len(pinned) == 2
    # the scripts are the package's assets, byte for byte
    folder = resources.files("ecograph.endpoint") / "assets"
    assert scripts == [
        (folder / EDITOR_JS).read_text("utf-8"),
        (folder / PAGE_JS).read_text("utf-8"),
    ]
    # the page script inserts what the server says as text
    assert "innerHTML" not in scripts[1] and "insertAdjacentHTML" not in scripts[1]
    assert "eval(" not in scripts[1] and "new Function" not in scripts[1]


def test_examples_in_chinese_and_english(page: str) -> None:
    saved = gallery()
    assert saved
    examples = json_block(page, "examples")
    assert examples == {q.name: q.text for q in saved}
    for q in saved:
        button = re.search(
            rf'<button type="button" class="example" data-example="{re.escape(q.name)}">'
            r'<span class="zh" lang="zh-Hans">(.*?)</span><span class="en" lang="en">(.*?)</span>'
            r'</button><p class="desc"><span class="zh" lang="zh-Hans">(.*?)</span>'
            r'<span class="en" lang="en">(.*?)</span></p>',
            page,
        )
        assert button, q.name
        assert button.groups() == tuple(
            html.escape(t)
            for t in (q.title["zh"], q.title["en"], q.description["zh"], q.description["en"])
        )
    # Chinese first: the page opens in Chinese, the switch offers both
    assert '<html lang="zh-Hans">' in page and '<body class="lang-zh">' in page
    assert page.index('data-lang="zh"') < page.index('data-lang="en"')
    ui = json_block(page, "query-ui")
    assert set(ui["strings"]) == {"zh", "en"}
    assert set(ui["strings"]["zh"]) == set(ui["strings"]["en"])
    assert ui["first"] == saved[0].name
    # the editor opens on the first example
    first = re.search(r'<textarea id="query"[^>]*>(.*?)</textarea>', page, re.S)
    assert first and html.unescape(first.group(1)) == saved[0].text


def test_prefixes_are_listed(page: str, ordos_kg: ecograph.KnowledgeGraph) -> None:
    prefixes = ordos_kg.store.prefixes
    assert "data" in prefixes and "eco" in prefixes
    assert json_block(page, "query-ui")["prefixes"] == prefixes
    for name, iri in prefixes.items():
        assert f"<td><code>{name}:</code></td><td><code>&lt;{iri}&gt;</code></td>" in page
        assert f'data-prefix="{name}"' in page


def test_the_font_covers_the_page_and_the_dataset(
    page: str, ordos_kg: ecograph.KnowledgeGraph
) -> None:
    from fontTools.ttLib import TTFont

    from ecograph.fonts import covered

    face = re.search(r"src:url\(data:font/woff2;base64,([A-Za-z0-9+/=]+)\)", page)
    assert face
    cmap = TTFont(io.BytesIO(base64.b64decode(face.group(1)))).getBestCmap()
    ui = json_block(page, "query-ui")
    shown = "".join(q.title["zh"] + q.description["zh"] + q.title["en"] for q in gallery())
    shown += "".join(ui["strings"]["zh"].values()) + "".join(ui["titles"].values())
    shown += ordos_kg.nquads().decode("utf-8")  # what results show
    missing = [ch for ch in covered(shown) if ord(ch) not in cmap]
    assert missing == []


@pytest.fixture(scope="module")
def xss_kg() -> ecograph.KnowledgeGraph:
    return ecograph.load(XSS)


@pytest.mark.parametrize("which", ["made up", "xss dataset"])
def test_a_hostile_dataset_title_is_escaped(which: str, xss_kg: ecograph.KnowledgeGraph) -> None:
    title = HOSTILE_TITLE if which == "made up" else xss_kg.meta.title
    assert "<" in title["zh"] and "<" in title["en"]
    page = query_page(title)[0]
    assert title["zh"] not in page and title["en"] not in page
    tags = elements(page)
    assert [t for t, _ in tags if t == "script"] == ["script"] * 4
    assert not [t for t, _ in tags if t == "img"]
    assert not [a for _, a in tags if any(k.startswith("on") for k in a)]
    assert f"<title>{html.escape(title['zh'])}: SPARQL</title>" in page
    assert f'<span class="zh" lang="zh-Hans">{html.escape(title["zh"])}</span>' in page
    assert f'<span class="en" lang="en">{html.escape(title["en"])}</span>' in page
    # in the page's settings it is JSON that cannot close its script element
    titles = json_block(page, "query-ui")["titles"]
    assert titles == {lang: f"{text}: SPARQL" for lang, text in title.items()}


def test_a_plain_title_serves_both_languages() -> None:
    assert json_block(query_page("城市 <b>")[0], "query-ui")["titles"] == {
        "zh": "城市 <b>: SPARQL",
        "en": "城市 <b>: SPARQL",
    }


def test_the_page_is_deterministic(ordos_kg: ecograph.KnowledgeGraph, page: str) -> None:
    again = query_page(
        ordos_kg.meta.title,
        ordos_kg.store.prefixes,
        dataset_glyphs(ordos_kg.nquads().decode("utf-8")),
    )[0]
    assert again == page


def test_dataset_glyphs_keeps_the_most_frequent() -> None:
    assert dataset_glyphs("城城市a") == "a城市"
    assert dataset_glyphs("城城市市市区", limit=2) == "城市"  # 区 is the rarest


def test_the_editor_is_vendored_with_its_licences_and_versions() -> None:
    folder = resources.files("ecograph.endpoint") / "assets"
    editor = (folder / EDITOR_JS).read_bytes()
    assert 100_000 < len(editor) < 500_000  # CodeMirror 6, minified
    assert editor.isascii() and b"</script" not in editor.lower() and b"<!--" not in editor
    licences = (folder / EDITOR_LICENCES).read_text("utf-8")
    lock = json.loads((REPO / "tools/editor/package-lock.json").read_text("utf-8"))
    manifest = json.loads((REPO / "tools/editor/package.json").read_text("utf-8"))
    # every direct dependency is pinned to one release, and the licence file names that release
    for name, version in manifest["dependencies"].items():
        assert re.fullmatch(r"\d+\.\d+\.\d+", version), name
        assert lock["packages"][f"node_modules/{name}"]["version"] == version
    bundled = re.findall(r"^(\S+) (\d+\.\d+\.\d+) \((MIT)\)$", licences, re.M)
    assert {"@codemirror/view", "@codemirror/legacy-modes", "@lezer/highlight"} <= {
        n for n, _, _ in bundled
    }
    for name, version, _ in bundled:
        assert lock["packages"][f"node_modules/{name}"]["version"] == version
    assert licences.count("Permission is hereby granted, free of charge") == len(bundled)
    assert (REPO / "tools/vendor_editor.sh").exists()


def test_the_endpoint_serves_the_page_with_its_policy(server: Running) -> None:
    answer = request(server.base, "/")
    assert answer.status == 200 and answer.type == "text/html"
    csp = answer.headers["Content-Security-Policy"]
    assert "connect-src 'self'" in csp and "default-src 'none'" in csp
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert 'data-prefix="data"' in answer.text  # the dataset's own prefix, predeclared


# --------------------------------------------------------------------------- in the browser


@pytest.fixture(scope="module")
def server(ordos_kg: ecograph.KnowledgeGraph) -> Iterator[Running]:
    running = Running(ordos_kg, max_rows=1000, timeout=30)
    yield running
    running.stop()


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("no Chromium at /usr/bin/chromium (CI installs Debian's chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=list(ecograph.viewer.CHROMIUM_ARGS)
        )
        yield browser
        browser.close()


class QueryPage:
    """The query page in a fresh browser context, with everything it logged and requested."""

    def __init__(self, browser: Any, base: str):
        self.base = base
        self.context = browser.new_context(viewport={"width": 1400, "height": 900})
        self.page = self.context.new_page()
        self.console: list[tuple[str, str]] = []
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.page.on("console", lambda m: self.console.append((m.type, m.text)))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.goto(base + "/")
        self.page.wait_for_function("() => window.ecographQuery && window.ecographQuery.ready")

    def js(self, expression: str, arg: Any = None) -> Any:
        return self.page.evaluate(expression, arg)

    def run(self, text: str) -> None:
        self.js("(t) => window.ecographQuery.editor.set(t)", text)
        self.page.click("#run")
        self.wait()

    def wait(self) -> None:
        self.page.wait_for_function("() => !document.getElementById('run').disabled")
        self.page.wait_for_function("() => document.getElementById('status').textContent !== ''")

    def status(self) -> str:
        return self.page.inner_text("#status")

    def download(self, fmt: str) -> tuple[str, bytes]:
        with self.page.expect_download() as info:
            self.page.click(f"button.download[data-format={fmt}]")
        download = info.value
        return download.suggested_filename, Path(download.path()).read_bytes()

    def offsite(self) -> list[str]:
        """Requests to anywhere but the server (the embedded font and downloads are local)."""
        own = (self.base + "/", "data:", "blob:" + self.base + "/")
        return [u for u in self.requests if not u.startswith(own)]

    def quiet(self) -> None:
        assert self.errors == []
        assert [m for m in self.console if m[0] in ("error", "warning")] == []
        assert self.offsite() == []

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def query_page_in(browser: Any, server: Running) -> Iterator[QueryPage]:
    page = QueryPage(browser, server.base)
    yield page
    page.close()


def server_json(server: Running, text: str) -> dict[str, Any]:
    import urllib.parse

    answer = request(
        server.base,
        "/sparql",
        data=urllib.parse.urlencode({"query": text}).encode(),
        headers={
            "Accept": "application/sparql-results+json",
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    assert answer.status == 200, answer.text
    return json.loads(answer.body)


def csv_of(data: dict[str, Any]) -> bytes:
    """The CSV the page should download: ecograph.safetext.csv_text for Excel."""
    names = data["head"]["vars"]

    def value(term: dict[str, str] | None) -> str:
        if term is None:
            return ""
        return "_:" + term["value"] if term["type"] == "bnode" else term["value"]

    rows = [[value(b.get(n)) for n in names] for b in data["results"]["bindings"]]
    return csv_text(names, rows, excel=True).encode("utf-8")


@pytest.fixture(scope="module")
def biggest_example(server: Running) -> tuple[str, dict[str, Any]]:
    """The saved query with the most rows (over 25, so that its table has pages)."""
    sizes = []
    for q in gallery():
        data = server_json(server, q.text)
        if "results" in data:
            sizes.append((len(data["results"]["bindings"]), q.name, data))
    rows, name, data = max(sizes, key=lambda s: (s[0], s[1]))
    assert rows > 25, sizes
    return name, data


@pytest.mark.slow
def test_an_example_runs_highlighted_pages_and_downloads(
    query_page_in: QueryPage, server: Running, biggest_example: tuple[str, dict[str, Any]]
) -> None:
    page = query_page_in
    name, data = biggest_example
    total = len(data["results"]["bindings"])
    # the editor is CodeMirror, the plain text area hidden, the page in Chinese
    assert page.page.is_visible(".cm-editor") and not page.page.is_visible("#query")
    assert page.js("document.documentElement.lang") == "zh-Hans"
    saved = {q.name: q for q in gallery()}[name]
    button = page.page.locator(f'button.example[data-example="{name}"]')
    assert button.inner_text() == saved.title["zh"]
    button.click()
    page.wait()
    assert page.js("window.ecographQuery.editor.get()") == saved.text
    assert button.get_attribute("aria-current") == "true"
    # highlighted: the keywords are drawn in the keyword colour, comments in another
    colours = page.js(
        """() => {
          const out = {};
          for (const span of document.querySelectorAll('.cm-content .cm-line span')) {
            out[span.textContent.toUpperCase()] = getComputedStyle(span).color;
          }
          return out;
        }"""
    )
    assert colours.get("SELECT") == KEYWORD_COLOUR and colours.get("WHERE") == KEYWORD_COLOUR
    assert len(set(colours.values())) >= 3
    # the first page of rows, then the next, the last and back
    assert page.status() == f"{total} 行，用时 " + page.status().split("用时 ")[1]
    rows = page.page.locator("#result-body table.results tbody tr")
    assert rows.count() == 25
    assert page.page.locator("#result-body th").all_inner_texts() == [
        "?" + v for v in data["head"]["vars"]
    ]
    assert page.page.inner_text("#page-info") == f"第 1–25 行，共 {total} 行"
    first_cells = rows.nth(0).locator("td").all_inner_texts()
    page.page.click("#page-next")
    assert page.page.inner_text("#page-info") == f"第 26–{min(50, total)} 行，共 {total} 行"
    assert rows.nth(0).locator("td").all_inner_texts() != first_cells
    page.page.click("#page-last")
    last = (total - 1) // 25 * 25
    assert rows.count() == total - last
    assert page.page.is_disabled("#page-next") and not page.page.is_disabled("#page-prev")
    page.page.click("#page-first")
    assert rows.nth(0).locator("td").all_inner_texts() == first_cells
    page.page.select_option("#page-size", "10")
    assert rows.count() == 10
    # English: the titles, the table caption and the status in English
    page.page.click("button.lang[data-lang=en]")
    assert page.js("document.documentElement.lang") == "en"
    assert button.inner_text() == saved.title["en"]
    assert page.page.inner_text("#page-info") == f"rows 1–10 of {total}"
    assert page.status().startswith(f"{total} rows in ")
    assert "SPARQL" in page.page.title()
    # downloads: the CSV is safetext's, formula-neutralised; the JSON is the server's answer
    filename, body = page.download("csv")
    assert filename == f"{name}.csv" and body == csv_of(data)
    filename, body = page.download("json")
    assert filename == f"{name}.json" and json.loads(body) == data
    filename, body = page.download("tsv")
    lines = body.decode("utf-8").splitlines()
    assert lines[0] == "\t".join("?" + v for v in data["head"]["vars"]) and len(lines) == total + 1
    page.quiet()
    assert any(u.startswith(server.base + "/sparql") for u in page.requests)


@pytest.mark.slow
def test_results_are_inserted_as_text_and_cells_are_neutralised(query_page_in: QueryPage) -> None:
    page = query_page_in
    hostile = [
        "<img src=x onerror=window.__pwned=1>",
        "</td></tr></table><script>window.__pwned=2</script>",
        '=HYPERLINK("http://example.org","x")',
        "-2+3",
        "-5",
    ]
    values = " ".join(json.dumps(v) for v in hostile)
    page.run(f"SELECT ?v WHERE {{ VALUES ?v {{ {values} }} }}")
    cells = page.page.locator("#result-body td").all_inner_texts()
    assert sorted(cells) == sorted(hostile)
    assert page.js("window.__pwned") is None
    assert page.page.locator("#result-body img, #result-body script").count() == 0
    _, body = page.download("csv")
    text = body.decode("utf-8")
    assert text.startswith("\ufeffv\r\n")
    assert '\'=HYPERLINK(""http://example.org"",""x"")' in text
    assert "\r\n'-2+3\r\n" in text and "\r\n-5\r\n" in text  # a plain number stays a number
    _, body = page.download("tsv")
    assert '"=HYPERLINK(\\"http://example.org\\",\\"x\\")"' in body.decode("utf-8")
    page.quiet()


@pytest.mark.slow
def test_ask_construct_errors_prefixes_and_the_keyboard(query_page_in: QueryPage) -> None:
    page = query_page_in
    page.run("ASK { ?x a eco:Academician }")
    assert page.status() == "结果：是"
    assert not page.page.is_visible("button.download[data-format=csv]")
    page.run("CONSTRUCT { ?x a eco:Academician } WHERE { ?x a eco:Academician }")
    assert "eco:Academician" in page.page.inner_text("#result-body pre")
    _, body = page.download("ttl")
    assert b"eco:Academician" in body
    page.run("SELECT ?x WHERE { ?x a")
    assert page.status() == "错误 400"
    assert "SPARQL syntax error" in page.page.inner_text("#result-body pre.error")
    page.run("DELETE WHERE { ?s ?p ?o }")
    assert page.status() == "错误 403"
    # a prefix is inserted once, at the top
    page.js("() => window.ecographQuery.editor.set('SELECT * WHERE { ?s a eco:Academician }')")
    page.page.click("#prefixes summary")
    page.page.click("button.insert-prefix[data-prefix=eco]")
    page.page.click("button.insert-prefix[data-prefix=eco]")
    text = page.js("window.ecographQuery.editor.get()")
    assert (
        text
        == f"PREFIX eco: <{SPARQL_PREFIX_IRIS['eco']}>\nSELECT * WHERE {{ ?s a eco:Academician }}"
    )
    # Ctrl+Enter in the editor runs the query
    page.page.click(".cm-content")
    page.page.keyboard.press("Control+Enter")
    page.wait()
    assert page.status().startswith("5 行")
    # typing completes a predeclared prefix
    page.js("() => window.ecographQuery.editor.set('')")
    page.page.click(".cm-content")
    page.page.keyboard.type("sko")
    page.page.wait_for_selector(".cm-tooltip-autocomplete")
    assert "skos:" in page.page.inner_text(".cm-tooltip-autocomplete")
    # errors and refusals are expected answers here; the browser logs them as failed loads
    page.console = [m for m in page.console if "status of 40" not in m[1]]
    page.quiet()


@pytest.mark.slow
def test_a_hostile_dataset_stays_inert(browser: Any, xss_kg: ecograph.KnowledgeGraph) -> None:
    """The injection payloads of tests/data/xss, in the title and in every label, are shown
    as text: nothing runs, no element is made from them."""
    running = Running(xss_kg, max_rows=1000, timeout=30)
    dialogs: list[str] = []
    page = QueryPage(browser, running.base)
    try:
        page.page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        assert page.page.inner_text("h1").startswith(xss_kg.meta.title["zh"])
        assert page.page.title() == xss_kg.meta.title["zh"] + ": SPARQL"
        page.run("SELECT ?label WHERE { ?x skos:prefLabel ?label } ORDER BY ?label")
        page.page.select_option("#page-size", "100")
        data = server_json(
            running, "SELECT ?label WHERE { ?x skos:prefLabel ?label } ORDER BY ?label"
        )
        labels = [
            b["label"]["value"] + ("@" + b["label"]["xml:lang"] if "xml:lang" in b["label"] else "")
            for b in data["results"]["bindings"]
        ]
        assert any("<" in label for label in labels)
        assert page.page.locator("#result-body td").all_text_contents() == labels[:100]
        assert page.page.locator("#result-body *:not(table,thead,tbody,tr,th,td,span)").count() == 0
        page.page.click("button.lang[data-lang=en]")
        assert page.page.title() == xss_kg.meta.title["en"] + ": SPARQL"
        assert page.js("Object.keys(window).filter(k => /xss|pwned/i.test(k))") == []
        assert dialogs == []
        page.quiet()
    finally:
        page.close()
        running.stop()
