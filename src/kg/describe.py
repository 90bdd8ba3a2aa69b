"""Each entity described once: the entity graph merges what every article says of an entity.

An article graph holds, per entity it mentions, a kg:EntityDescription (the name, aliases and
categories read from that article, prov:wasDerivedFrom the article) and ``?e kg:mentionedIn
?article``; never the entity's skos labels or rdf:type. Those live once, in iri.ENTITIES_GRAPH,
merged here from every article's description and the registry. A query joining labels, types
and mentions then costs what its answer holds, not (articles naming the entity)^k copies.

The build calls `refresh` with the entities whose articles changed (before and after), so one
changed article rewrites the descriptions of its entities only, in one update per batch; with
inference, what is implied about those entities is rewritten with them (kg.inference).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import SKOS

from kg import iri
from kg.curated import curated_facts
from kg.extract.names.declared import DOCUMENT_NUMBER
from kg.inference import Rules, implied_for_entity, inferred_graph
from kg.model import CATEGORIES
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


def _preferred(names: Counter[str]) -> str:
    """The name most articles give; ties go to the longer, then the first in code-point order."""
    return min(names, key=lambda n: (-names[n], -len(n), n))


def _categories(stated: list[Stated], entry: RegistryEntry | None) -> set[str]:
    """One top category (the categories are disjoint): the registry's, else the one most articles
    state, ties in the declared order; with the finer kinds stated together with it."""
    counts = Counter(c for s in stated for c in s.categories if c in CATEGORIES)
    if entry is not None:
        top = entry.category
    elif counts:
        top = min(counts, key=lambda c: (-counts[c], CATEGORIES.index(c)))
    else:
        return set()
    kinds = {c for s in stated if top in s.categories for c in s.categories if c not in CATEGORIES}
    if entry is not None and entry.kind:
        kinds.add(entry.kind)
    return {top} | kinds


def merge(entity: str, stated: Iterable[Stated], registry: Registry) -> Graph:
    """The one description of an entity: one zh prefLabel (the registry's name, else the most
    stated one), every other name as an altLabel, every stated category as an rdf:type."""
    g, node = Graph(), URIRef(entity)
    stated = list(stated)
    entry = registry_entry(entity, registry)
    names = Counter(s.name for s in stated)
    categories = _categories(stated, entry)
    for method in sorted({m for s in stated for m in s.found_by}):
        g.add((node, KG.foundBy, URIRef(method)))
    aliases = [a for s in stated for a in s.aliases]
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
    for alias in dict.fromkeys([*names, *aliases]):
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


_STATED = f"""SELECT ?e ?d ?name ?cat ?alias ?method WHERE {{
  ?d {KG.describes.n3()} ?e ; {KG.statedName.n3()} ?name .
  OPTIONAL {{ ?d {KG.foundBy.n3()} ?method }}
  OPTIONAL {{ ?d {KG.statedCategory.n3()} ?cat }}
  OPTIONAL {{ ?d {KG.statedAlias.n3()} ?alias }}
}}"""


def _values(entities: list[str]) -> str:
    return " ".join(URIRef(e).n3() for e in entities)


def _read_stated(store: Store, entities: list[str]) -> dict[str, list[Stated]]:
    """Every article's description of these entities, as read from the article graphs."""
    query = _STATED.replace("WHERE {", f"WHERE {{ VALUES ?e {{ {_values(entities)} }}", 1)
    found: dict[tuple[str, str], dict] = {}
    for e, d, name, cat, alias, method in store.select(query).rows:
        item = found.setdefault((str(e), str(d)), {"name": str(name), "cats": set(), "aliases": [], "by": set()})
        if method is not None:
            item["by"].add(str(method))
        if cat is not None:
            item["cats"].add(str(cat).rsplit("#", 1)[-1])
        if alias is not None and str(alias) not in item["aliases"]:
            item["aliases"].append(str(alias))
    out: dict[str, list[Stated]] = defaultdict(list)
    for (e, _), item in sorted(found.items()):
        out[e].append(Stated(e, item["name"], frozenset(item["cats"]), tuple(item["aliases"]), frozenset(item["by"])))
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
        stated = _read_stated(store, batch)
        merged = Graph()
        for e in batch:
            if stated.get(e) or e in curated:
                merged += merge(e, stated.get(e, []), registry)
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
        for e, p in store.select(f"SELECT DISTINCT ?e ?p WHERE {{ VALUES ?e {{ {values} }} {pattern} }}").rows:
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
