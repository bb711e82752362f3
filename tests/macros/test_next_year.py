"""⑥ 年度更新 (next-year) on a small city: what a closed year leaves (年度別実績, the year-end copy), the
master moved on to the next year, each refusal, idempotence, a revised plan (--plan), and a closed
year's documents made again."""
from __future__ import annotations

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
from workbook.domain.year_results import IndicatorResult, results_of_year
from workbook.errors import MasterError
from workbook.files.master import Master
from workbook.files.snapshot import MasterSnapshot
from workbook.ooxml.buttons import existing_buttons
from workbook.sheets import names
from workbook.sheets.layout import COLUMNS, CONTACT_NAME_CELL, CONTACT_PHONE_CELL, FIRST_ROW, col_number
from tests.macros.year_kit import (COPY, CONSULT_CHANGES, POLICY_CHANGES, a_full_year, answered, plan_file)


@pytest.fixture
def city(tmp_path):
    return City(tmp_path, vba=True)


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


def test_the_meeting_moves_on_with_its_time_and_a_name_typed_in_full_width():
    from macros.next_year import _moved_deadlines, _moved_meeting_name
    from workbook.domain.settings import Settings

    settings = Settings("テスト市", "計画", 6, meeting_name="令和７年度第１回 推進会議", meeting_date="令和7年7月10日（木）午後2時から")
    assert _moved_meeting_name(settings) == {"meeting_name": ("令和７年度第１回 推進会議", "令和8年度第1回 推進会議")}
    assert _moved_deadlines(settings)["meeting_date"] == ("令和7年7月10日（木）午後2時から", "令和8年7月9日（木）午後2時から")
    assert _moved_meeting_name(Settings("テスト市", "計画", 6, meeting_name="第1回 推進会議")) == {}
