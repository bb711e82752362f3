"""The book an operation runs against: the file on disk, or the master open in Excel.

One small protocol, two implementations:

* FileBook     - the command line path, in workbook/sheet_book.py (raw openpyxl stays in
                 workbook/). collect/validate write through workbook.master_update.apply (a patch of the saved package, or Master.save),
                 with the backup and the VBA and buttons kept.
* XlwingsBook  - a button in Excel (xlwings). Excel holds the file open, so the file is never
                 saved by Python: Excel saves first (so the operation reads the latest manual
                 edits from disk), the operation's update is applied to a copy of the file, and
                 the sheets whose values changed go back into the open book as whole blocks with
                 screen updating and calculation off; then Excel saves.

Cells in a block are Python values; a formula is a Formula (a str subclass); any other str is
text and stays text in both implementations (a department typing "=1+1" or "1-1" gets text
back, not a formula or a date).
"""
from __future__ import annotations

import copy
import datetime as dt
import math
import shutil
import tempfile
import traceback
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator, Protocol

from workbook.errors import AddonError, MasterError
from workbook.sheets.names import SHEET_HISTORY, SHEET_STATUS
from workbook.files.master_update import MasterUpdate, Written, apply
from workbook.ooxml.save import backup_copy
from workbook.files.sheet_book import (Block, FileBook, Formula, changed_blocks, changed_heights,
                                 height_runs, kinds, trim)
from workbook.files.snapshot import MasterSnapshot

from .outcome import Outcome

MAX_ALERT_LINES = 25


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


# --- the Excel path ----------------------------------------------------------------------------
def to_excel(value: object) -> object:
    """A block value as written through Range.value.

    Excel parses a string assigned to Range.Value as if typed: '=...' becomes a formula and
    '01', '1-1', '1,000' become numbers or dates (xlwings issues #36, #436, #1635). A leading
    apostrophe keeps any text as text and is not part of the cell's value, so every non-empty
    str that is not a Formula is written with one.
    """
    if isinstance(value, Formula):
        return str(value)
    if isinstance(value, str):
        return "'" + value if value else None
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _rows_2d(value: object) -> Block:
    if isinstance(value, (list, tuple)):
        if value and isinstance(value[0], (list, tuple)):
            return [list(r) for r in value]
        return [list(value)]
    return [[value]]


