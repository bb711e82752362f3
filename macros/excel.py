"""The book an operation runs against: the file on disk, or the master open in Excel.

One small protocol, two implementations:

* FileBook     - the command line path, in workbook/files/sheet_book.py (raw openpyxl stays in
                 workbook/). collect/validate write through workbook.files.master_update.apply
                 (a patch of the saved package, or Master.save), with the backup and the VBA and
                 buttons kept.
* XlwingsBook  - a button in Excel (xlwings). Excel holds the file open, so the file is never
                 saved by Python: Excel saves first (so the operation reads the latest manual
                 edits from disk), the operation's update is computed as a patch of that file in
                 memory, which describes what it changes per sheet (workbook.ooxml.changes), and
                 each changed sheet gets its change in at most two range writes (one rectangle of
                 values, one call for row heights; macros.excel_blocks) with screen updating and
                 calculation off; then Excel saves.

Cells in a block are Python values; a formula is a Formula (a str subclass); any other str is
text and stays text in both implementations (a department typing "=1+1" or "1-1" gets text
back, not a formula or a date).

Running an operation and its messages are in macros/runner.py, the marker file in macros/marker.py
(macros/runner.py and macros/marker.py).
"""
from __future__ import annotations

import copy
import shutil
import tempfile
import traceback
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from workbook.errors import MasterError
from workbook.files.master_update import MasterUpdate, Written, apply, changes as update_changes
from workbook.files.sheet_book import (Block, FileBook, changed_blocks, changed_heights, height_runs,
                                       kinds, trim)
from workbook.files.snapshot import MasterSnapshot
from workbook.ooxml.changes import SheetChange
from workbook.ooxml.save import backup_copy
from workbook.sheets.names import SHEET_HISTORY, SHEET_STATUS

from .excel_blocks import excel_rows, read_range, restore_change, similar, write_change
from .marker import UNFINISHED, marker_path, marker_sheets, remove_marker, write_marker


class XlwingsBook:
    """The master open in Excel, through an xlwings Book (or the test fake of one)."""

    def __init__(self, book):
        self.book = book
        self.path = book_path(book)
        self.marker = marker_path(self.path)
        self.half_written = False       # the open book may differ from both the file and the update
        self._touched: list[Touched] = []

    def sheet_names(self) -> list[str]:
        return [sheet.name for sheet in self.book.sheets]

    def read(self, sheet: str) -> Block:
        ws = self.book.sheets[sheet]
        last = ws.used_range.last_cell
        return trim(read_range(ws.range((1, 1), (last.row, last.column))))

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
                ws.range((row, column)).value = excel_rows(rows)

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
            ws.range((1, 1)).value = excel_rows(padded)

    @staticmethod
    def _row_heights(ws, heights: dict[int, float]) -> dict[int, float | None]:
        """The current heights of the rows about to get a new one (a run of equal heights: one call)."""
        before: dict[int, float | None] = {}
        for first, last, _ in height_runs(heights):
            same = ws.range((first, 1), (last, 1)).row_height
            for row in range(first, last + 1):
                before[row] = same if same is not None or first == last else ws.range((row, 1)).row_height
        return before

    def write_changes(self, changes: list[SheetChange]) -> None:
        """What an update changes (workbook.ooxml.changes), 履歴 first and 提出状況 last (its file
        hashes mark returns as taken in): per sheet at most two range writes (excel_blocks).

        If anything fails, the sheets already touched are put back (their old values and row
        heights, from the change) and the error is raised again; if putting back fails too,
        half_written becomes True (the book must be closed without saving).
        """
        by_name = {c.sheet: c for c in changes}
        self._touched = []
        try:
            with self._quietly():
                for name in write_order(by_name):
                    change = by_name[name]
                    ws = self.book.sheets[name]
                    touched = Touched(name, change=change)
                    self._touched.append(touched)
                    flag = [False]
                    try:
                        with self._unprotected(ws):
                            write_change(ws, change, flag)
                    finally:
                        touched.heights_set = flag[0]
        except Exception as exc:
            self._undo(exc)
            raise

    def _undo(self, error: BaseException) -> None:
        """Put the sheets touched by the last replace() or write_changes() back, last touched first,
        each with as few writes as possible (rows and columns added are only cleared; values are
        rewritten only where they still differ). Any failure leaves half_written True."""
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
        if touched.change is not None:
            with self._unprotected(ws):
                restore_change(ws, touched.change, touched.heights_set)
            return
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
            from .runner import write_log

            write_log(self.path, "保存")        # Excel's own words (COM) go to the log, not to the message
            raise MasterError(CANNOT_SAVE) from exc

    def write_update(self, snap: MasterSnapshot, update: MasterUpdate) -> Written:
        """The writer for collect/validate when the master is open in Excel.

        The update is computed as a patch of the saved file in memory, exactly as the command line
        saves it (workbook.files.master_update.changes); the sheets it changes get their changes
        (write_changes) after a backup of the file, and Excel saves. Nothing is written when
        nothing differs. A marker file beside the master lives from before the first write until
        Excel has saved: if this run fails and the open book cannot be put back, it stays, and the
        next run refuses to save a book that may be half-written (unfinished()).

        Fallback: an update that cannot be patched (the plan or the fiscal year changed after the
        sheets were written: master_update rewrites them through openpyxl) is applied to a copy of
        the file, and the sheets whose values differ from the saved file go into the open book as
        whole blocks (replace(); two full openpyxl loads: slow, but rare).
        """
        if update.closes_year:       # ⑥ 年度更新 rewrites nearly every sheet: only with the master closed
            raise MasterError("年度更新は Excel で開いているマスターには書き込みません。マスターを閉じてから、"
                              "コマンド（python -m macros next-year）で実行してください。")
        changes = update_changes(snap, update)
        if changes is None:
            return self._write_by_comparison(snap, update)
        if not changes:
            return Written(False)
        by_name = {c.sheet: c for c in changes}
        return self._commit(snap, write_order(by_name), lambda: self.write_changes(changes))

    def _write_by_comparison(self, snap: MasterSnapshot, update: MasterUpdate) -> Written:
        older = [d.name for d in snap.plan.departments
                 if snap.department(d.name).table is not None and not snap.department(d.name).table.current_layout]
        if older:    # values alone would leave the new columns unformatted and locked: the command line rewrites them
            raise MasterError(f"マスターの各課シート（{'、'.join(older[:3])}{' ほか' if len(older) > 3 else ''}）が以前の様式のため、"
                              "Excel で開いたままでは書き込みません（新しい列の書式と保護を整えるため、シートを作り直します）。"
                              "マスターを保存して閉じてから、コマンド プロンプトで一度だけ回収（python -m macros collect "
                              f"\"{self.path}\"）を実行してください。次からはボタンで回収・検証できます。")
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
        return self._commit(snap, write_order(blocks), lambda: self.replace(blocks, heights))

    def _commit(self, snap: MasterSnapshot, names: list[str], write: Callable[[], None]) -> Written:
        """Backup of the file, the marker, the writes, Excel saves (the writes undone if it cannot)."""
        backup = backup_copy(self.path, snap.folder(snap.settings.backup_folder))
        write_marker(self.marker, names)
        try:
            write()
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
        differ = [n for n in listed if n not in saved_names or not similar(self.read(n), saved.read(n))]
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
    """A sheet as it was before replace() wrote it (its block and the heights of the rows it
    changes), or the change write_changes() made to it (which holds the old values and heights)."""

    name: str
    block: Block = field(default_factory=list)
    heights: dict[int, float | None] = field(default_factory=dict)
    heights_set: bool = False
    change: SheetChange | None = None


