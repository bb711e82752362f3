"""The committee summary (committee_summary_tpl.docx): A4 portrait, two pages for the meeting.

The first page's header carries the meeting: 資料番号 (top right), 会議名 and 開催日 from 設定 (or the
options of `report`); the other pages' header repeats the 資料番号. Marks: 【サンプル】 and （案）
in the title and the headers (generators/marks.py).
"""
from __future__ import annotations

from pathlib import Path

from docx.enum.text import WD_ALIGN_PARAGRAPH

from docx_kit import (BULLET, CAPTION, CELL, CELL_NUM, HEADING_FONT, NOTE, _paragraph_style, _style_font, grade_table,
                      new_document, para, table, tag)
from docx_pages import different_first_page, header_line, own_header_footer, page_number_footer
import report_parts as parts

COMMITTEE_SUMMARY = "committee_summary_tpl.docx"
MARKED_NUMBER = ("{{ mark.sample }}{{ mark.draft }}{% if mark.sample or mark.draft %}　{% endif %}"
                 "{{ meeting.number }}")


def headers(section) -> None:
    own_header_footer(section)
    different_first_page(section)
    header_line(section.first_page_header, MARKED_NUMBER)
    header_line(section.first_page_header, "{{ meeting.line }}", first=False)
    header_line(section.header, MARKED_NUMBER)
    page_number_footer(section, section.first_page_footer.paragraphs[0])
    page_number_footer(section)


def build_committee_summary(path: Path) -> Path:
    doc = new_document("委員会用概要")
    headers(doc.sections[0])
    _paragraph_style(doc, "Title", HEADING_FONT, 16, bold=True, after=4, align=WD_ALIGN_PARAGRAPH.CENTER)
    _style_font(doc.styles["Title Char"], HEADING_FONT, 16, bold=True)
    _paragraph_style(doc, "Subtitle", HEADING_FONT, 11, after=2, align=WD_ALIGN_PARAGRAPH.CENTER)
    _style_font(doc.styles["Subtitle Char"], HEADING_FONT, 11)
    para(doc, "{{ plan_name }}", "Subtitle")
    para(doc, "{{ mark.sample }}{{ fiscal_year }} 進捗状況（概要）{{ mark.draft }}", "Title")
    tag(doc, parts.SAMPLE_NOTE[0])
    para(doc, parts.SAMPLE_NOTE[1], NOTE, align=WD_ALIGN_PARAGRAPH.CENTER)
    tag(doc, parts.SAMPLE_NOTE[2])
    para(doc, "{{ date }}　{{ municipality }}", align=WD_ALIGN_PARAGRAPH.RIGHT)

    para(doc, "1　主な数値", "Heading 1")
    para(doc, "・計画に掲げる取組：{{ k.actions }} 件（{{ k.scope }}。定量的評価 {{ k.quantitative }} 件、"
              "定性的評価 {{ k.qualitative }} 件）", BULLET)
    para(doc, "・担当課からの報告：{{ k.departments }} 課中 {{ k.returned }} 課"
              "{% if missing_departments %}（未提出：{{ missing_departments }}）{% endif %}", BULLET)
    para(doc, "・達成度（{{ k.scope }}。件数と割合）：{{ k.grades }}", BULLET)
    tag(doc, "{%p if k.points %}")
    para(doc, "・平均点（{{ k.scope }}。かっこ内は最も近い達成度）：{{ k.points }}", BULLET)
    tag(doc, "{%p endif %}")

    para(doc, "2　基本目標別の達成度", "Heading 1")
    para(doc, "{{ chart }}", align=WD_ALIGN_PARAGRAPH.CENTER).paragraph_format.keep_with_next = True
    figure = para(doc, "図1　基本目標別の達成度の分布（{{ by_goal.scope }}）", CAPTION, align=WD_ALIGN_PARAGRAPH.CENTER)
    figure.paragraph_format.keep_with_next = False  # a figure caption closes its figure
    para(doc, "表1　基本目標別の達成度（{{ by_goal.scope }}。{{ counts_form }}）", CAPTION)
    grade_table(doc, "by_goal.rows", ["by_goal.total"])
    para(doc, "表2　定量的評価・定性的評価の内訳（{{ overall.scope }}。{{ counts_form }}）", CAPTION)
    grade_table(doc, "overall.rows")
    parts.counts_notes(doc)

    para(doc, "3　主な成果（{{ highlights_title }}）", "Heading 1")
    tag(doc, "{%p if highlights %}")
    table(doc, [15, 55, 100], ["番号", "重点取組（担当課）", "実績・成果"],
          ["{%tr for h in highlights %}",
           ["{{ h.code }}", ["{{ h.title }}", "（{{ h.departments }}）"],
            ["{{ h.result }}", "{%p if h.indicators %}", "{{ h.indicators }}", "{%p endif %}"]],
           "{%tr endfor %}"])
    _more_or_none(doc, "highlights_more", "highlights_title")

    para(doc, "4　{{ attention_title }}", "Heading 1")
    tag(doc, "{%p if attention %}")
    table(doc, [15, 44, 18, 93], ["番号", "重点取組（担当課）", "達成度", "理由・今後の方向性"],
          ["{%tr for c in attention %}",
           ["{{ c.code }}", ["{{ c.title }}", "（{{ c.departments }}）"], "{% cellbg c.grade_fill %}{{ c.grade }}",
            ["理由：{{ c.reason }}", "{%p if c.next %}", "今後：{{ c.next }}", "{%p endif %}"]],
           "{%tr endfor %}"],
          body_styles=[CELL, CELL, CELL_NUM, CELL])
    _more_or_none(doc, "attention_more", "attention_title")

    para(doc, "5　報告の状況", "Heading 1")
    para(doc, "・{{ returns_note }}", BULLET)
    tag(doc, "{%p if k.ungraded_actions_with_relistings != '0' %}")
    para(doc, "・達成度が未記入の取組：{{ k.ungraded_actions }} 件（{{ k.scope }}。再掲を含めると "
              "{{ k.ungraded_actions_with_relistings }} 件。一覧は進捗状況報告書に掲載）", BULLET)
    tag(doc, "{%p endif %}")

    para(doc, "6　ご意見をいただきたい点", "Heading 1")
    para(doc, "委員の皆様には、次の点についてご意見をお願いします。").paragraph_format.keep_with_next = True
    para(doc, "（1）計画全体の進捗状況について", BULLET).paragraph_format.keep_with_next = True
    para(doc, "（2）{{ attention_title }}の今後の方向性について"
              "{% if attention_codes %}（{{ attention_codes }}）{% endif %}", BULLET).paragraph_format.keep_with_next = True
    para(doc, "（3）次年度の取組の進め方について", BULLET).paragraph_format.keep_with_next = True
    parts.appendix(doc, None, keep_together=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path


def _more_or_none(doc, more: str, title: str) -> None:
    """Under a list cut short, 「ほか N 件」; with nothing to list (the {%p else %} of the list's if),
    a line saying there is none. Closes the list's if."""
    tag(doc, "{%p if " + more + " %}")
    para(doc, "ほか {{ " + more + " }} 件（{{ k.scope }}。全件は進捗状況報告書を参照）", NOTE)
    tag(doc, "{%p endif %}")
    tag(doc, "{%p else %}")
    para(doc, "{{ " + title + " }}はありません。")
    tag(doc, "{%p endif %}")
