"""Lending platforms named by their context (平台X, X平台, X、Y等平台, X爆雷), names listed with a
known lender (宜人贷、易利贷), and former names in brackets (金谷财行(原金联专享))."""

from __future__ import annotations

import re
from collections.abc import Iterator

import jieba

from kg.extract.lexicon import alternation, words
from kg.extract.names.base import (
    CJK, LEFT_STOP_TUPLE, LEFT_STOPS, SEPARATORS, Context, Mention, Occupied, name_start, word_tags,
)
from kg.extract.names.brands import APP_BRAND, BRAND, NOT_BRAND_TAGS, NOT_BRANDS, looks_like_brand
from kg.extract.names.overlaps import resolve_overlaps


_BRAND_END = (r"(?=[，。、；：:;,.!?！？“”\"'（）()\s]|的|旗下|于|已|被|在|发布|表示|称|运营|平台|成立|上线|是|为|宣布|"
              r"出现|爆雷|暴雷|逾期|清盘|立案|涉嫌|良性退出|等|和|与|及|停止|跑路|失联|兑付|非法|疑|实际控制人|实控人|隶属|归属|$)")
_PLATFORM_BEFORE = re.compile(rf"(?:(?:P2P|网贷|互金|理财|借贷|网络借贷)?平台|P2P)(?:——|—|：|:)?[“\"「]?({BRAND}){_BRAND_END}")
_PLATFORM_LIST = re.compile(rf"((?:{BRAND}[、/])+{BRAND})(?:等)?(?:\d+家|多家|几家)?(?:P2P|网贷|互金|理财)?平台")
_PLATFORM_EVENT = re.compile(
    rf"(?:^|(?<=[，。、；：:;,!?！？“”\"（）()\s]))({BRAND})(?:平台)?(?:已|正式|突然|也)?"
    r"(?:疑似?|涉嫌|深陷|陷入)?(?:爆雷|暴雷|逾期|清盘|被立案|立案侦查|被警方立案|良性退出|停止运营|跑路|失联|宣布清退|无法兑付|非法吸存|非吸)"
)

_BEFORE_PLATFORM = re.compile(rf"([{CJK}A-Za-z0-9]{{2,8}})平台(?!化|型|类|上|内|方|经济|企业|公司|机构|业务)")
_GENERIC_BEFORE_PLATFORM = words("names", "generic_before_platform")


_DEMONSTRATIVE = re.compile(r"(?:这|那|该|此|各|每|某|多|几|一|两|上|下|其|本|我|你|他|有|获取|投诉|因此|登陆|进入)")


def _platforms_named_before(text: str, known: frozenset[str]) -> Iterator[tuple[int, int]]:
    """安心贷平台, 爱财有道平台暂停运营: the name before 平台 (see name_start), when it has a lending
    brand's shape and is no generic word (网贷平台, 现金贷平台) or demonstrative (该平台)."""
    for m in _BEFORE_PLATFORM.finditer(text):
        end = m.end(1)
        start = name_start(text, m.start(1), end, ())
        if start is None:
            continue
        name = text[start:end]
        if name in known or name.endswith(_GENERIC_BEFORE_PLATFORM):
            continue
        if len(name) >= 3 and APP_BRAND.match(name) and looks_like_brand(name) and not _DEMONSTRATIVE.match(name):
            yield start, end


_PLATFORM_LIST_END = re.compile(_PLATFORM_LIST.pattern + "$")
_PLATFORM_EVENT_END = re.compile(_PLATFORM_EVENT.pattern + "$")
_LIST_ANCHOR = re.compile(r"平台")
_EVENT_ANCHOR = re.compile(r"爆雷|暴雷|逾期|清盘|立案|良性退出|停止运营|跑路|失联|宣布清退|无法兑付|非法吸存|非吸")


def _anchored(pattern: re.Pattern[str], anchor: re.Pattern[str], text: str, reach: int) -> Iterator[re.Match[str]]:
    """Matches of a pattern that ends at an anchor word, tried only in the window before each
    anchor: the same matches as a scan of the whole text, at a fraction of the cost."""
    last = -1
    for a in anchor.finditer(text):
        m = pattern.search(text, max(0, a.start() - reach), a.end())
        if m is not None and m.start() >= last:
            last = m.end()
            yield m


def find_platform_names(text: str, ctx: Context) -> Iterator[Mention]:
    """Lending platforms named by their context: 平台X, X平台, X、Y等平台, X爆雷/清盘/被立案."""
    known = ctx.known
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
        while (w := next((w for w in LEFT_STOPS if text.startswith(w, start)), None)) or \
                word_tags().get(text[start:start + 2], "")[:1] == "v" and end - start > 3:
            start += len(w) if w else 2
        if "平台" in text[start:end - 1]:  # 网贷平台懒财主非吸: the name follows the word 平台
            start += text.rindex("平台", start, end - 1) - start + 2
        name = text[start:end]
        if name in NOT_BRANDS or name in known or len(name) < 2 or name.isdigit() or name.endswith("官网"):
            continue
        if re.search(r"\d", name) and (re.search(r"[万亿元%％]", name) or not re.search(rf"[{CJK}A-Za-z]", name)):
            continue  # 8000万元… is no brand (58车贷 is)
        yield Mention(start, end, name, "Lender", "P2PLender", None, "platform")



_LIST_SEPARATORS = "、/"
_ITEM = re.compile(rf"[A-Za-z0-9{CJK}]{{2,6}}")


