"""Names a cue word points at: an app (花财APP), a listed company (中国支付通(08325)), a new name
(…更名为米袋网), the items of a list closed by 等子公司."""

from __future__ import annotations

import re
from collections.abc import Iterator

from kg.extract.lexicon import alternation, words
from kg.extract.names.base import CJK, Context, Mention, covered, name_start, word_tags
from kg.extract.names.brands import (
    APP_BRAND, BRAND, MEDIA_NAME, NOT_BRANDS, PLATFORM_SUFFIX, PRODUCT_SHAPE, after_verb, looks_like_brand,
)


# names found by a cue word after them (APP, a stock code, 更名为, 等子公司) do not hide each other:
# each of these recognisers reads the names found before all four
CUED = frozenset({"apps", "stock-codes", "renamed", "subsidiary-lists"})

_APP = re.compile(rf"([{CJK}A-Za-z0-9]{{2,8}})(?:APP|App|app)(?![A-Za-z])")
_APP_STOPS = words("names", "app_stops")

def find_app_names(text: str, ctx: Context) -> Iterator[Mention]:
    """花财APP, 下载华夏速贷APP: a lending app named by the word APP after it. The name is the
    shortest run before APP that starts after a separator or a stop word (下载, 被, 的 …)."""
    known, taken = ctx.known, ctx.spans(excluding=CUED)
    for m in _APP.finditer(text):
        end = m.end(1)
        start = name_start(text, m.start(1), end, _APP_STOPS, longest=5)
        if start is None:
            continue
        name = text[start:end]
        if name not in known and _app_name_ok(name) and not covered(start, end, taken):
            if PLATFORM_SUFFIX.search(name):  # 海象理财APP: the platform's own app
                yield Mention(start, end, name, "Lender", "P2PLender", None, "platform")
            else:
                yield Mention(start, end, name, "Product", None, None, "product-list")


_STOCK_CODE = re.compile(
    rf"([{CJK}A-Za-z]{{2,12}})\s*[（(](?:(?:NYSE|NASDAQ|Nasdaq|纽交所|港交所|HK|SZ|SH|股票代码)\s*[:：]?\s*)?"
    r"(\d{4,6}(?:\.(?:HK|SZ|SH))?|(?<=[:：])\s*[A-Z]{1,5})[)）]"  # letters only after NYSE: / NASDAQ:
)
_CODE_TAIL = re.compile(r"[（(](?:(?:NYSE|NASDAQ|Nasdaq|纽交所|港交所|HK|SZ|SH|股票代码)\s*[:：]?\s*)?(?:\d{4,6}(?:\.(?:HK|SZ|SH))?|[A-Z]{1,5})[)）]")
_LISTED_STOPS = words("names", "listed_stops")


def find_listed_names(text: str, ctx: Context) -> Iterator[Mention]:
    """中国支付通(08325), 中国港桥（2323.HK）: a name followed by its stock code is a listed company.
    The name is the shortest run before the code that starts after a separator or a stop word."""
    known, taken = ctx.known, ctx.spans(excluding=CUED)
    for tail in _CODE_TAIL.finditer(text):
        # anchored on the code: the name run is read backwards from it (cheaper than trying every position)
        m = _STOCK_CODE.search(text, max(0, tail.start() - 14), tail.end())
        if m is None or m.end() != tail.end():
            continue
        code = m.group(2)
        if re.fullmatch(r"(?:19|20)\d{2}", code.strip()):
            continue  # (2019): a year, not a code
        end = m.end(1)
        start = name_start(text, m.start(1), end, _LISTED_STOPS)
        if start is None:
            continue
        name = text[start:end]
        if name not in known and name not in NOT_BRANDS and not MEDIA_NAME.search(name) and \
                not covered(start, end, taken) and looks_like_brand(name):
            yield Mention(start, end, name, "Organization", None, None, "org-short")


def _app_name_ok(name: str) -> bool:
    """A lending brand's shape (海象理财, 维秘金服), or two characters jieba does not know (花财);
    never a phrase (官网和, 此名校贷, 多个银行的) or an outlet (智通财经)."""
    if name in NOT_BRANDS or name.endswith(("和", "及", "的", "在", "等", "与", "或", "网贷")) or \
            name.startswith(("此", "这", "该", "那", "多个", "两个", "个人", "自身", "其")) or MEDIA_NAME.search(name):
        return False
    if not looks_like_brand(name):
        return False
    return bool(APP_BRAND.match(name) or PRODUCT_SHAPE.search(name)) or (len(name) == 2 and name not in word_tags())


