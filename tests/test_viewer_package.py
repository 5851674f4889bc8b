"""The viewer package (ecograph.viewer): its assets are package data, the page is rendered
through pyvis with our own template, the bytes do not depend on input order, and the
Content-Security-Policy pins exactly the page's inline scripts and allows no network."""

from __future__ import annotations

import base64
import hashlib
import json
import random
import re
from dataclasses import replace
from importlib import resources
from typing import Any

import networkx as nx
import pytest

import ecograph
from ecograph.stores import QueryResult
from ecograph.viewer import ViewSource, prepare_view, render_html, vis_assets

from .test_view import FakeProjection, elements, parts, synthetic_projection

ASSETS = ("app.js", "app.css", "page.html", "ui.json")
#: the hosts pyvis's own template links (Bootstrap, tom-select, vis-network)
CDN = re.compile(r"cdn\.jsdelivr\.net|cdnjs\.cloudflare\.com|unpkg\.com", re.IGNORECASE)


@pytest.fixture(scope="module")
def ordos_page(ordos_kg: ecograph.KnowledgeGraph) -> str:
    return ordos_kg.render_view()


# --------------------------------------------------------------------------- package data


def test_assets_are_package_data() -> None:
    folder = resources.files("ecograph.viewer") / "assets"
    for name in ASSETS:
        assert (folder / name).is_file(), name
    ui = json.loads((folder / "ui.json").read_text(encoding="utf-8"))
    assert set(ui) == {"zh", "en"} and set(ui["zh"]) == set(ui["en"])


def test_the_page_script_and_style_are_the_asset_files(ordos_page: str) -> None:
    """app.js is inlined byte for byte (its hash is what the policy pins); app.css with the font
    stack filled in; the UI strings are the ones of ui.json."""
    from ecograph.viewer import FONT_STACK

    folder = resources.files("ecograph.viewer") / "assets"
    app_js = (folder / "app.js").read_bytes().decode("utf-8")
    app_css = (folder / "app.css").read_bytes().decode("utf-8")
    assert f"<script>{app_js}</script>\n</body>\n</html>\n" in ordos_page
    assert f"<style>\n{app_css.replace('__FONT_STACK__', FONT_STACK)}</style>" in ordos_page
    ui = json.loads((folder / "ui.json").read_text(encoding="utf-8"))
    data = re.search(r'id="ecograph-data">(.*?)</script>', ordos_page, re.S)
    assert data and json.loads(data.group(1))["meta"]["ui"] == ui["zh"]


# --------------------------------------------------------------------------- through pyvis


