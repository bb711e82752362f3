"""package.py: finish an openpyxl workbook into an .xlsm and read it back (oletools, openpyxl, LibreOffice)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest
from lxml import etree
from oletools.olevba import VBA_Parser
from openpyxl.comments import Comment

from workbook.errors import PackageError
from workbook.ooxml.buttons import FormButton, document_modules, finish_xlsm
from workbook.ooxml.package import check_parts_kept, part_names
from workbook.ooxml.vba.project import build_vba_project

BUTTONS_BAS = """Option Explicit
' 操作シートのボタン（日本語コメント）
Public Sub Distribute()
    MsgBox "配布します"
End Sub

Sub Collect()
    MsgBox "回収します"
End Sub

Private Sub Hidden()
End Sub
"""
TOOLS_BAS = "Public Function Twice(x)\n    Twice = 2 * x\nEnd Function\n"
COUNTER_CLS = "Private n As Long\nPublic Sub Add()\n    n = n + 1\nEnd Sub\n"
BUTTONS = [FormButton("操作", "Distribute", "① 配布", "F4", "H5"),
           FormButton("操作", "Collect", "② 回収", "F7", "H8")]
NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
      "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
      "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
      "xdr": "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing",
      "ct": "http://schemas.openxmlformats.org/package/2006/content-types",
      "pr": "http://schemas.openxmlformats.org/package/2006/relationships",
      "v": "urn:schemas-microsoft-com:vml", "x": "urn:schemas-microsoft-com:office:excel",
      "x14": "http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"}


def _workbook(path: Path, comment: bool = False) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "操作"
    ws["B2"] = "下のボタンで操作します"
    if comment:
        ws["B2"].comment = Comment("メモ", "作成者")
    wb.create_sheet("計画")["A1"] = "施策"
    wb.save(path)
    return path


def _project(path: Path) -> bytes:
    return build_vba_project({"Buttons": BUTTONS_BAS, "Tools": TOOLS_BAS}, {"Counter": COUNTER_CLS},
                             document_modules(path))


@pytest.fixture
def master(tmp_path) -> Path:
    path = _workbook(tmp_path / "master.xlsm")
    finish_xlsm(path, _project(path), BUTTONS)
    return path


def _xml(path: Path, part: str) -> etree._Element:
    with zipfile.ZipFile(path) as z:
        return etree.fromstring(z.read(part))


def _buttons(path: Path) -> list[dict]:
    """Each button as the package describes it: VML shape, control, ctrlProp."""
    sheet = _xml(path, "xl/worksheets/sheet1.xml")
    rels = {r.get("Id"): r for r in _xml(path, "xl/worksheets/_rels/sheet1.xml.rels")}
    vml_rel = rels[sheet.find("m:legacyDrawing", NS).get(f"{{{NS['r']}}}id")]
    vml_part = "xl/" + vml_rel.get("Target").replace("../", "").lstrip("/").removeprefix("xl/")
    shapes = {s.get("id"): s for s in _xml(path, vml_part).iterfind("v:shape", NS)
              if s.find("x:ClientData", NS).get("ObjectType") == "Button"}
    found = []
    for control in sheet.iterfind("mc:AlternateContent/mc:Choice/m:controls/mc:AlternateContent/mc:Choice/m:control", NS):
        shape = shapes[f"_x0000_s{control.get('shapeId')}"]
        rel = rels[control.get(f"{{{NS['r']}}}id")]
        assert rel.get("Type") == "http://schemas.openxmlformats.org/officeDocument/2006/relationships/ctrlProp"
        ctrl_part = "xl/" + rel.get("Target").replace("../", "")
        found.append({
            "caption": "".join(shape.find("v:textbox", NS).itertext()),
            "vml_macro": shape.findtext("x:ClientData/x:FmlaMacro", namespaces=NS),
            "anchor": shape.findtext("x:ClientData/x:Anchor", namespaces=NS),
            "macro": control.find("m:controlPr", NS).get("macro"),
            "from": [e.text for e in control.find("m:controlPr/m:anchor/m:from", NS)],
            "to": [e.text for e in control.find("m:controlPr/m:anchor/m:to", NS)],
            "ctrl_part": ctrl_part,
            "ctrl": _xml(path, ctrl_part),
        })
    assert len(found) == len(shapes)
    return found


def test_olevba_reads_the_modules_from_the_finished_xlsm(master):
    modules = {name: code for _, _, name, code in VBA_Parser(str(master)).extract_macros()}
    assert set(modules) == {"ThisWorkbook.cls", "Sheet1.cls", "Sheet2.cls", "Buttons.bas", "Tools.bas", "Counter.cls"}
    expected = 'Attribute VB_Name = "Buttons"\n' + BUTTONS_BAS
    assert modules["Buttons.bas"] == expected.replace("\n", "\r\n")
    assert "' 操作シートのボタン（日本語コメント）" in modules["Buttons.bas"]


def test_package_has_vba_code_names_and_content_types(master):
    names = part_names(master)
    assert {"xl/vbaProject.bin", "xl/drawings/vmlDrawing1.vml",
            "xl/ctrlProps/ctrlProp1.xml", "xl/ctrlProps/ctrlProp2.xml"} <= names
    types = _xml(master, "[Content_Types].xml")
    overrides = {o.get("PartName"): o.get("ContentType") for o in types.iterfind("ct:Override", NS)}
    defaults = {d.get("Extension"): d.get("ContentType") for d in types.iterfind("ct:Default", NS)}
    assert overrides["/xl/workbook.xml"] == "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
    assert overrides["/xl/vbaProject.bin"] == "application/vnd.ms-office.vbaProject"
    assert overrides["/xl/ctrlProps/ctrlProp1.xml"] == overrides["/xl/ctrlProps/ctrlProp2.xml"] \
        == "application/vnd.ms-excel.controlproperties+xml"
    assert defaults["vml"] == "application/vnd.openxmlformats-officedocument.vmlDrawing"
    rels = _xml(master, "xl/_rels/workbook.xml.rels")
    assert [r.get("Target") for r in rels
            if r.get("Type") == "http://schemas.microsoft.com/office/2006/relationships/vbaProject"] == ["vbaProject.bin"]
    assert _xml(master, "xl/workbook.xml").find("m:workbookPr", NS).get("codeName") == "ThisWorkbook"
    assert [_xml(master, f"xl/worksheets/sheet{i}.xml").find("m:sheetPr", NS).get("codeName")
            for i in (1, 2)] == ["Sheet1", "Sheet2"]
    with zipfile.ZipFile(master) as z:
        assert z.read("xl/vbaProject.bin") == _project(master)


def test_buttons_are_written_as_excel_writes_form_buttons(master):
    buttons = _buttons(master)
    assert [b["caption"] for b in buttons] == ["① 配布", "② 回収"]
    assert [b["macro"] for b in buttons] == [b["vml_macro"] for b in buttons] == ["[0]!Distribute", "[0]!Collect"]
    assert buttons[0]["anchor"] == "5, 0, 3, 0, 8, 0, 5, 0"  # F4 to the far corner of H5
    assert buttons[0]["from"] == ["5", "0", "3", "0"] and buttons[0]["to"] == ["8", "0", "5", "0"]
    for b in buttons:
        assert etree.QName(b["ctrl"]).localname == "formControlPr" and b["ctrl"].get("objectType") == "Button"
    sheet = _xml(master, "xl/worksheets/sheet1.xml")
    order = [etree.QName(c).localname for c in sheet]
    assert order[0] == "sheetPr"
    assert order[-3:] == ["pageMargins", "legacyDrawing", "AlternateContent"]
    assert sheet.nsmap["x14"] == NS["x14"] and sheet.nsmap["xdr"] == NS["xdr"]  # Requires="x14" resolves


def test_each_button_macro_names_a_public_sub(master):
    modules = {name: code for _, _, name, code in VBA_Parser(str(master)).extract_macros()}
    for b in _buttons(master):
        sub = b["macro"].removeprefix("[0]!")
        assert any(re.search(rf"^(Public )?Sub {sub}\(\)", code, re.M)
                   for name, code in modules.items() if name.endswith(".bas")), sub


def test_openpyxl_loads_the_finished_file_and_a_resave_keeps_every_part(master):
    before = part_names(master)
    wb = openpyxl.load_workbook(master, keep_vba=True)
    assert wb.sheetnames == ["操作", "計画"]
    assert wb.code_name == "ThisWorkbook"
    assert [ws.sheet_properties.codeName for ws in wb.worksheets] == ["Sheet1", "Sheet2"]
    assert wb["操作"]["B2"].value == "下のボタンで操作します"
    wb.save(master)
    check_parts_kept(before, part_names(master), master)
    with zipfile.ZipFile(master) as z:
        vba = z.read("xl/vbaProject.bin")
    finish_xlsm(master, vba, BUTTONS)  # what a save of the master does: openpyxl, then finish again
    assert part_names(master) == before
    assert [b["caption"] for b in _buttons(master)] == ["① 配布", "② 回収"]  # not doubled


def test_buttons_join_the_comment_drawing_of_the_sheet(tmp_path):
    path = _workbook(tmp_path / "commented.xlsm", comment=True)
    finish_xlsm(path, _project(path), BUTTONS)
    vml = [n for n in part_names(path) if n.endswith(".vml")]
    assert len(vml) == 1
    kinds = [c.get("ObjectType") for c in _xml(path, vml[0]).iterfind("v:shape/x:ClientData", NS)]
    assert kinds == ["Note", "Button", "Button"]
    assert len(_buttons(path)) == 2
    assert openpyxl.load_workbook(path, keep_vba=True)["操作"]["B2"].comment.text == "メモ"


@pytest.mark.parametrize("change, message", [
    (lambda p: build_vba_project({"Buttons": BUTTONS_BAS}), "ドキュメント モジュール"),
    (lambda p: build_vba_project({"Buttons": BUTTONS_BAS}, None, ["Sheet1", "ThisWorkbook", "Sheet2"]),
     "ブックのモジュールではありません"),
])
def test_a_project_whose_documents_do_not_match_the_sheets_is_refused(tmp_path, change, message):
    path = _workbook(tmp_path / "m.xlsm")
    original = path.read_bytes()
    with pytest.raises(PackageError, match=message):
        finish_xlsm(path, change(path), BUTTONS)
    assert path.read_bytes() == original
    assert [p.name for p in tmp_path.iterdir()] == ["m.xlsm"]  # no temporary file left


@pytest.mark.parametrize("button, message", [
    (FormButton("操作", "Hidden", "非公開", "A1", "B2"), "マクロ「Hidden」"),
    (FormButton("操作", "Missing", "なし", "A1", "B2"), "マクロ「Missing」"),
    (FormButton("存在しない", "Distribute", "配布", "A1", "B2"), "シート「存在しない」"),
])
def test_buttons_must_name_a_sheet_and_a_public_sub(tmp_path, button, message):
    path = _workbook(tmp_path / "m.xlsm")
    with pytest.raises(PackageError, match=message):
        finish_xlsm(path, _project(path), [button])


def test_a_reversed_button_range_is_refused(tmp_path):
    path = _workbook(tmp_path / "m.xlsm")
    with pytest.raises(ValueError, match="逆"):
        finish_xlsm(path, _project(path), [FormButton("操作", "Distribute", "配布", "H5", "F4")])


def test_module_qualified_macro_and_file_mode(tmp_path):
    path = _workbook(tmp_path / "m.xlsm")
    os.chmod(path, 0o644)
    finish_xlsm(path, _project(path), [FormButton("計画", "Buttons.Distribute", "配布", "A1", "A1")])
    assert path.stat().st_mode & 0o777 == 0o644
    assert part_names(path) >= {"xl/drawings/vmlDrawing1.vml", "xl/worksheets/_rels/sheet2.xml.rels"}


def test_check_parts_kept(tmp_path, master):
    before = part_names(master)
    check_parts_kept(before, set(before) | {"docProps/custom.xml"}, master)
    with pytest.raises(PackageError) as error:
        check_parts_kept(before, before - {"xl/vbaProject.bin", "xl/ctrlProps/ctrlProp2.xml"}, master)
    text = str(error.value)
    assert "master.xlsm" in text and "xl/vbaProject.bin（マクロ）" in text and "xl/ctrlProps/ctrlProp2.xml" in text
    plain = tmp_path / "plain.xlsx"
    openpyxl.Workbook().save(plain)
    with pytest.raises(PackageError, match="xl/vbaProject.bin"):
        check_parts_kept(before, part_names(plain), master)


# ---- LibreOffice: an independent consumer of the package and the VBA project ----------

@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_imports_the_vba_source_and_binds_the_buttons(master, tmp_path):
    out = tmp_path / "lo"
    subprocess.run(["soffice", f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
                    "--convert-to", "ods", "--outdir", str(out), str(master)],
                   check=True, capture_output=True, timeout=180)
    with zipfile.ZipFile(out / "master.ods") as z:
        basic = {n: z.read(n) for n in z.namelist() if n.startswith("Basic/")}
        content = z.read("content.xml").decode("utf-8")
    module = etree.fromstring(basic["Basic/VBAProject/Buttons.xml"]).text  # the Basic source
    assert BUTTONS_BAS in module.replace("\r\n", "\n")  # Japanese comment and strings included
    assert {"Basic/VBAProject/Tools.xml", "Basic/VBAProject/Counter.xml", "Basic/VBAProject/ThisWorkbook.xml",
            "Basic/VBAProject/Sheet1.xml", "Basic/VBAProject/Sheet2.xml"} <= set(basic)
    assert re.findall(r'form:label="([^"]+)"', content) == ["① 配布", "② 回収"]
    assert re.findall(r'xlink:href="vnd\.sun\.star\.script:VBAProject\.(\w+\.\w+)\?', content) == [
        "Buttons.Distribute", "Buttons.Collect"]  # LibreOffice resolved [0]!Name to the Sub
