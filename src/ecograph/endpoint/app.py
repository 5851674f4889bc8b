"""The read-only SPARQL endpoint: Starlette routes on uvicorn, queries on worker processes.

Why Starlette on uvicorn (not ``http.server``, not werkzeug on waitress): an idle or slow
connection costs a few kilobytes on one event loop instead of a thread each, so a hundred
trickling clients cannot exhaust the server; uvicorn bounds the connections (``limit_concurrency``,
503 beyond it), keeps a real listen backlog, does keep-alive and ``Connection: close`` by the
book, and its HTTP parser (h11) refuses conflicting ``Content-Length`` headers. What uvicorn does
not bound, this module does: the time a client may take to send its request line and headers
(a protocol subclass closes the connection) and its body (read with a deadline), the body's
size, the Host header (an allow-list, against DNS rebinding), and CORS (only when asked).
Queries never run on the event loop: :mod:`ecograph.endpoint.runner` runs each in a worker
process with a memory cap and a deadline that kills it.

Routes: ``/sparql`` (the SPARQL 1.1 Protocol, GET or POST; ``?graph=IRI`` and ``?default`` are
Graph Store Protocol reads), ``/`` (a query page) and ``/view`` (the network viewer).
"""

from __future__ import annotations

import asyncio
import errno
import logging
import os
import shutil
import socket
import tempfile
import threading
import time
from dataclasses import dataclass
from typing import Any

from ..errors import OutputError, QueryError, UsageError
from .protocol import (
    GRAPH_TYPES,
    RESULT_TYPES,
    HttpError,
    Params,
    choose_media,
    parse_params,
    render_result,
    render_triples,
)
from .runner import Busy, QueryRunner, RunnerLimits, StoreSpec, TooLarge

__all__ = ["Endpoint", "EndpointOptions", "make_endpoint"]

log = logging.getLogger("ecograph.serve")

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
# compared against, to tell a bind to every interface (which the user asked for) from loopback
WILDCARD_HOSTS = ("0.0.0.0", "::", "")  # noqa: S104
_ALLOWED = "GET, HEAD, POST, OPTIONS"
_UPDATE_FORBIDDEN = "SPARQL Update is not allowed: this endpoint is read-only"


@dataclass(frozen=True)
class EndpointOptions:
    """Limits and switches of an endpoint (each is a ``serve`` option)."""

    host: str = "127.0.0.1"
    port: int = 8000
    timeout: float = (
        10.0  # seconds a query may run (its worker is killed after), or wait for a worker
    )
    max_rows: int = 10_000  # rows of a SELECT, triples of a CONSTRUCT/DESCRIBE/graph read
    workers: int = 2  # query worker processes
    memory_mb: int = 1024  # memory a query may use in its worker, above the store itself
    per_client: int = 16  # queries one client address may have waiting or running
    queue: int = 64  # queries waiting in all
    max_connections: int = 100  # open connections and requests in progress; 503 beyond
    max_body: int = 1024 * 1024  # bytes of a request body
    request_timeout: float = 10.0  # seconds a client may take to send its request
    cors: tuple[str, ...] = ()  # origins allowed to read answers from a browser ("*" for any)
    allow_hosts: tuple[str, ...] = ()  # Host header values accepted besides the loopback names
    view: bool = True  # serve the viewer at /view


