"""A sentence with its linked mentions, numbers and times: what relation, observation and event
rules read. Mentions are masked as \\ue000<i>\\ue001 so rules are plain regexes over the sentence."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property

from kg.extract.lexicon import alternation, words
from kg.extract.names import Mention
from kg.extract.quantities import Quantity, find_changes, find_quantities
from kg.extract.timex import Timex
from kg.model import Entity, Evidence

OPEN, CLOSE = "\ue000", "\ue001"
SLOT = rf"{OPEN}(\d+){CLOSE}"
# the bracket after a name that declares its short form: X（以下简称“Y”）, X(下称Y), X（简称：Y）
_DECLARATION = re.compile(
    rf"{OPEN}(\d+){CLOSE}(?P<bracket>\s*[（(]\s*(?:以下|下文)?(?:简称|下称|称)?\s*[:：]?\s*[“\"「]?{OPEN}(\d+){CLOSE}[”\"」]?\s*[)）])"
)


@dataclass(frozen=True)
class Slot:
    start: int
    end: int
    entity: Entity
    mention: Mention


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str
    paragraph: int
    slots: tuple[Slot, ...]
    quantities: tuple[Quantity, ...]
    changes: tuple[tuple[int, int, float], ...]
    timexes: tuple[Timex, ...]
    period_before: str  # the period in force where the sentence starts (from earlier sentences)

    @property
    def evidence(self) -> Evidence:
        return Evidence(self.start, self.end, self.text)

    def masked(self) -> tuple[str, list[int]]:
        """The sentence with every slot replaced by a marker; and, per masked offset, the text offset."""
        return self._masked

    @cached_property
    def _masked(self) -> tuple[str, list[int]]:
        out: list[str] = []
        positions: list[int] = []
        cursor = self.start
        for i, slot in enumerate(self.slots):
            chunk = self.text[cursor - self.start: slot.start - self.start]
            out.append(chunk)
            positions.extend(range(cursor, slot.start))
            marker = f"{OPEN}{i}{CLOSE}"
            out.append(marker)
            positions.extend([slot.start] * len(marker))
            cursor = slot.end
        out.append(self.text[cursor - self.start:])
        positions.extend(range(cursor, self.end))
        masked = "".join(out)
        # X（下称“Y”）where Y names X again: rules read on as if the bracket were not there
        for m in reversed(list(_DECLARATION.finditer(masked))):
            if self.slots[int(m.group(1))].entity.id == self.slots[int(m.group(3))].entity.id:
                masked = masked[:m.start("bracket")] + masked[m.end():]
                del positions[m.start("bracket"):m.end()]
        return masked, positions

    def period_at(self, offset: int) -> str:
        """The time in force at an offset: the last time expression before it in the sentence, else
        the first one after it in the sentence (净利润7亿元 5月15日公告), else the carried one."""
        timex = self.timex_at(offset)
        return timex.period if timex is not None else self.period_before

    def timex_at(self, offset: int) -> Timex | None:
        """The sentence's own time expression that `period_at` reads, if there is one: the last
        before the offset in its clause, else the first after it there (A被罚款15万元，决定时间为
        2月28日；B被罚款42万元，决定时间为3月13日), else the last before it, else the first."""
        rel = offset - self.start
        lo = max((m.end() for m in _CLAUSE_BREAK.finditer(self.text, 0, rel)), default=0) + self.start
        hi = next((m.start() for m in _CLAUSE_BREAK.finditer(self.text, rel)), len(self.text)) + self.start
        before = [t for t in self.timexes if t.start <= offset]
        if before and before[-1].start >= lo:
            return before[-1]
        after = [t for t in self.timexes if offset < t.start < hi]
        if after:
            return after[0]
        if before:
            return before[-1]
        return self.timexes[0] if self.timexes else None

    def slots_of(self, *categories: str) -> list[Slot]:
        return [s for s in self.slots if s.entity.category in categories]


_CLAUSE_BREAK = re.compile(r"[；;]")  # a semicolon parts statements that each carry their own time
_MEDIA = re.compile(rf"{alternation(words('media', 'outlet_endings'))}$")


def is_media(entity: Entity) -> bool:
    """Outlets and data services (第一财经, 网贷之家, 企查查) report facts about others: they are
    neither the subject of a figure nor a party to the deals they report."""
    return bool(_MEDIA.search(entity.name))


_SENTENCE_END = re.compile(r"[。！？!?]+[”’」』\"]?|\n+")


MAX_SENTENCE = 2000  # characters: a longer stretch without sentence punctuation is cut into segments
_SOFT_BREAKS = frozenset("，,；;：:、 \t\u3000")


def split_sentences(text: str) -> list[tuple[int, int, int]]:
    """(start, end, paragraph index) of every sentence; a newline ends a sentence and a paragraph,
    unless it falls inside a 《title》 (a line broken by the web page, not by the author). No
    sentence is longer than MAX_SENTENCE: rules read a sentence at a time, and text without
    sentence punctuation (a table, a scraped page) would make one sentence of it all, and the
    cost of reading it grow with the square of its length."""
    spans: list[tuple[int, int, int]] = []
    start, paragraph = 0, 0
    for m in _SENTENCE_END.finditer(text):
        if m.group(0).startswith("\n"):
            pending = text[start:m.start()]
            if pending.count("《") > pending.count("》") and "》" in text[m.end():m.end() + 80]:
                continue
        end = m.end() if not m.group(0).startswith("\n") else m.start()
        if text[start:end].strip():
            s = start + (len(text[start:end]) - len(text[start:end].lstrip()))
            spans.extend(_bounded(text, s, end, paragraph))
        if "\n" in m.group(0):
            paragraph += 1
        start = m.end()
    if text[start:].strip():
        s = start + (len(text[start:]) - len(text[start:].lstrip()))
        spans.extend(_bounded(text, s, len(text.rstrip()), paragraph))
    return spans


def _bounded(text: str, start: int, end: int, paragraph: int) -> Iterator[tuple[int, int, int]]:
    """One sentence, or segments of at most MAX_SENTENCE characters, each cut after the last comma,
    semicolon, colon, enumeration comma or space in its second half (else at the limit)."""
    while end - start > MAX_SENTENCE:
        limit = start + MAX_SENTENCE
        cut = next((i for i in range(limit, limit - MAX_SENTENCE // 2, -1) if text[i - 1] in _SOFT_BREAKS), limit)
        yield start, cut, paragraph
        start = cut
        while start < end and text[start].isspace():
            start += 1
    yield start, end, paragraph


_NUMERAL = re.compile(r"[0-9零〇一二两三四五六七八九十百千万亿]")


def build_sentences(text: str, bounds: list[tuple[int, int, int]], linked: list[tuple[Mention, Entity]],
                    timexes: list[Timex]) -> list[Sentence]:
    sentences: list[Sentence] = []
    carried, paragraph = "", -1
    linked = sorted(linked, key=lambda pair: pair[0].start)  # stable: mentions at one place keep their order
    mention_starts = [m.start for m, _ in linked]
    time_starts = [t.start for t in timexes]  # in text order
    for start, end, par in bounds:
        if par != paragraph:
            paragraph = par
            carried = ""
        # only the mentions and times that start inside the sentence (bisect: no scan of all of them)
        near = linked[bisect_left(mention_starts, start):bisect_left(mention_starts, end)]
        slots = tuple(Slot(m.start, m.end, e, m) for m, e in near if m.end <= end)
        times = tuple(timexes[bisect_left(time_starts, start):bisect_left(time_starts, end)])
        sub = text[start:end]
        has_number = _NUMERAL.search(sub) is not None
        quantities = () if not has_number else tuple(q for q in find_quantities(sub, start)
                           if not any(t.start < q.end and q.start < t.end for t in times)
                           and not any(s.start < q.end and q.start < s.end for s in slots))
        changes = tuple(find_changes(sub, start)) if has_number and "同比" in sub else ()
        sentences.append(Sentence(start, end, sub, par, slots, quantities, changes, times, carried))
        if times:
            carried = times[-1].period
    return sentences
