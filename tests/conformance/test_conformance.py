"""Conformance of every workbook the add-on generates, made through the command line only.

Kinds: a new master (``macros new``), the master after collect and validate, the department
files (配布) and the correction lists (返却票) of ``macros demo``, and the demo's master after
``macros next-year`` (年度別実績 added, every sheet rewritten for the next year). Each kind is checked part by part
against the ECMA-376 XSDs (when they were extracted, see schemas.py: the 5th edition from Ecma's
archives, or the 1st edition from Debian's POI source as CI does; skipped otherwise), by openxml-audit (always), against the OPC package rules, the inline-string
rule and, for masters, MS-OVBA; each check category also has a negative test on a corrupted copy.
"""
from __future__ import annotations

import hashlib
import io
import re
import struct
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest
from oletools.olevba import decompress_stream

from . import checker, ovba, schemas

ROOT = Path(__file__).resolve().parents[2]
KINDS = ("new master", "collected master", "department file", "correction list", "closed master")
MASTERS = ("new master", "collected master", "closed master")


def _cli(*args: str) -> None:
    run = subprocess.run([sys.executable, "-m", "macros", *args], cwd=ROOT,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, f"macros {args[0]} failed:\n{run.stdout}\n{run.stderr}"


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> dict[str, list[Path]]:
    new, demo, closed = (tmp_path_factory.mktemp(name) for name in ("new", "demo", "closed"))
    _cli("new", "--plan", "workbook/data/komae_plan.csv", "--out", str(new))
    _cli("demo", "--out", str(demo), "--no-pdf")
    for master in demo.glob("*.xlsm"):
        (closed / master.name).write_bytes(master.read_bytes())
        _cli("next-year", str(closed / master.name), "--force")   # the demo leaves departments open
    files = {
        "new master": sorted(new.glob("*.xlsm")),
        "collected master": sorted(demo.glob("*.xlsm")),
        "department file": sorted((demo / "配布").glob("*.xlsx")),
        "correction list": sorted((demo / "返却票").glob("*.xlsx")),
        "closed master": sorted(closed.glob("*.xlsm")),
    }
    for kind, paths in files.items():
        assert paths, f"the command line made no {kind}"
    return files


@pytest.fixture(scope="module")
def packages(generated) -> dict[str, list[checker.Package]]:
    return {kind: [checker.Package(p.read_bytes(), p.name) for p in paths]
            for kind, paths in generated.items()}


def _schema_or_none():
    """The compiled ECMA-376 schemas, or None when none were supplied (a misconfigured
    CONFORMANCE_XSD_DIR or a broken schema folder raises instead)."""
    try:
        return schemas.load()
    except schemas.SchemasUnavailable:
        return None


@pytest.fixture(scope="session")
def schema():
    try:
        schemas.load()
    except schemas.SchemasUnavailable as exc:
        pytest.skip(f"ECMA-376 XSDs not supplied ({exc}); see tests/conformance/README.md: "
                    "python -m tests.conformance.schemas --ecma-part4 ... --ecma-part2 ... "
                    "(5th edition) or --debian-poi ... (1st edition)")
    return schemas.load()


def _report(findings: list[str]) -> str:
    return "\n".join(findings[:40]) + (f"\n... {len(findings) - 40} more" if len(findings) > 40 else "")


def _findings(pkgs, check) -> list[str]:
    return [f"{pkg.name}: {f}" for pkg in pkgs for f in checker.unexplained(check(pkg))]


# ---------------------------------------------------------------- the generated workbooks

@pytest.mark.parametrize("kind", KINDS)
def test_parts_are_valid_against_the_transitional_xsds(packages, schema, kind):
    found = _findings(packages[kind], lambda pkg: checker.check_xsd(pkg, schema)[0])
    assert not found, _report(found)


@pytest.mark.parametrize("kind", KINDS)
def test_every_xml_part_but_form_control_properties_has_a_schema(packages, schema, kind):
    """Guards the XSD test against silently skipping parts: only x14 control properties
    (MS-XLSX, no ECMA schema) may go unvalidated."""
    for pkg in packages[kind]:
        uncovered = checker.check_xsd(pkg, schema)[1]
        assert all(re.fullmatch(r"xl/ctrlProps/ctrlProp\d+\.xml", p) for p in uncovered), uncovered


@pytest.mark.parametrize("kind", KINDS)
def test_openxml_audit_finds_nothing_unexplained(packages, kind):
    found = _findings(packages[kind], checker.check_audit)
    assert not found, _report(found)


@pytest.mark.parametrize("kind", KINDS)
def test_package_rules(packages, kind):
    found = _findings(packages[kind], checker.check_package)
    assert not found, _report(found)


@pytest.mark.parametrize("kind", KINDS)
def test_no_empty_inline_string_cells(packages, kind):
    found = _findings(packages[kind], checker.check_inline_strings)
    assert not found, _report(found)


@pytest.mark.parametrize("kind", MASTERS)
def test_vba_project_reads_back_per_ms_ovba(packages, kind):
    for pkg in packages[kind]:
        assert checker.VBA_PART in pkg.parts
        project = ovba.walk_dir(decompress_stream(bytearray(ovba.streams(pkg.parts[checker.VBA_PART])["VBA/dir"])))
        assert project["modules"], "the VBA project has no modules"
    found = _findings(packages[kind], checker.check_vba)
    assert not found, _report(found)


def test_allow_list_entries_are_all_still_needed(packages):
    """XSD entries can only be judged when the schemas were supplied; the others always are."""
    schema = _schema_or_none()
    raw = [f for pkgs in packages.values() for pkg in pkgs for f in checker.check_all(pkg, schema)]
    judged = [p for p in checker.allowed(schemas.edition()) if schema is not None or not p.startswith("^xsd: ")]
    unused = [p for p in judged if not any(re.search(p, f) for f in raw)]
    assert not unused, f"allow-list entries that match nothing any more, remove them: {unused}"


# ---------------------------------------------------------------- negative tests

@pytest.fixture(scope="module")
def department_file(generated) -> bytes:
    return generated["department file"][0].read_bytes()


@pytest.fixture(scope="module")
def master_file(generated) -> bytes:
    return generated["new master"][0].read_bytes()


def _corrupt(data: bytes, name: str, changes: dict) -> checker.Package:
    return checker.Package(checker.rewrite(data, changes), name)


def _sheet(data: bytes) -> tuple[str, str]:
    pkg = checker.Package(data)
    part = next(p for p in pkg.names if p.startswith("xl/worksheets/sheet"))
    return part, pkg.parts[part].decode("utf-8")


def test_xsd_check_reports_a_broken_element_order(department_file, schema):
    part, xml = _sheet(department_file)
    dimension = re.search(r"<dimension [^>]*/>", xml).group(0)
    broken = xml.replace(dimension, "").replace("</sheetData>", "</sheetData>" + dimension)
    found = checker.check_xsd(_corrupt(department_file, "d.xlsx", {part: broken.encode()}), schema)[0]
    assert any(part in f and "dimension" in f and "not expected" in f for f in checker.unexplained(found))


def test_xsd_check_applies_markup_compatibility(master_file, schema):
    """An invalid element inside an understood mc:Choice is reported; one inside a Choice that
    requires an unknown namespace is not (a consumer would skip it)."""
    pkg = checker.Package(master_file)
    xml = pkg.parts["xl/worksheets/sheet1.xml"].decode("utf-8")
    bad = xml.replace("<control ", "<control bogus=\"1\" ", 1)     # a form button, inside Requires="x14"
    found = checker.check_xsd(_corrupt(master_file, "m.xlsm", {"xl/worksheets/sheet1.xml": bad.encode()}), schema)[0]
    assert any("bogus" in f for f in found)
    unknown = xml.replace('Requires="x14"', 'Requires="zz" xmlns:zz="urn:unknown"').replace(
        "<control ", "<control bogus=\"1\" ", 1)
    found = checker.check_xsd(_corrupt(master_file, "m.xlsm", {"xl/worksheets/sheet1.xml": unknown.encode()}), schema)[0]
    assert not any("bogus" in f for f in found)
    extended = xml.replace("<sheetPr", '<zz:note/><sheetPr zz:flag="1"', 1).replace(
        "<worksheet ", '<worksheet xmlns:zz="urn:zz" ', 1)
    ignorable = extended.replace("<worksheet ", '<worksheet mc:Ignorable="zz" ', 1)
    for text, expect_finding in ((extended, True), (ignorable, False)):
        pkg = _corrupt(master_file, "m.xlsm", {"xl/worksheets/sheet1.xml": text.encode()})
        found = checker.check_xsd(pkg, schema)[0]
        assert any("urn:zz" in f for f in found) == expect_finding, found


def test_openxml_audit_reports_an_unknown_element(department_file):
    """An unknown element in a sheet, and one in a <font> (the allow-list entry for font child
    order names CT_Font's children only), are both reported and not explained away."""
    part, xml = _sheet(department_file)
    row = re.search(r"<row [^>]*>", xml).group(0)
    sheet = xml.replace(row, row + "<bogus/>", 1)
    styles = checker.Package(department_file).parts["xl/styles.xml"].decode("utf-8")
    styles = styles.replace("<font>", "<font><bogus/>", 1)
    found = checker.unexplained(checker.check_audit(_corrupt(department_file, "d.xlsx", {
        part: sheet.encode(), "xl/styles.xml": styles.encode()})))
    assert f"audit: {part}: error schema: /worksheet[1]/sheetData[1]/row[1]: Unexpected element 'bogus' found" in found
    assert any(f.startswith("audit: xl/styles.xml: error schema: ") and "'bogus'" in f for f in found), found


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return out.getvalue()


def test_schema_extraction_verifies_both_archive_digests(tmp_path):
    """The extraction path, on stand-in archives (the real Ecma downloads are not here): the inner
    archive is found even one zip deeper, its .xsd files land flat in dest/<set>, and a wrong
    outer or inner digest is refused before anything is written."""
    inner = _zip({f"schemas/{f}": b"<x/>" for f in schemas.REQUIRED["opc"]} | {"readme.txt": b""})
    outer = _zip({"part2/nested.zip": _zip({"OpenPackagingConventions-XMLSchema.zip": inner})})
    (tmp_path / "outer.zip").write_bytes(outer)
    sha = lambda b: hashlib.sha256(b).hexdigest()  # noqa: E731
    good = {"opc": ("outer.zip", sha(outer), "OpenPackagingConventions-XMLSchema.zip", sha(inner))}
    written = schemas.extract("opc", tmp_path / "outer.zip", tmp_path / "out", good)
    assert written == sorted(schemas.REQUIRED["opc"])
    assert sorted(p.name for p in (tmp_path / "out" / "opc").iterdir()) == written
    for bad in ({"opc": ("o", "0" * 64) + good["opc"][2:]}, {"opc": good["opc"][:3] + ("0" * 64,)}):
        with pytest.raises(schemas.SchemasMisconfigured, match="SHA-256"):
            schemas.extract("opc", tmp_path / "outer.zip", tmp_path / "bad", bad)
        assert not (tmp_path / "bad").exists()
    with pytest.raises(schemas.SchemasUnavailable, match="no complete transitional schema set"):
        schemas.locate(tmp_path / "out")


def _tar_xz(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:xz") as tf:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    return out.getvalue()


def test_first_edition_extraction_verifies_the_tarball_and_writes_the_umbrellas(tmp_path):
    """Debian's POI tarball, on a stand-in: its digest is checked before anything is written, only
    the .xsd files directly in ooxml-xsds/ are taken, sml.xsd and dml-main.xsd include exactly the
    files of their namespace, and locate() finds the 1st edition, or the 5th when both are there."""
    def xsd(namespace: str) -> bytes:
        return (f'<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema" '
                f'targetNamespace="{namespace}"/>').encode()
    sml, dml = schemas.FIRST_EDITION_UMBRELLAS
    own = [f for f in schemas.REQUIRED[schemas.FIRST_EDITION]
           if f not in schemas.FIRST_EDITION_UMBRELLAS.values()]
    members = {schemas.DEBIAN_POI_FOLDER + f: xsd(sml if f.startswith("sml-") else "urn:other") for f in own}
    members |= {schemas.DEBIAN_POI_FOLDER + "dml-baseTypes.xsd": xsd(dml),
                schemas.DEBIAN_POI_FOLDER + "deeper/sml-extra.xsd": xsd(sml),
                schemas.DEBIAN_POI_FOLDER + "readme.txt": b"", "apache-poi-4.0.1/other.xsd": xsd(sml)}
    tarball = tmp_path / schemas.DEBIAN_POI
    tarball.write_bytes(_tar_xz(members))
    with pytest.raises(schemas.SchemasMisconfigured, match="SHA-256"):
        schemas.extract_first_edition(tarball, tmp_path / "bad")
    assert not (tmp_path / "bad").exists()
    digest = hashlib.sha256(tarball.read_bytes()).hexdigest()
    written = schemas.extract_first_edition(tarball, tmp_path / "out", sha256=digest)
    assert written == sorted(own + ["dml-baseTypes.xsd", "sml.xsd", "dml-main.xsd"])
    folder = tmp_path / "out" / schemas.FIRST_EDITION
    included = {name: re.findall(r'schemaLocation="([^"]+)"', (folder / name).read_text())
                for name in ("sml.xsd", "dml-main.xsd")}
    assert included == {"sml.xsd": ["sml-sheet.xsd", "sml-styles.xsd", "sml-workbook.xsd"],
                        "dml-main.xsd": ["dml-baseTypes.xsd"]}
    assert schemas.locate(tmp_path / "out") == schemas.SchemaSet("1st", folder, folder)
    for set_name in ("transitional", "opc"):
        (tmp_path / "out" / set_name).mkdir()
        for f in schemas.REQUIRED[set_name]:
            (tmp_path / "out" / set_name / f).write_bytes(b"<x/>")
    assert schemas.locate(tmp_path / "out").edition == "5th"


def test_package_check_reports_missing_content_types(department_file):
    part, _ = _sheet(department_file)
    types = checker.Package(department_file).parts[checker.CONTENT_TYPES].decode("utf-8")
    types, overrides = re.subn(rf'<Override PartName="/{re.escape(part)}"[^>]*/>', "", types)
    types, defaults = re.subn(r'<Default Extension="rels"[^>]*/>', "", types)
    assert (overrides, defaults) == (1, 1)
    found = checker.check_package(_corrupt(department_file, "d.xlsx", {checker.CONTENT_TYPES: types.encode()}))
    # Without its Override the sheet falls back to the Default for .xml, the wrong type.
    assert (f"package: {part}: content type 'application/xml' does not match relationship type "
            "worksheet") in found
    assert "package: _rels/.rels: no content type (no Override, no Default for its extension)" in found


def test_package_check_reports_dangling_duplicate_and_unreachable(department_file):
    rels = checker.Package(department_file).parts["xl/_rels/workbook.xml.rels"].decode("utf-8")
    extra = ('<Relationship Id="rIdX" Target="worksheets/missing.xml" Type="http://schemas.openxmlformats.org/'
             'officeDocument/2006/relationships/worksheet"/></Relationships>')
    first_id = re.search(r'Id="([^"]+)"', rels).group(1)
    duplicate = f'<Relationship Id="{first_id}" Target="styles.xml" Type="urn:x"/>'
    rels = rels.replace("</Relationships>", duplicate + extra)
    found = checker.check_package(_corrupt(department_file, "d.xlsx", {
        "xl/_rels/workbook.xml.rels": rels.encode(), "xl/orphan.xml": b"<a/>"}))
    assert "package: xl/_rels/workbook.xml.rels: relationship 'rIdX' targets missing part '/xl/worksheets/missing.xml'" in found
    assert f"package: xl/_rels/workbook.xml.rels: relationship id '{first_id}' used twice" in found
    assert "package: xl/orphan.xml: not reachable from the package relationships" in found


def test_inline_string_check_reports_an_injected_empty_cell(department_file):
    part, xml = _sheet(department_file)
    row = re.search(r"<row [^>]*>", xml).group(0)
    broken = xml.replace(row, row + '<c r="ZZ1" t="inlineStr"/>', 1)
    found = checker.check_inline_strings(_corrupt(department_file, "d.xlsx", {part: broken.encode()}))
    assert found == [f"inline: {part}: cell ZZ1 is an inlineStr cell without <is>"]


def _dir_records(master: bytes) -> list[tuple[int, bytes]]:
    ole = ovba.streams(checker.Package(master).parts[checker.VBA_PART])
    return ovba.records(decompress_stream(bytearray(ole["VBA/dir"])))


def _pack(recs) -> bytes:
    return b"".join(struct.pack("<HI", rid, 4 if rid == 0x0009 else len(p)) + p for rid, p in recs)


def test_dir_walker_accepts_the_generated_dir_unchanged(master_file):
    assert ovba.walk_dir(_pack(_dir_records(master_file)))["modules"]


def test_dir_walker_reports_a_broken_record_order(master_file):
    recs = _dir_records(master_file)
    lcid, invoke = ([r for r, _ in recs].index(rid) for rid in (0x0002, 0x0014))
    recs[lcid], recs[invoke] = recs[invoke], recs[lcid]
    with pytest.raises(ovba.DirError, match="expected 0x0002 LCID, found 0x0014 LCIDINVOKE"):
        ovba.walk_dir(_pack(recs))


def test_dir_walker_reports_a_wrong_size_and_a_wrong_module_count(master_file):
    recs = _dir_records(master_file)
    recs[0] = (0x0001, b"\x03\x00")
    with pytest.raises(ovba.DirError, match="SYSKIND: size 2, must be 4"):
        ovba.walk_dir(_pack(recs))
    recs = _dir_records(master_file)
    i = next(i for i, (r, _) in enumerate(recs) if r == 0x000F)
    recs[i] = (0x000F, struct.pack("<H", struct.unpack("<H", recs[i][1])[0] - 1))
    with pytest.raises(ovba.DirError, match="count"):
        ovba.walk_dir(_pack(recs))


def test_vba_check_reports_a_missing_module_stream(master_file):
    ole = ovba.streams(checker.Package(master_file).parts[checker.VBA_PART])
    victim = next(n for n in ole if n.startswith("VBA/") and n not in ("VBA/dir", "VBA/_VBA_PROJECT"))
    del ole[victim]
    assert f"{victim}: module stream named in dir is missing" in ovba.check_streams(ole)
