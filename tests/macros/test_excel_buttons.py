"""The buttons: the entry points in macros.xl with the fake as xlwings, the real collect and validate
from the button against the command line, and a failure part-way through writing the open book."""
from __future__ import annotations

from __future__ import annotations

import shutil

import pytest

from macros.excel import XlwingsBook
from macros.runner import log_path, run
from workbook.files.sheet_book import FileBook, Formula
from macros.operations import Outcome
from tests.macros import fake_xlwings as fx
from tests.macros.excel_kit import (DEPT, on_disk, sample_operation)


# --- the entry points the buttons call (macros.xl), with the fake as xlwings ------------------------
@pytest.fixture
def caller(monkeypatch, master_path):
    from macros import xl

    monkeypatch.setattr(xl, "xw", fx)
    monkeypatch.setattr(fx.Book, "_mock_caller", None)
    fake = fx.Book.open(master_path)
    fake.set_mock_caller()
    return fake


def test_distribute_button_reads_the_saved_master_and_leaves_it_alone(caller, master_path):
    from macros import xl

    outcome = xl.distribute()
    assert outcome is not None and outcome.files
    assert all(p.exists() and p.parent == master_path.parent / "配布" for p in outcome.files)
    assert caller.saves == 1 and not [c for c in caller.app.calls if c[0] == "value"]
    assert [a["mode"] for a in caller.app.alerts] == ["info"]
    assert "配布" in caller.app.alerts[0]["title"]
    assert any(isinstance(s, str) and s for s in caller.app.status_history)   # progress went to the status bar
    assert caller.app.status_bar is False


def test_report_button_runs_the_report_operation_on_the_saved_master(caller, master_path, monkeypatch):
    from macros import operations, xl

    seen = []
    monkeypatch.setattr(operations, "report", lambda path, progress=None: seen.append(path) or Outcome(["作成しました"]))
    assert xl.report().lines == ["作成しました"]
    assert seen == [master_path] and caller.saves == 1


def test_remind_button_writes_the_letters_from_the_saved_master_and_leaves_it_alone(caller, master_path):
    from macros import xl

    outcome = xl.remind()
    assert outcome is not None and outcome.files       # nothing collected yet: every department is asked
    assert all(p.exists() and p.parent == master_path.parent / "再依頼" for p in outcome.files)
    assert {p.suffix for p in outcome.files} == {".docx", ".eml"}
    assert caller.saves == 1 and not [c for c in caller.app.calls if c[0] == "value"]
    assert "再依頼" in caller.app.alerts[0]["title"]


def test_a_button_outside_excel_fails_loudly(monkeypatch):
    from macros import xl

    monkeypatch.setattr(xl, "xw", fx)
    monkeypatch.setattr(fx.Book, "_mock_caller", None)
    with pytest.raises(Exception, match="Book.caller"):
        xl.distribute()


# --- the real collect and validate, from the button and from the command line ----------------------
@pytest.fixture(scope="module")
def returned_cycle(tmp_path_factory):
    """The demo's year: the Komae master, distributed, with the sample returns in 回収/."""
    from macros import operations as ops
    from macros.distribute import fill_sample_returns
    from workbook.files.sample import komae_plan, komae_settings

    folder = tmp_path_factory.mktemp("cycle")
    master = ops.new_master(komae_plan(), komae_settings(), folder, "master.xlsm")
    ops.distribute(master)
    fill_sample_returns(master)
    return folder


def copy_cycle(returned_cycle, target):
    shutil.copytree(returned_cycle, target)
    return target / "master.xlsm"


TIME_COLUMNS = {"提出状況": 6, "履歴": 0}    # 受信日時, 日時: the time of each run


def comparable(path, name):
    block = on_disk(path, name)
    if name in TIME_COLUMNS:
        block = [[None if i == TIME_COLUMNS[name] and r else v for i, v in enumerate(row)]
                 for r, row in enumerate(block)]
    return [[(v, isinstance(v, Formula)) for v in row] for row in block]


