"""The master's VBA project: xlwings' standalone module, the .bas sources in this folder and the
xlwings_udfs module (the worksheet functions of macros/udfs.py, as ImportPythonUDFs would write it)."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Sequence

HERE = Path(__file__).parent
INSTALL_DIR_WIN = r"%USERPROFILE%\saihan-addon"   # where the README tells the section to put the project


def bas_sources() -> dict[str, str]:
    """Module name -> source for every macros/*.bas (name from its Attribute VB_Name line)."""
    modules = {}
    for path in sorted(HERE.glob("*.bas")):
        text = path.read_text(encoding="ascii")
        match = re.search(r'^Attribute VB_Name = "([^"]+)"', text, re.MULTILINE)
        modules[match.group(1) if match else path.stem] = text
    return modules


def subs_of(source: str) -> list[str]:
    return re.findall(r"^\s*(?:Public\s+)?Sub\s+(\w+)\s*\(", source, re.MULTILINE | re.IGNORECASE)


def udf_modules() -> list[str]:
    """The Python modules of the "UDF Modules" setting (';'-separated, as xlwings' GetUdfModules reads it)."""
    value = dict(xlwings_conf_entries())["UDF Modules"]
    return [name for name in value.split(";") if name]


def udf_sources() -> dict[str, str]:
    """Module name -> source of the pre-generated xlwings_udfs module (see macros/udf_vba.py)."""
    from .udf_vba import MODULE_NAME, module_source

    return {MODULE_NAME: module_source(udf_modules())}


def build_project(document_modules: Sequence[str] = ("ThisWorkbook",)) -> bytes:
    from workbook.ooxml.vba.project import build_vba_project, xlwings_standalone_modules

    standard, classes = xlwings_standalone_modules()
    standard = {**standard, **bas_sources(), **udf_sources()}
    return build_vba_project(standard, classes, document_modules=document_modules)


def xlwings_conf_entries() -> list[tuple[str, str]]:
    """The xlwings.conf sheet for a typical Windows PC (keys as xlwings' VBA reads them)."""
    return [
        ("Interpreter_Win", INSTALL_DIR_WIN + r"\.venv\Scripts\pythonw.exe"),
        ("PYTHONPATH", INSTALL_DIR_WIN),
        ("UDF Modules", "macros.udfs"),
        ("Use UDF Server", "False"),
        ("Show Console", "False"),
        ("ADD_WORKBOOK_TO_PYTHONPATH", "False"),
    ]
