"""Worksheet functions a person can type in the master (xlwings UDFs), each also plain Python.

The plain functions (suggested_grade, ratio, wareki_fiscal_year) are what the tests call;
the UPPER_CASE functions are the Excel-facing wrappers xlwings registers (xlwings.conf:
"UDF Modules" = macros.udfs). Off Windows xlwings' decorators return the function
unchanged, so this module imports on Linux.

In Excel:
  =SUGGESTED_GRADE(目標, 実績, "以上")            -> "A" / "B" / "C" ("" when it cannot be computed)
  =SUGGESTED_GRADE(目標, 実績, "以下", 設定!C5, 設定!C6)   thresholds from cells (recalculates with them)
  =ACHIEVEMENT_RATIO(目標, 実績, "以上")          -> percent, e.g. 105 (direction applied)
  =WAREKI_FY(2024) / =WAREKI_FY("R6") / =WAREKI_FY(日付)  -> "令和6年度"
Without threshold arguments SUGGESTED_GRADE reads A/B thresholds from the 設定 sheet of the
calling workbook, else uses the defaults (110 / 90).
"""
from __future__ import annotations

import datetime as dt
import math
import re

import xlwings as xw

from workbook.domain.era import HEISEI_OFFSET, REIWA_OFFSET, fiscal_year_label, fiscal_year_of, parse_fiscal_year, short_label
from workbook.domain.grades import Thresholds, achievement_ratio, grade_for_ratio
from workbook.domain.plan import Direction
from workbook.domain.normalize import nfkc, parse_number

CATEGORY = "再犯防止推進計画"
SETTINGS_SHEET = "設定"          # workbook.master_sheets.SHEET_SETTINGS (key in column A, value in column C)


# --- plain Python -------------------------------------------------------------------
def parse_direction(value: object) -> Direction:
    """'以上' / '以下' (also 'higher'/'lower', empty = 以上); ValueError otherwise."""
    text = nfkc("" if value is None else str(value)).strip().lower()
    if text in ("", "以上", "higher", "上", "高"):
        return Direction.HIGHER
    if text in ("以下", "lower", "下", "低"):
        return Direction.LOWER
    raise ValueError(value)


def _number(value: object) -> float | None:
    parsed = parse_number(value)
    return None if parsed is None else parsed.value


def ratio(target: object, actual: object, direction: object = "以上") -> float | None:
    """Achievement ratio in percent (目標 120, 実績 132 -> 110.0); lower-is-better runs the other way.

    Values may be typed the way staff type them ('１２０人', '5,621戸'). None when either is
    missing or the ratio is undefined (target 0, or actual 0 for 以下).
    """
    value = achievement_ratio(_number(actual), _number(target), parse_direction(direction))
    return value if value is not None and math.isfinite(value) else None


def suggested_grade(target: object, actual: object, direction: object = "以上",
                    thresholds: Thresholds = Thresholds()) -> str:
    """A/B/C from the ratio and the thresholds; '' when it cannot be computed."""
    value = achievement_ratio(_number(actual), _number(target), parse_direction(direction))
    return grade_for_ratio(value, thresholds) or ""


def thresholds_from_rows(rows: list[list[object]] | None, default: Thresholds = Thresholds()) -> Thresholds:
    """Thresholds from the 設定 sheet's rows (key in column A, value in column C); defaults where unreadable."""
    values = {str(r[0]).strip(): r[2] for r in rows or [] if len(r) > 2 and r[0] not in (None, "")}
    a, b = _number(values.get("threshold_a")), _number(values.get("threshold_b"))
    return Thresholds(default.a if a is None else a, default.b if b is None else b)


def thresholds_of(book) -> Thresholds:
    """Thresholds of an open book (macros.excel Book protocol); defaults if it has no readable 設定 sheet."""
    try:
        if SETTINGS_SHEET not in book.sheet_names():
            return Thresholds()
        return thresholds_from_rows(book.read(SETTINGS_SHEET))
    except Exception:  # a worksheet function must answer, not fail on a settings sheet it cannot read
        return Thresholds()


def wareki_fiscal_year(value: object, short: bool = False) -> str:
    """6, 'R6', '令和6年度', 'H30', 2024 or a date (its fiscal year) -> '令和6年度' ('R6' when short).

    FY2019 is 令和元年度; years before it are 平成 (2018 -> 平成30年度, short 'H30').
    '' when the value is not a year.
    """
    if isinstance(value, dt.date):
        year = fiscal_year_of(value.date() if isinstance(value, dt.datetime) else value)
    else:
        if isinstance(value, float) and not value.is_integer():
            return ""
        year = parse_fiscal_year(value)
        if year is None or (year < 1 and not _western_or_heisei(value)):
            return ""      # 0 or negative is not a Reiwa year; 2018 and earlier come as western or 平成 years
    if year + REIWA_OFFSET - HEISEI_OFFSET < 1:
        return ""
    return short_label(year) if short else fiscal_year_label(year)


def _western_or_heisei(value: object) -> bool:
    text = nfkc(str(value)).strip()
    return bool(re.fullmatch(r"\d{4}(?:\.0)?(?:年度?)?|(?:H|平成).*", text, re.IGNORECASE))


# --- Excel worksheet functions (xlwings) ---------------------------------------------
def _caller_thresholds(caller, a: object, b: object) -> Thresholds:
    base = Thresholds()
    if (a in (None, "") or b in (None, "")) and caller is not None:
        from .excel import XlwingsBook

        base = thresholds_of(XlwingsBook(caller.sheet.book))
    a_value, b_value = _number(a), _number(b)
    return Thresholds(base.a if a_value is None else a_value, base.b if b_value is None else b_value)


@xw.func(category=CATEGORY)
@xw.arg("target", doc="目標値（数値。「120人」のような単位付きも可）")
@xw.arg("actual", doc="実績値")
@xw.arg("direction", doc="目標の向き：「以上」（大きいほど良い、既定）または「以下」（小さいほど良い）")
@xw.arg("threshold_a", doc="A の基準（％、省略時は設定シート、なければ 110）")
@xw.arg("threshold_b", doc="B の基準（％、省略時は設定シート、なければ 90）")
def SUGGESTED_GRADE(target, actual, direction="以上", threshold_a=None, threshold_b=None, caller=None):
    """目標・実績・目標の向きから推奨される達成度（A/B/C）を返します。計算できないときは空欄。"""
    try:
        return suggested_grade(target, actual, direction, _caller_thresholds(caller, threshold_a, threshold_b))
    except ValueError:
        return "#向きは「以上」か「以下」"


@xw.func(category=CATEGORY)
@xw.arg("target", doc="目標値")
@xw.arg("actual", doc="実績値")
@xw.arg("direction", doc="目標の向き：「以上」（既定）または「以下」")
def ACHIEVEMENT_RATIO(target, actual, direction="以上"):
    """目標に対する実績の達成率（％、例 105）。「以下」の指標では目標÷実績。計算できないときは空欄。"""
    try:
        value = ratio(target, actual, direction)
    except ValueError:
        return "#向きは「以上」か「以下」"
    return "" if value is None else value


@xw.func(category=CATEGORY)
@xw.arg("fiscal_year", doc="年度：6、R6、令和6年度、2024 または日付")
@xw.arg("short_form", doc="TRUE で「R6」形式")
def WAREKI_FY(fiscal_year, short_form=False):
    """年度の和暦表記（例：令和6年度）。日付を渡すとその日が属する年度（4月始まり）。"""
    return wareki_fiscal_year(fiscal_year, bool(short_form))
