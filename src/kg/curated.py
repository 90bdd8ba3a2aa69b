"""The registry's curated relations (parent, located_in, operated_by) as their own named graph.

Every fact of every registry entry is written, whether or not an article mentions the entities:
the graph then depends on the registry alone, so `kg build` replaces it whole exactly when the
registry's fingerprint changes (and leaves it alone otherwise), and a corpus change never
touches it. Pages and the network draw only entities that articles mention; the entities a
curated fact names are described (category, names, key) once, in the entity graph (kg.describe).

Each fact is asserted directly and reified as a kg:RelationStatement found by kg:RegistryMethod
with confidence 1, prov:wasDerivedFrom the kg:CuratedRegistry node of this registry version (its
fingerprint as kg:contentHash): that link, not kg:foundBy, tells curated facts from extracted ones
(extraction also marks statements it read with the registry's help as kg:RegistryMethod).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from decimal import Decimal

from rdflib import RDF, XSD, Graph, Literal, URIRef
from rdflib.namespace import PROV

from kg import iri
from kg.registry import Registry
from kg.store import Store
from kg.vocab import KG

REGISTRY_SOURCE = iri.BASE + "source/registry"


def curated_facts(registry: Registry) -> Iterator[tuple[str, str, str]]:
    """(subject key, predicate, object key) for every curated relation of the registry."""
    for e in registry:
        if e.parent:
            yield e.key, "subsidiaryOf", e.parent
        if e.located_in:
            yield e.key, "locatedIn", e.located_in
        if e.operated_by:
            yield e.operated_by, "operates", e.key


GRAPH_FORM = "2"  # 2: the entities' names and types moved to the entity graph (kg.describe)


def _content_hash(registry: Registry) -> str:
    """The registry's fingerprint and the form of the graph made from it: either changing rewrites it."""
    return f"{registry.fingerprint()}/{GRAPH_FORM}"


def _source(g: Graph, registry: Registry) -> URIRef:
    node = URIRef(REGISTRY_SOURCE)
    g.add((node, RDF.type, KG.CuratedRegistry))
    g.add((node, KG.contentHash, Literal(_content_hash(registry))))
    return node


def registry_graph(registry: Registry) -> Graph:
    """The curated facts of the registry, with their provenance, as one graph."""
    g = Graph()
    source = _source(g, registry)
    for subject_key, predicate, object_key in curated_facts(registry):
        subject, obj = registry.get(subject_key), registry.get(object_key)
        if subject is None or obj is None:  # the registry's own checks rule this out
            continue
        s, o = URIRef(iri.entity_iri(registry_key=subject.key)), URIRef(iri.entity_iri(registry_key=obj.key))
        p = KG[predicate]
        g.add((s, p, o))
        digest = hashlib.sha1(f"{subject_key} {predicate} {object_key}".encode()).hexdigest()[:16]
        st = URIRef(f"{iri.REGISTRY_GRAPH}#statement-{digest}")
        for prop, value in ((RDF.type, KG.RelationStatement), (RDF.subject, s), (RDF.predicate, p),
                            (RDF.object, o), (PROV.wasDerivedFrom, source), (KG.foundBy, KG.RegistryMethod),
                            (KG.confidence, Literal(Decimal(1), datatype=XSD.decimal))):
            g.add((st, prop, value))
    return g


def recorded_fingerprint(store: Store) -> str | None:
    """The registry fingerprint the store's registry graph was made from, if any."""
    table = store.select("SELECT ?h WHERE { GRAPH ?g { ?s a ?c ; ?p ?h } }",
                         {"g": URIRef(iri.REGISTRY_GRAPH), "c": KG.CuratedRegistry, "p": KG.contentHash})
    if not table.rows:
        return None
    fingerprint, _, form = str(table.rows[0][0]).partition("/")
    return fingerprint if form == GRAPH_FORM else None  # an older form is rewritten like a change


def load_registry_graph(store: Store, registry: Registry) -> bool:
    """Replace the registry graph when the registry changed; True when it was (re)written."""
    if recorded_fingerprint(store) == registry.fingerprint():
        return False
    store.replace_graph(iri.REGISTRY_GRAPH, registry_graph(registry))
    return True
