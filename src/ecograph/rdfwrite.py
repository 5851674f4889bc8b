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
import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from .errors import OutputError
from .namespaces import PREFIX_IRIS, XSD_STRING

__all__ = [
    "Statements",
    "prefixes_for",
    "sorted_quads",
    "to_jsonld",
    "to_ntriples",
    "to_trig",
    "to_turtle",
]

RDF_TYPE = PREFIX_IRIS["rdf"] + "type"


def prefixes_for(base: str) -> dict[str, str]:
    """The prefixes written in every output: the ontology's, and ``data:`` for the entities of a
    dataset whose base IRI is ``base``."""
    return {**PREFIX_IRIS, "data": base + "id/"}


# --------------------------------------------------------------------------- the order

#: a statement: its sort key (graph kind and value, subject kind and value, "not rdf:type",
#: predicate, object kind, value and language or datatype; kinds "" default graph, "0" IRI,
#: "1" blank node, "2" literal), then its four N-Quads terms (graph "": the default graph)
_Row = tuple[str, str, str, str, bool, str, str, str, str, str, str, str, str]
_ESCAPE = re.compile(r'\\(?:[tbnrf"\'\\]|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8})')
_ECHARS = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}


class _NotSimple(Exception):
    """An N-Quads document these fast paths do not read (an RDF 1.2 triple term)."""


def _unescape(text: str) -> str:
    """An N-Triples string or IRI with its escapes (ECHAR, UCHAR) read."""

    def one(match: re.Match[str]) -> str:
        escape = match.group(0)[1:]
        if escape[0] in "uU":
            return chr(int(escape[1:], 16))
        return _ECHARS[escape]

    return _ESCAPE.sub(one, text)


def _node(term: str) -> tuple[str, str]:
    """An IRI or blank node's kind and value."""
    if term[:1] == "<":
        value = term[1:-1]
        return ("0", _unescape(value) if "\\" in value else value)
    if term[:2] == "_:":
        return ("1", term[2:])
    raise _NotSimple


class Statements:
    """Statements, each once, in the writers' order (the default graph first, then named
    graphs by IRI; within a graph, subjects by IRI, ``rdf:type`` before the other predicates,
    predicates by IRI, objects by value).

    Made from the build's quads of N-Quads terms (:meth:`from_quads`) or from an N-Quads
    document (:meth:`parse`), ordered by keys read from the terms' text, never turned into
    Python RDF terms: at 1.87M statements a few seconds, where pyoxigraph terms with Python
    sort keys took 31 s. Iterating gives pyoxigraph quads (parsed by Oxigraph in that order).
    """

    def __init__(self, rows: list[_Row]):
        self.rows = rows
        self._document: bytes | None = None

    @classmethod
    def from_quads(cls, quads: Iterable[tuple[str, str, str, str]]) -> Statements:
        """From quads of N-Quads terms (as :func:`ecograph.provenance.dataset_quads` makes
        them), in any order, repeats allowed."""
        import gc

        collecting = gc.isenabled()
        gc.disable()  # millions of tuples, none cyclic
        try:
            rows = _rows(quads)
            rows.sort()
        finally:
            if collecting:
                gc.enable()
        unique = []
        last: tuple[Any, ...] = ()
        for row in rows:
            key = row[:9]
            if key != last:
                unique.append(row)
                last = key
        return cls(unique)

    @classmethod
    def parse(cls, nquads: bytes) -> Statements:
        """From an N-Quads document."""
        try:
            return cls.from_quads(_split_lines(nquads))
        except _NotSimple:
            return cls.from_quads(_split_lines(_canonical(nquads)))

    def __len__(self) -> int:
        return len(self.rows)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Statements) and [r[:9] for r in self.rows] == [
            r[:9] for r in other.rows
        ]

    __hash__ = None  # type: ignore[assignment]

    def lines(self) -> Iterator[str]:
        """Each statement as an N-Quads line (no newline), in the writers' order."""
        for row in self.rows:
            yield f"{row[9]} {row[10]} {row[11]} {row[12]} ."

    def nquads(self) -> bytes:
        """The statements as N-Quads in the writers' order (not sorted by their text)."""
        if self._document is None:
            self._document = _encode_lines(self.lines())
        return self._document

    def sorted_nquads(self) -> bytes:
        """N-Quads with the lines sorted by code point (the order of their UTF-8 bytes)."""
        return _encode_lines(sorted(self.lines()))

    def __iter__(self) -> Iterator[Any]:
        import pyoxigraph as ox

        return iter(ox.parse(self.nquads(), format=ox.RdfFormat.N_QUADS))

    def named_graphs(self) -> int:
        """How many named graphs hold statements."""
        return len({(row[0], row[1]) for row in self.rows if row[0]})

    def count_in_graph(self, iri: str) -> int:
        """How many statements the named graph ``iri`` holds."""
        return sum(1 for row in self.rows if row[0] == "0" and row[1] == iri)

    def typed(self, class_iri: str) -> set[tuple[str, str]]:
        """The subjects (kind, value) the default graph types as ``class_iri``."""
        return {
            (row[2], row[3])
            for row in self.rows
            if not row[0] and row[5] == RDF_TYPE and row[6] == "0" and row[7] == class_iri
        }

    def triples(self) -> bytes:
        """Every distinct triple of every graph as N-Triples, sorted by subject, ``rdf:type``
        first, predicate and object."""
        keyed = {}
        for row in self.rows:
            key = row[2:9]
            if key not in keyed:
                keyed[key] = f"{row[9]} {row[10]} {row[11]} ."
        return _encode_lines(keyed[key] for key in sorted(keyed))


