"""Fixtures shared by the macros tests."""
from __future__ import annotations

import shutil
import sys
import types

import pytest
import xlwings as xw

from macros.operations import new_master
from tests.workbook.returns_kit import small_plan
from workbook.domain.settings import Settings


@pytest.fixture(scope="session")
def demo_output(tmp_path_factory):
    """The demo's output (no PDF), made once for the modules that only read it."""
    from macros.demo import run_demo

    out = tmp_path_factory.mktemp("demo") / "demo"
    run_demo(out, pdf=False)
    return out


class ComError(Exception):
    """Stand-in for pywintypes.com_error."""


@pytest.fixture
def xlwings_udfs(monkeypatch):
    """xlwings.udfs (Windows only: it imports pywin32) imported with stand-ins for pywin32."""
    pythoncom = types.ModuleType("pythoncom")
    pythoncom.CoInitialize = lambda: None
    client = types.ModuleType("win32com.client")
    client.Dispatch = lambda *a, **k: None
    win32com = types.ModuleType("win32com")
    win32com.client = client
    pywintypes = types.ModuleType("pywintypes")
    pywintypes.com_error = ComError
    for name, module in {"pythoncom": pythoncom, "pywintypes": pywintypes,
                         "win32com": win32com, "win32com.client": client}.items():
        monkeypatch.setitem(sys.modules, name, module)
    monkeypatch.delitem(sys.modules, "xlwings.udfs", raising=False)
    monkeypatch.delattr(xw, "udfs", raising=False)
    import xlwings.udfs as xu

    assert not xw.__pro__    # the licensed version reads the config sheet for embedded code first
    yield xu
    sys.modules.pop("xlwings.udfs", None)


# The small master of the Excel-behaviour tests (test_excel_*.py): made once per module, copied per test.
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
