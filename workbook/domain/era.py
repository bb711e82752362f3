"""Japanese fiscal years and the Reiwa era (令和).

A fiscal year runs April to March; 令和 N 年度 = FY (2018 + N). Plans use the short form "R6".
"""
from __future__ import annotations

import datetime as _dt
import re
import unicodedata

REIWA_OFFSET = 2018

_YEAR_RE = re.compile(r"^\s*(?:R|令和)\s*(\d{1,2}|元)\s*(?:年度?)?\s*$", re.IGNORECASE)
_WESTERN_RE = re.compile(r"^\s*(\d{4})\s*(?:年度?)?\s*$")


def parse_fiscal_year(text: object) -> int | None:
    """"R6", "令和6年度", "令和６", "令和元年度", 6, "2024", "2024年度" -> the Reiwa number; None when not a year."""
    if text is None or text == "":
        return None
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        value = int(text)
        return value - REIWA_OFFSET if value > 1000 else value
    norm = unicodedata.normalize("NFKC", str(text)).strip()
    match = _YEAR_RE.match(norm)
    if match:
        return 1 if match.group(1) == "元" else int(match.group(1))
    match = _WESTERN_RE.match(norm)
    if match:
        return int(match.group(1)) - REIWA_OFFSET
    if re.fullmatch(r"\d{1,2}", norm):
        return int(norm)
    return None


def short_label(fiscal_year: int) -> str:
    """6 -> "R6"."""
    return f"R{fiscal_year}"


def fiscal_year_label(fiscal_year: int) -> str:
    """6 -> "令和6年度"."""
    return f"令和{fiscal_year}年度"


def western_year(fiscal_year: int) -> int:
    return fiscal_year + REIWA_OFFSET


def wareki_date(day: _dt.date) -> str:
    """2026-11-22 -> "令和8年11月22日" (令和元年 for 2019)."""
    year = day.year - REIWA_OFFSET
    year_text = "元" if year == 1 else str(year)
    return f"令和{year_text}年{day.month}月{day.day}日"


def fiscal_year_of(day: _dt.date) -> int:
    """The Reiwa fiscal year a date falls in (April starts the year)."""
    year = day.year if day.month >= 4 else day.year - 1
    return year - REIWA_OFFSET
