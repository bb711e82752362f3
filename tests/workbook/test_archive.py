"""Archive: byte-for-byte copies with SHA-256 and time received, an index, idempotent on the same bytes."""
from __future__ import annotations

import csv
import hashlib
import os

from workbook.archive import INDEX_HEADERS, INDEX_NAME, Archive


def make(tmp_path, name="報告.xlsx", data=b"PK\x03\x04 some bytes \x00\xff"):
    path = tmp_path / "inbox" / name
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(data)
    os.utime(path, (1_700_000_000, 1_700_000_000))
    return path


def test_copy_is_byte_for_byte_with_hash_time_and_index(tmp_path):
    source = make(tmp_path)
    archive = Archive(tmp_path / "受領控")
    record, data, new = archive.add(source)
    archive.save_index()
    assert new and data == source.read_bytes()
    stored = archive.path_of(record)
    assert stored.read_bytes() == source.read_bytes()
    assert record.sha256 == hashlib.sha256(source.read_bytes()).hexdigest()
    assert stored.name.endswith("_報告.xlsx") and record.sha256[:12] in stored.name
    assert record.size == source.stat().st_size and len(record.received_at) == 19
    assert stored.stat().st_mtime == source.stat().st_mtime
    with (tmp_path / "受領控" / INDEX_NAME).open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == INDEX_HEADERS
    assert rows[1][1:5] == ["報告.xlsx", stored.name, record.sha256, str(record.size)]


def test_same_bytes_are_stored_once_under_any_name(tmp_path):
    archive = Archive(tmp_path / "受領控")
    first, _, new1 = archive.add(make(tmp_path, "a.xlsx"))
    second, _, new2 = archive.add(make(tmp_path, "b.xlsx"))
    archive.save_index()
    assert new1 and not new2 and first == second
    again = Archive(tmp_path / "受領控")
    record, _, new3 = again.add(make(tmp_path, "a.xlsx"))
    assert not new3 and record == first
    files = [p for p in (tmp_path / "受領控").iterdir() if p.name != INDEX_NAME]
    assert len(files) == 1 and len(again) == 1


def test_different_bytes_are_kept_apart(tmp_path):
    archive = Archive(tmp_path / "受領控")
    a, _, _ = archive.add(make(tmp_path, "報告.xlsx", b"PK one"))
    b, _, _ = archive.add(make(tmp_path, "報告.xlsx", b"PK two"))
    assert a.sha256 != b.sha256 and archive.path_of(a) != archive.path_of(b)
    assert archive.path_of(a).read_bytes() == b"PK one" and archive.path_of(b).read_bytes() == b"PK two"


def test_missing_copy_is_stored_again_under_the_same_record(tmp_path):
    source = make(tmp_path)
    archive = Archive(tmp_path / "受領控")
    record, _, _ = archive.add(source)
    archive.save_index()
    archive.path_of(record).unlink()
    again, _, new = Archive(tmp_path / "受領控").add(source)
    assert new and again == record and archive.path_of(record).read_bytes() == source.read_bytes()


def test_lost_index_is_rebuilt_from_the_copies(tmp_path):
    archive = Archive(tmp_path / "受領控")
    record, _, _ = archive.add(make(tmp_path))
    archive.save_index()
    (tmp_path / "受領控" / INDEX_NAME).unlink()
    rebuilt = Archive(tmp_path / "受領控")
    found = rebuilt.find(record.sha256)
    assert found is not None and found.name == "報告.xlsx" and found.received_at == record.received_at
    assert (tmp_path / "受領控" / INDEX_NAME).exists()


def test_read_checks_the_hash(tmp_path):
    archive = Archive(tmp_path / "受領控")
    record, _, _ = archive.add(make(tmp_path))
    assert archive.read(record) == make(tmp_path).read_bytes()
    archive.path_of(record).write_bytes(b"changed afterwards")
    assert archive.read(record) is None
