"""実施計画（案） (implementation_plan_tpl.docx): the rolling 実施計画 per 施策 (seed 004), landscape, in
the house style and table form of the progress report.

    cover                               section 1: no header or footer
    body                                section 2: numbered from 1, the header names the document

The body is one marker paragraph ［本文］: generators/implementation_doc.py writes one block per 施策
there (its tables have one column per year, known only when rendering), in this template's styles
(見出し 1/2, 表題, 報告書表, 表本文, 表見出し, 注記). It is always a draft: （案） in the title.
"""
from __future__ import annotations

from pathlib import Path

import report_parts as parts

IMPLEMENTATION_PLAN = "implementation_plan_tpl.docx"
TITLE = "実施計画（案）"
BODY_MARKER = "［本文］"              # generators/implementation_doc.BODY_MARKER
HEADER = "{{ mark.sample }}{{ plan_name }}　" + TITLE + "（{{ revision }}）"


def build_implementation_plan(path: Path) -> Path:
    return parts.landscape_cover_and_body(path, TITLE, "{{ mark.sample }}" + TITLE, "（{{ revision }}）", HEADER, BODY_MARKER)
