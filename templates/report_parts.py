"""Parts the templates share: of both layouts of the progress report (build_report_table.py,
build_report_cards.py) the cover, the grading rule, the indicator tables, the appendix of what is
still open, the colophon; of the landscape documents whose body a generator writes (the period
report, 実施計画（案）) the cover and body.

Marks (generators/marks.py): {{ mark.sample }} is 【サンプル】 and {{ mark.draft }} （案） when they apply,
empty otherwise; {{ mark.sample_note }} is the one line saying the results are invented.
"""
from __future__ import annotations

from docx.enum.section import WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt

from docx_kit import CAPTION, CELL, CELL_NUM, COLOPHON, BULLET, NOTE, new_document, para, table, table_form_styles, tag
from docx_pages import header_line, landscape, own_header_footer, page_number_footer, restart_numbering, text_width_mm

TITLE = "{{ mark.sample }}{{ fiscal_year }}　進捗状況報告書{{ mark.draft }}"
HEADER = "{{ mark.sample }}{{ plan_name }}　{{ fiscal_year }} 進捗状況報告書{{ mark.draft }}"
SAMPLE_NOTE = ["{%p if mark.sample_note %}", "{{ mark.sample_note }}", "{%p endif %}"]


def cover(doc, top_mm: float, gap_mm: float, subtitle: str = "（取組状況確認表）") -> None:
    para(doc, "{{ plan_name }}", "Subtitle").paragraph_format.space_before = Mm(top_mm)
    para(doc, TITLE, "Title")
    para(doc, subtitle, "Subtitle")
    tag(doc, SAMPLE_NOTE[0])
    para(doc, SAMPLE_NOTE[1], align=WD_ALIGN_PARAGRAPH.CENTER).paragraph_format.space_before = Pt(12)
    tag(doc, SAMPLE_NOTE[2])
    p = para(doc, "{{ date }}", "Subtitle")
    p.paragraph_format.space_before = Mm(gap_mm)
    para(doc, "{{ municipality }}", "Subtitle")


def counts_notes(doc) -> None:
    """The notes under a counts table: what the shares are of, and the points average when the scale has points."""
    para(doc, "{{ counts_note }}", NOTE)
    tag(doc, "{%p if points_note %}")
    para(doc, "{{ points_note }}", NOTE)
    tag(doc, "{%p endif %}")


def grading_rule(doc, caption: str, widths: list[float]) -> None:
    """The scale's table (codes, names, definitions) and how grades are made."""
    para(doc, caption, CAPTION)
    table(doc, widths, ["達成度", "区分", "基準"],
          ["{%tr for g in grades %}", ["{{ g.grade }}", "{{ g.label }}", "{{ g.definition }}"], "{%tr endfor %}"],
          first_col=True, body_styles=[CELL_NUM, CELL, CELL])
    para(doc, "定量的評価の取組は、指標の実績値を目標値と比べて判断します{% if ratio_rule %}（実績÷目標が"
              "{{ ratio_rule }}。少ないほど良い指標は目標÷実績）{% endif %}。定性的評価の取組は、"
              "目標値を設けず、実施の状況により判断します。").paragraph_format.space_before = Pt(6)
    para(doc, "1つの取組を複数の課が担当する場合は、各課の達成度を「{{ multi_department_rule }}」の方法で"
              "1つにまとめています。")
    para(doc, "（再掲）の取組は、計画の複数の施策に掲載されている取組です。件数の表には、再掲を含むか除くかを"
              "表題に示しています。")


INDICATOR_WIDTHS = [17, 37, 18, 17, 26, 20, 21, 12]     # mm on A4 portrait; 年度目標 holds 「（R8 最終目標）」


