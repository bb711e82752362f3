"""Writers for the master's fixed sheets (操作, 計画, 指標, 担当課, 進捗一覧, 提出状況, 検証結果, 設定, 履歴)."""
from __future__ import annotations

from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Alignment, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.views import Selection
from openpyxl.worksheet.worksheet import Worksheet

from workbook.sheets import names
from workbook.sheets import styles as st
from workbook.sheets.scale_sheet import NAME_CELL as SCALE_NAME_CELL
from workbook.domain.era import fiscal_year_label, short_label
from workbook.domain.scale import CombineRule
from workbook.domain.plan import Department, IndicatorRule, Plan
from workbook.domain.problems import REPORT_COLUMNS
from workbook.domain.settings import (MAIL_ATTACHMENT_CHOICES, PAPER_CHOICES, SAMPLE_MARK, SAMPLE_NOTE, Settings,
                                      settings_to_rows)

PLAN_HEADERS = ["基本目標番号", "基本目標", "施策番号", "施策", "取組番号", "重点取組", "事業概要", "担当課",
                "取組", "評価区分", "再掲元"]
PLAN_WIDTHS = [6, 14, 6, 20, 8, 24, 30, 12, 22, 7, 7]
INDICATOR_HEADERS = ["取組番号", "指標名", "単位", "現状値", "現状値年度", "目標値", "目標年度", "目標の向き", "集計",
                     "担当課", "判定方法", "許容幅", "種別", "備考"]
DEPARTMENT_HEADERS = ["担当課", "担当者", "電話", "メール", "取組数"]
STATUS_HEADERS = ["担当課", "取組数", "状態", "エラー", "警告", "ファイル", "受信日時", "回答者", "電話", "SHA-256"]
HISTORY_HEADERS = ["日時", "操作", "担当課", "取組番号", "項目", "旧値", "新値", "ファイル"]
STATUS_FILLS = {"受理": "E2EFDA", "要修正": "FCE4E4", "未提出": "FFF2CC"}


def reset(ws: Worksheet) -> None:
    """Empty a sheet in place (keeps its position and code name)."""
    for rng in list(ws.merged_cells.ranges):  # before deleting rows: unmerging needs the cells
        ws.unmerge_cells(str(rng))
    if ws.max_row:
        ws.delete_rows(1, ws.max_row + 1)
    ws.conditional_formatting = type(ws.conditional_formatting)()
    ws.data_validations.dataValidation = []
    ws.protection.sheet = False
    ws.freeze_panes = None
    # openpyxl adds two pane selections each time D7-like panes are frozen: a sheet written again would
    # carry five (the schema allows four, openxml-audit reports it); start from the one a new sheet has
    ws.sheet_view.selection = [Selection(activeCell="A1", sqref="A1")]
    ws.auto_filter.ref = None


def table(ws: Worksheet, headers: list[str], rows: list[list[object]], widths: list[float] | None = None,
           header_row: int = 1, wrap: bool = True, moments: frozenset[int] = frozenset()) -> int:
    """moments: the columns (1-based) of moments the add-on records, written as dates shown in 和暦."""
    for i, header in enumerate(headers, start=1):
        ws.cell(row=header_row, column=i, value=header)
    st.style_header_row(ws, header_row, 1, len(headers))
    # An empty table still gets one styled body row: rows added later (by the Excel buttons,
    # which copy the format of the last row) then look like the rest.
    for r, row in enumerate(rows or [[None] * len(headers)], start=header_row + 1):
        for c, value in enumerate(row, start=1):
            value = value if value != "" else None
            cell = st.write_moment(ws, r, c, value) if c in moments else st.write_text(ws, r, c, value)
            cell.font, cell.border = st.BODY, st.BORDER
            if wrap:
                cell.alignment = st.WRAP_TOP
    for i, width in enumerate(widths or [], start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1).coordinate
    last = header_row + max(len(rows), 1)
    ws.auto_filter.ref = f"A{header_row}:{get_column_letter(len(headers))}{last}"
    st.a4_landscape(ws, title_rows=f"{header_row}:{header_row}")
    if wrap and rows:
        st.autofit_rows(ws, header_row + 1, last)
    return last


OPERATIONS_YEAR_CELL = "B2"      # the 操作 sheet's line naming the reported year (⑥ 年度更新 rewrites it)


def operations_subtitle(settings: Settings) -> str:
    return f"{settings.municipality}　報告対象：{fiscal_year_label(settings.fiscal_year)}"


