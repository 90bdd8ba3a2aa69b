"""RDFS and OWL 2 RL materialisation, run inside the store, into its own named graph.

The ontology uses exactly these constructs whose consequences a query can see: rdfs:subClassOf,
rdfs:subPropertyOf, rdfs:domain and rdfs:range with a named class, owl:inverseOf and
owl:SymmetricProperty (union domains and ranges imply no named class; functional properties and
disjointness constrain but add nothing a query reads). Each is one SPARQL rule below, run as an
INSERT … WHERE in the store until nothing new appears, writing into iri.INFERRED_GRAPH (emptied
first, never accumulated). Queries then see the result through the union default graph:
`?x a kg:Lender` answers micro-lenders, consumer finance companies and banks; `?p kg:hasSubsidiary
?c` answers through owl:inverseOf.

Reasoning where the data is costs what the answer holds: a pure-Python reasoner (owlrl, used
before) read every article graph into memory and took minutes at a few hundred articles;
tests/test_inference.py checks that these rules give what owlrl's OWL 2 RL closure gives.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from kg import iri
from kg.store import Store

_PREFIXES = """PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX kg: <""" + iri.ONTOLOGY + """>
"""
_NOT_TOP = "FILTER(isIRI(?c) && ?c NOT IN (owl:Thing, rdfs:Resource))"

# name: (axiom, read from the ontology graph only so no data can add axioms; data pattern, matched
# in any graph, the inferred one included; filter; the triple inferred)
RULES = {
    "subclass": ("?sub rdfs:subClassOf+ ?c", "?x a ?sub", _NOT_TOP, "?x a ?c"),  # cax-sco, scm-sco
    # prp-spo1, into the ontology's own properties: its mappings to other vocabularies (kg:inArticle
    # ⊑ dcterms:isPartOf, one triple per mention) are for the ontology's readers, not materialised
    "subproperty": ("?p rdfs:subPropertyOf+ ?q", "?s ?p ?o", "FILTER(STRSTARTS(STR(?q), STR(kg:)))", "?s ?q ?o"),
    "domain": ("?p rdfs:domain ?c", "?x ?p ?o", _NOT_TOP, "?x a ?c"),  # prp-dom, named classes only
    "range": ("?p rdfs:range ?c", "?s ?p ?x", f"FILTER(isIRI(?x)) {_NOT_TOP}", "?x a ?c"),  # prp-rng
    "inverse": ("?p owl:inverseOf ?q", "?o ?p ?s", "FILTER(isIRI(?s))", "?s ?q ?o"),  # prp-inv1
    "inverse-back": ("?q owl:inverseOf ?p", "?o ?p ?s", "FILTER(isIRI(?s))", "?s ?q ?o"),  # prp-inv2
    "symmetric": ("?p a owl:SymmetricProperty", "?o ?p ?s", "FILTER(isIRI(?s))", "?s ?p ?o"),  # prp-symp
}
MAX_ROUNDS = 10  # the ontology's chains are short; a fixpoint comes in two or three rounds


@dataclass(frozen=True)
class Materialised:
    """What one materialisation did: the size of the inferred graph, how many rounds of the
    rules it took to reach a fixpoint, and how long reasoning and the whole run took."""

    inferred: int
    rounds: int = 0
    reasoning_seconds: float = 0.0
    total_seconds: float = 0.0


PREFIX = iri.INFERRED_GRAPH + "/"
BATCH = 500  # source graphs per update


def inferred_graph(source: str) -> str:
    """Where what `source` implies is kept: graph/inferred/<source's path under graph/>."""
    return PREFIX + source[len(iri.GRAPH):]


def _rule_update(sources: list[str], axiom: str, data: str, condition: str, head: str) -> str:
    values = " ".join(f"<{g}>" for g in sources)
    subject = head.split()[0]
    return (f"{_PREFIXES}INSERT {{ GRAPH ?ig {{ {head} }} }} WHERE {{ VALUES ?g {{ {values} }} "
            f'BIND(IRI(CONCAT("{PREFIX}", STRAFTER(STR(?g), "{iri.GRAPH}"))) AS ?ig) '
            f"GRAPH <{iri.ONTOLOGY_GRAPH}> {{ {axiom} }} {{ GRAPH ?g {{ {data} }} }} UNION {{ GRAPH ?ig {{ {data} }} }} "
            f"{condition} FILTER(!isBlank({subject})) "
            f"FILTER NOT EXISTS {{ GRAPH ?g {{ {head} }} }} FILTER NOT EXISTS {{ GRAPH ?ig {{ {head} }} }} }}")


def _size(store: Store, graphs: list[str]) -> int:
    values = " ".join(f"<{g}>" for g in graphs)
    rows = store.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ VALUES ?ig {{ {values} }} GRAPH ?ig {{ ?s ?p ?o }} }}").rows
    return int(rows[0][0]) if rows else 0


def inferred_graphs(store: Store) -> list[str]:
    return [g for g in store.graph_names() if g.startswith(PREFIX)]


def inferred_size(store: Store) -> int:
    """Triples in every inferred graph."""
    rows = store.select(f'SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?g), "{PREFIX}")) }}').rows
    return int(rows[0][0]) if rows else 0


def _sources(store: Store) -> list[str]:
    """Every graph that holds data: all but the ontology and the inferred graphs."""
    return [g for g in store.graph_names()
            if g != iri.ONTOLOGY_GRAPH and g != iri.INFERRED_GRAPH and not g.startswith(PREFIX)]


def _close(store: Store, sources: list[str]) -> int:
    """Run the rules over these graphs until nothing new appears; how many rounds it took."""
    targets = [inferred_graph(g) for g in sources]
    store.update(" ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in targets))
    size, rounds = 0, 0
    while rounds < MAX_ROUNDS:
        rounds += 1
        for rule in RULES.values():
            store.update(_rule_update(sources, *rule))
        new_size = _size(store, targets)
        if new_size == size:
            break
        size = new_size
    return rounds


def materialise(store: Store, changed: list[str] | None = None) -> Materialised:
    """Recompute what the `changed` graphs imply (None: every graph), and drop what graphs that
    are gone implied; the inferred graphs then hold the closure of the whole store."""
    t0 = time.perf_counter()
    present = _sources(store)
    gone = {inferred_graph(g) for g in present}
    orphans = [g for g in inferred_graphs(store) if g not in gone] + (
        [iri.INFERRED_GRAPH] if iri.INFERRED_GRAPH in store.graph_names() else [])  # the one-graph form before
    if orphans:
        store.update(" ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in orphans))
    todo = present if changed is None else [g for g in changed if g in set(present)]
    rounds = 0
    for start in range(0, len(todo), BATCH):
        rounds = max(rounds, _close(store, todo[start:start + BATCH]))
    elapsed = time.perf_counter() - t0
    return Materialised(inferred_size(store), rounds, elapsed, elapsed)
