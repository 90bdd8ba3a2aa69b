"""Relations between the names of a sentence: one ordered list of handlers, each a function
(sentence, scope) → relations over the masked sentence (names as slots, see context.py).

Handlers run in the order listed and each applies only when its condition holds; the cue
patterns they read are data (vocab/relations.yaml). A trained relation extractor joins as one
more row.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import NamedTuple

from kg.extract.context import Sentence
from kg.extract.relations.common import Handler, Scope
from kg.extract.relations.control import controllers, named_holders, stake_holdings
from kg.extract.relations.custody import custody_partners
from kg.extract.relations.from_names import name_relations
from kg.extract.relations.lists import list_members, named_investor
from kg.extract.relations.operators import (
    belongs_to, bracketed_operators, named_operators, named_platforms, platform_cities, run_by,
)
from kg.extract.relations.penalties import carried_penalties, passive_penalties
from kg.extract.relations.rules import rule_relations
from kg.extract.relations.topic import pronoun_penalties, topic_operator, topic_partners
from kg.model import Relation


def _always(sentence: Sentence, scope: Scope) -> bool:
    return True


def _two_names(sentence: Sentence, scope: Scope) -> bool:
    return len(sentence.slots) >= 2


def _two_names_or_topic(sentence: Sentence, scope: Scope) -> bool:
    """A name and another one, or a name and the paragraph's topic."""
    return bool(sentence.slots) and (len(sentence.slots) >= 2 or scope.topic is not None)


class Step(NamedTuple):
    name: str
    applies: Callable[[Sentence, Scope], bool]
    handle: Handler


HANDLERS: tuple[Step, ...] = (
    Step("rules", _two_names, rule_relations),
    Step("carried-penalties", _always, carried_penalties),
    Step("passive-penalties", _two_names, passive_penalties),
    Step("controllers", _two_names_or_topic, controllers),
    Step("lists", _two_names_or_topic, list_members),
    Step("stakes", _two_names_or_topic, stake_holdings),
    Step("holders", _two_names_or_topic, named_holders),
    Step("investors", _two_names_or_topic, named_investor),
    Step("topic-partners", _two_names_or_topic, topic_partners),
    Step("belongs-to", _two_names_or_topic, belongs_to),
    Step("pronoun-penalties", _two_names_or_topic, pronoun_penalties),
    Step("custody", _two_names_or_topic, custody_partners),
    Step("topic-operator", _two_names_or_topic, topic_operator),
    Step("run-by", _two_names_or_topic, run_by),
    Step("named-operators", _two_names_or_topic, named_operators),
    Step("bracketed-operators", _two_names_or_topic, bracketed_operators),
    Step("named-platforms", _two_names_or_topic, named_platforms),
    Step("platform-cities", _two_names_or_topic, platform_cities),
)


def relations_of(sentence: Sentence, scope: Scope, steps: tuple[Step, ...] = HANDLERS) -> Iterator[Relation]:
    """Every handler's relations for one sentence, in handler order (duplicates removed later)."""
    for step in steps:
        if step.applies(sentence, scope):
            yield from step.handle(sentence, scope)


def unique_relations(relations: Iterable[Relation]) -> list[Relation]:
    """The first statement of each relation (partnerOf either way round counts once)."""
    seen: set[tuple[str, str, str]] = set()
    out: list[Relation] = []
    for r in relations:
        key = (r.subject, r.predicate, r.object)
        if r.predicate == "partnerOf":
            key = (min(r.subject, r.object), r.predicate, max(r.subject, r.object))
        if key not in seen:
            seen.add(key)
            out.append(r)
    return out


__all__ = ["HANDLERS", "Scope", "Step", "name_relations", "relations_of", "unique_relations"]
