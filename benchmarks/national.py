#!/usr/bin/env python3
"""20M statements end to end on one machine, with ``--store oxigraph:PATH``, in one run.

    python benchmarks/national.py                          # 50,000 entities + 1,000,000 rows
    python benchmarks/national.py --entities 5000 --table-rows 50000 --json national.json

A synthetic dataset is written once (``ecograph synth --entities N --tables --table-rows R``:
curated YAML and a registry of R enterprises as CSV; at the defaults about 20.4M statements),
then each step runs in a fresh process, so that its peak memory (max RSS, with its children:
the RML engine, the workers of ``serve``) is its own:

* ``ecograph build (cold)``: the streaming build into an on-disk store and the three files,
  beside its reference, libyaml parsing the YAML plus pyoxigraph bulk-loading the build's
  N-Quads into a store on disk (the registry's RML run is ecograph's alone: no reference);
* ``validate``: loader checks and SHACL on a store on disk;
* ``rank --top 3`` and ``communities``: the network read from the store (first run, then
  the build cache warm);
* ``query (the gallery)``: every saved query of queries/, one process;
* ``serve``: started on the store, one query answered over HTTP, stopped;
* ``push``: into an Oxigraph server (``oxigraph serve --location``), in resumable chunks
  above 200,000 statements,
  beside its reference, ``oxigraph load`` of the same N-Quads into a folder.

Every step must stay within 12 GB (the target); the time of each is what the table reports.
Each figure is also printed to stderr as soon as it is taken (the gallery's query by query), so
a run stopped part way still shows what it measured.
The figures are read from this table, never asserted by tests.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

LIMIT_MB = 12 * 1024

_PARSE = """
import resource, sys, time
from pathlib import Path
import yaml
started = time.perf_counter()
for path in sorted(Path(sys.argv[1]).rglob("*.yaml")):
    with path.open("rb") as handle:
        yaml.load(handle, Loader=yaml.CSafeLoader)
