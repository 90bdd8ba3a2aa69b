"""Colours, shapes and display names of the entity categories and predicates."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CategoryStyle:
    key: str
    zh: str
    en: str
    color: str  # fill
    border: str
    shape: str  # a vis-network shape with the label below it


# Colour-blind-friendlier categorical palette (Tableau 10), one shape per category where
# vis-network has enough label-outside shapes; colour always differs.
CATEGORY_STYLES: dict[str, CategoryStyle] = {
    s.key: s
    for s in (
        CategoryStyle("Lender", "放贷机构", "Lender", "#4e79a7", "#2d4f73", "dot"),
        CategoryStyle("Platform", "平台", "Platform", "#f28e2b", "#b3641a", "diamond"),
        CategoryStyle("Regulator", "监管机构", "Regulator", "#e15759", "#a33436", "star"),
        CategoryStyle("Regulation", "法规政策", "Regulation", "#b07aa1", "#7c5271", "square"),
        CategoryStyle("Product", "产品", "Product", "#59a14f", "#3a7033", "triangle"),
        CategoryStyle("Place", "地点", "Place", "#9c755f", "#6b4f3f", "triangleDown"),
        CategoryStyle("Organization", "组织", "Organization", "#76b7b2", "#4c8480", "hexagon"),
        CategoryStyle("Person", "人物", "Person", "#ff9da7", "#c8636e", "dot"),
        CategoryStyle("Market", "市场", "Market", "#edc948", "#b39320", "hexagon"),
        CategoryStyle("Other", "其他", "Other", "#bab0ac", "#7f7673", "dot"),
    )
}

OTHER = "Other"


def category_key(category: object) -> str:
    """The style key for a (possibly unknown or untrusted) category value."""
    return category if isinstance(category, str) and category in CATEGORY_STYLES else OTHER


# Display names of the known predicates, used when an edge has no label of its own.
PREDICATE_LABELS: dict[str, tuple[str, str]] = {
    "subsidiaryOf": ("子公司", "subsidiary of"),
    "shareholderOf": ("持股", "shareholder of"),
    "operates": ("运营", "operates"),
    "partnerOf": ("合作", "partner of"),
    "locatedIn": ("位于", "located in"),
    "issuedBy": ("发布", "issued by"),
    "penalizedBy": ("被处罚", "penalized by"),
    "acquired": ("收购", "acquired"),
    "renamedTo": ("更名为", "renamed to"),
}
