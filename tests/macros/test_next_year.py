"""⑥ 年度更新 (next-year) on a small city: what a closed year leaves (年度別実績, the year-end copy), the
master moved on to the next year, each refusal, idempotence, and a revised plan (--plan)."""
from __future__ import annotations

import re
import stat
from dataclasses import replace

import openpyxl
import pytest

from macros.cli import main
from macros.next_year import run_next_year
from macros.validate import run_validate
from tests.macros.city import CONSULT, POLICY, City, with_targets
from tests.workbook.returns_kit import good_values
from workbook.domain.plan import Plan
from workbook.domain.year_results import IndicatorResult, results_of_year
from workbook.errors import MasterError
from workbook.files.master import Master
from workbook.files.snapshot import MasterSnapshot
from workbook.ooxml.buttons import existing_buttons
from workbook.sheets import master_sheets as ms
from workbook.sheets import names, progress_sheet
from workbook.sheets.layout import COLUMNS, CONTACT_NAME_CELL, CONTACT_PHONE_CELL, FIRST_ROW, col_number

COPY = "年度末/master_令和6年度末.xlsm"
CONSULT_CHANGES = {"1-1-2": {"grade": "C", "reason": "会議が1回中止", "issues": "日程調整", "budget": 80},
                   "1-1-3": {"content": "相談会を開いた", "result": "相談 95件", "next": "周知を強める"},
                   "1-1-3#1": {"actual": 95}}
POLICY_CHANGES = {"1-1-1": {"grade": "A", "result": "チラシ 500部を配布", "budget": 150}}


@pytest.fixture
def city(tmp_path):
    return City(tmp_path, vba=True)


def answered(city: City, department: str, changes: dict) -> dict:
    values = good_values(city.plan, department)
    for key, cells in changes.items():
        values.setdefault(key, {}).update(cells)
    return values


def evaluate(city: City, evaluations: dict[str, tuple[str, str]]) -> None:
    """The section types 内部評価 and 委員会意見 into 進捗一覧."""
    master = Master.open(city.master)
    ws = master.wb[names.SHEET_PROGRESS]
    code_col = progress_sheet.PROGRESS_HEADERS.index("取組番号") + 1
    internal, committee = (progress_sheet.PROGRESS_HEADERS.index(n) + 1 for n in progress_sheet.PROGRESS_EDITABLE)
    for r in range(2, ws.max_row + 1):
        if ws.cell(row=r, column=code_col).value in evaluations:
            text = evaluations[ws.cell(row=r, column=code_col).value]
            ws.cell(row=r, column=internal, value=text[0])
            ws.cell(row=r, column=committee, value=text[1])
    master.save(backup=False)


def a_full_year(city: City) -> None:
    city.send(POLICY, POLICY_CHANGES)
    city.send(CONSULT, CONSULT_CHANGES)
    city.collect()
    evaluate(city, {"1-1-2": ("連携は進んだ", "会議の回数を増やすこと")})


