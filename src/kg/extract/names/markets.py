"""Markets: an industry segment in a place (广州网络小贷行业), the place standing for it (广州拥有36家
网络小贷公司), the national market (网贷行业)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from kg.extract.lexicon import words
from kg.extract.names.base import Context, Mention, place_regex


SEGMENTS = words("names", "market_segments")
_SEGMENT_ALT = "|".join(sorted(map(re.escape, SEGMENTS), key=len, reverse=True))
_MARKET_TAIL = r"(?:行业|市场|机构|公司)"  # 成都P2P平台优车行 introduces a platform, not a market


_NATIONAL_MARKET_AFTER = re.compile(rf"(?<=[，。、；：:;,!?！？“”\"（）()\s])(?:全国|国内|我国|整个)?({_SEGMENT_ALT}|网络借贷)(?:行业|市场)(?!协会|自律|专项|风险)")


def find_markets(text: str, ctx: Context) -> Iterator[Mention]:
    """广州网络小贷行业: an industry segment in a place, the subject of sector statistics; 网贷行业 /
    全国P2P网贷行业 without a place is the national market. A market the article gives no figure
    for is dropped after extraction."""
    places = ctx.places
    for m in _NATIONAL_MARKET_AFTER.finditer(text):
        segment = {"网络借贷": "网贷"}.get(m.group(1), m.group(1))
        yield Mention(m.start(), m.end(), m.group(0), "Market", "Market", None, "market",
                      canonical=market_name("全国", segment))
    if not places:
        return
    for m in _market_regexes(frozenset(places))[0].finditer(text):
        canonical = market_name(m.group(1), m.group(2))
        yield Mention(m.start(), m.end(), m.group(0), "Market", "Market", None, "market", canonical=canonical)


def find_market_statements(text: str, ctx: Context) -> Iterator[Mention]:
    """广州拥有36家网络小贷公司: the place stands for its market of that segment."""
    places = ctx.places
    if not places:
        return
    for m in _market_regexes(frozenset(places))[1].finditer(text):
        yield Mention(m.start(1), m.end(1), m.group(1), "Market", "Market", None, "market-statement",
                      canonical=market_name(m.group(1), m.group(2)))


@lru_cache(maxsize=8)
def _market_regexes(places: frozenset[str]) -> tuple[re.Pattern[str], re.Pattern[str]]:
    alt = place_regex(places).pattern
    return (re.compile(rf"({alt})(?:市|省)?({_SEGMENT_ALT}){_MARKET_TAIL}"),
            re.compile(rf"({alt})(?:市|省)?(?:共|目前|现|当前)?(?:拥有|共有|现有|有)(?:\d+|[一二三四五六七八九十百]+)家({_SEGMENT_ALT})"))


def market_name(place: str, segment: str) -> str:
    segment = {"网络小额贷款": "网络小贷", "小额贷款": "小贷", "P2P网贷": "网贷", "P2P": "网贷"}.get(segment, segment)
    return f"{place}{segment}行业"
