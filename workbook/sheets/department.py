"""Write and read the department table (layout.py) on an openpyxl worksheet."""
from __future__ import annotations

from openpyxl.formatting.rule import FormulaRule
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from workbook.sheets import styles as st
from workbook.domain.era import fiscal_year_label
from workbook.domain.scale import Scale
from workbook.sheets.layout import (ACTION_ROW, COLUMNS, CONTACT_NAME_CELL, CONTACT_PHONE_CELL, DIRECTIONS, FIRST_ROW,
                     HEADER_ROW, HELPER_HEADER, INDICATOR_ROW, MISSING_COUNT_CELL, PREV_KEYS, applies, col_letter,
                     col_number, column, header_for, indicator_key, is_open, split_key)
from workbook.domain.plan import Indicator, Plan
from workbook.domain.normalize import display_width
from workbook.domain.returns import Entry

HEADER_HEIGHT = 62   # points: four lines, for the proposals' amount headers


def row_specs(plan: Plan, department: str) -> list[tuple[str, str, Indicator | None]]:
    """(key, row kind, indicator) for each table row of a department, in plan order."""
    return list(plan.derived(("row_specs", department), lambda: _row_specs(plan, department)))


def _row_specs(plan: Plan, department: str) -> list[tuple[str, str, Indicator | None]]:
    specs = []
    for action in plan.actions_of(department):
        specs.append((action.code, ACTION_ROW, None))
        for n, indicator in enumerate(plan.indicators_of(action.code, department), start=1):
            specs.append((indicator_key(action.code, n), INDICATOR_ROW, indicator))
    return specs


def indicator_label(indicator: Indicator) -> str:
    return f"{indicator.name}（{indicator.unit}）" if indicator.unit else indicator.name


def indicator_text(indicator: Indicator, fiscal_year: int) -> str:
    """'相談者の解決率（%）\n目標 70以上' as the department reads it."""
    target = indicator.target_for(fiscal_year)
    if target is None:
        return indicator_label(indicator)
    number = int(target) if float(target).is_integer() else target
    return f"{indicator_label(indicator)}\n目標 {number}{indicator.unit}{indicator.direction.value}"


def plan_cells(plan: Plan, key: str, kind: str, indicator: Indicator | None, fiscal_year: int) -> dict[str, str]:
    """The plan columns of one table row, as written to the sheet and expected back from a return."""
    code, _ = split_key(key)
    action = plan.action(code)
    title = action.title
    if action.relisted_from:
        title += f"\n（{action.relisted_from} の再掲）"
    return {
        "code": code if kind == ACTION_ROW else f"{code} 指標",
        "title": title if kind == ACTION_ROW else "",
        "target": action.target_for(fiscal_year) if kind == ACTION_ROW else "",
        "indicator": indicator_text(indicator, fiscal_year) if indicator else "",
    }


def expected_plan_cells(plan: Plan, department: str, fiscal_year: int) -> dict[str, dict[str, object]]:
    """Row key -> the plan column values write_department_table writes for them."""
    return {key: dict(values) for key, values in shared_plan_cells(plan, department, fiscal_year).items()}


def shared_plan_cells(plan: Plan, department: str, fiscal_year: int) -> dict[str, dict[str, object]]:
    """expected_plan_cells as derived once per plan state: shared, so read it, never change it."""
    return plan.derived(("plan_cells", department, fiscal_year), lambda: {
        key: {k: (v or None) for k, v in plan_cells(plan, key, kind, indicator, fiscal_year).items()}
        for key, kind, indicator in row_specs(plan, department)})


