"""Static entity and index pages: no JavaScript, inline SVG only, everything escaped.

These need nothing from the RDF store: the caller passes plain dicts and a networkx
neighbourhood. All escaping goes through :mod:`kg.render._html` (``tag``/``esc``).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

import networkx as nx

from ._html import (
    Markup,
    printable_text,
    csp_meta,
    join,
    render,
    safe_href,
    tag,
    template,
    write_page,
)
from .styles import CATEGORY_STYLES, PREDICATE_LABELS, SCALES, UNIT_FORMATS, category_key

__all__ = ["write_entity_page", "write_index_page", "line_chart_svg", "ego_svg"]

SVG_NS = "http" + "://www.w3.org/2000/svg"  # an XML namespace name, never fetched


# ---------------------------------------------------------------- helpers


def _doc_page(*, title: str, subtitle: Any, nav: Markup, body: Markup) -> str:
    return render(
        template("doc.html"),
        csp=csp_meta(()),
        title=printable_text(title),
        style=Markup(template("page.css")),
        nav=nav,
        subtitle_block=tag("p", subtitle, class_="subtitle") if subtitle else Markup(""),
        body=body,
    )


def _nav(links: Mapping[str, str] | None) -> Markup:
    if not links:
        return Markup("")
    items = []
    for text, href in links.items():
        if safe_href(href):
            items.append(tag("a", text, href=href))
    return tag("nav", join(items, " · "), class_="kg-nav") if items else Markup("")


def _fmt_number(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        return printable_text(value) if value is not None else ""
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if not math.isfinite(value):
            return ""
        if value.is_integer() and abs(value) < 1e15:
            return f"{int(value):,}"
        return f"{value:,.4g}" if abs(value) >= 1e6 or abs(value) < 1e-3 else f"{value:,.2f}".rstrip("0").rstrip(".")
    return printable_text(value)


def _as_float(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    try:
        f = float(value)
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


def _plain(value: float) -> str:
    """At most two decimals, no trailing zeros, thousands separated: 135.68, 10, 9,800."""
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def _scale(unit: str, magnitude: float) -> tuple[float, str]:
    """The divisor and word (万, 亿) for values of this size in this unit; (1, "") if none fits."""
    fmt = UNIT_FORMATS.get(unit)
    if fmt is not None and fmt.scaled:
        for factor, word in SCALES:
            if abs(magnitude) >= factor:
                return factor, word
    return 1.0, ""


def quantity(value: Any, row: Mapping[str, Any]) -> tuple[str, str]:
    """A value as read on the page (135.68亿元, 17.6%, 第9名) and its exact form for the hover.

    ``row`` gives ``unit`` (an ontology unit such as CNY, or free text) and the unit's
    ``unit_zh``/``unit_en`` labels."""
    v = _as_float(value)
    if v is None:
        return printable_text(value) if value is not None else "", ""
    unit = printable_text(row.get("unit"))
    zh = printable_text(row.get("unit_zh")) or unit
    exact = f"{_fmt_number(v)} {printable_text(row.get('unit_en')) or zh}".strip()
    fmt = UNIT_FORMATS.get(unit)
    if fmt is None:
        return f"{_fmt_number(v)} {zh}".strip(), exact
    factor, word = _scale(unit, v)
    return fmt.value.format(n=_plain(v / factor), scale=word, unit=zh), exact


def _term(zh: Any, en: Any, fallback: Any) -> Markup:
    """A name in Chinese with the English on hover (ontology labels), else the code as given."""
    text = printable_text(zh) or printable_text(fallback)
    return tag("span", text, class_="kg-term", title=printable_text(en) or None)


def _other_party(row: Mapping[str, Any]) -> Markup:
    """The event's other party linked to its page, with its role (the ontology's label)."""
    label = printable_text(row.get("other_label"))
    if not label:
        return Markup("")
    href = safe_href(row.get("other_url"))
    role = _term(row.get("role_zh"), row.get("role_en"), "") if row.get("role_zh") else Markup("")
    return join([tag("a", label, href=href, class_="kg-other") if href else tag("span", label, class_="kg-other"),
                 tag("br") if role else "", tag("small", role, class_="kg-muted") if role else ""])


def _evidence_items(value: Any, article: Any = None) -> list[tuple[str, str]]:
    """``[(sentence, article title)]`` from a str, a dict or a list of either; a dict's ``url``
    (its sentence in the article's page) makes the title a link."""
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [(printable_text(value), printable_text(article) if article else "")]
    if isinstance(value, Mapping):
        title = printable_text(value.get("article", "") or article or "")
        href = safe_href(value.get("url"))
        return [(printable_text(value.get("text", "")), tag("a", title or "原文", href=href) if href else title)]
    if isinstance(value, (list, tuple)):
        out: list[tuple[str, str]] = []
        for item in value:
            out.extend(_evidence_items(item, article))
        return out
    return [(printable_text(value), printable_text(article) if article else "")]


def _evidence_list(items: Sequence[tuple[str, str]], limit: int | None = None, total: int | None = None) -> Markup:
    """The items (at most ``limit``), then how many more there are of ``total`` (default: of the items)."""
    shown = items if limit is None else items[:limit]
    lis = []
    for text, article in shown:
        parts = [tag("q", text)]
        if article:
            parts.append(tag("cite", article))
        lis.append(tag("li", parts))
    more = max(total or 0, len(items)) - len(shown)
    if more > 0:
        lis.append(tag("li", f"另有 {more} 条证据", class_="kg-more"))
    return tag("ul", lis, class_="kg-evidence") if lis else Markup("")


def _badge(category: Any) -> Markup:
    style = CATEGORY_STYLES[category_key(category)]
    text = f"{style.zh} · {style.en}" if category == style.key else printable_text(category) or style.zh
    return tag("span", text, class_="kg-badge", style=f"background:{style.color}")


def _short(text: str, n: int = 12) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


# ---------------------------------------------------------------- SVG charts


def line_chart_svg(
    points: Sequence[tuple[str, float]],
    *,
    title: str,
    unit: str = "",
    width: int = 340,
    height: int = 170,
) -> Markup:
    """A small hand-written SVG line chart (periods evenly spaced, in the given order)."""
    pts = [(printable_text(p), v) for p, v in points]
    if len(pts) < 2:
        raise ValueError("a line chart needs at least two points")
    left, right, top, bottom = 58, 14, 12, 34
    w, h = width - left - right, height - top - bottom
    values = [v for _, v in pts]
    lo, hi = min(values), max(values)
    if lo > 0 and lo < 0.5 * hi:
        lo = 0.0
    if hi == lo:
        pad = abs(hi) * 0.1 or 1.0
        lo, hi = lo - pad, hi + pad
    span = hi - lo

    def x(i: int) -> float:
        return left + w * i / (len(pts) - 1)

    def y(v: float) -> float:
        return top + h * (1 - (v - lo) / span)

    elems: list[Markup] = [
        tag("title", f"{title}（{unit}）" if unit else title),
        tag("rect", x=left, y=top, width=w, height=h, fill="#fbfcfd", stroke="#d9e2ec"),
    ]
    for frac in (0.0, 0.5, 1.0):
        v = lo + span * frac
        yy = round(y(v), 1)
        elems.append(tag("line", x1=left, x2=left + w, y1=yy, y2=yy, stroke="#e4e9ef"))
        elems.append(
            tag("text", _fmt_number(round(v, 6)), x=left - 6, y=yy + 4, text_anchor="end",
                font_size="10", fill="#616e7c")
        )
    poly = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, (_, v) in enumerate(pts))
    elems.append(tag("polyline", points=poly, fill="none", stroke="#2f6fb0", stroke_width="2"))
    step = max(1, math.ceil(len(pts) / 6))
    for i, (period, v) in enumerate(pts):
        cx, cy = round(x(i), 1), round(y(v), 1)
        label = f"{period}: {_fmt_number(v)}{(' ' + unit) if unit else ''}"
        elems.append(tag("circle", tag("title", label), cx=cx, cy=cy, r="3.2", fill="#2f6fb0"))
        if i % step == 0 or i == len(pts) - 1:
            elems.append(
                tag("text", _short(period, 10), x=cx, y=top + h + 16, text_anchor="middle",
                    font_size="10", fill="#616e7c")
            )
    return tag(
        "svg", elems, xmlns=SVG_NS, width=width, height=height,
        viewBox=f"0 0 {width} {height}", role="img", aria_label=title,
    )


