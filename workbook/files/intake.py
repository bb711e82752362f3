"""Intake: open a received file safely, whatever it is, and read the department's return from it.

Nothing here raises for a bad file: each kind gives a Problem (file-* codes) and the caller moves
on to the next file. The checks look at the bytes before any workbook reader sees them:
- Excel's lock file (~$name.xlsx), made while someone has the file open: skipped with a warning;
- an OLE compound file: a password-protected workbook (its EncryptedPackage stream), a legacy
  .xls (Workbook/Book stream) or some other Office document;
- not a zip at all (a .txt or .csv renamed .xlsx), or an empty file;
- a zip bomb: the sizes in the zip's central directory are checked (total uncompressed size,
  compression ratio per member, number of members) before anything is decompressed. Python's
  zipfile never inflates a member past its declared size (it stops and fails the CRC), so the
  declared sizes are a real bound;
- a truncated or corrupt zip: no central directory, or a member that fails to inflate or its CRC;
- a zip that is not a workbook (an OpenDocument .ods gets its own code: save it as .xlsx), or a
  workbook without this add-on's identity sheet.
Reasons from the libraries (English) are given in Japanese (reason_text).
"""
from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from workbook.errors import os_reason
from workbook.ooxml.package import Package
from workbook.ooxml.zipcopy import read_member
from workbook.sheets.layout import DATA_SHEET, IDENTITY_SHEET
from workbook.ooxml.values import SheetValues
from workbook.sheets.identity import identity_from_rows
from workbook.sheets.table import input_errors, input_formulas, merged_ranges, parse_table
from workbook.domain.problems import Problem, problem
from workbook.domain.returns import DepartmentReturn, Identity

MAX_FILE_BYTES = 20 * 1024 * 1024            # a return is about 50 KB
MAX_UNCOMPRESSED = 100 * 1024 * 1024         # all members together, as declared
MAX_RATIO = 100                              # uncompressed / compressed, for a member over RATIO_FLOOR
RATIO_FLOOR = 1024 * 1024
MAX_MEMBERS = 2000
OLE_SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")
ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06")
IGNORED_NAMES = ("thumbs.db", "desktop.ini")


@dataclass
class Intake:
    """What was found in one received file."""

    name: str
    ret: DepartmentReturn | None = None
    saved_at: str = ""   # when the file was last saved, as written inside it (local time); '' if unknown
    problems: list[Problem] = field(default_factory=list)


def is_lock_file(name: str) -> bool:
    return name.startswith("~$")


def is_ignored(name: str) -> bool:
    """System files that are never returns (hidden files, Windows thumbnails, folder settings)."""
    return name.startswith(".") or name.lower() in IGNORED_NAMES


def lock_problem(name: str) -> Problem:
    return problem("file-lock", file=name)


def _size_text(n: int) -> str:
    return f"{n / 1024 / 1024:,.1f} MB" if n >= 1024 * 1024 else f"{n:,} バイト"


def inspect(data: bytes | None, name: str, size: int) -> Intake:
    """Check one file's bytes and read its return. data None: too large to have been read."""
    out = Intake(name)

    def fail(code: str, value: object = "") -> Intake:
        out.problems.append(problem(code, file=name, value=value))
        return out

    if is_lock_file(name):
        out.problems.append(lock_problem(name))
        return out
    if data is None or size > MAX_FILE_BYTES:
        return fail("file-too-large", _size_text(size))
    if not data:
        return fail("file-truncated", "0 バイト")
    if data.startswith(OLE_SIGNATURE):
        return fail(*_ole_kind(data))
    if not data.startswith(ZIP_SIGNATURES):
        return fail("file-not-workbook")
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, EOFError, OSError, ValueError) as exc:
        return fail("file-truncated", _reason(exc))
    with zf:
        infos = zf.infolist()
        total = sum(i.file_size for i in infos)
        if len(infos) > MAX_MEMBERS:
            return fail("file-too-large", f"{len(infos):,} 個の部品")
        if total > MAX_UNCOMPRESSED:
            return fail("file-too-large", _size_text(total))
        for info in infos:
            if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                return fail("file-too-large", f"{_size_text(info.file_size)}（圧縮率 {info.file_size // max(info.compress_size, 1):,} 倍）")
        if any(i.flag_bits & 0x1 for i in infos):
            return fail("file-encrypted")
        names = set(zf.namelist())
        if _is_opendocument(zf, names):
            return fail("file-ods")
        if "[Content_Types].xml" not in names or not any(n.endswith("workbook.xml") for n in names):
            return fail("file-not-workbook")
        parts: dict[str, bytes] = {}
        for info in infos:
            try:
                parts[info.filename] = read_member(zf, data, info)
            except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
                return fail("file-truncated", f"{info.filename}: {_reason(exc)}")
            except (NotImplementedError, RuntimeError) as exc:
                return fail("file-unreadable", _reason(exc))
        out.saved_at = _saved_at(parts)
        try:
            out.ret = read_return(data, Package.from_parts(Path(name), data, parts, zf))
        except Exception as exc:  # calamine and lxml raise their own types on damaged content
            return fail("file-unreadable", _reason(exc))
    if out.ret is None:
        return fail("file-not-return", IDENTITY_SHEET)
    return out


def _ole_kind(data: bytes) -> tuple[str, str]:
    """(code, value) for an OLE compound file: encrypted OOXML, legacy .xls, or something else."""
    import olefile

    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
        streams = {"/".join(entry) for entry in ole.listdir(streams=True, storages=True)}
        ole.close()
    except Exception as exc:  # olefile raises several kinds on damaged files
        return "file-unreadable", _reason(exc)
    if "EncryptedPackage" in streams or "EncryptionInfo" in streams:
        return "file-encrypted", ""
    if "Workbook" in streams or "Book" in streams:
        return "file-legacy-xls", ""
    return "file-not-workbook", ""


