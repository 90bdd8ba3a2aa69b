"""The one module that wires the stages: corpus → extraction → RDF → store, incrementally.

An article is re-extracted when its content hash or the extractor version differs from what its
graph in the store records; its graph is then replaced in one transaction. A failing article is
reported and skipped: its previous graph (if any) stays as it was, and the next run retries it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV

from kg import describe, iri
from kg.corpus import parse_corpus_file, remove_interrupted_writes, scan_corpus
from kg.curated import load_registry_graph
from kg.errors import CorpusError, KgError
from kg.executors import Executor, local
from kg.inference import Rules, implied_by_graph, inferred_graph, inferred_size, materialise, rules_of
from kg.model import Article
from kg.registry import Registry, load_registry
from kg.store import Store
from kg.vocab import KG, ontology_bytes, ontology_graph

Progress = Callable[[str, int, int], None]  # (article id, done, total)


@dataclass
class BuildReport:
    built: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (article or file, reason)
    removed: list[str] = field(default_factory=list)
    totals: dict[str, int] = field(default_factory=dict)  # entities, relations, curated, observations, events
    inferred: int | None = None
    curated: bool = False  # the registry graph was (re)written: the registry changed
    store: str = ""

    @property
    def ok(self) -> bool:
        return not self.failed


def _load_ontology(store: Store) -> bool:
    """The ontology lives in its own named graph, replaced when the file changes (then True)."""
    digest = hashlib.sha256(ontology_bytes()).hexdigest()
    graph = URIRef(iri.ONTOLOGY_GRAPH)
    marker = store.select("SELECT ?h WHERE { GRAPH ?g { ?g ?p ?h } }", {"g": graph, "p": KG.contentHash})
    if marker.rows and str(marker.rows[0][0]) == digest:
        return False
    g = ontology_graph()
    g.add((graph, KG.contentHash, Literal(digest)))
    store.replace_graph(iri.ONTOLOGY_GRAPH, g)
    return True


def recorded_versions(store: Store) -> dict[str, tuple[str, str]]:
    """Article graph → (content hash, extractor version) as the store records them."""
    table = store.select(
        f"SELECT ?g ?hash ?version WHERE {{ GRAPH ?g {{ ?a a {KG.Article.n3()} ; {KG.contentHash.n3()} ?hash ; "
        f"{KG.extractorVersion.n3()} ?version }} }}")
    return {str(g): (str(h), str(v)) for g, h, v in table.rows}


def build(corpus_dir: str | Path, store: Store, *, jobs: int = 1, force: bool = False,
          progress: Progress | None = None, infer: bool = False, registry: Registry | None = None,
          executor: Executor | None = None) -> BuildReport:
    """``registry``: whose curated facts fill the registry graph (default: the shipped one, as extraction uses);
    ``executor``: where extraction runs (default: this process, or ``jobs`` local processes)."""
    from kg.extract import extractor_version
    from kg.rdf import facts_to_graph

    report = BuildReport(store=store.location)
    version = extractor_version()
    registry = registry or load_registry()
    ontology_changed = _load_ontology(store)
    report.curated = load_registry_graph(store, registry)
    recorded = recorded_versions(store)
    remove_interrupted_writes(corpus_dir)

    articles = _Reread([])
    seen_graphs: set[str] = set()
    for item in scan_corpus(Path(corpus_dir)):
        if isinstance(item, CorpusError):
            # corpus errors start with the file they are about
            where = getattr(item, "path", None) or str(item).split(":", 1)[0]
            report.failed.append((str(where), str(item)))
            continue
        graph = iri.article_graph(item.id)
        seen_graphs.add(graph)
        if not force and recorded.get(graph) == (item.content_hash, version):
            report.skipped.append(item.id)
        else:
            articles.paths.append(item.path or "")
            articles.ids.append(item.id)

    doomed = [g for g in recorded if g not in seen_graphs]
    describe_all = not describe.is_current(store, registry)
    touched = set() if describe_all else describe.entities_of(
        store, [iri.article_graph(a) for a in articles.ids if iri.article_graph(a) in recorded] + doomed)
    if articles or doomed:
        describe.set_current(store, None)  # until the refresh below has run

    rules = rules_of(store) if infer else None
    total = len(articles)
    for done, (article, result) in enumerate((executor or local(jobs)).extract(articles), start=1):
        if progress:
            progress(article.id, done, total)
        if isinstance(result, Exception):
            reason = str(result) if isinstance(result, KgError) else f"{type(result).__name__}: {result}"
            report.failed.append((article.id, f"extraction failed: {reason}"))
            continue
        try:
            _write_article(store, iri.article_graph(article.id), facts_to_graph(result, version), rules)
        except KgError as exc:
            report.failed.append((article.id, str(exc)))
            continue
        touched.update(e.id for e in result.entities)
        report.built.append(article.id)
    report.failed.extend(articles.failed)  # files that changed into bad ones since the scan

    # graphs of articles that left the corpus (failed files keep theirs until fixed or deleted)
    failed_files = {Path(f).stem for f, _ in report.failed}
    for graph in recorded:
        article_id = iri.article_id_from_graph(graph)
        if graph not in seen_graphs and article_id not in failed_files:
            store.drop_graph(graph)
            report.removed.append(article_id or graph)

    reasoned = _infer(store, report, everything=ontology_changed) if infer else False
    # an entity's inferences read how every graph uses it: after the graphs' own inferences
    all_entities = describe_all or (infer and (ontology_changed or not _has_entity_inferences(store)))
    if all_entities or articles or doomed:
        describe.refresh(store, None if all_entities else touched, registry, rules)
        describe.set_current(store, registry)
        reasoned = infer
    report.inferred = inferred_size(store) if reasoned else None
    report.totals = totals(store)
    return report


@dataclass
class _Reread:
    """The articles to extract, read again from their files as the executor takes them: a corpus's
    texts are not all held in memory at once (50,000 articles would be gigabytes). A file that
    became unreadable since the scan is reported, not extracted."""

    paths: list[str]
    ids: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.paths)

    def __iter__(self) -> Iterator[Article]:
        for path in self.paths:
            try:
                yield parse_corpus_file(path)
            except CorpusError as exc:
                self.failed.append((path, str(exc)))


def _write_article(store: Store, graph: str, triples: Graph, rules: Rules | None) -> None:
    """An article's graph with what it implies (see kg.inference), in one transaction; the article
    graph goes last, so a store that writes one graph at a time never records an article whose
    inferences are missing. Without inference, stale inferences of the article's last version go."""
    implied = implied_by_graph(triples, rules, article=True) if rules else Graph()
    store.replace_graphs({inferred_graph(graph): implied, graph: triples})


