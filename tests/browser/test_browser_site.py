"""The site built from a corpus, in real Chromium: the sample corpus and a hostile article."""

from __future__ import annotations

import re
import shutil

import networkx as nx
import pytest

from kg.build import build
from kg.corpus import add_article
from kg.network import attach_dates, entity_graph
from kg.site import write_site
from kg.store import open_store
from paths import CORPUS, DEV_CORPUS, ROOT

XSS = ROOT / "tests" / "fixtures" / "xss-article.md"
# a development article with a penalty (杭银消费金融, fined by 银监会浙江监管局), dated as it dates
# itself (6月26日, 2018), so that the graph has dated relations as well as periods of facts
PENALTY = DEV_CORPUS / "finnsp-eval-0326.txt"
PENALTY_PUBLISHED = "2018-06-26"


@pytest.fixture(scope="module")
def site_build(tmp_path_factory):
    """The sample corpus, the hostile article and the dated penalty article: pages and store."""
    if not PENALTY.exists():
        pytest.skip(f"dev corpus not found at {DEV_CORPUS}")
    root = tmp_path_factory.mktemp("site")
    corpus = root / "corpus"
    shutil.copytree(CORPUS, corpus)
    shutil.copy(XSS, corpus / XSS.name)
    add_article(PENALTY, corpus, published=PENALTY_PUBLISHED)
    with open_store(root / "store") as store:
        report = build(corpus, store, infer=True)
        assert report.ok, report.failed
        write_site(store, root / "out")
    return root


@pytest.fixture(scope="module")
def site(site_build):
    return site_build / "out"


def test_the_sample_network_page_holds_the_graph(site, open_page):
    opened = open_page(site / "network.html")
    opened.assert_clean()
    labels = opened.js("() => kgNetwork.nodes.get().map(n => n.label)")
    assert "广州快手小额贷款有限公司" in labels and "快手" in labels
    edges = opened.js("() => kgNetwork.edges.get().map(e => e.predicate || e.key || e.label)")
    assert len(edges) >= 4


def test_every_page_loads_clean(site, open_page):
    pages = [site / "index.html", *sorted((site / "entity").glob("*.html"))]
    for page in pages:
        opened = open_page(page, wait_ready=False)
        opened.assert_clean()


def test_hostile_article_text_renders_as_text(site, open_page):
    index = open_page(site / "index.html", wait_ready=False)
    index.assert_clean()
    text = index.js("() => document.body.innerText")
    assert "<script>alert(1)</script>快手小贷" in text  # the title, shown as written
    assert index.js("() => document.querySelectorAll('img[src=\"x\"]').length") == 0
    assert index.js("() => document.scripts.length") == 0  # nothing from the data became a script
    lender = next(p for p in (site / "entity").glob("*.html")
                  if re.search(r"<title>([^<]*)</title>", p.read_text(encoding="utf-8")).group(1) == "广州快手小额贷款有限公司")
    page = open_page(lender, wait_ready=False)
    page.assert_clean()
    body = page.js("() => document.body.innerText")
    assert "<script>alert(2)</script>" in body or "alert(1)" in body  # evidence sentences, as text
    assert page.js("() => document.scripts.length") == 0


# ------------------------------------------------------------------ the overview of a real store


@pytest.fixture(scope="module")
def site_graph(site_build):
    """The graph the overview was drawn from, read again from the store (the tests' oracle)."""
    with open_store(site_build / "store", read_only=True) as store:
        return attach_dates(store, entity_graph(store))


def _drawn(opened) -> tuple[set[str], set[tuple[str, str, str]]]:
    """Node ids and (from, predicate, to) of the edges vis-network draws."""
    nodes, edges = opened.js("() => [kgNetwork.visibleNodeIds(), kgNetwork.visibleEdgeIds().map(id => {"
                             " const e = kgNetwork.edgeRecords.get(id); return [e.from, e.predicate, e.to]; })]")
    return set(nodes), {tuple(e) for e in edges}


