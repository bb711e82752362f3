"""Dates the add-on writes into workbooks are real dates shown in 和暦; the demo's sample says so.

提出状況 受信日時 and 履歴 日時 hold dates with the 和暦 number format (so they sort and filter) and
read back as the add-on's own text ('2026-11-30 22:31:09'); a master written before keeps its text
moments. Every workbook of a sample carries 【サンプル】 in its title and サンプル in the page header
of every sheet; a master of real answers carries neither.
"""
from __future__ import annotations

import dataclasses
import datetime as dt

import openpyxl
import pytest

from tests.macros.city import CONSULT, POLICY, City
from workbook.domain.house_style import WAREKI_DATE_FORMAT, WAREKI_DATETIME_FORMAT
from workbook.domain.settings import SAMPLE_MARK, SAMPLE_TITLE
from workbook.files.archive import Archive
from workbook.files.corrections import Item, write_corrections
from workbook.files.department_file import write_department_file
from workbook.files.master import Master, build_master
from workbook.files.snapshot import MasterSnapshot
from workbook.sheets import master_sheets as ms
from workbook.sheets import names
from workbook.sheets.instructions import write_instructions

RECEIVED = ms.STATUS_HEADERS.index("受信日時") + 1
WHEN = ms.HISTORY_HEADERS.index("日時") + 1


@pytest.fixture
def city(tmp_path):
    return City(tmp_path)


def moments(ws, column: int) -> list[openpyxl.cell.Cell]:
    return [row[column - 1] for row in ws.iter_rows(min_row=2) if row[column - 1].value is not None]


def test_received_and_history_moments_are_dates_in_wareki(city):
    city.send(POLICY, name="first.xlsx", saved="2025-05-01T01:00:00Z")
    city.send(CONSULT)
    city.collect()                                   # a new master: written by patch
    city.send(POLICY, {"1-1-1": {"result": "チラシ2,000部を配布"}}, name="second.xlsx", saved="2025-05-10T01:00:00Z")
    city.collect()                                   # 履歴 gets a row
    book = city.book()
    received = moments(book[names.SHEET_STATUS], RECEIVED)
    history = moments(book[names.SHEET_HISTORY], WHEN)
    assert len(received) == 2 and len(history) == 1
    for cell in received + history:
        assert isinstance(cell.value, dt.datetime), (cell.coordinate, cell.value)
        assert cell.number_format == WAREKI_DATETIME_FORMAT, cell.coordinate
    # readers get the moment as the archive records it
    archived = {r.name: r.received_at for r in Archive(city.root / "受領控").records.values()}
    status = {r[0]: r for r in MasterSnapshot.read(city.master).status_rows()}
    assert status[POLICY][RECEIVED - 1] == archived["second.xlsx"]
    # the rows still to be written take the format too (an empty 履歴 has one formatted row)
    fresh = openpyxl.load_workbook(City(city.root / "new").master)
    assert fresh[names.SHEET_HISTORY].cell(row=2, column=WHEN).number_format == WAREKI_DATETIME_FORMAT
    assert fresh[names.SHEET_STATUS].cell(row=2, column=RECEIVED).number_format == WAREKI_DATETIME_FORMAT


def test_a_master_written_before_keeps_its_text_moments(city):
    """A master whose 受信日時 and 日時 cells show text (made by an earlier version) is read and
    written as before: the moments stay text, and collecting again changes nothing."""
    master = Master.open(city.master)
    for title, column in ((names.SHEET_STATUS, RECEIVED), (names.SHEET_HISTORY, WHEN)):
        for row in master.wb[title].iter_rows(min_row=2):
            row[column - 1].number_format = "General"
    master.save(backup=False)
    city.send(POLICY, name="first.xlsx", saved="2025-05-01T01:00:00Z")
    city.collect()
    city.send(POLICY, {"1-1-1": {"result": "チラシ2,000部を配布"}}, name="second.xlsx", saved="2025-05-10T01:00:00Z")
    city.collect()
    book = city.book()
    for cell in moments(book[names.SHEET_STATUS], RECEIVED) + moments(book[names.SHEET_HISTORY], WHEN):
        assert isinstance(cell.value, str) and dt.datetime.strptime(cell.value, "%Y-%m-%d %H:%M:%S")
    before = city.master.read_bytes()
    city.collect()
    assert city.master.read_bytes() == before


def headers(wb) -> list[str]:
    return [ws.oddHeader.center.text or "" for ws in wb.worksheets]


def test_every_workbook_of_the_sample_says_so(tmp_path):
    city = City(tmp_path)
    sample = dataclasses.replace(city.settings, sample=True)
    master = openpyxl.load_workbook(build_master(city.plan, sample, tmp_path / "sample.xlsm"))
    path = tmp_path / "配布.xlsx"
    write_department_file(path, city.plan, sample, POLICY, instructions=write_instructions)
    department = openpyxl.load_workbook(path)
    [correction] = write_corrections(tmp_path / "返却票", sample, {POLICY: (("a.xlsx", "2025-05-20 10:00:00"), [
        Item("error", "grade-invalid", "進捗報告", "I7", "1-1-1", "自己評価", "◎", "直してください")])},
        today=dt.date(2025, 5, 21))[0]
    correction = openpyxl.load_workbook(correction)
    assert master["操作"]["B1"].value.startswith(SAMPLE_TITLE)
    assert master[POLICY]["B1"].value.startswith(SAMPLE_TITLE)
    assert all(ws["B1"].value.startswith(SAMPLE_TITLE) for ws in department.worksheets if ws.sheet_state == "visible")
    assert correction.active["A1"].value.startswith(SAMPLE_TITLE)
    for wb in (master, department, correction):
        assert all(SAMPLE_MARK in text for text in headers(wb))
    # the issue date of the correction list: a real date in 和暦
    assert correction.active["C6"].number_format == WAREKI_DATE_FORMAT


def test_a_master_of_real_answers_is_not_marked(city):
    wb = city.book()
    assert not wb["操作"]["B1"].value.startswith(SAMPLE_TITLE)
    assert not any(SAMPLE_MARK in text for text in headers(wb))
    assert not any(SAMPLE_MARK in str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row
                   if c.value is not None and ws.title != names.SHEET_SETTINGS)
