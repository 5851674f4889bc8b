"""The ``ecograph`` command line: each command parses options, calls one public function of
:mod:`ecograph` and formats the result. Library errors become messages without tracebacks
(exit 1); misuse of options is a usage error (exit 2).
"""

from __future__ import annotations

import json
import sys
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


STORE_HELP = "Triple store: memory (rdflib), oxigraph (in memory; the default) or oxigraph:PATH (kept on disk)."


def _remember_store(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    ctx.meta["ecograph.store"] = value


def data_option(func: Any) -> Any:
    """``--data DIR`` and ``--store SPEC``, shared by every command that reads a dataset."""
    func = click.option(
        "--store",
        default=None,
        envvar="ECOGRAPH_STORE",
        show_envvar=True,
        expose_value=False,
        callback=_remember_store,
        help=STORE_HELP,
    )(func)
    return click.option(
        "--data",
        "data",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        envvar="ECOGRAPH_DATA",
        show_envvar=True,
        help=DATA_HELP,
    )(func)


class Progress:
    """A progress bar on standard error when it is a terminal; silent otherwise (pipes, CI).
    Used as a context manager, which closes the bar however the work ends."""

    def __init__(self) -> None:
        self.enabled = sys.stderr.isatty()
        self.bar: Any = None
        self.total = 0

    def __call__(self, step: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        if self.bar is None or total != self.total:
            self.close()
            self.total = max(total, 1)
            self.bar = click.progressbar(length=self.total, label=step, file=sys.stderr)
            self.bar.__enter__()
        self.bar.label = step
        self.bar.update(done - self.bar.pos)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


ENDPOINT_HELP = (
    "Query this SPARQL 1.1 endpoint instead of a local store (Oxigraph server: "
    "http://127.0.0.1:7878/query, started with --union-default-graph; Virtuoso: "
    "http://127.0.0.1:8890/sparql); names and metadata still come from the local dataset "
    "(--data). Credentials come from ECOGRAPH_ENDPOINT_USER / ECOGRAPH_ENDPOINT_PASSWORD "
    "(or ECOGRAPH_ENDPOINT_TOKEN) or ~/.netrc, never from the command line."
)
METHOD_HELP = (
    "How queries are sent to --endpoint: get, form (URL-encoded POST), direct "
    "(application/sparql-query POST, which Virtuoso never answers) or auto: form, falling back "
    "to get and direct when the server refuses the method."
)


def _remember(key: str) -> Any:
    def remember(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
        ctx.meta[key] = value

    return remember


def endpoint_option(func: Any) -> Any:
    """``--endpoint URL`` and ``--method``: run the command's queries on a remote SPARQL endpoint."""
    func = click.option(
        "--method",
        type=click.Choice(["auto", "get", "form", "direct"]),
        default="auto",
        show_default=True,
        envvar="ECOGRAPH_ENDPOINT_METHOD",
        show_envvar=True,
        expose_value=False,
        callback=_remember("ecograph.method"),
        help=METHOD_HELP,
    )(func)
    return click.option(
        "--endpoint",
        default=None,
        metavar="URL",
        envvar="ECOGRAPH_ENDPOINT",
        show_envvar=True,
        expose_value=False,
        callback=_remember("ecograph.endpoint"),
        help=ENDPOINT_HELP,
    )(func)


def _load(data: Path | None) -> Any:
    """ecograph.load with the --store of the current command, showing progress on a terminal;
    with --endpoint, the graph's queries go to that endpoint (the local dataset still gives the
    metadata, names and base IRI)."""
    ctx = click.get_current_context()
    endpoint = ctx.meta.get("ecograph.endpoint")
    remote = None
    if endpoint:
        from ecograph.remote import EndpointStore

        remote = EndpointStore(endpoint, method=ctx.meta.get("ecograph.method") or "auto")
    with Progress() as progress:
        return ecograph.load(
            data, ctx.meta.get("ecograph.store"), progress=progress, endpoint=remote
        )


def excel_option(func: Any) -> Any:
    """``--excel``: CSV for Excel (byte-order mark, CRLF). Formula-like cells are neutralised always."""
    return click.option(
        "--excel",
        is_flag=True,
        help="With csv: write for Excel, with a UTF-8 byte-order mark (without it Excel shows Chinese as mojibake) "
        "and CRLF line ends. Cells that would start a formula (= + - @) are always written as text.",
    )(func)


def _echo(
    message: Any = None, *, nl: bool = True, err: bool = False, machine: bool = False
) -> None:
    """click.echo, with the data in the text unable to command the terminal: control and bidi
    characters are shown as escapes. Machine formats (JSON, CSV, Turtle …) are passed through
    unchanged unless they are going to a terminal."""
    from ecograph.safetext import terminal_text

    if isinstance(message, str) and (not machine or (sys.stderr if err else sys.stdout).isatty()):
        message = terminal_text(message)
    click.echo(message, nl=nl, err=err)


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
@click.option(
    "--out",
    "out",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Folder to write into (created if missing).",
)
@data_option
def build(out: Path, data: Path | None) -> None:
    """Write ecograph.trig (with provenance graphs), ecograph.ttl (flattened) and ecograph.jsonld.

    \b
    Example:
      ecograph build --out out/
    """
    with Progress() as progress:
        result = ecograph.build(
            out, data, click.get_current_context().meta.get("ecograph.store"), progress
        )
    stats = result.stats
    _echo(
        f"Built dataset {stats.dataset}: {_count(stats.entities, 'entity', 'entities')}, "
        f"{_count(stats.observations, 'observation')}, {_count(stats.relations, 'relation')}, "
        f"{_count(stats.citations, 'citation')}, {_count(stats.triples, 'triple')} "
        f"in {_count(stats.named_graphs, 'named graph')}."
    )
    for fmt, path in result.files.items():
        size = Path(path).stat().st_size
        _echo(f"  {fmt:<7} {path}  ({size:,} bytes)")


@main.command()
@data_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Output format.",
)
@click.option("--no-shacl", is_flag=True, help="Run only the loader checks, not the SHACL shapes.")
@click.option(
    "--strict",
    is_flag=True,
    help="Treat warnings (isolated records, relations whose quote names neither end) as errors.",
)
def validate(data: Path | None, fmt: str, no_shacl: bool, strict: bool) -> None:
    """Check a dataset: the loader's checks (syntax, kinds, properties, references, literals,
    labels, quotes against the source, values as printed, labels in their quotes) and the SHACL
    shapes. Warnings (records with no relation, relations whose quote names neither end) are
    listed but pass unless --strict. Exit 0 when clean, 1 otherwise.

    \b
    Example:
      ecograph validate --data graph_data/ordos --strict
    """
    report = ecograph.validate(data, shacl=not no_shacl, strict=strict)
    if fmt == "json":
        _echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2), machine=True)
    elif report.conforms:
        checked = ", ".join(f"{v} {k}" for k, v in report.checked.items())
        warned = f"; {_count(len(report.findings), 'warning')}:" if report.findings else "."
        _echo(f"OK: dataset {report.dataset} is valid ({checked}){warned}")
        for finding in report.findings:
            _echo(f"  {finding}")
    else:
        _echo(f"INVALID: {len(report.findings)} finding(s) in dataset {report.dataset}:")
        for finding in report.findings:
            _echo(f"  {finding}")
    if not report.conforms:
        click.get_current_context().exit(1)