def _counts_line(opened) -> tuple[int, int]:
    text = opened.page.locator("#kg-stats").text_content()
    shown = re.match(r"(\d+) 个节点 · (\d+) 条关系", text)
    return int(shown.group(1)), int(shown.group(2))


def _overlaps(dates: list[str], first: str, last: str) -> bool:
    return any(d.split("/")[0] <= last and d.split("/")[-1] >= first for d in dates)


def _expected(graph, keep) -> tuple[set[str], set[tuple[str, str, str]]]:
    nodes = {n for n in graph if keep(n, graph.nodes[n])}
    edges = {(u, k, v) for u, v, k, a in graph.edges(keys=True, data=True)
             if u in nodes and v in nodes and keep(None, a)}
    return nodes, edges


def test_isolated_nodes_are_hidden_by_default_and_the_toggle_shows_them(site, site_graph, open_page):
    isolates = set(nx.isolates(site_graph))
    assert isolates and len(isolates) < len(site_graph)
    all_edges = {(u, k, v) for u, v, k in site_graph.edges(keys=True)}
    o = open_page(site / "network.html")
    toggle = o.page.locator("#kg-isolates")
    assert toggle.is_checked()
    assert o.page.locator("#kg-isolates-text").text_content() == f"隐藏 {len(isolates)} 个孤立节点"
    assert _drawn(o) == (set(site_graph) - isolates, all_edges)
    assert _counts_line(o) == (len(site_graph) - len(isolates), len(all_edges))
    toggle.uncheck()
    assert _drawn(o) == (set(site_graph), all_edges)
    assert o.page.locator("#kg-stats").text_content() == f"{len(site_graph)} 个节点 · {len(all_edges)} 条关系"
    toggle.check()
    # an isolated entity found by name is shown, and the toggle and counts say so
    lonely = sorted(isolates)[0]
    o.page.fill("#kg-search-input", site_graph.nodes[lonely]["label"])
    o.page.press("#kg-search-input", "Enter")
    assert o.js("() => kgNetwork.network.getSelectedNodes()") == [lonely]
    assert not toggle.is_checked() and _counts_line(o)[0] == len(site_graph)
    o.assert_clean()


def test_date_filter_changes_what_is_drawn_and_the_counts(site, site_graph, open_page):
    first, last = "2018-01-01", "2018-12-31"
    isolated = set(nx.isolates(site_graph))
    dated = _expected(site_graph, lambda n, a: n not in isolated and _overlaps(a["dates"], first, last))
    undated_too = _expected(site_graph, lambda n, a: n not in isolated
                            and (not a["dates"] or _overlaps(a["dates"], first, last)))
    everything = _expected(site_graph, lambda n, a: n not in isolated)
    assert dated[0] and dated[1] and dated[0] < undated_too[0] < everything[0]
    o = open_page(site / "network.html")
    o.page.fill("#kg-date-from", first)
    o.page.fill("#kg-date-to", last)
    assert _drawn(o) == dated
    assert _counts_line(o) == (len(dated[0]), len(dated[1]))
    o.page.locator("#kg-date-undated").check()
    assert _drawn(o) == undated_too
    assert _counts_line(o) == (len(undated_too[0]), len(undated_too[1]))
    o.page.click("#kg-date-clear")
    assert _drawn(o) == everything and _counts_line(o) == (len(everything[0]), len(everything[1]))
    o.assert_clean()


def test_search_not_found_clears_the_side_panel(site, open_page):
    o = open_page(site / "network.html")
    o.page.fill("#kg-search-input", "快手")
    o.page.press("#kg-search-input", "Enter")
    assert o.page.locator("#kg-info h2").count() == 1
    o.page.fill("#kg-search-input", "金碗理财")
    o.page.press("#kg-search-input", "Enter")
    assert o.page.locator("#kg-search-status").text_content() == "未找到：金碗理财"
    assert o.page.locator("#kg-info h2").count() == 0
    assert o.page.locator("#kg-info .kg-hint").count() == 1
    assert o.js("() => [kgNetwork.network.getSelectedNodes(), kgNetwork.dimmedNodeIds()]") == [[], []]
    o.assert_clean()


