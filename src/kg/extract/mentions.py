"""Finding names in the text: registry surface forms and productive patterns for names it lacks.

Recognisers yield candidate mentions with character offsets; `resolve_overlaps` keeps the
leftmost-longest (registry first on ties), so 快手 inside 广州快手小额贷款有限公司 is no mention.
"""

from __future__ import annotations

import re
from functools import lru_cache
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace

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
        yield from self._match(text, None)
        for split in _SPLIT_NAME.finditer(text):
            # 中信 银行: a web page's stray space inside a name; match around it with the space out
            space = split.start() + 1
            lo, hi = max(0, space - 16), min(len(text), space + 17)
            kept = [i for i in range(lo, hi) if i != space]
            yield from (m for m in self._match("".join(text[i] for i in kept), kept) if m.start < space < m.end)

    def _match(self, text: str, offsets: list[int] | None) -> Iterator[Mention]:
        """Matches in text; `offsets` maps a compacted text's positions back to the original."""
        for m in self.regex.finditer(text):
            surface = m.group(0)
            entry = self.by_surface.get(surface)
            if entry is None:
                continue
            if surface.isascii() and _inside_latin_word(text, m.start(), m.end()):
                continue
            if entry.key in _CHANNELS and _used_as_channel(text, m.start(), m.end()):
                continue
            start, end = (m.start(), m.end()) if offsets is None else (offsets[m.start()], offsets[m.end() - 1] + 1)
            # with offsets, the span covers the stray space and the surface is the name as registered
            yield Mention(start, end, surface, entry.category, entry.kind, entry.key, "registry", canonical=entry.name)


# Messaging and social apps are mostly named as a channel (官方微信, 用微信扫描二维码, 微信公众号):
# the medium a statement went through, not a party to what is stated.
_CHANNELS = frozenset({"wechat", "weibo"})  # registry keys of the messaging and social apps
_CHANNEL_BEFORE = re.compile(r"(?:官方|客服|用|通过|加|关注)\s*$")
_CHANNEL_AFTER = re.compile(r"^\s*(?:公众号|公众平台|扫描|扫码|扫一扫|群|号|朋友圈|小程序|账号|搜索|上|好友|聊天|客服|官方号|私信)")


def _used_as_channel(text: str, start: int, end: int) -> bool:
    return bool(_CHANNEL_BEFORE.search(text[max(0, start - 3):start]) or _CHANNEL_AFTER.match(text[end:end + 4]))


_SPLIT_NAME = re.compile(r"[\u4e00-\u9fff][ \u3000][\u4e00-\u9fff]")


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
     "联合", "持有", "成立", "设立", "注册", "全资", "子公司", "股东", "宣布", "发布", "表示", "显示",
     "公告", "认为", "获得", "获批", "取得", "拿到", "斩获", "收购", "入股", "起诉", "处罚", "罚款", "免去", "建议",
     "人民币", "附属", "赎回", "合计", "披露", "加入", "负责", "专门", "期间", "部分", "至今", "密集", "旗下平台",
     "拥有", "债务人", "债权人", "被告", "被执行人", "板块",
     "更名为", "更名", "作为", "这家", "一家", "此前", "目前", "近日", "日前", "近期", "此次", "本次", "随后", "同时",
     "今年", "去年", "已经", "已",
     "并", "且", "也", "还", "都", "而", "但", "则", "就", "即将", "正式", "完成", "年", "月", "日", "后", "前"],
    key=len, reverse=True)
_LEFT_STOP_TUPLE = tuple(_LEFT_STOPS)  # for str.endswith
_STOPS_BY_LAST: dict[str, tuple[str, ...]] = {}
for _w in _LEFT_STOPS:
    _STOPS_BY_LAST[_w[-1]] = (*_STOPS_BY_LAST.get(_w[-1], ()), _w)
_COMPANY_SUFFIX = re.compile(
    r"(?:（集团）|\(集团\))?(?:股份)?有限(?:责任)?公司|(?P<bank>银行)(?:股份有限公司)?|(?:集团)?股份公司"
)
_NAME_START_OK = re.compile(r"[\s，。、；：:;,.!?！？“”\"'（）()《》【】\[\]—…·]|^$")
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
        stop = next((w for w in _STOPS_BY_LAST.get(text[i - 1], ()) if text.startswith(w, i - len(w))
                     and i - len(w) >= limit), None)
        if stop is not None and len(stop) == 1 and _word_inside_name(text[i - 2:i]):
            stop = None  # 票据, 青年: the stop character ends a word inside the name (深圳市票据宝…)
        if stop is not None and i < suffix_start:
            # a one-character stop right after punctuation starts a name: ，和信电子商务有限公司
            before = text[max(0, i - 4): i - 1]
            if stop in _NAME_INITIALS and (_NAME_START_OK.match(before[-1:]) or before.endswith(
                    (*_LEFT_STOPS, "公司", "平台"))):
                i -= 1
            break
        i -= 1
    # "近日广州快手…": a name starts at a place name; cut what stands before the first one
    stretch = text[i:suffix_start]
    place_at = place_regex(places)
    for p in range(1, len(stretch) - 1):
        if place_at.match(stretch, p) and "(" not in stretch[:p] and "（" not in stretch[:p]:
            if p >= 2 or stretch[0] in _NAME_INITIALS or stretch[0] in _LEFT_STOPS:
                return i + p  # …，和广西川惠…: a one-character word before the place is not the name's
            break
    return i


def _word_inside_name(word: str) -> bool:
    """A word jieba knows as a noun or the like (票据 n, 青年 t), not itself a stop word (近日, 今年)."""
    tag = _word_tags().get(word)
    return tag is not None and tag[:1] not in "vpcdur" and word not in _LEFT_STOPS


