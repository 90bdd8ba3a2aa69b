"""Each entity described once: the entity graph merges what every article says of an entity.

An article graph holds, per entity it mentions, a kg:EntityDescription (the name, aliases and
categories read from that article, prov:wasDerivedFrom the article) and ``?e kg:mentionedIn
?article``; never the entity's skos labels or rdf:type. Those live once, in iri.ENTITIES_GRAPH,
merged here from every article's description and the registry, with each relation the entity
states to another entity (once, however many articles state it: the statements and their
evidence stay in the articles). A query joining labels, types and mentions, or walking a chain
of relations, then costs what its answer holds, not (articles naming the entity)^k copies.

The build calls `refresh` with the entities whose articles changed (before and after), so one
changed article rewrites the descriptions of its entities only, in one update per batch; with
inference, what is implied about those entities is rewritten with them (kg.inference).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import SKOS

from kg import iri
from kg.curated import curated_facts
from kg.extract.names.declared import DOCUMENT_NUMBER
from kg.inference import Rules, implied_for_entity, inferred_graph, is_entity
from kg.model import CATEGORIES
from kg.schema import PREDICATE_TABLE
from kg.registry import Registry, RegistryEntry
from kg.store import Store, ntriples
from kg.vocab import KG

BATCH = 400  # entities per update: one transaction, a VALUES block of reasonable size


@dataclass(frozen=True)
class Stated:
    """What one article says of an entity."""

    entity: str
    name: str
    categories: frozenset[str] = frozenset()  # ontology local names: Lender, OnlineMicroLender …
    aliases: tuple[str, ...] = ()
    found_by: frozenset[str] = frozenset()  # method IRIs: kg:RuleMethod …


def registry_entry(entity: str, registry: Registry) -> RegistryEntry | None:
    """The registry entry an entity IRI was minted from, if any (registry IRIs end in the key)."""
    if not entity.startswith(iri.ID):
        return None
    key = entity[len(iri.ID):]
    return None if key.startswith("e-") or "/" in key else registry.get(key)


@dataclass
class Said:
    """What every article says of an entity, counted: how many descriptions give each name and each
    top category, the finer kinds stated together with each top category, aliases, methods. Read
    as aggregates from the store (a batch of popular entities has tens of thousands of descriptions:
    read one by one, they took half a gigabyte and 40 s at 50,000 articles)."""

    names: Counter[str] = field(default_factory=Counter)
    categories: Counter[str] = field(default_factory=Counter)
    kinds: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    aliases: set[str] = field(default_factory=set)
    found_by: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, stated: Iterable[Stated]) -> Said:
        said = cls()
        for s in stated:
            said.names[s.name] += 1
            tops = [c for c in s.categories if c in CATEGORIES]
            said.categories.update(tops)
            for top in tops:
                said.kinds[top] |= {c for c in s.categories if c not in CATEGORIES}
            said.aliases.update(s.aliases)
            said.found_by |= s.found_by
        return said


def _preferred(names: Counter[str]) -> str:
    """The name most articles give; ties go to the longer, then the first in code-point order."""
    return min(names, key=lambda n: (-names[n], -len(n), n))


def _categories(said: Said, entry: RegistryEntry | None) -> set[str]:
    """One top category (the categories are disjoint): the registry's, else the one most articles
    state, ties in the declared order; with the finer kinds stated together with it."""
    counts = said.categories
    if entry is not None:
        top = entry.category
    elif counts:
        top = min(counts, key=lambda c: (-counts[c], CATEGORIES.index(c)))
    else:
        return set()
    kinds = set(said.kinds.get(top, ()))
    if entry is not None and entry.kind:
        kinds.add(entry.kind)
    return {top} | kinds


def merge(entity: str, said: Said | Iterable[Stated], registry: Registry) -> Graph:
    """The one description of an entity: one zh prefLabel (the registry's name, else the most
    stated one), every other name as an altLabel, every stated category as an rdf:type."""
    g, node = Graph(), URIRef(entity)
    said = said if isinstance(said, Said) else Said.of(said)
    entry = registry_entry(entity, registry)
    names = said.names
    categories = _categories(said, entry)
    for method in sorted(said.found_by):
        g.add((node, KG.foundBy, URIRef(method)))
    aliases = sorted(said.aliases)
    if entry is not None:
        preferred = entry.name
        aliases += entry.aliases
        g.add((node, KG.registryKey, Literal(entry.key)))
        if entry.name_en:
            g.add((node, SKOS.prefLabel, Literal(entry.name_en, lang="en")))
        if entry.wikidata:
            g.add((node, KG.wikidataId, Literal(entry.wikidata)))
            g.add((node, SKOS.exactMatch, URIRef(f"http://www.wikidata.org/entity/{entry.wikidata}")))
    elif names:
        preferred = _preferred(names)
    else:
        return g
    g.add((node, SKOS.prefLabel, Literal(preferred, lang="zh")))
    for cls in sorted(categories):
        g.add((node, RDF.type, KG[cls]))
    for alias in dict.fromkeys([*sorted(names), *aliases]):
        if alias != preferred:
            g.add((node, SKOS.altLabel, Literal(alias, lang="zh")))
            if "Regulation" in categories and DOCUMENT_NUMBER.fullmatch(alias):
                g.add((node, KG.documentNumber, Literal(alias)))
    return g


def stated_in(entities: Iterable) -> Iterator[Stated]:
    """What an extraction's entities (kg.model.Entity) say, as `merge` reads it."""
    from kg.rdf import METHODS

    for e in entities:
        yield Stated(e.id, e.name, frozenset(c for c in (e.category, e.kind) if c),
                     tuple(a for a in e.aliases if a != e.name), frozenset({str(METHODS[e.source])}))


