"""SHACL shapes evaluated as SPARQL queries on Oxigraph.

:func:`compile_shapes` turns a shapes graph (an rdflib graph: shapes graphs are small) into one
SPARQL query per constraint; :func:`validate_nquads` loads a build's N-Quads and the ontology into a
fresh in-memory ``pyoxigraph.Store`` and runs them over the union of all graphs. Each query
returns the focus nodes that violate its constraint, so the work stays in Oxigraph and Python sees
only the results. pyshacl stays the reference implementation (``validate(...,
shacl_engine="pyshacl")``); the tests check that both give the same results.

The subset of SHACL Core evaluated here is what ``ontology/shapes.ttl`` uses:

* targets: ``sh:targetClass`` (instances of the class or of its subclasses, through
  ``rdfs:subClassOf*``), ``sh:targetSubjectsOf`` and implicit class targets;
* ``sh:property`` from a node shape to property shapes whose ``sh:path`` is an IRI;
* cardinalities: ``sh:minCount``, ``sh:maxCount``, ``sh:qualifiedValueShape`` with
  ``sh:qualifiedMinCount`` / ``sh:qualifiedMaxCount``;
* value tests: ``sh:class``, ``sh:datatype``, ``sh:nodeKind``, ``sh:in``, ``sh:pattern`` (with
  ``sh:flags``), ``sh:minLength``, ``sh:maxLength``, ``sh:languageIn``, ``sh:uniqueLang`` and
  ``sh:or`` of shapes made of these;
* ``sh:severity``, ``sh:deactivated`` and ``sh:message``.

Anything else in the ``sh:`` namespace raises :class:`ShapesError`, naming the shape and the
construct: a constraint is never skipped.

The results equal pyshacl's as :mod:`ecograph.validation` runs it (the data parsed by rdflib from
N-Triples, the ontology mixed in, inference none, warnings allowed), including where rdflib
departs from plain RDF semantics:

* rdflib decides whether a literal is well-typed (``"abc"^^xsd:integer`` is not, ``" 12 "`` is,
  any ``xsd:gYear`` is) and normalizes the lexical forms of the datatypes it converts
  (``"01"^^xsd:integer`` is ``"1"``, ``"1.50"^^xsd:decimal`` stays ``"1.50"``). Those decisions
  are made by rdflib itself, in Python, through custom SPARQL functions called only for the
  literals a fast test in the query cannot settle.
* Oxigraph's store would rewrite valid XSD literals to its own canonical forms (``"15.0"`` to
  ``"15"``), which would merge values rdflib keeps apart; so the literals of XSD datatypes are
  stored under an alias datatype namespace (:data:`XSD_ALIAS`) that keeps every lexical form, and
  the queries name datatypes through the alias.
* A literal written ``"x"^^xsd:string`` in ``sh:in`` matches no data value (rdflib keeps it apart
  from ``"x"``, and the data reaches pyshacl as N-Triples, where every string is plain): list
  the plain spelling, as ``shapes.ttl`` does.
* With warnings allowed, a shape of severity ``sh:Warning`` or ``sh:Info`` always conforms when
  it is used inside ``sh:or`` or as a qualified value shape, as does a deactivated shape.

Blank nodes as focus nodes are reported by Oxigraph's blank node ids, which differ from
rdflib's; ecograph's builds have none.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import EcographError

if TYPE_CHECKING:
    from rdflib import Graph
    from rdflib.term import Node

__all__ = [
    "XSD_ALIAS",
    "CompiledShape",
    "ShaclResult",
    "ShapesError",
    "ShapesProgram",
    "compile_shapes",
    "load_store",
    "protect_literals",
    "run_program",
    "validate_nquads",
]

SH = "http://www.w3.org/ns/shacl#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
#: where the data's XSD datatypes are renamed in the store, so that it keeps lexical forms
XSD_ALIAS = "urn:x-ecograph:shacl:xsd#"
#: the custom SPARQL functions (implemented in Python, see :class:`_Functions`)
FN = "urn:x-ecograph:shacl:fn#"

_XSD_STRING = XSD + "string"
_RDF_LANGSTRING = RDF + "langString"

#: predicates of the sh: namespace that only document a shape
_DOCUMENTATION = {"name", "description", "order", "group", "defaultValue"}
_COMMON = {"message", "severity", "deactivated", *_DOCUMENTATION}
_TARGETS = {"targetClass", "targetSubjectsOf"}
_VALUE_TESTS = {
    "class",
    "datatype",
    "nodeKind",
    "in",
    "pattern",
    "flags",
    "minLength",
    "maxLength",
    "languageIn",
    "or",
}
_PROPERTY = {
    "path",
    "minCount",
    "maxCount",
    "uniqueLang",
    "qualifiedValueShape",
    "qualifiedMinCount",
    "qualifiedMaxCount",
    "qualifiedValueShapesDisjoint",
}
#: parameters that take one value
_SINGLE = {
    "path",
    "datatype",
    "nodeKind",
    "in",
    "flags",
    "minLength",
    "maxLength",
    "languageIn",
    "minCount",
    "maxCount",
    "uniqueLang",
    "qualifiedValueShape",
    "qualifiedMinCount",
    "qualifiedMaxCount",
    "qualifiedValueShapesDisjoint",
    "severity",
    "deactivated",
}
_NODE_KINDS = {
    "IRI": "isIRI({v})",
    "BlankNode": "isBlank({v})",
    "Literal": "isLiteral({v})",
    "BlankNodeOrIRI": "(isBlank({v}) || isIRI({v}))",
    "BlankNodeOrLiteral": "(isBlank({v}) || isLiteral({v}))",
    "IRIOrLiteral": "(isIRI({v}) || isLiteral({v}))",
}
#: lexical forms rdflib certainly reads as well-typed, tested in the query before asking Python
_SURELY_WELL_TYPED = {
    "integer": r"^[+-]?[0-9]+$",
    "decimal": r"^[+-]?[0-9]+(\.[0-9]+)?$",
    "date": r"^(000[1-9]|00[1-9][0-9]|0[1-9][0-9]{2}|[1-9][0-9]{3})-(0[1-9]|1[0-2])-"
    r"(0[1-9]|1[0-9]|2[0-8])$",
}
_FOCUS = "%FOCUS%"
#: where a class and its subclasses go (a newline: in no IRI, in no literal as rdflib writes it)
_SUBCLASSES = "\n%SUBCLASSES {index} {var}%\n"
_SUBCLASSES_RE = re.compile(r"\n%SUBCLASSES (\d+) (\?\w+)%\n")


class ShapesError(EcographError):
    """A shapes graph uses SHACL the Oxigraph engine does not evaluate (or cannot evaluate as
    pyshacl would). ``shape`` names the shape, ``construct`` what it uses."""

    def __init__(self, shape: str, construct: str, detail: str = ""):
        self.shape = shape
        self.construct = construct
        why = f": {detail}" if detail else ""
        super().__init__(
            f"SHACL shape {shape}: {construct} is not supported by the oxigraph engine{why} "
            "(validate with the pyshacl engine instead)"
        )


@dataclass(frozen=True, order=True)
class ShaclResult:
    """A focus node that violates a shape: one per (shape, focus node), however many of the
    shape's constraints or value nodes it fails."""

    focus: str  # the focus node's IRI (a blank node's id)
    shape: str  # the shape, as the shapes graph names it (a prefixed name or <IRI>)
    path: str | None  # the IRI of sh:path, None for a node shape
    message: str  # the shape's sh:message: Chinese first, then the other languages by tag
    severity: str  # Violation, Warning or Info: the local name of sh:severity


