"""Interactive, offline, injection-safe network pages (pyvis data model, own template).

pyvis builds the node/edge dictionaries and the vis-network options; the page itself is
written from this package's template, with vis-network inlined from ``assets/`` and the
graph embedded as JSON that the page code turns into DOM text only.
"""

from __future__ import annotations

import json
import math
import random
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Literal

import igraph
import networkx as nx
from pyvis.network import Network

from ._html import (
    Markup,
    tag,
    asset,
    printable_text,
    csp_meta,
    esc,
    inline_script,
    json_for_script,
    render,
    safe_href,
    template,
    write_page,
)
from .pages import _nav
from .styles import CATEGORY_STYLES, OTHER, PREDICATE_LABELS, category_key

__all__ = ["write_network_page", "build_network", "network_payload", "MAX_EVIDENCE"]

#: Evidence sentences kept per node/edge in a page (all are counted).
MAX_EVIDENCE = 5

FONT_STACK = (
    '"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", '
    '"WenQuanYi Zen Hei", "Noto Sans", "Helvetica Neue", Arial, sans-serif'
)

SizeBy = Literal["pagerank", "degree"]


def _evidence(items: Any, limit: int = MAX_EVIDENCE) -> tuple[list[dict[str, str]], int]:
    """Normalise an evidence list to ``[{"text", "article"}]`` (plus ``url``, the sentence in its
    article's page, when it is a relative link), at most ``limit`` kept."""
    if not isinstance(items, (list, tuple)):
        return [], 0
    out: list[dict[str, str]] = []
    for item in items:
        if isinstance(item, Mapping):
            text, article, url = item.get("text", ""), item.get("article", ""), safe_href(item.get("url"))
        else:
            text, article, url = item, "", None
        if len(out) < limit:
            out.append({"text": printable_text(text), "article": printable_text(article),
                        **({"url": url} if url else {})})
    return out, len(items)


def _str_list(value: Any) -> list[str]:
    if isinstance(value, str):
        return [printable_text(value)] if value else []
    if isinstance(value, (list, tuple, set, frozenset)):
        return [printable_text(v) for v in value if v is not None and v != ""]
    return []


def _int(value: Any) -> int:
    try:
        return max(0, int(value))
    except (TypeError, ValueError):
        return 0


_ISO_SPAN = re.compile(r"\d{4}-\d{2}-\d{2}(?:/\d{4}-\d{2}-\d{2})?")


def _dates(value: Any) -> list[str]:
    """The ISO dates and "first/last" intervals an item is attested on; anything else dropped."""
    return sorted({v for v in _str_list(value) if _ISO_SPAN.fullmatch(v)})


def _date_range(records: Iterable[Mapping[str, Any]]) -> list[str] | None:
    """First and last day any node or edge is attested on, or None when nothing is dated."""
    days = [d for r in records for span in r["dates"] for d in span.split("/")]
    return [min(days), max(days)] if days else None


def _index_graph(graph: nx.MultiDiGraph) -> tuple[list[Any], igraph.Graph]:
    nodes = list(graph.nodes)
    index = {n: i for i, n in enumerate(nodes)}
    edges = [(index[u], index[v]) for u, v in graph.edges()]
    return nodes, igraph.Graph(n=len(nodes), edges=edges, directed=True)


def node_scores(graph: nx.MultiDiGraph, size_by: SizeBy) -> dict[Any, float]:
    """PageRank (damping 0.85, parallel edges count as weight) or total degree.

    PageRank is computed with igraph's PRPACK: ``networkx.pagerank`` needs SciPy, which
    the project does not install; the results agree with networkx's pure-Python power
    iteration (run to tol 1e-13) to ~1e-10 relative, and are rounded to 6 digits.
    """
    if size_by == "degree":
        return {n: float(d) for n, d in graph.degree()}
    if size_by != "pagerank":
        raise ValueError(f"size_by must be 'pagerank' or 'degree', not {size_by!r}")
    if graph.number_of_nodes() == 0:
        return {}
    nodes, g = _index_graph(graph)
    ranks = g.pagerank(directed=True, damping=0.85)
    # PRPACK's last bits vary between runs; round so that pages are reproducible.
    return {n: float(f"{r:.6g}") for n, r in zip(nodes, ranks)}


