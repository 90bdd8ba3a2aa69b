"""The generated pages: output/index.html, output/network.html, output/timeline.html,
output/entity/<slug>.html, output/article/<slug>.html.
Reads the store through kg.network and kg.query; draws through kg.render."""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Container, Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import networkx as nx
from rdflib import URIRef

from kg.files import folder_lock, remove_leftovers, write_atomic
from kg.iri import article_id_from_graph, slug
from kg.network import _local, attach_dates, curated_relations, entity_graph, evidence_item, graph_from_result, neighbourhood
from kg.query import cell, run
from kg.rdf import period_bounds
from kg.schema import EVENT_TYPES
from kg.store import Store
from kg.vocab import KG, UNIT_TERMS

# every article as the index lists it (its text is read only for the article pages drawn)
ARTICLE_LIST = """PREFIX kg: <https://w3id.org/fintech-kg/ontology#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?a ?id ?title ?outlet ?published ?url WHERE {
  ?a a kg:Article ; dcterms:identifier ?id ; dcterms:title ?title .
  OPTIONAL { ?a kg:outlet ?outlet } OPTIONAL { ?a dcterms:issued ?published }
  OPTIONAL { ?a kg:sourceUrl ?url }
} ORDER BY DESC(?published) ?id"""
ARTICLE_TEXTS = "SELECT ?a ?text WHERE { ?a <https://w3id.org/fintech-kg/ontology#text> ?text }"  # ?a bound

# The entity's figures and events, and for an event the other party: its object (who imposed the
# penalty, who was acquired) on the subject's page, its subject on the object's page. DISTINCT: a
# name stated in several graphs comes once per graph from the union default graph.
FACTS = """PREFIX kg: <https://w3id.org/fintech-kg/ontology#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX time: <http://www.w3.org/2006/time#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT DISTINCT ?x ?what ?value ?u ?period ?text ?title ?aid ?start ?other ?other_name ?role WHERE {
  {
    ?x kg:observedEntity ?e ; kg:metric ?what ; kg:value ?value ; kg:unit ?u ; kg:period ?period .
  } UNION {
    {
      ?x kg:eventSubject ?e ; a ?what . BIND(kg:eventObject AS ?role)
      OPTIONAL { ?x kg:eventObject ?other . OPTIONAL { ?other skos:prefLabel ?other_name . FILTER(LANG(?other_name) = "zh") } }
    } UNION {
      ?x kg:eventObject ?e ; kg:eventSubject ?other ; a ?what . BIND(kg:eventSubject AS ?role)
      OPTIONAL { ?other skos:prefLabel ?other_name . FILTER(LANG(?other_name) = "zh") }
    }
    FILTER(STRSTARTS(STR(?what), STR(kg:)) && ?what != kg:Event)
    OPTIONAL { ?x kg:valueAfter|kg:amount ?value }
    OPTIONAL { ?x time:hasTime ?t . BIND(STRAFTER(STR(?t), "/period/") AS ?period) }
  }
  ?x prov:wasDerivedFrom ?s . ?s kg:text ?text ; kg:startOffset ?start ; kg:inArticle ?a .
  ?a dcterms:title ?title ; dcterms:identifier ?aid .
} ORDER BY ?period ?x"""


def entity_href(iri: str) -> str:
    return f"entity/{slug(iri)}.html"


def article_href(article_id: str) -> str:
    """article/<id>.html when the id is a safe file name; any other id is made one and told apart
    from its look-alikes by a digest (article ids are free text: 快手 and 京东 must not share a page)."""
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", article_id).lstrip(".")
    if safe != article_id or not safe:
        safe = f"{safe[:60]}-{hashlib.sha1(article_id.encode('utf-8')).hexdigest()[:10]}"
    return f"article/{safe}.html"


def sentence_href(article_id: str, start: int, prefix: str = "") -> str:
    """The link to a sentence in its article's page, from a page `prefix` away from the site root."""
    from kg.render.article_page import sentence_anchor

    return f"{prefix}{article_href(article_id)}#{sentence_anchor(start)}"


def _linked_evidence(items: list[dict[str, Any]], prefix: str) -> list[dict[str, Any]]:
    """Evidence items with a link to their sentence (new dicts: graph copies share the old ones)."""
    return [{**item, "url": sentence_href(item["articleId"], item["start"], prefix)}
            if item.get("articleId") is not None and item.get("start") is not None else item for item in items]