def test_closing_r6_keeps_every_answer_a_read_only_copy_and_moves_the_master_to_r7(city):
    a_full_year(city)
    before = city.master.read_bytes()
    buttons = [(b.macro, b.caption) for b in existing_buttons(city.master)]
    outcome = city.close_year()
    assert outcome.lines[0] == "令和6年度を締め、報告対象年度を令和7年度にしました。"

    # 年度別実績: every action × department with the values as answered
    results = {(r.action_code, r.department): r for r in MasterSnapshot.read(city.master).year_results()}
    assert list(results) == [("1-1-1", POLICY), ("1-1-2", POLICY), ("1-1-2", CONSULT), ("1-1-3", CONSULT)]
    for department, changes in ((POLICY, POLICY_CHANGES), (CONSULT, CONSULT_CHANGES)):
        values = answered(city, department, changes)
        for action in city.plan.actions_of(department):
            r, sent = results[(action.code, department)], values[action.code]
            assert (r.fiscal_year, r.target, r.grade, r.status) == (6, action.target_for(6), sent["grade"], "受理")
            assert r.texts == {k: sent[k] for k in ("content", "result", "reason", "issues", "next")}
            assert r.budget == sent["budget"]
    assert [results[("1-1-2", d)].consolidated for d in (POLICY, CONSULT)] == ["C", "C"]       # 低い方
    assert {(results[("1-1-2", d)].internal_evaluation, results[("1-1-2", d)].committee_opinion)
            for d in (POLICY, CONSULT)} == {("連携は進んだ", "会議の回数を増やすこと")}
    assert results[("1-1-3", CONSULT)].indicators == (IndicatorResult("相談件数", "件", 100.0, 95.0),)
    assert results[("1-1-1", POLICY)].internal_evaluation == ""

    # the year-end copy: the master as it was, read-only, a master of 令和6年度
    copy = city.root / COPY
    assert copy.read_bytes() == before and not copy.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    frozen = MasterSnapshot.read(copy)
    assert frozen.settings.fiscal_year == 6 and not frozen.has_sheet(names.SHEET_YEAR_RESULTS)
    assert Master(frozen).summary().actions[1].grade == "C"

    # 設定 and 操作 show 令和7年度; the plan's 令和7年度 targets came from the revised plan
    book = city.book()
    assert book[names.SHEET_SETTINGS]["C4"].value == 7 and "令和7年度" in book[names.SHEET_OPERATIONS]["B2"].value
    assert Master.open(city.master).settings.fiscal_year == 7

    # the inputs are empty for 令和7年度; 自己評価 and 実績・成果 of 令和6年度 in the 前年度 columns
    inputs = [col_number(c.key) for c in COLUMNS if c.editable]
    for department, changes in ((POLICY, POLICY_CHANGES), (CONSULT, CONSULT_CHANGES)):
        ws, values = book[department], answered(city, department, changes)
        assert "令和7年度" in ws.cell(row=6, column=col_number("target")).value
        assert ws[CONTACT_NAME_CELL].value is None and ws[CONTACT_PHONE_CELL].value is None
        for r in range(FIRST_ROW, ws.max_row + 1):
            key = ws.cell(row=r, column=1).value
            assert [ws.cell(row=r, column=c).value for c in inputs] == [None] * len(inputs), (department, key)
            if "#" not in key:
                assert (ws.cell(row=r, column=col_number("prev_grade")).value,
                        ws.cell(row=r, column=col_number("prev_result")).value) == \
                    (values[key]["grade"], values[key]["result"])
                assert ws.cell(row=r, column=col_number("target")).value == f"{city.plan.action(key).target_for(6)}（R7）"
    progress = city.progress()
    assert all(p["内部評価"] is None and p["委員会意見"] is None and p["達成度（統合）"] is None for p in progress.values())
    assert {s[2] for s in city.status().values()} == {"未提出"}
    closing = [r for r in city.rows(names.SHEET_HISTORY) if r[1] == "年度更新"]
    assert [(r[4], r[5], r[6], r[7]) for r in closing] == [("報告対象年度", "令和6年度", "令和7年度", copy.name)]
    assert [(b.macro, b.caption) for b in existing_buttons(city.master)] == buttons

    after = city.master.read_bytes()
    run_validate(city.master)                      # the state next-year leaves is validate's own
    assert city.master.read_bytes() == after


def test_refused_when_the_plan_has_no_target_for_the_new_year(city):
    a_full_year(city)
    before = city.master.read_bytes()
    with pytest.raises(MasterError) as info:
        city.close_year(plan=False)                # small_plan has 取組目標 for 令和6年度 only
    assert "令和7年度の取組目標がない" in str(info.value) and "取組目標(R7)" in str(info.value)
    assert "--plan" in str(info.value)
    assert city.master.read_bytes() == before and not (city.root / "年度末").exists()


