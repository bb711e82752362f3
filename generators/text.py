"""Text for a docx run: what staff typed, made safe to insert (never reworded)."""
from __future__ import annotations

import re

from workbook.domain.house_style import house_text

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean(value: object) -> str:
    """Text safe for a docx run: newlines kept (docxtpl makes them line breaks), control characters dropped.

    docxtpl turns \\a, \\f and \\t in values into paragraph, page and tab breaks: staff text never should.
    """
    if value is None:
        return ""
    text = str(value).replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    return _CONTROL.sub("", text).strip()


def shorten(text: str, limit: int) -> str:
    text = " ".join(line.strip() for line in clean(text).splitlines() if line.strip())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def setting_text(value: object) -> str:
    """What the section typed on 設定 (会議名, 提出期限, 発信者…), in the house style: '令和７年' -> '令和7年'.
    Never used for departments' answers, which go in as typed (clean)."""
    return house_text(clean(value))
