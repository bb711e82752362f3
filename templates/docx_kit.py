"""The house style of the Word templates and the helpers that build them: styles with East Asian
fonts set in the XML, A4 sections, page-number fields, paragraphs, tables with repeated header rows
and rows that do not split, docxtpl tag paragraphs. build_templates.py (the reports) and
build_letters.py (the letters) make their templates with these.
"""
from __future__ import annotations

import datetime as dt

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from docx_pages import a4


BODY_FONT = "游明朝"      # Word's Japanese default serif; ＭＳ 明朝 where 游明朝 is missing
HEADING_FONT = "游ゴシック"
TEXT_WIDTH_MM = 170      # A4 210 mm minus 20 mm margins
TABLE_STYLE = "報告書表"
CELL = "表本文"
CELL_HEAD = "表見出し"
CELL_NUM = "表本文（数値）"
CELL_NUM_KEEP = "表本文（数値・まとめる）"
CAPTION = "表題"
NOTE = "注記"
BULLET = "箇条書き"
SPACER = "表間"
CELL_KEEP = "表本文（取組）"   # keeps an action's table on one page where it fits
GOAL_LINE = "基本目標の内訳"
# the progress report's table form
TOC_TITLE = "目次見出し"
TOC_1, TOC_2 = "目次項目1", "目次項目2"      # generators/toc.py writes the entries in these styles
TREE_GOAL, TREE_MEASURE, TREE_ACTION = "体系（基本目標）", "体系（施策）", "体系（取組）"
ROW_TEXT = "取組表本文"        # the action table: one row per action
ROW_CODE = "取組表本文（中央）"
MEASURE_ROW = "取組表の施策"
MATRIX_TEXT = "一覧表本文"     # the ● matrix of actions and departments
MATRIX_MARK = "一覧表本文（中央）"
COLOPHON = "奥付"
# ASCII style ids (what paragraphs refer to); the Japanese name is what Word shows.
STYLE_IDS = {TABLE_STYLE: "ReportTable", CELL: "TableText", CELL_HEAD: "TableHeading", CELL_NUM: "TableNumber",
             CELL_NUM_KEEP: "TableNumberKeep", CELL_KEEP: "TableTextKeep", CAPTION: "TableCaption",
             NOTE: "NoteText", BULLET: "BulletText", SPACER: "TableSpacer", GOAL_LINE: "GoalCounts",
             TOC_TITLE: "TocTitle", TOC_1: "TocEntry1", TOC_2: "TocEntry2", TREE_GOAL: "TreeGoal",
             TREE_MEASURE: "TreeMeasure", TREE_ACTION: "TreeAction", ROW_TEXT: "RowText", ROW_CODE: "RowCode",
             MEASURE_ROW: "MeasureRow", MATRIX_TEXT: "MatrixText", MATRIX_MARK: "MatrixMark", COLOPHON: "Colophon"}
FIXED_DATE = dt.datetime(2025, 1, 1)

# A grade-count table: 区分, 取組数, then docxtpl column loops ({%tc … %} cells vanish when rendered):
# the codes counted in shares and 未評価, the codes left out of shares (after a thicker line), and the
# points average when the scale gives 点数. The widths here are for reading the template in Word;
# generators/table_fit.py sets the rendered widths from the columns' contents.
COUNTS_TABLE = "達成度の件数表"   # generators/table_fit.COUNTS_TABLE: the title that marks such a table
COUNTS_WIDTHS = [40, 12, 8, 26, 8, 8, 18, 8, 8, 26, 8]
# Schema order (ECMA-376): elements that must come after w:pBdr in w:pPr.
_AFTER_PBDR = ("w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
               "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid",
               "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc",
               "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId",
               "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")


# --- styles ----------------------------------------------------------------------------
def _set_fonts(rpr, font: str) -> None:
    """Latin and East Asian font of a run-properties element; theme fonts removed (they would win)."""
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(attr), font)


