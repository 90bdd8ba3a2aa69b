"""Events: licences, capital increases, penalties, regulations issued or in force, acquisitions,
renamings — each with its subject, date and amounts, read from cue words in a sentence."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import replace

from kg.extract.context import Sentence, Slot, is_media
from kg.extract.lexicon import alternation, pattern, words
from kg.extract.names.declared import DOCUMENT_NUMBER
from kg.extract.relations.penalties import passive_authority
from kg.model import COMPANY, Entity, Event

LICENSE_GRANTED = re.compile(pattern("events", "license_granted"))
LICENSE_NOT = re.compile(pattern("events", "license_not"))
LICENSE_REVOKED = re.compile(pattern("events", "license_revoked"))
CAPITAL = re.compile(pattern("events", "capital_increase"))
BEFORE = re.compile(r"(?:从|由)\s*$")
AFTER = re.compile(r"(?:增至|增加至|增长至|提升至|提高至|变更为|扩大至|增加到|增长到|提升到|达到|达|至|到|为)\s*$")
PENALTY = re.compile(alternation(words("common", "penalty")))
ISSUED = re.compile(alternation(words("events", "issued")))
EFFECTIVE = re.compile(pattern("events", "effective"))
CITED = re.compile(pattern("events", "cited_before"))
_ACQUISITION = re.compile(
    r"\ue000(\d+)\ue001(?:(?!由|被|遭|关于|召开|参与)[^\ue000\ue001。；;！？，,]){0,20}?"
    rf"({alternation(words('events', 'acquired'))})"
    r"(?!重组|潮|案|市场|基金|专题|交易|方)(?:了)?(?:\ue000(\d+)\ue001)?"
)
_CLAUSE_END = re.compile(r"[。；;！？!?]")
_BOUGHT_COMPANY = re.compile(r"股权|股份|公司|银行|平台|集团")
_RENAMING = re.compile(r"\ue000(\d+)\ue001[^\ue000\ue001。；;！？]{0,30}?(?:已)?(?:正式)?"
                       rf"({alternation(words('common', 'renaming_verbs'))})\ue000(\d+)\ue001")
_FORMER_STATED = re.compile(rf"(?:{alternation(words('events', 'former_name_stated'))})(?:为|是|叫|[:：])?\ue000(\d+)\ue001")
_CURRENT_NAME = re.compile(rf"\ue000(\d+)\ue001[（(](?:{alternation(words('events', 'current_name_cues'))})[:：]?\ue000(\d+)\ue001")
_FORMER_NAME = re.compile(rf"\ue000(\d+)\ue001[（(]{alternation(words('common', 'former_name_cues'))}[:：]?\ue000(\d+)\ue001[)）]")


def _nearest(slots: list[Slot], at: int) -> Slot | None:
    return min(slots, key=lambda s: abs(s.start - at), default=None)


_ISSUER_NAMES = words("events", "issuer_name_endings")
_RIGHT_AFTER = 4  # characters between a cue and a time that is its own (之日（); regulations pass `end`
CARRIED = "~"  # marks a date carried from earlier sentences: weaker than one read in the sentence


def _date(sentence: Sentence, at: int, end: int | None = None) -> str:
    """The time in force at a cue in its own sentence (the last before it: news dates a clause up
    front, and a time after the cue tends to date the facts behind it, 在2016年7月办理贷款时), else
    the first after it, else the one carried from before, marked as such: merge() prefers its
    twin's own date (a headline repeating an event is not dated by whatever came before it)."""
    right_after = [t for t in sentence.timexes if end is not None and 0 <= t.start - end <= _RIGHT_AFTER]
    if right_after:
        return right_after[0].period  # 发布之日（2016年8月24日）: the cue's own date
    if sentence.timexes:
        before = [t for t in sentence.timexes if t.start <= at]
        return (before[-1] if before else sentence.timexes[0]).period
    return CARRIED + sentence.period_before if sentence.period_before else ""


def events_in(sentence: Sentence, authority: Entity | None = None) -> Iterator[Event]:
    """Every event a sentence with names tells, one finder per kind of event, in this order.
    `authority` is the last authority named before the sentence in its paragraph."""
    if not sentence.slots:
        return
    for finder in (_licences, _capital_increases, _regulations, _acquisitions, _renamings):
        yield from finder(sentence)
    yield from _penalties(sentence, authority)


def events_of(sentences: list[Sentence]) -> list[Event]:
    """The events of an article, sentence by sentence, each with the authority in force."""
    out: list[Event] = []
    authority: Entity | None = None
    paragraph = -1
    for s in sentences:
        if s.paragraph != paragraph:
            paragraph, authority = s.paragraph, None
        out.extend(events_in(s, authority))
        regulators = s.slots_of("Regulator")
        if regulators:
            authority = regulators[-1].entity
    return merge(out)


