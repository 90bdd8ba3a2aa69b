"""RDFS / OWL RL materialisation into the inferred graph (real build, embedded store)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.namespace import SKOS

from kg import iri
from kg.build import build
from kg.inference import inferred_graphs, materialise
from kg.store import EmbeddedStore

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
KG = "https://w3id.org/fintech-kg/ontology#"
PREFIX = f"PREFIX kg: <{KG}>\n"
MICRO = URIRef(iri.ID + "kuaishou-microloan")
EXTRA_GRAPH = iri.GRAPH + "test/extra"
BANK = URIRef(iri.ID + "test-bank")
CFC = URIRef(iri.ID + "test-consumer-finance")


def _corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for f in CORPUS.glob("*.md"):
        shutil.copy(f, folder / f.name)
    return folder


def _lenders(store) -> set[str]:
    return {str(r[0]) for r in store.select(PREFIX + "SELECT ?x WHERE { ?x a kg:Lender }").rows}


def _extra(store) -> None:
    """A bank and a consumer finance company typed only by their finer class."""
    g = Graph()
    g.add((BANK, RDF.type, URIRef(KG + "Bank")))
    g.add((BANK, SKOS.prefLabel, Literal("测试银行", lang="zh")))
    g.add((CFC, RDF.type, URIRef(KG + "ConsumerFinanceCompany")))
    g.add((CFC, URIRef(KG + "subsidiaryOf"), BANK))
    store.replace_graph(EXTRA_GRAPH, g)


@pytest.fixture(scope="module")
def inferred_store(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("infer")
    store = EmbeddedStore(tmp / "store")
    _extra(store)
    report = build(_corpus(tmp), store, infer=True)
    assert report.ok, report.failed
    assert report.inferred and report.inferred > 0
    yield store
    store.close()


def test_lender_includes_subclasses(inferred_store):
    lenders = _lenders(inferred_store)
    assert str(MICRO) in lenders  # the online micro lender
    assert str(BANK) in lenders and str(CFC) in lenders  # typed only kg:Bank / kg:ConsumerFinanceCompany
    # one step up the hierarchy, never asserted by the extractor
    micro = {str(r[0]) for r in inferred_store.select(PREFIX + "SELECT ?x WHERE { ?x a kg:MicroLender }").rows}
    assert str(MICRO) in micro


def test_inverse_property(inferred_store):
    rows = inferred_store.select(PREFIX + "SELECT ?p ?c WHERE { ?p kg:hasSubsidiary ?c }").rows
    assert (BANK, CFC) in rows
    assert any(c == MICRO for _, c in rows)  # from the article: 快手小贷 subsidiaryOf 快手


def _inferred(store) -> Graph:
    g = Graph()
    for name in inferred_graphs(store):
        g.parse(data=store.dump("ntriples", name).decode(), format="nt")
    return g


def _inferred_size(store) -> int:
    return sum(len(store.dump("nquads", name).splitlines()) for name in inferred_graphs(store))


def test_only_inferred_graph_written_and_useful(inferred_store):
    inferred = _inferred(inferred_store)
    assert len(inferred) > 0
    from rdflib import OWL, RDFS, BNode

    for s, p, o in inferred:
        assert not isinstance(s, (BNode, Literal))
        assert not (p == RDF.type and o in (OWL.Thing, RDFS.Resource))
        assert not (p == OWL.sameAs and s == o)
    # no inferred triple is in an article graph
    article = iri.article_graph("kuaishou-microloan-guangzhou-top10")
    rows = inferred_store.select(
        PREFIX + "SELECT ?x WHERE { GRAPH ?g { ?x a kg:MicroLender } }", {"g": URIRef(article)}).rows
    assert rows == ()


def test_replaced_not_accumulated(inferred_store):
    size1 = _inferred_size(inferred_store)
    inferred_store.drop_graph(EXTRA_GRAPH)
    second = materialise(inferred_store).inferred  # second run, over less data
    size2 = _inferred_size(inferred_store)
    assert size2 == second
    assert second < size1  # the bank's inferences went with its graph: replaced, not accumulated
    assert str(BANK) not in _lenders(inferred_store)
    assert str(MICRO) in _lenders(inferred_store)
    _extra(inferred_store)


def test_no_inference_without_infer(tmp_path):
    store = EmbeddedStore(tmp_path / "store")
    _extra(store)
    report = build(_corpus(tmp_path), store, infer=False)
    assert report.ok and report.inferred is None
    assert inferred_graphs(store) == []
    asserted = {str(r[0]) for r in store.select(
        PREFIX + "SELECT ?x WHERE { GRAPH ?g { ?x a kg:Lender } }").rows}
    assert _lenders(store) == asserted  # nothing beyond asserted types
    assert str(BANK) not in _lenders(store)
    # micro-lenders are those asserted so (the registry's kinds), none typed by their finer class alone
    micro = set(store.select(PREFIX + "SELECT ?x WHERE { ?x a kg:MicroLender }").rows)
    assert micro == set(store.select(PREFIX + "SELECT ?x WHERE { GRAPH ?g { ?x a kg:MicroLender } }").rows)
    assert (MICRO,) not in micro  # an OnlineMicroLender, a MicroLender only by inference
    assert store.select(PREFIX + "SELECT ?p WHERE { ?p kg:hasSubsidiary ?c }").rows == ()
    store.close()


def test_materialise_returns_its_sizes_and_timings_as_a_value(inferred_store):
    run = materialise(inferred_store)
    assert run.inferred == _inferred_size(inferred_store)
    assert run.reasoning_seconds >= 0 and run.total_seconds >= 0


def _owlrl_closure(store) -> set:
    """What owlrl's OWL 2 RL closure adds to the ontology and data: the reference."""
    import owlrl

    ontology = store.construct(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{iri.ONTOLOGY_GRAPH}> {{ ?s ?p ?o }} }}")
    data = store.construct("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } "
                           f"FILTER(?g != <{iri.ONTOLOGY_GRAPH}> && !STRSTARTS(STR(?g), \"{iri.INFERRED_GRAPH}/\")) }}")
    work = ontology + data
    before = set(work)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False).expand(work)
    return set(work) - before


