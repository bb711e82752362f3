"""The two letters that go with the survey, built with the helpers and house style of docx_kit.py.

    照会文  (request_memo_tpl.docx): sent with the distributed files (① 配布)
    再依頼  (reminder_tpl.docx):     to the departments still late (⑤ 再依頼)

Both are official memos in the usual municipal form: 文書番号 and date at the top right, the
addressee, the sender, the subject centred, a short text, 「記」, numbered items, 「以上」.
The fixed wording (the purpose of the survey, the requests) is ordinary text in the template:
a municipality rewrites it in Word, keeping the {{ … }} names and the {%p … %} / {%tr … %} lines.
"""
from __future__ import annotations

import sys
from pathlib import Path

from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.shared import Mm, Pt

sys.path.insert(0, str(Path(__file__).resolve().parent))
from docx_kit import (CAPTION, CELL, CELL_NUM, NOTE, BULLET, _paragraph_style, _style_font,  # noqa: E402
                             HEADING_FONT, new_document, para, table, tag)
from docx_pages import page_number_footer  # noqa: E402

REQUEST_MEMO = "request_memo_tpl.docx"
REMINDER = "reminder_tpl.docx"
RIGHT = WD_ALIGN_PARAGRAPH.RIGHT
CENTER = WD_ALIGN_PARAGRAPH.CENTER


def _memo_styles(doc) -> None:
    """A memo's title is smaller than a report's; items are short headings in 游ゴシック."""
    _paragraph_style(doc, "Title", HEADING_FONT, 13, bold=True, before=12, after=12, align=CENTER)
    _style_font(doc.styles["Title Char"], HEADING_FONT, 13, bold=True)
    _paragraph_style(doc, "Heading 2", HEADING_FONT, 10.5, bold=True, before=8, after=2, keep_next=True)
    _style_font(doc.styles["Heading 2 Char"], HEADING_FONT, 10.5, bold=True)


def _letterhead(doc, addressee: str) -> None:
    """文書番号, date, addressee, sender: the top of every memo."""
    para(doc, "{{ document_number }}", align=RIGHT)
    para(doc, "{{ date }}", align=RIGHT)
    para(doc, addressee).paragraph_format.space_before = Pt(10)
    p = para(doc, "{{ sender }}{% if sender_name %}　{{ sender_name }}{% endif %}", align=RIGHT)
    p.paragraph_format.space_before = Pt(6)


def _footer(doc) -> None:
    page_number_footer(doc.sections[0])


def _body(doc, text: str):
    p = para(doc, text)
    p.paragraph_format.first_line_indent = Mm(3.7)   # one full-width character
    return p


def _ki(doc) -> None:
    p = para(doc, "記", align=CENTER)
    p.paragraph_format.space_before, p.paragraph_format.space_after = Pt(8), Pt(4)


def _contact_and_ijo(doc) -> None:
    """The last item and 「以上」 in one paragraph that is never split (以上 alone on a page looks like a
    lost page; LibreOffice did not keep a separate 以上 with the line before it), 以上 at a right tab."""
    section = doc.sections[0]
    p = para(doc, "{{ contact }}")
    p.paragraph_format.keep_together = True
    p.paragraph_format.tab_stops.add_tab_stop(section.page_width - section.left_margin - section.right_margin,
                                              WD_TAB_ALIGNMENT.RIGHT)
    run = p.add_run()
    run.add_break()
    run.add_tab()
    p.add_run("以上")