@main.command()
@data_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["trig", "nquads", "turtle", "ntriples", "jsonld", "graphml", "gexf", "csv"]),
    default="trig",
    show_default=True,
    help="RDF: trig, nquads and jsonld keep the provenance graphs; turtle and ntriples are flattened. "
    "Network (for Gephi, Cytoscape): graphml, gexf, or csv (nodes.csv and edges.csv in the -o folder).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    default=None,
    help="File to write (default: standard output); a folder for csv.",
)
@excel_option
def export(data: Path | None, fmt: str, output: Path | None, excel: bool) -> None:
    """Serialize the graph in an RDF format, or the entity network for Gephi and Cytoscape
    (with labels in both languages, kind, community and centrality on every node).

    \b
    Examples:
      ecograph export --format turtle -o ordos.ttl
      ecograph export --format nquads | head
      ecograph export --format graphml -o ordos.graphml
      ecograph export --format csv -o network/
    """
    from ecograph.output import write_atomic, write_many_atomic

    if output is not None and output.is_dir() and fmt != "csv":
        raise click.UsageError(f"{output} is a folder; -o takes a file for {fmt}")
    if fmt in ("graphml", "gexf", "csv"):
        files = _load(data).export_network(fmt, excel=excel)
        if fmt == "csv":
            if output is None:
                raise click.UsageError("csv writes nodes.csv and edges.csv: give a folder with -o")
            written = write_many_atomic({output / name: text for name, text in files.items()})
            _echo(f"Wrote {', '.join(str(p) for p in written)}.", err=True)
            return
        [text] = files.values()
    else:
        text = _load(data).serialize(fmt)
    if output is None:
        _echo(text, nl=False, machine=True)
    else:
        write_atomic(output, text)
        _echo(f"Wrote {output} ({len(text.encode('utf-8')):,} bytes, {fmt}).", err=True)


@main.command()
@data_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="Output format.",
)
def stats(data: Path | None, fmt: str) -> None:
    """Counts: triples, entities per class, observations, citations, relations by status.

    \b
    Example:
      ecograph stats --format json
    """
    result = _load(data).stats()
    if fmt == "json":
        _echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2), machine=True)
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
    _echo(_table(summary, ("measure", "count")))
    _echo()
    _echo(_table(list(result.entities_by_class.items()), ("class", "entities")))
    _echo()
    rows = [(k, v) for k, v in result.relations_by_status.items()]
    rows += [(f"basis: {k}", v) for k, v in result.relations_by_basis.items()]
    _echo(_table(rows, ("relation status", "relations")))


def _lang_option(func: Any) -> Any:
    return click.option(
        "--lang",
        type=click.Choice(["zh", "en"]),
        default="zh",
        show_default=True,
        help="Language of labels in human output (falls back to the other language).",
    )(func)


