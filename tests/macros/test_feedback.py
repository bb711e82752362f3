"""Feedback to departments and their proposals (template 2026.3): last year's 内部評価/委員会意見 shown
read-only in the next year's files, 意見への対応 and the next two years' 取組・事業費 collected, 今後の方針
in the plan's last year, and files and sheets of the template before still read."""
from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from macros.collect import run_collect
from macros.distribute import run_distribute
from tests.macros.city import CONSULT, POLICY, City
from tests.macros.test_next_year import a_full_year
from tests.workbook.returns_kit import fill, good_values, make_return, set_saved_time, small_plan, small_settings
from workbook.files.department_file import file_name, read_department_file
from workbook.files.master import Master, build_master
from workbook.files.snapshot import MasterSnapshot
from workbook.domain.problems import REPORT_COLUMNS
from workbook.sheets.layout import (COLUMNS, DATA_SHEET, FIRST_ROW, HEADER_ROW, HELPER_HEADER, IDENTITY_SHEET,
                                    TEMPLATE_VERSION, col_letter, col_number)

OPINION = ("連携は進んだ", "会議の回数を増やすこと")     # 令和6年度's 内部評価 and 委員会意見 of 1-1-2


@pytest.fixture
def city(tmp_path):
    return City(tmp_path, vba=True)


def rows_of(ws) -> dict[str, int]:
    return {ws.cell(row=r, column=1).value: r for r in range(FIRST_ROW, ws.max_row + 1) if ws.cell(row=r, column=1).value}


def closed_and_distributed(city: City) -> Path:
    """令和6年度 answered, 1-1-2 evaluated, closed; 令和7年度 distributed. The 配布 folder."""
    a_full_year(city)                    # evaluates 1-1-2 with OPINION
    city.close_year()
    run_distribute(city.master)
    return city.root / "配布"


def test_the_next_years_file_shows_last_years_evaluations_read_only(city):
    folder = closed_and_distributed(city)
    # the master's department sheets keep them, beside each department's row of the action
    book = city.book()
    for department in (POLICY, CONSULT):
        ws = book[department]
        r = rows_of(ws)["1-1-2"]
        assert (ws.cell(row=r, column=col_number("prev_internal")).value,
                ws.cell(row=r, column=col_number("prev_committee")).value) == OPINION

    path = folder / file_name(city.settings, POLICY)
    ws = openpyxl.load_workbook(path)[DATA_SHEET]
    rows = rows_of(ws)
    assert ws.protection.sheet
    for key, expected in (("1-1-2", OPINION), ("1-1-1", (None, None))):
        internal = ws[f"{col_letter('prev_internal')}{rows[key]}"]
        committee = ws[f"{col_letter('prev_committee')}{rows[key]}"]
        assert (internal.value, committee.value) == expected
        assert internal.protection.locked and committee.protection.locked
        assert not ws[f"{col_letter('response')}{rows[key]}"].protection.locked
    for key in ("prev_internal", "prev_committee", "response", "next_plan_1", "next_budget_2"):
        assert not ws.column_dimensions[col_letter(key)].hidden, key
    # the proposals name their years; 今後の方針 waits for the plan's last year (令和8年度): hidden, locked
    header = {key: ws.cell(row=HEADER_ROW, column=col_number(key)).value.replace("\n", "")
              for key in ("next_plan_1", "next_plan_2")}
    assert header == {"next_plan_1": "令和8年度の取組（要求）", "next_plan_2": "令和9年度の取組（見込み）"}
    assert ws.column_dimensions[col_letter("direction")].hidden
    assert ws[f"{col_letter('direction')}{rows['1-1-2']}"].protection.locked
    assert ws[f"{col_letter('next_budget_1')}{rows['1-1-2']}"].number_format == "#,##0.##"
    ret = read_department_file(path)
    assert ret.identity.template_version == TEMPLATE_VERSION == "2026.3"
    assert (ret.entries["1-1-2"].prev_internal, ret.entries["1-1-2"].prev_committee) == OPINION