print(time.perf_counter() - started, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""

_LOAD = """
import resource, sys, time
import pyoxigraph as ox
started = time.perf_counter()
store = ox.Store(sys.argv[2])
store.bulk_load(path=sys.argv[1], format=ox.RdfFormat.N_QUADS)
store.flush()
print(time.perf_counter() - started, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""

_GALLERY = """
import resource, sys, time
started = time.perf_counter()
import ecograph
from ecograph.gallery import gallery
kg = ecograph.load(sys.argv[1], sys.argv[2])
for saved in gallery():
    began = time.perf_counter()
    kg.run_query(name=saved.name)
    print(f"    {time.perf_counter() - began:8.1f} s  {saved.name}", file=sys.stderr, flush=True)
print(time.perf_counter() - started, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""

_SERVE = """
import resource, subprocess, sys, time, urllib.parse, urllib.request
started = time.perf_counter()
server = subprocess.Popen(sys.argv[2:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
url = sys.argv[1] + "?" + urllib.parse.urlencode(
    {"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s a ?kind }"}
)
while True:
    try:
        with urllib.request.urlopen(url, timeout=600) as response:
            response.read()
        break
    except OSError:
        if server.poll() is not None:
            raise SystemExit(server.stderr.read().decode())
        time.sleep(0.5)
elapsed = time.perf_counter() - started
server.terminate()
server.wait(timeout=60)
print(elapsed, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def _python(code: str, *args: str, env: dict[str, str] | None = None) -> tuple[float, float]:
    out = subprocess.run(
        [sys.executable, "-c", code, *args],
        check=True,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    ).stdout.split()
    return float(out[0]), int(out[1]) / 1024


def _command(
    args: list[str], env: dict[str, str], ok: tuple[int, ...] = (0,)
) -> tuple[float, float]:
    """Wall time and peak MB of one ``ecograph`` command in a fresh process (with its
    children)."""
    script = (
        "import resource, subprocess, sys, time\n"
        "started = time.perf_counter()\n"
        "code = subprocess.run(sys.argv[2:], stdout=subprocess.DEVNULL).returncode\n"
        "if str(code) not in sys.argv[1].split(','): raise SystemExit(f'exit {code}')\n"
        "print(time.perf_counter() - started, "
        "resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    )
    ecograph = str(Path(sys.executable).with_name("ecograph"))
    out = subprocess.run(
        [sys.executable, "-c", script, ",".join(map(str, ok)), ecograph, *args],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    ).stdout.split()
    return float(out[0]), int(out[1]) / 1024


class _Results(dict[str, tuple[float, float]]):
    """The measurements, each also printed to stderr as it is taken, so that a run stopped
    part way still shows what it measured."""

    def __setitem__(self, name: str, value: tuple[float, float]) -> None:
        super().__setitem__(name, value)
        seconds, peak = value
        print(
            f"{time.strftime('%H:%M:%S')}  {name}: {_fmt_s(seconds)}, {peak:,.0f} MB",
            file=sys.stderr,
            flush=True,
        )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _fmt_s(seconds: float) -> str:
    if seconds >= 600:
        return f"{seconds / 60:.1f} min"
    return f"{seconds:.2f} s" if seconds < 100 else f"{seconds:.0f} s"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--entities", type=int, default=50000)
    parser.add_argument("--table-rows", type=int, default=1_000_000)
    parser.add_argument("--json", dest="json_out", help="also write the results as JSON")
    parser.add_argument(
        "--keep", help="work in this folder and leave it (default: a temporary one)"
    )
    options = parser.parse_args()
    oxigraph = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
    root = Path(options.keep or tempfile.mkdtemp(prefix="ecograph-national-"))
    root.mkdir(parents=True, exist_ok=True)
    try:
        data, store, out = root / "data", root / "store", root / "out"
        env = {**os.environ, "ECOGRAPH_CACHE_DIR": str(root / "cache")}
        env.pop("ECOGRAPH_NO_CACHE", None)
        spec = f"oxigraph:{store}"
        if not (data / "dataset.yaml").exists():
            _command(
                ["synth", "--entities", str(options.entities), "--tables",
                 "--table-rows", str(options.table_rows), "-o", str(data)],
                env,
            )  # fmt: skip
        shutil.rmtree(root / "cache", ignore_errors=True)
        shutil.rmtree(store, ignore_errors=True)
        results = _Results()
        results["libyaml parse"] = _python(_PARSE, str(data))
        results["ecograph build (cold)"] = _command(
            ["build", "--data", str(data), "--store", spec, "--out", str(out)], env
        )
        statements = next((root / "cache").glob("spool-*")) / "statements.nq"
        results["oxigraph bulk load (disk)"] = _python(_LOAD, str(statements), str(root / "raw"))
        shutil.rmtree(root / "raw", ignore_errors=True)
        stats = subprocess.run(
            [str(Path(sys.executable).with_name("ecograph")), "stats", "--data", str(data),
             "--store", spec, "--format", "json"],
            check=True, capture_output=True, text=True, env=env,
        )  # fmt: skip
        triples = json.loads(stats.stdout)["triples"]
        results["validate"] = _command(
            ["validate", "--data", str(data), "--store", spec], env, ok=(0, 1)
        )
        for name, args in (
            ("rank --top 3 (first)", ["rank", "--top", "3"]),
            ("rank --top 3 (warm cache)", ["rank", "--top", "3"]),
            ("communities", ["communities"]),
        ):
            results[name] = _command([*args, "--data", str(data), "--store", spec], env)
        results["query (the gallery)"] = _python(_GALLERY, str(data), spec, env=env)
        port = _free_port()
        ecograph = str(Path(sys.executable).with_name("ecograph"))
        results["serve (start, first answer)"] = _python(
            _SERVE,
            f"http://127.0.0.1:{port}/sparql",
            ecograph, "serve", "--data", str(data), "--store", spec, "--port", str(port),
            env=env,
        )  # fmt: skip
        served = root / "server"
        shutil.rmtree(served, ignore_errors=True)
        port = _free_port()
        server = subprocess.Popen(
            [oxigraph, "serve", "--location", str(served), "--bind", f"127.0.0.1:{port}",
             "--union-default-graph"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            time.sleep(2)
            results["push (to oxigraph serve)"] = _command(
                ["push", "--endpoint", f"http://127.0.0.1:{port}/store", "--data", str(data),
                 "--store", spec],
                env,
            )  # fmt: skip
        finally:
            server.terminate()
            server.wait(timeout=60)
        shutil.rmtree(root / "loaded", ignore_errors=True)
        started = time.perf_counter()
        loaded = subprocess.run(
            [sys.executable, "-c",
             "import resource, subprocess, sys\n"
             "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL)\n"
             "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)",
             oxigraph, "load", "--location", str(root / "loaded"), "--file", str(statements)],
            check=True, capture_output=True, text=True,
        )  # fmt: skip
        results["oxigraph load (CLI)"] = (time.perf_counter() - started, int(loaded.stdout) / 1024)
    finally:
        if not options.keep:
            shutil.rmtree(root, ignore_errors=True)
    reference = results["libyaml parse"][0] + results["oxigraph bulk load (disk)"][0]
    pushed = results["push (to oxigraph serve)"][0]
    references = {
        "libyaml parse": "reference",
        "oxigraph bulk load (disk)": "reference",
        "ecograph build (cold)": f"{results['ecograph build (cold)'][0] / reference:.2f} × "
        f"(libyaml + bulk load {reference:.0f} s)",
        "oxigraph load (CLI)": "reference",
        "push (to oxigraph serve)": (
            f"{pushed / results['oxigraph load (CLI)'][0]:.2f} × oxigraph load"
        ),
    }
    rows = [("measure", "time", "peak MB", "within 12 GB", "beside its reference")]
    for name, (seconds, peak) in results.items():
        within = (
            "reference"
            if references.get(name) == "reference"
            else ("yes" if peak <= LIMIT_MB else "NO")
        )
        rows.append((name, _fmt_s(seconds), f"{peak:,.0f}", within, references.get(name, "—")))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    print(
        f"{options.entities:,} entities + {options.table_rows:,} table rows = {triples:,} "
        f"statements, --store oxigraph:PATH, {time.strftime('%Y-%m-%d')}"
    )
    for number, row in enumerate(rows):
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
        if number == 0:
            print("  ".join("-" * width for width in widths))
    if options.json_out:
        Path(options.json_out).write_text(
            json.dumps(
                {
                    "entities": options.entities,
                    "table_rows": options.table_rows,
                    "statements": triples,
                    "results": results,
                },
                indent=2,
            ),
            encoding="utf-8",
        )


if __name__ == "__main__":
    main()