def label_ranks(graph: nx.MultiDiGraph, pagerank: Mapping[Any, float] | None = None) -> dict[Any, int]:
    """Each node's place when ranked by PageRank, 0 the highest (ties by label, then id).

    The page labels nodes in this order, as many as fit on the screen at the current zoom."""
    scores = pagerank if pagerank is not None else node_scores(graph, "pagerank")
    order = sorted(graph.nodes, key=lambda n: (-scores[n], printable_text(graph.nodes[n].get("label")),
                                               printable_text(n)))
    return {n: i for i, n in enumerate(order)}


#: Average distance between neighbouring nodes in a precomputed layout, in vis pixels.
SPACING = 90.0


def _normalise(coords: list[list[float]], n: int) -> list[tuple[float, float]]:
    """Centre a component's coordinates and scale it to a radius of ~SPACING/2·√n."""
    cx = sum(c[0] for c in coords) / len(coords)
    cy = sum(c[1] for c in coords) / len(coords)
    radii = sorted(math.hypot(x - cx, y - cy) for x, y in coords)
    r95 = radii[min(len(radii) - 1, int(0.95 * len(radii)))] or 1.0
    k = (SPACING / 2) * math.sqrt(n) / r95
    return [((x - cx) * k, (y - cy) * k) for x, y in coords]


