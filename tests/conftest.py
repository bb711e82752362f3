"""Shared fixtures: the embedded Komae plan and small plans made per test."""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


@pytest.fixture
def komae_plan():
    from workbook.files.sample import komae_plan

    return komae_plan()


@pytest.fixture
def komae_settings():
    from workbook.files.sample import komae_settings

    return komae_settings()


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


needs_soffice = pytest.mark.skipif(soffice() is None, reason="LibreOffice (soffice) is not installed")
