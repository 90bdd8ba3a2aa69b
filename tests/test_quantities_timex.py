"""Numbers and times, sentence → expected (table-driven)."""

import pytest

from kg.extract.quantities import find_changes, find_quantities
from kg.extract.timex import find_timexes


@pytest.mark.parametrize(
    "text, value, kind",
    [
        ("余额135.68亿元", 13568000000, "money"),
        ("注册资本43616.73万元", 436167300, "money"),
        ("净利润0.98亿元", 98000000, "money"),
        ("规模达1.2万亿元", 1.2e12, "money"),
        ("用户1.34亿人", 134000000, "count"),
        ("买家达4.09亿", 409000000, "number"),
        ("共有36家", 36, "count"),
        ("利率24%", 24, "percent"),
        ("罚款5,000万元", 50000000, "money"),
        ("融资3亿美元", 300000000, "foreign_money"),
        ("资本二十亿元", 2000000000, "money"),
        ("注册用户数为4，019，702人", 4019702, "count"),  # thousands grouped with full-width commas
    ],
)
def test_amounts_are_plain_numbers_in_yuan_or_units(text, value, kind):
    found = [q for q in find_quantities(text) if q.kind != "number" or kind == "number"]
    assert found, text
    assert found[-1].value == pytest.approx(value)
    assert found[-1].kind == kind


@pytest.mark.parametrize(
    "text, periods",
    [
        ("2025年12月22日完成增资", ["2025-12-22"]),
        ("自2024年4月起", ["2024-04"]),
        ("2024年末余额", ["2024-12-31"]),
        ("2023年底", ["2023-12-31"]),
        ("2025年第二季度GMV;第三季度GMV", ["2025-Q2", "2025-Q3"]),
        ("2025年二季度日活", ["2025-Q2"]),
        ("2024年上半年营收", ["2024-H1"]),
        ("2024年,行业调整。短短一年间数量减少", ["2024", "2025"]),
        ("2019年Q3", ["2019-Q3"]),
        ("2021年半年报显示", ["2021-H1"]),
        ("2021年三季报", ["2021-Q3"]),
        ("2016年3月获批，次月开业", ["2016-03", "2016-04"]),
        ("2016年12月获批，次月开业", ["2016-12", "2017-01"]),
        ("2016年5月设立，当月获批", ["2016-05", "2016-05"]),
        # a fiscal calendar the text does not map to ours: no period
        ("2020财年第一季度", [""]),
        # dates written in digits (daily reports, by-lines); a version or a price is no date
        ("2019-06-07，较上一个工作日(2019/06/06)", ["2019-06-07", "2019-06-06"]),
        ("当前位置：2019.06.19 星期三", ["2019-06-19"]),
        ("版本1.2.3发布，价格2019.06元", []),
        ("2019-02-30", []),
    ],
)
def test_time_expressions_become_iso_prefixes(text, periods):
    assert [t.period for t in find_timexes(text)] == periods


def test_a_date_without_year_takes_the_publication_year():
    assert [t.period for t in find_timexes("1月12日公告", default_year=2026)] == ["2026-01-12"]


def test_a_date_without_year_and_no_context_is_skipped():
    assert list(find_timexes("1月12日公告")) == []


@pytest.mark.parametrize("text, change", [("同比增长17.6%", 17.6), ("同比下降3.2%", -3.2), ("同比增15%", 15.0)])
def test_year_on_year_changes_are_signed_points(text, change):
    assert [c[2] for c in find_changes(text)] == [change]


def test_an_impossible_day_is_no_date():
    assert [t.period for t in find_timexes("2019年2月30日")] == []


def test_a_date_without_year_takes_its_sentences_year_else_the_articles():
    text = "公司成立于2015年8月3日。截至5月1日，余额73.93亿元；2019年第二季度，第三季度增长。"
    assert [t.period for t in find_timexes(text, default_year=2019)] == [
        "2015-08-03", "2019-05-01", "2019-Q2", "2019-Q3"]


def test_decimal_amounts_are_exact():
    assert [q.value for q in find_quantities("余额73.93亿元")] == [7393000000]
