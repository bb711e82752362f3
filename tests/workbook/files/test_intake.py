"""Intake: each kind of bad file gives its file-* problem; a good return is read like openpyxl reads it."""
from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest
from lxml import etree

from tests.workbook.returns_kit import Text, distribute, fill, good_values, make_return, small_plan, small_settings
from workbook.files import intake
from workbook.ooxml.vba.cfb import write_compound_file
from workbook.files.department_file import read_department_file
from workbook.files.intake import inspect
from workbook.sheets.layout import DATA_SHEET
from workbook.files.intake import read_return
from workbook.ooxml.package import Package
from workbook.sheets.table import INPUT_COLUMNS, input_formulas


def codes(result) -> list[str]:
    return [p.code for p in result.problems]


def run(path):
    data = path.read_bytes()
    return inspect(data, path.name, len(data))


@pytest.fixture
def good(tmp_path):
    plan = small_plan()
    return make_return(plan, small_settings(plan), tmp_path / "in", "福祉政策課")


def test_good_return_is_read_with_its_saved_time(good):
    result = run(good)
    assert codes(result) == []
    assert result.ret.identity.department == "福祉政策課"
    assert result.ret.entries["1-1-1"].grade == "B"
    assert len(result.saved_at) == 19 and result.saved_at[4] == "-"


def test_text_file_renamed_xlsx(tmp_path):
    path = tmp_path / "報告.xlsx"
    path.write_text("取組番号,実績\n1-1-1,3回\n", encoding="utf-8")
    assert codes(run(path)) == ["file-not-workbook"]


def test_legacy_xls(tmp_path):
    path = tmp_path / "報告.xls"
    path.write_bytes(write_compound_file({"Workbook": b"\x09\x08" + bytes(600), "\x05SummaryInformation": bytes(200)}))
    assert codes(run(path)) == ["file-legacy-xls"]


def test_other_ole_document_is_not_a_workbook(tmp_path):
    path = tmp_path / "報告.doc"
    path.write_bytes(write_compound_file({"WordDocument": bytes(700)}))
    assert codes(run(path)) == ["file-not-workbook"]


def test_lock_file(tmp_path, good):
    path = tmp_path / ("~$" + good.name)
    path.write_bytes(b"\x0bsomeone" + bytes(150))
    result = run(path)
    assert codes(result) == ["file-lock"] and result.problems[0].severity == "warning"
    assert intake.is_lock_file(path.name)


def test_password_protected(tmp_path, good):
    path = tmp_path / "encrypted.xlsx"
    try:
        from msoffcrypto.format.ooxml import OOXMLFile
    except ImportError:  # the container Excel writes: EncryptionInfo and EncryptedPackage streams
        path.write_bytes(write_compound_file({"EncryptionInfo": bytes(200), "EncryptedPackage": bytes(4000)}))
    else:
        out = io.BytesIO()
        with good.open("rb") as f:
            OOXMLFile(f).encrypt("himitsu", out)
        path.write_bytes(out.getvalue())
    assert codes(run(path)) == ["file-encrypted"]


def test_zip_bomb_by_ratio(tmp_path):
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * (8 * 1024 * 1024))  # 8 MB that packs to ~8 KB
    result = run(path)
    assert codes(result) == ["file-too-large"]
    assert "圧縮率" in result.problems[0].value


def test_zip_bomb_by_total_size_is_refused_before_inflating(tmp_path, good, monkeypatch):
    monkeypatch.setattr(intake, "MAX_UNCOMPRESSED", 10_000)
    opened = []
    monkeypatch.setattr(zipfile.ZipFile, "open", lambda *a, **k: opened.append(a) or pytest.fail("inflated"))
    assert codes(run(good)) == ["file-too-large"]
    assert opened == []


def test_file_too_large_to_read(tmp_path):
    result = inspect(None, "huge.xlsx", 300 * 1024 * 1024)
    assert codes(result) == ["file-too-large"]


def test_truncated(tmp_path, good):
    path = tmp_path / "cut.xlsx"
    data = good.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    assert codes(run(path)) == ["file-truncated"]


