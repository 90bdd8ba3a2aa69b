"""Custody banks: 上线浙商银行存管 / 与江西银行签署资金存管协议 / 资金由浙商银行存管 — the bank that
holds a platform's funds is its partner."""

from __future__ import annotations

import re
from collections.abc import Iterator

from kg.extract.context import Sentence
from kg.extract.relations.common import LENDING, Scope, cue, entity, is_bank, named_in
from kg.model import Entity, Relation


def custody_partners(sentence: Sentence, scope: Scope) -> Iterator[Relation]:
    masked, _ = sentence.masked()
    for m in cue("custody").finditer(masked):
        bank = entity(sentence, m, 2)
        if not is_bank(bank):
            continue
        platform = entity(sentence, m, 1) if m.group(1) is not None else _custody_client(sentence, scope, masked, m)
        if platform is not None and platform.id != bank.id and platform.category in LENDING \
                and not is_bank(platform):
            yield Relation(platform.id, "partnerOf", bank.id, sentence.evidence)


def _custody_client(sentence: Sentence, scope: Scope, masked: str, m: re.Match[str]) -> Entity | None:
    """The platform of a custody cue that names none: the last one in the clause; the paragraph's
    platform only when nothing else can be the subject: 资金由X存管, or a clause that names the
    platform as such (平台已上线X存管, 其已对接…); 已对接X存管 after an unknown name is not."""
    clause_start = max(masked.rfind(c, 0, m.start()) for c in "，,；;：:") + 1
    before = _platforms(sentence, masked[clause_start:m.start()])
    lead = masked[clause_start:m.start()].strip()
    implicit = m.group(0).startswith(("资金", "账户")) or bool(cue("implicit_subject").fullmatch(lead))
    earlier = _platforms(sentence, masked[:clause_start])
    return before[-1] if before else (earlier[-1] if earlier else scope.topic) if implicit else None


def _platforms(sentence: Sentence, masked: str) -> list[Entity]:
    return [e for e in named_in(sentence, masked, LENDING, media=True) if not is_bank(e)]
