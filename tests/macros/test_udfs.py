"""Worksheet functions: plain Python, the thresholds of the 設定 sheet, and xlwings' UDF rules."""
from __future__ import annotations

import datetime as dt
import importlib.util
import inspect
import io
import sys
import types

import pytest

import xlwings as xw
from macros import udfs
from macros.excel import XlwingsBook
from workbook.files.sheet_book import FileBook
from macros.operations import new_master
from tests.macros import fake_xlwings as fx
from tests.workbook.returns_kit import small_plan
from workbook.domain.grades import Thresholds
from workbook.domain.settings import Settings

EXCEL_FUNCTIONS = (udfs.SUGGESTED_GRADE, udfs.ACHIEVEMENT_RATIO, udfs.WAREKI_FY)


# --- plain Python --------------------------------------------------------------------
@pytest.mark.parametrize("target, actual, direction, grade", [
    (100, 110, "以上", "A"), (100, 109.9, "以上", "B"), (100, 90, "以上", "B"), (100, 89.9, "以上", "C"),
    ("１２０人", "132人", "以上", "A"), ("5,621戸", "5,000戸", "以上", "C"),
    (45.0, 46.5, "以下", "B"), (45.0, 40.0, "以下", "A"), (45.0, 60.0, "以下", "C"), (45, 0, "以下", "A"),
    (100, None, "以上", ""), (None, 5, "以上", ""), (0, 5, "以上", ""), (100, "未集計", "以上", ""),
    (100, 95, None, "B"), (100, 95, "", "B"), (100, 95, "以下 ", "B"),
])
def test_suggested_grade(target, actual, direction, grade):
    assert udfs.suggested_grade(target, actual, direction) == grade


def test_suggested_grade_uses_the_thresholds_given():
    assert udfs.suggested_grade(100, 105, "以上", Thresholds(a=105, b=95)) == "A"
    assert udfs.suggested_grade(100, 94, "以上", Thresholds(a=105, b=95)) == "C"


@pytest.mark.parametrize("target, actual, direction, expected", [
    (120, 132, "以上", 110.0), (45, 46.5, "以下", 45 / 46.5 * 100), ("96%", "48%", "以上", 50.0),
    (100, 0, "以下", None), (0, 10, "以上", None), (None, 10, "以上", None),
])
def test_ratio(target, actual, direction, expected):
    value = udfs.ratio(target, actual, direction)
    assert value == (pytest.approx(expected) if expected is not None else None)


def test_direction_must_be_ijou_or_ika():
    with pytest.raises(ValueError):
        udfs.ratio(1, 1, "上向き")
    assert udfs.SUGGESTED_GRADE(1, 1, "上向き").startswith("#")
    assert udfs.ACHIEVEMENT_RATIO(1, 1, "上向き").startswith("#")


@pytest.mark.parametrize("value, label, short", [
    (6, "令和6年度", "R6"), (6.0, "令和6年度", "R6"), ("R6", "令和6年度", "R6"), ("令和６年度", "令和6年度", "R6"),
    (2024, "令和6年度", "R6"), ("2024", "令和6年度", "R6"), (1, "令和元年度", "R1"), ("令和元年度", "令和元年度", "R1"),
    (2019, "令和元年度", "R1"), (2018, "平成30年度", "H30"), ("H30", "平成30年度", "H30"),
    (dt.date(2025, 3, 31), "令和6年度", "R6"), (dt.datetime(2025, 4, 1), "令和7年度", "R7"),
    (None, "", ""), ("", "", ""), ("来年度", "", ""), (0, "", ""), (6.5, "", ""), (True, "", ""),
])
def test_wareki_fiscal_year(value, label, short):
    assert udfs.wareki_fiscal_year(value) == label
    assert udfs.wareki_fiscal_year(value, short=True) == short


def test_excel_functions_answer_like_the_plain_ones():
    assert udfs.SUGGESTED_GRADE(100, 120) == "A"
    assert udfs.SUGGESTED_GRADE(100, 104, "以上", 103, 90) == "A"
    assert udfs.ACHIEVEMENT_RATIO(100, 104) == pytest.approx(104.0)
    assert udfs.ACHIEVEMENT_RATIO(100, None) == ""
    assert udfs.WAREKI_FY(2024) == "令和6年度" and udfs.WAREKI_FY("R6", True) == "R6"


# --- thresholds from the 設定 sheet ------------------------------------------------------------
@pytest.fixture
def master_path(tmp_path):
    plan = small_plan()
    return new_master(plan, Settings(plan.municipality, plan.name, 6), tmp_path, "master.xlsm")


