"""Triple stores behind one interface (:class:`Store`).

* ``memory``: rdflib's in-memory ``Dataset`` (pure Python; the reference implementation),
  :mod:`ecograph.stores.memory`.
* ``oxigraph``: pyoxigraph in memory (a Rust SPARQL engine; much faster on large graphs), and
  ``oxigraph:PATH``, persisted in a folder: :mod:`ecograph.stores.oxigraph`.
* an endpoint: any SPARQL 1.1 server (Oxigraph server, Virtuoso, …), read-only, and
  :func:`~ecograph.stores.endpoint.push` to load a build into one: :mod:`ecograph.stores.endpoint`.

Every store answers :meth:`Store.query` with the same :class:`QueryResult`, with the union of
all graphs as the default graph and the ontology's prefixes predeclared. Values are passed as
bindings (:class:`Iri`, :class:`Literal` or plain values), never pasted into the query text;
each store turns them into its own terms. :mod:`ecograph.stores.sparql` holds the SPARQL text
helpers they share. Each store imports its own library only when it is used.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from ..errors import UsageError
from .base import BaseStore, Store
from .results import Iri, Literal, QueryResult, binding_parts, parse_binding

__all__ = [
    "DEFAULT_STORE",
    "STORE_ENV",
    "BaseStore",
    "Iri",
    "Literal",
    "QueryResult",
    "Store",
    "binding_parts",
    "open_store",
    "parse_binding",
    "store_spec",
]

STORE_ENV = "ECOGRAPH_STORE"
#: chosen by measurement (see README, "Stores"): Oxigraph answers the lookups and the gallery
#: 5-40x faster and loads a cached build in milliseconds
DEFAULT_STORE = "oxigraph"


def store_spec(spec: str | None) -> str:
    """The store to use: the argument, else ``$ECOGRAPH_STORE``, else the default."""
    spec = spec or os.environ.get(STORE_ENV) or DEFAULT_STORE
    if spec not in ("memory", "oxigraph") and not spec.startswith("oxigraph:"):
        raise UsageError(
            f"unknown store {spec!r}; use memory, oxigraph or oxigraph:PATH", param="store"
        )
    return spec


def open_store(spec: str, nquads: Any, key: str, dataset_factory: Any) -> Store:
    """Open the store ``spec`` names, loaded with the build (``nquads``: its N-Quads, a
    function that gives them, or the path of an N-Quads file: the streaming build's);
    ``dataset_factory`` gives the rdflib Dataset for the memory store. The in-memory Oxigraph
    store is loaded on its first query."""
    if spec == "memory":
        from .memory import RdflibStore

        return RdflibStore(dataset_factory())
    from .oxigraph import OxigraphStore

    def document() -> Any:
        if isinstance(nquads, Path):
            return nquads
        value = nquads() if callable(nquads) else nquads
        return value if value is not None else b""

    path = spec.split(":", 1)[1] if ":" in spec else None
    store = OxigraphStore(path)
    if path is None:
        store.defer(document)
    elif store.stamp() != key or len(store) == 0:
        store.load_nquads(document())
        store.set_stamp(key)
    return store