def test_answers_and_proposals_reach_the_master_and_after_next_year_the_year_results(city):
    folder = closed_and_distributed(city)
    inbox = city.inbox
    values = good_values(city.plan, POLICY, 7)
    values["1-1-2"].update(response="会議を年4回に増やした", next_plan_1="連携会議を年4回開く", next_budget_1="３００",
                           next_plan_2="連携会議を継続する", next_budget_2=320)
    fill(folder / file_name(city.settings, POLICY), values, out=inbox / "policy.xlsx")
    fill(folder / file_name(city.settings, CONSULT), good_values(city.plan, CONSULT, 7), out=inbox / "consult.xlsx")
    run_collect(city.master, None)

    ws = city.book()[POLICY]
    r = rows_of(ws)["1-1-2"]
    got = {key: ws.cell(row=r, column=col_number(key)).value
           for key in ("response", "next_plan_1", "next_budget_1", "next_plan_2", "next_budget_2")}
    assert got == {"response": "会議を年4回に増やした", "next_plan_1": "連携会議を年4回開く", "next_budget_1": 300,
                   "next_plan_2": "連携会議を継続する", "next_budget_2": 320}
    entry = Master.open(city.master).entries_of(POLICY)["1-1-2"]
    assert entry.values["next_budget_1"] == 300 and entry.values["response"] == "会議を年4回に増やした"
    assert (entry.prev_internal, entry.prev_committee) == OPINION
    # 福祉相談課 left 意見への対応 empty although 1-1-2 had opinions: a warning on that cell, still 受理
    consult_row = rows_of(city.book()[CONSULT])["1-1-2"]
    assert ("response-missing", CONSULT, f"{col_letter('response')}{consult_row}") in city.checks()
    assert ("response-missing", POLICY, f"{col_letter('response')}{r}") not in city.checks()
    assert city.status()[CONSULT][2] == "受理"

    city.close_year()                    # 令和7年度 closed: its row keeps the answer and the proposals
    kept = {(x.fiscal_year, x.action_code, x.department): x for x in MasterSnapshot.read(city.master).year_results()}
    assert kept[(7, "1-1-2", POLICY)].proposals == {
        "response": "会議を年4回に増やした", "next_plan_1": "連携会議を年4回開く", "next_budget_1": 300.0,
        "next_plan_2": "連携会議を継続する", "next_budget_2": 320.0, "direction": ""}
    assert kept[(6, "1-1-2", POLICY)].proposals["response"] == ""
    assert kept[(6, "1-1-2", POLICY)].internal_evaluation == OPINION[0]


def last_year_city(root: Path) -> tuple:
    """A master of the small plan in its last fiscal year (令和8年度), and its inbox."""
    plan = small_plan()
    settings = small_settings(plan, 8)
    master = build_master(plan, settings, root / "master.xlsm")
    return plan, settings, master, root / "回収"


def test_a_bad_direction_and_an_amount_not_a_number_are_flagged_with_their_cells_and_not_merged(tmp_path):
    plan, settings, master, inbox = last_year_city(tmp_path)
    path = make_return(plan, settings, inbox, POLICY, {
        "1-1-1": {"direction": "やめる", "next_budget_1": "未定", "next_plan_1": "チラシを改訂する"},
        "1-1-2": {"direction": "拡充", "next_budget_1": "１２０千円", "next_budget_2": "1,500"}})
    ws = openpyxl.load_workbook(path)[DATA_SHEET]
    rows = rows_of(ws)
    assert not ws.column_dimensions[col_letter("direction")].hidden            # the plan's last year
    assert not ws[f"{col_letter('direction')}{rows['1-1-1']}"].protection.locked
    lists = [dv for dv in ws.data_validations.dataValidation if dv.type == "list"]
    assert any(dv.formula1 == '"継続,拡充,見直し,完了"' and col_letter("direction") in str(dv.sqref) for dv in lists)
    run_collect(master, None)

    book = openpyxl.load_workbook(master)
    i = {h: REPORT_COLUMNS.index(h) for h in ("コード", "担当課", "セル")}
    checks = {(r[i["コード"]], r[i["担当課"]], r[i["セル"]]) for r in book["検証結果"].iter_rows(min_row=2, values_only=True)}
    assert ("direction-invalid", POLICY, f"{col_letter('direction')}{rows['1-1-1']}") in checks
    assert ("number-invalid", POLICY, f"{col_letter('next_budget_1')}{rows['1-1-1']}") in checks
    fields = {r[REPORT_COLUMNS.index("項目")] for r in book["検証結果"].iter_rows(min_row=2, values_only=True)
              if r[REPORT_COLUMNS.index("コード")] == "number-invalid"}
    assert fields == {"令和9年度 事業費（千円・要求額）"}      # named with its year, as the sheet's header
    assert not {c for c in checks if c[2] and c[2].endswith(str(rows["1-1-2"])) and c[0] != "contact-missing"}
    sheet = book[POLICY]
    r1, r2 = rows_of(sheet)["1-1-1"], rows_of(sheet)["1-1-2"]
    cell = lambda key, r: sheet.cell(row=r, column=col_number(key)).value   # noqa: E731
    assert (cell("direction", r1), cell("next_budget_1", r1), cell("next_plan_1", r1)) == (None, None, "チラシを改訂する")
    assert (cell("direction", r2), cell("next_budget_1", r2), cell("next_budget_2", r2)) == ("拡充", 120, 1500)
    assert book["提出状況"]["C2"].value == "要修正"


