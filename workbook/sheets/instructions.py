"""The 記入方法 sheet of a distributed file: what to fill, by when, whom to ask, how grades are given.

A busy person reads this once, on screen or printed on one A4 page (portrait), before filling
the 進捗報告 sheet. Pass write_instructions as `instructions=` to files.department_file.write_department_file.
"""
from __future__ import annotations

from openpyxl.styles import Alignment
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from workbook.sheets import styles as st
from workbook.domain.era import fiscal_year_label
from workbook.sheets.layout import BUDGET_BASIS, COLUMNS, DATA_SHEET, INDICATOR_ROW, header_for, is_open
from workbook.domain.plan import Plan
from workbook.domain.scale import Scale
from workbook.domain.settings import SAMPLE_NOTE, Settings

LABEL_COL, TEXT_COL = 2, 3   # B: labels, C: text
SECTION_FILL = st.SECTION_FILL
RIGHT_TOP = Alignment(horizontal="right", vertical="top")

RETURN_STEPS = (
    "記入が終わったら上書き保存し、このファイルを提出期限までに問い合わせ先へメールで送付するか、"
    "指定の共有フォルダに保存してください。",
    "ファイル名は変更しても構いませんが、シートの追加・削除や行・列の挿入はしないでください"
    "（どの課のファイルかは、ファイルの中の情報で判別します）。",
    "LibreOffice で記入した場合は「Excel 2007-365 (.xlsx)」形式のまま保存してください"
    "（保存時に「現在の形式を使用」を選びます）。",
)


def fill_steps(settings: Settings) -> tuple[str, ...]:
    return (
        f"シート「{DATA_SHEET}」を開き、上部の「回答者（担当者名）」と「電話（内線）」を入力してください。",
        "取組ごとに、白いセル（取組内容・実績・成果・自己評価 など）に入力してください。"
        "灰色のセルは計画の内容のため変更できません。",
        f"{fiscal_year_label(settings.fiscal_year)}の取組目標に対する実績を記入してください。"
        "数値目標（指標）がある取組は、「指標」の行の「実績値」に半角数字で入力します（単位は不要）。",
        f"自己評価はセルを選ぶと表示される一覧から {'・'.join(settings.scale.codes)} のいずれかを選んでください。"
        + (f"{'・'.join(reason_codes(settings.scale))} の場合は「評価の理由」を必ず記入してください。"
           if reason_codes(settings.scale) else ""),
        "赤いセルは未入力の必須項目か、修正が必要な値（一覧にない評価、数値でない実績値）です。"
        "シート上部の「未入力・要修正の項目」が 0 になれば記入完了です。",
        "文字が隠れて見えない場合は、行番号の境目をダブルクリックすると行の高さが広がります。",
    )


def reason_codes(scale: Scale) -> list[str]:
    return [g.code for g in scale.grades if g.reason_required]


def item_rows(settings: Settings, last_year: int | None = None) -> list[tuple[str, str]]:
    """(label, how to fill) for every cell a department fills, in sheet order; last_year: the plan's
    last fiscal year (今後の方針 is filled only then)."""
    rows = [("回答者（必須）", "この報告について問い合わせを受ける方の氏名（係名）。ファイルに1か所です。"),
            ("電話（内線）（必須）", "日中つながる電話番号または内線番号。")]
    for col in COLUMNS:
        if not is_open(col, settings.fiscal_year, last_year):
            continue
        marks = ["必須"] if col.required else []
        help_text = col.help
        if col.key == "reason" and reason_codes(settings.scale):
            marks.append(f"{'・'.join(reason_codes(settings.scale))}の場合は必須")
            help_text = f"自己評価の理由。{'・'.join(reason_codes(settings.scale))} の場合は必ず記入してください。"
        if col.key == "grade":
            help_text = "　".join(g.label for g in settings.scale.grades)
        if col.on == INDICATOR_ROW:
            marks.append("指標の行に入力")
        rows.append((header_for(col, settings.fiscal_year) + (f"（{'・'.join(marks)}）" if marks else ""), help_text))
    return rows


