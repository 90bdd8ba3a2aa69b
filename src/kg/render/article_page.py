"""An article's page: its text with every mention highlighted by category and linked to its entity
page, and its facts beside it, each linked to the sentence it was read from.

Sentences carry ``id="s-<start offset>"``; a link ``article/<slug>.html#s-<start>`` (from an entity
page, the network or the timeline) scrolls to the sentence and CSS ``:target`` highlights it, so the
page needs no script at all. Every string is untrusted: the text is cut by offsets first and each
piece escaped (:mod:`kg.render._html`); the source URL becomes a link only when it is http(s).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from ._html import Markup, csp_meta, esc, external_link, join, printable_text, render, tag, template, write_page
from .pages import _badge, _fmt_number, _nav
from .styles import CATEGORY_STYLES, category_key

__all__ = ["write_article_page", "sentence_anchor", "source_page", "entity_ref", "fact_text", "fact_value"]


def sentence_anchor(start: int) -> str:
    """The fragment id of the sentence starting at ``start`` (a character offset)."""
    return f"s-{int(start)}"


def _category_css() -> str:
    """One highlight class per category, in the category's own colour (as on the other pages)."""
    return "\n".join(f".kg-m-{key}{{background:{s.color}33;border-bottom:2px solid {s.color}}}"
                     for key, s in CATEGORY_STYLES.items())


def source_page(*, title: str, subtitle: Any, nav: Markup, body: Markup, scripts: Sequence[str] = ()) -> str:
    """The document page (doc.html) with the article/timeline styles; ``scripts`` are the CSP
    hashes of inline scripts the body holds (none for an article page)."""
    return render(
        template("doc.html"),
        csp=csp_meta(scripts),
        title=printable_text(title),
        style=Markup(template("page.css") + template("sources.css") + _category_css()),
        nav=nav,
        subtitle_block=tag("p", subtitle, class_="subtitle") if subtitle else Markup(""),
        body=body,
    )


def _spans(items: Sequence[Mapping[str, Any]], length: int) -> list[Mapping[str, Any]]:
    """Spans in text order, inside the text, none overlapping an earlier (or longer) one."""
    out: list[Mapping[str, Any]] = []
    end = 0
    for item in sorted(items, key=lambda i: (int(i["start"]), -int(i["end"]))):
        s, e = int(item["start"]), min(int(item["end"]), length)
        if s >= end and s < e:
            out.append({**item, "start": s, "end": e})
            end = e
    return out


def _mention(text: str, m: Mapping[str, Any]) -> Markup:
    style = CATEGORY_STYLES[category_key(m.get("category"))]
    hint = f"{printable_text(m.get('label'))} · {style.zh} {style.en}"
    cls = f"kg-m kg-m-{style.key}"
    if m.get("url"):
        return tag("a", text, href=m["url"], class_=cls, title=hint)
    return tag("span", text, class_=cls, title=hint)


def _piece(text: str, start: int, end: int, mentions: Sequence[Mapping[str, Any]]) -> Markup:
    """text[start:end] with the mentions inside it (clipped to it) highlighted."""
    parts: list[Markup] = []
    pos = start
    for m in mentions:
        s, e = max(int(m["start"]), pos), min(int(m["end"]), end)
        if s >= e:
            continue
        parts += [esc(text[pos:s]), _mention(text[s:e], m)]
        pos = e
    parts.append(esc(text[pos:end]))
    return join(parts)


def _overlapping(mentions: Sequence[Mapping[str, Any]], start: int, end: int) -> list[Mapping[str, Any]]:
    return [m for m in mentions if int(m["start"]) < end and int(m["end"]) > start]


def marked_text(text: str, sentences: Sequence[Mapping[str, Any]], mentions: Sequence[Mapping[str, Any]]) -> Markup:
    """The whole text: each known sentence a ``span`` with its anchor id, each mention highlighted.
    Offsets index the text as stored, so it is cut first and every piece escaped on its own."""
    parts: list[Markup] = []
    pos = 0
    marks = _spans(mentions, len(text))
    for s in _spans(sentences, len(text)):
        parts.append(_piece(text, pos, s["start"], _overlapping(marks, pos, s["start"])))
        inner = _piece(text, s["start"], s["end"], _overlapping(marks, s["start"], s["end"]))
        parts.append(tag("span", inner, id=sentence_anchor(s["start"]), class_="kg-sentence"))
        pos = s["end"]
    parts.append(_piece(text, pos, len(text), _overlapping(marks, pos, len(text))))
    return join(parts)