def test_before_the_last_year_the_direction_column_is_not_checked(city):
    path = city.send(POLICY)
    wb = openpyxl.load_workbook(path)
    ws = wb[DATA_SHEET]
    ws[f"{col_letter('direction')}{FIRST_ROW}"] = "やめる"       # typed with the sheet unprotected
    wb.save(path)
    city.collect()
    assert "direction-invalid" not in {c[0] for c in city.checks()}


def as_template_2026_2(path: Path) -> Path:
    """The file as template 2026.2 made it: the table ends at 前年度 実績・成果 (its 未入力数 column next)."""
    wb = openpyxl.load_workbook(path)
    ws = wb[DATA_SHEET]
    first, count = col_number("prev_internal"), col_number("direction") - col_number("prev_internal") + 1
    ws.delete_cols(first, count)
    assert ws.cell(row=HEADER_ROW, column=first).value == HELPER_HEADER
    for r in range(FIRST_ROW, ws.max_row + 1):
        if ws.cell(row=r, column=1).value:
            ws.cell(row=r, column=first).value = 2       # the helper's count, as Excel saves it
    for row in wb[IDENTITY_SHEET].iter_rows(min_col=1, max_col=3):
        if row[0].value == "template_version":
            row[2].value = "2026.2"
    wb.save(path)
    return path


def test_a_2026_2_return_is_still_collected_and_keeps_what_the_master_has_in_the_new_columns(city):
    city.send(POLICY, {"1-1-1": {"response": "対応した", "next_plan_1": "継続する", "next_budget_1": 200}},
              name="new.xlsx", saved="2026-05-01T10:00:00Z")
    city.collect()
    old = as_template_2026_2(city.send(POLICY, {"1-1-1": {"result": "チラシ 800部"}}, name="old.xlsx"))
    set_saved_time(old, "2026-05-02T10:00:00Z")
    city.collect()
    assert "unknown-template-version" not in {c[0] for c in city.checks()}
    assert city.status()[POLICY][2] == "受理"
    ws = city.book()[POLICY]
    r = rows_of(ws)["1-1-1"]
    values = {key: ws.cell(row=r, column=col_number(key)).value
              for key in ("result", "response", "next_plan_1", "next_budget_1", "prev_internal")}
    assert values == {"result": "チラシ 800部", "response": "対応した", "next_plan_1": "継続する",
                      "next_budget_1": 200, "prev_internal": None}


def test_a_master_whose_department_sheets_are_of_template_2026_2_takes_a_new_return(city):
    master = Master.open(city.master)
    for department in (POLICY, CONSULT):
        ws = master.department_sheet(department)
        first = col_number("prev_internal")
        ws.delete_cols(first, col_number("direction") - first + 1)
        for r in range(FIRST_ROW, ws.max_row + 1):
            if ws.cell(row=r, column=1).value:
                ws.cell(row=r, column=first).value = 3          # the 未入力数 counts Excel saved
    master.save(backup=False)
    snap = MasterSnapshot.read(city.master)
    table = snap.table(POLICY)
    assert not table.current_layout and table.entries["1-1-1"].prev_internal == ""
    assert "response" not in table.entries["1-1-1"].values

    city.send(POLICY, {"1-1-1": {"response": "対応した", "next_budget_2": 90}})
    city.collect()
    ws = city.book()[POLICY]
    r = rows_of(ws)["1-1-1"]
    assert ws.cell(row=HEADER_ROW, column=len(COLUMNS) + 1).value == HELPER_HEADER   # rewritten in the current layout
    assert (ws.cell(row=r, column=col_number("response")).value,
            ws.cell(row=r, column=col_number("next_budget_2")).value,
            ws.cell(row=r, column=col_number("prev_internal")).value) == ("対応した", 90, None)


def test_a_master_closed_by_the_version_before_still_shows_last_years_opinions(city):
    """Closed by a version without the 前年度 内部評価/委員会意見 columns: the sheets lack them, and
    the opinions are read from 年度別実績 for the next files."""
    a_full_year(city)
    city.close_year()
    master = Master.open(city.master)
    first = col_number("prev_internal")
    for department in (POLICY, CONSULT):
        master.department_sheet(department).delete_cols(first, col_number("direction") - first + 1)
    master.save(backup=False)
    run_distribute(city.master)
    ret = read_department_file(city.root / "配布" / file_name(city.settings, POLICY))
    assert (ret.entries["1-1-2"].prev_internal, ret.entries["1-1-2"].prev_committee) == OPINION
    assert (ret.entries["1-1-1"].prev_internal, ret.entries["1-1-1"].prev_committee) == ("", "")


