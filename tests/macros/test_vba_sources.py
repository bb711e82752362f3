"""The VBA behind the buttons: every Sub in macros/*.bas runs an entry point that exists in macros.xl,
the master carries exactly those Subs (read back with oletools' olevba) plus the generated
xlwings_udfs module (Functions only), and the xlwings.conf sheet holds keys that xlwings'
standalone module actually reads."""
from __future__ import annotations

import importlib
import re

import pytest

from macros import vba, xl
from macros.operations import new_master
from tests.workbook.returns_kit import small_plan
from workbook.files.master import STEPS
from workbook.domain.settings import Settings

RUNPYTHON = re.compile(r'^\s*RunPython\s+"import\s+([\w.]+)\s+as\s+(\w+);\s*\2\.(\w+)\(\)"\s*$', re.MULTILINE)


def sub_bodies(source: str) -> dict[str, str]:
    """Sub name -> its body, line by line without indentation (VBA stores CRLF, the .bas files LF)."""
    found = re.findall(r"^\s*(?:Public\s+)?Sub\s+(\w+)\s*\(\)\s*$(.*?)^\s*End Sub", source.replace("\r\n", "\n"),
                       re.MULTILINE | re.DOTALL | re.IGNORECASE)
    return {name: "\n".join(line.strip() for line in body.strip().splitlines()) for name, body in found}


def all_subs() -> dict[str, str]:
    subs = {}
    for source in vba.bas_sources().values():
        subs.update(sub_bodies(source))
    return subs


def test_every_sub_calls_runpython_with_an_entry_point_of_macros_xl():
    subs = all_subs()
    assert subs, "no Sub found in macros/*.bas"
    assert sorted(subs) == sorted(s for src in vba.bas_sources().values() for s in vba.subs_of(src))
    targets = set()
    for name, body in subs.items():
        calls = RUNPYTHON.findall(body)
        assert len(calls) == 1, f"Sub {name} must call RunPython exactly once: {body!r}"
        module_name, _, function = calls[0]
        assert module_name == "macros.xl", name
        assert callable(getattr(importlib.import_module(module_name), function, None)), f"{name}: {function}"
        targets.add(function)
    assert targets == set(xl.ENTRY_POINTS)


def test_bas_files_are_ascii_with_a_module_name():
    for path in sorted(vba.HERE.glob("*.bas")):
        text = path.read_bytes().decode("ascii")
        assert re.search(r'^Attribute VB_Name = "\w+"', text, re.MULTILINE), path.name


def test_each_step_on_the_operations_sheet_is_bound_to_a_sub_of_the_bas_files():
    assert [s.macro for s in STEPS] == ["SelfCheck", "Distribute", "Collect", "Validate", "MakeReports", "Remind",
                                        "NextYear"]
    assert {s.macro for s in STEPS} <= set(all_subs())


def test_xlwings_conf_keys_are_read_by_xlwings_standalone_module():
    from workbook.ooxml.vba.project import xlwings_standalone_modules

    standard, _ = xlwings_standalone_modules()
    source = "\n".join(standard.values())
    entries = dict(vba.xlwings_conf_entries())
    for key in entries:
        assert f'GetConfig("{key.upper()}"' in source, key     # GetConfigFromSheet upper-cases the keys
    assert entries["PYTHONPATH"] == vba.INSTALL_DIR_WIN
    assert entries["Interpreter_Win"].startswith(vba.INSTALL_DIR_WIN + "\\")
    assert importlib.import_module(entries["UDF Modules"]) is not None


@pytest.fixture(scope="module")
def demo_master(tmp_path_factory):
    """The master as the demo builds it (operations.new_master, VBA included)."""
    try:
        plan = small_plan()
        return new_master(plan, Settings(plan.municipality, plan.name, 6), tmp_path_factory.mktemp("demo"),
                          "master.xlsm")
    except Exception as exc:  # the VBA compiler is built elsewhere; its own tests report its failures
        pytest.skip(f"the VBA project cannot be built yet (workbook/vbaproject.py): {type(exc).__name__}: {exc}")


def olevba_modules(path) -> dict[str, str]:
    from oletools.olevba import VBA_Parser

    parser = VBA_Parser(str(path))
    try:
        return {stream.split("/")[-1]: code for _, stream, _, code in parser.extract_macros()}
    finally:
        parser.close()


def test_olevba_lists_exactly_the_subs_of_the_bas_files(demo_master):
    from workbook.ooxml.vba.project import xlwings_standalone_modules

    modules = olevba_modules(demo_master)
    standard, classes = xlwings_standalone_modules()
    ours = vba.bas_sources()
    generated = vba.udf_sources()       # xlwings_udfs: Functions only (tests/macros/test_udf_vba.py)
    documents = {m for m, code in modules.items() if "VB_Base" in code and m not in classes}
    assert set(modules) - documents == set(ours) | set(generated) | set(standard) | set(classes)
    for name, source in ours.items():
        assert vba.subs_of(modules[name]) == vba.subs_of(source), name
        assert sub_bodies(modules[name]) == sub_bodies(source), name
    subs_in_master = [s for m in [*ours, *generated] for s in vba.subs_of(modules[m])]
    assert sorted(subs_in_master) == sorted(all_subs())


def test_olevba_lists_the_worksheet_functions_module_as_generated(demo_master):
    from macros.udf_vba import MODULE_NAME

    code = olevba_modules(demo_master)[MODULE_NAME].replace("\r\n", "\n")
    assert code == vba.udf_sources()[MODULE_NAME]
    functions = re.findall(r'^Function (\w+)\(.*?\n\s*\1 = XLPy\.CallUDF\("([\w.]+)", "\1"', code,
                           re.MULTILINE | re.DOTALL)
    assert functions == [("ACHIEVEMENT_RATIO", "macros.udfs"), ("SUGGESTED_GRADE", "macros.udfs"),
                         ("WAREKI_FY", "macros.udfs")]
    assert not vba.subs_of(code)


def test_the_master_carries_the_xlwings_conf_sheet(demo_master):
    from workbook.files.sheet_book import FileBook

    rows = FileBook(demo_master).read("xlwings.conf")
    assert [tuple(r[:2]) for r in rows] == vba.xlwings_conf_entries()
    assert all(r[0] for r in rows)      # contiguous from A1: xlwings reads A1 to End(xlDown)
