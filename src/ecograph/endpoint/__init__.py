"""The read-only SPARQL endpoint (``ecograph serve``): the protocol, the query runner and its
worker processes, the pages and the app. See :mod:`ecograph.endpoint.app` for what it promises
and ``docs/security.md``. Names are imported lazily, so that a worker process
(``python -m ecograph.endpoint.worker``) does not load the web stack."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .app import Endpoint, EndpointOptions, make_endpoint

__all__ = ["Endpoint", "EndpointOptions", "make_endpoint"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from . import app

        return getattr(app, name)
    raise AttributeError(name)