def _encode_lines(lines: Iterable[str], chunk: int = 20000) -> bytes:
    """Lines as one UTF-8 document, each ending in a newline, encoded a chunk at a time (the
    document as one Python string would hold twice its size again)."""
    parts: list[bytes] = []
    batch: list[str] = []
    for line in lines:
        batch.append(line)
        if len(batch) == chunk:
            parts.append(_encode("\n".join(batch) + "\n"))
            batch = []
    if batch:
        parts.append(_encode("\n".join(batch) + "\n"))
    return b"".join(parts)


def _encode(text: str) -> bytes:
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: written as "?", as rdflib did
        return text.encode("utf-8", "replace")


def _split_lines(nquads: bytes) -> Iterator[tuple[str, str, str, str]]:
    """The four terms of each line of an N-Quads document (graph ``""``: the default graph)."""
    for line in nquads.decode("utf-8").split("\n"):
        line = line.strip()
        if not line or line[0] == "#":
            continue
        body = line[:-1].rstrip() if line[-1] == "." else ""
        if not body:
            raise _NotSimple
        i = body.index(" ")
        j = body.index(" ", i + 1)
        subject, predicate, rest = body[:i], body[i + 1 : j], body[j + 1 :].lstrip()
        if rest[:1] == '"':
            end = rest.find(" ", rest.rindex('"'))
        elif rest[:2] == "<<":
            raise _NotSimple
        else:
            end = rest.find(" ")
        if end < 0:
            yield subject, predicate, rest, ""
        else:
            yield subject, predicate, rest[:end], rest[end + 1 :].strip()


def _rows(quads: Iterable[tuple[str, str, str, str]]) -> list[_Row]:
    nodes: dict[str, tuple[str, str]] = {"": ("", "")}
    predicates: dict[str, str] = {}
    rows: list[_Row] = []
    add = rows.append
    for subject, predicate, obj, graph in quads:
        graph_key = nodes.get(graph)
        if graph_key is None:
            graph_key = nodes[graph] = _node(graph)
        subject_key = nodes.get(subject)
        if subject_key is None:
            subject_key = nodes[subject] = _node(subject)
        iri = predicates.get(predicate)
        if iri is None:
            if predicate[:1] != "<":
                raise _NotSimple
            iri = predicates[predicate] = _node(predicate)[1]
        if obj[0] == '"':
            close = obj.rindex('"')
            value, suffix = obj[1:close], obj[close + 1 :]
            if "\\" in value:
                value = _unescape(value)
            if suffix[:1] == "@":
                extra = suffix[1:]
            elif suffix[:2] == "^^":
                extra = _node(suffix[2:])[1]
            else:
                extra = XSD_STRING
            add(
                (
                    graph_key[0], graph_key[1], subject_key[0], subject_key[1], iri != RDF_TYPE,
                    iri, "2", value, extra, subject, predicate, obj, graph,
                )
            )  # fmt: skip
        else:
            object_key = nodes.get(obj)
            if object_key is None:
                object_key = nodes[obj] = _node(obj)
            add(
                (
                    graph_key[0], graph_key[1], subject_key[0], subject_key[1], iri != RDF_TYPE,
                    iri, object_key[0], object_key[1], "", subject, predicate, obj, graph,
                )
            )  # fmt: skip
    return rows


