"""Sentence → expected facts, one table per rule family. Sentences are written for these tests;
names not in the registry check that the patterns generalise."""

from __future__ import annotations

import pytest

from kg.nlp import extract_article
from kg.model import Article, Evidence


def run(text: str, published=None):
    """Rules alone: these tables test the registry and the rules; the models have their own tests."""
    x = extract_article(Article(id="t", title="t", text=text, published=published), models=False)
    names = {e.id: e.name for e in x.entities}
    return x, names


def entity_names(text: str) -> dict[str, str]:
    x, _ = run(text)
    return {e.name: e.category for e in x.entities}


@pytest.mark.parametrize(
    "text, name, category",
    [
        ("近日，深圳星河网络小额贷款有限公司获得批复。", "深圳星河网络小额贷款有限公司", "Lender"),
        ("由杭州云帆科技有限公司作为签约主体。", "杭州云帆科技有限公司", "Organization"),
        ("青松消费金融股份有限公司发布公告。", "青松消费金融股份有限公司", "Lender"),
        ("浙江山海银行股份有限公司披露年报。", "浙江山海银行股份有限公司", "Lender"),
        ("安顺市地方金融监督管理局发文。", "安顺市地方金融监督管理局", "Regulator"),
        ("《网络小额贷款业务管理暂行办法（征求意见稿）》公布。", "网络小额贷款业务管理暂行办法（征求意见稿）", "Regulation"),
        ("《关于规范互联网助贷业务的通知》明确要求。", "关于规范互联网助贷业务的通知", "Regulation"),
        ("快手月付与快手借钱双轮驱动。", "快手月付", "Product"),
        ("广州作为牌照重镇。", "广州", "Place"),
        # one canonical spelling: brackets full-width, letters and digits half-width
        ("上海青禾电子科技(集团)有限公司发布公告。", "上海青禾电子科技（集团）有限公司", "Organization"),
        ("近日，青禾ＡＢＣ网络科技有限公司完成增资。", "青禾ABC网络科技有限公司", "Organization"),
    ],
)
def test_names_are_recognised_with_their_category(text, name, category):
    assert entity_names(text).get(name) == category


def test_a_magazine_title_is_a_media_organisation_not_a_regulation():
    assert entity_names("《财经》记者报道了此事。").get("财经") == "Organization"
    assert "三体" not in entity_names("他在读《三体》。")


def test_a_declared_short_name_is_an_alias_of_the_full_name():
    x, _ = run("深圳星河网络小额贷款有限公司（以下简称“星河小贷”）成立。星河小贷随后增资。")
    lender = next(e for e in x.entities if e.name == "深圳星河网络小额贷款有限公司")
    assert "星河小贷" in lender.aliases
    assert len(lender.mentions) == 3


def test_a_derived_short_name_links_to_the_full_name():
    x, _ = run("广州青松小额贷款有限公司成立于2020年。青松小贷的余额持续增长。")
    lender = next(e for e in x.entities if e.name == "广州青松小额贷款有限公司")
    assert "青松小贷" in lender.aliases


@pytest.mark.parametrize("one, other", [
    ("上海青禾电子科技(集团)有限公司发布公告。", "上海青禾电子科技（集团）有限公司披露年报。"),
    ("青禾ＡＢＣ网络科技有限公司完成增资。", "据悉，青禾ABC网络科技有限公司完成增资。"),
])
def test_one_name_typed_two_ways_in_two_articles_is_one_entity_with_one_name(one, other):
    a, b = (entity_names(t) for t in (one, other))
    x, y = run(one)[0].entities, run(other)[0].entities
    assert a == b and len(a) == 1
    assert {e.id for e in x} == {e.id for e in y}


@pytest.mark.parametrize("text, owner, alias", [
    # a recogniser also read the declared short name on its own (a cue after it, a stock code, a list)
    ("青禾控股有限公司(以下简称青禾控股)发布公告。青禾控股旗下平台暂停发标。", "青禾控股有限公司", "青禾控股"),
    ("山海金控拟受让青禾新能源电力股份有限公司(以下简称青禾能源)55%股权。青禾能源(831234)去年营收下滑。",
     "青禾新能源电力股份有限公司", "青禾能源"),
    ("北京山海世纪资产管理有限公司(以下简称山海资本)与该平台有关联。山海资本领投，青松科技跟投。",
     "北京山海世纪资产管理有限公司", "山海资本"),
])
def test_a_declared_short_name_is_the_full_name_wherever_it_appears(text, owner, alias):
    x, _ = run(text)
    spans = [s for e in x.entities for s in e.mentions]
    assert len(spans) == len(set(spans))  # every mention names one entity
    full = next(e for e in x.entities if e.name == owner)
    assert len(full.mentions) == 1 + text.replace(owner, "").count(alias) and alias in full.aliases
    assert alias not in {e.name for e in x.entities}


def test_a_declared_short_name_does_not_take_a_registry_name():
    x, _ = run("青禾网络科技有限公司(以下简称“快手”)发布公告。快手回应称正在核实。")
    by_name = {e.name: e for e in x.entities}
    assert by_name["快手"].registry_key and len(by_name["快手"].mentions) == 2
    assert "快手" not in by_name["青禾网络科技有限公司"].aliases


def test_same_name_in_two_articles_gets_one_iri():
    a, _ = run("深圳星河网络小额贷款有限公司获得批复。")
    b, _ = run("另据报道，深圳星河网络小额贷款有限公司完成增资。")
    iri_a = {e.id for e in a.entities if e.name.startswith("深圳星河")}
    iri_b = {e.id for e in b.entities if e.name.startswith("深圳星河")}
    assert iri_a == iri_b and len(iri_a) == 1


@pytest.mark.parametrize(
    "text, expected",
    [
        ("快手旗下广州快手小额贷款有限公司业务发展迅速。", ("广州快手小额贷款有限公司", "subsidiaryOf", "快手")),
        ("杭州云帆科技有限公司是快手的全资子公司。", ("杭州云帆科技有限公司", "subsidiaryOf", "快手")),
        ("快手推出了快手月付。", ("快手", "operates", "快手月付")),
        ("快手与青松消费金融股份有限公司达成合作。", ("快手", "partnerOf", "青松消费金融股份有限公司")),
        ("安顺市地方金融监督管理局印发《小额贷款公司监督管理办法》。",
         ("小额贷款公司监督管理办法", "issuedBy", "安顺市地方金融监督管理局")),
        ("杭州云帆科技有限公司更名为杭州云帆数字科技有限公司。",
         ("杭州云帆科技有限公司", "renamedTo", "杭州云帆数字科技有限公司")),
        ("杭州云帆科技有限公司收购了深圳星河网络小额贷款有限公司。",
         ("杭州云帆科技有限公司", "acquired", "深圳星河网络小额贷款有限公司")),
        ("青松消费金融股份有限公司被安顺市地方金融监督管理局罚款50万元。",
         ("青松消费金融股份有限公司", "penalizedBy", "安顺市地方金融监督管理局")),
    ],
)
def test_relation_cues(text, expected):
    x, names = run(text)
    got = {(names[r.subject], r.predicate, names[r.object]) for r in x.relations}
    assert expected in got


@pytest.mark.parametrize("text, triple", [
    ("广州是重镇。广州青松小额贷款有限公司成立。", ("广州青松小额贷款有限公司", "locatedIn", "广州")),
    ("杭州是重镇。股东包括杭州青禾投资中心。", ("杭州青禾投资中心", "locatedIn", "杭州")),  # a partnership's legal form
    ("宁波是重镇。股东包括宁波云帆股权投资合伙企业（有限合伙）。",
     ("宁波云帆股权投资合伙企业（有限合伙）", "locatedIn", "宁波")),
])
def test_a_company_named_after_a_place_the_article_mentions_is_located_there(text, triple):
    x, names = run(text)
    assert triple in {(names[r.subject], r.predicate, names[r.object]) for r in x.relations}


