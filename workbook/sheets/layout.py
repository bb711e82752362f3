"""The department sheet layout, shared by the master's department sheets and the distributed files.

One row per action (key = action code) and, below it, one row per indicator the department
reports (key = "<code>#<n>"). Column A holds the row key and is hidden; plan columns are locked,
input columns are open. Changing this layout means a new TEMPLATE_VERSION.
"""
from __future__ import annotations

from dataclasses import dataclass

# 2026.2: the identity sheet records each row's labels as distributed
# 2026.3: columns added after 前年度 実績・成果 (last year's 内部評価/委員会意見, 意見への対応, the next two
#         years' 取組 and 事業費, 今後の方針); an older file has none of them and reads the same otherwise
TEMPLATE_VERSION = "2026.3"
ACCEPTED_TEMPLATE_VERSIONS = ("2026.1", "2026.2", TEMPLATE_VERSION)

DATA_SHEET = "進捗報告"        # the sheet of a distributed file that departments fill
INFO_SHEET = "記入方法"        # instructions sheet of a distributed file
IDENTITY_SHEET = "識別情報"    # hidden identity sheet of a distributed file

HEADER_ROW = 6                 # header row of the table; data starts below it
FIRST_ROW = HEADER_ROW + 1
CONTACT_NAME_CELL = "D3"       # once per file: who answers questions about the return
CONTACT_PHONE_CELL = "G3"
MISSING_COUNT_CELL = "D4"      # live count of what is still missing
HELPER_HEADER = "未入力数"     # the hidden column right of the table: where a sheet's layout ends

ACTION_ROW = "取組"
INDICATOR_ROW = "指標"

DIRECTIONS = ("継続", "拡充", "見直し", "完了")   # 今後の方針: the choices, in the plan's last fiscal year only
BUDGET_BASIS = "計画に載せる事業費は当初予算ベースです（ここに記入する要求額・見込み額は、予算の確定後に当初予算の額に置き換わります）。"


@dataclass(frozen=True)
class Column:
    key: str          # stable identifier used in code
    header: str       # what the person reads (Japanese)
    width: float
    editable: bool
    numeric: bool = False
    required: bool = False
    help: str = ""    # input message shown when the cell is selected
    on: str = ACTION_ROW  # which row kind the column applies to ("取組", "指標" or "both")
    offset: int = 0   # the header names the fiscal year this many years after the reported one
    last_year_only: bool = False  # open only in the plan's last fiscal year (hidden and locked otherwise)


def year_header(fiscal_year: int) -> str:
    from workbook.domain.era import fiscal_year_label

    return f"取組目標（{fiscal_year_label(fiscal_year)}）"


def header_for(col: "Column", fiscal_year: int) -> str:
    """The header as written for a fiscal year: the 取組目標 and proposal columns name their year
    (「令和8年度の取組（要求）」「令和8年度 事業費（千円・要求額）」)."""
    if col.key == "target":
        return year_header(fiscal_year)
    if col.offset:
        from workbook.domain.era import fiscal_year_label

        label = fiscal_year_label(fiscal_year + col.offset)
        return col.header.replace("翌々年度" if col.offset == 2 else "次年度", label, 1)
    return col.header


def width_of(template_version: str) -> int | None:
    """How many of the layout's columns a file of this template has (before 2026.3 the table ended at
    前年度 実績・成果); None for a version this add-on does not know."""
    if template_version == TEMPLATE_VERSION:
        return len(COLUMNS)
    return col_number("prev_result") if template_version in ACCEPTED_TEMPLATE_VERSIONS else None


def closed_keys(fiscal_year: int, last_year: int | None) -> frozenset[str]:
    """The input columns a department does not fill this year (hidden and locked in its file)."""
    return frozenset(c.key for c in COLUMNS if c.editable and not is_open(c, fiscal_year, last_year))


def is_open(col: "Column", fiscal_year: int, last_year: int | None) -> bool:
    """Whether a department fills the column in this fiscal year (今後の方針: the plan's last year only)."""
    return col.editable and (not col.last_year_only or fiscal_year == last_year)


