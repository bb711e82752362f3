"""The progress report in the published table form (progress_report_tpl.docx), after seed 001's
取組状況確認表: landscape, one row per action, per 基本目標.

    cover, 目次                         section 1: no header or footer
    1 計画の推進と評価体制               section 2: numbered from 1; editable text, the grading rule
    2 施策の体系                         基本目標 → 施策 → 重点取組, in three columns (a section of its own)
    3 関連事業と担当課                   the ● matrix, actions by departments
    4 取組状況                           counts per 基本目標, then per 基本目標 the table
    5 指標の状況, 付録 未了の事項 (a draft only), 発行 (colophon)

The template is A4 landscape; generators/page_setup.py turns it to A3 when 設定 says A3横.
generators/toc.py replaces the paragraph ［目次］ with the entries (one per 見出し 1 and 見出し 2).
generators/table_fit.py sets the matrix's columns (one per department, known only when rendering).
"""
from __future__ import annotations

from pathlib import Path

from docx.enum.section import WD_SECTION
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm

from docx_kit import (CAPTION, GOAL_LINE, MATRIX_MARK, MATRIX_TEXT, MEASURE_ROW, ROW_CODE, ROW_TEXT,
                      TOC_1, TOC_TITLE, TREE_ACTION, TREE_GOAL, TREE_MEASURE, grade_table, mark_table, new_document, tight_cells,
                      para, table, table_form_styles, tag)
from docx_pages import (continue_numbering, header_line, landscape, own_header_footer, page_number_footer, restart_numbering,
                        text_width_mm)
import report_parts as parts

PROGRESS_REPORT = "progress_report_tpl.docx"
TOC_MARKER = "［目次］"                 # generators/toc.TOC_MARKER
ACTION_TABLE = "取組状況確認表"           # generators/table_fit: rows taller than a page may split
MATRIX_TABLE = "関連事業と担当課"         # generators/table_fit: one column per department
# mm on A4 landscape (267 mm of text width): 取組番号, 重点取組, 担当課, 取組目標, 取組内容・実績, 達成度,
# 評価の理由・課題, 今後の方向性
ACTION_WIDTHS = [15, 35, 20, 30, 70, 12, 46, 39]
ACTION_HEADER = ["取組番号", "重点取組", "担当課", "取組目標（{{ fiscal_year_short }}）", "取組内容・実績", "達成度",
                 "評価の理由・課題", "今後の方向性"]
MATRIX_WIDTHS = [16, 191, 20]       # 取組番号, 重点取組, one department (the widths are set when rendering)
MEASURE_FILL = "EDF2F9"


def _shade(cell, fill: str) -> None:
    tcpr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    for key, value in (("val", "clear"), ("color", "auto"), ("fill", fill)):
        shd.set(qn(f"w:{key}"), value)
    tcpr.append(shd)


def _merged_row(t, index: int, fill: str) -> None:
    """One cell across the row (施策, 基本目標 rows), lightly shaded."""
    row = t.rows[index]
    merged = row.cells[0].merge(row.cells[-1])
    for p in merged.paragraphs[1:]:
        p._p.getparent().remove(p._p)
    _shade(merged, fill)


def _columns(section, count: int, space_mm: float = 8) -> None:
    cols = section._sectPr.find(qn("w:cols"))
    if cols is None:
        cols = OxmlElement("w:cols")
        section._sectPr.append(cols)
    cols.set(qn("w:num"), str(count))
    cols.set(qn("w:space"), str(int(Mm(space_mm).twips)))


def front_matter(doc) -> None:
    parts.cover(doc, top_mm=30, gap_mm=30)
    para(doc, "目次", TOC_TITLE).paragraph_format.page_break_before = True
    para(doc, TOC_MARKER, TOC_1)


def promotion(doc) -> None:
    """1 計画の推進と評価体制: ordinary text a city rewrites in Word, and the grading rule."""
    para(doc, "1　計画の推進と評価体制", "Heading 1")
    para(doc, "（1）この報告書について", "Heading 2")
    para(doc, "{{ plan_name }}を実効性のあるものとするため、重点取組ごとに年度の取組目標を定め、その進捗状況を"
              "確認しています。この報告書は、{{ fiscal_year }}の各重点取組について、担当課が報告した取組内容・実績と"
              "達成度の自己評価を、取組状況確認表としてまとめたものです。")
    para(doc, "（2）評価体制", "Heading 2")
    para(doc, "各担当課の報告と自己評価をもとに、庁内の推進会議が計画の進捗状況を把握して内部評価を行い、"
              "見直しが必要と認められる場合には事業を見直します。評価の結果は外部の委員会に報告し、委員会は"
              "内部評価の結果を踏まえて計画の進捗状況を評価し、その意見を市に報告します。委員会の意見は、"
              "次年度の取組と予算に反映します。")
    para(doc, "（3）達成度の基準", "Heading 2")
    parts.grading_rule(doc, "表1　達成度の基準（{{ scale_name }}）", [20, 50, 197])


def system_tree(doc) -> None:
    """2 施策の体系: 基本目標 → 施策 → 重点取組, in a three-column section of its own."""
    para(doc, "2　施策の体系", "Heading 1").paragraph_format.page_break_before = True
    para(doc, "基本目標ごとの施策と重点取組は、次のとおりです。")
    continue_numbering(doc.add_section(WD_SECTION.CONTINUOUS))
    tag(doc, "{%p for g in tree %}")
    para(doc, "基本目標{{ g.code }}　{{ g.name }}", TREE_GOAL)
    tag(doc, "{%p for m in g.measures %}")
    para(doc, "{{ m.code }}　{{ m.name }}", TREE_MEASURE)
    tag(doc, "{%p for a in m.actions %}")
    para(doc, "{{ a.code }}　{{ a.title }}", TREE_ACTION)
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p endfor %}")
    continue_numbering(doc.add_section(WD_SECTION.CONTINUOUS))
    _columns(doc.sections[-2], 3, space_mm=6)


