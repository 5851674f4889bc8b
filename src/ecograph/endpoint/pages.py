"""The pages of the endpoint: the query page (``/``) and the SPARQL 1.1 Service Description."""

from __future__ import annotations

import html
from collections import Counter

from ..gallery import gallery
from ..safetext import csp_hash
from .protocol import FORMAT_IRIS, GRAPH_TYPES, RESULT_TYPES

__all__ = ["dataset_glyphs", "query_page", "service_description"]


def service_description(endpoint: str) -> str:
    """The SPARQL 1.1 Service Description of the endpoint, in Turtle."""
    results = " , ".join(f"<{FORMAT_IRIS[m]}>" for m in RESULT_TYPES + GRAPH_TYPES)
    return (
        "@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .\n"
        "@prefix dcterms: <http://purl.org/dc/terms/> .\n\n"
        "[] a sd:Service ;\n"
        f"  sd:endpoint <{endpoint}> ;\n"
        "  sd:supportedLanguage sd:SPARQL11Query ;\n"
        f"  sd:resultFormat {results} ;\n"
        "  sd:feature sd:UnionDefaultGraph ;\n"
        '  dcterms:description "ecograph knowledge graph, read-only: the default graph is '
        "the union of all graphs; "
        'SPARQL Update, SERVICE and FROM on graphs outside the dataset are refused." .\n'
    )


#: the vendored editor and the page's own script and style, in ``assets/`` (package data): the
#: editor is CodeMirror 6 bundled by ``tools/vendor_editor.sh`` (its licences are
#: ``assets/editor.LICENSES.txt``); the scripts are inlined byte for byte and pinned by hash
EDITOR_JS = "editor.js"
EDITOR_LICENCES = "editor.LICENSES.txt"
PAGE_JS = "query.js"
PAGE_CSS = "query.css"
#: rows of a result page shown at first (the page offers 10, 25, 50, 100)
PAGE_ROWS = 25
#: most distinct characters of the dataset whose glyphs the page embeds for its results
DATASET_GLYPHS = 2500

_FALLBACK_QUERY = "SELECT * WHERE { ?s ?p ?o } LIMIT 10"

#: what the page script writes itself (status lines, table captions), in both languages
_STRINGS = {
    "zh": {
        "running": "正在运行…",
        "rows": "{n} 行，用时 {s} 秒",
        "graph": "图结果，用时 {s} 秒",
        "ask": "结果：{v}",
        "yes": "是",
        "no": "否",
        "range": "第 {a}–{b} 行，共 {n} 行",
        "empty": "没有结果",
        "error": "错误 {code}",
        "network": "无法连接服务器",
        "inserted": "已插入前缀 {p}:",
        "present": "查询中已有前缀 {p}:",
    },
    "en": {
        "running": "Running…",
        "rows": "{n} rows in {s} s",
        "graph": "graph result in {s} s",
        "ask": "Result: {v}",
        "yes": "yes",
        "no": "no",
        "range": "rows {a}–{b} of {n}",
        "empty": "no results",
        "error": "error {code}",
        "network": "cannot reach the server",
        "inserted": "inserted the prefix {p}:",
        "present": "the query already declares {p}:",
    },
}


def _asset(name: str) -> str:
    from importlib import resources

    return (resources.files("ecograph.endpoint") / "assets" / name).read_text(encoding="utf-8")


def _both(zh: str, en: str) -> str:
    """A text in both languages (escaped), the one not chosen hidden by the page's style."""
    return (
        f'<span class="zh" lang="zh-Hans">{html.escape(zh)}</span>'
        f'<span class="en" lang="en">{html.escape(en)}</span>'
    )


def _pick(texts: dict[str, str], lang: str) -> str:
    other = "en" if lang == "zh" else "zh"
    return texts.get(lang) or texts.get(other) or ""


def dataset_glyphs(text: str | Counter[str], limit: int = DATASET_GLYPHS) -> str:
    """The distinct characters of ``text`` (a dataset's text, or its characters counted) that
    the page embeds glyphs for, so that results show in the bundled font: all of them, or the
    ``limit`` most frequent (ties by code point) when there are more."""
    from ..fonts import covered

    counts = text if isinstance(text, Counter) else Counter(text)
    chars = covered("".join(counts))
    if len(chars) <= limit:
        return chars
    chosen = sorted(chars, key=lambda ch: (-counts[ch], ord(ch)))[:limit]
    return "".join(sorted(chosen))


