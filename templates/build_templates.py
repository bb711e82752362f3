"""(Re)create the Word templates from code, so they can be rebuilt the same way.

    python templates/build_templates.py            # writes templates/*.docx
    python templates/build_templates.py OUT_DIR    # writes them elsewhere

The .docx files this writes are the editable source: a municipality restyles them in Word
(fonts in the styles, header and footer, a logo in the header, fixed wording, the table style
「報告書表」). Running this script again throws such edits away.

Template tags are docxtpl/Jinja: {{ name }} inserts a value; a paragraph holding only {%p … %}
and a table row holding {%tr … %} repeat or hide what lies between them; a table cell holding
only {%tc … %} does the same for the cells between (the grade-count tables' one column per code).
No template names a grading code: codes, definitions and the ratio rule come from the scale.
"""
from __future__ import annotations

import sys
from pathlib import Path

from docx.enum.section import WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt

sys.path.insert(0, str(Path(__file__).resolve().parent))
from docx_kit import (BULLET, CAPTION, CELL, CELL_KEEP, CELL_NUM, COMMITTEE_SUMMARY, GOAL_LINE,  # noqa: E402
                      HEADING_FONT, HERE, NOTE, PROGRESS_REPORT, SPACER, _paragraph_style, _style_font, a4,
                      grade_table, new_document, page_number_footer, para, restart_numbering, table, tag)


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


