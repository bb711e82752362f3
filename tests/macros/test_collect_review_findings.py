"""Collect on small masters made per test, the cases found in review: identities that name another
department, indexes saved again by Excel, wrong paths, plans and settings changed after distribution."""
from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from macros.collect import run_collect
from tests.macros.city import CONSULT, POLICY, City, earlier_version_city
from macros.validate import run_validate
from tests.workbook.returns_kit import make_return, small_plan, small_settings
from workbook.sheets import master_sheets as ms
from workbook.sheets import names
from workbook.files.archive import INDEX_NAME
from workbook.files.master import Master
from workbook.domain.problems import REPORT_COLUMNS
from workbook.errors import MasterError

@pytest.fixture
def city(tmp_path):
    return City(tmp_path)


# --- review findings ---------------------------------------------------------------------------
def set_identity(path: Path, row: int, value: str, out: Path | None = None) -> Path:
    """Change a value of the hidden 識別情報 sheet (C2 自治体 … C5 担当課) with a tool, as a person might."""
    wb = openpyxl.load_workbook(path)
    wb["識別情報"].cell(row=row, column=3).value = value
    wb.save(out or path)
    return out or path


def change_master(city: City, plan=None, settings=None) -> None:
    """The section edits 計画/指標 or 設定 in the master after distribution."""
    master = Master.open(city.master)
    if plan is not None:
        for title, write in ((names.SHEET_PLAN, ms.write_plan), (names.SHEET_INDICATORS, ms.write_indicators)):
            ws = master.wb[title]
            ms.reset(ws)
            write(ws, plan)
    if settings is not None:
        ws = master.wb[names.SHEET_SETTINGS]
        ms.reset(ws)
        ms.write_settings(ws, settings)
    master.save(backup=False)


def test_a_return_whose_identity_names_another_department_is_rejected(city):
    """C1: 福祉相談課's filled return with 識別情報 C5 changed to 福祉政策課."""
    set_identity(city.send(CONSULT), 5, POLICY)
    outcome = city.collect()
    assert ("rows-not-department", POLICY, "B8") in city.checks()
    ws = city.book()[POLICY]
    assert ws["F7"].value is None and ws["F8"].value is None           # nothing went into 福祉政策課's sheet
    assert city.status()[POLICY][2] == "未提出" and city.status()[CONSULT][2] == "未提出"
    assert Master.open(city.master).returned_departments() == []
    assert any("取り込みません" in line for line in outcome.lines)


def test_a_department_counts_as_reported_only_when_its_return_was_merged(city):
    """C2: a department whose only file was rejected is 未提出 (file named) in collect and validate, and
    is not counted in the summary; one with an accepted return stays reported when a bad file follows."""
    city.send(CONSULT)
    bad = make_return(city.plan, small_settings(city.plan, fiscal_year=5), city.inbox, POLICY)
    outcome = city.collect()
    status = city.status()
    assert status[POLICY][2] == "未提出" and status[POLICY][5] == bad.name and not status[POLICY][9]
    assert status[CONSULT][2] == "受理"
    assert Master.open(city.master).returned_departments() == [CONSULT]
    assert Master.open(city.master).summary().missing_departments == [POLICY]
    assert any(POLICY in line and "取り込めませんでした" in line for line in outcome.lines)
    run_validate(city.master)
    status = city.status()
    assert status[POLICY][2] == "未提出" and status[POLICY][5] == bad.name and status[POLICY][3] == 1
    assert Master.open(city.master).returned_departments() == [CONSULT]
    # CONSULT, accepted before, then sends last year's file by mistake: still reported, now 要修正
    make_return(city.plan, small_settings(city.plan, fiscal_year=5), city.inbox, CONSULT, name="old.xlsx")
    city.collect()
    status = city.status()
    assert status[CONSULT][2] == "要修正" and len(status[CONSULT][9]) == 64
    assert CONSULT in Master.open(city.master).returned_departments()


def test_a_status_row_without_a_merged_return_is_not_counted(city):
    """C2 for masters written before: 要修正 with no SHA-256 named a rejected file."""
    master = Master.open(city.master)
    master.write_status([[POLICY, 2, "要修正", 1, 0, "old.xlsx", "2025-05-01 10:00:00", "", "", ""],
                         [CONSULT, 2, "未提出", "", "", "", "", "", "", ""]])
    master.save(backup=False)
    assert Master.open(city.master).returned_departments() == []
    run_validate(city.master)
    assert city.status()[POLICY][2] == "未提出" and city.status()[POLICY][5] == "old.xlsx"


def test_an_index_saved_again_by_excel_in_shift_jis_does_not_stop_collect(city):
    """I1: 受領控一覧.csv opened in Excel and saved (Shift_JIS, its own date format)."""
    city.send(POLICY)
    city.collect()
    before = city.master.read_bytes()
    index = city.root / "受領控" / INDEX_NAME
    text = index.read_text(encoding="utf-8-sig").replace("-", "/")
    index.write_bytes(text.encode("cp932"))
    outcome = city.collect()
    assert city.master.read_bytes() == before
    assert any("変更はありません" in line for line in outcome.lines)
    index.write_bytes(b"\x82\xa0\xff\xff")                              # not readable at all
    outcome = city.collect()
    assert any(INDEX_NAME in line and "作り直しました" in line for line in outcome.lines)
    assert city.master.read_bytes() == before


