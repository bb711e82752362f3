"""Read-back checks of a VBA project (xl/vbaProject.bin) against MS-OVBA.

The ``VBA/dir`` stream is decompressed with oletools and walked record by record against the
grammar of MS-OVBA 2.3.4.2 (PROJECTINFORMATION, PROJECTREFERENCES, PROJECTMODULES, terminator).
The walker is written here from the specification; only decompression comes from oletools.
"""
from __future__ import annotations

import io
import re
import struct

import olefile
from oletools.olevba import VBA_Parser, decompress_stream

# id -> (name, fixed size or None)
RECORDS = {
    0x0001: ("SYSKIND", 4), 0x004A: ("COMPATVERSION", 4), 0x0002: ("LCID", 4),
    0x0014: ("LCIDINVOKE", 4), 0x0003: ("CODEPAGE", 2), 0x0004: ("NAME", None),
    0x0005: ("DOCSTRING", None), 0x0040: ("DOCSTRING unicode", None),
    0x0006: ("HELPFILEPATH", None), 0x003D: ("HELPFILEPATH 2", None),
    0x0007: ("HELPCONTEXT", 4), 0x0008: ("LIBFLAGS", 4), 0x0009: ("VERSION", 6),
    0x000C: ("CONSTANTS", None), 0x003C: ("CONSTANTS unicode", None),
    0x0016: ("REFERENCENAME", None), 0x003E: ("REFERENCENAME unicode", None),
    0x0033: ("REFERENCEORIGINAL", None), 0x002F: ("REFERENCECONTROL", None),
    0x0030: ("REFERENCECONTROL extended", None), 0x000D: ("REFERENCEREGISTERED", None),
    0x000E: ("REFERENCEPROJECT", None), 0x000F: ("PROJECTMODULES", 2),
    0x0013: ("PROJECTCOOKIE", 2), 0x0019: ("MODULENAME", None), 0x0047: ("MODULENAMEUNICODE", None),
    0x001A: ("MODULESTREAMNAME", None), 0x0032: ("MODULESTREAMNAME unicode", None),
    0x001C: ("MODULEDOCSTRING", None), 0x0048: ("MODULEDOCSTRING unicode", None),
    0x0031: ("MODULEOFFSET", 4), 0x001E: ("MODULEHELPCONTEXT", 4), 0x002C: ("MODULECOOKIE", 2),
    0x0021: ("MODULETYPE procedural", 0), 0x0022: ("MODULETYPE document/class", 0),
    0x0025: ("MODULEREADONLY", 0), 0x0028: ("MODULEPRIVATE", 0), 0x002B: ("MODULE terminator", 0),
    0x0010: ("dir terminator", 0),
}
# Records that are a (MBCS string, UTF-16LE string) pair.
PAIRS = {0x0005: 0x0040, 0x0006: 0x003D, 0x000C: 0x003C, 0x0016: 0x003E, 0x001A: 0x0032, 0x001C: 0x0048}


class DirError(Exception):
    pass


def records(data: bytes) -> list[tuple[int, bytes]]:
    """Split a decompressed dir stream into (id, payload). PROJECTVERSION's size field is the
    constant 4 although 6 bytes follow it (MS-OVBA 2.3.4.2.1.11)."""
    out, pos = [], 0
    while pos < len(data):
        if pos + 6 > len(data):
            raise DirError(f"truncated record header at offset {pos}")
        rid, size = struct.unpack_from("<HI", data, pos)
        if rid == 0x0009:
            if size != 4:
                raise DirError(f"VERSION: Reserved field is {size}, must be 4")
            size = 6
        if pos + 6 + size > len(data):
            raise DirError(f"record 0x{rid:04X} at offset {pos} runs past the end of the stream")
        out.append((rid, bytes(data[pos + 6:pos + 6 + size])))
        pos += 6 + size
    return out


