"""Shared fixtures: dataset paths, loaded graphs and a CLI runner."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

import ecograph

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
ORDOS = REPO / "graph_data" / "ordos"
SHILI = TESTS / "data" / "shili"  # a fictional city made for these tests
BROKEN = TESTS / "data" / "broken"
#: a second source document for the test city, which conflicts on purpose with the first
SECOND_DOCUMENT = TESTS / "data" / "second-document"
GOLDEN = TESTS / "golden"


def pytest_configure(config: pytest.Config) -> None:
    # Tests never read or write the user's build cache.
    import os
    import tempfile

    os.environ["ECOGRAPH_CACHE_DIR"] = tempfile.mkdtemp(prefix="ecograph-test-cache-")


#: fixtures that start a browser or a server process: a test that uses one is ``slow`` (so
#: ``pytest -m "not slow"`` skips them) whatever its module says, and under pytest-xdist with
#: ``--dist loadgroup`` (.ci/run) the tests that share one run on one worker, which starts it once
SLOW_FIXTURES = {"browser": "browser", "virtuoso": "triplestores"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        for fixture, group in SLOW_FIXTURES.items():
            if fixture in getattr(item, "fixturenames", ()):
                item.add_marker(pytest.mark.slow)
                if item.get_closest_marker("xdist_group") is None:
                    item.add_marker(pytest.mark.xdist_group(group))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden", action="store_true", help="Rewrite golden files from current output."
    )


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


def two_documents(folder: Path) -> Path:
    """The fictional test city with the plan of 2025 (``tests/data/second-document``) as a
    second source document, written to ``folder``."""
    shutil.copytree(SHILI, folder)
    shutil.copy(SECOND_DOCUMENT / "plan-2025.yaml", folder / "plan-2025.yaml")
    shutil.copy(SECOND_DOCUMENT / "sources" / "plan-2025.txt", folder / "sources" / "plan-2025.txt")
    metadata = folder / "dataset.yaml"
    text = metadata.read_text(encoding="utf-8")
    briefing = "    file: sources/briefing.txt\n"
    assert briefing in text
    metadata.write_text(
        text.replace(
            briefing, briefing + "  - document: plan-2025\n    file: sources/plan-2025.txt\n"
        ),
        encoding="utf-8",
    )
    return folder


# --------------------------------------------------------------------------- servers


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_answering(
    url: str, process: subprocess.Popen | None = None, seconds: float = 60
) -> None:
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


VIRTUOSO_INI = """\
[Database]
DatabaseFile = {folder}/virtuoso.db
ErrorLogFile = {folder}/virtuoso.log
LockFile = {folder}/virtuoso.lck
TransactionFile = {folder}/virtuoso.trx
xa_persistent_file = {folder}/virtuoso.pxa
FileExtend = 200
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {folder}/virtuoso-temp.db
TransactionFile = {folder}/virtuoso-temp.trx
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
ServerThreads = 10
CheckpointInterval = 60
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
DirsAllowed = {folder}
DefaultIsolation = 2

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {folder}
ServerThreads = 10
MaxKeepAlives = 10
KeepAliveTimeout = 10
Charset = UTF-8

[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 60
"""


class Virtuoso:
    """A Virtuoso 7 server of its own (ini, ports and database folder under a temporary path)."""

    user = "dba"
    password = "dba"  # the administrator's password of a fresh database

    def __init__(self, folder: Path):
        self.folder = folder
        self.http_port = free_port()
        self.sql_port = free_port()
        self.base = f"http://127.0.0.1:{self.http_port}"
        self.sparql = f"{self.base}/sparql"
        self.store = f"{self.base}/sparql-graph-crud-auth"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        ini = self.folder / "virtuoso.ini"
        ini.write_text(
            VIRTUOSO_INI.format(
                folder=self.folder, sql_port=self.sql_port, http_port=self.http_port
            ),
            encoding="utf-8",
        )
        self.process = subprocess.Popen(
            ["virtuoso-t", "+foreground", "+configfile", str(ini)],
            cwd=self.folder,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until_answering(f"{self.sparql}?query=ASK%7B%7D", self.process, seconds=120)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Virtuoso]:
    """A running Virtuoso 7 (Debian's virtuoso-opensource-7-bin). Absent, the tests that need it
    are skipped on a developer's machine and fail in CI, which installs it (.ci/run)."""
    if shutil.which("virtuoso-t") is None:
        if os.environ.get("CI"):
            pytest.fail("virtuoso-t is not installed; .ci/run installs virtuoso-opensource-7-bin")
        pytest.skip("virtuoso-t is not installed (apt-get install virtuoso-opensource-7-bin)")
    server = Virtuoso(tmp_path_factory.mktemp("virtuoso"))
    server.start()
    try:
        yield server
    finally:
        server.stop()