@pytest.mark.parametrize("text, present, absent", [
    # a branch is where its name says, not where its parent is; and part of the parent the article names
    ("芜湖排查了青禾云帆投资管理有限公司芜湖分公司。",
     {("青禾云帆投资管理有限公司芜湖分公司", "locatedIn", "芜湖")}, set()),
    ("上海与芜湖均有网点。上海青禾云帆投资管理有限公司芜湖分公司被约谈。",
     {("上海青禾云帆投资管理有限公司芜湖分公司", "locatedIn", "芜湖")},
     {("上海青禾云帆投资管理有限公司芜湖分公司", "locatedIn", "上海")}),
    ("青禾云帆投资管理有限公司在芜湖设有网点，青禾云帆投资管理有限公司芜湖分公司负责线下业务。",
     {("青禾云帆投资管理有限公司芜湖分公司", "subsidiaryOf", "青禾云帆投资管理有限公司"),
      ("青禾云帆投资管理有限公司芜湖分公司", "locatedIn", "芜湖")}, set()),
    ("宁波是重镇。中信银行宁波分行存在违规行为。", {("中信银行宁波分行", "locatedIn", "宁波")}, set()),
])
def test_a_branch_is_located_where_its_name_says_and_belongs_to_its_parent(text, present, absent):
    x, names = run(text)
    got = {(names[r.subject], r.predicate, names[r.object]) for r in x.relations}
    assert present <= got and not absent & got


@pytest.mark.parametrize("text, triple", [
    ("上海青禾网络科技有限公司属P2P平台公司，平台名称为青禾速贷。", ("上海青禾网络科技有限公司", "operates", "青禾速贷")),
    ("上海青禾网络科技有限公司是一家P2P公司，平台名称叫青禾理财，检查其平台上无项目。",
     ("上海青禾网络科技有限公司", "operates", "青禾理财")),
    ("3、青禾普惠（深圳青禾普惠金融服务有限公司）涉嫌非法集资。", ("深圳青禾普惠金融服务有限公司", "operates", "青禾普惠")),
])
def test_a_platform_named_by_its_company_is_run_by_it(text, triple):
    x, names = run(text)
    assert triple in {(names[r.subject], r.predicate, names[r.object]) for r in x.relations}
    assert not any(n.startswith("名称") for n in names.values())  # the cue is no part of the name


def test_a_place_only_inside_a_name_is_no_entity_or_location():
    x, names = run("杭州云帆科技有限公司成立。")
    assert not [e for e in x.entities if e.category == "Place"]
    assert not [r for r in x.relations if r.predicate == "locatedIn"]


@pytest.mark.parametrize(
    "text, metric, value, period, change",
    [
        ("2024年末，快手的贷款余额为135.68亿元。", "LoanBalance", 13568000000, "2024-12-31", None),
        ("2025年第二季度，快手电商GMV同比增长17.6%至3589亿元。", "GMV", 358900000000, "2025-Q2", 17.6),
        ("2025年第三季度，快手GMV增至3850亿元，同比增长15.2%。", "GMV", 385000000000, "2025-Q3", 15.2),
        ("快手2025年二季度平均日活用户达4.09亿。", "DAU", 409000000, "2025-Q2", None),
        ("2023年，青松消费金融股份有限公司实现净利润2.5亿元。", "NetProfit", 250000000, "2023", None),
        ("2023年，青松消费金融股份有限公司营业收入为12亿元。", "Revenue", 1200000000, "2023", None),
        ("2025年12月22日，广州青松小额贷款有限公司注册资本提升至10亿元。", "RegisteredCapital", 1e9, "2025-12-22", None),
        ("2018年上半年，快手的净利润由5.54亿元降至1.57亿元。", "NetProfit", 157000000, "2018-H1", None),
        ("2019年，快手注册资本由2亿元变更至5亿元。", "RegisteredCapital", 5e8, "2019", None),
        ("2018年上半年，快手归属于上市公司股东的净利润为 8185万，同比下降 77.23%。", "NetProfit", 81850000, "2018-H1", -77.23),
        ("据财报数据，快手2017年亏损15亿元。", "NetProfit", -1.5e9, "2017", None),
        ("2018年10月31日，快手累计注册人数16113人。", "Users", 16113, "2018-10-31", None),
        ("2017年，青禾力源集团有限公司注册资金1亿元。", "RegisteredCapital", 1e8, "2017", None),
        ("截至2017年8月，快手注册会员已突破1000万人。", "Users", 10000000, "2017-08", None),
        ("2018年10月，快手共有7万多投资者，近40亿元存量。", "LoanBalance", 4e9, "2018-10", None),
        ("2018年7月31日，快手待还130亿！", "LoanBalance", 1.3e10, "2018-07-31", None),
        ("2018年6月，快手累计下单金额达1592亿元。", "GMV", 1.592e11, "2018-06", None),
        ("2018年，快手自称拥有的50万会员。", "Users", 500000, "2018", None),
        # a lender's transaction volume is the loans it made
        ("截至2017年8月，青松消费金融股份有限公司交易额750亿元。", "LoanIssuance", 7.5e10, "2017-08", None),
        # a semicolon parts statements that each carry their own time, before or after the figure
        ("2019年，快手被罚款15万元，决定时间为2月28日；青禾贷被罚款42万元，决定时间为3月13日。",
         "PenaltyAmount", 420000, "2019-03-13", None),
        # a cue right after its figure
        ("2017年，青禾力源集团有限公司10亿元的注册资本采用认缴登记制。", "RegisteredCapital", 1e9, "2017", None),
        ("2017年5月，快手因信披违规，被证监会处以90万元罚款。", "PenaltyAmount", 900000, "2017-05", None),
        # 超过 / 达到 outside a rule state how far a figure has come
        ("2019年4月，快手服务用户超过840万人。", "Users", 8400000, "2019-04", None),
        ("截至2019年4月，快手注册用户数已达到1000万。", "Users", 10000000, "2019-04", None),
    ],
)
def test_metric_cues(text, metric, value, period, change):
    x, _ = run(text)
    got = [(o.metric, o.value, o.period, o.change_yoy) for o in x.observations]
    assert (metric, pytest.approx(value), period, change) in got


def test_ranks_listed_together_are_assigned_in_order():
    x, names = run("2025年，快手小贷的投放贷款金额、贷款余额分别位列第9、第10位。")
    got = {(names[o.subject], o.metric, o.value) for o in x.observations}
    assert ("广州快手小额贷款有限公司", "LoanIssuanceRank", 9) in got
    assert ("广州快手小额贷款有限公司", "LoanBalanceRank", 10) in got


def test_market_statistics_belong_to_the_market():
    x, names = run("2024年末，广州拥有36家网络小贷公司，贷款余额总计135.68亿元。")
    got = {(names[o.subject], o.metric, o.value) for o in x.observations}
    assert ("广州网络小贷行业", "CompanyCount", 36) in got
    assert ("广州网络小贷行业", "LoanBalance", 13568000000) in got


def test_a_number_without_any_time_is_not_an_observation():
    x, _ = run("快手的贷款余额为135.68亿元。")
    assert x.observations == ()


@pytest.mark.parametrize(
    "text, type_, date, before, after",
    [
        ("自2024年4月斩获网络小贷牌照后，快手旗下广州快手小额贷款有限公司发展迅速。", "LicenseGranted", "2024-04", None, None),
        ("2025年12月22日，广州青松小额贷款有限公司注册资本由5亿元增至10亿元。", "CapitalIncrease", "2025-12-22", 5e8, 1e9),
        ("2019年3月，深圳星河网络小额贷款有限公司的牌照被吊销。", "LicenseRevoked", "2019-03", None, None),
        # a summons (约谈) is a supervisory measure, as 监管谈话 is
        ("2019年4月16日，北京市互联网信息办公室依法约谈快手。", "Penalty", "2019-04-16", None, None),
        # the time before the cue dates the event; one after it dates the facts behind it
        ("2018年5月，上海银监局公布对快手的处罚书，显示快手在2016年7月办理贷款时以贷收费。", "Penalty", "2018-05", None, None),
    ],
)
def test_event_cues(text, type_, date, before, after):
    x, _ = run(text)
    got = [(e.type, e.date, e.value_before, e.value_after) for e in x.events]
    assert (type_, date, before, after) in got


def test_one_capital_increase_told_in_two_sentences_is_one_event():
    x, _ = run("快手小贷注册资本从5亿元增至10亿元。2025年12月22日，广州快手小额贷款有限公司完成增资，注册资本提升至10亿元。")
    increases = [e for e in x.events if e.type == "CapitalIncrease"]
    assert len(increases) == 1
    assert (increases[0].date, increases[0].value_before, increases[0].value_after) == ("2025-12-22", 5e8, 1e9)


