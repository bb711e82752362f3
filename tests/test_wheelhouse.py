"""The offline wheelhouse for the section's Windows PC: every requirement resolves to a win_amd64 /
Python 3.11 wheel (pip download --only-binary=:all:). Slow and needs PyPI: runs only when
SAIHAN_WHEELHOUSE=1 (python -m pytest tests/test_wheelhouse.py with the variable set)."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.skipif(os.environ.get("SAIHAN_WHEELHOUSE") != "1",
                                reason="downloads from PyPI; set SAIHAN_WHEELHOUSE=1 to run")


def _name(text: str) -> str:
    return re.sub(r"[-_.]+", "-", text).lower()


def test_every_requirement_resolves_to_a_windows_wheel(tmp_path):
    house = tmp_path / "wheelhouse"
    done = subprocess.run([sys.executable, "-m", "pip", "download", "--platform", "win_amd64",
                           "--only-binary=:all:", "--python-version", "3.11", "-r", str(ROOT / "requirements-windows.txt"),
                           "-d", str(house), "--quiet"], capture_output=True, text=True, timeout=1800)
    assert done.returncode == 0, done.stderr[-3000:]
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", str(house), "--quiet",
                            "win-unicode-console==0.5"], capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stderr[-3000:]
    files = sorted(p.name for p in house.iterdir())
    assert files and all(name.endswith(".whl") for name in files), files
    wheels = {_name(name.split("-")[0]) for name in files}
    required = [_name(re.split(r"[=<>!~ ;\[]", line.strip())[0]) for line in
                (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines()
                if line.strip() and not line.startswith("#")]
    assert [r for r in required if r not in wheels] == []
    assert {"pywin32", "tzdata", "colorama", "win-unicode-console"} <= wheels   # the Windows-only dependencies
    binary = [n for n in files if not n.endswith("none-any.whl")]
    assert all("win_amd64" in n and ("cp311" in n or "abi3" in n) for n in binary), binary
