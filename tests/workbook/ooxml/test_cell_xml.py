"""The sheet as text (ooxml.sheet_xml on ooxml.cell_xml): the forms other writers use read and
edit as lxml would, rows not edited come back byte for byte."""
from __future__ import annotations

import pytest
from lxml import etree

from workbook.ooxml.cell_xml import Row, inline_text, split_rows
from workbook.ooxml.changes import CellReader
from workbook.ooxml.sheet_xml import SheetXml

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def sheet(rows: str, before: str = "", after: str = "") -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{MAIN}">{before}'
            f'<sheetData>{rows}</sheetData>{after}</worksheet>').encode()


def values(xml: bytes) -> dict[tuple[int, int], object]:
    out = {}
    s = SheetXml(xml)
    reader = CellReader(None, None)
    for r in s.row_numbers():
        for c in s.columns_of(r):
            out[(r, c)] = reader.value(s.cell_at(r, c), s.shared_formulas())
    return out


def test_rows_not_edited_are_written_back_byte_for_byte():
    rows = ('<row r="1" spans="1:2"><c r="A1" s="3" t="inlineStr"><is><t>見出し &amp; 注</t></is></c></row>'
            '<row r="2"><c r="A2"><v>1</v></c><c r="B2" s="4"/></row>')
    xml = sheet(rows, '<dimension ref="A1:B2"/>', '<pageMargins left="0.7"/>')
    s = SheetXml(xml)
    s.set(2, 2, "新")
    out = s.tobytes().decode()
    assert rows.split("<row r=\"2\"")[0] in out
    assert '<row r="2"><c r="A2"><v>1</v></c><c r="B2" s="4" t="inlineStr"><is><t>新</t></is></c></row>' in out
    assert out.startswith('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>')
    etree.fromstring(s.tobytes())


def test_pretty_printed_rows_cells_without_r_and_a_row_extlst_are_read():
    rows = ('\n  <row r="3">\n    <c s="1"><v>5</v></c>\n    <c><v>6</v></c>\n  </row>\n'
            '  <row><c r="C4" t="inlineStr"><is><t>x</t></is></c><extLst><ext uri="u"/></extLst></row>\n')
    s = SheetXml(sheet(rows))
    assert s.row_numbers() == [3, 4] and s.columns_of(3) == [1, 2] and s.columns_of(4) == [3]
    s.set(4, 1, 7)
    out = s.tobytes().decode()
    root = etree.fromstring(out.encode())
    row4 = root.find(f"{{{MAIN}}}sheetData")[1]
    assert row4.get("r") == "4" and [c.get("r") for c in row4.iterfind(f"{{{MAIN}}}c")] == ["A4", "C4"]
    assert row4[-1].tag == f"{{{MAIN}}}extLst"
    assert values(s.tobytes())[(3, 2)] == 6 and values(s.tobytes())[(4, 1)] == 7


@pytest.mark.parametrize("odd", [
    '<row r="1"><c r="A1" t="inlineStr"><is><t><![CDATA[a<b]]></t></is></c></row>',
    "<row r='1'><c r='A1' t='inlineStr'><is><t>a&lt;b</t></is></c></row>",
    '<row r="1"><!-- a comment --><c r="A1" t="inlineStr"><is><t>a&lt;b</t></is></c></row>',
])
def test_cdata_comments_and_single_quotes_are_read_through_lxml_first(odd):
    s = SheetXml(sheet(odd))
    assert values(s.tobytes()) == {(1, 1): "a<b"}
    s.set(1, 2, "c")
    assert values(s.tobytes()) == {(1, 1): "a<b", (1, 2): "c"}


def test_values_read_as_lxml_reads_them():
    rows = ('<row r="1"><c r="A1" t="inlineStr"><is><r><t>漢</t></r><r><rPr><b/></rPr><t xml:space="preserve"> 字</t></r>'
            '<rPh sb="0" eb="1"><t>カン</t></rPh></is></c>'
            '<c r="B1" t="inlineStr"><is><t>a_x000D_b&#13;&gt;</t></is></c>'
            '<c r="C1"><f>SUM(A2:A3)</f><v>3</v></c><c r="D1" t="b"><v>1</v></c><c r="E1" t="str"><f>"x"</f></c>'
            '<c r="F1"><v>2.50</v></c><c r="G1" t="inlineStr"><is><t/></is></c><c r="H1" s="2"/></row>'
            '<row r="2"><c r="A2"><f t="shared" ref="A2:A3" si="0">B2*2</f><v>4</v></c></row>'
            '<row r="3"><c r="A3"><f t="shared" si="0"/><v>6</v></c></row>')
    got = values(sheet(rows))
    assert got[(1, 1)] == "漢 字" and got[(1, 2)] == "a\rb\r>"
    assert got[(1, 3)] == "=SUM(A2:A3)" and got[(1, 4)] is True and got[(1, 5)] == '="x"'
    assert got[(1, 6)] == 2.5 and got[(1, 7)] is None and got[(1, 8)] is None
    assert got[(2, 1)] == "=B2*2" and got[(3, 1)] == "=B3*2"


