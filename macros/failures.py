"""What a person reads when a library's exception reaches an entry point (the command line, a button).

The operations turn what they foresee into AddonError messages. What still arrives from a library
(the OS, zipfile, zlib, calamine, openpyxl, lxml) is said in Japanese with what to do, never with the
library's English text or an exception's name; anything else is a fault of the add-on, reported as
such with the log that holds the details (cli.py, runner.py).
"""
from __future__ import annotations

from workbook.errors import os_reason
from workbook.files.intake import known_reason

# packages whose exceptions mean "a file could not be read or written", not a fault of the add-on
LIBRARIES = frozenset({"zipfile", "zlib", "python_calamine", "openpyxl", "lxml", "xml", "olefile", "docx", "docxtpl"})


def failure_text(exc: BaseException) -> str | None:
    """A Japanese message for an exception a library raised about a file; None for any other."""
    if isinstance(exc, OSError):
        where = f"（{_shown(exc.filename)}）" if getattr(exc, "filename", None) else ""
        return (f"ファイルを読み書きできません{where}：{os_reason(exc)}。"
                "ファイルやフォルダの場所を確かめ、Excel などで開いていれば閉じてから、もう一度実行してください。")
    if not _from_library(exc):
        return None
    reason = known_reason(exc) or "ファイルの形式が想定と違います"
    return (f"ファイルを読み取れません（{reason}）。壊れていないか、Excel で開いて「名前を付けて保存」"
            "（Excel ブック .xlsx / マスターは .xlsm）で保存し直してから、もう一度実行してください。")


# the add-on's own working names: a temporary file beside the one being saved (ooxml.save), the
# report's working folder (macros.report); a person knows the folder, not these
_WORKING = (".~tmp_", ".report_")


def _shown(filename: object) -> str:
    """The file an OS error names, or the folder holding the add-on's working file or folder it names."""
    from pathlib import PurePath

    parts = PurePath(str(filename)).parts
    at = next((i for i, part in enumerate(parts) if i and part.startswith(_WORKING)), None)
    return str(filename) if at is None else str(PurePath(*parts[:at]))


def _from_library(exc: BaseException) -> bool:
    if isinstance(exc, UnicodeDecodeError):
        return True
    if isinstance(exc, KeyError) and "there is no item named" in str(exc).lower():   # zipfile: a part is missing
        return True
    if type(exc).__module__.split(".")[0] in LIBRARIES:
        return True
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    origin = tb.tb_frame.f_globals.get("__name__", "") if tb is not None else ""
    return origin.split(".")[0] in LIBRARIES
