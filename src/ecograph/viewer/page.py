"""The page: one self-contained, offline HTML file of a :class:`~.model.ViewModel`.

pyvis renders it: a :class:`pyvis.network.Network` is filled in bulk with the model's nodes and
edges and renders our own Jinja2 template (``assets/page.html``) through its template
mechanism (``set_template_dir``, ``generate_html``), never pyvis's default template, which
links CDNs. The vis-network build that ships inside the pinned pyvis release (JavaScript and
CSS) is inlined, the nodes and edges are written as one JSON block, and the page script of our
own (``assets/app.js``) builds the page: search, kind filter and legend, neighbourhood
highlight, tooltips, a details panel with every relation in and out and the quote behind it.

Safety. Every string from the data travels only inside that JSON block, where ``<``, ``>``,
``&`` and U+2028/U+2029 are written as ``\\uXXXX`` escapes (:func:`script_json`), so nothing in
the data can close the ``<script>`` element. The page script puts text on screen only through
``textContent`` and gives vis-network no ``title`` strings. A Content-Security-Policy allows
only the page's own two scripts (by SHA-256 hash of their exact bytes), no network fetches of
any kind, and no inline event handlers.
"""

from __future__ import annotations

import html
import importlib.util
import json
import re
import time
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..errors import OutputError
from ..safetext import csp_hash, script_json
from ._files import TEMPLATE, asset_text, assets_dir, ui_strings
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
    hide_hubs: bool = True,
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
    ``hide_hubs``: the page opens with areas and regions hidden (its "hide areas and regions"
    box ticked; not with ``kinds``, nor when only such nodes are shown).

    >>> result = ecograph.load().view("ordos.html")                # doctest: +SKIP
    >>> result.nodes, result.top[0]                                # doctest: +SKIP
    """
    from ..output import write_atomic

    started = time.perf_counter()
    page = render_page(
        source,
        focus=focus,
        depth=depth,
        kinds=kinds,
        size_by=size_by,
        lang=lang,
        physics_threshold=physics_threshold,
        hide_hubs=hide_hubs,
    )
    path = write_atomic(Path(out), page.text)
    return replace(page.result, path=str(path), seconds=round(time.perf_counter() - started, 3))


@dataclass
class RenderedPage:
    """A viewer page and what :func:`build_view` reports of it (``path`` and ``seconds`` not
    yet known)."""

    text: str
    result: ViewResult


def render_page(source: ViewSource, **options: Any) -> RenderedPage:
    """The page :func:`build_view` writes, with its report (same options)."""
    model = prepare_view(source, **options)
    text = _render(model)
    return RenderedPage(
        text,
        ViewResult(
            path="",
            nodes=model.nodes,
            edges=model.edges,
            counts_by_kind=dict(model.counts_by_kind),
            top=list(model.top),
            physics=model.physics,
            seconds=0.0,
            bytes=len(text.encode("utf-8")),
            focus=model.focus,
        ),
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
    hide_hubs: bool = True,
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
            hide_hubs=hide_hubs,
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
            for found in Path(location, folder).glob("vis-*/vis-network.min.js"):
                version = tuple(int(p) for p in re.findall(r"\d+", found.parent.name))
                if found.with_name("vis-network.css").is_file():
                    candidates.append((version, str(found)))
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


def _csp(scripts: list[str]) -> str:
    hashes = " ".join(csp_hash(s) for s in scripts)
    return (
        "default-src 'none'; "
        f"script-src {hashes}; "
        "style-src 'unsafe-inline'; img-src data:; font-src data:; connect-src 'none'; "
        "media-src 'none'; object-src 'none'; frame-src 'none'; worker-src 'none'; "
        "manifest-src 'none'; base-uri 'none'; form-action 'none'"
    )


def _render(model: ViewModel) -> str:
    """The page, rendered by pyvis: a :class:`pyvis.network.Network` holding the model's
    nodes and edges, with ``assets/page.html`` as its template."""
    return _network(model).generate_html()


def _network(model: ViewModel) -> Any:
    """A pyvis Network filled with the page's nodes and edges, set to render our template.

    The lists are handed over in bulk (``Network.add_node``/``add_edge`` look every id up in
    a list, which is quadratic in the graph). pyvis passes them to the template as ``nodes``
    and ``edges``; the rest of the page travels as the template environment's ``page``
    global. The environment is the one ``set_template_dir`` makes for this Network alone,
    so concurrent renders share nothing.
    """
    from pyvis.network import Network  # lazily: importing pyvis takes half a second

    nodes, edges = model.payload["nodes"], model.payload["edges"]
    net = Network(directed=True, cdn_resources="in_line")
    net.nodes, net.edges = nodes, edges
    net.node_ids = [n["id"] for n in nodes]
    net.node_map = dict(zip(net.node_ids, nodes, strict=True))
    net.set_template_dir(str(assets_dir()), TEMPLATE)
    env = net.templateEnv
    env.keep_trailing_newline = True  # the page ends with a newline, as it always has
    env.bytecode_cache = _compiled_templates()  # compile page.html once per process, not per page
    env.filters.update(html=html.escape, text=_text, script_json=script_json, merge=_merge)
    env.globals["page"] = _page_values(model)
    return net


@lru_cache(maxsize=1)
def _compiled_templates() -> Any:
    """A Jinja2 bytecode cache in memory, shared by the per-Network environments (Jinja checks
    the template source's checksum, so an edited page.html is compiled afresh)."""
    from jinja2 import BytecodeCache

    class InMemory(BytecodeCache):
        def __init__(self) -> None:
            self.code: dict[str, bytes] = {}

        def load_bytecode(self, bucket: Any) -> None:
            code = self.code.get(bucket.key)
            if code is not None:
                bucket.bytecode_from_string(code)

        def dump_bytecode(self, bucket: Any) -> None:
            self.code[bucket.key] = bucket.bytecode_to_string()

    return InMemory()


def _page_values(model: ViewModel) -> dict[str, Any]:
    """What ``page.html`` shows besides the nodes and edges."""
    from .._version import __version__
    from ..fonts import font_face_css

    vis_js, vis_css, vis_version = vis_assets()
    app_js = asset_text("app.js")
    noscript = ui_strings()[model.lang]["noscript"]
    # the glyphs of everything the page can show: its data (labels, quotes, the interface's
    # strings), the punctuation its script writes, its title
    shown = "".join((json.dumps(model.payload, ensure_ascii=False), app_js, model.title, noscript))
    return {
        "html_lang": "zh-CN" if model.lang == "zh" else "en",
        "csp": _csp([vis_js, app_js]),
        "version": __version__,
        "vis_version": vis_version,
        "title": model.title,
        "vis_css": vis_css,
        "font_css": font_face_css(shown),
        "app_css": asset_text("app.css").replace("__FONT_STACK__", FONT_STACK),
        "noscript": noscript,
        "data": {k: v for k, v in model.payload.items() if k not in ("nodes", "edges")},
        "vis_js": vis_js,
        "app_js": app_js,
    }


def _text(value: str) -> str:
    """html.escape that leaves quotes alone (the policy keeps its apostrophes, as before)."""
    return html.escape(value, quote=False)


def _merge(data: dict[str, Any], **more: Any) -> dict[str, Any]:
    return {**data, **more}