def write_department_table(ws: Worksheet, plan: Plan, department: str, fiscal_year: int, *,
                           entries: dict[str, Entry] | None = None, title: str = "",
                           subtitle: str = "", contact: tuple[str, str] = ("", ""),
                           extra_headers: tuple[str, ...] = (), count_contact: bool = False,
                           scale: Scale, period_end: int | None) -> int:
    """Fill ws with the department's table; returns the last data row. Protection is the caller's.

    count_contact: the contact name and phone count as missing entries too (distributed files).
    """
    entries = entries or {}
    specs = row_specs(plan, department)
    has_indicators = any(kind == INDICATOR_ROW for _, kind, _ in specs)
    last_col = len(COLUMNS)
    helper_col = last_col + 1 + len(extra_headers)
    ws.sheet_view.zoomScale = 90
    ws["B1"] = title or f"{fiscal_year_label(fiscal_year)} {plan.name} 進捗報告（{department}）"
    ws["B1"].font = st.TITLE
    if subtitle:
        ws["B2"] = subtitle
        ws["B2"].font = st.NOTE
    _label(ws, "C3", "回答者（担当者名）")
    _label(ws, "F3", "電話（内線）")
    for ref, value in ((CONTACT_NAME_CELL, contact[0]), (CONTACT_PHONE_CELL, contact[1])):
        cell = st.write_text(ws, ws[ref].row, ws[ref].column, value or None)
        cell.font, cell.border, cell.protection, cell.fill = st.BODY, st.BORDER, st.UNLOCKED, st.INPUT_FILL
        cell.number_format, cell.alignment = "@", st.SHRINK
    phone = ws[CONTACT_PHONE_CELL]
    ws.merge_cells(start_row=phone.row, start_column=phone.column, end_row=phone.row, end_column=phone.column + 1)
    _label(ws, "C4", "未入力・要修正の項目")
    # the note goes right of the count, in the first column that is shown
    note = ws.cell(row=4, column=col_number("indicator" if has_indicators else "content"))
    note.value = ("白いセルに入力してください（灰色のセルは計画の内容で変更できません）。"
                  "赤いセルは未入力の必須項目か、修正が必要な値です。")
    note.font = st.NOTE

    last_year = period_end          # the plan period's last year (Settings.period_end): 今後の方針 is open then
    # a sheet rewritten in place starts from no column settings: an older layout's grouped <col> ranges
    # would otherwise overlap the ones set below, and its hidden columns stay hidden
    ws.column_dimensions.clear()
    for col in COLUMNS:
        # the year header is read back as written (sheets.table); others may break for the eye
        header = header_for(col, fiscal_year)
        if col.offset and col.numeric:    # a narrow amount column: 令和8年度／事業費／（千円・／要求額）
            header = header.replace(" ", "\n", 1).replace("（", "\n（", 1).replace("・", "・\n", 1)
        elif col.key != "target":
            header = _header_text(header, col.width)
        ws.cell(row=HEADER_ROW, column=col_number(col.key), value=header)
        ws.column_dimensions[col_letter(col.key)].width = col.width
    for i, header in enumerate(extra_headers):
        ws.cell(row=HEADER_ROW, column=last_col + 1 + i, value=header)
        ws.column_dimensions[get_column_letter(last_col + 1 + i)].width = 16
    ws.cell(row=HEADER_ROW, column=helper_col, value=HELPER_HEADER)
    st.style_header_row(ws, HEADER_ROW, 1, helper_col)
    for col in COLUMNS:
        ws.column_dimensions[col_letter(col.key)].hidden = (
            col.key == "key"
            or (col.key == "indicator" and not has_indicators)   # nothing to show: the width goes to the inputs
            or (col.editable and not is_open(col, fiscal_year, last_year)))   # 今後の方針 outside the last year
    ws.column_dimensions[get_column_letter(helper_col)].hidden = True

    row = FIRST_ROW - 1
    for key, kind, indicator in specs:
        row += 1
        code, n = split_key(key)
        entry = entries.get(code)
        plan_values = {"key": key, **plan_cells(plan, key, kind, indicator, fiscal_year)}
        if entry is not None and kind == ACTION_ROW:
            plan_values.update({k: getattr(entry, k) for k in PREV_KEYS})
        for col in COLUMNS:
            cell = ws.cell(row=row, column=col_number(col.key))
            value = None
            if col.key in plan_values or col.key in PREV_KEYS:
                value = plan_values.get(col.key) or None
            elif entry is not None and applies(col, kind):
                value = entry.actuals.get(n) if col.key == "actual" else entry.values.get(col.key)
            st.write_text(ws, row, cell.column, value)
            cell.font, cell.border = st.BODY, st.BORDER
            cell.alignment = st.CENTER_TOP if col.key in ("grade", "prev_grade") else st.WRAP_TOP
            if col.editable and applies(col, kind):
                # text format: an answer typed as "=..." stays text instead of becoming a formula
                cell.number_format = "#,##0.##" if col.numeric else "@"
                opened = is_open(col, fiscal_year, last_year)
                cell.fill = st.INPUT_FILL if opened else st.NA_FILL
                cell.protection = st.UNLOCKED if opened else st.LOCKED
            elif col.editable:
                cell.fill, cell.protection = st.NA_FILL, st.LOCKED
            else:
                cell.fill = st.PREV_FILL if col.key.startswith("prev") else st.PLAN_FILL
                cell.protection = st.LOCKED
        ws.cell(row=row, column=helper_col, value=_missing_formula(row, kind, scale))
    last = row
    st.autofit_rows(ws, FIRST_ROW, last)
    ws.row_dimensions[HEADER_ROW].height = HEADER_HEIGHT
    helper = get_column_letter(helper_col)
    ws[MISSING_COUNT_CELL] = f"=SUM({helper}{FIRST_ROW}:{helper}{max(last, FIRST_ROW)})" + (
        f'+IF({CONTACT_NAME_CELL}="",1,0)+IF({CONTACT_PHONE_CELL}="",1,0)' if count_contact else "")
    ws[MISSING_COUNT_CELL].font = st.WARN
    ws[MISSING_COUNT_CELL].border = st.BORDER
    ws.freeze_panes = f"D{FIRST_ROW}"
    if last >= FIRST_ROW:
        _add_validations(ws, last, scale, fiscal_year, last_year)
        _add_conditional_formats(ws, last, scale)
    if count_contact:
        _mark_contact(ws)
    st.a4_landscape(ws, title_rows=f"{HEADER_ROW}:{HEADER_ROW}")
    ws.print_area = f"B1:{col_letter('budget')}{max(last, HEADER_ROW)}"
    return last


