"""The SPARQL 1.1 Protocol as clients use it: parameters, content negotiation, result formats.

Results: SPARQL JSON (the default), XML, CSV and TSV for SELECT and ASK; Turtle (the default),
N-Triples, RDF/XML and JSON-LD for CONSTRUCT, DESCRIBE and Graph Store reads. ``Accept`` decides;
a ``format`` (or ``output``, ``results``) parameter, which browsers' forms and SPARQLWrapper send,
is used only when ``Accept`` names nothing offered. Parameters may repeat where clients repeat
them (SPARQLWrapper sends ``format``, ``output`` and ``results``); ``query`` may not.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import quoteattr

from ..stores.results import QueryResult

__all__ = [
    "CSV",
    "GRAPH_TYPES",
    "JSON",
    "JSONLD",
    "NTRIPLES",
    "RDFXML",
    "RESULT_TYPES",
    "TSV",
    "TURTLE",
    "XML",
    "HttpError",
    "Params",
    "choose_media",
    "negotiate",
    "parse_params",
    "render_result",
    "render_triples",
]

JSON = "application/sparql-results+json"
XML = "application/sparql-results+xml"
CSV = "text/csv"
TSV = "text/tab-separated-values"
TURTLE = "text/turtle"
NTRIPLES = "application/n-triples"
RDFXML = "application/rdf+xml"
JSONLD = "application/ld+json"

#: media types for SELECT/ASK and for graphs; the first of each is the default
RESULT_TYPES = (JSON, XML, CSV, TSV)
GRAPH_TYPES = (TURTLE, NTRIPLES, RDFXML, JSONLD)
ALIASES = {
    "application/json": JSON,
    "application/xml": XML,
    "text/xml": XML,
    "text/plain": NTRIPLES,
    "application/x-turtle": TURTLE,
    "application/turtle": TURTLE,
    "text/n3": TURTLE,
    "text/rdf+n3": TURTLE,
    "application/x-json+ld": JSONLD,
}
#: ``format=`` values (browser forms, SPARQLWrapper) → media type
FORMAT_PARAM = {
    "json": JSON,
    "xml": XML,
    "csv": CSV,
    "tsv": TSV,
    "turtle": TURTLE,
    "ttl": TURTLE,
    "n3": TURTLE,
    "ntriples": NTRIPLES,
    "nt": NTRIPLES,
    "rdfxml": RDFXML,
    "rdf+xml": RDFXML,
    "rdf": RDFXML,
    "json-ld": JSONLD,
    "jsonld": JSONLD,
}
FORMAT_NAMES = ("format", "output", "results")
#: parameters that may be given more than once
REPEATABLE = {*FORMAT_NAMES, "default-graph-uri", "named-graph-uri"}
#: W3C format IRIs for the service description
FORMAT_IRIS = {
    JSON: "http://www.w3.org/ns/formats/SPARQL_Results_JSON",
    XML: "http://www.w3.org/ns/formats/SPARQL_Results_XML",
    CSV: "http://www.w3.org/ns/formats/SPARQL_Results_CSV",
    TSV: "http://www.w3.org/ns/formats/SPARQL_Results_TSV",
    TURTLE: "http://www.w3.org/ns/formats/Turtle",
    NTRIPLES: "http://www.w3.org/ns/formats/N-Triples",
    RDFXML: "http://www.w3.org/ns/formats/RDF_XML",
    JSONLD: "http://www.w3.org/ns/formats/JSON-LD",
}


class HttpError(Exception):
    """An answer other than 200, with the message sent as plain text."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


@dataclass
class Params:
    """Request parameters: one value per name, every value of the repeatable ones."""

    single: dict[str, str]
    multi: dict[str, list[str]]

    def get(self, name: str) -> str | None:
        return self.single.get(name)

    def __contains__(self, name: str) -> bool:
        return name in self.single or name in self.multi

    def update(self, other: Params) -> None:
        for name, value in other.single.items():
            if name in self.single:
                raise HttpError(400, f"{name} is given twice")
            self.single[name] = value
        for name, values in other.multi.items():
            self.multi.setdefault(name, []).extend(values)