def place_regex(places, extra: tuple[str, ...] = ()) -> re.Pattern[str]:
    """One compiled alternation of place names (longest first), built once per registry."""
    return _place_regex(frozenset(places), extra)


@lru_cache(maxsize=8)
def _place_regex(places: frozenset[str], extra: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(sorted(map(re.escape, set(places) | set(extra)), key=len, reverse=True)) or "(?!)")


_NAME_INITIALS = {"和", "同", "及"}  # stop words that also begin names (和信, 同花顺); never 由, 与, 在 …
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


def find_legal_names(text: str, places: set[str], blocked: set[int] = frozenset()) -> Iterator[Mention]:
    for m in _COMPANY_SUFFIX.finditer(text):
        start = _extend_left(text, m.start(), places, blocked)
        brand = text[start:m.start()]
        if len(brand) < 2 or not re.search(rf"[{CJK}A-Za-z]", brand):
            continue
        if m.group("bank") and m.end() == m.end("bank"):
            # a bare …银行 is a name only when it starts at a place: 上海银行, 浙江泰隆商业银行
            if not (any(brand.startswith(p) for p in places) or _ADMIN_START.match(brand)):
                continue
        start = _after_open_bracket(text, start, m.start())
        name = text[start:m.end()]
        if len(name) - len(m.group(0)) < 2 or _DESCRIPTION.search(name[: len(name) - len(m.group(0))]):
            continue  # 泰国最大商业银行: a description, not a name
        category, kind = classify_company(name)
        yield Mention(start, m.end(), name, category, kind, None, "legal-name")


_AUTHORITY = re.compile(
    r"(?:地方)?金融(?:监督)?管理局|金融工作(?:办公室|局)|金融办|银保监局|银监局|证监局|金融监管局|监管局"
    rf"|公安(?:局|厅)(?:[{CJK}]{{2,4}}分局)?|市场监督管理局|市场监管局|(?:第[一二三四五六七八九十]+)?(?:中级|高级)?人民法院"
    r"|人民检察院|打非办|金融稳定局"
)
_ADMIN_UNIT = re.compile(rf"[{CJK}]{{2}}(?:省|市|县|区|自治区|自治州)$")
_NATIONAL = ("国家", "中国", "最高")
_COMMISSIONS = ("中国银保监会", "中国银监会", "中国证监会", "中国保监会", "银保监会", "银监会", "证监会", "保监会",
                "国家金融监督管理总局", "金融监管总局")


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
            longer = text[max(0, start - len(unit.group(0)) - 1):start - 1]
            # 石景山区: a three-character district when jieba knows the word
            if before.endswith(("区", "县")) and len(longer) == 3 and longer in _word_tags():
                start -= 4
            else:
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
        # 银监会浙江监管局, 中国证监会北京监管局: the commission's office in that place is one body
        parent = next((p for p in _COMMISSIONS if text.startswith(p, start - len(p))), None)
        if parent is not None and text[m.start():m.end()].endswith("监管局"):
            start -= len(parent)
        name = text[start:m.end()]
        kind = "Court" if name.endswith(("法院", "检察院")) else None
        yield Mention(start, m.end(), name, "Regulator", kind, None, "regulator")
    for m in re.finditer(rf"(?:中国人民银行|国家外汇管理局|国家税务总局)([{CJK}]{{2,10}}?)(?:分行|中心支行|支行|营业管理部|分局|中心支局|支局)", text):
        if _is_place_run(m.group(1), places):
            yield Mention(m.start(), m.end(), m.group(0), "Regulator", None, None, "regulator")


def _is_place_run(run: str, places: set[str]) -> bool:
    """广东, 新疆维吾尔自治区, 乌鲁木齐市: place names and administrative units, nothing else."""
    pos = 0
    while pos < len(run):
        place = max((p for p in places if run.startswith(p, pos)), key=len, default=None)
        if place:
            pos += len(place)
        elif run[pos] in "省市县区":
            pos += 1
        else:
            unit = re.match(r"(?:维吾尔|壮族|回族)?自治区|自治州", run[pos:])
            if not unit:
                return False
            pos += len(unit.group(0))
    return True


_BANK_BRANCH = re.compile(rf"([{CJK}]{{2,10}}?)(分行|支行)")


def find_bank_branches(text: str, banks: list[Mention], places: set[str]) -> Iterator[Mention]:
    """中信银行乌鲁木齐分行: a bank's branch in a place, named after both, is a lender of its own."""
    for bank in banks:
        m = _BANK_BRANCH.match(text, bank.end)
        if m and _is_place_run(m.group(1), places):
            # named by the bank's own surface form: a stray space inside it (中信 银行) is not kept
            yield Mention(bank.start, m.end(), bank.text + m.group(0), "Lender", "Bank", None, "legal-name")


SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜"
    "崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛"
    "樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁"
    "冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米"
    "柏宗瞿桂全佟应臧闵苟邬边卞姬师仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝巍"
)
COMPOUND_SURNAMES = ("欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐", "长孙", "宇文", "司徒", "夏侯")
_PERSON_TITLE = (
    r"(?:董事长|总经理|总裁|首席执行官|CEO|创始人|联合创始人|董事|监事|法定代表人|法人代表|实际控制人|实控人|负责人|"
    r"副总裁|行长|副行长|局长|副局长|主席|副主席|理事长|秘书长|分析师|研究员|院长|教授|律师|犯罪嫌疑人|嫌疑人|被告人|新闻发言人|发言人|董秘|"
    r"总监|合伙人|执行董事|经理|股东|主任|所长|处长|记者|免去|任命|聘任|聘请|选举|提名|新增)"
)
_AFTER_NAME = re.compile(
    r"(?:先生|女士|表示|称|指出|认为|介绍|说|等|也|在|的|是|为|已|曾|于|将|和|与|及|对|向|被|因|担任|任|出任|持有|"
    r"透露|回应|强调|坦言|告诉|接受|同志|涉嫌|集资|犯|\d|、|，|,|。|：|:|；|（|\(|）|\)|“|”|\s|$)"
)
_TITLE_THEN_NAME = re.compile(_PERSON_TITLE + r"(?:为|是)?[：:，、\s]?")
_NAME_THEN_CUE = re.compile(r"(?:先生|女士|表示|指出|认为|透露|坦言|强调|回应)")