def _short(cell: dict[str, str], base: str) -> str:
    """A result cell for a text table: entity IRIs as data:slug, known namespaces as prefixes."""
    from ecograph.namespaces import SPARQL_PREFIX_IRIS

    value = cell["value"]
    if cell["type"] != "uri":
        return value.replace("\n", " ")
    if value.startswith(base + "id/"):
        return "data:" + value[len(base) + 3 :]
    for prefix, namespace in SPARQL_PREFIX_IRIS.items():
        if prefix != "dct" and value.startswith(namespace) and len(value) > len(namespace):
            return f"{prefix}:{value[len(namespace) :]}"
    return f"<{value}>"


@main.command()
@click.argument("sparql", required=False)
@click.option(
    "-f",
    "--file",
    "file",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Read the query from a .rq file.",
)
@click.option("-n", "--name", "name", help="Run a saved query of the gallery by name.")
@click.option(
    "--list", "list_", is_flag=True, help="List the gallery: name and title in Chinese and English."
)
@click.option(
    "--bind",
    "binds",
    multiple=True,
    metavar="VAR=VALUE",
    help="Bind a variable: <iri>, data:slug, or text (a plain literal). Repeatable.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "tsv", "json"]),
    default="table",
    show_default=True,
    help="Result format for SELECT/ASK (json = W3C SPARQL 1.1 Query Results JSON); CONSTRUCT/DESCRIBE give Turtle.",
)
@data_option
@endpoint_option
@excel_option
def query(
    sparql: str | None,
    file: Path | None,
    name: str | None,
    list_: bool,
    binds: tuple[str, ...],
    fmt: str,
    data: Path | None,
    excel: bool,
) -> None:
    """Run SPARQL 1.1 (SELECT, ASK, CONSTRUCT, DESCRIBE) over the union of all graphs.

    The ontology's and the standard prefixes (eco, skos, dct, prov, org, schema, qb, oa, …) are
    predeclared. SPARQL Update is refused.

    \b
    Examples:
      ecograph query "SELECT ?name WHERE { ?x a eco:Academician ; skos:prefLabel ?name } ORDER BY ?name"
      ecograph query --list
      ecograph query --name platforms-by-kind --format csv
      ecograph query --file my.rq --format json
    """
    from ecograph.query import gallery, parse_binding, saved_query

    if list_:
        rows = [(q.name, q.title.get("zh", ""), q.title.get("en", "")) for q in gallery()]
        _echo(_table(rows, ("name", "标题", "title")))
        return
    given = [x for x in (sparql, file, name) if x]
    if len(given) != 1:
        raise click.UsageError("give exactly one of: a query, --file FILE, --name NAME (or --list)")
    if file is not None:
        import stat

        try:
            info = file.stat()
        except OSError as exc:
            raise click.BadParameter(
                f"cannot read {file}: {exc.strerror}", param_hint="--file"
            ) from None
        if not stat.S_ISREG(info.st_mode) or info.st_size > 1024 * 1024:
            raise click.BadParameter(
                f"{file} is not a query file (a regular file of at most 1 MB)", param_hint="--file"
            )
        try:
            text = file.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise click.BadParameter(
                f"{file} is not UTF-8 text ({exc.reason} at byte {exc.start})", param_hint="--file"
            ) from None
    elif name is not None:
        text = saved_query(name).text
    else:
        text = sparql  # type: ignore[assignment]
    kg = _load(data)
    bindings = dict(parse_binding(b, kg.meta.base) for b in binds)
    result = kg.query(text, bindings)
    if result.kind in ("construct", "describe"):
        _echo(result.turtle, nl=False, machine=True)
        return
    if fmt == "json":
        _echo(json.dumps(result.to_sparql_json(), ensure_ascii=False, indent=2), machine=True)
    elif result.kind == "ask":
        _echo("true" if result.boolean else "false")
    elif fmt in ("csv", "tsv"):
        _echo(
            result.to_delimited("," if fmt == "csv" else "\t", spreadsheet=True, excel=excel),
            nl=False,
            machine=True,
        )
    else:
        base = kg.meta.base
        rows = [
            tuple(_short(r[v], base) if v in r else "" for v in result.variables)
            for r in result.rows
        ]
        _echo(_table(rows, tuple(result.variables)))
        _echo(f"({_count(len(rows), 'row')})")


def _count(number: int, singular: str, plural: str | None = None, *, grouped: bool = False) -> str:
    """``1 relation``, ``2 relations`` (``grouped``: with thousands separators)."""
    noun = singular if number == 1 else plural or singular + "s"
    return f"{number:,} {noun}" if grouped else f"{number} {noun}"


def _label(labels: dict[str, str], lang: str) -> str:
    from ecograph.lookup import pick_label

    return pick_label(labels, lang)


def _cite_lines(citations: list[Any], lang: str, indent: str) -> list[str]:
    return [
        f"{indent}“{c.quote}” — {_label(c.section_labels, lang) or c.section}" for c in citations
    ]


