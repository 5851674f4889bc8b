"""A read-only SPARQL 1.1 endpoint over one knowledge graph (standard library ``http.server``).

Endpoints:

* ``/sparql``: the SPARQL 1.1 Protocol. ``GET ?query=``, ``POST`` form-encoded (``query=…``) or
  ``POST application/sparql-query``. Results are negotiated by ``Accept`` (or a ``format=``
  parameter, for browsers): SPARQL JSON (default), SPARQL XML, CSV, TSV for SELECT and ASK;
  Turtle (default), N-Triples or RDF/XML for CONSTRUCT and DESCRIBE. ``GET /sparql`` without
  a query returns the service description (Turtle).
* ``/``: a small query page with the gallery's queries as examples (no external resources).
* ``/view``: the interactive viewer (rendered once when the server is made).

The server is read-only: SPARQL Update (``update=``, ``application/sparql-update`` or an update
sent as a query) is refused with 403, and so is any query that would reach outside the dataset:
``SERVICE``, and ``FROM``/``FROM NAMED`` on a graph the store does not hold. The decision is
taken on the parsed query (:mod:`ecograph.guard`), not on its text, so escapes, comments and case
cannot hide a keyword; the server never makes an outgoing request and never reads a file because
of a query. ``FROM <g>`` on a graph of the dataset is honoured. Malformed queries get 400 with
the message, results over ``max_rows`` rows (or triples) 413, request bodies over 1 MB 413, and
queries that outlast ``timeout`` seconds 503.

**Timeouts.** Each query runs in a bounded pool of worker threads; the HTTP thread waits until
the deadline and then answers 503. A query still waiting for a worker is cancelled, but a query
already running cannot be: pyoxigraph offers no way to interrupt a query, so the worker finishes
it in the background and its answer is thrown away. The pool's size (``workers``) bounds how
many such queries can run at once; while all workers are busy, new queries wait in the queue and
time out in turn. A query that ran longer than the deadline on its own (time spent waiting for a
worker does not count) is remembered by its SHA-256 and answered 503 at once for
``slow_cooldown`` seconds, so that repeating it does not tie up the workers again.

The server binds to the loopback interface by default; CORS headers are sent only when
``cors=True``. Nothing is printed: requests and errors go to the ``ecograph.serve`` logger.
"""

from __future__ import annotations

import base64
import errno
import hashlib
import html
import json
import logging
import re
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import quoteattr

from .errors import OutputError, QueryError
from .query import QueryResult, gallery

__all__ = ["make_server", "serve_forever", "SparqlServer", "MAX_BODY"]

log = logging.getLogger("ecograph.serve")

#: the largest request body accepted (bytes)
MAX_BODY = 1024 * 1024
#: a body over MAX_BODY but up to this size is read and dropped before the 413 (a client that is
#: still sending would otherwise see a broken connection, not the answer); larger ones are not read
DRAIN_LIMIT = 16 * MAX_BODY

LOOPBACK = ("127.0.0.1", "localhost", "::1")

JSON = "application/sparql-results+json"
XML = "application/sparql-results+xml"
CSV = "text/csv"
TSV = "text/tab-separated-values"
TURTLE = "text/turtle"
NTRIPLES = "application/n-triples"
RDFXML = "application/rdf+xml"

#: media types for SELECT/ASK, the first is the default; aliases map to one of them
RESULT_TYPES = (JSON, XML, CSV, TSV)
GRAPH_TYPES = (TURTLE, NTRIPLES, RDFXML)
ALIASES = {
    "application/json": JSON,
    "application/xml": XML,
    "text/xml": XML,
    "text/plain": NTRIPLES,
    "application/x-turtle": TURTLE,
}
#: ``format=`` values (for browser forms, which cannot set Accept)
FORMAT_PARAM = {
    "json": JSON,
    "xml": XML,
    "csv": CSV,
    "tsv": TSV,
    "turtle": TURTLE,
    "ttl": TURTLE,
    "ntriples": NTRIPLES,
    "nt": NTRIPLES,
    "rdfxml": RDFXML,
}
#: W3C format IRIs for the service description
FORMAT_IRIS = {
    JSON: "http://www.w3.org/ns/formats/SPARQL_Results_JSON",
    XML: "http://www.w3.org/ns/formats/SPARQL_Results_XML",
    CSV: "http://www.w3.org/ns/formats/SPARQL_Results_CSV",
    TSV: "http://www.w3.org/ns/formats/SPARQL_Results_TSV",
    TURTLE: "http://www.w3.org/ns/formats/Turtle",
    NTRIPLES: "http://www.w3.org/ns/formats/N-Triples",
    RDFXML: "http://www.w3.org/ns/formats/RDF_XML",
}


