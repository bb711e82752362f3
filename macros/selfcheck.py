"""⓪ 動作確認: one message that says whether this installation can run the buttons, and what to do.

Python and xlwings versions (and whether the package matches the master's xlwings VBA module),
whether the master's folder and each working folder of 設定 can be written, what kind of place
the master is in (macros/paths.py), whether Excel is the Microsoft Store edition, and which PDF
converter the report would use. Each finding that blocks work carries what to do. The Windows
calls go through macros/windows.py.
"""
from __future__ import annotations

import platform
import sys
import tempfile
from pathlib import Path

import xlwings

from workbook.errors import AddonError
from workbook.files.snapshot import MasterSnapshot
from workbook.files.xlwings_conf import vba_xlwings_version

from . import windows
from .paths import Finding, classify

FOLDER_SETTINGS = (("distribution_folder", "配布"), ("inbox_folder", "回収"), ("report_folder", "報告書"),
                   ("archive_folder", "受領控"), ("backup_folder", "バックアップ"), ("correction_folder", "返却票"))


def version_findings(vba_version: str | None) -> list[Finding]:
    package = xlwings.__version__
    if vba_version is None:
        return [Finding("xlwings-vba-missing", True, "マスターに xlwings の VBA モジュールがありません。",
                        "python -m macros new で作り直したマスターを使ってください。")]
    if vba_version != package:
        return [Finding("xlwings-version-mismatch", True,
                        f"xlwings のバージョンが合いません：マスターの VBA モジュールは {vba_version}、"
                        f"インストールされているパッケージは {package} です（合わないと、ワークシート関数が DLL を読み込めません）。",
                        f"アドオンのフォルダで .venv\\Scripts\\pip install xlwings=={vba_version} を実行するか、"
                        "インストールした版で作り直したマスターを使ってください。")]
    return []


def writable(folder: Path) -> bool:
    """A file can be made and removed in the folder (or, when it does not exist yet, in the nearest
    existing folder above it, where the add-on will make it)."""
    existing = folder
    while not existing.exists() and existing.parent != existing:
        existing = existing.parent
    try:
        with tempfile.NamedTemporaryFile(dir=existing, prefix=".~saihan_check_"):
            return True
    except OSError:
        return False


def folder_findings(snap: MasterSnapshot) -> tuple[list[str], list[Finding]]:
    ok, found = [], []
    folders = [("マスターのフォルダ", snap.path.parent)]
    folders += [(f"{label}フォルダ", snap.folder(getattr(snap.settings, key))) for key, label in FOLDER_SETTINGS]
    for label, folder in folders:
        if writable(folder):
            ok.append(label.removesuffix("フォルダ").removesuffix("の"))
        else:
            found.append(Finding("folder-not-writable", True, f"{label}（{folder}）に書き込めません。",
                                 "フォルダのアクセス権を情報システム担当に確認するか、マスターを書き込めるフォルダに移してください。"))
    return ok, found


def store_finding(excel_folder: str | None) -> list[Finding]:
    if windows.store_office(excel_folder):
        return [Finding("office-store", False, "Excel は Microsoft Store 版の Office です（このアドオンでの動作は確かめていません）。",
                        "ボタンが動かないときは、通常版（クイック実行版）の Office を情報システム担当に相談してください。"
                        "コマンドライン（python -m macros …）は Store 版でも使えます。")]
    return []


def check(master: Path, excel_folder: str | None) -> tuple[list[str], list[Finding]]:
    """What works (lines) and the findings, each with its code."""
    from .report import pdf_converter

    lines = [f"Python {platform.python_version()}（{sys.executable}）", f"xlwings {xlwings.__version__}"]
    found: list[Finding] = []
    try:
        snap = MasterSnapshot.read(master)
    except AddonError as exc:
        snap = None
        found.append(Finding("master-unreadable", True, str(exc), "マスターを保存してから、もう一度押してください。"))
    if snap is not None:
        found += version_findings(vba_xlwings_version(snap))
        if not found:
            lines.append("マスターの xlwings VBA モジュール：同じ版")
        ok, folder_problems = folder_findings(snap)
        if ok:
            lines.append(f"書き込み可：{'・'.join(ok)}")
        found += folder_problems
    found += classify(str(master), "マスター")
    found += store_finding(excel_folder)
    converter = pdf_converter()
    if converter is not None:
        lines.append(f"PDF の作成：{converter[0]}")
    else:
        found.append(Finding("pdf-none", False, "PDF を作るソフト（LibreOffice、Word）が見つかりません。",
                             "報告書は Word（.docx）で作られます。PDF は Word で開いて保存してください。"))
    return lines, found


def self_check(master: Path, excel_folder: str | None) -> tuple[str, bool]:
    """The message (Japanese) and whether anything blocks work."""
    lines, found = check(master, excel_folder)
    blocking = any(f.blocking for f in found)
    head = ("× 直す必要がある項目があります。" if blocking
            else "○ このPCでボタンを使えます。" + ("（△ は注意点です）" if found else ""))
    body = [line for f in found for line in f.lines()]
    return "\n".join([head, ""] + lines + ([""] + body if body else [])), blocking