def set_thresholds(book, a, b):
    rows = book.read("設定")
    for i, row in enumerate(rows, start=1):
        if row[0] == "threshold_a":
            book.write("設定", [[a]], row=i, column=3)
        if row[0] == "threshold_b":
            book.write("設定", [[b]], row=i, column=3)


@pytest.mark.parametrize("kind", ["file", "xlwings"])
def test_thresholds_come_from_the_settings_sheet(kind, master_path):
    book = FileBook(master_path, say=lambda _: None) if kind == "file" else XlwingsBook(fx.Book.open(master_path))
    assert udfs.thresholds_of(book) == Thresholds(110.0, 90.0)
    set_thresholds(book, "105％", 95)
    assert udfs.thresholds_of(book) == Thresholds(105.0, 95.0)
    set_thresholds(book, "未定", None)
    assert udfs.thresholds_of(book) == Thresholds(110.0, 90.0)


def test_the_worksheet_function_reads_the_settings_of_the_calling_book(master_path):
    fake = fx.Book.open(master_path)
    set_thresholds(XlwingsBook(fake), 105, 95)
    caller = fake.sheets["進捗一覧"].range("K2")
    assert udfs.SUGGESTED_GRADE(100, 106, "以上", None, None, caller) == "A"
    assert udfs.SUGGESTED_GRADE(100, 106) == "B"                       # no caller: defaults
    assert udfs.SUGGESTED_GRADE(100, 106, "以上", 120, None, caller) == "B"   # an argument wins


def test_a_book_without_settings_gives_the_defaults():
    fake = fx.Book("other.xlsx", ["Sheet1"])
    assert udfs.thresholds_of(XlwingsBook(fake)) == Thresholds()
    assert udfs.SUGGESTED_GRADE(100, 106, "以上", None, None, fake.sheets[0].range("A1")) == "B"


# --- xlwings --------------------------------------------------------------------------------------
@pytest.mark.skipif(sys.platform.startswith("win"), reason="off Windows only")
def test_xlwings_decorators_are_no_ops_off_windows():
    def f(x):
        return x

    assert xw.func(f) is f and xw.func(category="x")(f) is f and xw.arg("x", doc="d")(f) is f
    assert all(not hasattr(fn, "__xlfunc__") for fn in EXCEL_FUNCTIONS)


def test_signatures_follow_xlwings_udf_rules():
    """xlwings.udfs.func_sig refuses keyword-only arguments; 'caller' is filled in by xlwings."""
    for fn in EXCEL_FUNCTIONS:
        params = list(inspect.signature(fn).parameters.values())
        assert all(p.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD for p in params), fn.__name__
        assert fn.__name__.isascii() and fn.__name__.isupper()
    assert list(inspect.signature(udfs.SUGGESTED_GRADE).parameters)[-1] == "caller"


def test_xlwings_would_register_the_functions_with_these_vba_signatures(xlwings_udfs, monkeypatch):
    """macros/udfs.py loaded with xlwings' Windows decorators, then xlwings' own VBA generator
    (what ImportPythonUDFs writes into the workbook on Windows)."""
    monkeypatch.setattr(xw, "func", xlwings_udfs.xlfunc)
    monkeypatch.setattr(xw, "arg", xlwings_udfs.xlarg)
    spec = importlib.util.spec_from_file_location("macros.udfs_as_on_windows", udfs.__file__)
    module = importlib.util.module_from_spec(spec)
    module.__package__ = "macros"
    spec.loader.exec_module(module)
    out = io.StringIO()
    xlwings_udfs.generate_vba_wrapper("macros.udfs", module, out, types.SimpleNamespace(Name="master.xlsm"))
    vba = out.getvalue()
    assert "Function SUGGESTED_GRADE(target, actual, Optional direction, Optional threshold_a, " \
           "Optional threshold_b)" in vba
    assert 'XLPy.CallUDF("macros.udfs", "SUGGESTED_GRADE", Array(target, actual, direction, threshold_a, ' \
           'threshold_b, Nothing), ThisWorkbook, Application.Caller)' in vba
    assert "Function ACHIEVEMENT_RATIO(target, actual, Optional direction)" in vba
    assert "Function WAREKI_FY(fiscal_year, Optional short_form)" in vba
    assert sorted(n for n in dir(module) if hasattr(getattr(module, n), "__xlfunc__")) == \
        ["ACHIEVEMENT_RATIO", "SUGGESTED_GRADE", "WAREKI_FY"]
    info = module.SUGGESTED_GRADE.__xlfunc__
    assert info["category"] == "再犯防止推進計画"
    assert info["argmap"]["direction"]["doc"].startswith("目標の向き")