def test_what_a_file_holds_in_the_closed_direction_column_is_not_taken(city):
    """今後の方針 is hidden and locked before the period's last year; a file that has something there
    anyway (unprotected and typed) leaves the master's cell as it was."""
    path = city.send(POLICY, {"1-1-1": {"response": "対応した"}})
    wb = openpyxl.load_workbook(path)
    ws = wb[DATA_SHEET]
    r = rows_of(ws)["1-1-1"]
    ws.cell(row=r, column=col_number("direction")).value = "やめる"
    wb.save(path)
    city.collect()
    ws = city.book()[POLICY]
    r = rows_of(ws)["1-1-1"]
    assert ws.cell(row=r, column=col_number("response")).value == "対応した"
    assert ws.cell(row=r, column=col_number("direction")).value is None


@pytest.mark.parametrize("change", ["delete", "insert", "delete-and-insert"])
def test_a_return_with_a_column_deleted_inserted_or_moved_is_not_merged(city, change):
    """A department unprotects its file and deletes the read-only 前年度 内部評価 column (every input after
    it moves one column left), inserts one there (the table is wider), or does both (the width is the
    template's, but the headers no longer are): the file, of template 2026.3, is held whole."""
    path = city.send(POLICY, {"1-1-1": {"response": "チラシを改訂した", "next_plan_1": "配架先を増やす",
                                        "next_budget_1": 300}})
    wb = openpyxl.load_workbook(path)
    ws = wb[DATA_SHEET]
    ws.protection.sheet = False
    if change == "delete":
        ws.delete_cols(col_number("prev_internal"))
    else:
        ws.insert_cols(col_number("prev_internal"))
        if change == "delete-and-insert":
            ws.delete_cols(col_number("prev_committee") + 1)      # the 前年度 委員会意見 column, now one to the right
    wb.save(path)
    city.collect()
    if change == "delete":
        assert ("columns-changed", POLICY, f"{col_letter('code')}{HEADER_ROW}") in city.checks()
    codes = {code for code, d, _ in city.checks() if d == POLICY}
    assert codes & {"columns-changed", "columns-moved"}, codes
    ws = city.book()[POLICY]
    r = rows_of(ws)["1-1-1"]
    for key in ("content", "response", "next_plan_1", "next_plan_2", "next_budget_1"):
        assert ws.cell(row=r, column=col_number(key)).value is None, key


def test_the_excel_button_does_not_write_values_into_an_older_masters_sheets(city):
    """Through the open book only values go in: an older layout's sheets would keep the new columns
    locked and unformatted. The button refuses, saying to collect once from the command line."""
    from macros.excel import XlwingsBook
    from tests.macros import fake_xlwings as fx
    from workbook.errors import MasterError

    master = Master.open(city.master)
    ws = master.department_sheet(POLICY)
    first = col_number("prev_internal")
    ws.delete_cols(first, col_number("direction") - first + 1)
    master.save(backup=False)
    before = city.master.read_bytes()
    city.send(POLICY, {"1-1-1": {"response": "対応した"}})
    fake = fx.Book.open(city.master)
    with pytest.raises(MasterError, match="コマンド プロンプトで一度だけ回収"):
        run_collect(city.master, None, write=XlwingsBook(fake).write_update)
    assert city.master.read_bytes() == before
    city.collect()                         # the command line rewrites the sheets in the current layout
    ws = city.book()[POLICY]
    r = rows_of(ws)["1-1-1"]
    assert ws.cell(row=r, column=col_number("response")).value == "対応した"
    assert not ws.cell(row=r, column=col_number("response")).protection.locked


def test_the_report_shows_the_departments_answer_to_the_opinions(city):
    from macros.report import run_report
    from tests.generators.docx_read import all_text, open_docx

    folder = closed_and_distributed(city)
    values = good_values(city.plan, POLICY, 7)
    values["1-1-2"]["response"] = "会議を年4回に増やした"
    fill(folder / file_name(city.settings, POLICY), values, out=city.inbox / "policy.xlsx")
    fill(folder / file_name(city.settings, CONSULT), good_values(city.plan, CONSULT, 7), out=city.inbox / "c.xlsx")
    run_collect(city.master, None)
    outcome = run_report(city.master, pdf=False)
    report = next(p for p in outcome.files if p.name.endswith("進捗状況報告書.docx"))
    text = all_text(open_docx(report))
    assert "意見への対応：会議を年4回に増やした" in text
    assert text.count("意見への対応") == 1              # only where there is an answer
