"""Collect and validate on small masters made per test; the master is read back with openpyxl."""
from __future__ import annotations

import datetime as dt
import io
import zipfile

import openpyxl
import pytest

from macros.collect import run_collect
from tests.macros.city import CONSULT, POLICY, City, every_cell
from tests.workbook.returns_kit import Text, make_return, small_plan, small_settings
from workbook.sheets import master_sheets as ms
from workbook.sheets import names
from workbook.files import master_update
from workbook.files.archive import INDEX_NAME
from workbook.ooxml.vba.cfb import write_compound_file
from workbook.files.master import Master, build_master
from workbook.domain.plan import Indicator
from workbook.domain.problems import REPORT_COLUMNS

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
