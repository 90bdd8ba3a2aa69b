"""The trained recogniser's labels and how the datasets' categories map onto them (declared once)."""

from __future__ import annotations

# Contract category → model label. Lender, Platform and Organization share ORG: no dataset here
# tells them apart, and the legal form of a name (classify_company) and the registry do.
CONTRACT_TO_LABEL = {
    "Lender": "ORG", "Platform": "ORG", "Organization": "ORG", "Regulator": "GOV",
    "Regulation": "LAW", "Product": "PRODUCT", "Place": "PLACE", "Person": "PERSON",
}
FINNER_TO_LABEL = {
    "公司": "ORG", "其他机构": "ORG", "政府机构": "GOV", "政策/文件": "LAW", "产品": "PRODUCT",
    "国家/地区": "PLACE", "地址": "PLACE", "人物": "PERSON",
}
LABELS = sorted(set(CONTRACT_TO_LABEL.values()))

# FinRE label → (contract predicate, reversed?) where head→tail reads as the predicate.
FINRE_TO_PREDICATE = {
    "拥有": ("subsidiaryOf", True), "被拥有": ("subsidiaryOf", False),
    "持股": ("shareholderOf", False), "被持股": ("shareholderOf", True),
    "入股": ("shareholderOf", False), "被入股": ("shareholderOf", True),
    "注资": ("shareholderOf", False), "被注资": ("shareholderOf", True),
    "收购": ("acquired", False), "被收购": ("acquired", True),
    "合作": ("partnerOf", False), "签约": ("partnerOf", False),
    "unknown": (None, False),
}
PREDICATES = ("subsidiaryOf", "shareholderOf", "operates", "partnerOf", "locatedIn", "issuedBy",
              "penalizedBy", "acquired", "renamedTo")
SYMMETRIC = {"partnerOf"}
NONE = "NONE"


def relation_classes() -> list[str]:
    """Classes for an ordered pair (first mention, second mention): p = first→second, p~ = second→first."""
    out = [NONE]
    for p in PREDICATES:
        out.append(p)
        if p not in SYMMETRIC:
            out.append(p + "~")
    return out
