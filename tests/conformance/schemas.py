"""The ECMA-376 XSDs used by the conformance suite (transitional: the 5th edition, or the 1st), and
their compilation.

Provenance. The schemas come only from Ecma International's own archives; this repository does not
ship them. Two sources; the 5th edition is used when both of its sets are complete, else the 1st:

1. **5th edition** (ISO/IEC 29500 transitional), supplied by the user from Ecma's own downloads:

* ECMA-376 Part 4, 5th edition (December 2016), ``ECMA-376-4_5th_edition_december_2016.zip``,
  inner ``OfficeOpenXML-XMLSchema-Transitional.zip`` (SpreadsheetML, DrawingML, shared types);
* ECMA-376 4th edition (December 2012), ``ECMA-376_4th_edition_december_2012.zip``, inner
  ``OpenPackagingConventions-XMLSchema.zip`` (Part 2: content types, relationships, core properties).

2. **1st edition** (ECMA-376:2006, the markup the transitional class keeps), for machines that reach
   only the package registries (CI): Ecma's 1st-edition ``OfficeOpenXML-XMLSchema.zip`` (Part 4) and
   ``OpenPackagingConventions-XMLSchema.zip`` (Part 2), unpacked unmodified into ``ooxml-xsds/`` of
   Debian's source tarball of Apache POI 4.0.1 (``debian/orig-tar.sh`` fetched them from Ecma;
   ``debian/copyright``: "Files: ooxml-xsds/*, Copyright: 2006, Ecma International"). The tarball
   is on every Debian mirror (:data:`DEBIAN_POI_URL`); ``--debian-poi`` checks its SHA-256, extracts
   the schemas and adds two files of its own: ``sml.xsd`` and ``dml-main.xsd``, each only including
   the 1st edition's files of that namespace (the 1st edition splits them), so that the same root
   schemas compile. Where the editions differ, the allow-list says so (checker.XSD_EDITION).

``python -m tests.conformance.schemas --ecma-part4 PART4.zip --ecma-part2 PART2.zip`` checks the
outer and the inner archives against the SHA-256 digests below and extracts the ``.xsd`` files into
``.cache/ooxml-xsd/{transitional,opc}/`` (git-ignored). ``CONFORMANCE_XSD_DIR`` points the tests at
another folder instead (searched recursively for ``sml.xsd`` and ``opc-contentTypes.xsd``; each
set's files must sit together, as they do in Ecma's 5th-edition archives and in the folder
``--debian-poi`` writes). Without schemas the XSD tests skip; with a CONFORMANCE_XSD_DIR that is
unusable they fail, and the other checks still run.

Two imports have no file in Ecma's sets and are served locally by :class:`_Resolver`:

* ``xml.xsd`` (W3C, namespace ``http://www.w3.org/XML/1998/namespace``): :data:`XML_XSD`, a minimal
  stand-in written for this suite that declares ``xml:lang`` and ``xml:space`` as the W3C schema
  does (``xml:lang``: a language tag or empty; ``xml:space``: ``default`` | ``preserve``);
* Dublin Core (imported by ``opc-coreProperties.xsd`` from dublincore.org): minimal stubs written
  for this suite with DC's ``SimpleLiteral`` content model and ``dcterms:W3CDTF``.
"""
from __future__ import annotations

import argparse
import hashlib
import io
import os
import posixpath
import shutil
import sys
import tarfile
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from lxml import etree

