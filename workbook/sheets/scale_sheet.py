"""The 評価基準 sheet: one row per grading code. Its layout, writer and reader.

The same table is read from a master's sheet, from a plan file's sheet 評価基準, from
<name>_評価基準.csv beside a CSV plan, and from `new --scale FILE`; every bad value is a Problem
naming its cell.
"""
from __future__ import annotations

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from workbook.domain.normalize import nfkc, parse_number
from workbook.domain.problems import Problem, problem
from workbook.domain.scale import Common, Grade, Scale, Trend, match_key
from workbook.sheets import styles as st

INCLUDE, EXCLUDE = "含める", "除く"
MARK = "○"
HEADERS = ["記号", "名称", "定義", "順位", "割合の分母", "統合で無視", "共通区分", "基準値比", "理由必須", "点数", "判定下限(％)"]
REQUIRED = ("記号", "名称", "共通区分")
WIDTHS = [8, 22, 60, 6, 10, 10, 11, 9, 9, 7, 11]
TITLE_ROW, HEADER_ROW = 1, 3          # a title and the scale's name above the table
NAME_CELL = "B2"
_ALIASES = {"判定下限": "判定下限(％)", "判定下限(%)": "判定下限(％)", "判定下限％": "判定下限(％)"}
_MARKS = {"○", "〇", "◯", "o", "O", "1", "TRUE", "はい", "yes"}


def write_scale(ws: Worksheet, scale: Scale) -> None:
    ws.cell(row=TITLE_ROW, column=1, value="評価基準（達成度の記号と判定のきまり）").font = st.TITLE
    ws.cell(row=2, column=1, value="名前").font = st.BOLD
    st.write_text(ws, 2, 2, scale.name).font = st.BOLD
    note = ws.cell(row=2, column=3, value="上から順に、配布ファイルの選択肢・集計表の列・グラフの色の順になります。"
                                          "配布後に変えると、その後の回収で保留されます。")
    note.font = st.NOTE
    for c, header in enumerate(HEADERS, start=1):
        ws.cell(row=HEADER_ROW, column=c, value=header)
    st.style_header_row(ws, HEADER_ROW, 1, len(HEADERS))
    for r, row in enumerate(scale_rows(scale), start=HEADER_ROW + 1):
        for c, value in enumerate(row, start=1):
            cell = st.write_text(ws, r, c, value)
            cell.font, cell.border, cell.alignment = st.BODY, st.BORDER, st.WRAP_TOP
    last = HEADER_ROW + max(len(scale.grades), 1)
    for header, choices in (("割合の分母", (INCLUDE, EXCLUDE)), ("統合で無視", (MARK,)),
                            ("共通区分", tuple(c.value for c in Common)), ("基準値比", tuple(t.value for t in Trend)),
                            ("理由必須", (MARK,))):
        letter = get_column_letter(HEADERS.index(header) + 1)
        dv = DataValidation(type="list", formula1='"' + ",".join(choices) + '"', allow_blank=True,
                            showErrorMessage=True, error="一覧から選んでください。")
        ws.add_data_validation(dv)
        dv.add(f"{letter}{HEADER_ROW + 1}:{letter}{last + 20}")
    for i, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    st.autofit_rows(ws, HEADER_ROW + 1, last)
    st.a4_landscape(ws, title_rows=f"{HEADER_ROW}:{HEADER_ROW}")


def scale_rows(scale: Scale) -> list[list[object]]:
    def number(v: float | None) -> object:
        return None if v is None else int(v) if float(v).is_integer() else v
    return [[g.code, g.name, g.definition, g.rank, INCLUDE if g.in_denominator else EXCLUDE,
             MARK if g.ignored_in_combination else None, g.common.value, g.trend.value if g.trend else None,
             MARK if g.reason_required else None, number(g.points), number(g.floor)] for g in scale.grades]


def read_scale_rows(rows: list[list[object]], name: str = "", sheet: str = "評価基準",
                    file: str = "") -> tuple[Scale | None, list[Problem]]:
    """A sheet's rows: as the master lays them out (title, name, header on row 3), or a bare
    table with its header on row 1 (a plan file's sheet)."""
    if len(rows) >= HEADER_ROW and _text(rows[HEADER_ROW - 1][0] if rows[HEADER_ROW - 1] else "") == "記号":
        found = _text(rows[1][1]) if len(rows) > 1 and len(rows[1]) > 1 else ""
        return parse_scale(rows[HEADER_ROW - 1:], found or name, sheet, file, first_row=HEADER_ROW)
    return parse_scale(rows, name, sheet, file)