def test_the_page_is_rendered_by_pyvis_with_our_template(
    ordos_kg: ecograph.KnowledgeGraph, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pyvis.network import Network

    seen: list[Any] = []
    generate_html = Network.generate_html

    def spy(self: Any, *args: Any, **kwargs: Any) -> str:
        seen.append(self)
        return generate_html(self, *args, **kwargs)

    def one_by_one(self: Any, *args: Any, **kwargs: Any) -> None:
        raise AssertionError("the viewer fills the Network in bulk, not one by one")

    monkeypatch.setattr(Network, "generate_html", spy)
    for name in ("add_node", "add_nodes", "add_edge", "add_edges"):
        monkeypatch.setattr(Network, name, one_by_one)
    page = ordos_kg.render_view()
    [net] = seen
    model = prepare_view(parts(ordos_kg))
    assert net.path == "page.html"
    assert net.template_dir.rstrip("/").endswith("ecograph/viewer/assets")
    assert net.nodes == model.payload["nodes"] and net.edges == model.payload["edges"]
    assert net.node_ids == [n["id"] for n in model.payload["nodes"]]
    assert set(net.node_map) == set(net.node_ids)
    assert page == net.html  # what pyvis rendered is the page, unchanged
    assert not CDN.search(page), CDN.search(page)
    # the only URLs are the licence and project links inside the inlined vis-network bundle,
    # and the SVG namespace the series charts are made in (a name, never fetched)
    vis_js, _, _ = vis_assets()
    ours = page.replace(vis_js, "")
    assert ours.count('var SVG = "http://www.w3.org/2000/svg";') == 1
    ours = ours.replace('var SVG = "http://www.w3.org/2000/svg";', "")
    assert not re.search(r"https?://", ours), "a URL outside vis-network"
    assert "vis-network 9.1.2" in page  # the copy inside the pinned pyvis release


def test_pyvis_is_not_imported_until_a_page_is_rendered() -> None:
    import subprocess
    import sys

    code = "import sys, ecograph.viewer, ecograph.endpoint.pages; print('pyvis' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


# --------------------------------------------------------------------------- determinism


def shuffled_projection(n: int, seed: int) -> FakeProjection:
    """:func:`synthetic_projection`'s graph with its nodes and edges inserted in another order."""
    graph = synthetic_projection(n).graph
    rng = random.Random(seed)
    nodes = list(graph.nodes(data=True))
    edges = list(graph.edges(keys=True, data=True))
    rng.shuffle(nodes)
    rng.shuffle(edges)
    other = nx.MultiDiGraph()
    other.add_nodes_from(nodes)
    other.add_edges_from(edges)
    return FakeProjection(other)


@pytest.mark.parametrize("n", [200, 1200])  # browser layout; Python layout (physics off)
def test_same_bytes_for_any_insertion_order(n: int) -> None:
    first = render_html(ViewSource(projection=synthetic_projection(n)))
    assert first == render_html(ViewSource(projection=synthetic_projection(n)))
    for seed in (1, 2):
        assert render_html(ViewSource(projection=shuffled_projection(n, seed))) == first


class ShuffledStore:
    """A store that answers like another one, its rows in a random order."""

    def __init__(self, store: Any, seed: int):
        self.store, self.rng = store, random.Random(seed)

    def query(self, text: str, bindings: dict[str, Any] | None = None) -> QueryResult:
        result = self.store.query(text, bindings)
        rows = list(result.rows)
        self.rng.shuffle(rows)
        return replace(result, rows=rows)


def test_same_bytes_whatever_order_the_store_returns_rows(
    ordos_kg: ecograph.KnowledgeGraph, ordos_page: str
) -> None:
    source = parts(ordos_kg)
    assert render_html(source) == ordos_page  # the parts give what the graph's method gives
    for seed in (1, 2):
        assert render_html(replace(source, store=ShuffledStore(ordos_kg.store, seed))) == ordos_page


# --------------------------------------------------------------------------- the policy


def _policy(page: str) -> dict[str, list[str]]:
    [csp] = [
        a["content"] for _, a in elements(page) if a.get("http-equiv") == "Content-Security-Policy"
    ]
    assert csp is not None
    directives: dict[str, list[str]] = {}
    for part in csp.split(";"):
        name, *values = part.split()
        assert name not in directives, f"{name} twice"
        directives[name] = values
    return directives


def _inline_scripts(page: str) -> list[str]:
    """The bodies of the page's executable inline scripts (not the JSON data block)."""
    return re.findall(r"<script>(.*?)</script>", page, re.S)


@pytest.mark.parametrize("which", ["ordos", "english-focus", "synthetic-large"])
def test_policy_pins_exactly_the_inline_scripts_and_allows_no_network(
    which: str, ordos_kg: ecograph.KnowledgeGraph, ordos_page: str
) -> None:
    page = {
        "ordos": lambda: ordos_page,
        "english-focus": lambda: ordos_kg.render_view(focus="鄂尔多斯实验室", depth=2, lang="en"),
        "synthetic-large": lambda: render_html(ViewSource(projection=synthetic_projection(1200))),
    }[which]()
    policy = _policy(page)
    scripts = _inline_scripts(page)
    assert len(scripts) == 2  # vis-network and the page script
    hashes = [
        "'sha256-" + base64.b64encode(hashlib.sha256(s.encode("utf-8")).digest()).decode() + "'"
        for s in scripts
    ]
    assert policy["script-src"] == hashes  # exactly those, nothing else ('unsafe-*', hosts)
    assert policy["default-src"] == ["'none'"]
    for fetch in ("connect-src", "media-src", "object-src", "frame-src", "worker-src"):
        assert policy[fetch] == ["'none'"], fetch
    assert policy["manifest-src"] == ["'none'"] and policy["base-uri"] == ["'none'"]
    assert policy["form-action"] == ["'none'"]
    assert policy["img-src"] == ["data:"] and policy["font-src"] == ["data:"]
    assert policy["style-src"] == ["'unsafe-inline'"]
    # besides the hashes, no source anywhere: no host, no scheme that fetches, no wildcard
    sources = [v for values in policy.values() for v in values]
    assert {v for v in sources if not v.startswith("'sha256-")} == {
        "'none'",
        "data:",
        "'unsafe-inline'",
    }
    # the JSON block is data (not executed), and it is the only other script element
    assert [a for t, a in elements(page) if t == "script"] == [
        {"type": "application/json", "id": "ecograph-data"},
        {},
        {},
    ]