class HttpError(Exception):
    """An answer other than 200, with the message sent as plain text."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


# --------------------------------------------------------------------------- query checks

_ALLOWED = "GET, HEAD, POST, OPTIONS"
#: methods whose request may carry a body the server does not read when it refuses them
_WITH_BODY = ("POST", "PUT", "PATCH", "DELETE")
_UPDATE_FORBIDDEN = "SPARQL Update is not allowed: this endpoint is read-only"


# --------------------------------------------------------------------------- content negotiation


def _accept(header: str | None) -> list[tuple[str, float, int]]:
    """(media type, q, position), most preferred first."""
    out = []
    for position, part in enumerate((header or "").split(",")):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if not media:
            continue
        q = 1.0
        for param in fields[1:]:
            if param.lower().startswith("q="):
                try:
                    q = float(param[2:])
                except ValueError:
                    q = 0.0
        out.append((media, q, position))
    return sorted(out, key=lambda item: (-item[1], item[2]))


def negotiate(accept: str | None, offered: tuple[str, ...]) -> str | None:
    """The offered media type the Accept header prefers (the first offered when there is no
    header or it accepts anything); ``None`` when nothing offered is acceptable."""
    entries = _accept(accept)
    if not entries:
        return offered[0]
    for media, q, _ in entries:
        if q <= 0:
            continue
        media = ALIASES.get(media, media)
        if media in offered:
            return media
        if media == "*/*":
            return offered[0]
        if media.endswith("/*"):
            for candidate in offered:
                if candidate.startswith(media[:-1]):
                    return candidate
    return None


# --------------------------------------------------------------------------- result formats


def _results_xml(result: QueryResult) -> str:
    out = ['<?xml version="1.0" encoding="UTF-8"?>', '<sparql xmlns="http://www.w3.org/2005/sparql-results#">']
    if result.kind == "ask":
        out += ["<head/>", f"<boolean>{'true' if result.boolean else 'false'}</boolean>", "</sparql>"]
        return "\n".join(out) + "\n"
    out.append("<head>" + "".join(f"<variable name={quoteattr(v)}/>" for v in result.variables) + "</head>")
    out.append("<results>")
    for row in result.rows:
        cells = []
        for name in result.variables:
            if name not in row:
                continue
            term = row[name]
            value = xml_escape(term["value"])
            if term["type"] == "uri":
                inner = f"<uri>{value}</uri>"
            elif term["type"] == "bnode":
                inner = f"<bnode>{value}</bnode>"
            elif "xml:lang" in term:
                inner = f"<literal xml:lang={quoteattr(term['xml:lang'])}>{value}</literal>"
            elif "datatype" in term:
                inner = f"<literal datatype={quoteattr(term['datatype'])}>{value}</literal>"
            else:
                inner = f"<literal>{value}</literal>"
            cells.append(f"<binding name={quoteattr(name)}>{inner}</binding>")
        out.append("<result>" + "".join(cells) + "</result>")
    out += ["</results>", "</sparql>"]
    return "\n".join(out) + "\n"


def _ask_delimited(result: QueryResult, delimiter: str) -> str:
    value = "true" if result.boolean else "false"
    return f"_askResult\r\n{value}\r\n" if delimiter == "," else f"?_askResult\n{value}\n"


def render_result(result: QueryResult, media: str) -> bytes:
    """The body of a result in ``media`` (one of RESULT_TYPES or GRAPH_TYPES)."""
    if media == JSON:
        return json.dumps(result.to_sparql_json(), ensure_ascii=False).encode("utf-8")
    if media == XML:
        return _results_xml(result).encode("utf-8")
    if media in (CSV, TSV):
        delimiter = "," if media == CSV else "\t"
        text = _ask_delimited(result, delimiter) if result.kind == "ask" else result.to_delimited(delimiter)
        return text.encode("utf-8")
    turtle = (result.turtle or "").encode("utf-8")
    if media == TURTLE:
        return turtle
    import pyoxigraph as ox

    triples = list(ox.parse(turtle, format=ox.RdfFormat.TURTLE))
    target = ox.RdfFormat.N_TRIPLES if media == NTRIPLES else ox.RdfFormat.RDF_XML
    return ox.serialize(triples, format=target) or b""


# --------------------------------------------------------------------------- pages


def service_description(endpoint: str) -> str:
    """The SPARQL 1.1 Service Description of the endpoint, in Turtle."""
    results = " , ".join(f"<{FORMAT_IRIS[m]}>" for m in RESULT_TYPES + GRAPH_TYPES)
    return (
        "@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .\n"
        "@prefix dcterms: <http://purl.org/dc/terms/> .\n\n"
        "[] a sd:Service ;\n"
        f"  sd:endpoint <{endpoint}> ;\n"
        "  sd:supportedLanguage sd:SPARQL11Query ;\n"
        f"  sd:resultFormat {results} ;\n"
        "  sd:feature sd:UnionDefaultGraph ;\n"
        '  dcterms:description "ecograph knowledge graph, read-only: the default graph is the union of all graphs; '
        'SPARQL Update, SERVICE and LOAD are refused." .\n'
    )


_PAGE_SCRIPT = """
const examples = JSON.parse(document.getElementById('examples').textContent);
const pick = document.getElementById('example');
pick.addEventListener('change', () => {
  const chosen = examples[pick.value];
  if (chosen !== undefined) { document.getElementById('query').value = chosen; }
});
""".strip()


def query_page(title: str) -> tuple[str, str]:
    """The HTML query page and its Content-Security-Policy. Everything is inline and escaped."""
    from .view import script_json

    saved = gallery()
    data = script_json({q.name: q.text for q in saved})  # no query text can close the script element
    options = "\n".join(
        f'<option value="{html.escape(q.name)}">{html.escape(q.name)}: '
        f"{html.escape(q.title.get('en') or q.title.get('zh') or '')}</option>"
        for q in saved
    )
    first = saved[0].text if saved else "SELECT * WHERE { ?s ?p ?o } LIMIT 10"
    digest = base64.b64encode(hashlib.sha256(_PAGE_SCRIPT.encode("utf-8")).digest()).decode("ascii")
    csp = (
        "default-src 'none'; style-src 'unsafe-inline'; "
        f"script-src 'sha256-{digest}'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    )
    formats = "".join(f'<option value="{k}">{k}</option>' for k in ("json", "xml", "csv", "tsv", "turtle", "ntriples"))
    page = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{html.escape(title)}: SPARQL</title>
<style>
body {{ font-family: sans-serif; margin: 2em; max-width: 60em; }}
textarea {{ width: 100%; height: 20em; font-family: monospace; }}
</style>
</head>
<body>
<h1>{html.escape(title)}: SPARQL endpoint</h1>
<p>Read-only SPARQL 1.1 endpoint at <code>/sparql</code>. The default graph is the union of all
graphs; the ontology's prefixes are predeclared. <a href="/view">Network viewer</a>.</p>
<form method="get" action="/sparql">
<p><label>Example: <select id="example"><option value="">(choose a saved query)</option>
{options}
</select></label></p>
<p><textarea id="query" name="query">{html.escape(first)}</textarea></p>
<p><label>Format: <select name="format">{formats}</select></label> <button type="submit">Run</button></p>
</form>
<script type="application/json" id="examples">{data}</script>
<script>{_PAGE_SCRIPT}</script>
</body>
</html>
"""
    return page, csp