def test_a_penalty_has_its_authority_and_amount():
    x, names = run("2019年5月，青松消费金融股份有限公司被安顺市地方金融监督管理局罚款50万元。")
    penalty = next(e for e in x.events if e.type == "Penalty")
    assert names[penalty.object] == "安顺市地方金融监督管理局"
    assert penalty.amount == 500000


@pytest.mark.parametrize("text", ["", "   ", "The quick brown fox jumps over the lazy dog.", "今天天气很好，我们去公园散步吧。"])
def test_texts_without_entities_give_a_valid_empty_result(text):
    x, _ = run(text)
    assert x.relations == () and x.observations == () and x.events == ()


def test_evidence_offsets_point_at_the_sentence_in_the_text():
    text = "前言。2024年末，快手的贷款余额为135.68亿元。结语。"
    x, _ = run(text)
    for fact in (*x.relations, *x.observations, *x.events):
        ev = fact.evidence
        assert text[ev.start:ev.end] == ev.text


def test_traditional_full_width_and_web_remnants_are_read_with_offsets_kept():
    text = "2025年第二季度，快手電商GMV同比增長１７．６%至３５８９億元。<br>廣州快手小額貸款有限公司&nbsp;獲得網絡小貸牌照。{IMG:1}"
    x, names = run(text)
    assert ("GMV", 358900000000, "2025-Q2", 17.6) in [(o.metric, o.value, o.period, o.change_yoy) for o in x.observations]
    lender = next(e for e in x.entities if e.name == "广州快手小额贷款有限公司")
    assert [text[s.start:s.end] for s in lender.mentions] == ["廣州快手小額貸款有限公司"]


def test_a_broken_encoding_is_an_error_not_garbage(tmp_path):
    from kg.corpus import load_article
    from kg.errors import CorpusError

    bad = tmp_path / "broken.txt"
    bad.write_bytes("快手小贷".encode("utf-8")[:-1] + b"\xff\xfe")
    with pytest.raises(CorpusError):
        load_article(bad)


def test_a_by_line_is_skipped_but_not_the_text_after_it_on_the_same_line():
    x, _ = run("来源: 某某财经 10月18日，广州快手小额贷款有限公司发布公告。")
    assert [e.name for e in x.entities] == ["广州快手小额贷款有限公司"]


def test_a_platform_notice_is_not_article_content():
    x, _ = run("快手月付上线。\n特别声明：以上内容为网易号用户上传。\nNotice: uploaded by a user of NetEase Hao.")
    assert {e.name for e in x.entities} == {"快手月付"}


@pytest.mark.parametrize("text", [
    # a reading list at the page's foot, over several lines
    "快手月付上线，浙商银行将为其提供资金支持。\n相关阅读：\n青禾贷逾期三个月\n蓝湾金服平台清盘\n",
    # share and follow prompts before the article, on its line
    "分享到 微博 微信 扫描二维码关注蓝湾财经 　　快手月付上线，浙商银行将为其提供资金支持。",
    # side links and a comment box, inline at the end
    "快手月付上线，浙商银行将为其提供资金支持。 热门搜索 杭州警方通报青禾贷案 为您推荐 微博登录 | QQ登录",
])
def test_page_chrome_names_no_entities(text):
    x, _ = run(text)
    assert {e.name for e in x.entities} == {"快手月付", "浙商银行股份有限公司"}


def test_a_chrome_cue_inside_prose_hides_nothing_after_it():
    x, _ = run("更多相关新闻，浙商银行为快手月付提供了资金支持。")
    assert {"快手月付", "浙商银行股份有限公司"} <= {e.name for e in x.entities}


@pytest.mark.parametrize(
    "text, name, category",
    [
        ("本轮融资由青松资本领投，德邦证券、滕澜实业跟投。", "青松资本", "Organization"),
        ("本轮融资由青松资本领投，德邦证券、滕澜实业跟投。", "滕澜实业", "Organization"),
        ("董事长周鸿祎表示，将继续投入。", "周鸿祎", "Person"),
        ("P2P平台易利贷宣布良性退出。", "易利贷", "Lender"),
        ("公告显示，和耕传承基金销售有限公司被责令改正。", "和耕传承基金销售有限公司", "Organization"),
    ],
)
def test_productive_names(text, name, category):
    assert entity_names(text).get(name) == category


def test_investors_listed_together_are_all_shareholders():
    x, names = run("凯京科技完成10亿元C轮融资，本轮融资由青松资本和大钲资本领投，德邦证券、滕澜实业跟投。")
    got = {(names[r.subject], r.predicate, names[r.object]) for r in x.relations}
    for investor in ("青松资本", "大钲资本", "德邦证券", "滕澜实业"):
        assert (investor, "shareholderOf", "凯京科技") in got, got


def test_an_operator_named_after_its_platform_operates_it():
    x, names = run("P2P平台和信贷的运营公司和信电子商务有限公司注册资本增至10亿元。")
    got = {(names[r.subject], r.predicate, names[r.object]) for r in x.relations}
    assert ("和信电子商务有限公司", "operates", "和信贷") in got


def test_a_figure_before_its_date_in_the_same_sentence_takes_that_date():
    from datetime import date

    x, _ = run("拍拍贷净利润7.031亿元，5月15日公告。", published=date(2019, 6, 1))
    assert [(o.metric, o.period) for o in x.observations] == [("NetProfit", "2019-05-15")]


def test_a_figure_from_a_report_takes_the_period_the_report_covers():
    from datetime import date

    x, _ = run("拍拍贷发布一季报，净利润7.031亿元，5月15日公告。", published=date(2019, 6, 1))
    assert [(o.metric, o.period) for o in x.observations] == [("NetProfit", "2019-Q1")]


def test_a_headline_figure_and_its_precise_restatement_are_one_observation():
    x, _ = run("2020年第一季度，拍拍贷营收12.35亿元。2020年第一季度，拍拍贷总营收为12.347亿元，同比增长5%。")
    assert [(o.metric, o.value) for o in x.observations] == [("Revenue", pytest.approx(1234700000))]


def test_a_distinctive_figure_repeated_under_another_name_is_kept_where_it_is_dated():
    x, names = run("2019年4月，上海市互联网金融行业协会开会。拍拍贷净利润7.031亿元。\n"
                   "拍拍贷5月15日发布2019年第一季度报告，净利润7.031亿元。")
    assert [(names[o.subject], o.period) for o in x.observations] == [("拍拍贷", "2019-Q1")]


def test_the_year_of_an_undated_article_is_raised_to_the_newest_body_it_names():
    # 2017 is the only year written, but 银保监会 was set up in 2018: the article is from 2018 on
    x, names = run("到2017年8月，问题已整改。12月7日，银保监会对中国民生银行股份有限公司处以罚款3160万元。")
    assert [(e.type, e.date) for e in x.events] == [("Penalty", "2018-12-07")]
    assert [(o.metric, o.period) for o in x.observations] == [("PenaltyAmount", "2018-12-07")]


def test_a_publication_date_outranks_the_bodies_an_article_names():
    from datetime import date

    x, _ = run("12月7日，银保监会对中国民生银行股份有限公司处以罚款3160万元。", published=date(2020, 12, 9))
    assert [e.date for e in x.events] == ["2020-12-07"]


def test_a_renaming_a_clause_away_is_an_event_dated_at_its_cue():
    x, names = run("青松传承成立于2015年2月，彼时该公司名为河南省青松企业管理咨询有限公司，并于当年8月获批基金销售业务资格，"
                   "次月更名为青松传承基金销售有限公司。")
    assert ("Renaming", "河南省青松企业管理咨询有限公司", "2015-09") in {
        (e.type, names[e.subject], e.date) for e in x.events}


def test_a_media_outlet_is_not_the_subject_of_the_figures_it_reports():
    x, names = run("据第一财经报道，2018年5月，米袋计划借款余额6.24亿元。")
    assert all(names[o.subject] != "第一财经" for o in x.observations)


def test_a_penalty_is_the_local_office_s_and_dated_by_its_decision_number():
    """The national regulator's website publishes it; the office after 被 decided it."""
    x, names = run("银保监会网站公布的行政处罚信息公开表(锡银监罚决字〔2019〕7号)显示，青松银行股份有限公司无锡分行"
                   "贷款管理不审慎，依据《中华人民共和国银行业监督管理法》第四十六条，被无锡银监分局罚款30万元。")
    penalties = [(names[e.subject], names[e.object], e.date, e.amount) for e in x.events if e.type == "Penalty"]
    assert penalties == [("青松银行股份有限公司无锡分行", "无锡银监分局", "2019", 300000)]
    got = {(names[r.subject], r.predicate, names[r.object]) for r in x.relations}
    assert ("青松银行股份有限公司无锡分行", "penalizedBy", "无锡银监分局") in got
    assert not [e for e in x.events if e.type == "RegulationIssued"]  # the law is cited, not issued


