"""The ``ecograph`` command line: each command parses options, calls one public function of
:mod:`ecograph` and formats the result. Library errors become messages without tracebacks
(exit 1); misuse of options is a usage error (exit 2).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

import ecograph

DATA_HELP = "Dataset folder (default: the bundled Ordos data)."


class EcographGroup(click.Group):
    """Turns :class:`ecograph.EcographError` into a clean message and exit code 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ecograph.EcographError as exc:
            raise click.ClickException(str(exc)) from None


def data_option(func: Any) -> Any:
    return click.option(
        "--data",
        "data",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        envvar="ECOGRAPH_DATA",
        show_envvar=True,
        help=DATA_HELP,
    )(func)


def _table(rows: list[tuple[Any, ...]], headers: tuple[str, ...]) -> str:
    """A plain aligned text table; widths count CJK characters as two columns."""
    import unicodedata

    def width(text: str) -> int:
        return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)

    cells = [tuple(str(c) for c in headers)] + [tuple(str(c) for c in row) for row in rows]
    widths = [max(width(row[i]) for row in cells) for i in range(len(headers))]

    def fmt(row: tuple[str, ...]) -> str:
        parts = []
        for i, cell in enumerate(row):
            pad = widths[i] - width(cell)
            numeric = cell.replace(".", "", 1).isdigit()
            parts.append(" " * pad + cell if numeric and i else cell + " " * pad)
        return "  ".join(parts).rstrip()

    lines = [fmt(cells[0]), "  ".join("-" * w for w in widths)]
    lines += [fmt(row) for row in cells[1:]]
    return "\n".join(lines)


@click.group(cls=EcographGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(ecograph.__version__, prog_name="ecograph")
def main() -> None:
    """ecograph: a cited knowledge graph of a regional innovation ecosystem.

    Curated YAML (bundled: Ordos, 鄂尔多斯) becomes RDF under an OWL ontology; every
    statement keeps the section and verbatim quote of its source.

    \b
    Examples:
      ecograph stats
      ecograph validate
      ecograph build --out out/
      ecograph export --format turtle -o ordos.ttl
    """


@main.command()
@click.option("--out", "out", type=click.Path(file_okay=False, path_type=Path), required=True, help="Folder to write into (created if missing).")
@data_option
def build(out: Path, data: Path | None) -> None:
    """Write ecograph.trig (with provenance graphs), ecograph.ttl (flattened) and ecograph.jsonld.

    \b
    Example:
      ecograph build --out out/
    """
    result = ecograph.build(out, data)
    stats = result.stats
    click.echo(
        f"Built dataset {stats.dataset}: {stats.entities} entities, {stats.observations} observations, "
        f"{stats.relations} relations, {stats.citations} citations, {stats.triples} triples "
        f"in {stats.named_graphs} named graphs."
    )
    for fmt, path in result.files.items():
        size = Path(path).stat().st_size
        click.echo(f"  {fmt:<7} {path}  ({size:,} bytes)")


@main.command()
@data_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True, help="Output format.")
@click.option("--no-shacl", is_flag=True, help="Run only the loader checks, not the SHACL shapes.")
def validate(data: Path | None, fmt: str, no_shacl: bool) -> None:
    """Check a dataset: the loader's checks (syntax, kinds, properties, references, literals,
    labels, quotes against the source) and the SHACL shapes. Exit 0 when clean, 1 otherwise.

    \b
    Example:
      ecograph validate --data graph_data/ordos
    """
    report = ecograph.validate(data, shacl=not no_shacl)
    if fmt == "json":
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    elif report.conforms:
        checked = ", ".join(f"{v} {k}" for k, v in report.checked.items())
        click.echo(f"OK: dataset {report.dataset} is valid ({checked}).")
        for finding in report.findings:
            click.echo(f"  {finding}")
    else:
        click.echo(f"INVALID: {len(report.findings)} finding(s) in dataset {report.dataset}:")
        for finding in report.findings:
            click.echo(f"  {finding}")
    if not report.conforms:
        click.get_current_context().exit(1)


@main.command()
@data_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["trig", "nquads", "turtle", "ntriples", "jsonld"]),
    default="trig",
    show_default=True,
    help="trig, nquads and jsonld keep the provenance graphs; turtle and ntriples are flattened.",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None, help="File to write (default: standard output).")
def export(data: Path | None, fmt: str, output: Path | None) -> None:
    """Serialize the graph in an RDF format.

    \b
    Examples:
      ecograph export --format turtle -o ordos.ttl
      ecograph export --format nquads | head
    """
    text = ecograph.load(data).serialize(fmt)
    if output is None:
        click.echo(text, nl=False)
    else:
        from ecograph.output import write_atomic

        write_atomic(output, text)
        click.echo(f"Wrote {output} ({len(text.encode('utf-8')):,} bytes, {fmt}).", err=True)


@main.command()
@data_option
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True, help="Output format.")
def stats(data: Path | None, fmt: str) -> None:
    """Counts: triples, entities per class, observations, citations, relations by status.

    \b
    Example:
      ecograph stats --format json
    """
    result = ecograph.load(data).stats()
    if fmt == "json":
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return
    summary = [
        ("dataset", result.dataset),
        ("triples", result.triples),
        ("data triples", result.data_triples),
        ("ontology triples", result.ontology_triples),
        ("named graphs", result.named_graphs),
        ("entities", result.entities),
        ("observations", result.observations),
        ("citations", result.citations),
        ("relations", result.relations),
    ]
    click.echo(_table(summary, ("measure", "count")))
    click.echo()
    click.echo(_table(list(result.entities_by_class.items()), ("class", "entities")))
    click.echo()
    rows = [(k, v) for k, v in result.relations_by_status.items()]
    rows += [(f"basis: {k}", v) for k, v in result.relations_by_basis.items()]
    click.echo(_table(rows, ("relation status", "relations")))


if __name__ == "__main__":  # pragma: no cover
    main()
