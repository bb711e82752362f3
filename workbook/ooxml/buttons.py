"""Buttons and macros: turns the .xlsx package openpyxl wrote into a macro-enabled .xlsm.

finish_xlsm adds the VBA project, the code names that tie sheets to the
project's document modules, and Form Control buttons written as Excel 2010 and
later write them: a VML shape (ClientData ObjectType="Button" with FmlaMacro
"[0]!Macro"), a ctrlProp part, and <legacyDrawing>/<controls> in the sheet.
Every part already in the package is kept; the file is replaced atomically.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import olefile
from lxml import etree
from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

from workbook.errors import PackageError
from workbook.ooxml.package import MAIN, PARSER, REL, Package

MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
X14 = "http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"
XDR = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"
V, O, X = "urn:schemas-microsoft-com:vml", "urn:schemas-microsoft-com:office:office", "urn:schemas-microsoft-com:office:excel"
REL_CHARTSHEET = f"{REL}/chartsheet"
REL_VML, REL_CTRL = f"{REL}/vmlDrawing", f"{REL}/ctrlProp"
REL_VBA = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"
CT_MACRO_MAIN = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
CT_VBA = "application/vnd.ms-office.vbaProject"
CT_VML = "application/vnd.openxmlformats-officedocument.vmlDrawing"
CT_CTRL = "application/vnd.ms-excel.controlproperties+xml"
BUTTON_FONT = "ＭＳ Ｐゴシック"
_SHEET_ORDER = (
    "sheetPr dimension sheetViews sheetFormatPr cols sheetData sheetCalcPr sheetProtection "
    "protectedRanges scenarios autoFilter sortState dataConsolidate customSheetViews mergeCells "
    "phoneticPr conditionalFormatting dataValidations hyperlinks printOptions pageMargins pageSetup "
    "headerFooter rowBreaks colBreaks customProperties cellWatches ignoredErrors smartTags drawing "
    "legacyDrawing legacyDrawingHF drawingHF picture oleObjects controls webPublishItems tableParts extLst"
).split()
_SHAPETYPE = (  # the button shape type exactly as Excel writes it
    f'<v:shapetype xmlns:v="{V}" xmlns:o="{O}" id="_x0000_t201" coordsize="21600,21600" o:spt="201"'
    ' path="m,l,21600r21600,l21600,xe"><v:stroke joinstyle="miter"/>'
    '<v:path shadowok="f" o:extrusionok="f" strokeok="f" fillok="f" o:connecttype="rect"/>'
    '<o:lock v:ext="edit" shapetype="t"/></v:shapetype>'
)


@dataclass(frozen=True)
class FormButton:
    sheet_title: str      # e.g. "操作"
    macro: str            # a public Sub without arguments, e.g. "Distribute" or "Module.Distribute"
    caption: str          # e.g. "① 配布"
    top_left: str         # first cell covered, e.g. "F4"
    bottom_right: str     # last cell covered, e.g. "H5"


def document_modules(path: Path) -> list[str]:
    """Code names finish_xlsm gives the workbook and its sheets, workbook first.

    Pass them to build_vba_project(document_modules=...) so the project's
    document modules match the sheets.
    """
    package = Package(path)
    workbook_code, sheets = package.code_names()
    return [workbook_code, *(code for _, _, code in sheets)]


def finish_xlsm(path: Path, vba_project: bytes, buttons: Sequence[FormButton]) -> None:
    """Make the workbook at ``path`` a macro-enabled workbook with ``buttons``.

    ``vba_project`` must hold one document module per code name that
    document_modules(path) returns (the workbook's first), and every button's
    macro must be a public Sub without arguments in a standard module;
    otherwise PackageError is raised and the file is left as it was. The
    buttons replace the Form Control buttons of the sheets they name, so
    finishing again after an openpyxl save (which keeps the VML but drops
    <controls>) gives the same buttons and the same part names.
    """
    path = Path(path)
    package = Package(path)
    workbook_code, sheets = package.code_names()
    subs = _check_project(vba_project, workbook_code, [code for _, _, code in sheets])
    by_title = {title: part for title, part, _ in sheets}
    for b in buttons:
        if b.sheet_title not in by_title:
            raise PackageError(f"ボタン「{b.caption}」を置くシート「{b.sheet_title}」がブックにありません。")
        if b.macro.upper() not in subs:
            raise PackageError(f"ボタン「{b.caption}」のマクロ「{b.macro}」が VBA プロジェクトの標準モジュールに"
                               "ありません（引数のない Public Sub が必要です）。")

    workbook = package.xml(package.workbook_part)
    pr = workbook.find(f"{{{MAIN}}}workbookPr")
    if pr is None:
        pr = etree.Element(f"{{{MAIN}}}workbookPr")
        at = sum(1 for c in workbook if etree.QName(c).localname in ("fileVersion", "fileSharing"))
        workbook.insert(at, pr)
    pr.set("codeName", workbook_code)
    for _, part, code in sheets:
        sheet = package.xml(part)
        sheet_pr = sheet.find(f"{{{MAIN}}}sheetPr")
        if sheet_pr is None:
            sheet_pr = etree.Element(f"{{{MAIN}}}sheetPr")
            sheet.insert(0, sheet_pr)
        sheet_pr.set("codeName", code)

    vba_part = package.related(package.workbook_part, REL_VBA)
    if vba_part is None:
        vba_part = "xl/vbaProject.bin"
        package.relate(package.workbook_part, REL_VBA, vba_part)
    package.parts[vba_part] = vba_project
    package.override(vba_part, CT_VBA)
    package.override(package.workbook_part, CT_MACRO_MAIN)

    for title, part, _ in sheets:
        on_sheet = [b for b in buttons if b.sheet_title == title]
        if on_sheet:
            _add_buttons(package, part, on_sheet)
    package.save()


def existing_buttons(path: Path) -> list[FormButton]:
    """The Form Control buttons a workbook carries (from its VML), as finish_xlsm would make them again:
    a workbook saved through openpyxl keeps its VML but loses the controls, and must get back exactly
    the buttons it had (a master made by an older version has fewer buttons than STEPS lists now)."""
    from openpyxl.utils import get_column_letter

    package = Package(path)
    out = []
    for title, part in package.sheet_parts().items():
        if not part:
            continue
        legacy = package.xml(part).find(f"{{{MAIN}}}legacyDrawing")
        if legacy is None:
            continue
        try:
            vml = etree.fromstring(package.parts[package.target(part, legacy.get(f"{{{REL}}}id"))], PARSER)
        except (KeyError, etree.XMLSyntaxError, PackageError):
            continue
        for data in vml.iter(f"{{{X}}}ClientData"):
            macro = data.findtext(f"{{{X}}}FmlaMacro") or ""
            anchor = [int(v) for v in re.findall(r"\d+", data.findtext(f"{{{X}}}Anchor") or "")]
            if data.get("ObjectType") != "Button" or not macro or len(anchor) != 8:
                continue
            c0, _, r0, _, c1, _, r1, _ = anchor
            caption = "".join(data.getparent().find(f"{{{V}}}textbox").itertext()).strip() \
                if data.getparent().find(f"{{{V}}}textbox") is not None else ""
            out.append(FormButton(title, macro.split("!")[-1], caption, f"{get_column_letter(c0 + 1)}{r0 + 1}",
                                  f"{get_column_letter(c1)}{r1}"))
    return out


def _check_project(vba_project: bytes, workbook_code: str, sheet_codes: list[str]) -> set[str]:
    """Check the project's document modules; return its button-callable Subs, upper-cased."""
    from oletools.olevba import VBA_Parser

    try:
        ole = olefile.OleFileIO(vba_project)
        project = ole.openstream("PROJECT").read().decode("latin-1")
        ole.close()
        parser = VBA_Parser("vbaProject.bin", data=vba_project)
        parser.vba_stomping_detected = False  # a check for malware, which logs a warning for data in memory
        sources = {name.rsplit(".", 1)[0]: (name, code) for _, _, name, code in parser.extract_macros()}
    except Exception as e:  # olefile/oletools raise many kinds on damaged input
        raise PackageError(f"VBA プロジェクトを読めません: {e}") from e
    documents = re.findall(r"^Document=(\w+)/", project, re.M)
    if sorted(documents) != sorted([workbook_code, *sheet_codes]):
        raise PackageError(f"VBA プロジェクトのドキュメント モジュール（{'、'.join(documents)}）が、ブックとシートの"
                           f"コード名（{'、'.join([workbook_code, *sheet_codes])}）と一致しません。")
    if not re.search(r'^Attribute VB_Base = "0\{00020819-', sources.get(workbook_code, ("", ""))[1], re.M):
        raise PackageError(f"VBA プロジェクトの「{workbook_code}」がブックのモジュールではありません。")
    subs: set[str] = set()
    for module, (name, code) in sources.items():
        if name.endswith(".bas"):
            for sub in re.findall(r"^[ \t]*(?:Public[ \t]+)?Sub[ \t]+(\w+)[ \t]*\([ \t]*\)", code, re.M | re.I):
                subs |= {sub.upper(), f"{module}.{sub}".upper()}
    return subs


def _cell(ref: str) -> tuple[int, int]:
    """Zero-based (column, row) of a cell reference such as "F4"."""
    letters, row = coordinate_from_string(ref)
    return column_index_from_string(letters) - 1, row - 1


def _sheet_vml(package: Package, sheet_part: str) -> tuple[str, etree._Element, int]:
    """The sheet's VML drawing (made if missing): (part name, root, shape id block)."""
    sheet = package.xml(sheet_part)
    legacy = sheet.find(f"{{{MAIN}}}legacyDrawing")
    if legacy is not None:  # e.g. openpyxl's comment shapes, or buttons of an earlier finish
        vml_part = package.target(sheet_part, legacy.get(f"{{{REL}}}id"))
        try:
            vml = etree.fromstring(package.parts[vml_part], PARSER)
        except (KeyError, etree.XMLSyntaxError) as e:
            raise PackageError(f"シートの図形（{vml_part}）を読めません: {e}") from e
        idmap = vml.find(f".//{{{O}}}idmap")
        return vml_part, vml, int(re.split(r"[ ,]", idmap.get("data", "1"))[0]) if idmap is not None else 1
    block = 1 + max((int(d) for p, data in package.parts.items() if p.endswith(".vml")
                     for d in re.findall(rb'<[^>]*idmap[^>]*data="(\d+)', data)), default=0)
    vml_part = package.free_name("xl/drawings/vmlDrawing{}.vml")
    vml = etree.fromstring(
        f'<xml xmlns:v="{V}" xmlns:o="{O}" xmlns:x="{X}"><o:shapelayout v:ext="edit">'
        f'<o:idmap v:ext="edit" data="{block}"/></o:shapelayout></xml>'.encode(), PARSER)
    legacy = etree.Element(f"{{{MAIN}}}legacyDrawing", nsmap={"r": REL})
    legacy.set(f"{{{REL}}}id", package.relate(sheet_part, REL_VML, vml_part))
    _insert(sheet, legacy, "legacyDrawing")
    package.default("vml", CT_VML)
    return vml_part, vml, block


def _remove_buttons(package: Package, sheet_part: str, vml: etree._Element) -> None:
    """Remove the sheet's Form Control buttons: VML shapes, their <control> and ctrlProp links.

    openpyxl keeps the VML part on save but drops <controls>, so without this each
    save and finish would add the buttons again. Parts are never deleted: a
    ctrlProp part left unlinked is reused by the next button.
    """
    gone = set()
    for shape in list(vml.iter(f"{{{V}}}shape")):
        data = shape.find(f"{{{X}}}ClientData")
        if data is not None and data.get("ObjectType") == "Button":
            gone |= {int(n) for n in re.findall(r"_x0000_s(\d+)", shape.get("id", ""))}
            shape.getparent().remove(shape)
    sheet = package.xml(sheet_part)
    for control in list(sheet.iter(f"{{{MAIN}}}control")):
        if control.get("shapeId", "").isdigit() and int(control.get("shapeId")) in gone:
            package.unrelate(sheet_part, control.get(f"{{{REL}}}id"))
            wrapper = control.getparent()
            if wrapper.tag == f"{{{MC}}}Choice":
                wrapper = wrapper.getparent()
            wrapper.getparent().remove(wrapper)


def _add_buttons(package: Package, sheet_part: str, buttons: Sequence[FormButton]) -> None:
    """Make ``buttons`` the Form Control buttons of the sheet."""
    vml_part, vml, block = _sheet_vml(package, sheet_part)
    _remove_buttons(package, sheet_part, vml)
    if vml.find(f"{{{V}}}shapetype[@id='_x0000_t201']") is None:
        layout = vml.find(f"{{{O}}}shapelayout")
        vml.insert(0 if layout is None else vml.index(layout) + 1, etree.fromstring(_SHAPETYPE.encode(), PARSER))
    ids = [int(m) for s in vml.iter(f"{{{V}}}shape") for m in re.findall(r"_x0000_s(\d+)", s.get("id", ""))]
    first = max([block * 1024, *ids]) + 1

    sheet = _declare(package, sheet_part, {"r": REL, "mc": MC, "x14": X14, "xdr": XDR})
    controls = sheet.find(f"{{{MC}}}AlternateContent/{{{MC}}}Choice/{{{MAIN}}}controls")
    if controls is None:
        outer = etree.Element(f"{{{MC}}}AlternateContent")
        controls = etree.SubElement(etree.SubElement(outer, f"{{{MC}}}Choice", Requires="x14"), f"{{{MAIN}}}controls")
        _insert(sheet, outer, "controls")
    geometry = _Geometry(sheet)
    spare = package.unlinked("xl/ctrlProps/")
    for number, button in enumerate(buttons, start=first):
        (c0, r0), (c1, r1) = _cell(button.top_left), _cell(button.bottom_right)
        if c1 < c0 or r1 < r0:
            raise ValueError(f"ボタン「{button.caption}」の範囲 {button.top_left}:{button.bottom_right} が逆です")
        c1, r1 = c1 + 1, r1 + 1  # the button ends at the far edge of the last cell
        _vml_button(vml, number, button, (c0, r0, c1, r1), geometry.style(c0, r0, c1, r1, number - block * 1024))
        ctrl_part = spare.pop(0) if spare else package.free_name("xl/ctrlProps/ctrlProp{}.xml")
        ctrl = etree.Element(f"{{{X14}}}formControlPr", nsmap={None: X14}, objectType="Button", lockText="1")
        package.trees[ctrl_part] = ctrl
        package.override(ctrl_part, CT_CTRL)
        rid = package.relate(sheet_part, REL_CTRL, ctrl_part)
        choice = etree.SubElement(etree.SubElement(controls, f"{{{MC}}}AlternateContent"), f"{{{MC}}}Choice",
                                  Requires="x14")
        control = etree.SubElement(choice, f"{{{MAIN}}}control", shapeId=str(number),
                                   name=f"Button {number - block * 1024}")
        control.set(f"{{{REL}}}id", rid)
        pr = etree.SubElement(control, f"{{{MAIN}}}controlPr", defaultSize="0", print="0", autoFill="0",
                              autoPict="0", macro=f"[0]!{button.macro}")
        anchor = etree.SubElement(pr, f"{{{MAIN}}}anchor", moveWithCells="1", sizeWithCells="1")
        for tag, (col, row) in (("from", (c0, r0)), ("to", (c1, r1))):
            corner = etree.SubElement(anchor, f"{{{MAIN}}}{tag}")
            for name, value in (("col", col), ("colOff", 0), ("row", row), ("rowOff", 0)):
                etree.SubElement(corner, f"{{{XDR}}}{name}").text = str(value)
    package.trees[vml_part] = vml


def _vml_button(vml: etree._Element, number: int, button: FormButton, anchor: tuple, style: str) -> None:
    shape = etree.SubElement(vml, f"{{{V}}}shape", {
        "id": f"_x0000_s{number}", "type": "#_x0000_t201", "style": style, f"{{{O}}}button": "t",
        "fillcolor": "buttonFace [67]", "strokecolor": "windowText [64]", f"{{{O}}}insetmode": "auto"})
    etree.SubElement(shape, f"{{{V}}}fill", {"color2": "buttonFace [67]", f"{{{O}}}detectmouseclick": "t"})
    etree.SubElement(shape, f"{{{O}}}lock", {f"{{{V}}}ext": "edit", "rotation": "t"})
    box = etree.SubElement(shape, f"{{{V}}}textbox", {"style": "mso-direction-alt:auto", f"{{{O}}}singleclick": "f"})
    font = etree.SubElement(etree.SubElement(box, "div", style="text-align:center"), "font",
                            face=BUTTON_FONT, size="220", color="#000000")
    font.text = button.caption
    data = etree.SubElement(shape, f"{{{X}}}ClientData", ObjectType="Button")
    c0, r0, c1, r1 = anchor
    for tag, text in (("Anchor", f"{c0}, 0, {r0}, 0, {c1}, 0, {r1}, 0"), ("PrintObject", "False"),
                      ("AutoFill", "False"), ("FmlaMacro", f"[0]!{button.macro}"),
                      ("TextHAlign", "Center"), ("TextVAlign", "Center")):
        etree.SubElement(data, f"{{{X}}}{tag}").text = text


class _Geometry:
    """Approximate cell positions in points, for the VML style (Excel places by x:Anchor)."""

    def __init__(self, sheet: etree._Element):
        fmt = sheet.find(f"{{{MAIN}}}sheetFormatPr")
        fmt = {} if fmt is None else fmt.attrib
        self.default_col = _col_px(float(fmt["defaultColWidth"])) if "defaultColWidth" in fmt else 64
        self.default_row = float(fmt.get("defaultRowHeight", 15))
        self.cols: dict[int, int] = {}
        for col in sheet.iterfind(f"{{{MAIN}}}cols/{{{MAIN}}}col"):
            for i in range(int(col.get("min")) - 1, min(int(col.get("max")), 16384)):
                self.cols[i] = _col_px(float(col.get("width", 0)))
        self.rows = {int(r.get("r")) - 1: float(r.get("ht")) for r in sheet.iterfind(f"{{{MAIN}}}sheetData/{{{MAIN}}}row")
                     if r.get("ht") and r.get("r")}

    def x(self, col: int) -> float:
        return 0.75 * sum(self.cols.get(i, self.default_col) for i in range(col))

    def y(self, row: int) -> float:
        return sum(self.rows.get(i, self.default_row) for i in range(row))

    def style(self, c0: int, r0: int, c1: int, r1: int, z: int) -> str:
        left, top = self.x(c0), self.y(r0)
        return (f"position:absolute;margin-left:{left:g}pt;margin-top:{top:g}pt;width:{self.x(c1) - left:g}pt;"
                f"height:{self.y(r1) - top:g}pt;z-index:{z};mso-wrap-style:tight")


def _col_px(width: float) -> int:
    return int(((256 * width + int(128 / 7)) / 256) * 7)  # Calibri 11: maximum digit width 7 px


def _rank(element: etree._Element) -> int:
    if not isinstance(element.tag, str):
        return -1
    if element.tag == f"{{{MC}}}AlternateContent":  # ranked by what it wraps
        inner = element.find(f"{{{MC}}}Choice/*")
        element = inner if inner is not None else element
    name = etree.QName(element).localname
    return _SHEET_ORDER.index(name) if name in _SHEET_ORDER else len(_SHEET_ORDER)


def _insert(sheet: etree._Element, element: etree._Element, name: str) -> None:
    """Insert ``element`` (a ``name`` element) where the worksheet schema puts it."""
    rank = _SHEET_ORDER.index(name)
    for i, child in enumerate(sheet):
        if _rank(child) > rank:
            sheet.insert(i, element)
            return
    sheet.append(element)


def _declare(package: Package, part: str, prefixes: dict[str, str]) -> etree._Element:
    """Declare namespace prefixes on the part's root (MCE's Requires="x14" names a prefix)."""
    root = package.xml(part)
    if all(root.nsmap.get(p) == uri for p, uri in prefixes.items()):
        return root
    new = etree.Element(root.tag, attrib=dict(root.attrib), nsmap={**root.nsmap, **prefixes})
    new.text = root.text
    new.extend(list(root))
    package.trees[part] = new
    return new
