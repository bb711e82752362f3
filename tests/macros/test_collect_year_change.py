"""Collect and validate across a change of fiscal year, on small masters made per test: what moves to
the previous-year columns and to 履歴, and what is refused or ignored."""
from __future__ import annotations

import pytest

from tests.macros.city import CONSULT, POLICY, City
from macros.validate import run_validate
from tests.workbook.returns_kit import make_return, small_settings
from workbook.sheets import master_sheets as ms
from workbook.sheets import names
from workbook.sheets import progress_sheet
from workbook.files.master import Master
from workbook.errors import MasterError

@pytest.fixture
def city(tmp_path):
    return City(tmp_path)


def test_next_year_last_years_answers_move_to_the_previous_year_columns(city):
    city.send(POLICY, {"1-1-1": {"grade": "A", "result": "R6の成果"}})
    city.collect()
    for path in city.inbox.iterdir():
        path.unlink()
    city.close_year(force=True)                    # ⑥ 年度更新: 福祉相談課 has not returned
    city.collect()
    assert city.status()[POLICY][2] == "未提出"     # last year's return does not count for this year
    city.send(POLICY, {"1-1-1": {"result": "R7の成果"}})
    city.collect()
    ws = city.book()[POLICY]
    assert "令和7年度" in ws["D6"].value
    assert (ws["H7"].value, ws["N7"].value, ws["O7"].value) == ("R7の成果", "A", "R6の成果")
    # nothing of this year was replaced: 年度更新's own rows only
    assert {r[1] for r in city.rows(names.SHEET_HISTORY)} == {"年度繰越", "年度更新", "計画改定"}
    assert city.status()[POLICY][2] == "受理"


def _move_to_year(city: City, fiscal_year: int) -> None:
    """The section changes 設定's fiscal year by hand (nothing else is written)."""
    master = Master.open(city.master)
    city.settings = small_settings(city.plan, fiscal_year=fiscal_year)
    ws = master.wb[names.SHEET_SETTINGS]
    ms.reset(ws)
    ms.write_settings(ws, city.settings)
    master.save(backup=False)


def test_a_year_edited_by_hand_on_settings_is_refused_by_every_operation(city):
    """One roll mechanism: 設定's year typed by hand moves nothing; collect, validate, distribute,
    remind and report say to put it back and use ⑥ 年度更新 (next-year), and write nothing."""
    from macros.operations import distribute, remind, report

    city.send(POLICY)
    city.collect()
    _move_to_year(city, 7)
    before = city.master.read_bytes()
    for operation in (city.collect, lambda: run_validate(city.master), lambda: distribute(city.master),
                      lambda: remind(city.master), lambda: report(city.master, pdf=False)):
        with pytest.raises(MasterError) as info:
            operation()
        message = str(info.value)
        assert "セル C4「報告対象年度」が令和7年度" in message and "「6」に戻して" in message, message
        assert "⑥ 年度更新（python -m macros next-year）" in message, message
    assert city.master.read_bytes() == before
    assert not (city.root / "配布").exists() and not (city.root / "報告書").exists()


def test_a_closed_year_cannot_be_reopened_by_editing_settings(city):
    city.send(POLICY)
    city.send(CONSULT)
    city.collect()
    city.close_year()
    _move_to_year(city, 6)
    with pytest.raises(MasterError) as info:
        city.collect()
    assert "「7」に戻してください（締めた年度に戻すことはできません）" in str(info.value)


def test_a_year_change_logs_every_answer_and_contact_it_drops(city):
    city.send(POLICY, {"1-1-1": {"grade": "A", "budget": 120}})
    city.collect()
    r6 = city.book()[POLICY]
    typed = {(r6.cell(row=r, column=c).coordinate, r6.cell(row=r, column=c).value)
             for r in range(7, r6.max_row + 1) for c in range(6, 14) if r6.cell(row=r, column=c).value not in (None, "")}
    for path in city.inbox.iterdir():
        path.unlink()
    outcome = city.close_year(force=True)             # 福祉相談課 has not returned
    history = [r for r in city.rows(names.SHEET_HISTORY) if r[1] == "年度繰越"]
    assert {r[2] for r in history} == {POLICY} and all(r[6] is None for r in history)
    values = [r[5] for r in history]
    assert sorted(map(str, values)) == sorted(map(str, [v for _, v in typed] + ["山田", "内線123"]))
    row = next(r for r in history if r[3] == "1-1-1" and r[5] == 120)
    assert row[4] == "令和6年度 事業費（千円）"
    assert ("", "令和6年度 回答者（担当者名）", "山田") in {(r[3] or "", r[4], r[5]) for r in history}
    assert any("年度繰越" in line and f"{len(history)} 件" in line for line in outcome.lines)
    ws = city.book()[POLICY]
    assert "令和7年度" in ws["D6"].value and ws["F7"].value is None and ws["D3"].value is None
    before = city.master.read_bytes()
    again = city.collect()                            # logged once: the sheet now belongs to 令和7年度
    assert city.master.read_bytes() == before and not any("年度繰越" in line for line in again.lines)


