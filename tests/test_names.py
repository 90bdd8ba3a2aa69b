"""Each name recogniser on its own: sentence → the mentions it adds, with no spaCy pipeline.

A recogniser reads the mentions of those before it (context.found), so `found_by` runs the
recognisers listed before it first, then reports only what the named one adds."""

from __future__ import annotations

import pytest

from kg.extract.names import RECOGNISERS, Context, Mention, recognise, resolve_overlaps
from kg.extract.names.base import known_names, place_names, strip_left_stops
from kg.extract.names.overlaps import giving_way, may_declare
from kg.iri import canonical_name, entity_iri, normalise_name
from kg.registry import load_registry

REGISTRY = load_registry()


def found_by(name: str, text: str) -> set[tuple[str, str]]:
    index = next(i for i, step in enumerate(RECOGNISERS) if step.name == name)
    before = recognise(text, REGISTRY, RECOGNISERS[:index])
    ctx = Context(REGISTRY, place_names(REGISTRY), known_names(REGISTRY), before)
    return {(m.text, m.category) for m in RECOGNISERS[index].recognise(text, ctx)}


@pytest.mark.parametrize("recogniser, text, mention", [
    ("registry", "快手小贷获批。", ("快手小贷", "Lender")),
    ("persons", "董事长周鸿祎表示，将继续投入。", ("周鸿祎", "Person")),
    ("persons", "王青松表示，将继续投入。", ("王青松", "Person")),
    ("persons", "平台实控人韩立峰出逃境外。", ("韩立峰", "Person")),  # a known word (出逃) ends the name
    ("persons", "该公司由自然人邵岩全资控股。", ("邵岩", "Person")),
    ("persons", "公司股东分别为邹远航（占比60%）、伍芳（占比40%）。", ("邹远航", "Person")),
    ("persons", "公司股东是邹远航（持股80%）、伍芳（持股20%）。", ("伍芳", "Person")),  # the list goes on past an aside
    ("persons", "穿透发现，邹远航、伍芳、袁立等人参股该公司。", ("伍芳", "Person")),  # 等人 ends a list of people
    ("authorities", "安顺市地方金融监督管理局发文。", ("安顺市地方金融监督管理局", "Regulator")),
    ("authorities", "中国人民银行上海分行发布通知。", ("中国人民银行上海分行", "Regulator")),
    ("authorities", "青松银行被无锡银监分局罚款。", ("无锡银监分局", "Regulator")),
    ("authorities", "中国银保监会无锡监管分局开出罚单。", ("中国银保监会无锡监管分局", "Regulator")),
    ("authorities", "苏州吴中公安分局已对平台立案。", ("苏州吴中公安分局", "Regulator")),  # a county after its city
    ("authorities", "成都市武侯区公安分局刑拘了实控人。", ("成都市武侯区公安分局", "Regulator")),
    ("authorities", "宁波市公安局高新区（梅墟）分局发布通报。", ("宁波市公安局高新区（梅墟）分局", "Regulator")),
    ("authorities", "被南京市工商行政管理局鼓楼分局列入经营异常名录。", ("南京市工商行政管理局鼓楼分局", "Regulator")),
    ("authorities", "广州市公安局扫黑办通报案情。", ("广州市公安局扫黑办", "Regulator")),
    ("authorities", "温州中院作出裁定。", ("温州中院", "Regulator")),
    ("authorities", "由洪山区地方金融工作局主办。", ("洪山区地方金融工作局", "Regulator")),
    ("places", "公司注册地位于杭州市西湖区。", ("西湖区", "Place")),  # a county the registry does not know
    ("legal-names", "近日，深圳星河网络小额贷款有限公司获得批复。", ("深圳星河网络小额贷款有限公司", "Lender")),
    ("legal-names", "由杭州云帆科技有限公司作为签约主体。", ("杭州云帆科技有限公司", "Organization")),
    ("legal-names", "两人共同持股的杭州青禾投资中心。", ("杭州青禾投资中心", "Organization")),
    ("legal-names", "股东为宁波云帆股权投资合伙企业（有限合伙），认缴出资。", ("宁波云帆股权投资合伙企业（有限合伙）", "Organization")),
    ("legal-names", "获得苏州青禾创业投资公司投资。", ("苏州青禾创业投资公司", "Organization")),  # a bare 公司 after a city
    ("associations", "北京市互联网金融行业协会发布倡议。", ("北京市互联网金融行业协会", "Organization")),
    ("bank-branches", "资金存管于中信银行乌鲁木齐分行。", ("中信银行乌鲁木齐分行", "Lender")),
    ("bank-branches", "青禾云帆投资管理有限公司芜湖分公司被约谈。", ("青禾云帆投资管理有限公司芜湖分公司", "Organization")),
    ("bank-branches", "杭州青松小额贷款有限公司宁波分公司开业。", ("杭州青松小额贷款有限公司宁波分公司", "Lender")),
    ("platforms", "P2P平台易利贷宣布良性退出。", ("易利贷", "Lender")),
    ("platforms", "米袋计划疑跑路。", ("米袋计划", "Lender")),
    ("platforms", "早报：青蛙金所深陷逾期。", ("青蛙金所", "Lender")),
    ("platforms", "另外，这一家平台——青蛙金服，也危险。", ("青蛙金服", "Lender")),  # a dash or colon after 平台
    ("platforms", "庭审历时9个月; 青禾贷非法吸存案宣判。", ("青禾贷", "Lender")),
    ("platforms", "第三则：网贷平台蛙财主非吸案宣判。", ("蛙财主", "Lender")),  # the name follows 平台
    ("short-orgs", "本轮融资由青松资本领投，德邦证券、滕澜实业跟投。", ("滕澜实业", "Organization")),
    ("products", "懒活期、懒定制、懒定期等项目暂停。", ("懒定制", "Product")),
    ("products", "一种是活期理财产品青禾计划，当前年化收益率6.9%。", ("青禾计划", "Product")),  # the cue says product
    ("products", "并推出第一款P2P产品——青禾贷。", ("青禾贷", "Product")),
    ("products", "平台曾发布青禾宝产品兑付进展公告。", ("青禾宝", "Product")),  # the name before the word 产品
    ("products", "其中云帆金融的产品分别为零花计划、铃兰宝3月期。", ("零花计划", "Product")),
    ("apps", "借款人被青禾速贷APP提前扣款。", ("青禾速贷", "Product")),
    ("apps", "投资者登录青禾理财APP查看。", ("青禾理财", "Lender")),
    ("stock-codes", "原标题：青禾支付通(08325)旗下小贷公司获批。", ("青禾支付通", "Organization")),
    ("renamed", "该平台后改名为米袋网。", ("米袋网", "Lender")),
    ("platform-cues", "该公司以青禾速贷为平台从事放贷业务。", ("青禾速贷", "Lender")),
    ("platform-cues", "属P2P平台公司，平台名称为“青禾理财”。", ("青禾理财", "Lender")),
    ("bracketed-brands", "3、青禾普惠（深圳青禾普惠金融服务有限公司）涉嫌非法集资。", ("青禾普惠", "Lender")),
    ("bracketed-brands", "据悉，云帆金融（杭州云帆投资管理有限公司）已停业。", ("云帆金融", "Lender")),
    ("subsidiary-lists", "集团以国商信联、国商信达、国商互联等多个子公司形态存在。", ("国商信达", "Organization")),
    ("list-neighbours", "本周出现问题的平台分别为宜人贷、易利贷、农金宝互金。", ("农金宝互金", "Lender")),
    ("list-neighbours", "一周问题平台：宜人贷、蛙利宝被曝光 。", ("蛙利宝", "Lender")),  # an item ends before 被
    ("former-names", "网贷平台青禾贷(原青禾宝)发布公告。", ("青禾宝", "Lender")),
    ("standalone-platforms", "近日，青蛙理财在其官网发布良性退出公告。", ("青蛙理财", "Lender")),
    ("standalone-platforms", "问题名单：云帆金服、萝卜金融、有融网。", ("萝卜金融", "Lender")),
    ("standalone-platforms", "也有土豆金融的投资人反馈说。", ("土豆金融", "Lender")),  # 有 opens the clause, not the name
    ("standalone-platforms", "投资人看到石榴财富的返现。", ("石榴财富", "Lender")),  # after a verb
    ("standalone-platforms", "投资的两笔土豆金融的标的到期。", ("土豆金融", "Lender")),  # 两笔/土豆, never 笔土豆金融
    ("standalone-platforms", "（来源：网贷天眼） 青蛙金服案已查明涉案资金9000多万。", ("青蛙金服", "Lender")),  # X案: its case
    ("regulations", "《关于规范互联网助贷业务的通知》明确要求。", ("关于规范互联网助贷业务的通知", "Regulation")),
    ("regulations", "据《证券时报》报道。", ("证券时报", "Organization")),
    ("markets", "广州网络小贷行业贷款余额增长。", ("广州网络小贷行业", "Market")),
    ("market-statements", "广州拥有36家网络小贷公司。", ("广州", "Market")),
])
def test_each_recogniser_finds_its_names(recogniser, text, mention):
    assert mention in found_by(recogniser, text)