@dataclass
class CompiledShape:
    """The queries of one shape that reports results; each selects ``?this``, the focus nodes
    that violate one of its constraints."""

    name: str
    path: str | None
    message: str
    severity: str
    queries: list[str] = field(default_factory=list)


@dataclass
class ShapesProgram:
    """A compiled shapes graph: the shapes that report results, and the regular expressions of
    ``sh:pattern`` (applied in Python, as pyshacl applies them) that the queries refer to by
    position."""

    shapes: list[CompiledShape]
    patterns: list[re.Pattern[str]]
    #: the classes the queries name through :data:`_SUBCLASSES` placeholders, as SPARQL IRIs
    classes: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- rdflib semantics


def _un_alias(datatype: str) -> str:
    return XSD + datatype[len(XSD_ALIAS) :] if datatype.startswith(XSD_ALIAS) else datatype


def _alias(datatype: str) -> str:
    return XSD_ALIAS + datatype[len(XSD) :] if datatype.startswith(XSD) else datatype


def _rdflib_value(lexical: str, datatype: str) -> tuple[bool, Any]:
    """``(recognized, value)``: whether rdflib knows ``datatype`` and the Python value it gives
    the lexical form (``None`` when it cannot convert it), as ``rdflib.Literal`` computes them,
    without rdflib's log entry for a failed conversion or its warnings."""
    from rdflib import URIRef, term

    mapping = getattr(term, "_toPythonMapping", term.XSDToPython)
    key = URIRef(datatype)
    if key not in mapping:
        return False, None
    convert = mapping[key]
    if convert is None:
        return True, lexical
    import warnings

    try:
        with warnings.catch_warnings():  # rdflib warns of "weird" booleans
            warnings.simplefilter("ignore")
            return True, convert(lexical)
    except Exception:  # what rdflib catches: any failure means an ill-typed literal
        return True, None


def _actual_datatype(value: Any, datatype: str) -> bool:
    """pyshacl's check of the Python value of a literal of the datatype a shape asks for."""
    from datetime import date, datetime, time

    checks: dict[str, Any] = {
        _XSD_STRING: (str, bytes),
        _RDF_LANGSTRING: (str, bytes),
        XSD + "integer": int,
        XSD + "float": float,
        XSD + "decimal": Decimal,
        XSD + "boolean": bool,
        XSD + "date": date,
        XSD + "time": time,
        XSD + "dateTime": datetime,
    }
    kind = checks.get(datatype)
    return True if kind is None else isinstance(value, kind)


@lru_cache(maxsize=65536)
def well_typed(lexical: str, datatype: str) -> bool:
    """Whether pyshacl takes the literal ``"lexical"^^<datatype>`` to match ``sh:datatype
    <datatype>``: not ill-typed as rdflib decides it, and of the Python type pyshacl expects."""
    from rdflib import URIRef, term

    recognized, value = _rdflib_value(lexical, datatype)
    if recognized:
        checkers = getattr(term, "_check_well_formed_types", {})
        checker = checkers.get(URIRef(datatype), getattr(term, "_well_formed_by_value", None))
        well_formed = checker(lexical, value) if checker else value is not None
        if not well_formed:
            return False
    return _actual_datatype(value, datatype)


@lru_cache(maxsize=65536)
def rdflib_lexical(lexical: str, datatype: str) -> str:
    """The lexical form rdflib gives a typed literal (it normalizes the datatypes it converts:
    ``"01"^^xsd:integer`` becomes ``"1"``), which is what pyshacl compares and measures."""
    _, value = _rdflib_value(lexical, datatype)
    if value is None:
        return lexical
    import warnings

    from rdflib import Literal, URIRef

    with warnings.catch_warnings():  # it converts, so rdflib logs nothing; it may warn
        warnings.simplefilter("ignore")
        return str(Literal(lexical, datatype=URIRef(datatype)))


