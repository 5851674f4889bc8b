"""The interactive HTML viewer (ecograph.viewer): one offline file, escaped data, and the page's
behaviour checked in a real headless Chromium (search, kind filter, highlight, tooltips, and
the injection payloads of tests/data/xss staying inert).

Browser tests use Debian's Chromium at /usr/bin/chromium through playwright (no browser
download); they are skipped only when that binary is absent.
"""

from __future__ import annotations

import base64
import hashlib
import json
import random
import re
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

import ecograph
import ecograph.viewer as view_module
from ecograph.errors import NotFoundError, UsageError
from ecograph.viewer import (
    ViewSource,
    build_view,
    compute_layout,
    prepare_view,
    render_html,
    script_json,
)

from .conftest import TESTS, two_documents

XSS = TESTS / "data" / "xss"  # a fictional city whose names and quotes are injection payloads
CHROMIUM = Path(view_module.CHROMIUM)
CHROMIUM_ARGS = list(view_module.CHROMIUM_ARGS)
PAYLOADS = ("<img src=x onerror=alert(1)>", "<script>alert(2)</script>", '"onmouseover=alert(3)')
FLAG_PAYLOADS = (
    "<img src=x onerror=window.__ecographXss=1>",
    "</script><script>window.__ecographXss=2</script>",
    "<svg onload=window.__ecographXss=3>",
    "<svg onload=window.__ecographXss=4>",
)
READY = "() => window.ecographView !== undefined && window.ecographView.ready === true"


def payload_of(text: str) -> dict[str, Any]:
    """The JSON data block of a rendered page."""
    match = re.search(
        r'<script type="application/json" id="ecograph-data">(.*?)</script>', text, re.S
    )
    assert match, "no data block"
    return json.loads(match.group(1))


# --------------------------------------------------------------------------- a synthetic projection


class FakeProjection:
    """What the viewer needs of a projection: ``graph`` (MultiDiGraph with ``kinds`` and
    ``labels`` on nodes; ``predicate``, ``status``, ``basis``, ``citations`` on edges) and
    ``predicate_labels``. No name index, so no --focus."""

    index = None

    def __init__(self, graph: nx.MultiDiGraph):
        from ecograph.vocab import vocabulary

        self.graph = graph
        self.vocab = vocabulary()
        self.analysis_cache: dict = {}
        self.predicate_labels = {
            "memberOf": {"zh": "成员", "en": "member of"},
            "locatedIn": {"zh": "位于", "en": "located in"},
            "focusesOn": {"zh": "聚焦", "en": "focuses on"},
        }


def synthetic_projection(n: int, seed: int = 7) -> FakeProjection:
    """A scale-free (skewed degree) network of ``n`` entities of real kinds."""
    rng = random.Random(seed)
    base = nx.barabasi_albert_graph(n, 2, seed=seed)
    kinds = ["Laboratory", "University", "Field", "ResearchProject", "PolicyDocument", "Person"]
    graph = nx.MultiDiGraph()
    for i in range(n):
        graph.add_node(
            f"n{i:05d}",
            kinds=[kinds[i % len(kinds)]],
            labels={"zh": f"机构{i}", "en": f"Institution {i}"},
        )
    statuses = ["done", "done", "ongoing", "planned"]
    for u, v in sorted(base.edges()):
        a, b = (f"n{max(u, v):05d}", f"n{min(u, v):05d}")
        p = ("memberOf", "locatedIn", "focusesOn")[rng.randrange(3)]
        graph.add_edge(a, b, key=p, predicate=p, status=rng.choice(statuses), basis="explicit",
                       citations=[{"quote": f"机构{a}与机构{b}", "section": "s1",
                                   "section_labels": {"zh": "一、概况",
                                                      "en": "1. Overview"}}])  # fmt: skip
    return FakeProjection(graph)


def fake_source(n: int, seed: int = 7) -> ViewSource:
    """What the viewer reads of :func:`synthetic_projection`: no store, no name index."""
    return ViewSource(projection=synthetic_projection(n, seed))


def parts(kg: ecograph.KnowledgeGraph) -> ViewSource:
    """The parts of a knowledge graph the viewer takes (what ``kg.view`` hands it)."""
    return ViewSource(
        store=kg.store, names=kg.names(), projection=kg.network(), title=kg.meta.title
    )


# --------------------------------------------------------------------------- page without a browser


@pytest.fixture(scope="module")
def ordos_html(ordos_kg: ecograph.KnowledgeGraph) -> str:
    return ordos_kg.render_view()


@pytest.fixture(scope="module")
def xss_kg() -> ecograph.KnowledgeGraph:
    return ecograph.load(XSS)


REMOTE = re.compile(
    r"""(?:\bsrc\s*=|\bhref\s*=|\burl\(|@import)\s*["']?\s*(?:https?:|//)""",
    re.IGNORECASE,
)