def test_refused_while_departments_are_open_and_forced_records_who_was(city):
    city.send(POLICY)
    city.send(CONSULT, {"1-1-2": {"grade": "C", "reason": None}})      # an error: 要修正
    city.collect()
    before = city.master.read_bytes()
    with pytest.raises(MasterError) as info:
        city.close_year()
    assert "要修正：福祉相談課" in str(info.value) and "--force" in str(info.value)
    assert city.master.read_bytes() == before and not (city.root / "年度末").exists()
    city.root.joinpath("other").mkdir()
    late = City(city.root / "other")
    late.send(CONSULT)
    late.collect()
    with pytest.raises(MasterError) as info:
        late.close_year()
    assert "未提出：福祉政策課" in str(info.value)

    outcome = city.close_year(force=True)
    assert any("福祉相談課（要修正）" in line for line in outcome.lines)
    states = {(r.action_code, r.department): r.status for r in MasterSnapshot.read(city.master).year_results()}
    assert states == {("1-1-1", POLICY): "受理", ("1-1-2", POLICY): "受理", ("1-1-2", CONSULT): "要修正",
                      ("1-1-3", CONSULT): "要修正"}
    forced = [r for r in city.rows(names.SHEET_HISTORY) if r[1] == "年度更新" and r[2]]
    assert [(r[2], r[4], r[5]) for r in forced] == [(CONSULT, "締めた時の提出状況", "要修正")]


def test_the_year_already_closed_is_refused_and_running_twice_changes_nothing(city):
    a_full_year(city)
    city.close_year()
    master, copy = city.master.read_bytes(), (city.root / COPY).read_bytes()
    backups = sorted(p.name for p in (city.root / "バックアップ").iterdir())
    for force in (False, True):
        with pytest.raises(MasterError) as info:
            run_next_year(city.master, city.revised_plan(8), force=force)
        assert "令和6年度はすでに締めて、令和7年度に進めてあります" in str(info.value)
    assert city.master.read_bytes() == master and (city.root / COPY).read_bytes() == copy
    assert sorted(p.name for p in (city.root / "バックアップ").iterdir()) == backups
    assert sorted(p.name for p in (city.root / "年度末").iterdir()) == [COPY.split("/")[1]]


def test_a_year_already_in_year_results_is_refused(city):
    a_full_year(city)
    master = Master.open(city.master)             # 令和6年度's rows there already (copied in by hand)
    master.write_year_results(results_of_year(master.summary(), {}))
    master.save(backup=False)
    before = city.master.read_bytes()
    with pytest.raises(MasterError) as info:
        city.close_year()
    assert "令和6年度はすでに締めています" in str(info.value)
    assert city.master.read_bytes() == before


def test_a_year_with_nothing_reported_is_not_closed_even_when_forced(city):
    before = city.master.read_bytes()
    with pytest.raises(MasterError) as info:
        city.close_year(force=True)
    assert "令和6年度の回答がまだ一つもない" in str(info.value)
    assert city.master.read_bytes() == before


def test_a_progress_sheet_behind_the_department_sheets_is_refused(city):
    a_full_year(city)
    wb = openpyxl.load_workbook(city.master, keep_vba=True)
    wb[POLICY][f"I{FIRST_ROW}"] = "C"            # typed by hand, 進捗一覧 not rebuilt
    wb.save(city.master)
    with pytest.raises(MasterError) as info:
        city.close_year()
    assert "③ 検証" in str(info.value) and "validate" in str(info.value)


def plan_file(plan: Plan, path):
    wb = openpyxl.Workbook()
    ms.write_plan(wb.active, plan)
    wb.active.title = names.SHEET_PLAN
    wb.save(path)
    return path


