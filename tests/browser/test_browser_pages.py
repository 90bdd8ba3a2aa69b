"""Generated pages in headless Chromium, offline from file://."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest

from bench.screenshot import screenshot_page
from kg.render import write_entity_page, write_index_page, write_network_page
from kg.render._html import printable_text, safe_href
from bench.demo import XSS_STRINGS, sample_graph, write_demo, xss_graph

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> dict[str, Path]:
    return write_demo(tmp_path_factory.mktemp("demo"))


@pytest.fixture(scope="module")
def xss_pages(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("xss")
    g = xss_graph()
    nb = g.subgraph(["kg:x0", *g.successors("kg:x0"), *g.predecessors("kg:x0")]).copy()
    facts = [{"metric": XSS_STRINGS[0], "value": i, "unit": XSS_STRINGS[1], "period": s,
              "evidence": s, "article": s} for i, s in enumerate(XSS_STRINGS)]
    return {
        "network": write_network_page(g, out / "xss.html", title=XSS_STRINGS[0],
                                      subtitle=XSS_STRINGS[1], highlight="kg:x0"),
        "entity": write_entity_page(out / "entity.html", entity={"iri": "kg:x0", **g.nodes["kg:x0"]},
                                    neighbourhood=nb, facts=facts, network_href="xss.html",
                                    links={XSS_STRINGS[2]: "javascript:window.__xss=10"}),
        "index": write_index_page(out / "index.html", title=XSS_STRINGS[4],
                                  category_counts={s: 1 for s in XSS_STRINGS},
                                  articles=[{"id": s, "title": s, "outlet": s, "published": s}
                                            for s in XSS_STRINGS],
                                  links=[(s, "javascript:window.__xss=11", s) for s in XSS_STRINGS]),
    }


# ------------------------------------------------------------------ network page


def test_network_page_loads_offline_with_expected_graph(demo, open_page):
    o = open_page(demo["network"])
    counts = o.js("() => [kgNetwork.network.body.data.nodes.length,"
                  " kgNetwork.network.body.data.edges.length]")
    g = sample_graph()
    assert counts == [g.number_of_nodes(), g.number_of_edges()]
    ids = o.js("() => kgNetwork.nodes.getIds()")
    assert sorted(ids) == sorted(g.nodes)
    assert o.js("() => kgNetwork.physicsEnabled()") is True
    assert o.js("() => kgNetwork.network.getSelectedNodes()") == ["kg:ant"]  # highlight=
    assert o.page.locator("#kg-title").text_content() == "中国金融科技关系网络"
    legend = o.page.locator(".kg-legend-row").all_text_contents()
    assert any("监管机构 Regulator" in t for t in legend) and len(legend) == 9
    o.assert_clean()


def test_search_by_alias_focuses_and_selects(demo, open_page):
    o = open_page(demo["network"])
    o.page.fill("#kg-search-input", "央行")
    o.page.press("#kg-search-input", "Enter")
    assert o.js("() => kgNetwork.network.getSelectedNodes()") == ["kg:pbc"]
    assert o.page.locator("#kg-search-status").text_content() == "已定位：中国人民银行"
    assert o.page.locator("#kg-info h2").text_content() == "中国人民银行"
    # neighbourhood highlighted: everything but kg:pbc and its neighbours is dimmed
    g = sample_graph()
    keep = {"kg:pbc", *g.successors("kg:pbc"), *g.predecessors("kg:pbc")}
    assert set(o.js("() => kgNetwork.dimmedNodeIds()")) == set(g.nodes) - keep
    # focus moved the view onto the node
    o.page.wait_for_timeout(700)
    centre = o.js("() => { const n = kgNetwork.network; const p = n.getViewPosition();"
                  " const q = n.getPosition('kg:pbc'); return Math.hypot(p.x - q.x, p.y - q.y); }")
    assert centre < 5
    o.page.click("#kg-search-go")  # same query again: still fine
    o.page.fill("#kg-search-input", "不存在的机构")
    o.page.click("#kg-search-go")
    assert o.page.locator("#kg-search-status").text_content() == "未找到：不存在的机构"
    o.assert_clean()


def test_category_filter_hides_and_shows_nodes(demo, open_page):
    o = open_page(demo["network"])
    g = sample_graph()
    regulators = {n for n, a in g.nodes(data=True) if a["category"] == "Regulator"}
    o.page.locator('.kg-legend-row[data-category="Regulator"] input').uncheck()
    visible = set(o.js("() => kgNetwork.visibleNodeIds()"))
    assert visible == set(g.nodes) - regulators
    edges = o.js("() => kgNetwork.visibleEdgeIds().length")
    assert edges == sum(1 for u, v in g.edges() if u not in regulators and v not in regulators)
    # vis-network itself no longer draws them
    assert o.js("() => kgNetwork.network.body.nodes['kg:pbc'].options.hidden") is True
    # searching a hidden node shows its category again
    o.js("() => kgNetwork.search('银保监会')")
    assert o.page.locator('.kg-legend-row[data-category="Regulator"] input').is_checked()
    assert set(o.js("() => kgNetwork.visibleNodeIds()")) == set(g.nodes)
    o.assert_clean()


def test_click_highlights_neighbourhood_and_offers_entity_link(demo, open_page, node_xy):
    o = open_page(demo["network"])
    o.js("() => kgNetwork.setPhysics(false)")
    x, y = node_xy(o, "kg:huabei")
    o.page.mouse.click(x, y)
    assert o.js("() => kgNetwork.network.getSelectedNodes()") == ["kg:huabei"]
    dimmed = set(o.js("() => kgNetwork.dimmedNodeIds()"))
    assert dimmed == set(sample_graph().nodes) - {"kg:huabei", "kg:ant"}
    link = o.page.locator("#kg-info a.kg-entity-link")
    assert link.get_attribute("href") == "entity/huabei.html"
    assert o.js("() => kgNetwork.nodes.get('kg:jiebei').opacity") < 0.5
    # clicking empty canvas clears it
    box = o.page.locator("#kg-network").bounding_box()
    o.page.mouse.click(box["x"] + 5, box["y"] + 5)
    assert o.js("() => kgNetwork.dimmedNodeIds()") == []
    o.assert_clean()


def test_hover_tooltip_shows_entity_details(demo, open_page, node_xy):
    o = open_page(demo["network"])
    o.js("() => kgNetwork.setPhysics(false)")
    x, y = node_xy(o, "kg:ant")
    o.page.mouse.move(x - 40, y - 40)
    o.page.mouse.move(x, y, steps=4)
    tip = o.page.locator("#kg-tooltip")
    tip.wait_for(state="visible")
    assert tip.locator(".kg-tip-name").text_content() == "蚂蚁集团"
    assert tip.locator(".kg-alias").all_text_contents() == ["蚂蚁金服", "Ant Group"]
    assert "42" in tip.locator(".kg-tip-articles").text_content()
    assert tip.locator("q").first.text_content() == "蚂蚁集团旗下的花呗和借呗已完成品牌隔离。"
    assert tip.locator("cite").first.text_content() == "蚂蚁集团整改进展"
    o.assert_clean()


def test_physics_toggle_button(demo, open_page):
    o = open_page(demo["network"])
    button = o.page.locator("#kg-physics")
    assert button.get_attribute("data-state") == "on"
    button.click()
    assert o.js("() => kgNetwork.physicsEnabled()") is False
    assert button.get_attribute("data-state") == "off"
    assert o.js("() => kgNetwork.network.physics.physicsEnabled") is False
    button.click()
    assert o.js("() => kgNetwork.network.physics.physicsEnabled") is True
    o.assert_clean()


def test_hash_focuses_node(demo, open_page):
    o = open_page(demo["network"], fragment="#node=kg%3Acbirc")
    o.page.wait_for_function("() => kgNetwork.network.getSelectedNodes()[0] === 'kg:cbirc'")
    assert o.page.locator("#kg-info h2").text_content() == "银保监会"
    o.assert_clean()


def test_large_graph_has_fixed_positions_and_no_physics(tmp_path, open_page):
    g = nx.MultiDiGraph()
    for i in range(450):
        g.add_node(f"n{i}", label=f"机构{i}", category=["Lender", "Platform", "Place"][i % 3])
    for i in range(450):
        for j in (1, 7, 31):
            g.add_edge(f"n{i}", f"n{(i * j + 1) % 450}", key="partnerOf", predicate="partnerOf",
                       label_zh="合作", label_en="partner of")
    path = write_network_page(g, tmp_path / "large.html", title="大图", max_physics_nodes=300)
    o = open_page(path)
    assert o.js("() => kgNetwork.physicsEnabled()") is False
    assert o.js("() => kgNetwork.network.physics.physicsEnabled") is False
    assert o.js("() => kgNetwork.network.body.data.nodes.length") == 450
    assert o.js("() => kgNetwork.network.body.data.edges.length") == g.number_of_edges()
    # drawn where Python put them
    rec = o.js("() => { const r = kgNetwork.records.get('n5'); const p = kgNetwork.network.getPosition('n5');"
               " return [r.x, r.y, p.x, p.y]; }")
    assert abs(rec[0] - rec[2]) < 1 and abs(rec[1] - rec[3]) < 1
    # arrow heads are off while zoomed out, on once zoomed in
    assert o.js("() => kgNetwork.arrowsShown()") is False
    # edge labels appear for the selected node's edges only; the others are hidden
    o.js("() => kgNetwork.selectNode('n5', {animate: false})")
    assert o.js("() => kgNetwork.arrowsShown()") is True
    connected = set(o.js("() => kgNetwork.network.getConnectedEdges('n5')"))
    assert set(o.js("() => kgNetwork.visibleEdgeIds()")) == connected
    assert set(o.js("() => kgNetwork.labelledEdgeIds()")) == connected
    o.assert_clean()


# ------------------------------------------------------------------ injection


def test_xss_network_page_renders_strings_as_text(xss_pages, open_page, node_xy):
    o = open_page(xss_pages["network"])
    o.page.wait_for_timeout(200)
    assert o.js("() => window.__xss") is None
    assert o.js("() => document.querySelectorAll('img[src=\"x\"], img, iframe, svg[onload]').length") == 0
    assert o.js("() => document.scripts.length") == 3
    assert o.page.title() == XSS_STRINGS[0]
    assert o.page.locator("#kg-title").text_content() == XSS_STRINGS[0]
    assert o.page.locator(".subtitle").text_content() == XSS_STRINGS[1]
    g = xss_graph()
    for node, attrs in g.nodes(data=True):
        o.js("(id) => kgNetwork.selectNode(id, {animate: false})", node)
        info = o.page.locator("#kg-info")
        assert info.locator("h2").text_content() == attrs["label"]
        assert info.locator("q").first.text_content() == attrs["evidence"][0]["text"]
        assert info.locator("cite").first.text_content() == attrs["evidence"][0]["article"]
        href = info.locator("a.kg-entity-link")
        if safe_href(attrs["url"]) is None:  # javascript:, or raw spaces in the demo URLs
            assert href.count() == 0
        else:
            assert href.get_attribute("href") == attrs["url"]
        tip = o.js("(id) => { const t = kgNetwork.nodeTooltip(id);"
                   " return [t.querySelector('.kg-tip-name').textContent,"
                   " Array.from(t.querySelectorAll('.kg-alias'), a => a.textContent)]; }", node)
        assert tip == [attrs["label"], attrs["aliases"]]
    for eid in o.js("() => kgNetwork.edges.getIds()"):
        e = o.js("(id) => { const r = kgNetwork.edgeRecords.get(id); const t = kgNetwork.edgeTooltip(id);"
                 " return [r.from, r.to, t.querySelector('.kg-tip-edge').textContent,"
                 " t.querySelector('.kg-tip-en').textContent]; }", eid)
        attrs = g.edges[e[0], e[1], next(iter(g[e[0]][e[1]]))]
        assert e[2:] == [attrs["label_zh"], attrs["label_en"]]
    # a real hover on a payload node shows the raw string in the tooltip
    o.js("() => { kgNetwork.setPhysics(false); kgNetwork.clearHighlight(); kgNetwork.network.fit(); }")
    o.page.wait_for_timeout(200)
    x, y = node_xy(o, "kg:x1")
    o.page.mouse.move(x - 30, y - 30)
    o.page.mouse.move(x, y, steps=4)
    o.page.locator("#kg-tooltip").wait_for(state="visible")
    assert o.page.locator("#kg-tooltip .kg-tip-name").text_content() == XSS_STRINGS[1]
    assert o.js("() => window.__xss") is None
    assert o.js("() => document.querySelectorAll('img').length") == 0
    o.assert_clean()


def test_xss_static_pages_render_strings_as_text(xss_pages, open_page):
    o = open_page(xss_pages["entity"], wait_ready=False)
    assert o.js("() => window.__xss") is None
    assert o.js("() => document.scripts.length") == 0
    assert o.js("() => document.querySelectorAll('img, iframe').length") == 0
    assert o.page.locator("#kg-title").text_content() == XSS_STRINGS[0]
    cells = o.page.locator(".kg-fact-table tbody tr td.kg-when").all_text_contents()
    assert cells == [printable_text(s) for s in XSS_STRINGS]
    names = o.page.locator(".kg-fact-table tbody tr td.kg-what").all_text_contents()
    assert names == [printable_text(XSS_STRINGS[0])] * len(XSS_STRINGS)
    assert o.js("() => Array.from(document.querySelectorAll('a'), a => a.getAttribute('href'))"
                ".filter(h => /^\\s*javascript/i.test(h)).length") == 0
    o.assert_clean()
    o = open_page(xss_pages["index"], wait_ready=False)
    assert o.js("() => window.__xss") is None
    assert o.page.locator("#kg-title").text_content() == XSS_STRINGS[4]
    assert o.js("() => document.querySelectorAll('a').length") == 0
    titles = o.page.locator(".kg-articles tbody td:nth-child(2)").all_text_contents()
    assert sorted(titles) == sorted(printable_text(s) for s in XSS_STRINGS)
    o.assert_clean()


# ------------------------------------------------------------------ static pages, screenshot


def test_entity_and_index_pages_load_clean(demo, open_page):
    o = open_page(demo["entity"], wait_ready=False)
    assert o.page.locator("#kg-title").text_content() == "蚂蚁集团"
    assert o.page.locator(".kg-chart svg polyline").count() == 2
    assert o.page.locator(".kg-ego svg circle").count() == 10  # centre + 9 neighbours
    assert o.page.locator(".kg-relations tbody tr").count() == 10
    o.assert_clean()
    o = open_page(demo["index"], wait_ready=False)
    assert o.page.locator(".kg-cat-card").count() == 9
    assert o.page.locator(".kg-articles tbody tr").first.locator("td").first.text_content() == "2021-04-12"
    o.assert_clean()


def test_screenshot_helper_writes_png(demo, tmp_path, browser):
    png = screenshot_page(demo["network"], tmp_path / "network.png", width=1000, height=700,
                          select="kg:ant", browser=browser)
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000
    png = screenshot_page(demo["entity"], tmp_path / "entity.png", full_page=True,
                          browser=browser)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


# ------------------------------------------------------------------ labels where they fit

LABEL_STATE = """() => {
  const k = kgNetwork, net = k.network, scale = net.getScale();
  const box = net.body.container.getBoundingClientRect();
  const onScreen = k.visibleNodeIds().filter(id => {
    const p = net.canvasToDOM(net.getPosition(id));
    return p.x >= 0 && p.y >= 0 && p.x <= box.width && p.y <= box.height; });
  const ids = k.labelledNodeIds();
  return {scale: scale, onScreen: onScreen, labelled: ids,
          drawn: ids.map(id => net.body.nodes[id].options.label),
          px: ids.map(id => net.body.nodes[id].labelModule.fontOptions.size * scale),
          boxes: ids.map(id => { const s = net.body.nodes[id].labelModule.size;
                                 return [s.left, s.top, s.left + s.width, s.top + s.height]; })};
}"""


def _overlapping(boxes) -> list[tuple[int, int]]:
    """Pairs of label boxes (vis-network's own measure, canvas units) that overlap."""
    return [(i, j) for i, a in enumerate(boxes) for j, b in enumerate(boxes[:i])
            if a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]]


