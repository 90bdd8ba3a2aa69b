"""The rules table (vocab/relations.yaml `rules`): one cue pattern between two names per row, with
the predicate, which name is the subject, and the categories that fit."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from kg.extract.context import Sentence
from kg.extract.lexicon import table
from kg.extract.relations.common import COMPANY, Scope, overlapping, with_slots
from kg.model import Relation


@dataclass(frozen=True)
class Rule:
    predicate: str
    pattern: re.Pattern[str]
    subject_group: int
    object_group: int
    subject_categories: tuple[str, ...]
    object_categories: tuple[str, ...]


@lru_cache(maxsize=1)
def rules() -> tuple[Rule, ...]:
    return tuple(Rule(row["predicate"], re.compile(with_slots(row["pattern"])), row["subject"], row["object"],
                      row.get("subject_categories", COMPANY), row.get("object_categories", COMPANY))
                 for row in table("relations", "rules"))


def rule_relations(sentence: Sentence, scope: Scope | None = None) -> Iterator[Relation]:
    """Every row of the table on the masked sentence; a match whose names fit the row's categories
    is a relation."""
    if len(sentence.slots) < 2:
        return
    masked, _ = sentence.masked()
    for rule in rules():
        for m in overlapping(rule.pattern, masked):
            subj = sentence.slots[int(m.group(rule.subject_group))].entity
            obj = sentence.slots[int(m.group(rule.object_group))].entity
            if subj.id == obj.id:
                continue
            if subj.category in rule.subject_categories and obj.category in rule.object_categories:
                yield Relation(subj.id, rule.predicate, obj.id, sentence.evidence)
