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

_LOCAL = struct.Struct("<4s2B4HL2L2H")     # the local file header (APPNOTE 4.3.7), 30 bytes
_DATA_DESCRIPTOR = 0x08
COMPRESS_LEVEL = 1                         # deflate level of the changed members


def raw_member(data: bytes, info: zipfile.ZipInfo) -> bytes:
    """A member's compressed bytes, as stored in the source package."""
    header = _LOCAL.unpack_from(data, info.header_offset)
    if header[0] != zipfile.stringFileHeader:
        raise zipfile.BadZipFile(f"bad local header for {info.filename}")
    start = info.header_offset + _LOCAL.size + header[10] + header[11]
    return data[start:start + info.compress_size]


def _deflate(data: bytes) -> bytes:
    """A member's content as raw deflate data (what a zip member holds)."""
    deflate = zlib.compressobj(COMPRESS_LEVEL, zlib.DEFLATED, -15)
    return deflate.compress(data) + deflate.flush()


def write_package(target: Path, source: bytes, infos: list[zipfile.ZipInfo], new_parts: dict[str, bytes]) -> None:
    """target: every member of infos in order; those in new_parts with their new content
    (compressed as the source member was), the others copied from source as they are."""
    deflated = [i.filename for i in infos if i.filename in new_parts and i.compress_type == zipfile.ZIP_DEFLATED]
    with ThreadPoolExecutor(max_workers=max(1, min(4, os.cpu_count() or 1))) as pool:
        raw = dict(zip(deflated, pool.map(_deflate, [new_parts[name] for name in deflated])))
    with zipfile.ZipFile(target, "w", compresslevel=COMPRESS_LEVEL) as out:
        for info in infos:
            name = info.filename
            if name in raw:
                data = new_parts[name]
                zi = zipfile.ZipInfo(name, date_time=info.date_time)
                zi.compress_type = zipfile.ZIP_DEFLATED
                zi.external_attr = info.external_attr
                zi.file_size, zi.compress_size, zi.CRC = len(data), len(raw[name]), zlib.crc32(data)
                _copy_raw(out, zi, raw[name])
            elif name in new_parts:          # a member stored without compression stays so
                zi = zipfile.ZipInfo(name, date_time=info.date_time)
                zi.compress_type = info.compress_type
                zi.external_attr = info.external_attr
                out.writestr(zi, new_parts[name])
            else:
                _copy_raw(out, info, raw_member(source, info))


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
