"""Collect and validate on small masters made per test; the master is read back with openpyxl."""
from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import openpyxl
import pytest

from macros.collect import run_collect
from tests.macros.city import CONSULT, POLICY, City, every_cell
from macros.validate import run_validate
from workbook.rules.status import ENTRY_CODES
from tests.workbook.returns_kit import Text, make_return, small_plan, small_settings
from workbook.sheets import master_sheets as ms
from workbook.sheets import names
from workbook.sheets import progress_sheet
from workbook.files import master_update
from workbook.files.archive import INDEX_NAME
from workbook.ooxml.vba.cfb import write_compound_file
from workbook.files.master import Master, build_master
from workbook.domain.plan import Indicator
from workbook.domain.problems import REPORT_COLUMNS
from workbook.errors import MasterError

COL = {name: i for i, name in enumerate(REPORT_COLUMNS)}     # 検証結果 columns by name


@pytest.fixture
def city(tmp_path):
    return City(tmp_path)


def test_collect_merges_returns_and_rebuilds_the_summary_sheets(city):
    city.send(POLICY)
    city.send(CONSULT, {"1-1-2": {"grade": "ー", "reason": "会議が中止になったため"}})
    outcome = city.collect()
    assert any("保存しました" in line for line in outcome.lines)
    ws = city.book()[POLICY]
    assert ws["F7"].value == "1-1-1 の取組を実施した。" and ws["I7"].value == "B" and ws["D3"].value == "山田"
    consult = city.book()[CONSULT]
    assert consult["I7"].value == "－" and consult["G9"].value == 100
    progress = city.progress()
    assert progress["1-1-2"]["達成度（統合）"] == "B"          # B and － give B (seed 002)
    assert progress["1-1-3"]["推奨評価（指標）"] == "B"        # 100 of 100 件
    assert progress["1-1-1"]["取組内容"] == "1-1-1 の取組を実施した。"
    status = city.status()
    assert [status[d][2:5] for d in (POLICY, CONSULT)] == [["受理", 0, 0], ["受理", 0, 0]]
    assert status[POLICY][5] == "令和6年度_進捗報告_福祉政策課.xlsx" and len(status[POLICY][9]) == 64
    assert city.checks() == []


def test_collecting_the_same_inbox_twice_changes_nothing(city):
    city.send(POLICY, {"1-1-1": {"grade": "◎"}})
    city.send(CONSULT)
    (city.inbox / "memo.xlsx").write_text("not a workbook")
    city.collect()
    before = every_cell(city.master)
    archived = sorted(p.name for p in (city.root / "受領控").iterdir())
    backups = sorted(p.name for p in (city.root / "バックアップ").iterdir())
    lists = {p: p.stat().st_mtime_ns for p in (city.root / "返却票").iterdir()}
    master_bytes = city.master.read_bytes()
    outcome = city.collect()
    assert every_cell(city.master) == before
    assert city.master.read_bytes() == master_bytes
    assert sorted(p.name for p in (city.root / "受領控").iterdir()) == archived
    assert sorted(p.name for p in (city.root / "バックアップ").iterdir()) == backups
    assert {p: p.stat().st_mtime_ns for p in (city.root / "返却票").iterdir()} == lists
    assert any("変更はありません" in line for line in outcome.lines)


