"""Mentions → entities: one entity per thing within an article, one IRI per thing across articles.

Order of trust: the registry, then names the text declares ((以下简称“X”)), then short forms
derived from full legal names (广州快手小额贷款有限公司 → 快手小贷), then the normalised name.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from functools import lru_cache

from kg import iri
from kg.extract.names import Mention, resolve_overlaps
from kg.extract.names.overlaps import MODEL, giving_way, may_declare, without_model_overlaps
from kg.extract.names.base import Occupied
from kg.extract.names.declared import find_declared_aliases, find_document_numbers
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


def derived_short_forms(name: str, places: set[str]) -> list[str]:
    """The usual abbreviations of a legal name: place and legal form dropped, business kept short.
    Longest first (then by text), so where two of them start at the same place the longer one is
    the mention (和耕传承基金销售 → 和耕传承基金, not 和耕传承), whatever the hash seed."""
    stem = _LEGAL_FORM.sub("", name)
    if stem == name:
        return []
    for place in _longest_first(frozenset(places)):
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
    return sorted((f for f in forms if f != name and len(f) >= 3), key=lambda f: (-len(f), f))


@lru_cache(maxsize=8)
def _longest_first(places: frozenset[str]) -> tuple[str, ...]:
    return tuple(sorted(places, key=lambda p: (-len(p), p)))


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


def _scan(text: str, surface: str, taken: Occupied) -> list[tuple[int, int]]:
    """Every occurrence of a surface form where no mention is yet."""
    return [(m.start(), m.end()) for m in re.finditer(re.escape(surface), text) if not taken.overlaps(m.start(), m.end())]


def link(text: str, mentions: list[Mention], registry: Registry, places: set[str]) -> Linked:
    """Overlaps resolved, then the names the text declares, document numbers and derived short
    forms added where no mention is yet, then the trained recogniser's names in the gaps left,
    then one entity per thing."""
    model = [m for m in mentions if m.source == MODEL]
    mentions = resolve_overlaps([m for m in mentions if m.source != MODEL])  # sorted, ends ascend too
    taken = Occupied((m.start, m.end) for m in mentions)
    declared = list(_declared(text, mentions, taken))
    mentions = giving_way(mentions, declared)
    extra = [*declared, *_numbered(text, mentions, taken), *_derived(text, mentions, taken, registry, places)]
    ruled = mentions + extra
    # the trained recogniser's names fill only the gaps all of these leave
    gaps = resolve_overlaps(m for m in without_model_overlaps(ruled + model) if m.source == MODEL)
    return _cluster(sorted(ruled + gaps, key=lambda m: m.start), registry)


# A surface scanned once has taken every place it could: scanning it again finds nothing more,
# and would cost a pass over the text for every repetition of its name.

def _declared(text: str, mentions: list[Mention], taken: Occupied) -> Iterator[Mention]:
    """Names declared by the text ((以下简称“X”)), attached to the mention just before the bracket,
    wherever the text repeats them; where a recogniser read the same words as a name of its own,
    the declaration takes the place (the caller drops that mention: see overlaps.giving_way)."""
    ends = [m.end for m in mentions]
    claimed = Occupied()
    scanned: set[str] = set()
    for bracket, a_start, a_end in find_declared_aliases(text):
        before = bisect_right(ends, bracket) - 1
        if before < 0 or bracket - ends[before] > 2 or claimed.overlaps(a_start, a_end) or \
                not may_declare(a_start, a_end, mentions, exact=False):
            continue
        owner = mentions[before]
        alias = text[a_start:a_end]
        again = _occurrences(text, alias, a_start) if alias not in scanned else []
        scanned.add(alias)
        for s, e in [(a_start, a_end), *again]:
            if (s, e) == (a_start, a_end) or not claimed.overlaps(s, e) and \
                    (not taken.overlaps(s, e) or may_declare(s, e, mentions, exact=True)):
                yield replace(owner, start=s, end=e, text=alias, source="declared",
                              canonical=owner.canonical or owner.text)
                taken.add(s, e)
                claimed.add(s, e)


def _occurrences(text: str, surface: str, skip: int) -> list[tuple[int, int]]:
    """Every other occurrence of a surface form."""
    return [(m.start(), m.end()) for m in re.finditer(re.escape(surface), text) if m.start() != skip]


def _numbered(text: str, mentions: list[Mention], taken: Occupied) -> Iterator[Mention]:
    """Document numbers next to a regulation: 《…办法》（金规〔2025〕9号） names the same regulation."""
    regulations = [m for m in mentions if m.category == "Regulation"]
    for start, end, number in find_document_numbers(text):
        near = min(regulations, key=lambda m: min(abs(start - m.end), abs(m.start - end)), default=None)
        if near is not None and min(abs(start - near.end), abs(near.start - end)) <= 4 and \
                not taken.overlaps(start, end):
            yield replace(near, start=start, end=end, text=number, source="declared",
                          canonical=near.canonical or near.text)
            taken.add(start, end)


def _derived(text: str, mentions: list[Mention], taken: Occupied, registry: Registry,
             places: set[str]) -> Iterator[Mention]:
    """Short forms derived from full legal names (广州快手小额贷款有限公司 → 快手小贷), unless the
    registry says the short form is somebody else."""
    done: set[tuple[str, str | None]] = set()
    for m in mentions:
        name = m.canonical or m.text
        if m.source != "legal-name" and not (m.source == "registry" and _LEGAL_FORM.search(m.text)) or \
                (name, m.key) in done:
            continue
        done.add((name, m.key))
        for short in derived_short_forms(name, places):
            if registry.lookup(short) is not None and registry.lookup(short).key != m.key:
                continue
            for s, e in _scan(text, short, taken):
                yield replace(m, start=s, end=e, text=short, source="derived", canonical=name)
                taken.add(s, e)


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
                cluster = clusters[key] = _Cluster(key, iri.canonical_name(canonical), m.category, m.kind, None)
        if m.source != "market-statement":  # "广州" in 广州拥有36家… is the market's place, not its name
            cluster.surfaces.append(m.text)
        cluster.spans.append(Span(m.start, m.end))
        assigned.append((m, key))
    entities: dict[str, Entity] = {}
    for key, c in clusters.items():
        entity_id = iri.entity_iri(registry_key=c.registry_key, name=c.name)
        aliases = _aliases(c)
        entities[key] = Entity(id=entity_id, name=c.name, category=c.category, kind=c.kind, aliases=aliases,
                               mentions=tuple(c.spans), name_en=c.name_en, wikidata=c.wikidata,
                               registry_key=c.registry_key)
    return Linked(tuple(entities.values()), tuple((m, entities[key].id) for m, key in assigned))


def _aliases(c: _Cluster) -> tuple[str, ...]:
    """The other names of an entity, each once in its canonical form (星河小贷 and 星河 小贷 are
    one alias; 上海某某（集团）有限公司 typed with half-width brackets is the name itself)."""
    name = iri.canonical_name(c.name)
    forms = (iri.canonical_name(a) for a in (*c.surfaces, *c.registry_aliases))
    return tuple(dict.fromkeys(a for a in forms if a and a != name))