COLUMNS: tuple[Column, ...] = (
    Column("key", "行キー", 4, False, on="both"),
    Column("code", "取組番号", 8, False, on="both"),
    Column("title", "重点取組", 20, False, on="both"),
    Column("target", "取組目標", 16, False),            # header gets the fiscal year
    Column("indicator", "指標（単位）・目標値", 16, False, on=INDICATOR_ROW),
    Column("content", "取組内容", 28, True, required=True,
           help="今年度に実際に行った取組を具体的に記入してください。"),
    Column("actual", "実績値", 8, True, numeric=True, on=INDICATOR_ROW,
           help="指標の今年度の実績を数値で入力してください（単位は不要）。調査や統計がない年度は空欄のままにしてください。"),
    Column("result", "実績・成果", 28, True, required=True,
           help="取組の実績・成果を、件数や人数など数字を交えて記入してください。"),
    Column("grade", "自己評価", 8, True, required=True,
           help="評価基準の記号を一覧から選んでください（定義はシート「記入方法」）。"),
    Column("reason", "評価の理由", 18, True,
           help="自己評価の理由。理由が必要な評価（シート「記入方法」）の場合は必ず記入してください。"),
    Column("issues", "課題", 18, True, help="取組を進める上での課題を記入してください。"),
    Column("next", "今後の方向性・次年度の取組", 20, True,
           help="課題を踏まえた今後の方向性・次年度の取組を記入してください。"),
    Column("budget", "事業費（千円）", 8, True, numeric=True,
           help="今年度の事業費（決算見込み）を千円単位の数値で。該当がなければ空欄。"),
    Column("prev_grade", "前年度 自己評価", 8, False),
    Column("prev_result", "前年度 実績・成果", 24, False),
    # template 2026.3: appended, so the columns above keep their places in older files
    Column("prev_internal", "前年度 内部評価", 18, False),
    Column("prev_committee", "前年度 委員会意見", 18, False),
    Column("response", "意見への対応", 20, True,
           help="前年度の内部評価・委員会意見（左の列）への対応を記入してください。意見がなければ空欄で構いません。"),
    Column("next_plan_1", "次年度の取組（要求）", 20, True, offset=1,
           help="次年度に予定する取組（予算要求の内容）を記入してください。" + BUDGET_BASIS),
    Column("next_budget_1", "次年度 事業費（千円・要求額）", 10, True, numeric=True, offset=1,
           help="次年度の事業費の要求額を千円単位の数値で。" + BUDGET_BASIS),
    Column("next_plan_2", "翌々年度の取組（見込み）", 20, True, offset=2,
           help="翌々年度の取組の見込みを記入してください。" + BUDGET_BASIS),
    Column("next_budget_2", "翌々年度 事業費（千円・見込み）", 10, True, numeric=True, offset=2,
           help="翌々年度の事業費の見込額を千円単位の数値で。" + BUDGET_BASIS),
    Column("direction", "今後の方針", 9, True, last_year_only=True,
           help="計画期間の最終年度に、次期計画での取組の方針を " + "・".join(DIRECTIONS) + " から選んでください。"),
)

INPUT_KEYS = tuple(c.key for c in COLUMNS if c.editable)
TEXT_INPUT_KEYS = tuple(c.key for c in COLUMNS if c.editable and not c.numeric)
PREV_KEYS = tuple(c.key for c in COLUMNS if c.key.startswith("prev_"))   # last year's, read-only
PLAN_KEYS = ("code", "title", "target", "indicator")
IDENTITY_COLUMNS = ("code", "title", "indicator")   # with the hidden key, what tells which row is which
_INDEX = {c.key: i for i, c in enumerate(COLUMNS)}


def column(key: str) -> Column:
    return COLUMNS[_INDEX[key]]


def col_number(key: str) -> int:
    """1-based column number of a key."""
    return _INDEX[key] + 1


def col_letter(key: str) -> str:
    letter = _LETTERS.get(key)
    if letter is None:
        from openpyxl.utils import get_column_letter

        letter = _LETTERS[key] = get_column_letter(col_number(key))
    return letter


_LETTERS: dict[str, str] = {}   # key -> column letter, filled on first use


def applies(col: Column, row_kind: str) -> bool:
    return col.on == "both" or col.on == row_kind


def indicator_key(action_code: str, n: int) -> str:
    return f"{action_code}#{n}"


def split_key(key: str) -> tuple[str, int | None]:
    """'1-1-1' -> ('1-1-1', None); '4-2-2#1' -> ('4-2-2', 1)."""
    code, sep, n = key.rpartition("#")
    if sep and n.isdigit():
        return code, int(n)
    return key, None
