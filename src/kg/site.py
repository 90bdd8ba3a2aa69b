"""The generated pages: output/index.html, output/network.html, output/entity/<slug>.html.
Reads the store through kg.network and kg.query; draws through kg.render."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import networkx as nx

from kg.files import folder_lock, remove_leftovers
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


def _facts(store: Store, iri: str) -> list[dict[str, Any]]:
    from rdflib import URIRef

    rows = store.select(FACTS, {"e": URIRef(iri)}).dicts()
    facts = []
    for r in rows:
        value = r["value"].toPython() if r["value"] is not None else None
        facts.append({
            "metric": cell(r["metric"]) or None, "type": cell(r["type"]) or None,
            "value": float(value) if value is not None else None, "unit": cell(r["unit"]),
            "period": cell(r["period"]), "evidence": {"text": cell(r["text"]), "article": cell(r["title"])},
            "article": cell(r["title"]),
        })
    return facts


def _linked(rows: list[dict[str, Any]], graph: nx.MultiDiGraph) -> list[dict[str, Any]]:
    """Curated relations with a link to the other entity's page when it has one."""
    return [{**r, "url": f"../{entity_href(r['other'])}" if r["other"] in graph else None} for r in rows]


def write_site(store: Store, out_dir: str | Path) -> Path:
    """Every page for the store's graph; returns the folder. Links between pages are relative.

    One writer at a time per folder (a lock file in it): each page is replaced atomically, the
    temporary files of an interrupted run are deleted first, and the pages of entities that are
    no longer in the graph (their articles were deleted or changed) are removed at the end."""
    out = Path(out_dir)
    with folder_lock(out):
        for folder in (out, out / "entity"):
            remove_leftovers(folder)
        written = _write_pages(store, out)
        for page in (out / "entity").glob("*.html"):
            if page not in written:
                page.unlink(missing_ok=True)
    return out


def _write_pages(store: Store, out: Path) -> set[Path]:
    from kg.render import write_entity_page, write_index_page, write_network_page

    (out / "entity").mkdir(parents=True, exist_ok=True)
    graph = entity_graph(store)
    for node in graph.nodes:
        graph.nodes[node]["url"] = entity_href(node)
    written = {write_network_page(graph, out / "network.html", title="金融科技知识图谱 · 全图",
                                  subtitle="fintech-kg: entities and relations of the corpus")}
    entity_graph_for_pages = graph.copy()
    for node in graph.nodes:  # links from an entity page are relative to entity/
        entity_graph_for_pages.nodes[node]["url"] = f"../{entity_href(node)}"
    curated = curated_relations(store)
    for node, attrs in graph.nodes(data=True):
        written.add(write_entity_page(
            out / entity_href(node),
            entity={**attrs, "iri": node, "url": None},
            neighbourhood=neighbourhood(entity_graph_for_pages, node),
            facts=_facts(store, node),
            curated=_linked(curated.get(node, []), graph),
            links={"总览 Overview": "../index.html", "全图 Network": "../network.html"},
            network_href="../network.html",
        ))
    counts = Counter(attrs["category"] for _, attrs in graph.nodes(data=True))
    articles = [{"id": cell(r["id"]), "title": cell(r["title"]), "outlet": cell(r["outlet"]),
                 "published": cell(r["published"])} for r in store.select(ARTICLES).dicts()]
    links = [("全图 Network", "network.html", None)] + [
        (attrs["label"], entity_href(node), attrs["category"]) for node, attrs in graph.nodes(data=True)]
    written.add(write_index_page(out / "index.html", title="金融科技知识图谱 fintech-kg",
                                 category_counts=dict(counts), articles=articles, links=links))
    return written


def write_query_page(store: Store, query: str, path: str | Path, params: dict[str, str] | None = None) -> Path:
    """A network page from any CONSTRUCT, or SELECT ?s ?p ?o, query."""
    from kg.render import write_network_page

    graph: nx.MultiDiGraph = graph_from_result(store, run(store, query, params or {}))
    with folder_lock(Path(path).parent):
        return write_network_page(graph, path, title="查询结果 · Query result", subtitle=str(query)[:200])