def test_wrong_paths_are_told_not_raised_as_tracebacks(city):
    """I2: a file given as the inbox, a mistyped inbox, a folder given as the master."""

    path = city.send(POLICY)
    with pytest.raises(MasterError, match="フォルダではなくファイル"):
        run_collect(city.master, path)
    typo = city.root / "回集"
    with pytest.raises(MasterError, match="ありません"):
        run_collect(city.master, typo)
    assert not typo.exists()                                            # not created
    for run in (lambda: run_collect(city.root), lambda: run_validate(city.root)):
        with pytest.raises(MasterError, match="フォルダです"):
            run()
    (city.root / "x.xlsm").write_bytes(b"")
    with pytest.raises(MasterError) as info:
        run_validate(city.root / "x.xlsm")
    assert "Cannot detect" not in str(info.value)


def test_files_in_subfolders_are_mentioned(city):
    path = city.send(POLICY)
    (city.inbox / "再提出").mkdir()
    path.rename(city.inbox / "再提出" / path.name)
    (city.inbox / "空のフォルダ").mkdir()
    outcome = city.collect()
    said = [line for line in outcome.lines if line.startswith("サブフォルダ内のファイルは読みません")]
    assert len(said) == 1 and "再提出" in said[0] and "空のフォルダ" not in said[0]
    assert city.status()[POLICY][2] == "未提出"


def test_a_plan_changed_mid_year_keeps_every_answer(city):
    """I5: after distribution and collect, 1-1-3 (with its indicator) is deleted and 1-1-4 added for
    福祉相談課. The answers the sheet drops go to 履歴; collect and validate both warn, neither says 要修正."""
    from workbook.domain.plan import Action

    city.send(CONSULT)
    city.collect()
    plan = small_plan()
    plan.actions[:] = [a for a in plan.actions if a.code != "1-1-3"] + [
        Action("1-1-4", "新しい取組", "1", "1-1", (CONSULT,), targets={6: "新しい目標"}, order=3)]
    plan.indicators[:] = []
    change_master(city, plan=plan)
    outcome = city.collect()
    history = [(h[1], h[2], h[3], h[4], h[5]) for h in city.rows(names.SHEET_HISTORY)]
    assert ("計画から削除", CONSULT, "1-1-3", "取組内容", "1-1-3 の取組を実施した。") in history
    assert ("計画から削除", CONSULT, "1-1-3", "自己評価", "B") in history
    assert ("計画から削除", CONSULT, "1-1-3", "実績値（相談件数（件） 目標 100件以上）", 100) in history
    assert any("1-1-3" in line and "履歴" in line for line in outcome.lines)
    assert any("1-1-4" in line and "配布し直して" in line for line in outcome.lines)
    ws = city.book()[CONSULT]
    assert [ws.cell(row=r, column=1).value for r in (7, 8)] == ["1-1-2", "1-1-4"]
    assert ("row-not-distributed", CONSULT, "") in city.checks() and ("row-not-in-plan", CONSULT, "B8") in city.checks()
    assert city.status()[CONSULT][2] == "受理"
    assert not (city.root / "返却票" / "令和6年度_返却票_福祉相談課.xlsx").exists()
    run_validate(city.master)
    assert city.status()[CONSULT][2] == "受理"
    assert not [c for c in city.checks() if c[0] == "required-missing"]
    city.collect()
    run_validate(city.master)
    assert len(city.rows(names.SHEET_HISTORY)) == len(history)         # dropped once, recorded once


def test_settings_renamed_after_distribution_is_said_once_without_correction_lists(city):
    """I9: 計画名 corrected in 設定 after the files went out."""
    city.send(POLICY)
    city.collect()
    before = city.status()
    city.settings = small_settings(city.plan)
    city.settings.plan_name = city.plan.name + "（第2版）"
    change_master(city, settings=city.settings)
    old_settings = small_settings(city.plan)
    make_return(city.plan, old_settings, city.inbox, CONSULT)
    outcome = city.collect()
    assert sum("設定の計画名／自治体名" in line and "配布時と違います" in line for line in outcome.lines) == 1
    assert ("plan-name-changed", CONSULT, "C3") in city.checks()
    assert "wrong-plan" not in {c[0] for c in city.checks()}
    assert not (city.root / "返却票").exists() or not list((city.root / "返却票").iterdir())
    status = city.status()
    assert status[POLICY][2:5] == before[POLICY][2:5] == ["受理", 0, 0]   # accepted before: as it was
    assert status[CONSULT][2] == "未提出" and city.book()[CONSULT]["F7"].value is None


