"""The house style for the Japanese text the add-on writes (never for departments' own text).

One rule each, written down in templates/README.md:
- digits and Latin letters half-width (3,200, R6, A); Japanese text as it is;
- the percent sign full-width after a number (75％);
- thousands separated by a comma (3,200), decimals to one place (45.8);
- fiscal years: 令和N年度 in prose, RN in narrow columns (workbook.domain.era);
- grade codes exactly as the 評価基準 spells them (workbook.domain.scale);
- dates in 和暦 (workbook.domain.era.wareki_date); in workbooks, real dates with a 和暦 number format.
"""
from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

NONE = "－"   # no value (a blank the reader should notice)
PERCENT = "％"
# Excel number formats: a 和暦 date, and date and time ("ggge" is the era name and year; [$-411] the
# Japanese locale, so the era shows whatever the PC's language). The language tag Excel writes for 元年,
# [$-ja-JP-x-gannen], is not understood by LibreOffice (it shows the serial number, checked by converting
# to PDF); [$-411] renders 令和8年11月30日 in LibreOffice, at the cost of 令和1年 for 2019 (texts, written
# by workbook.domain.era, still say 令和元年).
WAREKI_DATE_FORMAT = '[$-411]ggge"年"m"月"d"日"'
WAREKI_DATETIME_FORMAT = '[$-411]ggge"年"m"月"d"日" h:mm'

# full-width ASCII letters, digits and the decimal point -> half-width (Japanese brackets and commas stay)
_HALF = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)
         if chr(code - 0xFEE0).isalnum() or chr(code - 0xFEE0) == "."}


def house_text(text: object) -> str:
    """A text the add-on writes, in the house style: half-width digits and letters, ％ after numbers."""
    if text is None:
        return ""
    return str(text).translate(_HALF).replace("%", PERCENT)


def _round(value: float, places: int) -> Decimal:
    quantum = Decimal(1).scaleb(-places)
    return Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP)


def number(value: float | int | None, places: int = 1) -> str:
    """3200 -> '3,200'; 45.75 -> '45.8'; None -> '－'. Whole numbers without decimals."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return NONE
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{_round(float(value), places):,.{places}f}"


def percent(value: float | None, places: int = 0) -> str:
    """36.36 -> '36％' (rounded half up, as a person rounds); None or infinite -> '－'."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return NONE
    return f"{_round(float(value), places):,.{places}f}{PERCENT}"
