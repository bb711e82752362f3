"""The one seam to Windows: every call that only exists on Windows is here, and nowhere else.

Tests replace these functions (monkeypatch); everything that decides what to say or do with
their answers lives elsewhere (macros/paths.py, macros/setup_excel.py, macros/selfcheck.py,
macros/report.py) and runs on Linux.

None of the bodies below has run on Windows in this project's tests (the development machine
is Linux): see docs/excel_setup.md, "確認したこと・していないこと".
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

ON_WINDOWS = sys.platform.startswith("win")
ZONE_STREAM = ":Zone.Identifier"

# GetDriveTypeW results (winbase.h)
_DRIVE_TYPES = {0: "unknown", 1: "no-root", 2: "removable", 3: "fixed", 4: "remote", 5: "cdrom", 6: "ramdisk"}


def drive_type(letter: str) -> str | None:
    """"remote" for a mapped network drive, "fixed", "removable", ...; None off Windows."""
    if not ON_WINDOWS:
        return None
    import ctypes

    code = ctypes.windll.kernel32.GetDriveTypeW(f"{letter[0].upper()}:\\")
    return _DRIVE_TYPES.get(code, "unknown")


def zone_identifier(path: Path) -> str | None:
    """The text of the file's Zone.Identifier stream (the Mark of the Web), or None when absent."""
    if not ON_WINDOWS:
        return None
    try:
        with open(str(path) + ZONE_STREAM, "r", encoding="utf-8", errors="replace") as f:
            return f.read()
    except OSError:
        return None


def remove_zone_identifier(path: Path) -> bool:
    """Delete the Zone.Identifier stream (what Properties -> Unblock does); True when one was removed."""
    if not ON_WINDOWS:
        return False
    try:
        os.remove(str(path) + ZONE_STREAM)
        return True
    except FileNotFoundError:
        return False


def store_office(excel_folder: str | None) -> bool | None:
    """True when Excel is the Microsoft Store (MSIX) edition; None when it cannot be told.

    The Store edition runs from C:\\Program Files\\WindowsApps\\Microsoft.Office.Desktop...;
    without Excel's folder, the per-user package list in the registry is looked at.
    """
    if excel_folder:
        return "\\windowsapps\\" in excel_folder.lower()
    if not ON_WINDOWS:
        return None
    import winreg

    key = (r"Software\Classes\Local Settings\Software\Microsoft\Windows\CurrentVersion"
           r"\AppModel\Repository\Packages")
    try:
        with winreg.OpenKey(winreg.HKEY_CURRENT_USER, key) as root:
            count = winreg.QueryInfoKey(root)[0]
            return any(winreg.EnumKey(root, i).startswith("Microsoft.Office.Desktop") for i in range(count))
    except OSError:
        return None


def held_open(path: Path) -> bool:
    """True when the file cannot be opened for writing because another program holds it
    (Excel opens a workbook denying writes to others: PermissionError on Windows)."""
    try:
        with open(path, "r+b"):
            return False
    except PermissionError:
        return True


def word_available() -> bool:
    """Word can be started through COM (pywin32 comes with xlwings on Windows)."""
    if not ON_WINDOWS:
        return False
    try:
        import winreg

        with winreg.OpenKey(winreg.HKEY_CLASSES_ROOT, r"Word.Application\CLSID"):
            pass
        import win32com.client  # noqa: F401
    except (ImportError, OSError):
        return False
    return True


WD_EXPORT_FORMAT_PDF = 17      # WdExportFormat.wdExportFormatPDF


def word_export(docx: Path, pdf: Path) -> None:
    """Word opens the .docx read-only and exports it as PDF (Document.ExportAsFixedFormat)."""
    import pythoncom
    import win32com.client

    pythoncom.CoInitialize()
    word = win32com.client.DispatchEx("Word.Application")
    try:
        word.Visible = False
        word.DisplayAlerts = 0
        document = word.Documents.Open(str(Path(docx).resolve()), ReadOnly=True, AddToRecentFiles=False)
        try:
            document.ExportAsFixedFormat(OutputFileName=str(Path(pdf).resolve()),
                                         ExportFormat=WD_EXPORT_FORMAT_PDF)
        finally:
            document.Close(SaveChanges=0)
    finally:
        word.Quit()
