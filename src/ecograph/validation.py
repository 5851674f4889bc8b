"""Validation: the loader's checks, then SHACL shapes over the built graph."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from .errors import DataError

__all__ = ["SHACL_ENGINES", "Finding", "ValidationReport", "validate"]


@dataclass(frozen=True, order=True)
class Finding:
    """One validation result: a loader problem or a SHACL result."""

    source: str  # "loader" or "shacl"
    location: str  # file:line for loader problems, the focus node IRI for SHACL
    record_id: str
    message: str
    severity: str = "Violation"

    def __str__(self) -> str:
        who = f" [{self.record_id}]" if self.record_id else ""
        return f"{self.severity}: {self.location}:{who} {self.message}"


@dataclass
class ValidationReport:
    dataset: str
    conforms: bool
    findings: list[Finding] = field(default_factory=list)
    checked: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def to_text(self, lang: str = "zh") -> str:
        """``OK: …`` with what was checked, or ``INVALID: …``; then one line per finding."""
        from .text import count

        if self.conforms:
            checked = ", ".join(f"{v} {k}" for k, v in self.checked.items())
            warned = f"; {count(len(self.findings), 'warning')}:" if self.findings else "."
            head = f"OK: dataset {self.dataset} is valid ({checked}){warned}"
        else:
            head = f"INVALID: {len(self.findings)} finding(s) in dataset {self.dataset}:"
        return "\n".join([head, *(f"  {finding}" for finding in self.findings)])


#: the SHACL engines: ``oxigraph`` compiles the shapes to SPARQL queries run on Oxigraph (see
#: :mod:`ecograph.shacl`; the default, as it runs in a fraction of the time and memory);
#: ``pyshacl`` is the reference implementation the tests compare it with
SHACL_ENGINES = ("oxigraph", "pyshacl")


def _namespaces(base: str) -> Any:
    """The prefixes a finding's path is written with: those of the data graph pyshacl
    validates (ecograph's and ``data:``, then each prefix of the ontology the data graph lacks,
    bound as pyshacl binds it when it adds the ontology's axioms)."""
    from rdflib import Graph

    from .ontology import bind_prefixes, ontology_graph

    names = bind_prefixes(Graph(), base).namespace_manager
    known = {prefix for prefix, _ in names.namespaces()}
    for prefix, namespace in ontology_graph().namespace_manager.namespaces():
        if prefix not in known:
            names.bind(prefix, namespace)
    return names


def _ontology_axioms() -> Any:
    """The triples of the ontology pyshacl adds to the data graph (``ont_graph`` with its default
    "inoculation": the RDFS and OWL axioms, not every triple), from pyshacl itself."""
    from pyshacl.rdfutil.inoculate import inoculate
    from rdflib import Graph

    from .ontology import ontology_graph

    data: Any = Graph()
    return inoculate(data, ontology_graph())


def _finding(focus: str, path: Any, message: str, severity: str, base: str, names: Any) -> Finding:
    from rdflib import URIRef

    if path is not None:
        message = f"{names.normalizeUri(URIRef(path))}: {message}"
    prefix = base + "id/"
    record_id = focus[len(prefix) :] if focus.startswith(prefix) else ""
    return Finding("shacl", focus, record_id, message, severity)


def _pyshacl_findings(ntriples: str, base: str) -> list[Finding]:
    """pyshacl over the data as N-Triples (every graph flattened)."""
    import pyshacl
    from rdflib import Graph, Literal
    from rdflib.namespace import SH

    from .ontology import bind_prefixes, ontology_graph
    from .resources import shapes_file

    shapes = Graph().parse(shapes_file(), format="turtle")
    ontology = ontology_graph()
    # every graph flattened, the ontology's included (what pyshacl would mix in), parsed from
    # N-Triples and validated in place: at 5,000 entities 17.6 s where copying the rdflib
    # Dataset's triples into a graph and letting pyshacl copy it again took 25.6 s
    data = bind_prefixes(Graph(), base)
    data.parse(data=ntriples, format="nt")
    conforms, results, _ = pyshacl.validate(
        data,
        shacl_graph=shapes,
        ont_graph=ontology,
        inference="none",
        allow_warnings=True,
        advanced=True,
        inplace=True,
    )
    if conforms:
        return []
    findings = []
    for result in results.subjects(SH.resultSeverity, None):
        focus = results.value(result, SH.focusNode)
        path = results.value(result, SH.resultPath)
        severity = str(results.value(result, SH.resultSeverity)).rsplit("#", 1)[-1]
        messages = {
            m.language: str(m)
            for m in results.objects(result, SH.resultMessage)
            if isinstance(m, Literal)
        }
        message = " / ".join(
            messages[lang] for lang in sorted(messages, key=lambda tag: (tag != "zh", str(tag)))
        )
        findings.append(_finding(str(focus), path, message, severity, base, data.namespace_manager))
    return sorted(set(findings))


def _oxigraph_findings(nquads: bytes | Path, base: str) -> list[Finding]:
    """The shapes compiled to SPARQL and run on Oxigraph (:mod:`ecograph.shacl`); ``nquads``
    the build's N-Quads, or the file of a streaming build's."""
    from rdflib import Graph

    from .resources import shapes_file
    from .shacl import validate_file, validate_nquads

    shapes = Graph().parse(shapes_file(), format="turtle")
    if isinstance(nquads, Path):
        results = validate_file(nquads, shapes, _ontology_axioms())
    else:
        results = validate_nquads(nquads, shapes, _ontology_axioms())
    names = _namespaces(base)
    return sorted({_finding(r.focus, r.path, r.message, r.severity, base, names) for r in results})


def _check_engine(engine: str) -> None:
    if engine not in SHACL_ENGINES:
        from .errors import UsageError

        raise UsageError(
            f"unknown SHACL engine {engine!r}; choose one of {', '.join(SHACL_ENGINES)}",
            param="shacl_engine",
        )


def _shacl_findings_from_nquads(
    nquads: bytes, base: str, engine: str = "oxigraph"
) -> list[Finding]:
    """The SHACL findings of the build ``nquads`` (entities under ``base``) by ``engine``: the
    same data for both engines, for comparing them."""
    _check_engine(engine)
    if engine == "pyshacl":
        from .rdfwrite import Statements, to_ntriples

        return _pyshacl_findings(to_ntriples(Statements.parse(nquads)), base)
    return _oxigraph_findings(nquads, base)


def _shacl_findings(kg: Any, engine: str = "oxigraph") -> list[Finding]:
    _check_engine(engine)
    if engine == "pyshacl":
        return _pyshacl_findings(kg.serialize("ntriples"), kg.meta.base)
    if kg.spool is not None:  # a streaming build: validated on disk
        return _oxigraph_findings(kg.spool.quads_file, kg.meta.base)
    return _oxigraph_findings(kg.nquads(), kg.meta.base)


def _dataset_id(path: str | Path | None) -> str:
    """The id in a dataset folder's dataset.yaml, else the folder's name (for a dataset that
    failed to load, whose metadata may be broken too)."""
    from .loader import metadata_file
    from .resources import default_dataset_dir
    from .yamlio import read_yaml

    folder = Path(path) if path is not None else default_dataset_dir()
    try:
        meta = read_yaml(metadata_file(folder))
    except (DataError, OSError):
        return folder.name
    dataset_id = meta.get("id") if isinstance(meta, dict) else None
    return dataset_id if isinstance(dataset_id, str) and dataset_id.strip() else folder.name


def validate(
    path: str | Path | None = None,
    *,
    shacl: bool = True,
    strict: bool = False,
    shacl_engine: str = "oxigraph",
    store: str | None = None,
) -> ValidationReport:
    """Check a dataset folder (default: the bundled data) with the loader and with SHACL.

    ``shacl_engine`` is ``oxigraph`` (the shapes compiled to SPARQL queries on Oxigraph, see
    :mod:`ecograph.shacl`) or ``pyshacl`` (the reference implementation, far slower on large
    data); both give the same findings. ``store`` as for :func:`ecograph.load`: with
    ``oxigraph:PATH`` the build streams through files and SHACL runs on a store on disk, so a
    national-scale dataset validates in bounded memory.

    Never raises for bad data: problems come back as findings. The loader's warnings (records
    with no relation, relations whose quotes name neither end) and SHACL warnings do not make a
    dataset invalid unless ``strict``, which reports them as errors.
    """
    from .kg import load

    _check_engine(shacl_engine)
    try:
        kg = load(path, store)
    except DataError as exc:
        findings = [
            Finding(
                "loader",
                f"{p.file}:{p.line}" if p.line else p.file,
                p.record_id,
                p.message,
                "Error",
            )
            for p in exc.problems
        ]
        return ValidationReport(dataset=_dataset_id(path), conforms=False, findings=findings)
    findings = [
        Finding(
            "loader", f"{p.file}:{p.line}" if p.line else p.file, p.record_id, p.message, "Warning"
        )
        for p in kg.data.warnings
    ]
    findings += _shacl_findings(kg, shacl_engine) if shacl else []
    if strict:
        findings = [
            replace(f, severity="Error") if f.severity == "Warning" else f for f in findings
        ]
    findings.sort(
        key=lambda f: (
            f.severity != "Error",
            f.severity != "Violation",
            f.source,
            f.location,
            f.record_id,
            f.message,
        )
    )
    violations = [f for f in findings if f.severity in ("Violation", "Error")]
    stats = kg.stats()
    return ValidationReport(
        dataset=kg.meta.id,
        conforms=not violations,
        findings=findings,
        checked={
            "records": stats.records,
            "triples": stats.data_triples,
            "citations": stats.citations,
        },
    )