# ------------------------------------------------------------------ entity pages of a real store

ONTOLOGY_LABELS = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?zh ?en WHERE { ?t rdfs:label ?zh , ?en . FILTER(LANG(?zh) = "zh" && LANG(?en) = "en") }"""


def _labels(term):
    """The ontology's zh and en label of a term, read from the ontology file itself."""
    from rdflib import URIRef

    from kg.vocab import ontology_graph

    rows = list(ontology_graph().query(ONTOLOGY_LABELS, initBindings={"t": URIRef(term)}))
    assert len(rows) == 1, term
    return str(rows[0][0]), str(rows[0][1])


def _entity_page(site, label):
    return next(p for p in (site / "entity").glob("*.html")
                if re.search(r"<title>([^<]*)</title>", p.read_text(encoding="utf-8")).group(1) == label)


PENALTIES = """PREFIX kg: <https://w3id.org/fintech-kg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT DISTINCT ?who ?by WHERE {
  ?x a kg:Penalty ; kg:eventSubject/skos:prefLabel ?who ; kg:eventObject/skos:prefLabel ?by .
  FILTER(LANG(?who) = "zh" && LANG(?by) = "zh")
}"""


def test_penalty_row_names_the_imposer_and_links_to_its_page(site, site_build, open_page):
    with open_store(site_build / "store", read_only=True) as store:
        penalties = [(str(w), str(b)) for w, b in store.select(PENALTIES).rows]
    assert penalties
    zh, en = _labels("https://w3id.org/fintech-kg/ontology#Penalty")
    for who, by in penalties:
        o = open_page(_entity_page(site, who), wait_ready=False)
        row = o.page.locator(".kg-fact-table tbody tr", has=o.page.locator(f'.kg-term[title="{en}"]'))
        assert row.locator(".kg-what").text_content() == zh
        imposer = row.locator("a.kg-other")
        assert imposer.text_content() == by
        o.page.goto(o.page.url.rsplit("/", 1)[0] + "/" + imposer.get_attribute("href"))
        assert o.page.title() == by
        o.assert_clean()


def test_metric_names_are_chinese_with_english_on_hover_and_units_readable(site, open_page):
    # narrow, so that a name that could wrap would
    o = open_page(_entity_page(site, "广州快手小额贷款有限公司"), wait_ready=False, width=640)
    cells = o.js("() => Array.from(document.querySelectorAll('.kg-fact-table tbody tr'), tr => ["
                 " tr.querySelector('.kg-term').textContent, tr.querySelector('.kg-term').title,"
                 " tr.querySelector('.kg-term').getClientRects().length, tr.children[1].textContent,"
                 " tr.children[1].title])")
    assert len(cells) >= 4
    from kg.schema import EVENT_TYPES, METRIC

    names = {_labels(f"https://w3id.org/fintech-kg/ontology#{k}") for k in (*METRIC, *EVENT_TYPES)}
    for zh, en, lines, value, exact in cells:
        assert (zh, en) in names
        assert lines == 1, zh  # one line box: not wrapped
        assert "CNY" not in value and "Rank" not in value
        if value:
            assert re.fullmatch(r"第\d+名|[\d,.]+(亿|万)?元|[\d,.]+%|[\d,.]+(亿|万)?", value), value
            assert re.fullmatch(r"[\d,.]+ .+", exact), exact  # the exact value and the unit in English
    assert any(v.endswith("亿元") for _, _, _, v, _ in cells) and any(v.startswith("第") for _, _, _, v, _ in cells)
    o.assert_clean()
