"""Metrics stated in a sentence: a cue (贷款余额, 净利润, GMV …) followed by its number, the time in
force, the nearest plausible subject, and a 同比 change where one is attached."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace

from kg.extract.context import Sentence, is_media
from kg.extract.lexicon import alternation, pattern, table, words
from kg.extract.quantities import CN_NUMBER, Quantity, parse_number
from kg.extract.timex import Timex
from kg.model import Entity, Observation

# cue → (metric, kinds of quantity it takes), in the order tried (vocab/metrics.yaml)
METRIC_CUES: tuple[tuple[str, str, tuple[str, ...]], ...] = tuple(
    (row["cue"], row["metric"], row["kinds"]) for row in table("metrics", "cues"))
_CUES = [(re.compile(p), metric, kinds) for p, metric, kinds in METRIC_CUES]
_RANKED = {"LoanBalance": "LoanBalanceRank", "LoanIssuance": "LoanIssuanceRank", "Revenue": "RevenueRank",
           "NetProfit": "NetProfitRank"}
# a lender's transaction volume (交易额, 交易规模) is the loans it made, not a shop's GMV
_LENDERS = {"GMV": "LoanIssuance"}
_UNITS = {"money": "CNY", "count": "count", "number": "count", "percent": "percent"}
_BEFORE_VALUE = re.compile(r"(?:从|由)\s*$")
_MAX_GAP = 14  # characters between a cue and its number
# 36家网络小贷公司, 平台数量为269家, 问题平台已超过180家, 新增问题平台13家
_COUNT = re.compile(r"(?P<n>\d+)\s*家(?P<what>[^，,。；;]{0,10}?)(?:公司|机构|平台)"
                    r"|(?:数量|平台)[^，,。；;\d]{0,6}?(?P<n2>\d+)\s*家")
_RANKS = re.compile(
    rf"(?:分别)?(?:位列|排名|排在|位居|居|列)(?:行业|全市|全省|全国)?"
    rf"(?P<ranks>第\s*(?:\d+|{CN_NUMBER})\s*(?:位|名)?(?:\s*[、和及与]\s*第?\s*(?:\d+|{CN_NUMBER})\s*(?:位|名)?)*)"
)
_SUBJECT_CATEGORIES = ("Lender", "Platform", "Organization", "Market")


@dataclass(frozen=True)
class _Cue:
    start: int
    end: int
    metric: str
    kinds: tuple[str, ...]


def _cues(sentence: Sentence) -> list[_Cue]:
    found: list[_Cue] = []
    for regex, metric, kinds in _CUES:
        for m in regex.finditer(sentence.text):
            start, end = sentence.start + m.start(), sentence.start + m.end()
            if any(c.start < end and start < c.end for c in found):
                continue
            if any(s.start < end and start < s.end for s in sentence.slots):
                continue  # inside a name
            found.append(_Cue(start, end, metric, kinds))
    return sorted(found, key=lambda c: c.start)


_CUES_AFTER = [(re.compile(rf"\s*(?:的)?(?:{row['cue']})"), row["metric"], row["kinds"])
               for row in table("metrics", "cues_after")]


def _cue_after(sentence: Sentence, q: Quantity) -> _Cue | None:
    """处以50万元罚款 / 10亿元的注册资本: a metric named right after its figure."""
    for regex, metric, kinds in _CUES_AFTER:
        m = regex.match(sentence.text, q.end - sentence.start)
        if m:
            return _Cue(q.end, sentence.start + m.end(), metric, kinds)
    return None


_SOURCE_AFTER = re.compile(r"^.{0,4}?(?:数据)?(?:显示|统计|报道|消息|获悉|记者|官网|公示|查询|研究院|智库)")
_SOURCE_BEFORE = re.compile(r"(?:据|来自|根据|援引)\s*$")


def _is_source(sentence: Sentence, slot) -> bool:
    """据零壹财经统计 / 企查查显示 / (NYSE:QD): who reports a number is not what it measures."""
    if is_media(slot.entity):
        return True
    rel_start, rel_end = slot.start - sentence.start, slot.end - sentence.start
    after, before = sentence.text[rel_end:rel_end + 8], sentence.text[max(0, rel_start - 4):rel_start]
    inside_brackets = sentence.text[:rel_start].count("（") + sentence.text[:rel_start].count("(") > \
        sentence.text[:rel_start].count("）") + sentence.text[:rel_start].count(")")
    return bool(_SOURCE_AFTER.match(after) or _SOURCE_BEFORE.search(before) or inside_brackets)


def _subject(sentence: Sentence, at: int, fallback: Entity | None, *, ranked: bool = False) -> Entity | None:
    """The nearest company or market named before a cue; 行业 prefers the market in scope.
    A rank belongs to a company: the market it is ranked in is its scope, not its subject."""
    categories = _SUBJECT_CATEGORIES[:-1] if ranked else _SUBJECT_CATEGORIES
    before = [s for s in sentence.slots if s.end <= at and s.entity.category in categories
              and not _is_source(sentence, s)]
    clause = sentence.text[: at - sentence.start]
    if not ranked and "行业" in clause[-12:]:
        markets = [s for s in sentence.slots if s.entity.category == "Market"]
        if markets:
            return markets[-1].entity
    if before:
        return before[-1].entity
    after = [s for s in sentence.slots if s.start >= at and s.entity.category in categories]
    if after and after[0].start - at < 6:
        return after[0].entity
    return fallback


_THRESHOLD_BEFORE = re.compile(r"(?:远超|远高于|远低于|大于|高于|低于|小于|不低于|不超过|不少于|以上的|最高为|最高|最多|上限为|限额为?)\s*$")
# 用户数已达到1000万 / 超过840万人 state a figure; 余额超过2亿元的平台 / 不得超过 set a bar
_REACHED = re.compile(r"(?:超过|达到)\s*$")
_BAR_AFTER = re.compile(r"^\s*的")
_BAR_MODAL = re.compile(alternation(words("metrics", "threshold_modals")))
_THRESHOLD_AFTER = re.compile(r"^\s*(?:[（(]含[)）])?\s*(?:以上|以下|以内|及以上|起)")
_CAPITAL_CHANGE = re.compile(r"增至|增加至|增加到|提升至|提高至|变更为|增资|扩大至|实缴|减至|减少至|由|从")
_PEOPLE_UNITS = ("人", "户", "名", "位", "人次")
_HYPOTHETICAL = re.compile(alternation(words("metrics", "hypothetical")))
_FORECAST = re.compile(r"(?:预计|预期|预测|预估|有望|目标)[^，,。；;]*$")
# 前十大借款人待还余额 is a borrower's debt; 出借人待偿余额 (owed to all lenders) is the platform's book
_PER_BORROWER = re.compile(r"(?:借款人|单一|单个|单笔|人均|笔均|户均)[^，,。；;]{0,3}$")
# 由5.54亿元降至1.57亿元: the figure is the one the change arrives at
_FROM_TO = re.compile(r"[^，,。；;]{0,4}?(?:由|从)\s*#\s*(?:降至|增至|升至|降到|增加至|增长至|减少至|下降至|上升至|变更至|变更为|提高至|提升至|跌至|涨至)\s*")
_MONEY_METRICS = ("RegisteredCapital", "LoanBalance", "LoanIssuance", "Revenue", "NetProfit", "TotalAssets", "GMV")


def _is_bar(sentence: Sentence, cue: "_Cue", q: Quantity, between: str) -> bool:
    """超过 / 达到 before a figure set a bar where what follows qualifies (超过2亿元的平台) or the
    clause is a rule's (不得超过, 若…达到): elsewhere they state how far a figure has come."""
    if not _REACHED.search(between):
        return False
    rel = cue.start - sentence.start
    clause_start = max((m.end() for m in _CLAUSE.finditer(sentence.text, 0, rel)), default=0)
    clause = sentence.text[clause_start: q.start - sentence.start]
    return bool(_BAR_AFTER.match(sentence.text[q.end - sentence.start:]) or _BAR_MODAL.search(clause))


