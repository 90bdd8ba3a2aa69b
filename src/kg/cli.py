"""The `kg` command: thin. Each command parses options, makes one library call, prints the result,
and turns a KgError into a clean message and exit code. Heavy imports happen inside commands so
that `kg --help` stays fast."""

from __future__ import annotations

import json
import sys
from contextlib import contextmanager
from pathlib import Path

import click

from kg.config import Settings
from kg.errors import KgError
from kg.neardup import MIN_SIMILARITY, NEAR_DUPLICATE_SIMILARITY


class KgGroup(click.Group):
    """Every library error becomes `kg: message` on stderr and the error's exit code."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except KgError as exc:
            click.echo(f"kg: {exc}", err=True)
            ctx.exit(exc.exit_code)
        except BrokenPipeError:
            ctx.exit(0)


@click.group(cls=KgGroup)
@click.version_option(package_name="fintech-kg")
def main() -> None:
    """A knowledge graph of China's lenders, platforms and financial regulation, from news articles."""


def _store_option(f):
    return click.option("--store", "store_location", default=None, metavar="PATH|URL",
                        help="Embedded store folder or SPARQL server URL (default: $KG_STORE, kg.toml, output/store).")(f)


@main.command()
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--corpus", "corpus_dir", type=click.Path(path_type=Path), default=None, help="Corpus folder.")
@click.option("--id", "article_id", default=None, help="Article id (default: from the file name). One article only.")
@click.option("--title", default=None, help="Title (default: from the page or the text). One article only.")
@click.option("--outlet", default=None, help="Outlet, for every article given.")
@click.option("--url", "source_url", default=None, help="Source URL. One article only.")
@click.option("--published", default=None, help="Publication date YYYY-MM-DD, for every article given.")
@click.option("--field", "fields", multiple=True, metavar="PART=FIELD",
              help="JSON Lines / CSV field holding a part (id, title, text, url, published, outlet), e.g. text=content.")
@click.option("--keep-duplicates", is_flag=True, help="Add near-duplicates (re-posts) too; the same text is always skipped.")
@click.option("--similarity", type=click.FloatRange(MIN_SIMILARITY, 1.0), default=NEAR_DUPLICATE_SIMILARITY, show_default=True,
              help="Jaccard similarity of 5-character shingles from which an article counts as a near-duplicate.")
@click.option("--progress/--no-progress", default=None, help="Progress bar on stderr (default: when stderr is a terminal).")
def add(sources: tuple[Path, ...], corpus_dir: Path | None, article_id, title, outlet, source_url, published,
        fields: tuple[str, ...], keep_duplicates: bool, similarity: float, progress: bool | None) -> None:
    """Add articles to the corpus: text or saved HTML files, folders of them, JSON Lines or CSV files
    (one article per record). Never overwrites; skips duplicates and near-duplicates (re-posts)."""
    from kg.corpus import Given, add_article
    from kg.importer import field_mapping, import_articles, is_record_file

    settings = Settings.load()
    corpus = corpus_dir or settings.corpus
    one = len(sources) == 1 and not sources[0].is_dir() and not is_record_file(sources[0])
    if one and not fields:  # one article: refused duplicates are errors, as they always were
        path = add_article(sources[0], corpus, id=article_id, title=title, outlet=outlet, source_url=source_url,
                           published=published, similarity=similarity, keep_duplicates=keep_duplicates)
        click.echo(f"added {path}")
        return
    if article_id or title or source_url:
        raise click.UsageError("--id, --title and --url name one article: give one article file, or map record "
                               "fields with --field id=…, --field title=…, --field url=…")
    try:
        mapping = field_mapping(fields)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--field") from None
    with _progress_bar(progress) as bar:
        report = import_articles(sources, corpus, given=Given(outlet=outlet, published=published), mapping=mapping,
                                 similarity=similarity, keep_duplicates=keep_duplicates, progress=bar)
    for source, other, alike in report.near_duplicates:
        _say(f"skipped {source}: near-duplicate of {other} (similarity {alike:.2f})")
    for source, other in report.duplicates:
        _say(f"skipped {source}: same text as {other}")
    for _, message in report.failed:
        _say(f"failed: {message}")
    click.echo(f"added {len(report.added)} to {corpus}; skipped {len(report.near_duplicates)} near-duplicates "
               f"and {len(report.duplicates)} exact duplicates; {len(report.failed)} failed")
    if report.failed:
        sys.exit(1)


