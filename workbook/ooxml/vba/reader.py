"""Reading a module's source back out of a vbaProject.bin (oletools, as the button check does)."""
from __future__ import annotations

from workbook.errors import PackageError


def module_code(vba_project: bytes, module: str) -> str | None:
    """The source of the named module (case-insensitive), or None when the project has none."""
    from oletools.olevba import VBA_Parser

    try:
        parser = VBA_Parser("vbaProject.bin", data=vba_project)
        parser.vba_stomping_detected = False  # a malware check that logs a warning for data in memory
        for _, _, name, code in parser.extract_macros():
            if name.rsplit(".", 1)[0].lower() == module.lower():
                return code
    except Exception as exc:  # oletools raises many kinds on damaged input
        raise PackageError("マスターのマクロ（VBA プロジェクト）を読めません。マスターが壊れている可能性があります。"
                           "保存前の控え（バックアップフォルダ）から戻してください。") from exc
    return None