def _edge_text(edge: Any, lang: str) -> list[str]:
    predicate = _label(edge.predicate_labels, lang) or edge.predicate
    source = _label(edge.source_labels, lang) or edge.source
    target = _label(edge.target_labels, lang) or edge.target
    flags = edge.status + ("" if edge.basis == "explicit" else f", {edge.basis}")
    head = f"{source} —{predicate}→ {target}  [{flags}]"
    return [head, *_cite_lines(edge.citations, lang, "    ")]


def _match_line(match: Any, lang: str) -> str:
    other = "en" if lang == "zh" else "zh"
    second = match.labels.get(other, "")
    return f"{match.label(lang)}{'  ' + second if second else ''}  ({match.id}; {', '.join(match.kinds)})"


@main.command()
@click.argument("text")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Output format.",
)
@click.option(
    "--strict",
    is_flag=True,
    help="Exit 1 when the text is ambiguous instead of listing the candidates.",
)
@_lang_option
@data_option
@endpoint_option
def lookup(text: str, fmt: str, strict: bool, lang: str, data: Path | None) -> None:
    """Find an entity by Chinese name, alias, English name, pinyin (with or without tones and
    spaces), id or a near miss, and show its card: kinds, labels, attributes, observations,
    and every relation in and out with its status and the quote and section behind it.

    \b
    Examples:
      ecograph lookup 鄂尔多斯实验室
      ecograph lookup "eerduosi shiyanshi" --lang en
      ecograph lookup 实验室 --strict
    """
    result = _load(data).lookup(text)
    ctx = click.get_current_context()
    if fmt == "json":
        _echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2), machine=True)
    elif result.status == "ambiguous":
        _echo(f"{text!r} matches {len(result.candidates)} entities; choose one by its name or id:")
        for number, match in enumerate(result.candidates, 1):
            _echo(f"  {number}. {_match_line(match, lang)}")
    elif result.status == "not_found":
        _echo(f"No entity is named {text!r}.", err=True)
        if result.suggestions:
            _echo("Closest names:", err=True)
            for match in result.suggestions:
                _echo(f"  {_match_line(match, lang)}", err=True)
    else:
        _echo(_card_text(result.card, lang))
    if result.status == "not_found" or (strict and result.status == "ambiguous"):
        ctx.exit(1)


def _card_text(card: Any, lang: str) -> str:
    other = "en" if lang == "zh" else "zh"
    lines = [
        f"{card.label(lang)}  {card.labels.get(other, '')}".rstrip(),
        f"  id: {card.id}  <{card.iri}>",
    ]
    kinds = ", ".join(f"{_label(card.kind_labels.get(k, {}), lang)} ({k})" for k in card.kinds)
    lines.append(f"  kinds: {kinds}")
    aliases = [a for values in card.alt_labels.values() for a in values]
    if aliases:
        lines.append(f"  aliases: {'; '.join(aliases)}")
    if card.status:
        lines.append(f"  status: {card.status}")
    for name, values in card.attributes.items():
        lines.append(f"  {name}: {'; '.join(values)}")
    if card.definition:
        lines.append(f"  definition: {_label(card.definition, lang)}")
    if card.notes:
        lines.append(f"  note: {_label(card.notes, lang)}")
    lines += _cite_lines(card.citations, lang, "  source: ")
    if card.observations:
        lines.append(f"Observations ({len(card.observations)}):")
        for obs in card.observations:
            when = obs.year or _label(obs.period, lang) or "?"
            area = "" if obs.area == card.id else f" [{_label(obs.area_labels, lang)}]"
            lines.append(
                f"  {when}  {_label(obs.indicator_labels, lang)}{area}: {obs.amount(lang)}"
            )
            lines += _cite_lines(obs.citations, lang, "      ")
    for title, relations, arrow in (
        ("Relations out", card.outgoing, "→"),
        ("Relations in", card.incoming, "←"),
    ):
        if not relations:
            continue
        lines.append(f"{title} ({len(relations)}):")
        for rel in relations:
            flags = rel.status + ("" if rel.basis == "explicit" else f", {rel.basis}")
            predicate = _label(rel.predicate_labels, lang) or rel.predicate
            lines.append(
                f"  {arrow} {predicate} ({rel.predicate})  {_label(rel.other_labels, lang)} ({rel.other})  [{flags}]"
            )
            lines += _cite_lines(rel.citations, lang, "      ")
    return "\n".join(lines)