def test_the_classifier_does_not_add_another_authority_where_a_rule_named_one():
    from kg.extract import rules_name_the_authority
    from kg.model import Relation

    ev = Evidence(0, 1, "x")
    rule = Relation("bank", "penalizedBy", "local-office", ev)
    guess = Relation("bank", "penalizedBy", "national", ev, source="model", confidence=0.9)
    other = Relation("lender", "penalizedBy", "national", ev, source="model", confidence=0.9)
    assert rules_name_the_authority([rule, guess, other]) == [rule, other]


@pytest.mark.parametrize("text, rates", [
    ("2019年，青松金服的借款年化利率为18%。", [18]),
    ("2019年，青松金服推出新品，其参考利率为6.5%。", [6.5]),
    ("2019年，青松金服的产品分为活期和定期两种，活期计划年化收益率为6.9%。", [6.9]),  # its products
    ("2019年，青松金服称定期存款利率为1.75%，建议储户比较后再存。", []),
    ("2019年，青松金服上线新功能；建议年轻人把闲钱存定期，三年期利率为2.75%。", []),
    ("2019年，青松金服发布新品。市场上一年期年化利率约为2.1%，建议多比较。", []),
])
def test_an_interest_rate_is_the_companys_only_where_the_sentence_says_so(text, rates):
    x, _ = run(text)
    assert sorted(o.value for o in x.observations if o.metric == "InterestRate") == rates


@pytest.mark.parametrize("text, issued", [
    ("2003年12月，银保监会颁布了《中华人民共和国银行业监督管理法》。", False),  # a year in the text
    ("银保监会印发《关于小额贷款公司试点的指导意见》。", False),  # the registry's year of the rule
    ("银保监会出台《2009年消费金融公司试点管理办法》。", False),  # a year in the title
    ("2020年7月，银保监会发布了《商业银行互联网贷款管理暂行办法》。", True),
])
def test_a_rule_is_not_issued_by_a_body_set_up_after_it(text, issued):
    x, names = run(text)
    got = {(names[r.subject], names[r.object]) for r in x.relations if r.predicate == "issuedBy"}
    got |= {(names[e.subject], names[e.object]) for e in x.events if e.type == "RegulationIssued"}
    assert bool(got) == issued
    assert all(issuer == "中国银行保险监督管理委员会" for _, issuer in got)


def test_a_document_number_names_the_same_regulation():
    x, _ = run("国家金融监督管理总局印发《小额贷款公司监督管理暂行办法》（金规〔2025〕9号），自发布之日起施行。")
    regulation = next(e for e in x.entities if e.category == "Regulation")
    assert "金规〔2025〕9号" in regulation.aliases


def test_the_document_number_is_in_the_entity_description():
    from kg.describe import describe_alone
    from kg.registry import load_registry
    from kg.vocab import KG

    x, _ = run("国家金融监督管理总局印发《小额贷款公司监督管理暂行办法》（金规〔2025〕9号）。")
    g = describe_alone(x.entities, load_registry())
    assert [str(o) for o in g.objects(None, KG.documentNumber)] == ["金规〔2025〕9号"]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("天眼查显示，青松基金销售有限公司的控股股东为青松信息科技有限公司，持有90%的股份。",
         ("青松基金销售有限公司", "subsidiaryOf", "青松信息科技有限公司")),
        ("快手旗下有《青松日报》《山海晚报》等媒体。", ("青松日报", "subsidiaryOf", "快手")),
        ("快手旗下有《青松日报》《山海晚报》等媒体。", ("山海晚报", "subsidiaryOf", "快手")),
    ],
)
def test_control_and_ownership_lists(text, expected):
    x, names = run(text)
    assert expected in {(names[r.subject], r.predicate, names[r.object]) for r in x.relations}


def test_a_controlling_person_is_a_shareholder():
    x, names = run("广州青松小额贷款有限公司目前的控股股东是青松集团董事长章凌波。")
    assert ("章凌波", "shareholderOf", "广州青松小额贷款有限公司") in {
        (names[r.subject], r.predicate, names[r.object]) for r in x.relations}


@pytest.mark.parametrize(
    "text, expected",
    [
        ("快手月付(快手旗下)上线。", ("快手", "operates", "快手月付")),
        ("杭州云帆科技有限公司成立于2015年，是总部位于广州的科技公司。", ("杭州云帆科技有限公司", "locatedIn", "广州")),
    ],
)
def test_owner_in_brackets_and_headquarters(text, expected):
    x, names = run(text)
    assert expected in {(names[r.subject], r.predicate, names[r.object]) for r in x.relations}


def test_a_data_service_is_not_the_company_that_gained_shareholders():
    x, names = run("天眼查显示，广州青松小额贷款有限公司发生变更，新增巍伟、王伟为股东。")
    got = {(names[r.subject], r.predicate, names[r.object]) for r in x.relations}
    assert ("巍伟", "shareholderOf", "广州青松小额贷款有限公司") in got
    assert not [r for r in x.relations if names[r.object] == "天眼查"]


@pytest.mark.parametrize(
    "text, name, absent",
    [
        ("上市公司华闻传媒（青松传媒投资集团股份有限公司）发布公告。", "青松传媒投资集团股份有限公司", "华闻传媒（青松传媒投资集团股份有限公司"),
        ("合作涉及的是青松控股的老本行。", "青松控股", "是青松控股"),
    ],
)
def test_names_stop_at_brackets_and_stop_words(text, name, absent):
    names = entity_names(text)
    assert name in names and absent not in names


def test_names_listed_with_a_known_platform_are_platforms_too():
    names = entity_names("本周出现问题的平台分别为宜人贷、易利贷、农金宝互金。")
    assert names.get("易利贷") == "Lender" and names.get("农金宝互金") == "Lender"


@pytest.mark.parametrize("text, name", [("P2P懒财主非法吸收公众存款。", "懒财主"), ("米袋计划疑跑路。", "米袋计划")])
def test_platforms_named_by_what_happened_to_them(text, name):
    assert entity_names(text).get(name) == "Lender"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("安顺市地方金融监督管理局公告，对青松消费金融股份有限公司实施责令改正监管措施。",
         ("青松消费金融股份有限公司", "penalizedBy", "安顺市地方金融监督管理局")),
        ("2015年成立杭州云帆科技有限公司，并于当年8月获批资格，次月更名为杭州云帆数字科技有限公司。",
         ("杭州云帆科技有限公司", "renamedTo", "杭州云帆数字科技有限公司")),
    ],
)
def test_supervisory_measures_and_later_renamings(text, expected):
    x, names = run(text)
    assert expected in {(names[r.subject], r.predicate, names[r.object]) for r in x.relations}


def test_founders_listed_without_the_company_in_their_sentence_invest_in_the_paragraphs_company():
    x, names = run("青松消费金融股份有限公司获批开业。由青松资本、滕澜实业两家股东共同出资，注册资本3亿元。")
    got = {(names[r.subject], r.predicate, names[r.object]) for r in x.relations}
    assert ("青松资本", "shareholderOf", "青松消费金融股份有限公司") in got


@pytest.mark.parametrize("text, metric, value", [
    ("青松消费金融股份有限公司成立于2015年8月3日，注册资本5000万元。", "RegisteredCapital", 50000000),
    ("青松金服上线于2016年4月，累计成交额8.12亿元。", "LoanIssuance", 812000000),
    ("青松金服成立于2011年6月，待偿余额为37.5亿元。", "LoanBalance", 3750000000),
    ("青松金服于2013年9月正式上线，累计借贷金额21亿元。", "LoanIssuance", 2100000000),
])
def test_a_founding_date_does_not_date_an_as_of_figure(text, metric, value):
    """成立于/上线于 dates the founding: the capital, balance or cumulative total is as of the article."""
    from datetime import date

    x, _ = run(text, published=date(2019, 5, 1))
    assert [(o.metric, o.value, o.period) for o in x.observations] == [(metric, value, "2019")]