class XlwingsBook:
    """The master open in Excel, through an xlwings Book (or the test fake of one)."""

    def __init__(self, book):
        self.book = book
        self.path = Path(book.fullname)
        self.marker = marker_path(self.path)
        self.half_written = False       # the open book may differ from both the file and the update
        self._touched: list[Touched] = []

    def sheet_names(self) -> list[str]:
        return [sheet.name for sheet in self.book.sheets]

    def read(self, sheet: str) -> Block:
        ws = self.book.sheets[sheet]
        last = ws.used_range.last_cell
        rng = ws.range((1, 1), (last.row, last.column))
        values = _rows_2d(rng.options(ndim=2).value)
        formulas = _rows_2d(rng.formula)
        rows = []
        for value_row, formula_row in zip(values, formulas):
            rows.append([Formula(f) if isinstance(f, str) and f.startswith("=") and f != v else v
                         for v, f in zip(value_row, formula_row)])
        return trim(rows)

    @contextmanager
    def _quietly(self) -> Iterator[None]:
        """Screen updating and automatic calculation off while writing; restored even on error."""
        with self.book.app.properties(screen_updating=False, calculation="manual"):
            yield

    @contextmanager
    def _unprotected(self, ws) -> Iterator[None]:
        """Lift a sheet's protection (the master's sheets have no password) and put it back as it was.

        Keyword arguments to a COM method, as xlwings itself passes them (_xlwindows: Copy(Destination=)).
        """
        api = ws.api
        if not api.ProtectContents:
            yield
            return
        p = api.Protection
        options = dict(
            DrawingObjects=api.ProtectDrawingObjects, Contents=True, Scenarios=api.ProtectScenarios,
            AllowFormattingCells=p.AllowFormattingCells, AllowFormattingColumns=p.AllowFormattingColumns,
            AllowFormattingRows=p.AllowFormattingRows, AllowInsertingColumns=p.AllowInsertingColumns,
            AllowInsertingRows=p.AllowInsertingRows, AllowInsertingHyperlinks=p.AllowInsertingHyperlinks,
            AllowDeletingColumns=p.AllowDeletingColumns, AllowDeletingRows=p.AllowDeletingRows,
            AllowSorting=p.AllowSorting, AllowFiltering=p.AllowFiltering,
            AllowUsingPivotTables=p.AllowUsingPivotTables)
        api.Unprotect()
        try:
            yield
        finally:
            api.Protect(**options)

    def write(self, sheet: str, rows: Block, row: int = 1, column: int = 1) -> None:
        ws = self.book.sheets[sheet]
        with self._quietly(), self._unprotected(ws):
            if rows:
                ws.range((row, column)).value = [[to_excel(v) for v in r] for r in rows]

    def replace(self, blocks: dict[str, Block], heights: dict[str, dict[int, float]] | None = None) -> None:
        """Whole sheets, one block each, 履歴 first and 提出状況 last (its file hashes mark returns as
        taken in). Per sheet: rows below the old ones take the format of the old last row (Range.copy
        to a destination: no clipboard), then one value write covers the new block and the old one
        (old values not in the new block become empty; formats stay), then the row heights given
        (one call per run of equal heights).

        If anything fails, the sheets already touched are put back as they were read before
        writing (values and row heights) and the error is raised again; if putting back fails too,
        half_written becomes True (the book must be closed without saving).
        """
        heights = heights or {}
        self._touched = []
        try:
            with self._quietly():
                for name in write_order(blocks):
                    self._replace_sheet(name, blocks[name], heights.get(name, {}))
        except Exception as exc:
            self._undo(exc)
            raise

    def _replace_sheet(self, name: str, rows: Block, heights: dict[int, float]) -> None:
        ws = self.book.sheets[name]
        before = Touched(name, self.read(name), self._row_heights(ws, heights))
        self._touched.append(before)
        width = _width(rows)
        with self._unprotected(ws):
            template = max(ws.used_range.last_cell.row, 2)
            if width and len(rows) > template:
                ws.range((template, 1), (template, width)).copy(
                    ws.range((template + 1, 1), (len(rows), width)))
            self._put(ws, rows, before.block)
            before.heights_set = bool(heights)
            for first, last, height in height_runs(heights):
                ws.range((first, 1), (last, 1)).row_height = height

    @staticmethod
    def _put(ws, rows: Block, old: Block) -> None:
        """One value write from A1 covering rows and the old block (what is only in old is emptied)."""
        height, width = max(len(rows), len(old)), max(_width(rows), _width(old))
        if height and width:
            padded = [list(r) + [None] * (width - len(r)) for r in rows] + [[None] * width] * (height - len(rows))
            ws.range((1, 1)).value = [[to_excel(v) for v in r] for r in padded]

    @staticmethod
    def _row_heights(ws, heights: dict[int, float]) -> dict[int, float | None]:
        """The current heights of the rows about to get a new one (a run of equal heights: one call)."""
        before: dict[int, float | None] = {}
        for first, last, _ in height_runs(heights):
            same = ws.range((first, 1), (last, 1)).row_height
            for row in range(first, last + 1):
                before[row] = same if same is not None or first == last else ws.range((row, 1)).row_height
        return before

    def _undo(self, error: BaseException) -> None:
        """Put the sheets touched by the last replace() back, last touched first, each with as few
        writes as possible (rows and columns added are only cleared; values are rewritten only
        where they still differ). Any failure leaves half_written True."""
        with self._quietly():
            for touched in reversed(self._touched):
                try:
                    self._restore(touched)
                except Exception as exc:
                    self.half_written = True
                    error.add_note(f"シート「{touched.name}」を元に戻せませんでした:\n"
                                   + "".join(traceback.format_exception(exc)))
        self._touched = []

    def _restore(self, touched: "Touched") -> None:
        ws = self.book.sheets[touched.name]
        old = touched.block
        with self._unprotected(ws):
            now = self.read(touched.name)
            if not _same(now, old):
                if len(now) > len(old):
                    ws.range((len(old) + 1, 1), (len(now), max(_width(now), 1))).clear_contents()
                if _width(now) > _width(old) and old:
                    ws.range((1, _width(old) + 1), (len(old), _width(now))).clear_contents()
                now = self.read(touched.name)
                if not _same(now, old):
                    self._put(ws, old, now)
            if touched.heights_set:
                known = {row: h for row, h in touched.heights.items() if h is not None}
                for first, last, height in height_runs(known):
                    ws.range((first, 1), (last, 1)).row_height = height

    def save(self) -> None:
        """Excel saves. A read-only book (or any refused save) is a message, not a traceback."""
        if _read_only(self.book):
            raise MasterError(READ_ONLY)
        try:
            self.book.save()
        except Exception as exc:
            raise MasterError(CANNOT_SAVE.format(error=exc)) from exc

    def write_update(self, snap: MasterSnapshot, update: MasterUpdate) -> Written:
        """The writer for collect/validate when the master is open in Excel.

        The update is applied exactly as on the command line, but to a copy of the saved file;
        the sheets whose values differ from the saved file then go into the open book, after
        a backup of the file, and Excel saves. Nothing is written when nothing differs.
        A marker file beside the master lives from before the first write until Excel has saved:
        if this run fails and the open book cannot be put back, it stays, and the next run
        refuses to save a book that may be half-written (unfinished()).
        """
        with tempfile.TemporaryDirectory(prefix="saihan_") as folder:
            copy_path = Path(folder) / self.path.name
            shutil.copy2(self.path, copy_path)
            on_copy = copy.copy(snap)
            on_copy.path = copy_path
            if not apply(on_copy, update, backup=False).changed:
                return Written(False)
            before, after = FileBook(self.path), FileBook(copy_path)
            blocks = changed_blocks(before, after)
            heights = {name: changed_heights(before.heights(name), after.heights(name)) for name in blocks}
        if not blocks:
            return Written(False)
        backup = backup_copy(self.path, snap.folder(snap.settings.backup_folder))
        write_marker(self.marker, write_order(blocks))
        try:
            self.replace(blocks, heights)
            try:
                self.save()
            except Exception as exc:
                self._undo(exc)
                raise
        finally:
            if not self.half_written:
                remove_marker(self.marker)
        return Written(True, backup)

    def unfinished(self) -> str | None:
        """A message when an earlier write into this book did not finish (its marker is still
        beside the master) and the sheets it was writing differ from the saved file: the open
        book may be half-written and must not be saved. A marker whose sheets match the file
        (the book was closed without saving and opened again) is removed."""
        if not self.marker.exists():
            return None
        names = self.sheet_names()
        saved = FileBook(self.path)
        saved_names = saved.sheet_names()
        listed = [n for n in marker_sheets(self.marker) if n in names] or names
        differ = [n for n in listed if n not in saved_names or not _similar(self.read(n), saved.read(n))]
        if differ:
            return UNFINISHED.format(sheets="・".join(f"「{n}」" for n in differ), marker=self.marker.name)
        remove_marker(self.marker)
        return None

    def may_be_half_written(self) -> bool:
        return self.half_written

    def progress(self, text: str) -> None:
        try:
            self.book.app.status_bar = text
        except Exception:
            pass                            # the status bar is a courtesy; never stop an operation for it

    def done(self) -> None:
        self.book.app.status_bar = False    # hands the status bar back to Excel

    def alert(self, text: str, title: str, critical: bool = False) -> None:
        self.book.app.alert(text, title=title, buttons="ok", mode="critical" if critical else "info")


