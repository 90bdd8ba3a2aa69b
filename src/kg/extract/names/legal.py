"""Full legal names (…有限公司, …银行) and bank branches, with the category their legal form says."""

from __future__ import annotations

import re
from collections.abc import Iterator

from kg.extract.lexicon import alternation, words
from kg.extract.names.base import (
    CJK, LEFT_STOPS, NAME_START_OK, STOPS_BY_LAST, Context, Mention, is_place_run, place_regex, word_tags,
)


_NAME_CHAR = re.compile(rf"[{CJK}A-Za-z0-9（）()·]")

_COMPANY_SUFFIX = re.compile(
    r"(?:（集团）|\(集团\))?(?:股份)?有限(?:责任)?公司|(?P<bank>银行)(?:股份有限公司)?|(?:集团)?股份公司"
    # 上海千竺投资中心, 宁波…股权投资合伙企业（有限合伙）: partnerships and investment centres
    rf"|{alternation(words('names', 'partnership_forms'))}(?:（有限合伙）|\(有限合伙\))?"
    r"|(?<![子母分总])(?<!上市)(?P<bare>公司)"  # 上海科技投资公司: a bare 公司 only after a city (below)
)

_MAX_NAME = 32

LENDER_KINDS = (
    (re.compile(r"网络小额贷款|网络小贷"), "OnlineMicroLender"),
    (re.compile(r"小额贷款|小贷"), "MicroLender"),
    (re.compile(r"消费金融"), "ConsumerFinanceCompany"),
    (re.compile(r"银行"), "Bank"),
    (re.compile(r"信托"), "TrustCompany"),
)


def classify_company(name: str) -> tuple[str, str | None]:
    """Category and finer kind from the legal form in a company name."""
    for pattern, kind in LENDER_KINDS:
        if pattern.search(name):
            if kind == "MicroLender" and "网络" in name:
                kind = "OnlineMicroLender"
            return "Lender", kind
    return "Organization", None


def _extend_left(text: str, suffix_start: int, places: set[str], blocked: set[int] = frozenset()) -> int:
    """Walk left from a legal-form suffix over name characters until a stop word, punctuation,
    a number, or the end of another name (a person: 免去沈易明华融国际信托…)."""
    i = suffix_start
    limit = max(0, suffix_start - _MAX_NAME)
    while i > limit and _NAME_CHAR.match(text[i - 1]) and not text[i - 1].isdigit() and i not in blocked:
        stop = next((w for w in STOPS_BY_LAST.get(text[i - 1], ()) if text.startswith(w, i - len(w))
                     and i - len(w) >= limit), None)
        if stop is not None and len(stop) == 1 and _word_inside_name(text[i - 2:i]):
            stop = None  # 票据, 青年: the stop character ends a word inside the name (深圳市票据宝…)
        if stop is not None and i < suffix_start:
            # a one-character stop right after punctuation starts a name: ，和信电子商务有限公司
            before = text[max(0, i - 4): i - 1]
            if stop in _NAME_INITIALS and (NAME_START_OK.match(before[-1:]) or before.endswith(
                    (*LEFT_STOPS, "公司", "平台"))):
                i -= 1
            break
        i -= 1
    # "近日广州快手…": a name starts at a place name; cut what stands before the first one
    stretch = text[i:suffix_start]
    place_at = place_regex(places)
    for p in range(1, len(stretch) - 1):
        if place_at.match(stretch, p) and "(" not in stretch[:p] and "（" not in stretch[:p]:
            if p >= 2 or stretch[0] in _NAME_INITIALS or stretch[0] in LEFT_STOPS:
                return i + p  # …，和广西川惠…: a one-character word before the place is not the name's
            break
    return i


def _word_inside_name(word: str) -> bool:
    """A word jieba knows as a noun or the like (票据 n, 青年 t), not itself a stop word (近日, 今年)."""
    tag = word_tags().get(word)
    return tag is not None and tag[:1] not in "vpcdur" and word not in LEFT_STOPS


_NAME_INITIALS = set(words("names", "name_initials"))  # stop words that also begin names (和信)
def _after_open_bracket(text: str, start: int, end: int) -> int:
    """华闻传媒（华闻传媒投资集团股份有限公司: a bracket opened and not closed starts the name."""
    depth, cut = 0, start
    for i in range(start, end):
        if text[i] in "（(":
            depth += 1
            if depth == 1:
                cut_at = i + 1
        elif text[i] in "）)":
            depth = max(0, depth - 1)
    return cut_at if depth > 0 else cut


_DESCRIPTION = re.compile(r"最大|最小|最早|最新|第[一二三四五六七八九十\d]|一家|多家|各家|该|这|那|某")
_ADMIN_START = re.compile(rf"[{CJK}]{{2,3}}(?:省|市|县|自治区)")


def find_legal_names(text: str, ctx: Context) -> Iterator[Mention]:
    """广州快手小额贷款有限公司, 浙江泰隆商业银行: a legal form, walking left to where the name starts.
    A name never reaches back across a person or an authority found before (北京银监局城市商业银行)."""
    places = ctx.places
    blocked = {m.end for m in ctx.found if m.source in ("person", "regulator")}
    for m in _COMPANY_SUFFIX.finditer(text):
        start = _extend_left(text, m.start(), places, blocked)
        brand = text[start:m.start()]
        if len(brand) < 2 or not re.search(rf"[{CJK}A-Za-z]", brand):
            continue
        if m.group("bank") and m.end() == m.end("bank"):
            # a bare …银行 is a name only when it starts at a place: 上海银行, 浙江泰隆商业银行
            if not (any(brand.startswith(p) for p in places) or _ADMIN_START.match(brand)):
                continue
        if m.group("bare") and not _starts_at_city(brand, places):
            continue
        start = _after_open_bracket(text, start, m.start())
        name = text[start:m.end()]
        if len(name) - len(m.group(0)) < 2 or _DESCRIPTION.search(name[: len(name) - len(m.group(0))]):
            continue  # 泰国最大商业银行: a description, not a name
        category, kind = classify_company(name)
        yield Mention(start, m.end(), name, category, kind, None, "legal-name")


def _starts_at_city(brand: str, places: set[str]) -> bool:
    """上海科技投资公司, not 上海公司 nor 中国私募股权公司: a place that is not the country, then two
    characters or more of a name."""
    return any(brand.startswith(p) and len(brand) - len(p) >= 2 for p in places if p not in _NATIONAL)


_NATIONAL = set(words("names", "national_prefixes"))


def _branch(endings: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(rf"([{CJK}]{{2,10}}?)({'|'.join(map(re.escape, endings))})")


_BANK_BRANCH = _branch(tuple(words("names", "bank_branch_endings")))
_COMPANY_BRANCH = _branch(tuple(words("names", "company_branch_endings")))


def find_bank_branches(text: str, ctx: Context) -> Iterator[Mention]:
    """中信银行乌鲁木齐分行, X有限公司芜湖分公司: a bank's or a company's branch in a place, named after
    both, is an entity of its own, of its parent's category (a lender's branch lends)."""
    places = ctx.places
    parents = [(m, _BANK_BRANCH if m.kind == "Bank" else _COMPANY_BRANCH) for m in ctx.found
               if m.kind == "Bank" or m.source == "legal-name" and m.text.endswith("公司")]
    for parent, branch in parents:
        m = branch.match(text, parent.end)
        if m and is_place_run(m.group(1), places):
            # named by the parent's own surface form: a stray space inside it (中信 银行) is not kept
            yield Mention(parent.start, m.end(), parent.text + m.group(0), parent.category, parent.kind, None,
                          "legal-name")
