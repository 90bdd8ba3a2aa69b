"""The generated pages: output/index.html, output/network.html, output/entity/<slug>.html.
Reads the store through kg.network and kg.query; draws through kg.render."""

from __future__ import annotations

import hashlib
import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import networkx as nx

from kg.files import folder_lock, remove_leftovers, write_atomic
from kg.iri import slug
from kg.network import curated_relations, entity_graph, graph_from_result, neighbourhood
from kg.query import cell, run
from kg.store import Store

ARTICLES = """PREFIX kg: <https://w3id.org/fintech-kg/ontology#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?id ?title ?outlet ?published WHERE {
  ?a a kg:Article ; dcterms:identifier ?id ; dcterms:title ?title .
  OPTIONAL { ?a kg:outlet ?outlet } OPTIONAL { ?a dcterms:issued ?published }
} ORDER BY DESC(?published) ?id"""

FACTS = """PREFIX kg: <https://w3id.org/fintech-kg/ontology#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX time: <http://www.w3.org/2006/time#>
SELECT ?x ?metric ?type ?value ?unit ?period ?text ?title WHERE {
  {
    ?x kg:observedEntity ?e ; kg:metric ?m ; kg:value ?value ; kg:unit ?u ; kg:period ?period .
    BIND(STRAFTER(STR(?m), "#") AS ?metric) BIND(STRAFTER(STR(?u), "#") AS ?unit)
  } UNION {
    ?x kg:eventSubject ?e ; a ?cls . FILTER(STRSTARTS(STR(?cls), STR(kg:)) && ?cls != kg:Event)
    BIND(STRAFTER(STR(?cls), "#") AS ?type)
    OPTIONAL { ?x kg:valueAfter|kg:amount ?value }
    OPTIONAL { ?x time:hasTime ?t . BIND(STRAFTER(STR(?t), "/period/") AS ?period) }
  }
  ?x prov:wasDerivedFrom ?s . ?s kg:text ?text ; kg:inArticle/dcterms:title ?title .
} ORDER BY ?period"""


def entity_href(iri: str) -> str:
    return f"entity/{slug(iri)}.html"


def _fact(r: dict[str, Any]) -> dict[str, Any]:
    value = r["value"].toPython() if r["value"] is not None else None
    return {
        "metric": cell(r["metric"]) or None, "type": cell(r["type"]) or None,
        "value": float(value) if value is not None else None, "unit": cell(r["unit"]),
        "period": cell(r["period"]), "evidence": {"text": cell(r["text"]), "article": cell(r["title"])},
        "article": cell(r["title"]),
    }


def _facts(store: Store, iri: str) -> list[dict[str, Any]]:
    from rdflib import URIRef

    return [_fact(r) for r in store.select(FACTS, {"e": URIRef(iri)}).dicts()]


def all_facts(store: Store) -> dict[str, list[dict[str, Any]]]:
    """Entity IRI → its observations and events (one query for every entity page)."""
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in store.select(FACTS.replace("SELECT ?x ", "SELECT ?e ?x ", 1)).dicts():
        out[str(r["e"])].append(_fact(r))
    return out


def _linked(rows: list[dict[str, Any]], graph: nx.MultiDiGraph) -> list[dict[str, Any]]:
    """Curated relations with a link to the other entity's page when it has one."""
    return [{**r, "url": f"../{entity_href(r['other'])}" if r["other"] in graph else None} for r in rows]


@dataclass(frozen=True)
class Page:
    """One page of the site: where it goes, a digest of everything it shows (and of the code that
    draws it), and how to draw it. A page whose digest is unchanged is not drawn again."""

    path: str  # relative to the site folder, with / separators
    inputs: str
    draw: Callable[[Path], Path]


@dataclass
class SiteReport:
    folder: Path
    written: list[str] = field(default_factory=list)
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)


def write_site(store: Store, out_dir: str | Path) -> Path:
    """Every page for the store's graph; returns the folder (see `update_site`)."""
    return update_site(store, out_dir).folder


def update_site(store: Store, out_dir: str | Path, *, force: bool = False) -> SiteReport:
    """Bring the pages up to date with the store, rewriting only pages whose content changed.

    When the store is as it was at the last run (same article graphs, registry, entity graph,
    ontology and drawing code), nothing is read beyond that stamp and no page is written. One writer
    at a time per folder (a lock file in it): each page is replaced atomically, the temporary files
    of an interrupted run are deleted first, and pages of entities no longer in the graph are removed.
    """
    out = Path(out_dir)
    report = SiteReport(out)
    with folder_lock(out):
        for folder in (out, out / "entity"):
            remove_leftovers(folder)
        state = _read_state(out)
        stamp = store_stamp(store)
        if not force and state.get("stamp") == stamp and all((out / p).exists() for p in state["pages"]):
            report.unchanged = len(state["pages"])
            return report
        pages = {page.path: page for page in _plan(store)}
        (out / "entity").mkdir(parents=True, exist_ok=True)
        for path, page in pages.items():
            if force or state["pages"].get(path) != page.inputs or not (out / path).exists():
                page.draw(out / path)
                report.written.append(path)
            else:
                report.unchanged += 1
        for page_file in (out / "entity").glob("*.html"):
            relative = page_file.relative_to(out).as_posix()
            if relative not in pages:
                page_file.unlink(missing_ok=True)
                report.removed.append(relative)
        _write_state(out, stamp, {path: page.inputs for path, page in pages.items()})
    return report


