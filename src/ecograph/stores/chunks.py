"""A large build pushed to a server in chunks, resumably (:func:`push_in_chunks`).

Graph by graph, a build of 20M statements in 1.2M statement graphs would take 1.2M requests.
Here the build's statements are read a block at a time (from the streaming build's file, never
whole in memory), parsed by Oxigraph, and sent in chunks of whole graphs (a graph larger than a
chunk spans several), each replacing the graphs it holds:

* Oxigraph server (``…/store``): one SPARQL update ``DROP SILENT GRAPH …`` to ``…/update`` for
  the graphs the chunk starts, then the chunk as N-Quads, ``POST``-ed to ``…/store``;
* Virtuoso (``…/sparql-graph-crud[-auth]``): one SPARQL update to ``…/sparql[-auth]``
  (a form ``POST``: Virtuoso answers no ``application/sparql-update`` body), the ``DROP``s and
  an ``INSERT DATA`` with each graph's triples as Oxigraph writes N-Triples.

The build's default graph (the provenance: what each statement graph is) goes last, into the
provenance graph, as in a push graph by graph. After each chunk the number sent is written to
a state file in the build cache (keyed by the URL, the build and the chunk size), so a push
broken off resumes at the chunk it stopped at; a finished push removes it.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
import urllib.parse
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

#: statements per chunk
CHUNK_STATEMENTS = 20_000
#: graphs an update may drop in one request
_DROPS_PER_REQUEST = 2_000
_BLOCK = 1 << 23


def server_kind(url: str) -> str | None:
    """``oxigraph`` for a ``…/store`` graph store, ``virtuoso`` for Virtuoso's graph CRUD
    endpoint, else ``None`` (no chunked protocol known for it)."""
    path = urllib.parse.urlsplit(url).path.rstrip("/")
    if path.endswith("/store"):
        return "oxigraph"
    if path.endswith("/sparql-graph-crud") or path.endswith("/sparql-graph-crud-auth"):
        return "virtuoso"
    return None


def _update_url(url: str, kind: str) -> str:
    parts = urllib.parse.urlsplit(url)
    path = parts.path.rstrip("/")
    if kind == "oxigraph":
        path = path[: -len("/store")] + "/update"
    else:
        path = path.replace("/sparql-graph-crud", "/sparql", 1)
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def _blocks(kg: Any, named: bool) -> Iterator[bytes]:
    """The build's N-Quads a block of whole lines at a time: from the named graphs' first
    statement (``named``) or up to it (the default graph). Writers' order: the default graph
    comes first."""
    spool = getattr(kg, "spool", None)
    if spool is not None:
        split = spool.counts.named_offset
        yield from spool.blocks(split, None) if named else spool.blocks(0, split)
        return
    document = kg.nquads()
    at = 0
    while at < len(document):
        end = document.find(b"\n", min(at + _BLOCK, len(document) - 1))
        end = len(document) if end < 0 else end + 1
        yield document[at:end]
        at = end


def _graph_runs(kg: Any, provenance: str) -> Iterator[tuple[str, list[Any]]]:
    """(graph IRI, its triples) for each run of statements in one graph: the named graphs in
    order, then the default graph as ``provenance``; a run is at most a block long, so a big
    graph comes in several runs."""
    import pyoxigraph as ox

    for named in (True, False):
        for block in _blocks(kg, named):
            current: str | None = None
            triples: list[Any] = []
            for quad in ox.parse(block, format=ox.RdfFormat.N_QUADS):
                graph = quad.graph_name
                if isinstance(graph, ox.NamedNode) != named:
                    continue  # (read from a whole document: the other pass's)
                name = graph.value if named else provenance
                if name != current:
                    if triples and current is not None:
                        yield current, triples
                    current, triples = name, []
                triples.append(ox.Triple(quad.subject, quad.predicate, quad.object))
            if triples and current is not None:
                yield current, triples


def _chunks(
    kg: Any, provenance: str, size: int
) -> Iterator[tuple[list[str], list[tuple[str, list[Any]]]]]:
    """Chunks of at most ``size`` statements: (the graphs the chunk starts, so replaces;
    its (graph, triples) parts)."""
    starts: list[str] = []
    parts: list[tuple[str, list[Any]]] = []
    count = 0
    last: str | None = None
    for graph, triples in _graph_runs(kg, provenance):
        at = 0
        while at < len(triples):
            room = size - count
            piece = triples[at : at + room]
            at += len(piece)
            if graph != last:
                starts.append(graph)
                last = graph
            parts.append((graph, piece))
            count += len(piece)
            if count >= size:
                yield starts, parts
                starts, parts, count = [], [], 0
    if parts:
        yield starts, parts


def _state_file(url: str, key: str, mode: str, size: int) -> Path | None:
    from .. import cache

    if not cache.enabled() or not key:
        return None
    digest = hashlib.sha256(f"{url}\n{key}\n{mode}\n{size}".encode()).hexdigest()[:32]
    return cache.cache_dir() / f"push-{digest}.json"


def _read_state(path: Path | None) -> dict[str, Any]:
    if path is None:
        return {}
    try:
        state = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return state if isinstance(state, dict) else {}


def _write_state(path: Path | None, state: dict[str, Any]) -> None:
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".push-", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(state, handle, sort_keys=True)
        os.replace(tmp, path)
    except OSError:  # no resuming, but the push goes on
        pass


def _drops(graphs: list[str]) -> str:
    import pyoxigraph as ox

    return " ;\n".join(f"DROP SILENT GRAPH {ox.NamedNode(g)}" for g in graphs)


def push_in_chunks(
    kg: Any,
    pusher: Any,
    url: str,
    kind: str,
    *,
    merge: bool,
    provenance: str,
    earlier_graphs: Callable[[], list[str]],
    size: int = CHUNK_STATEMENTS,
    progress: Any = None,
) -> dict[str, Any]:
    """Push ``kg``'s build to the ``kind`` server's graph store ``url`` in chunks of ``size``
    statements (see the module's notes), the default graph into ``provenance``;
    ``earlier_graphs()`` names the graphs an earlier push of the dataset wrote. Gives the
    fields of a :class:`ecograph.stores.endpoint.PushResult`."""
    import pyoxigraph as ox

    update = _update_url(url, kind)
    started = time.perf_counter()
    mode = ("merge" if merge else "replace") + f", in chunks of {size:,}"
    total = len(kg.spool) if getattr(kg, "spool", None) is not None else None
    state_path = _state_file(url, kg.key, mode, size)
    state = _read_state(state_path)
    done = int(state.get("chunks", 0)) if isinstance(state.get("chunks"), int) else 0
    sent = int(state.get("statements", 0)) if isinstance(state.get("statements"), int) else 0
    deleted = int(state.get("deleted", 0)) if isinstance(state.get("deleted"), int) else 0

    def send_update(text: str) -> None:
        if kind == "oxigraph":
            pusher.send(update, "POST", text.encode("utf-8"), "application/sparql-update")
        else:
            body = urllib.parse.urlencode({"query": text}).encode("ascii")
            pusher.send(update, "POST", body, "application/x-www-form-urlencoded")

    if not merge and not state.get("stale_done"):
        graphs = set(_build_graphs(kg))
        graphs.add(provenance)
        stale = sorted(set(earlier_graphs()) - graphs)
        for at in range(0, len(stale), _DROPS_PER_REQUEST):
            send_update(_drops(stale[at : at + _DROPS_PER_REQUEST]))
        deleted = len(stale)
        del graphs
        state = {"chunks": 0, "statements": 0, "deleted": deleted, "stale_done": True}
        _write_state(state_path, state)
    graphs_seen = 0
    number = 0
    if progress:
        progress("pushing", sent, total or max(sent, 1))
    for starts, parts in _chunks(kg, provenance, size):
        number += 1
        graphs_seen += len(starts)
        statements = sum(len(triples) for _, triples in parts)
        if number <= done:
            continue
        drops = [] if merge else starts
        if kind == "oxigraph":
            if drops:
                for at in range(0, len(drops), _DROPS_PER_REQUEST):
                    send_update(_drops(drops[at : at + _DROPS_PER_REQUEST]))
            quads = (
                ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(graph))
                for graph, triples in parts
                for t in triples
            )
            body = ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b""
            pusher.send(url, "POST", body, "application/n-quads")
        else:
            blocks = [
                f"GRAPH {ox.NamedNode(graph)} {{\n"
                + (ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"").decode("utf-8")
                + "}"
                for graph, triples in parts
            ]
            text = "INSERT DATA {\n" + "\n".join(blocks) + "\n}"
            if drops:
                text = _drops(drops) + " ;\n" + text
            send_update(text)
        sent += statements
        _write_state(
            state_path,
            {"chunks": number, "statements": sent, "deleted": deleted, "stale_done": True},
        )
        if progress:
            progress("pushing", sent, total or sent)
    if state_path is not None:
        try:
            state_path.unlink()
        except OSError:
            pass
    return {
        "url": url,
        "mode": mode,
        "quads": sent,
        "graphs": graphs_seen,
        "requests": pusher.requests,
        "seconds": round(time.perf_counter() - started, 3),
        "deleted": deleted,
        "provenance_graph": provenance,
    }


def _build_graphs(kg: Any) -> Iterator[str]:
    """The named graphs of the build, read off its statements, in order."""
    import pyoxigraph as ox

    for block in _blocks(kg, True):
        last = None
        for quad in ox.parse(block, format=ox.RdfFormat.N_QUADS):
            graph = quad.graph_name
            if isinstance(graph, ox.NamedNode) and graph.value != last:
                last = graph.value
                yield last
