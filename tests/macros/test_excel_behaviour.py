"""One behaviour suite for both books: the file adapter (openpyxl, the command line path) and the
xlwings adapter over the fake of xlwings. What lands in the file must be the same on both paths."""
from __future__ import annotations

from __future__ import annotations

import datetime as dt
import shutil
import zipfile

import pytest

from macros.runner import log_path, run
from workbook.files.sheet_book import FileBook, Formula
from workbook.errors import MasterError
from workbook.sheets.layout import FIRST_ROW, col_number
from workbook.files.master import Master
from tests.macros.excel_kit import (ADAPTERS, DEPT, PROGRESS_INTERNAL, TRICKY, alerts, on_disk, open_book, sample_operation)


# --- the protocol ------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", ADAPTERS)
def test_text_stays_text_numbers_stay_numbers_formulas_stay_formulas(kind, master_path):
    book = open_book(kind, master_path)
    rows = [list(r) for r in TRICKY]
    rows[0][1] = Formula(rows[0][1])
    rows.append([5, 1.5, dt.datetime(2025, 4, 1), True, None, None])
    book.write("検証結果", rows, row=2)
    book.save()
    for block in (book.read("検証結果"), on_disk(master_path, "検証結果")):
        got = [r[:6] for r in block[1:4]]
        assert got[0] == ["=1+1 と書いた", "=SUM(A1:A2)", "'quoted", "1-1", "１２０", "10%"]
        assert isinstance(got[0][1], Formula) and not isinstance(got[0][0], Formula)
        assert got[1][:4] == ["TRUE", "001", "改行\nあり", None] and got[1][5] == "－"
        assert got[2][:4] == [5, 1.5, dt.datetime(2025, 4, 1), True]


@pytest.mark.parametrize("kind", ADAPTERS)
def test_writing_into_a_protected_department_sheet_keeps_it_protected(kind, master_path):
    book = open_book(kind, master_path)
    book.write(DEPT, [["取組を実施", None, "年 3 回"]], row=FIRST_ROW, column=col_number("content"))
    book.save()
    block = on_disk(master_path, DEPT)
    row = block[FIRST_ROW - 1]
    assert row[col_number("content") - 1] == "取組を実施"
    assert row[col_number("result") - 1] == "年 3 回"
    assert Master.open(master_path).department_sheet(DEPT).protection.sheet


@pytest.mark.parametrize("kind", ADAPTERS)
def test_replace_leaves_nothing_of_the_old_block(kind, master_path):
    book = open_book(kind, master_path)
    book.write("検証結果", [[f"古い{i}", i, Formula(f"=B{i + 2}*2")] for i in range(6)], row=2)
    book.replace({"検証結果": [["見出し", "列2"], ["新しい", 1]]})
    book.save()
    assert on_disk(master_path, "検証結果") == [["見出し", "列2"], ["新しい", 1]]
    assert book.read("検証結果") == [["見出し", "列2"], ["新しい", 1]]


@pytest.mark.parametrize("kind", ADAPTERS)
def test_new_rows_take_the_format_of_the_last_row_and_rows_take_the_heights_given(kind, master_path):
    book = open_book(kind, master_path)
    header = book.read("提出状況")[0]
    rows = [header] + [[f"課{i}", i, "未提出"] for i in range(5)]
    book.replace({"提出状況": rows}, {"提出状況": {4: 40.0, 5: 40.0, 6: 18.0}})
    book.save()
    ws = Master.open(master_path).wb["提出状況"]
    assert [ws.cell(row=r, column=1).value for r in range(2, 7)] == [f"課{i}" for i in range(5)]
    for r in (4, 5, 6):            # below the old table (two departments: rows 2-3)
        cell = ws.cell(row=r, column=2)
        assert cell.border.left.style == ws.cell(row=3, column=2).border.left.style == "thin"
        assert cell.font.name == ws.cell(row=3, column=2).font.name
    assert [ws.row_dimensions[r].height for r in (4, 5, 6)] == [40.0, 40.0, 18.0]