@pytest.mark.parametrize("text", [
    "2019年3月，借贷余额大于2亿元的平台有182家。",
    "2019年3月，借贷余额超过2亿元的平台有182家。",
    "2019年，快手的贷款余额不得超过20亿元。",
    "2019年，快手的贷款余额若达到5亿元须报告。",
    "2018年6月，快手表示，这类平台的年化投资回报远超36%。",  # a comparison, not a figure
    "2014年12月，快手称如果购买100个团购包，25周后周收入3万元。",  # a supposition
    "截至5月20日，注册资本5亿元（含）以上有28家。",
    "2019年5月，快手的用户在官方2群里发言。",
    "2019年5月，有投资人提供截图，一位快手用户在群里发言。",
    "2018年6月，快手前十大借款人待还余额均为100万元。",
    "2018年6月，快手企业借款余额最高为100万。",
    "2018年，快手预计上半年亏损13.26亿元。",
    "2019财年第二季度，快手的借款人数为2183人。",
])
def test_thresholds_and_stray_numbers_are_not_observations(text):
    x, _ = run(text)
    assert x.observations == ()


def test_an_association_issues_a_self_regulatory_rule_even_across_a_line_break():
    x, names = run("5月17日,上海市互联网金融协会官网发布《\n网络借贷信息中介机构合规经营倡议书》。", published=None)
    regulation = next(e for e in x.entities if e.category == "Regulation")
    assert regulation.name == "网络借贷信息中介机构合规经营倡议书"
    assert (regulation.name, "issuedBy", "上海市互联网金融协会") in {
        (names[r.subject], r.predicate, names[r.object]) for r in x.relations}


def test_products_listed_after_a_cue_belong_to_the_platform_before_it():
    x, names = run("据悉，青松金融产品分为新手标15天，青松宝45天(活动期间加息)、山海宝30天、云帆宝60天。")
    got = {(names[r.subject], r.predicate, names[r.object]) for r in x.relations}
    for product in ("青松宝", "山海宝", "云帆宝"):
        assert ("青松金融", "operates", product) in got, got


@pytest.mark.parametrize(
    "text, expected",
    [
        ("公开资料显示，P2P平台青松贷隶属于青松互联网金融信息服务(上海)有限公司。",
         ("青松互联网金融信息服务（上海）有限公司", "operates", "青松贷")),
        ("青松消费金融股份有限公司成立于2015年，股东为青松股权投资管理有限公司。",
         ("青松消费金融股份有限公司", "subsidiaryOf", "青松股权投资管理有限公司")),
        ("P2P平台青松贷、山海贷的网贷业务统一由青松网络科技有限公司运作。",
         ("青松网络科技有限公司", "operates", "山海贷")),
    ],
)
def test_operators_parents_and_sole_shareholders(text, expected):
    x, names = run(text)
    assert expected in {(names[r.subject], r.predicate, names[r.object]) for r in x.relations}


def test_investors_named_in_the_next_sentence_invest_in_the_paragraphs_company():
    x, names = run("凯京科技完成10亿元融资。其他投资者包括青松资本、滕澜实业等。")
    got = {(names[r.subject], r.predicate, names[r.object]) for r in x.relations}
    assert ("青松资本", "shareholderOf", "凯京科技") in got and ("滕澜实业", "shareholderOf", "凯京科技") in got


@pytest.mark.parametrize(
    "text, expected",
    [
        ("P2P平台青松贷的股东背景：青松投资有限公司持有其72.05%的股份。", ("青松贷", "subsidiaryOf", "青松投资有限公司")),
        ("青松投资有限公司持有广州青松小额贷款有限公司20%的股份。", ("青松投资有限公司", "shareholderOf", "广州青松小额贷款有限公司")),
    ],
)
def test_stakes_above_half_are_control(text, expected):
    x, names = run(text)
    assert expected in {(names[r.subject], r.predicate, names[r.object]) for r in x.relations}


@pytest.mark.parametrize("ranks, expected", [("第9、第10位", (9, 10)), ("第九、第十位", (9, 10)), ("第3、5名", (3, 5))])
def test_ranks_in_digits_or_chinese_numerals(ranks, expected):
    x, _ = run(f"2025年，快手小贷的投放贷款金额、贷款余额分别位列{ranks}。")
    got = {o.metric: o.value for o in x.observations}
    assert (got.get("LoanIssuanceRank"), got.get("LoanBalanceRank")) == expected


def test_a_majority_stake_is_control_only_not_also_a_shareholding():
    x, names = run("青松投资有限公司持有广州青松小额贷款有限公司72%的股份。")
    got = {(names[r.subject], r.predicate, names[r.object]) for r in x.relations}
    assert got == {("广州青松小额贷款有限公司", "subsidiaryOf", "青松投资有限公司")}


def test_a_name_found_by_its_context_is_recognised_where_it_appears_again():
    # 平台青禾贷 makes 青禾贷 a platform; the later sentences name it with no such cue
    x, names = run("网贷平台青禾贷发布公告。公开资料显示，青禾贷隶属于上海青禾网络科技有限公司。")
    platform = next(e for e in x.entities if e.name == "青禾贷")
    assert len(platform.mentions) == 2
    assert ("上海青禾网络科技有限公司", "operates", "青禾贷") in {
        (names[r.subject], r.predicate, names[r.object]) for r in x.relations}


def test_a_repeated_name_inside_a_longer_name_stays_part_of_it():
    x, _ = run("网贷平台青禾贷发布公告。青禾贷科技有限公司成立。")
    assert {e.name for e in x.entities} >= {"青禾贷", "青禾贷科技有限公司"}
    assert len(next(e for e in x.entities if e.name == "青禾贷").mentions) == 1


def test_a_place_in_brackets_inside_a_legal_name_locates_the_company():
    x, names = run("青禾贷隶属于青禾互联网金融信息服务(上海)有限公司，总部在上海。")
    assert ("青禾互联网金融信息服务（上海）有限公司", "locatedIn", "上海") in {
        (names[r.subject], r.predicate, names[r.object]) for r in x.relations}


def test_stakes_in_a_shareholder_list_split_control_from_shareholding():
    x, names = run("青禾投资管理有限公司的股东为林文洪(持股20%)、华夏管理有限公司(持股79%)。")
    got = {(names[r.subject], r.predicate, names[r.object]) for r in x.relations}
    assert ("林文洪", "shareholderOf", "青禾投资管理有限公司") in got
    assert ("青禾投资管理有限公司", "subsidiaryOf", "华夏管理有限公司") in got
    assert ("华夏管理有限公司", "shareholderOf", "青禾投资管理有限公司") not in got


@pytest.mark.parametrize("text, expected", [
    # the authority is named in the sentence before, the company in the one after
    ("12月7日，银保监会披露10张罚单，累计罚款1.56亿元。其中，民生银行共收到4张罚单。", True),
    # no penalty in the first sentence: nothing to carry
    ("12月7日，银保监会召开会议。其中，民生银行共收到4张罚单。", False),
    # another paragraph: nothing to carry
    ("12月7日，银保监会披露10张罚单。\n民生银行收到罚单的传闻不实。", False),
])
def test_a_penalty_told_over_two_sentences_names_its_authority(text, expected):
    x, names = run(text)
    got = {(names[r.subject], r.predicate, names[r.object]) for r in x.relations}
    assert (("中国民生银行股份有限公司", "penalizedBy", "中国银行保险监督管理委员会") in got) is expected


@pytest.mark.parametrize("text, name, category", [
    ("还款问题请下载青禾APP查询。", "青禾", "Product"),
    ("借款人被青禾速贷APP提前扣款。", "青禾速贷", "Product"),
    ("投资者登录青禾理财APP查看。", "青禾理财", "Lender"),
])
def test_an_app_is_named_by_the_word_app_after_it(text, name, category):
    assert entity_names(text).get(name) == category


@pytest.mark.parametrize("text", [
    "用户可在官网和APP查看。", "此名校贷APP已下架。", "他在多个银行的APP上借款。", "据智通财经APP报道。",
])
def test_words_before_app_that_are_no_name_are_left_alone(text):
    assert not [e for e in run(text)[0].entities if e.category == "Product"]


