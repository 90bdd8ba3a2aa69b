"""Extraction → the contract JSON of ../shared/eval/CONTRACT.md: the plain view of one article's graph."""

from __future__ import annotations

from typing import Any

from kg.model import Evidence, Extraction
from kg.schema import CATEGORY_TABLE

# Our category → the contract's, where they differ (kg.schema declares both).
CONTRACT_CATEGORY = {c.key: c.contract for c in CATEGORY_TABLE if c.contract != c.key}


def _evidence(e: Evidence) -> dict[str, Any]:
    return {"start": e.start, "end": e.end, "text": e.text}


def _number(value: float | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


def to_contract(x: Extraction) -> dict[str, Any]:
    return {
        "article": {"id": x.article.id, "title": x.article.title},
        "entities": [
            {
                "id": e.id,
                "name": e.name,
                "category": CONTRACT_CATEGORY.get(e.category, e.category),
                "kind": e.kind,
                "aliases": list(e.aliases),
                "mentions": [{"start": s.start, "end": s.end} for s in e.mentions],
            }
            for e in x.entities
        ],
        "relations": [
            {"subject": r.subject, "predicate": r.predicate, "object": r.object, "evidence": _evidence(r.evidence)}
            for r in x.relations
        ],
        "observations": [
            {"subject": o.subject, "metric": o.metric, "value": _number(o.value), "unit": o.unit,
             "period": o.period, "change_yoy": o.change_yoy, "evidence": _evidence(o.evidence)}
            for o in x.observations
        ],
        "events": [
            {"type": e.type, "subject": e.subject, "object": e.object, "date": e.date,
             "value_before": _number(e.value_before), "value_after": _number(e.value_after),
             "amount": _number(e.amount), "evidence": _evidence(e.evidence)}
            for e in x.events
        ],
    }