def query_page(
    title: str | dict[str, str], prefixes: dict[str, str] | None = None, glyphs: str = ""
) -> tuple[str, str]:
    """The HTML query page and its Content-Security-Policy.

    A SPARQL editor (CodeMirror 6, vendored: nothing is fetched but ``/sparql``) with the
    predeclared ``prefixes`` to insert, the gallery's saved queries as one-click examples in
    Chinese and English, and a result table with paging and CSV (formula-neutralised), TSV and
    JSON downloads. ``title`` is the dataset's (``{"zh": …, "en": …}`` or one text). Every
    value is escaped; results are inserted by the page script as text. The embedded font covers
    the page's text and ``glyphs`` (see :func:`dataset_glyphs`)."""
    from ..fonts import font_face_css
    from ..namespaces import SPARQL_PREFIX_IRIS
    from ..viewer import FONT_STACK, script_json

    prefixes = dict(SPARQL_PREFIX_IRIS if prefixes is None else prefixes)
    titles = {"zh": title, "en": title} if isinstance(title, str) else dict(title)
    titles = {lang: _pick(titles, lang) or "ecograph" for lang in ("zh", "en")}
    saved = gallery()
    examples = script_json({q.name: q.text for q in saved})  # no query can close the script
    ui = script_json(
        {
            "first": saved[0].name if saved else "",
            "pageRows": PAGE_ROWS,
            "prefixes": prefixes,
            "strings": _STRINGS,
            "titles": {lang: f"{text}: SPARQL" for lang, text in titles.items()},
        }
    )
    items = "\n".join(
        f'<li><button type="button" class="example" data-example="{html.escape(q.name)}">'
        f"{_both(_pick(q.title, 'zh') or q.name, _pick(q.title, 'en') or q.name)}</button>"
        f'<p class="desc">{_both(_pick(q.description, "zh"), _pick(q.description, "en"))}</p></li>'
        for q in saved
    )
    rows = "\n".join(
        f"<tr><td><code>{html.escape(p)}:</code></td><td><code>&lt;{html.escape(iri)}&gt;</code>"
        f'</td><td><button type="button" class="insert-prefix" data-prefix="{html.escape(p)}">'
        f"{_both('插入', 'Insert')}</button></td></tr>"
        for p, iri in prefixes.items()
    )
    first = saved[0].text if saved else _FALLBACK_QUERY
    editor_js, page_js = _asset(EDITOR_JS), _asset(PAGE_JS)
    csp = (
        "default-src 'none'; style-src 'unsafe-inline'; font-src data:; connect-src 'self'; "
        f"script-src {csp_hash(editor_js)} {csp_hash(page_js)}; form-action 'self'; "
        "base-uri 'none'; frame-ancestors 'none'"
    )
    sizes = "".join(
        f'<option value="{n}"{" selected" if n == PAGE_ROWS else ""}>{n}</option>'
        for n in (10, 25, 50, 100)
    )
    intro = _both(
        "只读 SPARQL 1.1 端点：/sparql。默认图是所有图的并集，本体的前缀已预先声明。",
        "Read-only SPARQL 1.1 endpoint at /sparql. The default graph is the union of all graphs; "
        "the ontology's prefixes are predeclared.",
    )
    note = _both(
        "查询里可以直接使用这些前缀，不必声明；要在别处运行查询时可插入 PREFIX 行。",
        "Queries may use these prefixes without declaring them; insert the PREFIX lines to run a "
        "query elsewhere.",
    )
    page = f"""<!DOCTYPE html>
<html lang="zh-Hans">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(titles["zh"])}: SPARQL</title>
<style>
/*font*/
body {{ font-family: {FONT_STACK}; }}
{_asset(PAGE_CSS)}</style>
</head>
<body class="lang-zh">
<header>
<h1>{_both(titles["zh"], titles["en"])} · {_both("SPARQL 查询", "SPARQL query")}</h1>
<div class="langs" role="group" aria-label="语言 / Language">\
<button type="button" class="lang" data-lang="zh" aria-pressed="true">中文</button>\
<button type="button" class="lang" data-lang="en" aria-pressed="false">English</button></div>
</header>
<p class="intro">{intro} <a href="/view">{_both("网络视图", "Network viewer")}</a></p>
<div class="layout">
<nav id="gallery" aria-labelledby="gallery-title">
<h2 id="gallery-title">{_both("示例查询", "Example queries")}</h2>
<ul>
{items}
</ul>
</nav>
<main>
<form id="query-form" method="get" action="/sparql">
<textarea id="query" name="query" spellcheck="false" aria-label="SPARQL">{html.escape(first)}\
</textarea>
<div id="editor"></div>
<p class="toolbar"><button type="submit" id="run">{_both("运行", "Run")}</button>
<span class="hint">{_both("Ctrl+Enter 运行", "Ctrl+Enter runs the query")}</span>
<span id="status" role="status" aria-live="polite"></span></p>
</form>
<details id="prefixes">
<summary>{_both("预声明的前缀", "Predeclared prefixes")} ({len(prefixes)})</summary>
<p>{note} <button type="button" id="insert-all">{_both("全部插入", "Insert all")}</button></p>
<table class="prefix-table"><tbody>
{rows}
</tbody></table>
</details>
<section id="results" aria-labelledby="results-title">
<h2 id="results-title">{_both("结果", "Results")}</h2>
<div class="result-tools" hidden>
<span class="downloads">{_both("下载", "Download")}
<button type="button" class="download" data-format="csv">CSV</button>
<button type="button" class="download" data-format="tsv">TSV</button>
<button type="button" class="download" data-format="json">JSON</button>
<button type="button" class="download" data-format="ttl">Turtle</button></span>
<span class="pager">
<button type="button" id="page-first" aria-label="first">«</button>
<button type="button" id="page-prev" aria-label="previous">‹</button>
<span id="page-info"></span>
<button type="button" id="page-next" aria-label="next">›</button>
<button type="button" id="page-last" aria-label="last">»</button>
<label>{_both("每页行数", "Rows per page")} <select id="page-size">{sizes}</select></label></span>
</div>
<div id="result-body"></div>
</section>
</main>
</div>
<script type="application/json" id="examples">{examples}</script>
<script type="application/json" id="query-ui">{ui}</script>
<script>{editor_js}</script>
<script>{page_js}</script>
</body>
</html>
"""
    # the glyphs the page shows (ecograph.fonts): its text (the scripts too, which are ASCII)
    # and the dataset's characters, which results show; the marker follows an unescaped
    # "<style>", which no escaped value can contain
    shown = page + glyphs
    marker = "<style>\n/*font*/"
    return page.replace(marker, "<style>\n" + font_face_css(shown), 1), csp
