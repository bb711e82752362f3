"""The package model: the parts of an OOXML package (.xlsx, .xlsm), their relationships and
content types, read once from the file's bytes; XML parts are parsed on demand.

Every module that looks inside a workbook's zip goes through Package: the button writer
(buttons.py), the readers of masters and returns, the patch. Saving is the one atomic save
(save.py); check_parts_kept guards every writer against losing a part.
"""
from __future__ import annotations

import io
import posixpath
import re
import zipfile
from pathlib import Path

from lxml import etree

from workbook.errors import PackageError
from workbook.ooxml.save import replace_atomically
from workbook.ooxml.zipcopy import read_member

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "http://schemas.openxmlformats.org/package/2006/content-types"
REL_DOC = f"{REL}/officeDocument"
REL_SHEET = f"{REL}/worksheet"
DECLARATION = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


def part_names(path: Path) -> set[str]:
    """Names of all parts in the package at ``path`` (zip member names)."""
    try:
        with zipfile.ZipFile(path) as z:
            return {n for n in z.namelist() if not n.endswith("/")}
    except (OSError, zipfile.BadZipFile) as e:
        raise PackageError(f"「{Path(path).name}」を Excel ブックとして読めません: {e}") from e


def check_parts_kept(before: set[str], after: set[str], path: Path) -> None:
    """Raise PackageError naming the parts of ``before`` missing from ``after``."""
    lost = sorted(before - after)
    if lost:
        listed = "、".join(f"{name}（{_describe(name)}）" if _describe(name) else name for name in lost)
        raise PackageError(f"ブック「{Path(path).name}」の保存で、次の部分が失われました: {listed}")


def _describe(name: str) -> str:
    if name.endswith("vbaProject.bin"):
        return "マクロ"
    if name.endswith(".vml"):
        return "ボタンなどの図形"
    if "/ctrlProps/" in name:
        return "フォーム コントロール"
    if "/drawings/" in name:
        return "図形"
    return ""


