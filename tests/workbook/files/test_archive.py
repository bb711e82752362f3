"""Archive: byte-for-byte copies with SHA-256 and time received, an index, idempotent on the same bytes."""
from __future__ import annotations

import csv
import hashlib
import os

from workbook.files.archive import INDEX_HEADERS, INDEX_NAME, Archive


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


def _excel_dates(text: str) -> str:
    """What Excel does to the times when it saves the CSV again: 2025-05-01 10:00:00 -> 2025/5/1 10:00."""
    import re

    return re.sub(r"(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):\d\d",
                  lambda m: f"{m[1]}/{int(m[2])}/{int(m[3])} {int(m[4])}:{m[5]}", text)


def test_index_saved_again_by_excel_in_shift_jis_is_read(tmp_path):
    archive = Archive(tmp_path / "受領控")
    a, _, _ = archive.add(make(tmp_path, "令和6年度_進捗報告_福祉政策課.xlsx", b"PK one"))
    b, _, _ = archive.add(make(tmp_path, "報告（再提出）.xlsx", b"PK two"))
    archive.save_index()
    index = tmp_path / "受領控" / INDEX_NAME
    text = index.read_text(encoding="utf-8-sig")
    index.write_bytes(_excel_dates(text).encode("cp932"))
    again = Archive(tmp_path / "受領控")
    assert again.find(a.sha256) == a and again.find(b.sha256) == b    # times exact again, names as sent
    assert again.notes == []
    record, _, new = again.add(make(tmp_path, "a.xlsx", b"PK one"))
    assert not new and record == a


def test_unreadable_index_is_set_aside_and_rebuilt_with_a_note(tmp_path):
    archive = Archive(tmp_path / "受領控")
    record, _, _ = archive.add(make(tmp_path))
    archive.save_index()
    index = tmp_path / "受領控" / INDEX_NAME
    index.write_bytes(b"\xff\xfe\x00\xd8 not text in any encoding \x81")
    rebuilt = Archive(tmp_path / "受領控")
    assert rebuilt.find(record.sha256).received_at == record.received_at
    assert len(rebuilt.notes) == 1 and INDEX_NAME in rebuilt.notes[0]
    kept = [p for p in (tmp_path / "受領控").iterdir() if p.name.startswith("受領控一覧_読めなかった一覧_")]
    assert len(kept) == 1 and kept[0].read_bytes().startswith(b"\xff\xfe\x00\xd8")
    with index.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == INDEX_HEADERS and rows[1][3] == record.sha256
