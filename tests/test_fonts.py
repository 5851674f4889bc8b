"""Every page embeds the glyphs it uses (ecograph.fonts), so Chinese is drawn on a machine with
no CJK font: checked in Debian's Chromium started with an empty font configuration, where only
the page's own face can draw anything.

"Empty" as far as Chromium allows: with no font at all it refuses every web font (any
``FontFace`` fails with "NetworkError", measured with DejaVu Sans as the web font too), so the
configuration holds one font that draws nothing but the space; a control shows that no
character is drawn without the page's face."""

from __future__ import annotations

import base64
import io
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

import ecograph
import ecograph.viewer as view_module
from ecograph import fonts

CHROMIUM = Path(view_module.CHROMIUM)
FACE = re.compile(r'@font-face\{font-family:"ecograph CJK";[^}]*base64,([A-Za-z0-9+/=]+)\)')


def shown_chars(page: str) -> set[str]:
    """The characters of the page's title and body that the bundle draws."""
    title = re.search(r"<title>(.*?)</title>", page, re.S)
    assert title
    return set(fonts.covered(title.group(1) + page[page.index("<body") :]))


def embedded_chars(page: str) -> set[str]:
    """The characters the page's embedded face draws."""
    from fontTools.ttLib import TTFont

    match = FACE.search(page)
    assert match, "no embedded face"
    font = TTFont(io.BytesIO(base64.b64decode(match.group(1))))
    return {chr(cp) for cp in font.getBestCmap()}


def test_subset_draws_the_text_and_nothing_else() -> None:
    text = "鄂尔多斯实验室 Ordos Laboratory（2024）\x00\n"
    from fontTools.ttLib import TTFont

    font = TTFont(io.BytesIO(fonts.subset_woff2(text)))
    drawn = {chr(cp) for cp in font.getBestCmap()}
    assert drawn == set(text) - {"\x00", "\n"}
    assert font["name"].getDebugName(13).startswith("This Font Software is licensed under the SIL")
    assert fonts.covered("鄂\U0002a6a5") == "鄂"  # outside the bundle: left to the system's fonts


def test_same_text_same_bytes() -> None:
    first = fonts.font_face_css("创新生态 innovation")
    fonts._subset.cache_clear()
    assert fonts.font_face_css("创新生态 innovation") == first
    assert fonts.font_face_css("innovation 创新生态") == first  # the set of characters, not order


def test_the_licence_travels_with_the_font() -> None:
    from importlib import resources

    folder = resources.files("ecograph.fonts")
    assert "SIL OPEN FONT LICENSE Version 1.1" in folder.joinpath(fonts.LICENCE).read_text("utf-8")
    assert len(fonts._charset()) > 23_000


@pytest.fixture(scope="module")
def ordos_page_text(ordos_kg: ecograph.KnowledgeGraph, tmp_path_factory: Any) -> tuple[Path, str]:
    path = Path(ordos_kg.view(tmp_path_factory.mktemp("fonts") / "ordos.html").path)
    return path, path.read_text(encoding="utf-8")


def test_the_viewer_embeds_every_glyph_it_shows(ordos_page_text: tuple[Path, str]) -> None:
    _, page = ordos_page_text
    drawn = embedded_chars(page)
    island = re.search(r'id="ecograph-data">(.*?)</script>', page, re.S)
    assert island
    shown = set(fonts.covered(island.group(1)))
    assert shown <= drawn
    assert {"鄂", "尔", "多", "斯", "："} <= drawn
    face = FACE.search(page)
    assert face and len(face.group(0)) < 300_000  # the Ordos page grows by at most 300 KB


def test_the_inbox_page_embeds_its_glyphs(tmp_path: Path) -> None:
    from ecograph.ingest.page import render_inbox_page
    from ecograph.ingest.run import ingest_document

    from .test_inbox_page import REPLY, SHILI

    folder = tmp_path / "shili"
    shutil.copytree(SHILI, folder)
    ingest_document(REPLY, folder, doc_id="reply")
    page = render_inbox_page(folder, "reply")
    drawn = embedded_chars(page)
    assert shown_chars(page) <= drawn
    assert "font-src data:" in page