class _Walker:
    def __init__(self, recs):
        self.recs, self.i, self.codepage = recs, 0, 1252

    def peek(self):
        return self.recs[self.i][0] if self.i < len(self.recs) else None

    def take(self, *ids):
        rid = self.peek()
        if rid not in ids:
            got = "end of stream" if rid is None else f"0x{rid:04X} {RECORDS.get(rid, ('unknown',))[0]}"
            want = " or ".join(f"0x{i:04X} {RECORDS[i][0]}" for i in ids)
            raise DirError(f"record #{self.i}: expected {want}, found {got}")
        _, payload = self.recs[self.i]
        fixed = RECORDS[rid][1]
        if fixed is not None and len(payload) != fixed:
            raise DirError(f"{RECORDS[rid][0]}: size {len(payload)}, must be {fixed}")
        self.i += 1
        return payload

    def optional(self, rid):
        return self.take(rid) if self.peek() == rid else None

    def pair(self, rid):
        """An MBCS string record followed by its UTF-16LE twin; both must say the same."""
        text = self.take(rid).decode(f"cp{self.codepage}")
        twin = self.take(PAIRS[rid])
        if len(twin) % 2:
            raise DirError(f"{RECORDS[PAIRS[rid]][0]}: odd size {len(twin)}")
        if twin.decode("utf-16-le") != text:
            raise DirError(f"{RECORDS[rid][0]} '{text}' and its unicode twin differ")
        return text


def walk_dir(data: bytes) -> dict:
    """Walk a decompressed dir stream; return the project facts or raise DirError."""
    w = _Walker(records(data))
    syskind = struct.unpack("<I", w.take(0x0001))[0]
    if syskind > 3:
        raise DirError(f"SYSKIND {syskind} is not 0..3")
    w.optional(0x004A)
    w.take(0x0002)
    w.take(0x0014)
    w.codepage = struct.unpack("<H", w.take(0x0003))[0]
    name = w.take(0x0004)
    if not 1 <= len(name) <= 128:
        raise DirError(f"NAME: size {len(name)} not in 1..128")
    w.pair(0x0005)
    w.pair(0x0006)
    w.take(0x0007)
    w.take(0x0008)
    w.take(0x0009)
    w.pair(0x000C)
    references = []
    while w.peek() in (0x0016, 0x0033, 0x002F, 0x000D, 0x000E):
        ref = w.pair(0x0016) if w.peek() == 0x0016 else None
        kind = w.take(0x0033, 0x002F, 0x000D, 0x000E)
        if w.recs[w.i - 1][0] == 0x0033:  # an original reference precedes its control reference
            w.take(0x002F)
        if w.recs[w.i - 1][0] == 0x002F:
            if w.peek() == 0x0016:
                w.pair(0x0016)
            w.take(0x0030)
        references.append((ref, kind))
    count = struct.unpack("<H", w.take(0x000F))[0]
    w.take(0x0013)
    modules = []
    for _ in range(count):
        module = {"name": w.take(0x0019).decode(f"cp{w.codepage}")}
        unicode_name = w.optional(0x0047)
        if unicode_name is not None and unicode_name.decode("utf-16-le") != module["name"]:
            raise DirError(f"MODULENAMEUNICODE of '{module['name']}' differs")
        module["stream"] = w.pair(0x001A)
        w.pair(0x001C)
        module["offset"] = struct.unpack("<I", w.take(0x0031))[0]
        w.take(0x001E)
        w.take(0x002C)
        module["procedural"] = w.peek() == 0x0021
        w.take(0x0021, 0x0022)
        w.optional(0x0025)
        w.optional(0x0028)
        w.take(0x002B)
        modules.append(module)
    if w.peek() in (0x0019, 0x0047):
        raise DirError(f"PROJECTMODULES count {count} is less than the modules that follow")
    w.take(0x0010)
    if w.i != len(w.recs):
        raise DirError(f"{len(w.recs) - w.i} records after the dir terminator")
    return {"codepage": w.codepage, "modules": modules, "references": references}