def write_operations(ws: Worksheet, settings: Settings, buttons: list[tuple[str, str, str]]) -> None:
    """The 操作 sheet: what to do, in order; buttons are placed over column F by package.py."""
    ws["B1"] = settings.title(f"{settings.plan_name} 進捗管理")
    ws["B1"].font = st.TITLE
    ws[OPERATIONS_YEAR_CELL] = operations_subtitle(settings)
    ws[OPERATIONS_YEAR_CELL].font = st.SUBTITLE
    if settings.sample:
        ws["B3"] = SAMPLE_NOTE
        ws["B3"].font = st.WARN
    ws["B4"], ws["C4"], ws["D4"], ws["F4"] = "手順", "操作", "内容", "ボタン"
    st.style_header_row(ws, 4, 2, 6)
    for i, (step, label, text) in enumerate(buttons):
        row = 5 + i * 2
        ws.cell(row=row, column=2, value=step)
        ws.cell(row=row, column=3, value=label)
        ws.cell(row=row, column=4, value=text)
        ws.merge_cells(start_row=row, start_column=4, end_row=row + 1, end_column=5)
        for col in (2, 3, 4):
            cell = ws.cell(row=row, column=col)
            cell.font, cell.alignment = (st.BOLD if col < 4 else st.BODY), st.WRAP_TOP
        ws.row_dimensions[row].height = 30
        ws.row_dimensions[row + 1].height = 30
    note_row = 6 + len(buttons) * 2
    notes = [
        "ボタンが動かない場合（Python が未設定の PC など）は、同じ処理をコマンドラインでも実行できます"
        "（使い方はアドオンのフォルダの README.md「コマンド」）。",
        "シートの説明：計画＝計画の内容（1行1取組）、指標＝数値目標、担当課＝提出先と連絡先、各課シート＝取り込んだ回答、",
        "進捗一覧＝取組ごとの集約（内部評価・委員会意見はここに入力）、提出状況・検証結果＝回収の結果、設定＝年度や評価基準、履歴＝上書きされた値の記録。",
    ]
    for i, text in enumerate(notes):
        ws.cell(row=note_row + i, column=2, value=text).font = st.NOTE
    st.set_widths(ws, {"A": 2, "B": 6, "C": 16, "D": 46, "E": 24, "F": 22, "G": 4})
    st.a4_landscape(ws)


def write_plan(ws: Worksheet, plan: Plan) -> None:
    years = list(plan.fiscal_years)
    budget_years = sorted({y for a in plan.actions for y in a.budgets})
    texts = [(h, k) for h, k in (("施策の方向性", "direction"), ("到達目標", "reach"))   # only when the plan has them
             if any(getattr(m, k) for m in plan.measures)]
    headers = PLAN_HEADERS + [f"取組目標({short_label(y)})" for y in years] + \
        [f"事業費({short_label(y)})" for y in budget_years] + ["備考"] + [h for h, _ in texts]
    rows = []
    for a in plan.actions:
        measure = plan.measure(a.measure_code)
        rows.append([a.goal_code, plan.goal(a.goal_code).name, a.measure_code, measure.name,
                     a.code, a.title, a.overview, "、".join(a.departments), a.activity, a.kind.value, a.relisted_from]
                    + [a.target_for(y) for y in years] + [a.budgets.get(y, "") for y in budget_years] + [a.note]
                    + [getattr(measure, k) for _, k in texts])
    last = table(ws, headers, rows, PLAN_WIDTHS + [16] * len(years) + [8] * len(budget_years) + [14]
                 + [30] * len(texts))
    _choice(ws, f"J2:J{last + 200}", ("定量的", "定性的"), "評価区分",
            "定量的＝数値目標に対する実績で評価／定性的＝実施状況で評価")
    _choice(ws, f"H2:H{last + 200}", None, "担当課", "複数の課は「、」で区切ります（例：福祉政策課、学校教育課）")


def write_indicators(ws: Worksheet, plan: Plan) -> None:
    def num(v):
        return "" if v is None else (int(v) if float(v).is_integer() else v)

    years = sorted({y for i in plan.indicators for y in i.yearly_targets})
    headers = INDICATOR_HEADERS[:-1] + [f"年度目標({short_label(y)})" for y in years] + ["備考"]
    rows = [[i.action_code, i.name, i.unit, num(i.baseline), i.baseline_year, num(i.target), i.target_year,
             i.direction.value, i.accumulation.value, i.department, i.rule.value if i.rule else "",
             i.band.text if i.band else "", i.kind.value if i.kind else ""]
            + [num(i.yearly_targets.get(y)) for y in years] + [i.note] for i in plan.indicators]
    last = table(ws, headers, rows, [9, 30, 6, 8, 9, 8, 9, 9, 8, 16, 9, 9, 9] + [10] * len(years) + [24])
    _choice(ws, f"H2:H{last + 100}", ("以上", "以下"), "目標の向き", "以上＝多いほど良い／以下＝少ないほど良い（再犯者率など）")
    _choice(ws, f"I2:I{last + 100}", ("単年度", "累計"), "集計", "単年度＝その年度の値／累計＝計画期間の累計")
    _choice(ws, f"K2:K{last + 100}", tuple(r.value for r in IndicatorRule), "判定方法",
            "目標比＝実績÷年度の目標／進捗率＝基準値から目標への道のりの進み具合／基準値比＝基準値より改善・横ばい・悪化。"
            "空欄なら設定の既定")
    _choice(ws, f"L2:L{last + 100}", None, "許容幅", "基準値比で「横ばい」とみなす幅。例：3ポイント、10％（基準値に対する割合）")
    _choice(ws, f"M2:M{last + 100}", ("活動指標", "成果指標"), "種別", "活動指標＝取組の量／成果指標＝取組の成果")


