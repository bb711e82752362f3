"""One behaviour suite for both books: the file adapter (openpyxl, the command line path) and the
xlwings adapter over the fake of xlwings. What lands in the file must be the same on both paths."""
from __future__ import annotations

import datetime as dt
import shutil
import zipfile

import pytest

from macros.excel import XlwingsBook
from macros.excel_blocks import to_excel
from macros.runner import log_path, run
from workbook.files.sheet_book import FileBook, Formula, trim
from macros.operations import Outcome, new_master
from tests.macros import fake_xlwings as fx
from tests.workbook.returns_kit import small_plan
from workbook.errors import MasterError
from workbook.sheets.layout import FIRST_ROW, col_number
from workbook.files.master import Master
from workbook.files.master_update import MasterUpdate
from workbook.domain.problems import Report, problem
from workbook.domain.progress import summarize
from workbook.domain.returns import Entry
from workbook.domain.settings import Settings
from workbook.files.snapshot import MasterSnapshot

ADAPTERS = ["file", "xlwings"]
DEPT = "福祉政策課"
PROGRESS_INTERNAL = 18       # 進捗一覧 column R: 内部評価 (master_sheets.PROGRESS_HEADERS)

TRICKY = [
    ["=1+1 と書いた", "=SUM(A1:A2)", "'quoted", "1-1", "１２０", "10%"],
    ["TRUE", "001", "改行\nあり", "", None, "－"],
]


@pytest.fixture(scope="module")
def master_template(tmp_path_factory):
    plan = small_plan()
    folder = tmp_path_factory.mktemp("template")
    return new_master(plan, Settings(plan.municipality, plan.name, 6), folder, "master.xlsm")


@pytest.fixture
def master_path(tmp_path, master_template):
    path = tmp_path / "master.xlsm"
    shutil.copy2(master_template, path)
    return path


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


# --- the protocol ------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", ADAPTERS)
def test_text_stays_text_numbers_stay_numbers_formulas_stay_formulas(kind, master_path):
    book = open_book(kind, master_path)
    rows = [list(r) for r in TRICKY]
    rows[0][1] = Formula(rows[0][1])
    rows.append([5, 1.5, dt.datetime(2025, 4, 1), True, None, None])
    book.write("検証結果", rows, row=2)
    book.save()
    for block in (book.read("検証結果"), on_disk(master_path, "検証結果")):
        got = [r[:6] for r in block[1:4]]
        assert got[0] == ["=1+1 と書いた", "=SUM(A1:A2)", "'quoted", "1-1", "１２０", "10%"]
        assert isinstance(got[0][1], Formula) and not isinstance(got[0][0], Formula)
        assert got[1][:4] == ["TRUE", "001", "改行\nあり", None] and got[1][5] == "－"
        assert got[2][:4] == [5, 1.5, dt.datetime(2025, 4, 1), True]


@pytest.mark.parametrize("kind", ADAPTERS)
def test_writing_into_a_protected_department_sheet_keeps_it_protected(kind, master_path):
    book = open_book(kind, master_path)
    book.write(DEPT, [["取組を実施", None, "年 3 回"]], row=FIRST_ROW, column=col_number("content"))
    book.save()
    block = on_disk(master_path, DEPT)
    row = block[FIRST_ROW - 1]
    assert row[col_number("content") - 1] == "取組を実施"
    assert row[col_number("result") - 1] == "年 3 回"
    assert Master.open(master_path).department_sheet(DEPT).protection.sheet


@pytest.mark.parametrize("kind", ADAPTERS)
def test_replace_leaves_nothing_of_the_old_block(kind, master_path):
    book = open_book(kind, master_path)
    book.write("検証結果", [[f"古い{i}", i, Formula(f"=B{i + 2}*2")] for i in range(6)], row=2)
    book.replace({"検証結果": [["見出し", "列2"], ["新しい", 1]]})
    book.save()
    assert on_disk(master_path, "検証結果") == [["見出し", "列2"], ["新しい", 1]]
    assert book.read("検証結果") == [["見出し", "列2"], ["新しい", 1]]