ROOT = Path(__file__).resolve().parents[2]
PART4 = "ECMA-376-4_5th_edition_december_2016.zip"
PART2 = "ECMA-376_4th_edition_december_2012.zip"
ECMA_URL = "https://ecma-international.org/wp-content/uploads/"
# set name -> (outer archive, its SHA-256, inner archive, its SHA-256)
ARCHIVES = {
    "transitional": (PART4, "bd25da1109f73762356596918bf5ff8b74a1331642dba5f1c1d1dfc6bed34ecd",
                     "OfficeOpenXML-XMLSchema-Transitional.zip",
                     "d34187520749998af306faf1b730e568b0ca6d88ad24638a407c0a9bb4ca04fc"),
    "opc": (PART2, "cc7e6cead58205025a0e05e6d339137b99f3add55c435bf98c88987ae85c7f4f",
            "OpenPackagingConventions-XMLSchema.zip",
            "e5a0a7c1f43ac8b8f66d850f48545c2ead09f6d632bb8539fab79962c7fd55df"),
}
# The 1st edition, from Debian's source tarball of Apache POI (see the module's docstring).
DEBIAN_POI = "libapache-poi-java_4.0.1.orig.tar.xz"
DEBIAN_POI_URL = "http://deb.debian.org/debian/pool/main/liba/libapache-poi-java/" + DEBIAN_POI
DEBIAN_POI_SHA256 = "54db524e2bae73658e4fdb3a6e2d69cb4137638ace71fcde93659be2695287ea"
DEBIAN_POI_FOLDER = "apache-poi-4.0.1/ooxml-xsds/"
FIRST_EDITION = "first-edition"
# Namespace -> the file that includes all of the 1st edition's files of that namespace.
FIRST_EDITION_UMBRELLAS = {
    "http://schemas.openxmlformats.org/spreadsheetml/2006/main": "sml.xsd",
    "http://schemas.openxmlformats.org/drawingml/2006/main": "dml-main.xsd",
}
# The files the suite compiles (the root schemas below and what they import), per set.
REQUIRED = {
    "transitional": ("sml.xsd shared-relationshipReference.xsd shared-commonSimpleTypes.xsd "
                     "dml-spreadsheetDrawing.xsd dml-main.xsd dml-diagram.xsd dml-chart.xsd "
                     "dml-chartDrawing.xsd dml-picture.xsd dml-lockedCanvas.xsd "
                     "shared-documentPropertiesExtended.xsd "
                     "shared-documentPropertiesVariantTypes.xsd").split(),
    "opc": ["opc-contentTypes.xsd", "opc-relationships.xsd", "opc-coreProperties.xsd"],
    FIRST_EDITION: ("sml.xsd sml-sheet.xsd sml-workbook.xsd sml-styles.xsd dml-main.xsd "
                    "dml-spreadsheetDrawing.xsd shared-documentPropertiesExtended.xsd opc-contentTypes.xsd "
                    "opc-relationships.xsd opc-coreProperties.xsd").split(),
}

# Namespace of a part's root element -> (set, schema file that declares it).
SML = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
ROOT_SCHEMAS = {
    SML: ("transitional", "sml.xsd"),
    "http://schemas.openxmlformats.org/drawingml/2006/main": ("transitional", "dml-main.xsd"),
    "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties":
        ("transitional", "shared-documentPropertiesExtended.xsd"),
    "http://schemas.openxmlformats.org/package/2006/content-types": ("opc", "opc-contentTypes.xsd"),
    "http://schemas.openxmlformats.org/package/2006/relationships": ("opc", "opc-relationships.xsd"),
    "http://schemas.openxmlformats.org/package/2006/metadata/core-properties":
        ("opc", "opc-coreProperties.xsd"),
}
XML_NS = "http://www.w3.org/XML/1998/namespace"
XML_XSD_URL = "http://www.w3.org/2001/xml.xsd"
XML_XSD = """<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"
  targetNamespace="http://www.w3.org/XML/1998/namespace" xml:lang="en">
 <xs:attribute name="lang"><xs:simpleType><xs:union memberTypes="xs:language">
  <xs:simpleType><xs:restriction base="xs:string"><xs:enumeration value=""/></xs:restriction>
  </xs:simpleType></xs:union></xs:simpleType></xs:attribute>
 <xs:attribute name="space"><xs:simpleType><xs:restriction base="xs:NCName">
  <xs:enumeration value="default"/><xs:enumeration value="preserve"/></xs:restriction>
 </xs:simpleType></xs:attribute>
</xs:schema>"""
DC_URL = "http://dublincore.org/schemas/xmls/qdc/2003/04/02/dc.xsd"
DCTERMS_URL = "http://dublincore.org/schemas/xmls/qdc/2003/04/02/dcterms.xsd"
DC_ELEMENTS = ("title creator subject description publisher contributor date type format "
               "identifier source language relation coverage rights").split()