def test_collect_and_validate_buttons_leave_the_master_the_command_line_leaves(returned_cycle, tmp_path,
                                                                              monkeypatch):
    from macros import operations as ops
    from macros import xl

    cli = copy_cycle(returned_cycle, tmp_path / "cli")
    button = copy_cycle(returned_cycle, tmp_path / "button")
    monkeypatch.setattr(xl, "xw", fx)
    fake = fx.Book.open(button)
    monkeypatch.setattr(fx.Book, "_mock_caller", fake)

    for step, by_button in (("collect", xl.collect), ("validate", xl.validate)):
        getattr(ops, step)(cli)
        outcome = by_button()
        assert outcome is not None and [a["mode"] for a in fake.app.alerts] == ["info"], fake.app.alerts
        fake.app.alerts.clear()
        names = FileBook(cli).sheet_names()
        assert names == FileBook(button).sheet_names()
        for name in names:
            assert comparable(cli, name) == comparable(button, name), (step, name)
        assert all(not screen and calc == "manual" for _, _, _, screen, calc in fake.app.calls)
    statuses = [r[2] for r in on_disk(button, "提出状況")[1:]]
    assert "受理" in statuses and "要修正" in statuses and "未提出" in statuses
    assert sorted(p.name for p in (button.parent / "返却票").iterdir()) == \
        sorted(p.name for p in (cli.parent / "返却票").iterdir())
    assert FileBook(button).read("検証結果")[1:], "the sample returns carry typical mistakes"


# --- a failure part-way through writing the open book (the Excel path) ------------------------------
RETURNED = "令和6年度_進捗報告_福祉相談課（回答）.xlsx"
RETURNED_DEPT = "福祉相談課"


def everything(book) -> dict[str, list]:
    """Every sheet's values (and which are formulas), as the book shows them."""
    return {n: [[(v, isinstance(v, Formula)) for v in r] for r in book.read(n)] for n in book.sheet_names()}


def corrected_return(returned_cycle, target):
    """The year's first collect by command line, then a department sends a file with one answer changed."""
    import openpyxl

    from macros import operations as ops

    master = copy_cycle(returned_cycle, target)
    ops.collect(master)
    path = master.parent / "回収" / RETURNED
    wb = openpyxl.load_workbook(path)
    wb["進捗報告"]["H7"] = "修正後の実績：就労支援3件"
    wb.save(path)
    return master


def refuse_writes(monkeypatch, when):
    """Make the fake refuse writes like COM's 'call rejected' while when(sheet) is true."""
    set_cell, check = fx.Sheet._set, fx.Sheet._check_writable

    def failing_set(self, r, c, v):
        if when(self):
            raise fx.FakeComError("Call was rejected by callee (RPC_E_CALL_REJECTED)")
        return set_cell(self, r, c, v)

    def failing_check(self, r, c):
        if when(self):
            raise fx.FakeComError("Call was rejected by callee (RPC_E_CALL_REJECTED)")
        return check(self, r, c)

    monkeypatch.setattr(fx.Sheet, "_set", failing_set)
    monkeypatch.setattr(fx.Sheet, "_check_writable", failing_check)


