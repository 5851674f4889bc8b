#!/usr/bin/env python3
"""Speed and memory of ecograph's stores and graph engines, side by side, in one run.

    python benchmarks/run.py                         # 10k and 100k triples
    python benchmarks/run.py --triples 10000,100000,1000000 --json results.json
    python benchmarks/run.py --triples 10000 --network-entities 100000   # the 100k-node analytics

For each size a synthetic national-scale dataset (``ecograph synth --format nquads``) is made
once; every store is then measured in its own subprocess so that peak memory (max RSS) belongs
to that store alone. Columns:

* ``rdflib``: rdflib's in-memory Dataset (ecograph's ``--store memory``).
* ``oxigraph raw``: pyoxigraph used directly, the floor ecograph's store should stay near.
* ``oxigraph``: ecograph's Oxigraph store (``--store oxigraph``, the default), through the
  same interface the commands use.
* ``networkx`` / ``fast engine``: the analytics on the same entity network, by networkx and by
  what ``--engine auto`` picks above 5,000 entities (igraph for measures, networkit's PLM for
  Louvain). The network's simple views are built once and shared, as in the library. The
  structural-holes row (``ecograph brokers``) shows ecograph's own code in the fast-engine
  column; networkx's is measured up to 1,000 nodes.

``export trig+turtle+jsonld`` is the time to write the three files of ``ecograph build`` from
the loaded build (the writers do not depend on the store, so it is measured once).

Queries are the gallery's shapes: an entity by label with its relations in and out, a 2-hop
neighbourhood, a group-by count and a label search. Each is run once to warm up, then at least
7 times and, while the runs fit in one second, up to 2,000 times; the median (p50) is reported.

The query rows of ``oxigraph raw`` are *paired*: measured in the ``oxigraph`` worker, on the same
pyoxigraph store ecograph wraps, alternating raw and ecograph calls (ABBA order). The raw call
runs the same text with the same substitutions and reads every term of every solution, as any
caller must. Measured in separate processes, the same 50 µs query varied by up to 2× from one
process to the next, more than the overhead being measured; pairing cancels that. The raw
worker still gives the raw load time and peak memory (and its own query times, in ``--json``).
A second pairing compares ecograph with raw code that also reads what ecograph's rows carry
(each term's value, a literal's language and datatype); its ratios are printed under the table.
``--json`` also holds the ratios the targets are stated in (``ratios``).

With ``--scale build`` the table of ``benchmarks/build.py`` follows (the cold build, warm
``rank``/``communities``/``lookup``, ``validate`` and a registry's table rows at 50,000 entities,
each beside its reference); with ``--scale national`` also that of ``benchmarks/national.py``
(20M statements end to end with ``--store oxigraph:PATH``: build, validate, rank,
communities, the gallery, serve and push, each with its peak memory against 12 GB). Each runs
in processes of its own, after the store table, in the same run.

Targets (README, "Stores, cache and performance") are checked by reading this table, never by
tests.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PREFIXES = (
    "PREFIX eco: <https://w3id.org/ecograph/ontology#>\n"
    "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
)
QUERIES = {
    "entity+relations": """SELECT ?name ?e ?p ?other ?label WHERE {
        ?e skos:prefLabel ?name .
        { ?e ?p ?other } UNION { ?other ?p ?e }
        ?other skos:prefLabel ?label FILTER(lang(?label) = "zh") }""",
    "2-hop": """SELECT DISTINCT ?name ?e ?far WHERE {
        ?e skos:prefLabel ?name . ?e ?p1 ?near . ?near ?p2 ?far . ?far skos:prefLabel ?l
        FILTER(?far != ?e && lang(?l) = "zh") }""",
    "group-by count": """SELECT ?kind (COUNT(?x) AS ?n) WHERE { ?x a ?kind } \
