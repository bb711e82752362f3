"""The committee summary: its counts against a recount made straight from the saved workbook."""
from __future__ import annotations

import datetime as dt
import unicodedata
from collections import Counter

import openpyxl
import pytest

from generators import context
from generators.committee_summary import file_name, write_committee_summary
from workbook.files.master import Master

from .docx_read import all_text, leading_number, paragraphs, table_rows, tables_with_header
from .sample_returns import filled_master

DAY = dt.date(2025, 7, 1)
DASHES = "－―‐-ーｰ‑–—−"
RANK = {"A": 3, "B": 2, "C": 1}


@pytest.fixture(scope="module")
def master_path(tmp_path_factory):
    return filled_master(tmp_path_factory.mktemp("master"))


@pytest.fixture(scope="module")
def summary_doc(master_path, tmp_path_factory):
    master = Master.open(master_path)
    out = tmp_path_factory.mktemp("summary") / file_name(master.settings.fiscal_year)
    write_committee_summary(master.summary(), master.plan, master.settings, out, today=DAY)
    from docx import Document

    return Document(str(out))


# --- the independent recount: openpyxl on the saved file, the grade rule written out here -----------
def _grade(value) -> str:
    text = "" if value is None else unicodedata.normalize("NFKC", str(value)).strip().upper()
    if len(text) == 1 and text in DASHES:
        return "－"
    return text if text in ("A", "B", "C") else ""


def _combine(grades: list[str]) -> str:
    """Seed 002: a department's － does not pull a grade down; the lower letter wins; missing -> ''."""
    if not grades or "" in grades:
        return ""
    letters = [g for g in grades if g != "－"]
    return min(letters, key=RANK.get) if letters else "－"


def recount(path) -> dict[str, Counter]:
    """Goal number -> Counter of grades (re-listings included), plus '*' for all actions without re-listings."""
    wb = openpyxl.load_workbook(path)
    plan_rows = list(wb["計画"].iter_rows(values_only=True))
    head = list(plan_rows[0])
    goal_i, code_i, relist_i, dept_i = (head.index(h) for h in ("基本目標番号", "取組番号", "再掲元", "担当課"))
    actions = {str(r[code_i]): (str(r[goal_i]), bool(r[relist_i])) for r in plan_rows[1:] if r[code_i]}
    owners = {str(r[code_i]): [d.strip() for d in str(r[dept_i]).split("、")] for r in plan_rows[1:] if r[code_i]}
    grades: dict[str, dict[str, str]] = {code: {} for code in actions}
    departments = [r[0] for r in wb["担当課"].iter_rows(min_row=2, values_only=True) if r[0]]
    for department in departments:
        ws = wb[department]
        rows = list(ws.iter_rows(values_only=True))
        header_at = next(i for i, r in enumerate(rows) if r[0] == "行キー")
        header = ["".join(str(v or "").split()) for v in rows[header_at]]
        grade_i = header.index("自己評価")
        for r in rows[header_at + 1:]:
            if r[0] and "#" not in str(r[0]):
                grades[str(r[0])][department] = _grade(r[grade_i])
    result: dict[str, Counter] = {"*": Counter()}
    for code, (goal, relisting) in actions.items():
        grade = _combine([grades[code].get(d, "") for d in owners[code]])
        result.setdefault(goal, Counter())[grade] += 1
        if not relisting:
            result["*"][grade] += 1
    return result


def test_counts_equal_a_recount_from_the_workbook(summary_doc, master_path):
    expected = recount(master_path)
    goal_table = next(t for t in tables_with_header(summary_doc, "区分")
                      if table_rows(t)[1][0].startswith("基本目標"))
    header = table_rows(goal_table)[0]
    assert header == ["区分", "取組数", "A", "B", "C", "－", "未評価"]
    order = ["A", "B", "C", "－", ""]
    seen = 0
    for row in table_rows(goal_table)[1:]:
        if row[0] == "合計":
            continue
        goal = row[0].removeprefix("基本目標").split("　")[0]
        counts = expected[goal]
        assert leading_number(row[1]) == sum(counts.values())
        assert [leading_number(c) for c in row[2:]] == [counts[g] for g in order], goal
        seen += 1
    assert seen == 5
    overall = next(t for t in tables_with_header(summary_doc, "区分") if table_rows(t)[1][0] == "計画全体")
    row = table_rows(overall)[1]
    assert [leading_number(c) for c in row[1:]] == [sum(expected["*"].values())] + [expected["*"][g] for g in order]


