"""The page: one self-contained, offline HTML file of a :class:`~.model.ViewModel`.

The vis-network library that ships inside the pyvis package (JavaScript and CSS) is inlined,
the nodes and edges are written as one JSON block, and the page script of our own
(``assets/app.js``) builds the page: search, kind filter and legend, neighbourhood highlight,
tooltips, a details panel with every relation in and out and the quote behind it.

Safety. Every string from the data travels only inside that JSON block, where ``<``, ``>``,
``&`` and U+2028/U+2029 are written as ``\\uXXXX`` escapes (:func:`script_json`), so nothing in
the data can close the ``<script>`` element. The page script puts text on screen only through
``textContent`` and gives vis-network no ``title`` strings. A Content-Security-Policy allows
only the page's own two scripts (by SHA-256 hash of their exact bytes), no network fetches of
any kind, and no inline event handlers.
"""

from __future__ import annotations

import base64
import hashlib
import html
import importlib.util
import json
import re
import time
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..errors import OutputError
from ._files import asset_text, ui_strings
from .model import FONT_STACK, ViewModel, ViewResult, ViewSource, prepare_view

__all__ = [
    "CHROMIUM",
    "CHROMIUM_ARGS",
    "build_view",
    "render_html",
    "script_json",
    "vis_assets",
]

#: Debian's Chromium and the flags it needs headless on a machine with no network (as root, no
#: sandbox; no background connections). Used by the browser tests and benchmarks/viewer.py.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)

# --------------------------------------------------------------------------- public API


def build_view(
    source: ViewSource,
    out: str | Path,
    *,
    focus: str | None = None,
    depth: int = 1,
    kinds: list[str] | tuple[str, ...] | None = None,
    size_by: str = "pagerank",
    lang: str = "zh",
    physics_threshold: int = 1000,
) -> ViewResult:
    """Write the interactive viewer of ``source`` (a :class:`~.model.ViewSource`: the store,
    name index, projection and title of a knowledge graph; :meth:`KnowledgeGraph.view` builds
    it) to ``out`` as one self-contained UTF-8 HTML file, atomically.

    ``focus`` names an entity (any name the name index resolves) and keeps only its
    neighbourhood within ``depth`` steps; ``kinds`` keeps only entities of those kinds (subclasses
    included; with ``focus``, the focus itself is always kept); ``size_by`` is ``pagerank``,
    ``degree`` or ``betweenness`` on the whole network; ``lang`` is the language of node and edge
    labels (the other one is the fallback, and tooltips show both). Above ``physics_threshold``
    nodes the layout is computed in Python and the page draws it with physics off.

    >>> result = ecograph.load().view("ordos.html")                # doctest: +SKIP
    >>> result.nodes, result.top[0]                                # doctest: +SKIP
    """
    from ..output import write_atomic

    started = time.perf_counter()
    model = prepare_view(
        source,
        focus=focus,
        depth=depth,
        kinds=kinds,
        size_by=size_by,
        lang=lang,
        physics_threshold=physics_threshold,
    )
    text = _render(model)
    path = write_atomic(Path(out), text)
    return ViewResult(
        path=str(path),
        nodes=model.nodes,
        edges=model.edges,
        counts_by_kind=dict(model.counts_by_kind),
        top=list(model.top),
        physics=model.physics,
        seconds=round(time.perf_counter() - started, 3),
        bytes=len(text.encode("utf-8")),
        focus=model.focus,
    )


def render_html(
    source: ViewSource,
    *,
    focus: str | None = None,
    depth: int = 1,
    kinds: list[str] | tuple[str, ...] | None = None,
    size_by: str = "pagerank",
    lang: str = "zh",
    physics_threshold: int = 1000,
) -> str:
    """The viewer page as a string (same arguments as :func:`build_view`; nothing is written).
    The same data and arguments always give the same text."""
    return _render(
        prepare_view(
            source,
            focus=focus,
            depth=depth,
            kinds=kinds,
            size_by=size_by,
            lang=lang,
            physics_threshold=physics_threshold,
        )
    )


# --------------------------------------------------------------------------- the page


