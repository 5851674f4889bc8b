"""Remote SPARQL endpoints: a :class:`~ecograph.stores.Store` that queries any SPARQL 1.1
endpoint, and :func:`push`, which loads a build into a server through the Graph Store Protocol.
Both are tested against an Oxigraph server and Virtuoso 7 (tests/test_triplestores.py).

**Bindings.** The SPARQL 1.1 Protocol has no parameters, so :class:`EndpointStore` sends bound
values as a one-row ``VALUES (?a ?b) { (term term) }`` block opening the query's outermost
group (:func:`bind_query`). Every term in it is *serialized*, not pasted: an IRI must match a
strict pattern of allowed IRI characters (no ``<>"{}|^`\\``, spaces or control characters) or
it is refused, and a literal is written as an N-Triples string with every quote, backslash and
control character escaped, so no value can end the string, the term or the clause. Variable
names must be plain SPARQL names.

**Methods and credentials.** Queries go as a form POST, falling back to GET and a direct POST
when the server refuses the method (:data:`METHODS`); credentials come from the environment or
a netrc file (:class:`Credentials`), never from a URL; answers are read with a size cap and a
whole-answer deadline (:func:`read_capped`), redirects only on the same server.

**Prefixes.** The predeclared prefixes (``ecograph.namespaces.SPARQL_PREFIX_IRIS``) are sent as
``PREFIX`` lines before the query.

**Union default graph.** ecograph's stores answer over the union of all graphs; servers differ:

* Oxigraph server: start it with ``oxigraph serve --union-default-graph`` (or pass
  ``params={"union-default-graph": ""}`` to :class:`EndpointStore`).
* Apache Jena Fuseki: set ``tdb2:unionDefaultGraph true`` on the dataset.
* GraphDB and Virtuoso query the union of all graphs by default; Blazegraph does in quads mode.
"""

from __future__ import annotations

import json
import logging
import os
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..errors import EcographError, QueryError
from ..namespaces import ECO_NS, RDF_TYPE, XSD_STRING
from .base import BaseStore
from .results import QueryResult
from .sparql import (
    _iri,
    bind_query,
    query_form,
    refuse_update,
    sparql_term,
    syntax_message,
    values_clause,
)

__all__ = [
    "Credentials",
    "EndpointError",
    "EndpointStore",
    "PushResult",
    "bind_query",
    "check_layout",
    "push",
    "sparql_term",
    "values_clause",
]

log = logging.getLogger("ecograph.stores.endpoint")

GRAPH_ACCEPT = "application/n-triples, text/turtle;q=0.9"
RESULTS_ACCEPT = f"application/sparql-results+json, {GRAPH_ACCEPT}"


class EndpointError(EcographError):
    """A remote endpoint cannot be reached or answers with an error."""


# --------------------------------------------------------------------------- term serialization


# --------------------------------------------------------------------------- the store


class Credentials:
    """Who the client is to an endpoint that asks (HTTP Basic or Digest, or a bearer token).

    Credentials never come from the command line (where every user of the machine can read
    them in the process list): :meth:`lookup` takes them from the environment
    (``ECOGRAPH_ENDPOINT_USER`` and ``ECOGRAPH_ENDPOINT_PASSWORD``, or ``ECOGRAPH_ENDPOINT_TOKEN``)
    or else from the netrc file (``$NETRC``, else ``~/.netrc``) entry of the endpoint's host.
    They are offered only to the endpoint's own scheme, host and port, and only when it asks
    (a 401 challenge), except a token, which is sent as ``Authorization: Bearer``.
    """

    def __init__(
        self,
        user: str | None = None,
        password: str | None = None,
        token: str | None = None,
        source: str = "",
    ):
        self.user, self.password, self.token, self.source = user, password, token, source

    def __repr__(self) -> str:  # never the secret
        return f"Credentials(user={self.user!r}, source={self.source!r})"

    @classmethod
    def lookup(cls, url: str, environ: Mapping[str, str] | None = None) -> Credentials | None:
        """The credentials for ``url`` from the environment or a netrc file (``None`` if none)."""
        env = os.environ if environ is None else environ
        if env.get("ECOGRAPH_ENDPOINT_TOKEN"):
            return cls(token=env["ECOGRAPH_ENDPOINT_TOKEN"], source="ECOGRAPH_ENDPOINT_TOKEN")
        if env.get("ECOGRAPH_ENDPOINT_USER"):
            return cls(
                env["ECOGRAPH_ENDPOINT_USER"],
                env.get("ECOGRAPH_ENDPOINT_PASSWORD", ""),
                source="ECOGRAPH_ENDPOINT_USER",
            )
        path = (
            Path(env["NETRC"])
            if env.get("NETRC")
            else Path(env.get("HOME") or Path.home()) / ".netrc"
        )
        host = urllib.parse.urlsplit(url).hostname or ""
        if not path.is_file():
            return None
        import netrc

        try:
            entry = netrc.netrc(str(path)).authenticators(host)
        except (netrc.NetrcParseError, OSError) as exc:
            raise EndpointError(f"cannot read the netrc file {path}: {str(exc)[:200]}") from None
        if entry is None:
            return None
        login, _account, password = entry
        return cls(login, password or "", source=str(path))


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urllib.parse.urlsplit(url)
    return parts.scheme, parts.hostname or "", parts.port