_RENAMED = re.compile(rf"{alternation(words('common', 'renaming_verbs'))}[“\"「]?([{CJK}A-Za-z0-9]{{2,8}})")


_LISTED_SUBSIDIARIES = re.compile(
    rf"((?:[{CJK}A-Za-z0-9]{{2,8}}(?:[（(]原[{CJK}A-Za-z0-9]{{2,8}}[)）])?、)+[{CJK}A-Za-z0-9]{{2,8}}(?:[（(]原[{CJK}A-Za-z0-9]{{2,8}}[)）])?)"
    r"等(?:多个|多家|几家|[两三四五六七八九十\d]+家|[两三四五六七八九十\d]+个)?(?:全资|控股)?(?:子公司|关联公司)")


def find_listed_subsidiaries(text: str, ctx: Context) -> Iterator[Mention]:
    """以国商信联、国商信达、国商互联等多个子公司形态存在: the items of a list closed by 等…子公司."""
    known, taken = ctx.known, ctx.spans(excluding=CUED)
    if "子公司" not in text and "关联公司" not in text:
        return  # the list pattern is costly to try everywhere
    for m in _LISTED_SUBSIDIARIES.finditer(text):
        pos = m.start(1)
        items = re.split(r"、", m.group(1))
        first = after_verb(items[0])
        pos += len(items[0]) - len(first)
        for item in [first, *items[1:]]:
            name = re.sub(r"[（(].*$", "", item)
            if name not in known and name not in NOT_BRANDS and len(name) >= 3 and not covered(pos, pos + len(name), taken):
                yield Mention(pos, pos + len(name), name, "Organization", None, None, "org-short")
            pos += len(item) + 1


_NAMED_PLATFORM = re.compile(
    rf"(?:{alternation(words('common', 'platform_name_cues'))})[“\"「]?({BRAND})(?=[^{CJK}A-Za-z0-9]|$)"
    rf"|以({BRAND})(?:{alternation(words('common', 'platform_means_cues'))})")


def find_cued_platforms(text: str, ctx: Context) -> Iterator[Mention]:
    """平台名称为银谷在线, 以沃邦贷为平台: a name of a lending brand's shape that a cue calls a platform
    (the cue words are in vocab/common.yaml; the relation handler reads the same cues)."""
    known, taken = ctx.known, ctx.spans(excluding=CUED)
    for m in _NAMED_PLATFORM.finditer(text):
        group = 1 if m.group(1) else 2
        start, end = m.start(group), m.end(group)
        name = text[start:end]
        if name not in known and name not in NOT_BRANDS and looks_like_brand(name) and not covered(start, end, taken):
            yield Mention(start, end, name, "Lender", "P2PLender", None, "platform")


def find_bracketed_brands(text: str, ctx: Context) -> Iterator[Mention]:
    """正合普惠（深圳正合普惠金融服务有限公司）: a lending brand's name right before its company's legal
    name in brackets is the platform that company runs (bracketed-operators relates the two)."""
    known, taken = ctx.known, ctx.spans(excluding=CUED)
    for company in (m for m in ctx.found if m.source == "legal-name"):
        if company.start < 3 or text[company.start - 1] not in "（(" or text[company.end:company.end + 1] not in "）)":
            continue
        end = company.start - 1
        run = end
        while run > max(0, end - 8) and re.match(rf"[{CJK}A-Za-z0-9]", text[run - 1]):
            run -= 1
        start = name_start(text, run, end, (), longest=8)
        if start is None:
            continue
        name = text[start:end]
        if name not in known and APP_BRAND.match(name) and looks_like_brand(name) and not covered(start, end, taken):
            yield Mention(start, end, name, "Lender", "P2PLender", None, "platform")


def find_renamed_names(text: str, ctx: Context) -> Iterator[Mention]:
    """…后改名为米袋网: the new name of a renamed platform, when it has a lending brand's shape."""
    known, taken = ctx.known, ctx.spans(excluding=CUED)
    for m in _RENAMED.finditer(text):
        run = m.group(1)
        brand = re.match(rf"(?:{BRAND})(?=[^{CJK}A-Za-z0-9]|$)", run + " ")
        if brand is None:
            continue
        start, end = m.start(1), m.start(1) + len(brand.group(0))
        name = text[start:end]
        if name not in known and name not in NOT_BRANDS and looks_like_brand(name) and not covered(start, end, taken):
            yield Mention(start, end, name, "Lender", "P2PLender", None, "platform")