def describe_alone(entities: Iterable, registry: Registry) -> Graph:
    """The descriptions one article alone gives (for `kg extract --format turtle`)."""
    g = Graph()
    for s in stated_in(entities):
        g += merge(s.entity, [s], registry)
    return g


_D = f"?d {KG.describes.n3()} ?e"
# one aggregate per part of what is said (a description's name and categories are counted once each)
_SAID = {
    "names": f"SELECT ?e ?x (COUNT(DISTINCT ?d) AS ?n) WHERE {{ {_D} ; {KG.statedName.n3()} ?x }} GROUP BY ?e ?x",
    "categories": f"SELECT ?e ?x (COUNT(DISTINCT ?d) AS ?n) WHERE {{ {_D} ; {KG.statedCategory.n3()} ?x }} GROUP BY ?e ?x",
    "kinds": f"SELECT DISTINCT ?e ?x ?y WHERE {{ {_D} ; {KG.statedCategory.n3()} ?x, ?y . FILTER(?x != ?y) }}",
    "aliases": f"SELECT DISTINCT ?e ?x WHERE {{ {_D} ; {KG.statedAlias.n3()} ?x }}",
    "found_by": f"SELECT DISTINCT ?e ?x WHERE {{ {_D} ; {KG.foundBy.n3()} ?x }}",
}


# what an entity is related to, from every graph but the entity graph's own: the relation, and its
# inverse where inference wrote it (the mirror triples of an article's inferred graph)
_RELATIONS = " ".join(KG[n].n3() for p in PREDICATE_TABLE for n in (p.key, p.inverse) if n)
# what the entity graph (and its inferred graph) says is being rewritten: read from the others
_NOT_OURS = (f"FILTER(?g != {URIRef(iri.ENTITIES_GRAPH).n3()} && "
             f"?g != {URIRef(inferred_graph(iri.ENTITIES_GRAPH)).n3()})")
_RELATED = f"SELECT DISTINCT ?e ?p ?o WHERE {{ VALUES ?p {{ {_RELATIONS} }} GRAPH ?g {{ ?e ?p ?o }} {_NOT_OURS} }}"


def _related(store: Store, entities: list[str]) -> Graph:
    """Each relation these entities state to another entity, once: queries that walk relations (an
    ownership chain) then walk one triple per pair, not one per article that states it."""
    g = Graph()
    query = _RELATED.replace("WHERE { ", f"WHERE {{ VALUES ?e {{ {_values(entities)} }} ", 1)
    for e, p, o in store.select(query).rows:
        if is_entity(o):
            g.add((e, p, o))
    return g


def _values(entities: list[str]) -> str:
    return " ".join(URIRef(e).n3() for e in entities)


def _read_said(store: Store, entities: list[str]) -> dict[str, Said]:
    """What every article's description says of these entities, counted in the store."""
    out: dict[str, Said] = defaultdict(Said)
    values = f"VALUES ?e {{ {_values(entities)} }} "
    local = lambda term: str(term).rsplit("#", 1)[-1]  # noqa: E731 - a category's local name
    for part, query in _SAID.items():
        for row in store.select(query.replace("WHERE { ", "WHERE { " + values, 1)).rows:
            said = out[str(row[0])]
            if part == "names":
                said.names[str(row[1])] += int(row[2])
            elif part == "categories" and local(row[1]) in CATEGORIES:
                said.categories[local(row[1])] += int(row[2])
            elif part == "kinds" and local(row[1]) in CATEGORIES and local(row[2]) not in CATEGORIES:
                said.kinds[local(row[1])].add(local(row[2]))
            elif part == "aliases":
                said.aliases.add(str(row[1]))
            elif part == "found_by":
                said.found_by.add(str(row[1]))
    return out


def curated_entities(registry: Registry) -> set[str]:
    """Entities the registry's curated relations name: described even when no article does."""
    keys = {k for s, _, o in curated_facts(registry) for k in (s, o)}
    return {iri.entity_iri(registry_key=k) for k in keys if registry.get(k) is not None}


