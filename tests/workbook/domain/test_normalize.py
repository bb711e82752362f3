import datetime as dt

import pytest

from workbook.domain.era import fiscal_year_label, fiscal_year_of, parse_fiscal_year, wareki_date
from workbook.domain.normalize import parse_number, split_departments


@pytest.mark.parametrize("raw,value,unit", [
    ("１２０人", 120, "人"), ("5,621戸", 5621, "戸"), ("96%", 96, "%"), ("延べ10,091名", 10091, "名"),
    ("64.3％", 64.3, "%"), (120, 120, ""), (7.5, 7.5, ""), ("約 30 件", 30, "件"),
])
def test_numbers_with_units(raw, value, unit):
    parsed = parse_number(raw)
    assert parsed.value == pytest.approx(value) and parsed.unit == unit


@pytest.mark.parametrize("raw", ["たくさん", "10件から20件", "", None, "第3回", True])
def test_not_numbers(raw):
    assert parse_number(raw) is None


def test_departments_split_on_japanese_commas():
    assert split_departments("福祉政策課、学校教育課") == ("福祉政策課", "学校教育課")
    assert split_departments("子ども・若者課") == ("子ども・若者課",)


def test_fiscal_years_and_wareki():
    assert parse_fiscal_year("R6") == 6
    assert parse_fiscal_year("令和６年度") == 6
    assert parse_fiscal_year(2024) == 6
    assert parse_fiscal_year("今年") is None
    assert parse_fiscal_year("令和元年度") == 1
    assert parse_fiscal_year("2024年度") == 6
    assert parse_fiscal_year("２０２４") == 6
    assert fiscal_year_label(6) == "令和6年度"
    assert wareki_date(dt.date(2026, 11, 22)) == "令和8年11月22日"
    assert wareki_date(dt.date(2019, 5, 1)) == "令和元年5月1日"
    assert fiscal_year_of(dt.date(2025, 3, 31)) == 6
    assert fiscal_year_of(dt.date(2025, 4, 1)) == 7
