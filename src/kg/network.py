"""SPARQL → networkx: the views the pages draw. Nothing here knows HTML; render/ knows no RDF."""

from __future__ import annotations

from collections import defaultdict
from typing import Any
from urllib.parse import unquote

import networkx as nx
from rdflib import Graph, Literal, URIRef

from kg.errors import QueryError
from kg.iri import ONTOLOGY
from kg.rdf import period_bounds
from kg.schema import CATEGORY_TABLE
from kg.store import Store, Table

# the most specific top category wins when inference adds super-classes (Lender ⊑ Organization)
CATEGORY_ORDER = tuple(c.key for c in CATEGORY_TABLE)
MAX_EVIDENCE = 5

_PREFIXES = f"""PREFIX kg: <{ONTOLOGY}>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX dcterms: <http://purl.org/dc/terms/>
"""

# Read apart and joined in Python: one query joining articles × aliases × types per entity grew with
# the product of the three (48 s at 5,000 articles); each of these grows with its own answer. An
# entity is a node when some article mentions it.
ENTITY_NAMES = _PREFIXES + """
SELECT DISTINCT ?e ?name ?type WHERE {
  ?e skos:prefLabel ?name ; a ?type . FILTER(LANG(?name) = "zh")
  FILTER(STRSTARTS(STR(?type), STR(kg:)))
}
"""
ENTITY_ARTICLES = _PREFIXES + "SELECT ?e (COUNT(DISTINCT ?a) AS ?n) WHERE { ?e kg:mentionedIn ?a } GROUP BY ?e"
ENTITY_ALIASES = _PREFIXES + "SELECT DISTINCT ?e ?alias WHERE { ?e skos:altLabel ?alias }"
ENTITY_EN_NAMES = _PREFIXES + """
SELECT DISTINCT ?e ?en WHERE { ?e skos:prefLabel ?en . FILTER(LANG(?en) = "en") }
"""

RELATIONS = _PREFIXES + """
SELECT ?s ?p ?o ?text ?title ?aid ?start
WHERE {
  ?st a kg:RelationStatement ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ;
      prov:wasDerivedFrom ?sent .
  ?sent kg:text ?text ; kg:startOffset ?start ; kg:inArticle ?art .
  ?art dcterms:title ?title ; dcterms:identifier ?aid .
}
"""

PREDICATE_LABELS = _PREFIXES + """
SELECT ?p ?zh ?en WHERE {
  VALUES ?kind { <http://www.w3.org/2002/07/owl#ObjectProperty> <http://www.w3.org/2002/07/owl#SymmetricProperty> }
  ?p a ?kind .
  FILTER(STRSTARTS(STR(?p), STR(kg:)))
  OPTIONAL { ?p rdfs:label ?zh . FILTER(LANG(?zh) = "zh") }
  OPTIONAL { ?p rdfs:label ?en . FILTER(LANG(?en) = "en") }
}
"""

CURATED = _PREFIXES + """
SELECT ?s ?p ?o ?sName ?oName WHERE {
  ?st a kg:RelationStatement ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ;
      prov:wasDerivedFrom/a kg:CuratedRegistry .
  OPTIONAL { ?s skos:prefLabel ?sName . FILTER(LANG(?sName) = "zh") }
  OPTIONAL { ?o skos:prefLabel ?oName . FILTER(LANG(?oName) = "zh") }
}
"""

ENTITY_EVIDENCE = _PREFIXES + """
SELECT ?e ?text ?title ?aid ?start WHERE {
  { ?x kg:observedEntity ?e } UNION { ?x kg:eventSubject ?e }
  ?x prov:wasDerivedFrom ?sent . ?sent kg:text ?text ; kg:startOffset ?start ; kg:inArticle ?art .
  ?art dcterms:title ?title ; dcterms:identifier ?aid .
}
"""


def _local(iri: object) -> str:
    return str(iri).rsplit("#", 1)[-1]


def evidence_item(text: object, title: object, article_id: object, start: object) -> dict[str, Any]:
    """A sentence as evidence: its text, its article's title, and where it is (article id and start
    offset), which the pages turn into a link to the sentence in the article's page."""
    return {"text": str(text), "article": str(title), "articleId": str(article_id), "start": int(start)}