GROUP BY ?kind ORDER BY DESC(?n) ?kind""",
    "label search": """SELECT ?x ?l WHERE { ?x skos:prefLabel ?l \
FILTER(CONTAINS(STR(?l), "科创中心")) } ORDER BY ?x LIMIT 50""",
}
REPEAT = 7  # at least this many timed runs of each measure ...
BUDGET = 1.0  # ... and more while they fit in this many seconds ...
MAX_RUNS = 2000  # ... up to this many


def _p50(fn) -> float:
    fn()  # warm-up: the first run fills each store's per-query caches
    times: list[float] = []
    spent = 0.0
    while len(times) < REPEAT or (spent < BUDGET and len(times) < MAX_RUNS):
        start = time.perf_counter()
        fn()
        elapsed = time.perf_counter() - start
        times.append(elapsed)
        spent += elapsed
    return statistics.median(times)


def _p50_paired(first, second) -> tuple[float, float]:
    """The p50 of two functions timed alternately (ABBA: first, second, second, first, …), so that
    whatever slows one down for a while slows both; the same run budget as :func:`_p50`, shared."""
    first()
    second()
    times: tuple[list[float], list[float]] = ([], [])
    spent = 0.0
    turn = 0
    while len(times[1]) < REPEAT or (spent < 2 * BUDGET and len(times[1]) < MAX_RUNS):
        order = ((0, first), (1, second)) if turn % 2 == 0 else ((1, second), (0, first))
        for index, fn in order:
            start = time.perf_counter()
            fn()
            elapsed = time.perf_counter() - start
            times[index].append(elapsed)
            spent += elapsed
        turn += 1
    return statistics.median(times[0]), statistics.median(times[1])


def _max_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --------------------------------------------------------------------------- workers


def worker(kind: str, nquads_path: str, label: str) -> dict:
    data = Path(nquads_path).read_bytes()
    result: dict = {}
    if kind == "oxigraph-raw":
        import pyoxigraph as ox

        start = time.perf_counter()
        store = ox.Store()
        store.load(input=data, format=ox.RdfFormat.N_QUADS)
        result["load"] = time.perf_counter() - start
        name = ox.Literal(label, language="zh")
        for qname, text in QUERIES.items():
            subs = {ox.Variable("name"): name} if "?name" in text else None
            # run the query and read every term of every solution, as any caller must
            result[qname] = _p50(
                lambda text=text, subs=subs: [
                    tuple(s)
                    for s in store.query(
                        PREFIXES + text, use_default_graph_as_union=True, substitutions=subs
                    )
                ]
            )
    else:
        kg = _knowledge_graph(kind, data, result)
        for qname, text in QUERIES.items():
            bindings = _literal(
                {"name": label} if "?name" in text else None, kind
            )  # built once, as for raw
            if kind == "oxigraph":
                import pyoxigraph as ox

                store = kg.store.store
                subs = (
                    {ox.Variable(k): ox.Literal(v.value, language=v.language)
                     for k, v in bindings.items()}
                    if bindings else None
                )  # fmt: skip
                result[qname], result[f"{qname} (raw, paired)"] = _p50_paired(
                    lambda text=text, bindings=bindings: kg.query(PREFIXES + text, bindings),
                    lambda store=store, text=text, subs=subs: [
                        tuple(s)
                        for s in store.query(
                            PREFIXES + text, use_default_graph_as_union=True, substitutions=subs
                        )
                    ],
                )
                # and against raw code that also reads what ecograph's rows carry: each term's
                # value, and a literal's language and datatype
                result[f"{qname} (second run)"], result[f"{qname} (raw reading values, paired)"] = (
                    _p50_paired(
                        lambda text=text, bindings=bindings: kg.query(PREFIXES + text, bindings),
                        lambda store=store, text=text, subs=subs: [
                            [
                                (t.value, t.language, t.datatype)
                                if type(t) is ox.Literal
                                else t.value
                                for t in s
                            ]
                            for s in store.query(
                                PREFIXES + text, use_default_graph_as_union=True, substitutions=subs
                            )
                        ],
                    )
                )
            else:
                result[qname] = _p50(
                    lambda text=text, bindings=bindings: kg.query(PREFIXES + text, bindings)
                )
        start = time.perf_counter()
        kg.lookup(label)
        result["lookup (first, builds the name index)"] = time.perf_counter() - start
        result["lookup"] = _p50(lambda: kg.lookup(label))
        start = time.perf_counter()
        network = kg.network()
        result["network projection"] = time.perf_counter() - start
        nodes = sorted(network.graph.nodes)
        result["path"] = _p50(lambda: kg.paths(nodes[0], nodes[-1], max_length=6))
        if kind == "oxigraph":  # the writers do not depend on the store: measured once
            result["peak MB"] = _max_rss_mb()  # the store's, before the writers' lists of quads
            start = time.perf_counter()
            for fmt in ("trig", "turtle", "jsonld"):
                kg.serialize(fmt)
            result["export trig+turtle+jsonld"] = time.perf_counter() - start
            result["export peak MB"] = _max_rss_mb()
        result["nodes"] = network.graph.number_of_nodes()
        result["edges"] = network.graph.number_of_edges()
    result.setdefault("peak MB", _max_rss_mb())
    return result


def _literal(bindings: dict | None, kind: str = "rdflib"):
    """Language-tagged literals as every store accepts them (``kind`` is kept for the callers:
    bindings no longer depend on the store)."""
    if not bindings:
        return None
    from ecograph.stores import Literal

    return {k: Literal(v, language="zh") for k, v in bindings.items()}


def _knowledge_graph(kind: str, data: bytes, result: dict):
    from ecograph.kg import KnowledgeGraph
    from ecograph.loader import DatasetMeta, LoadedData
    from ecograph.stores.memory import RdflibStore
    from ecograph.stores.oxigraph import OxigraphStore
    from ecograph.synth import BASE

    meta = DatasetMeta("synth", BASE, {"zh": "合成", "en": "synthetic"}, {}, None, {}, Path("."))
    from ecograph.provenance import to_dataset

    start = time.perf_counter()
    if kind == "rdflib":
        store = RdflibStore(to_dataset(data, BASE))
    else:
        store = OxigraphStore()
        store.load_nquads(data)
    result["load"] = time.perf_counter() - start
    return KnowledgeGraph(LoadedData(meta, {}, []), store, nquads=data)


def analytics(nquads_path: str) -> dict:
    """PageRank, approximate betweenness and Louvain on the entity network, per engine."""
    from ecograph.analysis import analysis_view, communities, measures

    data = Path(nquads_path).read_bytes()
    kg = _knowledge_graph("oxigraph", data, {})
    projection = kg.network()
    start = time.perf_counter()
    directed, undirected = analysis_view(projection, exclude=())
    out: dict = {
        "nodes": len(undirected),
        "edges": undirected.number_of_edges(),
        "analysis view": time.perf_counter() - start,
    }
    import ecograph.analysis as analysis

    analysis.FAST_ENGINE_THRESHOLD = 0  # sample betweenness at every size, for both engines
    for engine in ("networkx", "igraph"):
        for name in ("pagerank", "betweenness"):
            if engine == "networkx" and name == "betweenness" and len(undirected) > 20_000:
                out[f"{engine} {name}"] = None
                continue
            start = time.perf_counter()
            measures(directed, undirected, (name,), engine=engine)
            out[f"{engine} {name}"] = time.perf_counter() - start
        # the fast engine's Louvain is what `auto` picks: networkit's PLM (igraph if absent)
        if engine == "networkx" and len(undirected) > 50_000:
            out[f"{engine} louvain"] = None  # minutes at this size
            continue
        start = time.perf_counter()
        communities(projection, exclude=(), engine="auto" if engine == "igraph" else engine)
        out[f"{engine} louvain"] = time.perf_counter() - start
    # brokers: Burt's effective size and constraint (ecograph's own code; networkx's for comparison)
    import networkx as nx

    active = [n for n in undirected if undirected.degree(n) > 0]
    start = time.perf_counter()
    analysis.structural_holes(undirected, active)
    out["ecograph structural holes"] = (
        time.perf_counter() - start
    )  # shown in the fast-engine column
    if len(undirected) > 1_000:
        out["networkx structural holes"] = None  # 9.6 minutes on a 3,400-node network
    else:
        start = time.perf_counter()
        nx.effective_size(undirected, nodes=active)
        nx.constraint(undirected, nodes=active)
        out["networkx structural holes"] = time.perf_counter() - start
    if len(undirected) > 50_000:
        out["viewer generation"] = (
            None  # benchmarks/viewer.py measures the viewer up to 20,000 nodes
        )
        return out
    try:
        with tempfile.TemporaryDirectory() as tmp:
            start = time.perf_counter()
            kg.view(Path(tmp) / "view.html")
            out["viewer generation"] = time.perf_counter() - start
            out["viewer MB"] = (Path(tmp) / "view.html").stat().st_size / 1e6
    except Exception as exc:  # the viewer may be missing or refuse a size; say so
        out["viewer generation"] = f"n/a ({type(exc).__name__})"
    return out


def startup() -> dict:
    exe = str(Path(sys.executable).parent / "ecograph")
    out = {}
    for name, args in (
        ("ecograph --help", ["--help"]),
        ("ecograph lookup 鄂尔多斯实验室", ["lookup", "鄂尔多斯实验室"]),
    ):
        subprocess.run([exe, *args], capture_output=True, check=True)  # warm the build cache
        times = []
        for _ in range(5):
            start = time.perf_counter()
            subprocess.run([exe, *args], capture_output=True, check=True)
            times.append(time.perf_counter() - start)
        out[name] = statistics.median(times)
    return out


# --------------------------------------------------------------------------- driver


def _run(*args: str) -> dict:
    proc = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True)
    if proc.returncode != 0:
        return {"error": proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else "failed"}
    return json.loads(proc.stdout)


def _entities_for(triples: int) -> int:
    return max(50, int(triples / 29))  # about 29 triples per synthetic entity (measured)


def _fmt(value) -> str:
    if value is None:
        return "skipped"
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        return f"{value:,}"
    if value < 0.001:
        return f"{value * 1e6:,.1f} µs"
    return f"{value * 1000:,.1f} ms" if value < 1 else f"{value:,.2f} s"


def _analytics_rows(triples: int, engines: dict) -> list[tuple[str, ...]]:
    rows = [
        (
            f"{triples:,}",
            f"network: {engines.get('nodes', 0):,} nodes, {engines.get('edges', 0):,} edges",
            "",
            "",
            "",
            "",
            "",
        )
    ]
    for name in ("pagerank", "betweenness", "louvain", "structural holes"):
        label_name = {
            "betweenness": "approx. betweenness (500 sources)",
            "structural holes": "structural holes (brokers; ecograph's own)",
        }.get(name, name)
        fast = engines.get(
            "ecograph structural holes" if name == "structural holes" else f"igraph {name}"
        )
        rows.append(
            (
                f"{triples:,}",
                label_name,
                "",
                "",
                "",
                _fmt(engines.get(f"networkx {name}")),
                _fmt(fast),
            )
        )
    rows.append(
        (
            f"{triples:,}",
            "viewer generation",
            "",
            "",
            "",
            _fmt(engines.get("viewer generation")),
            "",
        )
    )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--triples", default="10000,100000", help="comma-separated sizes")
    parser.add_argument(
        "--network-entities",
        default="",
        help="comma-separated entity counts for extra analytics-only rows "
        "(e.g. 100000: the 100k-node targets)",
    )
    parser.add_argument("--json", dest="json_out", help="also write the results as JSON")
    parser.add_argument(
        "--scale",
        choices=["stores", "build", "national"],
        default="stores",
        help="stores: the store table only; build: also benchmarks/build.py (minutes); "
        "national: also benchmarks/national.py (20M statements, about an hour)",
    )
    parser.add_argument("--worker", nargs=3, help=argparse.SUPPRESS)
    parser.add_argument("--analytics", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(*args.worker)))
        return
    if args.analytics:
        print(json.dumps(analytics(args.analytics)))
        return
    from ecograph.synth import synthesize

    results: dict = {"startup": startup(), "sizes": {}}
    rows: list[tuple[str, ...]] = []
    for size in [int(s) for s in args.triples.split(",")]:
        with tempfile.TemporaryDirectory() as tmp:
            synthesize(tmp, _entities_for(size), seed=1, fmt="nquads")
            path = str(Path(tmp) / "synth.nq")
            triples = sum(1 for _ in open(path, encoding="utf-8"))
            label = "华中1科学技术局"
            for line in open(path, encoding="utf-8"):
                if '科学技术局"@zh' in line:
                    label = line.split('"')[1]
                    break
            per_store = {
                kind: _run("--worker", kind, path, label)
                for kind in ("rdflib", "oxigraph-raw", "oxigraph")
            }
            engines = _run("--analytics", path)
        ratios = {
            query: {
                "ecograph / raw (paired)": per_store["oxigraph"][query]
                / per_store["oxigraph"][f"{query} (raw, paired)"],
                "ecograph / raw reading values (paired)": per_store["oxigraph"][
                    f"{query} (second run)"
                ]
                / per_store["oxigraph"][f"{query} (raw reading values, paired)"],
                "rdflib / ecograph": per_store["rdflib"][query] / per_store["oxigraph"][query],
            }
            for query in QUERIES
        }
        ratios["load"] = {
            "ecograph / raw": per_store["oxigraph"]["load"] / per_store["oxigraph-raw"]["load"]
        }
        results["sizes"][triples] = {"stores": per_store, "analytics": engines, "ratios": ratios}
        metrics = [
            "load", "peak MB", *QUERIES, "lookup (first, builds the name index)", "lookup",
            "network projection", "path", "export trig+turtle+jsonld", "export peak MB",
        ]  # fmt: skip
        for metric in metrics:
            cells = []
            for kind in ("rdflib", "oxigraph-raw", "oxigraph"):
                value = per_store[kind].get(metric, "-")
                if kind == "oxigraph-raw" and metric in QUERIES:
                    value = per_store["oxigraph"].get(f"{metric} (raw, paired)", value)
                cells.append(
                    f"{value:,.0f}"
                    if metric.endswith("peak MB") and isinstance(value, float)
                    else _fmt(value)
                    if value != "-"
                    else "-"
                )
            rows.append((f"{triples:,}", metric, *cells, "", ""))
        rows += _analytics_rows(triples, engines)
    results["networks"] = {}
    for entities in [int(s) for s in args.network_entities.split(",") if s]:
        with tempfile.TemporaryDirectory() as tmp:
            synthesize(tmp, entities, seed=1, fmt="nquads")
            path = str(Path(tmp) / "synth.nq")
            triples = sum(1 for _ in open(path, encoding="utf-8"))
            engines = _run("--analytics", path)
        results["networks"][entities] = {"triples": triples, "analytics": engines}
        rows += _analytics_rows(triples, engines)
    headers = (
        "triples",
        "measure",
        "rdflib",
        "oxigraph raw",
        "oxigraph",
        "networkx",
        "fast engine",
    )
    widths = [max(len(str(r[i])) for r in [*rows, headers]) for i in range(len(headers))]
    print("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print("  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)))
    print()
    for triples, size in results["sizes"].items():
        ratios = size["ratios"]
        paired = ", ".join(f"{q} {ratios[q]['ecograph / raw (paired)']:.2f}×" for q in QUERIES)
        faster = ", ".join(f"{q} {ratios[q]['rdflib / ecograph']:,.0f}×" for q in QUERIES)
        values = ", ".join(
            f"{q} {ratios[q]['ecograph / raw reading values (paired)']:.2f}×" for q in QUERIES
        )
        print(
            f"{triples:,} triples: ecograph / raw pyoxigraph: "
            f"load {ratios['load']['ecograph / raw']:.2f}×, {paired}"
        )
        print(
            f"{triples:,} triples: ecograph / raw pyoxigraph reading each term's value, "
            f"language, datatype: {values}"
        )
        print(f"{triples:,} triples: rdflib / ecograph: {faster}")
    print()
    for name, seconds in results["startup"].items():
        print(f"cold start, median of 5: {name}: {seconds * 1000:.0f} ms")
    scripts = {"stores": [], "build": ["build.py"], "national": ["build.py", "national.py"]}
    for script in scripts[args.scale]:
        print(flush=True)
        extra = []
        if args.json_out:
            extra = ["--json", str(Path(args.json_out).with_suffix(f".{Path(script).stem}.json"))]
        subprocess.run([sys.executable, str(Path(__file__).with_name(script)), *extra], check=True)
    if args.json_out:
        Path(args.json_out).write_text(
            json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8"
        )


if __name__ == "__main__":
    main()