def ego_svg(
    center: Any,
    graph: nx.MultiDiGraph,
    *,
    max_neighbours: int = 24,
    size: int = 560,
) -> Markup:
    """A radial diagram of ``center`` and its neighbours (static SVG, links to pages)."""
    neighbours: dict[Any, list[tuple[str, bool]]] = defaultdict(list)
    if center in graph:
        for _, v, k, d in graph.out_edges(center, keys=True, data=True):
            if v != center:
                neighbours[v].append((_edge_zh(k, d), True))
        for u, _, k, d in graph.in_edges(center, keys=True, data=True):
            if u != center:
                neighbours[u].append((_edge_zh(k, d), False))
    ranked = sorted(neighbours, key=lambda n: (-len(neighbours[n]), printable_text(n)))
    shown = ranked[:max_neighbours]
    cx = cy = size / 2
    radius = size / 2 - 70
    pos = {center: (cx, cy)}
    for i, n in enumerate(shown):
        a = 2 * math.pi * i / max(1, len(shown)) - math.pi / 2
        pos[n] = (cx + radius * math.cos(a), cy + radius * math.sin(a))

    elems: list[Markup] = [
        Markup(
            '<defs><marker id="kg-arrow" viewBox="0 0 10 10" refX="10" refY="5" '
            'markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
            '<path d="M0,0 L10,5 L0,10 z" fill="#7b8794"></path></marker></defs>'
        )
    ]
    # faint edges between neighbours
    shown_set = set(shown)
    for u, v in sorted({(u, v) for u, v in graph.edges() if u in shown_set and v in shown_set and u != v}):
        (x1, y1), (x2, y2) = pos[u], pos[v]
        elems.append(tag("line", x1=f"{x1:.1f}", y1=f"{y1:.1f}", x2=f"{x2:.1f}", y2=f"{y2:.1f}",
                         stroke="#e4e7eb", stroke_width="1"))
    for n in shown:
        (x2, y2) = pos[n]
        labels = neighbours[n]
        outgoing = any(out for _, out in labels)
        incoming = any(not out for _, out in labels)
        dx, dy = x2 - cx, y2 - cy
        dist = math.hypot(dx, dy) or 1.0
        ux, uy = dx / dist, dy / dist
        sx, sy = cx + ux * 18, cy + uy * 18
        ex, ey = x2 - ux * 12, y2 - uy * 12
        elems.append(
            tag("line", x1=f"{sx:.1f}", y1=f"{sy:.1f}", x2=f"{ex:.1f}", y2=f"{ey:.1f}",
                stroke="#9aa5b1", stroke_width="1.4",
                marker_end="url(#kg-arrow)" if outgoing else None,
                marker_start="url(#kg-arrow)" if incoming else None)
        )
        text = " / ".join(dict.fromkeys(lbl for lbl, _ in labels))
        mx, my = (sx + ex) / 2, (sy + ey) / 2
        elems.append(
            tag("text", [tag("title", text), _short(text, 14)], x=f"{mx:.1f}", y=f"{my - 3:.1f}",
                text_anchor="middle", font_size="10", fill="#52606d", paint_order="stroke",
                stroke="#ffffff", stroke_width="3")
        )
    for n in [center, *shown]:
        attrs = graph.nodes[n] if n in graph else {}
        style = CATEGORY_STYLES[category_key(attrs.get("category"))]
        label = printable_text(attrs.get("label")) or printable_text(n)
        x0, y0 = pos[n]
        r = 14 if n == center else 9
        node = [
            tag("title", f"{label}（{printable_text(attrs.get('category')) or style.zh}）"),
            tag("circle", cx=f"{x0:.1f}", cy=f"{y0:.1f}", r=r, fill=style.color,
                stroke=style.border, stroke_width="1.5"),
            tag("text", _short(label, 12), x=f"{x0:.1f}", y=f"{y0 + r + 13:.1f}",
                text_anchor="middle", font_size="12" if n != center else "13",
                font_weight="700" if n == center else None, fill="#1f2933",
                paint_order="stroke", stroke="#ffffff", stroke_width="3"),
        ]
        href = safe_href(attrs.get("url")) if n != center else None
        elems.append(tag("a", node, href=href) if href else tag("g", node))
    more = len(ranked) - len(shown)
    if more > 0:
        elems.append(tag("text", f"另有 {more} 个相邻实体见下表", x=10, y=size - 10,
                         font_size="11", fill="#616e7c"))
    return tag("svg", elems, xmlns=SVG_NS, width=size, height=size,
               viewBox=f"0 0 {size} {size}", role="img", aria_label="关系网络")


