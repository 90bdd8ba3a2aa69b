"""kg.render without a browser: offline pages, UTF-8, escaping, data round trip, layout."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import networkx as nx
import pytest

from kg.render import write_entity_page, write_index_page, write_network_page
from kg.render._html import (
    Markup,
    printable_text,
    csp_meta,
    esc,
    inline_script,
    json_for_script,
    render,
    safe_href,
    tag,
)
from bench.demo import XSS_STRINGS, sample_entity, sample_graph, xss_graph
from kg.render.network_page import build_network, label_ranks, node_scores

RENDER_DIR = Path(__import__("kg.render").render.__file__).parent
ASSETS = RENDER_DIR / "assets"


# ------------------------------------------------------------------ helpers


class Doc(HTMLParser):
    """Elements, attributes, script bodies and text of a page (stdlib parser)."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self.text: dict[str, list[str]] = {}
        self._stack: list[tuple[str, dict]] = []
        self._script: tuple[dict, list[str]] | None = None
        self.feed(text)
        self.close()

    def handle_starttag(self, name, attrs):
        a = dict(attrs)
        self.tags.append((name, a))
        if name == "script":
            self._script = (a, [])
        if name not in ("meta", "br", "input", "link", "img", "hr", "wbr"):
            self._stack.append((name, a))

    def handle_startendtag(self, name, attrs):
        self.tags.append((name, dict(attrs)))

    def handle_endtag(self, name):
        if name == "script" and self._script is not None:
            self.scripts.append((self._script[0], "".join(self._script[1])))
            self._script = None
        for i in range(len(self._stack) - 1, -1, -1):
            if self._stack[i][0] == name:
                del self._stack[i:]
                break

    def handle_data(self, data):
        if self._script is not None:
            self._script[1].append(data)
            return
        for name, a in self._stack:
            if a.get("id"):
                self.text.setdefault(a["id"], []).append(data)
        if self._stack:
            self.text.setdefault(self._stack[-1][0], []).append(data)

    def text_of(self, element_id: str) -> str:
        return "".join(self.text.get(element_id, []))


REMOTE_PATTERNS = [
    re.compile(r"""\b(?:src|href|action|poster|data)\s*=\s*["']?\s*(?:https?:)?//""", re.I),
    re.compile(r"""@import""", re.I),
    re.compile(r"""url\(\s*["']?\s*(?:https?:)?//""", re.I),
    re.compile(r"""//cdn""", re.I),
    re.compile(r"""cdnjs|jsdelivr|unpkg\.com|googleapis|bootstrapcdn""", re.I),
    re.compile(r"""<link\b""", re.I),
    re.compile(r"""<script[^>]*\bsrc\s*=""", re.I),
    re.compile(r"""<iframe|<object|<embed""", re.I),
]


def remote_references(text: str) -> list[str]:
    return [m.group(0) for p in REMOTE_PATTERNS for m in p.finditer(text)]


def json_block(text: str) -> dict:
    doc = Doc(text)
    blocks = [body for attrs, body in doc.scripts if attrs.get("type") == "application/json"]
    assert len(blocks) == 1
    return json.loads(blocks[0])


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("pages")
    g = sample_graph()
    ent = sample_entity()
    return {
        "network": write_network_page(g, out / "network.html", title="中国金融科技关系网络",
                                      subtitle="样例", highlight="kg:ant"),
        "large": write_network_page(_big_graph(400, 1200), out / "large.html", title="大图",
                                    max_physics_nodes=300, size_by="degree"),
        "entity": write_entity_page(out / "entity" / "ant.html", **ent,
                                    links={"总览": "../index.html"}, network_href="../network.html"),
        "index": write_index_page(out / "index.html", title="金融科技知识图谱",
                                  category_counts={"Lender": 3, "Platform": 2},
                                  articles=[{"id": "a1", "title": "花呗介绍", "outlet": "新浪财经",
                                             "published": "2020-08-01"}],
                                  links=[("关系网络", "network.html"),
                                         ("蚂蚁集团", "entity/ant.html", "Platform")]),
    }


