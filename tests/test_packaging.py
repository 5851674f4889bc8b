"""The wheel carries the ontology and the bundled data and works from a fresh venv; the CLI
module starts without the heavy libraries."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from .conftest import REPO


@pytest.mark.slow
def test_wheel_installs_and_runs_stats_in_a_fresh_venv(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(dist),
         str(REPO)],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    [wheel] = list(dist.glob("ecograph-*.whl"))
    import zipfile

    names = set(zipfile.ZipFile(wheel).namelist())
    assert "ecograph/_data/ontology/ecograph.ttl" in names
    assert "ecograph/_data/ontology/shapes.ttl" in names
    assert "ecograph/_data/graph_data/ordos/dataset.yaml" in names
    assert "ecograph/py.typed" in names
    # the viewer's page script, stylesheet, template and UI strings are package data
    for asset in ("app.js", "app.css", "page.html", "ui.json"):
        assert f"ecograph/viewer/assets/{asset}" in names, asset
    # the font every page embeds its glyphs from, with its licence
    assert "ecograph/fonts/NotoSansCJKsc-ecograph.woff2" in names
    assert "ecograph/fonts/OFL.txt" in names
    assert "ecograph/view.py" not in names  # moved into the viewer package, no shim left
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", str(wheel)],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    # Run from a folder outside the checkout so only the installed wheel can be found.
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "ECOGRAPH_DATA")}
    result = subprocess.run(
        [str(env_dir / "bin" / "ecograph"), "stats", "--format", "json"],
        cwd=tmp_path, env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    stats = json.loads(result.stdout)
    assert stats["dataset"] == "ordos" and stats["entities"] > 100
    where = subprocess.run(
        [str(python), "-c", "import ecograph.resources as r; print(r.default_dataset_dir())"],
        cwd=tmp_path, env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert str(env_dir) in where.stdout and "_data" in where.stdout
    # the installed viewer reads its assets from the wheel and renders a page
    page = tmp_path / "ordos.html"
    subprocess.run(
        [str(env_dir / "bin" / "ecograph"), "view", "-o", str(page)],
        cwd=tmp_path, env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert (REPO / "src/ecograph/viewer/assets/app.js").read_text(
        encoding="utf-8"
    ) in page.read_text(encoding="utf-8")


def _loaded_modules(code: str) -> set[str]:
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code], capture_output=True, text=True, check=True
    )
    return {
        line.split("|")[-1].strip().split(".")[0]
        for line in result.stderr.splitlines()
        if "|" in line
    }


def test_cli_import_loads_no_heavy_library() -> None:
    loaded = _loaded_modules("import ecograph.cli")
    assert not loaded & {"rdflib", "networkx", "pyvis", "pyshacl", "IPython", "yaml"}, loaded


def test_lookup_on_cached_data_needs_no_heavy_library() -> None:
    code = (
        "import sys; from ecograph.cli import main; "
        "sys.argv = ['ecograph', 'lookup', '鄂尔多斯实验室']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
    )
    subprocess.run(
        [sys.executable, "-c", code], capture_output=True, check=True
    )  # fills the build cache
    loaded = _loaded_modules(code)
    assert "ecograph" in loaded
    assert not loaded & {"rdflib", "networkx", "pyvis", "pyshacl", "pypinyin", "IPython"}, loaded
