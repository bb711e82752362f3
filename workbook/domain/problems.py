"""Problems as data: a stable code, a severity, where it is, the value, and what to do.

Checks yield Problem objects; a Report collects them. Codes never change once published;
messages may be reworded (tests assert on codes and cell addresses, not on wording).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Iterable, Iterator

ERROR = "error"
WARNING = "warning"
SEVERITY_LABELS = {ERROR: "エラー", WARNING: "警告"}


@dataclass(frozen=True)
class ProblemType:
    code: str
    severity: str
    title: str
    template: str  # str.format with the Problem's fields and **extra


TYPES: dict[str, ProblemType] = {}


def _t(code: str, severity: str, title: str, template: str) -> None:
    TYPES[code] = ProblemType(code, severity, title, template)


# --- plan import ---------------------------------------------------------------
_t("plan-missing-column", ERROR, "必須列がない", "列「{value}」がありません。1行目に見出しを追加してください。")
_t("plan-missing-value", ERROR, "必須項目が空欄", "{cell} の「{field}」が空欄です。入力してください。")
_t("plan-duplicate-code", ERROR, "取組番号の重複", "{cell} の取組番号「{value}」は前の行と重複しています。番号を見直してください。")
_t("plan-inconsistent-name", ERROR, "名称の不一致", "{cell} の「{field}」が同じ番号の前の行と違います（「{value}」）。どちらかに揃えてください。")
_t("plan-unknown-relisting", ERROR, "再掲元が見つからない", "{cell} の再掲元「{value}」は計画にない取組番号です。")
_t("plan-bad-choice", ERROR, "選択肢にない値", "{cell} の「{value}」は使えません。{choices} のいずれかを入力してください。")
_t("plan-bad-number", ERROR, "数値でない", "{cell} の「{value}」を数値として読めません。数字で入力してください。")
_t("plan-bad-year", ERROR, "年度が読めない", "{cell} の「{value}」を年度として読めません。「R6」「令和6年度」のように入力してください。")
_t("plan-unknown-action", ERROR, "取組番号が計画にない", "{cell} の取組番号「{value}」は計画シートにありません。")
_t("plan-no-actions", ERROR, "取組が1行もない", "取組の行が1行もありません。見出しの下に1行1取組で入力してください。")
_t("plan-no-years", ERROR, "年度別の取組目標列がない", "「取組目標(R6)」のような年度別の取組目標列が1つもありません。")
# --- the 評価基準 table (master sheet, plan file, --scale FILE) -----------------------
_t("scale-missing-column", ERROR, "評価基準の必須列がない", "評価基準の表に列「{value}」がありません。1行目に見出しを追加してください。")
_t("scale-missing-value", ERROR, "評価基準の必須項目が空欄", "{cell} の「{field}」が空欄です。入力してください。")
_t("scale-duplicate-code", ERROR, "評価基準の記号の重複", "{cell} の記号「{value}」は前の行と重複しています。記号は1行に1つにしてください。")
_t("scale-no-ranked", ERROR, "順位のある記号がない", "評価基準に順位のある記号が1つもありません。「順位」に整数（高いほど良い）を入力してください。")
_t("scale-bad-rank", ERROR, "順位が整数でない", "{cell} の順位「{value}」は整数ではありません。整数（高いほど良い）を入力するか、順位をつけない記号なら空欄にしてください。")
_t("scale-bad-number", ERROR, "評価基準の数値が読めない", "{cell} の「{field}」の値「{value}」を数値として読めません。数字で入力するか空欄にしてください。")
_t("scale-floors-not-falling", ERROR, "判定下限が順位の順に下がっていない", "{cell} の判定下限 {value}％ は、順位が上の記号の判定下限（{expected}％）以上です。順位が下がるほど判定下限も下がるようにしてください。")
_t("scale-bad-choice", ERROR, "評価基準の選択肢にない値", "{cell} の「{field}」の値「{value}」は使えません。{choices} のいずれかを入力してください。")
_t("scale-trend-twice", ERROR, "基準値比の区分が重複", "{cell} の基準値比「{value}」は記号「{expected}」にも付いています。改善・横ばい・悪化はそれぞれ1つの記号にだけ付けてください。")
_t("scale-bad-code", ERROR, "評価基準の記号に使えない文字", "{cell} の記号「{value}」には「,」「\"」や先頭の「=」を使えません（配布ファイルの選択肢が壊れます）。別の文字にしてください。")
_t("scale-floor-not-zero", ERROR, "いちばん低い判定下限が 0 でない", "{cell} の判定下限 {value}％ は、判定下限のある記号のうちいちばん低いもの（{expected}）です。これより低い達成率も {expected} とするため、0 にしてください。")
_t("scale-too-long", ERROR, "評価基準の記号が多すぎる", "記号を「,」でつないだ長さが {value} 文字になり、Excel の選択肢の上限（255文字）を超えます。記号を短くするか減らしてください。")
_t("scale-empty", ERROR, "評価基準が空", "評価基準の表に記号の行が1行もありません。見出しの下に1行1記号で入力してください。")
_t("scale-unknown-preset", ERROR, "評価基準のプリセット名が不明", "評価基準「{value}」はありません。{choices} のいずれかを指定するか、評価基準の表のファイルを指定してください。")
# --- returned files: the file itself --------------------------------------------
_t("file-unreadable", ERROR, "ファイルを読めない", "ファイルを開けません（{value}）。担当課に保存し直して再送するよう依頼してください。")
_t("file-not-workbook", ERROR, "Excel ファイルでない", "Excel ブック（.xlsx）ではありません。配布したファイルに入力して送り返すよう依頼してください。")
_t("file-encrypted", ERROR, "パスワード付き", "パスワードが設定されています。パスワードを外して保存し直したファイルを依頼してください。")
_t("file-legacy-xls", ERROR, "旧形式 .xls", "旧形式（.xls）で保存されています。配布した .xlsx 形式のまま保存して再送するよう依頼してください。")
_t("file-lock", WARNING, "Excel の一時ファイル", "Excel が開いている間に作る一時ファイル（~$）です。読み飛ばしました。")
_t("file-too-large", ERROR, "展開後のサイズが大きすぎる", "展開すると {value} になり、上限を超えるため読みませんでした。配布したファイルを使うよう依頼してください。")
_t("file-truncated", ERROR, "ファイルが壊れている", "ファイルが途中で切れているか壊れています（{value}）。保存し直して再送するよう依頼してください。")
_t("file-ods", ERROR, "OpenDocument 形式（.ods）", "LibreOffice などの OpenDocument 形式（.ods）で保存されています。LibreOffice で開き、「名前を付けて保存」でファイルの種類「Excel 2007-365 (.xlsx)」を選んで保存し直したファイルを依頼してください。")
_t("file-not-return", ERROR, "配布ファイルでない", "このアドオンが配布したファイルの識別情報（シート「{value}」）がありません。配布したファイルに入力して送り返すよう依頼してください。")
_t("unknown-department", ERROR, "担当課が不明", "識別情報の担当課「{value}」はマスターの担当課一覧にありません。")
_t("file-name-mismatch", ERROR, "ファイル名と担当課が違う", "ファイル名は「{expected}」の報告ですが、ファイルの中身は「{value}」に配布したファイルです。ほかの課のファイルをコピーして入力した可能性があるため、取り込みを保留しました。{expected}の報告は、{expected}に配布したファイルに入力して再送してください。")
_t("wrong-plan", ERROR, "別の計画のファイル", "識別情報の計画「{value}」がマスターの計画と違います。")
_t("wrong-fiscal-year", ERROR, "年度が違う", "{value} のファイルです。今年度（{expected}）に配布したファイルで報告するよう依頼してください。")
_t("unknown-template-version", ERROR, "様式の版が不明", "様式の版「{value}」はこのアドオンでは読めません。今年度配布したファイルで報告するよう依頼してください。")
_t("rows-not-department", ERROR, "担当課と表の取組が合わない", "識別情報の担当課は「{department}」ですが、表の行（{value}）はこの課の取組ではありません。別の課のファイルか、識別情報が書き換えられているため取り込みませんでした。計画で担当課を変えた場合は配布し直してください。")
_t("plan-name-changed", ERROR, "設定の計画名・自治体名が配布時と違う", "このファイルは「{value}」として配布されたものです。マスターの設定の計画名／自治体名（{expected}）が配布時と違うため取り込みませんでした。設定を配布時に戻すか、配布し直してください（担当課への返却は不要です）。")
_t("scale-changed", ERROR, "評価基準が配布後に変わった", "このファイルは評価基準「{value}」で配布されましたが、マスターの評価基準（シート「評価基準」）は配布後に変更されています（いまは「{expected}」）。達成度の意味が変わるため取り込みを保留しました。評価基準を配布時に戻すか、配布し直してください（担当課への返却は不要です）。")
_t("scale-edited-after-merge", WARNING, "取り込み後に評価基準が変わった", "{department}の報告は評価基準「{value}」で取り込みましたが、その後シート「評価基準」が変更されています（いまは「{expected}」）。集計の意味が変わるため、評価基準を戻すか、配布し直して回答を集め直してください。")
_t("previous-year-file", WARNING, "前年度以前のファイル（保管済み）", "{value} のファイルで、以前の回収で受領控に保管済みです。{expected} の回収では読み飛ばしました（担当課への返却は不要です）。回収フォルダから移してください。")
_t("not-returned", WARNING, "未提出", "担当課「{department}」からの報告がまだ届いていません（{value} 取組）。提出を依頼してください。")
_t("older-return", WARNING, "古い提出", "同じ担当課からより新しいファイル（{expected}）を受け取っているため、このファイルは取り込みませんでした。")
# --- returned files: layout ------------------------------------------------------
_t("columns-changed", ERROR, "列が削除・追加された",
   "{cell}の表の列が配布したときと違います（表の最後の列が {value} 列、配布時は {expected} 列）。列を削除・追加すると、どの値がどの欄の"
   "ものか分からなくなるため、このファイルは取り込みません。配布したファイルに記入し直して提出するよう依頼してください。")
_t("columns-moved", ERROR, "列が移動された",
   "{cell}の見出しが「{value}」です（配布したときは「{expected}」）。列を移動・削除・追加すると、どの値がどの欄の"
   "ものか分からなくなるため、このファイルは取り込みません。配布したファイルに記入し直して提出するよう依頼してください。")
_t("row-added", ERROR, "行が追加された", "{cell} に配布時になかった行（「{value}」）があります。行の追加はせず、配布した行に入力してください。")
_t("row-removed", ERROR, "行が削除された", "取組 {value} の行がありません（配布時は {cell} の行）。配布したファイルの行は削除しないでください。")
_t("row-moved", WARNING, "行の順序が変わった", "取組 {value} の行が {cell} に移動しています。内容は取組番号で照合して取り込みました。")
_t("row-not-in-plan", WARNING, "計画から削除された取組", "取組 {value} は配布後に計画から削除されたため、{cell} の行は取り込みませんでした（ファイルは受領控に保管しています）。")
_t("row-not-distributed", WARNING, "配布後に追加された取組", "取組 {value} は配布後に計画に追加されたため、このファイルにありません。この課に配布し直してください。")
_t("row-identity-doubt", ERROR, "行の取組を特定できない", "{cell} の行は取組 {expected} の行として配布しましたが、いま表示されている取組番号・重点取組は「{value}」です。並べ替えや書き換えで行がずれている可能性があるため、この行は取り込みませんでした。元の並びに戻すか、配布したファイルに入力し直して再送してください。")
_t("row-duplicate-key", ERROR, "同じ取組の行が複数ある", "{cell} の行は取組 {value} の行（{expected}）をコピーした行です。どちらが正しいか判断できないため、取組 {value} の行はどちらも取り込みませんでした。コピーした行を削除して再送してください。")
_t("input-cells-merged", ERROR, "入力欄のセルが結合されている", "{cell} は入力欄のセルが結合されています。結合を解除して、それぞれのセルに入力し直して再送してください。結合されたセルの内容は取り込みませんでした（マスターの値はそのままです）。")
_t("plan-cell-edited", ERROR, "計画欄が変更された", "{cell} は計画の内容で、変更できません（「{expected}」→「{value}」）。変更は取り込まれません。修正が必要なら福祉政策課に連絡してください。")
# --- returned files: entries -----------------------------------------------------
_t("required-missing", ERROR, "必須項目が未入力", "{cell}「{field}」が未入力です。入力してください。")
_t("actual-missing", WARNING, "実績値が空欄", "{cell}「{field}」が空欄です。今年度は調査や統計がない場合はこのままで構いません（達成度の目安は出ません）。数値があれば入力してください。")
_t("contact-missing", WARNING, "連絡先が未入力", "{cell}「{field}」が未入力です。問い合わせ先として記入してください。")
_t("grade-invalid", ERROR, "達成度が評価基準の記号でない", "{cell} の達成度「{value}」は使えません。{choices} から選んでください。")
_t("reason-missing", ERROR, "理由が必要な達成度で理由が未入力", "{cell} 達成度が {value} のときは「評価の理由」を必ず入力してください。")
_t("number-invalid", ERROR, "数値として読めない", "{cell}「{field}」の「{value}」を数値として読めません。数字（単位は不要）で入力してください。")
_t("direction-invalid", ERROR, "今後の方針が選択肢にない", "{cell}「{field}」の「{value}」は使えません。{choices} のいずれかを一覧から選んでください。")
_t("response-missing", WARNING, "意見への対応が未記入", "{cell}「{field}」が空欄です。前年度の{value}が示されているため、対応を記入してください（対応が不要な場合はその旨を記入してください）。")
_t("grade-inconsistent", WARNING, "達成度と実績値が合わない", "{cell} 自己評価 {value} ですが、実績値から計算すると（{ratio}）{expected} になります。評価か実績値を確認してください。")
_t("formula-in-input", ERROR, "入力欄に数式", "{cell} に数式（{value}）が入っています。数式は使わず、値を入力してください。")
_t("error-value-in-input", ERROR, "入力欄にエラー値", "{cell}「{field}」にエラー値（{value}）が入っています。値を入力し直して再送してください。この欄は取り込みませんでした（マスターの値はそのままです）。")
_t("text-too-long", ERROR, "文字数が多すぎる", "{cell}「{field}」は {value} 文字で、Excel のセルに入る 32,767 文字を超えています。要約してください。")


@dataclass(frozen=True)
class Problem:
    code: str
    file: str = ""
    sheet: str = ""
    cell: str = ""
    value: str = ""
    field: str = ""
    department: str = ""
    action_code: str = ""
    expected: str = ""
    ratio: str = ""
    choices: str = ""
    kept: str = ""     # a value held back: what the master held there when collect did not take it

    @property
    def type(self) -> ProblemType:
        return TYPES[self.code]

    @property
    def severity(self) -> str:
        return self.type.severity

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    @property
    def message(self) -> str:
        fields = asdict(self)
        fields["cell"] = self.location
        return self.type.template.format(**fields)

    @property
    def location(self) -> str:
        """'シート「福祉政策課」セル H5' style, or '' when the problem is about the whole file."""
        parts = []
        if self.sheet:
            parts.append(f"シート「{self.sheet}」")
        if self.cell:
            parts.append(f"セル {self.cell}")
        return " ".join(parts)


def problem(code: str, **kwargs: object) -> Problem:
    if code not in TYPES:
        raise KeyError(f"unknown problem code {code}")
    return Problem(code, **{k: "" if v is None else str(v) for k, v in kwargs.items()})


# 取組番号/項目: validate carries the file-level rows collect wrote (plan-cell-edited, row-added, ...) into
# the correction lists, and needs them whole. The code, for support, stands in a narrow column near the end
# (the only place a person meets it); readers find every column by these names (rules.status.CheckRow),
# so a master written with the code second is still read.
REPORT_COLUMNS = ["重要度", "内容", "担当課", "ファイル", "シート", "セル", "値", "対応", "取組番号", "項目", "コード",
                  "保留時のマスターの値"]


class Report:
    """Collects problems from any number of checks; one place builds the 検証結果 table."""

    def __init__(self, problems: Iterable[Problem] = ()):
        self.problems: list[Problem] = list(problems)

    def add(self, problems: Iterable[Problem] | Problem) -> None:
        if isinstance(problems, Problem):
            self.problems.append(problems)
        else:
            self.problems.extend(problems)

    def __iter__(self) -> Iterator[Problem]:
        return iter(self.problems)

    def __len__(self) -> int:
        return len(self.problems)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]

    def codes(self) -> list[str]:
        return [p.code for p in self.problems]

    def for_department(self, department: str) -> list[Problem]:
        return [p for p in self.problems if p.department == department]

    def rows(self) -> list[list[object]]:
        """The 検証結果 rows (REPORT_COLUMNS), errors first, then by department, file, sheet and cell."""
        return [
            ["" if v is None else v for v in (SEVERITY_LABELS[p.severity], p.type.title, p.department, p.file,
                                             p.sheet, p.cell, p.value, p.message, p.action_code, p.field, p.code,
                                             p.kept)]
            for p in sorted(self.problems, key=lambda p: (p.severity != ERROR, p.department, p.file, p.sheet, _cell_key(p.cell)))
        ]


def _cell_key(cell: str) -> tuple[int, str]:
    digits = "".join(ch for ch in cell if ch.isdigit())
    letters = "".join(ch for ch in cell if ch.isalpha())
    return (int(digits) if digits else 0, letters)
