"""和暦: one rule everywhere — 元年 for an era's first year, 平成 before 2019-05-01."""
import datetime as dt

import pytest

from workbook.domain.era import (find_fiscal_year, fiscal_year_label, fiscal_year_of, parse_date, parse_fiscal_year,
                                 short_label, wareki_date)


@pytest.mark.parametrize("year, label", [(1, "令和元年度"), (6, "令和6年度"), (0, "平成30年度"), (-29, "平成元年度")])
def test_fiscal_year_label_uses_gannen(year, label):
    assert fiscal_year_label(year) == label
    assert parse_fiscal_year(label) == year


@pytest.mark.parametrize("day, text", [
    (dt.date(2019, 5, 1), "令和元年5月1日"),
    (dt.date(2019, 4, 30), "平成31年4月30日"),
    (dt.date(2020, 1, 1), "令和2年1月1日"),
    (dt.date(1989, 1, 8), "平成元年1月8日"),
    (dt.date(2026, 11, 30), "令和8年11月30日"),
])
def test_wareki_date_switches_era_on_2019_05_01(day, text):
    assert wareki_date(day) == text
    assert parse_date(text) == day


def test_fiscal_year_2019_is_reiwa_gannen_though_it_began_in_heisei():
    assert fiscal_year_of(dt.date(2019, 4, 1)) == 1
    assert fiscal_year_label(fiscal_year_of(dt.date(2019, 4, 1))) == "令和元年度"
    assert fiscal_year_label(fiscal_year_of(dt.date(2019, 3, 31))) == "平成30年度"


@pytest.mark.parametrize("text, year", [("R6", 6), ("令和６年度", 6), ("令和元年度", 1), ("2024年度", 6), ("H30", 0),
                                        ("平成30年度", 0), ("", None), ("六", None)])
def test_parse_fiscal_year_forms(text, year):
    assert parse_fiscal_year(text) == year


def test_short_label_and_year_in_text():
    assert short_label(6) == "R6" and short_label(0) == "H30"
    assert find_fiscal_year("取組目標（令和元年度）") == 1
    assert find_fiscal_year("取組目標（令和 7 年度）") == 7
    assert find_fiscal_year("取組目標") is None


@pytest.mark.parametrize("text, day", [("令和7年5月30日（金）", dt.date(2025, 5, 30)), ("R7.5.30", dt.date(2025, 5, 30)),
                                       ("2025/5/30", dt.date(2025, 5, 30)), ("令和7年2月30日", None), ("未定", None)])
def test_parse_date_forms(text, day):
    assert parse_date(text) == day


def test_a_plan_period_may_name_the_era_once():
    from workbook.domain.era import parse_year_span

    assert parse_year_span("令和6〜8年度") == parse_year_span("Ｒ６～８") == parse_year_span("令和6年度〜令和8年度") == (6, 8)
    assert parse_year_span("令和8〜6年度") is None and parse_year_span("令和6〜八年度") is None
    assert parse_year_span("2024〜26年度") is None          # a western year does not lend its era


@pytest.mark.parametrize("text,shown", [
    ("2025-05-30", "令和7年5月30日（金）"), ("2025-05-30 00:00:00", "令和7年5月30日（金）"),
    ("2019/4/30", "平成31年4月30日（火）"), ("令和7年5月30日（金）", "令和7年5月30日（金）"),
    ("2025-07-10 14:00:00", "令和7年7月10日（木）14:00"), ("5月30日まで", "5月30日まで"), ("", "")])
def test_a_western_day_shows_in_wareki_with_its_weekday(text, shown):
    from workbook.domain.era import wareki_day_text

    assert wareki_day_text(text) == shown


@pytest.mark.parametrize("text,moved", [
    ("令和7年7月10日（木）午後2時から", "令和8年7月9日（木）午後2時から"), ("令和７年５月３０日（金）", "令和8年5月29日（金）"),
    ("R7.5.30", "令和8年5月29日（金）"), ("平成31年4月26日（金）正午", "令和2年4月24日（金）正午"),
    ("未定", None), ("令和7年2月30日", None)])
def test_a_day_moves_on_a_year_keeping_the_rest_of_the_text(text, moved):
    from workbook.domain.era import shift_day

    assert shift_day(text, dt.timedelta(weeks=52)) == moved