def test_corrupt_member_fails_its_crc(tmp_path, good):
    data = bytearray(good.read_bytes())
    with zipfile.ZipFile(good) as z:
        info = z.getinfo("xl/worksheets/sheet2.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for i in range(start + 100, start + 140):
        data[i] ^= 0xFF
    path = tmp_path / "corrupt.xlsx"
    path.write_bytes(bytes(data))
    assert codes(run(path)) == ["file-truncated"]


def test_empty_file(tmp_path):
    path = tmp_path / "empty.xlsx"
    path.write_bytes(b"")
    assert codes(run(path)) == ["file-truncated"]


def test_zip_that_is_not_a_workbook(tmp_path):
    path = tmp_path / "photos.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("photo.txt", "hello")
    assert codes(run(path)) == ["file-not-workbook"]


def test_workbook_without_identity_sheet(tmp_path):
    path = tmp_path / "own.xlsx"
    wb = openpyxl.Workbook()
    wb.active["A1"] = "自作の報告"
    wb.save(path)
    result = run(path)
    assert codes(result) == ["file-not-return"] and result.problems[0].value == "識別情報"


def test_fast_reader_matches_openpyxl_reader(tmp_path):
    plan = small_plan()
    settings = small_settings(plan)
    blank = distribute(plan, settings, tmp_path / "dist", "福祉相談課")
    values = good_values(plan, "福祉相談課")
    values["1-1-2"].update(content="=SUM(1,2)", result=Text("=見た目は数式"), budget="１２０千円")
    values["1-1-3#1"] = {"actual": 96.5}
    path = fill(blank, values, out=tmp_path / "r.xlsx")
    fast = run(path).ret
    reference = read_department_file(path)
    for name in ("identity", "entries", "row_keys_found", "key_rows", "plan_cells", "formulas", "extra_rows",
                 "contact_name", "contact_phone"):
        assert getattr(fast, name) == getattr(reference, name), name
    assert list(fast.formulas) == ["F7"]


def test_formula_scan_matches_lxml(tmp_path):
    plan = small_plan()
    settings = small_settings(plan)
    blank = distribute(plan, settings, tmp_path / "dist", "福祉相談課")
    values = good_values(plan, "福祉相談課")
    values["1-1-2"].update(content='=IF(1>0,"a&b","c")', issues="=1+1")
    path = fill(blank, values, out=tmp_path / "r.xlsx")
    xml = Package(path).sheet_xml(DATA_SHEET)
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    expected = {}
    for cell in etree.fromstring(xml).iter(f"{{{main}}}c"):
        f = cell.find(f"{{{main}}}f")
        ref = cell.get("r")
        col = openpyxl.utils.column_index_from_string(ref.rstrip("0123456789"))
        if f is not None and int(ref.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")) >= 7 and col in INPUT_COLUMNS:
            expected[ref] = "=" + f.text
    assert input_formulas(xml) == expected
    assert expected == {"F7": '=IF(1>0,"a&b","c")', "K7": "=1+1"}


def test_read_return_needs_both_sheets(tmp_path):
    path = tmp_path / "x.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = DATA_SHEET
    wb.save(path)
    assert read_return(path.read_bytes(), Package(path)) is None


def test_unreadable_compound_file(tmp_path):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + b"\xff" * 700)   # the signature, then nothing valid
    assert codes(run(path)) == ["file-unreadable"]


def _with_method(data: bytes, member: str, method: int) -> bytes:
    """The package with one member's compression method set to another number (its bytes unchanged)."""
    out = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        info, entry = z.getinfo(member), z.start_dir
    out[info.header_offset + 8:info.header_offset + 10] = method.to_bytes(2, "little")
    while bytes(out[entry + 46:entry + 46 + int.from_bytes(out[entry + 28:entry + 30], "little")]) != member.encode():
        entry += 46 + sum(int.from_bytes(out[entry + k:entry + k + 2], "little") for k in (28, 30, 32))
    out[entry + 10:entry + 12] = method.to_bytes(2, "little")       # its central directory entry
    return bytes(out)


def test_unsupported_compression_is_unreadable(tmp_path, good):
    path = tmp_path / "deflate64.xlsx"
    path.write_bytes(_with_method(good.read_bytes(), "docProps/app.xml", 9))    # Deflate64: zipfile cannot
    assert codes(run(path)) == ["file-unreadable"]


def test_members_are_read_as_zipfile_reads_them(tmp_path, good):
    """zipcopy.read_member (straight from the bytes) gives what zipfile gives, and fails where it fails."""
    from workbook.ooxml.zipcopy import read_member

    data = good.read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert all(read_member(z, data, i) == z.read(i) for i in z.infolist())
    stored = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as z, zipfile.ZipFile(stored, "w", zipfile.ZIP_STORED) as out:
        for i in z.infolist():
            out.writestr(i.filename, z.read(i))
    with zipfile.ZipFile(stored) as z:
        assert all(read_member(z, stored.getvalue(), i) == z.read(i) for i in z.infolist())
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        info = z.getinfo("xl/workbook.xml")
        renamed = bytearray(data)
        renamed[info.header_offset + 30] ^= 0x01         # the name in the local header no longer matches
        with pytest.raises(zipfile.BadZipFile, match="differ"):
            read_member(z, bytes(renamed), info)
        with pytest.raises(EOFError):                     # the member's compressed data cut short
            local = info.header_offset
            start = local + 30 + int.from_bytes(data[local + 26:local + 28], "little") + \
                int.from_bytes(data[local + 28:local + 30], "little")
            read_member(z, data[:start + 5], info)
    with zipfile.ZipFile(io.BytesIO(bytes(renamed))) as z:
        with pytest.raises(zipfile.BadZipFile, match="differ"):
            z.read("xl/workbook.xml")


def test_opendocument_spreadsheet_is_told_to_be_saved_as_xlsx(tmp_path):
    """LibreOffice's own format: 'mimetype' stored first, as the OpenDocument standard requires."""
    path = tmp_path / "fukushi.ods"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", "<office:document-content/>")
        z.writestr("META-INF/manifest.xml", "<manifest:manifest/>")
    result = run(path)
    assert codes(result) == ["file-ods"] and result.problems[0].is_error
    assert "Excel 2007-365" in result.problems[0].message


def _no_english(text: str) -> bool:
    import re

    for word in ("Excel", "xlsx", "ZIP", "CRC"):          # names a person knows
        text = text.replace(word, "")
    return not re.search(r"[A-Za-z]{3,}", text)


def test_reasons_reach_the_person_in_japanese(tmp_path, good, monkeypatch):
    data = good.read_bytes()
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(data[: len(data) // 2])              # zipfile: "File is not a zip file"
    values = [run(cut).problems[0].value]
    no_book = tmp_path / "nobook.xlsx"
    with zipfile.ZipFile(no_book, "w") as z:              # looks like a workbook, calamine cannot read it
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "garbage")
    values.append(run(no_book).problems[0].value)
    for exc in (OSError(22, "i/o error: Invalid argument (os error 22)"), zipfile.BadZipFile("Bad CRC-32 for file"),
                ValueError("Cannot detect file format"), KeyError("There is no item named 'xl/workbook.xml'")):
        values.append(intake.reason_text(exc))
    assert all(v and _no_english(v) for v in values), values
    assert intake.reason_text(RuntimeError("something odd")) == "読み取り中にエラーが起きました"   # never the class name
