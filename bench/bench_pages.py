"""Benchmark: a 5,000-node / 20,000-edge network page, ours vs pyvis defaults.

    .venv/bin/python -m bench.bench_pages [--nodes 5000] [--edges 20000] [--cap 120]

Writes the same seeded synthetic graph twice:

* ours: ``kg.render.write_network_page`` (igraph positions, physics off, vendored
  vis-network inlined);
* pyvis defaults: ``Network`` + ``add_node``/``add_edge`` + physics on, written with
  ``cdn_resources="in_line"`` (pyvis inlines its vis-network 9.1.2) and Bootstrap's CDN
  tags removed so the page can load offline;

then opens both in headless Chromium (remote requests aborted) and measures, from
navigation start, when the network is drawn and stabilised (physics) or drawn with fixed
positions. The default page is capped at ``--cap`` seconds and reported as ">cap s".
A benchmark, not a test: it asserts nothing.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import tempfile
import time
from pathlib import Path

import networkx as nx

CATEGORY_WEIGHTS = {
    "Lender": 0.30, "Platform": 0.12, "Regulator": 0.02, "Regulation": 0.06,
    "Product": 0.15, "Place": 0.08, "Organization": 0.17, "Person": 0.08, "Market": 0.02,
}
PREDICATES = [
    ("subsidiaryOf", "子公司", "subsidiary of"), ("shareholderOf", "持股", "shareholder of"),
    ("operates", "运营", "operates"), ("partnerOf", "合作", "partner of"),
    ("locatedIn", "位于", "located in"), ("issuedBy", "发布", "issued by"),
    ("penalizedBy", "被处罚", "penalized by"), ("acquired", "收购", "acquired"),
    ("renamedTo", "更名为", "renamed to"),
]
SYLLABLES = "中国华信安金融科技网络小额贷款银行平台支付消费互联数字普惠微众蚂蚁京东度小满招联马上"


def synthetic_graph(n_nodes: int = 5000, n_edges: int = 20000, seed: int = 7) -> nx.MultiDiGraph:
    """A seeded random MultiDiGraph with the page contract's attributes.

    Heavy-tailed degrees (preferential choice of endpoints), category mix like the
    corpus (many lenders and organisations, few regulators), Chinese labels, evidence.
    """
    rng = random.Random(seed)
    cats = list(CATEGORY_WEIGHTS)
    weights = list(CATEGORY_WEIGHTS.values())
    g = nx.MultiDiGraph()
    for i in range(n_nodes):
        cat = rng.choices(cats, weights)[0]
        name = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 6))) + f"{i}"
        g.add_node(
            f"https://example.org/kg/e{i}",
            label=name,
            category=cat,
            aliases=[name[:3] + "简称"] if rng.random() < 0.3 else [],
            articles=rng.randint(1, 60),
            evidence=[{"text": f"{name}相关报道的一个句子。", "article": f"文章{rng.randint(1, 3000)}"}],
            url=f"entity/e{i}.html",
        )
    nodes = list(g.nodes)
    pool = list(nodes)  # endpoints drawn from here; grows with use → heavy tail
    count = 0
    while count < n_edges:
        u = rng.choice(pool)
        v = rng.choice(pool)
        while v == u:
            v = rng.choice(nodes)
        pred, zh, en = rng.choice(PREDICATES)
        if g.has_edge(u, v, key=pred):  # (u, v, predicate) is one edge in the contract
            continue
        count += 1
        g.add_edge(u, v, key=pred, predicate=pred, label_zh=zh, label_en=en,
                   evidence=[{"text": f"{zh}关系的证据句。", "article": "某文章"}])
        pool.extend((u, v))
    return g


def write_pyvis_default(graph: nx.MultiDiGraph, path: Path) -> float:
    """The page pyvis makes with its defaults, made loadable offline. Returns seconds."""
    from pyvis.network import Network

    t0 = time.perf_counter()
    net = Network(directed=True, cdn_resources="in_line")
    for node, attrs in graph.nodes(data=True):
        net.add_node(node, label=attrs["label"], title=attrs["label"])
    for u, v, attrs in graph.edges(data=True):
        net.add_edge(u, v, label=attrs["label_zh"], title=attrs["label_en"])
    html = net.generate_html()
    # Drop Bootstrap's CDN <link>/<script> (vis-network itself is inlined by pyvis).
    html = re.sub(r"<link[^>]*https?://[^>]*>", "", html)
    html = re.sub(r"<script[^>]*\bsrc=\"https?://[^\"]*\"[^>]*>\s*</script>", "", html, flags=re.S)
    # Instrumentation, after pyvis' drawGraph() has created the global `network`.
    # Progress goes out through console messages: they reach Python even while the page's
    # main thread is then blocked for minutes by a stabilisation batch or a redraw.
    probe = (
        "<script>(function(){var stab=true;"
        "network.once('stabilizationIterationsDone',function(){stab=false;});"
        "network.on('stabilizationProgress',function(p){"
        "console.log('bench:progress '+p.iterations+' '+p.total);});"
        "network.once('afterDrawing',function(){console.log('bench:firstdraw '+performance.now());});"
        "network.on('afterDrawing',function(){if(!stab&&!window.__benchReadyAt){"
        "window.__benchReadyAt=performance.now();}});})();</script>"
    )
    html = html.replace("</body>", probe + "</body>", 1)
    path.write_text(html, encoding="utf-8")
    return time.perf_counter() - t0


def measure(browser, path: Path, ready_expr: str, cap_s: float) -> dict:
    """Open ``path``; wait (at most ``cap_s`` from navigation) until ``ready_expr`` is a
    number, the page's performance.now() when it was drawn and stable or fixed.

    The cap is enforced by Playwright's own timeout, outside the page, so it holds even
    when the page's main thread is blocked.
    """
    from bench.screenshot import block_remote

    context = browser.new_context(viewport={"width": 1400, "height": 900})
    blocked: list[str] = []
    block_remote(context, blocked)
    page = context.new_page()
    result: dict = {"blocked": blocked, "load_s": None, "ready_s": None}

    def on_console(msg) -> None:
        text = msg.text
        if text.startswith("bench:progress "):
            done, total = text.split()[1:3]
            result["progress"] = int(done) / max(1, int(total))
        elif text.startswith("bench:firstdraw "):
            result["first_draw_s"] = float(text.split()[1]) / 1000

    page.on("console", on_console)
    t0 = time.perf_counter()
    try:
        page.goto(path.resolve().as_uri(), wait_until="load", timeout=cap_s * 1000)
        result["load_s"] = time.perf_counter() - t0
        remaining_ms = max(1.0, cap_s - (time.perf_counter() - t0)) * 1000
        handle = page.wait_for_function(
            f"() => typeof ({ready_expr}) === 'number' ? ({ready_expr}) : false",
            timeout=remaining_ms, polling=100,
        )
        result["ready_s"] = handle.json_value() / 1000
        # one full redraw, measured in the page (only when the page is responsive)
        result["redraw_ms"] = page.evaluate(
            "(expr) => new Promise(r => { const n = eval(expr); const t = performance.now();"
            " n.once('afterDrawing', () => r(performance.now() - t)); n.redraw(); })",
            "window.kgNetwork ? window.kgNetwork.network : network",
        )
    except Exception as exc:  # the default page is expected to hit the cap
        result["error"] = type(exc).__name__
    finally:
        t_close = time.perf_counter()
        context.close()
        result["close_s"] = time.perf_counter() - t_close
    return result


def fmt(seconds: float | None, cap: float) -> str:
    return f">{cap:.0f} s" if seconds is None else f"{seconds:.2f} s"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--nodes", type=int, default=5000)
    ap.add_argument("--edges", type=int, default=20000)
    ap.add_argument("--cap", type=float, default=120.0, help="seconds for the default page")
    ap.add_argument("--out", type=Path, default=None, help="folder for the pages")
    args = ap.parse_args(argv)
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(line_buffering=True)  # progress shows when piped to a file

    from bench.screenshot import chromium_path

    if chromium_path() is None:
        print("bench_pages: /usr/bin/chromium missing (apt-get install chromium)", file=sys.stderr)
        return 2
    if args.out is None:
        with tempfile.TemporaryDirectory(prefix="kg-bench-") as tmp:
            return run(args, Path(tmp), keep=False)
    args.out.mkdir(parents=True, exist_ok=True)
    return run(args, args.out, keep=True)


def run(args: argparse.Namespace, out: Path, *, keep: bool) -> int:
    from kg.render import write_network_page
    from bench.screenshot import launch_chromium


    t0 = time.perf_counter()
    graph = synthetic_graph(args.nodes, args.edges)
    print(f"graph: {graph.number_of_nodes()} nodes, {graph.number_of_edges()} edges "
          f"({time.perf_counter() - t0:.2f} s to generate)")

    ours = out / "ours.html"
    t0 = time.perf_counter()
    write_network_page(graph, ours, title="基准 benchmark", max_physics_nodes=300)
    ours_write = time.perf_counter() - t0
    default = out / "pyvis_default.html"
    default_write = write_pyvis_default(graph, default)
    print(f"write: ours {ours_write:.2f} s ({ours.stat().st_size / 1e6:.1f} MB), "
          f"pyvis defaults {default_write:.2f} s ({default.stat().st_size / 1e6:.1f} MB)")

    with launch_chromium() as browser:
        r_ours = measure(browser, ours, "window.kgNetwork && window.kgNetwork.readyAt", args.cap)
        r_def = measure(browser, default, "window.__benchReadyAt", args.cap)

    print("times from navigation start; 'load' = load event seen by Playwright")
    print(f"ours:           load {fmt(r_ours['load_s'], args.cap)}, interactive (drawn, "
          f"positions fixed) {fmt(r_ours['ready_s'], args.cap)}, one redraw "
          f"{r_ours.get('redraw_ms', float('nan')):.0f} ms")
    extra = ""
    if r_def.get("first_draw_s") is not None:
        extra += f", first draw {r_def['first_draw_s']:.1f} s"
    if r_def.get("redraw_ms") is not None:
        extra += f", one redraw {r_def['redraw_ms']:.0f} ms"
    elif r_def.get("progress") is not None:
        extra += f", stabilisation {100 * r_def['progress']:.0f} % done at the cap"
    elif r_def["ready_s"] is None:
        extra += ", not drawn and no stabilisation batch finished by the cap"
    print(f"pyvis defaults: load {fmt(r_def['load_s'], args.cap)}, drawn and stabilised "
          f"{fmt(r_def['ready_s'], args.cap)}{extra}")
    if r_ours["ready_s"]:
        if r_def["ready_s"]:
            print(f"ratio default/ours: {r_def['ready_s'] / r_ours['ready_s']:.1f}x")
        else:
            print(f"ratio default/ours: >{args.cap / r_ours['ready_s']:.1f}x (default capped)")
    blocked = r_ours["blocked"] + r_def["blocked"]
    print(f"remote requests aborted: ours {len(r_ours['blocked'])}, "
          f"pyvis defaults {len(r_def['blocked'])}")
    if blocked:
        print("  " + "\n  ".join(sorted(set(blocked))[:5]))
    print(f"pages in {out}" if keep else "pages removed (--out DIR keeps them)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