def elements(text: str) -> list[tuple[str, dict[str, str | None]]]:
    """Every start tag of a page, as a browser's tokenizer sees them (script bodies are text)."""
    from html.parser import HTMLParser

    found: list[tuple[str, dict[str, str | None]]] = []

    class Collector(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            found.append((tag, dict(attrs)))

    Collector(convert_charrefs=True).feed(text)
    return found


def test_no_remote_reference(ordos_html: str) -> None:
    assert not REMOTE.search(ordos_html), REMOTE.search(ordos_html)
    tags = elements(ordos_html)
    assert not [
        t
        for t, _ in tags
        if t in ("link", "iframe", "object", "embed", "img", "base", "frame", "audio", "video")
    ]
    assert not [a for _, a in tags if "src" in a or "href" in a]
    # the only scripts: the data block, vis-network and the page script
    assert [(t, a) for t, a in tags if t == "script"] == [
        ("script", {"type": "application/json", "id": "ecograph-data"}),
        ("script", {}),
        ("script", {}),
    ]
    # one face, the page's own glyphs inline (ecograph.fonts): nothing fetched
    faces = re.findall(r"@font-face\{[^}]*\}", ordos_html)
    assert len(faces) == 1 and "src:url(data:font/woff2;base64," in faces[0]


def test_remote_check_catches_cdn_links() -> None:
    """The check above is not vacuous: pyvis's own templates would fail it."""
    for bad in (
        '<script src="https://cdn.jsdelivr.net/npm/vis.js"></script>',
        "<link href='http://example.org/a.css'>",
        "a { background: url(https://x.org/a.png) }",
        '@import "https://x.org/a.css";',
        '<img src="//x.org/a.png">',
    ):
        assert REMOTE.search(bad), bad


def test_content_security_policy_pins_the_scripts(ordos_html: str) -> None:
    csp = next(
        a["content"]
        for t, a in elements(ordos_html)
        if a.get("http-equiv") == "Content-Security-Policy"
    )
    assert (
        "default-src 'none'" in csp
        and "connect-src 'none'" in csp
        and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    )
    scripts = re.findall(r"<script>(.*?)</script>", ordos_html, re.S)
    assert len(scripts) == 2
    for body in scripts:
        digest = base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode()
        assert f"'sha256-{digest}'" in csp


def test_written_as_utf8_atomically(ordos_kg: ecograph.KnowledgeGraph, tmp_path: Path) -> None:
    out = tmp_path / "sub" / "ordos.html"
    result = ordos_kg.view(out)
    raw = out.read_bytes()
    text = raw.decode("utf-8")  # strict: fails on anything that is not UTF-8
    assert text.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in text
    assert "鄂尔多斯实验室".encode() in raw
    assert result.path == str(out) and result.bytes == len(raw)
    assert [p.name for p in out.parent.iterdir()] == ["ordos.html"]  # no temporary file left


def test_deterministic(ordos_kg: ecograph.KnowledgeGraph, ordos_html: str, tmp_path: Path) -> None:
    ordos_kg.view(tmp_path / "a.html")
    ecograph.load().view(tmp_path / "b.html")
    assert (
        (tmp_path / "a.html").read_bytes()
        == (tmp_path / "b.html").read_bytes()
        == ordos_html.encode("utf-8")
    )
    big = synthetic_projection(1200)
    assert render_html(ViewSource(projection=big)) == render_html(fake_source(1200))


@pytest.mark.slow
def test_same_bytes_from_either_store_and_any_hash_seed(tmp_path: Path) -> None:
    """No order leaks in from a triple store's row order or from Python's set ordering."""
    import inspect
    import subprocess
    import sys

    if "store" in inspect.signature(ecograph.load).parameters:
        for folder in (None, XSS):
            assert (
                ecograph.load(folder, store="memory").render_view()
                == ecograph.load(folder, store="oxigraph").render_view()
            )
    code = (
        "import hashlib, ecograph, tests.test_view as t; from ecograph.viewer import render_html; "
        "print(hashlib.sha256((ecograph.load().render_view() "
        "+ render_html(t.fake_source(1200))).encode()).hexdigest())"
    )
    digests = set()
    for seed in ("1", "2"):
        env = {**__import__("os").environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-c", code],
            cwd=TESTS.parent,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        digests.add(done.stdout.strip())
    assert len(digests) == 1


def test_directory_as_output_is_an_error(shili_kg: ecograph.KnowledgeGraph, tmp_path: Path) -> None:
    from ecograph.errors import OutputError

    with pytest.raises(OutputError):
        shili_kg.view(tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_summary(ordos_kg: ecograph.KnowledgeGraph, tmp_path: Path) -> None:
    from ecograph.analysis import analysis_view, measures

    projection = ordos_kg.network()
    result = ordos_kg.view(tmp_path / "o.html")
    assert result.nodes == projection.graph.number_of_nodes()
    assert result.edges == projection.graph.number_of_edges()
    assert sum(result.counts_by_kind.values()) == result.nodes
    assert list(result.counts_by_kind.values()) == sorted(
        result.counts_by_kind.values(), reverse=True
    )
    assert result.physics is True and result.seconds >= 0
    pagerank = measures(*analysis_view(projection, exclude=()), ("pagerank",))["pagerank"]
    expected = sorted(pagerank, key=lambda n: (-pagerank[n], n))[:5]
    assert [t[0] for t in result.top] == expected
    assert result.top[0] == ("ordos", "鄂尔多斯市", pagerank["ordos"])
    assert result.to_dict()["top"][0][0] == "ordos"


def test_nodes_carry_labels_kinds_observations_and_quotes(ordos_html: str) -> None:
    data = payload_of(ordos_html)
    nodes = {n["id"]: n for n in data["nodes"]}
    lab = nodes["ordos-laboratory"]
    assert lab["labels"] == {"zh": "鄂尔多斯实验室", "en": "Ordos Laboratory"}
    assert lab["kind"] == "Laboratory" and sorted(lab["kinds"]) == [
        "Laboratory",
        "NewTypeRDInstitution",
    ]
    assert "鄂尔多斯市实验室" in lab["aliases"]
    assert any("鄂尔多斯实验室获批首批内蒙古实验室" == c["quote"] for c in lab["cites"])
    assert all(c["section"].get("zh") for c in lab["cites"])
    ordos = nodes["ordos"]
    assert ordos["obs"] and all({"indicator", "value", "unit"} <= set(o) for o in ordos["obs"])
    assert any(o.get("qualifier") for o in ordos["obs"])
    # hedged amounts as each language writes them: 600余个 (not 余600个), more than 600 units
    amounts = {(o["amount"]["zh"], o["amount"]["en"]) for o in ordos["obs"]}
    assert ("600余个", "more than 600 units (counter 个)") in amounts and (
        "超9亿元",
        "over 9 hundred million yuan",
    ) in amounts
    assert any(o.get("year") == "2024" for o in ordos["obs"])
    # sizes follow PageRank
    assert max(data["nodes"], key=lambda n: n["size"])["id"] == "ordos"
    kinds = {k["kind"]: k for k in data["kinds"]}
    assert kinds["Laboratory"]["labels"] == {"zh": "实验室", "en": "Laboratory"}
    assert len({(k["color"], k["shape"]) for k in data["kinds"]}) == len(data["kinds"])
    statuses = {e["status"] for e in data["edges"]}
    assert statuses == {"done", "ongoing", "planned"}
    assert data["predicates"]["branchOf"]["zh"] == "分支机构"
    assert "Noto Sans CJK SC" in data["meta"]["font"] and "Microsoft YaHei" in ordos_html


def test_focus_and_depth_use_the_neighbourhood(ordos_kg: ecograph.KnowledgeGraph) -> None:
    projection = ordos_kg.network()
    center = ordos_kg.names().resolve("鄂尔多斯实验室")
    for depth in (1, 2):
        model = prepare_view(parts(ordos_kg), focus="鄂尔多斯实验室", depth=depth)
        expected = {center.id} | {n.id for n in projection.neighbors(center, depth).neighbors}
        assert {n["id"] for n in model.payload["nodes"]} == expected
        assert (
            model.focus == "ordos-laboratory"
            and model.payload["meta"]["focus"] == "ordos-laboratory"
        )
        for edge in model.payload["edges"]:
            assert edge["from"] in expected and edge["to"] in expected
    assert len(
        prepare_view(parts(ordos_kg), focus="ordos-laboratory", depth=2).payload["nodes"]
    ) > len(prepare_view(parts(ordos_kg), focus="ordos-laboratory", depth=1).payload["nodes"])
    with pytest.raises(NotFoundError):
        prepare_view(parts(ordos_kg), focus="没有这个机构的名字")


def test_type_restricts_kinds(ordos_kg: ecograph.KnowledgeGraph) -> None:
    from ecograph.vocab import vocabulary

    vocab = vocabulary()
    model = prepare_view(parts(ordos_kg), kinds=["Laboratory", "University"])
    ids = {n["id"] for n in model.payload["nodes"]}
    assert "ordos-laboratory" in ids and "tsinghua-university" in ids
    for node in model.payload["nodes"]:
        assert any(vocab.is_a(k, w) for k in node["kinds"] for w in ("Laboratory", "University"))
    # a superclass takes in its subclasses
    platforms = {
        n["id"]
        for n in prepare_view(parts(ordos_kg), kinds=["InnovationPlatform"]).payload["nodes"]
    }
    assert "ordos-laboratory" in platforms and "ordos-talent-centre" in platforms
    # with a focus: the focus and its neighbours of that kind
    focused = prepare_view(parts(ordos_kg), focus="鄂尔多斯实验室", depth=2, kinds=["Laboratory"])
    assert {n["id"] for n in focused.payload["nodes"]} == {
        "ordos-laboratory",
        "tsinghua-skl-ordos-base",
        "inner-mongolia-key-laboratory",
    }
    with pytest.raises(UsageError, match="Labratory"):
        prepare_view(parts(ordos_kg), kinds=["Labratory"])
    with pytest.raises(UsageError):
        prepare_view(parts(ordos_kg), size_by="closeness")


def test_size_by_and_language(ordos_kg: ecograph.KnowledgeGraph) -> None:
    for measure in ("degree", "betweenness"):
        model = prepare_view(parts(ordos_kg), size_by=measure)
        best = max(model.payload["nodes"], key=lambda n: n["score"][measure])
        assert max(n["size"] for n in model.payload["nodes"]) == best["size"] == 40.0
    english = prepare_view(parts(ordos_kg), lang="en")
    assert english.payload["meta"]["ui"]["search"].startswith("Search")
    assert english.top[0][1] == "Ordos"


def test_large_graph_turns_physics_off() -> None:
    projection = synthetic_projection(1500)
    model = prepare_view(ViewSource(projection=projection))
    assert model.physics is False and model.payload["meta"]["physics"] is False
    assert all("x" in n and "y" in n for n in model.payload["nodes"])
    small = prepare_view(fake_source(300))
    assert small.physics is True and not any("x" in n for n in small.payload["nodes"])
    assert prepare_view(fake_source(300), physics_threshold=100).physics is False


def test_layout_places_every_node() -> None:
    projection = synthetic_projection(2000)
    graph = projection.graph
    graph.add_node("lonely", kinds=["Field"], labels={"zh": "孤点", "en": "Lonely"})
    nodes = sorted(graph)
    pos = compute_layout(nodes, [(u, v) for u, v in graph.edges()])
    assert set(pos) == set(nodes)
    assert len(set(pos.values())) > 0.99 * len(nodes)  # hardly any two nodes on one spot
    assert pos == compute_layout(nodes, [(u, v) for u, v in graph.edges()])
    assert compute_layout([], []) == {}


def test_script_json_cannot_close_the_script() -> None:
    value = {"a": "</script><!-- <script>alert(1)</script> & \u2028\u2029 ]]>"}
    text = script_json(value)
    for bad in ("</", "<!--", "<script", "\u2028", "\u2029", ">"):
        assert bad not in text
    assert json.loads(text) == value


def test_xss_dataset_is_escaped_in_the_file(xss_kg: ecograph.KnowledgeGraph) -> None:
    text = xss_kg.render_view()
    for payload in PAYLOADS[:2] + FLAG_PAYLOADS:
        assert payload not in text
    assert (
        "<title>注入市创新生态（虚构安全测试数据）&lt;img src=x onerror=alert(1)&gt;</title>"
        in text
    )
    # the quote-breaking payload appears only inside the JSON block, as a JSON string
    data_block = re.search(r'id="ecograph-data">(.*?)</script>', text, re.S)
    outside = text[: data_block.start(1)] + text[data_block.end(1) :]
    assert "onmouseover=alert(3)" not in outside
    data = payload_of(text)
    labels = {n["id"]: n["labels"]["zh"] for n in data["nodes"]}
    assert labels["xss-laboratory"] == "<img src=x onerror=alert(1)>实验室"
    assert labels["xss-branch"] == "</script><script>window.__ecographXss=2</script>分中心"


# --------------------------------------------------------------------------- in the browser


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("no Chromium at /usr/bin/chromium (CI installs Debian's chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


class Page:
    """A page of the viewer, with everything it logged and requested."""

    def __init__(self, browser: Any, path: Path, *, bypass_csp: bool = False):
        self.context = browser.new_context(
            viewport={"width": 1400, "height": 900}, bypass_csp=bypass_csp
        )
        self.page = self.context.new_page()
        self.console: list[tuple[str, str]] = []
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("console", lambda m: self.console.append((m.type, m.text)))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))

        def on_dialog(dialog: Any) -> None:
            self.dialogs.append(dialog.message)
            dialog.dismiss()

        self.page.on("dialog", on_dialog)
        self.page.goto(path.resolve().as_uri())
        self.page.wait_for_function(READY, timeout=60_000)

    def js(self, expression: str, arg: Any = None) -> Any:
        return self.page.evaluate(expression, arg)

    def node_point(self, node: str, scale: float = 2.0) -> tuple[float, float]:
        """Centre the view on a node, zoomed in, and return its position on the page."""
        return tuple(
            self.js(
                """([id, scale]) => {
                  const net = window.ecographView.network;
                  const pos = net.getPositions([id])[id];
                  net.moveTo({position: pos, scale: scale, animation: false});
                  net.redraw();
                  const dom = net.canvasToDOM(pos);
                  const box = document.getElementById("ecograph-graph").getBoundingClientRect();
                  return [box.left + dom.x, box.top + dom.y];
                }""",
                [node, scale],
            )
        )

    def close(self) -> None:
        self.context.close()


@pytest.fixture(scope="module")
def ordos_file(ordos_kg: ecograph.KnowledgeGraph, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return Path(ordos_kg.view(tmp_path_factory.mktemp("view") / "ordos.html").path)


@pytest.fixture
def ordos_page(browser: Any, ordos_file: Path):
    page = Page(browser, ordos_file)
    yield page
    page.close()


def test_page_loads_offline_without_errors(
    ordos_page: Page, ordos_kg: ecograph.KnowledgeGraph
) -> None:
    graph = ordos_kg.network().graph
    assert ordos_page.errors == []
    assert [m for m in ordos_page.console if m[0] in ("error", "warning")] == []
    assert ordos_page.requests and all(
        u.startswith(("file:", "data:", "about:")) for u in ordos_page.requests
    ), ordos_page.requests
    assert ordos_page.js("window.ecographView.nodes.length") == graph.number_of_nodes()
    assert ordos_page.js("window.ecographView.edges.length") == graph.number_of_edges()
    # areas and regions are hidden at first (the "hide areas and regions" box, ticked)
    hubs = sum(1 for n in payload_of(ordos_page.page.content())["nodes"] if n.get("hub"))
    assert (
        hubs
        and ordos_page.js("window.ecographView.visibleCount()") == graph.number_of_nodes() - hubs
    )
    ordos_page.page.uncheck("#ecograph-hubs")
    assert ordos_page.js("window.ecographView.visibleCount()") == graph.number_of_nodes()
    assert (
        ordos_page.page.title() == "鄂尔多斯市创新生态知识图谱"
        or "鄂尔多斯" in ordos_page.page.title()
    )


def test_search_selects_the_institution(ordos_page: Page) -> None:
    page = ordos_page.page
    page.fill("#ecograph-search", "鄂尔多斯实验室")
    assert ordos_page.js("window.ecographView.network.getSelectedNodes()") == ["ordos-laboratory"]
    assert ordos_page.js("window.ecographView.highlighted") == "ordos-laboratory"
    details = page.inner_text("#ecograph-details")
    assert "鄂尔多斯实验室" in details and "Ordos Laboratory" in details
    assert "首批内蒙古实验室" in details  # what it links to ...
    assert "鄂尔多斯实验室获批首批内蒙古实验室" in details  # ... and why
    assert "鄂尔多斯实验室准格尔中试基地" in details  # what links to it
    # the result list offers the longer names that contain the text too
    assert "鄂尔多斯实验室准格尔中试基地" in page.inner_text("#ecograph-results")
    # English, any case; an alias; typing key by key; Enter takes the best match
    for text, expected in (
        ("ORDOS laboratory", "ordos-laboratory"),
        ("鄂尔多斯市实验室", "ordos-laboratory"),
        ("清华大学", "tsinghua-university"),
    ):
        page.fill("#ecograph-search", "")
        page.fill("#ecograph-search", text)
        assert ordos_page.js("window.ecographView.network.getSelectedNodes()") == [expected], text
    page.fill("#ecograph-search", "")
    page.type("#ecograph-search", "人才科创中心")
    page.press("#ecograph-search", "Enter")
    assert ordos_page.js("window.ecographView.network.getSelectedNodes()") == [
        "ordos-talent-centre"
    ]
    page.fill("#ecograph-search", "zzzz-no-such-name")
    assert "没有匹配" in page.inner_text("#ecograph-results")


def _search_corpus(kg: ecograph.KnowledgeGraph, among: set[str], size: int = 360) -> list[str]:
    """What people type: every kind of name of the page's entities, pinyin with and without
    tones and spaces, document numbers in each bracket style, and near misses (a character
    dropped or swapped, a prefix, English in capitals), sampled deterministically."""
    from pypinyin import Style, lazy_pinyin

    index = kg.names()
    texts: set[str] = set()
    for entity_id in sorted(among):
        entry = index.entries[entity_id]
        names = [
            *entry.labels.values(),
            *(a for values in entry.alt_labels.values() for a in values),
            entity_id,
        ]
        for number in entry.identifiers:
            names += [
                number,
                number.replace("〔", "[").replace("〕", "]"),
                number.replace("〔", "(").replace("〕", ")"),
            ]
        for name in names:
            texts.add(name)
            if len(name) > 3:
                texts.update(
                    (name[:-1], name[1:], name[: len(name) // 2], name[:2] + name[3:], name.upper())
                )
        zh = entry.labels.get("zh", "")
        if zh:
            texts.update(
                (
                    " ".join(lazy_pinyin(zh)),
                    "".join(lazy_pinyin(zh, style=Style.TONE)),
                    "".join(lazy_pinyin(zh))[:-2],
                )
            )
    texts.update(
        (
            "0355",
            "第0355号",
            "鄂党办发 2025 6号",
            "zzzz-no-such-name",
            "实验",
            "人才",
            "科技",
            "ordos",
            "Inner",
            "x",
        )
    )
    ordered = sorted(texts)
    unknown = (
        "量子计算",
        "深圳大学",
        "hello world",
        "Tsinghau Univ",
        "abcdefg",
        "研究所",
        "内蒙古大学",
        "qqqq",
        "Xian",
    )
    return sorted(random.Random(13).sample(ordered, min(size, len(ordered)))) + list(unknown)


def test_search_box_finds_what_lookup_finds(
    ordos_page: Page, ordos_kg: ecograph.KnowledgeGraph
) -> None:
    """The viewer's search and `ecograph lookup` are one algorithm: for each text the page
    offers the same best matches and the same suggestions as NameIndex.search over the
    entities on the page (names, aliases, ids, 文号 in any bracket style, pinyin, near misses)."""
    among = {n["id"] for n in ordos_page.js("window.ecographView.nodes.get()")}
    corpus = _search_corpus(ordos_kg, among)
    index = ordos_kg.names()
    in_page = ordos_page.js("(texts) => texts.map((t) => window.ecographView.search(t))", corpus)
    kinds = {"found": 0, "ambiguous": 0, "suggested": 0}
    for text, got in zip(corpus, in_page, strict=True):
        best, rest = index.search(text, among=among)
        assert got == {"best": [m.id for m in best], "rest": [m.id for m in rest]}, text
        kinds["found" if len(best) == 1 else "ambiguous" if best else "suggested"] += 1
    assert kinds["found"] > 200 and kinds["ambiguous"] > 5 and kinds["suggested"] > 5, kinds


def test_search_box_finds_document_numbers_and_pinyin(ordos_page: Page) -> None:
    page = ordos_page.page
    for text, expected in (
        ("鄂党办发[2025]6号", "nqp-implementation-opinions"),
        ("鄂府发(2024)56号", "st-breakthrough-implementing-rules"),
        ("eerduosi shiyanshi", "ordos-laboratory"),
        ("鄂尔多斯实验是", "ordos-laboratory"),  # a near miss, as lookup resolves it
    ):
        page.fill("#ecograph-search", "")
        page.fill("#ecograph-search", text)
        page.press("#ecograph-search", "Enter")
        assert ordos_page.js("window.ecographView.network.getSelectedNodes()") == [expected], text


def test_kind_filter_hides_nodes(ordos_page: Page, ordos_html: str) -> None:
    data = payload_of(ordos_html)
    total = len(data["nodes"])
    fields = sum(1 for n in data["nodes"] if n["kind"] == "Field")
    page = ordos_page.page
    page.uncheck("#ecograph-hubs")  # areas and regions are hidden at first; show every kind
    page.uncheck('input[data-kind="Field"]')
    assert ordos_page.js("window.ecographView.visibleCount()") == total - fields
    hidden = ordos_page.js("window.ecographView.nodes.get({filter: n => n.hidden}).map(n => n.id)")
    assert sorted(hidden) == sorted(n["id"] for n in data["nodes"] if n["kind"] == "Field")
    page.check('input[data-kind="Field"]')
    assert ordos_page.js("window.ecographView.visibleCount()") == total
    page.click("#ecograph-legend .buttons button:nth-child(2)")  # none
    assert ordos_page.js("window.ecographView.visibleCount()") == 0
    page.click("#ecograph-legend .buttons button:nth-child(1)")  # all
    assert ordos_page.js("window.ecographView.visibleCount()") == total
    # searching for a hidden kind shows it again
    page.uncheck('input[data-kind="Laboratory"]')
    page.fill("#ecograph-search", "鄂尔多斯实验室")
    assert ordos_page.js("window.ecographView.nodes.get('ordos-laboratory').hidden") is False
    assert page.is_checked('input[data-kind="Laboratory"]')


def test_click_highlights_the_neighbourhood(
    ordos_page: Page, ordos_kg: ecograph.KnowledgeGraph
) -> None:
    undirected = ordos_kg.network().undirected
    node = "ordos-talent-centre"
    x, y = ordos_page.node_point(node)
    assert (
        ordos_page.js(
            "([x, y]) => { "
            "const b = document.getElementById('ecograph-graph').getBoundingClientRect();"
            " return window.ecographView.network.getNodeAt({x: x - b.left, y: y - b.top}); }",
            [x, y],
        )
        == node
    )
    ordos_page.page.mouse.click(x, y)
    ordos_page.page.wait_for_function("() => window.ecographView.highlighted !== null")
    assert ordos_page.js("window.ecographView.highlighted") == node
    expected = sorted({node, *undirected.neighbors(node)})
    assert ordos_page.js("window.ecographView.neighbourhood") == expected
    colors = ordos_page.js(
        "Object.fromEntries(window.ecographView.nodes.get().map(n => [n.id, n.color.background]))"
    )
    dim = {n for n, c in colors.items() if c == "#eceff3"}
    assert dim == set(colors) - set(expected)
    assert "北京人才科创分中心" in ordos_page.page.inner_text("#ecograph-details")
    # hovering shows a tooltip with both labels, the kind and the quotes
    ordos_page.page.mouse.move(x + 1, y + 1)
    ordos_page.page.wait_for_selector("#ecograph-tooltip:not([hidden])")
    tip = ordos_page.page.inner_text("#ecograph-tooltip")
    assert (
        "鄂尔多斯人才科创中心" in tip
        and "Ordos Talent and Innovation Centre" in tip
        and "人才科创中心" in tip
    )
    assert "先后建成鄂尔多斯人才科创中心" in tip
    # clicking the background restores every colour
    ordos_page.page.mouse.click(1390, 890)
    ordos_page.page.wait_for_function("() => window.ecographView.highlighted === null")
    colors = ordos_page.js("window.ecographView.nodes.get().map(n => n.color.background)")
    assert "#eceff3" not in colors


def test_tooltip_shows_observations(ordos_page: Page) -> None:
    ordos_page.page.uncheck("#ecograph-hubs")  # the city is an area: hidden at first
    x, y = ordos_page.node_point("ordos", 1.5)
    ordos_page.page.mouse.move(x, y)
    ordos_page.page.wait_for_selector("#ecograph-tooltip:not([hidden])")
    tip = ordos_page.page.inner_text("#ecograph-tooltip")
    assert "鄂尔多斯市" in tip and "Ordos" in tip and "行政区" in tip
    assert "数据" in tip and "2024年" in tip
    assert re.search(r"：(超|突破|达|前)?[0-9.]+(余)?(亿元|%|家|个|项|次|位次)", tip), (
        tip
    )  # 2024年 科技支出：24.82亿元


def test_screenshot(ordos_page: Page, tmp_path: Path) -> None:
    shot = tmp_path / "ordos.png"
    ordos_page.js("window.ecographView.network.fit({animation: false})")
    ordos_page.page.screenshot(path=str(shot))
    assert shot.stat().st_size > 20_000


def test_focus_page_starts_on_the_focus(
    browser: Any, ordos_kg: ecograph.KnowledgeGraph, tmp_path: Path
) -> None:
    out = ordos_kg.view(tmp_path / "focus.html", focus="鄂尔多斯实验室", depth=2, lang="en").path
    page = Page(browser, Path(out))
    try:
        assert page.js("window.ecographView.network.getSelectedNodes()") == ["ordos-laboratory"]
        assert "Focus: Ordos Laboratory" in page.page.inner_text("#ecograph-header")
        assert page.errors == [] and not [m for m in page.console if m[0] == "error"]
    finally:
        page.close()


def test_large_graph_draws_with_physics_off(browser: Any, tmp_path: Path) -> None:
    projection = synthetic_projection(1500)
    result = build_view(ViewSource(projection=projection), tmp_path / "big.html")
    assert result.physics is False
    page = Page(browser, Path(result.path))
    try:
        assert page.js("window.ecographView.nodes.length") == 1500
        assert page.js("window.ecographView.network.physics.physicsEnabled") is False
        assert page.errors == [] and not [m for m in page.console if m[0] == "error"]
    finally:
        page.close()


@pytest.mark.parametrize("bypass_csp", [False, True], ids=["with-csp", "csp-bypassed"])
def test_xss_dataset_stays_inert(
    browser: Any, xss_kg: ecograph.KnowledgeGraph, tmp_path: Path, bypass_csp: bool
) -> None:
    """With the page's Content-Security-Policy and without it (so the escaping alone is tested):
    hover and click every node and edge, search for the payloads; no dialog, no flag set, the
    payloads shown as text."""
    path = Path(xss_kg.view(tmp_path / "xss.html").path)
    page = Page(browser, path, bypass_csp=bypass_csp)
    try:
        view_nodes = page.js("window.ecographView.nodes.getIds()")
        graph = xss_kg.network().graph
        assert sorted(view_nodes) == sorted(graph)
        page.page.uncheck("#ecograph-hubs")  # the city is an area, hidden at first: show it
        seen_text = []
        for node in sorted(graph):
            x, y = page.node_point(node)
            page.page.mouse.move(x, y)
            page.page.wait_for_selector("#ecograph-tooltip:not([hidden])")
            page.page.wait_for_timeout(150)  # longer than vis-network's tooltip delay
            tip = page.page.inner_text("#ecograph-tooltip")
            assert (
                graph.nodes[node]["labels"]["zh"] in tip
                and graph.nodes[node]["labels"]["en"] in tip
            )
            page.page.mouse.click(x, y)
            page.page.wait_for_function("(id) => window.ecographView.highlighted === id", arg=node)
            seen_text.append(tip + page.page.inner_text("#ecograph-details"))
        for u, v in graph.edges():
            mid = page.js(
                """([u, v]) => { const net = window.ecographView.network; \
const p = net.getPositions([u, v]);
                   const c = {x: (p[u].x + p[v].x) / 2, y: (p[u].y + p[v].y) / 2};
                   net.moveTo({position: c, scale: 1.5, animation: false}); net.redraw();
                   const d = net.canvasToDOM(c); \
const b = document.getElementById('ecograph-graph').getBoundingClientRect();
                   return [b.left + d.x, b.top + d.y]; }""",
                [u, v],
            )
            page.page.mouse.move(*mid)
            page.page.mouse.click(*mid)
            seen_text.append(page.page.inner_text("#ecograph-details"))
        for query in ("<img", "<script>", '"onmouseover', "onload", "</script>"):
            page.page.fill("#ecograph-search", query)
            seen_text.append(page.page.inner_text("#ecograph-results"))
            page.page.press("#ecograph-search", "Enter")
            seen_text.append(page.page.inner_text("#ecograph-details"))
        everything = "\n".join(seen_text) + page.page.inner_text("body")
        for payload in PAYLOADS + FLAG_PAYLOADS:
            assert payload in everything, payload  # shown, as text
        assert (
            '“2024年，全市研发经费投入超3.5亿元"onmouseover=alert(3)”' in everything
        )  # an observation's quote
        assert page.page.title() == "注入市创新生态（虚构安全测试数据）<img src=x onerror=alert(1)>"
        assert page.dialogs == []
        assert page.js("typeof window.__ecographXss") == "undefined"
        assert page.js("document.querySelectorAll('img, svg, iframe, object, embed').length") == 0
        assert page.js("document.querySelectorAll('script').length") == 3
        assert (
            page.js(
                "[...document.querySelectorAll('*')]"
                ".filter(e => [...e.attributes].some(a => a.name.startsWith('on'))).length"
            )
            == 0
        )
        assert page.errors == []
        assert all(u.startswith(("file:", "data:", "about:")) for u in page.requests), page.requests
    finally:
        page.close()


CHART = "#ecograph-details .ecograph-chart"


def test_the_card_draws_the_series_with_both_conflicting_points(
    browser: Any, tmp_path: Path
) -> None:
    """The test city with a second document: the area's card draws R&D spending by year, the two
    figures of 2024 as two marks, each titled with its value, unit and source."""
    kg = ecograph.load(two_documents(tmp_path / "two-documents"))
    page = Page(browser, Path(kg.view(tmp_path / "two.html").path))
    try:
        page.js("window.ecographView.selectNode('shili')")
        assert page.js(f"document.querySelectorAll('{CHART} svg').length") == 1
        assert page.page.inner_text(f"{CHART} figcaption") == "研发经费投入（亿元）"
        marks = page.js(
            f"[...document.querySelectorAll('{CHART} circle')].map(c => ({{"
            "year: c.dataset.year, value: c.dataset.value,"
            "conflict: c.classList.contains('conflict'),"
            "x: +c.getAttribute('cx'), y: +c.getAttribute('cy'), title: c.textContent}))"
        )
        assert [(m["year"], m["value"], m["conflict"]) for m in marks] == [
            ("2023", "10.2", False),
            ("2024", "12.5", True),
            ("2024", "13.1", True),
        ]
        # two marks of one year side by side, the higher value higher up
        assert marks[1]["x"] != marks[2]["x"] and marks[2]["y"] < marks[1]["y"] < marks[0]["y"]
        assert marks[1]["title"] == (
            "2024年：超12.5亿元 (来源不一致)\n"
            "“2024年，全市研发经费投入超12.5亿元” — 示例市科技工作简报 · 二、人才与投入"
        )
        assert "示例市2025年科技创新工作要点 · 一、2024年工作回顾" in marks[2]["title"]
        assert "2024年：两份文件给出的数值不同，两个都保留。" in page.page.inner_text(CHART)
        details = page.page.inner_text("#ecograph-details")
        assert details.count("来源不一致") == 2  # the two figures in the list, marked
        # the chart's layout is the same every time
        first = page.js(f"document.querySelector('{CHART}').outerHTML")
        page.js("window.ecographView.selectNode('shili-laboratory')")
        assert page.js(f"document.querySelectorAll('{CHART}').length") == 0  # no figures
        page.js("window.ecographView.selectNode('shili')")
        assert page.js(f"document.querySelector('{CHART}').outerHTML") == first
        page.page.locator("#ecograph-side").screenshot(path=str(tmp_path / "chart.png"))
        assert page.errors == [] and not [m for m in page.console if m[0] in ("error", "warning")]
    finally:
        page.close()


def test_the_chart_shows_injection_payloads_as_text(browser: Any, tmp_path: Path) -> None:
    """The injection city with a second year and a conflicting figure: the chart's caption
    and mark titles hold the payloads as text, and nothing runs."""
    import shutil

    folder = tmp_path / "xss"
    shutil.copytree(XSS, folder)
    quote = "'2024年，全市研发经费投入超3.5亿元\"onmouseover=alert(3)'"
    (folder / "more.yaml").write_text(
        "".join(
            f"- id: rd-spending-zhuru-{year}{suffix}\n  type: Observation\n"
            f"  indicator: rd-spending\n  area: zhuru\n  year: '{year}'\n  value: '{value}'\n"
            f"  unit: yi-yuan\n  cite: {{section: briefing-s2, quote: {quote}}}\n"
            for year, suffix, value in (("2023", "", "3.5"), ("2024", "-b", "2024"))
        ),
        encoding="utf-8",
    )
    kg = ecograph.load(folder)
    page = Page(browser, Path(kg.view(tmp_path / "xss.html").path))
    try:
        page.js("window.ecographView.selectNode('zhuru')")
        assert page.js(f"document.querySelectorAll('{CHART} circle.conflict').length") == 2
        caption = page.page.inner_text(f"{CHART} figcaption")
        assert caption == "研发经费投入<img src=x onerror=alert(1)>（亿元）"
        titles = page.js(
            f"[...document.querySelectorAll('{CHART} title')].map(t => t.textContent).join('\\n')"
        )
        assert '"onmouseover=alert(3)' in titles and "<img src=x onerror=alert(1)>" in titles
        assert page.js("document.querySelectorAll('img, iframe, object, embed').length") == 0
        assert page.js("document.querySelectorAll('svg').length") == 1  # the chart, nothing else
        assert page.js("typeof window.__ecographXss") == "undefined" and page.dialogs == []
        assert page.errors == []
    finally:
        page.close()


# --------------------------------------------------------------------------- the command


def test_view_command(runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from ecograph.cli import main

    from .conftest import SHILI

    if "view" not in main.commands:
        pytest.skip("the `ecograph view` command is not registered in ecograph/cli.py yet")
    out = tmp_path / "shili.html"
    result = runner.invoke(
        main, ["view", "-o", str(out), "--data", str(SHILI)], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    assert str(out) in result.output and out.is_file()
    assert "Top 5 by PageRank" in result.output and "示例市" in result.output
    assert "TalentInnovationCentre" in result.output  # the counts by kind
    opened: list[str] = []
    monkeypatch.setattr("webbrowser.open", lambda url, *a, **k: opened.append(url))
    focused = tmp_path / "focus.html"
    result = runner.invoke(
        main,
        ["view", "-o", str(focused), "--data", str(SHILI), "--focus", "示例研究院",
         "--type", "University", "--size-by", "degree", "--lang", "en", "--open"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert opened == [focused.resolve().as_uri()]
    ids = {n["id"] for n in payload_of(focused.read_text(encoding="utf-8"))["nodes"]}
    assert ids == {"shili-institute", "shili-university"}
    bad = runner.invoke(
        main,
        ["view", "-o", str(tmp_path / "x.html"), "--data", str(SHILI), "--focus", "不存在的机构"],
    )
    assert bad.exit_code == 1 and not (tmp_path / "x.html").exists()