def entity_ref(ref: Mapping[str, Any] | None) -> Markup:
    """An entity named in a fact: a link to its page when it has one."""
    if not ref:
        return Markup("")
    label = printable_text(ref.get("label"))
    return tag("a", label, href=ref["url"]) if ref.get("url") else tag("span", label)


def fact_text(fact: Mapping[str, Any]) -> Markup:
    """Subject, what (zh, English on hover), other party, value and period of one fact."""
    what = tag("span", fact.get("what") or "", title=fact.get("what_en") or None, class_="kg-what")
    parts = [entity_ref(fact.get("subject")), " ", what]
    if fact.get("object"):
        parts += [" ", entity_ref(fact["object"])]
    if fact.get("value") is not None:
        parts += [" ", tag("b", fact_value(fact))]
    if fact.get("when"):
        parts += [" ", tag("span", f"（{printable_text(fact['when'])}）", class_="kg-muted")]
    return join(parts)


def fact_value(fact: Mapping[str, Any]) -> str:
    """``value unit``, or ``before → after unit`` for a change (a capital increase)."""
    value = _fmt_number(fact.get("value"))
    if fact.get("before") is not None:
        value = f"{_fmt_number(fact['before'])} → {value}"
    return f"{value} {printable_text(fact.get('unit') or '')}".strip()


_GROUPS = (("relation", "关系 Relations"), ("observation", "数据 Figures"), ("event", "事件 Events"))


def _facts_side(facts: Sequence[Mapping[str, Any]]) -> Iterator[Markup]:
    for kind, heading in _GROUPS:
        rows = sorted((f for f in facts if f.get("kind") == kind), key=lambda f: int(f["start"]))
        if not rows:
            continue
        yield tag("h2", f"{heading}（{len(rows)}）")
        yield tag("ol", [tag("li", [fact_text(f), tag("a", "原句 ↗", href=f"#{sentence_anchor(f['start'])}",
                                                     class_="kg-jump", data_sentence=int(f["start"]))])
                         for f in rows], class_="kg-fact-list", data_kind=kind)


def _meta(article: Mapping[str, Any]) -> Markup:
    items = []
    for label, key in (("媒体", "outlet"), ("发布日期", "published")):
        if article.get(key):
            items.append(tag("span", f"{label}：{printable_text(article[key])}"))
    if article.get("source_url"):
        items.append(tag("span", ["原文：", external_link(article["source_url"], article["source_url"])]))
    items.append(tag("span", f"编号：{printable_text(article.get('id'))}"))
    return tag("div", items, class_="kg-meta")


def _legend(mentions: Sequence[Mapping[str, Any]]) -> Markup:
    counts = Counter(category_key(m.get("category")) for m in mentions)
    return tag("div", [tag("span", [_badge(key), f" {n}"]) for key, n in counts.most_common()],
               class_="kg-legend-inline", aria_label="提及的类别")


def write_article_page(
    path: str | Path,
    *,
    article: Mapping[str, Any],
    sentences: Sequence[Mapping[str, Any]] = (),
    mentions: Sequence[Mapping[str, Any]] = (),
    facts: Sequence[Mapping[str, Any]] = (),
    links: Mapping[str, str] | None = None,
) -> Path:
    """Write one article's page.

    ``article``: ``id``, ``title``, ``text``, optional ``outlet``, ``published``, ``source_url``.
    ``sentences``: ``{"start", "end"}`` offsets of the sentences to anchor (those evidence cites).
    ``mentions``: ``{"start", "end", "category", "label", "url"}``; ``url`` relative, or None.
    ``facts``: ``{"kind"`` (relation, observation, event), ``"start"`` (its sentence's start),
    ``"subject"``/``"object"`` (``{"label", "url"}``), ``"what"``, ``"what_en"``, ``"value"``, ``"when"}``.
    ``links``: navigation (text → relative href).
    """
    text = article.get("text") or ""
    text = text if isinstance(text, str) else str(text)
    body = [
        _meta(article),
        _legend(mentions),
        tag("div", [
            tag("article", tag("div", marked_text(text, sentences, mentions), class_="kg-article-text"),
                class_="kg-article-body", lang="zh-CN"),
            tag("aside", list(_facts_side(facts)) or tag("p", "本文未抽取到事实。", class_="kg-muted"),
                class_="kg-article-side", aria_label="抽取的事实"),
        ], class_="kg-article-layout kg-wide"),
    ]
    subtitle = f"{len(mentions)} 处提及 · {len(facts)} 条事实"
    page = source_page(title=printable_text(article.get("title")) or printable_text(article.get("id")),
                       subtitle=subtitle, nav=_nav(links), body=Markup(join(body)))
    return write_page(path, page)
