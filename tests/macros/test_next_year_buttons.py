"""⑥ 年度更新 from Excel: the button only checks and shows the command to run with the master closed,
the Excel writer never writes a year close into an open book, and a master made before next-year
existed closes with its own buttons and macros."""
from __future__ import annotations

from __future__ import annotations

import openpyxl
import pytest

from tests.macros.city import CONSULT, POLICY, City, earlier_version_city
from workbook.errors import MasterError
from workbook.files.master import Master
from workbook.files.snapshot import MasterSnapshot
from workbook.ooxml.buttons import existing_buttons
from workbook.sheets import names
from tests.macros.year_kit import (COPY, a_full_year)


@pytest.fixture
def city(tmp_path):
    return City(tmp_path, vba=True)


@pytest.fixture
def pressed(monkeypatch, city):
    """Press ⑥ 年度更新 in Excel (the fake of xlwings): the alert it shows."""
    from macros import xl
    from tests.macros import fake_xlwings as fx

    monkeypatch.setattr(xl, "xw", fx)
    monkeypatch.setattr(fx.Book, "_mock_caller", None)

    def press() -> dict:
        fake = fx.Book.open(city.master)
        fake.set_mock_caller()
        xl.next_year()
        assert fake.saves == 1 and not [c for c in fake.app.calls if c[0] == "value"]     # read, never written
        return fake.app.alerts[-1]

    return press


def test_the_button_only_checks_and_shows_the_command_to_run_with_the_master_closed(city, pressed):
    a_full_year(city)
    alert = pressed()
    assert alert["title"] == "年度更新の確認：完了" and alert["mode"] == "info"
    assert "令和6年度を締めて令和7年度に進める準備ができています（まだ何も変えていません）" in alert["prompt"]
    assert f'-m macros next-year "{city.master}" --plan "＜改定計画のファイル＞"' in alert["prompt"]   # no R7 targets yet
    assert "Excel で開いたままでは実行しません" in alert["prompt"]
    assert MasterSnapshot.read(city.master).settings.fiscal_year == 6 and not (city.root / "年度末").exists()
    wb = openpyxl.load_workbook(city.master, keep_vba=True)
    ws = wb[names.SHEET_PLAN]
    ws.cell(row=1, column=ws.max_column + 1, value="取組目標(R7)")       # the section adds 令和7年度 on 計画
    for r in range(2, ws.max_row + 1):
        ws.cell(row=r, column=ws.max_column, value="R7の目標")
    wb.save(city.master)
    alert = pressed()
    assert f'-m macros next-year "{city.master}"\n' in alert["prompt"] + "\n" and "＜改定計画のファイル＞" not in alert["prompt"]


def test_the_button_shows_the_refusals_of_the_command_line(city, pressed):
    city.send(POLICY)
    city.collect()
    alert = pressed()
    assert alert["title"] == "年度更新の確認：中止しました" and alert["mode"] == "critical"
    assert "未提出：福祉相談課" in alert["prompt"] and "--force" in alert["prompt"]


def test_the_excel_writer_never_writes_a_year_close_into_an_open_book(city):
    """Only the command line closes a year; the Excel writer refuses such an update outright."""
    from macros.excel import XlwingsBook
    from tests.macros import fake_xlwings as fx
    from workbook.files.master_update import MasterUpdate

    a_full_year(city)
    snap = MasterSnapshot.read(city.master)
    before = city.master.read_bytes()
    book = XlwingsBook(fx.Book.open(city.master))
    with pytest.raises(MasterError, match="コマンド（python -m macros next-year）"):
        book.write_update(snap, MasterUpdate(Master(snap).summary(), [], [], settings={"fiscal_year": 7}))
    assert city.master.read_bytes() == before and not [c for c in book.book.app.calls if c[0] == "value"]


def test_a_master_made_before_next_year_existed_closes_with_its_own_buttons_and_macros(tmp_path, monkeypatch):
    """An older master (four buttons, no NextYear Sub, no 年度末 row on 設定): next-year adds 年度別実績
    with its VBA document module and gives back exactly the buttons and modules it had."""
    from workbook.ooxml.package import Package
    from workbook.ooxml.vba.reader import module_code

    city = earlier_version_city(tmp_path, monkeypatch, missing=("SelfCheck", "Remind", "NextYear"))
    wb = openpyxl.load_workbook(city.master, keep_vba=True)         # 設定 as it was before 年度末フォルダ
    ws = wb[names.SHEET_SETTINGS]
    ws.delete_rows(next(c.row for c in ws["A"] if c.value == "year_end_folder"))
    wb.save(city.master)
    buttons = [(b.macro, b.caption, b.top_left) for b in existing_buttons(city.master)]
    addin = module_code(Package(city.master).parts["xl/vbaProject.bin"], "Addin")
    assert "NextYear" not in addin
    city.send(POLICY)
    city.send(CONSULT)
    city.collect()
    city.close_year()
    assert [(b.macro, b.caption, b.top_left) for b in existing_buttons(city.master)] == buttons
    assert module_code(Package(city.master).parts["xl/vbaProject.bin"], "Addin") == addin
    assert (city.root / COPY).exists() and MasterSnapshot.read(city.master).settings.fiscal_year == 7
    assert len(MasterSnapshot.read(city.master).year_results()) == 4
