"""Places below the registry's: China's prefecture- and county-level divisions (vocab/places.yaml,
generated from JioNLP's gazetteer) by full name (松江区, 百色市). Short names (松江, 海东) are no
places on their own: too many are words or parts of people's names (陈海东)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from kg.extract.lexicon import table
from kg.extract.names.base import Context, Mention, word_tags
from kg.extract.names.registry import _trie_regex

MIN_FULL = 3  # 丰县, 东区: two-character full names are too often part of other words


@lru_cache(maxsize=1)
def gazetteer_names() -> frozenset[str]:
    """Full names of three characters or more."""
    rows = [*table("places", "cities"), *table("places", "counties")]
    return frozenset(r["name"] for r in rows if len(r["name"]) >= MIN_FULL)


@lru_cache(maxsize=1)
def _gazetteer_regex() -> re.Pattern[str]:
    return re.compile(_trie_regex(sorted(gazetteer_names(), key=len, reverse=True)))


def _glued(text: str, end: int) -> bool:
    """合作市场, 区域, 县城: the unit that ends the name makes a word with the character after it."""
    return text[end - 1:end + 1] in word_tags()


def find_gazetteer_places(text: str, ctx: Context) -> Iterator[Mention]:
    """Cities and counties the registry does not know (its own places are found by the registry)."""
    for m in _gazetteer_regex().finditer(text):
        name = m.group(0)
        if name and name not in ctx.known and not _glued(text, m.end()):
            yield Mention(m.start(), m.end(), name, "Place", None, None, "gazetteer")


@lru_cache(maxsize=1)
def county_parents() -> dict[str, frozenset[str]]:
    """A county's short name (松江) → the names of its city (上海市, 上海) it may follow."""
    cities = {r["name"]: r["short"] for r in table("places", "cities")}
    out: dict[str, set[str]] = {}
    for r in table("places", "counties"):
        if len(r["short"]) >= 2 and r["short"] != r["name"]:
            out.setdefault(r["short"], set()).update({r["city"], cities.get(r["city"], r["city"])})
    return {short: frozenset(parents) for short, parents in out.items()}
