"""(Re)create the Word templates from code, so they can be rebuilt the same way.

    python templates/build_templates.py            # writes templates/*.docx
    python templates/build_templates.py OUT_DIR    # writes them elsewhere

The .docx files this writes are the editable source: a municipality restyles them in Word
(fonts in the styles, header and footer, a logo in the header, fixed wording, the table style
「報告書表」). Running this script again throws such edits away.

Template tags are docxtpl/Jinja: {{ name }} inserts a value; a paragraph holding only {%p … %}
and a table row holding {%tr … %} repeat or hide what lies between them; a table cell holding
only {%tc … %} does the same for the cells between (the grade-count tables' one column per code,
the matrix's one column per department). No template names a grading code: codes, definitions
and the ratio rule come from the scale.

    build_report_table.py   進捗状況報告書, the published table form (the default)
    build_report_cards.py   進捗状況報告書, one card per action (report --layout cards)
    build_summary.py        委員会用概要
    build_period_report.py  計画期間評価報告書 (the chapters are written when rendering)
    build_implementation_plan.py  実施計画（案） (the blocks per 施策 are written when rendering)
    build_letters.py        照会文, 再依頼
with the house style and helpers of docx_kit.py (styles, tables), docx_pages.py (pages, headers,
fields) and report_parts.py (what the two layouts of the report share).
"""
from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import build_letters  # noqa: E402
from build_report_cards import PROGRESS_REPORT_CARDS, build_progress_report_cards  # noqa: E402
from build_report_table import PROGRESS_REPORT, build_progress_report  # noqa: E402
from build_summary import COMMITTEE_SUMMARY, build_committee_summary  # noqa: E402
from build_period_report import PERIOD_REPORT, build_period_report  # noqa: E402
from build_implementation_plan import IMPLEMENTATION_PLAN, build_implementation_plan  # noqa: E402


def build_all(folder: Path = HERE) -> list[Path]:
    """The reports (table form, cards), the committee summary, the two letters, the 計画期間評価報告書
    and the 実施計画（案）."""
    return [build_progress_report(folder / PROGRESS_REPORT),
            build_progress_report_cards(folder / PROGRESS_REPORT_CARDS),
            build_committee_summary(folder / COMMITTEE_SUMMARY),
            build_letters.build_request_memo(folder / build_letters.REQUEST_MEMO),
            build_letters.build_reminder(folder / build_letters.REMINDER),
            build_period_report(folder / PERIOD_REPORT),
            build_implementation_plan(folder / IMPLEMENTATION_PLAN)]


if __name__ == "__main__":
    for written in build_all(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE):
        print(written)
