"""Colours, shapes and display names of the entity categories and predicates."""

from __future__ import annotations

from dataclasses import dataclass

from kg.schema import CATEGORY_TABLE, PREDICATE_TABLE, Category


@dataclass(frozen=True)
class CategoryStyle:
    key: str
    zh: str
    en: str
    color: str  # fill
    border: str
    shape: str  # a vis-network shape with the label below it


def _style(c: Category) -> CategoryStyle:
    return CategoryStyle(c.key, c.zh, c.en[:1].upper() + c.en[1:], c.color, c.border, c.shape)


# Declared in kg.schema (colour, shape and labels per category), plus the fallback for unknown values.
CATEGORY_STYLES: dict[str, CategoryStyle] = {
    s.key: s
    for s in (*(_style(c) for c in CATEGORY_TABLE),
              CategoryStyle("Other", "其他", "Other", "#bab0ac", "#7f7673", "dot"))
}

OTHER = "Other"


def category_key(category: object) -> str:
    """The style key for a (possibly unknown or untrusted) category value."""
    return category if isinstance(category, str) and category in CATEGORY_STYLES else OTHER


# Display names of the known predicates (kg.schema's), used when an edge has no label of its own.
PREDICATE_LABELS: dict[str, tuple[str, str]] = {p.key: (p.zh, p.en) for p in PREDICATE_TABLE}


@dataclass(frozen=True)
class UnitFormat:
    """How a value in one unit is written: ``{n}`` the number, ``{scale}`` 万 or 亿 (given only
    where the value pattern has it), ``{unit}`` the unit's zh label from the ontology (元)."""

    value: str
    axis: str  # a chart axis's unit, the same placeholders without {n}

    @property
    def scaled(self) -> bool:
        return "{scale}" in self.value


# Per unit of kg.schema.UNIT_TABLE (the ontology's kg:Unit individuals); tests keep them in step.
UNIT_FORMATS: dict[str, UnitFormat] = {
    "CNY": UnitFormat("{n}{scale}{unit}", "{scale}{unit}"),
    "Count": UnitFormat("{n}{scale}", "{scale}"),
    "Percent": UnitFormat("{n}%", "%"),
    "Rank": UnitFormat("第{n}名", "{unit}"),
}

# Chinese numeral scales for money and counts, largest first.
SCALES: tuple[tuple[float, str], ...] = ((1e8, "亿"), (1e4, "万"))