@main.command()
@click.argument("text")
@click.option(
    "--depth",
    type=click.IntRange(1, 6),
    default=1,
    show_default=True,
    help="How many relation steps away.",
)
@click.option(
    "--type",
    "kinds",
    multiple=True,
    metavar="KIND",
    help="Show only neighbours of this kind (e.g. Laboratory); repeatable.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Output format.",
)
@_lang_option
@data_option
@endpoint_option
def neighbors(
    text: str, depth: int, kinds: tuple[str, ...], fmt: str, lang: str, data: Path | None
) -> None:
    """Entities linked to the named one within --depth relation steps, in either direction, with
    the relation and its citation at each step. Sections, citations, observations and literals
    are not part of this network.

    \b
    Examples:
      ecograph neighbors 鄂尔多斯人才科创中心
      ecograph neighbors 鄂尔多斯实验室 --depth 2 --type Laboratory
    """
    result = _load(data).neighbors(text, depth, list(kinds) or None)
    if fmt == "json":
        _echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2), machine=True)
        return
    kinds_text = f" of kind {', '.join(result.kinds)}" if result.kinds else ""
    _echo(
        f"{result.center.label(lang)} ({result.center.id}): {len(result.neighbors)} neighbour(s){kinds_text} within {depth} step(s)"
    )
    for level in range(1, depth + 1):
        items = [n for n in result.neighbors if n.depth == level]
        if not items:
            continue
        _echo(f"Depth {level}:")
        for item in items:
            _echo(f"  {_label(item.labels, lang)} ({item.id}; {', '.join(item.kinds)})")
            for edge in item.edges:
                for line in _edge_text(edge, lang):
                    _echo(f"      {line}")


@main.command()
@click.argument("source")
@click.argument("target")
@click.option(
    "--max-length",
    type=click.IntRange(1, 10),
    default=6,
    show_default=True,
    help="Longest path to report, in relation steps.",
)
@click.option(
    "--all",
    "all_paths",
    is_flag=True,
    help="Every simple path up to --max-length, not only the shortest ones.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Output format.",
)
@_lang_option
@data_option
@endpoint_option
def path(
    source: str,
    target: str,
    max_length: int,
    all_paths: bool,
    fmt: str,
    lang: str,
    data: Path | None,
) -> None:
    """How two entities are connected: the shortest relation paths between them (or all paths
    with --all), each step with the relation's label, its direction, status and citation.

    \b
    Examples:
      ecograph path 北京人才科创分中心 鄂尔多斯实验室
      ecograph path 清华大学 鄂尔多斯实验室 --all --max-length 4 --lang en
    """
    result = _load(data).paths(source, target, max_length, all_paths)
    if fmt == "json":
        _echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2), machine=True)
        return
    head = f"{result.source.label(lang)} → {result.target.label(lang)}"
    if not result.paths:
        _echo(f"{head}: no path of at most {max_length} steps.", err=True)
        click.get_current_context().exit(1)
    kind = "path(s) up to" if all_paths else "shortest path(s) of"
    length = max_length if all_paths else result.paths[0].length
    _echo(
        f"{head}: {len(result.paths)} {kind} {length} step(s){' (first 50 shown)' if result.truncated else ''}"
    )
    for number, found in enumerate(result.paths, 1):
        _echo(f"Path {number} ({found.length} steps):")
        for step in found.steps:
            for edge in step.edges:
                for line in _edge_text(edge, lang):
                    _echo(f"  {line}")


EXCLUDE_HELP = (
    "Leave out entities of this kind (subclasses too); repeatable. Default: AdministrativeArea and "
    "Region, because the city itself links to almost everything and would dominate every measure. "
    "Use --exclude-type none to keep every kind."
)


def _exclude_option(func: Any) -> Any:
    return click.option(
        "--exclude-type", "exclude", multiple=True, metavar="KIND", help=EXCLUDE_HELP
    )(func)


def _exclusions(exclude: tuple[str, ...]) -> list[str] | None:
    if not exclude:
        return None  # the library's default
    return [] if [x.lower() for x in exclude] == ["none"] else list(exclude)


def _engine_option(func: Any) -> Any:
    return click.option(
        "--engine",
        type=click.Choice(["auto", "networkx", "igraph", "networkit"]),
        default="auto",
        show_default=True,
        help="Graph library: auto uses networkx up to 5,000 entities; above, igraph for measures and networkit for Louvain.",
    )(func)


def _write_rows(fmt: str, headers: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
    if fmt == "csv":
        from ecograph.safetext import csv_text

        excel = bool(click.get_current_context().params.get("excel"))
        _echo(csv_text(headers, rows, excel=excel), nl=False, machine=True)
    else:
        _echo(_table(rows, headers))


@main.command()
@click.option(
    "--measure",
    type=click.Choice(["degree", "betweenness", "closeness", "pagerank", "eigenvector", "all"]),
    default="pagerank",
    show_default=True,
    help="Centrality measure (all: every measure, ordered by PageRank).",
)
@click.option(
    "--type",
    "kinds",
    multiple=True,
    metavar="KIND",
    help="List only entities of this kind (measures are computed on the whole network); repeatable.",
)
@_exclude_option
@click.option(
    "--top",
    type=click.IntRange(1, None),
    default=20,
    show_default=True,
    help="How many entities to list.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "csv"]),
    default="table",
    show_default=True,
    help="Output format.",
)
@_engine_option
@_lang_option
@data_option
@endpoint_option
@excel_option
def rank(
    measure: str,
    kinds: tuple[str, ...],
    exclude: tuple[str, ...],
    top: int,
    fmt: str,
    engine: str,
    lang: str,
    data: Path | None,
    excel: bool,
) -> None:
    """Rank entities by centrality in the relation network; ties are broken by id.

    \b
    Examples:
      ecograph rank
      ecograph rank --measure betweenness --top 10
      ecograph rank --measure all --type Laboratory --format csv
    """
    result = _load(data).rank(measure, list(kinds) or None, _exclusions(exclude), top, engine)
    if fmt == "json":
        _echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2), machine=True)
        return
    headers = ("rank", "id", "label", "kinds", *result.measures)
    rows = [
        (
            r.rank,
            r.id,
            r.label(lang),
            ";".join(r.kinds),
            *(f"{r.scores[m]:.6f}" for m in result.measures),
        )
        for r in result.rows
    ]
    if fmt == "table":
        excluded = ", ".join(result.excluded) or "nothing"
        _echo(
            f"{_count(result.nodes, 'entity', 'entities')}, {_count(result.edges, 'link')} "
            f"(excluded: {excluded}); ordered by {result.measure}"
        )
    _write_rows(fmt, headers, rows)