class _Functions:
    """The custom SPARQL functions of a program, given pyoxigraph terms."""

    def __init__(self, patterns: list[re.Pattern[str]]):
        self.patterns = patterns

    @staticmethod
    def _string(term: Any) -> str:
        """pyshacl's string of a value node (a literal's lexical form as rdflib has it)."""
        import pyoxigraph as ox

        if isinstance(term, ox.Literal) and term.language is None:
            datatype = term.datatype.value
            if datatype != _XSD_STRING:
                return rdflib_lexical(term.value, _un_alias(datatype))
        return str(term.value)

    def lexical(self, term: Any) -> Any:
        import pyoxigraph as ox

        return ox.Literal(self._string(term))

    def norm(self, term: Any) -> Any:
        """The term as rdflib would hold it (so that distinct values are counted as pyshacl
        counts them)."""
        import pyoxigraph as ox

        if isinstance(term, ox.Literal) and term.language is None:
            datatype = term.datatype.value
            if datatype != _XSD_STRING:
                lexical = rdflib_lexical(term.value, _un_alias(datatype))
                if lexical != term.value:
                    return ox.Literal(lexical, datatype=term.datatype)
        return term

    def well_typed(self, term: Any) -> Any:
        import pyoxigraph as ox

        ok = isinstance(term, ox.Literal) and well_typed(term.value, _un_alias(term.datatype.value))
        return ox.Literal(ok)

    def pattern(self, term: Any, index: Any) -> Any:
        import pyoxigraph as ox

        regex = self.patterns[int(index.value)]
        return ox.Literal(regex.search(self._string(term)) is not None)

    def mapping(self) -> dict[Any, Any]:
        import pyoxigraph as ox

        return {
            ox.NamedNode(FN + "lexical"): self.lexical,
            ox.NamedNode(FN + "norm"): self.norm,
            ox.NamedNode(FN + "wellTyped"): self.well_typed,
            ox.NamedNode(FN + "pattern"): self.pattern,
        }


def _lex(v: str) -> str:
    """SPARQL: pyshacl's string of the value node ``v`` (rdflib's lexical form of a typed
    literal, asked of Python only for typed literals)."""
    return (
        f'IF(isLiteral({v}) && LANG({v}) = "" && DATATYPE({v}) != <{_XSD_STRING}>, '
        f"<{FN}lexical>({v}), STR({v}))"
    )


def _norm(v: str) -> str:
    """SPARQL: the value node ``v`` as rdflib holds it."""
    return (
        f'IF(isLiteral({v}) && LANG({v}) = "" && DATATYPE({v}) != <{_XSD_STRING}>, '
        f"<{FN}norm>({v}), {v})"
    )


def _unique_lang(a: str, b: str) -> str:
    return (
        f'isLiteral({a}) && LANG({a}) != "" && !sameTerm({a}, {b}) '
        f"&& LCASE(LANG({a})) = LCASE(LANG({b}))"
    )


# --------------------------------------------------------------------------- the compiler