@pytest.mark.parametrize("kind", ADAPTERS)
def test_new_rows_take_the_format_of_the_last_row_and_rows_take_the_heights_given(kind, master_path):
    book = open_book(kind, master_path)
    header = book.read("提出状況")[0]
    rows = [header] + [[f"課{i}", i, "未提出"] for i in range(5)]
    book.replace({"提出状況": rows}, {"提出状況": {4: 40.0, 5: 40.0, 6: 18.0}})
    book.save()
    ws = Master.open(master_path).wb["提出状況"]
    assert [ws.cell(row=r, column=1).value for r in range(2, 7)] == [f"課{i}" for i in range(5)]
    for r in (4, 5, 6):            # below the old table (two departments: rows 2-3)
        cell = ws.cell(row=r, column=2)
        assert cell.border.left.style == ws.cell(row=3, column=2).border.left.style == "thin"
        assert cell.font.name == ws.cell(row=3, column=2).font.name
    assert [ws.row_dimensions[r].height for r in (4, 5, 6)] == [40.0, 40.0, 18.0]


@pytest.mark.parametrize("kind", ADAPTERS)
def test_an_operation_lands_in_the_file(kind, master_path):
    book = open_book(kind, master_path)
    outcome = run(book, "検証", sample_operation)
    assert outcome is not None and outcome.lines[0] == "検証しました。"
    master = Master.open(master_path)
    got = master.entries_of(DEPT)
    assert got["1-1-1"].values["content"] == "=チラシ配布（数式ではない）"
    assert got["1-1-1"].values["result"] == "1-1 の会議を 3 回"
    assert got["1-1-1"].values["budget"] == 120
    assert got["1-1-2"].values["result"] == "１２０人が参加"
    assert got["1-1-2"].values["reason"] == "'感染症のため"
    assert master.contact_of(DEPT) == ("山田", "=内線 123")
    checks = on_disk(master_path, "検証結果")
    code, cell, value = (checks[0].index(h) for h in ("コード", "セル", "値"))     # 検証結果 columns by name
    assert [(r[code], r[cell], r[value]) for r in checks[1:]] == [("required-missing", "H7", None),
                                                                   ("formula-in-input", "F8", "=1+1")]
    assert master.history_rows()[-1][6] == "=旧値"
    block = on_disk(master_path, DEPT)
    helper = block[FIRST_ROW - 1][-1]
    assert isinstance(helper, Formula) and helper.startswith("=IF(")


def test_both_paths_leave_the_same_sheets(tmp_path, master_template):
    paths = {}
    for kind in ADAPTERS:
        paths[kind] = tmp_path / kind / "master.xlsm"
        paths[kind].parent.mkdir()
        shutil.copy2(master_template, paths[kind])
        assert run(open_book(kind, paths[kind]), "検証", sample_operation) is not None
    names = FileBook(paths["file"]).sheet_names()
    assert names == FileBook(paths["xlwings"]).sheet_names()
    for name in names:
        file_block, xl_block = on_disk(paths["file"], name), on_disk(paths["xlwings"], name)
        assert file_block == xl_block, name
        assert [[type(v) is Formula for v in r] for r in file_block] == \
            [[type(v) is Formula for v in r] for r in xl_block], name


@pytest.mark.parametrize("kind", ADAPTERS)
def test_running_again_writes_nothing_and_backs_up_nothing(kind, master_path):
    run(open_book(kind, master_path), "検証", sample_operation)
    data = master_path.read_bytes()
    book = open_book(kind, master_path)
    assert run(book, "検証", lambda b: sample_operation(b, history=False)).lines[-1] != "マスターを更新しました。"
    assert master_path.read_bytes() == data or kind == "xlwings"      # Excel's own save rewrites the file
    assert len(list((master_path.parent / "バックアップ").iterdir())) == 1
    if kind == "xlwings":
        assert book.book.saves == 1 and not [c for c in book.book.app.calls if c[0] == "value"]


@pytest.mark.parametrize("kind", ADAPTERS)
def test_edits_made_before_the_button_are_kept(kind, master_path):
    book = open_book(kind, master_path)
    book.write("進捗一覧", [["内部評価：概ね順調"]], row=2, column=PROGRESS_INTERNAL)   # typed, not saved
    run(book, "検証", sample_operation)
    assert on_disk(master_path, "進捗一覧")[1][PROGRESS_INTERNAL - 1] == "内部評価：概ね順調"


