"""The one interface every store offers, and how a store is chosen and opened."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from ..namespaces import SPARQL_PREFIX_IRIS

if TYPE_CHECKING:
    from ..guard import QueryPlan
    from .results import QueryResult

__all__ = ["BaseStore", "Store"]


@runtime_checkable
class Store(Protocol):
    """What every store offers: read-only SPARQL over the union of all graphs, with the
    ontology's prefixes predeclared and values passed as bindings (never pasted into text)."""

    name: str
    prefixes: dict[str, str]

    def declare_prefixes(self, extra: dict[str, str]) -> None: ...

    def query(self, text: str, bindings: dict[str, Any] | None = None) -> QueryResult: ...

    def plan(self, text: str) -> QueryPlan: ...

    def is_graph(self, iri: str) -> bool: ...

    def values(self, text: str) -> Iterator[tuple[str | None, ...]]: ...

    def __len__(self) -> int: ...


class BaseStore:
    """What the stores share: predeclared prefixes and the query check."""

    name = "store"
    #: the prefixes predeclared for queries (see :meth:`declare_prefixes`)
    prefixes: dict[str, str] = SPARQL_PREFIX_IRIS

    def declare_prefixes(self, extra: dict[str, str]) -> None:
        """Predeclare ``extra`` prefixes (such as ``data:`` for a dataset's entities) besides the
        standard ones, for every query run on this store."""
        self.prefixes = {**SPARQL_PREFIX_IRIS, **extra}

    def plan(self, text: str) -> QueryPlan:
        """The checked plan of ``text`` (:class:`ecograph.guard.QueryPlan`): raises
        :class:`ecograph.guard.QueryRefused` for SERVICE and for FROM on a graph this store does
        not hold. Every query a local store runs goes through it."""
        from ..guard import check_query

        return check_query(text, self.prefixes, self.is_graph)

    def is_graph(self, iri: str) -> bool:  # pragma: no cover - every store defines it
        raise NotImplementedError

    def values(self, text: str) -> Iterator[tuple[str | None, ...]]:
        """The rows of a SELECT as tuples of plain values (an IRI's, a literal's lexical form,
        ``None`` where unbound), in the order of its projection: for bulk reads, where a store
        that can gives them one at a time instead of holding every row (Oxigraph)."""
        result = self.query(text)  # type: ignore[attr-defined]
        variables = result.variables
        for row in result.rows:
            yield tuple(row[v]["value"] if v in row else None for v in variables)
