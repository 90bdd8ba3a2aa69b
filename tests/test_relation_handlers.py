"""Each relation handler on its own: a sentence with its names marked → the relations it gives,
with no spaCy pipeline and no name recognition.

Adding a relation cue is an edit of src/kg/extract/vocab/relations.yaml plus a row here."""

from __future__ import annotations

import pytest

from kg.extract.context import Sentence, Slot
from kg.extract.names import Mention
from kg.extract.relations import HANDLERS, Scope, relations_of, unique_relations
from kg.model import Entity, Evidence, Relation


def entity(name: str, category: str) -> Entity:
    """category may carry a kind: "Lender/Bank"."""
    category, _, kind = category.partition("/")
    return Entity(id=name, name=name, category=category, kind=kind or None)


def sentence(text: str, names: dict[str, str], paragraph: int = 0) -> Sentence:
    """Every occurrence of each name (longest names first) becomes a slot."""
    spans: list[tuple[int, int, str]] = []
    for name in sorted(names, key=len, reverse=True):
        pos = text.find(name)
        while pos >= 0:
            end = pos + len(name)
            if not any(s < end and pos < e for s, e, _ in spans):
                spans.append((pos, end, name))
            pos = text.find(name, end)
    slots = tuple(Slot(s, e, entity(n, names[n]), Mention(s, e, n, names[n].partition("/")[0]))
                  for s, e, n in sorted(spans))
    return Sentence(0, len(text), text, paragraph, slots, (), (), (), "")


def given(handler: str, text: str, names: dict[str, str], topic: Entity | None = None,
          previous: Sentence | None = None) -> set[tuple[str, str, str]]:
    step = next(s for s in HANDLERS if s.name == handler)
    return {(r.subject, r.predicate, r.object) for r in step.handle(sentence(text, names), Scope(topic, previous))}


L, O, P, PR, R, PL, G, B = "Lender", "Organization", "Person", "Product", "Regulator", "Place", "Regulation", "Lender/Bank"
P2P = "Lender/P2PLender"


# one row per row of the rules table (vocab/relations.yaml `rules`)
@pytest.mark.parametrize("text, names, expected", [
    ("快手旗下广州青松小额贷款有限公司获批。", {"快手": "Platform", "广州青松小额贷款有限公司": L},
     ("广州青松小额贷款有限公司", "subsidiaryOf", "快手")),
    ("青松控股的全资子公司青松小贷获批。", {"青松控股": O, "青松小贷": L}, ("青松小贷", "subsidiaryOf", "青松控股")),
    ("青松小贷是青松控股的全资子公司。", {"青松控股": O, "青松小贷": L}, ("青松小贷", "subsidiaryOf", "青松控股")),
    ("青松小贷由青松控股全资控股。", {"青松控股": O, "青松小贷": L}, ("青松小贷", "subsidiaryOf", "青松控股")),
    ("唐小僧母公司资邦金服。", {"唐小僧": L, "资邦金服": O}, ("唐小僧", "subsidiaryOf", "资邦金服")),
    ("金谷财行(原金联专享)发布公告。", {"金谷财行": L, "金联专享": L}, ("金联专享", "renamedTo", "金谷财行")),
    ("腾讯入股青松金融。", {"腾讯": O, "青松金融": O}, ("腾讯", "shareholderOf", "青松金融")),
    ("腾讯持有青松金融的股份。", {"腾讯": O, "青松金融": O}, ("腾讯", "shareholderOf", "青松金融")),
    ("青松金融的大股东为腾讯。", {"腾讯": O, "青松金融": O}, ("腾讯", "shareholderOf", "青松金融")),
    ("蚂蚁旗下产品花呗。", {"蚂蚁": O, "花呗": PR}, ("蚂蚁", "operates", "花呗")),
    ("快手推出了快手月付。", {"快手": "Platform", "快手月付": PR}, ("快手", "operates", "快手月付")),
    ("快手月付是快手的产品。", {"快手": "Platform", "快手月付": PR}, ("快手", "operates", "快手月付")),
    ("蜂融网是上海金椰金融信息服务有限公司旗下平台。", {"蜂融网": P2P, "上海金椰金融信息服务有限公司": O},
     ("上海金椰金融信息服务有限公司", "operates", "蜂融网")),
    ("青松银行与快手达成合作。", {"青松银行": B, "快手": "Platform"}, ("青松银行", "partnerOf", "快手")),
    ("快手携手青松银行。", {"青松银行": B, "快手": "Platform"}, ("快手", "partnerOf", "青松银行")),
    ("银保监会发布《网络小额贷款业务管理暂行办法》。", {"银保监会": R, "网络小额贷款业务管理暂行办法": G},
     ("网络小额贷款业务管理暂行办法", "issuedBy", "银保监会")),
    ("网络小额贷款业务管理暂行办法由银保监会印发。", {"银保监会": R, "网络小额贷款业务管理暂行办法": G},
     ("网络小额贷款业务管理暂行办法", "issuedBy", "银保监会")),
    ("青松小贷被上海金融局处以罚款。", {"青松小贷": L, "上海金融局": R}, ("青松小贷", "penalizedBy", "上海金融局")),
    ("上海金融局对青松小贷出具警示函。", {"青松小贷": L, "上海金融局": R}, ("青松小贷", "penalizedBy", "上海金融局")),
    ("快手收购了青松小贷。", {"快手": O, "青松小贷": L}, ("快手", "acquired", "青松小贷")),
    ("青松小贷被快手收购。", {"快手": O, "青松小贷": L}, ("快手", "acquired", "青松小贷")),
    ("青松网络已正式更名为青松科技。", {"青松网络": O, "青松科技": O}, ("青松网络", "renamedTo", "青松科技")),
    ("青松小贷注册地位于广州。", {"青松小贷": L, "广州": PL}, ("青松小贷", "locatedIn", "广州")),
    ("青禾花APP(青禾贷旗下)提前扣款。", {"青禾花": PR, "青禾贷": P2P}, ("青禾贷", "operates", "青禾花")),
    ("青松小贷（青松控股旗下）获批。", {"青松控股": O, "青松小贷": L}, ("青松小贷", "subsidiaryOf", "青松控股")),
])
def test_rules_table(text, names, expected):
    assert expected in given("rules", text, names)


