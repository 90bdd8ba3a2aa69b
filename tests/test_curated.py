"""The registry's curated relations: their own named graph, kept by `kg build`, told apart from
extracted facts by queries and pages. Real embedded stores throughout."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import URIRef

from kg import iri
from kg.build import build
from kg.curated import REGISTRY_SOURCE, curated_facts, recorded_fingerprint
from kg.query import run
from kg.registry import default_registry_path, load_registry
from kg.render import write_entity_page
from kg.site import entity_href, write_site
from kg.store import open_store
from kg.validate import validate_store
from paths import CORPUS

KG = "https://w3id.org/fintech-kg/ontology#"
LENDER = iri.ID + "kuaishou-microloan"  # 广州快手小额贷款有限公司: parent 快手, located in 广州


def _count(store, pattern: str) -> int:
    table = store.select(f"PREFIX kg: <{KG}> PREFIX prov: <http://www.w3.org/ns/prov#> "
                         f"SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} }}")
    return int(table.rows[0][0])


def _edited_registry(tmp_path: Path):
    """The shipped registry less its first `located_in: china` fact."""
    edited = tmp_path / "registry.yaml"
    edited.write_text(default_registry_path().read_text(encoding="utf-8").replace(
        "    located_in: china\n", "", 1), encoding="utf-8")
    return load_registry(edited)


def test_every_curated_fact_is_one_reified_statement_with_registry_provenance(built_store):
    registry = load_registry()
    facts = list(curated_facts(registry))
    assert len(facts) > 700
    graph = f"<{iri.REGISTRY_GRAPH}>"
    assert _count(built_store, f"GRAPH {graph} {{ ?st a kg:RelationStatement }}") == len(facts)
    assert _count(built_store, f"GRAPH {graph} {{ ?st a kg:RelationStatement ; kg:foundBy kg:RegistryMethod ; "
                               f"kg:confidence 1.0 ; prov:wasDerivedFrom <{REGISTRY_SOURCE}> }}") == len(facts)
    assert _count(built_store, f"GRAPH {graph} {{ ?s ?p ?o . ?p a ?any }}") == 0  # no ontology copied in
    assert recorded_fingerprint(built_store) == registry.fingerprint()
    rows = built_store.select(f"PREFIX kg: <{KG}> SELECT ?o WHERE {{ GRAPH {graph} {{ ?s kg:subsidiaryOf ?o }} }}",
                              {"s": URIRef(LENDER)}).rows
    assert rows == ((URIRef(iri.ID + "kuaishou"),),)


def test_curated_statements_are_not_counted_as_extracted_relations(built_store):
    from kg.build import totals

    t = totals(built_store)
    assert t["curated"] == len(list(curated_facts(load_registry())))
    assert 0 < t["relations"] < 50  # the one sample article's own statements


def test_the_store_with_its_registry_graph_conforms_to_the_shapes(built_store):
    report = validate_store(built_store)
    assert report.conforms, report.text


def test_rebuild_leaves_the_registry_graph_alone_and_a_registry_edit_replaces_it(tmp_path):
    with open_store(tmp_path / "store") as store:
        first = build(CORPUS, store)
        assert first.curated
        quads = len(store.dump("nquads", iri.REGISTRY_GRAPH))
        again = build(CORPUS, store)
        assert not again.curated and len(store.dump("nquads", iri.REGISTRY_GRAPH)) == quads  # not duplicated
        edited = _edited_registry(tmp_path)
        changed = build(CORPUS, store, registry=edited)
        assert changed.curated and changed.skipped  # articles are not re-extracted for this
        assert recorded_fingerprint(store) == edited.fingerprint()
        assert changed.totals["curated"] == first.totals["curated"] - 1
        assert _count(store, f"<{REGISTRY_SOURCE}> kg:contentHash ?h") == 1  # replaced whole, no old version left


def test_evidence_query_tells_curated_from_extracted(built_store):
    rows = run(built_store, "evidence", {"entity_name": "快手小贷"}).dicts()
    by_origin = {o: [r for r in rows if str(r["origin"]) == o] for o in ("curated", "extracted")}
    assert {str(r["fact"]) for r in by_origin["curated"]} == {"subsidiaryOf → 快手", "locatedIn → 广州"}
    assert all(r["sentence"] is None and str(r["foundBy"]) == "registry" for r in by_origin["curated"])
    assert by_origin["extracted"] and all(r["sentence"] is not None for r in by_origin["extracted"])
    only = run(built_store, "evidence", {"entity_name": "快手小贷", "only": "curated"}).dicts()
    assert len(only) == len(by_origin["curated"])
    assert not any(r["sentence"] for r in run(built_store, "evidence", {"only": "curated"}).dicts())


def test_ownership_tree_says_where_each_link_comes_from(built_store):
    rows = run(built_store, "ownership-tree").dicts()
    origin = {(str(r["companyName"]), str(r["ownerName"])): str(r["origin"]) for r in rows}
    assert origin[("广州快手小额贷款有限公司", "快手")] == "curated, extracted"
    assert "curated" in origin.values()
    curated_only = [r for r in rows if str(r["origin"]) == "curated"]
    assert all(int(r["evidence"]) == 0 for r in curated_only)


def test_entity_pages_list_curated_facts_apart(built_store, tmp_path):
    out = write_site(built_store, tmp_path / "site")
    page = (out / entity_href(LENDER)).read_text(encoding="utf-8")
    assert "登记资料 / curated" in page
    curated = page.split("登记资料 / curated", 1)[1].split("</section>", 1)[0]
    assert "快手" in curated and "隶属于" in curated and "广州" in curated
    network = (out / "network.html").read_text(encoding="utf-8")
    assert "登记资料" not in network  # the network draws extracted relations only


def test_entity_page_without_curated_facts_has_no_such_section(tmp_path):
    page = write_entity_page(tmp_path / "e.html", entity={"iri": "x", "label": "某公司", "category": "Organization"})
    assert "登记资料" not in page.read_text(encoding="utf-8")
    page = write_entity_page(tmp_path / "f.html", entity={"iri": "x", "label": "某公司", "category": "Organization"},
                             curated=[{"predicate": "subsidiaryOf", "outgoing": True, "other_label": "<母公司>",
                                       "url": "javascript:alert(1)"}])
    html = page.read_text(encoding="utf-8")
    assert "登记资料 / curated（1）" in html and "&lt;母公司&gt;" in html and "javascript:" not in html


@pytest.mark.parametrize("origin", ["curated", "extracted"])
def test_only_parameter_filters_by_origin(built_store, origin):
    rows = run(built_store, "evidence", {"only": origin}).dicts()
    assert rows and {str(r["origin"]) for r in rows} == {origin}
