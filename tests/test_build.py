"""End to end: corpus → store, incremental rebuilds, failures that lose nothing, canned queries."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg import iri
from kg.build import build
from kg.errors import QueryError
from kg.executors import Processes, Serial
from kg.model import Article
from kg.query import canned_queries, run
from kg.store import open_store
from kg.validate import validate_store

SEED_ID = "kuaishou-microloan-guangzhou-top10"


def _second_article(corpus: Path) -> Path:
    """A second corpus entry made from the seed's body with another id, so both can be built."""
    text = (corpus / f"{SEED_ID}.md").read_text(encoding="utf-8")
    body = text.split("---", 2)[2]
    path = corpus / "second.md"
    path.write_text("---\nid: second\ntitle: 第二篇\npublished: 2026-02-01\n---\n" + body.replace("快手借钱", "快手借款"),
                    encoding="utf-8")
    return path


def test_rebuilding_with_nothing_changed_extracts_nothing(corpus_copy, tmp_path):
    with open_store(tmp_path / "store") as store:
        first = build(corpus_copy, store)
        again = build(corpus_copy, store)
    assert first.built == [SEED_ID]
    assert again.built == [] and again.skipped == [SEED_ID]
    assert again.totals == first.totals


def test_editing_one_article_rebuilds_that_article_only(corpus_copy, tmp_path):
    second = _second_article(corpus_copy)
    with open_store(tmp_path / "store") as store:
        assert sorted(build(corpus_copy, store).built) == ["kuaishou-microloan-guangzhou-top10", "second"]
        second.write_text(second.read_text(encoding="utf-8") + "\n2025年，快手的贷款余额为100亿元。\n", encoding="utf-8")
        report = build(corpus_copy, store)
        assert report.built == ["second"] and report.skipped == [SEED_ID]
        rows = run(store, "metric-series", {"entity_name": "快手"}).dicts()
        assert any(r["metric"].toPython() == "LoanBalance" and int(r["value"].toPython()) == 10_000_000_000 for r in rows)


def test_a_failing_article_is_reported_and_skipped_and_keeps_its_old_graph(corpus_copy, tmp_path):
    second = _second_article(corpus_copy)
    with open_store(tmp_path / "store") as store:
        build(corpus_copy, store)
        before = store.dump("nquads", iri.article_graph("second"))
        second.write_bytes(b"---\nid: second\ntitle: [unclosed\n---\n\xff\xfe broken")
        report = build(corpus_copy, store)
        assert report.built == [] and len(report.failed) == 1
        assert "second.md" in report.failed[0][0]
        assert store.dump("nquads", iri.article_graph("second")) == before  # nothing lost
        _second_article(corpus_copy)  # fixed back: its graph in the store is already right
        repaired = build(corpus_copy, store)
        assert repaired.ok and "second" in repaired.skipped


def test_an_article_removed_from_the_corpus_loses_its_graph(corpus_copy, tmp_path):
    second = _second_article(corpus_copy)
    with open_store(tmp_path / "store") as store:
        build(corpus_copy, store)
        second.unlink()
        report = build(corpus_copy, store)
        assert report.removed == ["second"]
        assert iri.article_graph("second") not in store.graph_names()


def test_the_sample_corpus_conforms_to_the_shapes(built_store):
    report = validate_store(built_store)
    assert report.conforms, report.text


def test_ownership_query_links_the_guangzhou_lender_to_kuaishou(built_store):
    rows = run(built_store, "ownership-tree").dicts()
    pairs = {(str(r["companyName"]), str(r["ownerName"])) for r in rows}
    assert ("广州快手小额贷款有限公司", "快手") in pairs


def test_ownership_query_with_an_owner_parameter(built_store):
    assert run(built_store, "ownership-tree", {"owner_name": "快手科技"}).rows  # an alias works
    assert not run(built_store, "ownership-tree", {"owner_name": "不存在的公司"}).rows


def test_lenders_by_place(built_store):
    rows = run(built_store, "lenders-by-place", {"place_name": "广州"}).dicts()
    assert [(str(r["lenderName"]), str(r["kind"])) for r in rows] == [("广州快手小额贷款有限公司", "OnlineMicroLender")]


def test_metric_series_for_the_market(built_store):
    rows = run(built_store, "metric-series", {"entity_name": "广州网络小贷行业"}).dicts()
    series = {(str(r["metric"]), str(r["period"])) for r in rows}
    assert {("LoanBalance", "2024-12-31"), ("LoanBalance", "2025"), ("CompanyCount", "2025")} <= series


