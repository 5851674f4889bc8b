"""The ``ecograph`` command line: each command parses options, calls one public function of
:mod:`ecograph` and prints the result through :func:`emit` (the library formats it:
``result.to_text(lang)``, ``to_dict()``, ``to_csv()``). Only names in ``ecograph.__all__`` are
used. Library errors become messages without tracebacks (exit 1); misuse, whether click or the
library (:class:`ecograph.UsageError`) finds it, is a usage error naming the option (exit 2).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

import ecograph

DATA_HELP = "Dataset folder (default: the bundled Ordos data)."


#: library argument name -> the name of the command's option for it, where they differ
PARAM_OPTIONS = {"format": "fmt", "bindings": "binds", "text": "sparql"}
#: (command, library argument) -> what to add when the name it held names nothing
NOT_FOUND_HINTS = {("query", "name"): "`ecograph query --list` shows them all"}


def _option_for(command: click.Command, name: str | None) -> click.Parameter | None:
    """The option (or argument) of ``command`` that gives the library argument ``name``."""
    if name is None:
        return None
    wanted = {name, PARAM_OPTIONS.get(name, name)}
    return next((p for p in command.params if p.name in wanted), None)


def _hint(param: click.Parameter) -> str:
    """How click names a parameter in its messages: ``'--depth'``, ``'TEXT'``."""
    if isinstance(param, click.Option):
        names = [o for o in param.opts if o.startswith("--")] or param.opts
        return " / ".join(f"'{n}'" for n in names)
    return f"'{param.human_readable_name}'"


class EcographCommand(click.Command):
    """Turns :class:`ecograph.UsageError` into click's usage error (exit 2), naming the option
    its ``param`` stands for, and every other :class:`ecograph.EcographError` into a clean
    message (exit 1)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ecograph.UsageError as exc:
            param = _option_for(self, exc.param)
            if param is not None:
                raise click.BadParameter(str(exc), ctx=ctx, param_hint=_hint(param)) from None
            raise click.UsageError(str(exc), ctx=ctx) from None
        except ecograph.NotFoundError as exc:
            hint = NOT_FOUND_HINTS.get((self.name or "", exc.param or ""))
            raise click.ClickException(f"{exc}; {hint}" if hint else str(exc)) from None
        except ecograph.EcographError as exc:
            raise click.ClickException(str(exc)) from None


class EcographGroup(click.Group):
    command_class = EcographCommand


STORE_HELP = (
    "Triple store: memory (rdflib), oxigraph (in memory; the default) or oxigraph:PATH "
    "(kept on disk)."
)


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
    """``--endpoint URL`` and ``--method``: run the command's queries on a remote SPARQL
    endpoint."""
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
        remote = ecograph.EndpointStore(endpoint, method=ctx.meta.get("ecograph.method") or "auto")
    with Progress() as progress:
        return ecograph.load(
            data, ctx.meta.get("ecograph.store"), progress=progress, endpoint=remote
        )


def excel_option(func: Any) -> Any:
    """``--excel``: CSV for Excel (byte-order mark, CRLF). Formula-like cells are neutralised
    always."""
    return click.option(
        "--excel",
        is_flag=True,
        help="With csv: write for Excel, with a UTF-8 byte-order mark (without it Excel shows "
        "Chinese as mojibake) "
        "and CRLF line ends. Cells that would start a formula (= + - @) are always written as "
        "text.",
    )(func)


def _echo(
    message: Any = None, *, nl: bool = True, err: bool = False, machine: bool = False
) -> None:
    """click.echo, with the data in the text unable to command the terminal: control and bidi
    characters are shown as escapes. Machine formats (JSON, CSV, Turtle …) are passed through
    unchanged unless they are going to a terminal."""
    if isinstance(message, str) and (not machine or (sys.stderr if err else sys.stdout).isatty()):
        message = ecograph.terminal_text(message)
    click.echo(message, nl=nl, err=err)


