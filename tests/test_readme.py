"""The README's tour stays true: every ``$ ecograph …`` example in a ``console`` block is run
through click's CliRunner and its output compared with what the README shows.

The comparison is exact except for what cannot repeat: elapsed seconds (``0.34 s``) and the
absolute ``file://`` address of a written file. A line holding only ``…`` stands for any number
of lines the README leaves out. ``| grep 'TEXT'`` and ``| head -N`` after a command are applied
here; ``$ echo $?`` checks the exit code of the command before it. Examples that need a running
server (``serve``, ``push``, ``--endpoint``, ``curl``) are covered by ``test_serve.py`` and are
skipped here.
"""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from ecograph.cli import main

from .conftest import BROKEN, REPO, SHILI

README = (REPO / "README.md").read_text(encoding="utf-8")
NEEDS_SERVER = ("serve", "push", "--endpoint")


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
_SECONDS = re.compile(r"\b\d+\.\d+ s\b")
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
    """A folder to run the examples in, holding the README's ``broken-city``: the fictional test
    city with two broken fixtures dropped in."""
    broken_city = tmp_path / "broken-city"
    shutil.copytree(SHILI, broken_city)
    for name in ("dangling-reference.yaml", "unknown-kind.yaml"):
        shutil.copy(BROKEN / name, broken_city / name)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ECOGRAPH_DATA", raising=False)
    monkeypatch.delenv("ECOGRAPH_STORE", raising=False)
    return tmp_path


def test_the_readme_has_examples_to_check() -> None:
    commands = [
        command for _, steps in EXAMPLES for command, _ in steps if command.startswith("ecograph ")
    ]
    checked = [command for command in commands if not any(word in command for word in NEEDS_SERVER)]
    assert len(checked) >= 25 and {shlex.split(c)[1] for c in checked} >= {
        "view",
        "query",
        "lookup",
        "path",
        "rank",
    }


@pytest.mark.parametrize(
    ("line", "steps"), EXAMPLES, ids=[f"README.md:{line}" for line, _ in EXAMPLES]
)
def test_readme_example_output_is_what_the_command_prints(line: int, steps, workdir: Path) -> None:
    runner = CliRunner()
    exit_code = None
    for command, expected in steps:
        if any(word in command for word in NEEDS_SERVER) or command.startswith(
            ("curl", "oxigraph")
        ):
            pytest.skip("needs a running server (see test_serve.py)")
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