def test_an_app_with_its_owner_in_brackets_is_operated_by_the_owner():
    x, names = run("网贷平台青禾贷发布公告。借款人称被青禾花APP(青禾贷旗下)提前扣款。")
    assert ("青禾贷", "operates", "青禾花") in {(names[r.subject], r.predicate, names[r.object]) for r in x.relations}


def test_an_article_that_names_no_year_is_not_dated_by_the_bodies_it_names():
    x, _ = run("3月6日，中国互联网金融协会发布《关于网贷广告宣传的风险提示》。")
    assert [e.date for e in x.events if e.type == "RegulationIssued"] == [""]


def test_a_fund_distributor_is_also_named_by_its_brand_alone():
    x, names = run("河南证监局对青禾传承基金销售有限公司实施责令改正监管措施。青禾传承成立于2015年2月。")
    company = next(e for e in x.entities if e.name == "青禾传承基金销售有限公司")
    assert "青禾传承" in company.aliases


@pytest.mark.parametrize("text, name", [
    ("原标题：青禾支付通(08325)旗下小贷公司获批。", "青禾支付通"),
    ("王永红拟将青禾港桥(2323.HK)的股份转让。", "青禾港桥"),
    ("上市企业青禾奥园(03883)公告称。", "青禾奥园"),
])
def test_a_name_followed_by_its_stock_code_is_a_listed_company(text, name):
    assert entity_names(text).get(name) == "Organization"


@pytest.mark.parametrize("text", [
    "《金融科技发展报告(2019)》发布。",  # a year in brackets
    "交易所交易票据(ETN)规模扩大。",  # an abbreviation, not a code
])
def test_years_and_abbreviations_in_brackets_are_no_stock_codes(text):
    assert not [e for e in run(text)[0].entities if e.category == "Organization"]


@pytest.mark.parametrize("text, kept", [
    ("互金协会通过官方微信发布风险提示。", False),
    ("用微信扫描二维码下载。", False),
    ("关注微信公众号获取更多资讯。", False),
    ("微信与支付宝争夺支付市场。", True),
])
def test_a_messaging_app_named_as_a_channel_is_no_entity(text, kept):
    assert ("微信" in entity_names(text)) is kept


def test_source_tags_are_not_read_as_names():
    # without the tags' exclusion, 中国 and 上海 would be places of this text
    names = entity_names("【中国经营报】 快手小贷增资。（来源：上海金融报）")
    assert "中国" not in names and "上海" not in names
    assert "广州快手小额贷款有限公司" in names


def test_a_chinese_region_named_with_its_country_is_one_place():
    assert entity_names("根据中国香港政府统计处的数据。") == {"香港": "Place"}


@pytest.mark.parametrize("text, triple", [
    # a commission's local office is one body
    ("近期，杭银消费金融股份有限公司被银监会浙江监管局处以50万元罚款。",
     ("杭银消费金融股份有限公司", "penalizedBy", "银监会浙江监管局")),
    # a declared short name between the name and the cue does not break the rule
    ("青禾信息科技有限公司为北京奇步天下科技有限公司（下称奇步天下）的全资子公司。",
     ("青禾信息科技有限公司", "subsidiaryOf", "北京奇步天下科技有限公司")),
    # XX信息 is the short form of XX信息科技有限公司
    ("青禾信息科技有限公司成立。青禾信息为北京奇步天下科技有限公司的全资子公司。",
     ("青禾信息科技有限公司", "subsidiaryOf", "北京奇步天下科技有限公司")),
    # the owner named first
    ("周鸿祎为北京奇步天下科技有限公司的最终受益人。", ("周鸿祎", "shareholderOf", "北京奇步天下科技有限公司")),
    ("青禾控股有限公司为北京奇步天下科技有限公司的控股股东。",
     ("北京奇步天下科技有限公司", "subsidiaryOf", "青禾控股有限公司")),
    # a product named right after the cue
    ("网贷平台青禾所发布公告。青禾所推出系列产品地产宝更是毫不避讳。", ("青禾所", "operates", "地产宝")),
    # 该平台 is the platform the paragraph is about
    ("网贷平台青禾贷发布公告称，逾期金额巨大。该平台隶属于上海青禾网络科技有限公司。",
     ("上海青禾网络科技有限公司", "operates", "青禾贷")),
])
def test_relation_rules_reach_past_brackets_and_pronouns(text, triple):
    x, names = run(text)
    assert triple in {(names[r.subject], r.predicate, names[r.object]) for r in x.relations}


def test_a_platform_pronoun_with_no_platform_before_it_says_nothing():
    x, _ = run("该平台隶属于上海青禾网络科技有限公司。")
    assert x.relations == () or all(r.predicate == "locatedIn" for r in x.relations)


@pytest.mark.parametrize("text, name, category", [
    ("青禾网/安心贷/团贷网等平台最新舆情。", "安心贷", "Lender"),  # a slash-separated list anchored by a known platform
    ("据网贷之家消息，青禾贷平台暂停运营。", "青禾贷", "Lender"),  # X平台
    ("青禾科技有限公司（青禾网平台）非法吸收公众存款。", "青禾网", "Lender"),
    ("被告人通过互联网宣传懒青禾、懒定青等项目。", "懒青禾", "Product"),
    ("平台推出了青禾贷、车主贷等产品。", "车主贷", "Product"),
    ("该平台前身为青禾360，后改名为青禾网。", "青禾网", "Lender"),
    ("该案已被移送石景山区人民检察院审查起诉。", "石景山区人民检察院", "Regulator"),
    ("上海市第二中级人民法院于日前公开宣判。", "上海市第二中级人民法院", "Regulator"),
    ("国家外汇管理局新疆维吾尔自治区分局对其处以罚款。", "国家外汇管理局新疆维吾尔自治区分局", "Regulator"),
    ("罚单显示，中信 银行乌鲁木齐分行存在违规行为。", "中信银行乌鲁木齐分行", "Lender"),  # a stray space inside a name
])
def test_more_names_by_their_context(text, name, category):
    assert entity_names(text).get(name) == category


@pytest.mark.parametrize("text, absent", [
    ("据悉，该平台暂停运营，网贷平台纷纷退出。", "该"),
    ("现金贷平台整改。", "现金贷"),
    ("唐小僧最初从事券商资管、基金等金融产品的代销。", "券商资管"),
    ("0元购项目涉及路由器、空气净化器等产品。", "空气净化器"),
    ("泰国最大商业银行——青禾银行旗下寿险公司。", "泰国最大商业银行"),
])
def test_phrases_shaped_like_names_are_not_names(text, absent):
    assert not any(absent in n for n in entity_names(text))


@pytest.mark.parametrize("text, triple", [
    ("罚单显示，中信银行乌鲁木齐分行存在违规行为，国家外汇管理局新疆维吾尔自治区分局对其处以罚款20万元。",
     ("中信银行乌鲁木齐分行", "penalizedBy", "国家外汇管理局新疆维吾尔自治区分局")),
    ("网贷平台魔青宝发布公告。魔青宝平台（上海翔青金融信息服务有限公司）等关联公司账户被冻结。",
     ("上海翔青金融信息服务有限公司", "operates", "魔青宝")),
    ("2016年12月，魔青宝与江西银行股份有限公司签订《资金存管业务合作协议》。",
     ("魔青宝", "partnerOf", "江西银行股份有限公司")),
    ("3月23日，深圳最大的P2P网贷平台红岭创投发文。", ("红岭创投", "locatedIn", "深圳")),
    ("本月初，深圳市互联网金融协会出炉了一份《深圳市网贷机构退出指引》。",
     ("深圳市网贷机构退出指引", "issuedBy", "深圳市互联网金融协会")),
])
def test_relation_cues_seen_in_unseen_articles(text, triple):
    x, names = run(text.replace("魔青宝与", "网贷平台魔青宝发布公告。魔青宝与") if "签订" in text else text)
    assert triple in {(names[r.subject], r.predicate, names[r.object]) for r in x.relations}


def test_an_acquisition_with_an_unnamed_target_is_still_an_event():
    x, names = run("2018年7月16日，富卫集团宣布将以927亿泰铢收购青禾银行旗下寿险公司的全部股权。")
    assert [(e.type, names[e.subject], e.object, e.date) for e in x.events] == [
        ("Acquisition", "富卫集团", None, "2018-07-16")]


def test_a_media_outlet_is_never_the_subject_of_a_penalty():
    x, names = run("（蓝鲸财经）2018年11月23日，证监会表示将严惩违规，对违法行为处以罚款。")
    assert not [e for e in x.events if names[e.subject] == "蓝鲸财经"]


