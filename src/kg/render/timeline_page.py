"""The timeline page: events and dated figures across the corpus, by date, each row linked to the
entity pages and to its evidence sentence in the article page.

Rows are drawn here, escaped, as a table; the page's one inline script (CSP-hashed) only hides
rows that do not match the category, kind and name filters and writes the count.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ._html import Markup, inline_script, join, printable_text, tag, template, write_page
from .article_page import entity_ref, fact_value, source_page
from .pages import _badge, _nav
from .styles import CATEGORY_STYLES, category_key

__all__ = ["write_timeline_page"]

KINDS = {"event": "事件 Event", "observation": "数据 Figure"}
SUBTITLE = "事件与带日期的数据，按时间排列 · events and dated figures by date"


def _parties(row: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return [p for p in (row.get("subject"), row.get("object")) if p]


def _names(row: Mapping[str, Any]) -> str:
    """What the name filter searches: every name and alias of the row's entities, lower case."""
    names = [printable_text(n) for p in _parties(row) for n in (p.get("label"), *(p.get("aliases") or ())) if n]
    return "\n".join(names).lower()


def _evidence(ev: Mapping[str, Any] | None) -> Markup:
    if not ev:
        return Markup("")
    article = printable_text(ev.get("article"))
    cite = tag("a", article, href=ev["url"]) if ev.get("url") else tag("span", article)
    return join([tag("q", ev.get("text") or ""), tag("cite", cite)])


def _row(row: Mapping[str, Any]) -> Markup:
    subject = row.get("subject") or {}
    what = tag("span", row.get("what") or "", title=row.get("what_en") or None)
    who = [entity_ref(subject), " ", _badge(subject.get("category"))]
    if row.get("object"):
        who += [" → ", entity_ref(row["object"])]
    return tag("tr", [
        tag("td", row.get("date") or "", class_="kg-date"),
        tag("td", what),
        tag("td", who),
        tag("td", fact_value(row) if row.get("value") is not None else "", class_="num"),
        tag("td", _evidence(row.get("evidence")), class_="kg-evidence-cell"),
    ], data_kind=row.get("kind") or "", data_names=_names(row),
        data_categories=" ".join(dict.fromkeys(category_key(p.get("category")) for p in _parties(row))))


def _filters(rows: Sequence[Mapping[str, Any]]) -> Markup:
    present = {category_key(p.get("category")) for r in rows for p in _parties(r)}
    categories = [tag("option", "全部类别 All", value="")] + [
        tag("option", f"{s.zh} {s.en}", value=key) for key, s in CATEGORY_STYLES.items() if key in present]
    kinds = [tag("option", "全部 All", value="")] + [tag("option", text, value=k) for k, text in KINDS.items()]
    names = sorted({printable_text(p.get("label")) for r in rows for p in _parties(r) if p.get("label")})
    return tag("div", [
        tag("span", [tag("label", "类别", for_="kg-tl-category"), tag("select", categories, id="kg-tl-category")]),
        tag("span", [tag("label", "类型", for_="kg-tl-kind"), tag("select", kinds, id="kg-tl-kind")]),
        tag("span", [tag("label", "实体", for_="kg-tl-entity"),
                     tag("input", type="search", id="kg-tl-entity", list="kg-tl-names", autocomplete="off",
                         placeholder="名称或别名 name / alias")]),
        tag("datalist", [tag("option", value=n) for n in names], id="kg-tl-names"),
        tag("span", f"显示 {len(rows)} / {len(rows)} 条", id="kg-tl-count", role="status",
            data_shown=len(rows)),
    ], class_="kg-filters")


def write_timeline_page(
    path: str | Path,
    *,
    rows: Sequence[Mapping[str, Any]],
    links: Mapping[str, str] | None = None,
    undated: int = 0,
) -> Path:
    """Write the timeline.

    ``rows``, in the order shown: ``date`` (an ISO 8601 prefix: 2025, 2025-Q3, 2025-09-30),
    ``kind`` (event or observation), ``what``/``what_en``, ``subject`` and optional ``object``
    (``{"label", "url", "category", "aliases"}``), optional ``value``, ``before``, ``unit``, and
    ``evidence`` (``{"text", "article", "url"}``). ``undated``: facts left out for want of a date.
    """
    script, script_hash = inline_script(template("timeline.js"))
    note = f"另有 {undated} 条事件或数据没有日期，未列出。" if undated else ""
    body = [
        _filters(rows),
        tag("table", [
            tag("thead", tag("tr", [tag("th", h) for h in ("日期", "事件/指标", "实体", "数值", "证据")])),
            tag("tbody", [_row(r) for r in rows]),
        ], id="kg-timeline", class_="kg-timeline kg-wide"),
        tag("p", note, class_="kg-muted") if note else "",
        script,
    ]
    page = source_page(title="时间线 · Timeline", subtitle=SUBTITLE, nav=_nav(links), body=join(body),
                       scripts=[script_hash])
    return write_page(path, page)