def write_order(blocks: dict[str, object]) -> list[str]:
    """履歴 first, 提出状況 last, the others in workbook order."""
    first = [n for n in blocks if n == SHEET_HISTORY]
    last = [n for n in blocks if n == SHEET_STATUS]
    return first + [n for n in blocks if n not in (SHEET_HISTORY, SHEET_STATUS)] + last


def _width(block: Block) -> int:
    return max((len(r) for r in block), default=0)


def _same(a: Block, b: Block) -> bool:
    return a == b and kinds(a) == kinds(b)


def book_path(book) -> Path:
    """The master's local path. For a OneDrive/SharePoint file Excel reports a URL, which xlwings maps
    to the synced folder (Book.fullname: xlwings.utils.fullname_url_to_local_path, with the
    ONEDRIVE_*_WIN / SHAREPOINT_WIN keys of xlwings.conf); when it cannot, a Japanese message."""
    from .paths import classify

    try:
        return Path(book.fullname)
    except Exception as exc:
        try:
            url = str(book.api.FullName)
        except Exception:
            url = str(exc)
        found = classify(url, "マスターの場所") if "://" in url else []
        lines = [line for f in found for line in f.lines()] or [f"マスターの場所がわかりません（{url}）。"]
        raise MasterError("\n".join(lines + ["（xlwings はこの URL に当たる同期フォルダのファイルを見つけられませんでした）"])) from exc


def _read_only(book) -> bool:
    try:
        return book.api.ReadOnly is True        # Workbook.ReadOnly (COM); the fake has no api
    except Exception:
        return False


READ_ONLY = ("マスターが読み取り専用で開かれているため、保存できません（ほかの人が開いている、ファイルが読み取り専用になっている、など）。\n"
             "マスターを閉じ、書き込みできる状態で開き直してから、もう一度ボタンを押してください。")
CANNOT_SAVE = ("Excel がマスターを保存できませんでした。\n"
               "読み取り専用で開いている、保存先のフォルダに書き込めない、などが考えられます。"
               "マスターを閉じ、書き込みできる状態で開き直してから、もう一度ボタンを押してください。")
