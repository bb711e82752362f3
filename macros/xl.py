"""Entry points for the master's buttons (xlwings RunPython). Thin: pick the book, call operations.

macros/Addin.bas: Sub Distribute() -> RunPython "import macros.xl as m; m.distribute()" etc.
Each function is the command line's operation (macros.operations) run against the calling
workbook through macros.excel.XlwingsBook: Excel saves first, the master is never saved with
openpyxl while Excel holds it, and results and errors end as a Japanese message box.
"""
from __future__ import annotations

import xlwings as xw

from . import operations as ops
from .excel import XlwingsBook
from .runner import run
from .outcome import Outcome


def _book() -> XlwingsBook:
    return XlwingsBook(xw.Book.caller())


def distribute() -> Outcome | None:
    """① 配布 (reads the master, writes one file per department; the master itself is not changed)."""
    return run(_book(), "配布", lambda book: ops.distribute(book.path, progress=book.progress))


def collect() -> Outcome | None:
    """② 回収 (the returned files go into the department sheets, 進捗一覧, 提出状況, 検証結果, 履歴)."""
    return run(_book(), "回収", lambda book: ops.collect(book.path, progress=book.progress,
                                                           write=book.write_update))


def validate() -> Outcome | None:
    """③ 検証 (refreshes 検証結果 and the correction lists)."""
    return run(_book(), "検証", lambda book: ops.validate(book.path, progress=book.progress,
                                                           write=book.write_update))


def report() -> Outcome | None:
    """④ 報告書作成 (Word report and committee summary; the master is only read)."""
    return run(_book(), "報告書作成", lambda book: ops.report(book.path, progress=book.progress))


def remind() -> Outcome | None:
    """⑤ 再依頼 (memo and mail drafts to the late departments; the master is only read)."""
    return run(_book(), "再依頼", lambda book: ops.remind(book.path, progress=book.progress))


ENTRY_POINTS = {"distribute": distribute, "collect": collect, "validate": validate, "report": report,
                "remind": remind}
