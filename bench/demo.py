"""Small hand-made graphs for tests, screenshots and a look at the pages (a development helper,
not part of the installed package).

    python -m bench.demo OUT_DIR [--screenshot]

writes ``network.html``, ``entity/ant.html``, ``index.html`` (and the XSS probe page
``xss.html``) into OUT_DIR. The facts are illustrative, not data of the project.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import networkx as nx

__all__ = ["sample_graph", "sample_entity", "xss_graph", "XSS_STRINGS", "write_demo"]

#: Strings that must come out of every page as text, never as markup or script.
#: Each one that could run sets ``window.__xss`` so browser tests can tell.
XSS_STRINGS = [
    "<script>window.__xss=1;alert(1)</script>",
    "<img src=x onerror=\"window.__xss=2;alert(2)\">",
    "\"><svg onload=window.__xss=3>",
    "'; window.__xss=4; '",
    "</script><script>window.__xss=5</script>",
    "<!-- <script>window.__xss=6</script>",
    "&lt;b&gt;entity&amp;amp;\u2028line\u2029sep",
    "{{ title }} ${window.__xss=7} href javascript:alert(8)",
]


def _node(g: nx.MultiDiGraph, iri: str, label: str, category: str, **kw: Any) -> None:
    g.add_node(
        iri,
        label=label,
        category=category,
        kind=kw.get("kind"),
        aliases=kw.get("aliases", []),
        articles=kw.get("articles", 1),
        evidence=kw.get("evidence", []),
        **({"url": kw["url"]} if "url" in kw else {}),
    )


def _edge(g, u, v, predicate, zh, en, evidence=None) -> None:
    g.add_edge(u, v, key=predicate, predicate=predicate, label_zh=zh, label_en=en,
               evidence=evidence or [])


def sample_graph() -> nx.MultiDiGraph:
    """16 entities around two platforms, every category, parallel edges, links."""
    g = nx.MultiDiGraph()
    ev = lambda t, a: [{"text": t, "article": a}]  # noqa: E731
    _node(g, "kg:ant", "蚂蚁集团", "Platform", aliases=["蚂蚁金服", "Ant Group"], articles=42,
          url="entity/ant.html",
          evidence=ev("蚂蚁集团旗下的花呗和借呗已完成品牌隔离。", "蚂蚁集团整改进展"))
    _node(g, "kg:huabei", "花呗", "Product", articles=20, url="entity/huabei.html",
          evidence=ev("花呗是蚂蚁集团推出的消费信贷产品。", "花呗介绍"))
    _node(g, "kg:jiebei", "借呗", "Product", articles=18)
    _node(g, "kg:pbc", "中国人民银行", "Regulator", aliases=["央行", "人民银行"], articles=60)
    _node(g, "kg:cbirc", "银保监会", "Regulator", aliases=["中国银保监会"], articles=35)
    _node(g, "kg:mybank", "网商银行", "Lender", kind="民营银行", articles=15)
    _node(g, "kg:cqxd", "重庆蚂蚁小微小额贷款有限公司", "Lender", kind="小额贷款公司", articles=5)
    _node(g, "kg:hangzhou", "杭州", "Place", articles=8)
    _node(g, "kg:chongqing", "重庆", "Place", articles=6)
    _node(g, "kg:rule", "网络小额贷款业务管理暂行办法", "Regulation", articles=12,
          aliases=["网贷新规"])
    _node(g, "kg:jackma", "马云", "Person", articles=10)
    _node(g, "kg:tencent", "腾讯", "Platform", aliases=["Tencent"], articles=30)
    _node(g, "kg:webank", "微众银行", "Lender", kind="民营银行", articles=22)
    _node(g, "kg:weilidai", "微粒贷", "Product", articles=9)
    _node(g, "kg:credit", "消费信贷市场", "Market", articles=4)
    _node(g, "kg:alibaba", "阿里巴巴", "Organization", articles=25)
    _edge(g, "kg:ant", "kg:huabei", "operates", "运营", "operates",
          ev("花呗由蚂蚁集团运营。", "花呗介绍"))
    _edge(g, "kg:ant", "kg:jiebei", "operates", "运营", "operates")
    _edge(g, "kg:cqxd", "kg:ant", "subsidiaryOf", "子公司", "subsidiary of")
    _edge(g, "kg:ant", "kg:mybank", "shareholderOf", "持股", "shareholder of")
    _edge(g, "kg:ant", "kg:pbc", "penalizedBy", "被约谈", "summoned by",
          ev("金融管理部门约谈蚂蚁集团。", "监管约谈"))
    _edge(g, "kg:ant", "kg:hangzhou", "locatedIn", "位于", "located in")
    _edge(g, "kg:cqxd", "kg:chongqing", "locatedIn", "位于", "located in")
    _edge(g, "kg:rule", "kg:cbirc", "issuedBy", "发布", "issued by")
    _edge(g, "kg:rule", "kg:pbc", "issuedBy", "发布", "issued by")
    _edge(g, "kg:jackma", "kg:ant", "shareholderOf", "实际控制", "controls")
    _edge(g, "kg:alibaba", "kg:ant", "shareholderOf", "持股", "shareholder of")
    _edge(g, "kg:alibaba", "kg:ant", "partnerOf", "合作", "partner of")
    _edge(g, "kg:tencent", "kg:webank", "shareholderOf", "持股", "shareholder of")
    _edge(g, "kg:webank", "kg:weilidai", "operates", "运营", "operates")
    _edge(g, "kg:webank", "kg:credit", "operates", "参与", "active in")
    _edge(g, "kg:ant", "kg:credit", "operates", "参与", "active in")
    _edge(g, "kg:mybank", "kg:hangzhou", "locatedIn", "位于", "located in")
    return g


def sample_entity() -> dict[str, Any]:
    """Arguments of ``write_entity_page`` for 蚂蚁集团 in :func:`sample_graph`."""
    g = sample_graph()
    neighbourhood = g.subgraph(
        [n for n in g if n == "kg:ant" or g.has_edge("kg:ant", n) or g.has_edge(n, "kg:ant")]
    ).copy()
    attrs = dict(g.nodes["kg:ant"])
    entity = {"iri": "kg:ant", **attrs}
    facts = [
        {"metric": "营业收入", "value": 1206.2, "unit": "亿元", "period": "2019",
         "evidence": "2019年营业收入1206.2亿元。", "article": "招股书摘要"},
        {"metric": "营业收入", "value": 725.3, "unit": "亿元", "period": "2020H1",
         "evidence": "2020年上半年营收725.3亿元。", "article": "招股书摘要"},
        {"metric": "营业收入", "value": 1000.0, "unit": "亿元", "period": "2018"},
        {"metric": "净利润", "value": 170.0, "unit": "亿元", "period": "2019"},
        {"metric": "净利润", "value": 219.2, "unit": "亿元", "period": "2020H1"},
        {"metric": "注册资本", "value": 350, "unit": "亿元", "period": "2021"},
        {"type": "监管约谈", "date": "2020-11-02", "evidence": "四部门联合约谈蚂蚁集团。",
         "article": "监管约谈"},
    ]
    return {"entity": entity, "neighbourhood": neighbourhood, "facts": facts}


def xss_graph() -> nx.MultiDiGraph:
    """Every untrusted field of nodes and edges filled with :data:`XSS_STRINGS`."""
    g = nx.MultiDiGraph()
    s = XSS_STRINGS
    for i, text in enumerate(s):
        _node(
            g, f"kg:x{i}", text, "Lender" if i % 2 else text, kind=text, aliases=[text, s[-1 - i]],
            articles=i, evidence=[{"text": text, "article": s[-1 - i]}],
            url="javascript:window.__xss=9" if i % 2 else f"entity/x{i}.html?q={text}",
        )
    for i, text in enumerate(s):
        _edge(g, f"kg:x{i}", f"kg:x{(i + 1) % len(s)}", text, text, s[-1 - i],
              [{"text": text, "article": s[-1 - i]}])
    return g


def write_demo(out: str | Path, *, screenshot: bool = False) -> dict[str, Path]:
    from kg.render import write_entity_page, write_index_page, write_network_page

    out = Path(out)
    g = sample_graph()
    paths = {
        "network": write_network_page(g, out / "network.html", title="中国金融科技关系网络",
                                      subtitle="样例：蚂蚁集团与微众银行", highlight="kg:ant"),
        "entity": write_entity_page(out / "entity" / "ant.html", **sample_entity(),
                                    links={"总览": "../index.html"},
                                    network_href="../network.html"),
        "xss": write_network_page(xss_graph(), out / "xss.html", title=XSS_STRINGS[0],
                                  subtitle=XSS_STRINGS[1]),
    }
    counts: dict[str, int] = {}
    for _, a in g.nodes(data=True):
        counts[a["category"]] = counts.get(a["category"], 0) + 1
    paths["index"] = write_index_page(
        out / "index.html", title="金融科技知识图谱", subtitle="样例数据",
        category_counts=counts,
        articles=[
            {"id": "a1", "title": "蚂蚁集团整改进展", "outlet": "财新", "published": "2021-04-12"},
            {"id": "a2", "title": "花呗介绍", "outlet": "新浪财经", "published": "2020-08-01"},
            {"id": "a3", "title": "监管约谈", "outlet": "证券时报", "published": "2020-11-03"},
        ],
        links=[("关系网络", "network.html"), ("蚂蚁集团", "entity/ant.html", "Platform")],
    )
    if screenshot:
        from bench.screenshot import screenshot_page

        for name in ("network", "entity", "index"):
            paths[f"{name}_png"] = screenshot_page(paths[name], out / f"{name}.png",
                                                   full_page=name != "network")
    return paths


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="write the demo pages")
    ap.add_argument("out", type=Path)
    ap.add_argument("--screenshot", action="store_true", help="also write PNGs (Chromium)")
    args = ap.parse_args(argv)
    for name, path in write_demo(args.out, screenshot=args.screenshot).items():
        print(f"{name}: {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