def _choice(ws: Worksheet, ref: str, choices: tuple[str, ...] | None, title: str, prompt: str) -> None:
    """A drop-down (or only an input message when choices is None) on a range."""
    if choices:
        dv = DataValidation(type="list", formula1='"' + ",".join(choices) + '"', allow_blank=True,
                            showErrorMessage=True, errorTitle=title, error="一覧から選んでください。")
    else:
        dv = DataValidation(allow_blank=True)
    dv.showInputMessage, dv.promptTitle, dv.prompt = True, title, prompt
    ws.add_data_validation(dv)
    dv.add(ref)


def write_departments(ws: Worksheet, plan: Plan) -> None:
    rows = [[d.name, d.contact, d.phone, d.email, len(plan.actions_of(d.name))] for d in plan.departments]
    table(ws, DEPARTMENT_HEADERS, rows, [18, 16, 18, 26, 8])


def read_departments(ws: Worksheet) -> list[Department]:
    return departments_from_rows(ws.iter_rows(min_row=2, max_col=4, values_only=True))


def departments_from_rows(rows) -> list[Department]:
    """Departments from the 担当課 sheet's rows below the header (values, any reader)."""
    out = []
    for row in rows:
        row = (list(row) + [None] * 4)[:4]
        if row[0]:
            out.append(Department(*[("" if v is None else str(v).strip()) for v in row]))
    return out


TOP = Alignment(vertical="top")


def setting_row(ws: Worksheet, r: int, key: str, label: str, value: object, note: str) -> None:
    """One 設定 row: the key (column A), the label, the value (open to edit; a list where it is a
    choice) and the note. write_settings writes them all; a master made before a row existed gets it
    appended when an operation first writes that setting (Master.write_setting_values)."""
    ws.cell(row=r, column=1, value=key).font = st.NOTE
    label_cell = ws.cell(row=r, column=2, value=label)
    label_cell.font, label_cell.alignment = st.BOLD, TOP
    value_cell = st.write_text(ws, r, 3, value)
    value_cell.font, value_cell.border, value_cell.protection = st.BODY, st.BORDER, st.UNLOCKED
    if key == "scale_name":     # shows the 評価基準 sheet's name; the scale is chosen there, not here
        value_cell.value = f"='{names.SHEET_SCALE}'!{SCALE_NAME_CELL}"
        value_cell.protection, value_cell.fill = st.LOCKED, st.PLAN_FILL
    value_cell.alignment = TOP
    note_cell = st.write_text(ws, r, 4, note)
    note_cell.font, note_cell.alignment = st.NOTE, st.WRAP_TOP
    choices = {"multi_department_rule": [c.value for c in CombineRule],
               "indicator_rule": [c.value for c in IndicatorRule],
               "mail_attachment": list(MAIL_ATTACHMENT_CHOICES), "report_paper": list(PAPER_CHOICES),
               "sample": [SAMPLE_MARK]}.get(key)
    if choices:
        dv = DataValidation(type="list", formula1='"' + ",".join(choices) + '"',
                            showErrorMessage=True, error="一覧から選んでください。")
        ws.add_data_validation(dv)
        dv.add(value_cell.coordinate)


def add_setting_row(ws: Worksheet, r: int, key: str, label: str, value: object, note: str) -> None:
    """A row a master made before it existed gets, right under the last setting (the sheet's own notes
    below move down one row, with their heights), fitted to its note like the others."""
    heights = {n: ws.row_dimensions[n].height for n in range(r, ws.max_row + 1)}
    ws.insert_rows(r)
    for n, height in heights.items():
        ws.row_dimensions[n + 1].height = height
    ws.row_dimensions[r].height = None
    setting_row(ws, r, key, label, value, note)
    st.autofit_rows(ws, r, r)


