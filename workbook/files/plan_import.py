"""Import a plan from the documented plain layout (.xlsx or .csv), one row per action.

Layout (see README「計画ファイルの様式」): a header row, then one row per action with the columns
基本目標番号, 基本目標, 施策番号, 施策, 取組番号, 重点取組, 担当課, 取組目標(R6), 取組目標(R7) ...
and optionally 事業概要, 取組, 評価区分, 再掲元, 事業費(千円) or 事業費(R6)..., 備考.
Indicators are in a sheet 指標 (xlsx) or a file <name>_指標.csv beside the plan (csv).
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass, replace
from pathlib import Path

from openpyxl.utils import get_column_letter

from workbook.domain.era import parse_fiscal_year
from workbook.errors import PlanFileError
from workbook.domain.normalize import decode_japanese_text
from workbook.domain.plan import (Accumulation, Action, Band, Direction, EvaluationKind, Goal, Indicator,
                                  IndicatorKind, IndicatorRule, Measure, Plan)
from workbook.domain.normalize import clean_text, nfkc, parse_number, split_departments
from workbook.domain.problems import Problem, problem
from workbook.files.intake import reason_text
from workbook.ooxml.values import SheetValues

PLAN_COLUMNS: dict[str, tuple[str, ...]] = {
    # canonical name: accepted aliases (compared after NFKC and removing spaces)
    "基本目標番号": ("基本目標番号", "基本目標No", "基本目標No.", "目標番号"),
    "基本目標": ("基本目標", "基本目標名"),
    "施策番号": ("施策番号", "施策No", "施策No.", "施策№"),
    "施策": ("施策", "施策名"),
    "取組番号": ("取組番号", "重点取組番号", "事業番号", "番号"),
    "重点取組": ("重点取組", "事業名", "取組名", "標題"),
    "事業概要": ("事業概要", "事業内容"),
    "担当課": ("担当課", "所管課"),
    "取組": ("取組", "取組内容(計画)"),
    "評価区分": ("評価区分", "評価方法"),
    "再掲元": ("再掲元",),
    "事業費(千円)": ("事業費(千円)", "事業費"),
    "備考": ("備考",),
    "施策の方向性": ("施策の方向性",),
    "到達目標": ("到達目標", "計画期間終了時点の到達目標", "計画期間終了時点における到達目標"),
}
MEASURE_TEXTS = {"施策の方向性": "direction", "到達目標": "reach"}   # per 施策: the first row that gives one
REQUIRED_PLAN = ("基本目標番号", "基本目標", "施策番号", "施策", "取組番号", "重点取組", "担当課")

INDICATOR_COLUMNS: dict[str, tuple[str, ...]] = {
    "取組番号": ("取組番号", "事業番号", "番号"),
    "指標名": ("指標名", "指標"),
    "単位": ("単位",),
    "現状値": ("現状値", "基準値"),
    "現状値年度": ("現状値年度", "基準年度"),
    "目標値": ("目標値",),
    "目標年度": ("目標年度",),
    "目標の向き": ("目標の向き", "方向"),
    "集計": ("集計", "集計方法"),
    "担当課": ("担当課",),
    "判定方法": ("判定方法", "評価方法"),
    "許容幅": ("許容幅",),
    "種別": ("種別", "指標の種別"),
    "備考": ("備考",),
}
REQUIRED_INDICATOR = ("取組番号", "指標名", "目標値")

_YEAR_COLUMN = re.compile(r"^(取組目標|事業費|年度目標)\(?(.+?)\)?(?:\(千円\))?$")   # the year: era.parse_fiscal_year
_YEAR_LIKE = re.compile(r"^(取組目標|年度目標).+")
MAX_PLAN_ROWS = 5000


def _norm_header(value: object) -> str:
    return re.sub(r"\s+", "", nfkc(clean_text(value)))


class _Table:
    """Rows of one sheet or CSV with its header mapped to canonical names."""

    def __init__(self, name: str, rows: list[list[object]], columns: dict[str, tuple[str, ...]]):
        self.name = name
        header = [_norm_header(v) for v in (rows[0] if rows else [])]
        self.rows = rows[1:]
        self.index: dict[str, int] = {}
        self.year_columns: dict[tuple[str, int], int] = {}
        self.unrecognised: list[tuple[int, str]] = []   # headers that look like year columns but are not
        names = {canonical: {_norm_header(a) for a in aliases} for canonical, aliases in columns.items()}
        for i, head in enumerate(header):
            match = _YEAR_COLUMN.match(head)
            year = parse_fiscal_year(match.group(2)) if match else None
            if match and year is not None:
                self.year_columns[(match.group(1), year)] = i
                continue
            if _YEAR_LIKE.match(head):
                self.unrecognised.append((i, head))
                continue
            for canonical, aliases in names.items():
                if canonical not in self.index and head in aliases:
                    self.index[canonical] = i

    def get(self, row: list[object], name: str) -> str:
        i = self.index.get(name)
        return clean_text(row[i]) if i is not None and i < len(row) else ""

    def values(self, row: list[object]) -> dict[str, str]:
        """get() of every column found, by name."""
        n = len(row)
        return {name: clean_text(row[i]) if i < n else "" for name, i in self.index.items()}

    def cell(self, row_number: int, name: str) -> str:
        i = self.index.get(name, 0)
        return f"{get_column_letter(i + 1)}{row_number}"

    def year_cell(self, row_number: int, key: tuple[str, int]) -> str:
        return f"{get_column_letter(self.year_columns[key] + 1)}{row_number}"

    def year_numbers(self, row: list[object], row_number: int, kind: str, problems: list[Problem],
                     where: dict[str, str]) -> dict[int, float]:
        """The numbers of one kind of year column (事業費, 年度目標) in a row; bad ones become problems."""
        out: dict[int, float] = {}
        for (k, year), i in self.year_columns.items():
            if k == kind and i < len(row) and clean_text(row[i]):
                parsed = parse_number(row[i])
                if parsed is None:
                    problems.append(problem("plan-bad-number", cell=self.year_cell(row_number, (k, year)),
                                            value=clean_text(row[i]), **where))
                else:
                    out[year] = parsed.value
        return out


def parse_band(text: object) -> Band | None:
    """許容幅: '3ポイント', '3pt', '3' (points) or '10％' (of the baseline); None when unreadable."""
    parsed = parse_number(nfkc(str(text)).strip().lstrip("±+"))
    if parsed is None or parsed.value < 0:
        return None
    unit = nfkc(parsed.unit).strip().lower()
    if unit in ("", "ポイント", "pt", "ﾎﾟｲﾝﾄ", "p", "ポ"):
        return Band(parsed.value, in_points=True)
    if unit == "%":
        return Band(parsed.value, in_points=False)
    return None


def _choice(enum_cls, text: str, default, cell: str, choices: str, problems: list[Problem], where: dict[str, str]):
    """An enum member from a cell's text; default when blank; a plan-bad-choice problem when unknown."""
    if not text:
        return default
    try:
        return enum_cls(text)
    except ValueError:
        problems.append(problem("plan-bad-choice", cell=cell, value=text, choices=choices, **where))
        return default