class Endpoint:
    """A bound endpoint over one knowledge graph: ``serve_forever()`` serves it, ``shutdown()``
    (from another thread) stops it, ``server_close()`` releases the workers and the socket."""

    def __init__(self, kg: Any, options: EndpointOptions):
        self.kg = kg
        self.options = options
        if options.host in WILDCARD_HOSTS and not options.allow_hosts:
            raise UsageError(
                f"serving on every interface ({options.host or '*'}) needs the host names clients "
                "will use as allowed hosts (the Host header is checked, against DNS rebinding)",
                param="allow_hosts",
            )
        if options.host not in LOOPBACK_HOSTS:
            log.warning(
                "serving on %s: the endpoint is reachable from other machines", options.host
            )
        self.allowed_hosts = {
            h.lower() for h in (*LOOPBACK_HOSTS, options.host, *options.allow_hosts) if h
        }
        self._serving = threading.Event()
        self._stopped = threading.Event()
        self.socket = _bind(options.host, options.port)
        self._tmp: str | None = None
        self.runner: QueryRunner | None = None
        try:
            spec = self._store_spec()
            self.runner = QueryRunner(
                spec,
                RunnerLimits(
                    workers=options.workers,
                    timeout=options.timeout,
                    max_rows=options.max_rows,
                    memory_mb=options.memory_mb,
                    per_client=options.per_client,
                    queue=options.queue,
                ),
            )
        except BaseException:
            self.server_close()
            raise
        self.view_html = _view_html(kg) if options.view else None
        from .pages import query_page

        self.page, self.page_csp = query_page(
            getattr(getattr(kg, "meta", None), "title", None) or "ecograph",
            prefixes=getattr(kg.store, "prefixes", None),
            glyphs=_dataset_glyphs(kg),
        )
        self.server = self._uvicorn()

    @property
    def server_address(self) -> tuple[str, int]:
        host, port = self.socket.getsockname()[:2]
        return host, port

    @property
    def base(self) -> str:
        host, port = self.server_address
        return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"

    def _store_spec(self) -> StoreSpec:
        store = self.kg.store
        prefixes = {"data": self.kg.meta.base + "id/"}
        path = getattr(store, "path", None)
        if path is not None:
            return StoreSpec("oxigraph-path", path=str(path), prefixes=prefixes)
        self._tmp = tempfile.mkdtemp(prefix="ecograph-serve-")
        nquads = os.path.join(self._tmp, "build.nq")
        with open(nquads, "wb") as handle:
            handle.write(self.kg.nquads())
        kind = "memory" if getattr(store, "name", "") == "memory" else "oxigraph"
        return StoreSpec(kind, nquads=nquads, prefixes=prefixes)

    def _uvicorn(self) -> Any:
        import uvicorn
        from starlette.applications import Starlette
        from starlette.routing import Route

        app = Starlette(
            routes=[
                Route("/", self._page, methods=["GET", "HEAD"]),
                Route("/index.html", self._page, methods=["GET", "HEAD"]),
                Route("/view", self._view, methods=["GET", "HEAD"]),
                Route(
                    "/sparql",
                    self._sparql,
                    methods=["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"],
                ),
            ],
        )
        app.add_exception_handler(404, self._not_found)
        app.add_exception_handler(405, self._method_not_allowed)
        asgi = _Guard(app, self)
        config = uvicorn.Config(
            asgi,
            http=_protocol(self.options.request_timeout),
            lifespan="off",
            access_log=False,
            log_config=None,
            server_header=False,
            limit_concurrency=self.options.max_connections,
            backlog=1024,
            timeout_keep_alive=5,
            h11_max_incomplete_event_size=64 * 1024,
            timeout_graceful_shutdown=2,
        )
        return uvicorn.Server(config)

    # ------------------------------------------------------------------ serving

    def to_dict(self) -> dict[str, Any]:
        return {"base": self.base, "sparql": f"{self.base}/sparql", "page": f"{self.base}/"}

    def to_text(self, lang: str = "zh") -> str:
        """Where it listens (``ecograph serve`` says it on standard error)."""
        return f"SPARQL endpoint: {self.base}/sparql  (query page: {self.base}/)"

    def serve_forever(self) -> None:
        """Serve until ``shutdown()`` or Ctrl-C; always releases the workers and the socket."""
        self._serving.set()
        try:
            self.server.run(sockets=[self.socket])
        except KeyboardInterrupt:
            log.info("interrupted")
        finally:
            self._stopped.set()
            self.server_close()

    def shutdown(self) -> None:
        """Ask the server to stop (from another thread) and wait until it has."""
        self.server.should_exit = True
        if self._serving.is_set():
            self._stopped.wait(15)

    def server_close(self) -> None:
        if self._serving.is_set() and not self._stopped.is_set():
            self.shutdown()
        if self.runner is not None:
            self.runner.close()
            self.runner = None
        if self._tmp:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None
        try:
            self.socket.close()
        except OSError:
            pass

    # ------------------------------------------------------------------ routes

    async def _page(self, request: Any) -> Any:
        return _text(
            200, self.page, "text/html; charset=utf-8", {"Content-Security-Policy": self.page_csp}
        )

    async def _view(self, request: Any) -> Any:
        if self.view_html is None:
            raise HttpError(
                404,
                "the viewer is not served by this server (switched off, or the graph has more "
                f"than {VIEW_MAX_ENTITIES:,} entities: draw a part around one entity instead)",
            )
        return _bytes(200, self.view_html, "text/html; charset=utf-8")

    async def _not_found(self, request: Any, exc: Exception) -> Any:
        return _text(
            404,
            f"no such page: {request.url.path[:200]}; the endpoint is /sparql\n",
            "text/plain; charset=utf-8",
        )

    async def _method_not_allowed(self, request: Any, exc: Exception) -> Any:
        return _text(
            405,
            f"{request.method} is not allowed here\n",
            "text/plain; charset=utf-8",
            {"Allow": "GET, HEAD"},
        )

    async def _sparql(self, request: Any) -> Any:
        try:
            return await self._protocol(request)
        except HttpError as error:
            log.info(
                "%s %s: %d %s",
                request.method,
                request.url.path,
                error.status,
                error.message.splitlines()[0][:200],
            )
            return _text(
                error.status, error.message + "\n", "text/plain; charset=utf-8", error.headers
            )

    async def _protocol(self, request: Any) -> Any:
        method = request.method
        if method in ("PUT", "DELETE", "PATCH"):
            raise HttpError(
                405,
                f"{method} is not allowed: this endpoint is read-only (GET or POST a query)",
                {"Allow": _ALLOWED},
            )
        if method == "OPTIONS":
            return _bytes(204, b"", "text/plain", {"Allow": _ALLOWED})
        params = parse_params(request.url.query)
        if method == "POST":
            params = await self._post_params(request, params)
        if "update" in params:
            raise HttpError(403, _UPDATE_FORBIDDEN)
        if "query" not in params.single:
            if "graph" in params.single or "default" in params.single:
                return await self._graph_read(request, params)
            if method == "POST":
                raise HttpError(400, "no query given")
            return _text(200, self._description(request), "text/turtle; charset=utf-8")
        return await self._query(request, params)

    async def _post_params(self, request: Any, params: Params) -> Params:
        content_type = (request.headers.get("content-type") or "").split(";")[0].strip().lower()
        if content_type == "application/sparql-update":
            raise HttpError(403, _UPDATE_FORBIDDEN)
        if content_type not in ("application/x-www-form-urlencoded", "application/sparql-query"):
            raise HttpError(
                415, "POST application/sparql-query or application/x-www-form-urlencoded"
            )
        body = await self._body(request)
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            raise HttpError(400, "the request body is not UTF-8") from None
        if content_type == "application/x-www-form-urlencoded":
            form = parse_params(text)
            if "update" in form:
                raise HttpError(403, _UPDATE_FORBIDDEN)
            if "query" in params.single and "query" in form.single:
                raise HttpError(400, "give the query in the body or the URL, not both")
            params.update(form)
        else:
            if "query" in params.single:
                raise HttpError(400, "a direct POST carries the query in the body, not the URL")
            params.single["query"] = text
        return params

    async def _body(self, request: Any) -> bytes:
        """The request body, at most ``max_body`` bytes, sent within ``request_timeout``."""
        limit = self.options.max_body
        declared = request.headers.get("content-length")
        too_large = HttpError(
            413, f"the request body is over {limit} bytes", {"Connection": "close"}
        )
        # a body somewhat over the limit is read and dropped, so that the client, still sending,
        # sees the answer rather than a reset connection; a far larger one is not read at all
        drain = declared is not None and declared.isdigit() and int(declared) > limit
        if drain and int(declared or 0) > 16 * limit:
            raise too_large
        chunks: list[bytes] = []
        size = 0
        try:
            async with asyncio.timeout(self.options.request_timeout):
                async for chunk in request.stream():
                    size += len(chunk)
                    if size > 16 * limit or (size > limit and not drain):
                        raise too_large
                    if not drain:
                        chunks.append(chunk)
        except TimeoutError:
            raise HttpError(
                408,
                f"the request body took longer than {self.options.request_timeout:g} s",
                {"Connection": "close"},
            ) from None
        if drain:
            raise too_large
        return b"".join(chunks)

    def _description(self, request: Any) -> str:
        from .pages import service_description

        host = request.headers.get("host") or ""
        return service_description(f"http://{host}/sparql")

    async def _query(self, request: Any, params: Params) -> Any:
        if params.multi.get("default-graph-uri") or params.multi.get("named-graph-uri"):
            raise HttpError(
                400,
                "default-graph-uri and named-graph-uri are not supported: use FROM / FROM NAMED in "
                "the query",
            )
        text = params.single["query"]
        from ..guard import QueryRefused

        try:  # the parsed query, before a worker is taken: SERVICE, FROM elsewhere, Update
            self.kg.store.plan(text)
        except QueryRefused as exc:
            raise HttpError(
                403, f"{exc} (this endpoint is read-only and makes no requests)"
            ) from None
        except QueryError as exc:
            from ..stores.sparql import is_update

            if is_update(text):
                raise HttpError(403, _UPDATE_FORBIDDEN) from None
            raise HttpError(400, str(exc)) from None
        result = await self._run(request, text)
        offered = RESULT_TYPES if result.kind in ("select", "ask") else GRAPH_TYPES
        media = _choose(params, request, offered, result.kind)
        body = render_result(result, media)
        return _bytes(200, body, f"{media}; charset=utf-8", {"Vary": "Accept"})

    async def _run(self, request: Any, text: str) -> Any:
        import anyio

        client = request.client.host if request.client else "unknown"
        started = time.perf_counter()
        runner = self.runner
        if runner is None:
            raise HttpError(503, "the server is shutting down")
        try:
            result = await anyio.to_thread.run_sync(
                runner.run, text, client, abandon_on_cancel=True
            )
        except Busy as exc:
            headers = {"Retry-After": str(exc.retry_after)} if exc.retry_after else {}
            raise HttpError(exc.status, exc.message, headers) from None
        except TooLarge as exc:
            raise HttpError(
                413,
                f"the result has {exc.size} {exc.unit}, over this server's limit of "
                f"{self.options.max_rows}; add a LIMIT",
            ) from None
        except QueryError as exc:
            from ..guard import QueryRefused
            from ..stores.sparql import is_update

            if isinstance(exc, QueryRefused) or is_update(text):
                raise HttpError(
                    403, str(exc) if isinstance(exc, QueryRefused) else _UPDATE_FORBIDDEN
                ) from None
            raise HttpError(400, str(exc)) from None
        log.debug("%s query in %.3f s", result.kind, time.perf_counter() - started)
        return result

    async def _graph_read(self, request: Any, params: Params) -> Any:
        """Graph Store Protocol, read-only: ``?graph=IRI`` (one named graph) or ``?default``
        (the default graph, which here is the union of all graphs)."""
        if "graph" in params.single and "default" in params.single:
            raise HttpError(400, "give graph=IRI or default, not both")
        if "graph" in params.single:
            from ..namespaces import is_iri

            iri = params.single["graph"]
            if not is_iri(iri):
                raise HttpError(400, "graph= must be an absolute IRI")
            if not self.kg.store.is_graph(iri):
                raise HttpError(404, f"no graph <{iri[:200]}> in this dataset")
        else:
            iri = None
        triples = _graph_triples(self.kg.store, iri, self.options.max_rows)
        if triples is None:
            raise HttpError(
                413,
                f"the graph has more than {self.options.max_rows} triples, this server's limit; "
                "query it with LIMIT",
            )
        media = _choose(params, request, GRAPH_TYPES, "graph")
        body = b"" if request.method == "HEAD" else render_triples(triples, media)
        return _bytes(200, body, f"{media}; charset=utf-8", {"Vary": "Accept"})