def indicators(doc, heading: str, caption_number: str, scale: float = 1.0, styles: tuple[str, str] = (CELL, CELL_NUM),
               wide: bool = False) -> None:
    """The indicator tables by 種別; scale: the widths' factor (the landscape page is wider); styles: the
    cells' (text, numbers); wide: the name and the year's target each on one line where they fit."""
    para(doc, heading, "Heading 1")
    tag(doc, "{%p if indicators %}")
    para(doc, "数値目標（指標）を設定した取組について、現状値、{{ fiscal_year }}の実績値と目標値、最終目標値を示します。"
              "「判定（目安）」は指標ごとの判定方法による達成度の目安です（目標比：実績÷年度目標。少ないほど良い指標は"
              "目標÷実績／進捗率：現状値から目標値まで計画どおり進んだ場合に対する進み具合／基準値比：現状値より"
              "改善・横ばい・悪化）。進捗は現状値から最終目標値までのうち到達した割合です（集計が「累計」の指標は、その年度までの実績の合計を目標の合計と比べ、進捗もその割合です）。")
    tag(doc, "{%p for g in indicator_groups %}")
    para(doc, f"{caption_number}{{% if indicator_groups|length > 1 %}}-{{{{ loop.index }}}}{{% endif %}}　指標の状況"
              "{% if g.title %}（{{ g.title }}）{% endif %}", CAPTION)
    table(doc, [w * scale for w in INDICATOR_WIDTHS],
          ["取組番号", "指標（単位）", "現状値", "実績値", "年度目標", "最終目標", "判定（目安）", "進捗"],
          ["{%tr for i in g.rows %}",
           ["{{ i.code }}", "{{ i.name_line }}" if wide else "{{ i.name }}", "{{ i.baseline }}", "{{ i.actual }}",
            "{{ i.target_line }}" if wide else "{{ i.target }}", "{{ i.final_target }}", "{{ i.judgement }}",
            "{{ i.progress }}"],
           "{%tr endfor %}"],
          body_styles=[styles[0], styles[0]] + [styles[1]] * 6)
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p else %}")
    para(doc, "数値目標（指標）を設定した取組はありません。")
    tag(doc, "{%p endif %}")


def ungraded_table(doc, caption: str, widths: list[float]) -> None:
    para(doc, caption, CAPTION)
    table(doc, widths, ["取組番号", "重点取組", "担当課", "未報告の担当課"],
          ["{%tr for u in unreported %}", ["{{ u.code }}", "{{ u.title }}", "{{ u.departments }}", "{{ u.missing }}"],
           "{%tr endfor %}"])


def appendix(doc, widths: list[float] | None, keep_together: bool = False) -> None:
    """付録 未了の事項: only in a draft; widths: the table of ungraded actions (None: the lines only);
    keep_together: the appendix is not split over two pages (a short one, at the end of the summary)."""
    tag(doc, "{%p if open.draft %}")
    para(doc, "付録　未了の事項", "Heading 1").paragraph_format.page_break_before = widths is not None
    intro = para(doc, "この{{ open.document }}は案です。次の事項が済んでいないため、数値や記載は今後変わることがあります。")
    intro.paragraph_format.keep_with_next = keep_together
    tag(doc, "{%p for line in open.lines %}")
    para(doc, "・{{ line }}", BULLET).paragraph_format.keep_with_next = keep_together
    tag(doc, "{%p endfor %}")
    if widths is not None:
        tag(doc, "{%p if unreported %}")
        ungraded_table(doc, "達成度が未記入の取組（再掲を含む）", widths)
        tag(doc, "{%p endif %}")
    tag(doc, "{%p endif %}")


def colophon(doc) -> None:
    """発行: on a page of its own at the end, the lines the settings give."""
    first = para(doc, "{{ plan_name }}", COLOPHON)
    first.paragraph_format.page_break_before = True
    first.paragraph_format.space_before = Mm(95)
    para(doc, "{{ mark.sample }}{{ fiscal_year }} 進捗状況報告書{{ mark.draft }}", COLOPHON)
    para(doc, "{{ colophon.month }}発行", COLOPHON).paragraph_format.space_after = Pt(8)
    para(doc, "発行：{{ colophon.publisher }}", COLOPHON)
    for key, prefix in (("address", ""), ("phone", "電話　")):
        tag(doc, f"{{%p if colophon.{key} %}}")
        para(doc, f"{prefix}{{{{ colophon.{key} }}}}", COLOPHON)
        tag(doc, "{%p endif %}")


def landscape_cover_and_body(path, title: str, title_line: str, subtitle: str, header: str, marker: str):
    """A landscape document whose body a generator writes at one marker paragraph (the period report,
    実施計画（案）): a cover (plan name, title, subtitle, the sample note, date and city; no header or
    footer), then the body numbered from 1 under a header naming the document. Saved at path."""
    doc = new_document(title, page=landscape)
    table_form_styles(doc, text_width_mm(doc.sections[0]))
    cover = doc.sections[0]
    para(doc, "{{ plan_name }}", "Subtitle").paragraph_format.space_before = Mm(40)
    para(doc, title_line, "Title")
    para(doc, subtitle, "Subtitle")
    tag(doc, SAMPLE_NOTE[0])
    para(doc, SAMPLE_NOTE[1], NOTE, align=WD_ALIGN_PARAGRAPH.CENTER)
    tag(doc, SAMPLE_NOTE[2])
    para(doc, "{{ as_of }}", "Subtitle").paragraph_format.space_before = Mm(30)
    para(doc, "{{ municipality }}", "Subtitle")
    body = doc.add_section(WD_SECTION.NEW_PAGE)
    restart_numbering(body)
    own_header_footer(body)
    header_line(body.header, header)
    page_number_footer(body)
    own_header_footer(cover)
    para(doc, marker)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path