@pytest.mark.parametrize("kind", ADAPTERS)
def test_buttons_vba_and_formats_survive(kind, master_path):
    from workbook.ooxml.package import part_names

    before = part_names(master_path)
    run(open_book(kind, master_path), "検証", sample_operation)
    assert part_names(master_path) == before
    with zipfile.ZipFile(master_path) as zf:
        assert "xl/vbaProject.bin" in zf.namelist()
    ws = Master.open(master_path).department_sheet(DEPT)
    assert ws.cell(row=FIRST_ROW, column=col_number("content")).protection.locked is False
    assert ws.cell(row=FIRST_ROW, column=col_number("code")).protection.locked is True


@pytest.mark.parametrize("kind", ADAPTERS)
def test_an_addon_error_is_a_message_and_changes_nothing(kind, master_path):
    book = open_book(kind, master_path)
    before = on_disk(master_path, "検証結果")

    def failing(_book):
        raise MasterError("マスターのシート「設定」の「fiscal_year」の値が読めません。")

    assert run(book, "検証", failing) is None
    title, text, critical = alerts(book)[-1]
    assert critical and text == "マスターのシート「設定」の「fiscal_year」の値が読めません。" and "検証" in title
    assert on_disk(master_path, "検証結果") == before
    assert not log_path(master_path).exists()


@pytest.mark.parametrize("kind", ADAPTERS)
def test_an_unexpected_error_is_a_short_message_and_a_log_beside_the_master(kind, master_path):
    book = open_book(kind, master_path)

    def broken(_book):
        return {}["missing key"]

    assert run(book, "回収", broken) is None
    title, text, critical = alerts(book)[-1]
    log = log_path(master_path)
    assert critical and str(log) in text and "Traceback" not in text
    assert log.parent == master_path.parent
    assert "KeyError: 'missing key'" in log.read_text(encoding="utf-8")


def alerts(book) -> list[tuple[str, str, bool]]:
    if isinstance(book, FileBook):
        return book.alerts
    return [(a["title"], a["prompt"], a["mode"] == "critical") for a in book.book.app.alerts]


# --- the Excel path only ---------------------------------------------------------------------------
def test_excel_saves_before_and_after_and_writes_whole_blocks_quietly(master_path):
    fake = fx.Book.open(master_path)
    run(XlwingsBook(fake), "検証", sample_operation)
    assert fake.saves == 2
    app = fake.app
    writes = [c for c in app.calls if c[0] == "value"]
    written = [c[1] for c in writes]
    assert sorted(written) == sorted(set(written))            # one block per sheet, never cell by cell
    assert set(written) == {DEPT, "進捗一覧", "提出状況", "検証結果", "履歴"}     # only the sheets that changed
    assert all(not screen and calc == "manual" for _, _, _, screen, calc in app.calls)
    heights = [c for c in app.calls if c[0] in ("row_height", "autofit")]
    assert heights and len(heights) <= len(set(written))      # one call per sheet, not row by row
    assert app.screen_updating is True and app.calculation == "automatic"
    assert app.status_bar is False
    assert [a["mode"] for a in app.alerts] == ["info"]


def test_each_changed_sheet_takes_at_most_two_range_writes_and_keeps_its_formulas_and_text(master_path):
    fake = fx.Book.open(master_path)
    run(XlwingsBook(fake), "検証", sample_operation)
    app = fake.app
    changed = {c[1] for c in app.calls if c[0] in fx.WRITES}
    assert changed == {DEPT, "進捗一覧", "提出状況", "検証結果", "履歴"}
    for name in changed:
        grown = sum(1 for c in app.calls if c[0] == "copy" and c[1] == name)   # formats for rows below the table
        assert app.range_writes(name) - grown <= 2, [c for c in app.calls if c[1] == name]
    value = next(c for c in app.calls if c[0] == "value" and c[1] == DEPT)
    assert value[2].startswith("$D$3:")          # the contact (row 3) to the last answer: D4 (a formula) inside
    ws = fake.sheets[DEPT]
    assert ws.range("D4").formula.startswith("=SUM(") and ws.range("C3").value == "回答者（担当者名）"
    block = on_disk(master_path, DEPT)
    assert isinstance(block[3][3], Formula) and block[5][3].startswith("取組目標")


