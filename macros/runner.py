"""Running an operation against a book: every result and every error ends as a message.

The book is either the file (workbook.files.sheet_book.FileBook, the command line) or the master
open in Excel (macros.excel.XlwingsBook); both follow the Book protocol below.
"""
from __future__ import annotations

import datetime as dt
import tempfile
import traceback
from pathlib import Path
from typing import Callable, Protocol

from workbook.errors import AddonError
from workbook.files.master_update import MasterUpdate, Written
from workbook.files.sheet_book import Block
from workbook.files.snapshot import MasterSnapshot

from .failures import failure_text
from .outcome import Outcome

MAX_ALERT_LINES = 25
HALF_WRITTEN = ("開いているマスターは書きかけの可能性があります。マスターを保存せずに閉じてください。"
                "保存されているファイルはボタンを押す前のままです。開き直してから、もう一度ボタンを押してください。")


class Book(Protocol):
    path: Path

    def sheet_names(self) -> list[str]: ...

    def read(self, sheet: str) -> Block: ...

    def write(self, sheet: str, rows: Block, row: int = 1, column: int = 1) -> None: ...

    def replace(self, blocks: dict[str, Block], heights: dict[str, dict[int, float]] | None = None) -> None: ...

    def save(self) -> None: ...

    def write_update(self, snap: MasterSnapshot, update: MasterUpdate) -> Written: ...

    def progress(self, text: str) -> None: ...

    def alert(self, text: str, title: str, critical: bool = False) -> None: ...

    def done(self) -> None: ...

    def unfinished(self) -> str | None: ...

    def may_be_half_written(self) -> bool: ...


# --- running an operation --------------------------------------------------------------------------
Operation = Callable[[Book], Outcome]


def run(book: Book, title: str, operation: Operation) -> Outcome | None:
    """Run an operation against a book; every result and every error ends as a message to the person.

    A book an earlier run may have left half-written is neither saved nor used (unfinished()).
    The book saves first (in Excel: the latest manual edits reach the file the operation reads).
    AddonError messages are shown as they are; anything else as a short Japanese message that
    names the log file (beside the master) holding the traceback. When the open book may be
    half-written, both say to close it without saving. No exception leaves run().
    """
    try:
        unfinished = book.unfinished()
        if unfinished is not None:
            show(book, unfinished, f"{title}：中止しました", critical=True)
            return None
        book.save()
        outcome = operation(book)
    except AddonError as exc:
        show(book, "\n".join([str(exc)] + _close_note(book)), f"{title}：中止しました", critical=True)
        return None
    except Exception as exc:
        log = write_log(book.path, title)
        known = failure_text(exc)      # a library's exception about a file: what to do, in Japanese
        if known is not None:
            show(book, "\n".join([known] + _close_note(book)), f"{title}：中止しました", critical=True)
            return None
        where = (f"詳しい内容を次のログに記録しました。このメッセージとログをシステムの担当者に伝えてください。\n{log}"
                 if log else "ログを書き込めませんでした。このメッセージをシステムの担当者に伝えてください。")
        show(book, "\n".join([f"{title}の途中で予期しないエラーが起きたため、中止しました。"] + _close_note(book) + [where]),
             f"{title}：エラー", critical=True)
        return None
    finally:
        try:
            book.done()
        except Exception:
            pass                            # only the status bar; the message says what happened
    show(book, alert_text(outcome), f"{title}：完了")
    return outcome


def _close_note(book: Book) -> list[str]:
    try:
        return [HALF_WRITTEN] if book.may_be_half_written() else []
    except Exception:
        return [HALF_WRITTEN]


def show(book: Book, text: str, title: str, critical: bool = False) -> None:
    """book.alert, and when even the message box fails, the message goes to the log."""
    try:
        book.alert(text, title, critical=critical)
    except Exception:
        write_log(book.path, title, f"メッセージを表示できませんでした:\n{text}\n")


def alert_text(outcome: Outcome) -> str:
    lines = [line for line in outcome.lines if line.strip()] or ["完了しました。"]
    if len(lines) > MAX_ALERT_LINES:
        lines = lines[:MAX_ALERT_LINES] + [f"…ほか {len(lines) - MAX_ALERT_LINES} 行"]
    return "\n".join(lines)


def log_path(master: Path) -> Path:
    return master.with_name(f"{master.stem}_エラーログ.txt")


def write_log(master: Path, title: str, note: str = "") -> Path | None:
    """Append the current exception's traceback to the log beside the master (or the temp folder);
    None when neither can be written. Never raises."""
    try:
        text = f"==== {dt.datetime.now():%Y-%m-%d %H:%M:%S} {title} {master}\n{note}{traceback.format_exc()}\n"
        name = log_path(master).name
    except Exception:
        return None
    for path in (log_path(master), Path(tempfile.gettempdir()) / name):
        try:
            with path.open("a", encoding="utf-8") as f:
                f.write(text)
            return path
        except OSError:
            continue
    return None
