"""A worksheet part's text in the plain form workbook.ooxml.cell_xml reads without a tree.

Excel, openpyxl and lxml write worksheets in one form: UTF-8, the main namespace without a prefix,
attributes in double quotes, no comments, CDATA or processing instructions, no tab or line feed
inside a tag. A part in any other form (written by hand or by another tool) is written out once by
lxml, so that splitting rows and cells at "<row " and "<c " is always right.
"""
from __future__ import annotations

import re

from lxml import etree

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True, remove_comments=True,
                          remove_pis=True, strip_cdata=True)
# comments and CDATA, processing instructions, single-quoted attributes, space around an attribute's "="
# or before the ">" of an end tag (text that happens to hold these is only written out by lxml first).
# Each mark with a character that is rare in a sheet is looked for only when that character is there
# at all (a one-byte search is many times faster than a search for two).
_UNUSUAL = ((b"!", b"<!"), (b"?", b"<?"), (b"'", b"='"), (None, b'= "'), (None, b' ="'), (None, b"</c "),
            (None, b"</row "))
_LEADING = re.compile(r"\s*")


def plain_text(data: bytes) -> str:
    """The part as text in the form cell_xml reads: as it is, or written out once by lxml (the main
    namespace made the default one where a writer gave it a prefix: <x:sheetData>)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if text is None or _unusual(data) or _unusual_spacing(text) or "<sheetData" not in text:
        root = etree.fromstring(data, _PARSER)
        if root.prefix is not None:
            root = _unprefixed(root)
        text = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True).decode("utf-8")
    return text


def _unusual(data: bytes) -> bool:
    """Any of the _UNUSUAL marks after the XML declaration."""
    start = data.find(b"?>") + 2 if data.startswith(b"<?xml") else 0
    return any((rare is None or data.find(rare, start) >= 0) and data.find(mark, start) >= 0
               for rare, mark in _UNUSUAL)


def _unprefixed(root: etree._Element) -> etree._Element:
    """A copy of the tree whose elements of the main namespace are written without a prefix."""
    nsmap = {prefix: uri for prefix, uri in root.nsmap.items() if uri != MAIN and prefix is not None}
    nsmap[None] = MAIN
    top = etree.Element(root.tag, dict(root.attrib), nsmap=nsmap)
    stack = [(root, top)]
    while stack:
        source, target = stack.pop()
        target.text = source.text
        for child in source:
            copy = etree.SubElement(target, child.tag, dict(child.attrib))
            copy.tail = child.tail
            stack.append((child, copy))
    return top


def _unusual_spacing(text: str) -> bool:
    """A tab or a line feed inside a tag (<c\nr="A1">: cell_xml splits rows and cells at "<row "
    and "<c "), or a literal CR (XML reads it as a line feed). Whitespace after the declaration and
    before the root (Excel's CR LF) does not count. A line feed is inside a tag when a ">" follows
    it before any "<" (text is escaped as lxml and Excel write it)."""
    start = text.find("?>") + 2 if text.startswith("<?xml") else 0
    start = _LEADING.match(text, start).end()
    if text.find("\r", start) >= 0:
        return True
    for mark in "\n\t":
        i = text.find(mark, start)
        while i >= 0:
            close, opening = text.find(">", i), text.find("<", i)
            if close >= 0 and (opening < 0 or close < opening):
                return True
            i = text.find(mark, i + 1)
    return False
