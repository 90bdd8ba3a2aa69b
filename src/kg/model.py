"""Plain, immutable records that flow between the stages.

Facts hold character offsets into the article text, never live spaCy objects, so they
pickle across processes and compare by value in tests.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

from kg import schema

# The contract's vocabularies, declared once in kg.schema (the ontology has a term for each).
CATEGORIES = tuple(c.key for c in schema.CATEGORY_TABLE)
COMPANY = tuple(c.key for c in schema.CATEGORY_TABLE if c.company)  # they own, invest, partner and are fined
PREDICATES = tuple(p.key for p in schema.PREDICATE_TABLE)
METRICS = tuple(m.key for m in schema.METRIC_TABLE)
EVENT_TYPES = schema.EVENT_TYPES
UNITS = tuple(schema.UNIT_TABLE)
# How a statement or a name was found: curated registry, hand-written rule, trained model.
SOURCES = ("registry", "rule", "model")


@dataclass(frozen=True)
class Article:
    """One corpus article: its text exactly as stored and what its front matter says."""

    id: str
    title: str
    text: str
    outlet: str | None = None
    source_url: str | None = None
    published: date | None = None
    language: str = "zh"
    path: str | None = None

    @property
    def content_hash(self) -> str:
        """Changes when anything that extraction reads changes."""
        h = hashlib.sha256()
        for part in (self.id, self.title, self.text, self.published.isoformat() if self.published else ""):
            h.update(part.encode("utf-8"))
            h.update(b"\x00")
        return h.hexdigest()


@dataclass(frozen=True)
class Span:
    start: int
    end: int


@dataclass(frozen=True)
class Evidence:
    """The sentence a fact was read from, with its offsets in the article text."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Entity:
    """A thing the article speaks of, linked to one IRI across articles."""

    id: str  # IRI
    name: str  # canonical name, the full legal name where known
    category: str  # one of CATEGORIES
    kind: str | None = None  # a finer ontology class (OnlineMicroLender, Bank, BNPLProduct...)
    aliases: tuple[str, ...] = ()
    mentions: tuple[Span, ...] = ()
    name_en: str | None = None
    wikidata: str | None = None
    registry_key: str | None = None
    source: str = "rule"  # registry when the registry knows it; model when only the model found it


@dataclass(frozen=True)
class Relation:
    subject: str  # entity IRI
    predicate: str  # one of PREDICATES
    object: str  # entity IRI
    evidence: Evidence
    source: str = "rule"  # one of SOURCES: how the statement was found
    confidence: float | None = None  # the classifier's probability for model statements


@dataclass(frozen=True)
class Observation:
    subject: str
    metric: str  # one of METRICS
    value: float
    unit: str  # one of UNITS
    period: str  # ISO 8601 prefix: 2025, 2025-Q2, 2025-H1, 2025-12, 2025-12-22 ('' when unknown)
    evidence: Evidence
    change_yoy: float | None = None


@dataclass(frozen=True)
class Event:
    type: str  # one of EVENT_TYPES
    subject: str
    evidence: Evidence
    object: str | None = None  # authority, acquired company, new name, regulation...
    date: str = ""
    value_before: float | None = None
    value_after: float | None = None
    amount: float | None = None


@dataclass(frozen=True)
class Extraction:
    """Everything one article states, as the graph will hold it."""

    article: Article
    entities: tuple[Entity, ...] = ()
    relations: tuple[Relation, ...] = ()
    observations: tuple[Observation, ...] = ()
    events: tuple[Event, ...] = ()

    def entity(self, iri: str) -> Entity | None:
        return next((e for e in self.entities if e.id == iri), None)
