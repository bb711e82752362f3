"""Fonts, fills and sheet set-up shared by every workbook the add-on writes."""
from __future__ import annotations

from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet


FONT_NAME = "游ゴシック"  # Excel's Japanese default; LibreOffice substitutes a CJK font (Noto Sans CJK)

BODY = Font(name=FONT_NAME, size=10)
BOLD = Font(name=FONT_NAME, size=10, bold=True)
TITLE = Font(name=FONT_NAME, size=14, bold=True)
SUBTITLE = Font(name=FONT_NAME, size=11, bold=True)
HEADER_FONT = Font(name=FONT_NAME, size=10, bold=True, color="FFFFFF")
NOTE = Font(name=FONT_NAME, size=9, color="555555")
WARN = Font(name=FONT_NAME, size=10, bold=True, color="C00000")

HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
PLAN_FILL = PatternFill("solid", fgColor="EDEDED")      # read-only plan cells
INPUT_FILL = PatternFill("solid", fgColor="FFFFFF")     # cells a person fills
NA_FILL = PatternFill("solid", fgColor="D9D9D9")        # not applicable on this row
SECTION_FILL = PatternFill("solid", fgColor="DDEBF7")
MISSING_FILL = PatternFill("solid", fgColor="FCE4E4")   # conditional: required and empty
PREV_FILL = PatternFill("solid", fgColor="F2F2F2")
CHECK_FILL = PatternFill("solid", fgColor="FFF2CC")     # conditional: blank, to be checked (not an error)

THIN = Side(style="thin", color="A6A6A6")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)

WRAP_TOP = Alignment(wrap_text=True, vertical="top")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
CENTER_TOP = Alignment(horizontal="center", vertical="top", wrap_text=True)
RIGHT = Alignment(horizontal="right", vertical="center")
SHRINK = Alignment(vertical="center", shrink_to_fit=True)
LOCKED = Protection(locked=True)
UNLOCKED = Protection(locked=False)


def style_header_row(ws: Worksheet, row: int, first_col: int, last_col: int, height: float = 30) -> None:
    for col in range(first_col, last_col + 1):
        cell = ws.cell(row=row, column=col)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = CENTER
        cell.border = BORDER
    ws.row_dimensions[row].height = height


def a4_landscape(ws: Worksheet, title_rows: str | None = None, fit_width: bool = True) -> None:
    """A4 landscape, fit to one page wide, page numbers in the footer."""
    a4_page(ws, landscape=True, title_rows=title_rows, fit_width=fit_width)


def a4_page(ws: Worksheet, landscape: bool = True, title_rows: str | None = None, fit_width: bool = True,
            side_margin: float = 0.4) -> None:
    """A4 in either orientation, fit to one page wide, page numbers in the footer."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE if landscape else ws.ORIENTATION_PORTRAIT
    if fit_width:
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
    ws.page_margins.left = ws.page_margins.right = side_margin
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    # header/footer sit inside those margins (openpyxl's default 0.5 leaves 0.1" and clips the footer)
    ws.page_margins.header = ws.page_margins.footer = 0.25
    ws.oddFooter.center.text = "&P / &N"
    ws.oddFooter.center.size = 9
    if title_rows:
        ws.print_title_rows = title_rows


def print_in_groups(ws: Worksheet, after: int, title_cols: str, a3: bool = True, scale: int = 100) -> None:
    """Landscape at a fixed scale in two column groups: a column break after column `after`, the
    title columns repeated on the left of each page, pages across before down (both halves of the
    same rows follow each other). Fit-to-page is off: Excel ignores manual breaks under it."""
    from openpyxl.worksheet.pagebreak import Break

    ws.page_setup.paperSize = ws.PAPERSIZE_A3 if a3 else ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.sheet_properties.pageSetUpPr.fitToPage = False
    ws.page_setup.scale = scale
    ws.page_setup.pageOrder = "overThenDown"
    if all(b.id != after for b in ws.col_breaks.brk):      # a sheet rewritten in place keeps its break
        ws.col_breaks.append(Break(id=after))
    ws.print_title_cols = title_cols


def mark_sample(ws: Worksheet, note: str) -> None:
    """The page header of a sheet whose answers are the demo's invented sample (settings.SAMPLE_NOTE)."""
    ws.oddHeader.center.text = note
    ws.oddHeader.center.size = 9
    ws.oddHeader.center.color = "C00000"


def set_widths(ws: Worksheet, widths: dict[str, float]) -> None:
    for letter, width in widths.items():
        ws.column_dimensions[letter].width = width


def write_text(ws: Worksheet, row: int, col: int, value: object):
    """Write a value; department text is always text (a leading '=' never becomes a formula), and an
    empty text is an empty cell (never an empty inline string)."""
    cell = ws.cell(row=row, column=col)
    cell.value = None if value == "" else value
    if isinstance(value, str) and value:
        cell.data_type = "s"
    return cell


def write_moment(ws: Worksheet, row: int, col: int, value: object, date_only: bool = False):
    """A moment (a datetime, or the add-on's '2026-11-30 22:31:09' text) as a real date shown in 和暦
    (令和8年11月30日 22:31), so a column of them sorts and filters; any other value as write_text. The
    cell keeps the 和暦 format either way: a date written into it later (the patch, Excel) shows in 和暦."""
    import datetime as dt

    from workbook.domain.era import parse_moment
    from workbook.domain.house_style import WAREKI_DATE_FORMAT, WAREKI_DATETIME_FORMAT

    moment = value if isinstance(value, dt.date) else parse_moment(value)
    cell = write_text(ws, row, col, value) if moment is None else ws.cell(row=row, column=col, value=moment)
    cell.number_format = WAREKI_DATE_FORMAT if date_only else WAREKI_DATETIME_FORMAT
    return cell


def autofit_rows(ws: Worksheet, first_row: int, last_row: int, line_height: float = 14.0,
                 min_lines: int = 1, max_lines: int = 30) -> None:
    """Set row heights from the wrapped text (neither openpyxl nor LibreOffice does it on load), by
    the one rule the patch also uses (row_heights.RowHeights)."""
    from workbook.sheets.row_heights import RowHeights

    rows = {row: {cell.column: cell.value for cell in ws[row] if isinstance(cell.value, str)}
            for row in range(first_row, last_row + 1)}
    widths = {}
    for values in rows.values():
        for col in values:
            if col not in widths:
                dimension = ws.column_dimensions[get_column_letter(col)]
                widths[col] = (dimension.width or 8.43, bool(dimension.hidden))
    heights = RowHeights(widths)
    for row, values in rows.items():
        ws.row_dimensions[row].height = heights.height(values, line_height, min_lines, max_lines)


# grade fills by 共通区分 (never by code: a city's scale is data)
_COMMON_FILLS = {"上回った": "DDEBF7", "達成": "E2EFDA", "下回った": "FCE4E4", "評価不能": "FFF2CC", "対象外": "EDEDED"}


def grade_fill_color(common: str, reason_required: bool = False) -> str:
    """The fill (RGB hex) of a grade cell: by the code's 共通区分; a 下回った code that needs no reason
    (e.g. 4段階's B) is shown lighter than one that does."""
    if common == "下回った" and not reason_required:
        return "FFF0E0"
    return _COMMON_FILLS.get(common, "FFFFFF")