def parse_scale(rows: list[list[object]], name: str, sheet: str = "", file: str = "",
                first_row: int = 1) -> tuple[Scale | None, list[Problem]]:
    """The table whose header is rows[0] (on sheet row first_row); None and the problems when bad."""
    where = {"sheet": sheet, "file": file}
    header = [_ALIASES.get(nfkc(_text(h)), nfkc(_text(h))) for h in (rows[0] if rows else [])]
    index = {h: i for i, h in enumerate(header) if h}
    missing = [h for h in REQUIRED if h not in index]
    if missing:
        return None, [problem("scale-missing-column", value=h, **where) for h in missing]

    def cell(r: int, h: str) -> str:
        return f"{get_column_letter(index[h] + 1)}{first_row + r}"

    problems: list[Problem] = []
    grades: list[Grade] = []
    seen: dict[str, int] = {}
    keys: dict[str, int] = {}       # codes as typed input is matched (Ａ = A = a, any dash)
    trends: dict[Trend, str] = {}
    for r, row in enumerate(rows[1:], start=1):
        v = {h: (row[i] if i < len(row) else None) for h, i in index.items()}
        if all(_text(x) == "" for x in v.values()):
            continue
        before = len(problems)
        for h in REQUIRED:
            if _text(v.get(h)) == "":
                problems.append(problem("scale-missing-value", cell=cell(r, h), field=h, **where))
        code = _text(v.get("記号"))
        if code and match_key(code) in keys:
            problems.append(problem("scale-duplicate-code", cell=cell(r, "記号"), value=code, **where))
        elif code and (set(code) & set(',"') or code.startswith("=")):
            problems.append(problem("scale-bad-code", cell=cell(r, "記号"), value=code, **where))
        keys.setdefault(match_key(code), r)
        seen.setdefault(code, r)
        rank = _rank(v.get("順位"))
        if rank is False:
            problems.append(problem("scale-bad-rank", cell=cell(r, "順位"), value=_text(v.get("順位")), **where))
        points, floor = (_number(v.get(h), h, r, cell, problems, where) for h in ("点数", "判定下限(％)"))
        denominator = _choice(v.get("割合の分母"), (INCLUDE, EXCLUDE), INCLUDE, "割合の分母", r, cell, problems, where)
        common = _choice(v.get("共通区分"), tuple(c.value for c in Common), None, "共通区分", r, cell, problems, where)
        trend = _choice(v.get("基準値比"), tuple(t.value for t in Trend), "", "基準値比", r, cell, problems, where)
        ignored, reason = (_flag(v.get(h), h, r, cell, problems, where) for h in ("統合で無視", "理由必須"))
        if trend:
            mark = Trend(trend)
            if mark in trends:
                problems.append(problem("scale-trend-twice", cell=cell(r, "基準値比"), value=trend,
                                        expected=trends[mark], **where))
            trends.setdefault(mark, code)
        if len(problems) > before:
            continue
        grades.append(Grade(code, _text(v.get("名称")), _text(v.get("定義")), rank or None,
                            denominator == INCLUDE, bool(ignored), Common(common), Trend(trend) if trend else None,
                            bool(reason), points, floor))
    if not seen:
        problems.append(problem("scale-empty", **where))
    elif not problems:
        if not any(g.ranked for g in grades):
            problems.append(problem("scale-no-ranked", **where))
        scale = Scale(name or "独自の評価基準", tuple(grades))
        higher = None
        for g in scale.ranked:
            if g.floor is None:
                continue
            if higher is not None and g.floor >= higher:
                problems.append(problem("scale-floors-not-falling", cell=cell(seen[g.code], "判定下限(％)"),
                                        value=f"{g.floor:g}", expected=f"{higher:g}", **where))
            higher = g.floor
        floored = [g for g in scale.ranked if g.floor is not None]
        if floored and floored[-1].floor > 0 and not problems:
            problems.append(problem("scale-floor-not-zero", cell=cell(seen[floored[-1].code], "判定下限(％)"),
                                    value=f"{floored[-1].floor:g}", expected=floored[-1].code, **where))
        if len('"' + ",".join(scale.codes) + '"') > 255 and not problems:
            problems.append(problem("scale-too-long", value=str(len(",".join(scale.codes))), **where))
        if not problems:
            return scale, []
    return None, problems


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def _rank(value: object) -> int | None | bool:
    """An integer, None when blank, False when not a whole number."""
    if _text(value) == "":
        return None
    if isinstance(value, bool):
        return False
    try:
        number = float(nfkc(_text(value)))
    except ValueError:
        return False
    return int(number) if number.is_integer() else False


def _number(value, header, r, cell, problems, where) -> float | None:
    if header not in {"点数", "判定下限(％)"} or _text(value) == "":
        return None
    parsed = parse_number(value)
    if parsed is None or parsed.unit not in ("", "%", "点"):
        problems.append(problem("scale-bad-number", cell=cell(r, header), field=header, value=_text(value), **where))
        return None
    return parsed.value


def _choice(value, choices, default, header, r, cell, problems, where) -> str | None:
    text = nfkc(_text(value))
    if text == "":
        return default
    for choice in choices:
        if nfkc(choice) == text:
            return choice
    problems.append(problem("scale-bad-choice", cell=cell(r, header), field=header, value=_text(value),
                            choices="・".join(choices), **where))
    return default


def _flag(value, header, r, cell, problems, where) -> bool:
    text = nfkc(_text(value))
    if text in ("", "×", "-", "いいえ", "no", "0", "FALSE"):
        return False
    if text in {nfkc(m) for m in _MARKS}:
        return True
    problems.append(problem("scale-bad-choice", cell=cell(r, header), field=header, value=_text(value),
                            choices="○ または空欄", **where))
    return False
