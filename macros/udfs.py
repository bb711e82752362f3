"""Worksheet functions a person can type in the master (xlwings UDFs), each also plain Python.

The plain functions (suggested_grade, ratio, wareki_fiscal_year) are what the tests call;
the UPPER_CASE functions are the Excel-facing wrappers xlwings registers (xlwings.conf:
"UDF Modules" = macros.udfs). Off Windows xlwings' decorators return the function
unchanged, so this module imports on Linux.

In Excel:
  =SUGGESTED_GRADE(目標, 実績, "以上")            -> the code of the book's scale the ratio reaches
                                                   ("" when it cannot be computed)
  =SUGGESTED_GRADE(目標, 実績, "以下", 105, 95)   the two floors given (see below)
  =ACHIEVEMENT_RATIO(目標, 実績, "以上")          -> percent, e.g. 105 (direction applied)
  =WAREKI_FY(2024) / =WAREKI_FY("R6") / =WAREKI_FY(日付)  -> "令和6年度"

SUGGESTED_GRADE follows the calling workbook's evaluation scale: the sheet 評価基準 (the best code
whose 判定下限 the ratio reaches, Scale.for_ratio). A book made before that sheet existed has the
two floors as rows threshold_a / threshold_b on 設定: those give the default scale with them
(scale_presets.legacy_scale). A book with neither, or without a caller, uses the default scale.
The optional threshold_a / threshold_b arguments are kept for sheets written before the scale
was data: when either is given, the answer is the default scale with those two floors (a missing
one from the book's 設定 rows, else the default's), whatever the book's 評価基準 says.
"""
from __future__ import annotations

import datetime as dt
import math
import re

import xlwings as xw

from workbook.domain.era import HEISEI_OFFSET, REIWA_OFFSET, fiscal_year_label, fiscal_year_of, parse_fiscal_year, short_label
from workbook.domain.indicator_rules import achievement_ratio
from workbook.domain.plan import Direction
from workbook.domain.normalize import nfkc, parse_number
from workbook.domain.scale import Scale
from workbook.domain.scale_presets import DEFAULT_SCALE, legacy_scale
from workbook.sheets.names import SHEET_SCALE, SHEET_SETTINGS
from workbook.sheets.scale_sheet import read_scale_rows

CATEGORY = "再犯防止推進計画"
LEGACY_KEYS = ("threshold_a", "threshold_b")   # 設定 rows (key in column A, value in column C) of older books


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


def suggested_grade(target: object, actual: object, direction: object = "以上", scale: Scale = DEFAULT_SCALE) -> str:
    """The code of the scale the ratio reaches (Scale.for_ratio); '' when it cannot be computed."""
    value = achievement_ratio(_number(actual), _number(target), parse_direction(direction))
    return scale.for_ratio(value) or ""


def default_floors() -> tuple[float, float]:
    """The 判定下限 of the default scale's two best codes (what legacy_scale replaces)."""
    best, second = DEFAULT_SCALE.ranked[:2]
    return best.floor, second.floor


def legacy_floors(rows: list[list[object]] | None) -> tuple[float | None, float | None]:
    """The two floors an older book keeps on 設定 (key in column A, value in column C); None where unreadable."""
    values = {str(r[0]).strip(): r[2] for r in rows or [] if len(r) > 2 and r[0] not in (None, "")}
    a, b = (_number(values.get(key)) for key in LEGACY_KEYS)
    return a, b


def legacy(floors: tuple[float | None, float | None]) -> Scale:
    """The default scale with the floors given (the default's where None)."""
    default_a, default_b = default_floors()
    a, b = floors
    return legacy_scale(default_a if a is None else a, default_b if b is None else b)


def scale_from_rows(scale_rows: list[list[object]] | None, settings_rows: list[list[object]] | None) -> Scale:
    """The scale of a book from its sheets' rows: 評価基準 when readable, else 設定's old floors, else the default."""
    if scale_rows:
        scale, _ = read_scale_rows(scale_rows)
        if scale is not None:
            return scale
    floors = legacy_floors(settings_rows)
    return legacy(floors) if floors != (None, None) else DEFAULT_SCALE


def _rows(book, sheet: str) -> list[list[object]] | None:
    return book.read(sheet) if sheet in book.sheet_names() else None


def scale_of(book) -> Scale:
    """The scale of an open book (macros.excel Book protocol); the default if it has none readable."""
    try:
        return scale_from_rows(_rows(book, SHEET_SCALE), _rows(book, SHEET_SETTINGS))
    except Exception:  # a worksheet function must answer, not fail on a sheet it cannot read
        return DEFAULT_SCALE


def book_floors(book) -> tuple[float | None, float | None]:
    """The old 設定 floors of an open book ((None, None) without them)."""
    try:
        return legacy_floors(_rows(book, SHEET_SETTINGS))
    except Exception:
        return None, None


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
def _caller_scale(caller, a: object, b: object) -> Scale:
    """The calling book's scale; with threshold arguments, the default scale with those floors."""
    a_value, b_value = _number(a), _number(b)
    book = None
    if caller is not None:
        from .excel import XlwingsBook

        book = XlwingsBook(caller.sheet.book)
    if a_value is None and b_value is None:
        return scale_of(book) if book is not None else DEFAULT_SCALE
    base_a, base_b = book_floors(book) if book is not None else (None, None)
    return legacy((base_a if a_value is None else a_value, base_b if b_value is None else b_value))


@xw.func(category=CATEGORY)
@xw.arg("target", doc="目標値（数値。「120人」のような単位付きも可）")
@xw.arg("actual", doc="実績値")
@xw.arg("direction", doc="目標の向き：「以上」（大きいほど良い、既定）または「以下」（小さいほど良い）")
@xw.arg("threshold_a", doc="旧形式の最上位の基準（％）。省略時はシート「評価基準」の判定下限を使います")
@xw.arg("threshold_b", doc="旧形式の2番目の基準（％）。省略時はシート「評価基準」の判定下限を使います")
def SUGGESTED_GRADE(target, actual, direction="以上", threshold_a=None, threshold_b=None, caller=None):
    """目標・実績・目標の向きから、シート「評価基準」の判定下限で推奨される達成度の記号を返します。計算できないときは空欄。"""
    try:
        return suggested_grade(target, actual, direction, _caller_scale(caller, threshold_a, threshold_b))
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
