"""PDF copies of the documents, made by LibreOffice when it is installed (skipped otherwise)."""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

TIMEOUT_SECONDS = 300
# Writer's PDF export with the bookmarks as named destinations: generators/toc.py reads the pages of
# the 目次's bookmarks from them (the filter options in JSON need LibreOffice 7.4 or later).
PDF_FILTER = 'pdf:writer_pdf_Export:{"ExportBookmarksToPDFDestination":{"type":"boolean","value":"true"}}'


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
                   "--convert-to", PDF_FILTER, "--outdir", str(outdir), *[str(d) for d in documents]]
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


NEAR_EMPTY_LINES = 10      # a last page with no more lines of text than this (header and footer included)


def page_count(pdf: Path) -> int | None:
    """The number of pages (pdfinfo, poppler-utils); None when pdfinfo is missing."""
    info = shutil.which("pdfinfo")
    if info is None:
        return None
    out = subprocess.run([info, str(pdf)], capture_output=True, text=True, timeout=60).stdout
    pages = [line.split()[-1] for line in out.splitlines() if line.startswith("Pages:")]
    return int(pages[0]) if pages else None


def page_lines(pdf: Path, page: int) -> list[str] | None:
    """The non-blank lines of a page (pdftotext -layout); None when pdftotext is missing."""
    text = shutil.which("pdftotext")
    if text is None:
        return None
    out = subprocess.run([text, "-layout", "-f", str(page), "-l", str(page), str(pdf), "-"],
                         capture_output=True, text=True, timeout=60).stdout
    return [line for line in out.splitlines() if line.strip()]


def near_empty_last_page(pdf: Path) -> bool:
    """Whether a document of more than one page ends with a page holding only a few lines."""
    pages = page_count(pdf)
    last = page_lines(pdf, pages) if pages and pages > 1 else None
    return last is not None and len(last) <= NEAR_EMPTY_LINES