@main.command()
@_exclude_option
@click.option(
    "--seed", type=int, default=42, show_default=True, help="Random seed of the Louvain method."
)
@click.option(
    "--resolution",
    type=float,
    default=1.0,
    show_default=True,
    help="Louvain resolution (above 1: smaller communities).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "csv"]),
    default="table",
    show_default=True,
    help="Output format.",
)
@_engine_option
@_lang_option
@data_option
@excel_option
@endpoint_option
def communities(
    exclude: tuple[str, ...],
    seed: int,
    resolution: float,
    fmt: str,
    engine: str,
    lang: str,
    data: Path | None,
    excel: bool,
) -> None:
    """Groups of closely linked entities (Louvain, fixed seed), each named by its most central
    member, with the modularity of the partition.

    \b
    Examples:
      ecograph communities
      ecograph communities --format csv > communities.csv
    """
    result = _load(data).communities(_exclusions(exclude), seed, resolution, engine)
    if fmt == "json":
        _echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2), machine=True)
        return
    if fmt == "csv":
        rows = [
            (
                c.number,
                c.name,
                m["id"],
                _label(m["labels"], lang),
                ";".join(m["kinds"]),
                m["degree"],
            )
            for c in result.communities
            for m in c.members
        ]
        _write_rows("csv", ("community", "named_by", "id", "label", "kinds", "degree"), rows)
        return
    _echo(
        f"{len(result.communities)} communities, modularity {result.modularity:.4f} ({result.algorithm}, seed {result.seed}); {len(result.isolates)} entities without links"
    )
    for c in result.communities:
        members = ", ".join(_label(m["labels"], lang) for m in c.members)
        _echo(f"{c.number:>3}. {_label(c.name_labels, lang)} ({c.size}): {members}")


@main.command()
@_exclude_option
@click.option(
    "--top",
    type=click.IntRange(1, None),
    default=15,
    show_default=True,
    help="How many entities per list.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "csv"]),
    default="table",
    show_default=True,
    help="Output format.",
)
@_lang_option
@data_option
@excel_option
@endpoint_option
def brokers(
    exclude: tuple[str, ...], top: int, fmt: str, lang: str, data: Path | None, excel: bool
) -> None:
    """Who bridges the network: articulation points, bridges, and Burt's structural holes
    (effective size: high means a broker; constraint: low means a broker).

    \b
    Examples:
      ecograph brokers
      ecograph brokers --format json
    """
    result = _load(data).brokers(_exclusions(exclude), top)
    if fmt == "json":
        _echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2), machine=True)
        return
    rows = [
        (
            h["id"],
            _label(h["labels"], lang),
            h["degree"],
            f"{h['effective_size']:.3f}",
            f"{h['constraint']:.3f}",
        )
        for h in result.structural_holes
    ]
    if fmt == "csv":
        _write_rows("csv", ("id", "label", "degree", "effective_size", "constraint"), rows)
        return
    points = ", ".join(_label(p["labels"], lang) for p in result.articulation_points)
    shown = (
        ""
        if len(result.articulation_points) == result.articulation_total
        else f", {len(result.articulation_points)} with most links shown"
    )
    _echo(f"Articulation points ({result.articulation_total}{shown}): {points}")
    _echo(f"Bridges: {len(result.bridges)}")
    for bridge in result.bridges[:top]:
        _echo(
            f"  {_label(bridge['source']['labels'], lang)} — {_label(bridge['target']['labels'], lang)}"
        )
    _echo("Structural holes (Burt):")
    _echo(_table(rows, ("id", "label", "degree", "effective size", "constraint")))


@main.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "csv"]),
    default="table",
    show_default=True,
    help="Output format.",
)
@_lang_option
@data_option
@excel_option
@endpoint_option
def gaps(fmt: str, lang: str, data: Path | None, excel: bool) -> None:
    """Which fields have no lab, pilot platform, project, programme, policy, talent centre or
    achievement behind them: a matrix of direct links (any relation, any status) and the list
    of fields with none of each kind.

    \b
    Examples:
      ecograph gaps
      ecograph gaps --format csv > gaps.csv
    """
    result = _load(data).gaps()
    if fmt == "json":
        _echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2), machine=True)
        return
    from ecograph.analysis import SUPPORT_KINDS

    names = {k: (result.kind_labels[k] if lang == "zh" else SUPPORT_KINDS[k]) for k in result.kinds}
    rows = [
        (r.field, _label(r.labels, lang), *(r.counts[k] for k in result.kinds)) for r in result.rows
    ]
    if fmt == "csv":
        _write_rows("csv", ("field", "label", *result.kinds), rows)
        return
    _echo(_table(rows, ("field", "label", *(names[k] for k in result.kinds))))
    labels = {r.field: _label(r.labels, lang) for r in result.rows}
    _echo()
    _echo(f"No support of any kind: {', '.join(labels[f] for f in result.unsupported) or '-'}")
    for kind in result.kinds:
        _echo(f"No {names[kind]}: {', '.join(labels[f] for f in result.missing[kind]) or '-'}")


