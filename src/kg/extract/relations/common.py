"""What relation handlers share: category groups, the masked sentence's slots, the names before
a match, and the compiled patterns of vocab/relations.yaml (E there is a slot: a name)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from typing import NamedTuple

from kg.extract.context import SLOT, Sentence, is_media
from kg.extract.lexicon import pattern
from kg.model import COMPANY, Entity, Relation

ORG = ("Lender", "Platform", "Organization", "Regulator")
LENDING = ("Lender", "Platform")
_SLOT_RE = re.compile(SLOT)


class Scope(NamedTuple):
    """What a sentence's relations may refer back to."""

    topic: Entity | None  # the company the paragraph is about so far (for 其, 该平台, 由A、B出资)
    previous: Sentence | None  # the sentence before it


Handler = Callable[[Sentence, Scope], Iterable[Relation]]


@lru_cache(maxsize=None)
def cue(key: str) -> re.Pattern[str]:
    """A pattern of vocab/relations.yaml, with every E made a slot."""
    return re.compile(with_slots(pattern("relations", key)))


def with_slots(text: str) -> str:
    return text.replace("E", SLOT)


def slot_ids(masked: str) -> list[int]:
    """The slot numbers in a stretch of the masked sentence, in order."""
    return [int(i) for i in _SLOT_RE.findall(masked)]


def entity(sentence: Sentence, m: re.Match[str], group: int | str) -> Entity:
    """The entity of the slot a match group captured."""
    return sentence.slots[int(m.group(group))].entity


def named_in(sentence: Sentence, masked: str, categories: tuple[str, ...] = COMPANY, *,
             media: bool = False) -> list[Entity]:
    """The entities of those categories named in a stretch of the masked sentence; outlets and
    data services (第一财经, 企查查) only when `media` — they report deals, they are no party."""
    found = [sentence.slots[i].entity for i in slot_ids(masked)]
    return [e for e in found if e.category in categories and (media or not is_media(e))]


def is_bank(entity: Entity) -> bool:
    return entity.kind == "Bank" or entity.category == "Lender" and entity.name.endswith(("银行", "银行股份有限公司"))


def overlapping(regex: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    """Matches that may share a slot: 'A旗下B旗下C' gives A–B and B–C."""
    pos = 0
    while True:
        m = regex.search(text, pos)
        if m is None:
            return
        yield m
        pos = m.start() + 1


def control(owner: Entity, owned: Entity, sentence: Sentence) -> Iterator[Relation]:
    """A person in control holds shares; a company in control is the parent."""
    if owned.id == owner.id or owned.category not in COMPANY:
        return
    if owner.category == "Person":
        yield Relation(owner.id, "shareholderOf", owned.id, sentence.evidence)
    elif owner.category in COMPANY:
        yield Relation(owned.id, "subsidiaryOf", owner.id, sentence.evidence)
