"""Entry points for the master's buttons (xlwings RunPython). Thin: pick the book, call operations.

macros/Addin.bas: Sub Distribute() -> RunPython "import macros.xl as m; m.distribute()" etc.
Each function is the command line's operation (macros.operations) run against the calling
workbook through macros.excel.XlwingsBook: Excel saves first, the master is never saved with
openpyxl while Excel holds it, and results and errors end as a Japanese message box.
"""
from __future__ import annotations

import xlwings as xw

from workbook.errors import AddonError

from . import operations as ops
from .excel import XlwingsBook
from .runner import Operation, run
from .outcome import Outcome


def _run(title: str, operation: Operation) -> Outcome | None:
    """run() against the calling book; a book whose place cannot be used (a OneDrive URL without a
    synced file) gets a Japanese message box instead of xlwings' English error."""
    caller = xw.Book.caller()
    try:
        book = XlwingsBook(caller)
    except AddonError as exc:
        caller.app.alert(str(exc), title=f"{title}：中止しました", buttons="ok", mode="critical")
        return None
    return run(book, title, operation)


def self_check() -> str | None:
    """⓪ 動作確認 (nothing is written; one message box says what works and what to do)."""
    from .selfcheck import self_check as check

    caller = xw.Book.caller()
    try:
        path = XlwingsBook(caller).path
    except AddonError as exc:
        caller.app.alert(str(exc), title="動作確認", buttons="ok", mode="critical")
        return None
    try:
        excel_folder = caller.app.path
    except Exception:
        excel_folder = None
    text, blocking = check(path, excel_folder)
    caller.app.alert(text, title="動作確認", buttons="ok", mode="critical" if blocking else "info")
    return text


def distribute() -> Outcome | None:
    """① 配布 (reads the master, writes one file per department; the master itself is not changed)."""
    return _run("配布", lambda book: ops.distribute(book.path, progress=book.progress))


def collect() -> Outcome | None:
    """② 回収 (the returned files go into the department sheets, 進捗一覧, 提出状況, 検証結果, 履歴)."""
    return _run("回収", lambda book: ops.collect(book.path, progress=book.progress,
                                                           write=book.write_update))


def validate() -> Outcome | None:
    """③ 検証 (refreshes 検証結果 and the correction lists)."""
    return _run("検証", lambda book: ops.validate(book.path, progress=book.progress,
                                                           write=book.write_update))


def report() -> Outcome | None:
    """④ 報告書作成 (Word report and committee summary; the master is only read)."""
    return _run("報告書作成", lambda book: ops.report(book.path, progress=book.progress))


def remind() -> Outcome | None:
    """⑤ 再依頼 (memo and mail drafts to the late departments; the master is only read)."""
    return _run("再依頼", lambda book: ops.remind(book.path, progress=book.progress))


def next_year() -> Outcome | None:
    """⑥ 年度更新: only checks whether the year can be closed and says how (the master is read, not changed).

    Closing rewrites nearly every sheet (each department sheet, 進捗一覧, 提出状況, 設定, 計画) and adds
    年度別実績: more than the Excel writer puts into an open book cell by cell. The refusals are the
    command line's; when there is none, the message gives the command to run with the master closed."""
    return _run("年度更新の確認", lambda book: ops.next_year(book.path, progress=book.progress, check_only=True))


ENTRY_POINTS = {"self_check": self_check, "distribute": distribute, "collect": collect, "validate": validate,
                "report": report, "remind": remind, "next_year": next_year}
