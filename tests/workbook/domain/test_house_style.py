import pytest

from workbook.domain.house_style import house_text, number, percent


@pytest.mark.parametrize("value,text", [(3200, "3,200"), (3200.0, "3,200"), (45.75, "45.8"), (0.04, "0.0"),
                                        (1234567.25, "1,234,567.3"), (None, "－"), (float("inf"), "－"), (2.96, "3.0")])
def test_numbers(value, text):
    assert number(value) == text


@pytest.mark.parametrize("value,text", [(36.36, "36％"), (12.5, "13％"), (100, "100％"), (None, "－"),
                                        (float("inf"), "－"), (1234.4, "1,234％")])
def test_percent_rounds_half_up(value, text):
    assert percent(value) == text


def test_house_text_makes_digits_and_letters_half_width_and_percent_full_width():
    assert house_text("Ｒ６年度は７５%、Ａ評価") == "R6年度は75％、A評価"
    assert house_text("令和６年度（ｶﾅ）①") == "令和6年度（ｶﾅ）①"
    assert house_text(None) == ""