class _Compiler:
    def __init__(self, graph: Graph):
        from rdflib import URIRef

        self.g = graph
        self.patterns: list[re.Pattern[str]] = []
        self.classes: list[str] = []  # the classes of sh:class and sh:targetClass, as SPARQL
        self.count = 0
        self.sh = {name: URIRef(SH + name) for name in _COMMON | _TARGETS | _VALUE_TESTS}
        self.sh.update({name: URIRef(SH + name) for name in _PROPERTY | {"property"}})

    # ------------------------------------------------------------------ reading the graph

    def name(self, node: Node, seen: frozenset[Any] = frozenset()) -> str:
        """How errors name a shape: its IRI as a prefixed name; a blank node by the shape that
        holds it and how (``ecosh:S → sh:or member 2``)."""
        from rdflib import RDF as RDF_NS
        from rdflib import URIRef

        if isinstance(node, URIRef):
            return self.g.namespace_manager.normalizeUri(node)
        seen = seen | {node}
        for name in ("property", "qualifiedValueShape"):
            for parent in sorted(self.g.subjects(self.sh[name], node), key=str):
                if parent not in seen:
                    return f"{self.name(parent, seen)} → sh:{name}"
        for cell in self.g.subjects(RDF_NS.first, node):
            head, position = cell, 1
            while True:  # walk back to the head of the list
                before = next(iter(self.g.subjects(RDF_NS.rest, head)), None)
                if before is None:
                    break
                head, position = before, position + 1
            for parent in sorted(self.g.subjects(self.sh["or"], head), key=str):
                if parent not in seen:
                    return f"{self.name(parent, seen)} → sh:or member {position}"
        return f"a blank node shape {node.n3()}"

    def subclasses(self, cls: str, var: str) -> str:
        """A placeholder for a group pattern binding ``var`` to ``cls`` and its subclasses
        (``rdfs:subClassOf*``), which :func:`run_program` resolves on the data: a class
        hierarchy is small, and a list of classes is much faster to test than the path."""
        if cls not in self.classes:
            self.classes.append(cls)
        return _SUBCLASSES.format(index=self.classes.index(cls), var=var)

    def var(self, stem: str) -> str:
        self.count += 1
        return f"?{stem}{self.count}"

    def objects(self, node: Node, name: str) -> list[Any]:
        return sorted(
            self.g.objects(node, self.sh[name]), key=lambda term: (type(term).__name__, term)
        )

    def one(self, node: Node, name: str, where: str) -> Any:
        values = self.objects(node, name)
        if len(values) > 1:
            raise ShapesError(where, f"sh:{name}", "it has more than one value")
        return values[0] if values else None

    def integer(self, node: Node, name: str, where: str) -> int | None:
        from rdflib import Literal

        value = self.one(node, name, where)
        if value is None:
            return None
        if (
            not isinstance(value, Literal)
            or isinstance(value.value, bool)
            or not isinstance(value.value, int)
            or value.value < 0
        ):
            raise ShapesError(where, f"sh:{name} {value.n3()}", "not a non-negative integer")
        return int(value.value)

    def items(self, node: Node, name: str, where: str) -> list[Any]:
        """The members of the RDF list that is the value of ``sh:{name}``."""
        head = self.one(node, name, where)
        return [] if head is None else self.list_members(head, where, name)

    def check(self, node: Node, allowed: set[str], where: str) -> None:
        """Refuse any sh: parameter outside ``allowed``."""
        for predicate in sorted(set(self.g.predicates(node, None)), key=str):
            text = str(predicate)
            if not text.startswith(SH):
                continue
            local = text[len(SH) :]
            if local not in allowed:
                raise ShapesError(where, f"sh:{local}")
            if local in _SINGLE and len(set(self.g.objects(node, predicate))) > 1:
                raise ShapesError(where, f"sh:{local}", "it has more than one value")

    def path(self, node: Node, where: str) -> str | None:
        from rdflib import URIRef

        path = self.one(node, "path", where)
        if path is None:
            return None
        if not isinstance(path, URIRef):
            raise ShapesError(where, "a property path that is not an IRI")
        return self.iri(path, where)

    def iri(self, node: Node, where: str) -> str:
        from rdflib import URIRef

        if not isinstance(node, URIRef):
            raise ShapesError(where, f"{node.n3()} where an IRI is needed")
        try:
            return node.n3()
        except Exception as exc:  # rdflib refuses to write what is no IRI
            raise ShapesError(where, f"the IRI {str(node)!r}", str(exc)) from None

    def literal(self, node: Any, where: str) -> str:
        """A literal of the shapes graph as SPARQL, its XSD datatype under the alias."""
        from rdflib import Literal, URIRef

        datatype = None if node.datatype is None else URIRef(_alias(str(node.datatype)))
        language = node.language.lower() if node.language else None  # rdflib ignores case
        return Literal(str(node), lang=language, datatype=datatype).n3()

    def flag(self, node: Node, name: str, where: str) -> bool:
        """A boolean parameter (``sh:deactivated``, ``sh:uniqueLang``); false when absent."""
        from rdflib import Literal

        value = self.one(node, name, where)
        if value is None:
            return False
        if not isinstance(value, Literal):
            raise ShapesError(where, f"sh:{name}", "its value must be a literal")
        return bool(value.value)

    def deactivated(self, node: Node, where: str) -> bool:
        return self.flag(node, "deactivated", where)

    def severity(self, node: Node, where: str) -> str:
        value = self.one(node, "severity", where)
        return SH + "Violation" if value is None else str(value)

    def message(self, node: Node, where: str) -> str:
        """The finding's text: pyshacl's messages keyed by language, Chinese first."""
        from rdflib import Literal

        messages: dict[Any, str] = {}
        for message in self.objects(node, "message"):
            if isinstance(message, Literal):
                if message.language in messages:
                    raise ShapesError(
                        where, "sh:message", f"two messages in one language ({message.language})"
                    )
                messages[message.language] = str(message)
        order = sorted(messages, key=lambda tag: (tag != "zh", str(tag)))
        return " / ".join(messages[tag] for tag in order)

    # ------------------------------------------------------------------ value tests

    def value_tests(self, node: Node, v: str, where: str) -> list[str]:
        """SPARQL expressions, each true when the value node ``v`` passes one value test."""
        from rdflib import Literal

        tests: list[str] = []
        for cls in self.objects(node, "class"):
            t = self.var("t")
            closure = self.subclasses(self.iri(cls, where), t)
            tests.append(f"EXISTS {{ {v} <{RDF}type> {t} . {closure} }}")
        datatype = self.one(node, "datatype", where)
        if datatype is not None:
            self.iri(datatype, where)
            tests.append(self.datatype_test(str(datatype), v))
        kind = self.one(node, "nodeKind", where)
        if kind is not None:
            local = str(kind)[len(SH) :] if str(kind).startswith(SH) else ""
            if local not in _NODE_KINDS:
                raise ShapesError(where, f"sh:nodeKind {kind.n3()}", "not a SHACL node kind")
            tests.append(_NODE_KINDS[local].format(v=v))
        if self.one(node, "in", where) is not None:
            tests.append(self.in_test(self.items(node, "in", where), v, where))
        patterns = self.objects(node, "pattern")
        if patterns:
            flags = self.one(node, "flags", where)
            re_flags = 0
            if flags is not None:
                letters = str(flags.value if isinstance(flags, Literal) else flags).lower()
                if set(letters) - {"i", "m"}:
                    raise ShapesError(where, f"sh:flags {flags.n3()}", "only i and m are")
                re_flags = (re.I if "i" in letters else 0) | (re.M if "m" in letters else 0)
            for pattern in patterns:
                if not isinstance(pattern, Literal):
                    raise ShapesError(where, "sh:pattern", "its value must be a literal")
                text = str(pattern.value) if pattern.value is not None else str(pattern)
                try:
                    self.patterns.append(re.compile(text, re_flags))
                except re.error as exc:
                    raise ShapesError(where, f"sh:pattern {pattern.n3()}", str(exc)) from None
                index = len(self.patterns) - 1
                tests.append(f"(!isBlank({v}) && <{FN}pattern>({v}, {index}))")
        elif self.objects(node, "flags"):
            raise ShapesError(where, "sh:flags without sh:pattern")
        low = self.integer(node, "minLength", where)
        if low:
            tests.append(f"(!isBlank({v}) && STRLEN({_lex(v)}) >= {low})")
        high = self.integer(node, "maxLength", where)
        if high is not None:
            tests.append(f"(!isBlank({v}) && STRLEN({_lex(v)}) <= {high})")
        if self.one(node, "languageIn", where) is not None:
            languages = []
            for tag in self.items(node, "languageIn", where):
                if not isinstance(tag, Literal) or not isinstance(tag.value, str):
                    raise ShapesError(where, "sh:languageIn", "its members must be strings")
                languages.append(str(tag.value).lower())
            if "*" in languages:
                tests.append(f'(isLiteral({v}) && LANG({v}) != "")')
            elif not languages:
                tests.append("false")
            else:
                listed = ", ".join(Literal(tag).n3() for tag in sorted(set(languages)))
                tests.append(
                    f'(isLiteral({v}) && LANG({v}) != "" && (LCASE(LANG({v})) IN ({listed}) || '
                    f'LCASE(STRBEFORE(CONCAT(LANG({v}), "-"), "-")) IN ({listed})))'
                )
        for alternatives in self.objects(node, "or"):
            members = self.list_members(alternatives, where, "or")
            if not members:
                raise ShapesError(where, "sh:or", "its list is empty")
            inner = [self.conforms(m, v, self.name(m)) for m in members]
            tests.append("(" + " || ".join(inner) + ")")
        return tests

    def list_members(self, head: Node, where: str, name: str) -> list[Any]:
        from rdflib import RDF as RDF_NS

        members: list[Any] = []
        seen = set()
        while head != RDF_NS.nil:
            if head in seen:
                raise ShapesError(where, f"sh:{name}", "its list is cyclic")
            seen.add(head)
            first = list(self.g.objects(head, RDF_NS.first))
            rest = list(self.g.objects(head, RDF_NS.rest))
            if len(first) != 1 or len(rest) != 1:
                raise ShapesError(where, f"sh:{name}", "its value is not a well-formed RDF list")
            members.append(first[0])
            head = rest[0]
        return members

    def datatype_test(self, datatype: str, v: str) -> str:
        """pyshacl's sh:datatype: the literal's datatype is the one asked for and, for the
        datatypes rdflib converts, rdflib reads the lexical form (decided in Python for the
        forms a regular expression cannot vouch for)."""
        from rdflib import Literal

        if datatype == _RDF_LANGSTRING:
            return f'(isLiteral({v}) && LANG({v}) != "")'
        if datatype == _XSD_STRING:
            return f"(isLiteral({v}) && DATATYPE({v}) = <{_XSD_STRING}>)"
        if datatype == RDFS + "Literal":
            return f"isLiteral({v})"
        if datatype == RDFS + "Datatype":
            return f'(isLiteral({v}) && LANG({v}) = "" && DATATYPE({v}) != <{_XSD_STRING}>)'
        stored = _alias(datatype)
        same = f"(isLiteral({v}) && sameTerm(DATATYPE({v}), <{stored}>)"
        recognized, _ = _rdflib_value("", datatype)
        if not recognized or _is_string_like(datatype):
            return same + ")"  # any lexical form is well-typed

        check = f"<{FN}wellTyped>({v})"
        safe = _SURELY_WELL_TYPED.get(datatype[len(XSD) :]) if datatype.startswith(XSD) else None
        if safe is not None:
            check = f"(REGEX(STR({v}), {Literal(safe).n3()}) || {check})"
        return f"{same} && {check})"

    def in_test(self, members: list[Any], v: str, where: str) -> str:
        from rdflib import BNode, Literal, URIRef

        options: list[str] = []
        for member in members:
            if isinstance(member, URIRef):
                options.append(f"sameTerm({v}, {self.iri(member, where)})")
            elif isinstance(member, BNode):
                raise ShapesError(where, "a blank node in sh:in")
            elif isinstance(member, Literal):
                if member.language is not None or member.datatype is None:
                    options.append(f"sameTerm({v}, {self.literal(member, where)})")
                elif str(member.datatype) == _XSD_STRING:
                    continue  # rdflib's "x"^^xsd:string equals no plain string of the data
                else:
                    options.append(f"sameTerm({_norm(v)}, {self.literal(member, where)})")
        return "(" + " || ".join(options) + ")" if options else "false"

    # ------------------------------------------------------------------ nested shapes

    def conforms(self, node: Node, v: str, where: str) -> str:
        """SPARQL: true when the node ``v`` conforms to the shape ``node`` (a member of sh:or, a
        qualified value shape)."""
        allowed = _COMMON | _TARGETS | _VALUE_TESTS | {"path", "minCount", "maxCount", "uniqueLang"}
        self.check(node, allowed, where)
        if self.deactivated(node, where) or self.severity(node, where) in (
            SH + "Warning",
            SH + "Info",
        ):
            return "true"  # with warnings allowed, pyshacl takes such a shape to conform
        path = self.path(node, where)
        if path is None:
            for name in ("minCount", "maxCount", "uniqueLang"):
                if self.objects(node, name):
                    raise ShapesError(where, f"sh:{name} on a node shape")
            tests = self.value_tests(node, v, where)
            return "(" + " && ".join(tests) + ")" if tests else "true"
        parts: list[str] = []
        low = self.integer(node, "minCount", where)
        if low is not None and low > 1:
            raise ShapesError(where, f"sh:minCount {low} inside sh:or or sh:qualifiedValueShape")
        if low == 1:
            parts.append(f"EXISTS {{ {v} {path} {self.var('w')} }}")
        high = self.integer(node, "maxCount", where)
        if high is not None and high > 1:
            raise ShapesError(where, f"sh:maxCount {high} inside sh:or or sh:qualifiedValueShape")
        if high == 0:
            parts.append(f"NOT EXISTS {{ {v} {path} {self.var('w')} }}")
        elif high == 1:
            a, b = self.var("w"), self.var("w")
            parts.append(
                f"NOT EXISTS {{ {v} {path} {a} . {v} {path} {b} . "
                f"FILTER(!sameTerm({_norm(a)}, {_norm(b)})) }}"
            )
        w = self.var("w")
        tests = self.value_tests(node, w, where)
        if tests:
            parts.append(f"NOT EXISTS {{ {v} {path} {w} . FILTER(!({' && '.join(tests)})) }}")
        if self.unique_lang(node, where):
            a, b = self.var("w"), self.var("w")
            parts.append(
                f"NOT EXISTS {{ {v} {path} {a} . {v} {path} {b} . FILTER({_unique_lang(a, b)}) }}"
            )
        return "(" + " && ".join(parts) + ")" if parts else "true"

    def unique_lang(self, node: Node, where: str) -> bool:
        return self.flag(node, "uniqueLang", where)

    # ------------------------------------------------------------------ reporting shapes

    def targets(self, node: Node, where: str) -> list[str]:
        """SPARQL group patterns binding ``?this`` to the shape's own focus nodes."""
        from rdflib import RDF as RDF_NS
        from rdflib import RDFS as RDFS_NS

        patterns = []
        classes = list(self.objects(node, "targetClass"))
        class_types = {RDFS_NS.Class, *self.g.subjects(RDFS_NS.subClassOf, RDFS_NS.Class)}
        if any(t in class_types for t in self.g.objects(node, RDF_NS.type)):
            classes.append(node)  # an implicit class target
        for cls in sorted(set(classes), key=str):
            c = self.var("c")
            patterns.append(f"?this <{RDF}type> {c} . {self.subclasses(self.iri(cls, where), c)}")
        for predicate in self.objects(node, "targetSubjectsOf"):
            patterns.append(f"?this {self.iri(predicate, where)} {self.var('o')} .")
        return patterns

    def violations(self, node: Node, where: str) -> list[str]:
        """Queries (with the focus subquery still to insert for ``%FOCUS%``) selecting the focus
        nodes that violate the reporting shape ``node``."""
        path = self.path(node, where)
        head = f"SELECT DISTINCT ?this WHERE {{ {_FOCUS} "
        queries: list[str] = []
        if path is None:
            for name in ("minCount", "maxCount", "uniqueLang", "qualifiedValueShape"):
                if self.objects(node, name):
                    raise ShapesError(where, f"sh:{name} on a node shape")
            tests = self.value_tests(node, "?this", where)
            if tests:
                queries.append(head + f"FILTER(!({' && '.join(tests)})) }}")
            return queries
        if self.objects(node, "property"):
            raise ShapesError(where, "sh:property on a property shape")
        low = self.integer(node, "minCount", where)
        if low == 1:
            queries.append(head + f"FILTER NOT EXISTS {{ ?this {path} ?v }} }}")
        elif low:
            queries.append(self.fewer(path, _no_condition, low))
        high = self.integer(node, "maxCount", where)
        if high is not None:
            queries.append(head + self.more(path, _no_condition, high) + " }")
        tests = self.value_tests(node, "?v", where)
        if tests:  # the failing values first (few, as a rule), then which are focus nodes
            queries.append(
                f"SELECT DISTINCT ?this WHERE {{ {{ SELECT DISTINCT ?this WHERE {{ ?this {path} "
                f"?v . FILTER(!({' && '.join(tests)})) }} }} {_FOCUS} }}"
            )
        if self.unique_lang(node, where):
            queries.append(
                head + f"?this {path} ?a . ?this {path} ?b . FILTER({_unique_lang('?a', '?b')}) }}"
            )
        queries += self.qualified(node, path, where)
        return queries

    def fewer(self, path: str, condition: Callable[[str], str], low: int) -> str:
        """A query: focus nodes with fewer than ``low`` distinct values (meeting
        ``condition``, a FILTER on the value's variable, or nothing)."""
        return (
            f"SELECT ?this WHERE {{ {_FOCUS} OPTIONAL {{ ?this {path} ?v . {condition('?v')} }} }} "
            f"GROUP BY ?this HAVING (COUNT(DISTINCT {_norm('?v')}) < {low})"
        )

    def more(self, path: str, condition: Callable[[str], str], high: int) -> str:
        """A group pattern: focus nodes with more than ``high`` distinct values. Counted as
        Oxigraph holds them first, then, for those nodes only, as rdflib holds them (which
        may merge values, never split them)."""
        return (
            f"{{ SELECT ?this WHERE {{ {{ SELECT ?this WHERE {{ ?this {path} ?u . "
            f"{condition('?u')} }} GROUP BY ?this HAVING (COUNT(DISTINCT ?u) > {high}) }} "
            f"?this {path} ?v . {condition('?v')} }} "
            f"GROUP BY ?this HAVING (COUNT(DISTINCT {_norm('?v')}) > {high}) }}"
        )

    def qualified(self, node: Node, path: str, where: str) -> list[str]:
        shape = self.one(node, "qualifiedValueShape", where)
        low = self.integer(node, "qualifiedMinCount", where)
        high = self.integer(node, "qualifiedMaxCount", where)
        if shape is None:
            if low is not None or high is not None:
                raise ShapesError(where, "sh:qualifiedMinCount or MaxCount without a shape")
            return []
        if low is None and high is None:
            raise ShapesError(where, "sh:qualifiedValueShape without a qualified count")
        disjoint = self.one(node, "qualifiedValueShapesDisjoint", where)
        if disjoint is not None and bool(getattr(disjoint, "value", True)):
            raise ShapesError(where, "sh:qualifiedValueShapesDisjoint true")
        inner = self.name(shape)
        self.conforms(shape, "?v", inner)  # checked once here, whatever the counts

        def condition(v: str) -> str:
            return f"FILTER({self.conforms(shape, v, inner)})"

        head = f"SELECT DISTINCT ?this WHERE {{ {_FOCUS} "
        queries = []
        if low == 1:
            queries.append(head + f"FILTER NOT EXISTS {{ ?this {path} ?v . {condition('?v')} }} }}")
        elif low:
            queries.append(self.fewer(path, condition, low))
        if high is not None:
            queries.append(head + self.more(path, condition, high) + " }")
        return queries


