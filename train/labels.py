"""The trained recogniser's labels and how the datasets' categories map onto them (declared once)."""

from __future__ import annotations

# Contract category → model label, the relation classes and the pair markers are declared once,
# in the package (kg.extract.trained), and read from there by training and extraction alike.
from kg.extract.trained import CATEGORY_TO_LABEL as CONTRACT_TO_LABEL
from kg.extract.trained import NONE, SYMMETRIC, relation_classes

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