def _edge_zh(key: Any, attrs: Mapping[str, Any]) -> str:
    predicate = printable_text(attrs.get("predicate") or key or "")
    return printable_text(attrs.get("label_zh")) or PREDICATE_LABELS.get(predicate, (predicate,))[0]


def _edge_en(key: Any, attrs: Mapping[str, Any]) -> str:
    predicate = printable_text(attrs.get("predicate") or key or "")
    return printable_text(attrs.get("label_en")) or PREDICATE_LABELS.get(predicate, ("", predicate))[1]


# ---------------------------------------------------------------- entity page


def _series_from_facts(facts: Sequence[Mapping[str, Any]]) -> dict[str, list[tuple[str, float]]]:
    series: dict[str, dict[str, float]] = defaultdict(dict)
    for row in facts:
        metric = row.get("metric")
        period = row.get("period") or row.get("date")
        value = _as_float(row.get("value"))
        if metric and period is not None and value is not None:
            series[printable_text(metric)][printable_text(period)] = value
    return {m: sorted(p.items()) for m, p in series.items()}


def _normalise_series(series: Mapping[str, Any]) -> dict[str, list[tuple[str, float]]]:
    out: dict[str, list[tuple[str, float]]] = {}
    for metric, points in series.items():
        clean: dict[str, float] = {}
        items = points.items() if isinstance(points, Mapping) else points
        for point in items:
            if isinstance(point, Mapping):
                period, value = point.get("period") or point.get("date"), point.get("value")
            else:
                period, value = point
            v = _as_float(value)
            if period is not None and v is not None:
                clean[printable_text(period)] = v
        out[printable_text(metric)] = sorted(clean.items())
    return out