def _link_graph_evidence(graph: nx.MultiDiGraph, prefix: str) -> None:
    for _, attrs in graph.nodes(data=True):
        attrs["evidence"] = _linked_evidence(attrs.get("evidence", []), prefix)
    for _, _, attrs in graph.edges(data=True):
        attrs["evidence"] = _linked_evidence(attrs.get("evidence", []), prefix)


def _fact(r: dict[str, Any], labels: dict[str, tuple[str, str]], pages: Container[str]) -> dict[str, Any]:
    """A fact row for an entity page: names of metric or event type, unit and role in the ontology's
    zh and en labels; the other party linked when it has a page (is in ``pages``)."""
    value = r["value"].toPython() if r["value"] is not None else None
    unit = r["u"] if r["u"] is not None or value is None else UNIT_TERMS["CNY"]  # event amounts are in yuan
    what, other = cell(r["what"]), cell(r["other"])
    name, unit_name, role = (labels.get(str(t), ("", "")) if t is not None else ("", "")
                             for t in (r["what"], unit, r["role"]))
    observed = r["role"] is None
    return {
        "metric": _local(what) if observed else None, "type": None if observed else _local(what),
        "name_zh": name[0], "name_en": name[1],
        "value": float(value) if value is not None else None, "unit": _local(unit) if unit is not None else "",
        "unit_zh": unit_name[0], "unit_en": unit_name[1],
        "period": cell(r["period"]), "evidence": evidence_item(r["text"], r["title"], r["aid"], r["start"]),
        "article": cell(r["title"]),
        "other_label": cell(r["other_name"]) or other, "role_zh": role[0], "role_en": role[1],
        "other_url": f"../{entity_href(other)}" if other and other in pages else None,
    }


FACTS_BY_ENTITY = FACTS.replace("SELECT DISTINCT ?x ", "SELECT DISTINCT ?e ?x ", 1)
_FACT_VARS = ("e", "x", "what", "value", "u", "period", "text", "title", "aid", "start", "other", "other_name", "role")


def all_facts(store: Store, pages: Container[str] = (), entities: list[str] | None = None,
              labels: dict[str, tuple[str, str]] | None = None) -> dict[str, list[dict[str, Any]]]:
    """Entity IRI → its observations and events (one query for every entity page, or per batch of
    ``entities``); one row per fact and role, whichever spelling of the other party's name came first."""
    labels = _term_labels(store) if labels is None else labels
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    seen: set[tuple[str, str, str]] = set()
    for row in _select_for(store, FACTS_BY_ENTITY, "e", entities):
        r = dict(zip(_FACT_VARS, row))
        key = (str(r["e"]), str(r["x"]), str(r["role"]))
        if key not in seen:
            seen.add(key)
            out[key[0]].append(_fact(r, labels, pages))
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


PAGE_FOLDERS = ("entity", "article")  # one page per entity, per article: removed with it
# the navigation of a page in one of those folders
SUBPAGE_LINKS = {"总览 Overview": "../index.html", "全图 Network": "../network.html", "时间线 Timeline": "../timeline.html"}


@dataclass
class SiteReport:
    folder: Path
    written: list[str] = field(default_factory=list)
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)
    # how many articles had their sources (text, sentences, mentions, facts) read, and how many
    # entities their facts and mentions: what changed since the last run, not the corpus
    articles_read: int = 0
    entities_read: int = 0


def write_site(store: Store, out_dir: str | Path) -> Path:
    """Every page for the store's graph; returns the folder (see `update_site`)."""
    return update_site(store, out_dir).folder


