"""VBA project: builds a vbaProject.bin from module source text, per [MS-OVBA].

The project carries source only: its _VBA_PROJECT stream is the 7-byte form
[MS-OVBA] 2.3.4.1 prescribes for writers (version 0xFFFF, no performance
cache) and every module's source starts at offset 0, so the host has no
compiled state to use and compiles the modules from source. The
quickstart_standalone.xlsm that xlwings ships carries the same 7 bytes.

Library choice (checked on PyPI): ms-ovba 0.0.1 writes scratch files into the
working folder, has no class modules and imports an undeclared package;
ms-cfb 0.0.6 reads streams from files on disk and also writes scratch files;
cfbwrite 1.0.1 is AGPL-3.0; cfb 0.9.3 and olefile only read. So the
compression, the dir stream and the compound file (cfb.py) are written here,
and checked in tests against oletools, an independent reader.
"""

from __future__ import annotations

import codecs
import hashlib
import re
import struct
from collections.abc import Sequence
from pathlib import Path

from workbook.ooxml.vba.cfb import write_compound_file
from workbook.errors import AddonError

_CHUNK = 4096
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,30}")
_WORKBOOK_BASE = '"0{00020819-0000-0000-C000-000000000046}"'
_WORKSHEET_BASE = '"0{00020820-0000-0000-C000-000000000046}"'
_CLASS_BASE = '"0{FCFB3D2A-A0FA-1068-A738-08002B3371B5}"'
# The two references every workbook Excel creates carries (stdole, Office).
_REFERENCES = (
    ("stdole", "*\\G{00020430-0000-0000-C000-000000000046}#2.0#0"
               "#C:\\Windows\\System32\\stdole2.tlb#OLE Automation"),
    ("Office", "*\\G{2DF8D04C-5BFA-101B-BDE5-00AA0044DE52}#2.0#0"
               "#C:\\Program Files\\Common Files\\Microsoft Shared\\OFFICE16\\MSO.DLL"
               "#Microsoft Office 16.0 Object Library"),
)
_VBA_PROJECT_STREAM = bytes.fromhex("CC61FFFF000100")  # version 0xFFFF: no cache


# ---- [MS-OVBA] 2.4.1 compression ------------------------------------------

def compress(data: bytes) -> bytes:
    """Compress ``data`` into an [MS-OVBA] CompressedContainer."""
    out = bytearray(b"\x01")
    for start in range(0, len(data), _CHUNK):
        chunk = data[start:start + _CHUNK]
        body = _compress_chunk(chunk)
        if len(body) <= _CHUNK:
            out += struct.pack("<H", 0xB000 | (len(body) - 1)) + body
        else:  # a raw chunk is always 4096 bytes (2.4.1.3.7): pad a short last one
            out += struct.pack("<H", 0x3FFF) + chunk.ljust(_CHUNK, b"\0")
    return bytes(out)


def _compress_chunk(chunk: bytes) -> bytes:
    """Compress one chunk of at most 4096 bytes into tokens (2.4.1.3.7 to .3.10)."""
    out = bytearray()
    seen: dict[bytes, list[int]] = {}  # 3-byte prefix -> earlier positions in the chunk
    indexed = pos = 0
    end = len(chunk)
    while pos < end:
        flag_at, flags = len(out), 0
        out.append(0)
        for bit in range(8):
            if pos >= end:
                break
            bit_count = max((pos - 1).bit_length(), 4) if pos else 4
            max_len = (0xFFFF >> bit_count) + 3
            best_len = best_at = 0
            for cand in reversed(seen.get(chunk[pos:pos + 3], ())[-64:]):
                n = 0
                while n < max_len and pos + n < end and chunk[cand + n] == chunk[pos + n]:
                    n += 1
                if n > best_len:
                    best_len, best_at = n, cand
            if best_len >= 3:
                out += struct.pack("<H", ((pos - best_at - 1) << (16 - bit_count)) | (best_len - 3))
                flags |= 1 << bit
                pos += best_len
            else:
                out.append(chunk[pos])
                pos += 1
            for p in range(indexed, min(pos, end - 2)):
                seen.setdefault(chunk[p:p + 3], []).append(p)
            indexed = pos
        out[flag_at] = flags
    return bytes(out)