@lru_cache(maxsize=1)
def _word_tags() -> dict[str, str]:
    """jieba's dictionary tags: a word it knows as a common word (文章 n) is not a name."""
    import jieba.posseg

    return jieba.posseg.dt.word_tag_tab


def _name_at(text: str, i: int) -> int | None:
    """End of a person name starting at i (surname + 1–2 characters), judged by what follows."""
    surname = 2 if text[i:i + 2] in COMPOUND_SURNAMES else 1 if text[i:i + 1] in SURNAMES else 0
    if not surname:
        return None
    tags = _word_tags()
    ends = []
    for given in (2, 1):
        end = i + surname + given
        name = text[i:end]
        if len(name) < 2 or not re.fullmatch(rf"[{CJK}]+", name) or "某" in name:
            continue
        tag = tags.get(name)
        if tag is not None and not tag.startswith("nr"):
            continue
        if len(name) == 3 and (tags.get(name[:2], "")[:1] == "v" or tags.get(name[1:], "")[:1] in ("t", "m")):
            continue  # 查封位, 于本月: a word jieba knows inside it, not a given name
        if len(name) == 3 and name[2] in _NOT_NAME_END:
            end -= 1  # 李宁忙…, 金伟又…: the third character starts the next word
            name = name[:2]
        if _AFTER_NAME.match(text, end) or given == 2 and len(name) == 2:
            ends.append((end, tag))
    if len(ends) == 2 and ends[1][1] and ends[1][1].startswith("nr") and ends[0][1] is None:
        return ends[1][0]  # 李宁 (a known name) rather than 李宁忙
    if len(ends) == 2 and text[ends[0][0] - 1] in _NOT_NAME_END:
        return ends[1][0]  # 凌骏曾任…, 易纲称…: the third character starts the next word
    return ends[0][0] if ends else None


_NOT_NAME_END = set("曾称忙又位在将已也被于的等和与及是为说")


def find_persons(text: str) -> Iterator[Mention]:
    """Named people: a title before the name (董事长周某某) or a speech cue after it (王某表示)."""
    seen: set[int] = set()
    for m in _TITLE_THEN_NAME.finditer(text):
        i = m.end()
        while i < len(text):
            end = _name_at(text, i)
            if end is None or i in seen:
                break
            seen.add(i)
            yield Mention(i, end, text[i:end], "Person", None, None, "person")
            if text[end:end + 1] == "、":  # 股东巍伟、王伟
                i = end + 1
                continue
            break
    for m in _NAME_THEN_CUE.finditer(text):
        for size in (3, 2):
            i = m.start() - size
            if i < 0 or i in seen:
                continue
            before = text[i - 1:i] if i > 0 else ""
            if before and not _NAME_START_OK.match(before) and before not in "称据经由":
                continue
            if _name_at(text, i) == m.start():
                seen.add(i)
                yield Mention(i, m.start(), text[i:m.start()], "Person", None, None, "person")
                break


# P2P-era platform brands the registry cannot all know: 易利贷, 爱贷网, 米宝理财, 华夏信财 …
_BRAND = (rf"[A-Za-z0-9{CJK}]{{1,5}}?(?:贷|宝|网|金服|金融|理财|财富|在线|普惠|钱包|借款|计划|所|财主|汇|盒子|金科|信财|易贷|e贷|钱庄)")
_BRAND_END = (r"(?=[，。、；：:;,.!?！？“”\"'（）()\s]|的|旗下|于|已|被|在|发布|表示|称|运营|平台|成立|上线|是|为|宣布|"
              r"出现|爆雷|暴雷|逾期|清盘|立案|涉嫌|良性退出|等|和|与|及|停止|跑路|失联|兑付|非法|疑|实际控制人|实控人|隶属|归属|$)")
_PLATFORM_BEFORE = re.compile(rf"(?:(?:P2P|网贷|互金|理财|借贷|网络借贷)?平台|P2P)[“\"「]?({_BRAND}){_BRAND_END}")
_PLATFORM_LIST = re.compile(rf"((?:{_BRAND}[、/])+{_BRAND})(?:等)?(?:\d+家|多家|几家)?(?:P2P|网贷|互金|理财)?平台")
_PLATFORM_EVENT = re.compile(
    rf"(?:^|(?<=[，。、；：:;,!?！？“”\"（）()\s]))({_BRAND})(?:平台)?(?:已|正式|突然|也)?"
    r"(?:疑似?|涉嫌)?(?:爆雷|暴雷|逾期|清盘|被立案|立案侦查|被警方立案|良性退出|停止运营|跑路|失联|宣布清退|无法兑付)"
)
_NOT_BRANDS = {"该平台", "网贷", "理财", "金融", "互联网金融", "平台", "财富", "借款", "计划", "网络", "这家", "一家",
               "多家", "部分", "其他", "旗下", "该网", "官网", "网站", "上网", "联网", "互联网", "中国", "全国"}


_LIST_SEPARATORS = "、/"
_ITEM = re.compile(rf"[A-Za-z0-9{CJK}]{{2,6}}")