def emit(
    result: Any, fmt: str = "text", *, lang: str = "zh", excel: bool = False, err: bool = False
) -> None:
    """Print a library result in ``fmt``: ``json`` (``result.to_dict()``), ``csv``
    (``result.to_csv(lang, excel=…)``), ``tsv`` (``result.to_tsv()``), else its text
    (``result.to_text(lang)``, on standard error with ``err``). A result that is a document
    (``result.document``: Turtle, an export) is written as it is, whatever ``fmt``; its
    ``notes``, if any, go to standard error."""
    document = getattr(result, "document", None)
    if document is not None:
        _echo(document, nl=False, machine=True)
    elif fmt == "json":
        _echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2), machine=True)
    elif fmt == "csv":
        _echo(result.to_csv(lang, excel=excel), nl=False, machine=True)
    elif fmt == "tsv":
        _echo(result.to_tsv(), nl=False, machine=True)
    elif fmt == "yaml":
        _echo(result.to_yaml(), nl=False, machine=True)
    else:
        _echo(result.to_text(lang), err=err)
    for note in getattr(result, "notes", ()):
        _echo(note, err=True)


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
    emit(result)


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
@click.option(
    "--shacl-engine",
    "shacl_engine",
    type=click.Choice(["oxigraph", "pyshacl"]),
    default="oxigraph",
    show_default=True,
    help="What runs the SHACL shapes. oxigraph: the shapes compiled to SPARQL queries on an "
    "Oxigraph store, in memory (on disk with --store oxigraph:PATH). pyshacl: the pyshacl "
    "library, the reference implementation (slow on large data). Both give the same findings.",
)
def validate(data: Path | None, fmt: str, no_shacl: bool, strict: bool, shacl_engine: str) -> None:
    """Check a dataset: the loader's checks (syntax, kinds, properties, references, literals,
    labels, quotes against the source, values as printed, labels in their quotes) and the SHACL
    shapes. Warnings (records with no relation, relations whose quote names neither end) are
    listed but pass unless --strict. Exit 0 when clean, 1 otherwise.

    \b
    Example:
      ecograph validate --data graph_data/ordos --strict
    """
    report = ecograph.validate(
        data,
        shacl=not no_shacl,
        strict=strict,
        shacl_engine=shacl_engine,
        store=click.get_current_context().meta.get("ecograph.store"),
    )
    emit(report, fmt)
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
    help="RDF: trig, nquads and jsonld keep the provenance graphs; turtle and ntriples are "
    "flattened. "
    "Network (for Gephi, Cytoscape): graphml, gexf, or csv (nodes.csv and edges.csv in the -o "
    "folder).",
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
    emit(_load(data).export(fmt, output, excel=excel), err=True)


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
    emit(_load(data).stats(), fmt)


def _lang_option(func: Any) -> Any:
    return click.option(
        "--lang",
        type=click.Choice(["zh", "en"]),
        default="zh",
        show_default=True,
        help="Language of labels in human output (falls back to the other language).",
    )(func)


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
    help="Result format for SELECT/ASK (json = W3C SPARQL 1.1 Query Results JSON); "
    "CONSTRUCT/DESCRIBE give Turtle.",
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
      ecograph query --name planned-platforms-and-bases --format csv
      ecograph query --file my.rq --format json
    """  # noqa: E501 (the example is one command line)
    if list_:
        emit(ecograph.saved_queries())
        return
    if len([x for x in (sparql, file, name) if x]) != 1:
        raise click.UsageError("give exactly one of: a query, --file FILE, --name NAME (or --list)")
    result = _load(data).run_query(sparql, file=file, name=name, bindings=binds)
    emit(result, fmt, excel=excel)


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
    spaces), id or a near miss, and show its card: kinds, labels, attributes, observations
    (conflicting figures of two documents marked, with the document of each quote), and every
    relation in and out with its status and the quote and section behind it. An observation's
    id shows that figure with the other observations of its fact.

    \b
    Examples:
      ecograph lookup 鄂尔多斯实验室
      ecograph lookup "eerduosi shiyanshi" --lang en
      ecograph lookup 实验室 --strict     # exits 1, listing the 7 matches to choose from
      ecograph lookup national-high-tech-enterprise-count-ordos-2024
    """
    result = _load(data).lookup(text)
    emit(result, fmt, lang=lang, err=result.status == "not_found")
    if result.status == "not_found" or (strict and result.status == "ambiguous"):
        click.get_current_context().exit(1)


EXCLUDE_HELP = (
    "Leave out entities of this kind (subclasses too); repeatable. Default: AdministrativeArea and "
    "Region, because the city itself links to almost everything and would dominate every measure. "
    "Use --exclude-type none to keep every kind."
)
WALK_EXCLUDE_HELP = (
    "Do not list or pass through entities of this kind (subclasses too); repeatable. Default, as "
    "for rank: AdministrativeArea and Region, because the city itself links to almost everything "
    "and would be on nearly every answer. Use --exclude-type none to keep every kind."
)


