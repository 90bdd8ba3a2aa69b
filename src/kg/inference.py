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


def _rule_update(axiom: str, data: str, condition: str, head: str) -> str:
    graph = f"<{iri.INFERRED_GRAPH}>"
    subject = head.split()[0]
    return (f"{_PREFIXES}INSERT {{ GRAPH {graph} {{ {head} }} }} WHERE {{ GRAPH <{iri.ONTOLOGY_GRAPH}> {{ {axiom} }} "
            f"GRAPH ?g {{ {data} }} {condition} FILTER(!isBlank({subject})) "
            f"FILTER NOT EXISTS {{ GRAPH ?h {{ {head} }} }} }}")


def _count(store: Store) -> int:
    rows = store.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{iri.INFERRED_GRAPH}> {{ ?s ?p ?o }} }}").rows
    return int(rows[0][0]) if rows else 0


def materialise(store: Store) -> Materialised:
    """Replace the inferred graph with what the rules add to the ontology and every other graph."""
    t0 = time.perf_counter()
    store.drop_graph(iri.INFERRED_GRAPH)
    size, rounds = 0, 0
    while rounds < MAX_ROUNDS:
        rounds += 1
        for rule in RULES.values():
            store.update(_rule_update(*rule))
        new_size = _count(store)
        if new_size == size:
            break
        size = new_size
    elapsed = time.perf_counter() - t0
    return Materialised(size, rounds, elapsed, elapsed)