def compute_layout(graph: nx.MultiDiGraph, *, seed: int = 1) -> dict[Any, tuple[float, float]]:
    """Positions for a large graph, in vis-network pixels.

    Each connected component is laid out on its own with igraph's Fruchterman-Reingold
    (grid variant above 1,000 nodes; seeded) and scaled to its size; components are then
    shelf-packed, largest first, and isolated nodes set on a grid after them. Laying out
    the whole graph at once would push isolated nodes to a wide ring and squeeze the
    connected part into a blob. ~0.6 s for 5,000 nodes / 20,000 edges (DrL: ~16 s,
    networkx spring_layout: ~30 s).
    """
    n = graph.number_of_nodes()
    if n == 0:
        return {}
    nodes, g = _index_graph(graph)
    u = g.as_undirected(mode="collapse")
    u.simplify()
    components = sorted(u.connected_components(), key=lambda c: (-len(c), c[0]))
    rng = random.Random(seed)
    igraph.set_random_number_generator(rng)
    pieces: list[tuple[list[int], list[tuple[float, float]], float, float]] = []
    singles: list[int] = []
    try:
        for comp in components:
            if len(comp) == 1:
                singles.append(comp[0])
                continue
            if len(comp) == 2:
                coords = [[-0.5, 0.0], [0.5, 0.0]]
            else:
                coords = u.induced_subgraph(comp).layout_fruchterman_reingold(grid="auto").coords
            local = _normalise(coords, len(comp))
            xs = [x for x, _ in local]
            ys = [y for _, y in local]
            # shift so the piece's box starts at (0, 0)
            x0, y0 = min(xs), min(ys)
            local = [(x - x0, y - y0) for x, y in local]
            pieces.append((list(comp), local, max(xs) - x0, max(ys) - y0))
    finally:
        igraph.set_random_number_generator(random)
    if singles:
        cols = max(1, math.ceil(math.sqrt(len(singles))))
        cell = SPACING * 0.8
        local = [((i % cols) * cell, (i // cols) * cell) for i in range(len(singles))]
        rows = math.ceil(len(singles) / cols)
        pieces.append((singles, local, (cols - 1) * cell, (rows - 1) * cell))

    # Shelf packing: rows of pieces, row width about that of a square of all the pieces.
    margin = SPACING * 1.5
    area = sum((w + margin) * (h + margin) for _, _, w, h in pieces)
    row_width = max(max(w for _, _, w, _ in pieces) + margin, math.sqrt(area) * 1.15)
    positions: dict[int, tuple[float, float]] = {}
    x = y = row_height = 0.0
    for members, local, w, h in pieces:
        if x > 0 and x + w > row_width:
            x, y, row_height = 0.0, y + row_height + margin, 0.0
        for v, (px, py) in zip(members, local):
            positions[v] = (x + px, y + py)
        x += w + margin
        row_height = max(row_height, h)
    xs = [p[0] for p in positions.values()]
    ys = [p[1] for p in positions.values()]
    cx, cy = (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2
    return {nodes[v]: (px - cx, py - cy) for v, (px, py) in positions.items()}


def _edge_curves(graph: nx.MultiDiGraph) -> dict[tuple[Any, Any, Any], dict[str, Any]]:
    """Curve parallel edges (same node pair, either direction) so labels don't overlap."""
    groups: dict[frozenset, list[tuple[Any, Any, Any]]] = defaultdict(list)
    for u, v, k in graph.edges(keys=True):
        groups[frozenset((u, v))].append((u, v, k))
    curves: dict[tuple[Any, Any, Any], dict[str, Any]] = {}
    for members in groups.values():
        if len(members) < 2 or members[0][0] == members[0][1]:
            continue
        first_u = members[0][0]
        for i, (u, v, k) in enumerate(members):
            clockwise = (i % 2 == 0) == (u == first_u)
            curves[(u, v, k)] = {
                "enabled": True,
                "type": "curvedCW" if clockwise else "curvedCCW",
                "roundness": 0.18 + 0.14 * (i // 2),
            }
    return curves


def _deep_merge(base: dict[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    for key, value in extra.items():
        if isinstance(value, Mapping) and isinstance(base.get(key), dict):
            _deep_merge(base[key], value)
        else:
            base[key] = value
    return base


def _group_options() -> dict[str, Any]:
    groups = {}
    for key, s in CATEGORY_STYLES.items():
        groups[key] = {
            "shape": s.shape,
            "color": {
                "background": s.color,
                "border": s.border,
                "highlight": {"background": s.color, "border": "#1b1f24"},
                "hover": {"background": s.color, "border": "#1b1f24"},
            },
        }
    return groups


def build_network(
    graph: nx.MultiDiGraph,
    *,
    size_by: SizeBy = "pagerank",
    max_physics_nodes: int = 300,
    highlight: str | Iterable[str] | None = None,
    layout_seed: int = 1,
) -> Network:
    """A pyvis ``Network`` holding the graph's nodes, edges and options.

    Node and edge dictionaries are appended to ``net.nodes``/``net.edges`` directly
    (``add_edge`` costs ~0.3 ms an edge). Besides vis-network fields they carry the
    entity data (``category``, ``aliases``, ``evidence``, …) that the page turns into
    tooltips. Above ``max_physics_nodes`` nodes, positions come from igraph and physics
    is off.
    """
    if not isinstance(graph, nx.MultiDiGraph):
        raise TypeError("graph must be a networkx.MultiDiGraph")
    n_nodes = graph.number_of_nodes()
    large = n_nodes > max_physics_nodes
    highlighted = {highlight} if isinstance(highlight, str) else set(highlight or ())

    pagerank = node_scores(graph, "pagerank")
    scores = pagerank if size_by == "pagerank" else node_scores(graph, size_by)
    ranks = label_ranks(graph, pagerank)
    low = min(scores.values(), default=0.0)
    span = max(scores.values(), default=0.0) - low

    def node_size(score: float) -> float:  # 10–40 px by sqrt of the rescaled score
        return round(10 + 30 * math.sqrt((score - low) / span), 2) if span > 0 else 18.0

    positions = compute_layout(graph, seed=layout_seed) if large else {}

    net = Network(directed=True, cdn_resources="in_line", height="100%", width="100%")
    ids: dict[Any, str] = {}
    for node, attrs in graph.nodes(data=True):
        node_id = printable_text(node)
        if node_id in net.node_map:  # two nodes whose ids clean to the same text
            node_id = f"{node_id}#{len(net.nodes)}"
        ids[node] = node_id
        evidence, n_evidence = _evidence(attrs.get("evidence"))
        raw_category = attrs.get("category")
        label = printable_text(attrs.get("label")) or node_id
        record: dict[str, Any] = {
            "id": node_id,
            "label": label,
            "group": category_key(raw_category),
            "category": printable_text(raw_category) if raw_category is not None else "",
            "kind": printable_text(attrs.get("kind")) if attrs.get("kind") else "",
            "aliases": _str_list(attrs.get("aliases")),
            "articles": _int(attrs.get("articles")),
            "evidence": evidence,
            "evidenceCount": n_evidence,
            "size": node_size(scores.get(node, low)),
            "score": scores.get(node, 0.0),
            "labelRank": ranks[node],
            "isolated": graph.degree(node) == 0,
            "dates": _dates(attrs.get("dates")),
        }
        href = safe_href(attrs.get("url"))
        if href:
            record["url"] = href
        if node_id in highlighted or node in highlighted:
            record["highlight"] = True
            record["borderWidth"] = 4
            record["shadow"] = {"enabled": True, "size": 14, "x": 0, "y": 0}
        if large:
            x, y = positions[node]
            record["x"], record["y"] = round(x, 1), round(y, 1)
        net.nodes.append(record)
        net.node_ids.append(node_id)
        net.node_map[node_id] = record

    curves = _edge_curves(graph)
    for i, (u, v, key, attrs) in enumerate(graph.edges(keys=True, data=True)):
        predicate = printable_text(attrs.get("predicate") or key or "")
        default_zh, default_en = PREDICATE_LABELS.get(predicate, (predicate, predicate))
        evidence, n_evidence = _evidence(attrs.get("evidence"))
        edge: dict[str, Any] = {
            "id": f"e{i}",
            "from": ids[u],
            "to": ids[v],
            "label": printable_text(attrs.get("label_zh")) or default_zh,
            "labelEn": printable_text(attrs.get("label_en")) or default_en,
            "predicate": predicate,
            "evidence": evidence,
            "evidenceCount": n_evidence,
            "dates": _dates(attrs.get("dates")),
        }
        curve = curves.get((u, v, key))
        if curve:
            edge["smooth"] = curve
        net.edges.append(edge)

    # Options through pyvis, then what pyvis has no setter for.
    net.force_atlas_2based(
        gravity=-80, central_gravity=0.01, spring_length=140, spring_strength=0.06,
        damping=0.5, overlap=0.2,
    )
    net.toggle_physics(not large)
    net.options.physics.stabilization = {  # pyvis keeps this as a plain dict
        "enabled": not large, "fit": True, "iterations": 400, "updateInterval": 50,
        "onlyDynamicEdges": False,
    }
    net.toggle_hide_edges_on_drag(large)
    if not large:
        net.set_edge_smooth("continuous")
    options = _deep_merge(
        json.loads(net.options.to_json()),
        {
            "autoResize": True,
            "groups": _group_options(),
            "layout": {"randomSeed": layout_seed, "improvedLayout": not large and n_nodes <= 150},
            "nodes": {
                "shape": "dot",
                "borderWidth": 1.5,
                "borderWidthSelected": 3,
                "font": {
                    "size": 14, "face": FONT_STACK, "color": "#1f2933",
                    "strokeWidth": 3, "strokeColor": "#ffffff",
                },
            },
            "edges": {
                # Large graphs: arrows are switched on by the page once zoomed in.
                "arrows": {"to": {"enabled": not large, "scaleFactor": 0.55}},
                "color": {"color": "#a3adb8", "highlight": "#3e4c59", "hover": "#3e4c59",
                          "inherit": False},
                "font": {
                    "size": 11, "face": FONT_STACK, "color": "#52606d",
                    "strokeWidth": 3, "strokeColor": "#ffffff", "align": "middle",
                },
                "width": 1,
                "selectionWidth": 1.5,
                **({"smooth": {"enabled": False}} if large else {}),
            },
            "interaction": {
                "hover": True,
                "tooltipDelay": 120,
                "hideEdgesOnZoom": large,
                "navigationButtons": False,
                "keyboard": {"enabled": True, "bindToWindow": False},
                "multiselect": False,
            },
        },
    )
    net.options = options  # pyvis accepts a plain dict (get_network_data handles it)
    return net


def network_payload(net: Network, *, large: bool) -> dict[str, Any]:
    """The JSON document embedded in the page."""
    nodes, edges, _heading, _height, _width, options_json = net.get_network_data()

    counts = Counter(n["group"] for n in nodes)
    categories = [
        {
            "key": s.key, "zh": s.zh, "en": s.en, "color": s.color, "border": s.border,
            "shape": s.shape, "count": counts.get(s.key, 0),
        }
        for s in CATEGORY_STYLES.values()
        if counts.get(s.key, 0) or s.key != OTHER
    ]
    isolates = sum(1 for n in nodes if n.get("isolated"))
    return {
        "nodes": nodes,
        "edges": edges,
        "options": json.loads(options_json),
        "categories": categories,
        "large": large,
        "highlight": [n["id"] for n in nodes if n.get("highlight")],
        "isolates": isolates,
        # hidden by default, unless nothing else would be left to draw
        "hideIsolates": 0 < isolates < len(nodes),
        "dateRange": _date_range([*nodes, *edges]),
    }


def _filter_controls(payload: Mapping[str, Any]) -> Markup:
    """The isolates toggle and the date range inputs, where the graph has isolates or dates."""
    parts: list[Markup] = []
    if payload["isolates"]:
        parts.append(tag("label", [
            tag("input", type="checkbox", id="kg-isolates", checked=payload["hideIsolates"]),
            tag("span", f"隐藏 {payload['isolates']} 个孤立节点", id="kg-isolates-text"),
        ], class_="kg-toggle", title="没有任何关系的实体 · entities with no relation"))
    span = payload["dateRange"]
    if span:
        def day(name: str, text: str) -> Markup:
            return tag("label", [text, " ", tag("input", type="date", id=f"kg-date-{name}",
                                                  min=span[0], max=span[1])])

        parts.append(tag("fieldset", [
            tag("legend", "日期 · Dates"),
            tag("div", [day("from", "从"), day("to", "至")], class_="kg-date-row"),
            tag("label", [tag("input", type="checkbox", id="kg-date-undated"), " 保留无日期的节点与关系"],
                class_="kg-toggle"),
            tag("button", "清除日期", type="button", id="kg-date-clear"),
            tag("p", f"按文章发布日期与数据期间筛选：{span[0]} 至 {span[1]}", class_="kg-hint"),
        ], id="kg-dates", class_="kg-dates"))
    return tag("div", parts, class_="kg-filters") if parts else Markup("")


def _stats_text(nodes: int, edges: int, *, total: tuple[int, int] | None = None) -> str:
    """The counts line; the page's script keeps it in step with the filters."""
    text = f"{nodes} 个节点 · {edges} 条关系"
    if total and total != (nodes, edges):
        text += f"（共 {total[0]} 个节点 · {total[1]} 条关系）"
    return text


def write_network_page(
    graph: nx.MultiDiGraph,
    path: str | Path,
    *,
    title: str,
    subtitle: str | None = None,
    size_by: SizeBy = "pagerank",
    max_physics_nodes: int = 300,
    highlight: str | Iterable[str] | None = None,
    links: Mapping[str, str] | None = None,
) -> Path:
    """Write an interactive network page that works offline from ``file://``.

    ``title``/``subtitle`` and all graph strings are treated as untrusted text.
    ``highlight`` is a node id (or ids) drawn with a heavy border and selected on load.
    A page opened as ``page.html#node=<url-encoded id>`` focuses that node. ``links``: navigation
    (text → relative href), e.g. to the index and the timeline.
    Returns the path written.
    """
    large = graph.number_of_nodes() > max_physics_nodes
    net = build_network(
        graph, size_by=size_by, max_physics_nodes=max_physics_nodes, highlight=highlight
    )
    payload = network_payload(net, large=large)
    vis_tag, vis_hash = inline_script(asset("vis-network.min.js"))
    app_tag, app_hash = inline_script(template("network.js"))
    n_nodes, n_edges = len(payload["nodes"]), len(payload["edges"])
    shown = n_nodes - (payload["isolates"] if payload["hideIsolates"] else 0)
    stats = _stats_text(shown, n_edges, total=(n_nodes, n_edges))
    page = render(
        template("network.html"),
        csp=csp_meta([vis_hash, app_hash]),
        title=printable_text(title),
        nav=_nav(links),
        subtitle_block=(
            Markup(f'<p class="subtitle">{esc(subtitle)}</p>') if subtitle else Markup("")
        ),
        stats=stats,
        layout_note=" · 预计算布局" if large else "",
        filters=_filter_controls(payload),
        style=Markup(template("page.css")),
        data=json_for_script(payload),
        vis_script=vis_tag,
        app_script=app_tag,
        physics_state="on" if not large else "off",
        physics_label="暂停物理布局" if not large else "开启物理布局",
    )
    return write_page(path, page)