def write_settings(ws: Worksheet, settings: Settings) -> None:
    rows = settings_to_rows(settings)
    ws["A1"], ws["B1"], ws["C1"], ws["D1"] = "キー", "項目", "値", "説明"
    st.style_header_row(ws, 1, 1, 4)
    for r, (key, label, value, note) in enumerate(rows, start=2):
        setting_row(ws, r, key, label, value, note)
    note = ws.cell(row=len(rows) + 3, column=2, value="達成度の記号・定義・判定下限はシート「評価基準」にあります。")
    note.font = st.NOTE
    st.set_widths(ws, {"A": 20, "B": 30, "C": 34, "D": 60})
    ws.column_dimensions["A"].hidden = True
    st.autofit_rows(ws, 2, len(rows) + 1)       # a long note wraps within 説明
    ws.freeze_panes = "B2"
    st.a4_landscape(ws)


def read_settings_values(ws: Worksheet) -> dict[str, object]:
    return settings_values_from_rows(ws.iter_rows(min_row=2, max_col=3, values_only=True))


def settings_values_from_rows(rows) -> dict[str, object]:
    """Key -> value from the 設定 sheet's rows below the header (values, any reader)."""
    values = {}
    for row in rows:
        row = (list(row) + [None] * 3)[:3]
        if row[0]:
            values[str(row[0]).strip()] = row[2]
    return values


def write_status(ws: Worksheet, rows: list[list[object]]) -> None:
    last = table(ws, STATUS_HEADERS, rows, [18, 7, 9, 7, 7, 40, 21, 20, 22, 70],
                 moments=frozenset({STATUS_HEADERS.index("受信日時") + 1}))
    # the SHA-256 (64 hex digits) stays on one line; row heights are fitted to the other columns
    sha = get_column_letter(STATUS_HEADERS.index("SHA-256") + 1)
    for (cell,) in ws.iter_rows(min_row=2, max_row=last, min_col=len(STATUS_HEADERS), max_col=len(STATUS_HEADERS)):
        cell.alignment = Alignment(vertical="top", wrap_text=False)
    # the hash identifies the file taken in (collect compares it; unhide the column to audit): hidden, the
    # screen and the printed page hold the columns a person reads
    ws.column_dimensions[sha].hidden = True
    if rows:
        st.autofit_rows(ws, 2, last)
    ws.print_area = f"A1:{get_column_letter(STATUS_HEADERS.index('SHA-256'))}{last}"
    for status, color in STATUS_FILLS.items():
        ws.conditional_formatting.add(f"C2:C{last}", CellIsRule(
            operator="equal", formula=[f'"{status}"'], fill=PatternFill("solid", fgColor=color)))


CHECK_WIDTHS = {"重要度": 7, "内容": 20, "担当課": 14, "ファイル": 28, "シート": 10, "セル": 7, "値": 16, "対応": 60,
                "取組番号": 9, "項目": 14, "コード": 8, "保留時のマスターの値": 16}


def write_checks(ws: Worksheet, rows: list[list[object]]) -> None:
    code = get_column_letter(REPORT_COLUMNS.index("コード") + 1)
    kept = get_column_letter(REPORT_COLUMNS.index("保留時のマスターの値") + 1)
    # the code (for support) in small type in its narrow column, wrapped within it (never spilling over the
    # page); the row heights follow the other columns, so a long code may show only its start
    ws.column_dimensions[code].hidden = True
    last = table(ws, REPORT_COLUMNS, rows, [CHECK_WIDTHS[c] for c in REPORT_COLUMNS])
    ws.column_dimensions[code].hidden = False
    for (cell,) in ws.iter_rows(min_row=2, max_row=last, min_col=REPORT_COLUMNS.index("コード") + 1,
                                max_col=REPORT_COLUMNS.index("コード") + 1):
        cell.font = st.NOTE
    # what the master held where collect did not take a department's value: validate compares it with
    # the master now, to see whether the section has since typed a value by hand
    ws.column_dimensions[kept].hidden = True


def write_history(ws: Worksheet, rows: list[list[object]]) -> None:
    table(ws, HISTORY_HEADERS, rows, [21, 10, 16, 9, 16, 30, 30, 30], moments=frozenset({HISTORY_HEADERS.index("日時") + 1}))


def read_rows(ws: Worksheet, min_row: int = 2) -> list[list[object]]:
    return [list(r) for r in ws.iter_rows(min_row=min_row, values_only=True) if any(v not in (None, "") for v in r)]


def write_xlwings_conf(ws: Worksheet, entries: list[tuple[str, str]]) -> None:
    """xlwings reads keys in column A and values in column B from A1 down: no header row here. The sheet
    is hidden (xlwings finds it by name: xlwings.bas SheetExists / GetConfigFromSheet use wb.Sheets(name));
    setup-excel (workbook.files.xlwings_conf) writes it."""
    ws.sheet_state = "hidden"
    for r, (key, value) in enumerate(entries, start=1):
        ws.cell(row=r, column=1, value=key).font = st.BODY
        st.write_text(ws, r, 2, value).font = st.BODY
    st.set_widths(ws, {"A": 32, "B": 70})
    st.a4_landscape(ws)