def _no_condition(v: str) -> str:
    return ""


def _is_string_like(datatype: str) -> bool:
    """A datatype rdflib maps to no converter (its lexical forms are its values)."""
    from rdflib import URIRef, term

    mapping = getattr(term, "_toPythonMapping", term.XSDToPython)
    return URIRef(datatype) in mapping and mapping[URIRef(datatype)] is None


def _shape_nodes(compiler: _Compiler) -> set[Any]:
    """Every node of the shapes graph that is a shape (declared, targeting, or referred to)."""
    from rdflib import RDF as RDF_NS
    from rdflib import URIRef

    g, sh = compiler.g, compiler.sh
    nodes: set[Any] = set()
    for kind in ("NodeShape", "PropertyShape"):
        nodes.update(g.subjects(RDF_NS.type, URIRef(SH + kind)))
    for name in ("targetClass", "targetSubjectsOf", "path", "property"):
        nodes.update(g.subjects(sh[name], None))
    for extra in ("targetNode", "targetObjectsOf", "target"):
        nodes.update(g.subjects(URIRef(SH + extra), None))
    nodes.update(g.objects(None, sh["property"]))
    nodes.update(g.objects(None, sh["qualifiedValueShape"]))
    for name in ("node", "not"):
        nodes.update(g.objects(None, URIRef(SH + name)))
    for name in ("or", "and", "xone"):
        for head in g.objects(None, URIRef(SH + name)):
            nodes.update(g.items(head))
    return nodes


