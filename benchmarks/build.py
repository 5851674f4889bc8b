#!/usr/bin/env python3
"""The cold build and repeated commands at national scale, each beside its reference, in one run.

    python benchmarks/build.py                      # 50,000 synthetic entities
    python benchmarks/build.py --entities 5000 --json build.json

A synthetic dataset (``ecograph synth --entities N``, YAML) is written once; then, each in a
fresh process so that its peak memory (max RSS) is its own:

* ``libyaml parse``: every YAML file of the dataset read with PyYAML's ``CSafeLoader``, the
  reference for reading the data;
* ``oxigraph bulk load``: pyoxigraph bulk-loading the build's N-Quads into an in-memory store,
  the reference for making the store;
* ``ecograph build (cold)``: ``ecograph build`` with the build cache off, against the target
  ≤ 1.5 × (libyaml parse + oxigraph bulk load) and ≤ 3 GB;
* ``rank --top 3`` / ``communities`` / ``lookup`` / ``view`` on unchanged data, the build cache warm
  (targets ≤ 5 s, ≤ 5 s, ≤ 0.35 s and ≤ 5 s);
* ``validate``: the loader's checks and SHACL on Oxigraph (target ≤ 60 s, ≤ 3 GB); with
  ``--pyshacl`` also ``validate --shacl-engine pyshacl``, the reference (minutes at 50,000);
* registries as tables: ``ecograph build`` of 5,000 curated entities cold, then of the same with
  a registry of ``--table-rows`` enterprises (``synth --tables``; morph-kgc must be installed,
  ``ecograph engine install``), the difference being what the table costs.

The figures are read from this table, never asserted by tests.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

_PARSE = """
import resource, sys, time, yaml
from pathlib import Path
started = time.perf_counter()
for path in sorted(Path(sys.argv[1]).rglob("*.yaml")):
    with open(path, encoding="utf-8") as handle:
        yaml.load(handle, Loader=yaml.CSafeLoader)
