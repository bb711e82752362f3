"""計画期間評価報告書 (period_report_tpl.docx): the plan period side by side, landscape, in the
house style and table form of the progress report.

    cover                               section 1: no header or footer
    body                                section 2: numbered from 1, the header names the document

The body is one marker paragraph ［本文］: generators/period_report.py writes the chapters there
(their tables have one column per fiscal year, known only when rendering), in this template's
styles (見出し 1/2, 表題, 報告書表, 表本文, 表見出し, 注記).
"""
from __future__ import annotations

from pathlib import Path

import report_parts as parts

PERIOD_REPORT = "period_report_tpl.docx"
TITLE = "計画期間評価報告書"
BODY_MARKER = "［本文］"              # generators/period_report.BODY_MARKER
HEADER = "{{ mark.sample }}{{ plan_name }}　" + TITLE + "（{{ period }}）{{ mark.draft }}"


def build_period_report(path: Path) -> Path:
    return parts.landscape_cover_and_body(path, TITLE, "{{ mark.sample }}" + TITLE + "{{ mark.draft }}",
                                          "（計画期間 {{ period }}）", HEADER, BODY_MARKER)