def test_events_timeline_is_in_date_order(built_store):
    rows = run(built_store, "events-timeline").dicts()
    assert [(str(r["type"]), str(r["date"])) for r in rows] == [
        ("LicenseGranted", "2024-04"), ("CapitalIncrease", "2025-12-22")]
    increase = rows[1]
    assert int(increase["valueBefore"].toPython()) == 500_000_000
    assert int(increase["valueAfter"].toPython()) == 1_000_000_000


def test_regulations_query_lists_the_interim_measures(built_store):
    names = {str(r["regulationName"]) for r in run(built_store, "regulations").dicts()}
    assert "小额贷款公司监督管理暂行办法" in names


def test_evidence_query_gives_sentences_and_the_article(built_store):
    rows = run(built_store, "evidence", {"entity_name": "快手小贷", "only": "extracted"}).dicts()
    assert rows
    for r in rows:
        assert str(r["articleId"]) == SEED_ID
        assert int(r["end"]) > int(r["start"])
    assert any("增资" in str(r["sentence"]) for r in rows)


def test_entities_query_by_category(built_store):
    rows = run(built_store, "entities", {"category": "Product"}).dicts()
    assert {str(r["name"]) for r in rows} == {"快手月付", "快手借钱"}


def test_every_canned_query_runs(built_store):
    for name in canned_queries():
        assert run(built_store, name).rows, name


def test_a_parameter_is_bound_not_pasted(built_store):
    hostile = '快手" } } DROP ALL ; SELECT * WHERE { ?s ?p ?o . FILTER("1'
    assert run(built_store, "metric-series", {"entity_name": hostile}).rows == ()
    assert run(built_store, "entities").rows


def test_unknown_parameter_is_refused(built_store):
    with pytest.raises(QueryError, match="no parameter"):
        run(built_store, "entities", {"nope": "x"})


def test_an_optional_parameter_line_is_kept_only_when_bound():
    from kg.query import specialise

    text = "SELECT * WHERE {\n  ?s ?p ?o .\n  FILTER(?o = ?name)  #? name\n}"
    assert "FILTER" not in specialise(text, set())
    assert "FILTER(?o = ?name)" in specialise(text, {"name"})
    assert "#?" not in specialise(text, {"name"})


@pytest.mark.parametrize(("line", "bound", "kept"), [
    ("A  #? x", set(), False), ("A  #? x", {"x"}, True), ("A  #? x|y", {"y"}, True),
    ("A  #! x", set(), True), ("A  #! x", {"x"}, False), ("A  #! x", {"y"}, True),
    ("A  #! x #? y", {"y"}, True), ("A  #! x #? y", {"x", "y"}, False), ("A  #! x #? y", set(), False),
])
def test_a_line_can_be_kept_only_when_a_parameter_is_unbound_and_marks_combine(line, bound, kept):
    from kg.query import specialise

    assert specialise(line, bound) == ("A" if kept else "")


@pytest.mark.parametrize("params", [{}, {"kind": "fact"}, {"kind": "mention"}, {"only": "curated"},
                                    {"found_by": "rule"}, {"min_confidence": "0.9"}])
def test_evidence_about_a_named_entity_is_the_corpus_wide_answer_narrowed_to_it(built_store, params):
    """Two routes through one query (by index from the name; property by property for every entity)
    give one answer."""
    everything = run(built_store, "evidence", {"kind": params.get("kind", "mention"), **params}).dicts()
    if "kind" not in params:  # unbound, the corpus-wide route lists facts only unless asked for mentions
        everything += run(built_store, "evidence", {"kind": "fact", **params}).dicts()
    for name in ("广州快手小额贷款有限公司", "快手"):
        narrowed = run(built_store, "evidence", {"entity_name": name, **params}).dicts()
        expected = [r for r in everything if str(r["entityName"]) == name]
        assert sorted(map(str, narrowed)) == sorted(map(str, expected))
        assert narrowed or params, name


@pytest.mark.parametrize("query", ["metric-series", "events-timeline", "ownership-tree"])
def test_a_query_about_a_named_entity_is_the_corpus_wide_answer_narrowed_to_it(built_store, query):
    param = next(p.name for p in canned_queries()[query].params if p.type == "name")
    column = {"metric-series": "entityName", "events-timeline": "subjectName", "ownership-tree": "ownerName"}[query]
    everything = run(built_store, query, {}).dicts()
    names = sorted({str(r[column]) for r in everything})
    assert names, query
    for name in names[:3]:
        narrowed = run(built_store, query, {param: name}).dicts()
        assert sorted(map(str, narrowed)) == sorted(map(str, (r for r in everything if str(r[column]) == name)))


