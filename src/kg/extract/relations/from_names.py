"""What names say: a company named after a place the article mentions is located there; a product
named after a brand is run by it (快手月付 → 快手)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from kg.extract.lexicon import words
from kg.model import Entity, Evidence, Relation


def name_relations(entities: Iterable[Entity], first_evidence: dict[str, Evidence]) -> Iterator[Relation]:
    """What names say: a company named after a place the article mentions is located there;
    a product named after a brand is run by it (快手月付 → 快手)."""
    entities = list(entities)
    places = [e for e in entities if e.category == "Place"]
    brands = [e for e in entities if e.category in ("Platform", "Lender", "Organization")]
    for e in entities:
        evidence = first_evidence.get(e.id)
        if evidence is None:
            continue
        if e.category in COMPANY and branch_of(e.name) is not None:
            yield from branch_relations(e, entities, places, evidence)
        elif e.category in COMPANY and e.name.endswith(_LEGAL_ENDINGS):
            for place in places:
                if place.name in _COUNTRIES:
                    continue  # 中国中信有限公司: a national prefix says nothing about where it is based
                # 广州快手小额贷款有限公司, or the place in brackets (full-width in a canonical name):
                # 华夏信财互联网金融信息服务（上海）有限公司
                if any(e.name.startswith(n) or f"（{n}）" in e.name
                       for n in (place.name, *place.aliases)):
                    yield Relation(e.id, "locatedIn", place.id, evidence)
                    break
        if e.category == "Product":
            owner = _brand_owner(e, brands)
            if owner is not None:
                yield Relation(owner.id, "operates", e.id, evidence)


_COUNTRIES = {"中国", "中华人民共和国"}
# a legal name, whose leading place is where it is registered (上海千竺投资中心, …合伙企业（有限合伙）)
_LEGAL_ENDINGS = ("公司", "银行", "有限合伙）", "有限合伙)", *words("names", "partnership_forms"))
COMPANY = ("Lender", "Organization", "Platform")
_ADMIN_UNITS = "省市县区"


def branch_of(name: str) -> tuple[str, str] | None:
    """X有限公司芜湖分公司 → (X有限公司, 芜湖): the parent's name and the branch's place, or None when
    the name is no branch (the endings are data: vocab/names.yaml)."""
    for ending in (*words("names", "company_branch_endings"), *words("names", "bank_branch_endings")):
        if name.endswith(ending):
            stem = name[: -len(ending)]
            for cut in range(len(stem) - 2, 1, -1):  # the longest parent name that ends in a legal form
                if stem[:cut].endswith(("公司", "银行")):
                    return stem[:cut], stem[cut:]
    return None


def branch_relations(branch: Entity, entities: list[Entity], places: list[Entity],
                     evidence: Evidence) -> Iterator[Relation]:
    """A branch is where its name says (…芜湖分公司 → 芜湖), not where its parent is; and part of its
    parent when the article names the parent too."""
    parent_name, run = branch_of(branch.name)
    for place in places:
        if {run, run.rstrip(_ADMIN_UNITS)} & {place.name, *place.aliases}:
            yield Relation(branch.id, "locatedIn", place.id, evidence)
            break
    for parent in entities:
        if parent.id != branch.id and parent_name in (parent.name, *parent.aliases):
            yield Relation(branch.id, "subsidiaryOf", parent.id, evidence)
            break


def _brand_owner(product: Entity, brands: list[Entity]) -> Entity | None:
    best: tuple[int, Entity] | None = None
    for brand in brands:
        for name in (brand.name, *brand.aliases):
            if len(name) >= 2 and product.name.startswith(name) and len(product.name) > len(name):
                # prefer the brand itself (a Platform) over its legal companies
                score = len(name) * 10 + (5 if brand.category == "Platform" else 0)
                if best is None or score > best[0]:
                    best = (score, brand)
    return best[1] if best else None