def test_rules_check_categories():
    # 银保监会 is no company: 入股 between an authority and a company is no shareholding
    assert given("rules", "银保监会入股青松金融。", {"银保监会": R, "青松金融": O}) == set()


TOPIC = entity("凯京科技", O)
PLATFORM = entity("青禾贷", P2P)
OPERATOR = entity("上海青禾网络科技有限公司", O)


@pytest.mark.parametrize("handler, text, names, topic, expected", [
    ("controllers", "青松小贷的控股股东为青松控股。", {"青松控股": O, "青松小贷": L}, None,
     ("青松小贷", "subsidiaryOf", "青松控股")),
    ("controllers", "王青松为青松小贷的实际控制人。", {"王青松": P, "青松小贷": L}, None,
     ("王青松", "shareholderOf", "青松小贷")),
    ("lists", "凯京科技完成10亿元C轮融资，本轮融资由青松资本和大钲资本领投。",
     {"凯京科技": O, "青松资本": O, "大钲资本": O}, None, ("大钲资本", "shareholderOf", "凯京科技")),
    ("lists", "青松集团旗下有青松小贷、青松保理。", {"青松集团": O, "青松小贷": L, "青松保理": O}, None,
     ("青松保理", "subsidiaryOf", "青松集团")),
    ("lists", "由青松资本、大钲资本三家股东共同出资。", {"青松资本": O, "大钲资本": O}, TOPIC,
     ("青松资本", "shareholderOf", "凯京科技")),
    ("stakes", "青松控股持有青松小贷72.05%的股份。", {"青松控股": O, "青松小贷": L}, None,
     ("青松小贷", "subsidiaryOf", "青松控股")),
    ("stakes", "青松控股持有青松小贷20%的股份。", {"青松控股": O, "青松小贷": L}, None,
     ("青松控股", "shareholderOf", "青松小贷")),
    ("holders", "青松小贷的股东王青松。", {"王青松": P, "青松小贷": L}, None, ("王青松", "shareholderOf", "青松小贷")),
    ("investors", "凯京科技完成融资，青松资本是本轮主要投资者。", {"凯京科技": O, "青松资本": O}, None,
     ("青松资本", "shareholderOf", "凯京科技")),
    ("topic-partners", "同时与青松银行合作。", {"青松银行": B}, TOPIC, ("凯京科技", "partnerOf", "青松银行")),
    ("belongs-to", "青禾贷隶属于上海青禾网络科技有限公司。", {"青禾贷": P2P, "上海青禾网络科技有限公司": O}, None,
     ("上海青禾网络科技有限公司", "operates", "青禾贷")),
    ("pronoun-penalties", "青松小贷存在违规，上海金融局对其处以罚款。", {"青松小贷": L, "上海金融局": R}, None,
     ("青松小贷", "penalizedBy", "上海金融局")),
    ("passive-penalties", "青松银行无锡分行贷款管理不审慎，依据《商业银行法》第七十三条，被无锡银监分局罚款30万元。",
     {"青松银行无锡分行": B, "商业银行法": G, "无锡银监分局": R}, None, ("青松银行无锡分行", "penalizedBy", "无锡银监分局")),
    ("custody", "青禾贷上线浙商银行存管。", {"青禾贷": P2P, "浙商银行": B}, None, ("青禾贷", "partnerOf", "浙商银行")),
    ("custody", "资金由浙商银行存管。", {"浙商银行": B}, PLATFORM, ("青禾贷", "partnerOf", "浙商银行")),
    ("topic-operator", "该平台隶属于上海青禾网络科技有限公司。", {"上海青禾网络科技有限公司": O}, PLATFORM,
     ("上海青禾网络科技有限公司", "operates", "青禾贷")),
    ("run-by", "青禾贷由上海青禾网络科技有限公司负责运营。", {"青禾贷": P2P, "上海青禾网络科技有限公司": O}, None,
     ("上海青禾网络科技有限公司", "operates", "青禾贷")),
    ("named-operators", "青禾贷的运营公司为上海青禾网络科技有限公司。", {"青禾贷": P2P, "上海青禾网络科技有限公司": O},
     None, ("上海青禾网络科技有限公司", "operates", "青禾贷")),
    ("bracketed-operators", "上海青禾网络科技有限公司（青禾贷平台）。", {"青禾贷": P2P, "上海青禾网络科技有限公司": O},
     None, ("上海青禾网络科技有限公司", "operates", "青禾贷")),
    ("bracketed-operators", "青禾贷平台（上海青禾网络科技有限公司）。", {"青禾贷": P2P, "上海青禾网络科技有限公司": O},
     None, ("上海青禾网络科技有限公司", "operates", "青禾贷")),
    ("platform-cities", "成都P2P平台优车行停业。", {"成都": PL, "优车行": P2P}, None, ("优车行", "locatedIn", "成都")),
    ("named-platforms", "上海青禾网络科技有限公司属P2P平台公司，平台名称为青禾贷。",
     {"青禾贷": P2P, "上海青禾网络科技有限公司": O}, None, ("上海青禾网络科技有限公司", "operates", "青禾贷")),
    ("named-platforms", "上海青禾网络科技有限公司是一家网贷公司，平台名称叫“青禾贷”，已停业。",
     {"青禾贷": P2P, "上海青禾网络科技有限公司": O}, None, ("上海青禾网络科技有限公司", "operates", "青禾贷")),
    ("named-platforms", "经查该公司以青禾贷为平台从事放贷业务。", {"青禾贷": P2P}, OPERATOR,
     ("上海青禾网络科技有限公司", "operates", "青禾贷")),
])
def test_handlers(handler, text, names, topic, expected):
    assert expected in given(handler, text, names, topic)