def _bare_amount(q: Quantity, cue: "_Cue", written: str) -> bool:
    """归属于上市公司股东的净利润为8185万: a money figure written with 万 or 亿 but without 元."""
    return cue.metric in _MONEY_METRICS and q.kind == "number" and written.rstrip().endswith(("万", "亿"))


_FOUNDING_BEFORE = re.compile(pattern("metrics", "founding_before"))
_FOUNDING_AFTER = re.compile(pattern("metrics", "founding_after"))


def _founding_dated(sentence: Sentence, at: int) -> bool:
    """Is the time in force at `at` the date a company was founded or went online? It dates the
    founding only, never a cumulative or as-of figure stated with it (上线于2015年8月，累计成交额…)."""
    timex = sentence.timex_at(at)
    if timex is None:
        return False
    before = sentence.text[max(0, timex.start - sentence.start - 8): timex.start - sentence.start]
    return bool(_FOUNDING_BEFORE.search(before) or _FOUNDING_AFTER.match(sentence.text[timex.end - sentence.start:]))


def _period(sentence: Sentence, at: int, cue: _Cue, as_of: str | None) -> str | None:
    """The period of the figure at `at`: the time in force there, except that a founding date or
    a capital stated without a change is the article's own time (`as_of`), or none if undated."""
    if cue.metric == "RegisteredCapital" and as_of and not _CAPITAL_CHANGE.search(sentence.text):
        return as_of
    if _founding_dated(sentence, at):
        return as_of
    if not sentence.timexes and as_of and sentence.period_before and sentence.period_before[:4] < as_of:
        return as_of  # an undated figure is as of now, not of an earlier year carried from before
    return sentence.period_at(at) or None