def _curated_section(rows: Sequence[Mapping[str, Any]]) -> Markup:
    """The registry's curated relations: hand-maintained, not read from any article."""
    body = []
    for r in rows:
        zh, en = PREDICATE_LABELS.get(printable_text(r.get("predicate")), (printable_text(r.get("predicate")),) * 2)
        other = printable_text(r.get("other_label"))
        href = safe_href(r.get("url"))
        body.append(tag("tr", [
            tag("td", "→" if r.get("outgoing") else "←", class_="num"),
            tag("td", [tag("span", zh), tag("br"), tag("span", en, class_="kg-muted")]),
            tag("td", tag("a", other, href=href) if href else tag("span", other)),
        ]))
    return tag("section", [
        tag("h2", f"登记资料 / curated（{len(body)}）"),
        tag("p", "来自人工整理的登记表，并非从文章中抽取。Curated in the registry, not extracted from articles.",
            class_="kg-muted"),
        tag("table", [tag("thead", tag("tr", [tag("th", "方向"), tag("th", "关系"), tag("th", "相关实体")])),
                      tag("tbody", body)], class_="kg-relations kg-curated"),
    ], class_="kg-curated-facts")


def write_entity_page(
    path: str | Path,
    *,
    entity: Mapping[str, Any],
    neighbourhood: nx.MultiDiGraph | None = None,
    facts: Sequence[Mapping[str, Any]] = (),
    curated: Sequence[Mapping[str, Any]] = (),
    mentions: Sequence[Mapping[str, Any]] = (),
    mentions_total: int | None = None,
    series: Mapping[str, Any] | None = None,
    units: Mapping[str, str] | None = None,
    links: Mapping[str, str] | None = None,
    network_href: str | None = None,
    max_evidence: int = 20,
) -> Path:
    """Write one entity's static page.

    ``entity``: ``iri`` (or ``id``), ``label``, ``category``, ``kind``, ``aliases``,
    ``articles``, ``evidence`` ([{"text", "article"}]), optional ``url``.
    ``neighbourhood``: a MultiDiGraph containing the entity (same attributes as the
    network page contract); drawn as a radial SVG plus a relations table.
    ``facts``: rows with ``metric`` or ``type``, ``value``, ``unit``, ``period`` or
    ``date``, ``evidence`` (str, {"text","article"} or a list), ``article``; optionally the
    ontology's names ``name_zh``/``name_en`` and ``unit_zh``/``unit_en`` (shown in Chinese,
    English on hover; a unit of kg.schema's is written 135.68亿元, 17.6%, 第9名), and an event's
    other party ``other_label``, ``other_url``, ``role_zh``/``role_en``.
    ``curated``: the registry's relations of the entity, listed apart from extracted ones: rows
    with ``predicate``, ``outgoing`` (bool), ``other_label`` and an optional ``url``.
    ``mentions``: the sentences that name the entity, as evidence items (``text``, ``article``, ``url``);
    ``mentions_total``: how many there are when ``mentions`` lists only the first of them.
    ``series``: ``{metric: [(period, value), …] | {period: value} | [{"period","value"}]}``;
    by default built from ``facts`` rows that have a metric, a numeric value and a period.
    A line chart is drawn for each metric with at least two periods. ``units`` names the
    unit per metric (default: the facts' unit, in 万/亿 where the values are large).
    ``links`` are navigation links (text → relative href); ``network_href`` points to a
    network page, to which ``#node=<iri>`` is appended.
    """
    iri = printable_text(entity.get("iri") or entity.get("id") or "")
    label = printable_text(entity.get("label")) or iri
    category = entity.get("category")
    aliases = [printable_text(a) for a in (entity.get("aliases") or []) if a]
    sections: list[Markup] = []

    # facts box
    rows = [tag("dt", "类别"), tag("dd", _badge(category))]
    if entity.get("kind"):
        rows += [tag("dt", "细类"), tag("dd", entity.get("kind"))]
    if aliases:
        rows += [tag("dt", "别名"), tag("dd", "、".join(aliases))]
    rows += [tag("dt", "相关报道"), tag("dd", f"{_fmt_number(entity.get('articles') or 0)} 篇")]
    if iri:
        rows += [tag("dt", "标识 IRI"), tag("dd", tag("code", iri))]
    sections.append(tag("section", [tag("h2", "基本信息"), tag("dl", rows)], class_="kg-facts"))

    nav_links = dict(links or {})
    if network_href and safe_href(network_href) and iri:
        nav_links["在关系网络中查看"] = f"{network_href.split('#', 1)[0]}#node={quote(iri, safe='')}"

    # neighbourhood
    graph = neighbourhood if neighbourhood is not None else nx.MultiDiGraph()
    center = entity.get("iri") or entity.get("id")
    if center in graph and graph.degree(center) > 0:
        sections.append(
            tag("section", [tag("h2", "关系网络"), tag("div", ego_svg(center, graph), class_="kg-ego")])
        )
        rel_rows = []
        edges = [(u, v, k, d, True) for u, v, k, d in graph.out_edges(center, keys=True, data=True)]
        edges += [(u, v, k, d, False) for u, v, k, d in graph.in_edges(center, keys=True, data=True)
                  if u != center]
        for u, v, k, d, outgoing in sorted(edges, key=lambda e: (_edge_zh(e[2], e[3]), printable_text(e[1] if e[4] else e[0]))):
            other = v if outgoing else u
            o_attrs = graph.nodes[other]
            o_label = printable_text(o_attrs.get("label")) or printable_text(other)
            o_href = safe_href(o_attrs.get("url"))
            ev = _evidence_items(d.get("evidence"))
            rel_rows.append(
                tag("tr", [
                    tag("td", "→" if outgoing else "←", class_="num"),
                    tag("td", [tag("span", _edge_zh(k, d)), tag("br"),
                               tag("span", _edge_en(k, d), class_="kg-muted")]),
                    tag("td", [tag("a", o_label, href=o_href) if o_href else tag("span", o_label),
                               " ", _badge(o_attrs.get("category"))]),
                    tag("td", _evidence_list(ev, 2)),
                ])
            )
        sections.append(
            tag("section", [
                tag("h3", f"关系（{len(rel_rows)}）"),
                tag("table", [
                    tag("thead", tag("tr", [tag("th", "方向"), tag("th", "关系"), tag("th", "相关实体"),
                                            tag("th", "证据")])),
                    tag("tbody", rel_rows),
                ], class_="kg-relations"),
            ])
        )

    if curated:
        sections.append(_curated_section(curated))

    # metrics
    metric_series = _normalise_series(series) if series is not None else _series_from_facts(facts)
    about: dict[str, Mapping[str, Any]] = {}  # metric → its first fact row: names and unit
    for row in facts:
        if row.get("metric"):
            about.setdefault(printable_text(row.get("metric")), row)
    unit_of: dict[str, str] = {printable_text(k): printable_text(v) for k, v in (units or {}).items()}
    charts = [_chart(m, pts, about.get(m, {}), unit_of.get(m)) for m, pts in metric_series.items() if len(pts) >= 2]
    if charts:
        sections.append(tag("section", [tag("h2", "指标走势"), *charts], class_="kg-charts"))

    if facts:
        sections.append(_facts_section(facts))

    evidence = _evidence_items(entity.get("evidence"))
    if evidence:
        sections.append(tag("section", [tag("h2", f"证据（{len(evidence)}）"),
                                        _evidence_list(evidence, max_evidence)]))
    named = _evidence_items(list(mentions))
    if named:
        total = max(mentions_total or 0, len(named))
        sections.append(tag("section", [tag("h2", f"提及的句子 Mentions（{total}）"),
                                        _evidence_list(named, max_evidence, total)], class_="kg-mentions"))

    page = _doc_page(
        title=label,
        subtitle=join([_badge(category), " ", printable_text(entity.get("kind") or "")]),
        nav=_nav(nav_links),
        body=join(sections),
    )
    return write_page(path, page)


