"""Chinese time expressions → ISO 8601 prefixes (2025, 2025-Q2, 2025-H1, 2025-12, 2025-12-22).

A year left out (第三季度, 1月12日) comes from the context: the last year named before it in
the article, else the article's publication year.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator
from dataclasses import dataclass


_QUARTERS = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}

TIMEX = re.compile(
    r"(?=[0-9第一二三四上下Q半中])"  # fail fast: every expression starts with one of these
    r"(?:(?P<year>(?:19|20)\d{2})\s*(?P<fiscal>财年|财政年度|会计年度)?(?(fiscal)|年(?:度)?))?"
    r"(?:"
    r"(?P<month>1[0-2]|0?[1-9])\s*月(?:份)?(?:(?P<day>3[01]|[12]\d|0?[1-9])\s*[日号])?"
    r"|(?:第)?(?P<quarter>[一二三四1-4])\s*季度(?:末)?"
    r"|(?P<qcode>Q[1-4])"
    r"|(?P<half>上|下)半年(?:末)?"
    r"|(?P<report>一季报|三季报|半年报|半年度报告|中报|中期报告)"  # a report names the period it covers
    r"|(?P<yearend>末|底|年末|年底)"
    r"|(?P<fullyear>全年)"
    r")?"
)
# 2018-06-07, 2018/06/07: a date written in digits (daily reports, by-lines), always a whole day
_NUMERIC_DATE = re.compile(r"(?<![\d/.-])(?P<year>(?:19|20)\d{2})(?P<sep>[-/.])(?P<month>1[0-2]|0?[1-9])(?P=sep)"
                           r"(?P<day>3[01]|[12]\d|0?[1-9])(?![\d/.-]|\.\d)")
_RELATIVE = re.compile(r"(?P<rel>今年|去年|明年|前年|上年|次年|同年|当年|一年间|一年后|一年来|(?:短短)?一年时间)"
                       r"|(?P<relmonth>次月|当月|同月|上月)"
                       r"|(?P<now>至今|截至目前|截止目前|截至发稿|截止发稿|截至记者发稿)")


@dataclass(frozen=True)
class Timex:
    start: int
    end: int
    period: str  # ISO prefix
    explicit_year: bool


def _period(year: int, m: re.Match[str]) -> str | None:
    if m.group("month"):
        month = int(m.group("month"))
        if m.group("day"):
            return _day(year, month, int(m.group("day")))
        return f"{year:04d}-{month:02d}"
    if m.group("quarter"):
        q = _QUARTERS[m.group("quarter")]
        if m.group(0).endswith("季度末"):
            last = 3 * q
            return f"{year:04d}-{last:02d}-{[31, 30, 30, 31][q - 1]:02d}"
        return f"{year:04d}-Q{q}"
    if m.group("qcode"):
        return f"{year:04d}-Q{m.group('qcode')[1]}"
    if m.group("half"):
        h = 1 if m.group("half") == "上" else 2
        if m.group(0).endswith("半年末"):
            return f"{year:04d}-06-30" if h == 1 else f"{year:04d}-12-31"
        return f"{year:04d}-H{h}"
    if m.group("report"):
        report = m.group("report")
        return f"{year:04d}-Q1" if report == "一季报" else f"{year:04d}-Q3" if report == "三季报" else f"{year:04d}-H1"
    if m.group("yearend"):
        return f"{year:04d}-12-31"
    return f"{year:04d}"


def _day(year: int, month: int, day: int) -> str | None:
    if day > calendar.monthrange(year, month)[1]:
        return None  # 2月30日 is a typo, not a date
    return f"{year:04d}-{month:02d}-{day:02d}"


_SENTENCE_END = re.compile(r"[。！？!?\n]")


def find_timexes(text: str, *, default_year: int | None = None, offset: int = 0) -> Iterator[Timex]:
    """Every time expression in text order. A date without a year (5月15日, 第三季度) takes the
    last year named in its own sentence, else the article's year: news dates its own events.
    A relative one (一年间, 次年) counts from the last year named before it in the text."""
    year = default_year  # the last year named (for relative expressions)
    month: tuple[int, int] | None = None  # the last (year, month) named, for 次月 / 当月
    sentence_year = default_year
    last_end = -1
    for start, end, kind, m in _candidates(text):
        if start < last_end:
            continue
        if _SENTENCE_END.search(text, max(last_end, 0), start):
            sentence_year = default_year if default_year is not None else year
        last_end = end
        if kind == "rel" and m.group("now"):
            # 至今 / 截至目前: the time the article speaks from, known to the year at best
            if default_year is not None:
                yield Timex(offset + start, offset + end, f"{default_year:04d}", False)
        elif kind == "rel" and m.group("relmonth"):
            if month is not None:
                month = _relative_month(month, m.group("relmonth"))
                yield Timex(offset + start, offset + end, f"{month[0]:04d}-{month[1]:02d}", False)
        elif kind == "rel":
            if year is not None:
                year = sentence_year = _relative_year(m.group("rel"), year, default_year)
                yield Timex(offset + start, offset + end, f"{year:04d}", False)
        elif kind == "num":
            year = sentence_year = int(m.group("year"))
            month = (year, int(m.group("month")))
            period = _day(year, month[1], int(m.group("day")))
            if period:
                yield Timex(offset + start, offset + end, period, True)
        elif m.group("fiscal"):
            # 2019财年第二季度: a company's fiscal calendar, which the text does not map to ours
            yield Timex(offset + start, offset + end, "", True)
        else:
            if m.group("year"):
                year = sentence_year = int(m.group("year"))
            period = _period(sentence_year, m) if sentence_year is not None else None
            if period and m.group("month"):
                month = (sentence_year, int(m.group("month")))
            if period:
                yield Timex(offset + start, offset + end, period, bool(m.group("year")))


def _candidates(text: str) -> list[tuple[int, int, str, re.Match[str]]]:
    """Absolute and relative expressions, in text order (overlaps are skipped by the caller)."""
    events: list[tuple[int, int, str, re.Match[str]]] = []
    for m in TIMEX.finditer(text):
        if m.end() == m.start():
            continue
        if not m.group("year") and not any(m.group(k) for k in ("month", "quarter", "qcode", "half", "report")):
            continue  # 末, 底 or 全年 alone are not enough
        events.append((m.start(), m.end(), "abs", m))
    for m in _NUMERIC_DATE.finditer(text):
        events.append((m.start(), m.end(), "num", m))
    for m in _RELATIVE.finditer(text):
        events.append((m.start(), m.end(), "rel", m))
    events.sort(key=lambda e: e[0])
    return events


def _relative_month(month: tuple[int, int], which: str) -> tuple[int, int]:
    """次月 / 上月 / 当月 from the last month named."""
    y, mo = month
    if which == "次月":
        return (y + 1, 1) if mo == 12 else (y, mo + 1)
    if which == "上月":
        return (y - 1, 12) if mo == 1 else (y, mo - 1)
    return y, mo


def _relative_year(rel: str, year: int, default_year: int | None) -> int:
    """去年, 今年, 明年 count from the article's year; 同年 is the last year named; 次年, 一年间,
    一年后 one year after it."""
    if rel in ("去年", "上年"):
        return (default_year or year) - 1
    if rel == "前年":
        return (default_year or year) - 2
    if rel == "明年":
        return (default_year or year) + 1
    if rel == "今年":
        return default_year or year
    if rel in ("同年", "当年"):
        return year
    return year + 1


__all__ = ["Timex", "find_timexes"]
