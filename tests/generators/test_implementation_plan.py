"""実施計画（案）: built from the plan, the closed years and the departments' proposals; the Word and the
.xlsx read back (python-docx, openpyxl) against the values given."""
from __future__ import annotations

import datetime as dt
from dataclasses import replace

import openpyxl

from generators.implementation_doc import write_implementation_doc
from tests.workbook.returns_kit import small_plan, small_settings
from workbook.domain.implementation_plan import BLANK, OUTLOOK, PLAN, REQUESTED, implementation_plan
from workbook.domain.plan import Measure
from workbook.domain.progress import summarize
from workbook.domain.returns import Entry
from workbook.domain.year_results import YearResult
from workbook.files.implementation_book import write_implementation_book

from .docx_read import all_text, open_docx, table_rows

POLICY, CONSULT = "福祉政策課", "福祉相談課"
DAY = dt.date(2025, 7, 1)


def _draft():
    """R7 reported, R6 closed; 1-1-1 with the plan's R8–R10 and 事業費, 1-1-3 proposed by its department."""
    plan = small_plan()
    plan.measures[:] = [Measure("1-1", "相談窓口の周知", "1", direction="多様な方法で周知します。")]
    plan.actions[:] = [replace(a, targets={**a.targets, 7: f"{a.code} R7", 8: f"{a.code} R8", 9: f"{a.code} R9"},
                               budgets={8: 150.0, 9: 160.0} if a.code == "1-1-1" else {}) for a in plan.actions]
    plan.fiscal_years = (6, 7, 8, 9)
    entries = {
        (POLICY, "1-1-1"): Entry("1-1-1", POLICY, values={"result": "チラシ 2,000部", "grade": "B"}),
        (CONSULT, "1-1-3"): Entry("1-1-3", CONSULT, values={
            "result": "相談 120件", "grade": "A", "next_plan_1": "相談会を年4回に拡充", "next_budget_1": "1,200",
            "next_plan_2": "相談会を年6回に拡充", "next_budget_2": 1500, "direction": "拡充",
            "response": "委員会の意見を受け、夜間の相談会を設けた。"}),
    }
    summary = summarize(plan, entries, small_settings(plan, 7), [POLICY, CONSULT])
    closed = [YearResult(6, "1-1-1", "相談窓口の周知", POLICY, texts={"result": "チラシ 1,000部"}),
              YearResult(6, "1-1-3", "相談件数の拡大", CONSULT, texts={"result": "相談 95件"})]
    return plan, implementation_plan(plan, summary, closed, (6, 7, 8))


def test_the_draft_takes_the_plans_values_and_the_departments_proposals():
    plan, ip = _draft()
    assert (ip.past_years, ip.window, ip.end_year) == ((6, 7), (8, 9, 10), 8)
    rows = {r.action.code: r for b in ip.blocks for r in b.rows}
    assert rows["1-1-1"].results == {6: "チラシ 1,000部", 7: "チラシ 2,000部"}
    assert [(w.year, w.text, w.budget, w.source) for w in rows["1-1-1"].work] == [
        (8, "1-1-1 R8", 150.0, PLAN), (9, "1-1-1 R9", 160.0, PLAN), (10, "", None, PLAN)]
    assert [(w.text, w.budget, w.source) for w in rows["1-1-3"].work] == [
        ("相談会を年4回に拡充", 1200.0, REQUESTED), ("相談会を年6回に拡充", 1500.0, OUTLOOK), ("", None, PLAN)]
    assert (rows["1-1-3"].direction, rows["1-1-3"].response) == ("拡充", "委員会の意見を受け、夜間の相談会を設けた。")
    assert rows["1-1-1"].response == ""
    assert (ip.budget_total(8), ip.budget_total(10)) == (1350.0, None)      # R10: nobody gives one


def test_word_and_excel_show_every_measure_the_years_and_the_budgets(tmp_path):
    plan, ip = _draft()
    settings = replace(small_settings(plan, 7), sample=True)
    doc = open_docx(write_implementation_doc(ip, settings, tmp_path / "plan.docx", today=DAY))
    text = all_text(doc)
    assert "【サンプル】実施計画（案）" in text and "令和8年度改定案" in text
    assert "1-1　相談窓口の周知" in text and "多様な方法で周知します。" in text
    reach = next(r for t in doc.tables for r in table_rows(t) if r[0].startswith("計画期間終了時点"))
    assert reach == ["計画期間終了時点（令和8年度）の到達目標", BLANK]       # the plan gives none: never invented
    totals = next(table_rows(t) for t in doc.tables if table_rows(t)[0][0] == "年度")
    assert totals == [["年度", "令和8年度", "令和9年度", "令和10年度"], ["事業費の合計（千円）", "1,350", "1,660", BLANK]]
    actions = next(table_rows(t) for t in doc.tables if table_rows(t)[0][0] == "取組番号")
    assert actions[0][2:] == ["取組状況\nR6", "取組状況\nR7", "R8の取組\n（事業費）", "R9の取組\n（事業費）",
                              "R10の取組\n（事業費）"]
    by_code = {r[0]: r for r in actions[1:]}
    assert by_code["1-1-1"][4] == "1-1-1 R8\n（事業費 150千円）"
    assert by_code["1-1-3"][4] == "（要求）相談会を年4回に拡充\n（事業費 1,200千円・要求）"
    assert by_code["1-1-3"][5] == "（見込み）相談会を年6回に拡充\n（事業費 1,500千円・見込み）"
    assert by_code["1-1-3"][6] == BLANK
    assert by_code["1-1-3"][3] == "相談 120件\n〔意見への対応〕委員会の意見を受け、夜間の相談会を設けた。"

    book = openpyxl.load_workbook(write_implementation_book(ip, tmp_path / "plan.xlsx", plan.name, "【サンプル】",
                                                            "サンプル：架空のデータ"))
    ws = book["実施計画（案）"]
    assert ws["A1"].value == f"【サンプル】{plan.name}　実施計画（案）"
    heads = [c.value for c in ws[5]]
    assert heads[:5] == ["項目コード", "施策・重点取組", "担当課", "取組状況（R6）", "取組状況（R7）"]
    assert heads[5:11] == ["R8の取組", "R8の事業費（千円）", "R9の取組", "R9の事業費（千円）", "R10の取組",
                           "R10の事業費（千円）"]
    rows = {r[0].value: r for r in ws.iter_rows(min_row=6) if r[0].value}
    assert "1-1" in rows and rows["1-1"][3].value.startswith("施策の方向性：多様な方法で周知します。")
    assert rows["1-1-1"][6].value == 150 and rows["1-1-1"][8].value == 160
    assert rows["1-1-3"][6].value == 1200 and rows["1-1-3"][6].number_format.endswith('"（要求）"')
    assert rows["1-1-3"][8].value == 1500 and rows["1-1-3"][8].number_format.endswith('"（見込み）"')
    assert rows["1-1-3"][11].value == "拡充" and heads[11:] == ["今後の方針", "意見への対応"]
    assert rows["1-1-3"][12].value == "委員会の意見を受け、夜間の相談会を設けた。"
    assert ws.oddHeader.center.text == "サンプル：架空のデータ"