@pytest.mark.parametrize("kind", ADAPTERS)
def test_an_operation_lands_in_the_file(kind, master_path):
    book = open_book(kind, master_path)
    outcome = run(book, "検証", sample_operation)
    assert outcome is not None and outcome.lines[0] == "検証しました。"
    master = Master.open(master_path)
    got = master.entries_of(DEPT)
    assert got["1-1-1"].values["content"] == "=チラシ配布（数式ではない）"
    assert got["1-1-1"].values["result"] == "1-1 の会議を 3 回"
    assert got["1-1-1"].values["budget"] == 120
    assert got["1-1-2"].values["result"] == "１２０人が参加"
    assert got["1-1-2"].values["reason"] == "'感染症のため"
    assert master.contact_of(DEPT) == ("山田", "=内線 123")
    checks = on_disk(master_path, "検証結果")
    code, cell, value = (checks[0].index(h) for h in ("コード", "セル", "値"))     # 検証結果 columns by name
    assert [(r[code], r[cell], r[value]) for r in checks[1:]] == [("required-missing", "H7", None),
                                                                   ("formula-in-input", "F8", "=1+1")]
    assert master.history_rows()[-1][6] == "=旧値"
    block = on_disk(master_path, DEPT)
    helper = block[FIRST_ROW - 1][-1]
    assert isinstance(helper, Formula) and helper.startswith("=IF(")


def test_both_paths_leave_the_same_sheets(tmp_path, master_template):
    paths = {}
    for kind in ADAPTERS:
        paths[kind] = tmp_path / kind / "master.xlsm"
        paths[kind].parent.mkdir()
        shutil.copy2(master_template, paths[kind])
        assert run(open_book(kind, paths[kind]), "検証", sample_operation) is not None
    names = FileBook(paths["file"]).sheet_names()
    assert names == FileBook(paths["xlwings"]).sheet_names()
    for name in names:
        file_block, xl_block = on_disk(paths["file"], name), on_disk(paths["xlwings"], name)
        assert file_block == xl_block, name
        assert [[type(v) is Formula for v in r] for r in file_block] == \
            [[type(v) is Formula for v in r] for r in xl_block], name


@pytest.mark.parametrize("kind", ADAPTERS)
def test_running_again_writes_nothing_and_backs_up_nothing(kind, master_path):
    run(open_book(kind, master_path), "検証", sample_operation)
    data = master_path.read_bytes()
    book = open_book(kind, master_path)
    assert run(book, "検証", lambda b: sample_operation(b, history=False)).lines[-1] != "マスターを更新しました。"
    assert master_path.read_bytes() == data or kind == "xlwings"      # Excel's own save rewrites the file
    assert len(list((master_path.parent / "バックアップ").iterdir())) == 1
    if kind == "xlwings":
        assert book.book.saves == 1 and not [c for c in book.book.app.calls if c[0] == "value"]


@pytest.mark.parametrize("kind", ADAPTERS)
def test_edits_made_before_the_button_are_kept(kind, master_path):
    book = open_book(kind, master_path)
    book.write("進捗一覧", [["内部評価：概ね順調"]], row=2, column=PROGRESS_INTERNAL)   # typed, not saved
    run(book, "検証", sample_operation)
    assert on_disk(master_path, "進捗一覧")[1][PROGRESS_INTERNAL - 1] == "内部評価：概ね順調"


@pytest.mark.parametrize("kind", ADAPTERS)
def test_buttons_vba_and_formats_survive(kind, master_path):
    from workbook.ooxml.package import part_names

    before = part_names(master_path)
    run(open_book(kind, master_path), "検証", sample_operation)
    assert part_names(master_path) == before
    with zipfile.ZipFile(master_path) as zf:
        assert "xl/vbaProject.bin" in zf.namelist()
    ws = Master.open(master_path).department_sheet(DEPT)
    assert ws.cell(row=FIRST_ROW, column=col_number("content")).protection.locked is False
    assert ws.cell(row=FIRST_ROW, column=col_number("code")).protection.locked is True


@pytest.mark.parametrize("kind", ADAPTERS)
def test_an_addon_error_is_a_message_and_changes_nothing(kind, master_path):
    book = open_book(kind, master_path)
    before = on_disk(master_path, "検証結果")

    def failing(_book):
        raise MasterError("マスターのシート「設定」の「fiscal_year」の値が読めません。")

    assert run(book, "検証", failing) is None
    title, text, critical = alerts(book)[-1]
    assert critical and text == "マスターのシート「設定」の「fiscal_year」の値が読めません。" and "検証" in title
    assert on_disk(master_path, "検証結果") == before
    assert not log_path(master_path).exists()


@pytest.mark.parametrize("kind", ADAPTERS)
def test_an_unexpected_error_is_a_short_message_and_a_log_beside_the_master(kind, master_path):
    book = open_book(kind, master_path)

    def broken(_book):
        return {}["missing key"]

    assert run(book, "回収", broken) is None
    title, text, critical = alerts(book)[-1]
    log = log_path(master_path)
    assert critical and str(log) in text and "Traceback" not in text
    assert log.parent == master_path.parent
    assert "KeyError: 'missing key'" in log.read_text(encoding="utf-8")
