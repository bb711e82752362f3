"""Archive (受領控): every received file kept byte for byte, with its SHA-256 and when it came.

A file is stored as <folder>/<YYYYMMDD_HHMMSS>_<first 12 of SHA-256>_<original name> and listed in
受領控一覧.csv (UTF-8 with BOM, so Excel opens it; one saved again by Excel, in Shift_JIS and with its
own date format, is read too, and an index that cannot be read is rebuilt from the stored files). The same bytes are stored once: receiving them
again, under any name, gives back the first record, so collecting the same inbox twice adds nothing.
The archive is never edited afterwards; collect reads returns from it, not from the inbox.
"""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import os
import re
from dataclasses import dataclass, fields
from pathlib import Path

from workbook.domain.normalize import decode_japanese_text
from workbook.ooxml.save import move, replace_atomically

INDEX_NAME = "受領控一覧.csv"
INDEX_HEADERS = ["受信日時", "元のファイル名", "保存名", "SHA-256", "バイト数", "ファイル更新日時"]
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
MAX_IN_MEMORY = 64 * 1024 * 1024   # larger files are copied in chunks and not read (intake refuses them)
_STORED = re.compile(r"^(\d{8}_\d{6})_([0-9a-f]{12})_(.+)$")


@dataclass(frozen=True)
class ArchiveRecord:
    received_at: str     # when the add-on first received these bytes (local time, seconds)
    name: str            # the file name it came with
    stored: str          # its name inside the archive folder
    sha256: str
    size: int
    modified: str        # the received file's modification time on disk (local time)


_FIELDS = [f.name for f in fields(ArchiveRecord)]    # the index's columns, in order


def now_text() -> str:
    return dt.datetime.now().strftime(TIME_FORMAT)