@dataclass
class Touched:
    """A sheet as it was before replace() wrote it: its block and the heights of the rows it changes."""

    name: str
    block: Block
    heights: dict[int, float | None] = field(default_factory=dict)
    heights_set: bool = False


def write_order(blocks: dict[str, Block]) -> list[str]:
    """履歴 first, 提出状況 last, the others in workbook order."""
    first = [n for n in blocks if n == SHEET_HISTORY]
    last = [n for n in blocks if n == SHEET_STATUS]
    return first + [n for n in blocks if n not in (SHEET_HISTORY, SHEET_STATUS)] + last


def _width(block: Block) -> int:
    return max((len(r) for r in block), default=0)


def _same(a: Block, b: Block) -> bool:
    return a == b and kinds(a) == kinds(b)


def _similar(open_block: Block, saved_block: Block) -> bool:
    """The open book's sheet against the file's (Excel's numbers are doubles; formulas are compared
    as being formulas, since Excel may spell them differently)."""
    if len(open_block) != len(saved_block):
        return False
    for a_row, b_row in zip(open_block, saved_block):
        if len(a_row) != len(b_row):
            return False
        for a, b in zip(a_row, b_row):
            if isinstance(a, Formula) or isinstance(b, Formula):
                if not (isinstance(a, Formula) and isinstance(b, Formula)):
                    return False
            elif isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
                if not math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12):
                    return False
            elif a != b:
                return False
    return True