def test_recount_is_not_trivial(master_path):
    """The sample has every grade, a combined B+－, an A+C and ungraded actions, so the recount means something."""
    counts = recount(master_path)["*"]
    assert all(counts[g] for g in ("A", "B", "C", "－", ""))


def test_key_figures_and_title(summary_doc):
    text = paragraphs(summary_doc)
    assert text[:2] == ["狛江市第1次再犯防止推進計画", "令和6年度 進捗状況（概要）（案）"]   # 指導室 has not reported
    assert "令和7年7月1日　狛江市" in text
    assert "・担当課からの報告：5 課中 4 課（未提出：指導室）" in text
    assert "・計画に掲げる取組：30 件（再掲を除く。定量的評価 1 件、定性的評価 29 件）" in text


def test_chart_is_embedded(summary_doc):
    shapes = summary_doc.inline_shapes
    assert len(shapes) == 1
    assert 100 <= shapes[0].width.mm <= 120


def test_highlights_are_the_a_actions_and_attention_the_c_and_dash(summary_doc, master_path):
    summary = Master.open(master_path).summary()
    highlights = tables_with_header(summary_doc, "番号")[0]
    attention = tables_with_header(summary_doc, "番号")[1]
    shown = [p.action.code for p in summary.highlighted()][:context.MAX_HIGHLIGHTS]  # all have numbers
    assert [r[0] for r in table_rows(highlights)[1:]] == shown
    rows = table_rows(attention)[1:]
    needing = summary.needing_attention()
    assert [(r[0], r[2]) for r in rows] == [(p.action.code, p.grade) for p in needing][:context.MAX_ATTENTION]
    assert all(r[3].startswith("理由：") for r in rows)
    assert "4-2-2" in [r[0] for r in rows]   # A and C from two departments give C
    notes = [t for t in paragraphs(summary_doc) if t.startswith("ほか ")]
    assert notes == [f"ほか {len(summary.highlighted()) - len(shown)} 件（再掲を除く。全件は進捗状況報告書を参照）",
                     f"ほか {len(needing) - len(rows)} 件（再掲を除く。全件は進捗状況報告書を参照）"]


def test_long_lists_are_cut_with_a_pointer_to_the_report(master_path, tmp_path, monkeypatch):
    monkeypatch.setattr(context, "MAX_HIGHLIGHTS", 3)
    master = Master.open(master_path)
    out = write_committee_summary(master.summary(), master.plan, master.settings, tmp_path / "s.docx", today=DAY)
    from docx import Document

    doc = Document(str(out))
    shown = len(table_rows(tables_with_header(doc, "番号")[0])) - 1
    assert shown == 3
    total = len(master.summary().highlighted())
    assert f"ほか {total - 3} 件（再掲を除く。全件は進捗状況報告書を参照）" in paragraphs(doc)


def test_points_for_the_committee_name_the_c_and_dash_actions(summary_doc):
    line = next(p for p in paragraphs(summary_doc) if p.startswith("（2）"))
    assert "1-2-2" in line and "4-2-2" in line
    assert "{{" not in all_text(summary_doc)


def test_every_count_of_actions_says_whether_relistings_are_in(tmp_path):
    """All unanswered: 30 actions without the three (再掲), 33 with them; both numbers are labelled."""
    from docx import Document

    from workbook.files.master import build_master
    from workbook.files.sample import komae_plan, komae_settings

    master = Master.open(build_master(komae_plan(), komae_settings(), tmp_path / "empty.xlsm"))
    out = write_committee_summary(master.summary(), master.plan, master.settings, tmp_path / "s.docx", today=DAY)
    text = paragraphs(Document(str(out)))
    grades = next(t for t in text if t.startswith("・達成度（"))
    assert grades.startswith("・達成度（再掲を除く。") and "未評価\u00a030（100％）" in grades   # kept on one line
    ungraded = next(t for t in text if t.startswith("・達成度が未記入の取組"))
    assert ungraded.startswith("・達成度が未記入の取組：30 件（再掲を除く。再掲を含めると 33 件。")