def _licences(sentence: Sentence) -> Iterator[Event]:
    """A licence revoked (every cue), else one granted (the first cue): 吊销牌照 outweighs 获得牌照."""
    text, base = sentence.text, sentence.start
    lenders = sentence.slots_of("Lender") or sentence.slots_of(*COMPANY)
    regulators = sentence.slots_of("Regulator")
    for m in LICENSE_REVOKED.finditer(text):
        subject = _nearest(lenders, base + m.start())
        if subject:
            yield Event("LicenseRevoked", subject.entity.id, sentence.evidence, _obj(regulators),
                        _date(sentence, base + m.start()))
    if not LICENSE_REVOKED.search(text):
        for m in LICENSE_GRANTED.finditer(text):
            if LICENSE_NOT.search(text, max(0, m.start() - 10), m.start()):
                continue  # 没有取得许可证, 试图取得牌照: not granted
            subject = _nearest(lenders, base + m.start())
            if subject:
                yield Event("LicenseGranted", subject.entity.id, sentence.evidence, _obj(regulators),
                            _date(sentence, base + m.start()))
                break


def _capital_increases(sentence: Sentence) -> Iterator[Event]:
    """增资 / 注册资本增至…: the amounts before (从5亿元) and after (增至10亿元) where written."""
    text, base = sentence.text, sentence.start
    m = CAPITAL.search(text)
    companies = sentence.slots_of(*COMPANY)
    if not m or not companies:
        return
    before = after = None
    for q in sentence.quantities:
        if q.kind != "money" or q.start < base + m.start() - 12:
            continue
        lead = text[max(0, q.start - base - 6): q.start - base]
        if BEFORE.search(lead) and before is None:
            before = q.value
        elif AFTER.search(lead) or "注册资本" in lead:
            after = q.value
    subject = _nearest(sentence.slots_of("Lender") or companies, base + m.start())
    if subject and (after is not None or sentence.timexes):  # a bare mention of 增资 is no event
        yield Event("CapitalIncrease", subject.entity.id, sentence.evidence, None, _date(sentence, base + m.start()),
                    value_before=before, value_after=after)


def _penalties(sentence: Sentence, authority: Entity | None = None) -> Iterator[Event]:
    """A penalty cue with an authority and a company (not an outlet) in the sentence; the first
    money amount is the fine. A company 被处以罚款 in a sentence naming no authority was
    penalised by the authority named before it in the paragraph (X公示一则处罚信息。Y被处以10万元罚款)."""
    m = next((m for m in PENALTY.finditer(sentence.text) if not _NOT_PENALTY.search(
        sentence.text, max(0, m.start() - 2), m.end() + 3)), None)
    companies = [c for c in sentence.slots_of(*COMPANY) if not is_media(c.entity)]
    regulators = sentence.slots_of("Regulator")
    if not (m and companies):
        return
    if not regulators and not (authority and _IMPOSED.search(sentence.text)):
        return
    at = sentence.start + m.start()
    fine = next((q.value for q in sentence.quantities if q.kind == "money"), None)
    imposed = passive_authority(sentence) or (_nearest(regulators, at).entity if regulators else authority)
    yield Event("Penalty", _nearest(companies, at).entity.id, sentence.evidence,
                imposed.id, _date(sentence, at) or _decision_year(sentence), amount=fine)


_NOT_PENALTY = re.compile(pattern("events", "not_penalty"))
_IMPOSED = re.compile(r"被[^，,。；;]{0,6}?(?:处以|罚款|罚没)")


def _decision_year(sentence: Sentence) -> str:
    """A penalty decision undated in its sentence is dated by its number's year (徐银监罚决字〔2018〕4号)."""
    m = DOCUMENT_NUMBER.search(sentence.text)
    return re.search(r"\d{4}", m.group(0)).group(0) if m else ""


def _regulations(sentence: Sentence) -> Iterator[Event]:
    """A regulation issued, or in force from a date. Each issuing cue issues the regulation nearest
    it (下发了《通知》，该《通知》指出…《办法》: the 办法 is only cited), by the nearest authority
    (or association); a regulation right next to its cue (下发的《意见》, 《意见》发布) is issued even
    where the issuer is no named body (监管机构, 北京市), unless a company is named: a company's
    notice (X公司发布《说明函》) is no rule."""
    text, base = sentence.text, sentence.start
    issuers = sentence.slots_of("Regulator") or [
        s for s in sentence.slots_of("Organization") if s.entity.name.endswith(_ISSUER_NAMES)]
    regulations = sentence.slots_of("Regulation")
    companies = [c for c in sentence.slots_of(*COMPANY) if c.entity not in (i.entity for i in issuers)]
    issued: dict[int, tuple[int, int, int]] = {}  # regulation index → (gap, start, end) of its nearest cue
    for m in ISSUED.finditer(text):
        gaps = [(_gap(r, base + m.start(), base + m.end()), i) for i, r in enumerate(regulations)]
        if gaps:
            gap, i = min(gaps)
            issued[i] = min(issued.get(i, (gap, base + m.start(), base + m.end())), (gap, base + m.start(), base + m.end()))
    for i, regulation in enumerate(regulations):
        cited = CITED.search(text[max(0, regulation.start - base - 6): regulation.start - base].rstrip("《"))
        if i in issued and not cited and (issuers or issued[i][0] <= _ADJACENT and not companies):
            issuer = _nearest(issuers, regulation.start).entity.id if issuers else None
            yield Event("RegulationIssued", regulation.entity.id, sentence.evidence, issuer,
                        _date(sentence, issued[i][1], issued[i][2]))
        m = EFFECTIVE.search(text, regulation.end - base)
        if m and sentence.timexes:
            yield Event("RegulationEffective", regulation.entity.id, sentence.evidence, None,
                        _date(sentence, base + m.start()))


