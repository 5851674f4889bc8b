"""``ecograph serve``: the read-only SPARQL endpoint. The implementation lives in
:mod:`ecograph.endpoint` (protocol, runner, pages, app); this module keeps the names the CLI and
earlier code use."""

from __future__ import annotations

from typing import Any

from .endpoint import Endpoint, EndpointOptions, make_endpoint
from .endpoint.protocol import negotiate

__all__ = ["MAX_BODY", "Endpoint", "EndpointOptions", "make_server", "negotiate", "serve_forever"]

MAX_BODY = EndpointOptions.max_body


def make_server(
    kg: Any,
    host: str = "127.0.0.1",
    port: int = 8000,
    timeout: float = 10.0,
    max_rows: int = 10_000,
    cors: bool | tuple[str, ...] = False,
    **options: Any,
) -> Endpoint:
    """A bound, not yet serving endpoint over ``kg`` (see :class:`EndpointOptions` for the rest
    of the options; ``port=0`` picks a free port)."""
    return make_endpoint(
        kg, host=host, port=port, timeout=timeout, max_rows=max_rows, cors=cors, **options
    )


def serve_forever(endpoint: Endpoint) -> None:
    """Serve until interrupted (Ctrl-C) or ``endpoint.shutdown()``; always closes."""
    endpoint.serve_forever()