def _exclude_option(func: Any = None, *, help: str = EXCLUDE_HELP) -> Any:
    def decorate(f: Any) -> Any:
        return click.option("--exclude-type", "exclude", multiple=True, metavar="KIND", help=help)(
            f
        )

    return decorate(func) if func is not None else decorate


def _exclusions(exclude: tuple[str, ...]) -> list[str] | None:
    if not exclude:
        return None  # the library's default
    return [] if [x.lower() for x in exclude] == ["none"] else list(exclude)


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
@_exclude_option(help=WALK_EXCLUDE_HELP)
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
    text: str,
    depth: int,
    kinds: tuple[str, ...],
    exclude: tuple[str, ...],
    fmt: str,
    lang: str,
    data: Path | None,
) -> None:
    """Entities linked to the named one within --depth relation steps, in either direction, with
    the relation and its citation at each step. Sections, citations, observations and literals
    are not part of this network; areas and regions are left out unless --exclude-type says
    otherwise.

    \b
    Examples:
      ecograph neighbors 鄂尔多斯人才科创中心
      ecograph neighbors 鄂尔多斯实验室 --depth 2 --type Laboratory
      ecograph neighbors 鄂尔多斯市 --exclude-type none
    """
    result = _load(data).neighbors(text, depth, list(kinds) or None, _exclusions(exclude))
    emit(result, fmt, lang=lang)


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
@_exclude_option(help=WALK_EXCLUDE_HELP)
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
    exclude: tuple[str, ...],
    fmt: str,
    lang: str,
    data: Path | None,
) -> None:
    """How two entities are connected: the shortest relation paths between them (or all paths
    with --all), one line per step, the relations that make the step under it, each with its
    label, direction, status and citation. No path passes through an area or region unless
    --exclude-type says otherwise.

    \b
    Examples:
      ecograph path 北京大学 鄂尔多斯实验室
      ecograph path 北京大学 鄂尔多斯实验室 --all --max-length 4 --lang en
      ecograph path 清华大学 鄂尔多斯实验室 --exclude-type none
    """
    result = _load(data).paths(source, target, max_length, all_paths, _exclusions(exclude))
    emit(result, fmt, lang=lang, err=not result.paths)
    if fmt != "json" and not result.paths:
        if result.exclude:
            click.echo("--exclude-type none lets paths pass through every kind.", err=True)
        click.get_current_context().exit(1)