@pytest.mark.parametrize("recogniser, text", [
    ("legal-names", "泰国最大商业银行发布公告。"),  # a description, not a name
    ("places", "合作市场前景广阔。"),
    ("legal-names", "另外1亿元来自一家杭州公司。"),  # a bare 公司: a city and no name
    ("legal-names", "本来想把杭州青禾装进上市公司。"),
    ("legal-names", "中国私募股权公司青松资本是主要投资者。"),  # the country is no city to start a name  # 合作市 glued to 场: a word, not the city
    ("authorities", "该公司曾到税务局办理登记。"),  # a body with no place before it
    ("persons", "法人单位须依法登记。"),  # 单位 is a common word, not a given name
    ("persons", "平台方和担保方由同一股东方实际控制。"),  # 股东方, not 股东 + a name
    ("persons", "商场、超市等人流密集场所暂停营业。"),  # 等人流: common words, no people
    ("apps", "用户可在官网和APP查看。"),
    ("stock-codes", "交易所交易票据(ETN)规模扩大。"),
    ("platforms", "该平台已经停止运营。"),
    ("products", "他购买了理财产品银行理财计划。"),  # a kind of product (银行…), not one
    ("products", "旗下的出借产品较少。"),  # 出借产品: a kind, no verb that names a product before it
    ("standalone-platforms", "发展科技金融、绿色金融和普惠金融。"),  # kinds of finance, not platforms
    ("standalone-platforms", "这样才能安全理财。"),  # a phrase: an adjective before the ending
    ("standalone-platforms", "他们买的定期理财和活期理财怎么办？"),
    ("standalone-platforms", "选择理财平台的时候要谨慎。"),  # X理财平台 is the platforms recogniser's business
    ("bank-branches", "青禾云帆投资管理有限公司在芜湖设立分公司。"),  # a branch set up, not named
    ("bank-branches", "青禾云帆投资管理有限公司子公司发布公告。"),
    ("platform-cues", "该公司以平台为掩护从事放贷业务。"),  # no name, only the word 平台
    ("platform-cues", "平台名称为借款协议。"),  # not a lending brand's shape
    ("bracketed-brands", "该公司（深圳青禾科技有限公司）发布公告。"),  # a pronoun, no brand
    ("bracketed-brands", "青禾传媒（青禾传媒投资集团股份有限公司）发布公告。"),  # a short name, not a lending brand
])
def test_recognisers_leave_non_names_alone(recogniser, text):
    assert found_by(recogniser, text) == set()


