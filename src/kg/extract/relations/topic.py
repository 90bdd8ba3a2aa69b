"""Pronouns and the paragraph's topic: 其, 该平台, or no subject at all, refer to the company the
paragraph is about (the first company named in an earlier sentence) or named before in the sentence."""

from __future__ import annotations

from collections.abc import Iterator

from kg.extract.context import Sentence
from kg.extract.relations.common import COMPANY, LENDING, Scope, cue, entity, named_in
from kg.model import Relation


def topic_partners(sentence: Sentence, scope: Scope) -> Iterator[Relation]:
    """(同时)与X合作, with the company the paragraph is about as the other partner."""
    topic = scope.topic
    if topic is None:
        return
    masked, _ = sentence.masked()
    for m in cue("topic_partner").finditer(masked):
        partner = entity(sentence, m, 2)
        if partner.id != topic.id and partner.category in COMPANY:
            yield Relation(topic.id, "partnerOf", partner.id, sentence.evidence)


def pronoun_penalties(sentence: Sentence, scope: Scope) -> Iterator[Relation]:
    """X存在违规…，监管局对其处以罚款: 其 is the company named before the authority."""
    masked, _ = sentence.masked()
    for m in cue("pronoun_penalty").finditer(masked):
        regulator = entity(sentence, m, 1)
        if regulator.category != "Regulator":
            continue
        earlier = named_in(sentence, masked[:m.start()])
        company = earlier[-1] if earlier else scope.topic
        if company is not None and company.category in COMPANY:
            yield Relation(company.id, "penalizedBy", regulator.id, sentence.evidence)


def topic_operator(sentence: Sentence, scope: Scope) -> Iterator[Relation]:
    """该平台隶属于Y / 平台由Y运营: Y runs the platform the paragraph is about."""
    topic = scope.topic
    if topic is None or topic.category not in LENDING:
        return
    masked, _ = sentence.masked()
    for m in cue("topic_belongs").finditer(masked):
        whole = entity(sentence, m, 1)
        if whole.id != topic.id and whole.category in COMPANY and whole.name.endswith("公司") and \
                (topic.kind == "P2PLender" or topic.category == "Platform"):
            yield Relation(whole.id, "operates", topic.id, sentence.evidence)