@pytest.mark.parametrize("text, metric, value, period", [
    # 至今 / 截止目前 speak from the article's own time, not from the last date named
    ("2019年3月，快手发文。快手2009年3月上线，至今累计出借金额4519亿元，最新待偿金额为184亿元。",
     "LoanBalance", 18400000000, "2019"),
    # what is owed to all lenders is the platform's book
    ("截至2019年5月1日，快手的出借人待偿余额184.33亿元。", "LoanBalance", 18433000000, "2019-05-01"),
])
def test_balances_owed_to_lenders_and_figures_as_of_now(text, metric, value, period):
    x, _ = run(text)
    assert (metric, pytest.approx(value), period) in [(o.metric, o.value, o.period) for o in x.observations]


@pytest.mark.parametrize("text", [
    "2021年12月底，未到期部分债权由红岭控股全额收购。",  # debts, not a company
    "4月26日，北互金协会组织召开关于机构投资并购重组专题研讨会。",  # a noun, not a deal
    # the company bought follows in the clause of the cue, not past a semicolon
    "2021年12月底，未到期部分债权由红岭控股全额收购;投资宝平台全面转型线下私募。",
])
def test_acquisition_words_that_are_no_acquisition(text):
    assert not [e for e in run(text)[0].events if e.type == "Acquisition"]


@pytest.mark.parametrize("text, triple", [
    # the founders belong to the company the sentence names, which the recogniser does not know
    ("唯品会发布公告。资料显示，国富人寿是由广西投资集团有限公司发起，联合7家公司共同设立的。",
     ("广西投资集团有限公司", "shareholderOf", "唯品会")),
    # 位于 describes the bank bought, not the buyer
    ("浙江P2P平台微贷网于2017年4月认购位于山西省的阳泉市商业银行1.4亿股。", ("微贷网", "locatedIn", "山西省")),
    # a company named inside a product list is no subsidiary of the lister
    ("青禾所发布公告。青禾所推出系列产品地产宝更是毫不避讳投资的是中弘控股股份有限公司发布的项目。",
     ("中弘控股股份有限公司", "subsidiaryOf", "青禾所")),
])
def test_relations_that_the_words_do_not_support(text, triple):
    x, names = run(text)
    assert triple not in {(names[r.subject], r.predicate, names[r.object]) for r in x.relations}


def test_a_pronoun_before_a_founders_list_still_means_the_paragraphs_company():
    x, names = run("快手发布公告。该公司由青禾资本、德邦证券共同出资。")
    assert ("德邦证券", "shareholderOf", "快手") in {(names[r.subject], r.predicate, names[r.object]) for r in x.relations}


@pytest.mark.parametrize("text, person", [
    ("被告人胡立勇集资诈骗一案一审公开宣判。", "胡立勇"),
    ("证监会新闻发言人常德鹏23日表示，将严惩违规。", "常德鹏"),
    ("副总裁王芳又名王汝芳。", "王芳"),
    ("创始人凌骏曾任多家公司高管。", "凌骏"),
])
def test_people_named_after_a_role(text, person):
    assert entity_names(text).get(person) == "Person"


@pytest.mark.parametrize("text, not_a_person", [
    ("创始人凌骏曾任多家公司高管。", "凌骏曾"),
    ("负责人于本月离职。", "于本月"),
])
def test_a_word_after_a_name_is_not_part_of_it(text, not_a_person):
    assert not_a_person not in entity_names(text)


def test_an_investor_named_after_a_verb_is_recognised():
    x, names = run("魔方金服获得盈动资本领投的千万级融资。")
    assert ("盈动资本", "shareholderOf", "魔方金服") in {(names[r.subject], r.predicate, names[r.object]) for r in x.relations}


@pytest.mark.parametrize("text, metric, value", [
    ("截至2018年5月底，P2P网贷行业正常运营平台数量下降至1872家。", "CompanyCount", 1872),
    ("2019年6月，网贷行业新增问题平台13家。", "CompanyCount", 13),
    ("截至2019年5月底，网贷行业累计停业及问题平台达到4270家。", "CompanyCount", 4270),
    ("2018年5月，网贷行业成交量为1725亿元。", "LoanIssuance", 172500000000),
])
def test_the_national_market_carries_sector_figures(text, metric, value):
    x, names = run(text)
    assert ("全国网贷行业", metric, pytest.approx(value)) in [(names[o.subject], o.metric, o.value) for o in x.observations]


def test_a_market_named_without_figures_is_no_entity():
    assert entity_names("网贷行业正在出清，北京市网贷行业协会发布通知。").get("全国网贷行业") is None


@pytest.mark.parametrize("text, name", [
    ("据悉，深圳市票据宝金融服务有限公司成立。", "深圳市票据宝金融服务有限公司"),  # 据 ends 票据 here, not 据悉
    ("股东为深圳市青年投资有限公司。", "深圳市青年投资有限公司"),  # 年 ends 青年
    ("商业地产板块拥有岚皋县川惠旅游开发有限公司。", "岚皋县川惠旅游开发有限公司"),
    ("投资了百色川惠房地产开发有限公司和广西川惠皓鼎置业发展有限公司。", "广西川惠皓鼎置业发展有限公司"),
    ("法院显示，债务人岚皋县川惠旅游开发有限公司被执行。", "岚皋县川惠旅游开发有限公司"),
    ("近日快手科技有限公司发布公告。", "快手科技有限公司"),  # 近日 is still a stop word
])
def test_legal_names_start_where_the_name_starts(text, name):
    assert name in entity_names(text)


@pytest.mark.parametrize("text, triple", [
    ("记者得知，目前，唐小僧母公司资邦金服已被警方查封。", ("唐小僧", "subsidiaryOf", "资邦金服")),
    ("网贷平台青禾贷(原金联宝)发布公告。", ("金联宝", "renamedTo", "青禾贷")),
    ("成立于2014年的国商金融集团，以国商信联、国商信达、金谷财行(原金联专享)等多个子公司形态存在。",
     ("国商信达", "subsidiaryOf", "国商金融集团")),
    ("成立于2014年的国商金融集团，以国商信联、国商信达、金谷财行(原金联专享)等多个子公司形态存在。",
     ("金联专享", "renamedTo", "金谷财行")),
])
def test_parents_former_names_and_subsidiary_lists(text, triple):
    x, names = run(text)
    assert triple in {(names[r.subject], r.predicate, names[r.object]) for r in x.relations}


def test_a_former_name_in_brackets_is_an_undated_renaming_and_no_second_subsidiary():
    x, names = run("成立于2014年的国商金融集团，以国商信联、国商信达、金谷财行(原金联专享)等多个子公司形态存在。")
    assert ("Renaming", "金联专享", "") in {(e.type, names[e.subject], e.date) for e in x.events}
    assert ("金联专享", "subsidiaryOf", "国商金融集团") not in {
        (names[r.subject], r.predicate, names[r.object]) for r in x.relations}


@pytest.mark.parametrize("text, triple", [
    ("网贷平台青禾贷发布公告。青禾贷称其已经上线浙江民泰商业银行存管。",
     ("青禾贷", "partnerOf", "浙江民泰商业银行股份有限公司")),
    ("网贷平台魔青宝发布公告。2016年12月，魔青宝与江西银行签订《资金存管业务支付结算服务合作协议》。",
     ("魔青宝", "partnerOf", "江西银行股份有限公司")),
    ("网贷平台爱青贷发布公告。资金由浙商银行存管，全量业务存管。", ("爱青贷", "partnerOf", "浙商银行股份有限公司")),
    ("网贷平台融青贷发布公告。官网显示，融青贷在其官网显眼处宣传上海银行存管。",
     ("融青贷", "partnerOf", "上海银行股份有限公司")),
    ("网贷平台蜂青网发布公告。蜂青网P2P理财是上海金椰金融信息服务有限公司旗下平台。",
     ("上海金椰金融信息服务有限公司", "operates", "蜂青网")),
])
def test_custody_banks_and_operators_of_platforms(text, triple):
    x, names = run(text)
    assert triple in {(names[r.subject], r.predicate, names[r.object]) for r in x.relations}


def test_no_custody_bank_no_partner():
    x, _ = run("网贷平台青禾贷发布公告。青禾贷至今未上线银行存管。")
    assert not [r for r in x.relations if r.predicate == "partnerOf"]