def write_instructions(ws: Worksheet, plan: Plan, settings: Settings, department: str) -> None:
    """Fill the 記入方法 sheet of the department's file."""
    year = fiscal_year_label(settings.fiscal_year)
    actions = plan.actions_of(department)
    ws.sheet_view.showGridLines = False
    ws["B1"] = settings.title(f"{year} {settings.plan_name} 進捗報告　記入方法")
    ws["B1"].font = st.TITLE
    if settings.sample:
        ws["B2"] = SAMPLE_NOTE
        ws["B2"].font = st.WARN
    row = 3
    for label, text in (
        ("担当課", department),
        ("報告対象", f"{year}（{_period(settings.fiscal_year)}）の取組"),
        ("提出期限", settings.deadline or "（別途お知らせします）"),
        ("提出先・問い合わせ", settings.contact or "（別途お知らせします）"),
        ("報告する取組", f"{len(actions)} 件（シート「{DATA_SHEET}」に一覧があります）"),
    ):
        _pair(ws, row, label, text, bold=label == "提出期限")
        row += 1

    row = _section(ws, row + 1, "記入のしかた")
    row = _numbered(ws, row, fill_steps(settings))

    row = _section(ws, row + 1, "自己評価（達成度）の基準")
    scale = settings.scale
    for grade in scale.grades:
        _pair(ws, row, grade.label, grade.definition or grade.name)
        row += 1
    needs_reason = [g.code for g in scale.grades if g.reason_required]
    if needs_reason:
        row = _note(ws, row, f"達成度が {'・'.join(needs_reason)} のときは「評価の理由」を必ず記入してください。")
    row = _note(ws, row, "数値目標（指標）がある取組は実績と目標の比率で、ない取組は計画どおり実施できたかで評価してください"
                "（定量的評価／定性的評価）。")
    row = _note(ws, row, "再犯者率など「以下」を目指す指標は、実績が目標を下回るほど達成度が高くなります。")

    row = _section(ws, row + 1, "提出のしかた")
    row = _numbered(ws, row, RETURN_STEPS)

    # page 2: reference for while filling in
    ws.row_breaks.append(Break(id=row))
    row = _section(ws, row + 1, "記入する項目")
    for label, text in item_rows(settings, settings.period_end(plan.fiscal_years)):
        _pair(ws, row, label, text)
        row += 1
    row = _note(ws, row, "前年度の自己評価・実績・成果・内部評価・委員会意見の列（灰色）は、前年度の報告と評価を参考に"
                "表示しています。内部評価・委員会意見がある取組は「意見への対応」に対応を記入してください。")
    row = _note(ws, row, "次年度・翌々年度の取組と事業費は、予算要求の段階の要求額・見込み額です。" + BUDGET_BASIS)

    shared = [(a, [d for d in a.departments if d != department]) for a in actions if len(a.departments) > 1]
    if shared:
        row = _section(ws, row + 1, "複数の課で担当する取組")
        row = _note(ws, row, "次の取組は他の課と共同で担当しています。貴課が担当した部分について記入してください。")
        for action, others in shared:
            _pair(ws, row, action.code, f"{action.title}（共同：{'、'.join(others)}）")
            row += 1

    st.set_widths(ws, {"A": 2, "B": 27, "C": 73})
    st.autofit_rows(ws, 3, row - 1, line_height=16.0)
    ws.row_dimensions[1].height = 24
    st.a4_page(ws, landscape=False, side_margin=0.5)
    ws.print_area = f"B1:C{row - 1}"
    ws.protection.sheet = True  # read-only text; nothing to type here


def _period(fiscal_year: int) -> str:
    """6 -> '令和6年4月1日～令和7年3月31日'."""
    import datetime as dt

    from workbook.domain.era import wareki_date, western_year

    start = western_year(fiscal_year)
    return f"{wareki_date(dt.date(start, 4, 1))}～{wareki_date(dt.date(start + 1, 3, 31))}"


def _pair(ws: Worksheet, row: int, label: str, text: str, bold: bool = False) -> None:
    left = ws.cell(row=row, column=LABEL_COL, value=label)
    left.font, left.fill, left.border, left.alignment = st.BOLD, st.PLAN_FILL, st.BORDER, st.WRAP_TOP
    right = st.write_text(ws, row, TEXT_COL, text)
    right.font, right.border, right.alignment = (st.BOLD if bold else st.BODY), st.BORDER, st.WRAP_TOP


def _section(ws: Worksheet, row: int, title: str) -> int:
    cell = ws.cell(row=row, column=LABEL_COL, value=title)
    cell.font = st.SUBTITLE
    for col in (LABEL_COL, TEXT_COL):
        ws.cell(row=row, column=col).fill = SECTION_FILL
    return row + 1


def _numbered(ws: Worksheet, row: int, lines: tuple[str, ...]) -> int:
    for i, text in enumerate(lines, start=1):
        number = ws.cell(row=row, column=LABEL_COL, value=f"{i}.")
        number.font, number.alignment = st.BOLD, RIGHT_TOP
        cell = st.write_text(ws, row, TEXT_COL, text)
        cell.font, cell.alignment = st.BODY, st.WRAP_TOP
        row += 1
    return row


def _note(ws: Worksheet, row: int, text: str) -> int:
    cell = st.write_text(ws, row, TEXT_COL, text)
    cell.font, cell.alignment = st.NOTE, st.WRAP_TOP
    return row + 1