# --------------------------------------------------------------------------- the server


class SparqlServer(ThreadingHTTPServer):
    """A ThreadingHTTPServer holding the graph, the limits and the query workers."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(
        self,
        address: tuple[str, int],
        kg: Any,
        *,
        timeout: float,
        max_rows: int,
        cors: bool,
        workers: int,
        view: bool,
        slow_cooldown: float = 60.0,
    ):
        if ":" in address[0]:
            import socket

            self.address_family = socket.AF_INET6
        super().__init__(address, SparqlHandler)
        self.kg = kg
        self.query_timeout = timeout
        self.max_rows = max_rows
        self.cors = cors
        #: the SHA-256 of each query that passed the deadline -> until when it is refused at once
        self.slow: dict[str, float] = {}
        self.slow_lock = threading.Lock()
        self.slow_cooldown = slow_cooldown
        self.executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="ecograph-query")
        self.page, self.page_csp = query_page(getattr(getattr(kg, "meta", None), "name", None) or "ecograph")
        self.view_html: bytes | None = None
        if view:
            from .view import render_html

            self.view_html = render_html(kg).encode("utf-8")

    def server_close(self) -> None:
        super().server_close()
        executor = getattr(self, "executor", None)  # absent when binding the address failed
        if executor is not None:
            executor.shutdown(wait=False, cancel_futures=True)

    def run_query(self, text: str) -> QueryResult:
        """Run ``text`` on a worker; HttpError 503 when the deadline passes, 413 when the result
        has more than ``max_rows`` rows."""
        key = hashlib.sha256(text.encode("utf-8")).hexdigest()
        with self.slow_lock:
            now = time.monotonic()
            if self.slow.get(key, 0.0) > now:
                raise HttpError(
                    HTTPStatus.SERVICE_UNAVAILABLE,
                    f"this query took longer than {self.query_timeout:g} s a moment ago; it is not run again "
                    f"for {self.slow_cooldown:g} s",
                    {"Retry-After": str(max(1, round(self.slow[key] - now)))},
                )
        abandoned = threading.Event()
        started: list[float] = []  # when a worker took the query up
        future: Future[QueryResult] = self.executor.submit(self._work, key, text, abandoned, started)
        try:
            return future.result(timeout=self.query_timeout)
        except FutureTimeout:
            abandoned.set()
            if future.cancel():
                reason = "waited for a free worker longer than"
            else:
                reason = "took longer than"
                if started and time.monotonic() - started[0] >= self.query_timeout:
                    self._remember_slow(key)  # it ran the whole time: slow on its own
                log.warning("query passed the %.3g s deadline; it finishes in the background", self.query_timeout)
            raise HttpError(
                HTTPStatus.SERVICE_UNAVAILABLE,
                f"the query {reason} {self.query_timeout:g} s and was abandoned",
                {"Retry-After": "5"},
            ) from None

    def _work(self, key: str, text: str, abandoned: threading.Event, started: list[float]) -> QueryResult:
        started.append(time.monotonic())
        try:
            return _run_capped(self.kg, text, self.max_rows, abandoned)
        finally:
            if time.monotonic() - started[0] > self.query_timeout:
                self._remember_slow(key)  # queued first, then ran past the deadline by itself

    def _remember_slow(self, key: str) -> None:
        with self.slow_lock:
            now = time.monotonic()
            if len(self.slow) >= 1000:
                self.slow = {k: v for k, v in self.slow.items() if v > now}
            self.slow[key] = now + self.slow_cooldown


class SparqlHandler(BaseHTTPRequestHandler):
    """One request; every error becomes an HTTP answer and the server goes on serving."""

    server: SparqlServer
    server_version = "ecograph-sparql"
    protocol_version = "HTTP/1.1"
    timeout = 30  # seconds a client may take to send its request

    # ------------------------------------------------------------------ plumbing

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        log.info("%s %s", self.address_string(), format % args)

    def _send(self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        if self.server.cors:
            self.send_header("Access-Control-Allow-Origin", "*")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _error(self, error: HttpError) -> None:
        log.info("%s %s: %d %s", self.command, self.path.split("?", 1)[0], error.status, error.message.splitlines()[0])
        if error.status >= 400 and self.command in _WITH_BODY and not getattr(self, "_body_read", False):
            self.close_connection = True  # the unread body must not be taken for the next request
        self._send(error.status, (error.message + "\n").encode("utf-8"), "text/plain; charset=utf-8", error.headers)

    def _handle(self, method: Any) -> None:
        self._body_read = False
        try:
            method()
        except HttpError as error:
            self._error(error)
        except (BrokenPipeError, ConnectionResetError):
            log.info("the client went away")
        except Exception:  # the server must go on serving whatever happens
            log.exception("internal error on %s %s", self.command, self.path)
            try:
                self._error(HttpError(HTTPStatus.INTERNAL_SERVER_ERROR, "internal server error"))
            except OSError:
                pass

    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        self._handle(self._get)

    def do_HEAD(self) -> None:  # noqa: N802
        self._handle(self._get)

    def do_POST(self) -> None:  # noqa: N802
        self._handle(self._post)

    def do_PUT(self) -> None:  # noqa: N802
        self._handle(self._not_allowed)

    do_DELETE = do_PATCH = do_PUT  # noqa: N815

    def _not_allowed(self) -> None:
        raise HttpError(
            HTTPStatus.METHOD_NOT_ALLOWED,
            f"{self.command} is not allowed: this endpoint is read-only (GET or POST a query)",
            {"Allow": _ALLOWED},
        )

    def do_OPTIONS(self) -> None:  # noqa: N802
        headers = {"Allow": _ALLOWED}
        if self.server.cors:
            headers |= {
                "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
                "Access-Control-Allow-Headers": "Content-Type, Accept",
                "Access-Control-Max-Age": "600",
            }
        self._send(HTTPStatus.NO_CONTENT, b"", "text/plain", headers)

    # ------------------------------------------------------------------ routes

    def _get(self) -> None:
        url = urlsplit(self.path)
        if url.path in ("/", "/index.html"):
            self._send(200, self.server.page.encode("utf-8"), "text/html; charset=utf-8", {"Content-Security-Policy": self.server.page_csp})
        elif url.path == "/view":
            if self.server.view_html is None:
                raise HttpError(HTTPStatus.NOT_FOUND, "the viewer is not served by this server")
            self._send(200, self.server.view_html, "text/html; charset=utf-8")
        elif url.path == "/sparql":
            params = _params(url.query)
            if "update" in params:
                raise HttpError(HTTPStatus.FORBIDDEN, _UPDATE_FORBIDDEN)
            if "query" not in params:
                host = self.headers.get("Host") or ""
                if not re.fullmatch(r"[A-Za-z0-9.\-]+(:[0-9]+)?|\[[0-9A-Fa-f:.]+\](:[0-9]+)?", host):
                    host = "%s:%d" % self.server.server_address[:2]  # never echo a malformed Host
                endpoint = f"http://{host}/sparql"
                self._send(200, service_description(endpoint).encode("utf-8"), "text/turtle; charset=utf-8")
                return
            self._sparql(params)
        else:
            raise HttpError(HTTPStatus.NOT_FOUND, f"no such page: {url.path}; the endpoint is /sparql")

    def _post(self) -> None:
        url = urlsplit(self.path)
        if url.path != "/sparql":
            raise HttpError(HTTPStatus.NOT_FOUND, f"no such endpoint: {url.path}; use /sparql")
        if self.headers.get("Transfer-Encoding"):
            raise HttpError(HTTPStatus.LENGTH_REQUIRED, "chunked request bodies are not accepted; send Content-Length")
        try:
            length = int(self.headers.get("Content-Length", ""))
        except ValueError:
            raise HttpError(HTTPStatus.LENGTH_REQUIRED, "a POST needs a Content-Length") from None
        if length < 0:
            raise HttpError(HTTPStatus.BAD_REQUEST, "bad Content-Length")
        if length > MAX_BODY:
            if length <= DRAIN_LIMIT:  # read and drop it, so that the client sees the answer
                _drain(self.rfile, length)
                self._body_read = True
            raise HttpError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"the request body is over {MAX_BODY} bytes")
        content_type = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if content_type == "application/sparql-update":
            raise HttpError(HTTPStatus.FORBIDDEN, _UPDATE_FORBIDDEN)
        body = self.rfile.read(length)
        self._body_read = True
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            raise HttpError(HTTPStatus.BAD_REQUEST, "the request body is not UTF-8") from None
        params = _params(url.query)
        if content_type == "application/x-www-form-urlencoded":
            form = _params(text)
            if "update" in form:
                raise HttpError(HTTPStatus.FORBIDDEN, _UPDATE_FORBIDDEN)
            if "query" in params:
                raise HttpError(HTTPStatus.BAD_REQUEST, "give the query in the body or the URL, not both")
            params.update(form)
        elif content_type == "application/sparql-query":
            if "query" in params:
                raise HttpError(HTTPStatus.BAD_REQUEST, "a direct POST carries the query in the body, not the URL")
            params["query"] = text
        else:
            raise HttpError(
                HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
                "POST application/sparql-query or application/x-www-form-urlencoded",
            )
        if "query" not in params:
            raise HttpError(HTTPStatus.BAD_REQUEST, "no query given")
        self._sparql(params)

    # ------------------------------------------------------------------ the protocol

    def _sparql(self, params: dict[str, str]) -> None:
        for name in ("default-graph-uri", "named-graph-uri"):
            if name in params:
                raise HttpError(
                    HTTPStatus.BAD_REQUEST,
                    f"{name} is not supported: the default graph is always the union of all graphs",
                )
        text = params["query"]
        from .guard import QueryRefused

        try:  # the parsed query, before a worker is taken: SERVICE, FROM elsewhere, Update
            self.server.kg.store.plan(text)
        except QueryRefused as exc:
            raise HttpError(HTTPStatus.FORBIDDEN, f"{exc} (this endpoint is read-only and makes no requests)") from None
        except QueryError as exc:
            raise HttpError(HTTPStatus.BAD_REQUEST, str(exc)) from None
        started = time.perf_counter()
        try:
            result = self.server.run_query(text)
        except _TooLarge as exc:
            raise HttpError(
                HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                f"the result has {exc.size} {exc.unit}, over this server's limit of {self.server.max_rows}; add a LIMIT",
            ) from None
        except QueryRefused as exc:
            raise HttpError(HTTPStatus.FORBIDDEN, str(exc)) from None
        except QueryError as exc:
            from .query import _is_update

            if _is_update(text):
                raise HttpError(HTTPStatus.FORBIDDEN, _UPDATE_FORBIDDEN) from None
            raise HttpError(HTTPStatus.BAD_REQUEST, str(exc)) from None
        size = len(result.rows) if result.kind == "select" else result.triples
        if size > self.server.max_rows:
            unit = "rows" if result.kind == "select" else "triples"
            raise HttpError(
                HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                f"the result has {size} {unit}, over this server's limit of {self.server.max_rows}; add a LIMIT",
            )
        offered = RESULT_TYPES if result.kind in ("select", "ask") else GRAPH_TYPES
        wanted = params.get("format")
        if wanted:
            media = FORMAT_PARAM.get(wanted.lower())
            if media not in offered:
                raise HttpError(HTTPStatus.NOT_ACCEPTABLE, f"format {wanted!r} is not offered for a {result.kind} query")
        else:
            media = negotiate(self.headers.get("Accept"), offered)
        if media is None:
            raise HttpError(HTTPStatus.NOT_ACCEPTABLE, f"a {result.kind} result is offered as {', '.join(offered)}")
        body = render_result(result, media)
        log.debug("%s query: %d results in %.3f s", result.kind, size, time.perf_counter() - started)
        self._send(200, body, f"{media}; charset=utf-8", {"Vary": "Accept"})


class _TooLarge(Exception):
    def __init__(self, size: int, unit: str):
        super().__init__(f"{size} {unit}")
        self.size = size
        self.unit = unit


def _run_capped(kg: Any, text: str, max_rows: int, abandoned: threading.Event) -> QueryResult:
    """``kg.query(text)``, but on the Oxigraph store the solutions are read one at a time: reading
    stops after ``max_rows + 1`` rows (so a huge result never fills the memory) or as soon as the
    HTTP thread has given up (``abandoned``). Aggregates and ORDER BY are computed by Oxigraph
    before the first row and cannot be stopped."""
    from .store import OxigraphStore

    store = getattr(kg, "store", None)
    if type(store) is not OxigraphStore:
        return kg.query(text)
    plan = store.plan(text)  # SERVICE and FROM elsewhere are refused before anything runs
    if plan.has_dataset:
        return kg.query(text)
    read = _read_solutions(store, plan.text, max_rows, abandoned)
    if read is None:
        return kg.query(text)  # ASK, CONSTRUCT, DESCRIBE and errors: the store's own handling
    variables, rows, too_large = read
    if too_large:
        raise _TooLarge(len(rows) + 1, "rows or more")
    return QueryResult(kind="select", variables=variables, rows=rows)


def _read_solutions(
    store: Any, text: str, max_rows: int, abandoned: threading.Event
) -> tuple[list[str], list[dict[str, dict[str, str]]], bool] | None:
    """(variables, rows, over the limit) of a SELECT, or ``None`` for anything else. pyoxigraph's
    result objects must be dropped on the thread that made them, so they never leave this
    function, not even in an exception's traceback."""
    import pyoxigraph as ox

    from .store import solutions_to_rows

    try:
        solutions = store._run(text, None)
    except (SyntaxError, RuntimeError, OSError):
        return None
    if not isinstance(solutions, ox.QuerySolutions):
        del solutions
        return None
    variables = [v.value for v in solutions.variables]
    too_large = False

    def capped(source: Any) -> Any:
        nonlocal too_large
        for count, solution in enumerate(source):
            if count >= max_rows:
                too_large = True
                return
            if abandoned.is_set():
                return
            yield solution

    reading = capped(solutions)
    try:
        rows = solutions_to_rows(reading, variables)
    except (RuntimeError, OSError):
        return None
    finally:
        reading.close()  # a generator stopped by an error still holds the solutions
        del solutions, reading
    return variables, rows, too_large


