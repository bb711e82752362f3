"""Text for a docx run: what staff typed, made safe to insert (never reworded)."""
from __future__ import annotations

import re

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
