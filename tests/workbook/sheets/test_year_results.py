"""年度別実績: the records of a closed year, made from the one aggregation, written and read back."""
from __future__ import annotations

from openpyxl import Workbook

from tests.workbook.returns_kit import small_plan, small_settings
from workbook.domain.progress import summarize
from workbook.domain.returns import Entry
from workbook.domain.year_results import IndicatorResult, YearResult, differences, results_of_year
from workbook.ooxml.values import SheetValues
from workbook.sheets.year_results_sheet import headers, results_from_rows, write_year_results

POLICY, CONSULT = "福祉政策課", "福祉相談課"


def _summary():
    plan = small_plan()
    entries = {
        (POLICY, "1-1-1"): Entry("1-1-1", POLICY, values={"content": "チラシを作成", "result": "500部", "grade": "Ａ",
                                                          "reason": "予定を超えた", "issues": "配架先", "next": "継続",
                                                          "budget": 120}),
        (POLICY, "1-1-2"): Entry("1-1-2", POLICY, values={"content": "会議", "result": "2回", "grade": "B"}),
        (CONSULT, "1-1-2"): Entry("1-1-2", CONSULT, values={"content": "会議に参加", "result": "2回", "grade": "C",
                                                            "reason": "1回欠席"}),
        (CONSULT, "1-1-3"): Entry("1-1-3", CONSULT, values={"content": "相談", "result": "95件", "grade": "B",
                                                            "budget": "1,500"}, actuals={1: 95}),
    }
    return summarize(plan, entries, small_settings(plan), [POLICY, CONSULT],
                     {"1-1-2": ("連携は進んだ", "会議の回数を増やすこと")})


def test_one_record_per_action_and_department_with_the_years_values():
    results = results_of_year(_summary(), {POLICY: "受理", CONSULT: "要修正"})
    assert [(r.action_code, r.department) for r in results] == [
        ("1-1-1", POLICY), ("1-1-2", POLICY), ("1-1-2", CONSULT), ("1-1-3", CONSULT)]
    first = results[0]
    assert (first.fiscal_year, first.target, first.grade, first.consolidated) == (6, "チラシの作成", "A", "A")
    assert (first.text("content"), first.text("next"), first.budget, first.status) == ("チラシを作成", "継続", 120.0, "受理")
    shared = [r for r in results if r.action_code == "1-1-2"]
    assert [(r.grade, r.consolidated) for r in shared] == [("B", "C"), ("C", "C")]       # 低い方
    assert {(r.internal_evaluation, r.committee_opinion) for r in shared} == {("連携は進んだ", "会議の回数を増やすこと")}
    assert results[3].indicators == (IndicatorResult("相談件数", "件", 100.0, 95.0),)
    assert results[3].budget == 1500.0 and results[3].status == "要修正"


def _written_and_read(tmp_path, results):
    """The rows of 年度別実績 written with these results into a saved book, read back."""
    wb = Workbook()
    ws = wb.active
    ws.title = "年度別実績"
    write_year_results(ws, results)
    wb.save(tmp_path / "book.xlsx")
    return SheetValues.open(tmp_path / "book.xlsx").rows("年度別実績")


def test_the_sheet_gives_back_what_was_written(tmp_path):
    kept = [YearResult(5, "9-9-9", "前の年度", POLICY, grade="B", consolidated="B",
                       indicators=(IndicatorResult("a", "人", 1.0, 2.0), IndicatorResult("b", "%", 45.5, None)))]
    results = results_of_year(_summary(), {POLICY: "受理", CONSULT: "未提出"}) + kept
    rows = _written_and_read(tmp_path, results)
    assert rows[0] == headers(results)
    assert [str(v) for v in rows[0][-8:]] == ["指標1", "指標1 単位", "指標1 目標値", "指標1 実績値",
                                            "指標2", "指標2 単位", "指標2 目標値", "指標2 実績値"]
    assert rows[1][0] == "令和5年度"                                    # sorted by year
    back = results_from_rows(rows)
    assert back == kept + results[:-1]
    assert differences(back, kept + results[:-1]) == []


def test_differences_name_the_action_department_and_field():
    results = results_of_year(_summary(), {})
    changed = [results[0].__class__(**{**results[0].__dict__, "grade": "C"})] + results[1:-1]
    found = differences(results, changed)
    assert found == ["1-1-1 福祉政策課 自己評価：「A」→「C」", "1-1-3 福祉相談課：年度末の控えにありません"]


def test_a_sheet_sorted_by_hand_reads_the_same_records():
    results = results_of_year(_summary(), {})
    wb = Workbook()
    write_year_results(wb.active, results)
    rows = [[c.value for c in row] for row in wb.active.iter_rows()]
    order = [3, 1, 4, 2]
    shuffled = [rows[0]] + [rows[i] for i in order]
    assert sorted(results_from_rows(shuffled), key=lambda r: r.key) == sorted(results, key=lambda r: r.key)


def _with_proposals():
    summary = _summary()
    entry = summary.actions[0].entries[POLICY]
    entry.values.update(response="配架先を増やした", next_plan_1="配架先を広げる", next_budget_1="１５０",
                        next_plan_2="継続する", next_budget_2=160, direction="拡充")
    return summary


def test_a_record_keeps_the_answer_to_the_opinions_and_the_proposals(tmp_path):
    results = results_of_year(_with_proposals(), {POLICY: "受理", CONSULT: "受理"})
    first = results[0]
    assert first.proposals == {"response": "配架先を増やした", "next_plan_1": "配架先を広げる", "next_budget_1": 150.0,
                               "next_plan_2": "継続する", "next_budget_2": 160.0, "direction": "拡充"}
    assert results[1].proposals == {"response": "", "next_plan_1": "", "next_budget_1": None, "next_plan_2": "",
                                    "next_budget_2": None, "direction": ""}
    rows = _written_and_read(tmp_path, results)
    assert [str(v) for v in rows[0][16:22]] == ["意見への対応", "次年度の取組（要求）", "次年度 事業費（千円・要求額）",
                                             "翌々年度の取組（見込み）", "翌々年度 事業費（千円・見込み）", "今後の方針"]
    assert results_from_rows(rows) == results
    changed = [results[0].__class__(**{**results[0].__dict__, "proposals": {**first.proposals, "direction": "継続"}})]
    assert differences(results[:1], changed) == ["1-1-1 福祉政策課 今後の方針：「拡充」→「継続」"]


def test_a_sheet_written_before_the_proposal_columns_still_reads(tmp_path):
    """年度別実績 as a master closed before template 2026.3 wrote it: the proposal columns absent."""
    results = results_of_year(_summary(), {POLICY: "受理", CONSULT: "受理"})
    wb = Workbook()
    ws = wb.active
    ws.title = "年度別実績"
    write_year_results(ws, results)
    ws.delete_cols(17, 6)              # 意見への対応 … 今後の方針: the indicator columns move left
    wb.save(tmp_path / "old.xlsx")
    rows = SheetValues.open(tmp_path / "old.xlsx").rows("年度別実績")
    assert "意見への対応" not in rows[0] and rows[0][16] == "指標1"
    assert results_from_rows(rows) == results


def test_the_header_row_is_tall_enough_for_its_longest_header(tmp_path):
    """翌々年度 事業費（千円・見込み） takes four lines in its 9-wide column: the row is made that tall."""
    from openpyxl import load_workbook

    _written_and_read(tmp_path, results_of_year(_summary(), {POLICY: "受理", CONSULT: "受理"}))
    ws = load_workbook(tmp_path / "book.xlsx")["年度別実績"]
    assert ws.row_dimensions[1].height >= 4 * 14