def test_written_text_is_escaped_as_lxml_escapes_it():
    s = SheetXml(sheet('<row r="1"><c r="A1" t="s" s="5"><v>0</v></c></row>'))
    s.set(1, 1, "a<b>&c\r\n d ")
    s.set(1, 3, " 前後に空白 ")
    out = s.tobytes()
    root = etree.fromstring(out)
    cells = root.find(f"{{{MAIN}}}sheetData")[0]
    assert cells[0].get("s") == "5" and cells[0].get("t") == "inlineStr"
    assert cells[0].findtext(f"{{{MAIN}}}is/{{{MAIN}}}t") == "a<b>&c\r\n d "
    assert "&#13;" in out.decode() and out.decode().count('xml:space="preserve"') == 2


def test_a_row_split_by_text_equals_the_regular_expression_reading():
    text = ('<row r="12" spans="1:3" ht="30" customHeight="1"><c r="A12" s="1"/><c r="C12" t="inlineStr"><is><t>'
            'x</t></is></c><c r="B12"><v>1</v></c></row>')
    fast = Row.parse(text, 12)
    slow = Row._parse_any(text[:text.find(">")], text[text.find(">") + 1:-6], 12)
    assert fast.cells == slow.cells and list(fast.cells) == [1, 3, 2] and not fast.ordered
    assert fast.text().index('r="B12"') < fast.text().index('r="C12"')
    assert split_rows(text + " \n" + text.replace('"12"', '"13"')) == [text, text.replace('"12"', '"13"')]
    assert inline_text("<v>1</v>") is None


@pytest.mark.parametrize("odd", [
    '<row r="1"><c r="A1"><v>1</v></c><c\nr="B1"><v>2</v></c></row><row\n r="2"><c r="A2"><v>3</v></c></row>',
    '<row r="1"><c r="A1"><v>1</v></c><c\tr="B1"><v>2</v></c></row><row r="2"><c r="A2"><v>3</v></c\n></row>',
])
def test_whitespace_inside_tags_is_read_through_lxml_first(odd):
    # valid XML: any whitespace after a tag's name and before an end tag's ">"
    s = SheetXml(sheet(odd))
    assert s.row_numbers() == [1, 2] and s.columns_of(1) == [1, 2]
    got = values(sheet(odd))
    assert got[(1, 1)] == 1 and str(got[(1, 2)]) == "2" and got[(2, 1)] == 3
    s.set(1, 1, "x")
    s.set(2, 1, "y")
    root = etree.fromstring(s.tobytes())
    assert values(s.tobytes()) == {(1, 1): "x", (1, 2): got[(1, 2)], (2, 1): "y"} and root is not None


def test_literal_carriage_returns_read_as_xml_reads_them():
    # an XML parser reads a literal CR (and CR LF) in text as a line feed; &#13; stays a CR
    xml = sheet('<row r="1"><c r="A1" t="inlineStr"><is><t>a\r\nb\rc&#13;</t></is></c></row>')
    assert values(xml) == {(1, 1): "a\nb\nc\r"}


def test_cells_without_attributes_are_cells():
    rows = '<row r="1"><c r="A1"><v>1</v></c><c><v>2</v></c><c/><c r="E1"><v>5</v></c><c><v>6</v></c></row>'
    s = SheetXml(sheet(rows), record=True)
    assert s.columns_of(1) == [1, 2, 3, 5, 6] and s.initial_used == (1, 6)
    assert values(sheet(rows)) == {(1, 1): 1, (1, 2): 2, (1, 3): None, (1, 5): 5, (1, 6): 6}
    s.set(1, 1, 9)
    assert values(s.tobytes()) == {(1, 1): 9, (1, 2): 2, (1, 3): None, (1, 5): 5, (1, 6): 6}


def test_a_self_closing_autofilter_without_ref_gets_one():
    s = SheetXml(sheet('<row r="1"><c r="A1"><v>1</v></c></row>', after='<autoFilter xmlns:xr="urn:xr" xr:uid="{1}"/>'))
    s.set_ref("autoFilter", "A1:B3")
    root = etree.fromstring(s.tobytes())
    assert root.find(f"{{{MAIN}}}autoFilter").get("ref") == "A1:B3"


