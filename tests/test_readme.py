"""The README's tour stays true: every ``$ ecograph …`` example in a ``console`` block is run
through click's CliRunner and its output compared with what the README shows.

The comparison is exact except for what cannot repeat: elapsed seconds (``0.34 s``) and the
absolute ``file://`` address of a written file. A line holding only ``…`` stands for any number
of lines the README leaves out. ``| grep 'TEXT'`` and ``| head -N`` after a command are applied
here; ``$ echo $?`` checks the exit code of the command before it.

Examples that need a running server (``ecograph serve`` with ``curl``; ``oxigraph serve`` with
``push`` and ``--endpoint``) are run for real by the last test: the servers are started on free
ports and the other steps run in bash, as a reader would type them.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from ecograph.cli import main

from .conftest import BROKEN, REPO, SHILI, free_port, two_documents, wait_until_answering

README = (REPO / "README.md").read_text(encoding="utf-8")


def _examples() -> list[tuple[int, list[tuple[str, list[str]]]]]:
    """(line of the block, [(command, expected output lines)]) for every console block."""
    examples = []
    for match in re.finditer(r"^```console\n(.*?)^```", README, re.DOTALL | re.MULTILINE):
        line = README.count("\n", 0, match.start()) + 2
        steps: list[tuple[str, list[str]]] = []
        for chunk in re.split(r"^\$ ", match.group(1), flags=re.MULTILINE)[1:]:
            command, _, output = chunk.partition("\n")
            steps.append((command, output.splitlines()))
        examples.append((line, steps))
    return examples


EXAMPLES = _examples()
#: blocks that start a server in the background (``… &``); the others run through CliRunner
SERVER_EXAMPLES = [
    (line, steps) for line, steps in EXAMPLES if steps and steps[0][0].endswith(" &")
]
LOCAL_EXAMPLES = [example for example in EXAMPLES if example not in SERVER_EXAMPLES]
_SECONDS = re.compile(r"\b\d+\.\d+ s\b")
_LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ ")  # the server's own log
_FILE_URL = re.compile(r"file://\S+")


def _normal(line: str) -> str:
    return _FILE_URL.sub("file://…", _SECONDS.sub("… s", line.rstrip()))


def _matches(expected: list[str], actual: list[str]) -> bool:
    """Line by line, a line of ``…`` matching any run of lines (none included)."""
    if not expected:
        return not actual
    if expected[0] == "…":
        return any(_matches(expected[1:], actual[start:]) for start in range(len(actual) + 1))
    return (
        bool(actual)
        and _normal(expected[0]) == _normal(actual[0])
        and _matches(expected[1:], actual[1:])
    )


def _run(command: str, runner: CliRunner) -> tuple[int, list[str]]:
    stages = [stage.strip() for stage in command.split(" | ")]
    args = shlex.split(stages[0])
    assert args[0] == "ecograph", command
    result = runner.invoke(main, args[1:])
    lines = result.output.splitlines()
    for stage in stages[1:]:
        filter_args = shlex.split(stage)
        if filter_args[0] == "grep":
            lines = [line for line in lines if filter_args[1] in line]
        elif filter_args[0] == "head":
            lines = lines[: int(filter_args[1].lstrip("-n") or 10)]
        else:  # pragma: no cover - a new kind of pipe in the README needs handling here
            raise AssertionError(f"the README test cannot run {stage!r} in {command!r}")
    return result.exit_code, lines


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder to run the examples in, holding the README's ``broken-city``, ``loose-city`` and
    ``two-documents``: the fictional test city with two broken fixtures, or two fixtures that only
    warn, dropped in, or with a second source document that conflicts with the first."""
    broken_city = tmp_path / "broken-city"
    shutil.copytree(SHILI, broken_city)
    for name in ("dangling-reference.yaml", "unknown-kind.yaml"):
        shutil.copy(BROKEN / name, broken_city / name)
    loose_city = tmp_path / "loose-city"
    shutil.copytree(SHILI, loose_city)
    for name in ("isolated-record.yaml", "quote-names-neither-end.yaml"):
        shutil.copy(BROKEN.parent / "warn" / name, loose_city / name)
    two_documents(tmp_path / "two-documents")
    # the walk-through from a document to a built graph: the city and its new (fictional) letter
    shutil.copytree(SHILI, tmp_path / "shili-city")
    # registries as tables: the city with its (fictional) register of enterprises
    shutil.copytree(SHILI.parent / "registry", tmp_path / "registry-city")
    shutil.copy(SHILI.parent / "documents" / "reply.txt", tmp_path / "reply.txt")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ECOGRAPH_DATA", raising=False)
    monkeypatch.delenv("ECOGRAPH_STORE", raising=False)
    return tmp_path


