"""配布 on a real master, the demo's sample returns, and files already in the way."""
from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest

from workbook.sheets.department import plan_cells
from workbook.sheets.layout import ACTION_ROW

from macros.cli import main
from macros.distribute import KEPT_FOLDER, fill_sample_returns, run_distribute
from workbook.files.department_file import file_name, read_department_file
from workbook.sheets.department import row_specs
from workbook.sheets.layout import COLUMNS, DATA_SHEET, FIRST_ROW, col_letter, col_number
from workbook.files.master import Master, build_master
from workbook.domain.returns import Entry
from workbook.files.sample import komae_plan, komae_settings
from macros.sample_answers import NOT_RETURNED, return_name

DEPARTMENTS = ("福祉政策課", "福祉相談課", "学校教育課", "指導室", "まちづくり推進課")


@pytest.fixture
def master(tmp_path: Path) -> Path:
    return build_master(komae_plan(), komae_settings(), tmp_path / "master.xlsm")


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_one_file_per_department_with_exactly_its_actions(master):
    outcome = run_distribute(master)
    plan, settings = komae_plan(), komae_settings()
    folder = master.parent / "配布"
    assert sorted(p.name for p in folder.iterdir() if p.is_file()) == sorted(
        [file_name(settings, d) for d in DEPARTMENTS] + ["令和6年度_進捗状況調査_照会.docx"])   # and the 照会文
    assert len(outcome.files) == 6
    for department in DEPARTMENTS:
        path = folder / file_name(settings, department)
        returned = read_department_file(path)
        assert returned.identity.department == department
        assert returned.identity.row_keys == tuple(k for k, _, _ in row_specs(plan, department))
        assert set(returned.entries) == {a.code for a in plan.actions_of(department)}
        ws = openpyxl.load_workbook(path)[DATA_SHEET]
        assert ws.protection.sheet
        assert ws["B7"].protection.locked and ws["C7"].protection.locked
        assert not ws[f"{col_letter('content')}7"].protection.locked
        assert any(dv.type == "list" and dv.formula1 == '"A,B,C,－"' for dv in ws.data_validations.dataValidation)
    for code, departments in (("3-3-1", ("福祉政策課", "学校教育課")), ("5-1-1", ("福祉政策課", "指導室")),
                              ("4-2-2", ("福祉政策課", "まちづくり推進課"))):
        for department in departments:
            assert code in read_department_file(folder / file_name(settings, department)).entries
    assert "3-3-1" not in read_department_file(folder / file_name(settings, "福祉相談課")).entries


def test_a_file_already_there_is_kept_under_a_dated_name(master):
    run_distribute(master)
    folder = master.parent / "配布"
    first = folder / file_name(komae_settings(), "指導室")
    old = digest(first)
    outcome = run_distribute(master)
    kept = list((folder / KEPT_FOLDER).glob("令和6年度_進捗報告_指導室_*.xlsx"))
    assert len(kept) == 1 and digest(kept[0]) == old
    assert first.exists() and len(list((folder / KEPT_FOLDER).iterdir())) == 6   # 5 files and the 照会文
    assert any(KEPT_FOLDER in line for line in outcome.lines)
    run_distribute(master)  # a third time: two kept copies, none lost
    assert len(list((folder / KEPT_FOLDER).glob("令和6年度_進捗報告_指導室_*.xlsx"))) == 2


def test_a_file_of_a_department_without_actions_is_moved_aside(master):
    folder = master.parent / "配布"
    folder.mkdir()
    stale = folder / file_name(komae_settings(), "廃止課")
    stale.write_bytes(b"old")
    other_year = folder / "令和5年度_進捗報告_福祉政策課.xlsx"
    other_year.write_bytes(b"last year")
    run_distribute(master)
    assert not stale.exists()
    assert [p.read_bytes() for p in (folder / KEPT_FOLDER).glob("令和6年度_進捗報告_廃止課_*.xlsx")] == [b"old"]
    assert other_year.exists()