def _shape_order(node: Any) -> tuple[bool, str]:
    from rdflib import URIRef

    return (not isinstance(node, URIRef), str(node))


def compile_shapes(graph: Graph) -> ShapesProgram:
    """Compile a SHACL shapes graph to SPARQL (see the module's docstring for the subset).

    Raises :class:`ShapesError` for a construct outside the subset, wherever it is.
    """
    from rdflib import URIRef

    compiler = _Compiler(graph)
    for kind in ("ConstraintComponent", "SPARQLConstraint", "SPARQLTarget", "SPARQLRule"):
        for node in graph.subjects(None, URIRef(SH + kind)):
            raise ShapesError(compiler.name(node), f"sh:{kind}")
    everything = _COMMON | _TARGETS | _VALUE_TESTS | _PROPERTY | {"property"}
    for node in sorted(_shape_nodes(compiler), key=_shape_order):
        compiler.check(node, everything, compiler.name(node))
    # the reporting shapes: those with targets, and the property shapes of those
    focus: dict[Any, list[str]] = {}
    order: list[Any] = []
    for node in sorted(_shape_nodes(compiler), key=_shape_order):
        where = compiler.name(node)
        own = compiler.targets(node, where)
        if not own or compiler.deactivated(node, where):
            continue
        if node not in focus:
            focus[node] = []
            order.append(node)
        focus[node] += own
        for child in compiler.objects(node, "property"):
            if compiler.path(child, compiler.name(child)) is None:
                raise ShapesError(compiler.name(child), "sh:property to a shape without sh:path")
            if child not in focus:
                focus[child] = []
                order.append(child)
            focus[child] += own
    shapes: list[CompiledShape] = []
    for node in order:
        where = compiler.name(node)
        if compiler.deactivated(node, where):
            continue
        queries = compiler.violations(node, where)
        if not queries:
            continue
        if not compiler.objects(node, "message"):
            raise ShapesError(
                where,
                "a constraint without sh:message",
                "findings carry the shape's own message, not pyshacl's generated ones",
            )
        targets = sorted(set(focus[node]))
        union = " UNION ".join(f"{{ {pattern} }}" for pattern in targets)
        subquery = f"{{ SELECT DISTINCT ?this WHERE {{ {union} }} }}"
        path = compiler.path(node, where)
        severity = compiler.severity(node, where)
        shapes.append(
            CompiledShape(
                name=where,
                path=path[1:-1] if path else None,
                message=compiler.message(node, where),
                severity=severity.rsplit("#", 1)[-1],
                queries=[q.replace(_FOCUS, subquery) for q in queries],
            )
        )
    return ShapesProgram(shapes, compiler.patterns, compiler.classes)