def test_labels_are_drawn_only_where_they_fit_and_more_fit_when_zoomed_in(tmp_path, open_page):
    from bench.bench_pages import synthetic_graph
    from kg.render.network_page import label_ranks

    g = synthetic_graph(1200, 3000, seed=5)
    ranks = label_ranks(g)
    o = open_page(write_network_page(g, tmp_path / "labels.html", title="labels"))
    o.js("() => kgNetwork.placeLabels()")
    fit = o.js(LABEL_STATE)
    assert 0 < len(fit["labelled"]) < len(fit["onScreen"])
    assert _overlapping(fit["boxes"]) == []
    assert all(abs(px - 14) < 0.5 for px in fit["px"])  # a constant, readable size on screen
    assert fit["drawn"] == [g.nodes[n]["label"] for n in fit["labelled"]]
    assert min(fit["onScreen"], key=ranks.get) in fit["labelled"]  # the highest PageRank first
    drawn = o.js("() => Object.values(kgNetwork.network.body.nodes).filter(n => n.options.label).length")
    assert drawn == len(fit["labelled"])  # no other node draws a label
    o.js("() => { const n = kgNetwork.network; n.moveTo({scale: n.getScale() * 4}); kgNetwork.placeLabels(); }")
    near = o.js(LABEL_STATE)
    assert _overlapping(near["boxes"]) == []
    # the threshold loosens with zoom: a larger share of the nodes in view get a label
    assert len(near["labelled"]) / len(near["onScreen"]) > len(fit["labelled"]) / len(fit["onScreen"])
    # hidden nodes lose their labels
    o.page.locator('.kg-legend-row[data-category="Lender"] input').uncheck()
    lenders = {n for n, a in g.nodes(data=True) if a["category"] == "Lender"}
    assert not lenders & set(o.js("() => kgNetwork.labelledNodeIds()"))
    o.assert_clean()


def test_hostile_labels_placed_on_a_large_graph_stay_text(tmp_path, open_page):
    g = xss_graph()
    path = write_network_page(g, tmp_path / "xss-large.html", title=XSS_STRINGS[0], max_physics_nodes=2)
    o = open_page(path)
    o.js("() => kgNetwork.placeLabels()")
    drawn = o.js("() => kgNetwork.labelledNodeIds().map(id => kgNetwork.network.body.nodes[id].options.label)")
    assert drawn and set(drawn) <= {a["label"] for _, a in g.nodes(data=True)}
    o.js("() => kgNetwork.selectNode('kg:x0', {animate: false})")
    o.page.wait_for_timeout(200)
    assert o.js("() => window.__xss") is None
    assert o.js("() => document.querySelectorAll('img, iframe, svg[onload]').length") == 0
    o.assert_clean()
