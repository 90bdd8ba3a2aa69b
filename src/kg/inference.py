"""RDFS / OWL 2 RL materialisation with owlrl, into its own named graph.

The ontology graph and every article graph are read from the store, closed under the OWL 2 RL
rules (which include RDFS subclass / subproperty / domain / range), and only the *new* triples
that say something useful are written, as a whole, into iri.INFERRED_GRAPH (replaced each run,
never accumulated). Queries then see them through the union default graph: `?x a kg:Lender`
answers micro-lenders, consumer finance companies and banks; `?p kg:hasSubsidiary ?c` answers
through owl:inverseOf.

owlrl is slow on large graphs (pure Python, and it checks every literal against its datatype),
so the input is trimmed first to the triples a rule can use for something a query asks: ontology
triples but for annotations (labels, definitions: literals outside the owl: namespace); of the
article data, every triple whose object is an IRI or blank node and literal-valued triples only
for properties the ontology says something about (domain, range, sub-property …), while
provenance nodes (sentences, mentions, relation statements, observations, extraction activities,
time intervals and instants: most of every article graph) take part with their rdf:type only.
`materialise(store, full=True)` reasons over everything. The output drops what no query
needs: triples with a blank node or a literal subject, reflexive sameAs / subClassOf /
subPropertyOf / equivalentClass, `rdf:type owl:Thing | rdfs:Resource | …` and datatype axioms.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from rdflib import OWL, RDF, RDFS, BNode, Graph, Literal, URIRef

from kg import iri
from kg.store import Store

_DROP_TYPES = {OWL.Thing, RDFS.Resource, OWL.NamedIndividual, RDFS.Literal, RDFS.Datatype, RDF.Property,
               RDFS.Class, OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty,
               OWL.Ontology, RDF.List}
_REFLEXIVE = {OWL.sameAs, RDFS.subClassOf, RDFS.subPropertyOf, OWL.equivalentClass, OWL.equivalentProperty}
_W3C = ("http://www.w3.org/", )
XSD_NS = "http://www.w3.org/2001/XMLSchema#"



@dataclass(frozen=True)
class Materialised:
    """What one materialisation did: the size of the inferred graph, the reasoner's input and
    closure, and how long reasoning and the whole run (reading and writing the store) took."""

    inferred: int
    input_triples: int = 0
    closure_triples: int = 0
    reasoning_seconds: float = 0.0
    total_seconds: float = 0.0


def _read(store: Store) -> tuple[Graph, Graph]:
    """(ontology graph, all article graphs) from the store, the inferred graph left out."""
    ontology = store.construct(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{iri.ONTOLOGY_GRAPH}> {{ ?s ?p ?o }} }}")
    data = store.construct(
        "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } "
        f"FILTER(?g != <{iri.ONTOLOGY_GRAPH}> && ?g != <{iri.INFERRED_GRAPH}>) }}"
    )
    return ontology, data


KG = iri.ONTOLOGY
TIME = "http://www.w3.org/2006/time#"
# provenance and bookkeeping nodes: many per article, and nothing a query asks for follows from
# their links (only e.g. `?sentence dcterms:isPartOf ?article` from kg:inArticle)
PROVENANCE_CLASSES = {URIRef(KG + c) for c in ("Sentence", "Mention", "RelationStatement", "Observation",
                                               "ExtractionActivity")} | {URIRef(TIME + "Interval"),
                                                                         URIRef(TIME + "Instant")}


def _useful_input(ontology: Graph, data: Graph, full: bool = False) -> Graph:
    schema_terms = {s for s in ontology.subjects() if isinstance(s, URIRef)}
    g = Graph()
    for s, p, o in ontology:
        # labels, definitions and mappings feed no rule; cardinalities and hasValue do
        if not isinstance(o, Literal) or str(p).startswith(str(OWL)):
            g.add((s, p, o))
    provenance = set() if full else {s for c in PROVENANCE_CLASSES for s in data.subjects(RDF.type, c)}
    for s, p, o in data:
        if s in provenance and p != RDF.type:
            continue  # a provenance node keeps only its types
        if not isinstance(o, Literal) or p in schema_terms:
            g.add((s, p, o))
    return g


def _useful(s, p, o) -> bool:
    if isinstance(s, (Literal, BNode)) or isinstance(o, BNode):
        return False
    if p in _REFLEXIVE and s == o:
        return False
    if p == RDF.type and (o in _DROP_TYPES or str(o).startswith(XSD_NS)):
        return False
    if str(s).startswith(XSD_NS) or str(o).startswith(XSD_NS):
        return False
    if str(s).startswith(_W3C) and p in (RDF.type, RDFS.subClassOf, RDFS.subPropertyOf, OWL.sameAs,
                                          OWL.equivalentClass, OWL.equivalentProperty):
        return False  # owlrl's axioms about W3C vocabularies, not ours
    if p == OWL.sameAs or p == OWL.differentFrom:
        return s != o
    if p in (RDFS.subClassOf, OWL.equivalentClass) and o in (OWL.Thing, RDFS.Resource):
        return False
    return True


def _semantics():
    """owlrl's OWL 2 RL rules, minus the triples that only cost time: reflexive owl:sameAs (rule
    eq-ref adds three per triple, and each is then replayed through eq-rep-s/p/o for nothing)
    and `rdf:type owl:Thing / rdfs:Resource / <anonymous class>` (the ontology has unionOf domains
    and ranges but no restrictions, so membership of an anonymous class implies nothing more)."""
    import owlrl

    class Semantics(owlrl.OWLRL_Semantics):
        def store_triple(self, t) -> None:
            s, p, o = t
            if p == OWL.sameAs and s == o:
                return
            if p == RDF.type and (o == OWL.Thing or o == RDFS.Resource or isinstance(o, BNode)):
                return  # typing by an anonymous class (the ontology's unionOf domains and ranges) says nothing
            super().store_triple(t)

    return Semantics


def infer(ontology: Graph, data: Graph, full: bool = False) -> Graph:
    """The useful triples OWL 2 RL adds to ontology + data (none of those already there)."""
    return _infer(ontology, data, full)[0]


def _infer(ontology: Graph, data: Graph, full: bool) -> tuple[Graph, Materialised]:
    import owlrl

    t0 = time.perf_counter()
    work = _useful_input(ontology, data, full)
    base_size = len(work)
    before = set(work)
    owlrl.DeductiveClosure(_semantics(), axiomatic_triples=False, datatype_axioms=False,
                           improved_datatypes=False).expand(work)
    inferred = Graph()
    for t in work:
        if t not in before and t not in data and t not in ontology and _useful(*t):
            inferred.add(t)
    return inferred, Materialised(len(inferred), base_size, len(work), time.perf_counter() - t0)


def materialise(store: Store, *, full: bool = False) -> Materialised:
    """Replace the inferred graph with the closure of ontology + articles; what it did (the
    triple count in `.inferred`, sizes and timings in the other fields).

    By default provenance nodes (sentences, mentions, statements, observations, periods) take part
    with their types only; `full=True` reasons over every triple (several times slower)."""
    t0 = time.perf_counter()
    ontology, data = _read(store)
    inferred, run = _infer(ontology, data, full)
    store.replace_graph(iri.INFERRED_GRAPH, inferred)
    return Materialised(run.inferred, run.input_triples, run.closure_triples, run.reasoning_seconds,
                        time.perf_counter() - t0)
