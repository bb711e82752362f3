"""Write a package in which most members are copied from another one, still compressed.

A patch changes a few sheet parts of a master; the VBA project, styles, drawings and every other
sheet stay as they are. Inflating and deflating them again costs most of a save, so members that
do not change are copied as their compressed bytes, with the CRC and sizes the source recorded
(the local header is written anew, without a data descriptor). Changed members are compressed
as zipfile does, at zlib's default level 6 (level 1 is a few times faster, but a master patched
year after year would grow by about a third). The result is an ordinary zip that zipfile, Excel
and calamine read.
"""
from __future__ import annotations

import copy
import struct
import zipfile
from pathlib import Path

_LOCAL = struct.Struct("<4s2B4HL2L2H")     # the local file header (APPNOTE 4.3.7), 30 bytes
_DATA_DESCRIPTOR = 0x08
COMPRESS_LEVEL = 6                         # deflate level of the changed members (zlib default: no larger masters)


def raw_member(data: bytes, info: zipfile.ZipInfo) -> bytes:
    """A member's compressed bytes, as stored in the source package."""
    header = _LOCAL.unpack_from(data, info.header_offset)
    if header[0] != zipfile.stringFileHeader:
        raise zipfile.BadZipFile(f"bad local header for {info.filename}")
    start = info.header_offset + _LOCAL.size + header[10] + header[11]
    return data[start:start + info.compress_size]


def write_package(target: Path, source: bytes, infos: list[zipfile.ZipInfo], new_parts: dict[str, bytes]) -> None:
    """target: every member of infos in order; those in new_parts with their new content
    (compressed as the source member was), the others copied from source as they are."""
    with zipfile.ZipFile(target, "w", compresslevel=COMPRESS_LEVEL) as out:
        for info in infos:
            if info.filename in new_parts:
                zi = zipfile.ZipInfo(info.filename, date_time=info.date_time)
                zi.compress_type = info.compress_type
                zi.external_attr = info.external_attr
                out.writestr(zi, new_parts[info.filename])
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