def predicate_labels(store: Store) -> dict[str, tuple[str, str]]:
    """kg predicate local name → (zh label, en label), from the ontology in the store."""
    out = {}
    for p, zh, en in store.select(PREDICATE_LABELS).rows:
        out[_local(p)] = (str(zh) if zh else _local(p), str(en) if en else _local(p))
    return out


def curated_relations(store: Store) -> dict[str, list[dict[str, Any]]]:
    """Entity IRI → the registry's curated relations it takes part in (the registry graph), each as
    ``predicate``, ``outgoing`` (the entity is the subject), ``other`` (IRI) and ``other_label``."""
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for s, p, o, s_name, o_name in store.select(CURATED).rows:
        predicate = _local(p)
        out[str(s)].append({"predicate": predicate, "outgoing": True, "other": str(o),
                            "other_label": str(o_name or o)})
        out[str(o)].append({"predicate": predicate, "outgoing": False, "other": str(s),
                            "other_label": str(s_name or s)})
    for rows in out.values():
        rows.sort(key=lambda r: (r["predicate"], not r["outgoing"], r["other_label"]))
    return dict(out)


def entity_graph(store: Store) -> nx.MultiDiGraph:
    """Every entity (node) and every stated relation (edge), with the evidence behind them."""
    graph = nx.MultiDiGraph()
    types: dict[str, set[str]] = defaultdict(set)
    articles = {str(e): int(n) for e, n in store.select(ENTITY_ARTICLES).rows}
    aliases: dict[str, list[str]] = defaultdict(list)
    for e, alias in store.select(ENTITY_ALIASES).rows:
        aliases[str(e)].append(str(alias))
    english = {str(e): str(en) for e, en in store.select(ENTITY_EN_NAMES).rows}
    for e, name, type_ in sorted(store.select(ENTITY_NAMES).rows):
        key = str(e)
        if key not in articles:
            continue
        types[key].add(_local(type_))
        if key not in graph:
            graph.add_node(key, label=str(name), aliases=sorted(aliases.get(key, [])),
                           articles=articles.get(key, 0), evidence=[], url=None)
            if key in english:
                graph.nodes[key]["label_en"] = english[key]
    broader = defaultdict(set)
    for sub, sup in store.select(_PREFIXES + "SELECT ?a ?b WHERE { ?a rdfs:subClassOf ?b }").rows:
        broader[_local(sub)].add(_local(sup))
    for key, found in types.items():
        category = next((c for c in CATEGORY_ORDER if c in found), "Organization")
        kinds = found - set(CATEGORY_ORDER)
        # the most specific kind: none of the others is a sub-class of it (OnlineMicroLender, not MicroLender)
        specific = sorted(k for k in kinds if not any(k in broader[other] for other in kinds if other != k))
        graph.nodes[key]["category"] = category
        graph.nodes[key]["kind"] = specific[0] if specific else None
    labels = predicate_labels(store)
    edges: dict[tuple[str, str, str], list[dict[str, str]]] = defaultdict(list)
    for s, p, o, *sentence in store.select(RELATIONS).rows:
        edges[(str(s), _local(p), str(o))].append(evidence_item(*sentence))
    for (s, p, o), evidence in edges.items():
        if s in graph and o in graph:
            zh, en = labels.get(p, (p, p))
            graph.add_edge(s, o, key=p, predicate=p, label_zh=zh, label_en=en, evidence=evidence[:MAX_EVIDENCE])
    for e, *sentence in store.select(ENTITY_EVIDENCE).rows:
        node = graph.nodes.get(str(e))
        if node is not None and len(node["evidence"]) < MAX_EVIDENCE:
            item = evidence_item(*sentence)
            if item not in node["evidence"]:
                node["evidence"].append(item)
    for s, o, data in graph.edges(data=True):
        for node in (s, o):
            ev = graph.nodes[node]["evidence"]
            for item in data["evidence"]:
                if len(ev) < MAX_EVIDENCE and item not in ev:
                    ev.append(item)
    return graph


NODE_DATES = _PREFIXES + """PREFIX time: <http://www.w3.org/2006/time#>
SELECT DISTINCT ?e ?issued ?period WHERE {
  { ?e kg:mentionedIn ?a . ?a dcterms:issued ?issued }
  UNION { ?x kg:observedEntity ?e ; kg:period ?period }
  UNION { ?x kg:eventSubject|kg:eventObject ?e ; time:hasTime ?t . BIND(STRAFTER(STR(?t), "/period/") AS ?period) }
}
"""