DC_STUB = """<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns="http://purl.org/dc/elements/1.1/" targetNamespace="http://purl.org/dc/elements/1.1/"
  elementFormDefault="qualified">
 <xs:import namespace="http://www.w3.org/XML/1998/namespace" schemaLocation="{xml}"/>
 <xs:complexType name="SimpleLiteral" mixed="true"><xs:complexContent>
  <xs:restriction base="xs:anyType"><xs:sequence>
   <xs:any processContents="lax" minOccurs="0" maxOccurs="0"/></xs:sequence>
   <xs:attribute ref="xml:lang" use="optional"/></xs:restriction></xs:complexContent></xs:complexType>
 <xs:element name="any" type="SimpleLiteral" abstract="true"/>
 {elements}
</xs:schema>"""
DCTERMS_STUB = """<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:dc="http://purl.org/dc/elements/1.1/" targetNamespace="http://purl.org/dc/terms/"
  elementFormDefault="qualified">
 <xs:import namespace="http://purl.org/dc/elements/1.1/" schemaLocation="{dc}"/>
 <xs:element name="created" substitutionGroup="dc:date"/>
 <xs:element name="modified" substitutionGroup="dc:date"/>
 <xs:complexType name="W3CDTF"><xs:simpleContent><xs:restriction base="dc:SimpleLiteral">
  <xs:simpleType><xs:union memberTypes="xs:gYear xs:gYearMonth xs:date xs:dateTime"/></xs:simpleType>
 </xs:restriction></xs:simpleContent></xs:complexType>
</xs:schema>"""


class SchemasUnavailable(RuntimeError):
    """No complete schema folder was found."""


class SchemasMisconfigured(RuntimeError):
    """CONFORMANCE_XSD_DIR is set but unusable, or an archive is not the pinned download."""


def default_dir() -> Path:
    return ROOT / ".cache" / "ooxml-xsd"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _verified(data: bytes, expected: str, what: str) -> bytes:
    """data, when its SHA-256 is the pinned one; SchemasMisconfigured naming `what` otherwise."""
    if _sha256(data) != expected:
        raise SchemasMisconfigured(f"{what}: SHA-256 {_sha256(data)}, expected {expected}")
    return data


def _emptied(target: Path) -> Path:
    """target as a new empty folder (what an earlier extraction left there is removed)."""
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    return target


@dataclass(frozen=True)
class SchemaSet:
    """The folders of the schemas in use, and their edition: "5th" or "1st"."""
    edition: str
    transitional: Path
    opc: Path


def _folder(directory: Path, name: str) -> Path | None:
    files = REQUIRED[name]
    for anchor in sorted(directory.rglob(files[0])) if directory.is_dir() else []:
        if all((anchor.parent / f).is_file() for f in files) and \
                (name == FIRST_EDITION) == (anchor.parent / "sml-sheet.xsd").is_file():
            return anchor.parent
    return None


def locate(directory: Path) -> SchemaSet:
    """The schema set below `directory`: the 5th edition's two sets when both are complete, else
    the 1st edition's. Raises SchemasUnavailable naming the incomplete sets (REQUIRED lists their
    files)."""
    transitional, opc = _folder(directory, "transitional"), _folder(directory, "opc")
    if transitional and opc:
        return SchemaSet("5th", transitional, opc)
    first = _folder(directory, FIRST_EDITION)
    if first:
        return SchemaSet("1st", first, first)
    missing = [name for name, folder in (("transitional", transitional), ("opc", opc)) if not folder]
    raise SchemasUnavailable(f"no complete {' and '.join(missing)} schema set below {directory} "
                             f"(nor a {FIRST_EDITION} set)")


def schema_dirs() -> SchemaSet:
    """The schema folders: CONFORMANCE_XSD_DIR if set (an error when unusable), else the cache."""
    configured = os.environ.get("CONFORMANCE_XSD_DIR")
    if not configured:
        return locate(default_dir())
    try:
        return locate(Path(configured))
    except SchemasUnavailable as exc:
        raise SchemasMisconfigured(f"CONFORMANCE_XSD_DIR={configured}: {exc}") from None