def _canonical(nquads: bytes) -> bytes:
    """The document as Oxigraph writes N-Quads (for input these paths do not read)."""
    import pyoxigraph as ox

    try:
        quads = list(ox.parse(nquads, format=ox.RdfFormat.N_QUADS))
    except SyntaxError as exc:
        raise OutputError(f"not an N-Quads document: {exc}") from None
    if any(isinstance(q.object, ox.Triple) or isinstance(q.subject, ox.Triple) for q in quads):
        raise OutputError("the writers cannot write RDF 1.2 triple terms")
    return ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b""


def sorted_quads(nquads: bytes) -> Statements:
    """The statements of an N-Quads document, each once, in the writers' order."""
    return Statements.parse(nquads)


def to_trig(statements: Statements, prefixes: dict[str, str]) -> str:
    """TriG of the statements: the named graphs and the default graph, with ``prefixes``."""
    return trig_bytes(statements, prefixes).decode("utf-8")


def trig_bytes(statements: Statements, prefixes: dict[str, str]) -> bytes:
    """:func:`to_trig` as UTF-8 bytes, as Oxigraph writes them."""
    import pyoxigraph as ox

    quads = ox.parse(statements.nquads(), format=ox.RdfFormat.N_QUADS)
    return ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=prefixes) or b""


def to_turtle(statements: Statements, prefixes: dict[str, str]) -> str:
    """Turtle of every graph flattened into one (each distinct triple once)."""
    return turtle_bytes(statements, prefixes).decode("utf-8")


def turtle_bytes(statements: Statements, prefixes: dict[str, str]) -> bytes:
    """:func:`to_turtle` as UTF-8 bytes, as Oxigraph writes them."""
    import pyoxigraph as ox

    triples = ox.parse(statements.triples(), format=ox.RdfFormat.N_TRIPLES)
    return ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=prefixes) or b""


def to_ntriples(statements: Statements) -> str:
    """N-Triples of every graph flattened into one, one line per distinct triple, lines sorted."""
    import pyoxigraph as ox

    triples = ox.parse(statements.triples(), format=ox.RdfFormat.N_TRIPLES)
    text = (ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"").decode("utf-8")
    lines = sorted(line for line in text.split("\n") if line.strip())
    return "".join(line + "\n" for line in lines)


def to_jsonld(statements: Statements, prefixes: dict[str, str]) -> str:
    """JSON-LD 1.1 of the statements, compacted with ``prefixes`` as its context.

    The top-level ``@graph`` holds the default graph's nodes; a named graph is the ``@graph`` of
    the node with its IRI (which, in ecograph's data, also describes the statement: status,
    basis, citations). IRIs under a prefix are written ``prefix:local``; ``rdf:type`` is
    ``@type``; a property or ``@type`` with one value is written without an array; a plain
    string literal is a JSON string. Keys are sorted and the output is indented as
    ``json.dumps(indent=2, sort_keys=True)`` indents (by :func:`_dumps`, 6× faster), so the
    same data gives the same bytes.
    """
    rows = statements.rows
    split = 0
    while split < len(rows) and not rows[split][0]:
        split += 1

    def subjects() -> Iterator[list[_Row]]:
        return (rows[a:b] for a, b in _runs(rows, 0, split, 4))

    def graphs() -> Iterator[list[_Row]]:
        return (rows[a:b] for a, b in _runs(rows, split, len(rows), 2))

    return "".join(jsonld_chunks(subjects, graphs, prefixes))