# --------------------------------------------------------------------------- running


_XSD_REF = b'"^^<' + XSD.encode()
_ALIAS_REF = b'"^^<' + XSD_ALIAS.encode()


def protect_literals(document: bytes) -> bytes:
    """N-Triples or N-Quads with the XSD datatypes of literals under :data:`XSD_ALIAS` (and
    ``"x"^^xsd:string`` written ``"x"``), so that Oxigraph stores lexical forms as they are
    instead of its canonical forms. A byte replacement, unless a string's text holds what looks
    like the end of a typed literal, when the document is parsed and written again."""
    if _ALIAS_REF in document:
        raise EcographError(f"the data uses the datatype namespace {XSD_ALIAS} SHACL reserves")
    if b"\\" + _XSD_REF in document:
        return _protect_slowly(document)
    if _XSD_REF not in document:
        return document
    protected = document.replace(_XSD_REF, _ALIAS_REF)
    if _ALIAS_REF + b"string>" in protected:
        protected = protected.replace(_ALIAS_REF + b"string>", b'"')
    return protected


def _protect_slowly(document: bytes) -> bytes:
    import pyoxigraph as ox

    def rename(term: Any) -> Any:
        if isinstance(term, ox.Literal) and term.language is None:
            datatype = term.datatype.value
            if datatype == _XSD_STRING:
                return ox.Literal(term.value)
            if datatype.startswith(XSD):
                return ox.Literal(term.value, datatype=ox.NamedNode(_alias(datatype)))
        return term

    quads = (
        ox.Quad(q.subject, q.predicate, rename(q.object), q.graph_name)
        for q in ox.parse(document, format=ox.RdfFormat.N_QUADS)
    )
    return ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b""


