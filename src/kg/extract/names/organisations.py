"""Short organisation names: a brand and its line of business between separators (春华资本,
德邦证券, 加多宝集团)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from kg.extract.lexicon import alternation, words
from kg.extract.names.base import CJK, Context, Mention, strip_left_stops, word_tags
from kg.extract.names.brands import NOT_BRAND_TAGS


_BUSINESSES = alternation(words("names", "org_businesses"))
_ORG_SHORT = re.compile(
    rf"(?:^|(?<=[，。、；：:;,!?！？“”\"（）()\s和与及由向对被括得司的]))([{CJK}]{{2,4}}?{_BUSINESSES})"
    r"(?=[，。、；：:;,!?！？“”\"（）()\s]|和|与|及|等|领投|跟投|参投|的|旗下|已|将|于|在|为|是|发布|宣布|表示|完成|获得|获|"
    r"推出|成立|上线|称|持有|控股|入股|收购|共同|全额|全资|拟|正式|成功|作为|旗下|[两三四五六七八九十\d]+家|$)"
)
_NOT_ORGS = set(words("names", "not_orgs"))


def find_short_org_names(text: str, ctx: Context) -> Iterator[Mention]:
    """春华资本, 德邦证券, 加多宝集团: organisations named by brand and business, between separators."""
    known = ctx.known
    for m in _ORG_SHORT.finditer(text):
        name = m.group(1)
        if name in known or name in _NOT_ORGS or name.startswith(("该", "这", "其", "各", "多", "某")):
            continue
        name = strip_left_stops(name)  # 目前红岭创投 → 红岭创投, 的是中弘控股 → 中弘控股
        if len(name) < 4:
            continue
        brand = _ORG_BRAND.match(name).group(1)
        if word_tags().get(brand, "n")[:1] in NOT_BRAND_TAGS or word_tags().get(name[:2], "n")[:1] in NOT_BRAND_TAGS:
            continue  # 销售保险, 大型金融集团: a verb or an adjective, not a brand
        yield Mention(m.end(1) - len(name), m.end(1), name, "Organization", None, None, "org-short")



_ORG_BRAND = re.compile(rf"(.+?){_BUSINESSES}$")