def described_entities(store: Store) -> set[str]:
    """Every entity the entity graph or an article's description names."""
    rows = store.select(f"SELECT DISTINCT ?e WHERE {{ {{ GRAPH ?g {{ ?e a ?c }} }} UNION "
                        f"{{ ?d {KG.describes.n3()} ?e }} }}", {"g": URIRef(iri.ENTITIES_GRAPH)}).rows
    return {str(r[0]) for r in rows}


def refresh(store: Store, entities: Iterable[str] | None, registry: Registry, rules: Rules | None = None) -> int:
    """Rewrite the entity graph's descriptions of these entities (None: of all), and with `rules`
    what is implied about each (in the entity graph's inferred graph, entity by entity); how many."""
    curated = curated_entities(registry)
    todo = sorted(described_entities(store) | curated if entities is None else set(entities))
    for start in range(0, len(todo), BATCH):
        batch = todo[start:start + BATCH]
        said = _read_said(store, batch)
        merged = Graph()
        for e in batch:
            if e in said or e in curated:
                merged += merge(e, said.get(e, Said()), registry)
        merged += _related(store, batch)
        implied = _implied(store, batch, merged, rules) if rules else Graph()
        store.update(" ;\n".join(_rewrite(graph, batch, triples) for graph, triples in (
            (iri.ENTITIES_GRAPH, merged), (inferred_graph(iri.ENTITIES_GRAPH), implied))))
    return len(todo)


def _rewrite(graph: str, entities: list[str], triples: Graph) -> str:
    """The update that replaces what a graph says about these entities (as subjects) with `triples`."""
    g = URIRef(graph).n3()
    insert = f" ;\nINSERT DATA {{ GRAPH {g} {{\n{ntriples(triples)}\n}} }}" if len(triples) else ""
    return f"DELETE {{ GRAPH {g} {{ ?e ?p ?o }} }} WHERE {{ VALUES ?e {{ {_values(entities)} }} GRAPH {g} {{ ?e ?p ?o }} }}{insert}"


def _implied(store: Store, entities: list[str], descriptions: Graph, rules: Rules) -> Graph:
    """What is implied about each entity (kg.inference.implied_for_entity), from its description and
    the properties every graph uses from and to it (read once per batch, whatever the copies)."""
    values = _values(entities)
    uses: dict[str, set[tuple]] = defaultdict(set)
    for outgoing, pattern in ((True, "?e ?p ?o"), (False, "?o ?p ?e")):
        query = f"SELECT DISTINCT ?e ?p WHERE {{ VALUES ?e {{ {values} }} GRAPH ?g {{ {pattern} }} {_NOT_OURS} }}"
        for e, p in store.select(query).rows:
            uses[str(e)].add((p, outgoing))
    implied = Graph()
    for e in entities:
        implied += implied_for_entity(URIRef(e), descriptions, uses.get(e, ()), rules)
    return implied


def entities_of(store: Store, graphs: list[str]) -> set[str]:
    """The entities these article graphs mention (read before they are replaced or dropped)."""
    found: set[str] = set()
    for start in range(0, len(graphs), BATCH):
        values = _values(graphs[start:start + BATCH])
        rows = store.select(f"SELECT DISTINCT ?e WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g "
                            f"{{ ?e {KG.mentionedIn.n3()} ?a }} }}").rows
        found |= {str(r[0]) for r in rows}
    return found


def fingerprint(registry: Registry) -> str:
    """What the entity graph is made with: this module's code and the registry."""
    import hashlib
    from pathlib import Path

    return hashlib.sha256(Path(__file__).read_bytes() + registry.fingerprint().encode()).hexdigest()[:16]


def _marker(store: Store) -> str | None:
    rows = store.select("SELECT ?h WHERE { GRAPH ?g { ?g ?p ?h } }",
                        {"g": URIRef(iri.ENTITIES_GRAPH), "p": KG.contentHash}).rows
    return str(rows[0][0]) if rows else None


def is_current(store: Store, registry: Registry) -> bool:
    """The entity graph was last made whole with this code and registry, and no build stopped half-way."""
    return _marker(store) == fingerprint(registry)


def set_current(store: Store, registry: Registry | None) -> None:
    """Mark the entity graph current (after a refresh), or not (None: before articles are written,
    so a build interrupted before its refresh makes the next one refresh every entity)."""
    g = URIRef(iri.ENTITIES_GRAPH).n3()
    update = f"DELETE WHERE {{ GRAPH {g} {{ {g} {KG.contentHash.n3()} ?h }} }}"
    if registry is not None:
        update += f" ;\nINSERT DATA {{ GRAPH {g} {{ {g} {KG.contentHash.n3()} {Literal(fingerprint(registry)).n3()} }} }}"
    store.update(update)