def parse_params(text: str) -> Params:
    """URL or form parameters; a parameter other than the repeatable ones given twice is 400."""
    try:
        pairs = parse_qsl(
            text, keep_blank_values=True, strict_parsing=False, errors="strict", max_num_fields=200
        )
    except UnicodeDecodeError:
        raise HttpError(400, "the parameters are not UTF-8") from None
    except ValueError:
        raise HttpError(400, "too many parameters") from None
    single: dict[str, str] = {}
    multi: dict[str, list[str]] = {}
    for name, value in pairs:
        if name in REPEATABLE:
            multi.setdefault(name, []).append(value)
        elif name in single:
            raise HttpError(400, f"{name} is given more than once")
        else:
            single[name] = value
    return Params(single, multi)


def _accept(header: str | None) -> list[tuple[str, float, int]]:
    """(media type, q, position), most preferred first."""
    out = []
    for position, part in enumerate((header or "").split(",")[:64]):
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


def negotiate(accept: str | None, offered: tuple[str, ...], *, wildcard: bool = True) -> str | None:
    """The offered media type the Accept header prefers (the first offered when there is no
    header or it accepts anything); ``None`` when nothing offered is acceptable. With
    ``wildcard=False`` only a type the header names counts (``*/*`` gives ``None``)."""
    entries = _accept(accept)
    if not entries:
        return offered[0] if wildcard else None
    for media, q, _ in entries:
        if q <= 0:
            continue
        media = ALIASES.get(media, media)
        if media in offered:
            return media
        if media == "*/*":
            return offered[0] if wildcard else None
        if media.endswith("/*") and wildcard:
            for candidate in offered:
                if candidate.startswith(media[:-1]):
                    return candidate
    return None


def choose_media(params: Params, accept: str | None, offered: tuple[str, ...]) -> str:
    """The media type to answer with: what Accept names, else the first ``format``-like
    parameter that names an offered type, else what Accept allows (its wildcards, or the
    default). 406 when nothing offered is acceptable."""
    named = negotiate(accept, offered, wildcard=False)
    if named:
        return named
    for name in FORMAT_NAMES:
        for value in params.multi.get(name, []):
            media = FORMAT_PARAM.get(value.strip().lower()) or ALIASES.get(
                value.strip().lower(), value.strip().lower()
            )
            if media in offered:
                return media
    chosen = negotiate(accept, offered)
    if chosen is None:
        raise HttpError(406, f"this answer is offered as {', '.join(offered)}")
    return chosen


# --------------------------------------------------------------------------- result formats


def _results_xml(result: QueryResult) -> str:
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<sparql xmlns="http://www.w3.org/2005/sparql-results#">',
    ]
    if result.kind == "ask":
        out += [
            "<head/>",
            f"<boolean>{'true' if result.boolean else 'false'}</boolean>",
            "</sparql>",
        ]
        return "\n".join(out) + "\n"
    out.append(
        "<head>" + "".join(f"<variable name={quoteattr(v)}/>" for v in result.variables) + "</head>"
    )
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
    """The body of a query result in ``media`` (one of RESULT_TYPES or GRAPH_TYPES)."""
    if media == JSON:
        return json.dumps(result.to_sparql_json(), ensure_ascii=False).encode("utf-8")
    if media == XML:
        return _results_xml(result).encode("utf-8")
    if media in (CSV, TSV):
        delimiter = "," if media == CSV else "\t"
        text = (
            _ask_delimited(result, delimiter)
            if result.kind == "ask"
            else result.to_delimited(delimiter)
        )
        return text.encode("utf-8")
    turtle = (result.turtle or "").encode("utf-8")
    if media == TURTLE:
        return turtle
    import pyoxigraph as ox

    return render_triples(ox.parse(turtle, format=ox.RdfFormat.TURTLE), media)


def render_triples(triples: Iterable[Any], media: str) -> bytes:
    """pyoxigraph triples (any iterable) in ``media`` (one of GRAPH_TYPES)."""
    import pyoxigraph as ox

    target = {
        TURTLE: ox.RdfFormat.TURTLE,
        NTRIPLES: ox.RdfFormat.N_TRIPLES,
        RDFXML: ox.RdfFormat.RDF_XML,
        JSONLD: ox.RdfFormat.JSON_LD,
    }[media]
    return ox.serialize(triples, format=target) or b""
