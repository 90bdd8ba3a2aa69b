"""The shipped registry is consistent, and the loader refuses each kind of mistake clearly."""

from __future__ import annotations

import hashlib
from collections import Counter
from pathlib import Path

import pytest

from kg.errors import KgError
from kg.iri import entity_iri, normalise_name
from kg.model import CATEGORIES
from kg.registry import (
    KIND_CATEGORY,
    Registry,
    RegistryEntry,
    RegistryError,
    default_registry_path,
    load_registry,
)
from kg.vocab import KG


@pytest.fixture(scope="module")
def registry() -> Registry:
    return load_registry()


# --- the shipped registry -------------------------------------------------------------


def test_shipped_registry_loads_with_several_hundred_entries(registry: Registry) -> None:
    assert default_registry_path().is_file()
    assert len(registry) >= 500
    assert len(list(registry)) == len(registry)


def test_default_registry_is_cached_and_fingerprinted(registry: Registry) -> None:
    assert load_registry() is registry
    expected = hashlib.sha256(default_registry_path().read_bytes()).hexdigest()
    assert registry.fingerprint() == expected


def test_every_category_and_kind_is_valid(registry: Registry) -> None:
    for e in registry:
        assert e.category in CATEGORIES, e.key
        if e.kind is not None:
            assert e.kind in KG.__annotations__, e.key
            assert KIND_CATEGORY.get(e.kind, e.kind) == e.category, e.key


def test_finer_kinds_are_ontology_terms() -> None:
    for kind, category in KIND_CATEGORY.items():
        assert kind in KG.__annotations__
        assert category in CATEGORIES


def test_keys_are_unique_and_safe_iri_segments(registry: Registry) -> None:
    keys = [e.key for e in registry]
    assert len(keys) == len(set(keys))
    for key in keys:
        assert entity_iri(registry_key=key).endswith("/" + key)


def test_each_surface_form_belongs_to_one_entry(registry: Registry) -> None:
    owner: dict[str, str] = {}
    for surface, entry in registry.surface_forms():
        norm = normalise_name(surface)
        assert owner.setdefault(norm, entry.key) == entry.key, surface
        assert registry.lookup(surface) is entry


def test_references_resolve(registry: Registry) -> None:
    for e in registry:
        if e.located_in:
            assert registry.get(e.located_in).category == "Place", e.key
        if e.parent:
            assert registry.get(e.parent) is not None, e.key
        if e.operated_by:
            assert e.category == "Product", e.key
            assert registry.get(e.operated_by) is not None, e.key


def test_every_contract_category_is_covered(registry: Registry) -> None:
    counts = Counter(e.category for e in registry)
    for category in ("Lender", "Platform", "Regulator", "Regulation", "Product", "Place", "Organization", "Person"):
        assert counts[category] >= 10, category


def test_no_regulation_name_keeps_its_book_title_marks(registry: Registry) -> None:
    for e in registry:
        if e.category == "Regulation":
            assert not any(mark in n for n in e.names for mark in "《》"), e.key


@pytest.mark.parametrize(
    ("surface", "key", "category", "kind"),
    [
        ("快手", "kuaishou", "Platform", None),
        ("快手科技", "kuaishou", "Platform", None),
        ("快手APP", "kuaishou", "Platform", None),
        ("广州快手小额贷款有限公司", "kuaishou-microloan", "Lender", "OnlineMicroLender"),
        ("快手小贷", "kuaishou-microloan", "Lender", "OnlineMicroLender"),
        ("北京快手科技有限公司", "beijing-kuaishou", "Organization", None),
        ("快手月付", "kuaishou-yuefu", "Product", "BNPLProduct"),
        ("快手借钱", "kuaishou-jieqian", "Product", "CashLoanProduct"),
        ("广州", "guangzhou", "Place", None),
        ("广州市", "guangzhou", "Place", None),
        ("小额贷款公司监督管理暂行办法", "microloan-measures-2025", "Regulation", None),
    ],
)
def test_seed_article_entities_are_registered(
    registry: Registry, surface: str, key: str, category: str, kind: str | None
) -> None:
    entry = registry.lookup(surface)
    assert entry is not None and entry.key == key
    assert entry.category == category
    assert entry.kind == kind


def test_seed_relations_are_recorded(registry: Registry) -> None:
    lender = registry.get("kuaishou-microloan")
    assert lender.parent == "kuaishou" and lender.located_in == "guangzhou"
    assert registry.get("beijing-kuaishou").parent == "kuaishou"
    assert registry.get("kuaishou-yuefu").operated_by == "kuaishou"
    # the brand and its legal entities stay apart
    assert "北京快手科技有限公司" not in registry.get("kuaishou").aliases


