"""The roll-up's workbook (集約, 重点課題別, 対応表, 指標) and the 対応表 file that later roll-ups read.

Written with openpyxl: a new, plain .xlsx each time (no macros, nothing of a master's).
"""
from __future__ import annotations

from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter

from workbook.domain.national_plan import PLAN_NAME, PRIORITIES, UNMAPPED, parse_priority, priority
from workbook.domain.rollup import CLASSES, CityYear, ClassCounts, MapRow
from workbook.domain.settings import SAMPLE_NOTE
from workbook.errors import MasterError
from workbook.sheets.styles import mark_sample

SUMMARY_SHEET, PRIORITY_SHEET, MAP_SHEET, INDICATOR_SHEET = "集約", "重点課題別", "対応表", "指標"
MAP_HEADERS = ["自治体コード", "自治体名", "基本目標番号", "基本目標", "施策番号", "施策", "重点課題",
               "提案（キーワード）"]
SUMMARY_HEADERS = (["自治体コード", "自治体名", "計画名", "計画期間", "報告対象年度", "評価基準", "取組数（再掲を除く）",
                    "担当課数", "提出課数", "提出率"]
                   + [f"{c}（件）" for c in CLASSES] + [f"{c}（割合）" for c in CLASSES if c != "対象外"]
                   + ["点数の平均", "指標数", "順調な指標", "最後の回収", "ファイル"])
PRIORITY_HEADERS = ["自治体コード", "自治体名", "報告対象年度", "重点課題", "取組数"] + list(CLASSES)
INDICATOR_HEADERS = ["自治体コード", "自治体名", "報告対象年度", "取組番号", "重点取組", "担当課", "指標名", "単位",
                     "基準値", "目標値", "実績値", "進捗（％）", "提案", "共通区分"]
_HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
_THIN = Side(style="thin", color="A6A6A6")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_FONT = "游ゴシック"
_HEAD_STYLE, _TEXT_STYLE, _VALUE_STYLE, _SHARE_STYLE = "集約見出し", "集約文字", "集約数値", "集約割合"


def priority_label(number: int | None) -> str:
    p = priority(number)
    return p.label if p else UNMAPPED


# --- the 対応表 file ---------------------------------------------------------------------------
def read_map(path: Path) -> tuple[dict[tuple[str, str, str], int | None], list[str], list[MapRow]]:
    """(city key, 施策番号, 施策) -> 重点課題 number (None: 未分類) from a 対応表 a person may have
    corrected, notes on rows whose 重点課題 could not be read (those are suggested again), and every
    readable row as it stands (the rows of cities not in this roll-up are written back unchanged)."""
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file it cannot read
        raise MasterError(f"対応表 {path.name} を開けません。Excel で開けるか確かめてください。") from exc
    if MAP_SHEET not in wb.sheetnames:
        raise MasterError(f"対応表 {path.name} にシート「{MAP_SHEET}」がありません。")
    saved: dict[tuple[str, str, str], int | None] = {}
    kept: list[MapRow] = []
    notes = []
    rows = wb[MAP_SHEET].iter_rows(values_only=True)
    header = [str(v or "").strip() for v in next(rows, ())]
    index = {name: header.index(name) for name in MAP_HEADERS if name in header}
    if any(name not in index for name in MAP_HEADERS[:7]):
        raise MasterError(f"対応表 {path.name} のシート「{MAP_SHEET}」の 1 行目に、"
                          + "・".join(MAP_HEADERS[:7]) + " の見出しが必要です。")
    for n, row in enumerate(rows, start=2):
        def cell(name: str) -> str:
            i = index[name]
            value = row[i] if i < len(row) else None
            return "" if value is None else str(value).strip()
        key = cell("自治体コード") or cell("自治体名")
        if not key or not cell("施策番号"):
            continue
        typed = cell("重点課題")
        number = parse_priority(typed)
        suggested = parse_priority(cell(MAP_HEADERS[7])) if MAP_HEADERS[7] in index else number
        if typed and typed != UNMAPPED and number is None:     # not in saved: the caller keeps the old file
            notes.append(f"対応表 {path.name} の {n} 行目の重点課題「{typed}」を読めません。"
                         f"1～{len(PRIORITIES)} の番号か名称を入力してください（この行は提案に戻しました）。")
            number = suggested
        else:
            saved[(key, cell("施策番号"), cell("施策"))] = number
        kept.append(MapRow(key, cell("自治体名"), cell("基本目標番号"), cell("基本目標"), cell("施策番号"), cell("施策"),
                           number, suggested))
    wb.close()
    return saved, notes, kept


