"""The pages of the endpoint: the query page (``/``) and the SPARQL 1.1 Service Description."""

from __future__ import annotations

import base64
import hashlib
import html

from ..gallery import gallery
from .protocol import FORMAT_IRIS, GRAPH_TYPES, RESULT_TYPES

__all__ = ["query_page", "service_description"]


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


_PAGE_SCRIPT = """
const examples = JSON.parse(document.getElementById('examples').textContent);
const pick = document.getElementById('example');
pick.addEventListener('change', () => {
  const chosen = examples[pick.value];
  if (chosen !== undefined) { document.getElementById('query').value = chosen; }
});
""".strip()


def query_page(title: str) -> tuple[str, str]:
    """The HTML query page and its Content-Security-Policy. Everything is inline and escaped."""
    from ..fonts import font_face_css
    from ..viewer import FONT_STACK, script_json

    saved = gallery()
    data = script_json(
        {q.name: q.text for q in saved}
    )  # no query text can close the script element
    options = "\n".join(
        f'<option value="{html.escape(q.name)}">{html.escape(q.name)}: '
        f"{html.escape(q.title.get('en') or q.title.get('zh') or '')}</option>"
        for q in saved
    )
    first = saved[0].text if saved else "SELECT * WHERE { ?s ?p ?o } LIMIT 10"
    digest = base64.b64encode(hashlib.sha256(_PAGE_SCRIPT.encode("utf-8")).digest()).decode("ascii")
    csp = (
        "default-src 'none'; style-src 'unsafe-inline'; font-src data:; "
        f"script-src 'sha256-{digest}'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    )
    formats = "".join(
        f'<option value="{k}">{k}</option>'
        for k in ("json", "xml", "csv", "tsv", "turtle", "ntriples")
    )
    page = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{html.escape(title)}: SPARQL</title>
<style>
/*font*/
body {{ font-family: {FONT_STACK}; margin: 2em; max-width: 60em; }}
textarea {{ width: 100%; height: 20em; font-family: monospace; }}
</style>
</head>
<body>
<h1>{html.escape(title)}: SPARQL endpoint</h1>
<p>Read-only SPARQL 1.1 endpoint at <code>/sparql</code>. The default graph is the union of all
graphs; the ontology's prefixes are predeclared. <a href="/view">Network viewer</a>.</p>
<form method="get" action="/sparql">
<p><label>Example: <select id="example"><option value="">(choose a saved query)</option>
{options}
</select></label></p>
<p><textarea id="query" name="query">{html.escape(first)}</textarea></p>
<p><label>Format: <select name="format">{formats}</select></label> \
<button type="submit">Run</button></p>
</form>
<script type="application/json" id="examples">{data}</script>
<script>{_PAGE_SCRIPT}</script>
</body>
</html>
"""
    # the glyphs the page shows, embedded (ecograph.fonts); the marker follows an unescaped
    # "<style>", which no escaped value can contain
    marker = "<style>\n/*font*/"
    return page.replace(marker, "<style>\n" + font_face_css(page), 1), csp
