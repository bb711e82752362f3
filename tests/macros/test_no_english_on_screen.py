"""No English a user sees: every cell the add-on writes, on every visible sheet (and visible column) of
the demo's master and of a distributed department file, holds no ASCII word of three letters or more.

Not scanned: what the plan and the settings hold (the city's own text, e.g. SNS, PTA, mail addresses),
what departments answered (every cell a returned file changed), formulas, file names and paths, and
the コード column of 検証結果 (the one place a problem's code stands, for support). Allowed: the names
of the products a person works with, units and the scale's grade codes.
"""
from __future__ import annotations

import re
from dataclasses import fields
from pathlib import Path

import openpyxl
import pytest

from workbook.domain.problems import REPORT_COLUMNS

PRODUCTS = {"Excel", "Word", "PDF", "LibreOffice", "Python"}
UNITS = {"cm", "kg", "km"}            # none of three letters in the sample; the list is where one would go
WORD = re.compile(r"[A-Za-z]{3,}")
FILE_NAME = re.compile(r"[^\s「」（）()、。：:／/\\]*\.(?:xlsx|xlsm|xls|csv|docx|pdf|eml|txt|md|ods)\b", re.I)
PATH = re.compile(r"\\\\[^\s、。]+|[A-Za-z]:\\[^\s、。]+")


@pytest.fixture(scope="module")
def demo(demo_output):
    return demo_output


def strings(path: Path) -> dict[tuple[str, str], str]:
    wb = openpyxl.load_workbook(path)
    return {(ws.title, c.coordinate): c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row
            if isinstance(c.value, str) and c.data_type != "f"}


@pytest.fixture(scope="module")
def own_texts(demo) -> list[str]:
    """The plan's and the settings' text and every answer the departments typed, longest first."""
    from workbook.files.snapshot import MasterSnapshot
    from macros.operations import DEMO_MASTER_NAME

    snap = MasterSnapshot.read(demo / DEMO_MASTER_NAME)
    plan, texts = snap.plan, set()
    for items in (plan.goals, plan.measures, plan.actions, plan.indicators, plan.departments):
        for item in items:
            for f in fields(item):
                value = getattr(item, f.name)
                values = value.values() if isinstance(value, dict) else value if isinstance(value, tuple) else [value]
                texts.update(str(v) for v in values if isinstance(v, str))
    texts.update(str(getattr(snap.settings, f.name)) for f in fields(snap.settings)
                 if isinstance(getattr(snap.settings, f.name), str))
    distributed = {p.name: strings(p) for p in (demo / "配布").glob("*.xlsx")}
    for returned in (demo / "回収").glob("*.xlsx"):
        blank = next(cells for name, cells in distributed.items() if name.removesuffix(".xlsx") in returned.name
                     or returned.name.startswith(name.removesuffix(".xlsx")))
        texts.update(v for k, v in strings(returned).items() if blank.get(k) != v)
    return sorted((t for t in texts if t.strip()), key=len, reverse=True)


def english(text: str, own: list[str], allowed: set[str]) -> list[str]:
    if text in own:
        return []
    for mine in own:
        if len(mine) >= 4 and mine in text:        # short ones (a grade, 'B') would hide parts of words
            text = text.replace(mine, "\0")
    text = PATH.sub(" ", FILE_NAME.sub(" ", text))
    return [w for w in WORD.findall(text) if w not in allowed]


def visible_cells(path: Path):
    """(sheet, cell, text) of every text cell a person sees (visible sheet, column and row; no formula)."""
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        if ws.sheet_state != "visible":
            continue
        hidden_columns = {k for k, d in ws.column_dimensions.items() if d.hidden}
        hidden_rows = {r for r, d in ws.row_dimensions.items() if d.hidden}
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.data_type != "f" and \
                        cell.column_letter not in hidden_columns and cell.row not in hidden_rows:
                    yield ws, cell


def scan(path: Path, own: list[str], allowed: set[str]) -> list[tuple[str, str, list[str]]]:
    found = []
    for ws, cell in visible_cells(path):
        if ws.title == "検証結果" and cell.row > 1 and cell.column == REPORT_COLUMNS.index("コード") + 1:
            continue                     # the one exception: the code, for support
        words = english(cell.value, own, allowed)
        if words:
            found.append((ws.title, cell.coordinate, words))
    return found


@pytest.fixture(scope="module")
def allowed(demo) -> set[str]:
    from workbook.files.sample import komae_settings

    return PRODUCTS | UNITS | set(komae_settings().scale.codes)


def test_no_english_on_the_masters_visible_sheets(demo, own_texts, allowed):
    from macros.operations import DEMO_MASTER_NAME

    master = demo / DEMO_MASTER_NAME
    assert scan(master, own_texts, allowed) == []
    # the scan sees what it should: the codes stand in 検証結果's コード column, and only there
    codes = [c.value for ws, c in visible_cells(master)
             if ws.title == "検証結果" and c.column == REPORT_COLUMNS.index("コード") + 1 and c.row > 1]
    assert "row-identity-doubt" in codes


def test_no_english_on_a_department_files_visible_sheets(demo, own_texts, allowed):
    for path in sorted((demo / "配布").glob("*.xlsx")):
        assert scan(path, own_texts, allowed) == [], path.name


def test_the_scan_finds_english(own_texts, allowed):
    assert english("エラー: KeyError が起きました", own_texts, allowed) == ["KeyError"]
    assert english("plan-cell-edited", own_texts, allowed) == ["plan", "cell", "edited"]
    assert english("令和6年度_進捗報告_福祉政策課.xlsx を Excel で開く", own_texts, allowed) == []