def _chart(metric: str, points: list[tuple[str, float]], row: Mapping[str, Any], unit: str | None) -> Markup:
    """One metric's line chart, values in 万/亿 where the unit is scaled; named in Chinese."""
    name = printable_text(row.get("name_zh")) or metric
    key = printable_text(row.get("unit"))
    fmt = UNIT_FORMATS.get(key)
    if unit is None and fmt is not None:
        factor, word = _scale(key, max(abs(v) for _, v in points))
        points = [(p, v / factor) for p, v in points]
        unit = fmt.axis.format(scale=word, unit=printable_text(row.get("unit_zh")))
    elif unit is None:
        unit = printable_text(row.get("unit_zh")) or key
    caption = tag("figcaption", [_term(name, row.get("name_en"), metric), f"（{unit}）" if unit else ""])
    return tag("figure", [caption, line_chart_svg(points, title=name, unit=unit)], class_="kg-chart",
               data_metric=metric)


def _facts_section(facts: Sequence[Mapping[str, Any]]) -> Markup:
    """Figures and events: names in Chinese (English on hover), readable values, the other party."""
    rows = []
    for row in facts:
        shown, exact = quantity(row.get("value"), row)
        ev = _evidence_items(row.get("evidence"), row.get("article"))
        if not ev and row.get("article"):
            ev = [("", printable_text(row.get("article")))]
        rows.append(tag("tr", [
            tag("td", _term(row.get("name_zh"), row.get("name_en"), row.get("metric") or row.get("type") or ""),
                class_="kg-what"),
            tag("td", shown, class_="num", title=exact or None),
            tag("td", row.get("period") or row.get("date") or "", class_="kg-when"),
            tag("td", _other_party(row)),
            tag("td", join(tag("q", t) for t, _ in ev if t)),
            tag("td", join((tag("cite", a) for _, a in ev if a), " ")),
        ]))
    return tag("section", [
        tag("h2", "数据与事件"),
        tag("table", [
            tag("thead", tag("tr", [tag("th", h) for h in
                                    ("指标/事件", "数值", "期间/日期", "相关方", "证据", "来源文章")])),
            tag("tbody", rows),
        ], class_="kg-fact-table"),
    ])


