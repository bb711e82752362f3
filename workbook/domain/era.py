"""和暦: the one place that reads and writes Japanese era years, fiscal years and dates.

One rule everywhere: the first year of an era is 元年 (令和元年, 令和元年度), and a date before
2019-05-01 is 平成. A fiscal year runs April to March; 令和 N 年度 = FY (2018 + N), so FY2018
is 平成30年度 and FY2019 is 令和元年度 (the year 令和 began in May). Plans use the short form "R6".
Fiscal years are passed around as Reiwa numbers (6 for 令和6年度); years before 令和 are 0 or less.
"""
from __future__ import annotations

import datetime as _dt
import re

from .normalize import nfkc

REIWA_OFFSET = 2018
HEISEI_OFFSET = 1988
REIWA_START = _dt.date(2019, 5, 1)
HEISEI_START = _dt.date(1989, 1, 8)

_YEAR_RE = re.compile(r"^\s*(?:R|令和)\s*(\d{1,2}|元)\s*(?:年度?)?\s*$", re.IGNORECASE)
_HEISEI_RE = re.compile(r"^\s*(?:H|平成)\s*(\d{1,2}|元)\s*(?:年度?)?\s*$", re.IGNORECASE)
_WESTERN_RE = re.compile(r"^\s*(\d{4})\s*(?:年度?)?\s*$")
_IN_TEXT_RE = re.compile(r"令和\s*(\d{1,2}|元)\s*年度")
_DATE_PATTERNS = (   # (era offset or None for western, pattern): 令和7年5月30日, R7.5.30, 2025/5/30
    (REIWA_OFFSET, re.compile(r"(?:令和|R)\s*(\d{1,2}|元)\s*[年./-]\s*(\d{1,2})\s*[月./-]\s*(\d{1,2})", re.IGNORECASE)),
    (HEISEI_OFFSET, re.compile(r"(?:平成|H)\s*(\d{1,2}|元)\s*[年./-]\s*(\d{1,2})\s*[月./-]\s*(\d{1,2})", re.IGNORECASE)),
    (None, re.compile(r"(\d{4})\s*[年./-]\s*(\d{1,2})\s*[月./-]\s*(\d{1,2})")),
)


def _number(text: str) -> int:
    return 1 if text == "元" else int(text)


def _era_number(n: int) -> str:
    return "元" if n == 1 else str(n)


# --- reading ------------------------------------------------------------------------------
def parse_fiscal_year(text: object) -> int | None:
    """"R6", "令和6年度", "令和６", "令和元年度", "H30", 6, "2024", "2024年度" -> the Reiwa number
    (平成30年度 -> 0); None when not a year."""
    if text is None or text == "":
        return None
    if isinstance(text, bool):
        return None
    if isinstance(text, (int, float)):
        value = int(text)
        return value - REIWA_OFFSET if value > 1000 else value
    norm = nfkc(str(text)).strip()
    match = _YEAR_RE.match(norm)
    if match:
        return _number(match.group(1))
    match = _HEISEI_RE.match(norm)
    if match:
        return _number(match.group(1)) + HEISEI_OFFSET - REIWA_OFFSET
    match = _WESTERN_RE.match(norm)
    if match:
        return int(match.group(1)) - REIWA_OFFSET
    if re.fullmatch(r"\d{1,2}", norm):
        return int(norm)
    return None


def find_fiscal_year(text: object) -> int | None:
    """The first 令和N年度 inside a longer text ('取組目標（令和6年度）' -> 6); None when there is none."""
    match = _IN_TEXT_RE.search(nfkc("" if text is None else str(text)))
    return _number(match.group(1)) if match else None


def parse_year_span(text: object) -> tuple[int, int] | None:
    """"令和6年度〜令和8年度", "R6～R8", "R6-R8", "令和6〜8年度" -> (6, 8); None when it is not two
    years in order. The second year may leave out the era the first names."""
    parts = [p for p in re.split(r"\s*[〜～~－\-ー]\s*", nfkc("" if text is None else str(text)).strip()) if p]
    if len(parts) != 2:
        return None
    first, last = (parse_fiscal_year(p) for p in parts)
    if last is None and first is not None and re.match(r"(令和|[Rr])", parts[0]):   # 令和6〜8年度, not 2024〜26年度
        last = parse_fiscal_year("令和" + parts[1])
    return (first, last) if first is not None and last is not None and first <= last else None


def parse_date(text: object) -> _dt.date | None:
    """The date in a text ('令和7年5月30日（金）', 'R7.5.30', '平成31年4月1日', '2025/5/30') or a date
    cell; None when there is none or it is not a real day."""
    if isinstance(text, _dt.datetime):
        return text.date()
    if isinstance(text, _dt.date):
        return text
    found = _find_day(nfkc(str(text or "")))
    return found[1] if found else None


