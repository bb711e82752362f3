"""Patch: cell values written into a saved package; every other part kept byte for byte."""
from __future__ import annotations

import zipfile

import openpyxl
import pytest

from workbook.errors import MasterError
from workbook.ooxml.patch import PackagePatch
from workbook.ooxml.sheet_xml import SheetXml
from workbook.sheets.row_heights import row_height
from workbook.sheets.styles import autofit_rows

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def book(path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "表"
    ws["A1"] = "見出し"
    ws["B2"] = "古い値"
    ws["B2"].font = openpyxl.styles.Font(bold=True)
    ws["C2"] = "=1+1"
    wb.create_sheet("別")["A1"] = "そのまま"
    wb.save(path)
    return path


def test_values_keep_the_cell_style_and_text_stays_text(tmp_path):
    path = book(tmp_path / "b.xlsx")
    patch = PackagePatch(path)
    sheet = patch.sheet("表")
    sheet.set(2, 2, "=SUM(A1:A3)")
    sheet.set(2, 3, 120.5)
    sheet.set(5, 4, "新しいセル\n二行目")
    sheet.set(2, 1, True)
    patch.save(None)
    ws = openpyxl.load_workbook(path)["表"]
    assert (ws["B2"].value, ws["B2"].data_type, ws["B2"].font.b) == ("=SUM(A1:A3)", "s", True)
    assert ws["C2"].value == 120.5 and ws["A2"].value is True
    assert ws["D5"].value == "新しいセル\n二行目"


def test_other_parts_are_copied_byte_for_byte_and_a_backup_is_made(tmp_path):
    path = book(tmp_path / "b.xlsx")
    with zipfile.ZipFile(path) as z:
        before = {n: z.read(n) for n in z.namelist()}
    patch = PackagePatch(path)
    patch.sheet("表").set(2, 2, "新")
    backup = patch.save(tmp_path / "控え")
    assert backup.read_bytes() != path.read_bytes() and backup.parent.name == "控え"
    with zipfile.ZipFile(path) as z:
        after = {n: z.read(n) for n in z.namelist()}
    assert set(after) == set(before)
    changed = {n for n in before if before[n] != after[n]}
    assert changed == {"xl/worksheets/sheet1.xml", "xl/workbook.xml"}


def test_nothing_changed_nothing_written(tmp_path):
    path = book(tmp_path / "b.xlsx")
    patch = PackagePatch(path)
    patch.sheet("表")
    assert not patch.changed


def test_a_master_saved_meanwhile_is_not_overwritten(tmp_path):
    path = book(tmp_path / "b.xlsx")
    patch = PackagePatch(path)
    patch.sheet("表").set(2, 2, "新")
    book(path)  # someone saves the file in Excel after we read it
    with pytest.raises(MasterError):
        patch.save(None)


def test_rows_are_replaced_and_excel_shared_strings_handled():
    xml = (f'<worksheet xmlns="{MAIN}"><dimension ref="A1:B3"/><sheetData>'
           '<row r="1" spans="1:2"><c r="A1" t="s" s="3"><v>0</v></c></row>'
           '<row r="2" spans="1:2"><c r="A2" t="s" s="4"><v>1</v></c><c r="B2" s="4"/></row>'
           '<row r="3"><c r="A3"><v>9</v></c></row></sheetData></worksheet>').encode()
    sheet = SheetXml(xml)
    sheet.set(2, 2, "値")
    sheet.set(2, 1, None)
    sheet.set(2, 3, 5)      # a cell the row did not have
    assert sheet.style(2, 1) == "4"
    sheet.delete_rows_from(3)
    sheet.set(4, 1, "新しい行", style="4")
    sheet.set_ref("dimension", "A1:B4")
    out = sheet.tobytes().decode()
    assert '<c r="B2" s="4" t="inlineStr"><is><t>値</t></is></c><c r="C2"><v>5</v></c>' in out
    assert '<c r="A2" s="4"/>' in out and 'r="A3"' not in out
    assert '<row r="4"><c r="A4" s="4" t="inlineStr">' in out and 'ref="A1:B4"' in out
    assert 'spans' not in out.split('<row r="2"')[1].split(">")[0]


def test_characters_xml_cannot_hold_are_escaped_as_excel_does(tmp_path):
    path = book(tmp_path / "b.xlsx")
    patch = PackagePatch(path)
    patch.sheet("表").set(2, 2, "a\x01b")
    patch.save(None)
    with zipfile.ZipFile(path) as z:
        assert b"a_x0001_b" in z.read("xl/worksheets/sheet1.xml")


def test_calc_chain_loses_the_cells_whose_formula_was_replaced(tmp_path):
    path = book(tmp_path / "b.xlsx")
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    parts["xl/calcChain.xml"] = f'<calcChain xmlns="{MAIN}"><c r="C2" i="1"/><c r="D9"/></calcChain>'.encode()
    with zipfile.ZipFile(path, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    patch = PackagePatch(path)
    patch.sheet("表").set(2, 3, "値")
    patch.save(None)
    with zipfile.ZipFile(path) as z:
        chain = z.read("xl/calcChain.xml").decode()
    assert 'r="C2"' not in chain and '<c r="D9" i="1"/>' in chain


def test_row_height_matches_styles_autofit():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.column_dimensions["B"].width = 10
    ws["A1"] = "短い"
    ws["B1"] = "長い文章が入ると行の高さが増える。\n改行もある"
    autofit_rows(ws, 1, 1)
    widths = {1: (8.43, False), 2: (10.0, False)}
    assert row_height({1: ws["A1"].value, 2: ws["B1"].value}, widths) == ws.row_dimensions[1].height


def test_a_save_that_would_lose_a_part_fails_and_leaves_the_file(tmp_path, monkeypatch):
    from workbook.errors import PackageError

    path = book(tmp_path / "b.xlsx")
    original = path.read_bytes()
    patch = PackagePatch(path)
    patch.sheet("表").set(2, 2, "新")
    from workbook.ooxml import patch as patch_module

    real = patch_module.write_package

    def lose_styles(target, source, infos, new_parts):
        return real(target, source, [i for i in infos if i.filename != "xl/styles.xml"], new_parts)
    monkeypatch.setattr(patch_module, "write_package", lose_styles)
    with pytest.raises(PackageError):
        patch.save(None)
    assert path.read_bytes() == original
    assert [p.name for p in tmp_path.iterdir()] == ["b.xlsx"]     # no temporary file left behind


def test_changes_describe_the_smallest_rectangle_with_the_cells_it_keeps(tmp_path):
    import datetime as dt

    from workbook.ooxml.changes import Formula

    path = tmp_path / "c.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "表"
    ws["A1"], ws["B2"], ws["C2"], ws["B3"] = "見出し", "1-1", "=SUM(A1:A2)", dt.datetime(2025, 4, 1)
    ws["C3"], ws["D3"] = 5, 1.5
    ws.row_dimensions[3].height = 30
    wb.save(path)
    patch = PackagePatch(path)
    sheet = patch.sheet("表")
    sheet.set(2, 4, "新しい")
    sheet.set(3, 2, dt.datetime(2025, 4, 1).isoformat())   # text now, where a date was
    sheet.set(3, 3, 5)                                      # the same value: not a change
    sheet.set_height(2, 32)
    sheet.set_height(3, 30)
    [change] = patch.changes()
    assert (change.sheet, change.row, change.column) == ("表", 2, 2)
    assert change.values == [["1-1", Formula("=SUM(A1:A2)"), "新しい"], ["2025-04-01T00:00:00", 5, 1.5]]
    assert change.before == [["1-1", "=SUM(A1:A2)", None], [dt.datetime(2025, 4, 1), 5, 1.5]]
    assert isinstance(change.values[0][1], Formula) and not isinstance(change.values[0][0], Formula)
    assert change.heights == {2: 32.0} and change.changed_heights == {2: 32.0}
    assert change.old_heights == {2: 15.0}
    assert (change.used_rows, change.used_columns) == (3, 4)


def test_changes_leave_out_sheets_that_end_as_they_were_and_cover_deleted_rows(tmp_path):
    path = book(tmp_path / "b.xlsx")
    patch = PackagePatch(path)
    patch.sheet("表").set(2, 2, "古い値")          # written, but the same
    patch.sheet("別").delete_rows_from(1)
    [change] = patch.changes()
    assert change.sheet == "別" and change.values == [[None]] and change.before == [["そのまま"]]


def test_no_empty_inline_string_is_written(tmp_path):
    path = book(tmp_path / "b.xlsx")
    patch = PackagePatch(path)
    sheet = patch.sheet("表")
    sheet.set(2, 2, "")
    sheet.set(2, 3, None)
    sheet.set(3, 1, "新")
    sheet.set(3, 1, "")
    patch.save(None)
    with zipfile.ZipFile(path) as z:
        xml = z.read("xl/worksheets/sheet1.xml").decode()
    assert "inlineStr\"/>" not in xml and "<is/>" not in xml and "<t/>" not in xml
    assert '<c r="B2" s="1"/>' in xml and '<c r="A3"/>' in xml      # the emptied cell keeps its style


def test_unchanged_parts_are_copied_compressed_as_they_were(tmp_path):
    from workbook.ooxml.zipcopy import raw_member

    path = book(tmp_path / "b.xlsx")
    before = path.read_bytes()
    with zipfile.ZipFile(path) as z:
        raw = {i.filename: raw_member(before, i) for i in z.infolist()}
    patch = PackagePatch(path)
    patch.sheet("表").set(2, 2, "新")
    patch.save(None)
    after = path.read_bytes()
    with zipfile.ZipFile(path) as z:
        assert z.testzip() is None
        kept = {i.filename for i in z.infolist() if raw_member(after, i) == raw[i.filename]}
    assert set(raw) - kept == {"xl/worksheets/sheet1.xml", "xl/workbook.xml"}


def test_changes_from_the_edit_records_equal_changes_from_a_second_parse(tmp_path):
    """changes() compares with the sheet as read through the edited sheet's records (ooxml.sheet_xml.Original)
    instead of parsing the part again: both must describe the same change, whatever the edits."""
    from workbook.ooxml.changes import describe
    from workbook.ooxml.original import Original

    path = tmp_path / "b.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "表"
    for r in range(1, 9):
        for c in range(1, 6):
            ws.cell(row=r, column=c, value=f"{r}-{c}" if (r + c) % 3 else r * c)
    ws.row_dimensions[3].height = 30
    ws["E2"] = "=A1&B1"
    wb.save(path)
    patch = PackagePatch(path, record=True)
    sheet = patch.sheet("表")
    sheet.set(2, 2, "新")                  # a cell that was there
    sheet.set(2, 5, 7)                     # a formula replaced
    sheet.set(4, 7, "外")                  # a new cell in an old row
    sheet.set(3, 3, None)                  # a value cleared
    sheet.set_height(3, 45)
    sheet.set(6, 1, "消す前に書いた")      # written, then its row deleted and written again
    sheet.delete_rows_from(6)
    sheet.set(6, 1, "行を消した後")
    sheet.set(7, 2, 3.5)
    sheet.set(12, 1, "新しい行")           # a row the sheet did not have
    sheet.set_height(12, 30)
    reader = patch._reader()
    reparsed = describe("表", SheetXml(patch.parts[patch.sheet_parts["表"]]), sheet, reader)
    recorded = describe("表", Original(sheet), sheet, reader)
    assert reparsed is not None and recorded == reparsed
    patch.save(None)
    sheet.set(1, 1, "保存の後")             # after a save, the saved state is the base
    assert describe("表", Original(sheet), sheet, reader) == \
        describe("表", SheetXml(patch.parts[patch.sheet_parts["表"]]), sheet, reader)


def test_a_sheet_that_fails_while_the_save_makes_it_leaves_the_file(tmp_path, monkeypatch):
    # the sheets are made while the package is written (zipcopy.write_package): a failure there must
    # leave the master as it was and no temporary file
    path = book(tmp_path / "b.xlsx")
    original = path.read_bytes()
    patch = PackagePatch(path)
    sheet = patch.sheet("表")
    sheet.set(2, 2, "新")

    def broken() -> bytes:
        raise RuntimeError("made to fail")
    monkeypatch.setattr(sheet, "tobytes", broken)
    with pytest.raises(RuntimeError):
        patch.save(None)
    assert path.read_bytes() == original
    assert [p.name for p in tmp_path.iterdir()] == ["b.xlsx"]
    monkeypatch.undo()
    patch.save(None)                       # saved once the sheet can be made
    patch.sheet("表").set(3, 2, "次")       # the package reopened from what was written
    patch.save(None)
    ws = openpyxl.load_workbook(path)["表"]
    assert (ws["B2"].value, ws["B3"].value, ws["C2"].value) == ("新", "次", "=1+1")
