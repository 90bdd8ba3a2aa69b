"""People: a surname and one or two characters after a title (董事长周某某) or before a speech
cue (王某表示), checked against jieba's dictionary and what follows the name."""

from __future__ import annotations

import re
from collections.abc import Iterator

from kg.extract.lexicon import alternation, words
from kg.extract.names.base import CJK, LEFT_STOP_TUPLE, NAME_START_OK, Context, Mention, word_tags


SURNAMES = set("".join(words("persons", "surnames")))
COMPOUND_SURNAMES = words("persons", "compound_surnames")
_PERSON_TITLE = alternation(words("persons", "titles"))
# a name ends before one of the words, a digit, punctuation, a space or the end of the text
_AFTER_NAME = re.compile(alternation(words("persons", "after_name"))[:-1] + r"|\d|、|，|,|。|：|:|；|（|\(|）|\)|“|”|\s|$)")
_TITLE_THEN_NAME = re.compile(_PERSON_TITLE + r"(?:分别)?(?:为|是)?[：:，、\s]?")
_NAME_THEN_CUE = re.compile(alternation(words("persons", "speech_cues")))

def _word_follows(text: str, start: int, end: int) -> bool:
    """After a title, a name may end where a word jieba knows starts (实控人张文斌出逃, 何斌全资控股)
    when neither of its ends makes a word with the character beside it (股东方实际: 东方 is a word;
    a given name is no dictionary word)."""
    tags = word_tags()
    after = tags.get(text[end:end + 2])
    return after is not None and not after.startswith("nr") and text[end - 1:end + 1] not in tags \
        and (start == 0 or text[start - 1:start + 1] not in tags)


def _name_at(text: str, i: int, titled: bool = False) -> int | None:
    """End of a person name starting at i (surname + 1–2 characters), judged by what follows;
    `titled`: a title stands before it, so a known word after it also ends it."""
    surname = 2 if text[i:i + 2] in COMPOUND_SURNAMES else 1 if text[i:i + 1] in SURNAMES else 0
    if not surname:
        return None
    tags = word_tags()
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
        if _AFTER_NAME.match(text, end) or given == 2 and len(name) == 2 or titled and _word_follows(text, i, end) \
                and tags.get(name[:2], "nr").startswith("nr"):  # 法人单位: a common word, no name
            ends.append((end, tag))
    if len(ends) == 2 and ends[1][1] and ends[1][1].startswith("nr") and ends[0][1] is None:
        return ends[1][0]  # 李宁 (a known name) rather than 李宁忙
    if len(ends) == 2 and text[ends[0][0] - 1] in _NOT_NAME_END:
        return ends[1][0]  # 凌骏曾任…, 易纲称…: the third character starts the next word
    return ends[0][0] if ends else None


_NOT_NAME_END = set(words("persons", "not_name_end"))


def find_persons(text: str, ctx: Context) -> Iterator[Mention]:
    """Named people: a title before the name (董事长周某某) or a speech cue after it (王某表示)."""
    seen: set[int] = set()
    for m in _TITLE_THEN_NAME.finditer(text):
        i = m.end()
        while i < len(text):
            end = _name_at(text, i, titled=True)
            if end is None or i in seen:
                break
            seen.add(i)
            yield Mention(i, end, text[i:end], "Person", None, None, "person")
            after = _after_aside(text, end)
            if text[after:after + 1] == "、":  # 股东巍伟、王伟; 股东是武雪锋（持股80%）、张静
                i = after + 1
                continue
            break
    yield from _listed_people(text, seen)
    for m in _NAME_THEN_CUE.finditer(text):
        for size in (3, 2):
            i = m.start() - size
            if i < 0 or i in seen:
                continue
            before = text[i - 1:i] if i > 0 else ""
            if before and not NAME_START_OK.match(before) and before not in "称据经由":
                continue
            if _name_at(text, i) == m.start():
                seen.add(i)
                yield Mention(i, m.start(), text[i:m.start()], "Person", None, None, "person")
                break


_ASIDE = re.compile(r"[（(][^（()）]{1,12}[）)]")


def _after_aside(text: str, end: int) -> int:
    """Past a short bracketed aside after a name (武雪锋（持股80%）), so a list can go on after it."""
    m = _ASIDE.match(text, end)
    return m.end() if m else end


_PEOPLE_LIST = re.compile(rf"((?:[{CJK}]{{2,3}}、)+[{CJK}]{{2,3}})等(?:人|[\d一二三四五六七八九十]+人)")


def _listed_people(text: str, seen: set[int]) -> Iterator[Mention]:
    """李某芹、张某、杭某等人参股: a list that ends in 等人 names people with no title before them,
    when every item is a surname and a given name exactly and the list starts a clause or follows a stop word."""
    for m in _PEOPLE_LIST.finditer(text):
        start = m.start(1)
        items, pos = [], start
        for item in m.group(1).split("、"):
            items.append((pos, pos + len(item)))
            pos += len(item) + 1
        first = items[0]
        # the first item may have run into the words before it: take its last two or three characters
        first = next(((s, first[1]) for s in (first[1] - 3, first[1] - 2) if s >= first[0] and
                      _name_at(text, s) == first[1] and _list_may_start(text, s)), None)
        if first is None or any(_name_at(text, s) != e for s, e in items[1:]):
            continue
        for s, e in [first, *items[1:]]:
            if s not in seen:
                seen.add(s)
                yield Mention(s, e, text[s:e], "Person", None, None, "person")


def _list_may_start(text: str, start: int) -> bool:
    return start == 0 or bool(NAME_START_OK.match(text[start - 1])) or text[max(0, start - 4):start].endswith(LEFT_STOP_TUPLE)