def read_rows(path: Path, sheet: str | None) -> tuple[str, list[list[object]]] | None:
    """(sheet name, rows) from a .csv or a workbook sheet; None if the sheet does not exist."""
    if path.suffix.lower() == ".csv":
        text = decode_japanese_text(path.read_bytes())
        if text is None:
            raise PlanFileError(f"{path.name}: 文字コードを判別できません。UTF-8 か Shift_JIS で保存してください。")
        return path.name, [list(r) for r in csv.reader(text.splitlines(keepends=True))]
    try:
        book = SheetValues.open(path)
    except Exception as exc:  # calamine raises its own error types
        raise PlanFileError(f"{path.name}: Excel ファイルとして開けません（{reason_text(exc)}）。") from exc
    if sheet is None:
        sheet = "計画" if "計画" in book.names else book.names[0]
    if sheet not in book.names:
        return None
    return sheet, book.rows(sheet)


def _non_empty(rows: list[list[object]]) -> list[tuple[int, list[object]]]:
    return [(n, r) for n, r in enumerate(rows, start=2) if any(clean_text(v) for v in r)]


@dataclass(frozen=True)
class Rows:
    """One table to import: the file and sheet it came from ('' for a CSV) and its rows from row 1."""

    file: str
    sheet: str
    rows: list[list[object]]


def import_plan(path: str | Path, municipality: str = "", plan_name: str = "",
                indicators_path: str | Path | None = None) -> Plan:
    """Read a plan file; raise PlanFileError listing every problem (row and column) at once."""
    path = Path(path)
    if not path.exists():
        raise PlanFileError(f"計画ファイル {path} が見つかりません。")
    sheet, rows = read_rows(path, None)
    plan_rows = Rows(path.name, "" if path.suffix.lower() == ".csv" else sheet, rows)
    return plan_from_rows(plan_rows, _indicator_rows(path, indicators_path), municipality, plan_name or path.stem)