def build_request_memo(path: Path) -> Path:
    doc = new_document("照会文")
    _memo_styles(doc)
    _footer(doc)
    _letterhead(doc, "各担当課長　様")
    para(doc, "{{ subject }}", "Title")
    # The purpose: edit freely in Word.
    _body(doc, "日頃より、{{ plan_name }}の推進にご協力いただき、ありがとうございます。")
    _body(doc, "本市では、計画に掲げる重点取組の進捗状況を毎年度確認し、その結果を推進委員会に報告して、"
               "取組の改善と次年度の事業に生かしています。")
    _body(doc, "つきましては、{{ fiscal_year }}の取組状況について下記のとおり照会しますので、"
               "ご多忙のところ恐縮ですが、期限までにご回答くださいますようお願いします。")
    _ki(doc)

    para(doc, "1　記入していただくファイル", "Heading 2")
    para(doc, "担当課ごとに、その課が担当する重点取組だけを載せた Excel ファイル（{{ file_form }}）を"
              "用意しました。ファイルはこの文書に添付するか、{{ file_place }}に置いています。")
    para(doc, "表1　担当課と記入するファイル", CAPTION)
    table(doc, [40, 18, 112], ["担当課", "取組数", "ファイル名"],
          ["{%tr for d in departments %}", ["{{ d.name }}", "{{ d.actions }}", "{{ d.file }}"], "{%tr endfor %}"],
          first_col=True, body_styles=[CELL, CELL_NUM, CELL])

    para(doc, "2　記入のしかた", "Heading 2")
    tag(doc, "{%p for s in fill_steps %}")
    para(doc, "・{{ s }}", BULLET)
    tag(doc, "{%p endfor %}")
    para(doc, "表2　記入する欄", CAPTION)
    table(doc, [52, 118], ["欄", "記入する内容"],
          ["{%tr for i in items %}", ["{{ i.label }}", "{{ i.help }}"], "{%tr endfor %}"], first_col=True)

    para(doc, "3　自己評価（達成度）の基準", "Heading 2")
    para(doc, "表3　達成度の基準", CAPTION)
    table(doc, [20, 40, 110], ["達成度", "区分", "基準"],
          ["{%tr for g in grades %}", ["{{ g.grade }}", "{{ g.label }}", "{{ g.definition }}"], "{%tr endfor %}"],
          first_col=True, body_styles=[CELL_NUM, CELL, CELL])
    para(doc, "{% if ratio_rule %}数値目標（指標）のある取組は、実績値÷目標値が{{ ratio_rule }}を目安とします"
              "（少ないほど良い指標は目標値÷実績値）。{% endif %}{% if reason_grades %}達成度が{{ reason_grades }}の"
              "場合は、評価の理由を必ず記入してください。{% endif %}", NOTE).paragraph_format.space_before = Pt(4)

    para(doc, "4　提出期限", "Heading 2")
    para(doc, "{{ deadline }}")

    para(doc, "5　提出方法", "Heading 2")
    tag(doc, "{%p for s in return_steps %}")
    para(doc, "・{{ s }}", BULLET)
    tag(doc, "{%p endfor %}")

    para(doc, "6　問い合わせ先", "Heading 2")
    _contact_and_ijo(doc)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path


def build_reminder(path: Path) -> Path:
    doc = new_document("再依頼")
    _memo_styles(doc)
    _footer(doc)
    _letterhead(doc, "{{ addressees }}　様")
    para(doc, "{{ subject }}", "Title")
    _body(doc, "{{ fiscal_year }}の再犯防止推進計画の進捗状況調査について、先に照会しましたところ、"
               "下記の課からのご提出、または提出いただいたファイルの修正が済んでいません。")
    _body(doc, "お忙しいところ恐縮ですが、{{ due_by }}ご対応くださいますようお願いします。"
               "すでにご対応いただいている場合は、行き違いですのでご容赦ください。")
    _ki(doc)

    para(doc, "1　提出期限", "Heading 2")
    para(doc, "当初の提出期限：{{ deadline }}")
    tag(doc, "{%p if resubmission_deadline %}")
    para(doc, "再提出期限：{{ resubmission_deadline }}")
    tag(doc, "{%p endif %}")

    para(doc, "2　まだ提出されていない課", "Heading 2")
    tag(doc, "{%p if not_returned %}")
    para(doc, "配布したファイルに記入し、提出してください。")
    table(doc, [40, 18, 112], ["担当課", "取組数", "配布したファイル"],
          ["{%tr for d in not_returned %}", ["{{ d.name }}", "{{ d.actions }}", "{{ d.file }}"], "{%tr endfor %}"],
          first_col=True, body_styles=[CELL, CELL_NUM, CELL])
    tag(doc, "{%p else %}")
    para(doc, "ありません。")
    tag(doc, "{%p endif %}")

    para(doc, "3　修正をお願いする課", "Heading 2")
    tag(doc, "{%p if needs_fix %}")
    para(doc, "提出いただいたファイルの次の箇所を直し、もう一度提出してください（返却票と同じ内容です）。"
              "「要修正」は直していただくまで取り込めない項目、「要確認」は内容のご確認をお願いする項目です。")
    tag(doc, "{%p for d in needs_fix %}")
    para(doc, "{{ d.name }}（{{ d.counts }}。提出ファイル：{{ d.file }}）", CAPTION)
    table(doc, [11, 14, 16, 12, 35, 82], ["No.", "区分", "取組番号", "セル", "内容", "修正のお願い"],
          ["{%tr for i in d.rows %}",
           ["{{ i.n }}", "{{ i.severity }}", "{{ i.action_code }}", "{{ i.cell }}", "{{ i.problem }}",
            "{{ i.request }}"],
           "{%tr endfor %}"],
          body_styles=[CELL_NUM, CELL_NUM, CELL, CELL_NUM, CELL, CELL])
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p else %}")
    para(doc, "ありません。")
    tag(doc, "{%p endif %}")

    para(doc, "4　提出方法", "Heading 2")
    para(doc, "記入・修正したファイルを上書き保存し、{{ due_by }}問い合わせ先へメールで送付するか、"
              "指定の共有フォルダに保存してください。")

    para(doc, "5　問い合わせ先", "Heading 2")
    _contact_and_ijo(doc)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path
