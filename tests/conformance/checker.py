"""Conformance checks for one OOXML package (.xlsx / .xlsm), part by part.

Every check returns a list of findings: plain strings ``"<category>: <part>: <message>"``. The
categories are ``xsd``, ``audit`` (openxml-audit, a pure-Python port of the Open XML SDK
validator), ``package``, ``inline`` and ``vba``. Findings matching an ``ALLOW_LIST`` pattern are
benign by decision and are dropped by :func:`unexplained`.
"""
from __future__ import annotations

import io
import posixpath
import re
import tempfile
import zipfile
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote

from lxml import etree
from openxml_audit import FileFormat, OpenXmlValidator

from . import ovba, schemas

# Allow-list patterns about one edition of the XSDs only (XSD_EDITION).
FORM_CONTROL_ANCHORS = (
    r"^xsd: xl/worksheets/sheet\d+\.xml:\d+: Element '\{http://schemas\.openxmlformats\.org/"
    r"spreadsheetml/2006/main\}(from|to)': This element is not expected\. Expected is \( "
    r"\{http://schemas\.openxmlformats\.org/drawingml/2006/spreadsheetDrawing\}(from|to) \)\.$")
CONTROL_CONTENT_1ST = (
    r"^xsd: xl/worksheets/sheet\d+\.xml:\d+: Element '\{http://schemas\.openxmlformats\.org/"
    r"spreadsheetml/2006/main\}control': Element content is not allowed, because the content type "
    r"is empty\.$")

# Finding pattern (regular expression, searched in the finding) -> why it is benign.
ALLOW_LIST = {
    r"^xsd: .*Element '\{http://schemas\.openxmlformats\.org/spreadsheetml/2006/main\}t', "
    r"attribute '\{http://www\.w3\.org/XML/1998/namespace\}space': The attribute .* is not allowed":
        "xml:space=\"preserve\" on <t> keeps leading/trailing blanks of a text. The transitional "
        "XSD types <t> as the bare simple type ST_Xstring, so it cannot carry the attribute, but "
        "Excel writes it itself and the Open XML SDK schema (Text.Space) accepts it; without it "
        "a consumer may strip the blanks.",
    FORM_CONTROL_ANCHORS:
        "Form-control anchors (<controlPr><anchor>, only inside mc:Choice Requires=\"x14\") use "
        "<from>/<to> of the SpreadsheetML main namespace with xdr: children. That is what Excel "
        "writes and what the Open XML SDK defines (Spreadsheet.ObjectAnchor.FromMarker is x:from); "
        "the ECMA-376 XSD's CT_ObjectAnchor names xdr:from/xdr:to instead.",
    r"^audit: xl/styles\.xml: error schema: /styleSheet\[1\]/fonts\[1\]/font\[\d+\]: Unexpected "
    r"element '(b|i|strike|condense|extend|outline|shadow|u|vertAlign|sz|color|name|family|"
    r"charset|scheme)' found$":
        "Child order of <font> in styles.xml. openpyxl writes name, family, b, color, sz, ...; "
        "ECMA-376 Part 1 CT_Font (sml.xsd) is an <xsd:choice maxOccurs=\"unbounded\"> of these "
        "elements, so any order is valid, while the Open XML SDK schema that openxml-audit ports "
        "imposes a sequence. Excel opens such files without repair. Only CT_Font's own children "
        "are allowed here; an unknown element in a font is still reported.",
    r"^audit: xl/worksheets/sheet\d+\.xml: warning semantic/Excel_InlineStrCells: ":
        "Inline-string cells without a sharedStrings part. The shared string table part is "
        "optional (ECMA-376 Part 1, 12.3.15: zero or one per workbook) and t=\"inlineStr\" with "
        "<is> is a valid cell (18.3.1.4); openxml-audit only warns that Excel converts the "
        "strings to shared strings on its next save. Empty inline-string cells, which do make "
        "Excel repair the file, are caught by the inline check.",
    CONTROL_CONTENT_1ST:
        "1st edition only. A form button's <control> holds <controlPr> (its anchor), which Excel "
        "writes only inside mc:Choice Requires=\"x14\", so only the view that understands x14 sees "
        "it. ECMA-376:2006 declares CT_Control empty; the later editions (ISO/IEC 29500 "
        "transitional) added the <controlPr> child, and the 5th edition's XSD validates it. "
        "Under the 1st edition nothing inside <control> is validated by XSD; openxml-audit "
        "(the SDK's schema, which has x14) still checks it.",
}
# Allow-list entries about one edition of the XSDs only (schemas.edition()): outside it they are
# not applied, and not judged for staleness. The form-control anchors are not reached by the 1st
# edition, which stops at <control> itself.
XSD_EDITION = {FORM_CONTROL_ANCHORS: "5th", CONTROL_CONTENT_1ST: "1st"}

MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
# Extension namespaces a consumer may understand on top of ECMA-376 (for the second MCE view).
X14 = "http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"
CT_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"
REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
CONTENT_TYPES = "[Content_Types].xml"
VBA_PART = "xl/vbaProject.bin"
_OD = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
_SML_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml."
# Relationship type -> content type its target must have (the types these workbooks use).
EXPECTED_CT = {
    _OD + "worksheet": _SML_CT + "worksheet+xml",
    _OD + "styles": _SML_CT + "styles+xml",
    _OD + "sharedStrings": _SML_CT + "sharedStrings+xml",
    _OD + "theme": "application/vnd.openxmlformats-officedocument.theme+xml",
    _OD + "extended-properties": "application/vnd.openxmlformats-officedocument.extended-properties+xml",
    "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties":
        "application/vnd.openxmlformats-package.core-properties+xml",
    "http://schemas.microsoft.com/office/2006/relationships/vbaProject": "application/vnd.ms-office.vbaProject",
    _OD + "vmlDrawing": "application/vnd.openxmlformats-officedocument.vmlDrawing",
    _OD + "ctrlProp": "application/vnd.ms-excel.controlproperties+xml",
    _OD + "drawing": "application/vnd.openxmlformats-officedocument.drawing+xml",
    _OD + "comments": _SML_CT + "comments+xml",
    _OD + "table": _SML_CT + "table+xml",
}
MAIN_CT = {".xlsx": _SML_CT + "sheet.main+xml",
           ".xlsm": "application/vnd.ms-excel.sheet.macroEnabled.main+xml"}


class Package:
    """The parts of a zip package, by name (without a leading slash)."""

    def __init__(self, data: bytes, name: str = "workbook.xlsx"):
        self.name, self.data = name, data
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            self.names = [i.filename for i in zf.infolist() if not i.is_dir()]
            self.parts = {n: zf.read(n) for n in self.names}
        self.types = None  # cache of content_types()

    def xml(self, part: str) -> etree._Element:
        return etree.fromstring(self.parts[part])


def rels_part_for(part: str) -> str:
    directory, base = posixpath.split(part)
    return posixpath.join(directory, "_rels", base + ".rels")


def source_of(rels_part: str) -> str:
    """The part a .rels part describes ('' for the package root)."""
    directory, base = posixpath.split(rels_part)
    return posixpath.join(posixpath.dirname(directory), base[: -len(".rels")]).lstrip("/")


def relationships(pkg: Package, rels_part: str) -> list[etree._Element]:
    return list(pkg.xml(rels_part).iter(REL_NS + "Relationship"))


def resolve_target(source: str, target: str) -> str:
    target = unquote(target.split("#", 1)[0])
    if target.startswith("/"):
        return posixpath.normpath(target).lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(source), target))


def content_types(pkg: Package) -> tuple[dict[str, str], dict[str, str], list[str]]:
    """(defaults by lower-case extension, overrides by lower-case part name, duplicate findings)."""
    root = pkg.xml(CONTENT_TYPES)
    defaults, overrides, dups = {}, {}, []
    for el in root.iter(CT_NS + "Default"):
        ext = el.get("Extension", "").lower()
        if ext in defaults:
            dups.append(f"package: {CONTENT_TYPES}: Default for '{ext}' declared twice")
        defaults[ext] = el.get("ContentType")
    for el in root.iter(CT_NS + "Override"):
        name = el.get("PartName", "").lstrip("/").lower()
        if name in overrides:
            dups.append(f"package: {CONTENT_TYPES}: Override for '/{name}' declared twice")
        overrides[name] = el.get("ContentType")
    return defaults, overrides, dups


def content_type_of(pkg: Package, part: str) -> str | None:
    if pkg.types is None:
        pkg.types = content_types(pkg)
    defaults, overrides, _ = pkg.types
    base = posixpath.basename(part)
    ext = base.rsplit(".", 1)[1].lower() if "." in base else ""
    return overrides.get(part.lower(), defaults.get(ext))


