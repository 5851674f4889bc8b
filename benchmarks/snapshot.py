"""Write every user-visible output of the bundled data into a folder, for a before/after diff.

A refactoring must not change what users see. Run this on the old and the new checkout and
compare the folders byte for byte:

    python benchmarks/snapshot.py /tmp/before        # on the old commit
    python benchmarks/snapshot.py /tmp/after         # on the new one
    python benchmarks/snapshot.py --compare /tmp/before /tmp/after

``--compare`` lists the files that differ, with each folder's own path (it appears in file
names and in what build, view and synth print) replaced by one token; exit 1 when any does.

Each command's standard output goes to its own file (named after the command line), files it
writes go beside it, and MANIFEST lists the SHA-256 of every file. Commands run through the
installed `ecograph` script, so the snapshot depends on nothing inside the package.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import sys
from pathlib import Path

EXPORTS = ["trig", "nquads", "turtle", "ntriples", "jsonld", "graphml", "gexf"]
TABLE_FORMATS = ["table", "json", "csv"]
TEXT_FORMATS = ["text", "json"]


def commands(out: Path) -> list[list[str]]:
    """Every command line of the snapshot; paths inside ``out`` where a command writes files."""
    cmds: list[list[str]] = []
    for store in ("oxigraph", "memory"):
        for fmt in EXPORTS:
            cmds.append(["export", "--store", store, "--format", fmt])
        cmds.append(
            ["export", "--store", store, "--format", "csv", "-o", str(out / f"csv-{store}")]
        )
        cmds.append(
            [
                "export",
                "--store",
                store,
                "--format",
                "csv",
                "--excel",
                "-o",
                str(out / f"csv-excel-{store}"),
            ]
        )
        cmds.append(["build", "--store", store, "--out", str(out / f"build-{store}")])
        cmds.append(["stats", "--store", store, "--format", "json"])
    cmds.append(["stats"])
    cmds.append(["validate"])
    cmds.append(["validate", "--format", "json"])
    for fmt in TEXT_FORMATS:
        for lang in ("zh", "en"):
            cmds.append(["lookup", "鄂尔多斯实验室", "--format", fmt, "--lang", lang])
            cmds.append(["lookup", "清华", "--format", fmt, "--lang", lang])
            cmds.append(["neighbors", "鄂尔多斯实验室", "--format", fmt, "--lang", lang])
            cmds.append(["neighbors", "清华大学", "--depth", "2", "--format", fmt, "--lang", lang])
            cmds.append(["path", "清华大学", "鄂尔多斯实验室", "--format", fmt, "--lang", lang])
            cmds.append(
                [
                    "path",
                    "清华大学",
                    "鄂尔多斯实验室",
                    "--all",
                    "--max-length",
                    "3",
                    "--format",
                    fmt,
                    "--lang",
                    lang,
                ]
            )
    for fmt in TABLE_FORMATS:
        for lang in ("zh", "en"):
            cmds.append(["rank", "--measure", "all", "--format", fmt, "--lang", lang])
            cmds.append(
                [
                    "rank",
                    "--measure",
                    "betweenness",
                    "--type",
                    "Laboratory",
                    "--format",
                    fmt,
                    "--lang",
                    lang,
                ]
            )
            cmds.append(["communities", "--format", fmt, "--lang", lang])
            cmds.append(["brokers", "--format", fmt, "--lang", lang])
            cmds.append(["gaps", "--format", fmt, "--lang", lang])
    cmds.append(["rank", "--format", "csv", "--excel"])
    cmds.append(["query", "--list"])
    gallery = sorted(p.stem for p in (Path(__file__).parent.parent / "queries").glob("*.rq"))
    for name in gallery:
        cmds.append(["query", "-n", name])
    for fmt in ("csv", "tsv", "json"):
        cmds.append(["query", "-n", "entities-per-kind", "--format", fmt])
    cmds.append(["query", "-n", "why-beijing-branch", "--store", "memory"])
    cmds.append(
        ["query", "--bind", "name=鄂尔多斯实验室", "SELECT ?s WHERE { ?s ?p ?name } ORDER BY ?s"]
    )
    cmds.append(["query", "CONSTRUCT { ?s a ?k } WHERE { ?s a ?k } ORDER BY ?s ?k LIMIT 20"])
    cmds.append(["view", "-o", str(out / "view-all.html")])
    cmds.append(
        ["view", "-o", str(out / "view-focus.html"), "--focus", "鄂尔多斯实验室", "--depth", "2"]
    )
    cmds.append(
        [
            "view",
            "-o",
            str(out / "view-types-en.html"),
            "--type",
            "Laboratory",
            "--type",
            "PilotPlatform",
            "--lang",
            "en",
            "--size-by",
            "degree",
        ]
    )
    for fmt in ("yaml", "nquads", "ntriples"):
        cmds.append(
            [
                "synth",
                "--entities",
                "300",
                "--seed",
                "7",
                "--format",
                fmt,
                "-o",
                str(out / f"synth-{fmt}"),
            ]
        )
    # Errors: the message and the exit status.
    cmds.append(["lookup", "不存在的机构"])
    cmds.append(["neighbors", "清华"])
    cmds.append(["query", "-n", "no-such-query"])
    cmds.append(["query", "DELETE WHERE { ?s ?p ?o }"])
    cmds.append(["view", "-o", str(out / "x.html"), "--depth", "2"])
    cmds.append(["export", "--format", "csv"])
    return cmds


def slug(cmd: list[str]) -> str:
    text = "_".join(cmd)
    text = re.sub(r"[^\w.=-]+", "-", text)
    return text[:150]


def _normalised(root: Path) -> dict[str, bytes]:
    """Every file of a snapshot but MANIFEST, with ``root`` itself written as ``<OUT>``."""
    tag = slug([str(root)])
    files = {}
    for path in sorted(p for p in root.rglob("*") if p.is_file() and p.name != "MANIFEST"):
        name = path.relative_to(root).as_posix().replace(tag, "<OUT>")
        files[name] = path.read_bytes().replace(str(root).encode(), b"<OUT>")
    return files


def compare(before: Path, after: Path) -> list[str]:
    """The files that differ between two snapshots (or are in one only), as lines to print."""
    old, new = _normalised(before), _normalised(after)
    lines = [f"only in {before}: {name}" for name in sorted(set(old) - set(new))]
    lines += [f"only in {after}: {name}" for name in sorted(set(new) - set(old))]
    lines += [f"differs: {name}" for name in sorted(set(old) & set(new)) if old[name] != new[name]]
    return lines


def main(argv: list[str]) -> int:
    if len(argv) == 4 and argv[1] == "--compare":
        lines = compare(Path(argv[2]), Path(argv[3]))
        print("\n".join(lines) if lines else "identical")
        return 1 if lines else 0
    if len(argv) != 2:
        print(__doc__)
        return 2
    out = Path(argv[1])
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    exe = shutil.which("ecograph") or str(Path(sys.executable).parent / "ecograph")
    for cmd in commands(out):
        proc = subprocess.run([exe, *cmd], capture_output=True, check=False)
        name = slug(cmd)
        (out / f"{name}.stdout").write_bytes(proc.stdout)
        (out / f"{name}.stderr").write_bytes(
            proc.stderr.replace(str(out).encode(), b"<OUT>")
            + f"\nexit {proc.returncode}\n".encode()
        )
    lines = []
    for path in sorted(p for p in out.rglob("*") if p.is_file()):
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        lines.append(f"{digest}  {path.relative_to(out).as_posix()}")
    (out / "MANIFEST").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(lines)} files in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