@pytest.mark.parametrize("text, names, topic", [
    # the company before the cue is a brand, not a company: nobody is said to run the platform
    ("青禾金服旗下，平台名称为青禾贷。", {"青禾贷": P2P, "青禾金服": L}, None),
    # 以平台为掩护: no platform named
    ("该公司以平台为掩护放贷，青禾贷已停业。", {"青禾贷": P2P}, OPERATOR),
    # the named thing is a company, not a platform
    ("平台名称为上海青禾网络科技有限公司。", {"上海青禾网络科技有限公司": O}, OPERATOR),
])
def test_named_platforms_need_a_company_and_a_platform(text, names, topic):
    assert given("named-platforms", text, names, topic) == set()


def test_a_data_service_is_no_party_to_the_deal_it_reports():
    got = given("holders", "天眼查显示，股东王青松。", {"天眼查": O, "王青松": P}, TOPIC)
    assert got == {("王青松", "shareholderOf", "凯京科技")}


def test_a_penalty_carries_to_the_next_sentence_in_the_paragraph():
    previous = sentence("银保监会披露10张罚单。", {"银保监会": R})
    names = {"民生银行": B}
    assert given("carried-penalties", "其中，民生银行共收到4张罚单。", names, previous=previous) == {
        ("民生银行", "penalizedBy", "银保监会")}
    assert given("carried-penalties", "其中，民生银行共收到4张罚单。", names) == set()


def test_a_passive_penalty_of_somebody_else_in_its_own_clause_is_not_the_company_s():
    # 顾某 (no name found) is the one 被证监会处以…; the company earlier in the sentence is not
    names = {"青禾数据": O, "证监会": R}
    assert given("passive-penalties", "青禾数据曾想借壳上市，随后，顾某被证监会处以市场禁入。", names) == set()


def test_handlers_run_in_order_and_only_where_they_apply():
    one_name = sentence("青松小贷获批。", {"青松小贷": L})
    assert list(relations_of(one_name, Scope(None, None))) == []
    names = [s.name for s in HANDLERS]
    assert len(names) == len(set(names)) and names[:2] == ["rules", "carried-penalties"]


def test_unique_relations_keep_the_first_statement_and_partners_either_way():
    ev = Evidence(0, 1, "x")
    rs = [Relation("a", "partnerOf", "b", ev), Relation("b", "partnerOf", "a", ev), Relation("a", "operates", "b", ev)]
    assert unique_relations(rs) == [rs[0], rs[2]]
