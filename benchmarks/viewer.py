"""Benchmark of the HTML viewer (ecograph.viewer) on synthetic entity networks.

For each size it builds a fake projection with the attributes the viewer reads (a networkx
MultiDiGraph whose nodes carry ``kinds`` and ``labels`` and whose edges carry ``predicate``,
``status``, ``basis`` and ``citations``), with skewed, scale-free degrees (Barabási–Albert,
m=2: a few hubs, many leaves, as in a city's innovation network). It then times
``build_view`` (centrality, layout above the physics threshold, JSON, HTML, atomic write),
and loads the file in headless Chromium (Debian's /usr/bin/chromium through playwright)
to time how long the page takes until the network is laid out and drawn: the page sets
``window.ecographView.readyAt`` (milliseconds since navigation start) on the first
``afterDrawing`` after vis-network's ``stabilizationIterationsDone`` (physics on) or on the
first ``afterDrawing`` (physics off, positions precomputed).

Usage::

    python benchmarks/viewer.py                      # 500, 5,000 and 20,000 nodes
    python benchmarks/viewer.py --sizes 1000 2000    # other sizes
    python benchmarks/viewer.py --no-browser         # generation only

Prints one Markdown table. Timings are of this machine; nothing here asserts on them.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

import networkx as nx

from ecograph.viewer import CHROMIUM, CHROMIUM_ARGS

KINDS = ["Laboratory", "University", "Field", "ResearchProject", "PolicyDocument", "Person",
         "GovernmentBody", "Programme", "TechnologyAchievement", "PilotPlatform"]  # fmt: skip
PREDICATES = {
    "memberOf": {"zh": "成员", "en": "member of"},
    "locatedIn": {"zh": "位于", "en": "located in"},
    "focusesOn": {"zh": "聚焦", "en": "focuses on"},
    "coBuiltWith": {"zh": "共建", "en": "co-built with"},
}


class FakeProjection:
    """The attributes of :class:`ecograph.network.Projection` the viewer uses."""

    index = None

    def __init__(self, graph: nx.MultiDiGraph):
        self.graph = graph
        self.predicate_labels = PREDICATES


def synthetic_projection(n: int, seed: int = 7) -> FakeProjection:
    rng = random.Random(seed)
    base = nx.barabasi_albert_graph(n, 2, seed=seed)
    graph = nx.MultiDiGraph()
    for i in range(n):
        graph.add_node(
            f"e{i:06d}",
            kinds=[KINDS[rng.randrange(len(KINDS))]],
            labels={"zh": f"示例机构{i}号", "en": f"Example institution {i}"},
        )
    statuses = ("done", "done", "done", "ongoing", "planned")
    names = list(PREDICATES)
    for u, v in sorted(base.edges()):
        a, b = f"e{max(u, v):06d}", f"e{min(u, v):06d}"  # newer node points to the older hub
        p = names[rng.randrange(len(names))]
        graph.add_edge(
            a, b, key=p, predicate=p, status=statuses[rng.randrange(len(statuses))],
            basis="explicit" if rng.random() < 0.6 else "implied",
            citations=[{"quote": f"示例机构{u}号与示例机构{v}号开展合作", "section": "s1",
                        "section_labels": {"zh": "一、合作情况", "en": "1. Cooperation"}}],
        )  # fmt: skip
    return FakeProjection(graph)


def render_seconds(browser, path: Path, timeout_s: float = 600) -> float:
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    try:
        page.goto(path.resolve().as_uri(), timeout=timeout_s * 1000)
        page.wait_for_function(
            "() => window.ecographView !== undefined && window.ecographView.ready === true",
            timeout=timeout_s * 1000,
            polling=100,
        )
        return page.evaluate("window.ecographView.readyAt") / 1000.0
    finally:
        page.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 5000, 20000])
    parser.add_argument(
        "--no-browser", action="store_true", help="Skip the Chromium render timing."
    )
    parser.add_argument(
        "--out", type=Path, default=None, help="Keep the HTML files in this folder."
    )
    args = parser.parse_args(argv)

    from ecograph.viewer import SEED_LAYOUT_ABOVE, ViewSource, build_view, compute_layout

    out = args.out or Path(tempfile.mkdtemp(prefix="ecograph-viewer-bench-"))
    out.mkdir(parents=True, exist_ok=True)
    browser = playwright = None
    if not args.no_browser:
        if not Path(CHROMIUM).exists():
            print(f"no {CHROMIUM}; render times skipped", file=sys.stderr)
        else:
            from playwright.sync_api import sync_playwright

            playwright = sync_playwright().start()
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=list(CHROMIUM_ARGS)
            )
    rows = []
    try:
        build_view(
            ViewSource(projection=synthetic_projection(50)), out / "warm-up.html"
        )  # imports, vocabulary, assets
        for n in args.sizes:
            projection = synthetic_projection(n)
            graph = projection.graph
            started = time.perf_counter()
            result = build_view(ViewSource(projection=projection), out / f"synthetic-{n}.html")
            generation = time.perf_counter() - started
            layout = ""
            if not result.physics or result.nodes > SEED_LAYOUT_ABOVE:
                started = time.perf_counter()
                compute_layout(sorted(graph), [(u, v) for u, v in graph.edges()])
                layout = f"{time.perf_counter() - started:.2f}"
            render = f"{render_seconds(browser, Path(result.path)):.2f}" if browser else "–"
            rows.append(
                (
                    f"{result.nodes:,}",
                    f"{result.edges:,}",
                    ("browser, from Python's" if result.nodes > SEED_LAYOUT_ABOVE else "browser")
                    if result.physics
                    else "Python, physics off",
                    f"{generation:.2f}",
                    layout or "–",
                    f"{result.bytes / 1e6:.1f} MB",
                    render,
                )
            )
            print(f"  {n:,} nodes done", file=sys.stderr)
    finally:
        if browser:
            browser.close()
        if playwright:
            playwright.stop()
    headers = (
        "nodes",
        "edges",
        "layout by",
        "generation s",
        "of which layout s",
        "file size",
        "Chromium render s",
    )
    print("| " + " | ".join(headers) + " |")
    print("|" + "|".join("---:" for _ in headers) + "|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    print(f"\nfiles in {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