def find_list_neighbours(text: str, anchors: list[Mention], known: set[str]) -> Iterator[Mention]:
    """宜人贷、易利贷、农金宝互金: names listed with a known lender or platform are of its kind."""
    taken = {(a.start, a.end) for a in anchors}
    for anchor in anchors:
        if anchor.category not in ("Lender", "Platform"):
            continue
        for direction in (1, -1):
            pos = anchor.end if direction == 1 else anchor.start
            for _ in range(6):  # a list is short; stop at anything that is not one
                if direction == 1:
                    if text[pos:pos + 1] not in _LIST_SEPARATORS:
                        break
                    m = _ITEM.match(text, pos + 1)
                    if not m:
                        break
                    # the longest item that ends at a separator: 山海贷的网贷业务 → 山海贷; never past 等
                    last = text.find("等", m.start(), m.end())
                    last = m.end() if last < 0 else last
                    end = next((e for e in range(last, m.start() + 1, -1) if _ends_item(text, e)), None)
                    if end is None:
                        break
                    start = m.start()
                else:
                    if text[pos - 1:pos] not in _LIST_SEPARATORS:
                        break
                    end, start = pos - 1, pos - 1
                    while start > 0 and start > end - 6 and _ITEM.match(text[start - 1]):
                        start -= 1
                    if end - start < 2 or not _starts_item(text, start):
                        break
                name = text[start:end]
                if (start, end) not in taken and name not in known and _looks_like_brand(name):
                    taken.add((start, end))
                    yield Mention(start, end, name, anchor.category, anchor.kind if anchor.category == "Lender" else None,
                                  None, "listed")
                pos = end if direction == 1 else start


def _ends_item(text: str, end: int) -> bool:
    return end >= len(text) or text[end] in "、/，。；,;：:！？!? \n（(" or text.startswith(("等", "和", "及", "被", "的"), end)


def _starts_item(text: str, start: int) -> bool:
    return start == 0 or text[start - 1] in "、/，。；,;：:！？!? \n）)“”\"】"


def _looks_like_brand(name: str) -> bool:
    """Not a common word (jieba knows it as a verb, adjective …) and no number in it."""
    if re.search(r"\d", name) or name in _NOT_BRANDS:
        return False
    return _word_tags().get(name, "nz")[:1] not in _NOT_BRAND_TAGS and _word_tags().get(name, "nz") != "n"


_APP = re.compile(rf"([{CJK}A-Za-z0-9]{{2,8}})(?:APP|App|app)(?![A-Za-z])")
_APP_STOPS = ("下载", "登录", "登陆", "使用", "打开", "通过", "借助", "名为", "叫做", "一款", "这款", "该款", "款")
_SEPARATORS = "、，。；：:;,.!?！？“”\"'（）()【】《》 \n\t"


def find_app_names(text: str, known: set[str], taken: list[tuple[int, int]]) -> Iterator[Mention]:
    """花财APP, 下载华夏速贷APP: a lending app named by the word APP after it. The name is the
    shortest run before APP that starts after a separator or a stop word (下载, 被, 的 …)."""
    for m in _APP.finditer(text):
        end = m.end(1)
        start = _name_start(text, m.start(1), end, _APP_STOPS, longest=5)
        if start is None:
            continue
        name = text[start:end]
        if name not in known and _app_name_ok(name) and not _covered(start, end, taken):
            if _PLATFORM_SUFFIX.search(name):  # 海象理财APP: the platform's own app
                yield Mention(start, end, name, "Lender", "P2PLender", None, "platform")
            else:
                yield Mention(start, end, name, "Product", None, None, "product-list")


_STOCK_CODE = re.compile(
    rf"([{CJK}A-Za-z]{{2,12}})\s*[（(](?:(?:NYSE|NASDAQ|Nasdaq|纽交所|港交所|HK|SZ|SH|股票代码)\s*[:：]?\s*)?"
    r"(\d{4,6}(?:\.(?:HK|SZ|SH))?|(?<=[:：])\s*[A-Z]{1,5})[)）]"  # letters only after NYSE: / NASDAQ:
)
_CODE_TAIL = re.compile(r"[（(](?:(?:NYSE|NASDAQ|Nasdaq|纽交所|港交所|HK|SZ|SH|股票代码)\s*[:：]?\s*)?(?:\d{4,6}(?:\.(?:HK|SZ|SH))?|[A-Z]{1,5})[)）]")
_LISTED_STOPS = ("上市企业", "上市公司", "企业", "公司", "巨头", "看好")


def find_listed_names(text: str, known: set[str], taken: list[tuple[int, int]]) -> Iterator[Mention]:
    """中国支付通(08325), 中国港桥（2323.HK）: a name followed by its stock code is a listed company.
    The name is the shortest run before the code that starts after a separator or a stop word."""
    for tail in _CODE_TAIL.finditer(text):
        # anchored on the code: the name run is read backwards from it (cheaper than trying every position)
        m = _STOCK_CODE.search(text, max(0, tail.start() - 14), tail.end())
        if m is None or m.end() != tail.end():
            continue
        code = m.group(2)
        if re.fullmatch(r"(?:19|20)\d{2}", code.strip()):
            continue  # (2019): a year, not a code
        end = m.end(1)
        start = _name_start(text, m.start(1), end, _LISTED_STOPS)
        if start is None:
            continue
        name = text[start:end]
        if name not in known and name not in _NOT_BRANDS and not _MEDIA_NAME.search(name) and \
                not _covered(start, end, taken) and _looks_like_brand(name):
            yield Mention(start, end, name, "Organization", None, None, "org-short")