def test_the_query_page_embeds_its_glyphs() -> None:
    from ecograph.endpoint.pages import query_page

    page, csp = query_page("鄂尔多斯创新生态 <b>")
    assert "font-src data:" in csp
    assert shown_chars(page) <= embedded_chars(page)
    assert page.index("@font-face") < page.index("body {")


EMPTY_FONTCONFIG = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig><dir>{fonts}</dir><cachedir>{cache}</cachedir></fontconfig>
"""


def blank_font_configuration(folder: Path) -> dict[str, str]:
    """The environment of a Chromium whose only font draws the space and nothing else."""
    from fontTools.ttLib import TTFont

    (folder / "fonts").mkdir()
    font = TTFont(io.BytesIO(fonts.subset_woff2(" ")))
    font["name"].setName("Blank", 1, 3, 1, 0x409)
    font.flavor = None
    font.save(str(folder / "fonts" / "blank.otf"))
    config = folder / "fonts.conf"
    config.write_text(
        EMPTY_FONTCONFIG.format(fonts=folder / "fonts", cache=folder / "cache"), encoding="utf-8"
    )
    return {"FONTCONFIG_FILE": str(config), "HOME": str(folder), "PATH": "/usr/bin:/bin"}


# Draws two characters with the page's font stack on a canvas, as the graph's labels are drawn,
# and says whether they differ: a font without the glyphs draws the same empty box for both.
DISTINCT = """([a, b, family]) => {
  function pixels(ch) {
    const c = document.createElement("canvas"); c.width = 64; c.height = 64;
    const g = c.getContext("2d"); g.fillStyle = "#fff"; g.fillRect(0, 0, 64, 64);
    g.fillStyle = "#000"; g.font = "48px " + family; g.fillText(ch, 4, 52);
    return Array.from(g.getImageData(0, 0, 64, 64).data).join(",");
  }
  return pixels(a) !== pixels(b);
}"""


@pytest.mark.slow
def test_chinese_is_drawn_with_no_font_installed(
    ordos_page_text: tuple[Path, str], tmp_path: Path
) -> None:
    if not CHROMIUM.exists():
        pytest.skip("no Chromium at /usr/bin/chromium (CI installs Debian's chromium)")
    from playwright.sync_api import sync_playwright

    path, page_text = ordos_page_text
    # the same page without its face: the control
    bare = tmp_path / "bare.html"
    bare.write_text(re.sub(r"@font-face\{[^}]*\}", "", page_text, count=1), encoding="utf-8")
    drawn = embedded_chars(page_text)
    absent = [ch for ch in "龘齉爨靐" if ch not in drawn]
    assert len(absent) >= 2
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=list(view_module.CHROMIUM_ARGS),
            env=blank_font_configuration(tmp_path),
        )
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.goto(path.resolve().as_uri())
            page.wait_for_function("() => window.ecographView && window.ecographView.ready")
            assert page.evaluate("() => window.ecographView.fontFaces") == 1
            family = page.evaluate(
                "() => JSON.parse(document.getElementById('ecograph-data').textContent).meta.font"
            )
            assert family.startswith('"ecograph CJK"')
            # the control: with no font on the machine, two characters the page does not
            # embed draw alike (the empty box); the page's own characters draw as themselves
            assert not page.evaluate(DISTINCT, [absent[0], absent[1], family])
            assert page.evaluate(DISTINCT, ["鄂", "尔", family])
            # and the text of the page's elements is drawn with the embedded face
            cdp = page.context.new_cdp_session(page)
            cdp.send("DOM.enable")
            cdp.send("CSS.enable")
            root = cdp.send("DOM.getDocument")["root"]["nodeId"]
            node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": "#ecograph-header"})
            used = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node["nodeId"]})["fonts"]
            assert used and all(f["isCustomFont"] for f in used), used
            assert {f["familyName"] for f in used} == {"Noto Sans CJK SC"}
            # without the page's face nothing on this machine draws Chinese
            page.goto(bare.resolve().as_uri())
            page.wait_for_function("() => window.ecographView && window.ecographView.ready")
            assert page.evaluate("() => window.ecographView.fontFaces") == 0
            assert not page.evaluate(DISTINCT, ["鄂", "尔", family])
        finally:
            browser.close()