def test_the_rules_infer_what_owl_rl_infers_about_the_data(inferred_store):
    """Every triple owlrl adds about data resources (not about the ontology's own terms, not
    owl:sameAs reflexivity, not anonymous classes, not mappings to other vocabularies' properties)."""
    from rdflib import OWL, RDFS, BNode

    materialise(inferred_store)
    ours = set(_inferred(inferred_store))
    schema = {s for s in inferred_store.construct(
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{iri.ONTOLOGY_GRAPH}> {{ ?s ?p ?o }} }}").subjects()}
    reference = {(s, p, o) for s, p, o in _owlrl_closure(inferred_store)
                 if s not in schema and not isinstance(s, (BNode, Literal)) and not isinstance(o, BNode)
                 and p != OWL.sameAs and not str(s).startswith("http://www.w3.org/")
                 and (p == RDF.type or str(p).startswith(KG))
                 and not (p == RDF.type and (o in (OWL.Thing, RDFS.Resource) or str(o).startswith(str(OWL))
                                             or str(o).startswith(str(RDFS))))}
    assert reference, "the reference closure is empty: nothing was compared"
    assert reference <= ours, sorted(reference - ours)[:10]


def test_one_changed_graph_is_reasoned_over_alone_and_gives_the_same_closure(inferred_store):
    from kg.inference import inferred_size

    whole = set(_inferred(inferred_store))
    inferred_store.drop_graph(iri.INFERRED_GRAPH + "/test/extra")  # as if the extra graph had just changed
    run = materialise(inferred_store, [EXTRA_GRAPH])
    assert run.inferred == inferred_size(inferred_store)
    assert set(_inferred(inferred_store)) == whole
    assert str(BANK) in _lenders(inferred_store)


# --- the rules one triple at a time (a made-up ontology: each row one construct) ----------------

EX = "http://example.org/"
_TINY = f"""@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . @prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix kg: <{KG}> . @prefix ex: <{EX}> .
kg:Bank rdfs:subClassOf kg:Lender . kg:Lender rdfs:subClassOf kg:Organization . kg:Organization rdfs:subClassOf owl:Thing .
kg:ownedBy rdfs:subPropertyOf kg:relatedTo . kg:ownedBy rdfs:subPropertyOf ex:foreignProperty .
kg:licensedBy rdfs:domain kg:Lender ; rdfs:range kg:Regulator .
kg:ownedBy owl:inverseOf kg:owns . kg:partnerOf a owl:SymmetricProperty .
"""


def _k(name: str) -> URIRef:
    return URIRef(KG + name)


A, B = URIRef(EX + "a"), URIRef(EX + "b")


