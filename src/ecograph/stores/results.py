"""What every store answers and what every store accepts: :class:`QueryResult` (plain data in
the SPARQL 1.1 JSON term form) and bound values (:class:`Iri`, :class:`Literal` or plain Python
values), so no caller and no store needs another store's library to talk to it."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from typing import Any

from ..errors import UsageError

__all__ = ["Iri", "Literal", "QueryResult", "binding_parts", "parse_binding"]

XSD = "http://www.w3.org/2001/XMLSchema#"


class Iri(str):
    """An IRI to bind to a query variable (a plain ``str`` binds as a literal). Every store
    turns it into its own term type, so callers need not import rdflib or pyoxigraph."""

    __slots__ = ()


@dataclass(frozen=True)
class Literal:
    """A literal with a language tag or a datatype, to bind to a query variable (a plain ``str``
    is a literal without either)."""

    value: str
    language: str | None = None
    datatype: str | None = None


def binding_parts(value: Any) -> tuple[str, str, str | None, str | None]:
    """A bound value as ``(kind, text, language, datatype)``: kind ``iri`` or ``literal``.
    ``bool``, ``int`` and ``float`` become ``xsd:boolean``, ``xsd:integer`` and ``xsd:double``;
    anything else is refused."""
    if isinstance(value, Iri):
        return "iri", str(value), None, None
    if isinstance(value, Literal):
        if value.language and value.datatype:
            raise UsageError(
                "a literal has a language tag or a datatype, not both", param="bindings"
            )
        return "literal", value.value, value.language or None, value.datatype or None
    if isinstance(value, bool):
        return "literal", "true" if value else "false", None, XSD + "boolean"
    if isinstance(value, int):
        return "literal", str(value), None, XSD + "integer"
    if isinstance(value, float):
        return "literal", repr(value), None, XSD + "double"
    if isinstance(value, str):
        return "literal", value, None, None
    raise UsageError(
        f"cannot bind a {type(value).__name__}; use a str, Iri or Literal", param="bindings"
    )


@dataclass
class QueryResult:
    """The answer to a query, as plain data.

    ``kind`` is ``select``, ``ask``, ``construct`` or ``describe``. SELECT fills ``variables`` and
    ``rows`` (each row maps a variable to a term in the SPARQL 1.1 JSON form
    ``{"type": "uri"|"literal"|"bnode", "value": …, "xml:lang"?: …, "datatype"?: …}``;
    unbound variables are absent). ASK fills ``boolean``; CONSTRUCT and DESCRIBE fill ``turtle``
    and ``triples``.
    """

    kind: str
    variables: list[str] = field(default_factory=list)
    rows: list[dict[str, dict[str, str]]] = field(default_factory=list)
    boolean: bool | None = None
    turtle: str | None = None
    triples: int = 0
    #: the namespace of the dataset's entities, shown as ``data:`` in :meth:`to_text` (set by
    #: :meth:`ecograph.KnowledgeGraph.query`)
    data_prefix: str = field(default="", compare=False, repr=False)

    @property
    def document(self) -> str | None:
        """CONSTRUCT and DESCRIBE: the Turtle, which is the answer in every format."""
        return self.turtle if self.kind in ("construct", "describe") else None

    def to_dict(self) -> dict[str, Any]:
        """The SPARQL 1.1 Query Results JSON document (see :meth:`to_sparql_json`)."""
        return self.to_sparql_json()

    def to_text(self, lang: str = "zh") -> str:
        """SELECT: an aligned table (entities as ``data:slug``, known namespaces as prefixes)
        and the row count; ASK: ``true`` or ``false``; CONSTRUCT and DESCRIBE: the Turtle."""
        from ..text import count, short_term, table

        if self.document is not None:
            return self.document
        if self.kind == "ask":
            return "true" if self.boolean else "false"
        rows = [
            tuple(short_term(r[v], self.data_prefix) if v in r else "" for v in self.variables)
            for r in self.rows
        ]
        return f"{table(rows, tuple(self.variables))}\n({count(len(rows), 'row')})"

    def to_csv(self, lang: str = "zh", *, excel: bool = False) -> str:
        """SPARQL 1.1 CSV with formula-like cells neutralised (``excel``: with the byte-order
        mark); ASK: ``true`` or ``false`` on a line."""
        if self.kind == "ask":
            return self.to_text() + "\n"
        return self.to_delimited(",", spreadsheet=True, excel=excel)

    def to_tsv(self) -> str:
        """SPARQL 1.1 TSV (terms in N-Triples syntax); ASK: ``true`` or ``false`` on a line."""
        if self.kind == "ask":
            return self.to_text() + "\n"
        return self.to_delimited("\t")

    def to_sparql_json(self) -> dict[str, Any]:
        """The W3C SPARQL 1.1 Query Results JSON document (SELECT and ASK)."""
        if self.kind == "ask":
            return {"head": {}, "boolean": bool(self.boolean)}
        return {
            "head": {"vars": list(self.variables)},
            "results": {"bindings": [dict(r) for r in self.rows]},
        }

    def values(self, variable: str) -> list[str | None]:
        """The plain values of one variable, row by row (``None`` where unbound)."""
        return [row[variable]["value"] if variable in row else None for row in self.rows]

    def to_delimited(
        self, delimiter: str = ",", *, spreadsheet: bool = False, excel: bool = False
    ) -> str:
        """CSV (plain values, as the SPARQL 1.1 CSV format) or TSV (terms in N-Triples syntax).
        ``spreadsheet`` neutralises CSV cells a spreadsheet would take for a formula (see
        :mod:`ecograph.safetext`); ``excel`` also adds the byte-order mark."""
        buffer = io.StringIO()
        if delimiter == "," and (spreadsheet or excel):
            from ..safetext import csv_text

            values = (
                [row[v]["value"] if v in row else "" for v in self.variables] for row in self.rows
            )
            return csv_text(self.variables, values, excel=excel, lineterminator="\r\n")
        if delimiter == ",":
            writer = csv.writer(buffer, lineterminator="\r\n")
            writer.writerow(self.variables)
            for row in self.rows:
                writer.writerow([row[v]["value"] if v in row else "" for v in self.variables])
        else:
            buffer.write("\t".join(f"?{v}" for v in self.variables) + "\n")
            for row in self.rows:
                buffer.write(
                    "\t".join(_term_to_ntriples(row[v]) if v in row else "" for v in self.variables)
                    + "\n"
                )
        return buffer.getvalue()


def _term_to_ntriples(cell: dict[str, str]) -> str:
    from ..provenance import ntriples_literal

    value = cell["value"]
    if cell["type"] == "uri":
        return f"<{value}>"
    if cell["type"] == "bnode":
        return f"_:{value}"
    return ntriples_literal(value, cell.get("xml:lang"), cell.get("datatype"), escape_controls=True)


def parse_binding(text: str, base: str) -> tuple[str, Iri | str]:
    """``NAME=VALUE`` → (name, value). ``<iri>`` is an IRI, ``data:slug`` an entity of the
    dataset, anything else a plain literal. The value is never pasted into query text."""
    if "=" not in text:
        raise UsageError(f"a binding must look like NAME=VALUE, not {text!r}", param="bindings")
    name, value = text.split("=", 1)
    name = name.strip().lstrip("?$")
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
        raise UsageError(f"{name!r} is not a SPARQL variable name", param="bindings")
    if value.startswith("<") and value.endswith(">"):
        iri = value[1:-1]
    elif value.startswith("data:"):
        iri = f"{base}id/{value[5:]}"
    else:
        return name, value
    from ..namespaces import is_iri

    if not is_iri(iri):
        raise UsageError(
            f"{value!r} is not an IRI (write <https://…> or data:SLUG)", param="bindings"
        )
    return name, Iri(iri)