def test_a_revised_plan_replaces_the_coming_years_keeps_the_old_values_and_extends_the_plan(city):
    a_full_year(city)
    plan = with_targets(with_targets(city.plan, 7, budget=200), 9)
    plan.actions[0] = replace(plan.actions[0], targets={**plan.actions[0].targets, 6: "書き換えたR6", 7: "新しいR7"})
    path = plan_file(plan, city.root / "実施計画_令和7年7月.xlsx")
    outcome = city.close_year(plan=path)
    master = Master.open(city.master)
    assert master.plan.fiscal_years == (6, 7, 8, 9)
    first = master.plan.actions[0]
    assert (first.target_for(6), first.target_for(7), first.budgets.get(7)) == ("チラシの作成", "新しいR7", 200)
    assert master.plan.actions[1].target_for(9) == "連携会議の開催（R9）"
    revised = {(r[3], r[4]): (r[5], r[6], r[7]) for r in city.rows(names.SHEET_HISTORY) if r[1] == "計画改定"}
    assert revised[("1-1-1", "取組目標(R7)")] == (None, "新しいR7", path.name)
    assert revised[("1-1-1", "事業費(R7)")] == (None, 200, path.name)
    assert ("1-1-1", "取組目標(R6)") not in revised
    assert any("取組 1-1-1 の締めた年度までの取組目標はファイルと違います" in line for line in outcome.lines)
    assert any("令和9年度 を加えました" in line for line in outcome.lines)
    copy = Master.open(city.root / COPY)           # the closed year's plan as it was
    assert copy.plan.fiscal_years == (6, 7, 8) and copy.plan.actions[0].target_for(7) == ""


def test_a_revised_plan_with_other_actions_is_refused(city):
    a_full_year(city)
    plan = with_targets(city.plan, 7)
    plan.actions[2] = replace(plan.actions[2], code="1-1-9")
    path = plan_file(plan, city.root / "other.xlsx")
    before = city.master.read_bytes()
    with pytest.raises(MasterError) as info:
        city.close_year(plan=path)
    assert "計画にない取組 1-1-9" in str(info.value) and "ファイルにない取組 1-1-3" in str(info.value)
    assert city.master.read_bytes() == before


def test_the_command_line_closes_the_year_and_says_why_not(city, capsys):
    a_full_year(city)
    assert main(["next-year", str(city.master)]) == 2
    assert "取組目標(R7)" in capsys.readouterr().err
    assert main(["next-year", str(city.master), "--plan", str(city.revised_plan(7))]) == 0
    assert "令和6年度を締め" in capsys.readouterr().out
    assert MasterSnapshot.read(city.master).settings.fiscal_year == 7
    (city.root / "~$master.xlsm").write_text("lock")
    assert main(["next-year", str(city.master), "--force"]) == 2       # open in Excel: refused first
    assert "開かれています" in capsys.readouterr().err


def _text(path) -> str:
    from tests.generators.docx_read import all_text, open_docx

    return re.sub(r"令和(\d+|元)年\d+月\d+日", "＜日付＞", all_text(open_docx(path)))


def test_report_for_a_closed_year_reproduces_its_documents(city, capsys):
    from macros.operations import report

    a_full_year(city)
    written = [p for p in report(city.master, pdf=False).files if p.suffix == ".docx"]
    texts = {p.name: _text(p) for p in written}
    assert set(texts) == {"令和6年度_進捗状況報告書.docx", "令和6年度_委員会用概要.docx", "令和6年度_実施計画（案）.docx"}
    assert "チラシ 500部を配布" in texts["令和6年度_進捗状況報告書.docx"]
    city.close_year()
    city.send(POLICY, {"1-1-1": {"grade": "C", "reason": "R7は遅れた"}})           # 令和7年度 moves on
    city.collect()
    assert main(["report", str(city.master), "--fiscal-year", "R6", "--no-pdf"]) == 0
    again = city.root / "報告書" / "令和6年度"
    assert {p.name: _text(p) for p in again.glob("*.docx")} == texts
    assert "年度末の控え master_令和6年度末.xlsm から作り直しました" in capsys.readouterr().out
    assert main(["report", str(city.master), "--fiscal-year", "R5", "--no-pdf"]) == 2
    assert "令和5年度は締めた年度ではありません" in capsys.readouterr().err