def _engine_option(func: Any) -> Any:
    return click.option(
        "--engine",
        type=click.Choice(["auto", "networkx", "igraph", "networkit"]),
        default="auto",
        show_default=True,
        help="Graph library: auto uses networkx up to 5,000 entities; above, igraph for measures "
        "and networkit for Louvain.",
    )(func)


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
    help="List only entities of this kind (measures are computed on the whole network); "
    "repeatable.",
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
    emit(result, fmt, lang=lang, excel=excel)


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
    emit(result, fmt, lang=lang, excel=excel)


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
    emit(_load(data).brokers(_exclusions(exclude), top), fmt, lang=lang, excel=excel)


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
    emit(_load(data).gaps(), fmt, lang=lang, excel=excel)


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
    help="yaml: a dataset folder every command reads (--data); nquads/ntriples: RDF written "
    "directly, for external triple stores and benchmarks only (e.g. `oxigraph load`): no ecograph "
    "command reads it as a dataset.",
)
@click.option(
    "--tables",
    is_flag=True,
    help="Add a registry as a table (yaml only): tables/高新技术企业名单.csv with --table-rows "
    "invented enterprises, its YARRRML mapping and its dataset.yaml entry.",
)
@click.option(
    "--table-rows",
    type=click.IntRange(1, None),
    default=500_000,
    show_default=True,
    help="How many enterprises the registry lists (with --tables).",
)
def synth(entities: int, seed: int, out: Path, fmt: str, tables: bool, table_rows: int) -> None:
    """Write a synthetic, national-scale dataset in the same ontology (skewed degrees, every kind,
    bilingual labels, observations, citations) for benchmarks and tests. All names are invented.

    \b
    Examples:
      ecograph synth --entities 5000 --seed 1 -o synth/
      ecograph stats --data synth/
      ecograph synth --entities 20000 --format nquads -o big/
      ecograph synth --entities 5000 --tables --table-rows 20000 -o registry/
    """
    with Progress() as progress:
        result = ecograph.synthesize(
            out, entities, seed, fmt, progress, table_rows=table_rows if tables else 0
        )
    emit(result)


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
@click.option(
    "--hide-areas/--show-areas",
    "hide_hubs",
    default=True,
    show_default=True,
    help="Open the page with administrative areas and regions hidden (the kinds rank leaves "
    "out; the page's 'hide areas and regions' box). Never with --type.",
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
    hide_hubs: bool,
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
      ecograph view -o ordos-all.html --show-areas
    """
    result = _load(data).view(
        output,
        focus=focus,
        depth=depth,
        kinds=list(kinds) or None,
        size_by=size_by,
        lang=lang,
        hide_hubs=hide_hubs,
    )
    emit(result, lang=lang)
    if open_:
        import webbrowser

        webbrowser.open(Path(result.path).resolve().as_uri())


@main.command()
@click.option(
    "-o",
    "--output",
    "output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("brief.html"),
    show_default=True,
    help="HTML file to write: one self-contained page, no script, that prints to PDF.",
)
@_lang_option
@data_option
@endpoint_option
def report(output: Path, lang: str, data: Path | None) -> None:
    """Write a brief of the dataset as a think tank would: key figures, indicator series as
    charts, central and broker entities, communities, field-support gaps as a heat map and
    planned versus done, every statement footnoted with its verbatim quote and section. One
    offline HTML file (charts inline as SVG); the same data gives the same bytes.

    \b
    Examples:
      ecograph report
      ecograph report -o ordos-brief-en.html --lang en
    """
    emit(ecograph.write_report(_load(data), output, lang), lang=lang)


@main.command()
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Interface to listen on (loopback by default; anything else exposes the endpoint to the "
    "network and needs --allow-host).",
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
    help="Seconds a query may run (its worker process is then killed) or wait for a worker; the "
    "answer is 503.",
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
    help="MB a query may use in its worker beyond the store (0: no cap); over it the answer is "
    "503.",
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
    help="A Host header value to answer besides localhost/127.0.0.1/::1 (needed with --host "
    "0.0.0.0); repeatable.",
)
@click.option(
    "--cors",
    "cors",
    multiple=True,
    metavar="ORIGIN",
    is_flag=False,
    flag_value="*",
    help="Let web pages of ORIGIN (https://example.org) read answers; --cors alone allows any "
    "origin. Repeatable.",
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

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    endpoint = ecograph.make_endpoint(
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
    emit(endpoint, err=True)
    endpoint.serve_forever()


@main.command()
@click.option(
    "--endpoint",
    "url",
    required=True,
    metavar="URL",
    help="The server's graph store: Oxigraph http://HOST:7878/store (or its /query URL); Virtuoso "
    "http://HOST:8890/sparql-graph-crud-auth (with credentials).",
)
@click.option(
    "--merge",
    is_flag=True,
    help="Add the build to what the server holds (statements the build no longer has stay) instead "
    "of replacing this dataset's graphs.",
)
@click.option(
    "--graph",
    "graph",
    default=None,
    metavar="IRI",
    help="Put every triple into this one named graph, as a copy for other tools; ecograph's own "
    "commands need the graph of each statement and refuse such an endpoint.",
)
@click.option(
    "--chunk",
    type=click.IntRange(min=0),
    default=None,
    metavar="N",
    help="Send N statements a request, in whole graphs, resuming where an earlier push broke "
    "off (Oxigraph or Virtuoso). Default: chunks of 20,000 for a build of more than 200,000 "
    "statements, else graph by graph; 0: always graph by graph.",
)
@data_option
def push(url: str, merge: bool, graph: str | None, chunk: int | None, data: Path | None) -> None:
    """Load the built graph into a SPARQL server through the Graph Store Protocol.

    By default the server's copy of this dataset is replaced: each graph is PUT, graphs an
    earlier push wrote that the build no longer has are deleted, and the default graph (the
    provenance) is written, into a named graph on a server that has no default graph
    (Virtuoso). Afterwards every command with --endpoint gives the local answer.
    A large build goes in chunks (--chunk), with a progress bar on a terminal; run the same
    push again after an interruption and it continues from the chunk it stopped at.
    Credentials come from ECOGRAPH_ENDPOINT_USER / ECOGRAPH_ENDPOINT_PASSWORD or ~/.netrc.
    The server is yours to run: `pip install oxigraph` gives the `oxigraph` server program
    used below (Virtuoso works too).

    \b
    Examples:
      oxigraph serve --location store --bind 127.0.0.1:7878 --union-default-graph &
      ecograph push --endpoint http://127.0.0.1:7878/store
      ecograph query -n entities-per-kind --endpoint http://127.0.0.1:7878/query
    """
    kg = _load(data)
    with Progress() as progress:
        result = ecograph.push(kg, url, graph, merge=merge, chunk=chunk, progress=progress)
    emit(result)


@main.command()
@click.argument("indicator")
@click.option("--area", default=None, metavar="ID", help="Only the points of this area.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
    help="Output format.",
)
@excel_option
@_lang_option
@data_option
@endpoint_option
def series(
    indicator: str, area: str | None, fmt: str, excel: bool, lang: str, data: Path | None
) -> None:
    """An indicator across years and documents, each point with the document, section and
    quote behind it. Two sources that give one fact (area, year and unit, as validate compares
    them) different values are both shown, marked as a conflict.

    \b
    Examples:
      ecograph series national-high-tech-enterprise-count
      ecograph series 国家高新技术企业数量 --format csv --excel
    """
    emit(_load(data).series(indicator, area), fmt, lang=lang, excel=excel)


def _dataset_folder_option(help_text: str) -> Any:
    return click.option(
        "--data",
        "data",
        type=click.Path(file_okay=False, exists=True, path_type=Path),
        required=True,
        help=help_text,
    )


def _dataset_folder(func: Any) -> Any:
    """``--data DIR`` for the inbox: a dataset folder of the user's (the bundled one is not
    written to)."""
    return _dataset_folder_option("The dataset folder whose inbox to use.")(func)


@main.command("init")
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("--id", "dataset_id", required=True, help="The dataset's id (a slug: my-city).")
@click.option(
    "--base",
    required=True,
    help="The namespace of its entity IRIs, ending in / (https://w3id.org/ecograph/my-city/).",
)
@click.option("--title-zh", "title_zh", required=True, help="The dataset's Chinese title.")
@click.option("--title-en", "title_en", required=True, help="The dataset's English title.")
def init_command(folder: Path, dataset_id: str, base: str, title_zh: str, title_en: str) -> None:
    """Make a new dataset folder FOLDER that validates as it is: dataset.yaml with every key
    explained, an empty documents.yaml, sources/ for the texts of ingested documents and
    lexicons/ for the city's own extraction words.

    \b
    Examples:
      ecograph init my-city --id my-city --base https://w3id.org/ecograph/my-city/ \\
        --title-zh 示例市创新生态 --title-en "Shili innovation ecosystem"
      ecograph validate --data my-city
      ecograph ingest notice.docx --data my-city
    """
    emit(
        ecograph.init_dataset(
            folder, dataset_id=dataset_id, base=base, title_zh=title_zh, title_en=title_en
        )
    )


@main.command("ingest")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@_dataset_folder_option("The dataset folder to propose candidates for (its inbox is written).")
@click.option(
    "--id", "doc_id", default=None, help="The document's id (default: from the file name)."
)
@click.option(
    "--subject",
    default=None,
    help="The entity that sentences without a subject speak of: an id, or a zh label "
    "(default: subject of dataset.yaml).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "yaml", "json"]),
    default="text",
    show_default=True,
)
def ingest_command(
    file: Path, data: Path, doc_id: str | None, subject: str | None, fmt: str
) -> None:
    """Read the document FILE (.txt .md .docx .pdf .html), store its text under DIR/sources/
    and propose candidate records into DIR/inbox/DOC_ID/: the document and its sections,
    entities (linked to the dataset's own or new), figures and relations, each with the rule
    that found it and its verbatim quote. The curated files are not touched.

    \b
    Examples:
      ecograph ingest notice.docx --data my-city/ --id shili-notice-2025
      ecograph ingest reply.txt --data my-city/ --id reply-2025-7 --subject 示例市 --format json
    """
    emit(ecograph.ingest_document(file, data, doc_id=doc_id, subject=subject), fmt)


@main.group(cls=EcographGroup)
def engine() -> None:
    """The RML engine (morph-kgc) that maps a dataset's tables to RDF. It runs in its own
    environment, since morph-kgc pins versions of pyoxigraph and rdflib that ecograph cannot
    share; `install` makes that environment (it needs the package index).

    \b
    Examples:
      ecograph engine status
      ecograph engine install
      ecograph validate --data my-registry/    # then builds run the tables' mappings
    """


@engine.command("status")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def engine_status(fmt: str) -> None:
    """Which engine a build of a dataset with tables would run, and from where:
    $ECOGRAPH_RML_PYTHON, this environment, or ecograph's own copy."""
    emit(ecograph.engine_status(), fmt)


@engine.command("install")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def engine_install(fmt: str) -> None:
    """Install morph-kgc (pinned) into ecograph's own environment under
    $ECOGRAPH_ENGINE_DIR (default ~/.local/share/ecograph/engines); kept if it works already."""
    with Progress() as progress:
        result = ecograph.install_engine(progress)
    emit(result, fmt)


@main.group(cls=EcographGroup)
def inbox() -> None:
    """Candidate records waiting for a curator: what `ecograph ingest` proposed, one folder per
    document under DIR/inbox/ (never read as curated data).

    \b
    Examples:
      ecograph inbox list --data my-city/
      ecograph inbox show shili-notice --data my-city/
      ecograph inbox reject shili-notice rel-3fa2c1d0e9 --data my-city/ --reason "not stated"
    """


@inbox.command("list")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@_dataset_folder
def inbox_list(fmt: str, data: Path) -> None:
    """The documents waiting in the inbox, with their candidates counted by kind."""
    emit(ecograph.list_inbox(data), fmt)


@inbox.command("show")
@click.argument("doc_id")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option(
    "--html",
    "html_out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    metavar="OUT.html",
    help="Write an offline page instead: the source text with every quote highlighted by "
    "kind, the candidates beside it.",
)
@_lang_option
@_dataset_folder
def inbox_show(doc_id: str, fmt: str, html_out: Path | None, lang: str, data: Path) -> None:
    """Every candidate of DOC_ID: its id (cid), kind, what it proposes, why (rule, confidence)
    and the verbatim quote and section behind it. With --html, a page that opens from disk:
    the document's text with each candidate's quote highlighted in the colour of its kind, the
    candidates beside it (click one to see its quote, click a quote to see its candidates) and
    the command lines that accept or reject each.

    \b
    Examples:
      ecograph inbox show reply-2025-7 --data my-city/
      ecograph inbox show reply-2025-7 --data my-city/ --html reply-2025-7.html
    """
    if html_out is not None:
        emit(ecograph.write_inbox_page(data, doc_id, html_out), fmt, lang=lang)
    else:
        emit(ecograph.read_inbox(data, doc_id), fmt, lang=lang)


@inbox.command("accept")
@click.argument("doc_id")
@click.argument("cids", nargs=-1, required=True)
@click.option(
    "--en",
    "english",
    multiple=True,
    metavar="CID=LABEL",
    help="The English label of a document, section or new entity you accept (yours to write; "
    "never made up); repeatable.",
)
@click.option(
    "--into", default=None, metavar="FILE.yaml", help="The dataset file new entities go to."
)
@_dataset_folder
def inbox_accept(
    doc_id: str, cids: tuple[str, ...], english: tuple[str, ...], into: str | None, data: Path
) -> None:
    """Write candidates of DOC_ID into the curated YAML: a document, its sections, entities
    (new, or a citation more for one the dataset has), observations and relations, each with
    its quote. The edit is validated first; what would not validate is refused and nothing is
    written. Comments and layout of the curated files are kept.

    \b
    Examples:
      ecograph inbox accept shili-notice-2025 doc-b0ec83d44d sec-203f7f506f \\
        --en "doc-b0ec83d44d=Notice on the 2025 innovation platforms of Shili" \\
        --en "sec-203f7f506f=Header" --data my-city/
    """
    labels = {}
    for pair in english:
        cid, sep, label = pair.partition("=")
        if not sep or not label.strip():
            raise click.BadParameter(f"{pair!r} is not CID=LABEL", param_hint="'--en'")
        labels[cid.strip()] = label.strip()
    emit(ecograph.accept_candidates(data, doc_id, list(cids), english=labels, into=into))


@inbox.command("reject")
@click.argument("doc_id")
@click.argument("cids", nargs=-1, required=True)
@click.option("--reason", default="", help="Why, remembered with the rejection.")
@_dataset_folder
def inbox_reject(doc_id: str, cids: tuple[str, ...], reason: str, data: Path) -> None:
    """Set candidates of DOC_ID aside for good: ingesting the document again will not propose
    them again (they are kept, with the reason, in DIR/inbox/DOC_ID/rejected.yaml)."""
    emit(ecograph.reject_candidates(data, doc_id, list(cids), reason=reason))


if __name__ == "__main__":  # pragma: no cover
    main()