def check_package(pkg: Package) -> list[str]:
    """OPC rules: content types, relationship targets and ids, reachability, unique names."""
    found = []
    lowered = [n.lower() for n in pkg.names]
    for dup in sorted({n for n in lowered if lowered.count(n) > 1}):
        found.append(f"package: {dup}: part name occurs more than once (case-insensitively)")
    if CONTENT_TYPES not in pkg.parts:
        return found + [f"package: {CONTENT_TYPES}: missing"]
    defaults, overrides, dups = content_types(pkg)
    found += dups
    existing = set(lowered)
    for name in overrides:
        if name not in existing:
            found.append(f"package: {CONTENT_TYPES}: Override for missing part '/{name}'")
    for part in pkg.names:
        if part != CONTENT_TYPES and content_type_of(pkg, part) is None:
            found.append(f"package: {part}: no content type (no Override, no Default for its extension)")
    reached, queue = {"_rels/.rels"}, [""]
    while queue:
        source = queue.pop()
        rels = rels_part_for(source) if source else "_rels/.rels"
        if rels not in pkg.parts:
            continue
        reached.add(rels)
        ids = set()
        for rel in relationships(pkg, rels):
            rid, rtype, target = rel.get("Id"), rel.get("Type"), rel.get("Target", "")
            if rid in ids:
                found.append(f"package: {rels}: relationship id '{rid}' used twice")
            ids.add(rid)
            if rel.get("TargetMode") == "External":
                continue
            part = resolve_target(source, target)
            if part not in pkg.parts:
                found.append(f"package: {rels}: relationship '{rid}' targets missing part '/{part}'")
                continue
            expected = EXPECTED_CT.get(rtype)
            if expected and content_type_of(pkg, part) != expected:
                found.append(f"package: {part}: content type '{content_type_of(pkg, part)}' "
                             f"does not match relationship type {rtype.rsplit('/', 1)[-1]}")
            if part not in reached:
                reached.add(part)
                queue.append(part)
    for part in pkg.names:
        if part != CONTENT_TYPES and part not in reached:
            found.append(f"package: {part}: not reachable from the package relationships")
    for part in pkg.names:
        if part.endswith(".rels") and part != "_rels/.rels" and source_of(part) not in pkg.parts:
            found.append(f"package: {part}: relationships of a missing part")
    ext = posixpath.splitext(pkg.name)[1].lower()
    main = [resolve_target("", r.get("Target", "")) for r in relationships(pkg, "_rels/.rels")
            if r.get("Type") == _OD + "officeDocument"] if "_rels/.rels" in pkg.parts else []
    if len(main) != 1:
        found.append(f"package: _rels/.rels: {len(main)} officeDocument relationships, expected 1")
    elif ext in MAIN_CT and content_type_of(pkg, main[0]) != MAIN_CT[ext]:
        found.append(f"package: {main[0]}: content type '{content_type_of(pkg, main[0])}' "
                     f"is wrong for a {ext} file")
    if (ext == ".xlsm") != (VBA_PART in pkg.parts):
        found.append(f"package: {VBA_PART}: {'missing in' if ext == '.xlsm' else 'present in'} a {ext} file")
    return found


def mce_view(root: etree._Element, understood: set[str]) -> etree._Element:
    """Markup-compatibility preprocessing (ECMA-376 Part 3) for a consumer understanding `understood`.

    Each mc:AlternateContent becomes the children of its first Choice whose Requires prefixes are
    all understood, else of its Fallback, else nothing; elements and attributes of ignorable,
    not-understood namespaces are dropped; mc attributes are removed.
    """
    root = etree.fromstring(etree.tostring(root))
    for ac in reversed(list(root.iter(f"{{{MC}}}AlternateContent"))):
        chosen = None
        for branch in ac:
            if branch.tag == f"{{{MC}}}Choice":
                needs = [branch.nsmap.get(p) for p in branch.get("Requires", "").split()]
                if needs and all(ns in understood for ns in needs):
                    chosen = branch
                    break
            elif branch.tag == f"{{{MC}}}Fallback":
                chosen = branch
        parent, index = ac.getparent(), ac.getparent().index(ac)
        parent.remove(ac)
        for offset, child in enumerate(list(chosen) if chosen is not None else []):
            parent.insert(index + offset, child)
    elements = list(root.iter())
    ignorable = {}  # element -> not-understood namespaces declared ignorable on it or above
    for el in elements:
        parent = el.getparent()
        own = {el.nsmap.get(p) for p in el.get(f"{{{MC}}}Ignorable", "").split()}
        ignorable[el] = (ignorable.get(parent, set()) | own) - understood
    for el in elements:
        for attr in list(el.attrib):
            ns = etree.QName(attr).namespace
            if ns == MC or ns in ignorable[el]:
                del el.attrib[attr]
        parent = el.getparent()
        if parent is not None and etree.QName(el).namespace in ignorable.get(parent, ()):
            parent.remove(el)
    etree.cleanup_namespaces(root)
    return root