@pytest.mark.parametrize("text", [
    # the subject of 已对接 is an unknown name in the clause before, not the paragraph's platform
    "网贷平台口青网发布公告。宝青网宝青网，长江投资A轮风投，已对接浙江民泰商业银行存管。",
])
def test_a_custody_bank_is_not_given_to_the_wrong_platform(text):
    x, names = run(text)
    assert ("口青网", "partnerOf", "浙江民泰商业银行股份有限公司") not in {
        (names[r.subject], r.predicate, names[r.object]) for r in x.relations}


def test_its_custody_bank_refers_back_to_the_platform_named_before():
    x, names = run("唐小僧在官网以及网络渠道多次发布相关推广，称其已经上线浙江民泰商业银行存管。")
    assert ("唐小僧", "partnerOf", "浙江民泰商业银行股份有限公司") in {
        (names[r.subject], r.predicate, names[r.object]) for r in x.relations}


@pytest.mark.parametrize("text, year", [
    # a planned date, and the same date named again without the cue, are not the article's year
    ("红岭创投2021年12月底清盘平台。红岭创投计划2021年12月底清盘平台，宣布自2019年4月1日起停止发标。", 2019),
    ("截至2018年5月底，网贷行业正常运营平台数量为1872家。", 2018),  # 截至 is the present, not a plan
    ("计划2021年完成整改。", 2021),  # only planned years: still the best guess there is
])
def test_the_year_an_article_speaks_from_is_not_a_year_it_plans_for(text, year):
    from kg.extract.dating import document_year

    assert document_year(text) == year


@pytest.mark.parametrize("text, triple", [
    ("网贷平台小青金服发布公告。据官网披露，小青金服于2016年6月30日正式上线运营，大股东董海涛，持有90%股份。",
     ("董海涛", "shareholderOf", "小青金服")),
    ("网贷平台融青在线发布公告。融青在线的股东梅州市青禾酒店管理有限公司为青禾集团旗下的酒店。",
     ("梅州市青禾酒店管理有限公司", "shareholderOf", "融青在线")),
    # a company holding more than half is in control
    ("票青宝运营主体深圳市票青宝金融服务有限公司，法定代表人李华军，大股东深圳市青年投资有限公司持股56%。",
     ("深圳市票青宝金融服务有限公司", "subsidiaryOf", "深圳市青年投资有限公司")),
])
def test_shareholders_named_after_the_word_shareholder(text, triple):
    x, names = run(text)
    assert triple in {(names[r.subject], r.predicate, names[r.object]) for r in x.relations}


@pytest.mark.parametrize("text, expected", [
    # the figure compared with is the same metric at the time named in the comparison, and that
    # time does not date the figures after it
    ("2019年06月07日，P2P网贷平台青禾贷的网贷利率为9.5%，较上一个工作日(2019/06/06)的9.1%，降低了0.4%；成交额为2,345.67万元，"
     "相比上一个工作日(2019-06-06)的1,234.50万元，增加了1,111.17万元。",
     {("InterestRate", 9.5, "2019-06-07"), ("InterestRate", 9.1, "2019-06-06"),
      ("LoanIssuance", 23456700, "2019-06-07"), ("LoanIssuance", 12345000, "2019-06-06")}),
    ("2018年，快手净利润为5亿元，较2017年的3亿元有所增长。",
     {("NetProfit", 5e8, "2018"), ("NetProfit", 3e8, "2017")}),
    # a time compared with and no figure after it dates nothing after it either
    ("2019年06月13日，P2P网贷平台青禾贷的网贷利率相比上一个工作日(2019年06月12日)，降低了0.16%；成交额为2,488.10万元。",
     {("LoanIssuance", 24881000, "2019-06-13")}),
])
def test_a_figure_compared_with_is_the_same_metric_at_the_time_compared(text, expected):
    x, _ = run(text)
    assert {(o.metric, round(o.value, 2), o.period) for o in x.observations} == expected


@pytest.mark.parametrize("text, year", [
    ("当前位置：2019.06.19 星期三。去年同期交易额翻倍。", 2019),  # a page's dateline in digits
    ("青禾日报 20190619期 2018年的回顾", 2018),  # a code that only looks like a date
])
def test_the_year_an_article_speaks_from_may_be_written_in_digits(text, year):
    from kg.extract.dating import document_year

    assert document_year(text) == year


@pytest.mark.parametrize("text, issued", [
    # each cue issues the regulation nearest it; a regulation the issued one cites is not issued
    ("2019年12月，银保监会下发了《关于做好网贷整改验收工作的通知》，该通知指出，各地应依据《网络借贷信息中介机构业务活动管理暂行办法》验收。",
     {("关于做好网贷整改验收工作的通知", "2019-12")}),
    # right next to its cue, a regulation is issued even where no body is named
    ("2018年4月，监管机构下发的《关于规范金融机构资产管理业务的指导意见》发布已近一年。",
     {("关于规范金融机构资产管理业务的指导意见", "2018-04")}),
    # a time right after the cue is the cue's own (发布之日（2016年8月24日）)
    ("2017年12月，网贷风险专项整治工作领导小组办公室下发了《关于做好网贷整改验收工作的通知》，对于在"
     "《网络借贷信息中介机构业务活动管理暂行办法》发布之日（2016年8月24日）后新设立的机构，原则上不予备案。",
     {("关于做好网贷整改验收工作的通知", "2017-12"), ("网络借贷信息中介机构业务活动管理暂行办法", "2016-08-24")}),
    # but a company's notice is no rule
    ("2018年6月，上海青禾数据通信技术有限公司发布《关于青禾问题的说明函》。", set()),
])
def test_the_regulation_a_cue_issues(text, issued):
    x, names = run(text)
    assert {(names[e.subject], e.date) for e in x.events if e.type == "RegulationIssued"} == issued


@pytest.mark.parametrize("text, expected", [
    # a former name stated after the company, undated; the old name is the subject
    ("2019年，快手发布公告。快手曾用名为杭州青禾信息科技有限公司。", ("Renaming", "杭州青禾信息科技有限公司", "")),
    ("该公司之前名为北京青禾航空服务有限公司。", ("Renaming", "北京青禾航空服务有限公司", "")),
    # the current name in brackets after the old one
    ("上市公司杭州青禾信息科技有限公司（现为北京青禾航空服务有限公司）。", ("Renaming", "杭州青禾信息科技有限公司", "")),
    # permission to open is a licence
    ("2019年6月19日，青禾消费金融有限公司获准开业。", ("LicenseGranted", "青禾消费金融有限公司", "2019-06-19")),
])
def test_former_and_current_names_and_permission_to_open(text, expected):
    x, names = run(text)
    assert expected in {(e.type, names[e.subject], e.date) for e in x.events}


@pytest.mark.parametrize("text", [
    "2019年6月，青禾小额贷款有限公司没有取得该局核发的经营许可证。",
    "2019年6月，青禾小额贷款有限公司试图入股银行，取得银行牌照。",
])
def test_a_licence_not_held_or_only_sought_is_not_granted(text):
    assert not [e for e in run(text)[0].events if e.type == "LicenseGranted"]


def test_an_undated_figure_is_as_of_now_not_of_an_earlier_year_carried_from_before():
    from datetime import date

    x, _ = run("2015年8月，快手上线。平台累计成交金额6.66亿元，待收金额5513万元。", published=date(2018, 12, 1))
    assert ("LoanBalance", 55130000, "2018") in {(o.metric, round(o.value), o.period) for o in x.observations}


def test_a_company_penalised_in_a_sentence_naming_no_authority_was_penalised_by_the_one_before():
    from datetime import date

    x, names = run("10月16日，中国人民银行上海总部公示一则处罚信息。青松消费金融股份有限公司因违反征信业管理条例，"
                   "被处以10万元罚款，做出处罚日期是10月10日。", published=date(2018, 10, 20))
    assert ("青松消费金融股份有限公司", "中国人民银行上海总部", "2018-10-10", 100000) in {
        (names[e.subject], names[e.object], e.date, e.amount) for e in x.events if e.type == "Penalty"}


def test_a_public_warning_is_no_penalty():
    x, _ = run("2019年7月7日，快手已经进入加密市场，尽管此前中国人民银行发出警告，敦促消费者远离加密货币交易。")
    assert not [e for e in x.events if e.type == "Penalty"]
