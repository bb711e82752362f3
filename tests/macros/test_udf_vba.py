"""The pre-generated xlwings_udfs module is the text xlwings' own ImportPythonUDFs would import.

xlwings.udfs.import_udfs (what ImportPythonUDFs runs) is executed here with stand-ins for pywin32
and a recording stand-in for the workbook's VBProject; the file it hands to VBComponents.Import is
compared with macros.udf_vba's text, for macros/udfs.py and for small modules that use the
options macros/udfs.py does not use yet.
"""
from __future__ import annotations

import importlib
import importlib.util
import re
import sys
import types
from pathlib import Path

import pytest

import xlwings as xw
from macros import udf_vba, udfs, vba
from workbook.ooxml.vba.project import xlwings_standalone_modules


class Recorder:
    """The workbook as import_udfs sees it: VBProject.VBComponents and Application.MacroOptions."""

    def __init__(self, name: str):
        self.Name = name
        self.removed: list[str] = []
        self.imported: list[str] = []
        self.options: list[tuple] = []
        book = self

        class Components:
            def __call__(self, name):
                return name

            def Remove(self, component):
                book.removed.append(component)

            def Import(self, path):
                book.imported.append(Path(path).read_text(encoding="utf-8"))

        class Application:
            Version = "16.0"

            def MacroOptions(self, macro, **kwargs):
                book.options.append((macro, kwargs))

        self.VBProject = types.SimpleNamespace(VBComponents=Components())
        self.Application = Application()


def as_on_windows(xu, monkeypatch, name: str, path: Path) -> types.ModuleType:
    """Load a module file again with xlwings' Windows decorators (they mark functions __xlfunc__)."""
    with monkeypatch.context() as patch:
        for attr, real in (("func", xu.xlfunc), ("arg", xu.xlarg), ("ret", xu.xlret), ("sub", xu.xlsub)):
            patch.setattr(xw, attr, real)
        spec = importlib.util.spec_from_file_location(name + "_as_on_windows", path)
        module = importlib.util.module_from_spec(spec)
        module.__package__ = name.rpartition(".")[0]
        spec.loader.exec_module(module)
    return module


def xlwings_import(xu, modules: dict[str, types.ModuleType], book_name: str = "master.xlsm") -> Recorder:
    """Run xlwings' import_udfs for the given module name -> module (loaded as on Windows)."""
    for name, module in modules.items():
        xu.udf_modules[name] = {"module": module, "filetime": None, "filename": None}
    book = Recorder(book_name)
    xu.import_udfs(";".join(modules), book)
    return book


def test_the_master_module_is_what_import_python_udfs_writes(xlwings_udfs, monkeypatch):
    ours = vba.udf_sources()
    windows = as_on_windows(xlwings_udfs, monkeypatch, "macros.udfs", Path(udfs.__file__))
    book = xlwings_import(xlwings_udfs, {name: windows for name in vba.udf_modules()})
    assert vba.udf_modules() == ["macros.udfs"]
    assert book.removed == [udf_vba.MODULE_NAME] == list(ours)    # a later ImportPythonUDFs replaces ours
    assert book.imported == [ours[udf_vba.MODULE_NAME]]
    assert [macro for macro, _ in book.options] == \
        ["'master.xlsm'!ACHIEVEMENT_RATIO", "'master.xlsm'!SUGGESTED_GRADE", "'master.xlsm'!WAREKI_FY"]


def test_the_module_calls_python_through_xlpy_with_the_module_name():
    text = vba.udf_sources()[udf_vba.MODULE_NAME]
    assert text.isascii()     # the Japanese descriptions go through MacroOptions, not into the module
    assert text.splitlines()[0] == f'Attribute VB_Name = "{udf_vba.MODULE_NAME}"'
    assert 'WAREKI_FY = XLPy.CallUDF("macros.udfs", "WAREKI_FY", Array(fiscal_year, short_form), ' \
           'ThisWorkbook, Application.Caller)' in text
    assert "Array(target, actual, direction, threshold_a, threshold_b, Nothing)" in text   # caller
    assert [line.split("(")[0] for line in text.splitlines() if line.startswith("Function ")] == \
        ["Function ACHIEVEMENT_RATIO", "Function SUGGESTED_GRADE", "Function WAREKI_FY"]
    standard, _ = xlwings_standalone_modules()         # XLPy: the Python COM object, in xlwings' module
    assert any(re.search(r"^Function XLPy\(\)", src, re.MULTILINE) for src in standard.values())


OPTIONS_MODULE = '''
import xlwings as xw
from xlwings import func as udf, arg


@xw.func(volatile=True, category="x")
@xw.arg("x", doc="d")
def VOLATILE_ONE(x, caller, y=3):
    return x


@xw.func(call_in_wizard=False)
@arg("b", vba="Application.Caller.Row")
@arg("b", vba="ignored")
@arg("c", vba="")
@arg("c", vba="Application.Caller.Column")
def NOT_IN_WIZARD(a, b, c=None):
    return a


@arg("v", doc="only arg marks it too")
@xw.func(volatile=True)
def ARG_OUTSIDE(v):
    return v


@udf
def bare(value=None):
    return value


def not_a_udf(x):
    return x
'''


@pytest.mark.parametrize("book_name, workbook", [("book.xlsm", "ThisWorkbook"), ("addin.xlam", "ActiveWorkbook")])
def test_options_macros_udfs_does_not_use_yet_match_xlwings(xlwings_udfs, monkeypatch, tmp_path, book_name,
                                                            workbook):
    path = tmp_path / "udf_options_probe.py"
    path.write_text(OPTIONS_MODULE, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "udf_options_probe", raising=False)
    ours = udf_vba.module_source(["udf_options_probe"], workbook)
    windows = as_on_windows(xlwings_udfs, monkeypatch, "udf_options_probe", path)
    book = xlwings_import(xlwings_udfs, {"udf_options_probe": windows}, book_name)
    assert book.imported == [ours]
    assert "Application.Volatile" in ours and 'CommandBars("Standard")' in ours
    assert "Array(a, Application.Caller.Row, c)" in ours            # the outermost vba= wins, even ""
    assert "Function NOT_IN_WIZARD(a, Optional c)" in ours
    assert "Function ARG_OUTSIDE(v)\n    #If" in ours                # arg() after func() resets volatile
    assert "Function bare(Optional value)" in ours and "not_a_udf" not in ours


@pytest.mark.parametrize("source", [
    "import xlwings as xw\n\n@xw.func\ndef F(*values):\n    return 1\n",
    "import xlwings as xw\n\n@xw.func\ndef F(a, *, b=1):\n    return 1\n",
    "import xlwings as xw\n\n@xw.sub\ndef F(a):\n    return 1\n",
    "import xlwings as xw\nV = True\n\n@xw.func(volatile=V)\ndef F(a):\n    return 1\n",
])
def test_what_it_cannot_reproduce_is_refused(monkeypatch, tmp_path, source):
    (tmp_path / "udf_refused_probe.py").write_text(source, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "udf_refused_probe", raising=False)
    with pytest.raises(ValueError):
        udf_vba.module_source(["udf_refused_probe"])


def test_module_names_come_from_the_udf_modules_setting(monkeypatch):
    entries = [(k, "macros.udfs;other.mod;" if k == "UDF Modules" else v) for k, v in vba.xlwings_conf_entries()]
    monkeypatch.setattr(vba, "xlwings_conf_entries", lambda: entries)
    assert vba.udf_modules() == ["macros.udfs", "other.mod"]
    assert importlib.import_module(dict(vba.xlwings_conf_entries())["UDF Modules"].split(";")[0]) is udfs
