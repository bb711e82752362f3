"""Write a package in which most members are copied from another one, still compressed.

A patch changes a few sheet parts of a master; the VBA project, styles, drawings and every other
sheet stay as they are. Inflating and deflating them again costs most of a save, so members that
do not change are copied as their compressed bytes, with the CRC and sizes the source recorded
(the local header is written anew, without a data descriptor). Changed members are deflated
at zlib's level 1, on as many threads as there are cores (zlib lets go of the GIL while it
compresses): a few times faster than the default level 6, for changed parts about a sixth larger
(Excel compresses the whole file again whenever it saves it). The result is an ordinary zip that
zipfile, Excel and calamine read.
"""
from __future__ import annotations

import copy
import os
import struct
import zipfile
import zlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Callable

_LOCAL = struct.Struct("<4s2B4HL2L2H")     # the local file header (APPNOTE 4.3.7), 30 bytes
_DATA_DESCRIPTOR = 0x08
COMPRESS_LEVEL = 1                         # deflate level of the changed members


def _local_header(data: bytes, info: zipfile.ZipInfo) -> tuple[tuple, int]:
    """(a member's local file header, where its compressed data starts), checked as zipfile checks them."""
    if info.header_offset + _LOCAL.size > len(data):
        raise zipfile.BadZipFile("Truncated file header")
    header = _LOCAL.unpack_from(data, info.header_offset)
    if header[0] != zipfile.stringFileHeader:
        raise zipfile.BadZipFile("Bad magic number for file header")
    return header, info.header_offset + _LOCAL.size + header[10] + header[11]


def raw_member(data: bytes, info: zipfile.ZipInfo) -> bytes:
    """A member's compressed bytes, as stored in the source package."""
    start = _local_header(data, info)[1]
    return data[start:start + info.compress_size]


_PLAIN = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
_UNUSUAL_FLAGS = 0x01 | 0x20 | 0x40         # encrypted, compressed patched data, strong encryption
_UTF8_NAME = 0x800


def read_member(zf: zipfile.ZipFile, data: bytes, info: zipfile.ZipInfo) -> bytes:
    """What zf.read(info) gives, inflated straight from the package's bytes in memory: the same checks
    (the local header and the name in it, the compressed data all there, the declared size, the CRC)
    and the same exceptions, without zipfile's file objects for each member (most of the time a
    return's many small members take). A member neither stored nor deflated, or flagged encrypted,
    goes through zipfile."""
    if info.compress_type not in _PLAIN or info.flag_bits & _UNUSUAL_FLAGS:
        return zf.read(info)
    header, start = _local_header(data, info)
    name = data[info.header_offset + _LOCAL.size:info.header_offset + _LOCAL.size + header[10]]
    if header[3] & _UTF8_NAME:
        text = name.decode("utf-8")
    else:
        text = name.decode(getattr(zf, "metadata_encoding", None) or "cp437")
    if text != info.orig_filename:
        raise zipfile.BadZipFile(f"File name in directory {info.orig_filename!r} and header {name!r} differ.")
    end = getattr(info, "_end_offset", None)          # Pythons that refuse overlapping members
    if end is not None and start + info.compress_size > end:
        raise zipfile.BadZipFile(f"Overlapped entries: {info.orig_filename!r} (possible zip bomb)")
    raw = data[start:start + info.compress_size]
    if len(raw) < info.compress_size:
        raise EOFError
    if info.compress_type == zipfile.ZIP_DEFLATED:
        out = zlib.decompressobj(-15).decompress(raw, info.file_size + 1)   # never past the declared size
    else:
        out = raw[:info.file_size]
    if len(out) != info.file_size or zlib.crc32(out) != info.CRC:
        raise zipfile.BadZipFile(f"Bad CRC-32 for file {info.filename!r}")
    return out


def _deflate(data: bytes) -> tuple[bytes, int]:
    """A member's content as raw deflate data (what a zip member holds), and its CRC."""
    deflate = zlib.compressobj(COMPRESS_LEVEL, zlib.DEFLATED, -15)
    return deflate.compress(data) + deflate.flush(), zlib.crc32(data)


def write_package(target: Path, source: bytes, infos: list[zipfile.ZipInfo],
                  new_parts: dict[str, bytes | Callable[[], bytes]]) -> dict[str, bytes]:
    """target: every member of infos in order; those in new_parts with their new content
    (compressed as the source member was), the others copied from source as they are.

    A new part may be given as the function that makes it (a sheet's tobytes): the parts are made
    one after another here while those made before are deflated on the other threads. Returns the
    new parts' content."""
    deflated = {i.filename for i in infos if i.filename in new_parts and i.compress_type == zipfile.ZIP_DEFLATED}
    made, jobs = {}, {}
    with ThreadPoolExecutor(max_workers=max(1, min(4, os.cpu_count() or 1))) as pool:
        for name, part in new_parts.items():
            data = made[name] = part() if callable(part) else part
            if name in deflated:
                jobs[name] = pool.submit(_deflate, data)
        raw = {name: job.result() for name, job in jobs.items()}
    with zipfile.ZipFile(target, "w", compresslevel=COMPRESS_LEVEL) as out:
        for info in infos:
            name = info.filename
            if name not in new_parts:
                _copy_raw(out, info, raw_member(source, info))
                continue
            zi = zipfile.ZipInfo(name, date_time=info.date_time)
            zi.compress_type = info.compress_type
            zi.external_attr = info.external_attr
            if name in raw:                  # deflated on the threads
                data, (compressed, crc) = made[name], raw[name]
                zi.file_size, zi.compress_size, zi.CRC = len(data), len(compressed), crc
                _copy_raw(out, zi, compressed)
            else:                            # a member stored without compression stays so
                out.writestr(zi, made[name])
    return made


def _copy_raw(out: zipfile.ZipFile, info: zipfile.ZipInfo, raw: bytes) -> None:
    """What ZipFile.writestr does (zipfile._ZipWriteFile), with bytes already compressed."""
    zi = copy.copy(info)
    zi.flag_bits &= ~_DATA_DESCRIPTOR        # CRC and sizes go into the local header
    zi.extra = b""
    zi.header_offset = out.fp.tell()
    out.fp.write(zi.FileHeader(zip64=False))
    out.fp.write(raw)
    out.start_dir = out.fp.tell()
    out.filelist.append(zi)
    out.NameToInfo[zi.filename] = zi
    out._didModify = True
