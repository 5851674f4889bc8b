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
from .errors import (
    DataError,
    EcographError,
    NotFoundError,
    OutputError,
    Problem,
    QueryError,
    UsageError,
)

if TYPE_CHECKING:
    from .endpoint import make_endpoint
    from .gallery import Gallery, SavedQuery, saved_queries, saved_query
    from .ingest.accept import AcceptResult, accept_candidates
    from .ingest.inbox import list_inbox, read_inbox, reject_candidates
    from .kg import BuildResult, ExportResult, KnowledgeGraph, Stats, build, load
    from .safetext import terminal_text
    from .stores import QueryResult
    from .stores.endpoint import EndpointStore, PushResult, push
    from .synth import SynthResult, synthesize
    from .tables import EngineStatus, engine_status, install_engine
    from .validation import Finding, ValidationReport, validate

__all__ = [
    "AcceptResult",
    "BuildResult",
    "DataError",
    "EcographError",
    "EndpointStore",
    "EngineStatus",
    "ExportResult",
    "Finding",
    "Gallery",
    "InboxPage",
    "IngestResult",
    "InitResult",
    "KnowledgeGraph",
    "NotFoundError",
    "OutputError",
    "Problem",
    "PushResult",
    "QueryError",
    "QueryResult",
    "ReportResult",
    "SavedQuery",
    "Stats",
    "SynthResult",
    "UsageError",
    "ValidationReport",
    "__version__",
    "accept_candidates",
    "build",
    "engine_status",
    "ingest_document",
    "init_dataset",
    "install_engine",
    "list_inbox",
    "load",
    "make_endpoint",
    "push",
    "read_inbox",
    "reject_candidates",
    "saved_queries",
    "saved_query",
    "synthesize",
    "terminal_text",
    "validate",
    "write_inbox_page",
    "write_report",
]

#: name -> the submodule that defines it, imported on first use
_LAZY = {
    "load": "kg",
    "build": "kg",
    "KnowledgeGraph": "kg",
    "Stats": "kg",
    "BuildResult": "kg",
    "ExportResult": "kg",
    "validate": "validation",
    "list_inbox": "ingest.inbox",
    "ingest_document": "ingest.run",
    "IngestResult": "ingest.run",
    "init_dataset": "ingest.init",
    "write_inbox_page": "ingest.page",
    "InboxPage": "ingest.page",
    "InitResult": "ingest.init",
    "accept_candidates": "ingest.accept",
    "AcceptResult": "ingest.accept",
    "read_inbox": "ingest.inbox",
    "reject_candidates": "ingest.inbox",
    "ValidationReport": "validation",
    "Finding": "validation",
    # not "gallery": importing the submodule ecograph.gallery would overwrite such a name
    "saved_queries": "gallery",
    "saved_query": "gallery",
    "Gallery": "gallery",
    "SavedQuery": "gallery",
    "QueryResult": "stores",
    "EndpointStore": "stores.endpoint",
    "PushResult": "stores.endpoint",
    "push": "stores.endpoint",
    "synthesize": "synth",
    "terminal_text": "safetext",
    "SynthResult": "synth",
    "EngineStatus": "tables",
    "engine_status": "tables",
    "install_engine": "tables",
    "make_endpoint": "endpoint",
    "write_report": "report",
    "ReportResult": "report",
    # the viewer is being moved into a package (ecograph.viewer); this name stays
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