def test_each_bad_file_is_reported_and_skipped(city, tmp_path):
    good = city.send(POLICY)
    (city.inbox / "renamed.xlsx").write_text("取組番号,実績\n", encoding="utf-8")
    (city.inbox / "old.xls").write_bytes(write_compound_file({"Workbook": bytes(600)}))
    (city.inbox / ("~$" + good.name)).write_bytes(b"\x05owner" + bytes(100))
    with zipfile.ZipFile(city.inbox / "bomb.xlsx", "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * (8 * 1024 * 1024))
    data = good.read_bytes()
    (city.inbox / "cut.xlsx").write_bytes(data[: len(data) // 3])
    try:
        from msoffcrypto.format.ooxml import OOXMLFile

        out = io.BytesIO()
        with good.open("rb") as f:
            OOXMLFile(f).encrypt("pw", out)
        (city.inbox / "locked.xlsx").write_bytes(out.getvalue())
    except ImportError:
        (city.inbox / "locked.xlsx").write_bytes(write_compound_file({"EncryptionInfo": bytes(99),
                                                                      "EncryptedPackage": bytes(999)}))
    city.collect()
    found = {code: cell for code, _, cell in city.checks()}
    for code in ("file-not-workbook", "file-legacy-xls", "file-lock", "file-too-large", "file-truncated",
                 "file-encrypted"):
        assert code in found
    rows = {r[REPORT_COLUMNS.index("コード")]: r[REPORT_COLUMNS.index("ファイル")] for r in city.rows(names.SHEET_CHECKS)}
    assert rows["file-truncated"] == "cut.xlsx" and rows["file-encrypted"] == "locked.xlsx"
    assert city.status()[POLICY][2] == "受理"
    archived = [p.read_bytes() for p in (city.root / "受領控").iterdir() if p.name != INDEX_NAME]
    for path in city.inbox.iterdir():
        if not path.name.startswith("~$"):
            assert path.read_bytes() in archived, path.name      # every received file, byte for byte


def test_a_file_is_identified_by_its_identity_sheet_not_its_name(city):
    city.send(CONSULT, name="報告（相談担当の分）.xlsx")          # a name that names no department
    city.collect()
    status = city.status()
    assert status[CONSULT][2] == "受理" and status[POLICY][2] == "未提出"
    assert city.book()[CONSULT]["F7"].value == "1-1-2 の取組を実施した。"
    assert city.book()[POLICY]["F7"].value is None


def test_a_file_named_for_another_department_is_held(city):
    city.send(CONSULT, name="令和6年度_進捗報告_福祉政策課.xlsx")   # 政策課 filled in 相談課's copy
    before = {name: every_cell(city.master)[name] for name in (CONSULT, POLICY)}
    city.collect()
    status = city.status()
    assert status[CONSULT][2] == "未提出" and status[POLICY][2] == "未提出"
    assert status[POLICY][5] == "令和6年度_進捗報告_福祉政策課.xlsx"       # named, not counted as reported
    assert status[CONSULT][5] in (None, "")                              # the copy's owner is not charged
    assert ("file-name-mismatch", POLICY, "C5") in city.checks()
    assert {name: every_cell(city.master)[name] for name in (CONSULT, POLICY)} == before


def test_a_misnamed_file_never_changes_the_status_of_the_department_whose_copy_it_was(city):
    city.send(POLICY, name="policy.xlsx", saved="2025-05-01T01:00:00Z")
    city.collect()
    assert city.status()[POLICY][2] == "受理"
    city.send(POLICY, {"1-1-1": {"result": "別の課が書いた成果"}}, name="令和6年度_進捗報告_福祉相談課.xlsx",
              saved="2025-05-10T01:00:00Z")
    before = every_cell(city.master)[POLICY]
    city.collect()
    status = city.status()
    assert status[POLICY][2:6] == ["受理", 0, 0, "policy.xlsx"]
    assert status[CONSULT][2] == "未提出" and status[CONSULT][5] == "令和6年度_進捗報告_福祉相談課.xlsx"
    assert every_cell(city.master)[POLICY] == before
    assert not (city.root / "返却票" / "令和6年度_返却票_福祉政策課.xlsx").exists()


@pytest.mark.parametrize("name", ["令和6年度_進捗報告_福祉相談課（回答）.xlsx", "コピー ～令和6年度_進捗報告_福祉相談課.xlsx",
                                  "令和6年度_進捗報告_福祉相談課(修正).xlsx", "福祉相談課 - コピー.xlsx"])
def test_additions_to_the_distributed_name_are_not_another_department(city, name):
    city.send(CONSULT, name=name)
    city.collect()
    assert city.status()[CONSULT][2] == "受理"
    assert "file-name-mismatch" not in {c[0] for c in city.checks()}


def test_a_newer_return_replaces_the_first_and_history_keeps_the_old_values(city):
    city.send(POLICY, name="first.xlsx", saved="2025-05-01T01:00:00Z")
    city.collect()
    city.send(POLICY, {"1-1-1": {"result": "チラシ2,000部を配布"}}, name="second.xlsx", saved="2025-05-10T01:00:00Z")
    city.collect()
    assert city.book()[POLICY]["H7"].value == "チラシ2,000部を配布"
    history = city.rows(names.SHEET_HISTORY)
    assert [(h[2], h[3], h[4], h[5], h[6], h[7]) for h in history] == [
        (POLICY, "1-1-1", "実績・成果", "1-1-1 実績 3回", "チラシ2,000部を配布", "second.xlsx")]
    assert ("older-return", POLICY, "") in city.checks()
    assert city.status()[POLICY][5] == "second.xlsx"
    # an older file arriving afterwards does not replace the newer one
    city.send(POLICY, {"1-1-1": {"result": "古い内容"}}, name="older.xlsx", saved="2025-04-01T01:00:00Z")
    city.collect()
    assert city.book()[POLICY]["H7"].value == "チラシ2,000部を配布"
    assert len(city.rows(names.SHEET_HISTORY)) == 1
    older = [r for r in city.rows(names.SHEET_CHECKS) if r[COL["コード"]] == "older-return"]
    assert sorted(r[COL["ファイル"]] for r in older) == ["first.xlsx", "older.xlsx"]


def test_the_accepted_return_is_read_back_from_the_archive(city):
    path = city.send(POLICY, {"1-1-1": {"grade": "◎"}})
    city.collect()
    before = every_cell(city.master)
    path.unlink()                        # the section tidies the inbox
    city.collect()
    assert every_cell(city.master) == before


def test_text_from_departments_never_becomes_a_formula(city):
    city.send(POLICY, {"1-1-1": {"content": Text("=HYPERLINK(\"http://example.com\")"), "result": "=1+1"}})
    city.collect()
    ws = city.book()[POLICY]
    assert (ws["F7"].value, ws["F7"].data_type) == ('=HYPERLINK("http://example.com")', "s")
    assert ws["H7"].value is None           # a formula is reported, never merged: the master keeps what it had
    with zipfile.ZipFile(city.master) as z:
        names = [n for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
        for name in names:
            assert b"HYPERLINK" not in z.read(name) or b"<f>HYPERLINK" not in z.read(name)
    assert ("formula-in-input", POLICY, "H7") in city.checks()


def test_an_edited_title_holds_back_the_whole_row(city):
    path = city.send(POLICY)
    wb = openpyxl.load_workbook(path)
    wb["進捗報告"]["C7"] = "書き換えた題"
    wb.save(path)
    city.collect()
    ws = city.book()[POLICY]
    assert ws["C7"].value == "相談窓口の周知"
    assert [ws[f"{c}7"].value for c in "FHIJKLM"] == [None] * 7          # nothing of the doubtful row
    assert ws["F8"].value == "1-1-2 の取組を実施した。"                    # the other rows are merged
    assert ("row-identity-doubt", POLICY, "B7") in city.checks()
    assert city.status()[POLICY][2] == "要修正"


def test_plan_cell_edits_are_reported_and_never_merged(city):
    path = city.send(POLICY)
    wb = openpyxl.load_workbook(path)
    wb["進捗報告"]["D7"] = "書き換えた目標"
    wb.save(path)
    city.collect()
    assert city.book()[POLICY]["D7"].value == "チラシの作成"
    assert ("plan-cell-edited", POLICY, "D7") in city.checks()
    assert city.status()[POLICY][2] == "要修正"
    assert (city.root / "返却票" / "令和6年度_返却票_福祉政策課.xlsx").exists()


def test_last_years_file_is_not_merged(city):
    last_year = small_settings(city.plan, fiscal_year=5)
    path = make_return(city.plan, last_year, city.inbox, POLICY)
    city.collect()
    rows = [r for r in city.rows(names.SHEET_CHECKS) if r[COL["コード"]] == "wrong-fiscal-year"]
    assert [tuple(r[COL[n]] for n in ("担当課", "シート", "セル", "値")) for r in rows] == \
        [(POLICY, "識別情報", "C4", "令和5年度")]
    # not merged, so not reported: 未提出, with the file that came named (C2)
    status = city.status()[POLICY]
    assert status[2] == "未提出" and status[3] == 1 and status[5] == path.name and status[9] is None
    assert city.book()[POLICY]["F7"].value is None
    assert Master.open(city.master).returned_departments() == []
    assert (city.root / "返却票" / "令和6年度_返却票_福祉政策課.xlsx").exists()


def test_departments_that_have_not_returned_are_listed(city):
    city.send(POLICY)
    city.collect()
    assert city.status()[CONSULT][2] == "未提出"
    assert ("not-returned", CONSULT, "") in city.checks()


def test_correction_lists_name_the_cells(city):
    city.send(CONSULT, {"1-1-3": {"grade": "C", "reason": None}, "1-1-3#1": {"actual": "集計中"}})
    city.collect()
    path = city.root / "返却票" / "令和6年度_返却票_福祉相談課.xlsx"
    ws = openpyxl.load_workbook(path).active
    cells = [r[5] for r in ws.iter_rows(min_row=12, values_only=True)]
    assert cells == ["J8", "G9"]
    assert not (city.root / "返却票" / "令和6年度_返却票_福祉政策課.xlsx").exists()


def test_same_bytes_under_two_names_count_once(city):
    path = city.send(POLICY)
    (city.inbox / "copy.xlsx").write_bytes(path.read_bytes())
    outcome = city.collect()
    assert not [c for c in city.checks() if c[0] == "older-return"]
    assert any("同じ内容" in line for line in outcome.lines)


def test_vba_buttons_and_drawings_survive_collect(tmp_path):
    city = City(tmp_path, vba=True)
    with zipfile.ZipFile(city.master) as z:
        before = {n: z.read(n) for n in z.namelist() if not n.startswith("xl/worksheets/sheet")
                  and n not in ("xl/workbook.xml",)}
        names = set(z.namelist())
    city.send(POLICY)
    city.collect()
    with zipfile.ZipFile(city.master) as z:
        assert set(z.namelist()) == names
        for name, data in before.items():
            assert z.read(name) == data, name
    master = Master.open(city.master)          # openpyxl still opens it
    assert master.entries_of(POLICY)["1-1-1"].grade == "B"
    before = city.master.read_bytes()
    city.collect()
    assert city.master.read_bytes() == before


def test_the_openpyxl_way_gives_the_same_cells(tmp_path, monkeypatch):
    results, sent = [], []
    for way in ("patch", "openpyxl"):
        city = City(tmp_path / way)
        if not sent:
            sent = [city.send(POLICY, {"1-1-1": {"grade": "◎"}}),
                    city.send(CONSULT, {"1-1-2": {"grade": "－", "reason": "中止"}})]
        else:
            for path in sent:                       # the very same files
                (city.inbox / path.name).write_bytes(path.read_bytes())
        if way == "openpyxl":
            monkeypatch.setattr(master_update, "_patchable", lambda snap, update: False)
        city.collect()
        cells = every_cell(city.master)
        for sheet in (names.SHEET_STATUS, names.SHEET_HISTORY):
            cells[sheet] = [tuple((c, v, t) for c, v, t in row        # the moments of each run (dates, or text)
                                  if not (isinstance(v, dt.datetime) or isinstance(v, str) and "-" in v and ":" in v))
                            for row in cells[sheet]]
        results.append(cells)
    patch, rewrite = results
    for sheet in patch:
        values = [[(c, v) for c, v, _ in row if v is not None] for row in patch[sheet]]
        other = [[(c, v) for c, v, _ in row if v is not None] for row in rewrite[sheet]]
        assert [r for r in values if r] == [r for r in other if r], sheet


def test_a_plan_changed_after_the_master_was_built_is_rewritten(tmp_path):
    city = City(tmp_path)
    plan = small_plan()
    plan.indicators.append(Indicator("1-1-2", "会議回数", "回", None, "", 4.0, "R8"))
    master = Master.open(city.master)
    ws = master.wb[names.SHEET_INDICATORS]
    ms.reset(ws)
    ms.write_indicators(ws, plan)
    master.save(backup=False)
    city.plan = plan
    city.send(CONSULT, {"1-1-2#1": {"actual": 4}})
    city.collect()
    ws = city.book()[CONSULT]
    keys = [ws.cell(row=r, column=1).value for r in range(7, 11)]
    assert keys == ["1-1-2", "1-1-2#1", "1-1-3", "1-1-3#1"]
    assert ws["G8"].value == 4 and ws["F7"].value == "1-1-2 の取組を実施した。"
    assert city.status()[CONSULT][2] == "受理"
    before = city.master.read_bytes()
    city.collect()                                  # the rewritten sheets can now be patched: nothing to do
    assert city.master.read_bytes() == before


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


def test_validate_checks_what_the_master_holds(city):
    path = city.send(POLICY, {"1-1-1": {"grade": "◎"}})
    wb = openpyxl.load_workbook(path)
    wb["進捗報告"]["D8"] = "書き換えた目標"
    wb.save(path)
    city.collect()
    assert {c[0] for c in city.checks()} >= {"grade-invalid", "plan-cell-edited"}
    assert city.book()[POLICY]["I7"].value is None                 # the flagged grade was not merged
    master = Master.open(city.master)
    master.department_sheet(POLICY)["I7"] = "◎"     # the section types it into the master by hand
    master.save(backup=False)
    run_validate(city.master)
    assert ("grade-invalid", POLICY, "I7") in city.checks()       # now found in the master's own sheet
    sheet = openpyxl.load_workbook(city.root / "返却票" / "令和6年度_返却票_福祉政策課.xlsx").active
    listed = [r for r in sheet.iter_rows(min_row=12, values_only=True) if r[5] == "I7"]
    assert listed[0][4] == "進捗報告" and "シート「進捗報告」" in listed[0][7]   # as the department's file calls it
    master = Master.open(city.master)
    master.department_sheet(POLICY)["I7"] = "A"     # the section corrects the grade by hand
    master.save(backup=False)
    outcome = run_validate(city.master)
    codes = {c[0] for c in city.checks()}
    assert "grade-invalid" not in codes and "plan-cell-edited" in codes and "not-returned" in codes
    assert city.status()[POLICY][2:5] == ["要修正", 1, 0]
    assert city.progress()["1-1-1"]["達成度（統合）"] == "A"
    assert outcome.lines


def test_validate_right_after_collect_leaves_the_correction_lists_as_they_were(city):
    """validate keeps the file-level rows collect wrote (plan-cell-edited, ...): whole, with 取組番号
    and 項目, so the correction list it writes is the one collect wrote."""
    path = city.send(POLICY, {"1-1-1": {"grade": "◎"}})
    wb = openpyxl.load_workbook(path)
    wb["進捗報告"]["D8"] = "書き換えた目標"
    wb["進捗報告"]["D7"] = "これも書き換えた"
    wb.save(path)
    city.send(CONSULT, {"1-1-2": {"content": None}})
    (city.inbox / "memo.xlsx").write_text("not a workbook")
    city.collect()
    folder = city.root / "返却票"
    lists = {p.name: (every_cell(p), p.read_bytes()) for p in folder.iterdir()}
    assert len(lists) == 2
    code, cell, action, field = (REPORT_COLUMNS.index(h) for h in ("コード", "セル", "取組番号", "項目"))
    edited = sorted((r[cell], r[action], r[field]) for r in city.rows(names.SHEET_CHECKS) if r[code] == "plan-cell-edited")
    assert edited == [("D7", "1-1-1", "取組目標"), ("D8", "1-1-2", "取組目標")]
    carried = [r for r in city.rows(names.SHEET_CHECKS) if r[code] not in ENTRY_CODES]
    assert sorted(r[code] for r in carried) == ["file-not-workbook", "plan-cell-edited", "plan-cell-edited"]
    policy = openpyxl.load_workbook(folder / "令和6年度_返却票_福祉政策課.xlsx").active
    assert [r[2:6] for r in policy.iter_rows(min_row=12, values_only=True)] == [
        ("1-1-1", "取組目標", "進捗報告", "D7"), ("1-1-1", "自己評価", "進捗報告", "I7"),
        ("1-1-2", "取組目標", "進捗報告", "D8")]
    run_validate(city.master)
    assert {p.name: (every_cell(p), p.read_bytes()) for p in folder.iterdir()} == lists
    assert [r for r in city.rows(names.SHEET_CHECKS) if r[code] not in ENTRY_CODES] == carried
    run_validate(city.master)
    assert {p.name: (every_cell(p), p.read_bytes()) for p in folder.iterdir()} == lists
    assert [r for r in city.rows(names.SHEET_CHECKS) if r[code] not in ENTRY_CODES] == carried


def test_validate_reads_a_checks_sheet_without_the_action_columns(city):
    """A master whose 検証結果 was written before 取組番号/項目 were added: its rows are read by
    their headers, and the sheet gets the current columns."""
    path = city.send(POLICY)
    wb = openpyxl.load_workbook(path)
    wb["進捗報告"]["D7"] = "書き換えた目標"
    wb.save(path)
    city.collect()
    master = Master.open(city.master)
    ws = master.wb[names.SHEET_CHECKS]
    ws.delete_cols(REPORT_COLUMNS.index("取組番号") + 1, 2)
    master.save(backup=False)
    run_validate(city.master)
    header = [c.value for c in city.book()[names.SHEET_CHECKS][1]]
    assert header[:len(REPORT_COLUMNS)] == REPORT_COLUMNS
    assert ("plan-cell-edited", POLICY, "D7") in city.checks()
    assert city.status()[POLICY][2:5] == ["要修正", 1, 0]


OLD_REPORT_COLUMNS = ["重要度", "コード", "内容", "担当課", "ファイル", "シート", "セル", "値", "対応", "取組番号", "項目",
                      "保留時のマスターの値"]      # 検証結果 as masters before the code moved to its narrow column


def test_validate_reads_a_checks_sheet_with_the_code_second(city):
    """A master whose 検証結果 has the earlier column order: read by the headers; validate writes
    the current columns and keeps every row."""
    path = city.send(POLICY)
    wb = openpyxl.load_workbook(path)
    wb["進捗報告"]["D7"] = "書き換えた目標"
    wb.save(path)
    city.collect()
    rows = city.rows(names.SHEET_CHECKS)
    master = Master.open(city.master)
    ws = master.wb[names.SHEET_CHECKS]
    ms.reset(ws)
    ms.table(ws, OLD_REPORT_COLUMNS, [[r[COL[h]] for h in OLD_REPORT_COLUMNS] for r in rows])
    master.save(backup=False)
    run_validate(city.master)
    header = [c.value for c in city.book()[names.SHEET_CHECKS][1]]
    assert header[:len(REPORT_COLUMNS)] == REPORT_COLUMNS
    assert ("plan-cell-edited", POLICY, "D7") in city.checks()
    assert city.rows(names.SHEET_CHECKS) == rows
    assert city.status()[POLICY][2:5] == ["要修正", 1, 0]


def test_demo_cycle_every_action_is_graded_or_explained(tmp_path):
    distribute_mod = pytest.importorskip("macros.distribute")
    from macros.operations import new_master
    from workbook.files.sample import komae_plan, komae_settings

    plan, settings = komae_plan(), komae_settings()
    master = new_master(plan, settings, tmp_path, name="demo.xlsm")
    distribute_mod.run_distribute(master)
    distribute_mod.fill_sample_returns(master)
    run_collect(master)
    book = openpyxl.load_workbook(master)
    checks = [r for r in book[names.SHEET_CHECKS].iter_rows(min_row=2, values_only=True) if any(r)]
    for action in plan.actions:
        for department in action.departments:
            ws = book[department]
            row = next(r for r in range(7, ws.max_row + 1) if ws.cell(row=r, column=1).value == action.code)
            if settings.scale.normalize(ws.cell(row=row, column=9).value):
                continue
            explained = [c for c in checks if c[COL["担当課"]] == department
                         and (not c[COL["セル"]] or c[COL["セル"]].endswith(str(row)))]
            assert explained, (action.code, department)
    status = {r[0]: r[2] for r in book[names.SHEET_STATUS].iter_rows(min_row=2, values_only=True) if r[0]}
    assert status["指導室"] == "未提出" and status["福祉政策課"] == "要修正" and status["福祉相談課"] == "受理"
    assert (tmp_path / "返却票" / "令和6年度_返却票_福祉政策課.xlsx").exists()
    archived = [p.read_bytes() for p in (tmp_path / "受領控").iterdir()]
    for path in (tmp_path / "回収").iterdir():
        if path.is_file():
            assert path.read_bytes() in archived


def test_the_multi_department_rule_comes_from_settings(tmp_path):
    from workbook.domain.scale import CombineRule

    plan = small_plan()
    settings = small_settings(plan)
    settings.multi_department_rule = CombineRule.LOWEST_STRICT       # any － makes the action －
    city = City.__new__(City)
    city.plan, city.settings, city.root = plan, settings, tmp_path
    city.master = build_master(plan, settings, tmp_path / "master.xlsm")
    city.inbox = tmp_path / "回収"
    city.inbox.mkdir()
    city.send(POLICY)
    city.send(CONSULT, {"1-1-2": {"grade": "－", "reason": "中止"}})
    city.collect()
    assert city.progress()["1-1-2"]["達成度（統合）"] == "－"


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
    from workbook.errors import MasterError

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
    import re as _re

    from macros import vba
    from workbook.files import master as master_module
    from workbook.ooxml.buttons import existing_buttons

    old_steps = tuple(s for s in master_module.STEPS if s.macro in ("Distribute", "Collect", "Validate", "MakeReports"))
    old_bas = {name: _re.sub(r"Sub (SelfCheck|Remind)\(\).*?End Sub\n", "", src, flags=_re.S)
               for name, src in vba.bas_sources().items()}
    monkeypatch.setattr(master_module, "STEPS", old_steps)
    monkeypatch.setattr(vba, "bas_sources", lambda: old_bas)
    city = City(tmp_path, vba=True)
    monkeypatch.undo()
    before = [(b.macro, b.caption, b.top_left) for b in existing_buttons(city.master)]
    assert [m for m, _, _ in before] == ["Distribute", "Collect", "Validate", "MakeReports"]
    master = Master.open(city.master)                 # an older 検証結果 header forces the rewrite path
    master.wb[names.SHEET_CHECKS].cell(row=1, column=len(REPORT_COLUMNS)).value = None
    master.save(backup=False)
    city.send(POLICY)
    city.collect()
    assert city.status()[POLICY][2] == "受理"
    assert [(b.macro, b.caption, b.top_left) for b in existing_buttons(city.master)] == before