def plan_from_rows(plan_rows: Rows, indicator_rows: Rows | None, municipality: str, plan_name: str) -> Plan:
    """The plan in these tables (a plan file's, or a master's 計画 and 指標 sheets as already read)."""
    rows = plan_rows.rows
    if len(rows) > MAX_PLAN_ROWS:
        raise PlanFileError(f"{plan_rows.file}: 行数が多すぎます（{len(rows)} 行）。1行に1取組の様式か確認してください。")
    table = _Table(plan_rows.sheet, rows, PLAN_COLUMNS)
    problems: list[Problem] = []
    where = {"file": plan_rows.file, "sheet": plan_rows.sheet}
    for name in REQUIRED_PLAN:
        if name not in table.index:
            problems.append(problem("plan-missing-column", value=name, **where))
    for i, head in table.unrecognised:
        problems.append(problem("plan-bad-year", cell=f"{get_column_letter(i + 1)}1", value=head, **where))
    years = sorted({y for (kind, y) in table.year_columns if kind == "取組目標"})
    if not years:
        problems.append(problem("plan-no-years", **where))
    if problems:
        raise _failure(plan_rows.file, problems)

    goals: dict[str, Goal] = {}
    measures: dict[str, Measure] = {}
    actions: list[Action] = []
    seen_codes: set[str] = set()
    body = _non_empty(table.rows)
    for order, (row_number, row) in enumerate(body):
        values = table.values(row)
        missing = [n for n in REQUIRED_PLAN if not values.get(n)]
        for name in missing:
            problems.append(problem("plan-missing-value", cell=table.cell(row_number, name), field=name, **where))
        if missing:
            seen_codes.add(values.get("取組番号", ""))   # so indicators of this row are not called unknown
            continue
        code = values["取組番号"]
        if code in seen_codes:
            problems.append(problem("plan-duplicate-code", cell=table.cell(row_number, "取組番号"), value=code, **where))
            continue
        seen_codes.add(code)
        goal_code, measure_code = values["基本目標番号"], values["施策番号"]
        for registry, key, name_col, item in (
            (goals, goal_code, "基本目標", Goal(goal_code, values["基本目標"])),
            (measures, measure_code, "施策", Measure(measure_code, values["施策"], goal_code)),
        ):
            known = registry.setdefault(key, item)
            if known.name != item.name:
                problems.append(problem("plan-inconsistent-name", cell=table.cell(row_number, name_col),
                                        field=name_col, value=item.name, **where))
        kind = _choice(EvaluationKind, values.get("評価区分", ""), EvaluationKind.QUALITATIVE,
                       table.cell(row_number, "評価区分"), "定量的・定性的", problems, where)
        targets = {y: clean_text(row[i]) for (k, y), i in table.year_columns.items() if k == "取組目標" and i < len(row)}
        budgets = table.year_numbers(row, row_number, "事業費", problems, where)
        if values.get("事業費(千円)"):
            parsed = parse_number(values["事業費(千円)"])
            if parsed is None:
                problems.append(problem("plan-bad-number", cell=table.cell(row_number, "事業費(千円)"),
                                        value=values["事業費(千円)"], **where))
            else:
                budgets.update({y: parsed.value for y in years if y not in budgets})
        actions.append(Action(
            code=code, title=values["重点取組"], goal_code=goal_code, measure_code=measure_code,
            departments=split_departments(values["担当課"]), overview=values.get("事業概要", ""),
            activity=values.get("取組", ""), kind=kind, relisted_from=values.get("再掲元", ""),
            targets=targets, budgets=budgets, note=values.get("備考", ""), order=order,
        ))
    for action in actions:
        if action.relisted_from and action.relisted_from not in seen_codes:
            row_number = next(n for n, r in _non_empty(table.rows) if table.get(r, "取組番号") == action.code)
            problems.append(problem("plan-unknown-relisting", cell=table.cell(row_number, "再掲元"),
                                    value=action.relisted_from, **where))
    if not seen_codes:
        problems.append(problem("plan-no-actions", **where))
    for row_number, row in body:
        code = table.get(row, "施策番号")
        for column, name in MEASURE_TEXTS.items():
            if code in measures and not getattr(measures[code], name) and table.get(row, column):
                measures[code] = replace(measures[code], **{name: table.get(row, column)})
    indicators, indicator_problems = _import_indicators(indicator_rows, seen_codes)
    problems.extend(indicator_problems)
    if problems:
        raise _failure(plan_rows.file, problems)
    return Plan(municipality=municipality, name=plan_name, fiscal_years=tuple(years),
                goals=list(goals.values()), measures=list(measures.values()), actions=actions,
                indicators=indicators)