def find_list_neighbours(text: str, ctx: Context) -> Iterator[Mention]:
    """宜人贷、易利贷、农金宝互金: names listed with a known lender or platform are of its kind."""
    anchors, known = resolve_overlaps(ctx.found), ctx.known
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
                    # the longest item that ends at a separator: 山海贷的网贷业务 → 山海贷; never past 等 or 被
                    last = min((i for i in (text.find(w, m.start() + 2, m.end()) for w in "等被") if i >= 0), default=m.end())
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
                if (start, end) not in taken and name not in known and looks_like_brand(name):
                    taken.add((start, end))
                    yield Mention(start, end, name, anchor.category, anchor.kind if anchor.category == "Lender" else None,
                                  None, "listed")
                pos = end if direction == 1 else start


def _ends_item(text: str, end: int) -> bool:
    return end >= len(text) or text[end] in "、/，。；,;：:！？!? \n（(" or text.startswith(("等", "和", "及", "被", "的"), end)


def _starts_item(text: str, start: int) -> bool:
    return start == 0 or text[start - 1] in "、/，。；,;：:！？!? \n）)“”\"】"


_FORMER = re.compile(rf"\s*[（(]{alternation(words('common', 'former_name_cues'))}[:：]?([{CJK}A-Za-z0-9]{{2,12}})[)）]")


def find_former_names(text: str, ctx: Context) -> Iterator[Mention]:
    """金谷财行(原金联专享): the former name in brackets after a name is a name of the same kind."""
    found, known = resolve_overlaps(ctx.found), ctx.known
    for m in found:
        former = _FORMER.match(text, m.end)
        if former and former.group(1) not in known and former.group(1) != m.text:
            yield Mention(former.start(1), former.end(1), former.group(1), m.category, m.kind, None, "platform")



_STANDALONE_ENDINGS = words("names", "standalone_platform_endings")
_GENERIC_FINANCE_HEADS = words("names", "generic_finance_heads")
_NOT_NAME_OPENERS = tuple(words("names", "not_name_openers"))
# 平台 is left out: X理财平台 is the business of _platforms_named_before, which weighs it
_STANDALONE = re.compile(
    rf"{alternation(_STANDALONE_ENDINGS)}(?=[，。、；：:;,.!?！？“”\"'（）()\s]|的|旗下|于|已|被|在|发布|表示|称|运营|成立|上线|"
    r"是|为|宣布|爆雷|暴雷|逾期|清盘|立案|涉嫌|良性退出|等|和|与|及|停止|跑路|失联|兑付|实际控制人|实控人|案|[一两三四五六七八九十\d]+家|$)")
_NOT_BEFORE_NAME = set("vpcdrmq")  # the tags of words that may stand right before a name: 深陷, 由, 两笔
_NOT_HEAD_START = set("vpcdrm")  # … and may not begin one: 定期理财, 这笔理财
_NOT_HEAD_END = set("avd")  # 安全理财, 轻松理财: an adjective or verb before the ending makes a phrase
_NOT_FIRST_CHAR = set("fuqpcdrm")  # 中, 着, 次 …: a single-character word of these tags opens no name


def _may_precede(text: str, start: int) -> bool:
    """A clause boundary, a stop word, or a verb, pronoun or number word jieba knows before a name."""
    before = text[max(0, start - 4):start]
    return start == 0 or text[start - 1] in SEPARATORS + "#" or before.endswith(LEFT_STOP_TUPLE) or \
        before.endswith(_NOT_NAME_OPENERS) or word_tags().get(before[-2:], "")[:1] in _NOT_BEFORE_NAME


def _word_starts(text: str, end: int) -> dict[int, str]:
    """Where jieba starts a word in the eight characters before `end` (两笔/米缸: never 笔米缸), with
    the word: a name starts where a word does."""
    window_start, out = max(0, end - 8), {}
    pos = window_start
    for word in jieba.lcut(text[window_start:end]):
        out[pos] = word
        pos += len(word)
    return out


def _may_head(head: str, first_word: str) -> bool:
    """The words before the ending of a brand: no common kind of finance (供应链, 个人), no phrase,
    no particle or locative word alone at its start (控制着创客金融, 结构图中海象理财)."""
    if head.startswith(LEFT_STOP_TUPLE + _NOT_NAME_OPENERS) or re.search("[与和及的或是在]", head[1:]):
        return False
    if len(first_word) == 1 and word_tags().get(first_word, "")[:1] in _NOT_FIRST_CHAR:
        return False
    if head.endswith(_GENERIC_FINANCE_HEADS) or head.startswith(tuple(w for w in _GENERIC_FINANCE_HEADS if len(w) > 1)):
        return False
    tags = word_tags()
    return tags.get(head[:2], "")[:1] not in _NOT_HEAD_START and tags.get(head[-2:], "")[:1] not in _NOT_HEAD_END and \
        tags.get(head, "nz")[:1] not in NOT_BRAND_TAGS


def find_standalone_platforms(text: str, ctx: Context) -> Iterator[Mention]:
    """近日，小胖理财发布公告 / 浣熊理财、银号理财: a platform named with no cue word, when its ending is
    a platform's (理财, 金服 …) and a name-ending word follows it; the longest head of two to four
    characters that a boundary, stop word or verb may precede, that is no common kind of finance
    (供应链金融) or phrase (安全理财), and that no name found so far overlaps (下载联璧金融 is
    联璧金融, found by the registry)."""
    taken = Occupied((m.start, m.end) for m in ctx.found if m.source != "model")
    for m in _STANDALONE.finditer(text):
        end, words_at = m.end(), _word_starts(text, m.start())
        for start in range(max(0, m.start() - 4), m.start() - 1):
            name = text[start:end]
            if start in words_at and re.fullmatch(rf"[{CJK}]+", text[start:m.start()]) and \
                    _may_precede(text, start) and _may_head(text[start:m.start()], words_at[start]):
                if name not in ctx.known and looks_like_brand(name) and not taken.overlaps(start, end):
                    yield Mention(start, end, name, "Lender", "P2PLender", None, "platform")
                break