@pytest.fixture(scope="module")
def xss_pages(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("xss")
    g = xss_graph()
    first = "kg:x0"
    nb = g.subgraph([first, *g.successors(first), *g.predecessors(first)]).copy()
    facts = [{"metric": s, "type": s, "value": s, "unit": s, "period": s, "evidence": s,
              "article": s} for s in XSS_STRINGS]
    facts += [{"metric": XSS_STRINGS[0], "value": i, "unit": XSS_STRINGS[1], "period": p}
              for i, p in enumerate(XSS_STRINGS[:3])]
    return {
        "network": write_network_page(g, out / "xss.html", title=XSS_STRINGS[0],
                                      subtitle=XSS_STRINGS[1], highlight=first),
        "entity": write_entity_page(out / "entity.html", entity={"iri": first, **g.nodes[first]},
                                    neighbourhood=nb, facts=facts,
                                    links={XSS_STRINGS[2]: "javascript:alert(1)",
                                           XSS_STRINGS[3]: "index.html"},
                                    network_href="xss.html"),
        "index": write_index_page(out / "index.html", title=XSS_STRINGS[4],
                                  subtitle=XSS_STRINGS[5],
                                  category_counts={s: i for i, s in enumerate(XSS_STRINGS)},
                                  articles=[{"id": s, "title": s, "outlet": s, "published": s,
                                             "url": "javascript:alert(1)"} for s in XSS_STRINGS],
                                  links=[(s, "javascript:alert(1)", s) for s in XSS_STRINGS]
                                  + [(s, "//evil.example/x", None) for s in XSS_STRINGS]),
    }


def _big_graph(n: int, m: int, seed: int = 3) -> nx.MultiDiGraph:
    import random

    rng = random.Random(seed)
    cats = ["Lender", "Platform", "Regulator", "Product", "Place", "Organization"]
    g = nx.MultiDiGraph()
    for i in range(n):
        g.add_node(f"n{i}", label=f"机构{i}", category=cats[i % len(cats)], aliases=[],
                   articles=i % 7, evidence=[])
    count = 0
    while count < m:
        u, v = rng.randrange(n), rng.randrange(n)
        if u != v and not g.has_edge(f"n{u}", f"n{v}", key="partnerOf"):
            count += 1
            g.add_edge(f"n{u}", f"n{v}", key="partnerOf", predicate="partnerOf",
                       label_zh="合作", label_en="partner of", evidence=[])
    return g


# ------------------------------------------------------------------ offline, UTF-8


@pytest.mark.parametrize("name", ["network", "large", "entity", "index"])
def test_pages_reference_no_remote_resource(pages, name):
    text = pages[name].read_text(encoding="utf-8")
    assert remote_references(text) == []
    doc = Doc(text)
    for tag_name, attrs in doc.tags:
        for key, value in attrs.items():
            if key in ("src", "href", "action", "xlink:href") and value:
                assert not re.match(r"\s*([a-z][a-z0-9+.-]*:|//)", value, re.I), (tag_name, value)


@pytest.mark.parametrize("name", ["network", "entity", "index"])
def test_xss_pages_reference_no_remote_resource(xss_pages, name):
    assert remote_references(xss_pages[name].read_text(encoding="utf-8")) == []


def test_vendored_vis_network_loads_nothing_remote():
    code = (ASSETS / "vis-network.min.js").read_text(encoding="utf-8")
    assert remote_references(code) == []
    assert not re.search(r"</script|<script|<!--", code, re.I)


def test_vendored_asset_matches_readme():
    readme = (ASSETS / "README.md").read_text(encoding="utf-8")
    digest = hashlib.sha256((ASSETS / "vis-network.min.js").read_bytes()).hexdigest()
    assert digest in readme
    assert (ASSETS / "LICENSE-vis-network-MIT").is_file()
    assert (ASSETS / "LICENSE-vis-network-APACHE-2.0").is_file()


@pytest.mark.parametrize("name", ["network", "large", "entity", "index"])
def test_pages_are_utf8_with_charset_meta(pages, name):
    raw = pages[name].read_bytes()
    text = raw.decode("utf-8")  # strict
    assert raw.startswith(b"<!DOCTYPE html>")
    assert '<meta charset="utf-8">' in text[:1024]
    assert "金融" in text or "蚂蚁" in text or "大图" in text  # raw UTF-8, not escapes


def test_network_page_inlines_vis_network(pages):
    text = pages["network"].read_text(encoding="utf-8")
    code = (ASSETS / "vis-network.min.js").read_text(encoding="utf-8")
    assert code in text


@pytest.mark.parametrize("name", ["network", "entity", "index"])
def test_csp_allows_exactly_the_inline_scripts(pages, name):
    text = pages[name].read_text(encoding="utf-8")
    doc = Doc(text)
    metas = [a for t, a in doc.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
    assert len(metas) == 1
    policy = metas[0]["content"]
    assert "default-src 'none'" in policy
    script_src = re.search(r"script-src ([^;]*)", policy).group(1).split()
    executable = [body for attrs, body in doc.scripts if attrs.get("type") != "application/json"]
    hashes = [
        "'sha256-" + base64.b64encode(hashlib.sha256(b.encode()).digest()).decode() + "'"
        for b in executable
    ]
    assert sorted(hashes) == sorted(h for h in script_src if h != "'none'")
    if name == "network":
        assert len(executable) == 2
    else:
        assert executable == [] and script_src == ["'none'"]


# ------------------------------------------------------------------ escaping


PAYLOAD_FRAGMENTS = ["<script>window.__xss", "<img src=x", "<svg onload", "</script><script>",
                     "<!-- <script>"]


@pytest.mark.parametrize("name", ["network", "entity", "index"])
def test_xss_strings_never_appear_as_markup(xss_pages, name):
    text = xss_pages[name].read_text(encoding="utf-8")
    for fragment in PAYLOAD_FRAGMENTS:
        assert fragment not in text
    doc = Doc(text)
    names = [t for t, _ in doc.tags]
    assert "img" not in names
    assert "iframe" not in names
    for tag_name, attrs in doc.tags:
        assert not any(k.startswith("on") for k in attrs), (tag_name, attrs)
        for key in ("href", "src", "xlink:href"):
            value = attrs.get(key)
            if value is not None:
                assert safe_href(value) == value, value
                assert "javascript" not in value.lower()
    n_scripts = sum(1 for t in names if t == "script")
    assert n_scripts == (3 if name == "network" else 0)


def test_xss_heading_and_title_are_text(xss_pages):
    doc = Doc(xss_pages["network"].read_text(encoding="utf-8"))
    assert doc.text_of("kg-title") == XSS_STRINGS[0]
    assert "".join(doc.text["title"]) == XSS_STRINGS[0]
    assert XSS_STRINGS[1] in "".join(doc.text["p"])
    doc = Doc(xss_pages["index"].read_text(encoding="utf-8"))
    assert doc.text_of("kg-title") == XSS_STRINGS[4]


def test_xss_entity_page_shows_strings_as_text(xss_pages):
    text = xss_pages["entity"].read_text(encoding="utf-8")
    doc = Doc(text)
    assert doc.text_of("kg-title") == XSS_STRINGS[0]
    all_text = "".join("".join(v) for v in doc.text.values())
    for s in XSS_STRINGS:
        assert printable_text(s) in all_text
    # the unsafe nav link is dropped, the safe one kept
    hrefs = [a.get("href") for t, a in doc.tags if t == "a"]
    assert "index.html" in hrefs
    assert "xss.html#node=kg%3Ax0" in hrefs


def test_json_block_round_trips(xss_pages):
    data = json_block(xss_pages["network"].read_text(encoding="utf-8"))
    g = xss_graph()
    nodes = {n["id"]: n for n in data["nodes"]}
    assert set(nodes) == set(g.nodes)
    for node, attrs in g.nodes(data=True):
        rec = nodes[node]
        assert rec["label"] == attrs["label"]
        assert rec["aliases"] == attrs["aliases"]
        assert rec["kind"] == attrs["kind"]
        assert rec["evidence"] == attrs["evidence"]
        assert rec["category"] == attrs["category"]
        if safe_href(attrs["url"]) is None:
            assert "url" not in rec
        else:
            assert rec["url"] == attrs["url"]
    edges = sorted(data["edges"], key=lambda e: int(e["id"][1:]))
    for rec, (u, v, k, attrs) in zip(edges, g.edges(keys=True, data=True)):
        assert (rec["from"], rec["to"]) == (u, v)
        assert rec["label"] == attrs["label_zh"]
        assert rec["labelEn"] == attrs["label_en"]
        assert rec["predicate"] == attrs["predicate"]
        assert rec["evidence"] == attrs["evidence"]


def test_json_for_script_cannot_break_out():
    value = {"a": "</script><script>x</script>", "b": "<!--", "c": "\u2028\u2029&", "d": ">"}
    out = json_for_script(value)
    assert "<" not in out and ">" not in out and "&" not in out
    assert "\u2028" not in out and "\u2029" not in out
    assert json.loads(out) == value


def test_printable_text_drops_surrogates_and_controls():
    assert printable_text("a\ud800b\x00c\x1bd\te\n") == "a\ufffdbcd\te\n"
    assert printable_text(None) == "" and printable_text(3) == "3"


@pytest.mark.parametrize(
    "url,ok",
    [
        ("entity/ant.html", True), ("../index.html", True), ("#node=x", True),
        ("a.html?q=1&b=2", True), ("蚂蚁.html", True),
        ("javascript:alert(1)", False), ("JaVaScRiPt:alert(1)", False),
        ("java\tscript:alert(1)", False), (" javascript:alert(1)", False),
        ("data:text/html,x", False), ("http://example.org/", False), ("https://x", False),
        ("//evil.example/", False), ("\\\\evil.example", False), ("/\\evil", False),
        ("vbscript:x", False), ("a:b/c", False), ("", False), (None, False),
        ("x\u2028y", False),
    ],
)
def test_safe_href(url, ok):
    assert safe_href(url) == (url if ok else None)


def test_tag_and_render_escape():
    assert tag("a", "<b>", href="javascript:x") == "<a>&lt;b&gt;</a>"
    assert tag("a", "x", href="p.html?a=1&b=\"2\"") == '<a href="p.html?a=1&amp;b=&quot;2&quot;">x</a>'
    assert tag("td", ["<", Markup("<i>ok</i>")]) == "<td>&lt;<i>ok</i></td>"
    with pytest.raises(ValueError):
        tag("div", "x", onclick="y")
    assert render("<h1>{{ t }}</h1>{{ m }}", t="<'\">&", m=Markup("<hr>")) == (
        "<h1>&lt;&#x27;&quot;&gt;&amp;</h1><hr>"
    )
    with pytest.raises(KeyError):
        render("{{ missing }}")
    with pytest.raises(KeyError):
        render("x", extra=1)
    assert esc("{{ title }}") == "{{ title }}"  # placeholders in data are not re-expanded


def test_inline_script_refuses_breakers_and_hashes():
    with pytest.raises(ValueError):
        inline_script("var a = '</script>';")
    tag_, h = inline_script("var a = 1;")
    assert tag_ == "<script>var a = 1;</script>"
    assert h == "'sha256-" + base64.b64encode(hashlib.sha256(b"var a = 1;").digest()).decode() + "'"
    assert "script-src 'none'" in __import__("html").unescape(csp_meta(()))


# ------------------------------------------------------------------ graph → page data


def test_small_graph_keeps_physics_and_features(pages):
    data = json_block(pages["network"].read_text(encoding="utf-8"))
    assert data["large"] is False
    assert data["options"]["physics"]["enabled"] is True
    assert len(data["nodes"]) == 16 and len(data["edges"]) == 17
    assert data["highlight"] == ["kg:ant"]
    assert all("x" not in n for n in data["nodes"])
    groups = data["options"]["groups"]
    assert {n["group"] for n in data["nodes"]} <= set(groups)
    assert groups["Regulator"]["shape"] == "star"
    assert data["options"]["edges"]["arrows"]["to"]["enabled"] is True
    # parallel edges (阿里巴巴 → 蚂蚁集团 持股 + 合作) are curved apart
    par = [e for e in data["edges"] if e["from"] == "kg:alibaba"]
    assert len(par) == 2 and {e["smooth"]["type"] for e in par} == {"curvedCW", "curvedCCW"}
    legend = {c["key"]: c["count"] for c in data["categories"]}
    assert legend["Lender"] == 3 and legend["Regulator"] == 2


def test_large_graph_switches_physics_off_with_positions(pages):
    data = json_block(pages["large"].read_text(encoding="utf-8"))
    assert data["large"] is True
    assert data["options"]["physics"]["enabled"] is False
    assert data["options"]["physics"]["stabilization"]["enabled"] is False
    assert data["options"]["edges"]["smooth"]["enabled"] is False
    assert data["options"]["layout"]["improvedLayout"] is False
    xs = [n["x"] for n in data["nodes"]]
    ys = [n["y"] for n in data["nodes"]]
    assert len(xs) == 400 and all(isinstance(v, (int, float)) for v in xs + ys)
    assert len({(x, y) for x, y in zip(xs, ys)}) > 390  # spread out, not stacked
    assert max(xs) - min(xs) > 500


def test_output_is_deterministic(tmp_path):
    g = _big_graph(350, 900)
    a = write_network_page(g, tmp_path / "a.html", title="t").read_bytes()
    b = write_network_page(g, tmp_path / "b.html", title="t").read_bytes()
    assert a == b


def test_sizes_follow_pagerank_and_degree():
    g = sample_graph()
    pr = node_scores(g, "pagerank")
    from networkx.algorithms.link_analysis.pagerank_alg import _pagerank_python

    ref = _pagerank_python(g, tol=1e-13, max_iter=1000)
    assert all(abs(pr[n] - ref[n]) <= 1e-5 * ref[n] for n in g)
    deg = node_scores(g, "degree")
    assert deg["kg:ant"] == g.degree("kg:ant")
    net = build_network(g, size_by="degree")
    sizes = {n["id"]: n["size"] for n in net.nodes}
    assert sizes["kg:ant"] == max(sizes.values()) == 40.0
    with pytest.raises(ValueError):
        node_scores(g, "betweenness")


def test_unknown_category_and_missing_fields():
    g = nx.MultiDiGraph()
    g.add_node("a")  # nothing but the id
    g.add_node("b", label="乙", category="Spaceship", aliases="单个别名", articles="x",
               evidence=["just a sentence"])
    g.add_edge("a", "b", key="weird")
    net = build_network(g)
    a, b = net.nodes
    assert a["label"] == "a" and a["group"] == "Other" and a["aliases"] == []
    assert b["group"] == "Other" and b["category"] == "Spaceship"
    assert b["aliases"] == ["单个别名"] and b["articles"] == 0
    assert b["evidence"] == [{"text": "just a sentence", "article": ""}]
    assert net.edges[0]["label"] == "weird" and net.edges[0]["predicate"] == "weird"


def test_rejects_non_multidigraph(tmp_path):
    with pytest.raises(TypeError):
        write_network_page(nx.Graph(), tmp_path / "x.html", title="x")


def test_evidence_is_capped_but_counted():
    g = nx.MultiDiGraph()
    g.add_node("a", label="甲", evidence=[{"text": f"句{i}", "article": "文"} for i in range(12)])
    rec = build_network(g).nodes[0]
    assert len(rec["evidence"]) == 5 and rec["evidenceCount"] == 12


# ------------------------------------------------------------------ entity and index pages


def test_entity_page_tables_and_charts(pages):
    text = pages["entity"].read_text(encoding="utf-8")
    doc = Doc(text)
    charts = [a.get("data-metric") for t, a in doc.tags if t == "figure"]
    assert charts == ["营业收入", "净利润"]  # 注册资本 has one period: no chart
    assert sum(1 for t, _ in doc.tags if t == "polyline") == 2
    assert "1,206.2" in text and "2020-11-02" in text and "监管约谈" in text
    assert "招股书摘要" in text and "蚂蚁集团旗下的花呗和借呗已完成品牌隔离。" in text
    hrefs = [a.get("href") for t, a in doc.tags if t == "a"]
    assert "entity/huabei.html" in hrefs  # neighbour with a page
    assert "../network.html#node=kg%3Aant" in hrefs
    assert "<script" not in text


def test_index_page_links_and_articles(pages, xss_pages):
    doc = Doc(pages["index"].read_text(encoding="utf-8"))
    hrefs = [a.get("href") for t, a in doc.tags if t == "a"]
    assert hrefs == ["network.html", "entity/ant.html"]
    assert "花呗介绍" in "".join(doc.text["td"])
    doc = Doc(xss_pages["index"].read_text(encoding="utf-8"))
    assert [a for t, a in doc.tags if t == "a"] == []  # all unsafe: shown as text only
    assert printable_text(XSS_STRINGS[0]) in "".join(doc.text["td"])


def test_line_chart_needs_two_points():
    from kg.render.pages import line_chart_svg

    with pytest.raises(ValueError):
        line_chart_svg([("2020", 1.0)], title="x")
    svg = line_chart_svg([("2020", 1.0), ("2021", 1.0)], title="<t>", unit="亿元")
    assert svg.startswith("<svg") and "&lt;t&gt;" in svg and "<t>" not in svg


# ------------------------------------------------------------------ project rules


def test_only_kg_render_imports_pyvis():
    src = RENDER_DIR.parent
    offenders = [
        p for p in src.rglob("*.py")
        if RENDER_DIR not in p.parents and re.search(r"^\s*(import|from)\s+pyvis\b", p.read_text(encoding="utf-8"), re.M)
    ]
    assert offenders == []


def test_layout_packs_components_and_isolated_nodes():
    from kg.render.network_page import SPACING, compute_layout

    g = _big_graph(300, 900)
    for i in range(60):
        g.add_node(f"iso{i}", label=f"孤立{i}", category="Place")
    g.add_edge("pair_a", "pair_b", key="partnerOf")
    pos = compute_layout(g)
    assert set(pos) == set(g.nodes)
    iso = [pos[f"iso{i}"] for i in range(60)]
    closest = min(
        ((a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2) ** 0.5
        for i, a in enumerate(iso) for b in iso[i + 1:]
    )
    assert closest >= 0.79 * SPACING  # on a grid, not piled up
    # the connected part is not squeezed by the isolated nodes: typical spacing kept
    main = [pos[f"n{i}"] for i in range(300)]
    width = max(p[0] for p in main) - min(p[0] for p in main)
    assert width > 0.5 * SPACING * 300 ** 0.5
    assert compute_layout(g) == pos  # seeded


# ------------------------------------------------------------------ overview at scale: ranks, isolates, dates


def test_label_ranks_follow_pagerank():
    g = _big_graph(120, 300)
    ranks = label_ranks(g)
    assert sorted(ranks.values()) == list(range(g.number_of_nodes()))
    pr = node_scores(g, "pagerank")
    by_rank = sorted(g, key=ranks.get)
    assert all(pr[a] >= pr[b] for a, b in zip(by_rank, by_rank[1:]))
    records = {n["id"]: n for n in build_network(g, size_by="degree").nodes}
    assert all(records[n]["labelRank"] == ranks[n] for n in g)  # PageRank whatever the sizes


def test_isolated_nodes_are_flagged_counted_and_hidden_by_default(tmp_path):
    g = _big_graph(40, 30)
    isolates = set(nx.isolates(g))
    assert 0 < len(isolates) < 40
    text = write_network_page(g, tmp_path / "n.html", title="t").read_text(encoding="utf-8")
    data = json_block(text)
    assert {n["id"] for n in data["nodes"] if n["isolated"]} == isolates
    assert data["isolates"] == len(isolates) and data["hideIsolates"] is True
    doc = Doc(text)
    assert doc.text_of("kg-isolates-text") == f"隐藏 {len(isolates)} 个孤立节点"
    assert ("input", {"type": "checkbox", "id": "kg-isolates", "checked": None}) in doc.tags
    assert doc.text_of("kg-stats") == f"{40 - len(isolates)} 个节点 · 30 条关系（共 40 个节点 · 30 条关系）"
    # nothing but isolated nodes: all drawn, no toggle needed to see them
    lonely = nx.MultiDiGraph([])
    lonely.add_nodes_from(["a", "b"])
    data = json_block(write_network_page(lonely, tmp_path / "l.html", title="t").read_text(encoding="utf-8"))
    assert data["hideIsolates"] is False


def test_dates_are_iso_days_or_intervals_and_bound_the_date_inputs(tmp_path):
    g = nx.MultiDiGraph()
    g.add_node("a", label="甲", dates=["2021-03-01/2021-03-31", "<script>x</script>", "2020-02-02"])
    g.add_node("b", label="乙", dates="2019-12-31T00:00")
    g.add_edge("a", "b", key="partnerOf", predicate="partnerOf", dates=["2022-06-30", "2022/06/30"])
    text = write_network_page(g, tmp_path / "d.html", title="t").read_text(encoding="utf-8")
    data = json_block(text)
    assert [n["dates"] for n in data["nodes"]] == [["2020-02-02", "2021-03-01/2021-03-31"], []]
    assert data["edges"][0]["dates"] == ["2022-06-30"]
    assert data["dateRange"] == ["2020-02-02", "2022-06-30"]
    inputs = {a["id"]: a for name, a in Doc(text).tags if name == "input" and a.get("type") == "date"}
    assert {k: (a["min"], a["max"]) for k, a in inputs.items()} == {
        "kg-date-from": ("2020-02-02", "2022-06-30"), "kg-date-to": ("2020-02-02", "2022-06-30")}
    undated = write_network_page(_big_graph(5, 4), tmp_path / "u.html", title="t").read_text(encoding="utf-8")
    assert json_block(undated)["dateRange"] is None and 'id="kg-dates"' not in undated


PUBLISHED = "2026-01-15"


@pytest.fixture(scope="module")
def dated_store(tmp_path_factory):
    """The sample corpus with a publication date in its front matter, built into a real store."""
    from kg.build import build
    from kg.store import open_store
    from paths import CORPUS

    folder = tmp_path_factory.mktemp("dated")
    corpus = folder / "corpus"
    corpus.mkdir()
    for article in CORPUS.glob("*.md"):
        text = article.read_text(encoding="utf-8")
        (corpus / article.name).write_text(text.replace("\n---\n", f"\npublished: {PUBLISHED}\n---\n", 1),
                                           encoding="utf-8")
    store = open_store(folder / "store")
    assert build(corpus, store).ok
    yield store
    store.close()


FACT_PERIODS = """PREFIX kg: <https://w3id.org/fintech-kg/ontology#>
SELECT DISTINCT ?e ?period WHERE { ?x kg:observedEntity ?e ; kg:period ?period }"""


def test_attach_dates_gives_article_dates_and_fact_periods(dated_store):
    from kg.network import attach_dates, entity_graph
    from kg.rdf import period_bounds

    graph = attach_dates(dated_store, entity_graph(dated_store))
    assert all(PUBLISHED in a["dates"] for _, a in graph.nodes(data=True))  # one article, mentioning all
    assert graph.number_of_edges() and all(a["dates"] == [PUBLISHED] for *_, a in graph.edges(data=True))
    periods = [(str(e), str(p)) for e, p in dated_store.select(FACT_PERIODS).rows]
    assert periods
    for entity, period in periods:
        first, last = period_bounds(period)
        assert (first if first == last else f"{first}/{last}") in graph.nodes[entity]["dates"]
    assert all(a["dates"] == sorted(a["dates"]) for _, a in graph.nodes(data=True))


# ------------------------------------------------------------------ entity pages: names, units, other party


@pytest.mark.parametrize("value, unit, unit_zh, shown", [
    (13568000000, "CNY", "元", "135.68亿元"),
    (500000, "CNY", "元", "50万元"),
    (980, "CNY", "元", "980元"),
    (-98000000, "CNY", "元", "-9,800万元"),
    (17.6, "Percent", "百分点", "17.6%"),
    (9, "Rank", "名次", "第9名"),
    (134000000, "Count", "个数", "1.34亿"),
    (36, "Count", "个数", "36"),
    (1206.2, "亿元", "", "1,206.2 亿元"),  # a unit the schema does not declare: as written
    (None, "CNY", "元", ""),
])
def test_quantities_read_in_chinese_units(value, unit, unit_zh, shown):
    from kg.render.pages import quantity

    text, exact = quantity(value, {"unit": unit, "unit_zh": unit_zh, "unit_en": "en"})
    assert text == shown
    assert exact == ("" if value is None else f"{value:,} en".replace(".0 ", " "))


def test_unit_formats_cover_the_declared_units():
    from kg.render.styles import UNIT_FORMATS
    from kg.schema import UNIT_TABLE

    assert set(UNIT_FORMATS) == set(UNIT_TABLE.values())


def test_fact_rows_name_in_chinese_and_link_the_other_party_safely(tmp_path):
    rows = [
        {"type": "Penalty", "name_zh": "行政处罚", "name_en": "penalty", "value": 500000.0, "unit": "CNY",
         "unit_zh": "元", "unit_en": "yuan (CNY)", "period": "2016-06-16", "other_label": "银监会浙江监管局",
         "other_url": "../entity/zj.html", "role_zh": "事件客体", "role_en": "event object"},
        {"type": "Acquisition", "name_zh": XSS_STRINGS[0], "name_en": XSS_STRINGS[1], "value": None,
         "other_label": XSS_STRINGS[2], "other_url": "javascript:alert(1)", "role_zh": XSS_STRINGS[3]},
    ]
    text = write_entity_page(tmp_path / "e.html", entity={"iri": "kg:e", "label": "甲"},
                             facts=rows).read_text(encoding="utf-8")
    doc = Doc(text)
    terms = [a for name, a in doc.tags if name == "span" and a.get("class") == "kg-term"]
    assert [t.get("title") for t in terms] == ["penalty", "event object", XSS_STRINGS[1], None]
    links = [a for name, a in doc.tags if name == "a" and a.get("class") == "kg-other"]
    assert links == [{"href": "../entity/zj.html", "class": "kg-other"}]  # javascript: is no link
    cells = [a for name, a in doc.tags if name == "td" and a.get("class") == "num"]
    assert cells[0]["title"] == "500,000 yuan (CNY)"
    assert "50万元" in doc.text["td"] and "CNY" not in "".join(doc.text["td"])
    assert XSS_STRINGS[2] in doc.text["span"]  # the hostile party's name, as text
    assert XSS_STRINGS[0] not in text and esc(XSS_STRINGS[0]) in text