@pytest.mark.parametrize(
    ("surface", "key"),
    [
        ("金融监管总局", "nfra"),
        ("银保监会", "cbirc"),
        ("央行", "pboc"),
        ("证监会", "csrc"),
        ("网信办", "cac"),
        ("广州市地方金融监督管理局", "guangzhou-dfb"),
        ("广州市地方金融管理局", "guangzhou-dfb"),
        ("互金协会", "nifa"),
        ("工行", "icbc"),
        ("微众银行", "webank"),
        ("招联金融", "zhaolian-cf"),
        ("蚂蚁消金", "ant-cf"),
        ("度小满小贷", "duxiaoman-microloan"),
        ("360数科", "qifu"),
        ("蚂蚁金服", "ant-group"),
        ("京东数科", "jd-technology"),
        ("花呗", "huabei"),
        ("微粒贷", "weilidai"),
        ("拍拍贷", "ppdai"),
        ("广东", "guangdong"),
    ],
)
def test_common_names_link_to_their_entry(registry: Registry, surface: str, key: str) -> None:
    entry = registry.lookup(surface)
    assert entry is not None and entry.key == key


# --- lookup normalisation -------------------------------------------------------------


@pytest.mark.parametrize(
    ("surface", "key"),
    [
        ("快手 小贷", "kuaishou-microloan"),  # spaces
        (" 快手月付\u3000", "kuaishou-yuefu"),  # ideographic space
        ("ＰＰｍｏｎｅｙ", "ppmoney"),  # full-width Latin
        ("ppmoney", "ppmoney"),  # case
        ("３６０借条", "360-jietiao"),  # full-width digits
        ("360 借条", "360-jietiao"),
        ("《小额贷款公司监督管理暂行办法》", "microloan-measures-2025"),  # book title marks
        ("“花呗”", "huabei"),  # quotes
        ("支付宝(中国)网络技术有限公司", "alipay-china"),  # half-width brackets
        ("支付宝（中国）网络技术有限公司", "alipay-china"),  # full-width brackets
    ],
)
def test_lookup_normalises_the_surface(registry: Registry, surface: str, key: str) -> None:
    entry = registry.lookup(surface)
    assert entry is not None and entry.key == key


def test_lookup_of_unknown_name_is_none(registry: Registry) -> None:
    assert registry.lookup("不存在的公司") is None
    assert registry.get("no-such-key") is None


def test_entry_names_put_the_canonical_name_first() -> None:
    e = RegistryEntry(key="x", name="甲", category="Place", aliases=("乙", "丙"))
    assert e.names == ("甲", "乙", "丙")


# --- loader errors --------------------------------------------------------------------