def _drain(stream: Any, length: int) -> None:
    while length > 0:
        chunk = stream.read(min(length, 65536))
        if not chunk:
            return
        length -= len(chunk)


def _params(query: str) -> dict[str, str]:
    """URL or form parameters; a parameter given twice is an error."""
    try:
        parsed = parse_qs(query, keep_blank_values=True, strict_parsing=False, errors="strict")
    except UnicodeDecodeError:
        raise HttpError(HTTPStatus.BAD_REQUEST, "the parameters are not UTF-8") from None
    out = {}
    for name, values in parsed.items():
        if len(values) > 1:
            raise HttpError(HTTPStatus.BAD_REQUEST, f"{name} is given {len(values)} times")
        out[name] = values[0]
    return out


def make_server(
    kg: Any,
    host: str = "127.0.0.1",
    port: int = 8000,
    timeout: float = 10.0,
    max_rows: int = 10000,
    cors: bool = False,
    *,
    workers: int = 4,
    view: bool = True,
    slow_cooldown: float = 60.0,
) -> SparqlServer:
    """A read-only SPARQL endpoint over ``kg`` (a :class:`~ecograph.KnowledgeGraph`), bound to
    ``host:port`` (port 0 picks a free one: see ``server.server_address``) but not yet serving.

    ``timeout`` is the seconds a query may take before the answer is 503, ``max_rows`` the
    largest result (rows, or triples for CONSTRUCT/DESCRIBE), ``cors`` adds
    ``Access-Control-Allow-Origin: *``, ``workers`` is the number of queries run at once,
    ``view`` renders the viewer page served at ``/view`` (once, now), and a query that ran past
    the deadline (not counting time queued) is answered 503 at once, without running it, for
    ``slow_cooldown`` seconds.
    """
    if host not in LOOPBACK:
        log.warning("serving on %s: the endpoint is reachable from other machines", host)
    try:
        server = SparqlServer(
            (host, port), kg, timeout=timeout, max_rows=max_rows, cors=cors, workers=workers, view=view,
            slow_cooldown=slow_cooldown,
        )
    except OSError as exc:  # the port is taken, the host unknown or not this machine's
        hint = " (another server runs there? --port 0 picks a free port)" if exc.errno == errno.EADDRINUSE else ""
        raise OutputError(f"cannot listen on {host}:{port}: {exc.strerror or exc}{hint}") from None
    log.info("SPARQL endpoint on http://%s:%d/sparql", *server.server_address[:2])
    return server


def serve_forever(server: SparqlServer) -> None:
    """Serve until interrupted (Ctrl-C) or ``server.shutdown()``; always closes the socket."""
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        log.info("interrupted")
    finally:
        server.server_close()
