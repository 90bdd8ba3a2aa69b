"""What names say: a company named after a place the article mentions is located there; a product
named after a brand is run by it (快手月付 → 快手)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

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
        if e.category in ("Lender", "Organization", "Platform") and e.name[-2:] in ("公司", "银行"):
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
