"""The one declaration of the graph's vocabularies: categories, predicates, metrics, event types, units.

Everything else is derived from these tables (kg.model's tuples, the contract's category
mapping, the page styles and legend, the order categories win in) or tested to agree with them
(ontology/kg.ttl has each term with the same labels, domain, range and inverse; ontology/shapes.ttl
admits each category and predicate): tests/test_schema.py.
Labels are the ontology's rdfs:label, zh and en.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Category:
    key: str  # the ontology class kg:<key>
    zh: str
    en: str
    color: str  # page fill
    border: str  # page border
    shape: str  # a vis-network shape with the label below it
    contract: str  # the category name of ../shared/eval/CONTRACT.md
    company: bool = False  # owns, invests, partners and is fined like a company


@dataclass(frozen=True)
class Predicate:
    key: str  # the ontology property kg:<key>
    zh: str
    en: str
    inverse: str | None  # the ontology's owl:inverseOf, None when symmetric or none
    domain: tuple[str, ...]  # categories; () when the ontology states none
    range: tuple[str, ...]


@dataclass(frozen=True)
class Metric:
    key: str  # the ontology individual kg:<key>
    zh: str
    en: str
    unit: str  # one of UNITS


# Colour-blind-friendlier categorical palette (Tableau 10), one shape per category where
# vis-network has enough label-outside shapes; colour always differs. The order is the order in
# which a category wins when inference adds super-classes (Lender ⊑ Organization): most specific first.
CATEGORY_TABLE: tuple[Category, ...] = (
    Category("Lender", "放贷机构", "lender", "#4e79a7", "#2d4f73", "dot", "Lender", company=True),
    Category("Platform", "互联网平台", "platform", "#f28e2b", "#b3641a", "diamond", "Platform", company=True),
    Category("Regulator", "监管机构", "regulator", "#e15759", "#a33436", "star", "Regulator"),
    Category("Regulation", "法规政策", "regulation", "#b07aa1", "#7c5271", "square", "Regulation"),
    Category("Product", "金融产品", "product", "#59a14f", "#3a7033", "triangle", "Product"),
    Category("Place", "地点", "place", "#9c755f", "#6b4f3f", "triangleDown", "Place"),
    Category("Person", "人物", "person", "#ff9da7", "#c8636e", "dot", "Person"),
    # the contract has no Market category; a market is an organised group of organisations there
    Category("Market", "市场", "market", "#edc948", "#b39320", "hexagon", "Organization"),
    Category("Organization", "组织机构", "organization", "#76b7b2", "#4c8480", "hexagon", "Organization",
             company=True),
)

_ORG = ("Organization",)
PREDICATE_TABLE: tuple[Predicate, ...] = (
    Predicate("subsidiaryOf", "隶属于", "subsidiary of", "hasSubsidiary", _ORG, ("Organization", "Person")),
    Predicate("shareholderOf", "持股", "shareholder of", "hasShareholder", ("Organization", "Person"), _ORG),
    Predicate("operates", "运营", "operates", "operatedBy", _ORG, ("Product",)),
    Predicate("partnerOf", "合作", "partner of", None, _ORG, _ORG),
    Predicate("locatedIn", "位于", "located in", "locationOf", ("Organization", "Market", "Place"), ("Place",)),
    Predicate("issuedBy", "发布机构", "issued by", "issued", ("Regulation",), _ORG),
    Predicate("penalizedBy", "被处罚", "penalized by", "penalized", ("Organization", "Person"), ("Regulator",)),
    Predicate("acquired", "收购", "acquired", "acquiredBy", ("Organization", "Person"), _ORG),
    Predicate("renamedTo", "更名为", "renamed to", "renamedFrom", (), ()),
)

METRIC_TABLE: tuple[Metric, ...] = (
    Metric("RegisteredCapital", "注册资本", "registered capital", "CNY"),
    Metric("LoanBalance", "贷款余额", "loan balance", "CNY"),
    Metric("LoanIssuance", "贷款投放", "loan issuance", "CNY"),
    Metric("Revenue", "营业收入", "revenue", "CNY"),
    Metric("NetProfit", "净利润", "net profit", "CNY"),
    Metric("TotalAssets", "总资产", "total assets", "CNY"),
    Metric("CompanyCount", "机构数量", "company count", "count"),
    Metric("GMV", "成交总额", "gross merchandise volume", "CNY"),
    Metric("DAU", "日活跃用户数", "daily active users", "count"),
    Metric("MAU", "月活跃用户数", "monthly active users", "count"),
    Metric("MonthlyBuyers", "月均买家数", "monthly buyers", "count"),
    Metric("Users", "用户数", "users", "count"),
    Metric("InterestRate", "利率", "interest rate", "percent"),
    Metric("PenaltyAmount", "罚款金额", "penalty amount", "CNY"),
    Metric("LoanBalanceRank", "贷款余额排名", "loan balance rank", "rank"),
    Metric("LoanIssuanceRank", "贷款投放排名", "loan issuance rank", "rank"),
    Metric("RevenueRank", "营业收入排名", "revenue rank", "rank"),
    Metric("NetProfitRank", "净利润排名", "net profit rank", "rank"),
)

EVENT_TYPES = (
    "LicenseGranted", "LicenseRevoked", "CapitalIncrease", "Penalty", "RegulationIssued",
    "RegulationEffective", "Acquisition", "Renaming",
)
# unit name in the facts → the ontology individual kg:<value>
UNIT_TABLE: dict[str, str] = {"CNY": "CNY", "count": "Count", "percent": "Percent", "rank": "Rank"}

CATEGORY: dict[str, Category] = {c.key: c for c in CATEGORY_TABLE}
PREDICATE: dict[str, Predicate] = {p.key: p for p in PREDICATE_TABLE}
METRIC: dict[str, Metric] = {m.key: m for m in METRIC_TABLE}