@pytest.mark.parametrize("failing", ["履歴", RETURNED_DEPT, "提出状況"])
def test_a_write_failing_midway_puts_the_open_book_back_and_the_next_press_takes_the_return_in(
        failing, returned_cycle, tmp_path, monkeypatch):
    from macros import xl

    master = corrected_return(returned_cycle, tmp_path / "cycle")
    monkeypatch.setattr(xl, "xw", fx)
    fake = fx.Book.open(master)
    monkeypatch.setattr(fx.Book, "_mock_caller", fake)
    before, on_file = everything(XlwingsBook(fake)), everything(FileBook(master))
    armed = [True]
    writes = fx.Sheet._set
    monkeypatch.setattr(fx.Sheet, "_set", lambda self, r, c, v: (_ for _ in ()).throw(
        fx.FakeComError("Call was rejected by callee")) if armed[0] and self.name == failing else writes(self, r, c, v))

    assert xl.collect() is None
    assert [a["mode"] for a in fake.app.alerts] == ["critical"]
    assert everything(XlwingsBook(fake)) == before                  # the open book as before the press
    assert everything(FileBook(master)) == on_file                   # the file as before the press
    assert fake.saves == 1 and not XlwingsBook(fake).marker.exists()
    assert "保存せずに" not in fake.app.alerts[0]["prompt"]           # nothing half-written to warn about

    armed[0] = False                                                  # the person presses 回収 again
    fake.app.alerts.clear()
    assert xl.collect() is not None, fake.app.alerts
    history = on_disk(master, "履歴")
    assert history[0][:3] == ["日時", "操作", "担当課"]
    assert [(r[2], r[4], r[6]) for r in history[1:]] == [(RETURNED_DEPT, "実績・成果", "修正後の実績：就労支援3件")]
    assert on_disk(master, RETURNED_DEPT)[6][7] == "修正後の実績：就労支援3件"


def test_when_the_book_cannot_be_put_back_it_is_not_saved_now_or_on_the_next_press(returned_cycle, tmp_path,
                                                                                  monkeypatch):
    from macros import xl

    master = corrected_return(returned_cycle, tmp_path / "cycle")
    monkeypatch.setattr(xl, "xw", fx)
    fake = fx.Book.open(master)
    monkeypatch.setattr(fx.Book, "_mock_caller", fake)
    on_file = everything(FileBook(master))
    dead, answering_again = [False], [False]

    def excel_stops_answering(sheet):        # 履歴 is written, then every write fails, undoing too
        dead[0] = dead[0] or sheet.name != "履歴"
        return dead[0] and not answering_again[0]

    refuse_writes(monkeypatch, excel_stops_answering)
    assert xl.collect() is None
    first = fake.app.alerts[-1]
    assert first["mode"] == "critical" and "保存せずに" in first["prompt"]
    marker = XlwingsBook(fake).marker
    assert marker.exists() and marker.parent == master.parent and "履歴" in marker.read_text(encoding="utf-8")
    assert fake.saves == 1 and everything(FileBook(master)) == on_file
    log = log_path(master).read_text(encoding="utf-8")
    assert "RPC_E_CALL_REJECTED" in log and "履歴" in log               # the failed undo is in the log

    answering_again[0] = True
    assert xl.collect() is None                                        # pressed again on the half-written book
    second = fake.app.alerts[-1]
    assert second["mode"] == "critical" and "保存せずに" in second["prompt"] and "「履歴」" in second["prompt"]
    assert fake.saves == 1 and everything(FileBook(master)) == on_file and marker.exists()

    reopened = fx.Book.open(master)                                   # closed without saving, opened again
    monkeypatch.setattr(fx.Book, "_mock_caller", reopened)
    assert xl.collect() is not None, reopened.app.alerts
    assert not marker.exists()
    assert on_disk(master, RETURNED_DEPT)[6][7] == "修正後の実績：就労支援3件"
    assert [r[6] for r in on_disk(master, "履歴")[1:]] == ["修正後の実績：就労支援3件"]


def test_a_leftover_marker_blocks_saving_a_book_that_differs_from_the_file(master_path):
    from macros.marker import write_marker

    fake = fx.Book.open(master_path)
    book = XlwingsBook(fake)
    write_marker(book.marker, ["検証結果", DEPT])
    book.write("検証結果", [["書きかけ"]], row=5)                      # not saved
    on_file = everything(FileBook(master_path))
    assert run(book, "検証", sample_operation) is None
    assert fake.saves == 0 and everything(FileBook(master_path)) == on_file and book.marker.exists()
    alert = fake.app.alerts[-1]
    assert alert["mode"] == "critical" and "保存せずに" in alert["prompt"] and "「検証結果」" in alert["prompt"]
    assert "「" + DEPT + "」" not in alert["prompt"]