_RATE_GENERIC = re.compile(alternation(words("metrics", "rate_generic")))
_RATE_ADVICE = re.compile(alternation(words("metrics", "rate_advice")))
_RATE_OWNED = re.compile(alternation(words("metrics", "rate_owned")))
_CLAUSE = re.compile(r"[，,。；;：:！？!?]")


def _rate_is_the_subjects(sentence: Sentence, cue: _Cue, subject: Entity) -> bool:
    """Is the rate the company's own (its loan's or product's)? A savings rate (定期存款利率) is the
    market's; a tip to the reader (建议…) speaks of nobody's rate unless the company is named in the
    rate's own clause; a rate in a sentence that does not name the company needs a word tying it to
    the company in force (其, 该平台, 借款利率)."""
    rel = cue.start - sentence.start
    clause_start = max((m.end() for m in _CLAUSE.finditer(sentence.text, 0, rel)), default=0)
    clause = sentence.text[clause_start: cue.end - sentence.start]
    if _RATE_GENERIC.search(clause):
        return False
    named = [s for s in sentence.slots if s.entity.id == subject.id]
    in_clause = any(clause_start <= s.start - sentence.start < rel for s in named)
    if _RATE_ADVICE.search(sentence.text) and not in_clause:
        return False
    return bool(named) or bool(_RATE_OWNED.search(sentence.text[:cue.end - sentence.start]))


def observations_in(sentence: Sentence, fallback: Entity | None, as_of: str | None = None) -> Iterator[Observation]:
    """`as_of` is the article's own time (publication year, else the latest year it names): a
    registered capital stated without a change is the capital as of then, not as of a founding
    date in the same sentence (成立于2015年8月3日，注册资本5000万)."""
    if not sentence.quantities and "第" not in sentence.text:
        return  # no number, no rank: nothing to observe
    compared = _compared_timexes(sentence)
    sentence = replace(sentence, timexes=tuple(t for t in sentence.timexes if t not in compared))
    text, base = sentence.text, sentence.start
    cues = _cues(sentence)
    used: set[int] = set()
    made: list[tuple[Quantity, Observation]] = []
    for q in sentence.quantities:
        cue = next((c for c in reversed(cues) if c.end <= q.start and q.start - c.end <= _MAX_GAP
                    and "。" not in text[c.end - base: q.start - base]), None) or _cue_after(sentence, q)
        if cue is None:
            continue
        between = text[cue.end - base: q.start - base]
        if q.kind not in cue.kinds and not _bare_amount(q, cue, text[q.start - base: q.end - base]):
            continue
        others = [o for o in sentence.quantities if o.kind == q.kind and o.start >= cue.end and o.end <= q.start]
        if others and not (len(others) == 1 and _FROM_TO.fullmatch(text[cue.end - base: q.start - base].replace(
                text[others[0].start - base: others[0].end - base], "#"))):
            continue  # another number of the same kind sits between the cue and this one
        if _BEFORE_VALUE.search(between) and re.search(r"^\s*(?:增|提|升|变|扩|降|减|翻)", text[q.end - base:][:8]):
            continue  # 从5亿元增至10亿元: the earlier value is the event's, not an observation's
        if _THRESHOLD_BEFORE.search(between) or _THRESHOLD_AFTER.match(text[q.end - base:]) or \
                _is_bar(sentence, cue, q, between):
            continue  # 余额大于2亿元 / 5亿元（含）以上: a threshold, not a figure
        if _FORECAST.search(text[max(0, cue.start - base - 12): cue.start - base]) or \
                _HYPOTHETICAL.search(text, 0, cue.start - base):
            continue  # 预计上半年亏损13亿元, 如果购买100个…周收入3万元: a forecast or a supposition, not a result
        if _PER_BORROWER.search(text[max(0, cue.start - base - 8): cue.start - base]):
            continue  # 前十大借款人待还余额: one borrower's debt, not the lender's book
        if cue.metric in ("Users", "DAU", "MAU", "MonthlyBuyers") and not (
                q.unit_text in _PEOPLE_UNITS or q.value >= 1000):
            continue  # 2群, 3次: not a number of people
        period = _period(sentence, q.start, cue, as_of)
        if not period:
            continue
        subject = _subject(sentence, cue.start, fallback)
        if subject is None or (cue.metric == "InterestRate" and not _rate_is_the_subjects(sentence, cue, subject)):
            continue
        value = q.value
        if cue.metric == "NetProfit" and ("亏损" in text[cue.start - base: q.start - base]):
            value = -value
        used.add(q.start)
        unit = "CNY" if q.kind == "number" and cue.metric in _MONEY_METRICS else _UNITS[q.kind]
        metric = _LENDERS.get(cue.metric, cue.metric) if subject.category == "Lender" else cue.metric
        made.append((q, Observation(subject.id, metric, value, unit, period, sentence.evidence)))
    yield from _with_changes(sentence, made)
    yield from _compared_figures(sentence, made, compared)
    yield from _company_counts(sentence, fallback)
    yield from _ranks(sentence, cues, fallback)