class Archive:
    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.records: dict[str, ArchiveRecord] = {}
        self.notes: list[str] = []     # what the person should know about the index (Japanese)
        self._dirty = False
        index = self.folder / INDEX_NAME
        if index.exists():
            if not self._load(index):
                kept = self._set_aside(index)
                self._rebuild()
                self.notes.append(f"受領控の一覧 {INDEX_NAME} を読めなかったため、保管ファイルから作り直しました"
                                  + (f"（元の一覧は {kept.name} として残しました）。" if kept else "。"))
        elif self.folder.exists():
            self._rebuild()

    def __len__(self) -> int:
        return len(self.records)

    def path_of(self, record: ArchiveRecord) -> Path:
        return self.folder / record.stored

    def find(self, sha256: str) -> ArchiveRecord | None:
        return self.records.get(sha256)

    def add(self, path: Path) -> tuple[ArchiveRecord, bytes | None, bool]:
        """Store a received file; (record, its bytes or None when too large to read, newly stored?).

        Call save_index() after a batch. A copy is written to a temporary name and renamed, and its
        hash checked; an interrupted run leaves at most a copy the next run writes again (a record
        whose copy is missing or of the wrong size is stored anew), and the inbox still has the file.
        """
        path = Path(path)
        stat = path.stat()
        data = path.read_bytes() if stat.st_size <= MAX_IN_MEMORY else None
        sha = hashlib.sha256(data).hexdigest() if data is not None else _hash_file(path)
        record = self.records.get(sha)
        if record is not None and self._intact(record):
            return record, data, False
        modified = dt.datetime.fromtimestamp(stat.st_mtime).strftime(TIME_FORMAT)
        received = record.received_at if record else now_text()
        stored = record.stored if record else _stored_name(received, sha, path.name)
        target = self.folder / stored     # replace_atomically makes the folder
        if data is not None:
            replace_atomically(target, data=data, times=(stat.st_atime, stat.st_mtime))
        else:
            def write(tmp: Path) -> None:
                with tmp.open("wb") as out, path.open("rb") as src:
                    while chunk := src.read(1 << 20):
                        out.write(chunk)
                os.utime(tmp, (stat.st_atime, stat.st_mtime))

            replace_atomically(target, write)
        # the copy read back from disk: the same bytes as received (hashed when too large to hold)
        if (target.read_bytes() != data) if data is not None else (_hash_file(target) != sha):
            raise OSError(f"受領控 {target} の内容が受け取ったファイルと一致しません。")
        record = record or ArchiveRecord(received, path.name, stored, sha, stat.st_size, modified)
        self.records[sha] = record
        self._dirty = True
        return record, data, True

    def read(self, record: ArchiveRecord) -> bytes | None:
        """The archived bytes (None when missing, changed, or too large to read)."""
        path = self.path_of(record)
        if not path.exists() or path.stat().st_size > MAX_IN_MEMORY:
            return None
        data = path.read_bytes()
        return data if hashlib.sha256(data).hexdigest() == record.sha256 else None

    def _intact(self, record: ArchiveRecord) -> bool:
        path = self.path_of(record)
        return path.exists() and path.stat().st_size == record.size

    # --- the index --------------------------------------------------------------------------
    def _load(self, index: Path) -> bool:
        """Read the index; False when it cannot be read at all (the caller rebuilds it).

        Excel saves a CSV it opened in Shift_JIS (cp932) and rewrites dates as 2025/5/1 10:00, so
        the encoding is tried in turn, and the received time is taken from the stored name, the
        rest from the stored file when the text is not as written here.
        """
        try:
            raw = index.read_bytes()
        except OSError:
            return False
        text = decode_japanese_text(raw)
        if text is None:
            return False
        try:
            rows = list(csv.reader(io.StringIO(text, newline="")))
        except csv.Error:
            return False
        if not rows or [c.strip() for c in rows[0][:len(INDEX_HEADERS)]] != INDEX_HEADERS:
            return False
        for row in rows[1:]:
            if len(row) < len(INDEX_HEADERS):
                continue
            record = self._record(row)
            if record is not None:
                self.records[record.sha256] = record
        return True

    def _record(self, row: list[str]) -> ArchiveRecord | None:
        received, name, stored, sha, size, modified = (c.strip() for c in row[:len(INDEX_HEADERS)])
        match = _STORED.match(stored)
        path = self.folder / stored
        if match:
            received = dt.datetime.strptime(match.group(1), "%Y%m%d_%H%M%S").strftime(TIME_FORMAT)
        if not re.fullmatch(r"[0-9a-f]{64}", sha):     # e.g. turned into a number by a spreadsheet
            if not (match and path.is_file()):
                return None
            sha = _hash_file(path)
            if not sha.startswith(match.group(2)):
                return None
        if not _is_time(received):
            return None
        if not (size.isdigit() and _is_time(modified)) and path.is_file():
            stat = path.stat()
            size, modified = str(stat.st_size), dt.datetime.fromtimestamp(stat.st_mtime).strftime(TIME_FORMAT)
        digits = "".join(ch for ch in size if ch.isdigit())
        return ArchiveRecord(received, name, stored, sha, int(digits or 0), modified if _is_time(modified) else "")

    def _set_aside(self, index: Path) -> Path | None:
        """Keep an unreadable index under another name before it is written again."""
        target = index.with_name(f"{index.stem}_読めなかった一覧_{dt.datetime.now():%Y%m%d_%H%M%S}{index.suffix}")
        try:
            move(index, target)
        except OSError:
            return None
        return target

    def _rebuild(self) -> None:
        """Index lost: list the stored files again from their names and contents."""
        for path in sorted(self.folder.iterdir()):
            match = _STORED.match(path.name)
            if not match or not path.is_file():
                continue
            sha = _hash_file(path)
            if sha.startswith(match.group(2)) and sha not in self.records:
                received = dt.datetime.strptime(match.group(1), "%Y%m%d_%H%M%S").strftime(TIME_FORMAT)
                modified = dt.datetime.fromtimestamp(path.stat().st_mtime).strftime(TIME_FORMAT)
                self.records[sha] = ArchiveRecord(received, match.group(3), path.name, sha, path.stat().st_size,
                                                  modified)
        if self.records:
            self._save()

    def save_index(self) -> None:
        if self._dirty:
            self._save()
            self._dirty = False

    def _save(self) -> None:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(INDEX_HEADERS)
        for record in sorted(self.records.values(), key=lambda r: (r.received_at, r.stored)):
            writer.writerow([getattr(record, name) for name in _FIELDS])
        text = buffer.getvalue()
        replace_atomically(self.folder / INDEX_NAME,
                           lambda tmp: tmp.write_text(text, encoding="utf-8-sig", newline=""))


def _is_time(text: str) -> bool:
    try:
        dt.datetime.strptime(text, TIME_FORMAT)
    except ValueError:
        return False
    return True


def _stored_name(received: str, sha: str, name: str) -> str:
    """received: a time as now_text() gives it ('2025-05-01 10:00:00' -> stamp '20250501_100000')."""
    stamp = received.replace("-", "").replace(":", "").replace(" ", "_")
    stem, suffix = os.path.splitext(name)
    return f"{stamp}_{sha[:12]}_{stem[:80]}{suffix[:16]}"  # names stay well under 255 bytes


def _hash_file(path: Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()