def check_url(url: str, what: str = "an endpoint URL") -> str:
    """``url`` if it is an http(s) URL without credentials in it, else :class:`EndpointError`."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise EndpointError(f"{what} must be http or https, not {_shown(url)}")
    if parts.username is not None or parts.password is not None:
        raise EndpointError(
            f"{what} carries credentials ({parts.scheme}://USER:…@{parts.hostname}); put them in "
            "ECOGRAPH_ENDPOINT_USER and ECOGRAPH_ENDPOINT_PASSWORD or in ~/.netrc instead"
        )
    return url


def _shown(value: str) -> str:
    return repr(value if len(value) <= 200 else value[:200] + "…")


class _Client:
    """HTTP requests to one server: redirects only within its origin, credentials only for it."""

    def __init__(self, url: str, credentials: Credentials | None):
        self.url = url
        self.credentials = credentials
        handlers: list[Any] = [_SameOriginRedirects]
        self._digest: urllib.request.HTTPDigestAuthHandler | None = None
        self._challenge: str | None = None  # the server's WWW-Authenticate, once asked
        if credentials is not None and credentials.token is None:
            manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()
            scheme, host, port = _origin(url)
            manager.add_password(
                None,
                f"{scheme}://{host}{f':{port}' if port else ''}/",
                credentials.user or "",
                credentials.password or "",
            )
            self._digest = urllib.request.HTTPDigestAuthHandler(manager)
            handlers += [urllib.request.HTTPBasicAuthHandler(manager), self._digest]
        self.opener = urllib.request.build_opener(*handlers)

    def open(self, request: urllib.request.Request, timeout: float) -> Any:
        if _origin(request.full_url) != _origin(
            self.url
        ):  # pragma: no cover - callers build URLs from self.url
            raise EndpointError(f"{request.full_url} is not on {self.url}")
        if self.credentials is not None and self.credentials.token is not None:
            request.add_unredirected_header("Authorization", f"Bearer {self.credentials.token}")
        elif request.data is not None and self._digest is not None:
            self._authorize_ahead(request, timeout)
        return self.opener.open(request, timeout=timeout)

    def _authorize_ahead(self, request: urllib.request.Request, timeout: float) -> None:
        """Give a request with a body its credentials before it is sent. A server that asks for
        them (401) may close the connection before it has read a large body, and the client then
        sees a broken pipe instead of the challenge: Virtuoso did so here on a 2-core machine
        under load, for a 9 MB Graph Store PUT. The challenge is fetched once, with a bodiless
        HEAD request to the same URL."""
        if self._challenge is None:
            # the same URL as the request, which _Client.open keeps on the checked origin
            probe = urllib.request.Request(request.full_url, method="HEAD")  # noqa: S310
            self._challenge = ""
            try:
                with urllib.request.build_opener(_SameOriginRedirects).open(probe, timeout=timeout):
                    pass  # no credentials asked for
            except urllib.error.HTTPError as exc:
                if exc.code == 401:
                    self._challenge = exc.headers.get("WWW-Authenticate", "") or ""
                exc.close()
            except OSError:
                pass  # the request itself will say what is wrong
        scheme, _, rest = self._challenge.partition(" ")
        if scheme.lower() == "digest" and self._digest is not None:
            challenge = urllib.request.parse_keqv_list(
                [item for item in urllib.request.parse_http_list(rest) if item]
            )
            answer = self._digest.get_authorization(request, challenge)
            if answer:
                request.add_unredirected_header("Authorization", f"Digest {answer}")
        elif scheme.lower() == "basic" and self.credentials is not None:
            import base64

            pair = f"{self.credentials.user or ''}:{self.credentials.password or ''}"
            token = base64.b64encode(pair.encode("utf-8")).decode("ascii")
            request.add_unredirected_header("Authorization", f"Basic {token}")


#: how a query is sent (SPARQL 1.1 Protocol, section 2.1)
METHODS = ("auto", "get", "form", "direct")
#: the longest URL sent as a GET; a longer query goes as a form POST
MAX_GET_URL = 4096


class EndpointStore(BaseStore):
    """A :class:`~ecograph.stores.Store` backed by a remote SPARQL 1.1 endpoint (read-only).

    ``url`` is the query endpoint (Oxigraph server: ``http://HOST:7878/query``; Virtuoso:
    ``http://HOST:8890/sparql``), ``timeout`` the seconds to wait for a whole answer, ``params``
    extra URL parameters sent with every query and ``headers`` extra HTTP headers.

    ``method`` is how queries are sent: ``get`` (``?query=`` in the URL), ``form`` (an
    ``application/x-www-form-urlencoded`` POST), ``direct`` (an ``application/sparql-query``
    POST, which Virtuoso 7 never answers) or ``auto``: a form POST, and if the server refuses
    that method or media type (405, 415, 501), GET and then a direct POST; the method that
    worked is kept for the store's later queries.

    ``credentials`` default to :meth:`Credentials.lookup` (environment, then netrc); pass
    ``False`` to send none.
    """

    def __init__(
        self,
        url: str,
        timeout: float = 30,
        *,
        params: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
        method: str = "auto",
        credentials: Credentials | bool | None = None,
    ):
        check_url(url)
        if method not in METHODS:
            raise EndpointError(f"unknown method {method!r}; use one of {', '.join(METHODS)}")
        self.url = url
        self.timeout = timeout
        self.params = dict(params or {})
        self.headers = dict(headers or {})
        self.method = method
        if credentials is None or credentials is True:
            credentials = Credentials.lookup(url)
        self.credentials = credentials or None
        self._client = _Client(url, self.credentials)
        self.name = f"endpoint:{url}"

    def full_text(self, text: str, bindings: dict[str, Any] | None = None) -> str:
        """The text sent: PREFIX lines, then the query with the bindings in it (see
        :func:`bind_query`)."""
        prologue = "".join(f"PREFIX {prefix}: <{iri}>\n" for prefix, iri in self.prefixes.items())
        return prologue + bind_query(text, bindings or {})

    def _request(self, sent: str, method: str) -> urllib.request.Request:
        headers = {"Accept": RESULTS_ACCEPT, **self.headers}
        params = urllib.parse.urlencode(self.params)
        joiner = "&" if "?" in self.url else "?"
        if method == "get":
            query = urllib.parse.urlencode({"query": sent}) + (f"&{params}" if params else "")
            return urllib.request.Request(  # noqa: S310 - self.url passed check_url
                self.url + joiner + query, method="GET", headers=headers
            )
        url = self.url + (joiner + params if params else "")
        if method == "form":
            body = urllib.parse.urlencode({"query": sent}).encode("ascii")
            return urllib.request.Request(  # noqa: S310 - self.url passed check_url
                url,
                data=body,
                method="POST",
                headers={**headers, "Content-Type": "application/x-www-form-urlencoded"},
            )
        return urllib.request.Request(  # noqa: S310 - self.url passed check_url
            url,
            data=sent.encode("utf-8"),
            method="POST",
            headers={**headers, "Content-Type": "application/sparql-query; charset=utf-8"},
        )

    def query(self, text: str, bindings: dict[str, Any] | None = None) -> QueryResult:
        sent = self.full_text(text, bindings)
        methods = ["form", "get", "direct"] if self.method == "auto" else [self.method]
        for position, method in enumerate(methods):
            request = self._request(sent, method)
            if (
                method == "get"
                and len(request.full_url) > MAX_GET_URL
                and position + 1 < len(methods)
            ):
                continue
            try:
                with self._client.open(request, timeout=self.timeout) as response:
                    content_type = (
                        (response.headers.get("Content-Type") or "").split(";")[0].strip().lower()
                    )
                    payload = read_capped(response, self.url, time.monotonic() + self.timeout)
            except urllib.error.HTTPError as exc:
                message = exc.read(4096).decode("utf-8", "replace").strip()
                if exc.code in (405, 415, 501) and position + 1 < len(methods):
                    log.info(
                        "%s refused a %s query (%d); trying %s",
                        self.url,
                        method,
                        exc.code,
                        methods[position + 1],
                    )
                    continue
                if exc.code in (401, 407):
                    raise _credentials_error(self.url, exc.code, self.credentials) from None
                if exc.code in (400, 403):
                    refuse_update(text)
                    raise QueryError(
                        _syntax_message(message, text, exc.code, len(self.prefixes))
                    ) from None
                raise EndpointError(f"{self.url} answered {exc.code}: {_line(message)}") from None
            except (urllib.error.URLError, TimeoutError, OSError) as exc:
                reason = getattr(exc, "reason", exc)
                raise EndpointError(f"cannot reach {self.url}: {reason}") from None
            if self.method == "auto":
                self.method = method
            break
        result = _result(payload, content_type, text)
        if (
            result.kind == "select"
            and result.variables == ["__ASK_RETVAL"]
            and query_form(text) == "ASK"
        ):
            # Virtuoso 7 answers ASK as one column __ASK_RETVAL: a row "1" for true, "0" or none
            # for false
            truth = bool(result.rows) and result.rows[0].get("__ASK_RETVAL", {}).get(
                "value"
            ) not in ("0", "false")
            return QueryResult(kind="ask", boolean=truth)
        # an answer naming variables the query does not have answers something else (a canned
        # page, another query): the callers would read bindings that are not there
        unknown = [
            v
            for v in result.variables
            if not re.search(rf"[?$]{re.escape(v)}(?![\w\u00b7\u0300-\u036f\u203f-\u2040])", sent)
        ]
        if unknown:
            raise EndpointError(
                f"{self.url} answered with variables the query does not have: {', '.join(unknown)}"
            )
        return result

    def __len__(self) -> int:
        """The triples in the endpoint's default graph (all graphs when it is their union)."""
        result = self.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        return int(result.rows[0]["n"]["value"]) if result.rows else 0


def _credentials_error(what: str, status: int, credentials: Credentials | None) -> EndpointError:
    """A server asked for credentials (401/407) that the client has not, or that it refused."""
    how = (
        "no credentials were found"
        if credentials is None
        else f"the credentials from {credentials.source} were refused"
    )
    return EndpointError(
        f"{what} asks for credentials ({status}) and {how}; set ECOGRAPH_ENDPOINT_USER and "
        "ECOGRAPH_ENDPOINT_PASSWORD (or ECOGRAPH_ENDPOINT_TOKEN), or add the host to ~/.netrc"
    )


def _line(message: str) -> str:
    """A server's message, at most a line's worth."""
    flat = " ".join(message.split())
    return flat if len(flat) <= 300 else flat[:300] + "…"


#: the largest answer a client reads from an endpoint (bytes); a larger one is an error, not a
#: process that fills its memory
MAX_RESPONSE = 256 * 1024 * 1024


def read_capped(response: Any, url: str, deadline: float, limit: int = MAX_RESPONSE) -> bytes:
    """The body of ``response``, read in pieces: at most ``limit`` bytes, all of it before
    ``deadline`` (a server that drips a byte at a time cannot hold the client past it)."""
    import http.client

    chunks: list[bytes] = []
    size = 0
    try:
        while True:
            if time.monotonic() > deadline:
                raise EndpointError(f"{url} took too long to send its answer")
            chunk = response.read1(65536) if hasattr(response, "read1") else response.read(65536)
            if not chunk:
                if getattr(response, "length", None):  # fewer bytes than Content-Length promised
                    raise EndpointError(
                        f"{url} broke off its answer: {size} bytes of {size + response.length}"
                    )
                return b"".join(chunks)
            size += len(chunk)
            if size > limit:
                raise EndpointError(
                    f"{url} sent an answer over {limit // (1024 * 1024)} MB; add a LIMIT to the "
                    "query"
                )
            chunks.append(chunk)
    except (http.client.IncompleteRead, http.client.HTTPException, OSError) as exc:
        raise EndpointError(f"{url} broke off its answer: {type(exc).__name__}") from None


class _SameOriginRedirects(urllib.request.HTTPRedirectHandler):
    """Follow a redirect only to the same scheme, host and port: an endpoint must not send its
    client to another server (or another port of this machine)."""

    def redirect_request(
        self, req: Any, fp: Any, code: int, msg: str, headers: Any, newurl: str
    ) -> Any:
        old, new = (
            urllib.parse.urlsplit(req.full_url),
            urllib.parse.urlsplit(urllib.parse.urljoin(req.full_url, newurl)),
        )
        if (old.scheme, old.hostname, old.port) != (new.scheme, new.hostname, new.port):
            raise EndpointError(
                f"{req.full_url} redirected to another server ({new.scheme}://{new.netloc}); not "
                "followed"
            )
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _opener() -> Any:
    return urllib.request.build_opener(_SameOriginRedirects)


def _syntax_message(message: str, text: str, status: int, prologue_lines: int) -> str:
    """An endpoint's refusal; Oxigraph's "error at LINE:COLUMN" is given in the user's lines
    (the ``prologue_lines`` PREFIX lines sent first are not counted), as the local store says it."""
    located = syntax_message(message, text, line_offset=prologue_lines)
    return located or f"the endpoint refused the query ({status}): {message[:1000]}"


def _result(payload: bytes, content_type: str, text: str) -> QueryResult:
    """The endpoint's answer as a :class:`QueryResult`; :class:`EndpointError` for an answer that
    is not what its content type says (a remote server is not trusted to be well-formed)."""
    if content_type in ("application/sparql-results+json", "application/json"):
        try:
            document = json.loads(payload.decode("utf-8"))
        except ValueError as exc:  # not UTF-8, not JSON
            raise EndpointError(
                f"the endpoint's answer is not SPARQL results JSON: {str(exc)[:200]}"
            ) from None
        except RecursionError:
            raise EndpointError(
                "the endpoint's answer is JSON nested too deeply to be SPARQL results"
            ) from None
        try:
            return _results_json(document)
        except RecursionError:
            raise EndpointError(
                "the endpoint's answer is JSON nested too deeply to be SPARQL results"
            ) from None
    formats = {
        "application/n-triples": "N_TRIPLES",
        "text/plain": "N_TRIPLES",
        "text/turtle": "TURTLE",
    }
    if content_type in formats:
        import pyoxigraph as ox

        from .oxigraph import construct_result

        try:
            triples = list(ox.parse(payload, format=getattr(ox.RdfFormat, formats[content_type])))
        except (SyntaxError, ValueError) as exc:
            raise EndpointError(
                f"the endpoint's answer is not valid {content_type}: {exc}"
            ) from None
        return construct_result(triples, text)
    raise EndpointError(f"the endpoint answered with an unexpected content type {content_type!r}")


_TERM_TYPES = ("uri", "literal", "typed-literal", "bnode")


def _results_json(document: Any) -> QueryResult:
    """A parsed SPARQL 1.1 results JSON document, checked for the shape the format prescribes."""

    def bad(what: str) -> EndpointError:
        return EndpointError(f"the endpoint's answer is not SPARQL results JSON: {what}")

    if not isinstance(document, dict):
        raise bad(f"a {type(document).__name__}, not an object")
    if "boolean" in document:
        if not isinstance(document["boolean"], bool):
            raise bad("'boolean' is not true or false")
        return QueryResult(kind="ask", boolean=document["boolean"])
    head, results = document.get("head"), document.get("results")
    variables = head.get("vars") if isinstance(head, dict) else None
    bindings = results.get("bindings") if isinstance(results, dict) else None
    if not isinstance(variables, list) or not all(isinstance(v, str) for v in variables):
        raise bad("no list of variable names in 'head'")
    if not isinstance(bindings, list):
        raise bad("no list of 'bindings' in 'results'")
    rows = []
    for binding in bindings:
        if not isinstance(binding, dict):
            raise bad("a binding is not an object")
        for name, term in binding.items():
            if name not in variables:
                raise bad(f"a binding of {name!r}, which is not among the variables {variables}")
            if not (
                isinstance(term, dict)
                and term.get("type") in _TERM_TYPES
                and isinstance(term.get("value"), str)
            ):
                raise bad(f"the term bound to {name!r} has no valid 'type' and 'value'")
            if not all(isinstance(term.get(key, ""), str) for key in ("xml:lang", "datatype")):
                raise bad(f"the term bound to {name!r} has a language or datatype that is not text")
        rows.append({k: _normal(v) for k, v in binding.items()})
    return QueryResult(kind="select", variables=list(variables), rows=rows)


def _normal(term: dict[str, str]) -> dict[str, str]:
    """A SPARQL JSON term as ecograph's stores give it: no xsd:string datatype, no
    typed-literal, the keys in one order (type, value, then xml:lang or datatype), so outputs
    are the same bytes."""
    kind = "literal" if term.get("type") == "typed-literal" else term["type"]
    out = {"type": kind, "value": term["value"]}
    if "xml:lang" in term:
        out["xml:lang"] = term["xml:lang"]
    elif term.get("datatype") not in (None, XSD_STRING):
        out["datatype"] = term["datatype"]
    return out


# --------------------------------------------------------------------------- the dataset's layout


def check_layout(store: EndpointStore, probe: str) -> None:
    """Raise :class:`EndpointError`, saying how to fix it, unless ``store`` holds the dataset as
    ecograph's commands read it: every statement in its own named graph and a default graph
    that is the union of all graphs. ``probe`` is the IRI of one entity of the dataset.

    Without this check a server started without a union default graph, or a push into one
    graph, would make every command answer "no entity" or an empty table, and exit 0."""
    iri = _iri(probe)
    if store.query(f"ASK {{ {iri} a ?kind }}").boolean:
        if store.query(f"ASK {{ GRAPH ?g {{ {iri} a ?kind }} ?g a <{ECO_NS}Assertion> }}").boolean:
            return
        raise EndpointError(
            f"{store.url} holds this dataset without the graph of each statement (pushed into "
            "one graph?), and ecograph reads status, basis and quotes from them; push it again "
            "without naming a graph"
        )
    if store.query(f"ASK {{ GRAPH ?g {{ {iri} a ?kind }} }}").boolean:
        raise EndpointError(
            f"{store.url} holds this dataset, but its default graph is not the union of its "
            "graphs, so "
            "every query would answer nothing; start Oxigraph with `oxigraph serve "
            "--union-default-graph` "
            "(or add ?union-default-graph to the endpoint URL), set tdb2:unionDefaultGraph on a "
            "Fuseki "
            "dataset; Virtuoso and GraphDB query the union by default"
        )
    raise EndpointError(
        f"{store.url} does not hold this dataset (nothing is known of {probe}); push the build "
        "there first"
    )


# --------------------------------------------------------------------------- pushing a build


@dataclass
class PushResult:
    """What :func:`push` sent: ``quads`` statements in ``graphs`` named graphs (the build's
    default graph, its provenance, in the named graph ``provenance_graph``), in ``requests``
    HTTP requests; ``deleted`` graphs of an earlier push that the build no longer has."""

    url: str
    mode: str
    quads: int
    graphs: int
    requests: int
    seconds: float
    deleted: int = 0
    provenance_graph: str | None = None
    graph_names: list[str] = field(default_factory=list, repr=False)

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out.pop("graph_names")
        return out

    def to_text(self, lang: str = "zh") -> str:
        from ..text import count

        stale = f", {count(self.deleted, 'stale graph')} deleted" if self.deleted else ""
        return (
            f"Pushed {count(self.quads, 'quad', grouped=True)} in "
            f"{count(self.graphs, 'graph', grouped=True)} to {self.url} ({self.mode}{stale}; "
            f"{count(self.requests, 'request')}, {self.seconds:.2f} s)."
        )

    @property
    def notes(self) -> list[str]:
        """Warnings about the copy pushed (``ecograph push`` writes them to standard error)."""
        if not self.mode.endswith(", one graph"):
            return []
        return [
            "Note: in one graph the statements lose the graphs their status and quotes hang on; "
            "ecograph's commands refuse this copy."
        ]


class _Pusher:
    """The requests of one push, on one server, with one set of credentials."""

    def __init__(self, url: str, timeout: float, credentials: Credentials | None):
        self.url, self.timeout = url, timeout
        self.client = _Client(url, credentials)
        self.credentials = credentials
        self.requests = 0

    def send(
        self,
        url: str,
        method: str,
        body: bytes | None = None,
        content_type: str | None = None,
        accept: str | None = None,
    ) -> bytes:
        headers = {k: v for k, v in (("Content-Type", content_type), ("Accept", accept)) if v}
        # url is push()'s, which passed check_url, or built from it; _Client.open keeps it there
        request = urllib.request.Request(  # noqa: S310
            url, data=body, method=method, headers=headers
        )
        self.requests += 1
        try:
            with self.client.open(request, timeout=self.timeout) as response:
                return read_capped(response, url, time.monotonic() + self.timeout)
        except urllib.error.HTTPError as exc:
            message = _line(exc.read(4096).decode("utf-8", "replace"))
            if exc.code in (401, 407):
                raise _credentials_error(f"{method} {url}", exc.code, self.credentials) from None
            raise _Refused(exc.code, f"{method} {url} answered {exc.code}: {message}") from None
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise EndpointError(f"cannot reach {url}: {getattr(exc, 'reason', exc)}") from None


class _Refused(EndpointError):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


def _with_param(url: str, name: str, value: str) -> str:
    return url + ("&" if "?" in url else "?") + urllib.parse.urlencode({name: value})


#: from how many statements a push goes in chunks (:mod:`ecograph.stores.chunks`)
AUTO_CHUNK = 200_000


def provenance_graph(base: str) -> str:
    """The named graph that holds a pushed build's default graph (the description of every
    statement graph: status, basis, citations; the dataset's metadata)."""
    return f"{base}graph/provenance"


def push(
    kg: Any,
    url: str,
    graph: str | None = None,
    *,
    merge: bool = False,
    timeout: float = 300,
    credentials: Credentials | bool | None = None,
    chunk: int | None = None,
    progress: Any = None,
) -> PushResult:
    """Load ``kg``'s build into a server through the SPARQL 1.1 Graph Store Protocol.

    ``url`` is the server's graph store (Oxigraph: ``http://HOST:7878/store``, and its query URL
    ending in ``/query`` is taken to mean that; Virtuoso: ``http://HOST:8890/sparql-graph-crud-auth``,
    with credentials). Every graph the push writes belongs to this dataset: its statement graphs,
    and its default graph, which goes into the named graph :func:`provenance_graph`, so a push
    never touches the server's default graph (shared by everything else it holds; Virtuoso has
    none for the protocol) and the union default graph that ecograph's commands query reads
    it as the local store reads its default graph.

    By default the dataset's copy is **replaced**: graphs an earlier push of this dataset wrote
    and the build no longer has are deleted (the earlier push is read back from its provenance
    graph, where each statement graph is described), then each graph of the build is ``PUT``
    (replacing what it held), the provenance graph last. After a push every command gives the
    local answer, whatever the server held; a push broken off is made whole by pushing again.

    ``merge=True`` adds the build to what the server holds instead (one ``POST`` of N-Quads to
    an Oxigraph ``/store``, else a ``POST`` of each graph): statements the build no longer has
    stay. ``graph=IRI`` puts every triple into that one graph, as a copy for other tools:
    ecograph's own commands need the graph of each statement and refuse such an endpoint
    (see :func:`check_layout`). Credentials as for :class:`EndpointStore`.

    A build of more than :data:`AUTO_CHUNK` statements (or any, with ``chunk`` > 0: chunks of
    that many; ``chunk=0``: never) goes in chunks of whole graphs instead, streamed from the
    build's file, resumable where it broke off, ``progress(step, done, total)`` told after
    each (:mod:`ecograph.stores.chunks`); not with ``graph``.
    """
    import pyoxigraph as ox

    check_url(url, "a graph store URL")
    if url.rstrip("/").endswith("/query"):
        url = url.rstrip("/")[: -len("/query")] + "/store"
    if graph is not None:
        _iri(graph)
    if credentials is None or credentials is True:
        credentials = Credentials.lookup(url)
    pusher = _Pusher(url, timeout, credentials or None)
    if chunk is not None and chunk < 0:
        from ..errors import UsageError

        raise UsageError("the chunk size is a number of statements, 0 or more", param="chunk")
    if graph is None and chunk != 0:
        size = len(kg.spool) if getattr(kg, "spool", None) is not None else kg.stats().triples
        if chunk or size > AUTO_CHUNK:
            from .chunks import CHUNK_STATEMENTS, push_in_chunks, server_kind

            kind = server_kind(url)
            if kind is None:
                raise EndpointError(
                    f"{url}: a push in chunks needs an Oxigraph /store or a Virtuoso "
                    "/sparql-graph-crud-auth URL (for another server, push graph by graph: chunk "
                    "size 0)"
                )
            fields = push_in_chunks(
                kg,
                pusher,
                url,
                kind,
                merge=merge,
                provenance=provenance_graph(kg.meta.base),
                earlier_graphs=lambda: _pushed_graph_names(pusher, url, kg.meta.base),
                size=chunk or CHUNK_STATEMENTS,
                progress=progress,
            )
            result = PushResult(**fields)
            log.info("pushed %d quads to %s (%s)", result.quads, url, result.mode)
            return result
    started = time.perf_counter()
    base = kg.meta.base
    provenance = provenance_graph(base)
    quads = list(ox.parse(kg.nquads(), format=ox.RdfFormat.N_QUADS))
    groups: dict[str, list[Any]] = {}
    for q in quads:
        key = q.graph_name.value if isinstance(q.graph_name, ox.NamedNode) else provenance
        groups.setdefault(key, []).append(ox.Triple(q.subject, q.predicate, q.object))
    names = sorted(groups)
    write = "POST" if merge else "PUT"
    deleted = 0

    def ntriples(triples: list[Any]) -> bytes:
        return ox.serialize(sorted(set(triples), key=str), format=ox.RdfFormat.N_TRIPLES) or b""

    if graph is not None:
        pusher.send(
            _with_param(url, "graph", graph),
            write,
            ntriples([t for ts in groups.values() for t in ts]),
            "application/n-triples",
        )
        mode, names, provenance_name = (
            ("merge" if merge else "replace") + ", one graph",
            [graph],
            None,
        )
    elif merge and urllib.parse.urlsplit(url).path.rstrip("/").endswith("/store"):
        moved = [
            ox.Quad(
                q.subject,
                q.predicate,
                q.object,
                q.graph_name
                if isinstance(q.graph_name, ox.NamedNode)
                else ox.NamedNode(provenance),
            )
            for q in quads
        ]
        pusher.send(
            url,
            "POST",
            ox.serialize(moved, format=ox.RdfFormat.N_QUADS) or b"",
            "application/n-quads",
        )
        mode, provenance_name = "merge, N-Quads", provenance
    else:
        if not merge:
            for stale in sorted(set(_pushed_graphs(pusher, url, base)) - set(names)):
                try:
                    pusher.send(_with_param(url, "graph", stale), "DELETE")
                    deleted += 1
                except _Refused as exc:
                    if exc.status != 404:
                        raise
        for name in [n for n in names if n != provenance] + [provenance]:
            pusher.send(
                _with_param(url, "graph", name),
                write,
                ntriples(groups[name]),
                "application/n-triples",
            )
        mode, provenance_name = ("merge" if merge else "replace") + ", graph by graph", provenance
    result = PushResult(
        url=url,
        mode=mode,
        quads=len(quads),
        graphs=len(names),
        requests=pusher.requests,
        seconds=round(time.perf_counter() - started, 3),
        deleted=deleted,
        provenance_graph=provenance_name,
        graph_names=names,
    )
    log.info("pushed %d quads in %d graphs to %s (%s)", result.quads, result.graphs, url, mode)
    return result


def _pushed_graph_names(pusher: _Pusher, url: str, base: str) -> list[str]:
    """:func:`_pushed_graphs` for a push in chunks: the provenance graph of a national-scale
    build outgrows :data:`MAX_RESPONSE`, so it is written to a temporary file as it arrives
    (at most :data:`MAX_PROVENANCE` bytes) and read from there; only the graph names are
    kept."""
    import shutil
    import tempfile

    import pyoxigraph as ox

    target = _with_param(url, "graph", provenance_graph(base))
    request = urllib.request.Request(  # noqa: S310 (built from push()'s checked URL)
        target, method="GET", headers={"Accept": "application/n-triples"}
    )
    pusher.requests += 1
    folder = tempfile.mkdtemp(prefix="ecograph-push-")
    try:
        body = Path(folder) / "provenance.nt"
        deadline = time.monotonic() + pusher.timeout
        try:
            with (
                pusher.client.open(request, timeout=pusher.timeout) as response,
                body.open("wb") as out,
            ):
                size = 0
                while True:
                    if time.monotonic() > deadline:
                        raise EndpointError(f"{target} took too long to send its answer")
                    chunk = response.read(1 << 20)
                    if not chunk:
                        break
                    size += len(chunk)
                    if size > MAX_PROVENANCE:
                        raise EndpointError(
                            f"{target} sent over {MAX_PROVENANCE // 1024**3} GB: not a "
                            "provenance graph ecograph wrote"
                        )
                    out.write(chunk)
        except urllib.error.HTTPError as exc:
            if exc.code == 404:
                return []
            message = _line(exc.read(4096).decode("utf-8", "replace"))
            if exc.code in (401, 407):
                raise _credentials_error(f"GET {target}", exc.code, pusher.credentials) from None
            raise _Refused(exc.code, f"GET {target} answered {exc.code}: {message}") from None
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise EndpointError(f"cannot reach {target}: {getattr(exc, 'reason', exc)}") from None
        names = set()
        try:
            for t in ox.parse(path=str(body), format=ox.RdfFormat.N_TRIPLES):
                if (
                    t.predicate.value == RDF_TYPE
                    and t.object.value == ECO_NS + "Assertion"
                    and t.subject.value.startswith(base)
                ):
                    names.add(t.subject.value)
        except (SyntaxError, ValueError) as exc:
            raise EndpointError(f"{target} did not answer N-Triples: {_line(str(exc))}") from None
        return sorted(names)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


#: the largest provenance graph a push in chunks reads back (to disk, not memory)
MAX_PROVENANCE = 32 * 1024**3


def _pushed_graphs(pusher: _Pusher, url: str, base: str) -> list[str]:
    """The statement graphs an earlier push of the dataset at ``base`` left on the server, read
    from its provenance graph, where each is described as an ``eco:Assertion``; none when the
    server holds nothing of the dataset."""
    import pyoxigraph as ox

    target = _with_param(url, "graph", provenance_graph(base))
    try:
        body = pusher.send(target, "GET", accept="application/n-triples")
    except _Refused as exc:
        if exc.status == 404:
            return []
        raise
    try:
        return sorted(
            {
                t.subject.value
                for t in ox.parse(body, format=ox.RdfFormat.N_TRIPLES)
                if t.predicate.value == RDF_TYPE
                and t.object.value == ECO_NS + "Assertion"
                and t.subject.value.startswith(base)
            }
        )
    except (SyntaxError, ValueError) as exc:
        raise EndpointError(f"{target} did not answer N-Triples: {_line(str(exc))}") from None