def build_progress_report(path: Path) -> Path:
    doc = new_document("進捗状況報告書")
    cover = doc.sections[0]
    para(doc, "{{ plan_name }}", "Subtitle").paragraph_format.space_before = Mm(60)
    para(doc, "{{ fiscal_year }}　進捗状況報告書", "Title")
    para(doc, "（取組状況確認表）", "Subtitle")
    p = para(doc, "{{ date }}", "Subtitle")
    p.paragraph_format.space_before = Mm(90)
    para(doc, "{{ municipality }}", "Subtitle")

    body = doc.add_section(WD_SECTION.NEW_PAGE)
    a4(body)
    restart_numbering(body)
    for part in (body.header, body.footer):
        part.is_linked_to_previous = False
    header = body.header.paragraphs[0]
    header.text, header.alignment = "{{ plan_name }}　{{ fiscal_year }} 進捗状況報告書", WD_ALIGN_PARAGRAPH.RIGHT
    header.style = "Header"
    page_number_footer(body, with_total=False)
    # The cover (first section) keeps empty header and footer.
    cover.header.is_linked_to_previous = False
    cover.footer.is_linked_to_previous = False

    para(doc, "1　評価の方法", "Heading 1")
    para(doc, "各担当課が、{{ fiscal_year }}の取組目標に対する取組内容と実績・成果を報告し、"
              "次の基準で達成度を自己評価しました。")
    para(doc, "表1　達成度の基準（{{ scale_name }}）", CAPTION)
    table(doc, [20, 40, 110], ["達成度", "区分", "基準"],
          ["{%tr for g in grades %}", ["{{ g.grade }}", "{{ g.label }}", "{{ g.definition }}"], "{%tr endfor %}"],
          first_col=True, body_styles=[CELL_NUM, CELL, CELL])
    para(doc, "定量的評価の取組は、指標の実績値を目標値と比べて判断します{% if ratio_rule %}（実績÷目標が"
              "{{ ratio_rule }}。少ないほど良い指標は目標÷実績）{% endif %}。定性的評価の取組は、"
              "目標値を設けず、実施の状況により判断します。").paragraph_format.space_before = Pt(6)
    para(doc, "1つの取組を複数の課が担当する場合は、各課の達成度を「{{ multi_department_rule }}」の方法で"
              "1つにまとめています。")
    para(doc, "（再掲）の取組は、計画の複数の施策に掲載されている取組です。件数の表には、再掲を含むか除くかを"
              "表題に示しています。")

    para(doc, "2　全体の状況", "Heading 1")
    para(doc, "計画に掲げる取組は {{ k.actions }} 件（{{ k.scope }}。再掲 {{ k.relistings }} 件を含めると "
              "{{ k.actions_with_relistings }} 件）で、うち定量的評価が {{ k.quantitative }} 件、定性的評価が "
              "{{ k.qualitative }} 件です。{% if k.departments != '0' %}担当課 {{ k.departments }} 課のうち "
              "{{ k.returned }} 課から報告がありました。{% endif %}")
    para(doc, "表2　達成度の内訳（{{ overall.scope }}）", CAPTION)
    grade_table(doc, "overall.rows", ["overall.reference"])
    para(doc, "{{ counts_note }}", NOTE)
    tag(doc, "{%p if points_note %}")
    para(doc, "{{ points_note }}", NOTE)
    tag(doc, "{%p endif %}")
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

    para(doc, "4　指標の状況", "Heading 1")
    tag(doc, "{%p if indicators %}")
    para(doc, "数値目標（指標）を設定した取組について、現状値、{{ fiscal_year }}の実績値と目標値、最終目標値を示します。"
              "「判定（目安）」は指標ごとの判定方法による達成度の目安です（目標比：実績÷年度目標。少ないほど良い指標は"
              "目標÷実績／進捗率：現状値から目標値まで計画どおり進んだ場合に対する進み具合／基準値比：現状値より"
              "改善・横ばい・悪化）。進捗は現状値から最終目標値までのうち到達した割合です。")
    tag(doc, "{%p for g in indicator_groups %}")
    para(doc, "表4{% if indicator_groups|length > 1 %}-{{ loop.index }}{% endif %}　指標の状況"
              "{% if g.title %}（{{ g.title }}）{% endif %}", CAPTION)
    table(doc, [17, 37, 18, 17, 26, 20, 21, 12],   # 年度目標 holds 「（R8 最終目標）」 on one line
          ["取組番号", "指標（単位）", "現状値", "実績値", "年度目標", "最終目標", "判定（目安）", "進捗"],
          ["{%tr for i in g.rows %}",
           ["{{ i.code }}", "{{ i.name }}", "{{ i.baseline }}", "{{ i.actual }}", "{{ i.target }}",
            "{{ i.final_target }}", "{{ i.judgement }}", "{{ i.progress }}"],
           "{%tr endfor %}"],
          body_styles=[CELL, CELL] + [CELL_NUM] * 6)
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p else %}")
    para(doc, "数値目標（指標）を設定した取組はありません。")
    tag(doc, "{%p endif %}")

    para(doc, "5　報告の状況", "Heading 1")
    para(doc, "{{ returns_note }}")
    tag(doc, "{%p if unreported %}")
    para(doc, "達成度が記入されていない取組は {{ k.ungraded_actions_with_relistings }} 件（再掲を含む。再掲を除くと "
              "{{ k.ungraded_actions }} 件）で、次のとおりです。")
    para(doc, "表5　達成度が未記入の取組（再掲を含む）", CAPTION)
    table(doc, [16, 84, 35, 35], ["取組番号", "重点取組", "担当課", "未報告の担当課"],
          ["{%tr for u in unreported %}", ["{{ u.code }}", "{{ u.title }}", "{{ u.departments }}", "{{ u.missing }}"],
           "{%tr endfor %}"])
    tag(doc, "{%p elif k.actions_with_relistings != '0' %}")   # no actions: returns_note has said so
    para(doc, "すべての取組に達成度が記入されています。")
    tag(doc, "{%p endif %}")
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path