def test_a_new_cell_drops_the_spans_of_a_row_without_cells():
    s = SheetXml(sheet('<row r="1" spans="1:2" ht="30" customHeight="1"/>'))
    s.set(1, 5, "x")
    row = etree.fromstring(s.tobytes()).find(f"{{{MAIN}}}sheetData")[0]
    assert row.get("spans") is None and row.get("ht") == "30"


def test_a_main_namespace_with_a_prefix_is_edited_as_the_default_one():
    xml = (f'<x:worksheet xmlns:x="{MAIN}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
           'relationships"><x:sheetData><x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>前</x:t></x:is></x:c>'
           '</x:row></x:sheetData><x:autoFilter ref="A1:A1"/></x:worksheet>').encode()
    s = SheetXml(xml)
    s.set(1, 2, "後")
    s.set_ref("autoFilter", "A1:B1")
    out = s.tobytes()
    assert values(out) == {(1, 1): "前", (1, 2): "後"}
    assert etree.fromstring(out).find(f"{{{MAIN}}}autoFilter").get("ref") == "A1:B1"


def test_space_around_an_attributes_equals_sign_and_an_autofilter_without_attributes():
    xml = sheet('<row r = "1"><c r="A1" s = "2"><v>1</v></c ><c r="B1"><v>2</v></c></row>', after="<autoFilter/>")
    s = SheetXml(xml)
    s.set(1, 1, 3)
    s.set_ref("autoFilter", "A1:B1")
    out = s.tobytes()
    root = etree.fromstring(out)
    assert values(out) == {(1, 1): 3, (1, 2): 2} and root.find(f"{{{MAIN}}}autoFilter").get("ref") == "A1:B1"
    assert root.find(f"{{{MAIN}}}sheetData")[0][0].get("s") == "2"


@pytest.mark.parametrize("row", [
    # the usual form: edited in its text
    '<row r="7" spans="1:4" ht="20" customHeight="1"><c r="A7" s="2" t="inlineStr"><is><t>a</t></is></c>'
    '<c r="B7" s="3"/><c r="C7"><f>A7&amp;"x"</f><v>ax</v></c><c r="D7" t="inlineStr"><is><t>d</t></is>'
    '<extLst><ext uri="u"/></extLst></c></row>',
    # a cell written is not there, or is there twice: the row is split first
    '<row r="7"><c r="A7" s="2"/><c r="C7"><v>1</v></c><c r="D7"/></row>',
    '<row r="7"><c r="A7" s="2"/><c r="B7"><v>1</v></c><c r="B7"><v>2</v></c><c r="C7"/><c r="D7"/></row>',
])
@pytest.mark.parametrize("record", [False, True])
def test_a_row_edited_in_its_text_is_the_row_split_and_edited(row, record):
    xml = sheet(row)
    edits = {4: "新しい\n値", 2: 3.5, 1: None, 3: "=そのまま"}
    spliced, split = SheetXml(xml, record=record), SheetXml(xml, record=record)
    split._row(7)
    for s in (spliced, split):
        s.set_row(7, dict(edits))
        s.set_height(7, 46)
    assert isinstance(spliced._rows[7], str) == ('r="B7" s="3"/>' in row)    # split only when it has to be
    assert spliced.tobytes() == split.tobytes()
    assert spliced.touched == split.touched and spliced.removed_formulas == split.removed_formulas
    assert spliced.before_cells == split.before_cells and spliced.before_heights == split.before_heights
    got = values(spliced.tobytes())
    assert got[(7, 2)] == 3.5 and got[(7, 3)] == "=そのまま" and got[(7, 4)] == "新しい\n値"
    assert (7, 1) not in got or got[(7, 1)] is None
    assert SheetXml(spliced.tobytes()).height(7) == 46


def test_a_row_edited_in_its_text_keeps_the_space_between_its_cells():
    rows = '\n<row r="2">\n  <c r="A2"><v>1</v></c>\n  <c r="B2" s="5"/>\n</row>\n<row r="3"><c r="A3"/></row>'
    s = SheetXml(sheet(rows))
    s.set_row(2, {2: "b"})
    s.set_height(2, 18)
    out = s.tobytes().decode()
    assert '<row r="2" ht="18" customHeight="1">\n  <c r="A2"><v>1</v></c>\n  <c r="B2" s="5" t="inlineStr">' in out
    assert values(s.tobytes()) == {(2, 1): 1, (2, 2): "b", (3, 1): None}