def test_report_refuses_a_year_end_copy_changed_after_closing(city):
    from macros.operations import report

    a_full_year(city)
    city.close_year()
    copy = city.root / COPY
    copy.chmod(0o644)
    wb = openpyxl.load_workbook(copy, keep_vba=True)
    wb[POLICY][f"I{FIRST_ROW}"] = "C"
    wb.save(copy)
    with pytest.raises(MasterError) as info:
        report(city.master, pdf=False, fiscal_year=6)
    assert "1-1-1 福祉政策課 自己評価：「A」→「C」" in str(info.value)
    assert not (city.root / "報告書" / "令和6年度").exists()
    copy.unlink()
    with pytest.raises(MasterError) as info:
        report(city.master, pdf=False, fiscal_year=6)
    assert "年度末の控え master_令和6年度末.xlsm" in str(info.value) and "ありません" in str(info.value)


def test_two_years_closed_one_after_the_other(tmp_path):
    """A master moved on twice (R6 → R7 → R8) keeps both closed years, each with its own copy."""
    city = City(tmp_path)
    for year in (6, 7):
        city.send(POLICY)
        city.send(CONSULT)
        city.collect()
        for path in city.inbox.iterdir():
            path.unlink()
        city.close_year()
        assert city.settings.fiscal_year == year + 1
    snap = MasterSnapshot.read(city.master)
    assert snap.settings.fiscal_year == 8
    assert sorted({r.fiscal_year for r in snap.year_results()}) == [6, 7]
    assert [r.target for r in snap.year_results() if r.action_code == "1-1-1"] == ["チラシの作成", "チラシの作成（R7）"]
    assert sorted(p.name for p in (tmp_path / "年度末").iterdir()) == ["master_令和6年度末.xlsm", "master_令和7年度末.xlsm"]
    assert MasterSnapshot.read(tmp_path / "年度末" / "master_令和7年度末.xlsm").settings.fiscal_year == 7


@pytest.fixture
def pressed(monkeypatch, city):
    """Press ⑥ 年度更新 in Excel (the fake of xlwings): the alert it shows."""
    from macros import xl
    from tests.macros import fake_xlwings as fx

    monkeypatch.setattr(xl, "xw", fx)
    monkeypatch.setattr(fx.Book, "_mock_caller", None)

    def press() -> dict:
        fake = fx.Book.open(city.master)
        fake.set_mock_caller()
        xl.next_year()
        assert fake.saves == 1 and not [c for c in fake.app.calls if c[0] == "value"]     # read, never written
        return fake.app.alerts[-1]

    return press


def test_the_button_only_checks_and_shows_the_command_to_run_with_the_master_closed(city, pressed):
    a_full_year(city)
    alert = pressed()
    assert alert["title"] == "年度更新の確認：完了" and alert["mode"] == "info"
    assert "令和6年度を締めて令和7年度に進める準備ができています（まだ何も変えていません）" in alert["prompt"]
    assert f'-m macros next-year "{city.master}" --plan "＜改定計画のファイル＞"' in alert["prompt"]   # no R7 targets yet
    assert "Excel で開いたままでは実行しません" in alert["prompt"]
    assert MasterSnapshot.read(city.master).settings.fiscal_year == 6 and not (city.root / "年度末").exists()
    wb = openpyxl.load_workbook(city.master, keep_vba=True)
    ws = wb[names.SHEET_PLAN]
    ws.cell(row=1, column=ws.max_column + 1, value="取組目標(R7)")       # the section adds 令和7年度 on 計画
    for r in range(2, ws.max_row + 1):
        ws.cell(row=r, column=ws.max_column, value="R7の目標")
    wb.save(city.master)
    alert = pressed()
    assert f'-m macros next-year "{city.master}"\n' in alert["prompt"] + "\n" and "＜改定計画のファイル＞" not in alert["prompt"]