# --- the committee summary -------------------------------------------------------------------------
def build_committee_summary(path: Path) -> Path:
    doc = new_document("委員会用概要")
    section = doc.sections[0]
    header = section.header.paragraphs[0]
    header.text, header.alignment = "資料", WD_ALIGN_PARAGRAPH.RIGHT
    header.style = "Header"
    page_number_footer(section, with_total=True)

    _paragraph_style(doc, "Title", HEADING_FONT, 16, bold=True, after=4, align=WD_ALIGN_PARAGRAPH.CENTER)
    _style_font(doc.styles["Title Char"], HEADING_FONT, 16, bold=True)
    para(doc, "{{ fiscal_year }} {{ plan_name }}の進捗状況（概要）", "Title")
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
    para(doc, "{{ counts_note }}", NOTE)
    tag(doc, "{%p if points_note %}")
    para(doc, "{{ points_note }}", NOTE)
    tag(doc, "{%p endif %}")

    para(doc, "3　主な成果（{{ highlights_title }}）", "Heading 1")
    tag(doc, "{%p if highlights %}")
    table(doc, [15, 55, 100], ["番号", "重点取組（担当課）", "実績・成果"],
          ["{%tr for h in highlights %}",
           ["{{ h.code }}", ["{{ h.title }}", "（{{ h.departments }}）"],
            ["{{ h.result }}", "{%p if h.indicators %}", "{{ h.indicators }}", "{%p endif %}"]],
           "{%tr endfor %}"])
    tag(doc, "{%p if highlights_more %}")
    para(doc, "ほか {{ highlights_more }} 件（{{ k.scope }}。全件は進捗状況報告書を参照）", NOTE)
    tag(doc, "{%p endif %}")
    tag(doc, "{%p else %}")
    para(doc, "{{ highlights_title }}はありません。")
    tag(doc, "{%p endif %}")

    para(doc, "4　{{ attention_title }}", "Heading 1")
    tag(doc, "{%p if attention %}")
    table(doc, [15, 44, 18, 93], ["番号", "重点取組（担当課）", "達成度", "理由・今後の方向性"],
          ["{%tr for c in attention %}",
           ["{{ c.code }}", ["{{ c.title }}", "（{{ c.departments }}）"], "{% cellbg c.grade_fill %}{{ c.grade }}",
            ["理由：{{ c.reason }}", "{%p if c.next %}", "今後：{{ c.next }}", "{%p endif %}"]],
           "{%tr endfor %}"],
          body_styles=[CELL, CELL, CELL_NUM, CELL])
    tag(doc, "{%p if attention_more %}")
    para(doc, "ほか {{ attention_more }} 件（{{ k.scope }}。全件は進捗状況報告書を参照）", NOTE)
    tag(doc, "{%p endif %}")
    tag(doc, "{%p else %}")
    para(doc, "{{ attention_title }}はありません。")
    tag(doc, "{%p endif %}")

    para(doc, "5　報告の状況", "Heading 1")
    para(doc, "・{{ returns_note }}", BULLET)
    tag(doc, "{%p if k.ungraded_actions_with_relistings != '0' %}")
    para(doc, "・達成度が未記入の取組：{{ k.ungraded_actions }} 件（{{ k.scope }}。再掲を含めると "
              "{{ k.ungraded_actions_with_relistings }} 件。一覧は進捗状況報告書の「5 報告の状況」）", BULLET)
    tag(doc, "{%p endif %}")

    para(doc, "6　ご意見をいただきたい点", "Heading 1")
    para(doc, "委員の皆様には、次の点についてご意見をお願いします。").paragraph_format.keep_with_next = True
    para(doc, "（1）計画全体の進捗状況について", BULLET).paragraph_format.keep_with_next = True
    para(doc, "（2）{{ attention_title }}の今後の方向性について"
              "{% if attention_codes %}（{{ attention_codes }}）{% endif %}", BULLET).paragraph_format.keep_with_next = True
    para(doc, "（3）次年度の取組の進め方について", BULLET)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path


def build_all(folder: Path = HERE) -> list[Path]:
    """The two reports, then the two letters (built in build_letters.py with the helpers above)."""
    sys.path.insert(0, str(HERE))
    import build_letters

    return [build_progress_report(folder / PROGRESS_REPORT), build_committee_summary(folder / COMMITTEE_SUMMARY),
            build_letters.build_request_memo(folder / build_letters.REQUEST_MEMO),
            build_letters.build_reminder(folder / build_letters.REMINDER)]


if __name__ == "__main__":
    for written in build_all(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE):
        print(written)
