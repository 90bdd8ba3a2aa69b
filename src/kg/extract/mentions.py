"""Finding names in the text: registry surface forms and productive patterns for names it lacks.

Recognisers yield candidate mentions with character offsets; `resolve_overlaps` keeps the
leftmost-longest (registry first on ties), so 快手 inside 广州快手小额贷款有限公司 is no mention.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from kg.registry import Registry, RegistryEntry


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    text: str
    category: str
    kind: str | None = None
    key: str | None = None  # registry key when the registry knows the name
    source: str = "registry"  # registry | legal-name | regulator | regulation | market | declared | derived
    canonical: str | None = None  # the entity's canonical name when it differs from the surface form


# --- registry ----------------------------------------------------------------------------

def _trie_regex(words: Iterable[str]) -> str:
    """One regex alternation shaped as a trie: fast leftmost-longest matching of many literals."""
    trie: dict = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict) -> str:
        ends = "" in node
        branches = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if ends:
            return "(?:" + body + ")?"
        return body

    return build(trie)


class RegistryMatcher:
    """All registry names and aliases, matched on the raw text (independent of segmentation)."""

    def __init__(self, registry: Registry) -> None:
        self.by_surface: dict[str, RegistryEntry] = {}
        for surface, entry in registry.surface_forms():
            if len(surface) >= 2:
                self.by_surface.setdefault(surface, entry)
        pattern = _trie_regex(sorted(self.by_surface, key=len, reverse=True))
        # Latin names (APP, GMV-like) must not match inside longer Latin words
        self.regex = re.compile(f"(?:{pattern})") if pattern else None

    def __call__(self, text: str) -> Iterator[Mention]:
        if self.regex is None:
            return
        for m in self.regex.finditer(text):
            surface = m.group(0)
            entry = self.by_surface.get(surface)
            if entry is None:
                continue
            if surface.isascii() and _inside_latin_word(text, m.start(), m.end()):
                continue
            yield Mention(m.start(), m.end(), surface, entry.category, entry.kind, entry.key, "registry",
                          canonical=entry.name)


def _inside_latin_word(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    return before.isascii() and before.isalnum() or after.isascii() and after.isalnum()


# --- productive patterns -------------------------------------------------------------------

CJK = r"\u4e00-\u9fff"
_NAME_CHAR = re.compile(rf"[{CJK}A-Za-z0-9（）()·]")
# words that end a stretch of text before a company name: 旗下, 由, 与 …
_LEFT_STOPS = sorted(
    ["旗下的", "旗下", "由", "与", "和", "及", "或", "是", "为", "对", "向", "在", "于", "将", "被", "的", "了",
     "称", "据", "经", "从", "把", "让", "给", "同", "跟", "以", "等", "其", "该", "系", "即", "通过", "包括",
     "联合", "控股", "持有", "成立", "设立", "注册", "全资", "子公司", "股东", "宣布", "发布", "表示", "显示",
     "公告", "认为", "获得", "获批", "取得", "拿到", "斩获", "收购", "入股", "投资", "起诉", "处罚", "罚款",
     "更名为", "更名", "作为", "这家", "一家", "此前", "目前", "近日", "日前", "今年", "去年", "已经", "已",
     "并", "且", "也", "还", "都", "而", "但", "则", "就", "即将", "正式", "完成", "年", "月", "日", "后", "前"],
    key=len, reverse=True)
_COMPANY_SUFFIX = re.compile(
    r"(?:（集团）|\(集团\))?(?:股份)?有限(?:责任)?公司|银行(?:股份有限公司)?|(?:集团)?股份公司|信托(?:有限责任公司)?"
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


def _extend_left(text: str, suffix_start: int, places: set[str]) -> int:
    """Walk left from a legal-form suffix over name characters until a stop word or punctuation."""
    i = suffix_start
    limit = max(0, suffix_start - _MAX_NAME)
    while i > limit and _NAME_CHAR.match(text[i - 1]):
        stop = next((w for w in _LEFT_STOPS if text.startswith(w, i - len(w)) and i - len(w) >= limit), None)
        if stop is not None and i < suffix_start:
            break
        i -= 1
    # "近日广州快手…": a name starts at a place name; cut what stands before the first one
    stretch = text[i:suffix_start]
    for p in range(1, len(stretch) - 1):
        if any(stretch.startswith(place, p) for place in places) and "(" not in stretch[:p] and "（" not in stretch[:p]:
            if p >= 2:
                return i + p
            break
    return i


def find_legal_names(text: str, places: set[str]) -> Iterator[Mention]:
    for m in _COMPANY_SUFFIX.finditer(text):
        start = _extend_left(text, m.start(), places)
        brand = text[start:m.start()]
        if len(brand) < 2 or not re.search(rf"[{CJK}A-Za-z]", brand):
            continue
        name = text[start:m.end()]
        category, kind = classify_company(name)
        yield Mention(start, m.end(), name, category, kind, None, "legal-name")


_AUTHORITY = re.compile(
    r"(?:地方)?金融(?:监督)?管理局|金融工作(?:办公室|局)|金融办|银保监局|银监局|证监局|金融监管局|监管局"
    r"|公安(?:局|厅)|市场监督管理局|市场监管局|人民法院|人民检察院"
)
_ADMIN_UNIT = re.compile(rf"[{CJK}]{{2}}(?:省|市|县|区|自治区|自治州)$")
_NATIONAL = ("国家", "中国", "最高")


def _admin_prefix_start(text: str, end: int, places: set[str]) -> int:
    """Walk left over place names and administrative units (广东省广州市) before an authority."""
    start = end
    while True:
        before = text[max(0, start - 8):start]
        place = max((p for p in places if before.endswith(p)), key=len, default=None)
        if place:
            start -= len(place)
            continue
        unit = _ADMIN_UNIT.search(before)
        if unit:
            start -= len(unit.group(0))
            continue
        return start


def find_regulators(text: str, places: set[str]) -> Iterator[Mention]:
    """Local authorities named after their place (安顺市地方金融监督管理局, 上海银保监局, 朝阳区人民法院)
    and branches of the central bank (中国人民银行上海分行)."""
    for m in _AUTHORITY.finditer(text):
        start = _admin_prefix_start(text, m.start(), places)
        if start == m.start():
            national = next((n for n in _NATIONAL if text.startswith(n, m.start() - len(n))), None)
            if national is None:
                continue
            start -= len(national)
        name = text[start:m.end()]
        kind = "Court" if name.endswith(("法院", "检察院")) else None
        yield Mention(start, m.end(), name, "Regulator", kind, None, "regulator")
    for m in re.finditer(rf"中国人民银行[{CJK}]{{2,8}}?(?:分行|中心支行|支行|营业管理部)", text):
        yield Mention(m.start(), m.end(), m.group(0), "Regulator", None, None, "regulator")


_TITLE = re.compile(r"《([^《》\n]{2,80})》")
_REGULATION_WORDS = re.compile(
    r"(?:办法|通知|规定|意见|条例|法|指引|细则|征求意见稿|决定|方案|规则|规范|准则|指导意见|函|公告|要求|标准)"
    r"(?:[（(]?(?:试行|暂行|征求意见稿|修订)[）)]?)?$"
)


def find_regulations(text: str) -> Iterator[Mention]:
    for m in _TITLE.finditer(text):
        title = m.group(1).strip()
        if _REGULATION_WORDS.search(title):
            yield Mention(m.start(1), m.end(1), title, "Regulation", None, None, "regulation")


_DOC_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,6}[〔\[［(（]\d{4}[〕\]］)）]\s*\d{1,4}\s*号")


def find_document_numbers(text: str) -> Iterator[tuple[int, int, str]]:
    """金规〔2025〕9号: the number that identifies a regulation."""
    for m in _DOC_NUMBER.finditer(text):
        yield m.start(), m.end(), m.group(0)


SEGMENTS = ("网络小贷", "网络小额贷款", "小额贷款", "小贷", "消费金融", "网贷", "P2P网贷", "P2P", "互联网金融",
            "融资担保", "助贷")
_SEGMENT_ALT = "|".join(sorted(map(re.escape, SEGMENTS), key=len, reverse=True))
_MARKET_TAIL = r"(?:行业|市场|机构|公司|平台)"


def find_markets(text: str, places: set[str]) -> Iterator[Mention]:
    """广州网络小贷行业: an industry segment in a place, the subject of sector statistics."""
    if not places:
        return
    place_alt = "|".join(sorted(map(re.escape, places), key=len, reverse=True))
    for m in re.finditer(rf"({place_alt})(?:市|省)?({_SEGMENT_ALT}){_MARKET_TAIL}", text):
        canonical = market_name(m.group(1), m.group(2))
        yield Mention(m.start(), m.end(), m.group(0), "Market", "Market", None, "market", canonical=canonical)


def find_market_statements(text: str, places: set[str]) -> Iterator[Mention]:
    """广州拥有36家网络小贷公司: the place stands for its market of that segment."""
    if not places:
        return
    place_alt = "|".join(sorted(map(re.escape, places), key=len, reverse=True))
    pattern = rf"({place_alt})(?:市|省)?(?:共|目前|现|当前)?(?:拥有|共有|现有|有)(?:\d+|[一二三四五六七八九十百]+)家({_SEGMENT_ALT})"
    for m in re.finditer(pattern, text):
        yield Mention(m.start(1), m.end(1), m.group(1), "Market", "Market", None, "market-statement",
                      canonical=market_name(m.group(1), m.group(2)))


def market_name(place: str, segment: str) -> str:
    segment = {"网络小额贷款": "网络小贷", "小额贷款": "小贷", "P2P网贷": "网贷", "P2P": "网贷"}.get(segment, segment)
    return f"{place}{segment}行业"


_DECLARED = re.compile(
    r"[（(]\s*(?:以下|下文)?(?:简称|下称|简称为)\s*[:：]?\s*[“\"「『]?(?P<alias>[^”\"」』）)，,、\s]{1,20})[”\"」』]?\s*[）)]"
)


def find_declared_aliases(text: str) -> Iterator[tuple[int, int, int]]:
    """(以下简称“360小贷”): (position of the bracket, alias start, alias end)."""
    for m in _DECLARED.finditer(text):
        yield m.start(), m.start("alias"), m.end("alias")


_PRIORITY = {"market-statement": 0, "market": 1, "registry": 2}


def resolve_overlaps(mentions: Iterable[Mention]) -> list[Mention]:
    """Leftmost-longest wins; on equal spans the registry beats patterns."""
    ranked = sorted(mentions, key=lambda m: (m.start, -(m.end - m.start), _PRIORITY.get(m.source, 9)))
    kept: list[Mention] = []
    last_end = -1
    for m in ranked:
        if m.start >= last_end:
            kept.append(m)
            last_end = m.end
        elif m.end > last_end and kept and m.start > kept[-1].start and (m.end - m.start) > (kept[-1].end - kept[-1].start):
            # a longer name starting inside the previous one: prefer the longer name
            kept[-1] = m
            last_end = m.end
    return kept
