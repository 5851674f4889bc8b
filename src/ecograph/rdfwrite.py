"""Deterministic RDF writers: TriG, Turtle, N-Triples and JSON-LD from sorted N-Quads.

The build is kept as sorted N-Quads (see :meth:`~ecograph.kg.KnowledgeGraph.nquads`). These
writers parse it with pyoxigraph, put the statements in one fixed order and let Oxigraph's Rust
serializers write TriG and Turtle; JSON-LD is compacted here. rdflib's own writers took minutes
where these take a fraction of a second: at 5,000 entities (187k triples, 21k named graphs)
rdflib's TriG, Turtle and JSON-LD writers spent 6 minutes in prefix lookups and graph
comparisons that grow with the number of graphs.

The order: the default graph first, then named graphs by IRI; within a graph, subjects by IRI,
``rdf:type`` before the other predicates, predicates by IRI, objects by value. The same data
gives the same bytes, whatever the process.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from .errors import OutputError
from .namespaces import PREFIX_IRIS, XSD_STRING

__all__ = ["prefixes_for", "sorted_quads", "to_jsonld", "to_ntriples", "to_trig", "to_turtle"]

RDF_TYPE = PREFIX_IRIS["rdf"] + "type"


def prefixes_for(base: str) -> dict[str, str]:
    """The prefixes written in every output: the ontology's, and ``data:`` for the entities of a
    dataset whose base IRI is ``base``."""
    return {**PREFIX_IRIS, "data": base + "id/"}


def _term_key(term: Any) -> tuple[int, str, str]:
    """Sort key of a term: IRIs, then blank nodes, then literals; by value, then language or
    datatype."""
    import pyoxigraph as ox

    kind = type(term)
    if kind is ox.NamedNode:
        return (0, term.value, "")
    if kind is ox.BlankNode:
        return (1, term.value, "")
    if kind is ox.Literal:
        language = term.language
        if language and term.direction is not None:  # RDF 1.2 "…"@ar--rtl
            language += "--" + _direction(term)
        return (2, term.value, language or term.datatype.value)
    return (3, str(term), "")  # an RDF 1.2 triple term


def _direction(literal: Any) -> str:
    import pyoxigraph as ox

    return "rtl" if literal.direction == ox.BaseDirection.RTL else "ltr"


def sorted_quads(nquads: bytes) -> list[Any]:
    """The statements of an N-Quads document as pyoxigraph quads, each once, in the writers'
    order."""
    import pyoxigraph as ox

    keys: dict[Any, tuple[int, str, str]] = {}
    default_graph = ox.DefaultGraph

    def quad_key(quad: Any) -> tuple[Any, ...]:
        graph = quad.graph_name
        graph_key = (-1, "", "") if type(graph) is default_graph else _key(keys, graph)
        return (graph_key, *_statement_key(keys, quad))

    quads = list(set(ox.parse(nquads, format=ox.RdfFormat.N_QUADS)))  # a dataset is a set
    quads.sort(key=quad_key)
    return quads


def _statement_key(keys: dict[Any, tuple[int, str, str]], statement: Any) -> tuple[Any, ...]:
    """The order within a graph: subject, ``rdf:type`` first, predicate, object."""
    predicate = statement.predicate.value
    return (
        _key(keys, statement.subject),
        predicate != RDF_TYPE,
        predicate,
        _key(keys, statement.object),
    )


def _key(keys: dict[Any, tuple[int, str, str]], term: Any) -> tuple[int, str, str]:
    """:func:`_term_key`, remembered in ``keys`` (a build repeats its IRIs many times)."""
    key = keys.get(term)
    if key is None:
        key = keys[term] = _term_key(term)
    return key


def _flat_triples(quads: Iterable[Any]) -> list[Any]:
    """Every distinct triple of every graph, sorted by subject, predicate and object."""
    seen: set[Any] = set()
    triples = []
    for quad in quads:
        triple = quad.triple
        if triple not in seen:
            seen.add(triple)
            triples.append(triple)
    keys: dict[Any, tuple[int, str, str]] = {}
    triples.sort(key=lambda triple: _statement_key(keys, triple))
    return triples


def to_trig(quads: list[Any], prefixes: dict[str, str]) -> str:
    """TriG of sorted quads: the named graphs and the default graph, with ``prefixes``."""
    import pyoxigraph as ox

    return (ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=prefixes) or b"").decode("utf-8")


def to_turtle(quads: list[Any], prefixes: dict[str, str]) -> str:
    """Turtle of every graph flattened into one (each distinct triple once)."""
    import pyoxigraph as ox

    triples = _flat_triples(quads)
    return (ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=prefixes) or b"").decode(
        "utf-8"
    )


def to_ntriples(quads: list[Any]) -> str:
    """N-Triples of every graph flattened into one, one line per distinct triple, lines sorted."""
    import pyoxigraph as ox

    text = (ox.serialize(_flat_triples(quads), format=ox.RdfFormat.N_TRIPLES) or b"").decode(
        "utf-8"
    )
    lines = sorted(line for line in text.split("\n") if line.strip())
    return "".join(line + "\n" for line in lines)


def to_jsonld(quads: list[Any], prefixes: dict[str, str]) -> str:
    """JSON-LD 1.1 of sorted quads, compacted with ``prefixes`` as its context.

    The top-level ``@graph`` holds the default graph's nodes; a named graph is the ``@graph`` of
    the node with its IRI (which, in ecograph's data, also describes the statement: status,
    basis, citations). IRIs under a prefix are written ``prefix:local``; ``rdf:type`` is
    ``@type``; a property or ``@type`` with one value is written without an array; a plain
    string literal is a JSON string. Keys are sorted and the output is indented, so the same
    data gives the same bytes.
    """
    import pyoxigraph as ox

    named_node, blank_node, default_graph = ox.NamedNode, ox.BlankNode, ox.DefaultGraph
    spaces = sorted(prefixes.items(), key=lambda item: (-len(item[1]), item[0]))
    compacted: dict[str, str] = {}

    def compact(iri: str) -> str:
        short = compacted.get(iri)
        if short is None:
            short = iri
            for prefix, namespace in spaces:
                local = iri[len(namespace) :]
                # a local part starting with // would read as an absolute IRI (JSON-LD 1.1 §4.1.5)
                if iri.startswith(namespace) and local and not local.startswith("//"):
                    short = f"{prefix}:{local}"
                    break
            else:
                scheme = iri.split(":", 1)[0]
                if scheme in prefixes:  # "data:…" would be read back as data: + "…"
                    raise OutputError(
                        f"JSON-LD output cannot hold the IRI <{iri}>: its scheme {scheme}: "
                        "is also a prefix of the context; export as trig, nquads or turtle instead"
                    )
            compacted[iri] = short
        return short

    def node_id(term: Any) -> str:
        return compact(term.value) if type(term) is named_node else "_:" + term.value

    def value(term: Any) -> Any:
        kind = type(term)
        if kind is named_node or kind is blank_node:
            return {"@id": node_id(term)}
        if kind is not ox.Literal:
            raise OutputError("JSON-LD output cannot hold an RDF 1.2 triple term")
        if term.language:
            if term.direction is not None:
                return {
                    "@value": term.value,
                    "@language": term.language,
                    "@direction": _direction(term),
                }
            return {"@value": term.value, "@language": term.language}
        datatype = term.datatype.value
        if datatype == XSD_STRING:
            return term.value
        return {"@value": term.value, "@type": compact(datatype)}

    graphs: dict[str, dict[str, dict[str, Any]]] = {}
    for quad in quads:
        graph = quad.graph_name
        nodes = graphs.setdefault("" if type(graph) is default_graph else node_id(graph), {})
        subject = node_id(quad.subject)
        node = nodes.get(subject)
        if node is None:
            node = nodes[subject] = {"@id": subject}
        predicate, obj = quad.predicate.value, quad.object
        if predicate == RDF_TYPE and type(obj) is named_node:
            node.setdefault("@type", []).append(node_id(obj))
        else:
            node.setdefault(compact(predicate), []).append(value(obj))
    top = graphs.pop("", {})
    for name, nodes in graphs.items():
        holder = top.get(name)
        if holder is None:
            holder = top[name] = {"@id": name}
        holder["@graph"] = [_single_values(node) for node in nodes.values()]
    document = {
        "@context": dict(sorted(prefixes.items())),
        "@graph": [_single_values(node) for node in top.values()],
    }
    return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def _single_values(node: dict[str, Any]) -> dict[str, Any]:
    for key, values in node.items():
        if key not in ("@id", "@graph") and len(values) == 1:
            node[key] = values[0]
    return node
