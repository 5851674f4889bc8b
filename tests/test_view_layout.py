"""The viewer's first view explains instead of being a hairball (headless Chromium, 1400 x 900):
labels do not pile up, communities can be coloured, areas and regions can be hidden (and are
at first), unlinked entities sit apart or are hidden, and every filter fits the view to what
is shown. The label measurement is the one ``docs/screenshots.py`` prints for the docs."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import pytest

import ecograph

from .conftest import TESTS
from .test_view import Page, browser, payload_of  # noqa: F401  (browser is a fixture)

pytestmark = pytest.mark.slow


def _screenshots() -> Any:
    spec = importlib.util.spec_from_file_location(
        "ecograph_docs_screenshots", TESTS.parent / "docs" / "screenshots.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SHOTS = _screenshots()

INSIDE_JS = """() => {
  const v = window.ecographView, net = v.network;
  const box = document.getElementById("ecograph-graph").getBoundingClientRect();
  const ids = v.visibleIds(), pos = net.getPositions(ids);
  return ids.filter(id => {
    const p = net.canvasToDOM(pos[id]);
    return !(p.x >= 0 && p.y >= 0 && p.x <= box.width && p.y <= box.height);
  });
}"""


@pytest.fixture(scope="module")
def pages(ordos_kg: ecograph.KnowledgeGraph, tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("layout")
    out = {}
    for lang in ("zh", "en"):
        path = folder / f"ordos-{lang}.html"
        path.write_text(ordos_kg.render_view(lang=lang), encoding="utf-8")
        out[lang] = path
    return out


@pytest.fixture
def zh_page(browser: Any, pages: dict[str, Path]):  # noqa: F811
    page = Page(browser, pages["zh"])
    yield page
    page.close()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_first_view_labels_do_not_overlap(browser: Any, pages: dict[str, Path], lang: str) -> None:  # noqa: F811
    page = Page(browser, pages[lang])
    try:
        m = page.js(SHOTS.LABEL_OVERLAP_JS)
        assert m["drawn"] >= 30, m  # the most central names are there
        assert m["fraction"] < 0.05, m
        assert page.errors == [] and not [c for c in page.console if c[0] == "error"]
        # zooming in draws more labels, still without overlap
        page.js(
            "() => { const n = window.ecographView.network;"
            " n.moveTo({scale: n.getScale() * 2.5, animation: false}); }"
        )
        page.page.wait_for_timeout(400)  # the zoom handler waits for a pause
        zoomed = page.js(SHOTS.LABEL_OVERLAP_JS)
        assert zoomed["fraction"] < 0.05, zoomed
    finally:
        page.close()


def test_colour_by_community(zh_page: Page, pages: dict[str, Path]) -> None:
    data = payload_of(pages["zh"].read_text(encoding="utf-8"))
    colours = {c["number"]: c["color"] for c in data["communities"]}
    kinds = {k["kind"]: k["color"] for k in data["kinds"]}
    assert len(colours) >= 5
    page = zh_page.page
    assert page.is_hidden("#ecograph-communities")
    page.check("#ecograph-community")
    assert page.is_visible("#ecograph-communities")
    shown = zh_page.js(
        "Object.fromEntries(window.ecographView.nodes.get().map(n => [n.id, n.color.background]))"
    )
    for n in data["nodes"]:
        if "community" in n:
            assert shown[n["id"]] == colours[n["community"]], n["id"]
    # members of one community share a colour, so two big communities differ
    assert colours[data["communities"][0]["number"]] != colours[data["communities"][1]["number"]]
    assert "新型研发机构集群" in page.inner_text("#ecograph-communities")
    page.check("#ecograph-kind")
    shown = zh_page.js(
        "Object.fromEntries(window.ecographView.nodes.get().map(n => [n.id, n.color.background]))"
    )
    assert all(shown[n["id"]] == kinds[n["kind"]] for n in data["nodes"])


def test_hubs_hidden_at_first_and_on_request(zh_page: Page, pages: dict[str, Path]) -> None:
    data = payload_of(pages["zh"].read_text(encoding="utf-8"))
    hubs = sorted(n["id"] for n in data["nodes"] if n.get("hub"))
    assert "ordos" in hubs and data["meta"]["hideHubs"] is True
    assert {n["kind"] for n in data["nodes"] if n.get("hub")} <= {"AdministrativeArea", "Region"}
    visible = set(zh_page.js("window.ecographView.visibleIds()"))
    assert not visible & set(hubs)
    assert len(visible) == len(data["nodes"]) - len(hubs)
    zh_page.page.uncheck("#ecograph-hubs")
    assert zh_page.js("window.ecographView.visibleCount()") == len(data["nodes"])
    assert zh_page.js(INSIDE_JS) == []  # re-fitted to what is shown, hubs included
    zh_page.page.check("#ecograph-hubs")
    assert set(zh_page.js("window.ecographView.visibleIds()")) == visible
    # selecting a hub shows the hubs again
    zh_page.page.fill("#ecograph-search", "鄂尔多斯市")
    assert zh_page.js("window.ecographView.nodes.get('ordos').hidden") is False
    assert not zh_page.page.is_checked("#ecograph-hubs")


def test_unlinked_entities_sit_apart_and_can_be_hidden(zh_page: Page) -> None:
    isolated = zh_page.js("window.ecographView.isolated")
    assert len(isolated) >= 10  # entities linked only to areas and regions
    pos = zh_page.js("window.ecographView.network.getPositions()")
    visible = zh_page.js("window.ecographView.visibleIds()")
    linked = [i for i in visible if i not in set(isolated)]
    right = max(pos[i]["x"] for i in linked)
    # in a block of rows to the right of the linked picture
    assert min(pos[i]["x"] for i in isolated) > right
    assert zh_page.js(INSIDE_JS) == []
    zh_page.page.uncheck("#ecograph-isolated")
    assert set(zh_page.js("window.ecographView.visibleIds()")) == set(linked)
    assert zh_page.js(INSIDE_JS) == []
    zh_page.page.check("#ecograph-isolated")
    assert len(zh_page.js("window.ecographView.visibleIds()")) == len(visible)


def test_filters_fit_the_view_to_what_is_shown(zh_page: Page, pages: dict[str, Path]) -> None:
    page = zh_page.page
    scale = zh_page.js("window.ecographView.network.getScale()")
    start = zh_page.js("window.ecographView.network.getPositions()")
    page.uncheck('input[data-kind="Field"]')
    assert zh_page.js(INSIDE_JS) == []
    page.click("#ecograph-legend .buttons button:nth-child(2)")  # none
    assert zh_page.js("window.ecographView.visibleCount()") == 0
    page.check('input[data-kind="Laboratory"]')
    ids = zh_page.js("window.ecographView.visibleIds()")
    assert ids and zh_page.js(INSIDE_JS) == []
    # a few nodes fill the view: zoomed in beyond the whole picture
    assert zh_page.js("window.ecographView.network.getScale()") > scale
    page.click("#ecograph-legend .buttons button:nth-child(1)")  # all
    assert zh_page.js(INSIDE_JS) == []
    assert zh_page.js("window.ecographView.network.getPositions()") == start  # all back in place
    m = zh_page.js(SHOTS.LABEL_OVERLAP_JS)
    assert m["fraction"] < 0.05, m


def test_the_page_stays_the_same_bytes(ordos_kg: ecograph.KnowledgeGraph) -> None:
    assert ordos_kg.render_view(lang="en") == ecograph.load().render_view(lang="en")
    shown = ordos_kg.render_view(hide_hubs=False)
    assert payload_of(shown)["meta"]["hideHubs"] is False
    # asking for the hub kinds themselves never hides them
    areas = payload_of(ordos_kg.render_view(kinds=["AdministrativeArea"]))
    assert areas["meta"]["hideHubs"] is False


def test_the_card_draws_the_rankings(zh_page: Page, pages: dict[str, Path]) -> None:
    """The city's card draws its rankings (observations in unit "rank") in one chart: a bar
    for "top N", a mark for a stated place, each titled with the figure and its quote."""
    data = payload_of(pages["zh"].read_text(encoding="utf-8"))
    ranks = [
        o for o in next(n for n in data["nodes"] if n["id"] == "ordos")["obs"] if o.get("rank")
    ]
    assert len(ranks) >= 5
    zh_page.js("window.ecographView.selectNode('ordos')")
    marks = zh_page.js(
        "Array.from(document.querySelectorAll('#ecograph-details .ecograph-ranks [data-value]'))"
        ".map(m => ({tag: m.tagName, value: m.getAttribute('data-value'),"
        " title: m.querySelector('title').textContent}))"
    )
    assert [m["value"] for m in marks] == [o["value"] for o in ranks]
    assert [m["tag"] for m in marks] == ["rect" if o.get("qualifier") else "circle" for o in ranks]
    assert any("第33位" in m["title"] and "地级市科技创新发展指数" in m["title"] for m in marks)
    assert "排名" in zh_page.page.inner_text("#ecograph-details .ecograph-ranks figcaption")
