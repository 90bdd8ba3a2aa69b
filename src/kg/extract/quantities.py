"""Chinese amounts, counts, percents and ranks → plain numbers (money in yuan, percents in points)."""

from __future__ import annotations

import re
from decimal import Decimal
from collections.abc import Iterator
from dataclasses import dataclass

_MULTIPLIERS = {
    "万亿": 1e12, "千亿": 1e11, "百亿": 1e10, "亿": 1e8, "千万": 1e7, "百万": 1e6, "万": 1e4, "千": 1e3,
}
_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
              "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_CURRENCY_RATE = {"元": 1.0, "人民币": 1.0, "块": 1.0}  # foreign currencies are not converted

CN_NUMBER = r"[零〇一二两三四五六七八九十百千]+"
# thousands may be grouped with a full-width comma too (4，019，702人), three digits to a group
NUMBER = rf"(?:\d+(?:,\d{{3}})*(?:(?:，\d{{3}})+(?!\d))?(?:\.\d+)?|{CN_NUMBER}(?:点[零〇一二三四五六七八九]+)?)"
MULTIPLIER = r"(?:万亿|千亿|百亿|亿|千万|百万|万|千)"

# 135.68亿元, 43616.73万元, 10亿, 1.34亿人, 36家, 24%, 3589亿元, 5,000万美元
QUANTITY = re.compile(
    rf"(?P<num>{NUMBER})\s*(?P<mult>{MULTIPLIER})?\s*(?P<unit>元人民币|人民币|元|美元|港元|欧元|块|%|％|个百分点|家|人次|人|户|笔|名|位|个|次|亿)?"
)


def cn_to_number(text: str) -> float | None:
    """二十三 → 23, 两千 → 2000, 三点五 → 3.5; None when it is not a plain Chinese numeral."""
    if "点" in text:
        whole, _, frac = text.partition("点")
        w = cn_to_number(whole) if whole else 0
        if w is None or not frac or any(c not in _CN_DIGITS for c in frac):
            return None
        return w + float("0." + "".join(str(_CN_DIGITS[c]) for c in frac))
    total, digit = 0, None
    for ch in text:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
        elif ch in _CN_UNITS:
            total += (digit if digit is not None else 1) * _CN_UNITS[ch]
            digit = None
        else:
            return None
    return float(total + (digit or 0))


def parse_number(text: str) -> float | None:
    text = text.replace(",", "").replace("，", "")
    try:
        return float(text)
    except ValueError:
        return cn_to_number(text)


@dataclass(frozen=True)
class Quantity:
    start: int
    end: int
    value: float  # yuan for money, points for percents, plain numbers otherwise
    kind: str  # money, foreign_money, percent, count, number
    unit_text: str


def _kind(unit: str, mult: str) -> str:
    if unit in _CURRENCY_RATE or unit in ("元人民币",):
        return "money"
    if unit in ("美元", "港元", "欧元"):
        return "foreign_money"
    if unit in ("%", "％", "个百分点"):
        return "percent"
    if unit in ("家", "人", "人次", "户", "笔", "名", "位", "个", "次"):
        return "count"
    return "number"


def find_quantities(text: str, offset: int = 0) -> Iterator[Quantity]:
    """Every number with its multiplier and unit, in text order."""
    for m in QUANTITY.finditer(text):
        num_text, mult, unit = m.group("num"), m.group("mult") or "", m.group("unit") or ""
        if unit == "亿" and not mult:  # 1.34亿 parsed with 亿 as the unit slot
            mult, unit = "亿", ""
        if not re.search(r"\d", num_text):
            # a Chinese numeral alone (一, 十) is usually a word, not a quantity
            if not (mult or unit) or len(num_text) < 1:
                continue
        value = parse_number(num_text)
        if value is None:
            continue
        if not mult and not unit and re.fullmatch(r"(?:19|20)\d{2}", num_text) and text[m.end():m.end() + 1] in "年财":
            continue  # 2018财年, 2019年度: a year, not an amount
        if mult and re.fullmatch(r"[\d,]+(?:\.\d+)?", num_text):
            # decimal arithmetic: 73.93亿 is 7393000000 exactly, not 7393000000.000001
            value = float(Decimal(num_text.replace(",", "").replace("，", "")) * Decimal(int(_MULTIPLIERS[mult])))
        else:
            value = round(value * _MULTIPLIERS.get(mult, 1.0), 6)
        yield Quantity(offset + m.start(), offset + m.end(), value, _kind(unit, mult), unit)


CHANGE = re.compile(
    rf"同比(?P<dir>增长|上涨|上升|提升|增加|下降|下滑|减少|下跌|降低|增|降|涨|跌)了?\s*(?P<num>{NUMBER})\s*(?:%|％)"
)


def find_changes(text: str, offset: int = 0) -> Iterator[tuple[int, int, float]]:
    """同比增长17.6% → (start, end, 17.6); decreases are negative."""
    for m in CHANGE.finditer(text):
        value = parse_number(m.group("num"))
        if value is None:
            continue
        if m.group("dir") in ("下降", "下滑", "减少", "下跌", "降低", "降", "跌"):
            value = -value
        yield offset + m.start(), offset + m.end(), value