@contextmanager
def _progress_bar(wanted: bool | None):
    """A progress(done, total) callback drawing a bar on stderr, or None when not wanted."""
    if wanted is False or (wanted is None and not sys.stderr.isatty()):
        yield None
        return
    bar = None

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            bar = click.progressbar(length=total, label="adding", file=sys.stderr)
            bar.__enter__()
        bar.update(done - bar.pos)

    try:
        yield progress
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["json", "jsonl", "turtle", "trig"]), default="json",
              show_default=True)
@click.option("--models/--rules-only", default=True, show_default=True,
              help="Use the shipped trained models, or the registry and rules alone.")
def extract(files: tuple[Path, ...], fmt: str, models: bool) -> None:
    """Print what the knowledge graph learns from articles (contract JSON, one object per article)."""
    from kg.contract import to_contract
    from kg.corpus import load_article
    from kg.extract import extractor_version
    from kg.nlp import extract_article

    paths: list[Path] = []
    for f in files:
        paths.extend(sorted(p for p in f.iterdir() if p.suffix in (".txt", ".md")) if f.is_dir() else [f])
    if fmt == "json" and len(paths) != 1:
        raise click.UsageError("--format json takes one article; use --format jsonl for several")
    from kg.errors import EmptyArticleError
    from kg.model import Article

    failures = 0
    for path in paths:
        try:
            try:
                article = load_article(path)
            except EmptyArticleError as exc:  # nothing to learn is a valid, empty answer
                click.echo(f"kg: warning: {exc}", err=True)
                article = Article(id=path.stem, title="", text="")
            extraction = extract_article(article, models=models)
        except KgError as exc:
            if fmt != "jsonl":
                raise
            failures += 1
            click.echo(f"kg: {exc}", err=True)
            click.echo(json.dumps({"article": {"id": path.stem}, "error": str(exc)}, ensure_ascii=False))
            continue
        if fmt in ("turtle", "trig"):
            from kg.describe import describe_alone
            from kg.rdf import facts_to_graph
            from kg.registry import load_registry

            graph = facts_to_graph(extraction, extractor_version())
            graph += describe_alone(extraction.entities, load_registry())  # what the article alone says
            click.echo(graph.serialize(format="turtle"))
        elif fmt == "json":
            click.echo(json.dumps(to_contract(extraction), ensure_ascii=False, indent=1))
        else:
            click.echo(json.dumps(to_contract(extraction), ensure_ascii=False))
    if failures:
        sys.exit(1)


@main.command()
@click.option("--corpus", "corpus_dir", type=click.Path(path_type=Path), default=None)
@_store_option
@click.option("--jobs", default=1, show_default=True, type=click.IntRange(1, 64), help="Extraction processes.")
@click.option("--executor", type=click.Choice(["local", "dask"]), default=None,
              help="Where extraction runs: local processes (--jobs) or a Dask cluster (default: $KG_EXECUTOR, kg.toml, local).")
@click.option("--scheduler", default=None, metavar="tcp://HOST:PORT",
              help="The Dask scheduler for --executor dask (default: $KG_SCHEDULER, kg.toml).")
@click.option("--scheduler-timeout", default=10.0, show_default=True, type=click.FloatRange(min=0.1), metavar="SECONDS",
              help="How long to try reaching the scheduler, and to wait for a first worker.")
@click.option("--force", is_flag=True, help="Re-extract every article.")
@click.option("--infer/--no-infer", default=None, help="Materialise RDFS/OWL RL inferences (default: on for the embedded store).")
@click.option("--pages/--no-pages", default=True, help="Write the HTML pages into output/ after the build.")
def build(corpus_dir, store_location, jobs: int, executor, scheduler, scheduler_timeout: float, force: bool, infer,
          pages: bool) -> None:
    """Extract every corpus article into its own named graph; unchanged articles are skipped."""
    from kg.build import build as run_build
    from kg.executors import choose
    from kg.snapshots import open_reader, refresh_snapshot
    from kg.store import open_store

    settings = Settings.load(store=store_location, corpus=corpus_dir, executor=executor, scheduler=scheduler)
    infer = settings.infer_default if infer is None else infer
    extraction = choose(settings.executor, jobs=jobs, scheduler=settings.scheduler, timeout=scheduler_timeout)
    with open_store(settings.store) as store:
        bar = None

        def progress(article_id: str, done: int, total: int) -> None:
            nonlocal bar
            if total < 5:
                return
            if bar is None:
                bar = click.progressbar(length=total, label="extracting", file=sys.stderr)
                bar.__enter__()
            bar.update(1)

        try:
            report = run_build(settings.corpus, store, force=force, progress=progress, infer=infer, executor=extraction)
        finally:
            if bar is not None:
                bar.__exit__(None, None, None)
    # the store is closed: readers get the new graph from now on, and the pages (most of the
    # time) are drawn from that snapshot while the store is free for the next build
    refresh_snapshot(settings.store)
    site = None
    if pages:
        from kg.site import update_site

        with open_reader(settings.store, on_wait=_say) as reader:
            site = update_site(reader, settings.output)
    click.echo(_summary(report, settings, site))
    if report.failed:
        sys.exit(1)