def update_site(store: Store, out_dir: str | Path, *, force: bool = False) -> SiteReport:
    """Bring the pages up to date with the store, rewriting only pages whose content changed.

    When the store is as it was at the last run (same article graphs, registry, entity graph,
    ontology and drawing code), nothing is read beyond that stamp and no page is written. Otherwise
    the sources of an article or entity are read only when they may have changed (see `_Ledger`);
    ``force`` reads and draws everything. One writer
    at a time per folder (a lock file in it): each page is replaced atomically, the temporary files
    of an interrupted run are deleted first, and pages of entities no longer in the graph are removed.
    """
    out = Path(out_dir)
    report = SiteReport(out)
    with folder_lock(out):
        for folder in (out, *(out / f for f in PAGE_FOLDERS)):
            remove_leftovers(folder)
        state = _read_state(out)
        stamp = store_stamp(store)
        if not force and state.get("stamp") == stamp and all((out / p).exists() for p in state["pages"]):
            report.unchanged = len(state["pages"])
            return report
        for folder in PAGE_FOLDERS:
            (out / folder).mkdir(parents=True, exist_ok=True)
        pages: dict[str, str] = {}  # path → digest; each page is drawn as planned, not all held at once
        previous = None if force else _Ledger.load(state.get("plan"))
        plan = _Plan(store, _code_digest(), previous, {} if force else state["pages"])
        for page in _plan(store, plan):
            pages[page.path] = page.inputs
            if force or state["pages"].get(page.path) != page.inputs or not (out / page.path).exists():
                page.draw(out / page.path)
                report.written.append(page.path)
            else:
                report.unchanged += 1
        for page_file in (p for folder in PAGE_FOLDERS for p in (out / folder).glob("*.html")):
            relative = page_file.relative_to(out).as_posix()
            if relative not in pages:
                page_file.unlink(missing_ok=True)
                report.removed.append(relative)
        report.articles_read, report.entities_read = plan.read_articles, plan.read_entities
        _write_state(out, stamp, pages, plan.ledger)
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


def _write_state(out: Path, stamp: str, pages: dict[str, str], ledger: _Ledger) -> None:
    write_atomic(out / PAGES_STATE, json.dumps({"stamp": stamp, "pages": pages, "plan": ledger.dump()},
                                               ensure_ascii=False))


_STAMP = f"SELECT ?g ?h WHERE {{ GRAPH ?g {{ ?s {KG.contentHash.n3()} ?h }} }}"
_VERSIONS = f"SELECT ?g ?v WHERE {{ GRAPH ?g {{ ?a {KG.extractorVersion.n3()} ?v }} }}"


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
    versions = store.select(_VERSIONS).rows
    rows += sorted(f"{g}\t{v}" for g, v in versions)
    return _digest(["\n".join(rows), _code_digest()])


def _digest(data: Any) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()[:24]


_SOURCE_PREFIXES = """PREFIX kg: <https://w3id.org/fintech-kg/ontology#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX time: <http://www.w3.org/2006/time#>
"""
# the sources of the articles bound to ?a (a batch at a time)
SENTENCES = _SOURCE_PREFIXES + """SELECT ?a ?start ?end WHERE {
  ?s a kg:Sentence ; kg:inArticle ?a ; kg:startOffset ?start ; kg:endOffset ?end }"""
MENTIONS = _SOURCE_PREFIXES + """SELECT ?a ?start ?end ?e WHERE {
  ?m a kg:Mention ; kg:inArticle ?a ; kg:startOffset ?start ; kg:endOffset ?end ; kg:mentionOf ?e }"""
# where each entity is mentioned (small rows); the texts of the sentences shown are read after
MENTION_PLACES = _SOURCE_PREFIXES + """SELECT DISTINCT ?e ?s ?aid ?start WHERE {
  ?m kg:mentionOf ?e ; kg:inSentence ?s . ?s kg:startOffset ?start ; kg:inArticle ?a . ?a dcterms:identifier ?aid }"""
SENTENCE_TEXTS = _SOURCE_PREFIXES + """SELECT ?s ?text ?title WHERE {
  ?s kg:text ?text ; kg:inArticle ?a . ?a dcterms:title ?title }"""
MAX_MENTIONS = 20  # sentences listed on an entity's page; the page counts the rest
# every extracted fact with the sentence it was read from (curated ones have no sentence), one
# query per kind, each starting from the article: bound to a few articles, a query that starts from
# the facts (or unions the kinds) still walks every fact of the corpus
_FACT_SELECT = _SOURCE_PREFIXES + """SELECT ?a ?start ?text ?kind ?s ?p ?o ?value ?before ?unit ?period WHERE {
  ?sent kg:inArticle ?a ; kg:startOffset ?start ; kg:text ?text . ?x prov:wasDerivedFrom ?sent .
  """
RELATION_FACTS = _FACT_SELECT + """?x a kg:RelationStatement ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o .
  BIND("relation" AS ?kind) }"""
OBSERVATION_FACTS = _FACT_SELECT + """?x a kg:Observation ; kg:observedEntity ?s ; kg:metric ?p ; kg:value ?value ;
     kg:unit ?unit ; kg:period ?period . BIND("observation" AS ?kind) }"""
