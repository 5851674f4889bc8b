"""Shared fixtures: dataset paths, loaded graphs and a CLI runner."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

import ecograph

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
ORDOS = REPO / "graph_data" / "ordos"
SHILI = TESTS / "data" / "shili"  # a fictional city made for these tests
BROKEN = TESTS / "data" / "broken"
GOLDEN = TESTS / "golden"


def pytest_configure(config: pytest.Config) -> None:
    # Tests never read or write the user's build cache.
    import os
    import tempfile

    os.environ["ECOGRAPH_CACHE_DIR"] = tempfile.mkdtemp(prefix="ecograph-test-cache-")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", help="Rewrite golden files from current output.")


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture(scope="session")
def ordos_kg() -> ecograph.KnowledgeGraph:
    return ecograph.load()


@pytest.fixture(scope="session")
def shili_kg() -> ecograph.KnowledgeGraph:
    return ecograph.load(SHILI)


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def shili_copy(tmp_path: Path) -> Path:
    """A writable copy of the fictional test city."""
    target = tmp_path / "shili"
    shutil.copytree(SHILI, target)
    return target


# --------------------------------------------------------------------------- servers


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_answering(url: str, process: subprocess.Popen | None = None, seconds: float = 60) -> None:
    """Until ``url`` answers; OSError when the time is up or the process has exited."""
    deadline = time.monotonic() + seconds
    while True:
        if process is not None and process.poll() is not None:
            raise OSError(f"the server exited with status {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError:
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)
