"""Penalties told over two sentences: 银保监会披露10张罚单。其中，民生银行共收到4张罚单 — the
authority is the one named in the sentence before, in the same paragraph."""

from __future__ import annotations

import re
from collections.abc import Iterator

from kg.extract.context import Sentence, is_media
from kg.extract.lexicon import words, alternation
from kg.extract.relations.common import COMPANY, Scope, cue, entity, named_in
from kg.model import Entity, Relation

PENALTY = re.compile(alternation(words("common", "penalty")))


def carried_penalties(sentence: Sentence, scope: Scope) -> Iterator[Relation]:
    previous = scope.previous
    if previous is None or sentence.paragraph != previous.paragraph or sentence.slots_of("Regulator"):
        return
    regulators = previous.slots_of("Regulator")
    if not regulators or not PENALTY.search(previous.text) or not PENALTY.search(sentence.text):
        return
    masked, _ = sentence.masked()
    for m in cue("received").finditer(masked):
        company = entity(sentence, m, 1)
        if company.category in COMPANY and not is_media(company):
            yield Relation(company.id, "penalizedBy", regulators[-1].entity.id, sentence.evidence)


def passive_penalties(sentence: Sentence, scope: Scope) -> Iterator[Relation]:
    """…，被徐州银监分局罚款25万元: the authority after 被 penalised the company named last before it,
    even with other words and names between them (a cited law, the national regulator's website)."""
    masked, _ = sentence.masked()
    for m in cue("passive_penalty").finditer(masked):
        authority = entity(sentence, m, 1)
        companies = named_in(sentence, masked[:m.start()])
        if authority.category == "Regulator" and companies:
            yield Relation(companies[-1].id, "penalizedBy", authority.id, sentence.evidence)


def passive_authority(sentence: Sentence) -> Entity | None:
    """The authority a sentence says imposed its penalty (被X罚款), if it says so."""
    masked, _ = sentence.masked()
    m = cue("passive_penalty").search(masked)
    if m is None:
        return None
    authority = entity(sentence, m, 1)
    return authority if authority.category == "Regulator" else None