EVENT_FACTS = _FACT_SELECT + """?x kg:eventSubject ?s ; a ?p . VALUES ?p { %s } BIND("event" AS ?kind)
  OPTIONAL { ?x kg:eventObject ?o } OPTIONAL { ?x kg:valueBefore ?before }
  OPTIONAL { ?x kg:valueAfter|kg:amount ?value }
  OPTIONAL { ?x time:hasTime ?t . BIND(STRAFTER(STR(?t), "/period/") AS ?period) } }""" % " ".join(
    f"kg:{t}" for t in EVENT_TYPES)
SOURCE_FACTS = (RELATION_FACTS, OBSERVATION_FACTS, EVENT_FACTS)  # an article page's facts
TIMELINE_FACTS = (OBSERVATION_FACTS, EVENT_FACTS)  # the timeline's, of the whole corpus (relations have no date)
TERM_LABELS = _SOURCE_PREFIXES + """SELECT ?t ?zh ?en WHERE {
  ?t rdfs:label ?zh . FILTER(LANG(?zh) = "zh" && STRSTARTS(STR(?t), STR(kg:)))
  OPTIONAL { ?t rdfs:label ?en . FILTER(LANG(?en) = "en") } }"""


def _term_labels(store: Store) -> dict[str, tuple[str, str]]:
    """Ontology term IRI → (zh label, en label): predicates, metrics, event types, units."""
    return {str(t): (str(zh), str(en or zh)) for t, zh, en in store.select(TERM_LABELS).rows}


def _number(term: Any) -> float | None:
    return float(term.toPython()) if term is not None else None


BATCH = 200  # articles (or entities) whose sources are read in one query per kind


def _bound(iris: list[str]) -> tuple[URIRef, ...]:
    return tuple(URIRef(i) for i in iris)


