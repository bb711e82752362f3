"""Normalising what staff type: full-width digits, dash variants, units inside numbers."""
from __future__ import annotations

import re
import unicodedata
from functools import reduce
from operator import add
from dataclasses import dataclass

# Every character staff use for "－ 評価不能" (full-width minus, bars, hyphens, long vowel mark, ...).
DASHES = "－―‐-ーｰ‑–—−−⁃"

_NUMBER_RE = re.compile(r"[-+]?\d+(?:\.\d+)?")
_PREFIXES = ("延べ", "延", "約", "計", "合計", "年間", "年")


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def loose(text: object) -> str:
    """Text compared loosely: width folded (NFKC) and every white space removed."""
    return "".join(nfkc("" if text is None else str(text)).split())


def same_loose(a: object, b: object) -> bool:
    """loose(a) == loose(b), without normalising text that is the same to begin with (an empty cell
    read as None and one written as '' are the same)."""
    return a is b or (a.__class__ is str and b.__class__ is str and a == b) or \
        (a is None and b == "") or (a == "" and b is None) or loose(a) == loose(b)


class _Widths(dict):
    """Character -> display width (2.0 for East Asian wide and full-width, else 1.1), filled on demand."""

    def __missing__(self, ch: str) -> float:
        width = self[ch] = 2.0 if unicodedata.east_asian_width(ch) in "WF" else 1.1
        return width


_WIDTHS = _Widths()


def display_width(text: str) -> float:
    """Approximate width in Excel character units: full-width characters count 2, others 1.1
    (memoised per character: the row heights of a large master take milliseconds). The widths are
    added one by one, left to right (reduce, not sum), so every caller gets the same float."""
    if text.isascii():
        return len(text) * 1.1
    return reduce(add, map(_WIDTHS.__getitem__, text), 0.0)


def decode_japanese_text(raw: bytes) -> str | None:
    """Text saved by Japanese office software: UTF-8 (with or without BOM) or Shift_JIS (cp932)."""
    for encoding in ("utf-8-sig", "cp932"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


@dataclass(frozen=True)
class ParsedNumber:
    value: float
    unit: str


def parse_number(value: object) -> ParsedNumber | None:
    """120, '１２０人', '5,621戸', '96%', '延べ10,091名', '64.3％' -> number and unit; None if no number.

    Only a single number with text around it is accepted; "10件から20件" is ambiguous and gives None.
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return ParsedNumber(float(value), "")
    text = nfkc(str(value)).strip().replace(",", "").replace(" ", "")
    if not text:
        return None
    for prefix in _PREFIXES:
        if text.startswith(prefix):
            text = text[len(prefix):]
            break
    matches = _NUMBER_RE.findall(text)
    if len(matches) != 1:
        return None
    match = _NUMBER_RE.search(text)
    if match.start() != 0:
        return None
    unit = text[match.end():]
    if re.search(r"\d", unit):
        return None
    return ParsedNumber(float(match.group()), unit)


def clean_text(value: object) -> str:
    """A cell value as text for display and comparison (None -> '')."""
    if value.__class__ is str:   # most cells
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def split_departments(value: object) -> tuple[str, ...]:
    """'福祉政策課、学校教育課' (also ',', '，', '・', '/', newlines) -> a tuple of names."""
    text = clean_text(value)
    parts = re.split(r"[、,，/／\n]+", text)
    return tuple(p.strip() for p in parts if p.strip())