_MODIFIED = re.compile(rb"<(?:\w+:)?modified\b[^>]*>\s*([^<]+?)\s*<")


def _saved_at(parts: dict[str, bytes]) -> str:
    """docProps/core.xml dcterms:modified (written by Excel and LibreOffice on save) as local time."""
    core = parts.get("docProps/core.xml")
    match = _MODIFIED.search(core) if core is not None else None
    if not match:
        return ""
    text = match.group(1).decode("ascii", "replace").replace("Z", "+00:00")
    try:
        stamp = dt.datetime.fromisoformat(text)
    except ValueError:
        return ""
    if stamp.tzinfo is not None:
        stamp = stamp.astimezone().replace(tzinfo=None)
    return stamp.strftime("%Y-%m-%d %H:%M:%S")


def _is_opendocument(zf: zipfile.ZipFile, names: set[str]) -> bool:
    """An OpenDocument file (LibreOffice's .ods): its first member 'mimetype' names the type."""
    if "mimetype" not in names:
        return False
    try:
        return zf.read("mimetype")[:100].startswith(b"application/vnd.oasis.opendocument")
    except Exception:  # a damaged member: not worth a different answer
        return False


# English texts of the libraries (zipfile, zlib, calamine, lxml, the OS) -> what a person can act on
_REASONS = (
    ("not a zip file", "Excel ブック（.xlsx）の形式になっていません"),
    ("badzipfile", "Excel ブック（.xlsx）の形式になっていません"),
    ("does not support", "Excel ブック（.xlsx / .xlsm）の形式ではありません"),
    ("invalidfileexception", "Excel ブック（.xlsx / .xlsm）の形式ではありません"),
    ("cannot detect file format", "Excel ブックとして形式を判別できません"),
    ("bad crc", "データの検査値が合いません（ファイルが壊れています）"),
    ("bad magic number", "ファイルの構造が壊れています"),
    ("truncated", "ファイルが途中で切れています"),
    ("unexpected end", "ファイルが途中で切れています"),
    ("eof", "ファイルが途中で切れています"),
    ("decompress", "圧縮されたデータが壊れています"),
    ("invalid stored block", "圧縮されたデータが壊れています"),
    ("invalid block type", "圧縮されたデータが壊れています"),
    ("compression", "対応していない圧縮方式で保存されています"),
    ("there is no item named", "ブックに必要な部品がありません"),
    ("ブック本体の部分がありません", "ブックに必要な部品がありません"),
    ("password", "パスワードが設定されています"),
    ("encrypt", "パスワードが設定されています"),
    ("permission denied", "読み取る権限がありません"),
    ("os error", "読み取り中に入出力エラーが起きました"),
    ("i/o error", "読み取り中に入出力エラーが起きました"),
    ("xml", "ブックの内容が壊れています"),
    ("utf-8", "ブックの内容の文字コードが壊れています"),
    ("codec", "ブックの内容の文字コードが壊れています"),
    ("calamineerror", "Excel ブックとして読めません"),
    ("zip", "Excel ブック（.xlsx）の形式になっていません"),
)


def known_reason(exc: BaseException) -> str | None:
    """A short Japanese reason for an exception a library raises on a file it cannot read or write
    (zipfile, zlib, calamine, openpyxl, lxml, the OS); None for any other exception."""
    if isinstance(exc, OSError):
        return os_reason(exc)
    lower = f"{type(exc).__name__} {exc}".lower()
    return next((japanese for needle, japanese in _REASONS if needle in lower), None)


def reason_text(exc: BaseException) -> str:
    """A short Japanese reason for an exception raised while reading a file (never English, never the
    exception's name: a reason no one foresaw reads as a reading error)."""
    return known_reason(exc) or "読み取り中にエラーが起きました"


def _reason(exc: BaseException) -> str:
    return reason_text(exc)


def read_identity(data: bytes) -> Identity | None:
    """Only the identity sheet of a return (None when the file has none or cannot be read)."""
    try:
        book = SheetValues.open(data)
    except Exception:  # calamine raises its own error types; an unreadable file has no identity
        return None
    return identity_from_rows(book.rows(IDENTITY_SHEET)) if IDENTITY_SHEET in book.names else None


def read_return(data: bytes, package: Package) -> DepartmentReturn | None:
    """The identity and entries of a returned file; None when it has no identity or data sheet."""
    book = SheetValues.open(data)
    if IDENTITY_SHEET not in book.names or DATA_SHEET not in book.names:
        return None
    identity = identity_from_rows(book.rows(IDENTITY_SHEET))
    rows = book.rows(DATA_SHEET)
    xml = package.sheet_xml(DATA_SHEET)
    formulas = input_formulas(xml) if xml is not None else {}
    merged = merged_ranges(xml) if xml is not None else ()
    errors = input_errors(xml) if xml is not None else {}
    table = parse_table(rows, identity.department, formulas, known_keys=identity.row_keys)
    return DepartmentReturn(
        identity=identity, entries=table.entries, contact_name=table.contact[0], contact_phone=table.contact[1],
        row_keys_found=table.keys, key_rows=table.key_rows, plan_cells=table.plan_cells,
        formulas=table.formulas, extra_rows=table.extra_rows, duplicate_rows=table.duplicates,
        merged_ranges=merged, error_cells=errors, layout_width=table.width, headers=table.headers,
    )