EDGE_DATES = _PREFIXES + """
SELECT DISTINCT ?s ?p ?o ?issued WHERE {
  ?st a kg:RelationStatement ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; prov:wasDerivedFrom ?sent .
  ?sent kg:inArticle ?a . ?a dcterms:issued ?issued .
}
"""


def _span(issued: object, period: object) -> str | None:
    """An article's date, or a fact's period as an ISO 8601 date or interval "first/last day"."""
    if issued is not None:
        return str(issued)
    bounds = period_bounds(unquote(str(period or "")))
    if bounds is None:
        return None
    return bounds[0] if bounds[0] == bounds[1] else f"{bounds[0]}/{bounds[1]}"


def attach_dates(store: Store, graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """Give every node and edge ``dates``: the sorted ISO dates and intervals it is attested on.

    A node: the published dates of the articles mentioning it and the periods of its facts
    (observations, events); an edge: the published dates of the articles stating it. Kept apart
    from the graph queries so that pages can filter by date without changing them. Periods are
    read from their ISO literal (kg:period, the period IRI's tail): joining the OWL-Time instants,
    which every article's graph repeats, multiplies rows in the union default graph."""
    found: dict[str, set[str]] = defaultdict(set)
    for e, issued, period in store.select(NODE_DATES).rows:
        span = _span(issued, period)
        if span:
            found[str(e)].add(span)
    for node, attrs in graph.nodes(data=True):
        attrs["dates"] = sorted(found.get(node, ()))
    stated: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    for s, p, o, issued in store.select(EDGE_DATES).rows:
        stated[(str(s), _local(p), str(o))].add(str(issued))
    for s, o, key, attrs in graph.edges(keys=True, data=True):
        attrs["dates"] = sorted(stated.get((s, attrs.get("predicate", key), o), ()))
    return graph


def neighbourhood(graph: nx.MultiDiGraph, node: str, hops: int = 2) -> nx.MultiDiGraph:
    """The entity and everything within `hops` relations of it, in either direction; nodes in IRI
    order, edges in the graph's order. (A networkx subgraph of a few nodes iterates the set of them,
    in an order that changed with each process's string hashing: so did the digest of every entity
    page, which was redrawn on every run.)"""
    keep = set(nx.ego_graph(graph.to_undirected(as_view=True), node, radius=hops).nodes)
    near = nx.MultiDiGraph()
    near.graph.update(graph.graph)
    ordered = sorted(keep)
    near.add_nodes_from((n, dict(graph.nodes[n])) for n in ordered)
    near.add_edges_from((u, v, k, dict(attrs)) for u in ordered for v, keyed in graph.adj[u].items() if v in keep
                        for k, attrs in keyed.items())
    return near


def graph_from_result(store: Store, result: Table | Graph | bool) -> nx.MultiDiGraph:
    """A CONSTRUCT result, or a SELECT with ?s ?p ?o, as a graph; names come from the store."""
    if isinstance(result, Graph):
        triples = [(s, p, o) for s, p, o in result]
    elif isinstance(result, Table) and {"s", "p", "o"} <= set(result.variables):
        triples = [(r["s"], r["p"], r["o"]) for r in result.dicts()]
    else:
        raise QueryError("a page needs a CONSTRUCT query, or a SELECT of ?s ?p ?o")
    full = entity_graph(store)
    labels = predicate_labels(store)
    graph = nx.MultiDiGraph()

    def add(term: Any) -> str:
        key = str(term)
        if key not in graph:
            attrs = dict(full.nodes[key]) if key in full else {
                "label": str(term) if isinstance(term, Literal) else _local(key).rsplit("/", 1)[-1],
                "category": "Organization", "aliases": [], "articles": 0, "evidence": [], "url": None}
            graph.add_node(key, **attrs)
        return key

    for s, p, o in triples:
        if s is None or p is None or o is None or not isinstance(p, URIRef):
            continue
        name = _local(p).rsplit("/", 1)[-1]
        zh, en = labels.get(name, (name, name))
        stated = full.get_edge_data(str(s), str(o), key=name) if str(s) in full and str(o) in full else None
        graph.add_edge(add(s), add(o), key=name, predicate=name, label_zh=zh, label_en=en,
                       evidence=(stated or {}).get("evidence", []))
    return graph
