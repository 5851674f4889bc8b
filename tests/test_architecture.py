"""The shape of the code: every import points down.

The test reads every module of ``src/ecograph`` with :mod:`ast`, collects the ecograph modules it
imports (at the top and inside functions alike; only ``if TYPE_CHECKING:`` blocks are left out,
as they never run), and fails on any cycle, naming it. The parts the facade assembles (names,
network, analysis, stores, the viewer) never import the facade (:mod:`ecograph.kg`).
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx
import pytest

import ecograph

SRC = Path(ecograph.__file__).parent


def _module_name(path: Path) -> str:
    parts = ["ecograph", *path.relative_to(SRC).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(path: Path, modules: set[str]) -> set[str]:
    """The ecograph modules ``path`` imports (a name imported from a package counts as the
    submodule when there is one)."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child):
                for other in child.orelse:
                    visit(other)
                continue
            if isinstance(child, ast.Import):
                found.update(a.name for a in child.names if a.name.split(".")[0] == "ecograph")
            elif isinstance(child, ast.ImportFrom):
                if child.level:
                    base = package.split(".")
                    base = base[: len(base) - (child.level - 1)]
                    target = ".".join(base + ([child.module] if child.module else []))
                else:
                    target = child.module or ""
                if target.split(".")[0] != "ecograph":
                    continue
                for alias in child.names:
                    sub = f"{target}.{alias.name}"
                    found.add(sub if sub in modules else target)
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    return {m for m in found if m in modules and m != name}


def import_graph() -> nx.DiGraph:
    paths = sorted(SRC.rglob("*.py"))
    modules = {_module_name(p) for p in paths}
    graph = nx.DiGraph()
    graph.add_nodes_from(modules)
    for path in paths:
        for target in _imports(path, modules):
            graph.add_edge(_module_name(path), target)
    return graph


def test_the_walk_sees_the_imports() -> None:
    graph = import_graph()
    assert graph.has_edge("ecograph.kg", "ecograph.loader")  # a top-level import
    assert graph.has_edge("ecograph.kg", "ecograph.lookup")  # an import inside a method
    assert graph.has_edge("ecograph.stores", "ecograph.stores.base")


def test_no_import_cycle() -> None:
    cycles = sorted(nx.simple_cycles(import_graph()))
    assert not cycles, "import cycles: " + "; ".join(" -> ".join(c) for c in cycles)


PARTS = [
    "ecograph.lookup",
    "ecograph.network",
    "ecograph.analysis",
    "ecograph.stores",
    "ecograph.viewer",
    "ecograph.provenance",
    "ecograph.text",
]


@pytest.mark.parametrize("part", PARTS)
def test_parts_never_reach_back_into_the_facade(part: str) -> None:
    graph = import_graph()
    inside = [m for m in graph if m == part or m.startswith(part + ".")]
    reached = set().union(*(nx.descendants(graph, m) | {m} for m in inside))
    assert "ecograph.kg" not in reached, f"{part} imports ecograph.kg"
    assert "ecograph.cli" not in reached, f"{part} imports ecograph.cli"