def test_last_years_answers_come_from_a_master_moved_on_to_the_next_year(master):
    m = Master.open(master)
    entry = Entry("3-1-2", "福祉相談課", values={"content": "就労支援を行った", "result": "就職1件", "grade": "Ｂ"})
    m.write_department("福祉相談課", {"3-1-2": entry}, ("山田", "内線1"))
    m.save(backup=False)
    _close_year(master)                                   # ⑥ 年度更新 to R7

    run_distribute(master)
    path = master.parent / "配布" / "令和7年度_進捗報告_福祉相談課.xlsx"
    returned = read_department_file(path)
    assert returned.identity.fiscal_year == 7
    assert (returned.entries["3-1-2"].prev_grade, returned.entries["3-1-2"].prev_result) == ("B", "就職1件")
    assert returned.entries["3-1-2"].is_blank()          # this year's inputs start empty
    ws = openpyxl.load_workbook(path)[DATA_SHEET]
    assert ws[f"{col_letter('prev_grade')}{FIRST_ROW}"].protection.locked
    assert not ws.column_dimensions[col_letter("prev_grade")].hidden
    assert ws.cell(row=6, column=col_number("target")).value == "取組目標（令和7年度）"


def _close_year(master: Path) -> None:
    """③ 検証 (the sheet was written by hand), then ⑥ 年度更新 with the other departments still open."""
    from macros.next_year import run_next_year
    from macros.validate import run_validate

    run_validate(master)
    run_next_year(master, force=True)


def test_an_invalid_grade_of_last_year_is_not_shown_as_last_years(master):
    m = Master.open(master)
    entry = Entry("3-1-2", "福祉相談課", values={"content": "x", "result": "就職1件", "grade": "◎"})
    m.write_department("福祉相談課", {"3-1-2": entry}, ("", ""))
    m.save(backup=False)
    _close_year(master)
    run_distribute(master)
    path = master.parent / "配布" / "令和7年度_進捗報告_福祉相談課.xlsx"
    returned = read_department_file(path)
    assert (returned.entries["3-1-2"].prev_grade, returned.entries["3-1-2"].prev_result) == ("", "就職1件")
    row = returned.key_rows["3-1-2"]
    assert openpyxl.load_workbook(path)[DATA_SHEET][f"{col_letter('prev_grade')}{row}"].value is None


@pytest.mark.parametrize("deadline, warned", [("令和7年5月30日（金）", True), ("R8.3.31", True),
                                              ("令和８年４月３０日", False), ("2026/5/29", False), ("別途連絡", False)])
def test_a_deadline_before_the_reported_year_ends_is_warned_about(tmp_path, deadline, warned):
    master = build_master(komae_plan(), replace(komae_settings(7), deadline=deadline), tmp_path / "r7.xlsm")
    outcome = run_distribute(master)                  # 令和7年度 ends on 令和8年3月31日
    assert any(line.startswith("注意: 提出期限") and "令和8年3月31日" in line for line in outcome.lines) == warned


def test_the_demo_deadline_fits_the_demo_year(master):
    assert not any(line.startswith("注意:") for line in run_distribute(master).lines)


def test_answers_of_the_same_year_are_not_shown_as_last_years(master):
    m = Master.open(master)
    entry = Entry("3-1-2", "福祉相談課", values={"content": "x", "result": "y", "grade": "B"})
    m.write_department("福祉相談課", {"3-1-2": entry}, ("", ""))
    m.save(backup=False)
    run_distribute(master)
    returned = read_department_file(master.parent / "配布" / file_name(komae_settings(), "福祉相談課"))
    assert returned.entries["3-1-2"].prev_grade == "" and returned.entries["3-1-2"].prev_result == ""


