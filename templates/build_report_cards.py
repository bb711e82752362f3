"""The progress report as cards (progress_report_cards_tpl.docx): A4 portrait, one table per action.

The layout before the table form became the default; chosen with `report --layout cards`. It takes
the same values as the table form (generators/context.py), so either template can stand in for the other.
"""
from __future__ import annotations

from docx.enum.section import WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH
from pathlib import Path

from docx_kit import (CAPTION, CELL_KEEP, GOAL_LINE, HEADING_FONT, NOTE, SPACER, _paragraph_style, _style_font,
                      grade_table, new_document, para, table, tag)
from docx_pages import a4, header_line, own_header_footer, page_number_footer, restart_numbering
import report_parts as parts

PROGRESS_REPORT_CARDS = "progress_report_cards_tpl.docx"


def action_card(doc) -> None:
    rows = [
        ["担当課", "{{ a.departments }}　［{{ a.kind }}評価］"],
        ["取組目標（{{ fiscal_year_short }}）", "{{ a.target }}"],
        ["取組内容", "{{ a.content }}"],
        ["実績・成果", "{{ a.result }}"],
        "{%tr if a.indicators %}", ["指標の実績", "{{ a.indicators }}"], "{%tr endif %}",
        ["達成度", "{% cellbg a.grade_fill %}{{ a.grade_text }}"
                   "{% if a.department_grades %}　（{{ a.department_grades }}）{% endif %}"],
        "{%tr if a.suggestion %}", ["指標からの目安", "{{ a.suggestion }}"], "{%tr endif %}",
        "{%tr if a.reason %}", ["評価の理由", "{{ a.reason }}"], "{%tr endif %}",
        "{%tr if a.issues %}", ["課題", "{{ a.issues }}"], "{%tr endif %}",
        "{%tr if a.next %}", ["今後の方向性", "{{ a.next }}"], "{%tr endif %}",
        "{%tr if a.response %}", ["前年度の意見への対応", "{{ a.response }}"], "{%tr endif %}",
        "{%tr if a.budget %}", ["事業費（千円）", "{{ a.budget }}"], "{%tr endif %}",
        "{%tr if a.missing_departments %}", ["未報告の担当課", "{{ a.missing_departments }}"], "{%tr endif %}",
        "{%tr if a.internal_evaluation %}", ["内部評価", "{{ a.internal_evaluation }}"], "{%tr endif %}",
        "{%tr if a.committee_opinion %}", ["委員会意見", "{{ a.committee_opinion }}"], "{%tr endif %}",
    ]
    header = ["{{ a.code }}", "{{ a.title }}{% if a.relisted_from %}（再掲：{{ a.relisted_from }}）{% endif %}"]
    t = table(doc, [32, 138], header, rows, first_col=True, body_styles=[CELL_KEEP, CELL_KEEP])
    for cell in t.rows[0].cells:
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.LEFT
    para(doc, "", SPACER)


def build_progress_report_cards(path: Path) -> Path:
    doc = new_document("進捗状況報告書")
    _paragraph_style(doc, "Title", HEADING_FONT, 20, bold=True, after=12, align=WD_ALIGN_PARAGRAPH.CENTER)
    _style_font(doc.styles["Title Char"], HEADING_FONT, 20, bold=True)   # 【サンプル】…（案） on one line
    cover = doc.sections[0]
    parts.cover(doc, top_mm=60, gap_mm=80)

    body = doc.add_section(WD_SECTION.NEW_PAGE)
    a4(body)
    restart_numbering(body)
    own_header_footer(body)
    header_line(body.header, parts.HEADER)
    page_number_footer(body)
    own_header_footer(cover)          # the cover keeps empty header and footer

    para(doc, "1　評価の方法", "Heading 1")
    para(doc, "各担当課が、{{ fiscal_year }}の取組目標に対する取組内容と実績・成果を報告し、"
              "次の基準で達成度を自己評価しました。")
    parts.grading_rule(doc, "表1　達成度の基準（{{ scale_name }}）", [20, 40, 110])

    para(doc, "2　全体の状況", "Heading 1")
    para(doc, "計画に掲げる取組は {{ k.actions }} 件（{{ k.scope }}。再掲 {{ k.relistings }} 件を含めると "
              "{{ k.actions_with_relistings }} 件）で、うち定量的評価が {{ k.quantitative }} 件、定性的評価が "
              "{{ k.qualitative }} 件です。{% if k.departments != '0' %}担当課 {{ k.departments }} 課のうち "
              "{{ k.returned }} 課から報告がありました。{% endif %}")
    para(doc, "表2　達成度の内訳（{{ overall.scope }}）", CAPTION)
    grade_table(doc, "overall.rows", ["overall.reference"])
    parts.counts_notes(doc)
    para(doc, "表3　基本目標別の達成度の内訳（{{ by_goal.scope }}）", CAPTION)
    grade_table(doc, "by_goal.rows", ["by_goal.total"], keep=False)
    para(doc, "再掲の取組は、掲載されている基本目標ごとに数えています。", NOTE)

    para(doc, "3　基本目標ごとの取組状況", "Heading 1")
    para(doc, "基本目標・施策ごとに、各取組の{{ fiscal_year }}の取組目標、取組内容、実績・成果、達成度などを示します。")
    tag(doc, "{%p for g in goals %}")
    para(doc, "基本目標{{ g.code }}　{{ g.name }}", "Heading 2")
    para(doc, "取組 {{ g.total }} 件（{{ g.scope }}）：{{ g.counts }}", GOAL_LINE)
    tag(doc, "{%p for m in g.measures %}")
    para(doc, "施策{{ m.code }}　{{ m.name }}", "Heading 3")
    tag(doc, "{%p for a in m.actions %}")
    action_card(doc)
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p endfor %}")

    parts.indicators(doc, "4　指標の状況", "表4")

    para(doc, "5　報告の状況", "Heading 1")
    para(doc, "{{ returns_note }}")
    tag(doc, "{%p if unreported %}")
    para(doc, "達成度が記入されていない取組は {{ k.ungraded_actions_with_relistings }} 件（再掲を含む。再掲を除くと "
              "{{ k.ungraded_actions }} 件）で、次のとおりです。")
    parts.ungraded_table(doc, "表5　達成度が未記入の取組（再掲を含む）", [16, 84, 35, 35])
    tag(doc, "{%p elif k.actions_with_relistings != '0' %}")   # no actions: returns_note has said so
    para(doc, "すべての取組に達成度が記入されています。")
    tag(doc, "{%p endif %}")
    parts.appendix(doc, None)
    parts.colophon(doc)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path
