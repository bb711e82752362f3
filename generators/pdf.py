"""PDF copies of the documents, made by LibreOffice when it is installed (skipped otherwise)."""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

TIMEOUT_SECONDS = 300


def soffice() -> str | None:
    """The LibreOffice executable, or None when it is not installed."""
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    for candidate in (Path(r"C:\Program Files\LibreOffice\program\soffice.exe"),
                      Path(r"C:\Program Files (x86)\LibreOffice\program\soffice.exe"),
                      Path("/Applications/LibreOffice.app/Contents/MacOS/soffice")):
        if candidate.exists():
            return str(candidate)
    return None


def convert(documents: list[Path], outdir: Path, executable: str | None = None) -> dict[Path, Path]:
    """Convert .docx files to PDF into outdir; returns document -> PDF for those converted.

    A private LibreOffice profile is used, so a LibreOffice window the user has open does not
    swallow the conversion. Raises RuntimeError when LibreOffice fails.
    """
    executable = executable or soffice()
    if executable is None:
        raise FileNotFoundError("soffice")
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="lo_profile_") as profile:
        command = [executable, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless", "--norestore",
                   "--convert-to", "pdf", "--outdir", str(outdir), *[str(d) for d in documents]]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired as exc:
            raise RuntimeError(f"LibreOffice が {TIMEOUT_SECONDS} 秒以内に終わりませんでした。") from exc
    converted = {d: outdir / f"{d.stem}.pdf" for d in documents}
    converted = {d: p for d, p in converted.items() if p.exists() and p.stat().st_size > 0}
    if not converted:
        detail = (done.stderr or done.stdout).strip().splitlines()
        raise RuntimeError(detail[-1] if detail else f"終了コード {done.returncode}")
    return converted