def _read_only(book) -> bool:
    try:
        return book.api.ReadOnly is True        # Workbook.ReadOnly (COM); the fake has no api
    except Exception:
        return False


READ_ONLY = ("マスターが読み取り専用で開かれているため、保存できません（ほかの人が開いている、ファイルが読み取り専用になっている、など）。\n"
             "マスターを閉じ、書き込みできる状態で開き直してから、もう一度ボタンを押してください。")
CANNOT_SAVE = ("Excel がマスターを保存できませんでした（{error}）。\n"
               "読み取り専用で開いている、保存先のフォルダに書き込めない、などが考えられます。"
               "マスターを閉じ、書き込みできる状態で開き直してから、もう一度ボタンを押してください。")
HALF_WRITTEN = ("開いているマスターは書きかけの可能性があります。マスターを保存せずに閉じてください。"
                "保存されているファイルはボタンを押す前のままです。開き直してから、もう一度ボタンを押してください。")
UNFINISHED = ("前回のボタンの処理がマスターを書き換える途中で止まったため、開いているマスターの次のシートが、"
              "保存されているファイルと違います：{sheets}\n"
              "書きかけの可能性があるため、保存しませんでした。マスターを保存せずに閉じてから開き直し、"
              "もう一度ボタンを押してください（開き直した後に入力した内容があるときは、控えてから閉じてください）。\n"
              "（目印のファイル：マスターと同じフォルダの {marker}）")
MARKER_NOTE = ("# 再犯防止推進計画アドオンが、Excel で開いているマスターを書き換えている途中です（終われば消えます）。\n"
               "# 残っているときは、次にボタンを押したときに、下のシートが保存されているファイルと同じかを確かめます。\n")


def marker_path(master: Path) -> Path:
    return master.with_name(f".~saihan_writing_{master.name}.txt")


def write_marker(path: Path, sheets: list[str]) -> None:
    path.write_text(MARKER_NOTE + "".join(f"{name}\n" for name in sheets), encoding="utf-8")


def marker_sheets(path: Path) -> list[str]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return []
    return [line for line in text.splitlines() if line.strip() and not line.startswith("#")]


def remove_marker(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError:
        pass            # a marker left behind is checked against the file next time


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
    except Exception:
        log = write_log(book.path, title)
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