def _pages_line(report) -> str:
    removed = f", {len(report.removed)} removed" if report.removed else ""
    return f"pages: {len(report.written)} drawn, {report.unchanged} unchanged{removed}"


def _say(message: str) -> None:
    click.echo(f"kg: {message}", err=True)


def _reader(settings: Settings):
    """The store to read: while a build writes, the snapshot of the last finished one."""
    from kg.snapshots import open_reader

    settings.require_store()
    return open_reader(settings.store, on_wait=_say)


def _summary(report, settings: Settings, site) -> str:
    t = report.totals
    lines = [
        f"articles: {len(report.built)} built, {len(report.skipped)} unchanged, {len(report.failed)} failed"
        + (f", {len(report.removed)} removed" if report.removed else ""),
    ]
    for where, reason in report.failed:
        lines.append(f"  failed {where}: {reason}")
    lines.append(f"graph: {t.get('articles', 0)} articles, {t.get('entities', 0)} entities, "
                 f"{t.get('relations', 0)} relations, {t.get('observations', 0)} observations, "
                 f"{t.get('events', 0)} events; {t.get('curated', 0)} curated relations from the registry"
                 + (" (rewritten: the registry changed)" if report.curated else ""))
    if report.inferred is not None:
        lines.append(f"inference: {report.inferred} triples in the inferred graph")
    lines.append(f"store: {report.store}")
    if site is not None:
        lines.append(f"{_pages_line(site)}: {site.folder}/index.html")
    return "\n".join(lines)


@main.command()
@click.argument("query", required=False)
@click.option("--param", "-p", "params", multiple=True, metavar="NAME=VALUE", help="Bind a query parameter.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json", "turtle", "nt", "jsonld"]),
              default="table", show_default=True)
@click.option("--list", "list_queries", is_flag=True, help="List the canned queries.")
@_store_option
def query(query: str | None, params: tuple[str, ...], fmt: str, list_queries: bool, store_location) -> None:
    """Run SPARQL: a canned query's name, a .rq file, or the query text."""
    from kg.query import bindings, canned_queries, format_result, resolve, run

    if list_queries or not query:
        for name, q in canned_queries().items():
            click.echo(f"{name:<20} {q.title}.")
            for p in q.params:
                click.echo(f"    -p {p.name}=…  ({p.type}) {p.description}")
        return
    bound = dict(_split_param(p) for p in params)
    bindings(resolve(query), bound)  # a wrong query name or parameter value is said before the store is opened
    settings = Settings.load(store=store_location)
    with _reader(settings) as store:
        click.echo(format_result(run(store, query, bound), fmt))


@main.command()
@click.option("--format", "fmt", type=click.Choice(["trig", "nquads", "graphml", "gexf", "csv"]), default="trig",
              show_default=True, help="trig, nquads: the RDF graph; graphml, gexf (Gephi, networkx), csv "
              "(nodes.csv and edges.csv): the entity network with categories, labels, article and evidence counts.")
@click.option("--article", "article_id", default=None, help="Only this article's graph (trig, nquads).")
@click.option("--output", "-o", type=click.Path(path_type=Path), default=None, metavar="DIR|FILE",
              help="Folder to write into (graph.trig, graph.nq, graph.graphml, graph.gexf, or nodes.csv and "
              "edges.csv), or a file ending in the format's extension; default: stdout (csv needs a folder).")
@_store_option
def export(fmt: str, article_id: str | None, output: Path | None, store_location) -> None:
    """Write the graph (or one article's graph) as RDF, or its entity network for other tools."""
    from kg.exports import export_files, write_files

    if output is None and fmt == "csv":
        raise click.UsageError("--format csv writes two files (nodes.csv, edges.csv): give -o FOLDER")
    settings = Settings.load(store=store_location)
    with _reader(settings) as store:
        files = export_files(store, fmt, article_id)
    if output is None:
        sys.stdout.buffer.write(next(iter(files.values())).encode("utf-8"))
        return
    for path in write_files(files, output):
        click.echo(f"wrote {path}", err=True)


@main.command()
@click.option("--query", "query_text", default=None, metavar="FILE.rq|NAME|SPARQL",
              help="Draw this CONSTRUCT (or SELECT ?s ?p ?o) query's result instead of the whole site.")