def test_a_plan_file_gives_each_measure_its_direction_and_reach(tmp_path):
    from workbook.files.master import build_master
    from workbook.files.plan_import import import_plan
    from workbook.files.snapshot import MasterSnapshot

    path = tmp_path / "plan.csv"
    path.write_text("基本目標番号,基本目標,施策番号,施策,取組番号,重点取組,担当課,取組目標(R6),施策の方向性,"
                    "計画期間終了時点の到達目標\n"
                    "1,相談,1-1,周知,1-1-1,窓口の周知,福祉政策課,チラシ,,\n"
                    "1,相談,1-1,周知,1-1-2,窓口の明確化,福祉政策課,一覧,分かりやすく周知します。,"
                    "相談先が市民に知られている。\n"
                    "1,相談,1-2,連携,1-2-1,連携体制,福祉政策課,会議,,\n", encoding="utf-8")
    plan = import_plan(path, "テスト市", "テスト計画")
    assert [(m.code, m.direction, m.reach) for m in plan.measures] == [
        ("1-1", "分かりやすく周知します。", "相談先が市民に知られている。"), ("1-2", "", "")]
    master = build_master(plan, small_settings(plan), tmp_path / "master.xlsx")
    assert MasterSnapshot.read(master).plan.measures == plan.measures
    # the section can also type them on the master's 計画 sheet, in the column of that name
    book = openpyxl.load_workbook(master)
    ws = book["計画"]
    heads = [c.value for c in ws[1]]
    ws.cell(row=4, column=heads.index("施策の方向性") + 1, value="関係機関と連携します。")
    book.save(master)
    assert MasterSnapshot.read(master).plan.measure("1-2").direction == "関係機関と連携します。"


def test_a_proposal_never_hides_the_plans_budget_and_a_relisting_is_counted_once():
    """1-1-2 is shared: 福祉政策課 asks 500千円 for R8, 福祉相談課 proposes a 取組 only. The plan's 事業費
    (the action's, 200) stays and the request is named beside it; only when both ask is their sum shown.
    2-1-1 repeats 1-1-1 (再掲) with the same 事業費: the total counts it once."""
    plan = small_plan()
    relisted = replace(plan.actions[0], code="2-1-1", measure_code="1-1", relisted_from="1-1-1", order=9)
    plan.actions[:] = [replace(a, targets={**a.targets, 8: f"{a.code} R8"}, budgets={8: 200.0 if a.code == "1-1-2" else 100.0})
                       for a in plan.actions + [relisted]]
    plan.fiscal_years = (6, 7, 8)
    answers = {(POLICY, "1-1-2"): {"next_budget_1": 500}, (CONSULT, "1-1-2"): {"next_plan_1": "会議を年4回に"}}
    entries = {(d, c): Entry(c, d, values={"result": "実施", "grade": "B", **v}) for (d, c), v in answers.items()}
    ip = implementation_plan(plan, summarize(plan, entries, small_settings(plan, 7), [POLICY, CONSULT]), [], (6, 7, 8))
    rows = {r.action.code: r for b in ip.blocks for r in b.rows}
    first = rows["1-1-2"].work[0]
    assert (first.text, first.text_source, first.budget, first.source) == (
        f"【{CONSULT}】会議を年4回に", REQUESTED, 200.0, PLAN)
    assert first.other_amounts == f"要求額 {POLICY} 500千円"
    assert ip.budget_total(8) == 100.0 + 200.0 + 100.0          # 1-1-1, 1-1-2, 1-1-3; not 2-1-1 again

    answers[(CONSULT, "1-1-2")]["next_budget_1"] = 80              # both ask: their sum replaces the plan's
    entries = {(d, c): Entry(c, d, values={"result": "実施", "grade": "B", **v}) for (d, c), v in answers.items()}
    ip = implementation_plan(plan, summarize(plan, entries, small_settings(plan, 7), [POLICY, CONSULT]), [], (6, 7, 8))
    first = next(r for b in ip.blocks for r in b.rows if r.action.code == "1-1-2").work[0]
    assert (first.budget, first.source, first.other_amounts) == (580.0, REQUESTED, "")