class Package:
    """The parts of a zip package in memory, with the XML ones parsed on demand."""

    def __init__(self, path: Path, data: bytes | None = None, known: dict[str, bytes] | None = None,
                 opened: zipfile.ZipFile | None = None):
        """The package at path, or in data (the bytes already read from path); a part is inflated
        when first read. known: parts already inflated (by name); opened: data already opened as a zip."""
        self.path = Path(path)
        try:
            self.data = self.path.read_bytes() if data is None else data
            self.zip = zipfile.ZipFile(io.BytesIO(self.data)) if opened is None else opened
        except (OSError, zipfile.BadZipFile) as e:
            raise PackageError(f"「{self.path.name}」を Excel ブックとして読めません: {e}") from e
        self.infos = [i for i in self.zip.infolist() if not i.filename.endswith("/")]
        self.parts = Parts(self.zip, self.infos, known, self.data)
        self._start()

    @classmethod
    def from_parts(cls, path: Path, data: bytes, parts: dict[str, bytes],
                   opened: zipfile.ZipFile | None = None) -> "Package":
        """A package whose members were already read (intake inflates each one to check it), from the
        zip they were read from when it is still open (its directory is not read again)."""
        return cls(path, data, parts, opened)

    def _start(self) -> None:
        self.trees: dict[str, etree._Element] = {}
        self.workbook_part = self.related("", REL_DOC)
        if not self.workbook_part or self.workbook_part not in self.parts:
            raise PackageError(f"「{self.path.name}」にブック本体の部分がありません。")

    def xml(self, part: str) -> etree._Element:
        if part not in self.trees:
            try:
                self.trees[part] = etree.fromstring(self.parts[part], PARSER)
            except (KeyError, etree.XMLSyntaxError) as e:
                raise PackageError(f"「{self.path.name}」の部分 {part} を読めません: {e}") from e
        return self.trees[part]

    @staticmethod
    def rels_name(part: str) -> str:
        folder, name = posixpath.split(part)
        return posixpath.join(folder, "_rels", f"{name}.rels")

    def rels(self, part: str) -> etree._Element:
        """The part's relationships (a new, unsaved element when it has none)."""
        name = self.rels_name(part)
        if name in self.parts or name in self.trees:
            return self.xml(name)
        return etree.Element(f"{{{PKG_REL}}}Relationships", nsmap={None: PKG_REL})

    def target(self, part: str, rid: str | None) -> str:
        for rel in self.rels(part):
            if rel.get("Id") == rid:
                return self.resolve(part, rel.get("Target"))
        raise PackageError(f"「{self.path.name}」の {part} に関係 {rid} がありません。")

    @staticmethod
    def resolve(part: str, target: str) -> str:
        if target.startswith("/"):
            return target.lstrip("/")
        return posixpath.normpath(posixpath.join(posixpath.dirname(part), target))

    def related(self, part: str, rel_type: str) -> str | None:
        for rel in self.rels(part):
            if rel.get("Type") == rel_type:
                return self.resolve(part, rel.get("Target"))
        return None

    def relate(self, part: str, rel_type: str, target_part: str) -> str:
        """Add a relationship from ``part`` to ``target_part``; return its id."""
        rels = self.rels(part)
        self.trees[self.rels_name(part)] = rels
        used = {rel.get("Id") for rel in rels}
        rid = next(f"rId{n}" for n in range(1, len(used) + 2) if f"rId{n}" not in used)
        target = posixpath.relpath(target_part, posixpath.dirname(part) or ".")
        etree.SubElement(rels, f"{{{PKG_REL}}}Relationship", Id=rid, Type=rel_type, Target=target)
        return rid

    def unrelate(self, part: str, rid: str | None) -> None:
        rels = self.rels(part)
        for rel in rels.findall(f"{{{PKG_REL}}}Relationship[@Id='{rid}']"):
            rels.remove(rel)
        self.trees[self.rels_name(part)] = rels

    def unlinked(self, folder: str) -> list[str]:
        """Parts under ``folder`` that no relationship points to, in numeric order."""
        linked = set()
        for name in {*self.parts, *self.trees}:
            if name.endswith(".rels"):
                source = posixpath.join(posixpath.dirname(posixpath.dirname(name)), posixpath.basename(name)[:-5])
                linked |= {self.resolve(source, r.get("Target", "")) for r in self.xml(name)
                           if r.get("TargetMode") != "External"}
        free = [p for p in self.parts if p.startswith(folder) and p not in linked]
        return sorted(free, key=lambda p: [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", p)])

    def free_name(self, pattern: str) -> str:
        taken = {p.lower() for p in (*self.parts, *self.trees)}
        return next(pattern.format(n) for n in range(1, len(taken) + 2) if pattern.format(n).lower() not in taken)

    def override(self, part: str, content_type: str) -> None:
        types = self.xml("[Content_Types].xml")
        name = "/" + part
        for o in types.iterfind(f"{{{CT}}}Override"):
            if o.get("PartName", "").lower() == name.lower():
                o.set("ContentType", content_type)
                return
        etree.SubElement(types, f"{{{CT}}}Override", PartName=name, ContentType=content_type)

    def default(self, extension: str, content_type: str) -> None:
        types = self.xml("[Content_Types].xml")
        if not any(d.get("Extension", "").lower() == extension for d in types.iterfind(f"{{{CT}}}Default")):
            types.insert(0, etree.Element(f"{{{CT}}}Default", Extension=extension, ContentType=content_type))

    def sheet_parts(self) -> dict[str, str]:
        """Sheet title -> part name ('' when its relationship is missing), in tab order."""
        workbook = self.xml(self.workbook_part)
        targets = {rel.get("Id"): self.resolve(self.workbook_part, rel.get("Target", ""))
                   for rel in self.rels(self.workbook_part)}
        return {s.get("name"): targets.get(s.get(f"{{{REL}}}id"), "")
                for s in workbook.iterfind(f"{{{MAIN}}}sheets/{{{MAIN}}}sheet")}

    def code_names(self) -> tuple[str, list[tuple[str, str, str]]]:
        """The workbook's code name, and (title, part, code name) of each sheet in tab order."""
        workbook = self.xml(self.workbook_part)
        pr = workbook.find(f"{{{MAIN}}}workbookPr")
        workbook_code = (pr.get("codeName") if pr is not None else None) or "ThisWorkbook"
        found = []
        for sheet in workbook.iterfind(f"{{{MAIN}}}sheets/{{{MAIN}}}sheet"):
            rid = sheet.get(f"{{{REL}}}id")
            rel = next((r for r in self.rels(self.workbook_part) if r.get("Id") == rid), None)
            if rel is None or rel.get("Type") != REL_SHEET:
                raise PackageError(f"シート「{sheet.get('name')}」はワークシートではないため扱えません。")
            part = self.resolve(self.workbook_part, rel.get("Target"))
            pr = self.xml(part).find(f"{{{MAIN}}}sheetPr")
            found.append((sheet.get("name"), part, pr.get("codeName") if pr is not None else None))
        used = {workbook_code.upper(), *(code.upper() for _, _, code in found if code)}
        sheets = []
        for position, (title, part, code) in enumerate(found, start=1):
            if not code:
                n = position
                while f"SHEET{n}" in used:
                    n += 1
                code = f"Sheet{n}"
                used.add(code.upper())
            sheets.append((title, part, code))
        return workbook_code, sheets

    def sheet_xml(self, title: str) -> bytes | None:
        """The XML of the sheet with this title; None when there is none."""
        return self.parts.get(self.sheet_parts().get(title, ""))

    def to_bytes(self) -> bytes:
        """The package as a zip, every part in its original order, changed XML serialised."""
        for part, tree in self.trees.items():
            text = etree.tostring(tree, encoding="UTF-8", xml_declaration=False)
            self.parts[part] = text if part.endswith(".vml") else DECLARATION + text  # VML: none, as Excel
        known = {i.filename for i in self.infos}
        stamp = self.infos[0].date_time if self.infos else (1980, 1, 1, 0, 0, 0)
        infos = self.infos + [zipfile.ZipInfo(p, stamp) for p in self.parts if p not in known]
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
            for info in infos:
                info.compress_type = zipfile.ZIP_DEFLATED
                z.writestr(info, self.parts[info.filename])
        return buffer.getvalue()

    def save(self) -> None:
        """Write every part to a temporary file beside the package, then replace it."""
        data = self.to_bytes()
        replace_atomically(self.path, data=data)


class Parts:
    """The parts of a package by name: each inflated from the zip when first read; parts set here
    (new or changed) are kept as given. Iterates over the names in package order, new ones last."""

    def __init__(self, z: zipfile.ZipFile, infos: list[zipfile.ZipInfo], known: dict[str, bytes] | None,
                 data: bytes):
        self._zip = z
        self._bytes = data            # the package's bytes: a part is inflated straight from them
        self._infos = {i.filename: i for i in infos}
        self._names = [i.filename for i in infos]
        self._known = set(self._names)
        self._data: dict[str, bytes] = dict(known or {})

    def __contains__(self, name: object) -> bool:
        return name in self._known

    def __iter__(self):
        return iter(list(self._names))

    def __len__(self) -> int:
        return len(self._names)

    def __getitem__(self, name: str) -> bytes:
        data = self._data.get(name)
        if data is None:
            if name not in self._known:
                raise KeyError(name)
            data = self._data[name] = read_member(self._zip, self._bytes, self._infos[name])
        return data

    def __setitem__(self, name: str, data: bytes) -> None:
        if name not in self._known:
            self._known.add(name)
            self._names.append(name)
        self._data[name] = data

    def get(self, name: str, default: bytes | None = None) -> bytes | None:
        return self[name] if name in self._known else default

    def items(self):
        return [(name, self[name]) for name in self]
