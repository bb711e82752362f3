"""The Excel path only: how the xlwings adapter writes into the open book (whole blocks, at most two
range writes per changed sheet, protection and application state put back), and the fake itself
following xlwings' conventions."""
from __future__ import annotations

from __future__ import annotations

import datetime as dt
import shutil

import pytest

from macros.excel import XlwingsBook
from macros.excel_blocks import to_excel
from macros.runner import run
from workbook.files.sheet_book import FileBook, Formula, trim
from tests.macros import fake_xlwings as fx
from tests.macros.excel_kit import (DEPT, on_disk, sample_operation)


# --- the Excel path only ---------------------------------------------------------------------------
def test_excel_saves_before_and_after_and_writes_whole_blocks_quietly(master_path):
    fake = fx.Book.open(master_path)
    run(XlwingsBook(fake), "検証", sample_operation)
    assert fake.saves == 2
    app = fake.app
    writes = [c for c in app.calls if c[0] == "value"]
    written = [c[1] for c in writes]
    assert sorted(written) == sorted(set(written))            # one block per sheet, never cell by cell
    assert set(written) == {DEPT, "進捗一覧", "提出状況", "検証結果", "履歴"}     # only the sheets that changed
    assert all(not screen and calc == "manual" for _, _, _, screen, calc in app.calls)
    heights = [c for c in app.calls if c[0] in ("row_height", "autofit")]
    assert heights and len(heights) <= len(set(written))      # one call per sheet, not row by row
    assert app.screen_updating is True and app.calculation == "automatic"
    assert app.status_bar is False
    assert [a["mode"] for a in app.alerts] == ["info"]


def test_each_changed_sheet_takes_at_most_two_range_writes_and_keeps_its_formulas_and_text(master_path):
    fake = fx.Book.open(master_path)
    run(XlwingsBook(fake), "検証", sample_operation)
    app = fake.app
    changed = {c[1] for c in app.calls if c[0] in fx.WRITES}
    assert changed == {DEPT, "進捗一覧", "提出状況", "検証結果", "履歴"}
    for name in changed:
        grown = sum(1 for c in app.calls if c[0] == "copy" and c[1] == name)   # formats for rows below the table
        assert app.range_writes(name) - grown <= 2, [c for c in app.calls if c[1] == name]
    value = next(c for c in app.calls if c[0] == "value" and c[1] == DEPT)
    assert value[2].startswith("$D$3:")          # the contact (row 3) to the last answer: D4 (a formula) inside
    ws = fake.sheets[DEPT]
    assert ws.range("D4").formula.startswith("=SUM(") and ws.range("C3").value == "回答者（担当者名）"
    block = on_disk(master_path, DEPT)
    assert isinstance(block[3][3], Formula) and block[5][3].startswith("取組目標")


def test_an_update_that_cannot_be_patched_goes_in_as_whole_sheets(master_path, tmp_path, monkeypatch, master_template):
    from workbook.files import master_update

    monkeypatch.setattr(master_update, "_patchable", lambda snap, update: False)
    fake = fx.Book.open(master_path)
    assert run(XlwingsBook(fake), "検証", sample_operation) is not None
    assert all(c[2].startswith("$A$1:") for c in fake.app.calls if c[0] == "value")   # whole blocks from A1
    cli = tmp_path / "cli" / "master.xlsm"
    cli.parent.mkdir()
    shutil.copy2(master_template, cli)
    run(FileBook(cli), "検証", sample_operation)
    for name in FileBook(cli).sheet_names():
        assert on_disk(cli, name) == on_disk(master_path, name), name


def test_protection_is_put_back_with_the_same_options(master_path):
    fake = fx.Book.open(master_path)
    api = fake.sheets[DEPT].api
    api.Protect(Contents=True, DrawingObjects=False, Scenarios=False, AllowFormattingCells=True,
                AllowFormattingColumns=True, AllowFormattingRows=True, AllowFiltering=True)
    run(XlwingsBook(fake), "検証", sample_operation)
    assert api.ProtectContents
    last = api.protect_calls[-1]
    assert last["AllowFormattingColumns"] and last["AllowFiltering"] and not last["AllowDeletingRows"]


def test_app_state_is_restored_when_writing_fails(master_path):
    fake = fx.Book.open(master_path)
    book = XlwingsBook(fake)
    with pytest.raises(KeyError):
        book.replace({"検証結果": [["a"]], "存在しないシート": [["b"]]})
    assert fake.app.screen_updating is True and fake.app.calculation == "automatic"


def test_a_backup_is_made_before_excel_overwrites(master_path):
    run(XlwingsBook(fx.Book.open(master_path)), "検証", sample_operation)
    backups = list((master_path.parent / "バックアップ").glob("master_*.xlsm"))
    assert len(backups) == 1


def test_text_is_written_with_an_apostrophe_and_formulas_without():
    assert to_excel("=1+1") == "'=1+1"
    assert to_excel(Formula("=1+1")) == "=1+1"
    assert to_excel("") is None and to_excel(float("nan")) is None and to_excel(3) == 3


def test_trim_drops_empty_edges():
    assert trim([[None, "a", ""], ["", None, None], [None, None, None]]) == [[None, "a"]]
    assert trim([["", None], [None, "b", None, ""]]) == [[None, None], [None, "b"]]


# --- the fake follows xlwings' conventions -----------------------------------------------------------
def fake_sheet():
    return fx.Book("x.xlsx", ["s"]).sheets["s"]


def test_fake_reads_like_xlwings():
    ws = fake_sheet()
    ws.range("A1").value = [[1, "a"], [None, 2.5]]
    assert ws.range("A1").value == 1.0 and isinstance(ws.range("A1").value, float)
    assert ws.range("A1:B1").value == [1.0, "a"]
    assert ws.range("A1:A2").value == [1.0, None]
    assert ws.range("A1:B2").value == [[1.0, "a"], [None, 2.5]]
    assert ws.range("A1").options(ndim=2).value == [[1.0]]
    assert ws.range("C5").value is None
    assert ws.range("A1").expand().address == "$A$1:$B$1"
    assert ws.used_range.address == "$A$1:$B$2"


def test_fake_writes_like_excel():
    ws = fake_sheet()
    ws.range("B2").value = ["=1+1", "'=1+1", "1-1", "１２０", "1,000", "x"]
    assert ws.range("B2").value is None and ws.range("B2").formula == "=1+1"
    assert ws.range("C2").value == "=1+1"
    assert isinstance(ws.range("D2").value, dt.datetime)
    assert ws.range("E2:F2").value == [120.0, 1000.0]
    assert ws.range("G2").value == "x"
    ws.range("A1:B2").value = 0
    assert ws.range("A1:B2").value == [[0.0, 0.0], [0.0, 0.0]]
    ws.range("A1").value = None
    assert ws.range("A1").value is None


def test_fake_refuses_locked_cells_of_a_protected_sheet():
    ws = fake_sheet()
    ws.api.Protect(Contents=True)
    with pytest.raises(fx.FakeComError):
        ws.range("A1").value = "x"
    ws.api.Unprotect()
    ws.range("A1").value = "x"


def test_fake_caller_is_the_mock_caller():
    book = fx.Book("x.xlsm", ["s"])
    book.set_mock_caller()
    assert fx.Book.caller() is book
