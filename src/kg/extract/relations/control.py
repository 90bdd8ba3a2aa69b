"""Control and stakes: 控股股东 / 实际控制人 (control), X持有Y 72%的股份 (a majority stake is
control), X的股东Y (a shareholding)."""

from __future__ import annotations

from collections.abc import Iterator

from kg.extract.context import Sentence
from kg.extract.relations.common import COMPANY, Scope, control, cue, entity, named_in
from kg.model import Relation


def controllers(sentence: Sentence, scope: Scope) -> Iterator[Relation]:
    """X的控股股东为Y (the owned named first) / Y为X的实际控制人、最终受益人 (the owner named first)."""
    masked, _ = sentence.masked()
    for key, owned_group in (("controller", 1), ("controller_first", 2)):
        for m in cue(key).finditer(masked):
            yield from control(entity(sentence, m, 3 - owned_group), entity(sentence, m, owned_group), sentence)


def stake_holdings(sentence: Sentence, scope: Scope) -> Iterator[Relation]:
    """X持有Y 72.05%的股份 / X持有其…: a majority stake is control, a minority one a shareholding;
    其 is the company the sentence (else the paragraph) is about."""
    masked, _ = sentence.masked()
    for m in cue("stake_holding").finditer(masked):
        holder = entity(sentence, m, 1)
        if m.group(2):
            held = entity(sentence, m, 2)
        else:
            earlier = named_in(sentence, masked[:m.start()], media=True)
            held = earlier[0] if earlier else scope.topic
        if held is None or held.id == holder.id or held.category not in COMPANY:
            continue
        if holder.category in COMPANY and float(m.group(3)) > 50:
            yield Relation(held.id, "subsidiaryOf", holder.id, sentence.evidence)
        elif holder.category in COMPANY + ("Person",):
            yield Relation(holder.id, "shareholderOf", held.id, sentence.evidence)


def named_holders(sentence: Sentence, scope: Scope) -> Iterator[Relation]:
    """X的股东Y / 大股东Y，持有90%股份: Y holds shares in the company named before (else the
    paragraph's); a stake above half written after it is control."""
    masked, _ = sentence.masked()
    for m in cue("holder").finditer(masked):
        holder = entity(sentence, m, 3)  # groups: 1 the company, 2 control, 3 the holder
        held = entity(sentence, m, 1) if m.group(1) else None
        if held is None:
            earlier = named_in(sentence, masked[:m.start()])
            held = earlier[-1] if earlier else scope.topic
        if held is None or held.id == holder.id or held.category not in COMPANY or \
                holder.category not in COMPANY + ("Person",):
            continue
        stake = cue("stake_after").match(masked, m.end())
        if m.group("control") or stake and float(stake.group(1)) > 50:
            yield from control(holder, held, sentence)
        else:
            yield Relation(holder.id, "shareholderOf", held.id, sentence.evidence)