def _name_start(text: str, run_start: int, end: int, stops: tuple[str, ...], longest: int = 12) -> int | None:
    """Where a name ending at `end` starts, for a run of name characters from `run_start` before a
    cue (APP, 平台, a stock code): the shortest stretch of two characters or more that follows a
    separator or a stop word (下载花财APP → 花财; 王永红拟将中国港桥(2323) → 中国港桥); None if there is none."""
    for size in range(2, min(longest, end - run_start) + 1):
        start = end - size
        before = text[max(0, start - 4):start]
        if start == run_start and (start == 0 or text[start - 1] in _SEPARATORS) or \
                before.endswith(_LEFT_STOP_TUPLE) or stops and before.endswith(stops):
            return start
    return None


def _covered(start: int, end: int, taken: list[tuple[int, int]]) -> bool:
    """Inside a name already found (a shorter one inside it, 中国 in 中国支付通, is outgrown later)."""
    return any(s <= start and end <= e for s, e in taken)


_APP_BRAND = re.compile(rf"^(?:{_BRAND})$")
_PRODUCT_SHAPE = re.compile(r"(?:宝|贷|借|付|花|分期|钱包|借款|借条|白条|金条|信用卡)$")
_PLATFORM_SUFFIX = re.compile(r"(?:理财|金服|金融|财富|所|网|在线|普惠|汇|盒子|金科|信财|钱庄|财主)$")


def _app_name_ok(name: str) -> bool:
    """A lending brand's shape (海象理财, 维秘金服), or two characters jieba does not know (花财);
    never a phrase (官网和, 此名校贷, 多个银行的) or an outlet (智通财经)."""
    if name in _NOT_BRANDS or name.endswith(("和", "及", "的", "在", "等", "与", "或", "网贷")) or \
            name.startswith(("此", "这", "该", "那", "多个", "两个", "个人", "自身", "其")) or _MEDIA_NAME.search(name):
        return False
    if not _looks_like_brand(name):
        return False
    return bool(_APP_BRAND.match(name) or _PRODUCT_SHAPE.search(name)) or (len(name) == 2 and name not in _word_tags())


_MEDIA_NAME = re.compile(r"(?:财经|日报|晚报|时报|周刊|新闻|博客|头条)$")


_PRODUCT_LIST_CUE = re.compile(r"(?:产品(?:分为|包括|有|如)|推出(?:了)?(?:系列)?产品|旗下(?:的)?产品(?:有|包括)?)[:：]?")
_PRODUCT_ITEM = re.compile(rf"([{CJK}A-Za-z]{{1,5}}(?:宝|贷|借|付|花|分期|钱包|借款|借条|白条|金条|信用卡))(?=[、，,。；;\d(（\s]|等|更|是|为|$)")


_PRODUCT_OWNER = re.compile(rf"(?:^|(?<=[，。、；：:;,!?！？“”\"（）()\s]))({_BRAND})(?:的)?(?:理财)?(?=产品(?:分为|包括|有|如)|推出)")


_LISTED_PRODUCTS = re.compile(
    rf"((?:[{CJK}A-Za-z0-9]{{2,8}}、)+[{CJK}A-Za-z0-9]{{2,6}})等(?P<kind>(?:理财|投资|借贷|贷款|金融)?产品|(?:理财|投资)?项目)")
_RENAMED = re.compile(rf"(?:更名为|改名为|更名|改名)[“\"「]?([{CJK}A-Za-z0-9]{{2,8}})")


_FORMER = re.compile(rf"\s*[（(](?:原|原名|原称|曾用名|前身为?)[:：]?([{CJK}A-Za-z0-9]{{2,12}})[)）]")


_LISTED_SUBSIDIARIES = re.compile(
    rf"((?:[{CJK}A-Za-z0-9]{{2,8}}(?:[（(]原[{CJK}A-Za-z0-9]{{2,8}}[)）])?、)+[{CJK}A-Za-z0-9]{{2,8}}(?:[（(]原[{CJK}A-Za-z0-9]{{2,8}}[)）])?)"
    r"等(?:多个|多家|几家|[两三四五六七八九十\d]+家|[两三四五六七八九十\d]+个)?(?:全资|控股)?(?:子公司|关联公司)")


def find_listed_subsidiaries(text: str, known: set[str], taken: list[tuple[int, int]]) -> Iterator[Mention]:
    """以国商信联、国商信达、国商互联等多个子公司形态存在: the items of a list closed by 等…子公司."""
    if "子公司" not in text and "关联公司" not in text:
        return  # the list pattern is costly to try everywhere
    for m in _LISTED_SUBSIDIARIES.finditer(text):
        pos = m.start(1)
        items = re.split(r"、", m.group(1))
        first = _after_verb(items[0])
        pos += len(items[0]) - len(first)
        for item in [first, *items[1:]]:
            name = re.sub(r"[（(].*$", "", item)
            if name not in known and name not in _NOT_BRANDS and len(name) >= 3 and not _covered(pos, pos + len(name), taken):
                yield Mention(pos, pos + len(name), name, "Organization", None, None, "org-short")
            pos += len(item) + 1


def find_former_names(text: str, found: list[Mention], known: set[str]) -> Iterator[Mention]:
    """金谷财行(原金联专享): the former name in brackets after a name is a name of the same kind."""
    for m in found:
        former = _FORMER.match(text, m.end)
        if former and former.group(1) not in known and former.group(1) != m.text:
            yield Mention(former.start(1), former.end(1), former.group(1), m.category, m.kind, None, "platform")


def find_renamed_names(text: str, known: set[str], taken: list[tuple[int, int]]) -> Iterator[Mention]:
    """…后改名为米袋网: the new name of a renamed platform, when it has a lending brand's shape."""
    for m in _RENAMED.finditer(text):
        run = m.group(1)
        brand = re.match(rf"(?:{_BRAND})(?=[^{CJK}A-Za-z0-9]|$)", run + " ")
        if brand is None:
            continue
        start, end = m.start(1), m.start(1) + len(brand.group(0))
        name = text[start:end]
        if name not in known and name not in _NOT_BRANDS and _looks_like_brand(name) and not _covered(start, end, taken):
            yield Mention(start, end, name, "Lender", "P2PLender", None, "platform")


