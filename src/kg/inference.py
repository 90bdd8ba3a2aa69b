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

import re
import time
from dataclasses import dataclass

from rdflib import URIRef

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


def inferred_graph(source: str) -> str:
    """Where what `source` implies is kept: graph/inferred/<source's path under graph/>."""
    return PREFIX + source[len(iri.GRAPH):]


_AXIOM_VARIABLE = re.compile(r"\?(sub|c|p|q)\b")


def axioms(store: Store, rule: tuple[str, str, str, str]) -> list[dict[str, str]]:
    """The ontology's instances of a rule's axiom (e.g. every sub-class/super-class pair), IRIs only."""
    names = sorted(set(_AXIOM_VARIABLE.findall(rule[0])))
    rows = store.select(f"{_PREFIXES}SELECT DISTINCT {' '.join('?' + n for n in names)} "
                        f"WHERE {{ GRAPH <{iri.ONTOLOGY_GRAPH}> {{ {rule[0]} }} }}").rows
    return [{n: str(v) for n, v in zip(names, row)} for row in rows if all(isinstance(v, URIRef) for v in row)]


def _with(text: str, axiom: dict[str, str]) -> str:
    return _AXIOM_VARIABLE.sub(lambda m: f"<{axiom[m.group(1)]}>" if m.group(1) in axiom else m.group(0), text)


def _rule_update(source: str | None, axiom: str, data: str, condition: str, head: str,
                 instance: dict[str, str] | None = None) -> str:
    """One rule as an update. `source` None: every data graph in one pass, for one `instance` of
    the axiom (its IRIs written in, so each update reads one class's or property's triples and
    holds only what they imply: memory stays bounded); what a premise found in graph G implies
    goes to G's inferred graph. Else that graph alone, named as a constant so the store reads it
    through its graph index (a VALUES list of graphs is joined by scanning)."""
    if source is None:
        data, condition, head = (_with(x, instance or {}) for x in (data, condition, head))
        base, target = "?base", "?ig"
        schema = ""
        premise = (f"GRAPH ?src {{ {data} }} FILTER(?src != <{iri.ONTOLOGY_GRAPH}>) "
                   f'BIND(IF(STRSTARTS(STR(?src), "{PREFIX}"), IRI(CONCAT("{iri.GRAPH}", '
                   f'STRAFTER(STR(?src), "{PREFIX}"))), ?src) AS ?base) '
                   f'BIND(IRI(CONCAT("{PREFIX}", STRAFTER(STR(?base), "{iri.GRAPH}"))) AS ?ig)')
    else:
        base, target = f"<{source}>", f"<{inferred_graph(source)}>"
        schema = f"GRAPH <{iri.ONTOLOGY_GRAPH}> {{ {axiom} }} "
        premise = f"{{ GRAPH {base} {{ {data} }} }} UNION {{ GRAPH {target} {{ {data} }} }}"
    subject = head.split()[0]
    return (f"{_PREFIXES}INSERT {{ GRAPH {target} {{ {head} }} }} WHERE {{ "
            f"{schema}{premise} {condition} FILTER(!isBlank({subject})) "
            f"FILTER NOT EXISTS {{ GRAPH {base} {{ {head} }} }} FILTER NOT EXISTS {{ GRAPH {target} {{ {head} }} }} }}")


def _size(store: Store, graphs: list[str]) -> int:
    values = " ".join(f"<{g}>" for g in graphs)
    rows = store.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ VALUES ?ig {{ {values} }} GRAPH ?ig {{ ?s ?p ?o }} }}").rows
    return int(rows[0][0]) if rows else 0


def inferred_graphs(store: Store) -> list[str]:
    return [g for g in store.graph_names() if g.startswith(PREFIX)]


def inferred_size(store: Store, batch: int = 1000) -> int:
    """Triples in every inferred graph, counted graph by graph (a filter on the graph name read every
    quad of the store: 3.8 s at 5,000 articles against 0.3 s)."""
    graphs = inferred_graphs(store)
    return sum(_size(store, graphs[i:i + batch]) for i in range(0, len(graphs), batch))


def _sources(store: Store) -> list[str]:
    """Every graph that holds data: all but the ontology and the inferred graphs."""
    return [g for g in store.graph_names()
            if g != iri.ONTOLOGY_GRAPH and g != iri.INFERRED_GRAPH and not g.startswith(PREFIX)]


def _close(store: Store, source: str | None) -> int:
    """Run the rules over one graph (None: all at once, axiom by axiom) until nothing new appears;
    the rounds taken."""
    updates = ([_rule_update(None, *rule, instance=a) for rule in RULES.values() for a in axioms(store, rule)]
               if source is None else [_rule_update(source, *rule) for rule in RULES.values()])
    size, rounds = 0, 0
    while rounds < MAX_ROUNDS:
        rounds += 1
        for update in updates:
            store.update(update)
        new_size = inferred_size(store) if source is None else _size(store, [inferred_graph(source)])
        if new_size == size:
            break
        size = new_size
    return rounds


FULL_ABOVE = 100  # more changed graphs than this: one pass over everything costs less


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
    everything = changed is None or len(todo) > FULL_ABOVE
    doomed = inferred_graphs(store) if everything else [inferred_graph(g) for g in todo]
    if doomed:
        store.update(" ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in doomed))
    rounds = _close(store, None) if everything else max((_close(store, g) for g in todo), default=0)
    elapsed = time.perf_counter() - t0
    return Materialised(inferred_size(store), rounds, elapsed, elapsed)
