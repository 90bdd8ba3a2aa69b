"""The trained components: shipped and loadable offline, clear errors when broken, and the
policy that joins them to the rules (rules first, the model fills gaps; admissible classes only)."""

from __future__ import annotations

import shutil

import pytest
import spacy
from spacy.tokens import Doc, Span

from kg.contract import to_contract
from kg.nlp import extract_article
from kg.extract.trained import (ModelError, candidate_pairs, decide, load_model, model_digest,
                                model_mentions, models_dir, pair_text, relation_classes, thresholds)
from kg.model import Article


def test_shipped_models_load_offline_from_the_package():
    assert load_model("ner").pipe_names == ["ner"]
    assert load_model("rel").pipe_names == ["textcat"]
    assert set(load_model("rel").get_pipe("textcat").labels) == set(relation_classes())
    assert 0.0 < thresholds()["relation"] <= 1.0
    assert len(model_digest()) == 12


@pytest.mark.parametrize("broken", ["missing", "corrupt"])
def test_a_missing_or_corrupt_model_is_a_clear_error_naming_it(tmp_path, broken):
    shutil.copytree(models_dir() / "ner", tmp_path / "ner")
    weights = tmp_path / "ner" / "ner" / "model"
    if broken == "missing":
        (tmp_path / "ner" / "meta.json").unlink()
    else:
        weights.write_bytes(weights.read_bytes()[:100])
    with pytest.raises(ModelError, match="ner"):
        load_model("ner", tmp_path)


def _doc(words: list[str], ents: list[tuple[int, int, str]]) -> Doc:
    doc = Doc(spacy.blank("zh").vocab, words=words, spaces=[False] * len(words))
    doc.ents = [Span(doc, s, e, label=label) for s, e, label in ents]
    return doc


@pytest.mark.parametrize("words,ents,taken,expected", [
    # a name no rule found becomes a mention; ORG takes its category from the legal form
    (["据", "悉", "，", "星", "火", "银", "行", "上", "线"], [(3, 7, "ORG")], [], [("星火银行", "Lender")]),
    # a brand-shaped ORG is a platform
    (["平", "台", "蓝", "鲸", "贷", "停", "业"], [(2, 5, "ORG")], [], [("蓝鲸贷", "Platform")]),
    # a registry or rule name there already: the model gives way
    (["平", "台", "蓝", "鲸", "贷", "停", "业"], [(2, 5, "ORG")], [(2, 4)], []),
    (["他", "说", "，", "李", "明", "表示"], [(3, 5, "PERSON")], [], [("李明", "Person")]),
    # ordinary words, or a function word at the edge, are no name
    (["互联网", "金融", "发展"], [(0, 2, "ORG")], [], []),
    (["被", "斐", "讯", "起诉"], [(0, 3, "ORG")], [], []),
    (["展现", "网", "贷", "公司"], [(0, 4, "ORG")], [], []),  # a clause, not a name
    (["明确要求", "网", "贷", "公司"], [(0, 4, "ORG")], [], []),
    # spans that cannot be names are dropped
    (["蓝", "，", "鲸"], [(0, 3, "ORG")], [], []),
    (["2018"], [(0, 1, "ORG")], [], []),
])
def test_model_names_fill_the_gaps_rules_leave(words, ents, taken, expected):
    found = model_mentions(_doc(words, ents), taken)
    assert [(m.text, m.category) for m in found] == expected
    assert all(m.source == "model" for m in found)


def test_pair_text_replaces_both_names_with_typed_markers():
    text = "据报道，快手小贷是快手旗下公司。"
    assert pair_text(text, (4, 8, "ORG"), (9, 11, "ORG")) == "据报道， 甲ORG 是 乙ORG 旗下公司。"


