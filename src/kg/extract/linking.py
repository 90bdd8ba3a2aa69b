"""Mentions → entities: one entity per thing within an article, one IRI per thing across articles.

Order of trust: the registry, then names the text declares ((以下简称“X”)), then short forms
derived from full legal names (广州快手小额贷款有限公司 → 快手小贷), then the normalised name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from kg import iri
from kg.extract.mentions import (
    Mention, find_declared_aliases, find_document_numbers, resolve_overlaps, without_model_overlaps,
)
from kg.model import Entity, Span
from kg.registry import Registry

_LEGAL_FORM = re.compile(r"(?:（集团）|\(集团\))?(?:股份)?有限(?:责任)?公司$|股份公司$")
_SHORT_FORMS = (
    ("网络小额贷款", ("小贷", "网络小贷")),
    ("小额贷款", ("小贷",)),
    ("消费金融", ("消费金融", "消金")),
    ("融资担保", ("担保",)),
    ("信息科技", ("科技", "信息")),  # 和耕信息科技有限公司 → 和耕科技, 和耕信息
    ("信息技术", ("科技", "信息", "技术")),
    ("网络科技", ("科技", "网络")),
    ("金融科技", ("金融", "科技")),
    ("科技", ("科技",)),
    ("基金销售", ("基金", "")),  # 和耕传承基金销售有限公司 → 和耕传承基金, 和耕传承
)


def derived_short_forms(name: str, places: set[str]) -> set[str]:
    """The usual abbreviations of a legal name: place and legal form dropped, business kept short."""
    stem = _LEGAL_FORM.sub("", name)
    if stem == name:
        return set()
    for place in sorted(places, key=len, reverse=True):
        if stem.startswith(place) and len(stem) > len(place) + 2:
            stem = stem[len(place):]
            stem = stem[1:] if stem[:1] in "市省" else stem
            break
    forms: set[str] = set()
    for business, shorts in _SHORT_FORMS:
        if stem.endswith(business) and len(stem) > len(business):
            brand = stem[: -len(business)]
            if len(brand) >= 2:
                # the brand alone only when it is long enough not to be a common word
                forms.update(brand + s for s in shorts if s or len(brand) >= 4)
            break
    return {f for f in forms if f != name and len(f) >= 3}


@dataclass
class _Cluster:
    key: str  # registry key or normalised canonical name
    name: str
    category: str
    kind: str | None
    registry_key: str | None
    surfaces: list[str] = field(default_factory=list)
    spans: list[Span] = field(default_factory=list)
    name_en: str | None = None
    wikidata: str | None = None
    registry_aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Linked:
    entities: tuple[Entity, ...]
    mention_entity: tuple[tuple[Mention, str], ...]  # every kept mention with its entity IRI


def _scan(text: str, surface: str, taken: list[tuple[int, int]]) -> list[tuple[int, int]]:
    found = []
    for m in re.finditer(re.escape(surface), text):
        if not any(s < m.end() and m.start() < e for s, e in taken):
            found.append((m.start(), m.end()))
    return found


def link(text: str, mentions: list[Mention], registry: Registry, places: set[str]) -> Linked:
    """Registry and rule names first, with the short forms and aliases they declare; the trained
    model's names only fill the gaps that all of these leave."""
    model = [m for m in mentions if m.source == "model"]
    mentions = resolve_overlaps([m for m in mentions if m.source != "model"])
    taken = [(m.start, m.end) for m in mentions]
    # 1. names declared by the text, attached to the mention just before the bracket
    extra: list[Mention] = []
    for bracket, a_start, a_end in find_declared_aliases(text):
        owner = next((m for m in reversed(mentions) if m.end <= bracket and bracket - m.end <= 2), None)
        if owner is None:
            continue
        alias = text[a_start:a_end]
        canonical = owner.canonical or owner.text
        for s, e in [(a_start, a_end), *_scan(text, alias, taken + [(a_start, a_end)])]:
            extra.append(replace(owner, start=s, end=e, text=alias, source="declared", canonical=canonical))
            taken.append((s, e))
    # 2. document numbers next to a regulation: 《…办法》（金规〔2025〕9号） names the same regulation
    regulations = [m for m in mentions if m.category == "Regulation"]
    for start, end, number in find_document_numbers(text):
        near = min(regulations, key=lambda m: min(abs(start - m.end), abs(m.start - end)), default=None)
        if near is not None and min(abs(start - near.end), abs(near.start - end)) <= 4 and \
                not any(s < end and start < e for s, e in taken):
            extra.append(replace(near, start=start, end=end, text=number, source="declared",
                                 canonical=near.canonical or near.text))
            taken.append((start, end))
    # 3. short forms derived from full legal names
    for m in list(mentions):
        if m.source != "legal-name" and not (m.source == "registry" and _LEGAL_FORM.search(m.text)):
            continue
        for short in derived_short_forms(m.canonical or m.text, places):
            if registry.lookup(short) is not None and registry.lookup(short).key != m.key:
                continue  # the registry says this short form is somebody else
            for s, e in _scan(text, short, taken):
                extra.append(replace(m, start=s, end=e, text=short, source="derived",
                                     canonical=m.canonical or m.text))
                taken.append((s, e))
    ruled = mentions + extra
    gaps = [m for m in without_model_overlaps(ruled + model) if m.source == "model"]
    all_mentions = sorted(ruled + resolve_overlaps(gaps), key=lambda m: m.start)
    return _cluster(all_mentions, registry)


def _cluster(mentions: list[Mention], registry: Registry) -> Linked:
    clusters: dict[str, _Cluster] = {}
    assigned: list[tuple[Mention, str]] = []
    for m in mentions:
        if m.key:
            entry = registry.get(m.key)
        else:  # a market mention stands on a place name: only its canonical name may link it
            entry = registry.lookup(m.canonical or m.text)
        if entry is not None:
            key = "reg:" + entry.key
            cluster = clusters.get(key)
            if cluster is None:
                cluster = clusters[key] = _Cluster(key, entry.name, entry.category, entry.kind, entry.key,
                                                   name_en=entry.name_en, wikidata=entry.wikidata,
                                                   registry_aliases=tuple(entry.aliases))
        else:
            canonical = m.canonical or m.text
            key = "name:" + iri.normalise_name(canonical)
            cluster = clusters.get(key)
            if cluster is None:
                cluster = clusters[key] = _Cluster(key, canonical, m.category, m.kind, None)
        if m.source != "market-statement":  # "广州" in 广州拥有36家… is the market's place, not its name
            cluster.surfaces.append(m.text)
        cluster.spans.append(Span(m.start, m.end))
        assigned.append((m, key))
    entities: dict[str, Entity] = {}
    for key, c in clusters.items():
        entity_id = iri.entity_iri(registry_key=c.registry_key, name=c.name)
        aliases = tuple(dict.fromkeys(a for a in (*c.surfaces, *c.registry_aliases) if a != c.name))
        entities[key] = Entity(id=entity_id, name=c.name, category=c.category, kind=c.kind, aliases=aliases,
                               mentions=tuple(c.spans), name_en=c.name_en, wikidata=c.wikidata,
                               registry_key=c.registry_key)
    return Linked(tuple(entities.values()), tuple((m, entities[key].id) for m, key in assigned))
