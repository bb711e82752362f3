"""Worksheet functions: plain Python, the scale of the calling book (評価基準, or 設定's old floors),
and xlwings' UDF rules."""
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
from workbook.domain.scale_presets import DEFAULT_SCALE, PRESETS, legacy_scale
from workbook.domain.settings import Settings
from workbook.sheets.scale_sheet import HEADERS, scale_rows

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


def test_suggested_grade_uses_the_scale_given():
    assert udfs.suggested_grade(100, 105, "以上", legacy_scale(105, 95)) == "A"
    assert udfs.suggested_grade(100, 94, "以上", legacy_scale(105, 95)) == "C"
    four = PRESETS["4段階"]
    assert [udfs.suggested_grade(100, v, "以上", four) for v in (120, 119, 100, 80, 79.9, 0)] == \
        ["S", "A", "A", "B", "C", "C"]
    assert udfs.suggested_grade(100, 130, "以上", PRESETS["進捗区分"]) == "S"   # 完了 has no 判定下限


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


# --- the scale of the calling book -------------------------------------------------------------
@pytest.fixture
def master_path(tmp_path):
    plan = small_plan()
    return new_master(plan, Settings(plan.municipality, plan.name, 6, scale=PRESETS["4段階"]), tmp_path,
                      "master.xlsm")


def sheet_rows(scale) -> list[list[object]]:
    """The 評価基準 sheet as the master lays it out: a title, the name, the header on row 3."""
    width = len(HEADERS)
    pad = [None] * (width - 2)
    return [["評価基準", None] + pad, ["名前", scale.name] + pad, list(HEADERS)] + scale_rows(scale)


def fake_book(sheets: dict[str, list[list[object]]]) -> fx.Book:
    book = fx.Book("other.xlsx", list(sheets) or ["Sheet1"])
    for name, rows in sheets.items():
        book.sheets[name].range("A1").value = rows
    return book


LEGACY_SETTINGS = [["municipality", "自治体名", "テスト市"], ["threshold_a", "A の基準", 105],
                   ["threshold_b", "B の基準", 95]]


@pytest.mark.parametrize("kind", ["file", "xlwings"])
def test_the_scale_comes_from_the_scale_sheet(kind, master_path):
    book = FileBook(master_path, say=lambda _: None) if kind == "file" else XlwingsBook(fx.Book.open(master_path))
    assert udfs.scale_of(book) == PRESETS["4段階"]


def test_the_worksheet_function_follows_the_scale_of_the_calling_book(master_path):
    fake = fx.Book.open(master_path)
    caller = fake.sheets["進捗一覧"].range("K2")
    assert udfs.SUGGESTED_GRADE(100, 125, "以上", None, None, caller) == "S"
    assert udfs.SUGGESTED_GRADE(100, 85, "以上", None, None, caller) == "B"
    assert udfs.SUGGESTED_GRADE(100, 125) == "A"                               # no caller: the default scale
    # the floors changed on the sheet are what the next calculation uses
    rows = XlwingsBook(fake).read("評価基準")
    floor = HEADERS.index("判定下限(％)") + 1
    s_row = next(i for i, r in enumerate(rows, start=1) if r[0] == "S")
    fake.sheets["評価基準"].range((s_row, floor)).value = 130
    assert udfs.SUGGESTED_GRADE(100, 125, "以上", None, None, caller) == "A"


def test_threshold_arguments_give_the_default_scale_with_those_floors(master_path):
    """Kept for formulas written before 評価基準: given floors win over the book's scale."""
    caller = fx.Book.open(master_path).sheets["進捗一覧"].range("K2")
    assert udfs.SUGGESTED_GRADE(100, 104, "以上", 103, 90) == "A"
    assert udfs.SUGGESTED_GRADE(100, 125, "以上", 120, None, caller) == "A"    # the default scale's codes
    assert udfs.SUGGESTED_GRADE(100, 95, "以上", None, 96, caller) == "C"      # the other floor: the default's


def test_an_older_book_keeps_its_floors_on_the_settings_sheet():
    fake = fake_book({"設定": LEGACY_SETTINGS})
    assert udfs.scale_of(XlwingsBook(fake)) == legacy_scale(105, 95)
    caller = fake.sheets["設定"].range("A1")
    assert udfs.SUGGESTED_GRADE(100, 106, "以上", None, None, caller) == "A"
    assert udfs.SUGGESTED_GRADE(100, 106, "以上", 120, None, caller) == "B"    # an argument wins, 95 stays
    assert udfs.SUGGESTED_GRADE(100, 94, "以上", 120, None, caller) == "C"


def test_a_scale_sheet_it_cannot_read_falls_back():
    broken = [row[:] for row in sheet_rows(PRESETS["進捗区分"])]
    broken[2][0] = "記号？"                                   # no 記号 column
    assert udfs.scale_of(XlwingsBook(fake_book({"評価基準": broken, "設定": LEGACY_SETTINGS}))) == \
        legacy_scale(105, 95)
    assert udfs.scale_of(XlwingsBook(fake_book({"評価基準": broken}))) == DEFAULT_SCALE
    assert udfs.scale_of(XlwingsBook(fake_book({"評価基準": sheet_rows(PRESETS["進捗区分"])}))) == \
        PRESETS["進捗区分"]


def test_a_book_without_either_sheet_gives_the_default_scale():
    fake = fx.Book("other.xlsx", ["Sheet1"])
    assert udfs.scale_of(XlwingsBook(fake)) == DEFAULT_SCALE
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
