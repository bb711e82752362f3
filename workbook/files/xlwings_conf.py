"""The master's xlwings.conf sheet and the xlwings VBA module it carries, read and changed in place.

Reading goes through the one master reader (MasterSnapshot); writing is a patch of the saved
package (workbook.ooxml.patch.PackagePatch: every other part, the VBA project and the buttons
are copied byte for byte, a dated backup is made first, then one atomic replace).

xlwings' VBA reads the sheet from A1 down to the first empty cell in column A, keys in column A
(compared upper-cased), values in column B (xlwings.bas GetConfigFromSheet); so a new key goes
in the first empty row of that block.
"""
from __future__ import annotations

import re
from pathlib import Path

from workbook.files.snapshot import MasterSnapshot
from workbook.ooxml.patch import PackagePatch
from workbook.ooxml.vba.reader import module_code
from workbook.sheets.names import SHEET_XLWINGS

VBA_PART = "xl/vbaProject.bin"
XLWINGS_MODULE = "xlwings"
_VERSION = re.compile(r'^\s*Public Const XLWINGS_VERSION As String = "([^"]+)"', re.M)


def conf_entries(snap: MasterSnapshot) -> list[tuple[str, str]]:
    """The (key, value) pairs xlwings' VBA would read, in order."""
    out = []
    for row in snap.rows(SHEET_XLWINGS):
        key = row[0] if row else None
        if key in (None, ""):
            break
        value = row[1] if len(row) > 1 else None
        out.append((str(key), "" if value is None else str(value)))
    return out


def vba_xlwings_version(snap: MasterSnapshot) -> str | None:
    """XLWINGS_VERSION of the xlwings module in the master's VBA project; None without one."""
    parts = snap.package.parts
    project = parts[VBA_PART] if VBA_PART in parts else None
    if project is None:
        return None
    code = module_code(project, XLWINGS_MODULE)
    match = _VERSION.search(code or "")
    return match.group(1) if match else None


def write_conf(snap: MasterSnapshot, values: dict[str, str], backup_folder: Path | None) -> tuple[list[str], Path | None]:
    """Set the keys to the values (keys compared as xlwings does, upper-cased); returns the keys
    that changed and the backup. Nothing is written, and no backup made, when nothing changes."""
    entries = conf_entries(snap)
    rows = {key.upper(): (r, value) for r, (key, value) in enumerate(entries, start=1)}
    patch = PackagePatch(snap.path, snap.data)
    sheet = patch.sheet(SHEET_XLWINGS)
    key_style, value_style = sheet.style(1, 1), sheet.style(1, 2)
    changed = []
    next_row = len(entries) + 1
    for key, value in values.items():
        if key.upper() in rows:
            r, old = rows[key.upper()]
            if old == value:
                continue
            sheet.set(r, 2, value)
        else:
            sheet.set(next_row, 1, key, key_style)
            sheet.set(next_row, 2, value, value_style)
            next_row += 1
        changed.append(key)
    if not changed:
        return [], None
    patch.hide_sheet(SHEET_XLWINGS)      # a master made before the sheet was hidden: hidden from now on
    return changed, patch.save(backup_folder)