def write_map(path: Path, rows: list[MapRow]) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    _map_sheet(ws, rows)
    ws.title = MAP_SHEET
    _save(wb, path)


def _map_sheet(ws, rows: list[MapRow]) -> None:
    ws.title = MAP_SHEET
    body = [[r.key if r.key != r.municipality else "", r.municipality, r.goal_code, r.goal, r.measure_code, r.measure,
             priority_label(r.priority), priority_label(r.suggested)] for r in rows]
    _table(ws, MAP_HEADERS, body, [12, 14, 8, 36, 9, 48, 30, 30])
    choices = ",".join([p.label for p in PRIORITIES] + [UNMAPPED])
    if len(choices) <= 255 and rows:
        from openpyxl.worksheet.datavalidation import DataValidation

        dv = DataValidation(type="list", formula1=f'"{choices}"', allow_blank=True, showErrorMessage=False)
        dv.add(f"G2:G{len(rows) + 1}")
        ws.add_data_validation(dv)
    for r in range(2, len(rows) + 2):
        ws.cell(row=r, column=7).fill = PatternFill("solid", fgColor="FFF2CC")   # the column a person edits
    _page(ws, landscape=True)


# --- the roll-up workbook ----------------------------------------------------------------------
def write_rollup(path: Path, title: str, cities: list[CityYear], mapping: list[MapRow], notes: list[str],
                 sample: bool = False) -> None:
    """sample: some master holds the demo's invented answers: every sheet says so when printed."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = SUMMARY_SHEET
    _summary_sheet(ws, title, cities, notes)
    _priority_sheet(wb.create_sheet(PRIORITY_SHEET), cities)
    _map_sheet(wb.create_sheet(MAP_SHEET), mapping)
    _indicator_sheet(wb.create_sheet(INDICATOR_SHEET), cities)
    for sheet in wb.worksheets if sample else ():
        mark_sample(sheet, SAMPLE_NOTE)
    _save(wb, path)


def _summary_sheet(ws, title: str, cities: list[CityYear], notes: list[str]) -> None:
    body = []
    for c in cities:
        shares = [c.counts.share(cls) for cls in CLASSES if cls != "対象外"]
        body.append([c.code, c.municipality, c.plan_name, c.period, c.year_label, c.scale_name, c.actions,
                     c.departments, c.returned, _fraction(c.completeness)]
                    + [c.counts.counts.get(cls, 0) for cls in CLASSES] + [_fraction(s) for s in shares]
                    + [None if c.points_average is None else round(c.points_average, 1), c.indicators, c.on_track,
                       _moment(c.last_collect), c.source])
    widths = [9, 12, 24, 22, 12, 14, 9, 7, 7, 7] + [8] * 11 + [8, 7, 7, 18, 30]
    _table(ws, SUMMARY_HEADERS, body, widths, start=3, shares=tuple([10] + list(range(17, 22))))
    ws.cell(row=1, column=1, value=title).font = Font(name=_FONT, bold=True, size=13)
    ws.cell(row=2, column=1, value="共通区分は各自治体の評価基準の「共通区分」列による。取組数・件数は再掲を除く。"
            "割合の分母は対象外を除く取組。順調な指標：今年度の提案が達成・上回った。"
            "締めた年度（⑥ 年度更新の後）の行はシート「年度別実績」から数え、指標の列は空欄。").font = Font(name=_FONT, size=9)
    row = len(body) + 5
    ws.cell(row=row, column=1, value="注記").font = Font(name=_FONT, bold=True)
    for i, note in enumerate(notes or ["なし"], start=1):
        ws.cell(row=row + i, column=1, value=note).font = Font(name=_FONT, size=10)
    _page(ws, landscape=True, paper=ws.PAPERSIZE_A3)


def _priority_sheet(ws, cities: list[CityYear]) -> None:
    body = []
    for c in cities:
        for number in [p.number for p in PRIORITIES] + [None]:
            counts = c.by_priority.get(number, ClassCounts())
            if number is None and not counts.total:
                continue
            body.append([c.code, c.municipality, c.year_label, priority_label(number), counts.total]
                        + [counts.counts.get(cls, 0) for cls in CLASSES])
    _table(ws, PRIORITY_HEADERS, body, [9, 12, 12, 40, 8] + [9] * len(CLASSES))
    ws.cell(row=len(body) + 3, column=1, value=f"重点課題：{PLAN_NAME}。施策の重点課題はシート「対応表」による。"
            "取組数は再掲を除く。").font = Font(name=_FONT, size=9)
    _page(ws, landscape=True)


def _indicator_sheet(ws, cities: list[CityYear]) -> None:
    body = [[c.code, c.municipality, c.year_label, i.action_code, i.action, i.department, i.name, i.unit, i.baseline,
             i.target, i.actual, None if i.progress is None else round(i.progress, 1), i.suggested, i.common]
            for c in cities for i in c.indicator_rows]
    _table(ws, INDICATOR_HEADERS, body, [9, 12, 12, 9, 30, 14, 30, 7, 9, 9, 9, 9, 6, 9])
    _page(ws, landscape=True)


def _styles(wb) -> None:
    """Named cell styles: one registration per book, then each cell only names its style (fast)."""
    if _HEAD_STYLE in wb.named_styles:
        return
    head = NamedStyle(_HEAD_STYLE, font=Font(name=_FONT, bold=True, size=9), fill=_HEAD_FILL, border=_BORDER,
                      alignment=Alignment(wrap_text=True, vertical="center", horizontal="center"))
    text = NamedStyle(_TEXT_STYLE, font=Font(name=_FONT, size=9), border=_BORDER,
                      alignment=Alignment(wrap_text=True, vertical="top"))
    value = NamedStyle(_VALUE_STYLE, font=Font(name=_FONT, size=9), border=_BORDER, alignment=Alignment(vertical="top"))
    share = NamedStyle(_SHARE_STYLE, font=Font(name=_FONT, size=9), border=_BORDER, alignment=Alignment(vertical="top"),
                       number_format="0.0%")
    for style in (head, text, value, share):
        wb.add_named_style(style)


def _table(ws, headers: list[str], body: list[list[object]], widths: list[float], start: int = 1,
           shares: tuple[int, ...] = ()) -> None:
    _styles(ws.parent)
    for c, name in enumerate(headers, start=1):
        ws.cell(row=start, column=c, value=name).style = _HEAD_STYLE
    for r, values in enumerate(body, start=start + 1):
        lines = 1
        for c, value in enumerate(values, start=1):
            cell = ws.cell(row=r, column=c, value=value)
            cell.style = _SHARE_STYLE if c in shares else _TEXT_STYLE if isinstance(value, str) else _VALUE_STYLE
            if isinstance(value, str) and c <= len(widths):
                lines = max(lines, -(-_width(value) // max(int(widths[c - 1] * 1.2), 1)))
        if lines > 1:   # wrapped text: LibreOffice and Excel keep the height a file gives
            ws.row_dimensions[r].height = 12.5 * lines + 2
    for c, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(c)].width = width
    ws.row_dimensions[start].height = 36
    ws.freeze_panes = ws.cell(row=start + 1, column=3)
    if body:
        ws.auto_filter.ref = f"A{start}:{get_column_letter(len(headers))}{start + len(body)}"
    ws.print_title_rows = f"{start}:{start}"


def _width(text: str) -> int:
    """Column-width units a 9-point text takes on one line (full-width characters count two)."""
    return sum(2 if ord(ch) > 0x2000 else 1 for ch in text)


def _page(ws, landscape: bool, paper: str | None = None) -> None:
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.paperSize = paper or ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.oddFooter.center.text = "&P / &N"


def _fraction(percent: float | None) -> float | None:
    return None if percent is None else percent / 100.0


def _moment(moment):
    from workbook.domain.era import wareki_datetime

    return wareki_datetime(moment) if moment else "（回収なし）"


def _save(wb, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        wb.save(path)
    except OSError as exc:
        raise MasterError(f"{path} に書き込めません。ほかのプログラムで開いていないか確認してください。") from exc
