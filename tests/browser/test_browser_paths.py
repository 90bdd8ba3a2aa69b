"""From a node to its source, in real Chromium: network node → entity page → evidence sentence →
article page with the sentence highlighted → source link; the timeline's filters; a hostile
article inert on its article page and on the timeline."""

from __future__ import annotations

import unicodedata

import pytest

from kg.site import article_href
from sources_site import HOSTILE_ID, HOSTILE_URL, SAMPLE_ID, SOURCE_URL, build_sources_site

LENDER = "广州快手小额贷款有限公司"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return build_sources_site(tmp_path_factory.mktemp("paths"))[1]


def _same(a: str, b: str) -> bool:
    """Evidence sentences are read from the analysis copy of the text (width-normalised)."""
    return unicodedata.normalize("NFKC", a) == unicodedata.normalize("NFKC", b)


def test_from_a_network_node_to_the_sentence_in_its_article_and_on_to_the_source(site, open_page, node_xy):
    o = open_page(site / "network.html")
    node = o.js("(name) => kgNetwork.nodes.get().find(n => n.label === name).id", LENDER)
    o.js("() => kgNetwork.setPhysics(false)")
    o.page.mouse.click(*node_xy(o, node))
    with o.page.expect_navigation():
        o.page.locator("#kg-info a.kg-entity-link").click()
    assert o.page.title() == LENDER

    evidence = o.page.locator(f'a[href*="{article_href(SAMPLE_ID)}#s-"]').first
    sentence = evidence.locator("xpath=ancestor::li[1]").locator("q").first.inner_text()
    with o.page.expect_navigation():
        evidence.click()
    assert o.page.url.split("#")[0].endswith(article_href(SAMPLE_ID))
    target = o.page.locator(".kg-sentence:target")
    assert target.count() == 1 and _same(target.inner_text(), sentence)
    lit = o.js("() => getComputedStyle(document.querySelector('.kg-sentence:target')).backgroundColor")
    plain = o.js("() => getComputedStyle(document.querySelector('.kg-sentence:not(:target)')).backgroundColor")
    assert lit != plain  # highlighted
    top = o.js("() => document.querySelector('.kg-sentence:target').getBoundingClientRect().top")
    assert 0 <= top < o.js("() => window.innerHeight")  # scrolled into view

    # each fact beside the text moves the highlight to its own sentence
    jump = o.page.locator(".kg-article-side a.kg-jump").last
    anchor = jump.get_attribute("href")
    jump.click()
    assert o.js("() => location.hash") == anchor
    assert o.js("() => document.querySelector('.kg-sentence:target').id") == anchor[1:]

    source = o.page.locator("a.kg-source")
    assert source.count() == 1 and source.get_attribute("href") == SOURCE_URL
    o.assert_clean()


def test_the_timeline_filters_by_entity_and_category_and_counts_what_it_shows(site, open_page):
    o = open_page(site / "timeline.html", wait_ready=False)
    rows = o.page.locator("#kg-timeline tbody tr")
    total = rows.count()
    count = o.page.locator("#kg-tl-count")
    assert count.inner_text() == f"显示 {total} / {total} 条"

    o.page.fill("#kg-tl-entity", "快手小贷")  # an alias of the lender
    shown = o.page.locator("#kg-timeline tbody tr:not([hidden])")
    n = shown.count()
    assert 0 < n < total and count.inner_text() == f"显示 {n} / {total} 条"
    assert all(LENDER in shown.nth(i).inner_text() for i in range(n))

    o.page.fill("#kg-tl-entity", "")
    o.page.select_option("#kg-tl-category", "Market")
    market = shown.count()
    assert 0 < market < total and count.inner_text() == f"显示 {market} / {total} 条"
    assert all("市场" in shown.nth(i).inner_text() for i in range(market))

    o.page.select_option("#kg-tl-kind", "event")
    assert shown.count() == 0 and count.inner_text() == f"显示 0 / {total} 条"  # no market event
    o.page.select_option("#kg-tl-category", "")
    events = shown.count()
    assert 0 < events and all(shown.nth(i).get_attribute("data-kind") == "event" for i in range(events))
    o.assert_clean()


@pytest.mark.parametrize("page", ["article", "timeline"])
def test_a_hostile_article_is_inert(site, open_page, page):
    path = site / (article_href(HOSTILE_ID) if page == "article" else "timeline.html")
    o = open_page(path, wait_ready=False)
    o.page.wait_for_timeout(300)
    o.assert_clean()  # no dialog, no error, nothing loaded
    text = o.js("() => document.body.innerText")
    assert "<script>alert(2)</script>" in text  # the article's markup, shown as text
    assert o.js("() => document.querySelectorAll('img, iframe, object, embed').length") == 0
    # the text became text: only the page's own sentence and mention spans, links and quotes
    inside = ".kg-article-text *" if page == "article" else ".kg-evidence-cell *"
    tags = set(o.js("(sel) => [...document.querySelectorAll(sel)].map(e => e.tagName)", inside))
    assert tags and tags <= {"SPAN", "A", "Q", "CITE"}
    assert o.js("() => document.scripts.length") == (0 if page == "article" else 1)  # the filter script
    assert o.js("() => [...document.links].filter(a => !/^(file|https?):/.test(a.href)).length") == 0
    if page == "article":
        assert o.page.title() == "<script>alert(1)</script>快手小贷\"测试'</script>"
        assert o.page.locator(".kg-url").inner_text() == HOSTILE_URL
        assert o.js("() => [...document.links].some(a => a.href.startsWith('javascript'))") is False