# ---------------------------------------------------------------- index page


def _link_rows(links: Iterable[Any]) -> dict[str, list[tuple[str, str]]]:
    groups: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for item in links:
        if isinstance(item, Mapping):
            label, href, cat = item.get("label"), item.get("href"), item.get("category")
        else:
            label, href, cat = (tuple(item) + (None,))[:3]
        groups[printable_text(cat) if cat else ""].append((printable_text(label) or printable_text(href), href))
    return groups


def write_index_page(
    path: str | Path,
    *,
    title: str,
    category_counts: Mapping[str, int],
    articles: Sequence[Mapping[str, Any]] = (),
    links: Iterable[Any] = (),
    subtitle: str | None = None,
    nav: Mapping[str, str] | None = None,
) -> Path:
    """Write the overview page.

    ``category_counts``: entities per category. ``articles``: rows with ``id``, ``title``,
    ``outlet``, ``published`` (and optional relative ``url``), listed newest first.
    ``links``: every generated page, as {"label", "href", "category"} dicts or
    (label, href[, category]) tuples; grouped by category, sorted by label. Hrefs must be
    relative; others are shown as plain text.
    """
    sections: list[Markup] = []
    cards = []
    rank = {k: i for i, k in enumerate(CATEGORY_STYLES)}
    ordered = sorted(category_counts.items(),
                     key=lambda kv: (rank.get(kv[0], len(rank)), printable_text(kv[0])))
    for cat, count in ordered:
        style = CATEGORY_STYLES[category_key(cat)]
        name = f"{style.zh} {style.en}" if cat == style.key else printable_text(cat)
        cards.append(tag("div", [tag("b", _fmt_number(count)), tag("span", name)],
                         class_="kg-cat-card", style=f"border-left:5px solid {style.color}",
                         data_category=printable_text(cat)))
    sections.append(tag("section", [tag("h2", "实体类别"), tag("div", cards, class_="kg-cat-grid")]))

    groups = _link_rows(links)
    if groups:
        blocks = [tag("h2", "页面")]
        order = (([""] if "" in groups else []) + [k for k in CATEGORY_STYLES if k in groups]
                 + sorted(k for k in groups if k and k not in CATEGORY_STYLES))
        for cat in order:
            items = sorted(groups[cat], key=lambda x: x[0])
            if cat:
                style = CATEGORY_STYLES[category_key(cat)]
                heading = f"{style.zh} {style.en}" if cat == style.key else cat
            else:
                heading = "总览"
            blocks.append(tag("h3", f"{heading}（{len(items)}）"))
            blocks.append(tag("ul", [
                tag("li", tag("a", label, href=href) if safe_href(href) else tag("span", label))
                for label, href in items
            ], class_="kg-links"))
        sections.append(tag("section", blocks))

    if articles:
        rows = []
        for a in sorted(articles, key=lambda a: printable_text(a.get("published")), reverse=True):
            t = printable_text(a.get("title"))
            href = safe_href(a.get("url"))
            rows.append(tag("tr", [
                tag("td", printable_text(a.get("published"))),
                tag("td", tag("a", t, href=href) if href else t),
                tag("td", printable_text(a.get("outlet"))),
                tag("td", printable_text(a.get("id")), class_="kg-muted"),
            ]))
        sections.append(tag("section", [
            tag("h2", f"文章（{len(rows)}）"),
            tag("table", [
                tag("thead", tag("tr", [tag("th", h) for h in ("发布日期", "标题", "媒体", "编号")])),
                tag("tbody", rows),
            ], class_="kg-articles"),
        ]))

    page = _doc_page(title=title, subtitle=subtitle, nav=_nav(nav), body=join(sections))
    return write_page(path, page)