def streams(data: bytes) -> dict[str, bytes]:
    with olefile.OleFileIO(io.BytesIO(data)) as ole:
        return {"/".join(path): ole.openstream(path).read() for path in ole.listdir()}


def project_entries(project_stream: bytes, codepage: int = 1252) -> list[tuple[str, str]]:
    """(kind, name) of the Module=/Document=/Class=/BaseClass= lines of the PROJECT stream."""
    text = project_stream.decode(f"cp{codepage}", errors="replace").split("\r\n\r\n", 1)[0]
    return [(m.group(1), m.group(2)) for m in
            re.finditer(r"^(Module|Document|Class|BaseClass)=([^/\r\n]+)", text, re.M)]


def document_modules(data: bytes) -> list[str]:
    return [name for kind, name in project_entries(streams(data).get("PROJECT", b"")) if kind == "Document"]


def check_streams(ole: dict[str, bytes]) -> list[str]:
    """Findings for the streams of a VBA project storage."""
    found = []
    head = ole.get("VBA/_VBA_PROJECT", b"")
    if len(head) < 7 or struct.unpack_from("<HHB", head) != (0x61CC, 0xFFFF, 0):
        found.append("VBA/_VBA_PROJECT: header is not CC61 FFFF 00")
    if "VBA/dir" not in ole:
        return found + ["VBA/dir: missing"]
    try:
        project = walk_dir(decompress_stream(bytearray(ole["VBA/dir"])))
    except DirError as exc:
        return found + [f"VBA/dir: {exc}"]
    except Exception as exc:  # noqa: BLE001 - a broken container is a finding, not a crash
        return found + [f"VBA/dir: cannot decompress: {exc!r}"]
    codepage = project["codepage"]
    for module in project["modules"]:
        path = "VBA/" + module["stream"]
        if path not in ole:
            found.append(f"{path}: module stream named in dir is missing")
            continue
        if module["offset"] >= len(ole[path]):
            found.append(f"{path}: MODULEOFFSET {module['offset']} is past the stream end")
            continue
        try:
            source = decompress_stream(bytearray(ole[path][module["offset"]:])).decode(f"cp{codepage}")
        except Exception as exc:  # noqa: BLE001
            found.append(f"{path}: source does not decompress/decode: {exc!r}")
            continue
        if f'Attribute VB_Name = "{module["name"]}"' not in source:
            found.append(f"{path}: source lacks Attribute VB_Name = \"{module['name']}\"")
    entries = project_entries(ole.get("PROJECT", b""), codepage)
    listed = {name: kind for kind, name in entries}
    for module in project["modules"]:
        kind = listed.get(module["name"])
        if kind is None:
            found.append(f"PROJECT: module '{module['name']}' of dir is not listed")
        elif module["procedural"] != (kind == "Module"):
            found.append(f"PROJECT: '{module['name']}' is listed as {kind} but dir says "
                         f"{'procedural' if module['procedural'] else 'document/class'}")
    for name in set(listed) - {m["name"] for m in project["modules"]}:
        found.append(f"PROJECT: '{name}' is listed but has no dir module record")
    return found


def check_project(data: bytes) -> list[str]:
    """All findings for a vbaProject.bin, including an independent read-back through olevba."""
    try:
        ole = streams(data)
    except Exception as exc:  # noqa: BLE001
        return [f"not an OLE compound file: {exc!r}"]
    found = check_streams(ole)
    try:
        parsed = VBA_Parser("vbaProject.bin", data=data)
        read_back = {stream for _, stream, _, _ in parsed.extract_macros()}
        parsed.close()
    except Exception as exc:  # noqa: BLE001
        return found + [f"olevba cannot read the project: {exc!r}"]
    module_streams = {n for n in ole if n.startswith("VBA/") and n.split("/")[1] not in
                      ("dir", "_VBA_PROJECT") and not n.split("/")[1].startswith("__SRP_")}
    if read_back != module_streams:
        found.append(f"olevba reads modules {sorted(read_back)}, the storage has {sorted(module_streams)}")
    return found