_COMPARED = re.compile(rf"(?:{pattern('metrics', 'compared')})[^，,。；;\d（(]{{0,10}}?[（(]?\s*$")
_COMPARED_FIGURE = re.compile(r"^\s*[)）]?\s*的\s*$")


def _compared_timexes(sentence: Sentence) -> dict[Timex, int | None]:
    """The times compared with (较上一个工作日(2018-06-06)的947.56万元; 相比上一个工作日(06月06日)，
    降低了…), each with the offset of the figure it dates, if one follows: they date that
    figure only, not the ones after."""
    out: dict[Timex, int | None] = {}
    for t in sentence.timexes:
        lead = sentence.text[max(0, t.start - sentence.start - 16): t.start - sentence.start]
        if not _COMPARED.search(lead):
            continue
        out[t] = next((q.start for q in sentence.quantities if q.start >= t.end and _COMPARED_FIGURE.match(
            sentence.text[t.end - sentence.start: q.start - sentence.start])), None)
    return out


def _compared_figures(sentence: Sentence, made: list[tuple[Quantity, Observation]],
                      compared: dict[Timex, int | None]) -> Iterator[Observation]:
    """成交额为1,717.45万元，相比上一个工作日(2018/06/06)的947.56万元: the second figure is the
    same metric of the same subject at the time compared with."""
    for timex, at in compared.items():
        figure = next((q for q in sentence.quantities if q.start == at), None)
        before = [(q, ob) for q, ob in made if figure is not None and q.end <= at and q.kind == figure.kind]
        if not before:
            continue
        q, ob = before[-1]
        if _CLAUSE_END.search(sentence.text, q.end - sentence.start, timex.start - sentence.start):
            continue  # the figure compared with belongs to the clause of the one before it
        yield Observation(ob.subject, ob.metric, figure.value, ob.unit, timex.period, sentence.evidence)


_CLAUSE_END = re.compile(r"[。；;]")


def _with_changes(sentence: Sentence, made: list[tuple[Quantity, Observation]]) -> Iterator[Observation]:
    """同比增长17.6%至3589亿元 or 增至3850亿元,同比增长15.2%: the change nearest its value."""
    taken: set[int] = set()
    for q, ob in made:
        best = None
        for i, (cs, ce, value) in enumerate(sentence.changes):
            if i in taken:
                continue
            gap = q.start - ce if ce <= q.start else cs - q.end
            if 0 <= gap <= 6 and (best is None or gap < best[0]):
                best = (gap, i, value)
        if best is not None:
            taken.add(best[1])
            ob = Observation(ob.subject, ob.metric, ob.value, ob.unit, ob.period, ob.evidence, best[2])
        yield ob