def _style_font(style, font: str, size: float, bold: bool = False, color: str = "000000") -> None:
    _set_fonts(style.element.get_or_add_rPr(), font)
    style.font.size = Pt(size)
    style.font.bold = bold
    style.font.italic = False
    style.font.color.rgb = RGBColor.from_string(color)
    style.font.color.theme_color = None
    color_el = style.element.rPr.find(qn("w:color"))
    if color_el is not None:
        for attr in ("w:themeColor", "w:themeShade", "w:themeTint"):
            color_el.attrib.pop(qn(attr), None)


def _paragraph_style(doc, name: str, font: str, size: float, bold: bool = False, base: str = "Normal",
                     before: float = 0, after: float = 0, align=None, keep_next: bool = False,
                     indent_mm: float = 0, hanging_mm: float = 0, exact: float | None = None):
    """exact: the line height in points (Japanese fonts' single spacing is tall; dense tables fix it)."""
    styles = doc.styles
    if name in [s.name for s in styles]:
        style = styles[name]
    else:
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.style_id = STYLE_IDS[name]
    style.base_style = styles[base] if name != base else None
    style.quick_style = True
    _style_font(style, font, size, bold)
    fmt = style.paragraph_format
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    fmt.line_spacing = Pt(exact) if exact else 1.0
    if align is not None:
        fmt.alignment = align
    fmt.keep_with_next = keep_next or None
    if indent_mm or hanging_mm:
        fmt.left_indent = Mm(indent_mm + hanging_mm)
        fmt.first_line_indent = Mm(-hanging_mm)
    pbdr = style.element.pPr.find(qn("w:pBdr")) if style.element.pPr is not None else None
    if pbdr is not None:
        style.element.pPr.remove(pbdr)
    return style


def _doc_defaults(doc) -> None:
    """Japanese as the East Asian language and the body font for text without a style."""
    rpr = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_fonts(rpr, BODY_FONT)
    rpr.find(qn("w:lang")).set(qn("w:eastAsia"), "ja-JP")
    spacing = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:pPrDefault")).find(qn("w:pPr")).find(
        qn("w:spacing"))
    spacing.set(qn("w:after"), "0")
    spacing.set(qn("w:line"), "240")


def _border(parent, tag: str, size: int = 4, color: str = "7F7F7F") -> None:
    el = OxmlElement(f"w:{tag}")
    el.set(qn("w:val"), "single")
    el.set(qn("w:sz"), str(size))
    el.set(qn("w:space"), "0")
    el.set(qn("w:color"), color)
    parent.append(el)


def _heading_rule(style, color: str = "1F3864") -> None:
    """A thin line under a heading (part of the style, so a person can change or remove it)."""
    ppr = style.element.get_or_add_pPr()
    pbdr = OxmlElement("w:pBdr")
    _border(pbdr, "bottom", 6, color)
    ppr.insert_element_before(pbdr, *_AFTER_PBDR)


def _table_style(doc) -> None:
    """「報告書表」: grey grid, shaded header row (first row) and label column (first column)."""
    style = doc.styles.add_style(TABLE_STYLE, WD_STYLE_TYPE.TABLE)
    style.style_id = STYLE_IDS[TABLE_STYLE]
    style.base_style = doc.styles["Normal Table"]
    el = style.element
    tblpr = OxmlElement("w:tblPr")
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        _border(borders, side)
    tblpr.append(borders)
    margins = OxmlElement("w:tblCellMar")
    for side, width in (("top", 28), ("left", 85), ("bottom", 28), ("right", 85)):
        m = OxmlElement(f"w:{side}")
        m.set(qn("w:w"), str(width))
        m.set(qn("w:type"), "dxa")
        margins.append(m)
    tblpr.append(margins)
    el.append(tblpr)
    for kind, fill in (("firstRow", "D9E2F3"), ("firstCol", "F2F2F2")):
        cond = OxmlElement("w:tblStylePr")
        cond.set(qn("w:type"), kind)
        tcpr = OxmlElement("w:tcPr")
        shd = OxmlElement("w:shd")
        shd.set(qn("w:val"), "clear")
        shd.set(qn("w:color"), "auto")
        shd.set(qn("w:fill"), fill)
        tcpr.append(shd)
        cond.append(tcpr)
        el.append(cond)