@main.command()
@click.option(
    "--entities",
    type=click.IntRange(20, None),
    default=1000,
    show_default=True,
    help="About how many entities to invent.",
)
@click.option(
    "--seed",
    type=int,
    default=1,
    show_default=True,
    help="Random seed: the same seed gives the same bytes.",
)
@click.option(
    "-o",
    "--out",
    "out",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Folder to write into.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["yaml", "nquads", "ntriples"]),
    default="yaml",
    show_default=True,
    help="yaml: a dataset folder the loader reads; nquads/ntriples: RDF written directly (fast at national scale).",
)
def synth(entities: int, seed: int, out: Path, fmt: str) -> None:
    """Write a synthetic, national-scale dataset in the same ontology (skewed degrees, every kind,
    bilingual labels, observations, citations) for benchmarks and tests. All names are invented.

    \b
    Examples:
      ecograph synth --entities 5000 --seed 1 -o synth/
      ecograph stats --data synth/
      ecograph synth --entities 100000 --format nquads -o big/
    """
    from ecograph.synth import synthesize

    with Progress() as progress:
        result = synthesize(out, entities, seed, fmt, progress)
    _echo(
        f"Wrote {result.entities:,} entities, {result.relations:,} relations and {result.observations:,} observations "
        f"({result.format}) to {result.folder}:"
    )
    for file in result.files:
        _echo(f"  {file}  ({Path(file).stat().st_size:,} bytes)")


@main.command()
@click.option(
    "-o",
    "--output",
    "output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="HTML file to write: one self-contained page that opens offline.",
)
@click.option(
    "--focus",
    metavar="TEXT",
    default=None,
    help="Show only this entity's neighbourhood (any name, alias, pinyin or id).",
)
@click.option(
    "--depth",
    type=click.IntRange(1, 6),
    default=1,
    show_default=True,
    help="With --focus: how many relation steps away.",
)
@click.option(
    "--type",
    "kinds",
    multiple=True,
    metavar="KIND",
    help="Show only entities of this kind (e.g. Laboratory; subclasses included); repeatable.",
)
@click.option(
    "--size-by",
    type=click.Choice(["pagerank", "degree", "betweenness"]),
    default="pagerank",
    show_default=True,
    help="Centrality that sets the node size.",
)
@_lang_option
@click.option("--open", "open_", is_flag=True, help="Open the file in the default web browser.")
@data_option
@endpoint_option
def view(
    output: Path,
    focus: str | None,
    depth: int,
    kinds: tuple[str, ...],
    size_by: str,
    lang: str,
    open_: bool,
    data: Path | None,
) -> None:
    """Write the interactive network viewer: one self-contained HTML file (no network access
    needed) with search, a kind filter, neighbourhood highlighting, and for every entity its
    relations in and out with the quote behind each.

    \b
    Examples:
      ecograph view -o ordos.html
      ecograph view -o lab.html --focus 鄂尔多斯实验室 --depth 2
      ecograph view -o platforms.html --type Laboratory --type PilotPlatform --lang en
    """
    result = _load(data).view(
        output,
        focus=focus,
        depth=depth,
        kinds=list(kinds) or None,
        size_by=size_by,
        lang=lang,
    )
    layout = "laid out in the browser" if result.physics else "layout precomputed, physics off"
    _echo(
        f"Wrote {result.path} ({result.bytes:,} bytes): {_count(result.nodes, 'entity', 'entities')}, "
        f"{_count(result.edges, 'relation')} "
        f"({layout}; {result.seconds:.2f} s)."
    )
    _echo(_table(list(result.counts_by_kind.items()), ("kind", "entities")))
    _echo("Top 5 by PageRank:")
    for i, (node, label, score) in enumerate(result.top, 1):
        _echo(f"  {i}. {label} ({node})  {score:.6f}")
    _echo(f"Open it in a browser: {Path(result.path).resolve().as_uri()}")
    if open_:
        import webbrowser

        webbrowser.open(Path(result.path).resolve().as_uri())