def check_xsd(pkg: Package, schema: etree.XMLSchema) -> tuple[list[str], list[str]]:
    """(findings, parts that have no schema here) for every XML part of the package."""
    found, uncovered = [], []
    ecma = set(schemas.ROOT_SCHEMAS) | {
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
        "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing",
        "http://schemas.openxmlformats.org/officeDocument/2006/sharedTypes",
        "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes",
        "http://purl.org/dc/elements/1.1/", "http://purl.org/dc/terms/",
        "http://www.w3.org/2001/XMLSchema-instance", schemas.XML_NS}
    for part in pkg.names:
        if not part.endswith((".xml", ".rels")):
            continue
        try:
            root = pkg.xml(part)
        except etree.XMLSyntaxError as exc:
            found.append(f"xsd: {part}: not well-formed: {exc}")
            continue
        if etree.QName(root).namespace not in schemas.ROOT_SCHEMAS:
            uncovered.append(part)
            continue
        messages = []
        for view in (ecma, ecma | {X14}):
            if not schema.validate(mce_view(root, view)):
                messages += [f"xsd: {part}:{e.line}: {e.message}" for e in schema.error_log]
        found += list(dict.fromkeys(messages))
    return found, uncovered


@lru_cache(maxsize=None)
def _audit_validator() -> OpenXmlValidator:
    return OpenXmlValidator(file_format=FileFormat.OFFICE_2019, max_errors=0)


def check_audit(pkg: Package) -> list[str]:
    """openxml-audit (schema, semantic, package and relationship checks of the Open XML SDK,
    Office 2019 level), every error, warning and info it reports, as findings."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / ("package" + posixpath.splitext(pkg.name)[1])
        path.write_bytes(pkg.data)
        result = _audit_validator().validate(path)
    found = []
    for e in result.errors:
        kind = e.error_type.value + (f"/{e.id}" if e.id else "")
        where = f"{e.path}: " if e.path else ""
        part = e.part_uri.lstrip("/") or "(package)"
        found.append(f"audit: {part}: {e.severity.value} {kind}: {where}{e.description}")
    return found


def check_inline_strings(pkg: Package) -> list[str]:
    """Cells of type inlineStr must carry an <is> child (an empty one makes Excel repair the file)."""
    found = []
    main = f"{{{schemas.SML}}}"
    for part in pkg.names:
        if not (part.startswith("xl/worksheets/") and part.endswith(".xml")):
            continue
        for cell in pkg.xml(part).iter(main + "c"):
            if cell.get("t") == "inlineStr" and cell.find(main + "is") is None:
                found.append(f"inline: {part}: cell {cell.get('r')} is an inlineStr cell without <is>")
    return found


def check_vba(pkg: Package) -> list[str]:
    if VBA_PART not in pkg.parts:
        return []
    found = [f"vba: {VBA_PART}: {m}" for m in ovba.check_project(pkg.parts[VBA_PART])]
    found += [f"vba: {m}" for m in check_code_names(pkg)]
    return found


def check_code_names(pkg: Package) -> list[str]:
    """Each sheet's codeName (and the workbook's) must name a document module, and vice versa."""
    main = f"{{{schemas.SML}}}"
    workbook = "xl/workbook.xml"
    names = [el.get("codeName") for el in pkg.xml(workbook).iter(main + "workbookPr")]
    for rel in relationships(pkg, rels_part_for(workbook)):
        if rel.get("Type") == _OD + "worksheet":
            sheet = pkg.xml(resolve_target(workbook, rel.get("Target")))
            names += [el.get("codeName") for el in sheet.iter(main + "sheetPr")] or [None]
    documents = ovba.document_modules(pkg.parts[VBA_PART])
    found = [f"{workbook}: a sheet or the workbook has no codeName" for n in names if not n]
    found += [f"codeName '{n}' has no document module" for n in names if n and n not in documents]
    found += [f"document module '{d}' belongs to no sheet" for d in documents if d not in names]
    return found


def check_all(pkg: Package, schema: etree.XMLSchema | None) -> list[str]:
    """Every check's findings; without a schema (none supplied) the XSD check is left out."""
    return ((check_xsd(pkg, schema)[0] if schema is not None else []) + check_audit(pkg)
            + check_package(pkg) + check_inline_strings(pkg) + check_vba(pkg))


def allowed(edition: str | None) -> list[str]:
    """The ALLOW_LIST patterns that apply with the schemas of `edition` in use (None: no XSDs)."""
    return [p for p in ALLOW_LIST if XSD_EDITION.get(p, edition) == edition]


def unexplained(findings: list[str]) -> list[str]:
    """The findings that no applicable ALLOW_LIST pattern explains."""
    patterns = allowed(schemas.edition())
    return [f for f in findings if not any(re.search(p, f) for p in patterns)]


def rewrite(data: bytes, changes: dict[str, bytes | None]) -> bytes:
    """A copy of the zip `data` with parts replaced, added, or (value None) removed."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename not in changes:
                dst.writestr(info, src.read(info.filename))
        for name, content in changes.items():
            if content is not None:
                dst.writestr(name, content)
    return out.getvalue()