def _indicator_rows(path: Path, indicators_path: str | Path | None) -> Rows | None:
    """The indicator table of a plan file: the file given, <name>_指標.csv beside a CSV plan, or the
    workbook's sheet 指標; None when there is none."""
    if indicators_path is None and path.suffix.lower() == ".csv":
        for candidate in (path.with_name(f"{path.stem}_指標.csv"),
                          path.with_name(path.stem.replace("_plan", "") + "_indicators.csv")):
            if candidate.exists():
                indicators_path = candidate
                break
    if indicators_path is not None:
        source = Path(indicators_path)
        read = read_rows(source, None)
    elif path.suffix.lower() != ".csv":
        source = path
        read = read_rows(path, "指標")
    else:
        return None
    if read is None:
        return None
    sheet, rows = read
    return Rows(source.name, "" if source.suffix.lower() == ".csv" else sheet, rows)


def _import_indicators(source: Rows | None, codes: set[str]) -> tuple[list[Indicator], list[Problem]]:
    if source is None:
        return [], []
    sheet, rows = source.sheet, source.rows
    table = _Table(sheet, rows, INDICATOR_COLUMNS)
    where = {"file": source.file, "sheet": sheet}
    problems = [problem("plan-missing-column", value=n, **where) for n in REQUIRED_INDICATOR if n not in table.index]
    if problems:
        return [], problems
    indicators = []
    for row_number, row in _non_empty(table.rows):
        v = table.values(row)
        bad = False
        for name in REQUIRED_INDICATOR:
            if not v.get(name):
                problems.append(problem("plan-missing-value", cell=table.cell(row_number, name), field=name, **where))
                bad = True
        if bad:
            continue
        if v["取組番号"] not in codes:
            problems.append(problem("plan-unknown-action", cell=table.cell(row_number, "取組番号"), value=v["取組番号"], **where))
            continue
        numbers = {}
        for name in ("現状値", "目標値"):
            if v.get(name):
                parsed = parse_number(v[name])
                if parsed is None:
                    problems.append(problem("plan-bad-number", cell=table.cell(row_number, name), value=v[name], **where))
                numbers[name] = parsed.value if parsed else None
        yearly = table.year_numbers(row, row_number, "年度目標", problems, where)
        direction = _choice(Direction, v.get("目標の向き", ""), Direction.HIGHER,
                            table.cell(row_number, "目標の向き"), "以上・以下", problems, where)
        accumulation = _choice(Accumulation, v.get("集計", ""), Accumulation.ANNUAL,
                               table.cell(row_number, "集計"), "単年度・累計", problems, where)
        rule = _choice(IndicatorRule, v.get("判定方法", ""), None, table.cell(row_number, "判定方法"),
                       "目標比・進捗率・基準値比", problems, where)
        kind = _choice(IndicatorKind, v.get("種別", ""), None, table.cell(row_number, "種別"),
                       "活動指標・成果指標", problems, where)
        band = None
        if v.get("許容幅"):
            band = parse_band(v["許容幅"])
            if band is None:
                problems.append(problem("plan-bad-number", cell=table.cell(row_number, "許容幅"), value=v["許容幅"],
                                        **where))
        for name in ("現状値年度", "目標年度"):
            if v.get(name) and parse_fiscal_year(v[name]) is None:
                problems.append(problem("plan-bad-year", cell=table.cell(row_number, name), value=v[name], **where))
        indicators.append(Indicator(
            action_code=v["取組番号"], name=v["指標名"], unit=v.get("単位", ""),
            baseline=numbers.get("現状値"), baseline_year=v.get("現状値年度", ""),
            target=numbers.get("目標値"), target_year=v.get("目標年度", ""),
            direction=direction, accumulation=accumulation, department=v.get("担当課", ""),
            yearly_targets=yearly, note=v.get("備考", ""), rule=rule, band=band, kind=kind,
        ))
    return indicators, problems


def _failure(file: str, problems: list[Problem]) -> PlanFileError:
    lines = [f"計画ファイル {file} を読み込めません（{len(problems)} 件）:"]
    lines += [f"  - {p.file}: {p.message}" if p.file and p.file != file else f"  - {p.message}"
              for p in problems[:30]]
    if len(problems) > 30:
        lines.append(f"  ほか {len(problems) - 30} 件")
    return PlanFileError("\n".join(lines), problems)
