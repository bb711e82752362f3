"""What kind of place a path is, for the known field failures: findings are data (code, blocking,
what was found, what to do), in Japanese for the person; tests assert on the codes.

* path-url          Excel reports a OneDrive/SharePoint file as a URL (Workbook.FullName); xlwings
                    maps it to the synced folder (xlwings.utils.fullname_url_to_local_path) when it can.
* path-unc          \\\\server\\share\\...: cmd.exe cannot use it as its current folder, but xlwings'
                    RunPython never does (it changes to the interpreter's folder first, with pushd for a
                    UNC interpreter: xlwings.bas ExecuteWindows), and Python reads UNC paths; so not
                    blocking. Trusted Locations on a network need an extra setting.
* path-mapped-drive a drive letter that is a network drive (GetDriveTypeW = DRIVE_REMOTE): same notes.
* path-not-cp932    characters Shift_JIS (CP932) cannot hold. VBA passes strings to Declare'd API calls
                    in the system code page: xlwings loads its DLL with LoadLibraryA (xlwings.bas), and
                    VBA's own file functions (GetAttr, used for "Could not find Interpreter!") are ANSI.
                    Blocking for the interpreter and the project folder; a caution for the master's folders.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from . import windows


@dataclass(frozen=True)
class Finding:
    code: str
    blocking: bool
    text: str
    todo: str = ""

    def lines(self) -> list[str]:
        mark = "×" if self.blocking else "△"
        return [f"{mark} {self.text}"] + ([f"　→ {self.todo}"] if self.todo else [])


URL_KINDS = (
    (re.compile(r"https://d\.docs\.live\.net/", re.I), "OneDrive（個人用）"),
    (re.compile(r"https://[^/]*-my\.sharepoint\.[^/]*/", re.I), "OneDrive for Business"),
    (re.compile(r"https?://[^/]*/sites/", re.I), "SharePoint"),
)
NETWORK_TRUST = ("マクロが止められるときは、トラスト センターの「信頼できる場所」に追加し、"
                 "「プライベート ネットワーク上の信頼できる場所を許可する」もオンにしてください（docs/excel_setup.md 3 章）。")


def url_kind(text: str) -> str | None:
    """"OneDrive（個人用）", "OneDrive for Business", "SharePoint", "Web 上の場所" for a URL; None otherwise."""
    if "://" not in text:
        return None
    return next((name for pattern, name in URL_KINDS if pattern.match(text)), "Web 上の場所")


def not_cp932(text: str) -> str:
    """The characters of text that Shift_JIS (CP932) cannot hold, in order, each once."""
    out = []
    for ch in text:
        try:
            ch.encode("cp932")
        except UnicodeEncodeError:
            if ch not in out:
                out.append(ch)
    return "".join(out)


def classify(path: str, what: str, strict_cp932: bool = False,
             drive_type: Callable[[str], str | None] | None = None) -> list[Finding]:
    """Findings for one path; what names it for the person (e.g. "マスターのフォルダ")."""
    drive_type = drive_type or windows.drive_type
    found: list[Finding] = []
    kind = url_kind(path)
    if kind is not None:
        found.append(Finding("path-url", True, f"{what}は {kind} の URL です（{path}）。",
                             "OneDrive の同期フォルダ（エクスプローラーに表示される場所）にあるマスターを開いてください。"
                             "同期フォルダが見つからないときは、python -m macros setup-excel に --onedrive または "
                             "--sharepoint で同期フォルダを指定してください。"))
        return found
    if path.startswith(("\\\\", "//")):
        found.append(Finding("path-unc", False, f"{what}はネットワーク上の共有フォルダ（UNC パス {path}）です。", NETWORK_TRUST))
    elif re.match(r"^[A-Za-z]:", path) and drive_type(path[0]) == "remote":
        found.append(Finding("path-mapped-drive", False,
                             f"{what}はネットワーク ドライブ（{path[0].upper()}:）上にあります。", NETWORK_TRUST))
    odd = not_cp932(path)
    if odd:
        if strict_cp932:
            found.append(Finding("path-not-cp932", True,
                                 f"{what}（{path}）に Shift_JIS で表せない文字「{odd}」があります。Excel のマクロは"
                                 "この場所の Python を起動できません。",
                                 "英数字だけのフォルダ（例 C:\\saihan-addon）に入れ直してください。"))
        else:
            found.append(Finding("path-not-cp932", False,
                                 f"{what}（{path}）に Shift_JIS で表せない文字「{odd}」があります。",
                                 "うまく動かないときは、フォルダ名・ファイル名からこの文字を除いてください。"))
    return found