GOOD = """\
entities:
  - key: guangzhou
    name: 广州
    category: Place
    aliases: [广州市]
  - key: acme
    name: 甲乙科技
    category: Platform
    located_in: guangzhou
  - key: acme-pay
    name: 甲乙月付
    category: Product
    kind: BNPLProduct
    operated_by: acme
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "registry.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_small_registry_loads(tmp_path: Path) -> None:
    reg = load_registry(_write(tmp_path, GOOD))
    assert len(reg) == 3
    assert reg.lookup("广州市").key == "guangzhou"
    assert reg.get("acme-pay").operated_by == "acme"
    assert [s for s, _ in reg.surface_forms()] == ["广州", "广州市", "甲乙科技", "甲乙月付"]
    assert len(reg.fingerprint()) == 64


def test_fingerprint_changes_with_the_file(tmp_path: Path) -> None:
    first = load_registry(_write(tmp_path, GOOD)).fingerprint()
    second = load_registry(_write(tmp_path, GOOD + "# edited\n")).fingerprint()
    assert first != second


ENTRY = "  - key: {key}\n    name: {name}\n    category: {category}\n"

ERRORS = [
    # (case id, appended YAML or whole file, message fragment, entry named)
    ("unknown category", ENTRY.format(key="x1", name="某某", category="Company"), "unknown category 'Company'", "x1"),
    ("unknown kind", ENTRY.format(key="x2", name="某某", category="Lender") + "    kind: Bnak\n", "unknown kind 'Bnak'", "x2"),
    ("kind of another category", ENTRY.format(key="x3", name="某某", category="Platform") + "    kind: Bank\n",
     "does not fit category", "x3"),
    ("bad key", ENTRY.format(key="'快手'", name="某某", category="Platform"), "bad key", "快手"),
    ("key with space", ENTRY.format(key="'a b'", name="某某", category="Platform"), "bad key", "a b"),
    ("duplicate key", ENTRY.format(key="acme", name="某某", category="Platform"), "duplicate key 'acme'", "acme"),
    ("alias clash", ENTRY.format(key="x4", name="某某", category="Place") + "    aliases: [广州市]\n",
     "alias clash", "x4"),
    ("alias equal to another name", ENTRY.format(key="x5", name="某某", category="Place") + "    aliases: [甲乙科技]\n",
     "also a name of entry 'acme'", "x5"),
    ("name clash after normalisation", ENTRY.format(key="x6", name="'广州 '", category="Place"), "alias clash", "x6"),
    ("dangling located_in", ENTRY.format(key="x7", name="某某", category="Platform") + "    located_in: nowhere\n",
     "unknown key 'nowhere'", "x7"),
    ("located_in not a place", ENTRY.format(key="x8", name="某某", category="Platform") + "    located_in: acme\n",
     "must refer to a Place", "x8"),
    ("dangling parent", ENTRY.format(key="x9", name="某某", category="Platform") + "    parent: nobody\n",
     "unknown key 'nobody'", "x9"),
    ("self parent", ENTRY.format(key="x10", name="某某", category="Platform") + "    parent: x10\n", "itself", "x10"),
    ("dangling operated_by", ENTRY.format(key="x11", name="某某", category="Product") + "    operated_by: nobody\n",
     "unknown key 'nobody'", "x11"),
    ("operated_by on a company", ENTRY.format(key="x12", name="某某", category="Platform") + "    operated_by: acme\n",
     "for products only", "x12"),
    ("missing name", "  - key: x13\n    category: Place\n", "missing field 'name'", "x13"),
    ("unknown field", ENTRY.format(key="x14", name="某某", category="Place") + "    wikidta: Q1\n", "unknown field", "x14"),
    ("bad wikidata", ENTRY.format(key="x15", name="某某", category="Place") + "    wikidata: 1234\n", "wikidata", "x15"),
    ("aliases not a list", ENTRY.format(key="x16", name="某某", category="Place") + "    aliases: 某\n", "aliases", "x16"),
    ("generic alias", ENTRY.format(key="x17", name="某某", category="Lender") + "    aliases: [银行]\n", "too generic", "x17"),
    ("one-character alias", ENTRY.format(key="x18", name="某某", category="Place") + "    aliases: [某]\n", "too short", "x18"),
    ("since not a year", ENTRY.format(key="x19", name="某某", category="Regulator") + "    since: '2018'\n", "since", "x19"),
    ("since out of range", ENTRY.format(key="x20", name="某某", category="Regulator") + "    since: 18\n", "since", "x20"),
]


@pytest.mark.parametrize(("surface", "year"), [("银保监会", 2018), ("金融监管总局", 2023), ("资管新规", 2017), ("央行", None)])
def test_since_says_when_a_body_or_rule_came_into_being(surface: str, year: int | None) -> None:
    assert load_registry().lookup(surface).since == year


@pytest.mark.parametrize(("case", "extra", "message", "entry"), ERRORS, ids=[c[0] for c in ERRORS])
def test_loader_errors_name_file_and_entry(tmp_path: Path, case: str, extra: str, message: str, entry: str) -> None:
    path = _write(tmp_path, GOOD + extra)
    with pytest.raises(RegistryError) as info:
        load_registry(path)
    err = info.value
    assert isinstance(err, KgError)
    assert message in str(err)
    assert str(path) in str(err) and err.path == str(path)
    assert err.entry is not None and entry in err.entry


def test_parent_cycle_is_refused(tmp_path: Path) -> None:
    text = GOOD + (
        ENTRY.format(key="a1", name="某甲", category="Organization") + "    parent: a2\n"
        + ENTRY.format(key="a2", name="某乙", category="Organization") + "    parent: a1\n"
    )
    with pytest.raises(RegistryError, match="parent cycle"):
        load_registry(_write(tmp_path, text))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("entities:\n  - key: a\n    name: [unclosed\n", "started at line 3"),
        ("entities:\n  - key: a\n\tname: tab\n", "line 3"),
        ("entities:\n  - key: a\n    name: a: b\n", "line 3, column"),
    ],
    ids=["unclosed flow list", "tab indentation", "colon in plain scalar"],
)
def test_yaml_syntax_error_reports_the_line(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(RegistryError, match="YAML syntax error") as info:
        load_registry(_write(tmp_path, text))
    assert message in str(info.value)


@pytest.mark.parametrize("text", ["", "entities: 3\n", "- key: a\n", "entities:\n  - just a string\n"])
def test_malformed_structure_is_refused(tmp_path: Path, text: str) -> None:
    with pytest.raises(RegistryError):
        load_registry(_write(tmp_path, text))


def test_missing_file_is_a_registry_error(tmp_path: Path) -> None:
    with pytest.raises(RegistryError, match="cannot read"):
        load_registry(tmp_path / "absent.yaml")


def test_non_utf8_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "registry.yaml"
    path.write_bytes("entities:\n  - key: a\n    name: 广州\n".encode("gb18030"))
    with pytest.raises(RegistryError, match="UTF-8"):
        load_registry(path)