def _find_day(norm: str) -> tuple[re.Match, _dt.date | None] | None:
    """The first day written in a normalised text: where it stands, and the day (None: not a real one)."""
    for offset, pattern in _DATE_PATTERNS:
        match = pattern.search(norm)
        if match:
            year = _number(match.group(1)) + (offset or 0)
            try:
                return match, _dt.date(year, int(match.group(2)), int(match.group(3)))
            except ValueError:
                return match, None
    return None


_MOMENT_RE = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?\s*$")


def parse_moment(value: object) -> _dt.datetime | None:
    """A moment as the add-on records it ('2026-11-30 22:31:09': 受領控一覧, 提出状況, 履歴, also as a
    reader gives back a date cell) or a datetime; None for anything else (a person's text stays text)."""
    if isinstance(value, _dt.datetime):
        return value
    match = _MOMENT_RE.match(value) if isinstance(value, str) else None
    if not match:
        return None
    try:
        return _dt.datetime(*(int(g or 0) for g in match.groups()))
    except ValueError:
        return None


# --- writing -------------------------------------------------------------------------------
def short_label(fiscal_year: int) -> str:
    """6 -> "R6" (narrow columns); 0 -> "H30"."""
    if fiscal_year < 1:
        return f"H{fiscal_year + REIWA_OFFSET - HEISEI_OFFSET}"
    return f"R{fiscal_year}"


def fiscal_year_label(fiscal_year: int) -> str:
    """6 -> "令和6年度"; 1 -> "令和元年度"; 0 -> "平成30年度"."""
    if fiscal_year < 1:
        return f"平成{_era_number(fiscal_year + REIWA_OFFSET - HEISEI_OFFSET)}年度"
    return f"令和{_era_number(fiscal_year)}年度"


def year_span_label(first: int, last: int) -> str:
    """(6, 8) -> "令和6年度〜令和8年度"."""
    return f"{fiscal_year_label(first)}〜{fiscal_year_label(last)}"


def western_year(fiscal_year: int) -> int:
    return fiscal_year + REIWA_OFFSET


def wareki_date(day: _dt.date) -> str:
    """2026-11-22 -> "令和8年11月22日"; 2019-05-01 -> "令和元年5月1日"; 2019-04-30 -> "平成31年4月30日"."""
    if isinstance(day, _dt.datetime):
        day = day.date()
    if day >= REIWA_START:
        era, year = "令和", day.year - REIWA_OFFSET
    elif day >= HEISEI_START:
        era, year = "平成", day.year - HEISEI_OFFSET
    else:
        return f"{day.year}年{day.month}月{day.day}日"   # before 平成: not a date this add-on meets
    return f"{era}{_era_number(year)}年{day.month}月{day.day}日"


def wareki_day(day: _dt.date) -> str:
    """A day as a deadline or a meeting is written: "令和7年5月30日（金）"."""
    return f"{wareki_date(day)}（{'月火水木金土日'[day.weekday()]}）"


_WESTERN_DAY_RE = re.compile(r"\s*\d{4}[-/.]\d{1,2}[-/.]\d{1,2}(?:[ T](\d{1,2}):(\d{2})(?::\d{2})?)?\s*")


def wareki_day_text(value: str) -> str:
    """A day typed in Excel (a date cell, read back as '2025-05-30' or '2025-07-10 14:00:00') or written
    '2025/5/30', as "令和7年5月30日（金）" ("令和7年7月10日（木）14:00" with a time); any other text as it is."""
    match = _WESTERN_DAY_RE.fullmatch(nfkc(value))
    day = parse_date(value) if match else None
    if day is None:
        return value
    hour, minute = match.group(1), match.group(2)
    return wareki_day(day) + (f"{int(hour)}:{minute}" if hour is not None and (int(hour), int(minute)) != (0, 0) else "")


_WEEKDAY_AFTER_RE = re.compile(r"\s*[（(][月火水木金土日][）)]")


def shift_day(text: str, delta: _dt.timedelta) -> str | None:
    """The text with its day moved by delta, written in 和暦 with the weekday, and the rest kept:
    '令和7年7月10日（木）午後2時から' + 52 weeks -> '令和8年7月9日（木）午後2時から'. None: no day in it."""
    norm = nfkc(text)
    source = text if len(norm) == len(text) else norm     # the match's place holds in the text itself
    match, day = _find_day(norm) or (None, None)
    if day is None:
        return None
    end = match.end() + (norm[match.end():match.end() + 1] == "日")
    weekday = _WEEKDAY_AFTER_RE.match(norm, end)
    end = weekday.end() if weekday else end
    return source[:match.start()] + wareki_day(day + delta) + source[end:]


def wareki_datetime(moment: _dt.datetime) -> str:
    """A moment as 和暦 with the time: "令和8年11月22日 14:05"."""
    return f"{wareki_date(moment.date())} {moment:%H:%M}"


def fiscal_year_of(day: _dt.date) -> int:
    """The Reiwa fiscal year a date falls in (April starts the year; FY2018 gives 0)."""
    year = day.year if day.month >= 4 else day.year - 1
    return year - REIWA_OFFSET