def _label(ws: Worksheet, ref: str, text: str) -> None:
    """A label right-aligned against the box it names."""
    ws[ref] = text
    ws[ref].font, ws[ref].alignment = st.BOLD, st.RIGHT


def _header_text(text: str, width: float) -> str:
    """Break a header that does not fit its column before "（" or at a space, not mid-word."""
    if "\n" in text or display_width(text) <= width - 1:
        return text
    for sep, joined in (("（", "\n（"), (" ", "\n"), ("・", "・\n")):
        if sep in text[1:]:
            return text[0] + text[1:].replace(sep, joined, 1)
    return text


def _mark_contact(ws: Worksheet) -> None:
    """Input messages and the missing mark on the contact cells of a distributed file."""
    for ref, title, prompt in ((CONTACT_NAME_CELL, "回答者", "この報告について問い合わせを受ける方の氏名（係名）を入力してください。"),
                               (CONTACT_PHONE_CELL, "電話（内線）", "日中つながる電話番号または内線番号を入力してください。")):
        dv = DataValidation(allow_blank=True, showInputMessage=True, promptTitle=title, prompt=prompt)
        ws.add_data_validation(dv)
        dv.add(ref)
        ws.conditional_formatting.add(ref, FormulaRule(formula=[f'{ref}=""'], fill=st.MISSING_FILL))


def _missing_formula(row: int, kind: str, scale: Scale) -> str:
    """1 per missing or unusable entry: empty, a grade not in the list, an actual that is not a number."""
    g, k = col_letter("grade"), col_letter("reason")
    if kind == INDICATOR_ROW:
        actual = f"{col_letter('actual')}{row}"
        return f'=IF(OR({actual}="",ISNUMBER({actual})),0,1)'      # blank: no figure this year (a warning)
    return (f'=IF({col_letter("content")}{row}="",1,0)+IF({col_letter("result")}{row}="",1,0)'
            f'+IF({_any_of(f"{g}{row}", scale.codes)},0,1)'
            f'+IF(AND({_any_of(f"{g}{row}", _reason_codes(scale))},{k}{row}=""),1,0)')


def _any_of(ref: str, codes: tuple[str, ...]) -> str:
    """An Excel test that the cell holds one of the codes (FALSE for none)."""
    if not codes:
        return "FALSE"
    return "OR(" + ",".join(f'{ref}&""="' + code.replace('"', '""') + '"' for code in codes) + ")"


def _reason_codes(scale: Scale) -> tuple[str, ...]:
    return tuple(g.code for g in scale.grades if g.reason_required)


def grade_list_formula(scale: Scale) -> str:
    """The grade column's drop-down (a list validation's formula1)."""
    return '"' + ",".join(scale.codes) + '"'


def grade_prompt(scale: Scale, limit: int = 255) -> str:
    """The input message of the grade column: every code with its name, cut to Excel's limit."""
    text = "／".join(g.label for g in scale.grades)
    return text if len(text) <= limit else text[:limit - 1] + "…"


def direction_list_formula() -> str:
    """The 今後の方針 column's drop-down (a list validation's formula1)."""
    return '"' + ",".join(DIRECTIONS) + '"'