@click.option("--param", "-p", "params", multiple=True, metavar="NAME=VALUE", help="Bind a query parameter.")
@click.option("--output", "-o", type=click.Path(path_type=Path), default=None, metavar="DIR|FILE.html",
              help="Folder to write into (default: output/): the site, or with --query the page query.html; "
              "a path ending in .html is the page itself.")
@click.option("--force", is_flag=True, help="Redraw every page, changed or not.")
@_store_option
def viz(query_text: str | None, params: tuple[str, ...], output: Path | None, force: bool, store_location) -> None:
    """Write the interactive pages: index, whole network, timeline, one page per entity and per article
    (or one query's page).
    Only pages whose content changed since the last run are redrawn."""
    from kg.exports import output_folder, output_target
    from kg.site import update_site, write_query_page

    settings = Settings.load(store=store_location)
    with _reader(settings) as store:
        if query_text:
            bound = dict(_split_param(p) for p in params)
            page = output_target(output or settings.output, "query.html")
            path = write_query_page(store, query_text, page, bound)
            click.echo(f"wrote {path}")
        else:
            report = update_site(store, output_folder(output or settings.output), force=force)
            click.echo(f"{_pages_line(report)}: {report.folder}/index.html")


def _split_param(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep:
        raise click.BadParameter(f"{text!r} is not NAME=VALUE", param_hint="--param")
    return name.strip(), value


@main.command()
@_store_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Interface to listen on (loopback only by default; 0.0.0.0 exposes the endpoint to the network).")
@click.option("--port", default=7878, show_default=True, type=click.IntRange(0, 65535))
@click.option("--timeout", "timeout", default=30.0, show_default=True, type=click.FloatRange(min=0.1),
              help="Query time limit in seconds (HTTP 503 past it).")
@click.option("--max-rows", default=10000, show_default=True, type=click.IntRange(min=1),
              help="Results are truncated to this many rows (header X-KG-Truncated).")
@click.option("--workers", default=None, type=click.IntRange(1, 64), help="Query worker processes (default 2-4).")
@click.option("--max-memory", default=1024, show_default=True, type=click.IntRange(min=0), metavar="MB",
              help="Heap limit of each query worker; a query past it gets HTTP 503 (0: no limit).")
@click.option("--max-query-size", default=100_000, show_default=True, type=click.IntRange(min=1), metavar="CHARS",
              help="Longest query text accepted (HTTP 400 past it).")
@click.option("--max-depth", default=64, show_default=True, type=click.IntRange(min=1),
              help="Deepest nesting of { ( [ accepted (HTTP 400 past it).")
@click.option("--max-per-client", default=None, type=click.IntRange(min=1),
              help="Queries one client address may run at once (default: workers - 1).")
@click.option("--queue-timeout", default=10.0, show_default=True, type=click.FloatRange(min=0.1),
              help="Seconds a query may wait for a worker (HTTP 503 past it).")
@click.option("--socket-timeout", default=20.0, show_default=True, type=click.FloatRange(min=0.1),
              help="Seconds a connection may stay silent while a request is read or an answer sent.")
@click.option("--max-connections", default=128, show_default=True, type=click.IntRange(min=1),
              help="Open connections at once (half of them from one address).")
@click.option("--verbose", is_flag=True, help="Log every request.")
def serve(store_location, host: str, port: int, timeout: float, max_rows: int, workers, max_memory: int,
          max_query_size: int, max_depth: int, max_per_client, queue_timeout: float, socket_timeout: float,
          max_connections: int, verbose: bool) -> None:
    """Serve the graph read-only: a SPARQL 1.1 endpoint at /sparql and a query page at /."""
    from kg.serve import make_server, run

    settings = Settings.load(store=store_location)
    settings.require_store()
    if verbose:
        import logging

        logging.basicConfig(level=logging.INFO, format="%(message)s")
    server = make_server(settings, host=host, port=port, timeout=timeout, max_rows=max_rows, workers=workers,
                         verbose=verbose, max_memory=max_memory, max_query_chars=max_query_size,
                         max_depth=max_depth, max_per_client=max_per_client, queue_timeout=queue_timeout,
                         socket_timeout=socket_timeout, max_connections=max_connections)
    for warning in server.warnings:
        click.echo(f"kg: warning: {warning}", err=True)
    run(server, ready=lambda: click.echo(server.banner()))


@main.command()
@_store_option
def validate(store_location) -> None:
    """Check the graph against the SHACL shapes and print a readable report."""
    from kg.validate import validate_store

    settings = Settings.load(store=store_location)
    with _reader(settings) as store:
        report = validate_store(store)
    click.echo(report.text)
    if not report.conforms:
        sys.exit(1)


if __name__ == "__main__":
    main()
