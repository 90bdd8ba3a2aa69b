"""kg.schema declares the vocabularies once; the ontology, the SHACL shapes, the contract and the
pages agree with it (derived from it, or checked here)."""

from __future__ import annotations

import re
from importlib.resources import files

import pytest
from rdflib import OWL, RDF, RDFS, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH

from kg import contract, model, network
from kg.render import network_page
from kg.render.styles import CATEGORY_STYLES, PREDICATE_LABELS
from kg.schema import CATEGORY_TABLE, EVENT_TYPES, METRIC_TABLE, PREDICATE_TABLE, UNIT_TABLE
from kg.vocab import KG, UNIT_TERMS, ontology_graph
from tests.paths import SHARED

KGSH = "https://w3id.org/fintech-kg/shapes#"


@pytest.fixture(scope="module")
def onto() -> Graph:
    return ontology_graph()


@pytest.fixture(scope="module")
def shapes() -> Graph:
    source = files("kg.ontology") / "shapes.ttl"
    return Graph().parse(data=source.read_text(encoding="utf-8"), format="turtle")


def labels(g: Graph, term: URIRef) -> dict[str, str]:
    return {lit.language: str(lit) for lit in g.objects(term, RDFS.label) if isinstance(lit, Literal)}


def classes(g: Graph, node: object) -> tuple[str, ...]:
    """A domain or range: one class, or an owl:unionOf of classes, as local names."""
    if node is None:
        return ()
    union = g.value(node, OWL.unionOf)
    members = list(Collection(g, union)) if union is not None else [node]
    return tuple(sorted(str(m).rsplit("#", 1)[-1] for m in members))


def test_every_category_is_an_ontology_class_with_the_same_labels(onto):
    for c in CATEGORY_TABLE:
        assert (KG[c.key], RDF.type, OWL.Class) in onto, c.key
        assert labels(onto, KG[c.key]) == {"zh": c.zh, "en": c.en}, c.key


def test_every_predicate_has_the_ontology_labels_inverse_domain_and_range(onto):
    for p in PREDICATE_TABLE:
        term = KG[p.key]
        assert (term, RDF.type, OWL.ObjectProperty) in onto, p.key
        assert labels(onto, term) == {"zh": p.zh, "en": p.en}, p.key
        inverse = onto.value(term, OWL.inverseOf) or onto.value(predicate=OWL.inverseOf, object=term)
        assert (str(inverse).rsplit("#", 1)[-1] if inverse else None) == p.inverse, p.key
        assert classes(onto, onto.value(term, RDFS.domain)) == tuple(sorted(p.domain)), p.key
        assert classes(onto, onto.value(term, RDFS.range)) == tuple(sorted(p.range)), p.key


def test_every_metric_event_type_and_unit_is_in_the_ontology(onto):
    for m in METRIC_TABLE:
        assert (KG[m.key], RDF.type, KG.Metric) in onto, m.key
        assert labels(onto, KG[m.key]) == {"zh": m.zh, "en": m.en}, m.key
        assert m.unit in UNIT_TABLE, m.key
    for name in EVENT_TYPES:
        assert (KG[name], RDFS.subClassOf, KG.Event) in onto, name
    assert set(UNIT_TERMS) == set(UNIT_TABLE)
    for term in UNIT_TERMS.values():
        assert (term, RDF.type, KG.Unit) in onto, term


def test_the_ontology_has_no_category_metric_or_predicate_the_declaration_lacks(onto):
    metrics = {str(m).rsplit("#", 1)[-1] for m in onto.subjects(RDF.type, KG.Metric)}
    assert metrics == {m.key for m in METRIC_TABLE}
    events = {str(e).rsplit("#", 1)[-1] for e in onto.subjects(RDFS.subClassOf, KG.Event)}
    assert events == set(EVENT_TYPES)


def test_shacl_admits_exactly_the_declared_categories_and_predicates(shapes):
    entity = URIRef(KGSH + "EntityShape")
    targets = {str(t).rsplit("#", 1)[-1] for t in shapes.objects(entity, SH.targetClass)}
    assert targets == set(model.CATEGORIES)
    xone = [shapes.value(alt, SH.hasValue) for alt in Collection(shapes, shapes.value(entity, SH.xone))]
    assert {str(t).rsplit("#", 1)[-1] for t in xone} == set(model.CATEGORIES)
    statement = URIRef(KGSH + "RelationStatementShape")
    listed = next(shapes.value(prop, SH["in"]) for prop in shapes.objects(statement, SH.property)
                  if shapes.value(prop, SH.path) == RDF.predicate)
    assert [str(p).rsplit("#", 1)[-1] for p in Collection(shapes, listed)] == list(model.PREDICATES)


def test_the_model_and_the_contract_mapping_derive_from_the_declaration():
    assert model.CATEGORIES == tuple(c.key for c in CATEGORY_TABLE)
    assert model.PREDICATES == tuple(p.key for p in PREDICATE_TABLE)
    assert model.METRICS == tuple(m.key for m in METRIC_TABLE)
    assert set(model.COMPANY) == {"Lender", "Platform", "Organization"}
    assert contract.CONTRACT_CATEGORY == {"Market": "Organization"}


def test_the_declaration_matches_the_shared_contract():
    text = (SHARED / "eval" / "CONTRACT.md").read_text(encoding="utf-8")
    if not text:
        pytest.skip("no shared contract")
    categories = set(re.findall(r"^\| (\w+) \|", text.split("## Categories", 1)[1].split("##", 1)[0], re.M))
    assert {c.contract for c in CATEGORY_TABLE} == categories - {"category"}
    predicates = set(re.findall(r"^\| (\w+) \|", text.split("## Predicates", 1)[1].split("##", 1)[0], re.M))
    assert set(model.PREDICATES) == predicates - {"predicate"}
    for m in METRIC_TABLE:
        assert m.key in text.split("## Metrics", 1)[1].split("##", 1)[0]


def test_pages_style_and_order_every_category():
    assert list(CATEGORY_STYLES)[:-1] == list(model.CATEGORIES) and list(CATEGORY_STYLES)[-1] == "Other"
    for c in CATEGORY_TABLE:
        style = CATEGORY_STYLES[c.key]
        assert (style.zh, style.en.lower(), style.color, style.shape) == (c.zh, c.en, c.color, c.shape)
    assert len({s.color for s in CATEGORY_STYLES.values()}) == len(CATEGORY_STYLES)  # colour always differs
    assert set(network_page._group_options()) == set(CATEGORY_STYLES)
    assert network.CATEGORY_ORDER[-1] == "Organization" and set(network.CATEGORY_ORDER) == set(model.CATEGORIES)
    assert PREDICATE_LABELS == {p.key: (p.zh, p.en) for p in PREDICATE_TABLE}


def test_the_entities_query_lists_every_category_in_the_declared_order():
    from kg.query import canned_queries

    text = canned_queries()["entities"].sparql()
    values = re.search(r"VALUES \?cat \{([^}]*)\}", text).group(1).split()
    assert {v.removeprefix("kg:") for v in values} == set(model.CATEGORIES)
    chain = re.findall(r'CONTAINS\(\?cats, "(\w+)"\)', text) + ["Organization"]  # the last is the fallback
    assert chain == list(network.CATEGORY_ORDER)
    header = canned_queries()["entities"].params[0]
    assert header.name == "category"