def jsonld_chunks(
    subjects: Callable[[], Iterable[list[_Row]]],
    graphs: Callable[[], Iterable[list[_Row]]],
    prefixes: dict[str, str],
) -> Iterator[str]:
    """The JSON-LD document of :func:`to_jsonld` in pieces, from the rows of the default
    graph one subject at a time (``subjects()``) and of the named graphs one graph at a time
    (``graphs()``, asked for twice: the named graphs no node of the default graph describes
    come last), both in the writers' order: the streaming build writes from files with it."""
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
            if len(compacted) < _MEMO_LIMIT:
                compacted[iri] = short
        return short

    def node_id(kind: str, value: str) -> str:
        return compact(value) if kind == "0" else "_:" + value

    def literal(value: str, extra: str) -> Any:
        if ":" in extra:  # a datatype IRI (a language tag has no colon)
            if extra == XSD_STRING:
                return value
            return {"@value": value, "@type": compact(extra)}
        language, _, direction = extra.partition("--")
        if direction:
            return {"@value": value, "@language": language, "@direction": direction}
        return {"@value": value, "@language": language}

    keys: dict[str, str] = {}  # predicate -> its key

    def node(rows: list[_Row], start: int, end: int) -> dict[str, Any]:
        first = rows[start]
        result: dict[str, Any] = {"@id": node_id(first[2], first[3])}
        for at in range(start, end):
            row = rows[at]
            predicate, object_kind, obj = row[5], row[6], row[7]
            if object_kind == "2":
                value: Any = literal(obj, row[8])
            elif predicate == RDF_TYPE and object_kind == "0":
                result.setdefault("@type", []).append(node_id(object_kind, obj))
                continue
            else:
                value = {"@id": node_id(object_kind, obj)}
            key = keys.get(predicate)
            if key is None:
                key = keys[predicate] = compact(predicate)
            result.setdefault(key, []).append(value)
        return _single_values(result)

    def graph_nodes(rows: list[_Row]) -> list[dict[str, Any]]:
        return [node(rows, a, b) for a, b in _runs(rows, 0, len(rows), 4)]

    context = _dumps(dict(sorted(prefixes.items())), 1)
    yield f'{{\n  "@context": {context},\n  "@graph": '
    separator = "[\n    "
    matched: set[tuple[str, str]] = set()
    pending = iter(graphs())
    current = next(pending, None)
    for rows in subjects():
        item = node(rows, 0, len(rows))
        subject = rows[0][2:4]
        while current is not None and current[0][:2] < subject:
            current = next(pending, None)
        if current is not None and current[0][:2] == subject:
            item["@graph"] = graph_nodes(current)
            matched.add(subject)
            current = next(pending, None)
        yield separator + _dumps(item, 2)
        separator = ",\n    "
    del pending, current
    for rows in graphs():
        kind, value = rows[0][:2]
        if (kind, value) not in matched:
            yield separator + _dumps({"@id": node_id(kind, value), "@graph": graph_nodes(rows)}, 2)
            separator = ",\n    "
    yield "\n  ]\n}\n" if separator != "[\n    " else "[]\n}\n"


#: how many compacted IRIs the JSON-LD writer remembers (memory stays bounded at any size)
_MEMO_LIMIT = 200_000


def _runs(rows: list[_Row], start: int, end: int, width: int) -> Iterator[tuple[int, int]]:
    """The runs of ``rows[start:end]`` that share their first ``width`` key parts (2: one
    graph; 4: one subject of one graph)."""
    at = start
    while at < end:
        key = rows[at][:width]
        stop = at + 1
        while stop < end and rows[stop][:width] == key:
            stop += 1
        yield at, stop
        at = stop


def _single_values(node: dict[str, Any]) -> dict[str, Any]:
    for key, values in node.items():
        if key not in ("@id", "@graph") and len(values) == 1:
            node[key] = values[0]
    return node


def _dumps(value: Any, level: int = 0) -> str:
    """``json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True)`` for dicts (of string
    keys), lists and strings, written with the C string encoder (Python's indenting encoder is
    pure Python: 30 s for the JSON-LD of 1.87M statements); ``level``: the indentation the
    value starts at, inside a larger document."""
    from json.encoder import encode_basestring

    out: list[str] = []
    write = out.append
    indents = ["\n" + "  " * level for level in range(64)]

    def indent(level: int) -> str:
        return indents[level] if level < len(indents) else "\n" + "  " * level

    def dump(item: Any, level: int) -> None:
        kind = type(item)
        if kind is str:
            write(encode_basestring(item))
        elif (kind is dict or kind is list) and not item:
            write("{}" if kind is dict else "[]")
        elif kind is dict or kind is list:
            inner, first = indent(level + 1), True
            opening, closing = ("{", "}") if kind is dict else ("[", "]")
            for member in sorted(item) if kind is dict else item:
                write((opening if first else ",") + inner)
                first = False
                if kind is dict:
                    write(encode_basestring(member) + ": ")
                    dump(item[member], level + 1)
                else:
                    dump(member, level + 1)
            write(indent(level) + closing)
        else:
            write(json.dumps(item, ensure_ascii=False))

    dump(value, level)
    return "".join(out)