# ---- [MS-OVBA] 2.4.3 data encryption (CMG, DPB, GC in the PROJECT stream) --

def _encrypt(project_id: str, data: bytes, seed: int) -> str:
    version, key = 2, sum(project_id.encode("ascii")) & 0xFF
    out = [seed, seed ^ version, seed ^ key]
    unencrypted1, encrypted1, encrypted2 = key, seed ^ key, seed ^ version
    ignored = [seed] * ((seed & 6) // 2)
    for byte in [*ignored, *struct.pack("<I", len(data)), *data]:
        enc = byte ^ ((encrypted2 + unencrypted1) & 0xFF)
        out.append(enc)
        encrypted2, encrypted1, unencrypted1 = encrypted1, enc, byte
    return bytes(out).hex().upper()


# ---- module source ------------------------------------------------------------

def _split_header(text: str) -> tuple[dict[str, str], list[str]]:
    """Return (module attributes, code lines) of a module as VBE exports it."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    i = 0
    if lines and lines[0].startswith("VERSION "):  # exported .cls header
        i = 1
        if i < len(lines) and lines[i].strip() == "BEGIN":
            while i < len(lines) and lines[i].strip() != "END":
                i += 1
            i += 1
    attributes: dict[str, str] = {}
    while i < len(lines) and (m := re.match(r"Attribute (VB_\w+) = (.*)$", lines[i])):
        attributes[m[1]] = m[2]
        i += 1
    return attributes, lines[i:]


def _source(name: str, text: str, kind: str) -> str:
    attributes, code = _split_header(text)
    fixed = {"VB_Name": f'"{name}"'}
    if kind == "class":
        fixed |= {"VB_Base": _CLASS_BASE, "VB_GlobalNameSpace": "False", "VB_Creatable": "False",
                  "VB_PredeclaredId": "False", "VB_Exposed": "False",
                  "VB_TemplateDerived": "False", "VB_Customizable": "False"}
        fixed |= {k: v for k, v in attributes.items() if k in fixed and k != "VB_Name"}
    extra = {k: v for k, v in attributes.items() if k not in fixed}
    lines = [f"Attribute {k} = {v}" for k, v in (fixed | extra).items()] + code
    source = "\r\n".join(lines)
    return source if source.endswith("\r\n") else source + "\r\n"


def _document_source(name: str, base: str) -> str:
    """An empty document module, with the attributes Excel gives it."""
    return "".join(f"Attribute {k} = {v}\r\n" for k, v in (
        ("VB_Name", f'"{name}"'), ("VB_Base", base), ("VB_GlobalNameSpace", "False"),
        ("VB_Creatable", "False"), ("VB_PredeclaredId", "True"), ("VB_Exposed", "True"),
        ("VB_TemplateDerived", "False"), ("VB_Customizable", "True")))


def _encode(text: str, codec: str, what: str) -> bytes:
    try:
        return text.encode(codec)
    except UnicodeEncodeError as e:
        raise ValueError(f"{what} に、コードページ {codec} で表せない文字 {e.object[e.start]!r} があります") from e


# ---- streams ---------------------------------------------------------------------

def _record(rid: int, payload: bytes = b"") -> bytes:
    return struct.pack("<HI", rid, len(payload)) + payload


def _dir_stream(project_name: str, modules: list[tuple[str, str]], codepage: int, codec: str) -> bytes:
    name = project_name.encode(codec)
    out = bytearray()
    out += _record(0x01, struct.pack("<I", 3))          # SYSKIND: 64-bit Windows
    out += _record(0x02, struct.pack("<I", 0x409))      # LCID (MUST be 0x409)
    out += _record(0x14, struct.pack("<I", 0x409))      # LCIDINVOKE
    out += _record(0x03, struct.pack("<H", codepage))   # CODEPAGE
    out += _record(0x04, name)
    out += _record(0x05) + _record(0x40)                # DOCSTRING, unicode
    out += _record(0x06) + _record(0x3D)                # HELPFILEPATH 1 and 2
    out += _record(0x07, struct.pack("<I", 0))          # HELPCONTEXT
    out += _record(0x08, struct.pack("<I", 0))          # LIBFLAGS
    out += struct.pack("<HIIH", 0x09, 4, 0x68FBFAC5, 4)  # VERSION (as Excel wrote it)
    out += _record(0x0C) + _record(0x3C)                # CONSTANTS
    for ref_name, libid in _REFERENCES:
        out += _record(0x16, ref_name.encode(codec)) + _record(0x3E, ref_name.encode("utf-16-le"))
        lib = libid.encode(codec)
        out += _record(0x0D, struct.pack("<I", len(lib)) + lib + b"\0" * 6)
    out += _record(0x0F, struct.pack("<H", len(modules)))
    out += _record(0x13, struct.pack("<H", 0xFFFF))     # PROJECTCOOKIE
    for module, kind in modules:
        mbcs, wide = module.encode(codec), module.encode("utf-16-le")
        out += _record(0x19, mbcs) + _record(0x47, wide)          # NAME
        out += _record(0x1A, mbcs) + _record(0x32, wide)          # STREAMNAME
        out += _record(0x1C) + _record(0x48)                      # DOCSTRING
        out += _record(0x31, struct.pack("<I", 0))                # OFFSET: source only
        out += _record(0x1E, struct.pack("<I", 0))                # HELPCONTEXT
        out += _record(0x2C, struct.pack("<H", 0xFFFF))           # COOKIE
        out += _record(0x21 if kind == "standard" else 0x22)      # TYPE
        out += _record(0x2B)                                      # terminator
    out += _record(0x10)                                          # dir terminator
    return bytes(out)


def _project_stream(project_id: str, project_name: str, modules: list[tuple[str, str]],
                    seed: int, codec: str) -> bytes:
    keyword = {"document": "Document", "standard": "Module", "class": "Class"}
    lines = [f'ID="{project_id}"']
    for module, kind in modules:
        lines.append(f"Document={module}/&H00000000" if kind == "document" else f"{keyword[kind]}={module}")
    lines += [
        f'Name="{project_name}"', 'HelpContextID="0"', 'VersionCompatible32="393222000"',
        f'CMG="{_encrypt(project_id, bytes([0, 0, 0, 0]), seed)}"',   # not protected
        f'DPB="{_encrypt(project_id, bytes([0]), seed ^ 0x5A)}"',      # no password
        f'GC="{_encrypt(project_id, bytes([0xFF]), seed ^ 0xA5)}"',    # visible
        "", "[Host Extender Info]",
        "&H00000001={3832D640-CF90-11CF-8E43-00A0C911005A};VBE;&H00000000",
        "", "[Workspace]",
        *(f"{module}=0, 0, 0, 0, C" for module, _ in modules), "", "",
    ]
    return _encode("\r\n".join(lines), codec, "PROJECT")


def build_vba_project(standard_modules: dict[str, str], class_modules: dict[str, str] | None = None,
                      document_modules: Sequence[str] = ("ThisWorkbook",), project_name: str = "VBAProject",
                      codepage: int = 932) -> bytes:
    """Return the bytes of a vbaProject.bin holding the given modules as source.

    ``standard_modules`` and ``class_modules`` map a module name to its text,
    with or without the header VBE writes on export (``VERSION 1.0 CLASS`` /
    ``BEGIN``...``END`` and ``Attribute VB_*`` lines): the header is rebuilt,
    keeping the class attributes the text sets. ``document_modules`` are code
    names: the first is the workbook's, the others are worksheets'. Text is
    stored with CRLF line ends in ``codepage`` (932: Shift_JIS as Windows has it).
    The output depends only on the arguments.
    """
    codec = codecs.lookup(f"cp{codepage}").name
    class_modules = class_modules or {}
    if not document_modules:
        raise ValueError("ブックのドキュメント モジュール（ThisWorkbook）がありません")
    modules = [(n, "document") for n in document_modules]
    modules += [(n, "standard") for n in standard_modules] + [(n, "class") for n in class_modules]
    seen: set[str] = set()
    for module, _ in modules + [(project_name, "")]:
        if not _NAME.fullmatch(module) or module.upper() in seen:
            raise ValueError(f"VBA のモジュール名またはプロジェクト名として使えないか、重複しています: {module!r}")
        seen.add(module.upper())

    texts = {n: _document_source(n, _WORKBOOK_BASE if i == 0 else _WORKSHEET_BASE)
             for i, n in enumerate(document_modules)}
    texts |= {n: _source(n, t, "standard") for n, t in standard_modules.items()}
    texts |= {n: _source(n, t, "class") for n, t in class_modules.items()}

    digest = hashlib.sha256(repr((project_name, codepage, sorted(texts.items()))).encode()).digest()
    h = digest[:16].hex().upper()
    project_id = f"{{{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}}}"
    streams = {
        "PROJECT": _project_stream(project_id, project_name, modules, digest[16], codec),
        "PROJECTwm": b"".join(n.encode(codec) + b"\0" + n.encode("utf-16-le") + b"\0\0"
                              for n, _ in modules) + b"\0\0",
        "VBA/_VBA_PROJECT": _VBA_PROJECT_STREAM,
        "VBA/dir": compress(_dir_stream(project_name, modules, codepage, codec)),
    }
    for module, _ in modules:
        streams[f"VBA/{module}"] = compress(_encode(texts[module], codec, f"モジュール {module}"))
    return write_compound_file(streams)


def with_document_modules(vba_project: bytes, document_modules: Sequence[str]) -> bytes:
    """The project with exactly these document modules (workbook's first), every standard and class
    module kept as its source: for a sheet added to a saved master (Excel needs a document module per
    sheet). The project itself when its document modules already match. Document modules come back
    empty, as the masters this add-on makes carry them."""
    import olefile
    from oletools.olevba import VBA_Parser

    try:
        ole = olefile.OleFileIO(vba_project)
        project = ole.openstream("PROJECT").read().decode("latin-1")
        ole.close()
        parser = VBA_Parser("vbaProject.bin", data=vba_project)
        parser.vba_stomping_detected = False  # a malware check that logs a warning for data in memory
        sources = {name.rsplit(".", 1)[0]: code for _, _, name, code in parser.extract_macros()}
    except Exception as exc:  # olefile/oletools raise many kinds on damaged input
        raise AddonError(f"VBA プロジェクトを読めません: {exc}") from exc
    documents = re.findall(r"^Document=(\w+)/", project, re.M)
    if sorted(documents) == sorted(document_modules):
        return vba_project
    standard = {n: sources.get(n, "") for n in re.findall(r"^Module=(\w+)", project, re.M)}
    classes = {n: sources.get(n, "") for n in re.findall(r"^Class=(\w+)", project, re.M)}
    name = re.search(r'^Name="([^"]*)"', project, re.M)
    return build_vba_project(standard, classes, document_modules=document_modules,
                             project_name=name.group(1) if name else "VBAProject")


def xlwings_standalone_modules() -> tuple[dict[str, str], dict[str, str]]:
    """Return (standard, class) module sources of xlwings' standalone VBA.

    These are the files xlwings' own ``release`` command imports into a
    workbook so that no add-in is needed: xlwings.bas (RunPython and the rest)
    and the Dictionary class it uses on Mac.
    """
    import xlwings

    root = Path(xlwings.__file__).parent
    files = {"standard": root / "xlwings.bas", "class": root / "addin" / "Dictionary.cls"}
    found: dict[str, dict[str, str]] = {"standard": {}, "class": {}}
    for kind, path in files.items():
        try:
            text = path.read_bytes().decode("cp1252")
        except OSError as e:
            raise AddonError(f"xlwings の VBA モジュール {path.name} が見つかりません。xlwings を入れ直してください。") from e
        name = _split_header(text)[0].get("VB_Name", f'"{path.stem}"').strip('"')
        found[kind][name] = text
    return found["standard"], found["class"]