# --- the meeting, the draft and the sample marks ---------------------------------------------------------
MEETING = {"meeting_document_number": "資料2", "meeting_name": "令和7年度第1回 狛江市民福祉推進委員会",
           "meeting_date": "令和7年7月10日（木）"}


def test_the_first_pages_header_carries_the_meeting_from_the_settings(master_path, tmp_path):
    from dataclasses import replace

    from docx.oxml.ns import qn

    from .docx_read import header_texts, open_docx

    master = Master.open(master_path)
    settings = replace(master.settings, **MEETING)
    doc = open_docx(write_committee_summary(master.summary(), master.plan, settings, tmp_path / "s.docx", today=DAY))
    section = doc.sections[0]
    assert section._sectPr.find(qn("w:titlePg")) is not None
    first = [p.text for p in section.first_page_header.paragraphs]
    assert first == ["（案）　資料2", "令和7年度第1回 狛江市民福祉推進委員会　令和7年7月10日（木）"]
    assert [p.text for p in section.header.paragraphs] == ["（案）　資料2"]      # the pages after the first
    assert "- 1 -" in [p.text for p in section.first_page_footer.paragraphs]
    assert "（案）　資料2" in header_texts(doc)


def test_without_a_meeting_the_header_says_only_shiryo(summary_doc):
    section = summary_doc.sections[0]
    assert [p.text for p in section.first_page_header.paragraphs] == ["（案）　資料", ""]


def test_a_draft_lists_what_is_open_at_the_end(summary_doc):
    text = paragraphs(summary_doc)
    start = text.index("付録　未了の事項")
    assert text[start + 1].startswith("この資料は案です。")
    assert text[start + 2:] == ["・未提出の担当課（1 課）：指導室",
                                "・達成度が未記入の取組 3 件（再掲を含めても同じ）：3-4-1、3-4-2、5-1-1"]


def test_sample_data_says_so_in_the_title_and_the_headers(master_path, tmp_path):
    from dataclasses import replace

    from .docx_read import header_texts, open_docx

    master = Master.open(master_path)
    settings = replace(master.settings, sample=True, **MEETING)
    doc = open_docx(write_committee_summary(master.summary(), master.plan, settings, tmp_path / "s.docx", today=DAY))
    text = paragraphs(doc)
    assert text[1] == "【サンプル】令和6年度 進捗状況（概要）（案）"
    assert sum("デモのために作った架空のもの" in t for t in text) == 1
    assert set(h for h in header_texts(doc) if h.endswith("資料2")) == {"【サンプル】（案）　資料2"}


def test_a_final_summary_has_neither_mark_nor_appendix(tmp_path):
    from .docx_read import open_docx

    master = Master.open(filled_master(tmp_path, missing=()))
    doc = open_docx(write_committee_summary(master.summary(), master.plan, master.settings, tmp_path / "s.docx",
                                            today=DAY))
    text = all_text(doc)
    assert "（案）" not in text and "付録" not in text and "サンプル" not in text


def test_a_tighter_fit_shortens_the_lists_and_the_chart(master_path, tmp_path):
    from .docx_read import open_docx

    master = Master.open(master_path)
    doc = open_docx(write_committee_summary(master.summary(), master.plan, master.settings, tmp_path / "s.docx",
                                            today=DAY, fit=3))
    assert summary_doc_width(doc) == 80
    highlights = next(t for t in tables_with_header(doc, "番号") if table_rows(t)[0][2] == "実績・成果")
    assert len(table_rows(highlights)) - 1 == 2
    assert any(p.startswith("ほか ") and "全件は進捗状況報告書を参照" in p for p in paragraphs(doc))


def summary_doc_width(doc) -> int:
    return round(doc.inline_shapes[0].width.mm)