class _Sources:
    """What the article pages and the timeline show. The list of articles is read whole (the index
    lists them); their texts, sentences, mentions and facts only for the articles asked for, a batch
    at a time, so memory follows the batch, not the corpus. ``read`` counts the articles read."""

    def __init__(self, store: Store, graph: nx.MultiDiGraph, labels: dict[str, tuple[str, str]]) -> None:
        self.store, self.graph, self.labels = store, graph, labels
        self.articles = {str(r["a"]): r for r in store.select(ARTICLE_LIST).dicts()}
        self.read = 0

    def entity(self, iri: Any, prefix: str, aliases: bool = True) -> dict[str, Any] | None:
        """An entity as a fact or mention names it; ``aliases`` only where a page shows them (the
        timeline's name filter), so an article page does not change with another article's aliases."""
        if iri is None:
            return None
        attrs = self.graph.nodes.get(str(iri))
        if attrs is None:
            ref = {"label": str(iri).rsplit("/", 1)[-1], "url": None, "category": None, "aliases": []}
        else:
            ref = {"label": attrs["label"], "url": f"{prefix}{entity_href(str(iri))}", "category": attrs["category"],
                   "aliases": attrs.get("aliases", [])}
        if not aliases:
            del ref["aliases"]
        return ref

    def fact(self, f: dict[str, Any], prefix: str, aliases: bool = True) -> dict[str, Any]:
        """A fact as the pages show it: names of the entities, of the predicate, metric or event type."""
        zh, en = self.labels.get(str(f["p"]), (_local(f["p"]), _local(f["p"])))
        unit = self.labels.get(str(f["unit"] or UNIT_TERMS["CNY"]), ("", ""))[0]  # event amounts are in yuan
        return {"kind": cell(f["kind"]), "start": int(f["start"]), "what": zh, "what_en": en,
                "subject": self.entity(f["s"], prefix, aliases), "object": self.entity(f["o"], prefix, aliases),
                "value": _number(f["value"]), "before": _number(f["before"]),
                "unit": unit if f["value"] is not None else "", "when": cell(f["period"])}

    def contents(self, articles: list[str], links: dict[str, str]) -> dict[str, tuple[dict[str, Any], list[str]]]:
        """Article IRI → (its page's content, the entities it names), for these articles only."""
        texts: dict[str, Any] = {}
        sentences: dict[str, list[dict[str, int]]] = defaultdict(list)
        mentions: dict[str, list[dict[str, Any]]] = defaultdict(list)
        facts: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for start in range(0, len(articles), BATCH):
            bound = {"a": _bound(articles[start:start + BATCH])}
            texts.update({str(a): text for a, text in self.store.select(ARTICLE_TEXTS, bound).rows})
            for a, begin, end in self.store.select(SENTENCES, bound).rows:
                sentences[str(a)].append({"start": int(begin), "end": int(end)})
            for a, begin, end, e in self.store.select(MENTIONS, bound).rows:
                mentions[str(a)].append({"start": int(begin), "end": int(end), "entity": str(e)})
            for a, row in _fact_rows(r for q in SOURCE_FACTS for r in self.store.select(q, bound).rows):
                facts[a].append(row)
        self.read += len(articles)
        return {a: (self.article_content(a, texts.get(a), sentences[a], mentions[a], facts[a], links),
                    sorted({m["entity"] for m in mentions[a]} | {str(f[k]) for f in facts[a] for k in ("s", "o")
                                                                 if f[k] is not None}))
                for a in articles}

    def article_content(self, a: str, text: Any, sentences: list[dict[str, int]], mentions: list[dict[str, Any]],
                        facts: list[dict[str, Any]], links: dict[str, str]) -> dict[str, Any]:
        """One article page's content; ties in every order broken on what is shown, not on the
        order the store returned rows in (a batch and the whole corpus give the same page)."""
        r = self.articles[a]
        article = {"id": cell(r["id"]), "title": cell(r["title"]), "outlet": cell(r["outlet"]),
                   "published": cell(r["published"]), "source_url": cell(r["url"]), "text": cell(text)}
        shown = []
        for m in mentions:
            ref = self.entity(m["entity"], "../", aliases=False)
            shown.append({"start": m["start"], "end": m["end"], **{k: ref[k] for k in ("label", "url", "category")}})
        return {"article": article, "sentences": sorted(sentences, key=lambda s: (s["start"], s["end"])),
                "mentions": sorted(shown, key=lambda m: (m["start"], m["end"], m["label"], m["url"] or "")),
                "facts": sorted((self.fact(f, "../", aliases=False) for f in facts), key=_fact_order),
                "links": links}

    def timeline(self) -> tuple[list[dict[str, Any]], int]:
        """Events and figures that have a date, in date order; and how many have none."""
        rows, undated = [], 0
        for a, f in _fact_rows(r for q in TIMELINE_FACTS for r in self.store.select(q).rows):
            r = self.articles.get(a)
            if r is None:
                continue
            bounds = period_bounds(cell(f["period"]))
            if bounds is None:
                undated += 1
                continue
            row = self.fact(f, "")
            evidence = {"text": cell(f["text"]), "article": cell(r["title"]),
                        "url": sentence_href(cell(r["id"]), int(f["start"]))}
            rows.append({**row, "date": row.pop("when"), "sort": bounds[0], "evidence": evidence})
        rows.sort(key=lambda r: (r["sort"], r["date"], r["subject"]["label"], r["what"], r["evidence"]["url"],
                                 *_fact_order(r)[1:]))
        return rows, undated