def _generic_compound(name: str) -> bool:
    """券商资管, 银行理财: two common words side by side name a kind of product, not one product."""
    tags = _word_tags()
    if name.startswith(_PRODUCT_KINDS) or name.endswith(_PRODUCT_KINDS):
        return True
    return len(name) == 4 and all(tags.get(part, "x")[:1] in ("n", "v") for part in (name[:2], name[2:]))


_PRODUCT_KINDS = ("资管", "基金", "信托", "保险", "券商", "银行", "存款", "国债", "债券", "股票", "期货", "理财")


def _after_verb(run: str) -> str:
    """宣传懒活期 → 懒活期: the shortest tail after a stop word or a verb jieba knows; else the run."""
    for size in range(3, len(run)):
        head = run[:-size]
        if head.endswith(_LEFT_STOP_TUPLE) or any(_word_tags().get(head[-n:], "")[:1] == "v" for n in (2, 1)):
            return run[-size:]
    return run


def find_product_lists(text: str, known: set[str]) -> Iterator[Mention]:
    """花虾金融产品分为…猜虾宝45天、花宝30天 / 推出系列产品地产宝: products named in a list after a cue,
    and the platform named right before the cue."""
    for m in _PRODUCT_OWNER.finditer(text):
        name = m.group(1)
        if name not in known and name not in _NOT_BRANDS and _looks_like_brand(name):
            yield Mention(m.start(1), m.end(1), name, "Lender", "P2PLender", None, "platform")
    # 懒活期、懒定制、懒定期等项目: the items of a list closed by 等项目 / 等产品
    for m in _LISTED_PRODUCTS.finditer(text):
        pos = m.start(1)
        items = m.group(1).split("、")
        first = _after_verb(items[0])
        pos += len(items[0]) - len(first)
        # bare 等产品 may list goods (路由器、空气净化器): then only names shaped like loan products
        any_shape = m.group("kind") != "产品"
        for item in [first, *items[1:]]:
            if item not in known and _looks_like_brand(item) and item not in _NOT_BRANDS and \
                    not _generic_compound(item) and (any_shape or _PRODUCT_SHAPE.search(item)):
                yield Mention(pos, pos + len(item), item, "Product", None, None, "product-list")
            pos += len(item) + 1
    for cue in _PRODUCT_LIST_CUE.finditer(text):
        pos, end_of_list = cue.end(), min(len(text), cue.end() + 160)
        stop = text.find("。", pos)
        end_of_list = min(end_of_list, stop) if stop >= 0 else end_of_list
        for m in _PRODUCT_ITEM.finditer(text, pos, end_of_list):
            name = m.group(1)
            while (w := next((w for w in _LEFT_STOPS if name.startswith(w)), None)) and len(name) - len(w) >= 2:
                name = name[len(w):]
            start = m.end(1) - len(name)
            if start > cue.end() and re.match(rf"[{CJK}A-Za-z]", text[start - 1]) and text[start - 1] not in "、，,":
                # glued to the word before it: only a name if that word is a stop word or a number
                if not re.search(r"[\d天月期)）]$", text[max(0, start - 3):start]):
                    continue
            if name in known or len(name) < 2:
                continue
            yield Mention(start, m.end(1), name, "Product", None, None, "product-list")


_ORG_SHORT = re.compile(
    rf"(?:^|(?<=[，。、；：:;,!?！？“”\"（）()\s和与及由向对被括得司的]))([{CJK}]{{2,4}}?(?:资本|证券|集团|实业|控股|基金|金控|传媒|电器|地产|金服|保险|创投|资管|科技))"
    r"(?=[，。、；：:;,!?！？“”\"（）()\s]|和|与|及|等|领投|跟投|参投|的|旗下|已|将|于|在|为|是|发布|宣布|表示|完成|获得|获|"
    r"推出|成立|上线|称|持有|控股|入股|收购|共同|全额|全资|拟|正式|成功|作为|旗下|[两三四五六七八九十\d]+家|$)"
)
_NOT_ORGS = {"私募基金", "公募基金", "产业基金", "投资基金", "该集团", "旗下集团", "企业集团", "中国证券", "房地产",
             "金融科技", "互联网科技", "信息科技", "网络科技", "数字科技", "高科技", "黑科技", "前沿科技", "科技",
             "金融控股集团", "金融集团", "控股集团", "投资集团", "金融控股", "民营集团", "国有集团", "上市集团"}


def find_short_org_names(text: str, known: set[str]) -> Iterator[Mention]:
    """春华资本, 德邦证券, 加多宝集团: organisations named by brand and business, between separators."""
    for m in _ORG_SHORT.finditer(text):
        name = m.group(1)
        if name in known or name in _NOT_ORGS or name.startswith(("该", "这", "其", "各", "多", "某")):
            continue
        while stop := next((w for w in _LEFT_STOPS if name.startswith(w)), None):
            name = name[len(stop):]  # 目前红岭创投 → 红岭创投, 的是中弘控股 → 中弘控股
        if len(name) < 4:
            continue
        brand = _ORG_BRAND.match(name).group(1)
        if _word_tags().get(brand, "n")[:1] in _NOT_BRAND_TAGS or _word_tags().get(name[:2], "n")[:1] in _NOT_BRAND_TAGS:
            continue  # 销售保险, 大型金融集团: a verb or an adjective, not a brand
        yield Mention(m.end(1) - len(name), m.end(1), name, "Organization", None, None, "org-short")


