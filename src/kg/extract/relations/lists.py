"""Relations with a list on one side (vocab/relations.yaml `list_rules`): investors (由A、B领投),
shareholders (股东包括A、B), products (推出系列产品A、B), subsidiaries (旗下有A、B)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from kg.extract.context import Sentence, is_media
from kg.extract.lexicon import table
from kg.extract.relations.common import COMPANY, Scope, cue, entity, slot_ids, with_slots
from kg.model import Entity, Relation


@lru_cache(maxsize=1)
def list_rules() -> tuple[tuple[re.Pattern[str], str, str], ...]:
    """(pattern, predicate, how the other party is found) per row."""
    return tuple((re.compile(with_slots(r["pattern"])), r["predicate"], r["party"]) for r in table("relations", "list_rules"))


def list_members(sentence: Sentence, scope: Scope) -> Iterator[Relation]:
    """Each listed name with the party the list belongs to or invests in."""
    masked, _ = sentence.masked()
    for regex, predicate, how in list_rules():
        for m in regex.finditer(masked):
            former = {int(i) for i in cue("former_in_list").findall(m.group("list"))}
            members = [i for i in slot_ids(m.group("list")) if i not in former]  # 金谷财行(原金联专享): one company
            if how == "owner":
                yield from _owned(sentence, masked[:m.start()], members, predicate)
            else:
                yield from _invested(sentence, scope, m, members, predicate, how)


def _owned(sentence: Sentence, before: str, members: list[int], predicate: str) -> Iterator[Relation]:
    """旗下有A、B / 推出系列产品A: the last name before the list owns the listed products and companies."""
    named = slot_ids(before)
    if not named:
        return
    owner = sentence.slots[named[-1]].entity
    for i in members:
        e = sentence.slots[i].entity
        if e.id == owner.id:
            continue
        if e.category == "Product":
            yield Relation(owner.id, "operates", e.id, sentence.evidence)
        elif e.category in COMPANY and predicate == "subsidiaryOf":  # 旗下有…; not a product list
            yield Relation(e.id, "subsidiaryOf", owner.id, sentence.evidence)


def _invested(sentence: Sentence, scope: Scope, m: re.Match[str], members: list[int], predicate: str,
              how: str) -> Iterator[Relation]:
    """Investors and shareholders listed: each holds shares in the party (a majority is control)."""
    masked, _ = sentence.masked()
    target = _party(sentence, masked, m.start(), how, set(members))
    own = cue("own_subject").search(masked[:m.start()])
    if target is None and own and m.group(0).startswith("由") and not cue("topic_pronoun").search(own.group(0)):
        return  # 国富人寿是由A发起: the sentence names its own (unrecognised) company
    target = target or scope.topic
    if target is None or any(sentence.slots[i].entity.id == target.id for i in members):
        return
    if how == "sole-or-many" and len(members) == 1 and sentence.slots[members[0]].entity.category in COMPANY:
        # a company's only shareholder controls it
        yield Relation(target.id, "subsidiaryOf", sentence.slots[members[0]].entity.id, sentence.evidence)
        return
    stakes = {int(s.group(1)): float(s.group(2)) for s in cue("listed_stake").finditer(m.group("list"))}
    for i in members:
        e = sentence.slots[i].entity
        if e.id == target.id or e.category not in COMPANY + ("Person",):
            continue
        if e.category in COMPANY and stakes.get(i, 0) > 50:
            yield Relation(target.id, "subsidiaryOf", e.id, sentence.evidence)  # a majority stake is control
        else:
            yield Relation(e.id, predicate, target.id, sentence.evidence)


def _party(sentence: Sentence, masked: str, at: int, how: str, exclude: set[int]) -> Entity | None:
    """The company the listed parties invest in: the one that raised money (X完成…融资), else the
    first company named before the list that is not itself an investor."""
    raised = cue("raised").search(masked)
    if how == "financed" and raised and int(raised.group(1)) not in exclude:
        return entity(sentence, raised, 1)
    investors = {i for regex, _, _ in list_rules() for m in regex.finditer(masked) for i in slot_ids(m.group("list"))}
    before = [sentence.slots[i].entity for i in slot_ids(masked[:at]) if i not in exclude and i not in investors]
    candidates = [e for e in before if e.category in COMPANY and not is_media(e)]
    if not candidates:
        return None
    return candidates[0] if how == "financed" else candidates[-1]


def named_investor(sentence: Sentence, scope: Scope) -> Iterator[Relation]:
    """主要投资者 / 领投方: one investor named as such."""
    masked, _ = sentence.masked()
    for m in cue("investor").finditer(masked):
        investor = entity(sentence, m, 1)
        target = _party(sentence, masked, m.start(), "financed", {int(m.group(1))}) or scope.topic
        if target is not None and target.id != investor.id and investor.category in COMPANY:
            yield Relation(investor.id, "shareholderOf", target.id, sentence.evidence)