@pytest.mark.parametrize("text, people", [
    ("协会秘书长邱明向记者坦言。", {"邱明"}),  # 向 starts the next word
    ("平台董事长韩立峰要求整改。", {"韩立峰"}),
    ("创始人梁子轩自首后，平台清盘。", {"梁子轩"}),
])
def test_a_person_named_after_a_title_ends_where_the_next_word_starts(text, people):
    assert {name for name, _ in found_by("persons", text)} == people


def test_a_messaging_app_named_as_a_channel_is_left_alone():
    assert ("微信", "Platform") not in found_by("registry", "互金协会通过官方微信发布风险提示。")


def test_a_legal_name_stops_at_an_authority_found_before_it():
    text = "据北京银监局城市商业银行监管处介绍。"
    alone = Context(REGISTRY, place_names(REGISTRY), known_names(REGISTRY))
    legal = next(s for s in RECOGNISERS if s.name == "legal-names").recognise
    assert [m.text for m in legal(text, alone)] == ["北京银监局城市商业银行"]  # with nothing found before
    assert found_by("legal-names", text) == set()  # 北京银监局 ends where a name may start


def test_repeats_cover_every_other_occurrence_of_a_name_found_by_context():
    text = "网贷平台青禾贷发布公告。公开资料显示，青禾贷隶属于上海青禾网络科技有限公司。"
    repeated = [m for m in recognise(text, REGISTRY) if m.text == "青禾贷"]
    assert len(repeated) == 2
    assert {m.recogniser for m in repeated} == {"platforms"}  # a repeat keeps its original's recogniser


