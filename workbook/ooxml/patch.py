"""Patch: change cell values in a saved workbook package without an openpyxl round trip.

openpyxl loads and rewrites every part of a workbook (slow for a master with many sheets, and it
drops parts it does not understand). A patch parses only the sheets it changes, edits their
<sheetData>, and copies every other part of the package byte for byte, so the VBA project,
buttons and drawings cannot be lost. Saving keeps the master's guarantees: a dated backup, a
temporary file, a comparison of the package's part list, then one atomic replace
(workbook.ooxml.save.replace_atomically). Parts the patch does not change are neither inflated
nor compressed again: their compressed bytes are copied as they are (workbook.ooxml.zipcopy).

What the patch changed is described per sheet by changes() (workbook.ooxml.changes): the Excel
writer applies that description to the open book instead of saving the package.

Values are written as inline strings, numbers, booleans or dates; a string starting with "="
stays text (never a <f> formula). A cell keeps its style (s=); a new cell takes the style it is given.
An empty value removes the cell's value (never an empty inline string); the style stays.
"""
from __future__ import annotations

import re
from pathlib import Path

from lxml import etree

from workbook.errors import MasterError
from workbook.ooxml.changes import CellReader, SheetChange, describe
from workbook.ooxml.package import MAIN, REL, Package, check_parts_kept, part_names
from workbook.ooxml.save import backup_copy, replace_atomically
from workbook.ooxml.original import Original
from workbook.ooxml.sheet_xml import SheetXml
from workbook.ooxml.zipcopy import write_package

CALC_CHAIN = "xl/calcChain.xml"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True, remove_blank_text=False)


def _q(tag: str) -> str:
    return f"{{{MAIN}}}{tag}"