def test_the_button_shows_the_refusals_of_the_command_line(city, pressed):
    city.send(POLICY)
    city.collect()
    alert = pressed()
    assert alert["title"] == "年度更新の確認：中止しました" and alert["mode"] == "critical"
    assert "未提出：福祉相談課" in alert["prompt"] and "--force" in alert["prompt"]


def test_the_excel_writer_never_writes_a_year_close_into_an_open_book(city):
    """Only the command line closes a year; the Excel writer refuses such an update outright."""
    from macros.excel import XlwingsBook
    from tests.macros import fake_xlwings as fx
    from workbook.files.master_update import MasterUpdate

    a_full_year(city)
    snap = MasterSnapshot.read(city.master)
    before = city.master.read_bytes()
    book = XlwingsBook(fx.Book.open(city.master))
    with pytest.raises(MasterError, match="コマンド（python -m macros next-year）"):
        book.write_update(snap, MasterUpdate(Master(snap).summary(), [], [], settings={"fiscal_year": 7}))
    assert city.master.read_bytes() == before and not [c for c in book.book.app.calls if c[0] == "value"]


def test_a_master_made_before_next_year_existed_closes_with_its_own_buttons_and_macros(tmp_path, monkeypatch):
    """An older master (four buttons, no NextYear Sub, no 年度末 row on 設定): next-year adds 年度別実績
    with its VBA document module and gives back exactly the buttons and modules it had."""
    import re as _re

    from macros import vba
    from workbook.files import master as master_module
    from workbook.ooxml.package import Package
    from workbook.ooxml.vba.reader import module_code

    old_steps = tuple(s for s in master_module.STEPS if s.macro in ("Distribute", "Collect", "Validate", "MakeReports"))
    old_bas = {name: _re.sub(r"Sub (SelfCheck|Remind|NextYear)\(\).*?End Sub\n", "", src, flags=_re.S)
               for name, src in vba.bas_sources().items()}
    monkeypatch.setattr(master_module, "STEPS", old_steps)
    monkeypatch.setattr(vba, "bas_sources", lambda: old_bas)
    city = City(tmp_path, vba=True)
    monkeypatch.undo()
    wb = openpyxl.load_workbook(city.master, keep_vba=True)         # 設定 as it was before 年度末フォルダ
    ws = wb[names.SHEET_SETTINGS]
    ws.delete_rows(next(c.row for c in ws["A"] if c.value == "year_end_folder"))
    wb.save(city.master)
    buttons = [(b.macro, b.caption, b.top_left) for b in existing_buttons(city.master)]
    addin = module_code(Package(city.master).parts["xl/vbaProject.bin"], "Addin")
    assert "NextYear" not in addin
    city.send(POLICY)
    city.send(CONSULT)
    city.collect()
    city.close_year()
    assert [(b.macro, b.caption, b.top_left) for b in existing_buttons(city.master)] == buttons
    assert module_code(Package(city.master).parts["xl/vbaProject.bin"], "Addin") == addin
    assert (city.root / COPY).exists() and MasterSnapshot.read(city.master).settings.fiscal_year == 7
    assert len(MasterSnapshot.read(city.master).year_results()) == 4