def test_an_update_that_cannot_be_patched_goes_in_as_whole_sheets(master_path, tmp_path, monkeypatch, master_template):
    from workbook.files import master_update

    monkeypatch.setattr(master_update, "_patchable", lambda snap, update: False)
    fake = fx.Book.open(master_path)
    assert run(XlwingsBook(fake), "検証", sample_operation) is not None
    assert all(c[2].startswith("$A$1:") for c in fake.app.calls if c[0] == "value")   # whole blocks from A1
    cli = tmp_path / "cli" / "master.xlsm"
    cli.parent.mkdir()
    shutil.copy2(master_template, cli)
    run(FileBook(cli), "検証", sample_operation)
    for name in FileBook(cli).sheet_names():
        assert on_disk(cli, name) == on_disk(master_path, name), name


def test_protection_is_put_back_with_the_same_options(master_path):
    fake = fx.Book.open(master_path)
    api = fake.sheets[DEPT].api
    api.Protect(Contents=True, DrawingObjects=False, Scenarios=False, AllowFormattingCells=True,
                AllowFormattingColumns=True, AllowFormattingRows=True, AllowFiltering=True)
    run(XlwingsBook(fake), "検証", sample_operation)
    assert api.ProtectContents
    last = api.protect_calls[-1]
    assert last["AllowFormattingColumns"] and last["AllowFiltering"] and not last["AllowDeletingRows"]


def test_app_state_is_restored_when_writing_fails(master_path):
    fake = fx.Book.open(master_path)
    book = XlwingsBook(fake)
    with pytest.raises(KeyError):
        book.replace({"検証結果": [["a"]], "存在しないシート": [["b"]]})
    assert fake.app.screen_updating is True and fake.app.calculation == "automatic"


def test_a_backup_is_made_before_excel_overwrites(master_path):
    run(XlwingsBook(fx.Book.open(master_path)), "検証", sample_operation)
    backups = list((master_path.parent / "バックアップ").glob("master_*.xlsm"))
    assert len(backups) == 1


def test_text_is_written_with_an_apostrophe_and_formulas_without():
    assert to_excel("=1+1") == "'=1+1"
    assert to_excel(Formula("=1+1")) == "=1+1"
    assert to_excel("") is None and to_excel(float("nan")) is None and to_excel(3) == 3


def test_trim_drops_empty_edges():
    assert trim([[None, "a", ""], ["", None, None], [None, None, None]]) == [[None, "a"]]
    assert trim([["", None], [None, "b", None, ""]]) == [[None, None], [None, "b"]]


# --- the fake follows xlwings' conventions -----------------------------------------------------------
def fake_sheet():
    return fx.Book("x.xlsx", ["s"]).sheets["s"]


def test_fake_reads_like_xlwings():
    ws = fake_sheet()
    ws.range("A1").value = [[1, "a"], [None, 2.5]]
    assert ws.range("A1").value == 1.0 and isinstance(ws.range("A1").value, float)
    assert ws.range("A1:B1").value == [1.0, "a"]
    assert ws.range("A1:A2").value == [1.0, None]
    assert ws.range("A1:B2").value == [[1.0, "a"], [None, 2.5]]
    assert ws.range("A1").options(ndim=2).value == [[1.0]]
    assert ws.range("C5").value is None
    assert ws.range("A1").expand().address == "$A$1:$B$1"
    assert ws.used_range.address == "$A$1:$B$2"


def test_fake_writes_like_excel():
    ws = fake_sheet()
    ws.range("B2").value = ["=1+1", "'=1+1", "1-1", "１２０", "1,000", "x"]
    assert ws.range("B2").value is None and ws.range("B2").formula == "=1+1"
    assert ws.range("C2").value == "=1+1"
    assert isinstance(ws.range("D2").value, dt.datetime)
    assert ws.range("E2:F2").value == [120.0, 1000.0]
    assert ws.range("G2").value == "x"
    ws.range("A1:B2").value = 0
    assert ws.range("A1:B2").value == [[0.0, 0.0], [0.0, 0.0]]
    ws.range("A1").value = None
    assert ws.range("A1").value is None


def test_fake_refuses_locked_cells_of_a_protected_sheet():
    ws = fake_sheet()
    ws.api.Protect(Contents=True)
    with pytest.raises(fx.FakeComError):
        ws.range("A1").value = "x"
    ws.api.Unprotect()
    ws.range("A1").value = "x"


def test_fake_caller_is_the_mock_caller():
    book = fx.Book("x.xlsm", ["s"])
    book.set_mock_caller()
    assert fx.Book.caller() is book


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