def test_a_leftover_marker_is_removed_once_the_book_matches_the_file(master_path):
    from macros.marker import write_marker

    book = XlwingsBook(fx.Book.open(master_path))
    write_marker(book.marker, ["検証結果"])
    assert run(book, "検証", sample_operation) is not None
    assert not book.marker.exists() and book.book.saves == 2


def test_excel_writes_history_first_and_the_submission_status_last(master_path):
    fake = fx.Book.open(master_path)
    run(XlwingsBook(fake), "検証", sample_operation)
    written = [c[1] for c in fake.app.calls if c[0] == "value"]
    assert written[0] == "履歴" and written[-1] == "提出状況"
    assert not (master_path.parent / f".~saihan_writing_{master_path.name}.txt").exists()


def test_a_failed_save_after_writing_puts_the_open_book_back(master_path, monkeypatch):
    fake = fx.Book.open(master_path)
    book = XlwingsBook(fake)
    before = everything(book)
    save = fx.Book.save

    def save_once(self, path=None):
        if self.saves:
            raise fx.FakeComError("ドキュメントは保存されませんでした。")
        save(self, path)

    monkeypatch.setattr(fx.Book, "save", save_once)
    assert run(book, "検証", sample_operation) is None
    assert everything(book) == before and not book.marker.exists()
    assert fake.app.alerts[-1]["mode"] == "critical" and "保存せずに" not in fake.app.alerts[-1]["prompt"]


def test_a_read_only_book_is_a_message(master_path):
    from types import SimpleNamespace

    fake = fx.Book.open(master_path)
    fake.api = SimpleNamespace(ReadOnly=True)
    before = master_path.read_bytes()
    assert run(XlwingsBook(fake), "回収", sample_operation) is None
    alert = fake.app.alerts[-1]
    assert alert["mode"] == "critical" and "読み取り専用" in alert["prompt"]
    assert fake.saves == 0 and master_path.read_bytes() == before and not log_path(master_path).exists()


def test_a_refused_save_is_a_message_not_a_traceback(master_path, monkeypatch):
    fake = fx.Book.open(master_path)
    monkeypatch.setattr(fake, "save", lambda path=None: (_ for _ in ()).throw(fx.FakeComError("E_ACCESSDENIED")))
    assert run(XlwingsBook(fake), "回収", sample_operation) is None
    alert = fake.app.alerts[-1]
    assert alert["mode"] == "critical" and "保存できませんでした" in alert["prompt"]
    # Excel's own words stay out of the message (English on many PCs) and go to the log for support
    assert "E_ACCESSDENIED" not in alert["prompt"]
    assert "E_ACCESSDENIED" in log_path(master_path).read_text(encoding="utf-8")


def test_failing_message_boxes_and_status_bar_do_not_raise(master_path, monkeypatch, tmp_path):
    from macros import runner as excel

    fake = fx.Book.open(master_path)
    book = XlwingsBook(fake)

    def broken(*args, **kwargs):
        raise fx.FakeComError("Excel is busy")

    monkeypatch.setattr(fake.app, "alert", broken)
    monkeypatch.setattr(book, "done", broken)
    monkeypatch.setattr(fx.App, "__setattr__",
                        lambda self, k, v: broken() if k == "status_bar" and hasattr(self, "alerts") else object.__setattr__(self, k, v))
    assert run(book, "検証", sample_operation) is not None             # the work is done; the box failed
    assert "検証しました。" in log_path(master_path).read_text(encoding="utf-8")  # the message went to the log
    assert run(book, "検証", lambda b: {}["x"]) is None

    nowhere = tmp_path / "gone" / "master.xlsm"                         # neither beside the master nor temp
    monkeypatch.setattr(excel.tempfile, "gettempdir", lambda: str(tmp_path / "no-temp"))
    assert excel.write_log(nowhere, "回収") is None
    assert run(XlwingsBook(fx.Book(nowhere, ["s"])), "回収", lambda b: {}["x"]) is None
