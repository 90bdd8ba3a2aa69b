"""Products named in a list after a cue (产品分为A、B / 推出系列产品A) or closed by 等产品 / 等项目,
and the platform named right before the cue."""

from __future__ import annotations

import re
from collections.abc import Iterator

from kg.extract.lexicon import words
from kg.extract.names.base import CJK, Context, Mention, strip_left_stops, word_tags
from kg.extract.names.brands import (
    BRAND, NOT_BRANDS, PRODUCT_ENDINGS, PRODUCT_SHAPE, after_verb, looks_like_brand,
)


_PRODUCT_LIST_CUE = re.compile(r"(?:产品(?:分为|包括|有|如)|推出(?:了)?(?:系列)?产品|旗下(?:的)?产品(?:有|包括)?)[:：]?")
_PRODUCT_ITEM = re.compile(rf"([{CJK}A-Za-z]{{1,5}}{PRODUCT_ENDINGS})(?=[、，,。；;\d(（\s]|等|更|是|为|$)")


# a product named right after a word that says it is one: 活期理财产品X, 新产品X, 产品——X, 产品分别为X
_NAMED_PRODUCT = re.compile(
    rf"(?:(?:理财|活期|定期|新|一款|P2P)产品|产品(?:分别为|为|是|名为))(?:——|—|：|:)?[“\"「]?"
    rf"([{CJK}A-Za-z]{{1,5}}?(?:{PRODUCT_ENDINGS}|计划))(?=[、，,。；;\d(（\s”\"」]|等|产品|$)")


_PRODUCT_BEFORE_WORD = re.compile(
    rf"(?:发布|下线|上线|推出|购买|投资)了?[“\"「]?([{CJK}A-Za-z]{{1,5}}?(?:{PRODUCT_ENDINGS}|计划))[”\"」]?产品")


_PRODUCT_OWNER = re.compile(rf"(?:^|(?<=[，。、；：:;,!?！？“”\"（）()\s]))({BRAND})(?:的)?(?:理财)?(?=产品(?:分为|包括|有|如)|推出)")


_LISTED_PRODUCTS = re.compile(
    rf"((?:[{CJK}A-Za-z0-9]{{2,8}}、)+[{CJK}A-Za-z0-9]{{2,6}})等(?P<kind>(?:理财|投资|借贷|贷款|金融)?产品|(?:理财|投资)?项目)")

def _generic_compound(name: str) -> bool:
    """券商资管, 银行理财: two common words side by side name a kind of product, not one product."""
    tags = word_tags()
    if name.startswith(_PRODUCT_KINDS) or name.endswith(_PRODUCT_KINDS):
        return True
    return len(name) == 4 and all(tags.get(part, "x")[:1] in ("n", "v") for part in (name[:2], name[2:]))


_PRODUCT_KINDS = words("names", "product_kinds")


def find_product_lists(text: str, ctx: Context) -> Iterator[Mention]:
    """花虾金融产品分为…猜虾宝45天、花宝30天 / 推出系列产品地产宝: products named in a list after a cue,
    and the platform named right before the cue."""
    known = ctx.known
    for m in _PRODUCT_OWNER.finditer(text):
        name = m.group(1)
        if name not in known and name not in NOT_BRANDS and looks_like_brand(name):
            yield Mention(m.start(1), m.end(1), name, "Lender", "P2PLender", None, "platform")
    # 懒活期、懒定制、懒定期等项目: the items of a list closed by 等项目 / 等产品
    for m in _LISTED_PRODUCTS.finditer(text):
        pos = m.start(1)
        items = m.group(1).split("、")
        first = after_verb(items[0])
        pos += len(items[0]) - len(first)
        # bare 等产品 may list goods (路由器、空气净化器): then only names shaped like loan products
        any_shape = m.group("kind") != "产品"
        for item in [first, *items[1:]]:
            if item not in known and looks_like_brand(item) and item not in NOT_BRANDS and \
                    not _generic_compound(item) and (any_shape or PRODUCT_SHAPE.search(item)):
                yield Mention(pos, pos + len(item), item, "Product", None, None, "product-list")
            pos += len(item) + 1
    for m in _PRODUCT_BEFORE_WORD.finditer(text):  # 下线定期宝产品: the name before the word 产品
        name = m.group(1)
        if len(name) >= 3 and name not in known and looks_like_brand(name) and not _generic_compound(name):
            yield Mention(m.start(1), m.end(1), name, "Product", None, None, "product-list")
    for m in _NAMED_PRODUCT.finditer(text):  # 理财产品零钱计划, 新产品应收宝, 产品——赎楼贷
        name = m.group(1)
        # the cue says it is a product: two common words (零钱计划) may name one, a kind (银行理财) may not
        if len(name) >= 3 and name not in known and looks_like_brand(name) and \
                not name.startswith(_PRODUCT_KINDS) and not name.endswith(_PRODUCT_KINDS):
            yield Mention(m.start(1), m.end(1), name, "Product", None, None, "product-list")
    for cue in _PRODUCT_LIST_CUE.finditer(text):
        pos, end_of_list = cue.end(), min(len(text), cue.end() + 160)
        stop = text.find("。", pos)
        end_of_list = min(end_of_list, stop) if stop >= 0 else end_of_list
        for m in _PRODUCT_ITEM.finditer(text, pos, end_of_list):
            name = m.group(1)
            name = strip_left_stops(name, keep=2)
            start = m.end(1) - len(name)
            if start > cue.end() and re.match(rf"[{CJK}A-Za-z]", text[start - 1]) and text[start - 1] not in "、，,":
                # glued to the word before it: only a name if that word is a stop word or a number
                if not re.search(r"[\d天月期)）]$", text[max(0, start - 3):start]):
                    continue
            if name in known or len(name) < 2:
                continue
            yield Mention(start, m.end(1), name, "Product", None, None, "product-list")
