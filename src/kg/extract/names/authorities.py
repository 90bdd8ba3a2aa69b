"""Authorities named after their place (安顺市地方金融监督管理局, 上海银保监局, 朝阳区人民法院),
branches of national bodies, associations and leading groups."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from kg.extract.lexicon import alternation, words
from kg.extract.names.base import CJK, Context, Mention, is_place_run, place_regex, word_tags
from kg.extract.names.places import county_parents, gazetteer_names


_AUTHORITY = re.compile(
    alternation(words("names", "local_office_endings")) + r"|(?:地方)?金融(?:监督)?管理局|(?:地方)?金融工作(?:办公室|局)|金融办|银保监局|银监局|证监局|金融监管局|监管局"
    rf"|公安(?:局|厅)(?:[{CJK}]{{2,4}}分局)?|市场监督管理局|市场监管局|(?:第[一二三四五六七八九十]+)?(?:中级|高级)?人民法院"
    r"|人民检察院|打非办|金融稳定局|" + alternation(words("names", "local_bodies"))
)
# a body's sub-bureau in a district (…工商行政管理局朝阳分局, …公安局高新区（滨江）分局) and a unit of it
_SUB_BUREAU = re.compile(rf"([{CJK}]{{2,5}}?)(?:[（(]([{CJK}]{{2,4}})[）)])?分局")
_SUB_UNIT = re.compile(alternation(words("names", "sub_units")))
_ADMIN_UNIT = re.compile(rf"[{CJK}]{{2}}(?:省|市|县|区|自治区|自治州)$")
_NATIONAL = words("names", "national_prefixes")
_COMMISSIONS = words("names", "commissions")


def _county_short_at(text: str, start: int, places: set[str]) -> str | None:
    """上海松江: a county's short name counts as a place right after its own city or province."""
    for size in (4, 3, 2):
        parents = county_parents().get(text[max(0, start - size):start])
        if parents and len(text[:start - size]) and any(text.endswith(p, 0, start - size) for p in parents):
            return text[start - size:start]
    return None


def _admin_prefix_start(text: str, end: int, places: set[str]) -> int:
    """Walk left over place names and administrative units (广东省广州市) before an authority."""
    start = end
    while True:
        before = text[max(0, start - 8):start]
        place = max((p for p in places if before.endswith(p)), key=len, default=None) or \
            _county_short_at(text, start, places)
        if place:
            start -= len(place)
            continue
        unit = _ADMIN_UNIT.search(before)
        if unit:
            longer = text[max(0, start - len(unit.group(0)) - 1):start - 1]
            # 石景山区: a three-character district when jieba knows the word
            if before.endswith(("区", "县")) and len(longer) == 3 and longer in word_tags():
                start -= 4
            else:
                start -= len(unit.group(0))
            continue
        return start


def find_regulators(text: str, ctx: Context) -> Iterator[Mention]:
    """Local authorities named after their place (安顺市地方金融监督管理局, 上海银保监局, 朝阳区人民法院)
    and branches of the central bank (中国人民银行上海分行)."""
    places = ctx.places | gazetteer_names()
    for m in _AUTHORITY.finditer(text):
        start = _admin_prefix_start(text, m.start(), places)
        if start == m.start():
            national = next((n for n in _NATIONAL if text.startswith(n, m.start() - len(n))), None)
            if national is None:
                continue
            start -= len(national)
        # 银监会浙江监管局, 中国证监会北京监管局: the commission's office in that place is one body
        parent = next((p for p in _COMMISSIONS if text.startswith(p, start - len(p))), None)
        if parent is not None and text[m.start():m.end()].endswith(("监管局", "监管分局")):
            start -= len(parent)
        end = _sub_bureau_end(text, m.end(), places)
        name = text[start:end]
        kind = "Court" if name.endswith(("法院", "检察院", "中院")) else None
        yield Mention(start, end, name, "Regulator", kind, None, "regulator")
    for m in re.finditer(rf"(?:中国人民银行|国家外汇管理局|国家税务总局)([{CJK}]{{2,10}}?)(?:分行|中心支行|支行|营业管理部|分局|中心支局|支局)", text):
        if is_place_run(m.group(1), places):
            yield Mention(m.start(), m.end(), m.group(0), "Regulator", None, None, "regulator")



def _sub_bureau_end(text: str, end: int, places: set[str]) -> int:
    """Where a bureau's name ends: past a sub-bureau named after a district (朝阳分局, 高新区（滨江）分局)
    and a unit of it (经侦支队), if any follow."""
    sub = _SUB_BUREAU.match(text, end) if text[end - 1:end] == "局" else None
    if sub and (sub.group(1) in places or sub.group(1).endswith("区") or sub.group(1) + "区" in places
                or any(p.startswith(sub.group(1)) and p.endswith(("区", "县")) for p in places)):
        end = sub.end()
    unit = _SUB_UNIT.match(text, end)
    return unit.end() if unit else end


def find_associations(text: str, ctx: Context) -> Iterator[Mention]:
    """中国互联网金融协会, 北京市互联网金融行业协会; 扬州市…领导小组办公室 (a regulator)."""
    association, group = _association_regexes(ctx.places)
    for m in association.finditer(text):
        yield Mention(m.start(), m.end(), m.group(0), "Organization", None, None, "association")
    for m in group.finditer(text):
        yield Mention(m.start(), m.end(), m.group(0), "Regulator", None, None, "regulator")


@lru_cache(maxsize=8)
def _association_regexes(places: frozenset[str]) -> tuple[re.Pattern[str], re.Pattern[str]]:
    alt = place_regex(places, ("中国", "全国")).pattern
    return (re.compile(rf"(?:{alt})(?:省|市|自治区)?[{CJK}]{{2,12}}?(?:行业)?协会"),
            re.compile(rf"(?:{alt})(?:省|市|自治区)?[{CJK}]{{2,16}}?领导小组(?:办公室)?"))
