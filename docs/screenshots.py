"""Screenshots of the viewer for docs/viewer.md, and how many labels overlap on first view.

    .venv/bin/python docs/screenshots.py            # writes docs/img/viewer-zh.png, viewer-en.png
    .venv/bin/python docs/screenshots.py --no-images --html ordos.html   # measure a page only

For each language it writes the Ordos page (``ecograph.load().render_view(...)``), opens it in
Debian's Chromium (``/usr/bin/chromium``, through playwright; never ``playwright install``) at
1400 x 900, waits until the page is ready and prints, for the first view: the labels drawn,
how many of them overlap another drawn label on screen, and that as a fraction. A label counts
as drawn when its node is not hidden, its text is not blank and vis-network would paint it at
the current zoom (``labelModule.visible()``: the text is at least ``drawThreshold`` pixels
high). Its box is ``labelModule.size`` (canvas coordinates) mapped to the screen with
``network.canvasToDOM``. The same measurement runs in ``tests/test_view_layout.py``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
IMG = HERE / "img"
VIEWPORT = {"width": 1400, "height": 900}
READY = "() => window.ecographView !== undefined && window.ecographView.ready === true"

#: the measurement, run in the page: every drawn node label's box on screen, and which overlap
LABEL_OVERLAP_JS = """() => {
  const net = window.ecographView.network;
  const boxes = [];
  const pos = net.getPositions();
  const graph = document.getElementById("ecograph-graph").getBoundingClientRect();
  for (const id of Object.keys(net.body.nodes)) {
    const node = net.body.nodes[id];
    if (!(id in pos) || node.options.hidden) continue;
    const label = node.labelModule;
    const text = node.options.label;
    if (text === undefined || text === null || String(text).trim() === "") continue;
    if (!label.visible()) continue;
    const s = label.size;
    const a = net.canvasToDOM({x: s.left, y: s.top});
    const b = net.canvasToDOM({x: s.left + s.width, y: s.top + s.height});
    // only what is on screen (inside the graph's area) is seen
    if (b.x < 0 || b.y < 0 || a.x > graph.width || a.y > graph.height) continue;
    boxes.push({id: id, x0: a.x, y0: a.y, x1: b.x, y1: b.y});
  }
  const overlapping = new Set();
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const p = boxes[i], q = boxes[j];
      if (p.x0 < q.x1 && q.x0 < p.x1 && p.y0 < q.y1 && q.y0 < p.y1) {
        overlapping.add(p.id); overlapping.add(q.id);
      }
    }
  }
  const shown = Object.keys(net.body.nodes).filter(
    id => id in pos && !net.body.nodes[id].options.hidden).length;
  return {drawn: boxes.length, overlapping: overlapping.size, visibleNodes: shown,
          fraction: boxes.length ? overlapping.size / boxes.length : 0,
          ids: Array.from(overlapping).sort()};
}"""


def open_page(browser: Any, path: Path) -> Any:
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.goto(path.resolve().as_uri())
    page.wait_for_function(READY, timeout=90_000)
    page.wait_for_timeout(300)  # a frame after ready, as a person would see it
    return context, page


def measure(page: Any) -> dict[str, Any]:
    return page.evaluate(LABEL_OVERLAP_JS)


def report(name: str, m: dict[str, Any]) -> str:
    return (
        f"{name}: {m['visibleNodes']} nodes shown, {m['drawn']} labels drawn, "
        f"{m['overlapping']} overlap another ({100 * m['fraction']:.1f} %)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--html", type=Path, action="append", help="measure this page instead")
    parser.add_argument("--no-images", action="store_true", help="measure only")
    parser.add_argument("--out", type=Path, default=IMG, help="folder for the PNGs")
    args = parser.parse_args(argv)

    from playwright.sync_api import sync_playwright

    from ecograph.viewer import CHROMIUM, CHROMIUM_ARGS

    with tempfile.TemporaryDirectory() as tmp:
        if args.html:
            pages = [(p.stem, p) for p in args.html]
        else:
            import ecograph

            kg = ecograph.load()
            pages = []
            for lang in ("zh", "en"):
                out = Path(tmp) / f"ordos-{lang}.html"
                # render_view, not view: view answers from the build cache, which does not know
                # that the viewer's code changed
                out.write_text(kg.render_view(lang=lang), encoding="utf-8")
                pages.append((lang, out))
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=list(CHROMIUM_ARGS)
            )
            try:
                for name, path in pages:
                    context, page = open_page(browser, path)
                    try:
                        print(report(name, measure(page)))
                        if not args.no_images:
                            args.out.mkdir(parents=True, exist_ok=True)
                            shot = args.out / f"viewer-{name}.png"
                            page.screenshot(path=str(shot))
                            _shrink(shot)
                            print(f"  wrote {shot} ({shot.stat().st_size:,} bytes)")
                            if name == "zh" and not args.html:
                                # the same view coloured by Louvain community
                                page.check("#ecograph-community")
                                page.wait_for_timeout(200)
                                shot = args.out / "viewer-zh-communities.png"
                                page.screenshot(path=str(shot))
                                _shrink(shot)
                                print(f"  wrote {shot} ({shot.stat().st_size:,} bytes)")
                    finally:
                        context.close()
            finally:
                browser.close()
    return 0


def _shrink(path: Path, limit: int = 400_000) -> None:
    """Keep a screenshot under ``limit`` bytes: a palette PNG (Pillow, if installed)."""
    try:
        from PIL import Image
    except ImportError:
        return
    with Image.open(path) as image:
        small = image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
        small.save(path, optimize=True)
    if path.stat().st_size > limit:
        with Image.open(path) as image:
            w, h = image.size
            image.resize((w * 3 // 4, h * 3 // 4)).save(path, optimize=True)


if __name__ == "__main__":
    sys.exit(main())
