"""The settings a welfare policy section keeps on the 設定 sheet."""
from __future__ import annotations

from dataclasses import dataclass, field, fields

from .grades import MultiDepartmentRule, Thresholds


@dataclass
class Settings:
    municipality: str
    plan_name: str
    fiscal_year: int  # Reiwa number of the year being reported
    thresholds: Thresholds = field(default_factory=Thresholds)
    multi_department_rule: MultiDepartmentRule = MultiDepartmentRule.LOWEST_IGNORING_DASH
    deadline: str = ""  # 提出期限, free text in 和暦
    contact: str = ""  # 問い合わせ先 shown to departments
    distribution_folder: str = "配布"
    inbox_folder: str = "回収"
    report_folder: str = "報告書"
    archive_folder: str = "受領控"
    backup_folder: str = "バックアップ"
    correction_folder: str = "返却票"


# (key, Japanese label, note) for the 設定 sheet; the label is what a person reads and edits beside.
SETTING_ROWS: list[tuple[str, str, str]] = [
    ("municipality", "自治体名", ""),
    ("plan_name", "計画名", ""),
    ("fiscal_year", "報告対象年度", "令和の年数（例：6 = 令和6年度）"),
    ("threshold_a", "A の基準（実績／目標 ％ 以上）", "例：110"),
    ("threshold_b", "B の基準（実績／目標 ％ 以上）", "例：90（これ未満は C）"),
    ("multi_department_rule", "複数課の達成度の統合方法", " / ".join(r.value for r in MultiDepartmentRule)),
    ("deadline", "提出期限", "例：令和7年5月30日（金）"),
    ("contact", "問い合わせ先", "担当課向け説明に表示"),
    ("distribution_folder", "配布フォルダ", "マスターと同じフォルダからの相対パス"),
    ("inbox_folder", "回収フォルダ", ""),
    ("report_folder", "報告書フォルダ", ""),
    ("archive_folder", "受領控フォルダ", "受け取ったファイルをそのまま保管"),
    ("backup_folder", "バックアップフォルダ", "マスターを書き換える前の控え"),
    ("correction_folder", "返却票フォルダ", "担当課への修正依頼"),
]


def settings_to_rows(settings: Settings) -> list[tuple[str, str, object, str]]:
    values = {f.name: getattr(settings, f.name) for f in fields(settings)}
    values["threshold_a"] = settings.thresholds.a
    values["threshold_b"] = settings.thresholds.b
    values["multi_department_rule"] = settings.multi_department_rule.value
    return [(key, label, values[key], note) for key, label, note in SETTING_ROWS]


def settings_from_values(values: dict[str, object]) -> Settings:
    """Build Settings from key -> cell value; raises ValueError naming the key on a bad value."""
    def text(key: str, default: str = "") -> str:
        value = values.get(key)
        return default if value in (None, "") else str(value).strip()

    def number(key: str, default: float) -> float:
        value = values.get(key)
        if value in (None, ""):
            return default
        try:
            return float(str(value).replace("％", "").replace("%", ""))
        except ValueError as exc:
            raise ValueError(key) from exc

    from .era import parse_fiscal_year

    fiscal_year = parse_fiscal_year(values.get("fiscal_year"))
    if fiscal_year is None:
        raise ValueError("fiscal_year")
    try:
        rule = MultiDepartmentRule.parse(text("multi_department_rule", MultiDepartmentRule.LOWEST_IGNORING_DASH.value))
    except ValueError as exc:
        raise ValueError("multi_department_rule") from exc
    defaults = Settings("", "", 0)
    return Settings(
        municipality=text("municipality"),
        plan_name=text("plan_name"),
        fiscal_year=fiscal_year,
        thresholds=Thresholds(number("threshold_a", 110.0), number("threshold_b", 90.0)),
        multi_department_rule=rule,
        deadline=text("deadline"),
        contact=text("contact"),
        **{k: text(k, getattr(defaults, k)) for k in (
            "distribution_folder", "inbox_folder", "report_folder",
            "archive_folder", "backup_folder", "correction_folder")},
    )
