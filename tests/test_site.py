"""The generated site from the sample corpus: every page written, linked, offline, safe."""

from __future__ import annotations

import re

import pytest
from kg.network import entity_graph, graph_from_result
from kg.query import run
from kg.site import entity_href, write_query_page, write_site

REMOTE = re.compile(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//|@import\s+url\(\s*["']?(?:https?:)?//""", re.I)


@pytest.fixture(scope="module")
def site(built_store, tmp_path_factory):
    return write_site(built_store, tmp_path_factory.mktemp("site"))


def test_the_entity_graph_holds_entities_and_stated_relations(built_store):
    g = entity_graph(built_store)
    names = {g.nodes[n]["label"]: n for n in g.nodes}
    lender, kuaishou = names["广州快手小额贷款有限公司"], names["快手"]
    assert g.nodes[lender]["category"] == "Lender" and g.nodes[lender]["kind"] == "OnlineMicroLender"
    assert g.has_edge(lender, kuaishou, key="subsidiaryOf")
    edge = g.get_edge_data(lender, kuaishou, key="subsidiaryOf")
    assert edge["label_zh"] and edge["evidence"] and "旗下" in edge["evidence"][0]["text"]


def test_every_page_is_written(site, built_store):
    assert (site / "index.html").is_file() and (site / "network.html").is_file()
    for node in entity_graph(built_store).nodes:
        assert (site / entity_href(node)).is_file()


def test_pages_load_nothing_from_the_network(site):
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert not REMOTE.search(text), page
        assert '<meta charset="utf-8">' in text.lower() or "charset=utf-8" in text.lower()


def test_the_index_links_to_every_entity_page(site):
    index = (site / "index.html").read_text(encoding="utf-8")
    for page in (site / "entity").glob("*.html"):
        assert f"entity/{page.name}" in index


def test_an_entity_page_has_its_facts_and_evidence(site, built_store):
    g = entity_graph(built_store)
    market = next(n for n in g.nodes if g.nodes[n]["label"] == "广州网络小贷行业")
    page = (site / entity_href(market)).read_text(encoding="utf-8")
    assert "LoanBalance" in page and "135.68" in page or "13568000000" in page or "135.7" in page
    assert "<svg" in page  # the loan balance has two periods: a chart


def test_a_page_from_a_construct_query(built_store, tmp_path):
    # the article's own statement, not the registry graph's curated ones
    query = ("PREFIX kg: <https://w3id.org/fintech-kg/ontology#> "
             "CONSTRUCT { ?a kg:subsidiaryOf ?b } WHERE { GRAPH ?g { ?a kg:subsidiaryOf ?b } "
             "FILTER(STRSTARTS(STR(?g), 'https://w3id.org/fintech-kg/graph/article/')) }")
    g = graph_from_result(built_store, run(built_store, query))
    assert g.number_of_edges() == 1
    path = write_query_page(built_store, query, tmp_path / "q.html")
    assert "广州快手小额贷款有限公司" in path.read_text(encoding="utf-8")