def test_a_single_file_of_another_plan_is_still_a_wrong_plan_when_others_match(city):
    city.send(POLICY)
    set_identity(city.send(CONSULT), 3, "別の計画")
    city.collect()
    assert ("wrong-plan", CONSULT, "C3") in city.checks()
    assert (city.root / "返却票" / "令和6年度_返却票_福祉相談課.xlsx").exists()


def test_an_older_file_not_taken_in_is_said_in_the_output(city):
    city.send(POLICY, name="new.xlsx", saved="2025-05-10T01:00:00Z")
    city.send(POLICY, {"1-1-1": {"result": "古い"}}, name="old.xlsx", saved="2025-05-01T01:00:00Z")
    outcome = city.collect()
    assert any(line.startswith("old.xlsx:") and "new.xlsx" in line for line in outcome.lines)
    assert city.book()[POLICY]["H7"].value == "1-1-1 実績 3回"


def test_a_row_whose_hidden_key_was_cleared_is_merged_by_its_visible_code(city):
    path = city.send(CONSULT, {"1-1-3": {"content": "鍵を消された行の取組内容"}})
    wb = openpyxl.load_workbook(path)
    wb["進捗報告"]["A8"] = None
    wb.save(path)
    city.collect()
    assert city.book()[CONSULT]["F8"].value == "鍵を消された行の取組内容"
    assert city.status()[CONSULT][2] == "受理" and city.checks() == [("not-returned", POLICY, "")]


def test_an_action_given_to_another_department_after_acceptance_keeps_the_return(city):
    """C1 and I5 together: 1-1-1 moves from 福祉政策課 to 福祉相談課 after 福祉政策課's return was accepted.
    The accepted return stays (1-1-1 is a row the plan no longer has for it); a new file still laid out
    the old way is refused, since 1-1-1 is now another department's action."""
    import dataclasses

    city.send(POLICY)
    city.collect()
    plan = small_plan()
    plan.actions[0] = dataclasses.replace(plan.actions[0], departments=(CONSULT,))
    change_master(city, plan=plan)
    city.collect()
    assert city.status()[POLICY][2] == "受理"
    assert ("row-not-in-plan", POLICY, "B7") in city.checks()
    assert ("計画から削除", POLICY, "1-1-1") in [(h[1], h[2], h[3]) for h in city.rows(names.SHEET_HISTORY)]
    city.send(POLICY, {"1-1-2": {"result": "新しい実績"}}, name="again.xlsx", saved="2099-01-01T00:00:00Z")
    city.collect()
    assert ("rows-not-department", POLICY, "B7") in city.checks()
    assert city.status()[POLICY][2] == "要修正" and city.status()[POLICY][5] != "again.xlsx"
    assert city.book()[POLICY]["H7"].value == "1-1-2 実績 3回"     # 1-1-2 is row 7 of the rewritten sheet


def test_validate_after_a_year_change_holds_nothing_against_last_years_returns(city):
    path = city.send(POLICY, {"1-1-1": {"grade": "C", "reason": ""}})
    wb = openpyxl.load_workbook(path)
    wb["進捗報告"]["C8"] = "書き換えた題"
    wb.save(path)
    city.send(CONSULT)
    city.collect()
    assert city.status()[POLICY][2] == "要修正"
    outcome = city.close_year(force=True)
    assert any("年度繰越" in line for line in outcome.lines)
    assert [city.status()[d][2:6] for d in (POLICY, CONSULT)] == [["未提出", None, None, None]] * 2
    assert {c[0] for c in city.checks()} == {"not-returned"}
    before = city.master.read_bytes()
    run_validate(city.master)                         # next-year leaves what validate gives: nothing changes
    assert city.master.read_bytes() == before
    assert not (city.root / "返却票" / "令和7年度_返却票_福祉政策課.xlsx").exists()


def test_a_master_made_by_an_earlier_version_keeps_its_own_buttons(tmp_path, monkeypatch):
    """A master made before ⓪/⑤ existed: its VBA project has only the four Subs. Collect on it (here
    through the openpyxl rewrite, as when 検証結果 has an older header) must work and give back exactly
    the buttons it had, never add buttons for Subs the project lacks."""
    from workbook.ooxml.buttons import existing_buttons

    city = earlier_version_city(tmp_path, monkeypatch, missing=("SelfCheck", "Remind"))
    before = [(b.macro, b.caption, b.top_left) for b in existing_buttons(city.master)]
    assert [m for m, _, _ in before] == ["Distribute", "Collect", "Validate", "MakeReports"]
    master = Master.open(city.master)                 # an older 検証結果 header forces the rewrite path
    master.wb[names.SHEET_CHECKS].cell(row=1, column=len(REPORT_COLUMNS)).value = None
    master.save(backup=False)
    city.send(POLICY)
    city.collect()
    assert city.status()[POLICY][2] == "受理"
    assert [(b.macro, b.caption, b.top_left) for b in existing_buttons(city.master)] == before
