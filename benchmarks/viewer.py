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

Generation is the best of ``--repeat`` runs. Two more columns time only the last step, the
page itself, on the same model: through pyvis (the viewer's path: a ``pyvis.network.Network``
renders ``assets/page.html``) and by the plain string concatenation the viewer used before it
rendered through pyvis (:func:`join_page`, kept here as the reference; the benchmark checks that
both give the same text). ``--reference-code`` loads an earlier viewer module (e.g. the
``view.py`` of the commit before the viewer package) and times it alternately with the current
code on the same networks, in the same process, checking that both write the same bytes: its
best time goes beside this run's, with the change in percent. ``--reference`` does the same
with the figures of an earlier run's printed table (several tables: the best per size).
``--clock cpu`` times by this process's CPU time instead of the wall clock: on a machine that
other jobs load, wall-clock figures swing by tens of percent from run to run, CPU time by a few.

Usage::

    python benchmarks/viewer.py                      # 500, 5,000 and 20,000 nodes
    python benchmarks/viewer.py --sizes 1000 2000    # other sizes
    python benchmarks/viewer.py --no-browser         # generation only
    python benchmarks/viewer.py --no-browser --reference before.md
    git show 7062150:src/ecograph/view.py > /tmp/before.py
    python benchmarks/viewer.py --no-browser --repeat 7 --clock cpu --reference-code /tmp/before.py

