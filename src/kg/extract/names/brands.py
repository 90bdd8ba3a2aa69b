"""The shape of a lending brand (易利贷, 爱贷网, 米宝理财, 华夏信财 …), shared by the platform,
product and cue-word recognisers: P2P-era brands the registry cannot all know."""

from __future__ import annotations

import re

from kg.extract.lexicon import alternation, words
from kg.extract.names.base import CJK, LEFT_STOP_TUPLE, word_tags

BRAND = rf"[A-Za-z0-9{CJK}]{{1,5}}?{alternation(words('names', 'brand_endings'))}"
NOT_BRANDS = set(words("names", "not_brands"))
NOT_BRAND_TAGS = set(words("names", "not_brand_tags"))
APP_BRAND = re.compile(rf"^(?:{BRAND})$")
PRODUCT_ENDINGS = alternation(words("names", "product_endings"))
PRODUCT_SHAPE = re.compile(rf"{PRODUCT_ENDINGS}$")
PLATFORM_SUFFIX = re.compile(rf"{alternation(words('names', 'platform_endings'))}$")
MEDIA_NAME = re.compile(rf"{alternation(words('media', 'outlet_endings'))}$")


def looks_like_brand(name: str) -> bool:
    """Not a common word (jieba knows it as a verb, adjective …) and no number in it."""
    if re.search(r"\d", name) or name in NOT_BRANDS:
        return False
    return word_tags().get(name, "nz")[:1] not in NOT_BRAND_TAGS and word_tags().get(name, "nz") != "n"


def after_verb(run: str) -> str:
    """宣传懒活期 → 懒活期: the shortest tail after a stop word or a verb jieba knows; else the run."""
    for size in range(3, len(run)):
        head = run[:-size]
        if head.endswith(LEFT_STOP_TUPLE) or any(word_tags().get(head[-n:], "")[:1] == "v" for n in (2, 1)):
            return run[-size:]
    return run
