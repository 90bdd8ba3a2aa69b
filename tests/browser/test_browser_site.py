"""The site built from a corpus, in real Chromium: the sample corpus and a hostile article."""

from __future__ import annotations

import re
import shutil

import pytest

from kg.build import build
from kg.site import write_site
from kg.store import open_store
from paths import CORPUS, ROOT

XSS = ROOT / "tests" / "fixtures" / "xss-article.md"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("site")
    corpus = root / "corpus"
    shutil.copytree(CORPUS, corpus)
    shutil.copy(XSS, corpus / XSS.name)
    with open_store(root / "store") as store:
        report = build(corpus, store, infer=True)
        assert report.ok, report.failed
        write_site(store, root / "out")
    return root / "out"


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