def test_the_readme_has_examples_to_check() -> None:
    commands = [c for _, steps in EXAMPLES for c, _ in steps if c.startswith("ecograph ")]
    checked = [c for _, steps in LOCAL_EXAMPLES for c, _ in steps if c.startswith("ecograph ")]
    assert len(commands) > len(checked) >= 25 and len(SERVER_EXAMPLES) == 3
    assert {shlex.split(c)[1] for c in checked} >= {"view", "query", "lookup", "path", "rank"}


def _slow(line: int, steps) -> bool:
    """`ecograph synth` of 5,000 entities takes 15 s: the fast loop leaves it out."""
    return any(command.startswith("ecograph synth") for command, _ in steps)


@pytest.mark.parametrize(
    ("line", "steps"),
    [
        pytest.param(line, steps, marks=pytest.mark.slow) if _slow(line, steps) else (line, steps)
        for line, steps in LOCAL_EXAMPLES
    ],
    ids=[f"README.md:{line}" for line, _ in LOCAL_EXAMPLES],
)
def test_readme_example_output_is_what_the_command_prints(line: int, steps, workdir: Path) -> None:
    runner = CliRunner()
    exit_code = None
    for command, expected in steps:
        assert not command.startswith(("curl", "oxigraph")) and "--endpoint" not in command, (
            f"README.md:{line}: a step that needs a server outside a block that starts one"
        )
        if command == "echo $?":
            assert exit_code is not None and [str(exit_code)] == expected, (
                f"README.md:{line}: exit code of the step before"
            )
            continue
        exit_code, actual = _run(command, runner)
        assert _matches(expected, actual), (
            f"README.md:{line}: `{command}` prints\n"
            + "\n".join(actual)
            + "\n\nbut the README shows\n"
            + "\n".join(expected)
        )


@pytest.mark.slow  # each starts a server (ecograph serve, oxigraph) in the background
@pytest.mark.parametrize(
    ("line", "steps"), SERVER_EXAMPLES, ids=[f"README.md:{line}" for line, _ in SERVER_EXAMPLES]
)
def test_readme_server_examples(line: int, steps, workdir: Path) -> None:
    """The server blocks, run as a reader would: the server in the background on a free port
    (the README's port replaced), every other step in bash."""
    if shutil.which("curl") is None:
        pytest.skip("curl is not installed")
    bin_dir = Path(sys.executable).parent
    if (
        "oxigraph" in steps[0][0]
        and not (bin_dir / "oxigraph").exists()
        and shutil.which("oxigraph") is None
    ):
        pytest.skip("the Oxigraph server binary is absent: pip install oxigraph")
    readme_port = re.search(r"(?:--port |127\.0\.0\.1:)(\d+)", steps[0][0]).group(1)
    port = str(free_port())
    env = dict(os.environ, PATH=f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")
    command, expected = steps[0]
    process = subprocess.Popen(
        shlex.split(command[: -len(" &")].replace(readme_port, port)),
        cwd=workdir,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    watchdog = threading.Timer(120, process.kill)  # a server that never gets ready ends the wait
    watchdog.start()
    try:
        announced = []
        while len(announced) < len(expected):  # what the server prints when it is ready
            text = process.stdout.readline()
            assert text, f"README.md:{line}: the server stopped before printing {expected}"
            if not _LOG_LINE.match(text):
                announced.append(text.rstrip("\n"))
        assert announced == [e.replace(readme_port, port) for e in expected], f"README.md:{line}"
        wait_until_answering(f"http://127.0.0.1:{port}/", process)
        for command, expected in steps[1:]:
            run = subprocess.run(
                ["bash", "-c", command.replace(readme_port, port)],
                cwd=workdir,
                env=env,
                capture_output=True,
                text=True,
                timeout=120,
            )
            actual = (run.stdout + run.stderr).splitlines()
            assert _matches([e.replace(readme_port, port) for e in expected], actual), (
                f"README.md:{line}: `{command}` prints\n"
                + "\n".join(actual)
                + "\n\nbut the README shows\n"
                + "\n".join(expected)
            )
    finally:
        watchdog.cancel()
        process.terminate()
        process.wait(timeout=10)
        if process.stdout:
            process.stdout.close()


def test_readme_python_examples_run_and_print_what_the_readme_shows(workdir: Path) -> None:
    """The "Python API" section: every python block runs; a block followed by a text block
    prints exactly that text."""
    import contextlib
    import io

    section = README[
        README.index("## Python API") : README.index("\n## ", README.index("## Python API") + 1)
    ]
    blocks = re.findall(r"```(python|text)\n(.*?)```", section, re.S)
    assert [kind for kind, _ in blocks].count("python") >= 2
    namespace: dict = {}
    for (kind, code), following in zip(blocks, [*blocks[1:], ("", "")], strict=True):
        if kind != "python":
            continue
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            exec(compile(code, "README.md", "exec"), namespace)  # noqa: S102 - the README's own example
        if following[0] == "text":
            assert printed.getvalue() == following[1]
    assert namespace["kg"].stats().entities_by_class["Academician"] == 5  # as the comment says