def load_store(nquads: bytes, ntriples: bytes = b"") -> Any:
    """A fresh in-memory ``pyoxigraph.Store`` holding ``nquads`` (a build) and ``ntriples``
    (the ontology, in the default graph), their literals protected (:func:`protect_literals`).
    Loaded leniently: the N-Quads are ecograph's own, already checked when they were written."""
    import pyoxigraph as ox

    store = ox.Store()
    document = protect_literals(nquads)
    store.load(input=document, format=ox.RdfFormat.N_QUADS, lenient=True)
    del document
    if ntriples:
        extra = protect_literals(ntriples)
        store.load(input=extra, format=ox.RdfFormat.N_TRIPLES, lenient=True)
    return store


def _resolve_classes(program: ShapesProgram, store: Any) -> dict[int, list[str]]:
    """Each class of the program with its subclasses in the data, as SPARQL terms (``None``
    where a subclass is a blank node, which a VALUES block cannot name)."""
    import pyoxigraph as ox

    closures: dict[int, list[str]] = {}
    for index, cls in enumerate(program.classes):
        found = [cls]
        query = f"SELECT DISTINCT ?c WHERE {{ ?c <{RDFS}subClassOf>* {cls} }}"
        for solution in store.query(query, use_default_graph_as_union=True):
            term = solution[0]
            if not isinstance(term, ox.NamedNode):
                found = []
                break
            if str(term) != cls:
                found.append(str(term))
        closures[index] = found
    return closures


def _with_classes(query: str, program: ShapesProgram, closures: dict[int, list[str]]) -> str:
    def closure(match: re.Match[str]) -> str:
        index, var = int(match.group(1)), match.group(2)
        members = closures[index]
        if not members:  # a blank node among the subclasses: the path itself
            return f" {var} <{RDFS}subClassOf>* {program.classes[index]} . "
        return f" VALUES {var} {{ {' '.join(sorted(members))} }} "

    return _SUBCLASSES_RE.sub(closure, query)


def run_program(program: ShapesProgram, store: Any) -> list[ShaclResult]:
    """Run a compiled shapes graph over the union of the store's graphs."""
    functions = _Functions(program.patterns).mapping()
    closures = _resolve_classes(program, store)
    results: set[ShaclResult] = set()
    for shape in program.shapes:
        for query in shape.queries:
            text = _with_classes(query, program, closures)
            for solution in store.query(
                text, use_default_graph_as_union=True, custom_functions=functions
            ):
                focus = solution[0]
                if focus is None:
                    continue
                results.add(
                    ShaclResult(
                        str(focus.value), shape.name, shape.path, shape.message, shape.severity
                    )
                )
    return sorted(results)


def _release_memory() -> None:
    """Give the memory of a dropped store back to the system. Freed memory otherwise stays with
    the C allocator (at 50,000 entities 0.7 GB), and whatever the caller does next (``validate``
    counts the statements) adds to it instead of reusing it. glibc only; elsewhere nothing."""
    import ctypes
    import ctypes.util
    import sys

    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        trim = libc.malloc_trim
    except (OSError, AttributeError):  # not glibc
        return
    trim(0)


def validate_file(nquads: Path, shapes: Graph, ontology: Graph | None = None) -> list[ShaclResult]:
    """:func:`validate_nquads` of a build too large for memory (the streaming build's
    ``statements.nq``): its literals protected a chunk at a time into a temporary file, which
    is bulk-loaded into a temporary Oxigraph store on disk, where the shapes' queries run."""
    import shutil
    import tempfile

    import pyoxigraph as ox

    program = compile_shapes(shapes)
    extra = ontology.serialize(format="nt", encoding="utf-8") if ontology is not None else b""
    work = Path(tempfile.mkdtemp(prefix="ecograph-shacl-"))
    try:
        protected = work / "protected.nq"
        with nquads.open("rb") as source, protected.open("wb") as out:
            while True:
                chunk = source.read(1 << 24)
                if not chunk:
                    break
                if not chunk.endswith(b"\n"):
                    chunk += source.readline()
                out.write(protect_literals(chunk))
        store = ox.Store(str(work / "store"))
        store.bulk_load(path=str(protected), format=ox.RdfFormat.N_QUADS, lenient=True)
        protected.unlink()
        if extra:
            store.bulk_load(input=protect_literals(extra), format=ox.RdfFormat.N_TRIPLES)
        store.flush()
        try:
            return run_program(program, store)
        finally:
            del store
            _release_memory()
    finally:
        shutil.rmtree(work, ignore_errors=True)


def validate_nquads(
    nquads: bytes, shapes: Graph, ontology: Graph | None = None
) -> list[ShaclResult]:
    """Validate a build (its N-Quads: the union of its graphs is the data graph, with the
    triples of ``ontology`` added) against ``shapes``; inference none."""
    program = compile_shapes(shapes)
    extra = ontology.serialize(format="nt", encoding="utf-8") if ontology is not None else b""
    store = load_store(nquads, extra)
    try:
        return run_program(program, store)
    finally:
        del store
        _release_memory()
