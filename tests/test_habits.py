"""The habits the project promises, checked: commit messages (a subject under 72 characters and a
body, from the commit that introduced the rule on), and the pre-commit hooks that enforce them
and the style on a developer's machine."""

from __future__ import annotations

import importlib.machinery
import importlib.util
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
#: the first commit written under the rule (issue 15); older subjects are history
RULE_SINCE = "547da50"


def _checker():
    loader = importlib.machinery.SourceFileLoader(
        "check_commit_msg", str(ROOT / ".ci/check-commit-msg")
    )
    spec = importlib.util.spec_from_loader("check_commit_msg", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("message", "ok"),
    [
        ("Stores package, gallery module\n\nWhy it was done.\n", True),
        ("Merge branch 'viewer'\n", True),
        ("x" * 72 + "\n\nbody\n", False),
        ("A subject only\n", False),
        ("Subject\nno blank line\n", False),
        ("# a comment git adds\nSubject\n\nBody\n# trailing comment\n", True),
        ("\n\n", False),
    ],
)
def test_the_commit_message_check(message: str, ok: bool) -> None:
    assert (not _checker().problems(message)) is ok


def test_commits_since_the_rule_follow_it() -> None:
    git = shutil.which("git")
    if git is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    known = subprocess.run(
        [git, "cat-file", "-e", f"{RULE_SINCE}^{{commit}}"], cwd=ROOT, capture_output=True
    )
    if known.returncode != 0:
        pytest.skip("a shallow clone without the commit the rule starts at")
    log = subprocess.run(
        [git, "log", "--format=%H%x00%B%x01", f"{RULE_SINCE}^..HEAD"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    checker = _checker()
    bad = []
    for record in filter(str.strip, log.split("\x01")):
        sha, message = record.strip("\n").split("\x00", 1)
        found = checker.problems(message)
        if found:
            bad.append(f"{sha[:7]} {message.splitlines()[0][:60]!r}: {'; '.join(found)}")
    assert not bad, "\n".join(bad)


def test_the_pre_commit_hooks_cover_style_types_and_messages() -> None:
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    hooks = {hook["id"]: hook for repo in config["repos"] for hook in repo["hooks"]}
    assert {"ruff-check", "ruff-format", "mypy", "commit-msg"} <= set(hooks)
    assert hooks["commit-msg"]["stages"] == ["commit-msg"]
    ruff_rev = next(r["rev"] for r in config["repos"] if "ruff-pre-commit" in r["repo"])
    pinned = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert f'"ruff=={ruff_rev.lstrip("v")}"' in pinned  # the hook and CI check with one ruff