@lru_cache(maxsize=1)
def vis_assets() -> tuple[str, str, str]:
    """(JavaScript, CSS, version) of the standalone vis-network build bundled with pyvis, read
    from the installed package without importing it."""
    spec = importlib.util.find_spec("pyvis")
    if spec is None or not spec.submodule_search_locations:
        raise OutputError(
            "the viewer needs the pyvis package (it bundles vis-network); pip install pyvis"
        )
    candidates = []
    for location in spec.submodule_search_locations:
        for folder in ("lib", "templates/lib"):
            for js in Path(location, folder).glob("vis-*/vis-network.min.js"):
                version = tuple(int(p) for p in re.findall(r"\d+", js.parent.name))
                if js.with_name("vis-network.css").is_file():
                    candidates.append((version, str(js)))
    if not candidates:
        raise OutputError(
            "no copy of vis-network (vis-network.min.js) found inside the pyvis package"
        )
    version, js_path = max(candidates)
    js = Path(js_path).read_text(encoding="utf-8")
    css = Path(js_path).with_name("vis-network.css").read_text(encoding="utf-8")
    # neither may end its element early (they do not today; this keeps it so)
    js = re.sub(r"</(script)", r"<\\/\1", js, flags=re.IGNORECASE).replace("<!--", "<\\!--")
    css = re.sub(r"</(style)", r"<\\/\1", css, flags=re.IGNORECASE)
    return js, css, ".".join(map(str, version))


def script_json(value: Any) -> str:
    """JSON that is safe inside an HTML ``<script>`` element: ``<``, ``>`` and ``&`` (so no
    ``</script>`` or ``<!--``) and the JavaScript line separators U+2028/U+2029 are escaped.
    Keys are sorted, so the text does not depend on the order a store returned rows in. The
    bidirectional controls (U+202A-E, U+2066-9, U+061C) become U+FFFD, so no label or quote can
    show reversed text on the page (see :mod:`ecograph.safetext`)."""
    from ..safetext import neutralise_bidi

    text = neutralise_bidi(
        json.dumps(
            value, ensure_ascii=False, separators=(",", ":"), allow_nan=False, sort_keys=True
        )
    )
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def _csp(scripts: list[str]) -> str:
    hashes = " ".join(
        "'sha256-"
        + base64.b64encode(hashlib.sha256(s.encode("utf-8")).digest()).decode("ascii")
        + "'"
        for s in scripts
    )
    return (
        "default-src 'none'; "
        f"script-src {hashes}; "
        "style-src 'unsafe-inline'; img-src data:; font-src data:; connect-src 'none'; "
        "media-src 'none'; object-src 'none'; frame-src 'none'; worker-src 'none'; "
        "manifest-src 'none'; base-uri 'none'; form-action 'none'"
    )


def _render(model: ViewModel) -> str:
    from .._version import __version__

    vis_js, vis_css, vis_version = vis_assets()
    data = script_json(model.payload)
    ui = ui_strings()[model.lang]
    app_js = asset_text("app.js")
    head_css = asset_text("app.css").replace("__FONT_STACK__", FONT_STACK)
    esc = html.escape
    parts = [
        "<!DOCTYPE html>\n",
        f'<html lang="{"zh-CN" if model.lang == "zh" else "en"}">\n<head>\n<meta charset="utf-8">\n',
        f'<meta http-equiv="Content-Security-Policy" content="{esc(_csp([vis_js, app_js]), quote=False)}">\n',
        '<meta name="referrer" content="no-referrer">\n',
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n',
        f'<meta name="generator" content="ecograph {esc(__version__)}; vis-network {esc(vis_version)}">\n',
        f"<title>{esc(model.title)}</title>\n",
        "<style>\n", vis_css, "\n</style>\n",
        "<style>\n", head_css, "</style>\n",
        "</head>\n<body>\n",
        _BODY.replace("__NOSCRIPT__", esc(ui["noscript"])),
        '<script type="application/json" id="ecograph-data">', data, "</script>\n",
        "<script>", vis_js, "</script>\n",
        "<script>", app_js, "</script>\n",
        "</body>\n</html>\n",
    ]  # fmt: skip
    return "".join(parts)


_BODY = """<div id="ecograph-app">
<aside id="ecograph-side">
<header id="ecograph-header"></header>
<section id="ecograph-search-box">
<label id="ecograph-search-label" for="ecograph-search"></label>
<input id="ecograph-search" type="search" autocomplete="off" spellcheck="false">
<ul id="ecograph-results" hidden></ul>
</section>
<section id="ecograph-details"></section>
<section id="ecograph-legend"></section>
</aside>
<main id="ecograph-main">
<div id="ecograph-graph"></div>
<div id="ecograph-tooltip" role="tooltip" hidden></div>
<button id="ecograph-reset" type="button"></button>
</main>
</div>
<noscript><p>__NOSCRIPT__</p></noscript>
"""