def _find_member(data: bytes, name: str, depth: int = 2) -> bytes | None:
    """The bytes of the member called `name` in zip `data`, also inside nested zips."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        members = [i for i in zf.infolist() if not i.is_dir()]
        for info in members:
            if posixpath.basename(info.filename) == name:
                return zf.read(info)
        for info in members if depth else []:
            if info.filename.lower().endswith(".zip"):
                inner = _find_member(zf.read(info), name, depth - 1)
                if inner is not None:
                    return inner
    return None


def extract(set_name: str, outer: Path, dest: Path, archives=ARCHIVES) -> list[str]:
    """Verify `outer` and its inner schema archive, extract the .xsd files into dest/set_name."""
    outer_name, outer_sha, inner_name, inner_sha = archives[set_name]
    data = _verified(outer.read_bytes(), outer_sha, f"{outer} (Ecma's {outer_name})")
    inner = _find_member(data, inner_name)
    if inner is None:
        raise SchemasMisconfigured(f"{outer}: no {inner_name} inside")
    _verified(inner, inner_sha, f"{outer}: {inner_name}")
    target = _emptied(dest / set_name)
    written = []
    with zipfile.ZipFile(io.BytesIO(inner)) as zf:
        for info in zf.infolist():
            base = posixpath.basename(info.filename)
            if base.lower().endswith(".xsd"):
                (target / base).write_bytes(zf.read(info))
                written.append(base)
    missing = [f for f in REQUIRED[set_name] if f not in written]
    if missing:
        raise SchemasMisconfigured(f"{inner_name} lacks {', '.join(missing)}")
    return sorted(written)


class _Resolver(etree.Resolver):
    """Serves the xml.xsd stand-in and the Dublin Core stubs; refuses any other network import."""

    def __init__(self):
        super().__init__()
        elements = "".join(f'<xs:element name="{n}" substitutionGroup="any"/>' for n in DC_ELEMENTS)
        self.stubs = {
            DC_URL: DC_STUB.format(xml=XML_XSD_URL, elements=elements),
            DCTERMS_URL: DCTERMS_STUB.format(dc=DC_URL),
        }

    def resolve(self, url, pubid, context):
        if url == XML_XSD_URL or posixpath.basename(url) == "xml.xsd":
            return self.resolve_string(XML_XSD, context)
        if url in self.stubs:
            return self.resolve_string(self.stubs[url], context)
        if url.startswith(("http:", "https:")):
            raise SchemasMisconfigured(f"schema import of {url} has no local copy")
        return None


@lru_cache(maxsize=None)
def compiled(transitional: str, opc: str) -> etree.XMLSchema:
    """One schema covering every root namespace of ROOT_SCHEMAS; compiled once per process."""
    dirs = {"transitional": Path(transitional), "opc": Path(opc)}
    imports = [(XML_NS, XML_XSD_URL)] + [(ns, (dirs[s] / f).as_uri())
                                         for ns, (s, f) in sorted(ROOT_SCHEMAS.items())]
    driver = "".join(f'<xs:import namespace="{ns}" schemaLocation="{loc}"/>' for ns, loc in imports)
    parser = etree.XMLParser(no_network=True)
    parser.resolvers.add(_Resolver())
    doc = etree.fromstring(
        f'<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">{driver}</xs:schema>'.encode(),
        parser, base_url=(dirs["transitional"] / "driver.xsd").as_uri())
    return etree.XMLSchema(doc)


def load() -> etree.XMLSchema:
    """The compiled schema set (SchemasUnavailable when there is none)."""
    dirs = schema_dirs()
    return compiled(str(dirs.transitional), str(dirs.opc))


def edition() -> str | None:
    """The edition of the schemas in use ("5th" or "1st"), None when there are none."""
    try:
        return schema_dirs().edition
    except (SchemasUnavailable, SchemasMisconfigured):   # the xsd tests fail through their fixture
        return None


def extract_first_edition(tarball: Path, dest: Path, sha256: str = DEBIAN_POI_SHA256,
                          folder: str = DEBIAN_POI_FOLDER) -> list[str]:
    """Verify Debian's POI source tarball, extract its ECMA-376 1st edition schemas into
    dest/first-edition and write the umbrella files (FIRST_EDITION_UMBRELLAS)."""
    data = _verified(tarball.read_bytes(), sha256, f"{tarball} (Debian's {DEBIAN_POI})")
    target = _emptied(dest / FIRST_EDITION)
    written = []
    with tarfile.open(fileobj=io.BytesIO(data)) as tf:
        for member in tf:
            if member.isfile() and member.name.startswith(folder) and member.name.endswith(".xsd") \
                    and "/" not in member.name[len(folder):]:
                base = posixpath.basename(member.name)
                (target / base).write_bytes(tf.extractfile(member).read())
                written.append(base)
    for namespace, umbrella in FIRST_EDITION_UMBRELLAS.items():
        if umbrella in written:
            raise SchemasMisconfigured(f"{tarball}: {umbrella} already exists among the schemas")
        parts = [f for f in sorted(written) if f'targetNamespace="{namespace}"' in
                 (target / f).read_text(encoding="utf-8-sig")]
        includes = "".join(f'<xsd:include schemaLocation="{f}"/>' for f in parts)
        (target / umbrella).write_text(
            f'<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema" targetNamespace="{namespace}" '
            f'elementFormDefault="qualified">{includes}</xsd:schema>\n', encoding="utf-8")
        written.append(umbrella)
    missing = [f for f in REQUIRED[FIRST_EDITION] if f not in written]
    if missing:
        raise SchemasMisconfigured(f"{tarball}: no {', '.join(missing)} in {folder}")
    return sorted(written)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.conformance.schemas",
        description="Extract the ECMA-376 schemas after checking their SHA-256: the 5th edition from "
                    f"Ecma's downloads ({ECMA_URL}{PART4}, {ECMA_URL}{PART2}), or the 1st edition from "
                    f"Debian's {DEBIAN_POI_URL}.")
    parser.add_argument("--ecma-part4", type=Path, metavar=PART4)
    parser.add_argument("--ecma-part2", type=Path, metavar=PART2)
    parser.add_argument("--debian-poi", type=Path, metavar=DEBIAN_POI)
    parser.add_argument("--dest", type=Path, default=default_dir(), help="default: %(default)s")
    args = parser.parse_args(argv)
    if bool(args.ecma_part4) != bool(args.ecma_part2):
        parser.error("--ecma-part4 and --ecma-part2 go together (the 5th edition needs both sets)")
    if not args.ecma_part4 and not args.debian_poi:
        parser.print_usage()
        try:
            found = schema_dirs()
            print(f"schemas in use: {found.edition} edition, {found.transitional}"
                  + (f" and {found.opc}" if found.opc != found.transitional else ""))
        except SchemasUnavailable as exc:
            print(f"no schemas in use ({exc}); the XSD tests skip")
        except SchemasMisconfigured as exc:
            print(f"schemas misconfigured ({exc}); the XSD tests fail")
        return 2
    try:
        if args.ecma_part4:
            for set_name, outer in (("transitional", args.ecma_part4), ("opc", args.ecma_part2)):
                files = extract(set_name, outer, args.dest)
                print(f"{set_name}: {len(files)} schema files in {args.dest / set_name}")
            compiled(str(args.dest / "transitional"), str(args.dest / "opc"))
        if args.debian_poi:
            files = extract_first_edition(args.debian_poi, args.dest)
            first = args.dest / FIRST_EDITION
            print(f"{FIRST_EDITION}: {len(files)} schema files in {first} "
                  f"({len(files) - len(FIRST_EDITION_UMBRELLAS)} of the 1st edition, "
                  f"{len(FIRST_EDITION_UMBRELLAS)} umbrellas)")
            compiled(str(first), str(first))
        dirs = locate(args.dest)
    except (OSError, zipfile.BadZipFile, tarfile.TarError, SchemasUnavailable, SchemasMisconfigured,
            etree.XMLSchemaParseError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"schemas compiled; the XSD tests will run on the {dirs.edition} edition")
    return 0


if __name__ == "__main__":
    sys.exit(main())