def _fact_rows(rows: Iterable[tuple[Any, ...]]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(article IRI, fact) per row of SOURCE_FACTS or TIMELINE_FACTS; a triple held in two graphs
    comes back twice from the union default graph, and once here."""
    seen: set[tuple[Any, ...]] = set()
    for row in rows:
        if row not in seen:
            seen.add(row)
            yield str(row[0]), dict(zip(("start", "text", "kind", "s", "p", "o", "value", "before", "unit",
                                         "period"), row[1:]))


def _fact_order(f: dict[str, Any]) -> tuple[Any, ...]:
    """Facts in sentence order; within a sentence by kind, name, parties and figures."""
    def name(ref: dict[str, Any] | None) -> tuple[str, str]:
        return (ref["label"], ref["url"] or "") if ref else ("", "")

    return (f["start"], f["kind"], f["what"], name(f["subject"]), name(f["object"]),
            f["value"] is None, f["value"] or 0, f["before"] is None, f["before"] or 0, f.get("when") or "")


def mention_evidence(store: Store, prefix: str = "../", entities: list[str] | None = None) -> dict[str, dict[str, Any]]:
    """Entity IRI → ``items``: the first MAX_MENTIONS sentences that mention it (by article id and
    place), each linked to its place in its article's page, and ``total``: how many there are.
    Only the listed sentences' texts are read: an entity named in 10,000 articles costs 20 texts.
    ``entities``: only these (a page plan that redraws a few entity pages reads only theirs)."""
    places: dict[str, list[tuple[str, int, str]]] = defaultdict(list)
    for e, sentence, aid, start in _select_for(store, MENTION_PLACES, "e", entities):
        places[str(e)].append((str(aid), int(start), str(sentence)))
    shown = {e: sorted(found)[:MAX_MENTIONS] for e, found in places.items()}
    texts = _sentence_texts(store, sorted({s for found in shown.values() for *_, s in found}))
    return {e: {"total": len(places[e]),
                "items": _linked_evidence([evidence_item(*texts[s], aid, start) for aid, start, s in found
                                           if s in texts], prefix)}
            for e, found in shown.items()}


def _select_for(store: Store, query: str, var: str, iris: list[str] | None) -> Iterator[tuple[Any, ...]]:
    """The rows of a query, for every ?var (None) or for these IRIs, a batch at a time."""
    if iris is None:
        yield from store.select(query).rows
        return
    for start in range(0, len(iris), BATCH):
        yield from store.select(query, {var: _bound(iris[start:start + BATCH])}).rows


def _sentence_texts(store: Store, sentences: list[str], batch: int = 500) -> dict[str, tuple[str, str]]:
    """Sentence IRI → (its text, its article's title)."""
    out: dict[str, tuple[str, str]] = {}
    for start in range(0, len(sentences), batch):
        chosen = tuple(URIRef(s) for s in sentences[start:start + batch])  # bound as one VALUES row each
        rows = store.select(SENTENCE_TEXTS, {"s": chosen}).rows
        out.update({str(s): (str(text), str(title)) for s, text, title in rows})
    return out


def _draw(write: Callable[..., Path], content: dict[str, Any], path: Path) -> Path:
    return write(path, **content)


@dataclass
class _Ledger:
    """What a plan was made from, kept with the pages' digests so the next plan can tell which
    pages' sources are unchanged without reading them: the basis every page shares (drawing code,
    ontology, registry, term labels), per article page its article's key (content hash, extractor
    version, listed fields) and the entities it names, per entity the part of it an article page
    shows (name, category) and the digest of its facts and mentions."""

    basis: str = ""
    articles: dict[str, tuple[str, list[str]]] = field(default_factory=dict)
    shown: dict[str, str] = field(default_factory=dict)
    facts: dict[str, str] = field(default_factory=dict)

    def dump(self) -> dict[str, Any]:
        """JSON, each entity IRI written once (an article's entities as indices into that list)."""
        names = sorted({e for _, refs in self.articles.values() for e in refs})
        index = {e: i for i, e in enumerate(names)}
        return {"basis": self.basis, "entities": names, "shown": self.shown, "facts": self.facts,
                "articles": {p: [k, [index[e] for e in refs]] for p, (k, refs) in self.articles.items()}}

    @classmethod
    def load(cls, data: Any) -> _Ledger | None:
        try:
            names = data["entities"]
            return cls(data["basis"], {p: (k, [names[i] for i in refs]) for p, (k, refs) in data["articles"].items()},
                       dict(data["shown"]), dict(data["facts"]))
        except (KeyError, TypeError, ValueError, IndexError):
            return None


ARTICLE_KEYS = f"""SELECT ?a ?h ?v WHERE {{ GRAPH ?g {{
  ?a a {KG.Article.n3()} ; {KG.contentHash.n3()} ?h ; {KG.extractorVersion.n3()} ?v }} }}"""


def _basis(store: Store, code: str, labels: dict[str, tuple[str, str]]) -> str:
    """What every page depends on beside its own sources: a change of it rereads every source."""
    shared = sorted(f"{g}\t{h}" for g, h in store.select(_STAMP).rows if article_id_from_graph(str(g)) is None)
    return _digest([code, sorted(labels.items()), shared])


def _shown(graph: nx.MultiDiGraph) -> dict[str, str]:
    """Entity → a digest of what an article page (and another entity's facts) show of it."""
    return {node: _digest([attrs["label"], attrs["category"]]) for node, attrs in graph.nodes(data=True)}


@dataclass
class _Plan:
    """The inputs of one plan: the store, what the last plan recorded (None: read everything) and
    what this one records; ``read_entities`` counts the entities whose facts and mentions were read."""

    store: Store
    code: str
    previous: _Ledger | None
    pages: dict[str, str]
    ledger: _Ledger = field(default_factory=_Ledger)
    changed: set[str] = field(default_factory=set)  # entities whose facts and mentions are read again
    read_articles: int = 0
    read_entities: int = 0


def _article_pages(plan: _Plan, sources: _Sources) -> Iterator[Page]:
    """A page per article. An article whose key, named entities' names and categories and the basis
    are as last time keeps its digest unread; the others are read a batch at a time."""
    from kg.render import write_article_page

    prev, keys = plan.previous, {str(a): f"{h}\t{v}" for a, h, v in plan.store.select(ARTICLE_KEYS).rows}
    moved = {e for e in set(plan.ledger.shown) | set(prev.shown if prev else ())
             if plan.ledger.shown.get(e) != (prev.shown.get(e) if prev else None)}
    items = list(sources.articles.items())
    for start in range(0, len(items), BATCH):
        chunk = [(a, article_href(cell(r["id"])), _digest([keys.get(a), [cell(v) for v in r.values()]]))
                 for a, r in items[start:start + BATCH]]
        todo = [a for a, path, key in chunk if not _unchanged(plan, path, key, moved)]
        read = sources.contents(todo, SUBPAGE_LINKS) if todo else {}
        for a, path, key in chunk:
            if a in read:
                content, refs = read[a]
                plan.changed.update(refs)
                if prev and path in prev.articles:
                    plan.changed.update(prev.articles[path][1])
                page = Page(path, _digest([plan.code, content]), partial(_draw, write_article_page, content))
            else:
                refs = prev.articles[path][1]
                page = Page(path, plan.pages[path], partial(_draw_article, sources, a))
            plan.ledger.articles[path] = (key, refs)
            yield page
    for path, (_, refs) in (prev.articles.items() if prev else ()):
        if path not in plan.ledger.articles:  # a removed article: the entities it named lose its facts
            plan.changed.update(refs)


def _unchanged(plan: _Plan, path: str, key: str, moved: set[str]) -> bool:
    prev = plan.previous
    if prev is None or path not in prev.articles or path not in plan.pages:
        return False
    before, refs = prev.articles[path]
    return before == key and not moved.intersection(refs)


def _draw_article(sources: _Sources, a: str, path: Path) -> Path:
    """An unchanged article's page whose file is missing: read its sources now."""
    from kg.render import write_article_page

    return _draw(write_article_page, sources.contents([a], SUBPAGE_LINKS)[a][0], path)


def _timeline_page(sources: _Sources, code: str) -> Page:
    from kg.render import write_timeline_page

    rows, undated = sources.timeline()
    timeline = {"rows": rows, "undated": undated,
                "links": {"总览 Overview": "index.html", "全图 Network": "network.html"}}
    return Page("timeline.html", _digest([code, timeline]), partial(_draw, write_timeline_page, timeline))


def _entity_sources(plan: _Plan, graph: nx.MultiDiGraph, labels: dict[str, tuple[str, str]],
                    nodes: list[str]) -> dict[str, dict[str, Any]]:
    """Entity → its facts and mentions as its page shows them, read for these entities only."""
    facts = all_facts(plan.store, graph, nodes, labels)
    mentioned = mention_evidence(plan.store, entities=nodes)
    plan.read_entities += len(nodes)
    return {node: {"facts": [{**f, "evidence": _linked_evidence([f["evidence"]], "../")[0]}
                             for f in facts.get(node, [])],
                   "mentions": mentioned.get(node, {}).get("items", []),
                   "mentions_total": mentioned.get(node, {}).get("total", 0)} for node in nodes}


def _entity_pages(plan: _Plan, graph: nx.MultiDiGraph, labels: dict[str, tuple[str, str]]) -> Iterator[Page]:
    """A page per entity: its place in the graph (cheap, from the graph in memory) and its facts and
    mentions, read again only for the entities some changed article named (before or after)."""
    from kg.render import write_entity_page

    pages_graph = graph.copy()
    for node in graph.nodes:  # links from an entity page are relative to entity/
        pages_graph.nodes[node]["url"] = f"../{entity_href(node)}"
    _link_graph_evidence(pages_graph, "../")
    curated, prev = curated_relations(plan.store), plan.previous
    nodes = list(graph.nodes)
    for start in range(0, len(nodes), BATCH):
        chunk = nodes[start:start + BATCH]
        todo = [n for n in chunk if prev is None or n in plan.changed or n not in prev.facts
                or entity_href(n) not in plan.pages]
        read = _entity_sources(plan, graph, labels, todo) if todo else {}
        for node in chunk:
            attrs = pages_graph.nodes[node]
            near = neighbourhood(pages_graph, node, hops=1)  # its own relations: a change ripples one step
            content = {"entity": {**attrs, "iri": node, "url": None}, "neighbourhood": near,
                       "curated": _linked(curated.get(node, []), graph),
                       "links": SUBPAGE_LINKS, "network_href": "../network.html"}
            placed = _digest([plan.code, {**content, "neighbourhood": nx.node_link_data(near, edges="edges")}])
            if node in read:
                plan.ledger.facts[node] = _digest(read[node])
                draw = partial(_draw, write_entity_page, {**content, **read[node]})
            else:
                plan.ledger.facts[node] = prev.facts[node]
                draw = partial(_draw_entity, plan, graph, labels, node, content)
            yield Page(entity_href(node), _digest([placed, plan.ledger.facts[node]]), draw)


def _draw_entity(plan: _Plan, graph: nx.MultiDiGraph, labels: dict[str, tuple[str, str]], node: str,
                 content: dict[str, Any], path: Path) -> Path:
    """An entity page whose facts were not read (unchanged) but whose file is missing."""
    from kg.render import write_entity_page

    return _draw(write_entity_page, {**content, **_entity_sources(plan, graph, labels, [node])[node]}, path)


def _plan(store: Store, plan: _Plan | None = None) -> Iterator[Page]:
    """Every page of the site with the digest of its content; nothing is drawn here. With a
    ``plan`` holding the last run's ledger, only changed sources are read (see `_Ledger`)."""
    from kg.render import write_index_page, write_network_page

    code = _code_digest()
    plan = plan or _Plan(store, code, None, {})
    plan.code = code
    labels = _term_labels(store)
    plan.ledger.basis = _basis(store, code, labels)
    if plan.previous is not None and plan.previous.basis != plan.ledger.basis:
        plan.previous = None
    graph = attach_dates(store, entity_graph(store))
    for node in graph.nodes:
        graph.nodes[node]["url"] = entity_href(node)
    plan.ledger.shown = _shown(graph)
    sources = _Sources(store, graph, labels)
    yield from _article_pages(plan, sources)
    yield _timeline_page(sources, code)
    _link_graph_evidence(graph, "")
    title, subtitle = "金融科技知识图谱 · 全图", "fintech-kg: entities and relations of the corpus"
    network_links = {"总览 Overview": "index.html", "时间线 Timeline": "timeline.html"}
    yield Page("network.html", _digest([code, nx.node_link_data(graph, edges="edges")]),
               lambda path: write_network_page(graph, path, title=title, subtitle=subtitle, links=network_links))
    yield from _entity_pages(plan, graph, labels)
    plan.read_articles = sources.read
    counts = Counter(attrs["category"] for _, attrs in graph.nodes(data=True))
    articles = [{"id": cell(r["id"]), "title": cell(r["title"]), "outlet": cell(r["outlet"]),
                 "published": cell(r["published"]), "url": article_href(cell(r["id"]))}
                for r in sources.articles.values()]
    index_links = [("全图 Network", "network.html", None), ("时间线 Timeline", "timeline.html", None)] + [
        (attrs["label"], entity_href(node), attrs["category"]) for node, attrs in graph.nodes(data=True)]
    index = {"title": "金融科技知识图谱 fintech-kg", "category_counts": dict(counts), "articles": articles,
             "links": index_links}
    yield Page("index.html", _digest([code, index]), lambda path: write_index_page(path, **index))


def write_query_page(store: Store, query: str, path: str | Path, params: dict[str, str] | None = None) -> Path:
    """A network page from any CONSTRUCT, or SELECT ?s ?p ?o, query."""
    from kg.render import write_network_page

    graph: nx.MultiDiGraph = graph_from_result(store, run(store, query, params or {}))
    with folder_lock(Path(path).parent):
        return write_network_page(graph, path, title="查询结果 · Query result", subtitle=str(query)[:200])