def test_sample_returns_fill_copies_in_the_inbox_with_the_typical_mistakes(master):
    run_distribute(master)
    settings = komae_settings()
    distributed = master.parent / "配布"
    before = {p.name: digest(p) for p in distributed.glob("*.xlsx")}
    outcome = fill_sample_returns(master)
    assert {p.name: digest(p) for p in distributed.glob("*.xlsx")} == before   # 配布 untouched

    inbox = master.parent / "回収"
    returned = {r.identity.department: r for r in map(read_department_file, sorted(inbox.glob("*.xlsx")))}
    assert set(returned) == set(DEPARTMENTS) - set(NOT_RETURNED) and "指導室" in NOT_RETURNED
    assert (inbox / return_name(settings, "福祉相談課")).name != file_name(settings, "福祉相談課")
    assert len(outcome.files) == 4

    plan = komae_plan()
    for department, ret in returned.items():
        assert ret.contact_name and ret.contact_phone
        for code, entry in ret.entries.items():
            assert entry.get("content") and entry.get("result"), (department, code)
    policy = returned["福祉政策課"]
    assert policy.entries["2-2-2"].grade == "C" and not policy.entries["2-2-2"].get("reason")
    assert policy.entries["4-1-2"].grade == "◎"
    assert policy.plan_cells["1-2-2"]["title"] != plan.action("1-2-2").title
    assert policy.entries["3-3-1"].grade == "B" and returned["学校教育課"].entries["3-3-1"].grade == "－"
    assert returned["学校教育課"].entries["3-3-1"].get("reason")
    town = returned["まちづくり推進課"]
    assert town.entries["4-2-2"].actuals == {1: "７５％"} and town.entries["5-3-1"].actuals == {1: 75}
    # the correct departments: every grade valid, a reason wherever C or －, plan cells as distributed
    for department in ("福祉相談課", "学校教育課"):
        ret = returned[department]
        for key, cells in ret.plan_cells.items():
            if "#" not in key:
                assert cells["title"] == plan_cells(plan, key, ACTION_ROW, None, 6)["title"]
        for entry in ret.entries.values():
            assert entry.grade in ("A", "B", "C", "－")
            assert entry.grade not in ("C", "－") or entry.get("reason")


def test_sample_returns_type_only_into_open_cells_except_the_plan_edit(master):
    run_distribute(master)
    fill_sample_returns(master)
    settings = komae_settings()
    for department in ("福祉相談課", "まちづくり推進課"):
        src = openpyxl.load_workbook(master.parent / "配布" / file_name(settings, department))[DATA_SHEET]
        out = openpyxl.load_workbook(master.parent / "回収" / return_name(settings, department))[DATA_SHEET]
        assert out.protection.sheet
        for row in range(FIRST_ROW, src.max_row + 1):
            for col in COLUMNS:
                a, b = src.cell(row=row, column=col_number(col.key)), out.cell(row=row, column=col_number(col.key))
                if a.protection.locked:
                    assert a.value == b.value, b.coordinate


def test_cli_distribute_prints_what_it_made(master, capsys):
    assert main(["distribute", str(master)]) == 0
    printed = capsys.readouterr().out
    assert "5 課分" in printed and "令和6年度_進捗報告_福祉政策課.xlsx" in printed



def test_a_file_that_cannot_be_written_is_named_and_the_others_are_made(master, monkeypatch, capsys):
    import macros.distribute as distribute

    real = distribute.write_department_file

    def refuse_one(path, *args, **kwargs):
        if "学校教育課" in path.name:
            raise PermissionError(13, "Permission denied")
        return real(path, *args, **kwargs)

    monkeypatch.setattr(distribute, "write_department_file", refuse_one)
    assert main(["distribute", str(master)]) == 0
    printed = capsys.readouterr().out
    assert "4 課分作成しました" in printed and "1 課分は作成できませんでした" in printed
    assert "令和6年度_進捗報告_学校教育課.xlsx を作成できませんでした" in printed
    assert sorted(p.name for p in (master.parent / "配布").glob("*.xlsx")) == sorted(
        f"令和6年度_進捗報告_{d}.xlsx" for d in DEPARTMENTS if d != "学校教育課")


def test_a_folder_where_nothing_can_be_written_stops_with_a_clear_error(master, monkeypatch, capsys):
    import macros.distribute as distribute

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(distribute, "write_department_file", refuse)
    assert main(["distribute", str(master)]) == 2
    captured = capsys.readouterr()
    assert "1 件も作成できませんでした" in captured.err and "送付してください" not in captured.out
    assert "Permission" not in captured.err + captured.out
