"""SHACL validation of the store's graph against ontology/shapes.ttl (pyshacl)."""

from __future__ import annotations

from dataclasses import dataclass
from importlib.resources import files

from rdflib import Graph

from kg.store import Store
from kg.vocab import ontology_graph

SHAPES = "shapes.ttl"


@dataclass(frozen=True)
class ValidationReport:
    conforms: bool
    violations: int
    text: str


def shapes_graph() -> Graph:
    g = Graph()
    g.parse(files("kg.ontology") / SHAPES, format="turtle")
    return g


def validate_graph(data: Graph, ontology: Graph | None = None) -> ValidationReport:
    from pyshacl import validate

    conforms, results, text = validate(data, shacl_graph=shapes_graph(), ont_graph=ontology or ontology_graph(),
                                       inference="none", allow_warnings=True)
    from rdflib.namespace import SH

    violations = len(set(results.subjects(SH.resultSeverity, SH.Violation)))
    summary = "The graph conforms to the shapes." if conforms else f"{violations} violation(s):\n{text}"
    return ValidationReport(bool(conforms), violations, summary)


def validate_store(store: Store) -> ValidationReport:
    """All article graphs, the entity and registry graphs together (the inferred and ontology graphs are not data)."""
    from kg import iri

    data = Graph()
    for name in store.graph_names():
        if name.startswith(iri.GRAPH + "article/") or name in (iri.REGISTRY_GRAPH, iri.ENTITIES_GRAPH):
            data.parse(data=store.dump("ntriples", name).decode("utf-8"), format="nt")
    return validate_graph(data)