def _add_validations(ws: Worksheet, last: int, scale: Scale, fiscal_year: int, last_year: int | None) -> None:
    grade = DataValidation(type="list", formula1=grade_list_formula(scale), allow_blank=True,
                           showErrorMessage=True, errorTitle="自己評価",
                           error=("・".join(scale.codes) + " のいずれかを一覧から選んでください。")[:255],
                           showInputMessage=True, promptTitle="自己評価", prompt=grade_prompt(scale))
    numeric = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="-1E+15",
                             allow_blank=True, showErrorMessage=True, errorStyle="warning",
                             errorTitle="数値で入力", error="数値（半角数字、単位なし）で入力してください。",
                             showInputMessage=True, promptTitle="数値で入力",
                             prompt="半角数字で入力してください（単位は不要）。")
    ws.add_data_validation(grade)
    ws.add_data_validation(numeric)
    grade.add(f"{col_letter('grade')}{FIRST_ROW}:{col_letter('grade')}{last}")
    for col in COLUMNS:
        if col.numeric and col.editable:
            # a proposal's amount gets its own rule: its input message says what the amount is
            rule = numeric if not col.offset else _numeric_rule(ws, col.header, col.help)
            rule.add(f"{col_letter(col.key)}{FIRST_ROW}:{col_letter(col.key)}{last}")
    if any(c.last_year_only and is_open(c, fiscal_year, last_year) for c in COLUMNS):
        direction = DataValidation(type="list", formula1=direction_list_formula(), allow_blank=True,
                                   showErrorMessage=True, errorTitle="今後の方針",
                                   error="・".join(DIRECTIONS) + " のいずれかを一覧から選んでください。",
                                   showInputMessage=True, promptTitle="今後の方針",
                                   prompt=column("direction").help[:255])
        ws.add_data_validation(direction)
        direction.add(f"{col_letter('direction')}{FIRST_ROW}:{col_letter('direction')}{last}")
    for col in COLUMNS:
        if col.editable and col.help and not col.numeric and col.key not in ("grade", "direction"):
            text = col.help
            if col.key == "reason" and _reason_codes(scale):
                text = f"自己評価の理由。{'・'.join(_reason_codes(scale))} の場合は必ず記入してください。"
            dv = DataValidation(allow_blank=True, showInputMessage=True, promptTitle=col.header[:32],
                                prompt=text[:255])
            ws.add_data_validation(dv)
            dv.add(f"{col_letter(col.key)}{FIRST_ROW}:{col_letter(col.key)}{last}")


def _numeric_rule(ws: Worksheet, title: str, prompt: str) -> DataValidation:
    rule = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="-1E+15",
                          allow_blank=True, showErrorMessage=True, errorStyle="warning",
                          errorTitle="数値で入力", error="千円単位の数値（半角数字、単位なし）で入力してください。",
                          showInputMessage=True, promptTitle=title[:32], prompt=prompt[:255])
    ws.add_data_validation(rule)
    return rule


def _add_conditional_formats(ws: Worksheet, last: int, scale: Scale) -> None:
    a = f"$A{FIRST_ROW}"
    is_action = f'ISERROR(FIND("#",{a}))'
    for key in ("content", "result", "grade"):
        ref = f"{col_letter(key)}{FIRST_ROW}:{col_letter(key)}{last}"
        first = f"{col_letter(key)}{FIRST_ROW}"
        wrong = f"NOT({_any_of(first, scale.codes)})" if key == "grade" else f'{first}=""'
        ws.conditional_formatting.add(ref, FormulaRule(formula=[f'AND({a}<>"",{is_action},{wrong})'],
                                                       fill=st.MISSING_FILL, stopIfTrue=False))
    actual = f"{col_letter('actual')}{FIRST_ROW}"
    ws.conditional_formatting.add(f"{actual}:{col_letter('actual')}{last}", FormulaRule(
        formula=[f'AND(ISNUMBER(FIND("#",{a})),{actual}<>"",NOT(ISNUMBER({actual})))'], fill=st.MISSING_FILL))
    ws.conditional_formatting.add(f"{actual}:{col_letter('actual')}{last}", FormulaRule(
        formula=[f'AND(ISNUMBER(FIND("#",{a})),{actual}="")'], fill=st.CHECK_FILL))
    g, k = f"${col_letter('grade')}{FIRST_ROW}", f"{col_letter('reason')}{FIRST_ROW}"
    ws.conditional_formatting.add(f"{col_letter('reason')}{FIRST_ROW}:{col_letter('reason')}{last}", FormulaRule(
        formula=[f'AND({_any_of(g, _reason_codes(scale))},{k}="")'], fill=st.MISSING_FILL))


def protect(ws: Worksheet, password: str = "") -> None:
    """Lock plan cells; a person may still resize rows/columns and use filters. A password (設定,
    optional) only guards against accidental edits: collect checks every return whatever it is."""
    ws.protection.sheet = True
    if password:
        ws.protection.password = password
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    ws.protection.formatCells = False
    ws.protection.autoFilter = False
    ws.protection.selectLockedCells = False
    ws.protection.selectUnlockedCells = False


def read_department_table(ws: Worksheet, department: str, known_keys: tuple[str, ...] = ()):
    """The department table of an openpyxl sheet, parsed by the same code as the fast reader.

    Returns a sheets.table.Table (entries, keys, key_rows, plan_cells, formulas, extra_rows, contact).
    """
    from workbook.ooxml.values import normalize_rows
    from workbook.sheets.table import is_input_cell, parse_table

    rows = normalize_rows([list(r) for r in ws.iter_rows(values_only=True)])
    formulas = {cell.coordinate: str(cell.value)
                for row in ws.iter_rows() for cell in row
                if cell.data_type == "f" and is_input_cell(cell.row, cell.column)}
    return parse_table(rows, department, formulas, known_keys=known_keys)
