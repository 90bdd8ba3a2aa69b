"""src/kg/vocab.py (the code's typed namespace) and ontology/kg.ttl stay in step, both ways.

A term the code can mint must be declared and documented in the ontology; a term the ontology
declares must be reachable from the code, so that nothing in the kg: namespace is left half-made.
"""

from __future__ import annotations

from importlib.resources import files

import pytest
from rdflib import OWL, RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import SKOS

from kg.iri import ONTOLOGY
from kg.vocab import KG

DECLARATIONS = {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, OWL.NamedIndividual}


@pytest.fixture(scope="module")
def ontology() -> Graph:
    source = files("kg.ontology") / "kg.ttl"
    return Graph().parse(data=source.read_text(encoding="utf-8"), format="turtle")


def vocab_terms() -> set[URIRef]:
    # dir() of a DefinedNamespace gives the IRIs of its annotated members.
    return set(dir(KG))


def ttl_terms(g: Graph) -> set[URIRef]:
    """Every IRI of the kg: namespace the file uses, in any position."""
    return {node for triple in g for node in triple if isinstance(node, URIRef) and str(node).startswith(ONTOLOGY)}


def test_vocab_namespace_is_the_ontology_namespace():
    assert str(KG._NS) == ONTOLOGY == "https://w3id.org/fintech-kg/ontology#"
    assert len(vocab_terms()) > 100  # the list was read, not silently empty


def test_every_vocab_term_is_in_the_ontology(ontology):
    missing = sorted(str(t) for t in vocab_terms() - ttl_terms(ontology))
    assert not missing, f"listed in vocab.py but absent from kg.ttl: {missing}"


def test_every_ontology_term_is_in_vocab(ontology):
    extra = sorted(str(t) for t in ttl_terms(ontology) - vocab_terms())
    assert not extra, f"used in kg.ttl but not listed in vocab.py (add it to class KG or drop it): {extra}"


@pytest.mark.parametrize("term", sorted(vocab_terms()), ids=lambda t: t.split("#")[-1])
def test_term_is_declared(ontology, term):
    kinds = set(ontology.objects(term, RDF.type)) & DECLARATIONS
    assert kinds, f"{term} has no OWL declaration (class, property or named individual)"


@pytest.mark.parametrize("term", sorted(vocab_terms()), ids=lambda t: t.split("#")[-1])
def test_term_has_zh_and_en_labels_and_a_definition(ontology, term):
    labels = {lit.language for lit in ontology.objects(term, RDFS.label) if isinstance(lit, Literal)}
    assert {"zh", "en"} <= labels, f"{term} needs rdfs:label in zh and en, has {labels}"
    definitions = [lit for lit in ontology.objects(term, SKOS.definition) if isinstance(lit, Literal)]
    assert any(d.language == "en" and str(d).strip() for d in definitions), f"{term} needs an English skos:definition"


def test_each_label_language_is_used_once(ontology):
    """One rdfs:label per language per term, so a UI never has to choose."""
    for term in vocab_terms():
        langs = [lit.language for lit in ontology.objects(term, RDFS.label)]
        assert len(langs) == len(set(langs)), f"{term} has several labels in one language: {langs}"


def test_unit_terms_are_units(ontology):
    from kg.vocab import UNIT_TERMS

    for key, term in UNIT_TERMS.items():
        assert (term, RDF.type, KG.Unit) in ontology, f"UNIT_TERMS[{key!r}] = {term} is not a kg:Unit"


def test_model_vocabularies_have_terms(ontology):
    """The contract's names in kg.model map onto ontology terms of the right kind."""
    from kg import model

    for name in model.CATEGORIES:
        assert (KG[name], RDF.type, OWL.Class) in ontology, name
    for name in model.PREDICATES:
        assert (KG[name], RDF.type, OWL.ObjectProperty) in ontology, name
    for name in model.METRICS:
        assert (KG[name], RDF.type, KG.Metric) in ontology, name
    for name in model.EVENT_TYPES:
        assert (KG[name], RDFS.subClassOf, KG.Event) in ontology, name
