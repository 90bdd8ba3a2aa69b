"""Each entity described once (the entity graph), kept current incrementally, and pages that are
rewritten only when what they show changed. Real articles, real embedded store."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rdflib import URIRef

from kg import describe, iri
from kg.build import build
from kg.registry import load_registry
from kg.site import update_site
from kg.store import open_store
from paths import CORPUS, DEV_CORPUS

SKOS = "http://www.w3.org/2004/02/skos/core#"
KG = iri.ONTOLOGY
# three real development articles that name the same people and companies (苏宁金融研究院, 薛洪言 …)
DEV = ("finnsp-train-3771", "finnsp-train-1288", "finnsp-train-2318")


def _corpus(tmp_path: Path, ids=DEV) -> Path:
    from kg.corpus import add_article

    folder = tmp_path / "corpus"
    shutil.copytree(CORPUS, folder)
    for article_id in ids:
        add_article(DEV_CORPUS / f"{article_id}.txt", folder)
    return folder


@pytest.fixture(scope="module")
def layout(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("layout")
    corpus = _corpus(tmp)
    store = open_store(tmp / "store")
    report = build(corpus, store)
    assert report.ok, report.failed
    yield corpus, store, tmp
    store.close()


def _count(store, sparql: str, **bindings) -> int:
    return int(store.select(sparql, bindings).rows[0][0])


def test_no_article_graph_holds_an_entitys_labels_or_types(layout):
    _, store, _ = layout
    n = _count(store, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?e <{KG}mentionedIn> ?a . "
                      f"?e ?p ?o FILTER(?p IN (<{SKOS}prefLabel>, <{SKOS}altLabel>, "
                      f"<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>)) }} }}")
    assert n == 0


def test_an_entity_named_in_several_articles_has_one_label_and_one_copy_of_each_type(layout):
    _, store, _ = layout
    rows = store.select(f"SELECT ?e (COUNT(DISTINCT ?a) AS ?n) WHERE {{ ?e <{KG}mentionedIn> ?a }} "
                        f"GROUP BY ?e HAVING(COUNT(DISTINCT ?a) > 2)").rows
    assert rows, "some entity should be named in more than two of the articles"
    for entity, _ in rows:
        assert _count(store, f"SELECT (COUNT(*) AS ?n) WHERE {{ ?e <{SKOS}prefLabel> ?l FILTER(LANG(?l) = 'zh') }}",
                      e=entity) == 1
        types = store.select("SELECT ?t WHERE { ?e a ?t }", {"e": entity}).rows
        assert len(types) == len(set(types))  # one copy each, not one per article


def test_every_mentioned_entity_is_described_in_the_entity_graph(layout):
    _, store, _ = layout
    missing = store.select(f"SELECT DISTINCT ?e WHERE {{ ?e <{KG}mentionedIn> ?a . FILTER NOT EXISTS {{ "
                           f"GRAPH ?g {{ ?e <{SKOS}prefLabel> ?l }} }} }}", {"g": URIRef(iri.ENTITIES_GRAPH)}).rows
    assert missing == ()


@pytest.mark.parametrize("stated, preferred, also", [
    # the name more articles give wins; the other stays findable as an alias
    ([("甲（集团）有限公司", 2), ("甲(集团)有限公司", 1)], "甲（集团）有限公司", {"甲(集团)有限公司"}),
    ([("甲(集团)有限公司", 1), ("甲（集团）有限公司", 1)], "甲(集团)有限公司", {"甲（集团）有限公司"}),
])
def test_one_preferred_label_merged_from_different_spellings(stated, preferred, also):
    entity = iri.entity_iri(name=stated[0][0])
    said = [describe.Stated(entity, name, frozenset({"Organization"})) for name, n in stated for _ in range(n)]
    g = describe.merge(entity, said, load_registry())
    labels = {str(o) for o in g.objects(URIRef(entity), URIRef(SKOS + "prefLabel"))}
    aliases = {str(o) for o in g.objects(URIRef(entity), URIRef(SKOS + "altLabel"))}
    assert labels == {preferred} and also <= aliases


def _description(store, entity: str) -> set:
    return set(store.select("SELECT ?p ?o WHERE { GRAPH ?g { ?e ?p ?o } }",
                            {"g": URIRef(iri.ENTITIES_GRAPH), "e": URIRef(entity)}).rows)


def test_editing_one_article_rewrites_only_its_entities_descriptions(tmp_path):
    corpus = _corpus(tmp_path)
    with open_store(tmp_path / "store") as store:
        build(corpus, store)
        before = {e: _description(store, e) for e in describe.described_entities(store)}
        article = corpus / f"{DEV[0]}.md"
        article.write_text(article.read_text(encoding="utf-8") + "\n青松小额贷款有限公司是快手的合作方。\n",
                           encoding="utf-8")
        report = build(corpus, store)
        assert report.built == [DEV[0]]
        after = {e: _description(store, e) for e in describe.described_entities(store)}
    new = iri.entity_iri(name="青松小额贷款有限公司")
    assert new in after and new not in before
    assert (URIRef(SKOS + "prefLabel"), _literal("青松小额贷款有限公司")) in after[new]
    unchanged = [e for e in before if e in after and before[e] == after[e]]
    assert len(unchanged) >= len(before) - 5  # only the article's entities could change


def _literal(text: str):
    from rdflib import Literal

    return Literal(text, lang="zh")


def test_an_entity_only_a_removed_article_named_leaves_the_entity_graph(tmp_path):
    corpus = _corpus(tmp_path, ids=DEV[:1])
    article = corpus / f"{DEV[0]}.md"
    article.write_text(article.read_text(encoding="utf-8") + "\n青松小额贷款有限公司是快手的合作方。\n", encoding="utf-8")
    gone = iri.entity_iri(name="青松小额贷款有限公司")
    with open_store(tmp_path / "store") as store:
        build(corpus, store)
        assert gone in describe.described_entities(store)
        article.unlink()
        assert build(corpus, store).removed == [DEV[0]]
        assert gone not in describe.described_entities(store)
        assert _description(store, gone) == set()


def test_a_build_stopped_before_its_refresh_is_repaired_by_the_next(tmp_path):
    corpus = _corpus(tmp_path, ids=DEV[:1])
    with open_store(tmp_path / "store") as store:
        build(corpus, store)
        whole = store.dump("nquads", iri.ENTITIES_GRAPH)
        store.drop_graph(iri.ENTITIES_GRAPH)  # as if the articles were written and the refresh never ran
        describe.set_current(store, None)
        report = build(corpus, store)
        assert report.built == []  # nothing to extract, but the entity graph is made whole again
        assert sorted(store.dump("nquads", iri.ENTITIES_GRAPH).splitlines()) == sorted(whole.splitlines())


def test_a_build_with_nothing_changed_writes_nothing_and_skips_inference(tmp_path):
    corpus = _corpus(tmp_path, ids=DEV[:1])
    with open_store(tmp_path / "store") as store:
        first = build(corpus, store, infer=True)
        dump = store.dump("nquads")
        again = build(corpus, store, infer=True)
        assert first.inferred and again.inferred is None
        assert again.built == [] and store.dump("nquads") == dump


def test_pages_are_rewritten_only_where_what_they_show_changed(tmp_path):
    corpus = _corpus(tmp_path, ids=DEV[:2])
    site = tmp_path / "site"
    with open_store(tmp_path / "store") as store:
        build(corpus, store)
        first = update_site(store, site)
        assert "index.html" in first.written and "network.html" in first.written
        pages = len(first.written)
        assert update_site(store, site).written == []  # nothing changed: nothing drawn
        article = corpus / f"{DEV[1]}.md"
        article.write_text(article.read_text(encoding="utf-8") + "\n青松小额贷款有限公司是快手的合作方。\n",
                           encoding="utf-8")
        build(corpus, store)
        second = update_site(store, site)
    new_page = f"entity/{iri.slug(iri.entity_iri(name='青松小额贷款有限公司'))}.html"
    assert new_page in second.written and "index.html" in second.written
    assert 0 < len(second.written) < pages / 2  # the affected pages, not the site
    assert (site / new_page).exists()


def test_a_page_deleted_by_hand_is_drawn_again(tmp_path):
    corpus = _corpus(tmp_path, ids=())
    site = tmp_path / "site"
    with open_store(tmp_path / "store") as store:
        build(corpus, store)
        update_site(store, site)
        (site / "index.html").unlink()
        assert update_site(store, site).written == ["index.html"]


def test_a_one_article_build_reasons_over_that_article_and_equals_a_full_reasoning(tmp_path):
    from kg.inference import inferred_graph, inferred_graphs, materialise

    corpus = _corpus(tmp_path, ids=DEV[:2])
    with open_store(tmp_path / "store") as store:
        build(corpus, store, infer=True)
        (corpus / f"{DEV[1]}.md").unlink()
        article = corpus / f"{DEV[0]}.md"
        article.write_text(article.read_text(encoding="utf-8") + "\n青松小额贷款有限公司是快手的子公司。\n", encoding="utf-8")
        build(corpus, store, infer=True)
        assert inferred_graph(iri.article_graph(DEV[1])) not in inferred_graphs(store)  # gone with its article
        incremental = sorted(line for g in inferred_graphs(store) for line in store.dump("nquads", g).splitlines())
        materialise(store)
        full = sorted(line for g in inferred_graphs(store) for line in store.dump("nquads", g).splitlines())
    assert incremental == full


def test_kg_viz_says_how_many_pages_it_drew_and_force_redraws_them_all(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from kg.cli import main

    corpus = _corpus(tmp_path, ids=())
    for name, value in (("KG_CORPUS", corpus), ("KG_STORE", tmp_path / "store"), ("KG_OUTPUT", tmp_path / "out")):
        monkeypatch.setenv(name, str(value))
    built = CliRunner().invoke(main, ["build"], catch_exceptions=False)
    assert built.exit_code == 0 and "unchanged" in built.output
    drawn = int(built.output.split("pages: ", 1)[1].split(" drawn")[0])
    assert drawn > 3
    again = CliRunner().invoke(main, ["viz"], catch_exceptions=False).output
    assert again.startswith(f"pages: 0 drawn, {drawn} unchanged")
    forced = CliRunner().invoke(main, ["viz", "--force"], catch_exceptions=False).output
    assert forced.startswith(f"pages: {drawn} drawn, 0 unchanged")


@pytest.mark.parametrize("stated, expected", [
    # articles disagree: the category most of them state wins, with the kinds stated alongside it
    ([{"Lender", "P2PLender"}, {"Platform"}, {"Lender"}], {"Lender", "P2PLender"}),
    ([{"Platform"}, {"Lender", "P2PLender"}, {"Platform"}], {"Platform"}),
    # a tie goes to the declared order of categories (Lender before Platform)
    ([{"Platform"}, {"Lender"}], {"Lender"}),
])
def test_an_entity_gets_one_top_category_however_articles_disagree(stated, expected):
    from rdflib import RDF

    entity = iri.entity_iri(name="某某金融")
    said = [describe.Stated(entity, "某某金融", frozenset(c)) for c in stated]
    g = describe.merge(entity, said, load_registry())
    assert {str(t).rsplit("#", 1)[1] for t in g.objects(URIRef(entity), RDF.type)} == expected


def test_the_registry_category_wins_over_what_articles_state():
    from rdflib import RDF

    registry = load_registry()
    entry = next(e for e in registry if e.category == "Lender")
    entity = iri.entity_iri(registry_key=entry.key)
    g = describe.merge(entity, [describe.Stated(entity, entry.name, frozenset({"Platform"}))] * 3, registry)
    types = {str(t).rsplit("#", 1)[1] for t in g.objects(URIRef(entity), RDF.type)}
    assert "Lender" in types and "Platform" not in types


def test_a_one_article_build_rewrites_the_inferences_of_its_entities_as_a_full_refresh_would(tmp_path):
    from kg.inference import inferred_graph, rules_of

    corpus = _corpus(tmp_path, ids=DEV[:2])
    with open_store(tmp_path / "store") as store:
        build(corpus, store, infer=True)
        article = corpus / f"{DEV[0]}.md"
        article.write_text(article.read_text(encoding="utf-8") + "\n青松小额贷款有限公司是快手的子公司。\n", encoding="utf-8")
        (corpus / f"{DEV[1]}.md").unlink()
        build(corpus, store, infer=True)
        graph = inferred_graph(iri.ENTITIES_GRAPH)
        incremental = sorted(store.dump("nquads", graph).decode().splitlines())
        describe.refresh(store, None, load_registry(), rules_of(store))
        assert sorted(store.dump("nquads", graph).decode().splitlines()) == incremental
    assert any("e-" in line and "Organization" in line for line in incremental)


def test_what_articles_say_of_an_entity_is_counted_in_the_store_as_read_one_description_at_a_time(tmp_path):
    """The entity graph reads aggregates (names and categories counted per description); the same
    descriptions read one by one and merged give the same graph."""
    from collections import defaultdict

    from kg.vocab import KG

    corpus = _corpus(tmp_path, ids=DEV[:6])
    registry = load_registry()
    with open_store(tmp_path / "store") as store:
        build(corpus, store)
        rows = store.select(f"SELECT ?e ?d ?p ?x WHERE {{ ?d {KG.describes.n3()} ?e ; ?p ?x }}").rows
        one_by_one: dict = defaultdict(lambda: defaultdict(lambda: {"name": "", "cats": set(), "aliases": [], "by": set()}))
        for e, d, p, x in rows:
            item = one_by_one[str(e)][str(d)]
            if p == KG.statedName:
                item["name"] = str(x)
            elif p == KG.statedCategory:
                item["cats"].add(str(x).rsplit("#", 1)[-1])
            elif p == KG.statedAlias:
                item["aliases"].append(str(x))
            elif p == KG.foundBy:
                item["by"].add(str(x))
        entities = sorted(one_by_one)
        said = describe._read_said(store, entities)
    assert len(entities) > 20
    for e in entities:
        stated = [describe.Stated(e, i["name"], frozenset(i["cats"]), tuple(i["aliases"]), frozenset(i["by"]))
                  for i in one_by_one[e].values()]
        assert set(describe.merge(e, said[e], registry)) == set(describe.merge(e, stated, registry)), e
