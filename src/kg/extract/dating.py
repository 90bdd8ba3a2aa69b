"""The year an article speaks from, when it does not say: news dates its own events by month and
day only (6月26日), so a wrong year puts every such date in the wrong year.

Evidence, in order: the publication date (corpus front matter), else the latest year the text
names, raised to the year the newest body or rule it names came into being (an article that
names 银保监会 is from 2018 or later, whatever past years it recalls). A text naming no year
stays undated: dates without a year are then left out rather than guessed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from kg.model import Entity
from kg.registry import Registry

_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
# a year named in a date written in digits (2019.06.19, 2018-06-08 by-lines); not in codes that
# only look like dates (20190619期)
_DIGIT_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})([-/.])(?:1[0-2]|0?[1-9])\2(?:3[01]|[12]\d|0?[1-9])(?![\d/.-])")
_FUTURE_BEFORE = re.compile(r"(?:计划|预计|将于|将在|将|拟|力争|争取|预期|有望|目标)\s*$")
_FUTURE_AFTER = re.compile(r"[^，,。；;]{0,8}?(?:之前|以前|前完成|前清|底前|末前|起实施|起施行|起执行|到期)")

# Bodies named by a productive pattern rather than the registry (浙江银保监局, 上海市地方金融监督管理局):
# the year their kind of office was set up.
_OFFICE_SINCE = (
    (re.compile(r"金融监管总局|金融监督管理总局"), 2023),
    (re.compile(r"银保监"), 2018),
    (re.compile(r"地方金融监督管理局$"), 2018),
)


def since_year(entity: Entity, registry: Registry) -> int | None:
    """The year the entity came into being, where the registry or the kind of office tells."""
    if entity.registry_key:
        entry = registry.get(entity.registry_key)
        if entry is not None and entry.since is not None:
            return entry.since
    if entity.category == "Regulator":
        for pattern, year in _OFFICE_SINCE:
            if pattern.search(entity.name):
                return year
    return None


def document_year(text: str, entities: Iterable[Entity] = (), registry: Registry | None = None) -> int | None:
    """The latest year named in the text, or later if a body or rule it names is newer. A text
    that names no year at all stays undated: a body's founding year only bounds the date from
    below, and alone it would date every article that names 互金协会 to 2016."""
    named = [(int(m.group(1)), m.start(), m.end()) for m in (*_YEAR.finditer(text), *_DIGIT_YEAR.finditer(text))]
    if not named:
        return None
    # a year the article plans for (计划2021年底清盘, 2021年12月底之前) is not the year it speaks from,
    # and neither is the same date named again elsewhere without the cue
    planned = {text[start:end + 4] for _, start, end in named
               if _FUTURE_BEFORE.search(text, max(0, start - 6), start) or _FUTURE_AFTER.match(text, end)}
    years = [y for y, start, end in named if text[start:end + 4] not in planned] or [y for y, _, _ in named]
    if registry is not None:
        years += [y for e in entities if (y := since_year(e, registry)) is not None]
    return max(years)


def regulation_year(regulation: Entity, registry: Registry) -> int | None:
    """The year a rule was made: the registry's `since`, else the earliest year in its title
    (《2018年…办法》, …（2003年）)."""
    since = since_year(regulation, registry)
    if since is not None:
        return since
    years = [int(m.group(1)) for m in _YEAR.finditer(regulation.name)]
    return min(years) if years else None


def issued_before_issuer(regulation: Entity, issuer: Entity, registry: Registry, evidence_text: str) -> bool:
    """Could `issuer` not have issued `regulation`, because the body came into being later than
    the rule (银保监会, 2018, and a law of 2003)? The rule's year is the registry's or its title's,
    else the latest year the sentence names, which dates the issuance at the latest."""
    founded = since_year(issuer, registry)
    if founded is None:
        return False
    year = regulation_year(regulation, registry)
    if year is None:
        named = [int(m.group(1)) for m in _YEAR.finditer(evidence_text)]
        year = max(named) if named else None
    return year is not None and year < founded
