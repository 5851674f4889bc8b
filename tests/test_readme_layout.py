"""The README's Layout block names every module and subpackage of src/ecograph/, and nothing that
is not there.

The block is a code block under "## Layout": one entry a line, a name first (``kg.py``,
``endpoint/``) and a comment after it. Nesting is shown by indentation, by tree drawing
(``├── name``, ``│   └── name``) or both; a comment may also follow ``#``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from .conftest import REPO

README = REPO / "README.md"
PACKAGE = REPO / "src" / "ecograph"
#: what may draw a tree in front of a name
TREE = "│├└─┬┼╰ \t|`+\\-*"
NAME = re.compile(r"[\w.-]+(?:/[\w.-]+)*/?")


def layout_block(readme: str) -> str:
    """The first fenced code block after the ``## Layout`` heading."""
    match = re.search(r"^#+\s+(?:Project\s+)?Layout\s*$", readme, re.MULTILINE | re.IGNORECASE)
    if match is None:
        raise AssertionError("README.md has no '## Layout' section")
    rest = readme[match.end() :]
    fence = re.search(r"^(```|~~~)[^\n]*\n(.*?)^\1\s*$", rest, re.MULTILINE | re.DOTALL)
    if fence is None:
        raise AssertionError("the Layout section of README.md has no code block")
    return fence.group(2)


def parse_layout(block: str) -> set[str]:
    """The paths an indented or tree-drawn listing names (``src/ecograph/kg.py``), folders with a
    trailing ``/``. A line's depth is the column of its name; its parent is the nearest line
    above with a smaller column whose name is a folder."""
    entries: set[str] = set()
    stack: list[tuple[int, str]] = []  # (column, folder path ending in /)
    for line in block.splitlines():
        if not line.strip():
            continue
        column = len(line) - len(line.lstrip(TREE))
        match = NAME.match(line, column)
        if match is None:
            continue
        name = match.group(0)
        while stack and stack[-1][0] >= column:
            stack.pop()
        parent = stack[-1][1] if stack else ""
        path = parent + name
        entries.add(path)
        if name.endswith("/"):
            stack.append((column, path))
    return entries


def package_entries(root: Path = PACKAGE) -> set[str]:
    """Every .py file and subpackage under ``root``, as README paths (``src/ecograph/...``)."""
    prefix = root.relative_to(REPO).as_posix() + "/"
    found: set[str] = {prefix}
    for path in root.rglob("*"):
        relative = path.relative_to(root)
        if "__pycache__" in relative.parts:
            continue
        if path.is_dir() and (path / "__init__.py").exists():
            found.add(prefix + relative.as_posix() + "/")
        elif path.is_file() and path.suffix == ".py":
            found.add(prefix + relative.as_posix())
    return found


def test_parser_reads_indented_and_tree_listings() -> None:
    indented = (
        "src/pkg/    the package\n  a.py         A\n  sub/         S\n    b.py       B\ndocs/\n"
    )
    tree = (
        "src/pkg/            # the package\n"
        "├── a.py            A, with a/slash in its comment\n"
        "├── sub/\n"
        "│   └── b.py        B\n"
        "└── c.py\n"
        "docs/\n"
    )
    assert parse_layout(indented) == {
        "src/pkg/",
        "src/pkg/a.py",
        "src/pkg/sub/",
        "src/pkg/sub/b.py",
        "docs/",
    }
    assert parse_layout(tree) == {
        "src/pkg/",
        "src/pkg/a.py",
        "src/pkg/sub/",
        "src/pkg/sub/b.py",
        "src/pkg/c.py",
        "docs/",
    }


@pytest.fixture(scope="module")
def listed() -> set[str]:
    return parse_layout(layout_block(README.read_text(encoding="utf-8")))


def test_every_module_of_the_package_is_listed(listed: set[str]) -> None:
    missing = sorted(package_entries() - listed)
    assert not missing, f"README.md's Layout block does not list: {', '.join(missing)}"


def test_nothing_listed_is_missing_from_disk(listed: set[str]) -> None:
    gone = sorted(
        path
        for path in listed
        if not (REPO / path).exists() or (path.endswith("/") != (REPO / path).is_dir())
    )
    assert not gone, f"README.md's Layout block lists what is not in the tree: {', '.join(gone)}"