_ADJACENT = 3  # characters between a cue and a regulation it issues without a named issuer (了《, 》正式)


def _gap(slot: Slot, start: int, end: int) -> int:
    """Characters between a slot and a cue, on whichever side."""
    return slot.start - end if slot.start >= end else max(0, start - slot.end)


def _acquisitions(sentence: Sentence) -> Iterator[Event]:
    """X收购Y, also X宣布将以927亿泰铢收购Y旗下寿险公司 (the target may go unnamed)."""
    masked, positions = sentence.masked()
    for m in _ACQUISITION.finditer(masked):
        a = sentence.slots[int(m.group(1))]
        b = sentence.slots[int(m.group(3))] if m.group(3) else None
        if a.entity.category not in COMPANY or is_media(a.entity) or a.entity.name.endswith(_ISSUER_NAMES):
            continue  # 协会组织召开并购研讨会: an association does not buy companies
        target = b.entity.id if b is not None and b.entity.category in COMPANY and b.entity.id != a.entity.id else None
        clause_end = next((c.start() for c in _CLAUSE_END.finditer(masked, m.end())), len(masked))
        if target is None and not _BOUGHT_COMPANY.search(masked, m.end(), min(m.end() + 30, clause_end)):
            continue  # 由X全额收购未到期债权: debts or assets, not a company
        yield Event("Acquisition", a.entity.id, sentence.evidence, target, _date(sentence, positions[m.start(2)]))


def _renamings(sentence: Sentence) -> Iterator[Event]:
    """金谷财行(原金联专享), 青禾科技（现为ST青禾）, X曾用名为Y: told by the former or the current name,
    these tell no time; X更名为Y, also a clause away (彼时该公司名为X，…，次月更名为Y), dated at the cue."""
    masked, positions = sentence.masked()
    for m in _FORMER_NAME.finditer(masked):
        new_name, old_name = sentence.slots[int(m.group(1))], sentence.slots[int(m.group(2))]
        if new_name.entity.id != old_name.entity.id:
            yield Event("Renaming", old_name.entity.id, sentence.evidence, new_name.entity.id, "")
    for m in _CURRENT_NAME.finditer(masked):
        old_name, new_name = sentence.slots[int(m.group(1))], sentence.slots[int(m.group(2))]
        if new_name.entity.id != old_name.entity.id:
            yield Event("Renaming", old_name.entity.id, sentence.evidence, new_name.entity.id, "")
    for m in _FORMER_STATED.finditer(masked):
        old_name = sentence.slots[int(m.group(1))]
        current = [s for s in sentence.slots_of(*COMPANY) if s.start < positions[m.start()] and s.entity.id != old_name.entity.id]
        yield Event("Renaming", old_name.entity.id, sentence.evidence, current[-1].entity.id if current else None, "")
    for m in _RENAMING.finditer(masked):
        a, b = sentence.slots[int(m.group(1))], sentence.slots[int(m.group(3))]
        if a.entity.id != b.entity.id:
            yield Event("Renaming", a.entity.id, sentence.evidence, b.entity.id, _date(sentence, positions[m.start(2)]))


def _obj(slots: list[Slot]) -> str | None:
    return slots[0].entity.id if slots else None


def _strength(date: str) -> tuple[int, int]:
    return (0 if date.startswith(CARRIED) or not date else 1, len(date))


def merge(events: Iterable[Event]) -> list[Event]:
    """One event told in two sentences (增资 from 5亿 to 10亿 … completed on 12月22日) is one event."""
    merged = _merge(events)
    return [replace(e, date=e.date.lstrip(CARRIED)) for e in merged]


def _merge(events: Iterable[Event]) -> list[Event]:
    merged: list[Event] = []
    for e in events:
        twin = next((m for m in merged if m.type == e.type and m.subject == e.subject and _compatible(m, e)), None)
        if twin is None:
            merged.append(e)
            continue
        i = merged.index(twin)
        date = twin.date if _strength(twin.date) >= _strength(e.date) else e.date
        merged[i] = replace(
            twin, date=date, object=twin.object or e.object,
            value_before=twin.value_before if twin.value_before is not None else e.value_before,
            value_after=twin.value_after if twin.value_after is not None else e.value_after,
            amount=twin.amount if twin.amount is not None else e.amount,
        )
    return merged


def _compatible(a: Event, b: Event) -> bool:
    if a.object and b.object and a.object != b.object:
        return False
    for x, y in ((a.value_after, b.value_after), (a.value_before, b.value_before), (a.amount, b.amount)):
        if x is not None and y is not None and abs(x - y) > 0.005 * max(abs(x), 1):
            return False
    if _strength(a.date)[0] and _strength(b.date)[0] and not (a.date.startswith(b.date) or b.date.startswith(a.date)):
        return False
    return True
