"""What the Excel-behaviour tests share: the two books (the file adapter and the xlwings adapter over
the fake), and a sample operation that writes an update. The small master they write into is the
master_template / master_path fixtures of conftest.py."""
from __future__ import annotations

from macros.excel import XlwingsBook
from workbook.files.sheet_book import FileBook
from macros.operations import Outcome
from tests.macros import fake_xlwings as fx
from workbook.files.master_update import MasterUpdate
from workbook.domain.problems import Report, problem
from workbook.domain.progress import summarize
from workbook.domain.returns import Entry
from workbook.files.snapshot import MasterSnapshot

ADAPTERS = ["file", "xlwings"]
DEPT = "福祉政策課"
PROGRESS_INTERNAL = 18       # 進捗一覧 column R: 内部評価 (master_sheets.PROGRESS_HEADERS)

TRICKY = [
    ["=1+1 と書いた", "=SUM(A1:A2)", "'quoted", "1-1", "１２０", "10%"],
    ["TRUE", "001", "改行\nあり", "", None, "－"],
]


def open_book(kind: str, path, lines: list[str] | None = None):
    if kind == "file":
        return FileBook(path, say=(lines if lines is not None else []).append)
    return XlwingsBook(fx.Book.open(path))


def on_disk(path, sheet: str):
    """What the file holds (read the way the command line reads it)."""
    return FileBook(path).read(sheet)


def entries() -> dict[str, Entry]:
    return {
        "1-1-1": Entry("1-1-1", DEPT, values={"content": "=チラシ配布（数式ではない）", "result": "1-1 の会議を 3 回",
                                              "grade": "B", "budget": 120}),
        "1-1-2": Entry("1-1-2", DEPT, values={"content": "連携会議", "result": "１２０人が参加", "grade": "－",
                                              "reason": "'感染症のため"}),
    }


def check_report() -> Report:
    return Report([problem("required-missing", department=DEPT, sheet=DEPT, cell="H7", field="実績・成果"),
                   problem("formula-in-input", department=DEPT, sheet=DEPT, cell="F8", value="=1+1")])


def sample_operation(book, history: bool = True) -> Outcome:
    """What collect and validate do: read a snapshot, decide an update, hand it to the book's writer."""
    snap = MasterSnapshot.read(book.path)
    merged = {(d.name, code): e for d in snap.plan.departments for code, e in snap.department(d.name).entries.items()}
    merged.update({(DEPT, code): e for code, e in entries().items()})
    summary = summarize(snap.plan, merged, snap.settings, [DEPT], snap.evaluations())
    status = [[d.name, len(snap.plan.actions_of(d.name)), "要修正" if d.name == DEPT else "未提出",
               2 if d.name == DEPT else "", 0 if d.name == DEPT else "", "a.xlsx" if d.name == DEPT else "",
               "", "", "", ""] for d in snap.plan.departments]
    update = MasterUpdate(summary, status, check_report().rows(), {DEPT: (entries(), ("山田", "=内線 123"))},
                          [["2025-05-01 10:00", "回収", DEPT, "1-1-1", "取組内容", "", "=旧値", "a.xlsx"]] if history else [])
    written = book.write_update(snap, update)
    return Outcome(lines=["検証しました。", "エラー 2 件"] + (["マスターを更新しました。"] if written.changed else []))


def alerts(book) -> list[tuple[str, str, bool]]:
    if isinstance(book, FileBook):
        return book.alerts
    return [(a["title"], a["prompt"], a["mode"] == "critical") for a in book.book.app.alerts]