def _company_counts(sentence: Sentence, fallback: Entity | None) -> Iterator[Observation]:
    if "家" not in sentence.text:
        return
    for m in _COUNT.finditer(sentence.text):
        at = sentence.start + m.start()
        markets = [s for s in sentence.slots if s.entity.category == "Market" and s.start <= at]
        if not markets:
            continue
        n = int(m.group("n") or m.group("n2"))
        period = sentence.period_at(at)
        if period:
            yield Observation(markets[-1].entity.id, "CompanyCount", float(n), "count", period, sentence.evidence)


def _ranks(sentence: Sentence, cues: list[_Cue], fallback: Entity | None) -> Iterator[Observation]:
    """投放贷款金额、贷款余额分别位列第9、第10位 → one rank per metric, in order."""
    for m in _RANKS.finditer(sentence.text):
        at = sentence.start + m.start()
        ranks = [int(parse_number(n) or 0) for n in re.findall(rf"\d+|{CN_NUMBER}", m.group("ranks"))]
        listed = [c for c in cues if c.end <= at and c.metric in _RANKED and at - c.end <= 20]
        # the metrics listed just before, joined by 、和及
        chain: list[_Cue] = []
        for c in reversed(listed):
            if chain and not re.fullmatch(r"[^，,。；;]{0,6}", sentence.text[c.end - sentence.start: chain[-1].start - sentence.start]):
                break
            chain.append(c)
        chain.reverse()
        if not chain:
            continue
        pairs = zip(chain, ranks) if len(chain) == len(ranks) else zip(chain[-1:], ranks[:1])
        period = sentence.period_at(at)
        subject = _subject(sentence, chain[0].start, fallback, ranked=True)
        if not period or subject is None:
            continue
        for cue, rank in pairs:
            yield Observation(subject.id, _RANKED[cue.metric], float(rank), "rank", period, sentence.evidence)


def _anchored(ob: Observation) -> bool:
    """Was the period read in the observation's own sentence (not carried from before)?"""
    from kg.extract.timex import find_timexes

    year = int(ob.period[:4]) if ob.period[:4].isdigit() else None
    return any(t.period == ob.period for t in find_timexes(ob.evidence.text, default_year=year))


def unique_observations(observations: Iterable[Observation]) -> list[Observation]:
    """The same value of the same metric for the same subject stated twice (a headline, then the
    body): one observation, preferring the statement whose own sentence names its time."""
    best: dict[tuple[str, str, float], Observation] = {}
    order: list[tuple[str, str, float]] = []
    for ob in observations:
        key = (ob.subject, ob.metric, round(ob.value, 4))
        if key not in best:
            best[key] = ob
            order.append(key)
        elif not _anchored(best[key]) and _anchored(ob):
            best[key] = ob
    kept: list[Observation] = []
    for ob in (best[k] for k in order):
        # 20.97亿 in the headline, 20.969亿 in the body: one figure, kept at its most precise
        twin = next((i for i, k in enumerate(kept) if (k.subject, k.metric, k.period) == (ob.subject, ob.metric, ob.period)
                     and abs(k.value - ob.value) <= 0.005 * max(abs(k.value), 1)), None)
        if twin is None:
            kept.append(ob)
        elif _precision(ob.value) > _precision(kept[twin].value):
            kept[twin] = ob
    # a distinctive figure (7.031亿) repeated in a table of contents, where the nearest name is
    # somebody else's: the statement dated in its own sentence is the one to keep
    anchored = {(o.metric, round(o.value, 4)) for o in kept if _distinctive(o.value) and _anchored(o)}
    return [o for o in kept if not ((o.metric, round(o.value, 4)) in anchored and not _anchored(o))]


def _precision(value: float) -> int:
    """Significant digits as written: 2096900000 (20.969亿) has 5, 2097000000 (20.97亿) has 4."""
    return len(f"{abs(value):.12g}".replace(".", "").replace("-", "").lstrip("0").rstrip("0"))


def _distinctive(value: float) -> bool:
    """Four or more significant digits: two companies rarely share such a figure by chance."""
    return _precision(value) >= 4


__all__ = ["observations_in", "unique_observations", "METRIC_CUES"]
