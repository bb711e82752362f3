"""vbaproject.py and cfb.py, read back with independent readers (oletools, olefile)."""

from __future__ import annotations

import random
import re
import struct
from pathlib import Path

import olefile
import pytest
from oletools.olevba import VBA_Parser, decompress_stream

from workbook.ooxml.vba.cfb import write_compound_file
from workbook.ooxml.vba.project import build_vba_project, compress, xlwings_standalone_modules

MAIN = """Option Explicit
' 配布ボタンから呼ばれる（コメントに日本語）
Public Sub Distribute()
    MsgBox "配布用ファイルを作成しました。", vbInformation, "配布"
End Sub
"""
HELPERS = "Attribute VB_Name = \"Helpers\"\r\nFunction Twice(x As Long) As Long\r\n    Twice = 2 * x\r\nEnd Function\r\n"
COUNTER = """VERSION 1.0 CLASS
BEGIN
  MultiUse = -1  'True
END
Attribute VB_Name = "Counter"
Attribute VB_GlobalNameSpace = False
Attribute VB_Creatable = False
Attribute VB_PredeclaredId = False
Attribute VB_Exposed = True
Private n As Long
Public Sub Add()
    n = n + 1
End Sub
"""
DOCUMENTS = ("ThisWorkbook", "Sheet1", "Sheet2")


def _project() -> bytes:
    return build_vba_project({"Main": MAIN, "Helpers": HELPERS}, {"Counter": COUNTER}, DOCUMENTS)


def _modules(data: bytes) -> dict[str, str]:
    return {name: code for _, _, name, code in VBA_Parser("vbaProject.bin", data=data).extract_macros()}