def _graph_triples(store: Any, iri: str | None, limit: int) -> list[Any] | None:
    """The triples of the named graph ``iri`` (``None``: of every graph, the default graph here)
    as pyoxigraph triples, in a fixed order; ``None`` as soon as there are more than ``limit``."""
    import pyoxigraph as ox

    lines = store.graph_ntriples(iri, limit)
    if lines is None:
        return None
    text = "".join(f"{line} .\n" for line in lines).encode("utf-8")
    return sorted(ox.parse(text, format=ox.RdfFormat.N_TRIPLES), key=str)


def _choose(params: Params, request: Any, offered: tuple[str, ...], kind: str) -> str:
    try:
        return choose_media(params, request.headers.get("accept"), offered)
    except HttpError as error:
        raise HttpError(406, f"a {kind} result is offered as {', '.join(offered)}") from error


def _bytes(
    status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None
) -> Any:
    from starlette.responses import Response

    out = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer", **(headers or {})}
    return Response(
        body, status_code=status, media_type=None, headers={"Content-Type": content_type, **out}
    )


def _text(status: int, text: str, content_type: str, headers: dict[str, str] | None = None) -> Any:
    return _bytes(status, text.encode("utf-8"), content_type, headers)


class _Guard:
    """ASGI middleware: the Host allow-list, CORS when asked, HEAD without a body, errors as
    plain-text answers (never a traceback)."""

    def __init__(self, app: Any, endpoint: Endpoint):
        self.app = app
        self.endpoint = endpoint

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        headers = {
            k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])
        }
        host = _host_name(headers.get("host", ""))
        if host not in self.endpoint.allowed_hosts:
            await _plain(
                send,
                421,
                "this server does not answer for that Host (it is not one of its allowed hosts)\n",
            )
            return
        origin = headers.get("origin")
        cors = self.endpoint.options.cors
        allow_origin = "*" if "*" in cors else origin if origin and origin in cors else None

        async def send_with_headers(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start" and allow_origin:
                extra = [
                    (b"access-control-allow-origin", allow_origin.encode("latin-1")),
                    (b"vary", b"Origin"),
                ]
                if scope["method"] == "OPTIONS":
                    extra += [
                        (b"access-control-allow-methods", b"GET, POST, OPTIONS"),
                        (b"access-control-allow-headers", b"Content-Type, Accept"),
                        (b"access-control-max-age", b"600"),
                    ]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            if message["type"] == "http.response.body" and scope["method"] == "HEAD":
                message = {**message, "body": b""}
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception:  # the server must go on serving whatever happens
            log.exception("internal error on %s %s", scope.get("method"), scope.get("path"))
            try:
                await _plain(send, 500, "internal server error\n")
            except Exception:  # noqa: S110 - the client is gone; the error is logged above
                pass


async def _plain(send: Any, status: int, text: str) -> None:
    body = text.encode("utf-8")
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def _host_name(header: str) -> str:
    """The host of a Host header, without the port, lower case."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1 : header.find("]")] if "]" in header else header
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


def _protocol(request_timeout: float) -> Any:
    """uvicorn's h11 protocol, closing a connection whose client takes longer than
    ``request_timeout`` to send a request line and headers (a trickle of one byte at a time
    used to hold a connection open for as long as it liked)."""
    from uvicorn.protocols.http.h11_impl import H11Protocol

    class TimedH11Protocol(H11Protocol):
        def connection_made(self, transport: Any) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._waiting_since = self.loop.time()
            self._watch = self.loop.call_later(1.0, self._check)

        def on_response_complete(self) -> None:
            self._waiting_since = self.loop.time()
            super().on_response_complete()

        def _check(self) -> None:
            if self.transport.is_closing():
                return
            waiting = self.cycle is None or self.cycle.response_complete
            if waiting and self.loop.time() - self._waiting_since > request_timeout:
                self.transport.close()
                return
            self._watch = self.loop.call_later(1.0, self._check)

        def connection_lost(self, exc: Exception | None) -> None:
            watch = getattr(self, "_watch", None)
            if watch is not None:
                watch.cancel()
            super().connection_lost(exc)

    return TimedH11Protocol


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
        sock.listen(1024)
    except OSError as exc:  # the port is taken, the host unknown or not this machine's
        sock.close()
        hint = (
            " (another server runs there? port 0 picks a free port)"
            if exc.errno == errno.EADDRINUSE
            else ""
        )
        raise OutputError(f"cannot listen on {host}:{port}: {exc.strerror or exc}{hint}") from None
    sock.setblocking(False)
    return sock


#: the literals whose characters the query page embeds glyphs for: what results mostly show
_GLYPH_QUERY = """SELECT ?text WHERE {
  { ?s skos:prefLabel ?text } UNION { ?s skos:altLabel ?text }
  UNION { ?s rdfs:label ?text } UNION { ?s oa:exact ?text }
}"""


def _dataset_glyphs(kg: Any) -> str:
    """The characters of the dataset's labels and quotes, whose glyphs the query page embeds
    for its results: counted as the store hands them out, a batch at a time (the whole
    dataset's text at 20M statements is gigabytes)."""
    from collections import Counter

    from .pages import dataset_glyphs

    counts: Counter[str] = Counter()
    batch: list[str] = []
    try:
        for (text,) in kg.store.values(_GLYPH_QUERY):
            if text:
                batch.append(text)
            if len(batch) >= 50_000:
                counts.update("".join(batch))
                batch.clear()
    except Exception:  # a store that cannot answer: the page's own glyphs only
        return ""
    counts.update("".join(batch))
    return dataset_glyphs(counts)


#: above this many entities ``/view`` is not rendered at start: a page of that size is
#: unusable in a browser and rendering it takes minutes (the viewer can draw a part: one
#: entity's neighbourhood, or some kinds)
VIEW_MAX_ENTITIES = 20_000


def _view_html(kg: Any) -> bytes | None:
    """The viewer page of the whole graph, or ``None`` above :data:`VIEW_MAX_ENTITIES`."""
    stats = kg.stats() if hasattr(kg, "stats") else None
    if stats is not None and stats.entities > VIEW_MAX_ENTITIES:
        return None
    return kg.render_view().encode("utf-8")


def make_endpoint(kg: Any, **options: Any) -> Endpoint:
    """A bound endpoint over ``kg`` with :class:`EndpointOptions` ``options`` (``port=0``
    picks a free port: see ``endpoint.server_address``), not yet serving."""
    if "cors" in options and isinstance(options["cors"], bool):
        options["cors"] = ("*",) if options["cors"] else ()
    return Endpoint(kg, EndpointOptions(**options))
