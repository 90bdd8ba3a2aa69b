"""From a node to its source: the article's text and mention sentences in the store, the evidence
query's mention rows, the article pages and the timeline. Real corpus files, a real embedded store
and the pages as written; the browser side is tests/browser/test_browser_paths.py."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import unquote

import pytest
from bs4 import BeautifulSoup
from rdflib import URIRef

from kg.corpus import parse_corpus_file
from kg.query import run, specialise
from kg.render._html import external_link, http_url
from kg.site import article_href, update_site
from kg.store import open_store
from sources_site import HOSTILE_ID, HOSTILE_URL, SAMPLE_ID, SOURCE_URL, build_sources_site, sources_corpus

KG = "https://w3id.org/fintech-kg/ontology#"
PREFIXES = f"PREFIX kg: <{KG}> PREFIX skos: <http://www.w3.org/2004/02/skos/core#> " \
           "PREFIX dcterms: <http://purl.org/dc/terms/> "


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("sources")
    build_sources_site(root)
    return root


@pytest.fixture(scope="module")
def store(built):
    with open_store(built / "store", read_only=True) as s:
        yield s


@pytest.fixture(scope="module")
def site(built) -> Path:
    return built / "out"


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def stored_text(store, article_id: str) -> str:
    rows = store.select(PREFIXES + "SELECT ?t WHERE { ?a dcterms:identifier ?id ; kg:text ?t }",
                        {"id": _literal(article_id)}).rows
    assert len(rows) == 1
    return str(rows[0][0])


def _literal(text: str):
    from rdflib import Literal

    return Literal(text)


# ------------------------------------------------------------------ the store


@pytest.mark.parametrize("article_id", [SAMPLE_ID, HOSTILE_ID])
def test_the_article_graph_holds_the_text_the_offsets_index(built, store, article_id):
    expected = parse_corpus_file(built / "corpus" / f"{article_id}.md").text
    assert stored_text(store, article_id) == expected


def test_every_mention_is_linked_to_the_sentence_it_starts_in(store):
    rows = store.select(PREFIXES + """SELECT ?m ?ms ?me ?s ?ss ?se ?ma ?sa WHERE {
        ?m a kg:Mention ; kg:startOffset ?ms ; kg:endOffset ?me ; kg:inArticle ?ma .
        OPTIONAL { ?m kg:inSentence ?s . ?s kg:startOffset ?ss ; kg:endOffset ?se ; kg:inArticle ?sa } }""").rows
    assert len(rows) > 20
    for m, ms, me, s, ss, se, ma, sa in rows:
        assert s is not None, f"mention {m} has no sentence"
        assert sa == ma and int(ss) <= int(ms) < int(se), (m, ms, me, ss, se)


def test_sentences_of_mentions_and_of_facts_are_one_split(store):
    """Mentions' sentences are the pipeline's own: within an article no two sentences overlap, so a
    fact's sentence and a mention's sentence over the same words are the same node."""
    spans: dict[str, list[tuple[int, int]]] = {}
    for a, start, end in store.select(PREFIXES + """SELECT ?a ?s ?e WHERE {
            ?x a kg:Sentence ; kg:inArticle ?a ; kg:startOffset ?s ; kg:endOffset ?e }""").rows:
        spans.setdefault(str(a), []).append((int(start), int(end)))
    for article, found in spans.items():
        found.sort()
        assert all(e1 <= s2 for (_, e1), (s2, _) in zip(found, found[1:])), article
    cited = store.select(PREFIXES + """SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {
        ?m kg:inSentence ?s . ?x <http://www.w3.org/ns/prov#wasDerivedFrom> ?s }""").rows[0][0]
    assert int(cited) > 0  # sentences both cited by a fact and holding a mention


# ------------------------------------------------------------------ the evidence query


def _only_mentioned(store) -> tuple[str, str]:
    """An entity of the store that no fact is about: (IRI, its zh name)."""
    rows = store.select(PREFIXES + """SELECT ?e ?name WHERE {
        ?e kg:mentionedIn ?a ; skos:prefLabel ?name . FILTER(LANG(?name) = "zh")
        FILTER NOT EXISTS { ?x <http://www.w3.org/1999/02/22-rdf-syntax-ns#subject>|<http://www.w3.org/1999/02/22-rdf-syntax-ns#object>|kg:observedEntity|kg:eventSubject ?e }
    } ORDER BY ?name""").rows
    assert rows, "the corpus has no entity that is only mentioned"
    return str(rows[0][0]), str(rows[0][1])


def test_an_entity_only_mentioned_has_its_sentences_as_evidence(store):
    entity, name = _only_mentioned(store)
    rows = run(store, "evidence", {"entity_name": name}).dicts()
    expected = store.select(PREFIXES + "SELECT DISTINCT ?s WHERE { ?m kg:mentionOf ?e ; kg:inSentence ?s }",
                            {"e": URIRef(entity)}).rows
    assert len(rows) == len(expected) > 0
    assert {str(r["kind"]) for r in rows} == {"mention"}
    for r in rows:
        text = stored_text(store, str(r["articleId"]))
        assert str(r["sentence"]) and int(r["end"]) > int(r["start"])
        assert len(text[int(r["start"]):int(r["end"])]) == len(str(r["sentence"]))  # same span of the text


@pytest.mark.parametrize("params,kinds", [
    ({}, {"fact"}),  # the whole corpus: facts; mentions are read for a named entity or on request
    ({"kind": "fact"}, {"fact"}),
    ({"kind": "mention"}, {"mention"}),
    ({"entity_name": "快手小贷"}, {"fact", "mention"}),
    ({"entity_name": "快手小贷", "kind": "mention"}, {"mention"}),
])
def test_the_evidence_query_tells_facts_from_mentions(store, params, kinds):
    rows = run(store, "evidence", params).dicts()
    assert rows and {str(r["kind"]) for r in rows} == kinds


def test_a_line_marked_with_two_parameters_is_kept_when_either_is_given():
    text = "SELECT * WHERE {\n  ?s ?p ?o .\n  { ?s ?q ?r }  #? a|b\n}"
    assert "?q" not in specialise(text, set())
    assert "{ ?s ?q ?r }" in specialise(text, {"a"}) and "{ ?s ?q ?r }" in specialise(text, {"b"})
    assert "#?" not in specialise(text, {"a", "b"})


# ------------------------------------------------------------------ article pages


@pytest.mark.parametrize("article_id", [SAMPLE_ID, HOSTILE_ID])
def test_an_article_page_shows_the_text_with_each_mention_linked(site, store, article_id):
    page = soup(site / article_href(article_id))
    body = page.select_one(".kg-article-text")
    assert body.get_text() == stored_text(store, article_id)
    mentions = body.select(".kg-m")
    stored = store.select(PREFIXES + """SELECT DISTINCT ?s ?e WHERE {
        ?m a kg:Mention ; kg:startOffset ?s ; kg:endOffset ?e ; kg:inArticle/dcterms:identifier ?id }""",
                          {"id": _literal(article_id)}).rows
    assert 0 < len(mentions) <= len(stored)
    for m in mentions:
        assert any(c.startswith("kg-m-") for c in m["class"])  # the category's colour
        if m.name == "a":
            assert (site / "article" / unquote(m["href"])).resolve().is_file()


def test_each_fact_beside_the_text_links_to_its_sentence(site):
    page = soup(site / article_href(SAMPLE_ID))
    jumps = page.select(".kg-article-side a.kg-jump")
    assert len(jumps) >= 3
    ids = {s["id"] for s in page.select(".kg-article-text .kg-sentence")}
    for a in jumps:
        assert a["href"].startswith("#s-") and a["href"][1:] in ids
    kinds = {ol["data-kind"] for ol in page.select(".kg-fact-list")}
    assert {"relation", "observation", "event"} <= kinds


def test_every_sentence_link_of_the_site_finds_its_sentence(site):
    """Entity pages, the network's evidence and the timeline all point at sentences that exist."""
    links: list[tuple[Path, str]] = []
    for page in [*(site / "entity").glob("*.html"), site / "timeline.html"]:
        links += [(page.parent, a["href"]) for a in soup(page).select('a[href*="#s-"]')]
    data = json.loads(soup(site / "network.html").select_one("#kg-data").string)
    network = [ev["url"] for part in ("nodes", "edges") for item in data[part] for ev in item.get("evidence", [])
               if ev.get("url")]
    links += [(site, url) for url in network]
    assert len(network) > 0 and len(links) > len(network)
    pages: dict[Path, set[str]] = {}
    for folder, href in links:
        target, anchor = href.split("#", 1)
        path = (folder / unquote(target)).resolve()
        if path not in pages:
            pages[path] = {s["id"] for s in soup(path).select(".kg-sentence")}
        assert anchor in pages[path], href


def test_entity_pages_list_the_sentences_that_mention_the_entity(site):
    page = soup(next(p for p in (site / "entity").glob("*.html")
                     if soup(p).title.string == "广州快手小额贷款有限公司"))
    section = page.select_one(".kg-mentions")
    assert section is not None and section.select("a[href*='#s-']")


def test_the_source_url_is_a_link_only_when_it_is_http(site):
    sample = soup(site / article_href(SAMPLE_ID))
    assert [a["href"] for a in sample.select("a.kg-source")] == [SOURCE_URL]
    hostile = soup(site / article_href(HOSTILE_ID))
    assert hostile.select("a.kg-source") == []
    assert hostile.select_one(".kg-url").get_text() == HOSTILE_URL
    assert not hostile.select('[href^="javascript"]')


@pytest.mark.parametrize("page", ["article", "timeline.html"])
def test_hostile_strings_stay_text_in_the_page_source(site, page):
    html = (site / (article_href(HOSTILE_ID) if page == "article" else page)).read_text(encoding="utf-8")
    for raw in ("<script>alert", "<img src=x", "<b>快手小贷</b>", 'href="javascript'):
        assert raw not in html
    assert "&lt;script&gt;alert(" in html


def test_the_index_lists_articles_by_date_with_links_and_the_timeline(site):
    index = soup(site / "index.html")
    rows = index.select("table.kg-articles tbody tr")
    dates = [r.select("td")[0].get_text() for r in rows]
    assert dates == sorted(dates, reverse=True) and len(rows) == 2
    hrefs = [r.select_one("a")["href"] for r in rows]
    assert hrefs == [article_href(SAMPLE_ID), article_href(HOSTILE_ID)]  # 2026-01-05, then 2025-12-30
    assert all((site / h).is_file() for h in hrefs)
    for page in ("index.html", "network.html"):
        assert soup(site / page).select('a[href="timeline.html"]'), page


def test_the_timeline_lists_dated_events_and_figures_in_date_order(site):
    page = soup(site / "timeline.html")
    rows = page.select("#kg-timeline tbody tr")
    assert len(rows) >= 3 and {r["data-kind"] for r in rows} == {"event", "observation"}
    dates = [r.select_one("td.kg-date").get_text() for r in rows]
    assert dates[0].startswith("2024") and dates[-1].startswith("2025")
    assert [d[:4] for d in dates] == sorted(d[:4] for d in dates)
    assert all(r.select('a[href^="entity/"]') and r.select('a[href*="#s-"]') for r in rows)
    assert page.select_one("#kg-tl-count").get_text() == f"显示 {len(rows)} / {len(rows)} 条"


@pytest.mark.parametrize("article_id", ["finnsp-eval-0001", "快手", "京东", "a b", "a_b", "../x", ".hidden"])
def test_article_page_names_are_safe_and_distinct(article_id):
    href = article_href(article_id)
    assert re.fullmatch(r"article/[A-Za-z0-9_-][A-Za-z0-9._-]*\.html", href), href
    others = ["finnsp-eval-0001", "快手", "京东", "a b", "a_b", "../x", ".hidden"]
    assert sum(article_href(o) == href for o in others) == 1


@pytest.mark.parametrize("url,ok", [
    ("https://www.163.com/dy/article/X.html", True),
    ("http://example.com", True),
    ("HTTPS://EXAMPLE.COM/a?b=1#c", True),
    ("javascript:alert(1)", False),
    ("data:text/html,<script>alert(1)</script>", False),
    ("java\tscript:alert(1)", False),
    ("https://exa mple.com", False),
    ("https://user@evil.com", False),
    ("//evil.com/x", False),
    ("https:\\\\evil.com", False),
    ("ftp://example.com/file", False),
    ("", False),
    (None, False),
])
def test_only_http_urls_become_links(url, ok):
    assert (http_url(url) is not None) is ok and http_url(url) in (url, None)
    link = external_link("原文", url)
    assert link.startswith("<a ") is ok and "javascript" not in link.split(">", 1)[0]


# ------------------------------------------------------------------ incremental pages


@pytest.fixture
def fresh(tmp_path):
    corpus = sources_corpus(tmp_path / "corpus")
    store = open_store(tmp_path / "store")
    from kg.build import build

    build(corpus, store)
    update_site(store, tmp_path / "out")
    yield corpus, store, tmp_path / "out", build
    store.close()


def test_an_article_page_is_redrawn_when_its_article_changes_and_not_otherwise(fresh):
    corpus, store, out, build = fresh
    assert update_site(store, out).written == []
    path = corpus / "xss-article.md"
    path.write_text(path.read_text(encoding="utf-8") + "\n快手小贷与中国银行开展合作。\n", encoding="utf-8")
    build(corpus, store)
    written = update_site(store, out).written
    assert article_href(HOSTILE_ID) in written and article_href(SAMPLE_ID) not in written


def test_the_page_of_a_removed_article_is_deleted(fresh):
    corpus, store, out, build = fresh
    page = out / article_href(HOSTILE_ID)
    assert page.is_file()
    (corpus / "xss-article.md").unlink()
    build(corpus, store)
    report = update_site(store, out)
    assert article_href(HOSTILE_ID) in report.removed
    assert not page.exists() and (out / article_href(SAMPLE_ID)).is_file()
    assert "xss-article" not in (out / "index.html").read_text(encoding="utf-8")


def test_an_article_without_its_text_in_the_store_still_gets_a_page(tmp_path):
    """Pages are drawn from any store: a graph written before articles carried kg:text has none."""
    from kg.render import write_article_page

    page = write_article_page(tmp_path / "a.html", article={"id": "x", "title": "<标题>"},
                              mentions=[{"start": 0, "end": 2, "category": "Lender", "label": "甲"}])
    html = soup(page)
    assert html.select_one(".kg-article-text").get_text() == "" and html.title.string == "<标题>"


def test_an_entity_page_lists_the_first_mentions_and_counts_the_rest(store, monkeypatch, tmp_path):
    """An entity named in thousands of articles: its page reads and lists a few sentences, not all."""
    import kg.site
    from kg.render import write_entity_page

    every = kg.site.mention_evidence(store)
    entity, full = max(every.items(), key=lambda kv: kv[1]["total"])
    assert full["total"] >= 2 and len(full["items"]) == full["total"]
    monkeypatch.setattr(kg.site, "MAX_MENTIONS", 1)
    capped = kg.site.mention_evidence(store)[entity]
    assert capped["total"] == full["total"] and capped["items"] == full["items"][:1]
    page = write_entity_page(tmp_path / "e.html", entity={"iri": entity, "label": "甲", "category": "Lender"},
                             mentions=capped["items"], mentions_total=capped["total"])
    section = soup(page).select_one(".kg-mentions")
    assert f"（{full['total']}）" in section.h2.get_text()
    assert section.select_one(".kg-more").get_text() == f"另有 {full['total'] - 1} 条证据"