_ORG_BRAND = re.compile(r"(.+?)(?:资本|证券|集团|实业|控股|基金|金控|传媒|电器|地产|金服|保险|创投|资管|科技)$")
_NOT_BRAND_TAGS = set("vadmbrpcu")


_BEFORE_PLATFORM = re.compile(rf"([{CJK}A-Za-z0-9]{{2,8}})平台(?!化|型|类|上|内|方|经济|企业|公司|机构|业务)")
_GENERIC_BEFORE_PLATFORM = ("网贷", "借贷", "理财", "交易", "服务", "网络", "互联网", "金融", "互金", "投资", "第三方",
                            "电商", "支付", "综合", "开放", "该", "这个", "这家", "一家", "多家", "其他", "问题", "监测",
                            "信息", "数据", "科技", "技术", "社交", "消费", "贷款", "信贷", "融资", "资产", "线上",
                            "官方", "公开", "合规", "头部", "小贷", "助贷", "在线", "车贷", "房贷", "管理", "运营", "现金贷",
                            "校园贷", "套路贷", "裸贷", "首付贷", "消费贷", "经营贷")


_DEMONSTRATIVE = re.compile(r"(?:这|那|该|此|各|每|某|多|几|一|两|上|下|其|本|我|你|他|有|获取|投诉|因此|登陆|进入)")


def _platforms_named_before(text: str, known: set[str]) -> Iterator[tuple[int, int]]:
    """安心贷平台, 爱财有道平台暂停运营: the name before 平台 (see _name_start), when it has a lending
    brand's shape and is no generic word (网贷平台, 现金贷平台) or demonstrative (该平台)."""
    for m in _BEFORE_PLATFORM.finditer(text):
        end = m.end(1)
        start = _name_start(text, m.start(1), end, ())
        if start is None:
            continue
        name = text[start:end]
        if name in known or name.endswith(_GENERIC_BEFORE_PLATFORM):
            continue
        if len(name) >= 3 and _APP_BRAND.match(name) and _looks_like_brand(name) and not _DEMONSTRATIVE.match(name):
            yield start, end


_PLATFORM_LIST_END = re.compile(_PLATFORM_LIST.pattern + "$")
_PLATFORM_EVENT_END = re.compile(_PLATFORM_EVENT.pattern + "$")
_LIST_ANCHOR = re.compile(r"平台")
_EVENT_ANCHOR = re.compile(r"爆雷|暴雷|逾期|清盘|立案|良性退出|停止运营|跑路|失联|宣布清退|无法兑付")


def _anchored(pattern: re.Pattern[str], anchor: re.Pattern[str], text: str, reach: int) -> Iterator[re.Match[str]]:
    """Matches of a pattern that ends at an anchor word, tried only in the window before each
    anchor: the same matches as a scan of the whole text, at a fraction of the cost."""
    last = -1
    for a in anchor.finditer(text):
        m = pattern.search(text, max(0, a.start() - reach), a.end())
        if m is not None and m.start() >= last:
            last = m.end()
            yield m


def find_platform_names(text: str, known: set[str]) -> Iterator[Mention]:
    """Lending platforms named by their context: 平台X, X平台, X、Y等平台, X爆雷/清盘/被立案."""
    spans: list[tuple[int, int]] = list(_platforms_named_before(text, known))
    for m in _PLATFORM_BEFORE.finditer(text):
        spans.append((m.start(1), m.end(1)))
    for m in _anchored(_PLATFORM_LIST_END, _LIST_ANCHOR, text, 90):
        pos = m.start(1)
        for item in re.split("[、/]", m.group(1)):
            spans.append((pos, pos + len(item)))
            pos += len(item) + 1
    for m in _anchored(_PLATFORM_EVENT_END, _EVENT_ANCHOR, text, 16):
        spans.append((m.start(1), m.end(1)))
    for start, end in spans:
        # 平台推出了青禾贷: a verb after 平台 is no part of the name
        while (w := next((w for w in _LEFT_STOPS if text.startswith(w, start)), None)) or \
                _word_tags().get(text[start:start + 2], "")[:1] == "v" and end - start > 3:
            start += len(w) if w else 2
        name = text[start:end]
        if name in _NOT_BRANDS or name in known or len(name) < 2 or name.isdigit() or name.endswith("官网"):
            continue
        if re.search(r"\d", name) and (re.search(r"[万亿元%％]", name) or not re.search(rf"[{CJK}A-Za-z]", name)):
            continue  # 8000万元… is no brand (58车贷 is)
        yield Mention(start, end, name, "Lender", "P2PLender", None, "platform")




def find_associations(text: str, places: set[str]) -> Iterator[Mention]:
    """中国互联网金融协会, 北京市互联网金融行业协会; 扬州市…领导小组办公室 (a regulator)."""
    association, group = _association_regexes(frozenset(places))
    for m in association.finditer(text):
        yield Mention(m.start(), m.end(), m.group(0), "Organization", None, None, "association")
    for m in group.finditer(text):
        yield Mention(m.start(), m.end(), m.group(0), "Regulator", None, None, "regulator")


@lru_cache(maxsize=8)
def _association_regexes(places: frozenset[str]) -> tuple[re.Pattern[str], re.Pattern[str]]:
    alt = place_regex(places, ("中国", "全国")).pattern
    return (re.compile(rf"(?:{alt})(?:省|市|自治区)?[{CJK}]{{2,12}}?(?:行业)?协会"),
            re.compile(rf"(?:{alt})(?:省|市|自治区)?[{CJK}]{{2,16}}?领导小组(?:办公室)?"))


