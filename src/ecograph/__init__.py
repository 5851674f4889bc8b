"""ecograph: knowledge graphs of regional innovation ecosystems.

Curated, cited YAML becomes RDF under an OWL ontology, with the source quote behind every
statement; SPARQL, lookups, network analysis and an interactive viewer sit on top.

>>> import ecograph
>>> kg = ecograph.load()            # the bundled Ordos dataset   # doctest: +SKIP
>>> kg.stats().observations                                      # doctest: +SKIP

Heavy libraries (rdflib, networkx, pyvis, pyshacl) are imported only when first used, so
``import ecograph`` and the command line start fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._version import __version__
from .errors import DataError, EcographError, NotFoundError, OutputError, Problem, QueryError

if TYPE_CHECKING:
    from .kg import BuildResult, KnowledgeGraph, Stats, build, load
    from .validation import Finding, ValidationReport, validate

__all__ = [
    "BuildResult",
    "DataError",
    "EcographError",
    "Finding",
    "KnowledgeGraph",
    "NotFoundError",
    "OutputError",
    "Problem",
    "QueryError",
    "Stats",
    "ValidationReport",
    "__version__",
    "build",
    "load",
    "validate",
]

_LAZY = {
    "load": "kg",
    "build": "kg",
    "KnowledgeGraph": "kg",
    "Stats": "kg",
    "BuildResult": "kg",
    "validate": "validation",
    "ValidationReport": "validation",
    "Finding": "validation",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'ecograph' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