Prints one Markdown table. Timings are of this machine; nothing here asserts on them.
"""

from __future__ import annotations

import argparse
import gc
import html
import random
import re
import statistics
import sys
import tempfile
import time
from functools import partial
from pathlib import Path
from typing import Any

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
        from ecograph.vocab import vocabulary

        self.graph = graph
        self.vocab = vocabulary()
        self.analysis_cache: dict = {}
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


def join_page(model) -> str:
    """The page as the viewer wrote it before rendering through pyvis: one string join (the
    reference for the pyvis path; same bytes)."""
    from ecograph.viewer._files import TEMPLATE, asset_text
    from ecograph.viewer.page import _page_values, script_json

    v = _page_values(model)
    esc = html.escape
    data = script_json(
        {**v["data"], "nodes": model.payload["nodes"], "edges": model.payload["edges"]}
    )
    body = asset_text(TEMPLATE)  # the body markup, between the head and the scripts
    body = body[body.index('<div id="ecograph-app">') : body.index("<script type=")]
    generator = f"ecograph {esc(v['version'])}; vis-network {esc(v['vis_version'])}"
    parts = [
        "<!DOCTYPE html>\n",
        f'<html lang="{v["html_lang"]}">\n<head>\n<meta charset="utf-8">\n',
        f'<meta http-equiv="Content-Security-Policy" content="{esc(v["csp"], quote=False)}">\n',
        '<meta name="referrer" content="no-referrer">\n',
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n',
        f'<meta name="generator" content="{generator}">\n',
        f"<title>{esc(v['title'])}</title>\n",
        "<style>\n", v["vis_css"], "\n</style>\n",
        "<style>\n", v["app_css"], "</style>\n",
        "</head>\n<body>\n",
        body.replace("{{ page.noscript | html }}", esc(v["noscript"])),
        '<script type="application/json" id="ecograph-data">', data, "</script>\n",
        "<script>", v["vis_js"], "</script>\n",
        "<script>", v["app_js"], "</script>\n",
        "</body>\n</html>\n",
    ]  # fmt: skip
    return "".join(parts)


#: what generation is timed with: wall-clock time, or with --clock cpu this process's CPU time
#: (much steadier on a machine other jobs are loading)
CLOCKS = {"wall": time.perf_counter, "cpu": time.process_time}
clock = CLOCKS["wall"]


def best_of(repeat: int, run, setup=lambda: ()) -> tuple[float, object]:
    """The shortest of ``repeat`` timings of ``run(*setup())`` (``setup`` untimed), and the
    last result."""
    best, result = float("inf"), None
    for _ in range(repeat):
        args = setup()
        started = clock()
        result = run(*args)
        best = min(best, clock() - started)
    return best, result


def reference_figures(path: Path) -> dict[int, float]:
    """nodes -> generation seconds from the Markdown table(s) an earlier run printed (the
    smallest figure when several tables list a size)."""
    figures: dict[int, float] = {}
    columns: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if "nodes" in cells and "generation s" in cells:
            columns = cells
        elif columns and len(cells) == len(columns) and re.fullmatch(r"[\d,]+", cells[0]):
            n, seconds = int(cells[0].replace(",", "")), float(cells[columns.index("generation s")])
            figures[n] = min(seconds, figures.get(n, seconds))
    return figures


def load_reference_code(path: Path) -> Any:
    """An earlier version of the viewer module, loaded inside the current ``ecograph`` package
    (its relative imports resolve there), to time against the current code in one process."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("ecograph._reference_view", path)
    assert spec is not None and spec.loader is not None, path
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    module.build_view(synthetic_projection(50), Path(tempfile.mkdtemp()) / "warm-up.html")
    return module


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
    parser.add_argument(
        "--repeat", type=int, default=3, help="Time generation this many times, keep the best."
    )
    parser.add_argument(
        "--reference",
        type=Path,
        default=None,
        help="A table printed by an earlier run: its generation figures go beside this run's.",
    )
    parser.add_argument(
        "--reference-code",
        type=Path,
        default=None,
        help="An earlier viewer module (e.g. `git show REV:src/ecograph/view.py`), timed "
        "alternately with the current code in this run; its pages must be the same bytes.",
    )
    parser.add_argument(
        "--clock",
        choices=sorted(CLOCKS),
        default="wall",
        help="Time generation by the wall clock or by this process's CPU time.",
    )
    args = parser.parse_args(argv)
    global clock
    clock = CLOCKS[args.clock]
    reference = reference_figures(args.reference) if args.reference else {}
    earlier = load_reference_code(args.reference_code) if args.reference_code else None

    from ecograph.viewer import (
        SEED_LAYOUT_ABOVE,
        ViewSource,
        build_view,
        compute_layout,
        prepare_view,
    )
    from ecograph.viewer.page import _render

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
            path = out / f"synthetic-{n}.html"
            runs: dict[str, Any] = {
                "current": lambda p, path=path: build_view(ViewSource(projection=p), path)
            }
            if earlier is not None:
                runs["reference"] = lambda p, n=n: earlier.build_view(
                    p, out / f"reference-{n}.html"
                )
            times: dict[str, list[float]] = {name: [] for name in runs}
            for r in range(args.repeat):
                for name in list(runs) if r % 2 == 0 else list(reversed(runs)):
                    # a fresh projection each time: centrality is cached on the projection
                    fresh = synthetic_projection(n)
                    gc.collect()
                    started = clock()
                    done = runs[name](fresh)
                    times[name].append(clock() - started)
                    if name == "current":
                        result = done
            generation = min(times["current"])
            if earlier is not None:
                same = path.read_bytes() == (out / f"reference-{n}.html").read_bytes()
                assert same, "the reference code wrote other bytes"
                reference[result.nodes] = min(times["reference"])
                print(
                    f"  {n:,} nodes: median {statistics.median(times['current']):.3f} s, "
                    f"reference {statistics.median(times['reference']):.3f} s",
                    file=sys.stderr,
                )
            model = prepare_view(ViewSource(projection=projection))
            pyvis_page, text = best_of(args.repeat, partial(_render, model))
            join_seconds, joined = best_of(args.repeat, partial(join_page, model))
            assert text == joined, "the pyvis page and the string join differ"
            before = reference.get(result.nodes)
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
                    f"{generation:.3f}",
                    f"{before:.3f}" if before else "–",
                    f"{100 * (generation / before - 1):+.1f} %" if before else "–",
                    f"{pyvis_page:.3f}",
                    f"{join_seconds:.3f}",
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
        "reference s",
        "change",
        "page s (pyvis)",
        "page s (join)",
        "of which layout s",
        "file size",
        "Chromium render s",
    )
    print("| " + " | ".join(headers) + " |")
    print("|" + "|".join("---:" for _ in headers) + "|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    print(f"\ngeneration and page: best of {args.repeat}, {args.clock} clock")
    print(f"\nfiles in {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