def _infer(store: Store, report: BuildReport, *, everything: bool) -> bool:
    """Reason over the graphs that changed but were not reasoned over as they were written (the
    registry graph; articles built before without inference), and drop what removed articles implied;
    every graph when the ontology changed (entities: see kg.describe). False when nothing changed."""
    if everything:
        materialise(store, reasoned={iri.article_graph(a) for a in report.built})
        return True
    names = set(store.graph_names())
    changed = [g for g in map(iri.article_graph, report.skipped) if inferred_graph(g) not in names]
    if report.curated:
        changed.append(iri.REGISTRY_GRAPH)
    if changed or report.removed:
        materialise(store, changed)
    return bool(changed or report.removed or report.built)


def _has_entity_inferences(store: Store) -> bool:
    return inferred_graph(iri.ENTITIES_GRAPH) in store.graph_names()


def totals(store: Store) -> dict[str, int]:
    """How much the graph holds, by kind of fact."""
    counts = {}
    for name, pattern in (
        ("articles", f"?x a {KG.Article.n3()}"),
        ("entities", f"?x {KG.mentionedIn.n3()} ?a"),
        ("relations", f"?x a {KG.RelationStatement.n3()} ; {PROV.wasDerivedFrom.n3()}/a {KG.Sentence.n3()}"),
        ("curated", f"?x a {KG.RelationStatement.n3()} ; {PROV.wasDerivedFrom.n3()}/a {KG.CuratedRegistry.n3()}"),
        ("observations", f"?x a {KG.Observation.n3()}"),
        ("events", f"?x {KG.eventSubject.n3()} ?s"),
    ):
        table = store.select(f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ {pattern} }}")
        counts[name] = int(table.rows[0][0]) if table.rows else 0
    return counts