def test_every_mention_is_stamped_with_its_recogniser_priority_and_score():
    mentions = recognise("广州拥有36家网络小贷公司，快手小贷位列第一。", REGISTRY)
    steps = {s.name: s.priority for s in RECOGNISERS}
    assert mentions and all(m.recogniser in steps and m.priority == steps[m.recogniser] for m in mentions)
    assert all(m.score == 1.0 for m in mentions)


def test_overlaps_leftmost_longest_then_priority():
    a = Mention(0, 2, "快手", "Platform", priority=2)
    b = Mention(0, 12, "快手小额贷款有限公司xx", "Lender", priority=9)
    c = Mention(0, 2, "快手", "Market", priority=1)
    assert resolve_overlaps([a, b]) == [b]
    assert resolve_overlaps([a, c]) == [c]


@pytest.mark.parametrize("typed, canonical", [
    ("上海青禾电子科技(集团)有限公司", "上海青禾电子科技（集团）有限公司"),
    ("上海青禾电子科技（集团）有限公司", "上海青禾电子科技（集团）有限公司"),
    ("青禾互联网金融信息服务（上海)有限公司", "青禾互联网金融信息服务（上海）有限公司"),
    ("青禾ＡＢＣ网络科技有限公司", "青禾ABC网络科技有限公司"),
    ("i 青禾", "i青禾"),
    ("青禾\u3000金融", "青禾金融"),
    ("第１期", "第1期"),
    (" Lending  Club ", "Lending Club"),  # one space parts Latin words
    ("Lending Club (US)", "Lending Club(US)"),  # no Chinese: brackets stay half-width
])
def test_a_name_has_one_canonical_spelling_with_the_same_iri(typed, canonical):
    assert canonical_name(typed) == canonical
    assert canonical_name(canonical) == canonical
    assert normalise_name(canonical) == normalise_name(typed)
    assert entity_iri(name=canonical) == entity_iri(name=typed)


SHORT = Mention(20, 24, "青禾控股", "Organization", source="org-short")
FULL = Mention(0, 8, "青禾控股有限公司", "Organization", source="legal-name")
CROSSING = Mention(18, 24, "下称青禾控股", "Organization", source="org-short")
KNOWN = Mention(20, 24, "快手小贷", "Lender", key="kuaishou", source="registry")


@pytest.mark.parametrize("mentions, exact, allowed", [
    ([], True, True),  # a free place
    ([SHORT], True, True),  # a recogniser read the same words: the declaration outranks it
    ([SHORT], False, True),
    ([CROSSING], True, False),  # a repetition inside longer words is part of them
    ([CROSSING], False, True),  # the declaration's own words: a name crossing its quotes gives way
    ([KNOWN], False, False),  # the registry stays first
])
def test_a_declared_name_outranks_recognisers_but_not_the_registry(mentions, exact, allowed):
    assert may_declare(20, 24, mentions, exact=exact) is allowed


def test_mentions_under_a_declared_name_give_way_and_the_rest_stay():
    declared = [Mention(20, 24, "青禾控股", "Organization", source="declared", canonical="青禾控股有限公司")]
    assert giving_way([FULL, SHORT], declared) == [FULL]
    assert giving_way([FULL, CROSSING], declared) == [FULL]
    assert giving_way([FULL, SHORT], []) == [FULL, SHORT]


def test_recogniser_names_are_unique():
    names = [s.name for s in RECOGNISERS]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("name, keep, expected", [
    ("目前红岭创投", 0, "红岭创投"), ("的是中弘控股", 0, "中弘控股"), ("和宝", 2, "和宝"),
])
def test_stop_words_glued_before_a_name_are_dropped(name, keep, expected):
    assert strip_left_stops(name, keep) == expected


def test_the_pipeline_puts_mentions_in_one_span_group():
    from kg.extract import MENTION_GROUP
    from kg.nlp import load_pipeline

    doc = load_pipeline()("广州快手小额贷款有限公司（以下简称“快手小贷”）获批。")
    spans = list(doc.spans[MENTION_GROUP])
    assert spans and all(s._.recogniser and s._.score == 1.0 for s in spans)
    legal = next(s for s in spans if s._.kg_mention.text == "广州快手小额贷款有限公司")
    assert legal.label_ == "Lender" and legal._.recogniser in ("registry", "legal-names")
    assert len(spans) == len(doc.user_data["kg_mention_records"])