def _crlf(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\n", "\r\n")


# ---- compression ----------------------------------------------------------------------

@pytest.mark.parametrize("data", [
    b"",
    b"a",
    b"abcabcabcabc",
    b"#aaabcdefaaaaghijaaaaaklaaamnopqaaaaaaaaaaaarstuvwxyzaaa",  # the [MS-OVBA] 3.2.2 example
    b"x" * 4096,
    b"Attribute VB_Name = \"M\"\r\n" * 700,                     # repetitive, several chunks
    bytes(range(256)) * 37 + b"tail",
    "' 日本語のコメント\r\nMsgBox \"配布\"\r\n".encode("cp932") * 300,
])
def test_compression_round_trips_through_oletools(data):
    assert bytes(decompress_stream(bytearray(compress(data)))) == data


def test_compression_round_trips_random_data():
    rng = random.Random(20240601)
    for size in (1, 63, 1000, 3000, 4096, 3 * 4096, 3 * 4096 + 1000, 5 * 4096 + 17 * 9):
        data = bytes(rng.getrandbits(8) for _ in range(size))
        if size % 4096 > 3600:  # a short raw last chunk is padded by the format itself
            continue
        assert bytes(decompress_stream(bytearray(compress(data)))) == data, size


def test_incompressible_chunk_is_stored_raw_and_text_shrinks():
    data = random.Random(7).randbytes(4096)
    packed = compress(data)
    assert packed[0] == 1 and struct.unpack("<H", packed[1:3])[0] == 0x3FFF and len(packed) == 4099
    text = ("    RunPython \"import macros.xl as m; m.distribute()\"\r\n" * 200).encode()
    assert len(compress(text)) < len(text) / 10


# ---- the project ------------------------------------------------------------------------

def test_olevba_lists_exactly_the_modules_and_the_source_round_trips():
    modules = _modules(_project())
    assert set(modules) == {"ThisWorkbook.cls", "Sheet1.cls", "Sheet2.cls", "Main.bas", "Helpers.bas", "Counter.cls"}
    assert modules["Main.bas"] == 'Attribute VB_Name = "Main"\r\n' + _crlf(MAIN)
    assert "' 配布ボタンから呼ばれる（コメントに日本語）\r\n" in modules["Main.bas"]
    assert 'MsgBox "配布用ファイルを作成しました。", vbInformation, "配布"' in modules["Main.bas"]
    assert modules["Helpers.bas"] == HELPERS  # the given VB_Name line is not doubled
    assert modules["Counter.cls"] == _crlf(
        'Attribute VB_Name = "Counter"\n'
        'Attribute VB_Base = "0{FCFB3D2A-A0FA-1068-A738-08002B3371B5}"\n'
        "Attribute VB_GlobalNameSpace = False\nAttribute VB_Creatable = False\n"
        "Attribute VB_PredeclaredId = False\nAttribute VB_Exposed = True\n"
        "Attribute VB_TemplateDerived = False\nAttribute VB_Customizable = False\n"
        "Private n As Long\nPublic Sub Add()\n    n = n + 1\nEnd Sub\n")
    assert 'Attribute VB_Base = "0{00020819-0000-0000-C000-000000000046}"' in modules["ThisWorkbook.cls"]
    for sheet in ("Sheet1.cls", "Sheet2.cls"):
        assert 'Attribute VB_Base = "0{00020820-0000-0000-C000-000000000046}"' in modules[sheet]
        assert "Attribute VB_PredeclaredId = True\r\nAttribute VB_Exposed = True\r\n" in modules[sheet]


def test_streams_follow_ms_ovba():
    ole = olefile.OleFileIO(_project(), raise_defects=olefile.DEFECT_INCORRECT)
    assert sorted("/".join(e) for e in ole.listdir()) == [
        "PROJECT", "PROJECTwm", "VBA/Counter", "VBA/Helpers", "VBA/Main", "VBA/Sheet1", "VBA/Sheet2",
        "VBA/ThisWorkbook", "VBA/_VBA_PROJECT", "VBA/dir"]
    assert ole.openstream("VBA/_VBA_PROJECT").read() == bytes.fromhex("CC61FFFF000100")  # no performance cache
    raw = bytes(decompress_stream(bytearray(ole.openstream("VBA/Main").read())))
    assert raw == ('Attribute VB_Name = "Main"\r\n' + _crlf(MAIN)).encode("cp932")  # offset 0: source only
    project = ole.openstream("PROJECT").read().decode("cp932")
    assert project.splitlines()[1:7] == [
        "Document=ThisWorkbook/&H00000000", "Document=Sheet1/&H00000000", "Document=Sheet2/&H00000000",
        "Module=Main", "Module=Helpers", "Class=Counter"]
    assert ole.openstream("PROJECTwm").read().startswith(b"ThisWorkbook\0T\0h\0i\0s\0")
    project_id = re.search(r'^ID="(\{[0-9A-F-]{36}\})"', project, re.M)[1]
    fields = dict(re.findall(r'^(CMG|DPB|GC)="([0-9A-F]+)"', project, re.M))
    assert _decrypt(fields["CMG"], project_id) == bytes(4)    # not protected
    assert _decrypt(fields["DPB"], project_id) == b"\0"       # no password
    assert _decrypt(fields["GC"], project_id) == b"\xff"      # visible
    records = _dir_records(bytes(decompress_stream(bytearray(ole.openstream("VBA/dir").read()))))
    assert records[0x03] == [struct.pack("<H", 932)]
    assert records[0x04] == [b"VBAProject"]
    assert records[0x19] == [b"ThisWorkbook", b"Sheet1", b"Sheet2", b"Main", b"Helpers", b"Counter"]
    assert records[0x31] == [bytes(4)] * 6                    # MODULEOFFSET 0
    assert len(records[0x21]) == 2 and len(records[0x22]) == 4  # procedural / document and class


def _decrypt(hex_text: str, project_id: str) -> bytes:
    """[MS-OVBA] 2.4.3.3 decryption, written from the spec for this test."""
    data = bytes.fromhex(hex_text)
    seed, version_enc, key_enc = data[:3]
    assert seed ^ version_enc == 2 and seed ^ key_enc == sum(project_id.encode()) & 0xFF
    plain, unencrypted1, encrypted1, encrypted2 = [], seed ^ key_enc, key_enc, version_enc
    for byte in data[3:]:
        plain.append(byte ^ ((encrypted2 + unencrypted1) & 0xFF))
        encrypted2, encrypted1, unencrypted1 = encrypted1, byte, plain[-1]
    rest = bytes(plain[(seed & 6) // 2:])
    assert struct.unpack("<I", rest[:4])[0] == len(rest) - 4
    return rest[4:]


def _dir_records(data: bytes) -> dict[int, list[bytes]]:
    records: dict[int, list[bytes]] = {}
    i = 0
    while i < len(data):
        rid, size = struct.unpack_from("<HI", data, i)
        size = 6 if rid == 0x09 else size  # PROJECTVERSION: Reserved, then 6 bytes
        records.setdefault(rid, []).append(data[i + 6:i + 6 + size])
        i += 6 + size
    assert 0x10 in records  # terminator reached
    return records


def test_output_depends_only_on_input():
    assert _project() == _project()
    assert _project() != build_vba_project({"Main": MAIN + "' x\n", "Helpers": HELPERS}, {"Counter": COUNTER}, DOCUMENTS)


@pytest.mark.parametrize("standard, documents", [
    ({"1Bad": "Sub A()\nEnd Sub\n"}, DOCUMENTS),
    ({"Main": MAIN, "MAIN": MAIN}, DOCUMENTS),
    ({"Sheet1": MAIN}, DOCUMENTS),
    ({"Main": MAIN}, ()),
    ({"Main": "' 🙂 is not in cp932\n"}, DOCUMENTS),
])
def test_bad_input_is_refused(standard, documents):
    with pytest.raises(ValueError):
        build_vba_project(standard, None, documents)


# ---- the compound file ------------------------------------------------------------------

def test_compound_file_round_trips_and_trees_are_red_black():
    rng = random.Random(3)
    streams = {f"S/{name}": rng.randbytes(size) for name, size in
               [("a", 0), ("b", 1), ("cc", 64), ("dd", 4095), ("eee", 4096), ("ffff", 70000)]}
    streams |= {f"S/T/m{i}": rng.randbytes(i * 37) for i in range(40)}
    streams["top"] = b"x"
    data = write_compound_file(streams)
    ole = olefile.OleFileIO(data, raise_defects=olefile.DEFECT_INCORRECT)
    for name, content in streams.items():
        assert ole.openstream(name).read() == content, name
    entries = [struct.unpack_from("<64sHBBIII", data, 512 * (1 + sector) + 128 * k)
               for sector in _chain(data, struct.unpack_from("<I", data, 48)[0]) for k in range(4)]
    for entry in entries:
        if entry[2] in (1, 5):  # storage or root: check its children's tree
            _check_red_black(entries, entry[6])


def _chain(data: bytes, start: int) -> list[int]:
    fat_sectors = struct.unpack_from("<109I", data, 76)[:struct.unpack_from("<I", data, 44)[0]]
    fat = [v for s in fat_sectors for v in struct.unpack_from("<128I", data, 512 * (1 + s))]
    out = []
    while start < 0xFFFFFFFA:
        out.append(start)
        start = fat[start]
    return out


def _check_red_black(entries, root: int) -> None:
    def name(sid):
        raw, size = entries[sid][0], entries[sid][1]
        text = raw[:size - 2].decode("utf-16-le")
        return (len(text), text.upper())

    def walk(sid, low, high, parent_red):
        if sid == 0xFFFFFFFF:
            return 1
        _, _, _, color, left, right, _ = entries[sid]
        assert (low is None or low < name(sid)) and (high is None or name(sid) < high)
        red = color == 0
        assert not (red and parent_red)
        black_left = walk(left, low, name(sid), red)
        assert black_left == walk(right, name(sid), high, red)
        return black_left + (0 if red else 1)

    assert root == 0xFFFFFFFF or entries[root][3] == 1  # the root is black
    walk(root, None, None, False)


# ---- xlwings' standalone modules ----------------------------------------------------

def test_xlwings_standalone_modules_match_what_xlwings_ships():
    import xlwings

    standard, classes = xlwings_standalone_modules()
    assert list(standard) == ["xlwings"] and list(classes) == ["Dictionary"]
    assert re.search(r"^Public Function RunPython\(PythonCommand As String\)", standard["xlwings"], re.M)
    modules = _modules(build_vba_project({**standard, "Main": MAIN}, classes, DOCUMENTS))
    shipped = Path(xlwings.__file__).with_name("xlwings.bas").read_text("cp1252")
    assert modules["xlwings.bas"] == _crlf(shipped.replace("\r\n", "\n"))
    # The same class as in the Excel-saved quickstart_standalone.xlsm (VBE only changed "Err" to "err").
    excel = {name: code for _, _, name, code in
             VBA_Parser(str(Path(xlwings.__file__).with_name("quickstart_standalone.xlsm"))).extract_macros()}
    assert modules["Dictionary.cls"].lower() == excel["Dictionary.cls"].lower()
    assert modules["ThisWorkbook.cls"] == excel["ThisWorkbook.cls"]
    assert modules["Sheet1.cls"] == excel["Sheet1.cls"]
