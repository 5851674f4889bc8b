"""Remote SPARQL endpoints: a :class:`~ecograph.store.Store` that queries any SPARQL 1.1
endpoint, and :func:`push`, which loads a build into a server through the Graph Store Protocol.

**Bindings.** The SPARQL 1.1 Protocol has no parameters, so :class:`EndpointStore` sends bound
values as a trailing ``VALUES (?a ?b) { (term term) }`` clause. Every term in it is
*serialized*, not pasted: an IRI must match a strict pattern of allowed IRI characters (no
``<>"{}|^`\\``, spaces or control characters) or it is refused, and a literal is written as an
N-Triples string with every quote, backslash and control character escaped, so no value can end
the string, the term or the clause. Variable names must be plain SPARQL names. A trailing VALUES
clause is joined with the query's solutions, which is what Oxigraph's substitutions do (a bound
variable must be selected).

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
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import asdict, dataclass, field
from typing import Any

from .errors import EcographError, QueryError
from .namespaces import XSD_STRING
from .query import Iri, QueryResult
from .store import Store

__all__ = ["EndpointStore", "EndpointError", "push", "PushResult", "sparql_term", "values_clause"]

log = logging.getLogger("ecograph.remote")

GRAPH_ACCEPT = "application/n-triples, text/turtle;q=0.9"
RESULTS_ACCEPT = f"application/sparql-results+json, {GRAPH_ACCEPT}"

_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:[^\x00-\x20<>\"{}|^`\\\x7f]*")
_LANG = re.compile(r"[A-Za-z]+(?:-[A-Za-z0-9]+)*")
_VARIABLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}


class EndpointError(EcographError):
    """A remote endpoint cannot be reached or answers with an error."""


# --------------------------------------------------------------------------- term serialization


def _iri(value: str) -> str:
    if not _IRI.fullmatch(value):
        raise QueryError(f"not an IRI that can be sent to an endpoint: {value!r}")
    return f"<{value}>"


def _string(value: str) -> str:
    out = []
    for ch in value:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ord(ch) < 0x20 or 0x7F <= ord(ch) < 0xA0 or 0xD800 <= ord(ch) < 0xE000:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def sparql_term(value: Any) -> str:
    """A bound value as one N-Triples term: :class:`~ecograph.query.Iri` and rdflib ``URIRef``
    as a checked ``<IRI>``, rdflib ``Literal`` with its language or datatype, anything else as a
    plain string literal. Raises :class:`QueryError` for anything that cannot be written safely
    (blank nodes, IRIs with forbidden characters, malformed language tags)."""
    kind = type(value).__name__
    if isinstance(value, Iri) or kind == "URIRef":
        return _iri(str(value))
    if kind == "BNode":
        raise QueryError("a blank node cannot be bound in a query sent to an endpoint")
    if kind == "Literal":
        language = getattr(value, "language", None)
        datatype = getattr(value, "datatype", None)
        if language:
            if not _LANG.fullmatch(language):
                raise QueryError(f"not a language tag: {language!r}")
            return f"{_string(str(value))}@{language}"
        if datatype is not None and str(datatype) != XSD_STRING:
            return f"{_string(str(value))}^^{_iri(str(datatype))}"
        return _string(str(value))
    if isinstance(value, bool) or not isinstance(value, str):
        raise QueryError(f"cannot bind a {type(value).__name__}; use a str, Iri or rdflib term")
    return _string(value)


def values_clause(bindings: dict[str, Any]) -> str:
    """``VALUES (?a ?b) { (<iri> "literal") }`` for the bindings ('' when there are none)."""
    if not bindings:
        return ""
    names = []
    for name in bindings:
        if not _VARIABLE.fullmatch(name):
            raise QueryError(f"{name!r} is not a SPARQL variable name")
        names.append(f"?{name}")
    terms = [sparql_term(v) for v in bindings.values()]
    return f"VALUES ({' '.join(names)}) {{ ({' '.join(terms)}) }}"


# --------------------------------------------------------------------------- the store


class EndpointStore(Store):
    """A :class:`~ecograph.store.Store` backed by a remote SPARQL 1.1 endpoint (read-only).

    ``url`` is the query endpoint (Oxigraph server: ``http://HOST:7878/query``), ``timeout`` the
    seconds to wait for an answer, ``params`` extra URL parameters sent with every query and
    ``headers`` extra HTTP headers (e.g. ``Authorization``).
    """

    def __init__(
        self,
        url: str,
        timeout: float = 30,
        *,
        params: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ):
        scheme = urllib.parse.urlsplit(url).scheme
        if scheme not in ("http", "https"):
            raise EndpointError(f"an endpoint URL must be http or https, not {url!r}")
        self.url = url
        self.timeout = timeout
        self.params = dict(params or {})
        self.headers = dict(headers or {})
        self.name = f"endpoint:{url}"

    def full_text(self, text: str, bindings: dict[str, Any] | None = None) -> str:
        """The text sent: PREFIX lines, the query, then the VALUES clause of the bindings."""
        values = values_clause(bindings or {})
        prologue = "".join(f"PREFIX {prefix}: <{iri}>\n" for prefix, iri in self.prefixes.items())
        return prologue + text + (f"\n{values}\n" if values else "")

    def query(self, text: str, bindings: dict[str, Any] | None = None) -> QueryResult:
        sent = self.full_text(text, bindings)
        body = sent.encode("utf-8")
        url = self.url
        if self.params:
            url += ("&" if "?" in url else "?") + urllib.parse.urlencode(self.params)
        request = urllib.request.Request(
            url,
            data=body,
            method="POST",
            headers={"Content-Type": "application/sparql-query; charset=utf-8", "Accept": RESULTS_ACCEPT, **self.headers},
        )
        try:
            with _opener().open(request, timeout=self.timeout) as response:
                content_type = (response.headers.get("Content-Type") or "").split(";")[0].strip().lower()
                payload = read_capped(response, self.url, time.monotonic() + self.timeout)
        except urllib.error.HTTPError as exc:
            message = exc.read(4096).decode("utf-8", "replace").strip()
            if exc.code in (400, 403):
                from .query import refuse_update

                refuse_update(text)
                raise QueryError(_syntax_message(message, text, exc.code, len(self.prefixes))) from None
            raise EndpointError(f"{self.url} answered {exc.code}: {message[:500]}") from None
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise EndpointError(f"cannot reach {self.url}: {reason}") from None
        result = _result(payload, content_type, text)
        # an answer naming variables the query does not have answers something else (a canned
        # page, another query): the callers would read bindings that are not there
        unknown = [v for v in result.variables if not re.search(rf"[?$]{re.escape(v)}(?![\w\u00b7\u0300-\u036f\u203f-\u2040])", sent)]
        if unknown:
            raise EndpointError(f"{self.url} answered with variables the query does not have: {', '.join(unknown)}")
        return result

    def __len__(self) -> int:
        """The triples in the endpoint's default graph (all graphs when it is their union)."""
        result = self.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        return int(result.rows[0]["n"]["value"]) if result.rows else 0


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
                    raise EndpointError(f"{url} broke off its answer: {size} bytes of {size + response.length}")
                return b"".join(chunks)
            size += len(chunk)
            if size > limit:
                raise EndpointError(f"{url} sent an answer over {limit // (1024 * 1024)} MB; add a LIMIT to the query")
            chunks.append(chunk)
    except (http.client.IncompleteRead, http.client.HTTPException, OSError) as exc:
        raise EndpointError(f"{url} broke off its answer: {type(exc).__name__}") from None


class _SameOriginRedirects(urllib.request.HTTPRedirectHandler):
    """Follow a redirect only to the same scheme, host and port: an endpoint must not send its
    client to another server (or another port of this machine)."""

    def redirect_request(self, req: Any, fp: Any, code: int, msg: str, headers: Any, newurl: str) -> Any:
        old, new = urllib.parse.urlsplit(req.full_url), urllib.parse.urlsplit(urllib.parse.urljoin(req.full_url, newurl))
        if (old.scheme, old.hostname, old.port) != (new.scheme, new.hostname, new.port):
            raise EndpointError(f"{req.full_url} redirected to another server ({new.scheme}://{new.netloc}); not followed")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _opener() -> Any:
    return urllib.request.build_opener(_SameOriginRedirects)


def _syntax_message(message: str, text: str, status: int, prologue_lines: int) -> str:
    """An endpoint's refusal; Oxigraph's "error at LINE:COLUMN" is given in the user's lines
    (the ``prologue_lines`` PREFIX lines sent first are not counted), as the local store says it."""
    from .store import syntax_message

    located = syntax_message(message, text, line_offset=prologue_lines)
    return located or f"the endpoint refused the query ({status}): {message[:1000]}"


def _result(payload: bytes, content_type: str, text: str) -> QueryResult:
    """The endpoint's answer as a :class:`QueryResult`; :class:`EndpointError` for an answer that
    is not what its content type says (a remote server is not trusted to be well-formed)."""
    if content_type in ("application/sparql-results+json", "application/json"):
        try:
            document = json.loads(payload.decode("utf-8"))
        except ValueError as exc:  # not UTF-8, not JSON
            raise EndpointError(f"the endpoint's answer is not SPARQL results JSON: {str(exc)[:200]}") from None
        except RecursionError:
            raise EndpointError("the endpoint's answer is JSON nested too deeply to be SPARQL results") from None
        try:
            return _results_json(document)
        except RecursionError:
            raise EndpointError("the endpoint's answer is JSON nested too deeply to be SPARQL results") from None
    formats = {"application/n-triples": "N_TRIPLES", "text/plain": "N_TRIPLES", "text/turtle": "TURTLE"}
    if content_type in formats:
        import pyoxigraph as ox

        from .store import _construct_result

        try:
            triples = list(ox.parse(payload, format=getattr(ox.RdfFormat, formats[content_type])))
        except (SyntaxError, ValueError) as exc:
            raise EndpointError(f"the endpoint's answer is not valid {content_type}: {exc}") from None
        return _construct_result(triples, text)
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
            if not (isinstance(term, dict) and term.get("type") in _TERM_TYPES and isinstance(term.get("value"), str)):
                raise bad(f"the term bound to {name!r} has no valid 'type' and 'value'")
            if not all(isinstance(term.get(key, ""), str) for key in ("xml:lang", "datatype")):
                raise bad(f"the term bound to {name!r} has a language or datatype that is not text")
        rows.append({k: _normal(v) for k, v in binding.items()})
    return QueryResult(kind="select", variables=list(variables), rows=rows)


def _normal(term: dict[str, str]) -> dict[str, str]:
    """A SPARQL JSON term as ecograph's stores give it: no xsd:string datatype, no typed-literal."""
    out = dict(term)
    if out.get("type") == "typed-literal":
        out["type"] = "literal"
    if out.get("datatype") == XSD_STRING or "xml:lang" in out:
        out.pop("datatype", None)
    return out


# --------------------------------------------------------------------------- pushing a build


@dataclass
class PushResult:
    """What :func:`push` sent."""

    url: str
    mode: str
    quads: int
    graphs: int
    requests: int
    seconds: float
    graph_names: list[str] = field(default_factory=list, repr=False)

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out.pop("graph_names")
        return out


def _send(url: str, method: str, body: bytes, content_type: str, timeout: float) -> None:
    request = urllib.request.Request(url, data=body, method=method, headers={"Content-Type": content_type})
    try:
        with _opener().open(request, timeout=timeout) as response:
            read_capped(response, url, time.monotonic() + timeout, limit=16 * 1024 * 1024)
    except urllib.error.HTTPError as exc:
        message = exc.read().decode("utf-8", "replace").strip()
        raise EndpointError(f"{method} {url} answered {exc.code}: {message[:500]}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise EndpointError(f"cannot reach {url}: {getattr(exc, 'reason', exc)}") from None


def _with_param(url: str, name: str, value: str | None) -> str:
    joiner = "&" if "?" in url else "?"
    return url + joiner + (urllib.parse.urlencode({name: value}) if value is not None else name)


def push(kg: Any, url: str, graph: str | None = None, *, mode: str = "auto", timeout: float = 300) -> PushResult:
    """Load ``kg``'s build into a server through the SPARQL 1.1 Graph Store Protocol.

    ``url`` is the server's graph store (Oxigraph: ``http://HOST:7878/store``; an Oxigraph query
    URL ending in ``/query`` is taken to mean its ``/store``). ``mode``:

    * ``nquads``: one ``POST`` of the whole build as ``application/n-quads`` (Oxigraph's
      ``/store``); named graphs are kept and existing data is kept too (RDF merge).
    * ``graphs``: generic GSP: ``PUT ?graph=IRI`` of each named graph and ``PUT ?default`` of the
      default graph, as N-Triples (each graph replaced).
    * ``auto``: ``nquads`` when the URL ends in ``/store``, else ``graphs``.

    ``graph=IRI`` puts every triple into that one graph (``PUT ?graph=IRI``), whatever the mode.
    The build has no blank nodes, so sending graphs one by one loses nothing.
    """
    import pyoxigraph as ox

    scheme = urllib.parse.urlsplit(url).scheme
    if scheme not in ("http", "https"):
        raise EndpointError(f"a graph store URL must be http or https, not {url!r}")
    if url.rstrip("/").endswith("/query"):
        url = url.rstrip("/")[: -len("/query")] + "/store"
    if mode == "auto":
        mode = "nquads" if urllib.parse.urlsplit(url).path.rstrip("/").endswith("/store") else "graphs"
    if mode not in ("nquads", "graphs"):
        raise EndpointError(f"unknown push mode {mode!r}; use auto, nquads or graphs")
    if graph is not None:
        _iri(graph)
    started = time.perf_counter()
    nquads = kg.nquads()
    quads = list(ox.parse(nquads, format=ox.RdfFormat.N_QUADS))
    requests = 0
    names: list[str] = []
    if graph is not None:
        triples = sorted({ox.Triple(q.subject, q.predicate, q.object) for q in quads}, key=str)
        _send(_with_param(url, "graph", graph), "PUT", ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"", "application/n-triples", timeout)
        requests, names = 1, [graph]
        mode = f"{mode}, one graph"
    elif mode == "nquads":
        _send(url, "POST", nquads, "application/n-quads", timeout)
        requests = 1
        names = sorted({q.graph_name.value for q in quads if isinstance(q.graph_name, ox.NamedNode)})
    else:
        groups: dict[str | None, list[Any]] = {}
        for q in quads:
            key = q.graph_name.value if isinstance(q.graph_name, ox.NamedNode) else None
            groups.setdefault(key, []).append(ox.Triple(q.subject, q.predicate, q.object))
        for key in sorted(groups, key=lambda k: (k is not None, k or "")):
            body = ox.serialize(groups[key], format=ox.RdfFormat.N_TRIPLES) or b""
            target = _with_param(url, "default", None) if key is None else _with_param(url, "graph", key)
            _send(target, "PUT", body, "application/n-triples", timeout)
            requests += 1
        names = sorted(k for k in groups if k is not None)
    result = PushResult(
        url=url,
        mode=mode,
        quads=len(quads),
        graphs=len(names),
        requests=requests,
        seconds=round(time.perf_counter() - started, 3),
        graph_names=names,
    )
    log.info("pushed %d quads in %d graphs to %s (%s)", result.quads, result.graphs, url, mode)
    return result