print(time.perf_counter() - started, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""
_LOAD = """
import resource, sys, time, pyoxigraph
data = open(sys.argv[1], "rb").read()
started = time.perf_counter()
store = pyoxigraph.Store()
store.bulk_load(input=data, format=pyoxigraph.RdfFormat.N_QUADS)
print(time.perf_counter() - started, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def _python(code: str, *args: str) -> tuple[float, float]:
    out = subprocess.run(
        [sys.executable, "-c", code, *args], check=True, capture_output=True, text=True
    ).stdout.split()
    return float(out[0]), int(out[1]) / 1024


def _command(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall time and peak MB of one ``ecograph`` command in a fresh process."""
    script = (
        "import resource, subprocess, sys, time\n"
        "started = time.perf_counter()\n"
        "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL)\n"
        "print(time.perf_counter() - started, "
        "resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    )
    ecograph = str(Path(sys.executable).with_name("ecograph"))
    out = subprocess.run(
        [sys.executable, "-c", script, ecograph, *args],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    ).stdout.split()
    return float(out[0]), int(out[1]) / 1024


def _first_id(path: Path) -> str:
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("- id: "):
                return line[len("- id: ") :].strip()
    raise SystemExit(f"no record in {path}")


def _fmt_s(seconds: float) -> str:
    return f"{seconds:.2f} s" if seconds < 100 else f"{seconds:.0f} s"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--entities", type=int, default=50000)
    parser.add_argument("--json", dest="json_out", help="also write the results as JSON")
    parser.add_argument("--table-rows", type=int, default=50000, help="rows of the registry")
    parser.add_argument("--pyshacl", action="store_true", help="also time the pyshacl engine")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ecograph-build-bench-") as tmp:
        root = Path(tmp)
        data, out, cache = root / "data", root / "out", root / "cache"
        env = {**os.environ, "ECOGRAPH_CACHE_DIR": str(cache)}
        env.pop("ECOGRAPH_NO_CACHE", None)
        cold = {**env, "ECOGRAPH_NO_CACHE": "1"}
        _command(["synth", "--entities", str(options.entities), "-o", str(data)], cold)
        results: dict[str, tuple[float, float]] = {}
        results["libyaml parse"] = _python(_PARSE, str(data))
        results["ecograph build (cold)"] = _command(
            ["build", "--data", str(data), "--out", str(out)], cold
        )
        _command(
            ["export", "--data", str(data), "--format", "nquads", "-o", str(root / "b.nq")], env
        )
        results["oxigraph bulk load"] = _python(_LOAD, str(root / "b.nq"))
        entity = _first_id(data / "entities.yaml")  # an entity of this dataset, by its id
        for name, args in (
            ("rank --top 3 (warm cache)", ["rank", "--top", "3"]),
            ("communities (warm cache)", ["communities"]),
            ("lookup (warm cache)", ["lookup", entity]),
            ("view (warm cache)", ["view", "-o", str(root / "view.html")]),
        ):
            _command([*args, "--data", str(data)], env)  # the cache made for this command
            results[name] = _command([*args, "--data", str(data)], env)
        results["validate (SHACL on Oxigraph)"] = _command(["validate", "--data", str(data)], env)
        if options.pyshacl:
            results["validate --shacl-engine pyshacl"] = _command(
                ["validate", "--data", str(data), "--shacl-engine", "pyshacl"], env
            )
        small, registry = root / "small", root / "registry"
        _command(["synth", "--entities", "5000", "-o", str(small)], cold)
        _command(
            ["synth", "--entities", "5000", "--tables", "--table-rows", str(options.table_rows),
             "-o", str(registry)],
            cold,
        )  # fmt: skip
        results["build 5,000 entities (cold)"] = _command(
            ["build", "--data", str(small), "--out", str(root / "small-out")], cold
        )
        results[f"build 5,000 + {options.table_rows:,} table rows (cold)"] = _command(
            ["build", "--data", str(registry), "--out", str(root / "registry-out")], cold
        )
    reference = results["libyaml parse"][0] + results["oxigraph bulk load"][0]
    targets = {
        "libyaml parse": "reference",
        "oxigraph bulk load": "reference",
        "ecograph build (cold)": f"≤ {1.5 * reference:.1f} s (1.5 × {reference:.1f} s), ≤ 3,072 MB",
        "rank --top 3 (warm cache)": "≤ 5 s",
        "communities (warm cache)": "≤ 5 s",
        "lookup (warm cache)": "≤ 0.35 s",
        "view (warm cache)": "≤ 5 s",
        "validate (SHACL on Oxigraph)": "≤ 60 s, ≤ 3,072 MB",
        "validate --shacl-engine pyshacl": "reference",
        "build 5,000 entities (cold)": "reference for the table",
    }
    rows = [("measure", "time", "peak MB", "target")]
    for name, (seconds, peak) in results.items():
        rows.append((name, _fmt_s(seconds), f"{peak:,.0f}", targets.get(name, "—")))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    print(f"{options.entities:,} synthetic entities, {time.strftime('%Y-%m-%d')}")
    for number, row in enumerate(rows):
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
        if number == 0:
            print("  ".join("-" * width for width in widths))
    ratio = results["ecograph build (cold)"][0] / reference
    print(f"\nbuild / (libyaml parse + oxigraph bulk load): {ratio:.2f}×")
    table = results[f"build 5,000 + {options.table_rows:,} table rows (cold)"][0]
    print(
        f"the table's {options.table_rows:,} rows: "
        f"{table - results['build 5,000 entities (cold)'][0]:.1f} s"
    )
    if options.json_out:
        Path(options.json_out).write_text(
            json.dumps(
                {
                    "entities": options.entities,
                    "table_rows": options.table_rows,
                    "results": results,
                    "build_ratio": ratio,
                },
                indent=2,
            ),
            encoding="utf-8",
        )


if __name__ == "__main__":
    main()