@pytest.mark.parametrize("cats,labels,expected", [
    ({"subsidiaryOf": 0.9, "NONE": 0.1}, ("ORG", "ORG"), ("subsidiaryOf", False)),
    ({"subsidiaryOf~": 0.9, "NONE": 0.1}, ("ORG", "ORG"), ("subsidiaryOf", True)),
    ({"NONE": 0.6, "partnerOf": 0.4}, ("ORG", "ORG"), None),  # NONE wins
    ({"partnerOf": 0.55, "NONE": 0.45}, ("ORG", "ORG"), None),  # under the threshold
    # a class the two kinds cannot take is skipped for the next admissible one
    ({"partnerOf": 0.8, "locatedIn": 0.15, "NONE": 0.05}, ("ORG", "PLACE"), None),
    ({"issuedBy~": 0.7, "NONE": 0.3}, ("GOV", "LAW"), ("issuedBy", True)),
    ({"issuedBy": 0.7, "NONE": 0.3}, ("GOV", "LAW"), None),  # a regulator is not issued by a rule
])
def test_a_pair_gets_its_best_admissible_class_above_the_threshold(cats, labels, expected):
    found = decide(cats, *labels, threshold=0.6)
    assert (found[:2] if found else None) == expected


def test_candidate_pairs_are_ordered_close_and_of_two_entities():
    class E:
        def __init__(self, i):
            self.id = i

    class S:
        def __init__(self, start, end, entity):
            self.start, self.end, self.entity = start, end, E(entity)

    slots = [S(0, 2, "a"), S(3, 5, "b"), S(6, 8, "a"), S(200, 202, "c")]
    assert candidate_pairs(slots) == [(0, 1), (1, 2)]


def _shape(body: dict) -> dict:
    return {layer: sorted({key for item in items for key in item}) if isinstance(items, list) else sorted(items)
            for layer, items in body.items()}


def test_contract_output_keeps_its_shape_with_the_models_on():
    text = "据悉，上海蓝鲸网络科技有限公司旗下平台蓝鲸贷与江西银行签订资金存管协议，注册资本5000万元。"
    article = Article(id="t", title="t", text=text)
    with_models = to_contract(extract_article(article))
    rules_only = to_contract(extract_article(article, models=False))
    assert _shape(with_models) == _shape(rules_only)
    assert with_models["entities"] and with_models["relations"]


def test_each_statement_says_how_it_was_found_and_how_sure_in_rdf():
    from rdflib import URIRef
    from rdflib.namespace import RDF

    from kg.model import Entity, Evidence, Extraction, Relation
    from kg.rdf import facts_to_graph
    from kg.vocab import KG

    a, b = Entity("https://w3id.org/fintech-kg/id/a", "甲公司", "Organization"), \
        Entity("https://w3id.org/fintech-kg/id/b", "乙银行", "Lender", source="model")
    evidence = Evidence(0, 8, "甲公司与乙银行合作。")
    x = Extraction(Article(id="t", title="t", text=evidence.text), entities=(a, b), relations=(
        Relation(a.id, "partnerOf", b.id, evidence, source="model", confidence=0.83),
        Relation(a.id, "shareholderOf", b.id, evidence)))
    g = facts_to_graph(x, "test")
    found = {(str(g.value(st, RDF.predicate)).split("#")[1], g.value(st, KG.foundBy), float(g.value(st, KG.confidence)))
             for st in g.subjects(RDF.type, KG.RelationStatement)}
    assert found == {("partnerOf", KG.ModelMethod, 0.83), ("shareholderOf", KG.RuleMethod, 1.0)}
    said = {g.value(d, KG.describes): g.value(d, KG.foundBy) for d in g.subjects(RDF.type, KG.EntityDescription)}
    assert said == {URIRef(b.id): KG.ModelMethod, URIRef(a.id): KG.RuleMethod}  # what this article's reading found
    from kg.describe import describe_alone
    from kg.registry import load_registry

    merged = describe_alone(x.entities, load_registry())  # and the entity graph's one description says it
    assert (URIRef(b.id), KG.foundBy, KG.ModelMethod) in merged
    assert (URIRef(a.id), KG.foundBy, KG.RuleMethod) in merged