_TITLE = re.compile(r"《([^《》]{2,80})》")
_REGULATION_WORDS = re.compile(
    r"(?:办法|通知|规定|意见|条例|法|指引|细则|征求意见稿|决定|方案|规则|规范|准则|指导意见|函|要求|标准|倡议书|风险提示)"
    r"(?:[（(]?(?:试行|暂行|征求意见稿|修订)[）)]?)?$"
)


_MEDIA_TITLE = re.compile(r"(?:报|日报|时报|晚报|晨报|周刊|杂志|财经)$")


def find_regulations(text: str) -> Iterator[Mention]:
    """《…办法》 and the like are regulations; 《证券时报》-like titles are media organisations."""
    for m in _TITLE.finditer(text):
        raw = m.group(1)
        if raw.count("\n") > 1:
            continue  # not a title: an unmatched 《 far away
        title = re.sub(r"\s+", "", raw)  # a title broken across a line keeps one name
        canonical = title if title != raw else None
        if _REGULATION_WORDS.search(title):
            yield Mention(m.start(1), m.end(1), raw, "Regulation", None, None, "regulation", canonical=canonical)
        elif _MEDIA_TITLE.search(title) and len(title) <= 8:
            yield Mention(m.start(1), m.end(1), raw, "Organization", None, None, "media", canonical=canonical)


_DOC_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,6}[〔\[［(（]\d{4}[〕\]］)）]\s*\d{1,4}\s*号")


def find_document_numbers(text: str) -> Iterator[tuple[int, int, str]]:
    """金规〔2025〕9号: the number that identifies a regulation."""
    for m in _DOC_NUMBER.finditer(text):
        yield m.start(), m.end(), m.group(0)


SEGMENTS = ("网络小贷", "网络小额贷款", "小额贷款", "小贷", "消费金融", "网贷", "P2P网贷", "P2P", "互联网金融",
            "融资担保", "助贷")
_SEGMENT_ALT = "|".join(sorted(map(re.escape, SEGMENTS), key=len, reverse=True))
_MARKET_TAIL = r"(?:行业|市场|机构|公司)"  # 成都P2P平台优车行 introduces a platform, not a market


_NATIONAL_MARKET_AFTER = re.compile(rf"(?<=[，。、；：:;,!?！？“”\"（）()\s])(?:全国|国内|我国|整个)?({_SEGMENT_ALT}|网络借贷)(?:行业|市场)(?!协会|自律|专项|风险)")


def find_markets(text: str, places: set[str]) -> Iterator[Mention]:
    """广州网络小贷行业: an industry segment in a place, the subject of sector statistics; 网贷行业 /
    全国P2P网贷行业 without a place is the national market. A market the article gives no figure
    for is dropped after extraction."""
    for m in _NATIONAL_MARKET_AFTER.finditer(text):
        segment = {"网络借贷": "网贷"}.get(m.group(1), m.group(1))
        yield Mention(m.start(), m.end(), m.group(0), "Market", "Market", None, "market",
                      canonical=market_name("全国", segment))
    if not places:
        return
    for m in _market_regexes(frozenset(places))[0].finditer(text):
        canonical = market_name(m.group(1), m.group(2))
        yield Mention(m.start(), m.end(), m.group(0), "Market", "Market", None, "market", canonical=canonical)


def find_market_statements(text: str, places: set[str]) -> Iterator[Mention]:
    """广州拥有36家网络小贷公司: the place stands for its market of that segment."""
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


_DECLARED = re.compile(
    r"[（(][^（）()\n]{0,24}?[，,；;]?\s*(?:以下|下文|下)?(?:简称|下称|简称为)\s*[:：]?\s*[“\"「『]?(?P<alias>[^”\"」』）)，,、\s]{1,20})[”\"」』]?\s*[）)]"
)


def find_declared_aliases(text: str) -> Iterator[tuple[int, int, int]]:
    """(以下简称“360小贷”): (position of the bracket, alias start, alias end)."""
    for m in _DECLARED.finditer(text):
        yield m.start(), m.start("alias"), m.end("alias")


_PRIORITY = {"market-statement": 0, "market": 1, "registry": 2, "person": 3}

# names recognised by their context in one place (平台X, X爆雷, 股东为…): the other places the
# article names them lack that context but are the same entity
_REPEATABLE = ("platform", "listed", "org-short", "product-list", "person")


def find_repeats(text: str, found: list[Mention]) -> Iterator[Mention]:
    """Every other occurrence of a name found by context. Two-character names are left alone
    (too likely to be part of another word), and so is any place another mention already covers."""
    taken = [(m.start, m.end) for m in found]
    seen: dict[str, Mention] = {}
    for m in found:
        if m.source in _REPEATABLE and len(m.text) >= 3:
            seen.setdefault(m.text, m)
    for name, first in seen.items():
        pos = text.find(name)
        while pos >= 0:
            end = pos + len(name)
            if not any(s < end and pos < e for s, e in taken):
                yield replace(first, start=pos, end=end)
            pos = text.find(name, end)


def without_model_overlaps(mentions: list[Mention]) -> list[Mention]:
    """A name from the trained model gives way to any registry or rule mention it overlaps."""
    ruled = [m for m in mentions if m.source != "model"]
    if len(ruled) == len(mentions):
        return mentions
    covered = bytearray(max(m.end for m in mentions) + 1)
    for m in ruled:
        covered[m.start:m.end] = b"\x01" * (m.end - m.start)
    return ruled + [m for m in mentions if m.source == "model" and not any(covered[m.start:m.end])]


def resolve_overlaps(mentions: Iterable[Mention]) -> list[Mention]:
    """Leftmost-longest wins; on equal spans the registry beats patterns; the model's names
    never win over a registry or rule name."""
    ranked = sorted(without_model_overlaps(list(mentions)), key=lambda m: (m.start, -(m.end - m.start), _PRIORITY.get(m.source, 9)))
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