def test_an_entity_is_found_by_its_english_name_too(built_store):
    by_zh = run(built_store, "evidence", {"entity_name": "快手"}).rows
    assert by_zh and run(built_store, "evidence", {"entity_name": "Kuaishou"}).rows == by_zh


@pytest.mark.parametrize("method", ["registry", "rule", "model"])
def test_evidence_can_be_filtered_by_how_facts_were_found(built_store, method):
    everything = run(built_store, "evidence", {}).dicts()
    assert {str(r["foundBy"]) for r in everything} <= {"registry", "rule", "model"}
    rows = run(built_store, "evidence", {"found_by": method}).dicts()
    assert len(rows) == sum(1 for r in everything if str(r["foundBy"]) == method)
    sure = run(built_store, "evidence", {"min_confidence": "0.99"}).dicts()
    assert all(float(r["confidence"]) >= 0.99 for r in sure)
    assert any(str(r["foundBy"]) == "rule" for r in everything)


def test_an_allowed_value_is_matched_ignoring_case(built_store):
    exact = run(built_store, "entities", {"category": "Lender"}).dicts()
    assert exact and run(built_store, "entities", {"category": "lender"}).dicts() == exact


@pytest.mark.parametrize("query,params,message", [
    ("entities", {"category": "bank"}, "choose one of Lender, Platform"),
    ("evidence", {"found_by": "guess"}, "choose one of registry, rule, model"),
    ("entitys", {}, "did you mean 'entities'"),
])
def test_a_wrong_query_name_or_value_says_what_would_do(built_store, query, params, message):
    with pytest.raises(QueryError, match=message):
        run(built_store, query, params)


def test_a_select_result_refuses_an_rdf_format_and_says_which_fit(built_store):
    from kg.query import format_result

    with pytest.raises(QueryError, match="table, csv, tsv or json, not turtle"):
        format_result(run(built_store, "regulations"), "turtle")


def test_trig_export_and_construct_turtle_use_the_project_prefixes(built_store):
    from kg.query import format_result

    trig = built_store.dump("trig").decode("utf-8")
    assert "@prefix kg: <https://w3id.org/fintech-kg/ontology#>" in trig and "kg:Lender" in trig
    construct = "CONSTRUCT { ?s a ?t } WHERE { ?s a ?t } LIMIT 5"
    turtle = format_result(run(built_store, construct), "turtle")
    assert "@prefix kg:" in turtle and "ns1:" not in turtle


class _EditedMidBuild:
    """A local build during which someone saves a broken version of one file (after the scan)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def extract(self, articles):
        self.path.write_bytes(b"---\nid: second\ntitle: [unclosed\n---\n")
        yield from Serial(models=False).extract(articles)


def test_a_file_broken_after_the_scan_is_reported_and_the_rest_is_built(corpus_copy, tmp_path):
    second = _second_article(corpus_copy)
    with open_store(tmp_path / "store") as store:
        report = build(corpus_copy, store, executor=_EditedMidBuild(second))
    assert report.built == [SEED_ID]
    assert [Path(f).name for f, _ in report.failed] == ["second.md"]


class _Counted:
    """A sequence of articles that records how many were taken from it."""

    def __init__(self, articles: list[Article]) -> None:
        self.articles, self.taken = articles, 0

    def __len__(self) -> int:
        return len(self.articles)

    def __iter__(self):
        for a in self.articles:
            self.taken += 1
            yield a


def test_local_processes_take_articles_as_they_go_and_keep_their_order():
    articles = _Counted([Article(id=f"a{i}", title=f"第{i}篇", text=f"青禾{i}贷平台上线。") for i in range(40)])
    outcomes = Processes(2, models=False).extract(articles)
    first = next(outcomes)
    assert articles.taken <= 2 * 4 + 1  # a window ahead of the writer, not the whole corpus
    rest = list(outcomes)
    assert [a.id for a, _ in [first, *rest]] == [f"a{i}" for i in range(40)]
    assert not any(isinstance(x, Exception) for _, x in [first, *rest])


@pytest.mark.parametrize("hostile", ['快手" } ; DROP ALL #', "快手\n} UNION { ?s ?p ?o", "快手\\", ""])
def test_a_name_parameter_is_bound_in_every_language_never_pasted(built_store, hostile):
    from kg.query import bindings, resolve
    from kg.store import inject_values

    query = resolve("evidence")
    bound = bindings(query, {"entity_name": hostile})
    assert [t.language for t in bound["entity_name"]] == ["zh", "en", None]
    assert inject_values(query.sparql(bound), bound).count('VALUES (?entity_name)') == 1
    assert run(built_store, "evidence", {"entity_name": hostile}).rows == ()
    assert run(built_store, "evidence", {"entity_name": "快手"}).rows  # nothing was dropped