PAGES_STATE = ".kg-pages.json"  # the stamp of the store the pages show, and each page's digest


def _read_state(out: Path) -> dict[str, Any]:
    try:
        state = json.loads((out / PAGES_STATE).read_text(encoding="utf-8"))
        if isinstance(state, dict) and isinstance(state.get("pages"), dict):
            return state
    except (OSError, ValueError):
        pass
    return {"stamp": None, "pages": {}}


def _write_state(out: Path, stamp: str, pages: dict[str, str]) -> None:
    write_atomic(out / PAGES_STATE, json.dumps({"stamp": stamp, "pages": pages}, ensure_ascii=False))


_STAMP = """SELECT ?g ?h WHERE { GRAPH ?g { ?s <https://w3id.org/fintech-kg/ontology#contentHash> ?h } }"""


def _code_digest() -> str:
    """The code that turns the store into pages: a change of it redraws every page."""
    from importlib.resources import files

    h = hashlib.sha256()
    for name in ("site.py", "network.py"):
        h.update((files("kg") / name).read_bytes())
    for path in sorted(Path(str(files("kg.render"))).rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            h.update(path.name.encode() + path.read_bytes())
    return h.hexdigest()


def store_stamp(store: Store) -> str:
    """A digest of what the store holds, cheap to read: every graph's recorded content hash (article
    graphs: text and extractor version; registry, entity and ontology graphs: their markers)."""
    rows = sorted(f"{g}\t{h}" for g, h in store.select(_STAMP).rows)
    versions = store.select("SELECT ?g ?v WHERE { GRAPH ?g { ?a <https://w3id.org/fintech-kg/ontology#extractorVersion> ?v } }").rows
    rows += sorted(f"{g}\t{v}" for g, v in versions)
    return _digest(["\n".join(rows), _code_digest()])


def _digest(data: Any) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()[:24]


def _plan(store: Store) -> Iterator[Page]:
    """Every page of the site with the digest of its content; nothing is drawn here."""
    from kg.render import write_entity_page, write_index_page, write_network_page

    code = _code_digest()
    graph = entity_graph(store)
    for node in graph.nodes:
        graph.nodes[node]["url"] = entity_href(node)
    title, subtitle = "金融科技知识图谱 · 全图", "fintech-kg: entities and relations of the corpus"
    yield Page("network.html", _digest([code, nx.node_link_data(graph, edges="edges")]),
               lambda path: write_network_page(graph, path, title=title, subtitle=subtitle))
    pages_graph = graph.copy()
    for node in graph.nodes:  # links from an entity page are relative to entity/
        pages_graph.nodes[node]["url"] = f"../{entity_href(node)}"
    curated, facts = curated_relations(store), all_facts(store)
    links = {"总览 Overview": "../index.html", "全图 Network": "../network.html"}
    for node, attrs in graph.nodes(data=True):
        near = neighbourhood(pages_graph, node, hops=1)  # its own relations: a change ripples one step
        content = {"entity": {**attrs, "iri": node, "url": None}, "neighbourhood": near,
                   "facts": facts.get(node, []), "curated": _linked(curated.get(node, []), graph),
                   "links": links, "network_href": "../network.html"}
        inputs = _digest([code, {**content, "neighbourhood": nx.node_link_data(near, edges="edges")}])
        yield Page(entity_href(node), inputs, partial(_draw_entity, write_entity_page, content))
    counts = Counter(attrs["category"] for _, attrs in graph.nodes(data=True))
    articles = [{"id": cell(r["id"]), "title": cell(r["title"]), "outlet": cell(r["outlet"]),
                 "published": cell(r["published"])} for r in store.select(ARTICLES).dicts()]
    index_links = [("全图 Network", "network.html", None)] + [
        (attrs["label"], entity_href(node), attrs["category"]) for node, attrs in graph.nodes(data=True)]
    index = {"title": "金融科技知识图谱 fintech-kg", "category_counts": dict(counts), "articles": articles,
             "links": index_links}
    yield Page("index.html", _digest([code, index]), lambda path: write_index_page(path, **index))


def _draw_entity(write_entity_page: Callable[..., Path], content: dict[str, Any], path: Path) -> Path:
    return write_entity_page(path, **content)


def write_query_page(store: Store, query: str, path: str | Path, params: dict[str, str] | None = None) -> Path:
    """A network page from any CONSTRUCT, or SELECT ?s ?p ?o, query."""
    from kg.render import write_network_page

    graph: nx.MultiDiGraph = graph_from_result(store, run(store, query, params or {}))
    with folder_lock(Path(path).parent):
        return write_network_page(graph, path, title="查询结果 · Query result", subtitle=str(query)[:200])