class PackagePatch:
    """A saved workbook read into memory; sheets parsed on demand; save() writes it back once."""

    def __init__(self, path: Path, data: bytes | None = None, record: bool = False):
        self.path = Path(path)
        stat = self.path.stat()
        self._stamp = (stat.st_mtime_ns, stat.st_size)
        self.record = record
        self._open(Package(self.path, data))
        self.sheets: dict[str, SheetXml] = {}
        self._workbook_changed = False
        self._date_styles: set[int] | None = None

    def _open(self, package: Package) -> None:
        """The package model (workbook.ooxml.package) gives the parts and the sheets' part names."""
        self.package = package
        self.data, self.infos, self.parts = package.data, package.infos, package.parts
        self.workbook_part = package.workbook_part
        self.workbook = package.xml(self.workbook_part)
        order = package.sheet_parts()
        self.sheet_order = list(order)
        self.sheet_parts = {title: part for title, part in order.items() if part}

    def sheet(self, title: str) -> SheetXml:
        if title not in self.sheets:
            if title not in self.sheet_parts:
                raise MasterError(f"{self.path.name} にシート「{title}」がありません。")
            self.sheets[title] = SheetXml(self.parts[self.sheet_parts[title]], record=self.record)
        return self.sheets[title]

    def shows_date(self, title: str, r: int, c: int) -> bool:
        """Whether the cell's style shows a number as a date (a date written there reads as one)."""
        style = self.sheet(title).style(r, c)
        if self._date_styles is None:
            self._date_styles = self._reader().date_styles
        return int(style or 0) in self._date_styles

    def hide_sheet(self, title: str) -> None:
        """Hide a sheet's tab (its contents stay readable by name, as xlwings reads xlwings.conf)."""
        for sheet in self.workbook.iterfind(f"{_q('sheets')}/{_q('sheet')}"):
            if sheet.get("name") == title and sheet.get("state") not in ("hidden", "veryHidden"):
                sheet.set("state", "hidden")
                self._workbook_changed = True

    def set_filter_range(self, title: str, ref: str) -> None:
        """Keep the _FilterDatabase name Excel pairs with a sheet's autoFilter in step with it."""
        index = str(self.sheet_order.index(title))
        absolute = "$" + ref.replace(":", ":$")
        absolute = re.sub(r"([A-Z]+)(\d+)", r"\1$\2", absolute)
        for name in self.workbook.iterfind(f"{_q('definedNames')}/{_q('definedName')}"):
            if name.get("name") == "_xlnm._FilterDatabase" and name.get("localSheetId") == index:
                text = f"'{title}'!{absolute}"
                if name.text != text:
                    name.text = text
                    self._workbook_changed = True

    def _calc_chain(self) -> bytes | None:
        """Excel's list of formula cells, without the cells whose formula a value replaced."""
        gone = {(str(self.sheet_order.index(t) + 1), ref) for t, s in self.sheets.items() for ref in s.removed_formulas}
        if not gone or CALC_CHAIN not in self.parts:
            return None
        ids = {}
        for n, sheet in enumerate(self.workbook.iterfind(f"{_q('sheets')}/{_q('sheet')}"), start=1):
            ids[str(n)] = sheet.get("sheetId")
        gone = {(ids.get(i, i), ref) for i, ref in gone}
        root = etree.fromstring(self.parts[CALC_CHAIN], _PARSER)
        current = None
        for entry in list(root):
            current = entry.get("i") or current
            if (current, entry.get("r")) in gone:
                following = entry.getnext()
                if entry.get("i") and following is not None and not following.get("i"):
                    following.set("i", entry.get("i"))
                root.remove(entry)
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)

    @property
    def changed(self) -> bool:
        return any(s.changed for s in self.sheets.values())

    def changes(self) -> list[SheetChange]:
        """What the edits change, per sheet in workbook order (before save(): the package as read
        is the base). A sheet whose values and row heights end as they were is left out."""
        reader = self._reader()
        out = []
        for title in self.sheet_order:
            sheet = self.sheets.get(title)
            if sheet is None or not sheet.changed:
                continue
            # the sheet as read: from the edited one's records (no second parse), unless shared formulas
            original = Original(sheet) if sheet.record and not sheet.shared_at_start else \
                SheetXml(self.parts[self.sheet_parts[title]])
            change = describe(title, original, sheet, reader)
            if change is not None:
                out.append(change)
        return out

    def _reader(self) -> CellReader:
        strings = self.package.related(self.workbook_part, f"{REL}/sharedStrings")
        styles = self.package.related(self.workbook_part, f"{REL}/styles")
        pr = self.workbook.find(_q("workbookPr"))
        return CellReader(self.parts.get(strings) if strings else None, self.parts.get(styles) if styles else None,
                          date1904=pr is not None and pr.get("date1904") in ("1", "true"))

    def save(self, backup_folder: Path | None) -> Path | None:
        """Backup, write a temporary package, check no part was lost, replace the master."""
        stat = self.path.stat()
        if (stat.st_mtime_ns, stat.st_size) != self._stamp:
            raise MasterError(f"{self.path.name} は読み込んだ後に変更されました（Excel で保存された可能性があります）。"
                              "Excel で閉じてから、もう一度実行してください。")
        new_parts = {self.sheet_parts[t]: s.tobytes for t, s in self.sheets.items() if s.changed}   # made while saving
        if new_parts:
            calc = self.workbook.find(_q("calcPr"))
            if calc is None:
                calc = etree.SubElement(self.workbook, _q("calcPr"))
            calc.set("fullCalcOnLoad", "1")  # formulas over patched cells are recalculated on opening
        chain = self._calc_chain()
        if chain is not None:
            new_parts[CALC_CHAIN] = chain
        if new_parts or self._workbook_changed:
            new_parts[self.workbook_part] = etree.tostring(self.workbook, xml_declaration=True, encoding="UTF-8",
                                                           standalone=True)
        backup = None
        if backup_folder is not None:
            backup = backup_copy(self.path, backup_folder)

        made: dict[str, bytes] = {}

        def write(tmp: Path) -> None:
            made.update(write_package(tmp, self.data, self.infos, new_parts))
            check_parts_kept({i.filename for i in self.infos}, part_names(tmp), self.path)

        try:
            replace_atomically(self.path, write)
        except PermissionError as exc:
            raise MasterError(f"{self.path.name} を書き換えられません。Excel で開いている場合は閉じてから、"
                              "もう一度実行してください。") from exc
        self._open(Package(self.path, None, made))
        for sheet in self.sheets.values():
            sheet.saved()
        stat = self.path.stat()
        self._stamp = (stat.st_mtime_ns, stat.st_size)
        self._workbook_changed = False
        return backup