@pytest.mark.parametrize("given, implied", [
    ([(A, RDF.type, _k("Bank"))], {(A, RDF.type, _k("Lender")), (A, RDF.type, _k("Organization"))}),  # chain, no owl:Thing
    ([(A, _k("ownedBy"), B)], {(A, _k("relatedTo"), B), (B, _k("owns"), A)}),  # own super-property only; inverse
    ([(B, _k("owns"), A)], {(A, _k("ownedBy"), B), (A, _k("relatedTo"), B)}),  # inverse read both ways, then chained
    ([(A, _k("licensedBy"), B)], {(A, RDF.type, _k("Lender")), (A, RDF.type, _k("Organization")),
                                  (B, RDF.type, _k("Regulator"))}),  # domain, range, and the domain's super-class
    ([(A, _k("licensedBy"), Literal("x"))], {(A, RDF.type, _k("Lender")), (A, RDF.type, _k("Organization"))}),  # no range for a literal
    ([(A, _k("partnerOf"), B)], {(B, _k("partnerOf"), A)}),  # symmetric
    ([(A, RDF.type, _k("Bank")), (A, RDF.type, _k("Lender"))], {(A, RDF.type, _k("Organization"))}),  # stated: not repeated
    ([(BNode("x"), RDF.type, _k("Bank")), (A, _k("ownedBy"), BNode("y"))], set()),  # nothing about or to a blank node
])
def test_what_a_graph_implies_by_itself(given, implied):
    from kg.inference import Rules, close

    rules = Rules.of(Graph().parse(data=_TINY, format="turtle"))
    got, rounds = close(given, rules)
    assert set(got) == implied
    assert (rounds >= 2) == bool(implied)  # the last round saw nothing new


def test_a_fresh_build_reasons_as_it_writes_and_equals_a_full_reasoning(tmp_path):
    corpus = _corpus(tmp_path)
    store = EmbeddedStore(tmp_path / "store")
    build(corpus, store, infer=True)
    as_built = {g: store.dump("nquads", g) for g in inferred_graphs(store)}
    assert any(g.startswith(iri.INFERRED_GRAPH + "/article/") for g in as_built)
    materialise(store)
    assert {g: store.dump("nquads", g) for g in inferred_graphs(store)} == as_built
    store.close()


def test_an_article_rebuilt_without_inference_loses_its_stale_inferences_until_the_next_inferring_build(tmp_path):
    from kg.inference import inferred_graph

    corpus = _corpus(tmp_path)
    store = EmbeddedStore(tmp_path / "store")
    build(corpus, store, infer=True)
    before = set(inferred_graphs(store))
    graph = next(g for g in map(iri.article_graph, (f.stem for f in corpus.glob("*.md"))) if inferred_graph(g) in before)
    build(corpus, store, infer=False, force=True)
    assert inferred_graph(graph) not in inferred_graphs(store)  # no inference left over from the last version
    report = build(corpus, store, infer=True)
    assert report.built == [] and report.inferred
    assert set(inferred_graphs(store)) == before  # the skipped articles without inferences reasoned over again
    store.close()


def test_an_articles_inferences_say_nothing_of_entity_types_or_ontology_terms_and_each_entity_is_typed_once(inferred_store):
    from kg.inference import inferred_graph, is_entity

    article = inferred_graph(iri.article_graph("kuaishou-microloan-guangzhou-top10"))
    in_article = Graph().parse(data=inferred_store.dump("ntriples", article).decode(), format="nt")
    assert len(in_article) > 0
    assert not [t for t in in_article if t[1] == RDF.type and is_entity(t[0])]
    assert not [t for t in in_article if str(t[0]).startswith(KG)]
    per_entity = inferred_store.select(
        PREFIX + "SELECT ?e (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?e a kg:Organization } "
        "FILTER(STRSTARTS(STR(?g), STR(?inferred))) } GROUP BY ?e HAVING (COUNT(*) > 1)",
        {"inferred": Literal(iri.INFERRED_GRAPH + "/article/")}).rows
    assert per_entity == ()
    assert str(MICRO) in _lenders(inferred_store)


@pytest.mark.parametrize("uses, implied", [
    ([(_k("licensedBy"), True)], {_k("Lender"), _k("Organization")}),  # the domain of a property it is the subject of
    ([(_k("licensedBy"), False)], {_k("Regulator")}),  # the range of a property pointing to it
    ([(_k("owns"), True)], {_k("Lender"), _k("Organization")}),  # A owns X: X ownedBy A, whose range is Lender
    ([(_k("owns"), False)], set()),  # X owns A: A ownedBy X, and ownedBy declares no domain
    ([(_k("partnerOf"), True)], set()),
])
def test_an_entitys_types_follow_from_how_any_graph_uses_it(uses, implied):
    from kg.inference import Rules, implied_for_entity

    rules = Rules.of(Graph().parse(data=_TINY + "kg:ownedBy rdfs:range kg:Lender .", format="turtle"))
    got = implied_for_entity(A, Graph(), uses, rules)
    assert {o for s, p, o in got if p == RDF.type and s == A} == implied
    assert all(s == A for s, _, _ in got)