def test_a_master_without_a_plan_period_gets_the_plans_own_years_before_a_revision_extends_them(city):
    """A master made before 設定 had 計画期間 (the row is not there): closing the year with a revised
    plan that adds a year writes the plan's own years first, so the period does not grow with it."""
    from workbook.domain.era import year_span_label

    master = Master.open(city.master)
    ws = master.wb[names.SHEET_SETTINGS]
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(row=r, column=1).value == "plan_period")
    ws.delete_rows(row)
    master.save(backup=False)
    before = MasterSnapshot.read(city.master)
    years = before.plan.fiscal_years
    assert before.settings.plan_period == "" and before.settings.period_years(years) == years
    a_full_year(city)
    later = max(years) + 1
    city.plan = with_targets(city.plan, 7)          # the revision gives 令和7年度 and adds a year after the plan's
    outcome = run_next_year(city.master, city.revised_plan(later), force=True)
    after = MasterSnapshot.read(city.master)
    assert later in after.plan.fiscal_years
    own = year_span_label(min(years), max(years))
    assert after.settings.plan_period == own
    assert after.settings.period_end(after.plan.fiscal_years) == max(years)
    assert any(f"計画期間「{own}」" in line for line in outcome.lines)
    ws = openpyxl.load_workbook(city.master)[names.SHEET_SETTINGS]     # added under the last setting, above the note
    keys = [ws.cell(row=r, column=1).value for r in range(2, ws.max_row + 1)]
    row = keys.index("plan_period") + 2
    assert ws.cell(row=row - 1, column=1).value and ws.cell(row=row, column=3).value == own
    note = next(r for r in range(2, ws.max_row + 1) if str(ws.cell(row=r, column=2).value or "").startswith("達成度の記号"))
    assert note > row


def test_the_plan_periods_last_year_closes_with_end_of_plan_and_nothing_is_distributed_after(city):
    """No 取組目標 for the year after the plan period: next-year says --end-of-plan; with it the last year
    is closed like any other, the period report has every year closed, and distribute refuses."""
    from macros.distribute import run_distribute
    from macros.operations import period_report
    from tests.generators.docx_read import all_text, open_docx

    master = Master.open(city.master)
    master.write_setting_values({"plan_period": "令和6年度〜令和6年度"})
    master.save(backup=False)
    a_full_year(city)
    with pytest.raises(MasterError, match="--end-of-plan"):
        run_next_year(city.master)
    outcome = run_next_year(city.master, end_of_plan=True)
    snap = MasterSnapshot.read(city.master)
    assert snap.settings.fiscal_year == 7 and {r.fiscal_year for r in snap.year_results()} == {6}
    assert any("計画期間の最後の年度（令和6年度）を締めました" in line for line in outcome.lines)
    from macros.operations import remind, report as make_report
    for operation in (run_distribute, remind, make_report, run_next_year):   # nothing was distributed for 令和7年度
        with pytest.raises(MasterError, match="令和7年度の取組目標が一つもないため"):
            operation(city.master)
    again = make_report(city.master, pdf=False, fiscal_year=6)               # the closed year's documents still
    assert any(p.name == "令和6年度_進捗状況報告書.docx" for p in again.files)
    report = next(p for p in period_report(city.master).files if p.suffix == ".docx")
    text = all_text(open_docx(report))
    assert "令和6年度" in text and "見込み" not in text


def test_end_of_plan_is_refused_when_the_next_year_has_targets(city):
    master = Master.open(city.master)
    master.write_setting_values({"plan_period": "令和6年度〜令和6年度"})
    master.save(backup=False)
    a_full_year(city)
    before = city.master.read_bytes()
    with pytest.raises(MasterError, match="令和7年度の取組目標があるため、--end-of-plan は使えません"):
        run_next_year(city.master, city.revised_plan(7), end_of_plan=True)
    assert city.master.read_bytes() == before


def test_end_of_plan_is_refused_before_the_plan_periods_last_year(city):
    a_full_year(city)
    before = city.master.read_bytes()
    with pytest.raises(MasterError, match="最終年度（令和8年度）を締めるときだけ"):
        run_next_year(city.master, end_of_plan=True)
    assert city.master.read_bytes() == before


def test_a_period_report_made_mid_period_is_named_by_the_plan_period(city):
    """Made in 令和7年度 of a 令和6〜8年度 plan: the file says the period its cover says, with R7 見込み."""
    from macros.operations import period_report
    from tests.generators.docx_read import all_text, open_docx

    a_full_year(city)
    city.close_year()
    report = next(p for p in period_report(city.master).files if p.suffix == ".docx")
    assert report.name == "令和6年度〜令和8年度_計画期間評価報告書.docx"
    assert "令和6年度〜令和8年度" in all_text(open_docx(report))
