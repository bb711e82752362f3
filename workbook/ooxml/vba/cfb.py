"""Compound file: writes a new [MS-CFB] version 3 file from a set of streams.

olefile reads compound files but cannot create them, and no maintained writer
on PyPI fits (see the notes in vbaproject.py), so this is a minimal writer:
512-byte sectors, a mini stream for streams under 4096 bytes, a FAT held in
the header's 109 DIFAT slots (files up to about 6.8 MB, far above any VBA
project), and directory trees that are valid red-black trees.
"""

from __future__ import annotations

import struct
from collections.abc import Mapping

SECTOR = 512
MINI_SECTOR = 64
MINI_CUTOFF = 4096
FREESECT = 0xFFFFFFFF
ENDOFCHAIN = 0xFFFFFFFE
FATSECT = 0xFFFFFFFD
NOSTREAM = 0xFFFFFFFF
_HEADER_DIFAT = 109
_SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")
_STORAGE, _STREAM, _ROOT = 1, 2, 5
_RED, _BLACK = 0, 1


class _Entry:
    def __init__(self, name: str, kind: int, data: bytes = b""):
        if not name or len(name) > 31 or any(c in name for c in "/\\:!"):
            raise ValueError(f"複合ファイルの要素名として使えません: {name!r}")
        self.name, self.kind, self.data = name, kind, data
        self.children: dict[str, _Entry] = {}
        self.sid = 0
        self.left = self.right = self.child = NOSTREAM
        self.color = _BLACK
        self.start = ENDOFCHAIN


def _sort_key(name: str) -> tuple[int, str]:
    # [MS-CFB] 2.6.4: shorter names sort first, then by upper-cased code points.
    return (len(name.encode("utf-16-le")), name.upper())


def _build_tree(entries: list[_Entry]) -> int:
    """Link siblings as a balanced binary search tree; return the root's id.

    The deepest level is coloured red unless it is the root: every path then
    holds the same number of black nodes, as a red-black tree requires.
    """
    ordered = sorted(entries, key=lambda e: _sort_key(e.name))
    depths: dict[int, int] = {}

    def link(lo: int, hi: int, depth: int) -> int:
        if lo >= hi:
            return NOSTREAM
        mid = (lo + hi) // 2
        node = ordered[mid]
        depths[id(node)] = depth
        node.left = link(lo, mid, depth + 1)
        node.right = link(mid + 1, hi, depth + 1)
        return node.sid

    root = link(0, len(ordered), 0)
    deepest = max(depths.values(), default=0)
    for node in ordered:
        node.color = _RED if deepest and depths[id(node)] == deepest else _BLACK
    return root


def _chain(fat: list[int], start: int, count: int) -> None:
    for i in range(count):
        fat[start + i] = start + i + 1 if i < count - 1 else ENDOFCHAIN


def _pad(data: bytes, unit: int) -> bytes:
    return data + b"\0" * (-len(data) % unit)


def _dir_entry(e: _Entry) -> bytes:
    name = e.name.encode("utf-16-le") + b"\0\0"
    size = len(e.data) if e.kind != _STORAGE else 0
    start = e.start if e.kind != _STORAGE else 0
    return struct.pack(
        "<64sHBBIII16sIQQIQ",
        name, len(name), e.kind, e.color, e.left, e.right, e.child,
        b"\0" * 16, 0, 0, 0, start, size,
    )


_FREE_ENTRY = struct.pack(
    "<64sHBBIII16sIQQIQ", b"", 0, 0, 0, NOSTREAM, NOSTREAM, NOSTREAM, b"\0" * 16, 0, 0, 0, 0, 0
)


def write_compound_file(streams: Mapping[str, bytes]) -> bytes:
    """Return a compound file holding ``streams``.

    Keys are paths with "/" between storage names, e.g. ``"VBA/dir"``; the
    storages on the way are created. Stream order does not matter: siblings are
    sorted as [MS-CFB] requires.
    """
    root = _Entry("Root Entry", _ROOT)
    for path, data in streams.items():
        *storages, leaf = path.split("/")
        parent = root
        for name in storages:
            parent = parent.children.setdefault(name, _Entry(name, _STORAGE))
            if parent.kind != _STORAGE:
                raise ValueError(f"ストリームの下には置けません: {path}")
        if leaf in parent.children:
            raise ValueError(f"同じ名前が二つあります: {path}")
        parent.children[leaf] = _Entry(leaf, _STREAM, bytes(data))

    entries: list[_Entry] = []  # directory order: root first, then depth-first

    def number(entry: _Entry) -> None:
        entry.sid = len(entries)
        entries.append(entry)
        for child in entry.children.values():
            number(child)

    number(root)
    for entry in entries:
        if entry.children:
            entry.child = _build_tree(list(entry.children.values()))

    small = [e for e in entries if e.kind == _STREAM and 0 < len(e.data) < MINI_CUTOFF]
    large = [e for e in entries if e.kind == _STREAM and len(e.data) >= MINI_CUTOFF]

    # Mini stream and its allocation table.
    mini_fat: list[int] = []
    mini_stream = bytearray()
    for e in small:
        e.start = len(mini_fat)
        count = -(-len(e.data) // MINI_SECTOR)
        mini_fat.extend([0] * count)
        _chain(mini_fat, e.start, count)
        mini_stream += _pad(e.data, MINI_SECTOR)
    root.data = bytes(mini_stream)

    # Regular sectors: large streams, mini stream, mini FAT, directory, then FAT.
    body: list[bytes] = []
    fat: list[int] = []

    def place(data: bytes) -> int:
        if not data:
            return ENDOFCHAIN
        start, count = len(fat), -(-len(data) // SECTOR)
        fat.extend([0] * count)
        _chain(fat, start, count)
        body.append(_pad(data, SECTOR))
        return start

    for e in large:
        e.start = place(e.data)
    root.start = place(root.data)
    mini_fat += [FREESECT] * (-len(mini_fat) % (SECTOR // 4))
    mini_fat_bytes = struct.pack(f"<{len(mini_fat)}I", *mini_fat)
    mini_fat_start = place(mini_fat_bytes)
    directory = b"".join(_dir_entry(e) for e in entries)
    directory += _FREE_ENTRY * (-len(entries) % (SECTOR // 128))
    dir_start = place(directory)

    data_sectors = len(fat)
    fat_sectors = 1
    while data_sectors + fat_sectors > fat_sectors * (SECTOR // 4):
        fat_sectors += 1
    if fat_sectors > _HEADER_DIFAT:
        raise ValueError("VBA プロジェクトが大きすぎます（約 6.8 MB まで）")
    fat_start = len(fat)
    fat.extend([FATSECT] * fat_sectors)
    fat.extend([FREESECT] * (fat_sectors * (SECTOR // 4) - len(fat)))

    difat = list(range(fat_start, fat_start + fat_sectors))
    difat += [FREESECT] * (_HEADER_DIFAT - len(difat))
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII",
        _SIGNATURE, b"\0" * 16, 0x003E, 0x0003, 0xFFFE, 9, 6, b"\0" * 6,
        0,                      # number of directory sectors: 0 in version 3
        fat_sectors, dir_start,
        0,                      # transaction signature
        MINI_CUTOFF,
        mini_fat_start, len(mini_fat_bytes) // SECTOR,
        ENDOFCHAIN, 0,          # no DIFAT sectors
    ) + struct.pack(f"<{_HEADER_DIFAT}I", *difat)
    return header + b"".join(body) + struct.pack(f"<{len(fat)}I", *fat)
