"""Name recognition: one ordered list of recognisers, each a function (text, context) → mentions.

Recognisers run in the order listed; each reads the text and `context.found`, the mentions of
the recognisers before it (a legal name stops at a person found before it; a bank branch extends
a bank). Each mention is stamped with its recogniser's name, priority and a score. Overlaps are
settled by one policy (overlaps.py), on equal spans by the lower priority number. A trained
recogniser joins as one more row.
"""

from __future__ import annotations

from dataclasses import replace
from typing import NamedTuple

from kg.extract.names.authorities import find_associations, find_regulators
from kg.extract.names.base import Context, Mention, Recogniser, known_names, place_names
from kg.extract.names.cued import (
    find_app_names, find_bracketed_brands, find_cued_platforms, find_listed_names, find_listed_subsidiaries, find_renamed_names,
)
from kg.extract.names.legal import find_bank_branches, find_legal_names
from kg.extract.names.markets import find_market_statements, find_markets
from kg.extract.names.model import find_model_names
from kg.extract.names.organisations import find_short_org_names
from kg.extract.names.overlaps import resolve_overlaps
from kg.extract.names.persons import find_persons
from kg.extract.names.places import find_gazetteer_places
from kg.extract.names.platforms import (
    find_former_names, find_list_neighbours, find_platform_names, find_standalone_platforms,
)
from kg.extract.names.products import find_product_lists
from kg.extract.names.registry import find_registry_names
from kg.extract.names.repeats import find_repeats
from kg.extract.names.titles import find_regulations
from kg.registry import Registry


class Step(NamedTuple):
    name: str
    priority: int  # on equal spans the lower number wins
    recognise: Recogniser


RECOGNISERS: tuple[Step, ...] = (
    Step("registry", 2, find_registry_names),
    Step("persons", 3, find_persons),
    Step("places", 4, find_gazetteer_places),  # cities and counties the registry does not know
    Step("authorities", 9, find_regulators),
    Step("legal-names", 9, find_legal_names),  # after persons and authorities: it stops at them
    Step("associations", 9, find_associations),
    Step("bank-branches", 9, find_bank_branches),  # extends the banks found so far
    Step("platforms", 9, find_platform_names),
    Step("short-orgs", 9, find_short_org_names),
    Step("products", 9, find_product_lists),
    Step("apps", 9, find_app_names),  # the four cued recognisers read the names found before them
    Step("stock-codes", 9, find_listed_names),
    Step("renamed", 9, find_renamed_names),
    Step("platform-cues", 9, find_cued_platforms),  # 平台名称为X, 以X为平台
    Step("bracketed-brands", 9, find_bracketed_brands),  # X（Y有限公司）
    Step("subsidiary-lists", 9, find_listed_subsidiaries),
    Step("list-neighbours", 9, find_list_neighbours),  # reads the overlap-resolved names so far
    Step("former-names", 9, find_former_names),
    Step("standalone-platforms", 9, find_standalone_platforms),  # gives way to every name found before it
    Step("repeats", 9, find_repeats),  # a repeat keeps its original's recogniser and priority
    Step("regulations", 9, find_regulations),
    Step("markets", 1, find_markets),
    Step("market-statements", 0, find_market_statements),
    Step("model", 99, find_model_names),  # the trained recogniser: names in the gaps rules leave
)


def recognise(text: str, registry: Registry, steps: tuple[Step, ...] = RECOGNISERS, doc=None) -> list[Mention]:
    """Every candidate mention, in the order found (overlaps are resolved later, by linking)."""
    ctx = Context(registry, place_names(registry), known_names(registry), doc=doc)
    for step in steps:
        ctx.found.extend(_stamped(step, step.recognise(text, ctx)))
    return ctx.found


def _stamped(step: Step, mentions) -> list[Mention]:
    return [m if m.recogniser else replace(m, recogniser=step.name, priority=step.priority) for m in mentions]


__all__ = ["Context", "Mention", "RECOGNISERS", "Step", "recognise", "resolve_overlaps", "place_names"]