def setup_styles(doc) -> None:
    _doc_defaults(doc)
    _paragraph_style(doc, "Normal", BODY_FONT, 10.5, after=3)
    doc.styles["Normal"].paragraph_format.first_line_indent = None
    for name, size, before, after in (("Heading 1", 14, 12, 6), ("Heading 2", 12, 12, 4), ("Heading 3", 10.5, 8, 3)):
        _paragraph_style(doc, name, HEADING_FONT, size, bold=True, before=before, after=after, keep_next=True)
        _style_font(doc.styles[f"{name} Char"], HEADING_FONT, size, bold=True)
    _heading_rule(doc.styles["Heading 1"])
    _paragraph_style(doc, "Title", HEADING_FONT, 22, bold=True, after=12, align=WD_ALIGN_PARAGRAPH.CENTER)
    _style_font(doc.styles["Title Char"], HEADING_FONT, 22, bold=True)
    _paragraph_style(doc, "Subtitle", HEADING_FONT, 14, after=6, align=WD_ALIGN_PARAGRAPH.CENTER)
    _style_font(doc.styles["Subtitle Char"], HEADING_FONT, 14)
    for name in ("Header", "Footer"):
        _paragraph_style(doc, name, BODY_FONT, 9)
    _paragraph_style(doc, CAPTION, HEADING_FONT, 9.5, bold=True, before=6, after=2, keep_next=True)
    _paragraph_style(doc, CELL, BODY_FONT, 9)
    _paragraph_style(doc, CELL_HEAD, HEADING_FONT, 9, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, keep_next=True)
    _paragraph_style(doc, NOTE, BODY_FONT, 8.5, after=4)
    _paragraph_style(doc, BULLET, BODY_FONT, 10.5, after=2, hanging_mm=4, indent_mm=2)
    _paragraph_style(doc, SPACER, BODY_FONT, 4)
    _paragraph_style(doc, CELL_KEEP, BODY_FONT, 9, base=CELL, keep_next=True)
    _paragraph_style(doc, CELL_NUM, BODY_FONT, 9, base=CELL, align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph_style(doc, CELL_NUM_KEEP, BODY_FONT, 9, base=CELL_NUM, keep_next=True)
    _paragraph_style(doc, GOAL_LINE, BODY_FONT, 10.5, after=3, keep_next=True)
    _paragraph_style(doc, COLOPHON, BODY_FONT, 10.5, after=3)
    _table_style(doc)


def table_form_styles(doc, text_width_mm: float) -> None:
    """The styles only the table form uses: 目次, 施策の体系, the action table, the matrix, the colophon."""
    _paragraph_style(doc, TOC_TITLE, HEADING_FONT, 16, bold=True, after=12, align=WD_ALIGN_PARAGRAPH.CENTER)
    for name, size, indent, before in ((TOC_1, 11, 0, 6), (TOC_2, 10, 8, 2)):
        style = _paragraph_style(doc, name, HEADING_FONT if name == TOC_1 else BODY_FONT, size,
                                 before=before, after=2, indent_mm=indent)
        style.paragraph_format.tab_stops.add_tab_stop(Mm(text_width_mm), WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)
    _paragraph_style(doc, TREE_GOAL, HEADING_FONT, 9, bold=True, before=4, after=1, keep_next=True,
                     hanging_mm=4, exact=12)
    _paragraph_style(doc, TREE_MEASURE, HEADING_FONT, 8, before=1.5, keep_next=True, indent_mm=3,
                     hanging_mm=7, exact=10.5)
    _paragraph_style(doc, TREE_ACTION, BODY_FONT, 7.5, indent_mm=10, hanging_mm=11, exact=9.5)
    _paragraph_style(doc, ROW_TEXT, BODY_FONT, 8, exact=10.5)
    _paragraph_style(doc, ROW_CODE, BODY_FONT, 8, base=ROW_TEXT, align=WD_ALIGN_PARAGRAPH.CENTER, exact=10.5)
    _paragraph_style(doc, MEASURE_ROW, HEADING_FONT, 8.5, bold=True, keep_next=True, exact=11)
    _paragraph_style(doc, MATRIX_TEXT, BODY_FONT, 7, exact=8.5)
    _paragraph_style(doc, MATRIX_MARK, BODY_FONT, 7, base=MATRIX_TEXT, align=WD_ALIGN_PARAGRAPH.CENTER, exact=8.5)


# --- content helpers ---------------------------------------------------------------------------
def para(doc, text: str = "", style: str = "Normal", align=None):
    p = doc.add_paragraph(text, style=style)
    if align is not None:
        p.alignment = align
    return p


def tag(doc, text: str):
    """A paragraph that holds only a {%p … %} tag: docxtpl removes it when rendering."""
    return doc.add_paragraph(text, style="Normal")


def _row_props(row, header: bool) -> None:
    trpr = row._tr.get_or_add_trPr()
    trpr.append(OxmlElement("w:cantSplit"))
    if header:
        trpr.append(OxmlElement("w:tblHeader"))


def _fill_cell(cell, value, style: str) -> None:
    """value: text, or a list of texts (one paragraph each)."""
    texts = value if isinstance(value, list) else [value]
    first = cell.paragraphs[0]
    first.text, first.style = texts[0], style
    for text in texts[1:]:
        cell.add_paragraph(text, style=style)


def table(doc, widths: list[float], header: list | None, rows: list, first_col: bool = False,
          body_styles: list[str] | None = None):
    """A table in the 報告書表 style; a row given as a str is a {%tr … %} control row.

    Every row: cantSplit (never broken over two pages); header row: tblHeader (repeated on each page).
    """
    all_rows = ([header] if header else []) + rows
    t = doc.add_table(rows=len(all_rows), cols=len(widths))
    t.style = doc.styles[TABLE_STYLE]
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    t.autofit = False  # w:tblLayout fixed: the column widths below hold in Word and LibreOffice
    tblpr = t._tbl.tblPr
    width = tblpr.find(qn("w:tblW"))
    width.set(qn("w:type"), "dxa")
    width.set(qn("w:w"), str(int(sum(widths) * 56.7)))
    look = tblpr.find(qn("w:tblLook"))
    if look is None:
        look = OxmlElement("w:tblLook")
        tblpr.append(look)
    bits = 0
    for attr, on, bit in (("firstRow", bool(header), 0x20), ("firstColumn", first_col, 0x80), ("lastRow", False, 0x40),
                          ("lastColumn", False, 0x100), ("noHBand", True, 0x200), ("noVBand", True, 0x400)):
        look.set(qn(f"w:{attr}"), "1" if on else "0")
        bits |= bit if on else 0
    look.set(qn("w:val"), f"{bits:04X}")   # the same flags as a bit mask: LibreOffice reads only this one
    for gridcol, w in zip(t._tbl.tblGrid.findall(qn("w:gridCol")), widths):
        gridcol.set(qn("w:w"), str(int(w * 56.7)))
    for r, values in enumerate(all_rows):
        row = t.rows[r]
        is_header = bool(header) and r == 0
        _row_props(row, is_header)
        for c, cell in enumerate(row.cells):
            cell.width = Mm(widths[c])
        if isinstance(values, str):
            _fill_cell(row.cells[0], values, CELL)
            continue
        for c, value in enumerate(values):
            style = CELL_HEAD if is_header else (body_styles[c] if body_styles else CELL)
            _fill_cell(row.cells[c], value, style)
    return t


def _left_rule(cell, size: int = 12, color: str = "404040") -> None:
    """A thicker left border on one cell (the divider before the codes left out of shares)."""
    tcpr = cell._tc.get_or_add_tcPr()
    borders = OxmlElement("w:tcBorders")
    el = OxmlElement("w:left")
    for attr, value in (("val", "single"), ("sz", str(size)), ("space", "0"), ("color", color)):
        el.set(qn(f"w:{attr}"), value)
    borders.append(el)
    tcpr.insert_element_before(borders, "w:shd", "w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText",
                               "w:vAlign", "w:hideMark")


def tight_cells(t, top_bottom_mm: float = 0.4, left_right_mm: float = 1.0) -> None:
    """Smaller cell margins than the table style's, for a dense table (w:tblCellMar of the table)."""
    margins = OxmlElement("w:tblCellMar")
    for side, mm in (("top", top_bottom_mm), ("left", left_right_mm), ("bottom", top_bottom_mm),
                     ("right", left_right_mm)):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:w"), str(int(mm * 56.7)))
        el.set(qn("w:type"), "dxa")
        margins.append(el)
    look = t._tbl.tblPr.find(qn("w:tblLook"))
    (look.addprevious(margins) if look is not None else t._tbl.tblPr.append(margins))


def mark_table(t, title: str) -> None:
    """The table's title (代替テキストのタイトル, w:tblCaption): how generators find a table to fit after rendering."""
    caption = OxmlElement("w:tblCaption")
    caption.set(qn("w:val"), title)
    t._tbl.tblPr.append(caption)


def grade_table(doc, rows_expr: str, extra_rows: list[str] = (), keep: bool = True, scale: float = 1.0):
    """Counts and shares per code of the scale: one looped row over rows_expr, then fixed extra rows.

    keep: the table stays on one page (short tables); a long one may break, its header repeated.
    scale: the table's width against the A4 portrait text width.
    """
    def cells(label: str, total: str, value: str, apart: str, points: str) -> list[str]:
        return [label, total, f"{{%tc for v in {value} %}}", "{{ v }}", "{%tc endfor %}",
                f"{{%tc for v in {apart} %}}", "{{ v }}", "{%tc endfor %}",
                "{%tc if columns.points %}", points, "{%tc endif %}"]

    def row(var: str) -> list[str]:
        return cells(f"{{{{ {var}.label }}}}", f"{{{{ {var}.total }}}}", f"{var}.cells", f"{var}.apart",
                     f"{{{{ {var}.points }}}}")

    header = cells("区分", "取組数", "columns.counted", "columns.apart", "平均点")
    right = [CELL_KEEP] + [CELL_NUM_KEEP] * 10 if keep else [CELL] + [CELL_NUM] * 10
    rows = [f"{{%tr for r in {rows_expr} %}}", row("r"), "{%tr endfor %}"] + [row(e) for e in extra_rows]
    t = table(doc, [w * scale for w in COUNTS_WIDTHS], header, rows, first_col=True, body_styles=right)
    mark_table(t, COUNTS_TABLE)
    for tr in t.rows:
        if len({id(c._tc) for c in tr.cells}) == len(COUNTS_WIDTHS) and "{%tr" not in tr.cells[0].text:
            _left_rule(tr.cells[6])
    return t


def new_document(title: str, page=a4):
    """A document in the house style; page: how its first section is laid out (docx_pages.a4, landscape)."""
    doc = Document()
    setup_styles(doc)
    page(doc.sections[0])
    props = doc.core_properties
    props.title, props.author, props.last_modified_by = title, "", ""
    props.created = props.modified = FIXED_DATE
    props.revision = 1
    props.comments = "再犯防止推進計画 進捗管理アドオンのテンプレート（templates/build_templates.py で作成）"
    return doc