@main.command()
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Interface to listen on (loopback by default; anything else exposes the endpoint to the network and needs --allow-host).",
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="Port (0: any free port).",
)
@click.option(
    "--timeout",
    type=click.FloatRange(0, None, min_open=True),
    default=10.0,
    show_default=True,
    help="Seconds a query may run (its worker process is then killed) or wait for a worker; the answer is 503.",
)
@click.option(
    "--max-rows",
    type=click.IntRange(1, None),
    default=10000,
    show_default=True,
    help="Largest result (rows, or triples) before the answer is 413.",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=2,
    show_default=True,
    help="Query worker processes (each holds its own copy of an in-memory store).",
)
@click.option(
    "--max-memory",
    "memory_mb",
    type=click.IntRange(0, None),
    default=1024,
    show_default=True,
    help="MB a query may use in its worker beyond the store (0: no cap); over it the answer is 503.",
)
@click.option(
    "--per-client",
    type=click.IntRange(1, None),
    default=16,
    show_default=True,
    help="Queries one client address may have waiting or running; beyond, 429.",
)
@click.option(
    "--max-connections",
    type=click.IntRange(1, None),
    default=100,
    show_default=True,
    help="Open connections and requests in progress; beyond, 503.",
)
@click.option(
    "--allow-host",
    "allow_hosts",
    multiple=True,
    metavar="NAME",
    help="A Host header value to answer besides localhost/127.0.0.1/::1 (needed with --host 0.0.0.0); repeatable.",
)
@click.option(
    "--cors",
    "cors",
    multiple=True,
    metavar="ORIGIN",
    is_flag=False,
    flag_value="*",
    help="Let web pages of ORIGIN (https://example.org) read answers; --cors alone allows any origin. Repeatable.",
)
@data_option
def serve(
    host: str,
    port: int,
    timeout: float,
    max_rows: int,
    workers: int,
    memory_mb: int,
    per_client: int,
    max_connections: int,
    allow_hosts: tuple[str, ...],
    cors: tuple[str, ...],
    data: Path | None,
) -> None:
    """Serve the graph as a read-only SPARQL 1.1 endpoint (/sparql, with Graph Store reads
    ?graph=IRI and ?default), a query page (/) and the network viewer (/view). Update, SERVICE
    and FROM on graphs outside the dataset are refused; queries run in worker processes with a
    memory cap and a deadline that stops them. Ctrl-C stops the server.

    \b
    Examples:
      ecograph serve
      ecograph serve --port 3030 --timeout 30 --cors https://example.org
      curl -H 'Accept: text/csv' --data-urlencode 'query=SELECT * WHERE { ?s ?p ?o } LIMIT 3' http://127.0.0.1:8000/sparql
    """
    import logging

    from ecograph.endpoint import make_endpoint

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    endpoint = make_endpoint(
        _load(data),
        host=host,
        port=port,
        timeout=timeout,
        max_rows=max_rows,
        workers=workers,
        memory_mb=memory_mb,
        per_client=per_client,
        max_connections=max_connections,
        allow_hosts=allow_hosts,
        cors=cors,
    )
    base = endpoint.base
    _echo(f"SPARQL endpoint: {base}/sparql  (query page: {base}/)", err=True)
    endpoint.serve_forever()


@main.command()
@click.option(
    "--endpoint",
    "url",
    required=True,
    metavar="URL",
    help="The server's graph store: Oxigraph http://HOST:7878/store (or its /query URL); Virtuoso http://HOST:8890/sparql-graph-crud-auth (with credentials).",
)
@click.option(
    "--merge",
    is_flag=True,
    help="Add the build to what the server holds (statements the build no longer has stay) instead of replacing this dataset's graphs.",
)
@click.option(
    "--graph",
    "graph",
    default=None,
    metavar="IRI",
    help="Put every triple into this one named graph, as a copy for other tools; ecograph's own commands need the graph of each statement and refuse such an endpoint.",
)
@data_option
def push(url: str, merge: bool, graph: str | None, data: Path | None) -> None:
    """Load the built graph into a SPARQL server through the Graph Store Protocol.

    By default the server's copy of this dataset is replaced: each graph is PUT, graphs an
    earlier push wrote that the build no longer has are deleted, and the default graph (the
    provenance) is written, into a named graph on a server that has no default graph
    (Virtuoso). Afterwards every command with --endpoint gives the local answer.
    Credentials come from ECOGRAPH_ENDPOINT_USER / ECOGRAPH_ENDPOINT_PASSWORD or ~/.netrc.

    \b
    Examples:
      oxigraph serve --location store --bind 127.0.0.1:7878 --union-default-graph &
      ecograph push --endpoint http://127.0.0.1:7878/store
      ecograph query -n entities-per-kind --endpoint http://127.0.0.1:7878/query
    """
    from ecograph.remote import push as push_build

    result = push_build(_load(data), url, graph, merge=merge)
    stale = f", {_count(result.deleted, 'stale graph')} deleted" if result.deleted else ""
    _echo(
        f"Pushed {_count(result.quads, 'quad', grouped=True)} in {_count(result.graphs, 'graph', grouped=True)} to "
        f"{result.url} ({result.mode}{stale}; {_count(result.requests, 'request')}, {result.seconds:.2f} s)."
    )
    if graph is not None:
        _echo(
            "Note: in one graph the statements lose the graphs their status and quotes hang on; ecograph's commands refuse this copy.",
            err=True,
        )


if __name__ == "__main__":  # pragma: no cover
    main()