def test_a_year_change_moves_last_years_evaluations_to_history(city):
    city.send(POLICY)
    city.collect()
    master = Master.open(city.master)
    ws = master.wb[names.SHEET_PROGRESS]
    internal, committee = (progress_sheet.PROGRESS_HEADERS.index(n) + 1 for n in progress_sheet.PROGRESS_EDITABLE)
    ws.cell(row=2, column=internal, value="R6の内部評価")
    ws.cell(row=3, column=committee, value="R6の委員会意見")
    master.save(backup=False)
    assert city.progress()["1-1-1"]["内部評価"] == "R6の内部評価"
    outcome = city.close_year(force=True)
    city.send(POLICY)
    city.collect()
    progress = city.progress()
    assert all(p["内部評価"] is None and p["委員会意見"] is None for p in progress.values())
    moved = {(r[3], r[4], r[5]) for r in city.rows(names.SHEET_HISTORY) if r[1] == "年度繰越" and r[2] is None}
    assert moved == {("1-1-1", "令和6年度 内部評価", "R6の内部評価"), ("1-1-2", "令和6年度 委員会意見", "R6の委員会意見")}
    assert any("内部評価・委員会意見 2 件" in line for line in outcome.lines)
    assert Master.open(city.master).summary().actions[0].internal_evaluation == ""


def test_last_years_files_left_in_the_inbox_are_ignored_for_the_new_year(city):
    city.send(POLICY)
    city.send(CONSULT)
    city.collect()                                    # 令和6年度: both accepted, files stay in the inbox
    city.close_year()
    city.send(POLICY)                                 # 令和7年度_進捗報告_福祉政策課.xlsx beside last year's
    outcome = city.collect()
    status = city.status()
    assert status[POLICY][2] == "受理" and status[POLICY][5] == "令和7年度_進捗報告_福祉政策課.xlsx"
    assert status[CONSULT][2:6] == ["未提出", None, None, None]     # nothing counted against it
    checks = city.checks()
    assert "wrong-fiscal-year" not in {c[0] for c in checks}
    assert [c for c in checks if c[0] == "previous-year-file"] == [("previous-year-file", "", "")] * 2
    assert ("not-returned", CONSULT, "") in checks
    assert not (city.root / "返却票").exists() or not list((city.root / "返却票").iterdir())
    assert any("令和6年度 のファイル 2 件" in line for line in outcome.lines)


def test_last_years_file_first_received_now_is_still_the_departments_mistake(city):
    city.send(CONSULT)
    city.collect()
    city.close_year(force=True)                       # 福祉政策課 never returned in 令和6年度 ...
    make_return(city.plan, small_settings(city.plan), city.inbox, POLICY)       # ... and sends it now
    city.collect()
    assert ("wrong-fiscal-year", POLICY, "C4") in city.checks()
    assert (city.root / "返却票" / "令和7年度_返却票_福祉政策課.xlsx").exists()
    before = city.master.read_bytes()
    city.collect()                                    # now archived, but this year's collect rejected it
    assert city.master.read_bytes() == before
    assert ("wrong-fiscal-year", POLICY, "C4") in city.checks()
    assert (city.root / "返却票" / "令和7年度_返却票_福祉政策課.xlsx").exists()


def test_an_invalid_grade_is_not_carried_into_the_previous_year_column(city):
    city.send(POLICY, {"1-1-1": {"grade": "◎", "result": "R6の成果"}})
    city.collect()
    assert city.book()[POLICY]["I7"].value is None                 # reported as an error: never merged
    city.close_year(force=True)
    for path in city.inbox.iterdir():
        path.unlink()
    city.collect()
    ws = city.book()[POLICY]
    assert (ws["N7"].value, ws["O7"].value) == (None, "R6の成果")
    assert "◎" not in {r[5] for r in city.rows(names.SHEET_HISTORY)}
