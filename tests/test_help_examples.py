"""Every example in every command's ``--help`` is run, as it is written, and must succeed.

The examples are read from the commands themselves (the lines under ``Examples:``), so a new
or changed example is tested without touching this file. They run in one folder, in an order
that lets one example use what an earlier one made (``init`` makes ``my-city/``, ``ingest``
fills its inbox, ``inbox accept`` takes from it), with the files the examples name (the test
city's documents, a query file, the bundled dataset folder) put there first. Servers are real:
``ecograph serve`` runs as a process until it answers, and the ``push`` example starts the
``oxigraph`` server its first line names. Only the port of a server is changed, to a free one.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from ecograph.cli import main

from .conftest import REPO, TESTS, free_port, wait_until_answering

pytestmark = pytest.mark.slow

EXAMPLES_HEAD = re.compile(r"^\s*Examples?:\s*$", re.M)
#: commands whose examples make what later examples use run first, in this order
FIRST = ("init", "ingest", "inbox show", "inbox accept")


def _commands(group: click.Group, prefix: tuple[str, ...] = ()):
    if not prefix:
        yield "", group  # `ecograph --help` shows examples too
    for name in sorted(group.commands):
        command = group.commands[name]
        if isinstance(command, click.Group):
            yield from _commands(command, (*prefix, name))
        else:
            yield " ".join((*prefix, name)), command


def help_examples() -> list[tuple[str, str]]:
    """(command, example line) for every example of every command, continuation lines joined."""
    found = []
    for name, command in _commands(main):
        parts = EXAMPLES_HEAD.split(command.help or "", maxsplit=1)
        if len(parts) < 2:
            continue
        joined = re.sub(r"\\\n\s*", "", parts[1])
        for line in joined.splitlines():
            line = line.strip()
            if line.startswith(("ecograph ", "oxigraph ")):
                found.append((name, line))
    order = {name: i for i, name in enumerate(FIRST)}
    return sorted(found, key=lambda item: order.get(item[0], len(FIRST)))  # stable: help order


EXAMPLES = help_examples()


def test_every_command_with_options_shows_examples() -> None:
    """Commands people type show how; only the engine's housekeeping and the inbox's list and
    reject (one argument each) go without."""
    without = {name for name, c in _commands(main) if not EXAMPLES_HEAD.search(c.help or "")}
    assert without <= {"engine install", "engine status", "inbox list", "inbox reject"}
    assert len(EXAMPLES) >= 50


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("examples")
    for name in ("notice.docx", "reply.txt"):
        shutil.copy(TESTS / "data" / "documents" / name, folder / name)
    (folder / "my.rq").write_text(
        "SELECT ?lab ?name WHERE { ?lab a eco:Laboratory ; skos:prefLabel ?name } "
        "ORDER BY ?lab ?name\n",
        encoding="utf-8",
    )
    (folder / "graph_data").symlink_to(REPO / "graph_data")
    return folder


@pytest.fixture(scope="module")
def servers(workdir: Path):
    """The processes examples start (a server line ending in ``&``), stopped at the end."""
    started: list[subprocess.Popen] = []
    yield started
    for process in started:
        process.terminate()
        process.wait(timeout=20)


#: the port each example's server line names, mapped to a free one for this run
PORTS: dict[str, str] = {}


def _with_free_ports(line: str) -> str:
    for port in re.findall(r"(?:--port |127\.0\.0\.1:)(\d+)", line):
        PORTS.setdefault(port, str(free_port()))
    for port, free in PORTS.items():
        line = re.sub(rf"(--port |127\.0\.0\.1:){port}\b", rf"\g<1>{free}", line)
    return line


def _env() -> dict[str, str]:
    bin_dir = str(Path(sys.executable).parent)
    return dict(os.environ, PATH=f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")


def test_every_help_example_runs(
    workdir: Path, servers: list, monkeypatch: pytest.MonkeyPatch
) -> None:
    """All of them in one test, in order: one may use what an earlier one made (a test per
    example would let a parallel runner spread them over processes with folders of their
    own). Every failure is reported, not only the first."""
    monkeypatch.chdir(workdir)
    failures, unavailable = [], []
    without: set[str] = set()  # commands whose server could not start: their later examples
    for command, example in EXAMPLES:
        if command in without:
            unavailable.append(f"{example}: needs the server above")
            continue
        try:
            _run_example(command, example, workdir, servers)
        except _Unavailable as why:
            unavailable.append(f"{example}: {why}")
            without.add(command)
        except (AssertionError, OSError, subprocess.SubprocessError) as error:
            failures.append(f"{example}\n{error}")
    assert not failures, "\n\n".join(failures)
    if unavailable:
        pytest.skip("; ".join(unavailable))


class _Unavailable(Exception):
    """What an example needs is not on this machine (the test is skipped, after the rest)."""


def _run_example(command: str, example: str, workdir: Path, servers: list) -> None:
    expected = 0
    comment = re.search(r"\s+#\s*exits (\d)\b.*$", example)  # an example that shows a refusal
    if comment:
        expected, example = int(comment.group(1)), example[: comment.start()]
    line = _with_free_ports(example)
    if line.endswith("&"):  # a server the next examples use
        argv = shlex.split(line[:-1])
        if argv[0] == "oxigraph" and not shutil.which("oxigraph", path=_env()["PATH"]):
            raise _Unavailable("the Oxigraph server binary is absent: pip install oxigraph")
        process = subprocess.Popen(
            argv, cwd=workdir, env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        servers.append(process)
        port = re.search(r"127\.0\.0\.1:(\d+)", line)
        assert port, line
        wait_until_answering(f"http://127.0.0.1:{port.group(1)}/", process)
        return
    if command == "serve":  # runs until stopped: it must start and answer
        argv = shlex.split(line)[1:]
        if "--port" not in argv:
            argv += ["--port", str(free_port())]
        port = argv[argv.index("--port") + 1]
        process = subprocess.Popen(
            [sys.executable, "-m", "ecograph.cli", *argv],
            cwd=workdir,
            env=_env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            wait_until_answering(f"http://127.0.0.1:{port}/sparql?query=ASK%7B%7D", process)
        finally:
            process.terminate()
            process.wait(timeout=20)
        return
    shell, redirect = line, None
    if " | " in shell:  # the pipe's reader only trims what is shown
        shell = shell.split(" | ", 1)[0]
    if " > " in shell:
        shell, redirect = (part.strip() for part in shell.split(" > ", 1))
    argv = shlex.split(shell)
    assert argv[0] == "ecograph", line
    result = CliRunner().invoke(main, argv[1:], catch_exceptions=False)
    assert result.exit_code == expected, f"{example}\n{result.output}"
    assert "Traceback" not in result.output
    if redirect:
        Path(redirect).write_text(result.stdout, encoding="utf-8")
        assert Path(redirect).stat().st_size > 0
