"""The department sheet layout, shared by the master's department sheets and the distributed files.

One row per action (key = action code) and, below it, one row per indicator the department
reports (key = "<code>#<n>"). Column A holds the row key and is hidden; plan columns are locked,
input columns are open. Changing this layout means a new TEMPLATE_VERSION.
"""
from __future__ import annotations

from dataclasses import dataclass

TEMPLATE_VERSION = "2026.2"           # 2026.2: the identity sheet records each row's labels as distributed
ACCEPTED_TEMPLATE_VERSIONS = ("2026.1", TEMPLATE_VERSION)

DATA_SHEET = "進捗報告"        # the sheet of a distributed file that departments fill
INFO_SHEET = "記入方法"        # instructions sheet of a distributed file
IDENTITY_SHEET = "識別情報"    # hidden identity sheet of a distributed file

HEADER_ROW = 6                 # header row of the table; data starts below it
FIRST_ROW = HEADER_ROW + 1
CONTACT_NAME_CELL = "D3"       # once per file: who answers questions about the return
CONTACT_PHONE_CELL = "G3"
MISSING_COUNT_CELL = "D4"      # live count of what is still missing

ACTION_ROW = "取組"
INDICATOR_ROW = "指標"


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


def year_header(fiscal_year: int) -> str:
    from workbook.domain.era import fiscal_year_label

    return f"取組目標（{fiscal_year_label(fiscal_year)}）"


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
)

INPUT_KEYS = tuple(c.key for c in COLUMNS if c.editable)
TEXT_INPUT_KEYS = tuple(c.key for c in COLUMNS if c.editable and not c.numeric)
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