def matrix(doc) -> None:
    """3 関連事業と担当課: one row per action, one column per department, ● where it takes part."""
    para(doc, "3　関連事業と担当課", "Heading 1").paragraph_format.page_break_before = True
    para(doc, "各重点取組を担当する課を●で示します（（再掲）の取組を含みます）。")
    tag(doc, "{%p for grp in matrix %}")
    tag(doc, "{%p if matrix|length > 1 %}")
    para(doc, "担当課（{{ loop.index }}/{{ matrix|length }}）：{{ grp.first }}～{{ grp.last }}", CAPTION)
    tag(doc, "{%p endif %}")
    loop = ["{%tc for d in grp.departments %}", "{{ d }}", "{%tc endfor %}"]
    marks = ["{%tc for c in a.marks %}", "{{ c }}", "{%tc endfor %}"]
    rows = ["{%tr for g in grp.goals %}", ["基本目標{{ g.code }}　{{ g.name }}"], "{%tr for a in g.actions %}",
            ["{{ a.code }}", "{{ a.title }}{% if a.relisted_from %}（再掲）{% endif %}"] + marks,
            "{%tr endfor %}", "{%tr endfor %}"]
    widths = MATRIX_WIDTHS[:2] + [MATRIX_WIDTHS[2]] * 3
    t = table(doc, widths, ["取組番号", "重点取組"] + loop, rows,
              body_styles=[MATRIX_MARK, MATRIX_TEXT] + [MATRIX_MARK] * 3)
    _merged_row(t, 2, MEASURE_FILL)
    t.rows[2].cells[0].paragraphs[0].style = MATRIX_TEXT
    tight_cells(t, 0.2, 0.8)
    mark_table(t, MATRIX_TABLE)
    tag(doc, "{%p endfor %}")


def action_table(doc) -> None:
    rows = ["{%tr for m in g.measures %}", ["施策{{ m.code }}　{{ m.name }}"], "{%tr for a in m.actions %}",
            ["{{ a.code }}", "{{ a.title }}{% if a.relisted_from %}（再掲：{{ a.relisted_from }}）{% endif %}",
             "{{ a.department_lines }}", "{{ a.target }}", "{{ a.work }}",
             "{% cellbg a.grade_fill %}{{ a.grade }}", "{{ a.assessment }}", "{{ a.next_text }}"],
            "{%tr endfor %}", "{%tr endfor %}"]
    t = table(doc, ACTION_WIDTHS, ACTION_HEADER, rows,
              body_styles=[ROW_CODE, ROW_TEXT, ROW_TEXT, ROW_TEXT, ROW_TEXT, ROW_CODE, ROW_TEXT, ROW_TEXT])
    _merged_row(t, 2, MEASURE_FILL)
    t.rows[2].cells[0].paragraphs[0].style = MEASURE_ROW
    tight_cells(t)
    mark_table(t, ACTION_TABLE)


def progress(doc) -> None:
    """4 取組状況: the counts per 基本目標, then per 基本目標 the table, one row per action."""
    para(doc, "4　取組状況（取組状況確認表）", "Heading 1").paragraph_format.page_break_before = True
    para(doc, "基本目標ごとに、各重点取組の{{ fiscal_year }}の取組目標、担当課が報告した取組内容・実績、達成度、"
              "評価の理由・課題、今後の方向性を示します。{{ returns_note }}"
              "{% if unreported %}達成度が記入されていない取組（{{ k.ungraded_actions_with_relistings }} 件、再掲を含む）は"
              "「未評価」と示し、末尾の付録に一覧を載せています。"
              "{% elif k.actions_with_relistings != '0' %}すべての取組に達成度が記入されています。{% endif %}")
    para(doc, "表2　基本目標別の達成度（{{ by_goal_total.scope }}。{{ counts_form }}）", CAPTION)
    grade_table(doc, "by_goal_total.rows", ["by_goal_total.total"])
    parts.counts_notes(doc)
    tag(doc, "{%p for g in goals %}")
    para(doc, "基本目標{{ g.code }}　{{ g.name }}", "Heading 2")
    para(doc, "取組 {{ g.total }} 件（{{ g.scope }}）：{{ g.counts }}", GOAL_LINE)
    action_table(doc)
    tag(doc, "{%p endfor %}")


def build_progress_report(path: Path) -> Path:
    doc = new_document("進捗状況報告書", page=landscape)
    table_form_styles(doc, text_width_mm(doc.sections[0]))
    cover = doc.sections[0]
    front_matter(doc)
    body = doc.add_section(WD_SECTION.NEW_PAGE)
    restart_numbering(body)
    own_header_footer(body)
    header_line(body.header, parts.HEADER)
    page_number_footer(body)
    own_header_footer(cover)          # the cover and the 目次 keep empty header and footer
    promotion(doc)
    system_tree(doc)
    matrix(doc)
    progress(doc)
    parts.indicators(doc, "5　指標の状況", "表3", scale=267 / 170, styles=(ROW_TEXT, ROW_CODE), wide=True)
    parts.appendix(doc, [16, 130, 55, 66])
    parts.colophon(doc)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path
