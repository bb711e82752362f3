"""The settings a welfare policy section keeps on the 設定 sheet."""
from __future__ import annotations

from dataclasses import dataclass, fields

from workbook.errors import MasterError
from workbook.domain.plan import IndicatorRule
from workbook.domain.scale import CombineRule, Scale
from workbook.domain.scale_presets import DEFAULT_SCALE, legacy_scale
from workbook.domain.normalize import nfkc


PAPER_A4, PAPER_A3 = "A4横", "A3横"
PAPER_CHOICES = (PAPER_A4, PAPER_A3)
SAMPLE_MARK = "サンプル"
SAMPLE_TITLE = "【サンプル】"     # before the title of every workbook whose answers are the demo's invented sample
SAMPLE_NOTE = "サンプル：この回答と結果はデモ用に作った架空のものです（実在の取組の結果ではありません）。"
ATTACH = "添付する"
PATH_IN_BODY = "添付せず本文にパスを書く"
MAIL_ATTACHMENT_CHOICES = (ATTACH, PATH_IN_BODY)


@dataclass
class Settings:
    municipality: str
    plan_name: str
    fiscal_year: int  # Reiwa number of the year being reported
    scale: Scale = DEFAULT_SCALE  # the 評価基準 sheet (read by workbook.sheets.scale_sheet)
    multi_department_rule: CombineRule = CombineRule.LOWEST
    indicator_rule: IndicatorRule = IndicatorRule.RATIO  # 判定方法 of an indicator that names none
    deadline: str = ""  # 提出期限, free text in 和暦
    contact: str = ""  # 問い合わせ先 shown to departments
    distribution_folder: str = "配布"
    inbox_folder: str = "回収"
    report_folder: str = "報告書"
    archive_folder: str = "受領控"
    backup_folder: str = "バックアップ"
    correction_folder: str = "返却票"
    protection_password: str = ""  # optional guard on the distributed sheets; never changes what collect accepts
    # the letters (照会文, 再依頼, mail drafts)
    sender: str = ""                  # 発信者: section and title, e.g. 福祉保健部福祉政策課長
    sender_name: str = ""             # 発信者の氏名
    document_number: str = ""         # 文書番号 printed on the 照会文 (empty: left blank)
    resubmission_deadline: str = ""   # 再提出期限 in the 再依頼 memo and mails
    reminder_folder: str = "再依頼"
    mail_attachment: str = ATTACH     # ATTACH or PATH_IN_BODY
    shared_folder: str = ""           # the master's folder as departments reach it (paths written in mails)
    # the documents (committee meeting, colophon, paper) and the demo's sample marking
    meeting_document_number: str = ""  # 資料番号 on the committee summary, e.g. 資料2
    meeting_name: str = ""             # 会議名, e.g. 令和7年度第1回 狛江市再犯防止推進会議
    meeting_date: str = ""             # 開催日 in 和暦, e.g. 令和7年7月10日（木）
    report_paper: str = PAPER_A4      # 報告書（表形式）の用紙
    publisher_section: str = ""       # 発行 (colophon): the section, e.g. 福祉保健部福祉政策課
    publisher_address: str = ""
    publisher_phone: str = ""
    sample: bool = False              # the answers are the demo's invented sample: every output says サンプル
    year_end_folder: str = "年度末"    # ⑥ 年度更新 keeps each closed year's master here (年度末の控え)
    municipality_code: str = ""       # 全国地方公共団体コード (six digits): identifies the city in a roll-up
    prefecture: str = ""              # 都道府県: with the name, identifies a city without the code
    # 計画期間 as the plan states it ("令和6年度〜令和8年度"): set from the plan's years when the master is
    # made, and unchanged when ⑥ 年度更新 --plan extends the rolling 実施計画 beyond it; "" = the plan's years
    plan_period: str = ""

    def period_years(self, plan_years: tuple[int, ...]) -> tuple[int, ...]:
        """The fiscal years of the plan period: 計画期間 on 設定, else the years the plan has 取組目標 for."""
        from workbook.domain.era import parse_year_span

        span = parse_year_span(self.plan_period)
        return tuple(range(span[0], span[1] + 1)) if span else tuple(plan_years)

    def period_end(self, plan_years: tuple[int, ...]) -> int | None:
        """The plan period's last fiscal year (今後の方針 is asked then), not the last year the rolling
        実施計画 reaches; None for a plan without years."""
        years = self.period_years(tuple(plan_years))
        return max(years) if years else None

    @property
    def attach_files(self) -> bool:
        return self.mail_attachment != PATH_IN_BODY

    def title(self, text: str) -> str:
        """A workbook's title, marked 【サンプル】 when the answers are the demo's invented sample."""
        return SAMPLE_TITLE + text if self.sample else text


# (key, Japanese label, note) for the 設定 sheet; the label is what a person reads and edits beside.
SETTING_ROWS: list[tuple[str, str, str]] = [
    ("municipality", "自治体名", ""),
    ("plan_name", "計画名", ""),
    ("fiscal_year", "報告対象年度", "令和の年数（例：6 = 令和6年度）"),
    # these two rows held the A/B thresholds before the 評価基準 sheet; the rows keep their cells
    ("scale_name", "評価基準", "達成度の記号・定義・判定下限はシート「評価基準」で定めます（配布後は変えないでください）"),
    ("indicator_rule", "指標の判定方法（既定）",
     " / ".join(r.value for r in IndicatorRule) + "。シート「指標」の「判定方法」が空欄の指標に使います"),
    ("multi_department_rule", "複数課の達成度の統合方法", " / ".join(r.value for r in CombineRule)),
    ("deadline", "提出期限", "例：令和7年5月30日（金）"),
    ("contact", "問い合わせ先", "担当課向け説明に表示"),
    ("distribution_folder", "配布フォルダ", "マスターと同じフォルダからの相対パス"),
    ("inbox_folder", "回収フォルダ", ""),
    ("report_folder", "報告書フォルダ", ""),
    ("archive_folder", "受領控フォルダ", "受け取ったファイルをそのまま保管"),
    ("backup_folder", "バックアップフォルダ", "マスターを書き換える前の控え"),
    ("correction_folder", "返却票フォルダ", "担当課への修正依頼"),
    ("protection_password", "配布ファイルのシート保護パスワード（任意）",
     "空欄ならパスワードなし。誤って計画欄を書き換えないための鍵で、このシートに平文で保存されます。"
     "パスワードの有無で回収が受け付ける内容は変わりません（書き換えや並べ替えは回収で検出します）。"),
    # appended (never inserted above): the rows before keep their cells
    ("sender", "発信者（所属・職名）", "照会文・再依頼の発信者。例：福祉保健部福祉政策課長"),
    ("sender_name", "発信者（氏名）", "空欄なら氏名を書きません"),
    ("document_number", "文書番号（任意）", "照会文の右上に表示。例：狛福政発第123号。空欄なら表示しません"),
    ("resubmission_deadline", "再提出期限（任意）", "再依頼の文書とメールに表示。例：令和7年6月13日（金）"),
    ("reminder_folder", "再依頼フォルダ", "⑤ 再依頼で作る文書とメールの下書き（.eml）の保存先"),
    ("mail_attachment", "メールの下書きへのファイルの添付", " / ".join(MAIL_ATTACHMENT_CHOICES)
     + "。添付を受け付けないメールシステムでは、本文にファイルの場所を書きます"),
    ("shared_folder", "共有フォルダ（担当課から見たマスターのフォルダ）",
     "本文にファイルの場所を書くときの基点。例：\\\\fileserver\\福祉政策課\\再犯防止。空欄ならマスターのあるフォルダ"),
    ("meeting_document_number", "資料番号（委員会用概要）", "委員会用概要の1ページ目の右上に表示。例：資料2"),
    ("meeting_name", "会議名（委員会用概要）", "例：令和7年度第1回 狛江市再犯防止推進会議"),
    ("meeting_date", "開催日（委員会用概要）", "例：令和7年7月10日（木）"),
    ("report_paper", "進捗状況報告書の用紙", " / ".join(PAPER_CHOICES) + "。取組の一覧表の用紙（A3横は列が広くなります）"),
    ("publisher_section", "発行（所属）", "報告書の奥付。例：狛江市 福祉保健部 福祉政策課"),
    ("publisher_address", "発行（住所）", "例：〒201-8585 東京都狛江市和泉本町一丁目1番5号"),
    ("publisher_phone", "発行（電話）", "例：03-3430-1111（代表）"),
    ("sample", "サンプルデータ", "「サンプル」と入力されていると、報告書・ブックに「サンプル」と表示します（デモ用）。"
     "実際の回答で使うときは空欄にしてください"),
    ("year_end_folder", "年度末フォルダ", "⑥ 年度更新で、締めた年度のマスターの控え（読み取り専用）を保存するフォルダ。"
     "過去の年度の報告書は、この控えから作り直します（アドオンの README.md「年度更新」）"),
    ("municipality_code", "全国地方公共団体コード", "6 桁の数字（例：132195）。都道府県や包括計画の集約で"
     "自治体を見分けるのに使います。同じ名前の市（府中市・伊達市など）があるため。空欄でも使えます"),
    ("prefecture", "都道府県", "例：東京都。全国地方公共団体コードが空欄のとき、集約で自治体を都道府県と名前で見分けます"),
    ("plan_period", "計画期間", "例：令和6年度〜令和8年度。計画期間評価報告書と実施計画（案）の到達目標の年度に使います。"
     "年度更新で改定計画を取り込み、実施計画を1年ずつ延ばしても変わりません。空欄なら計画の取組目標の年度"),
]


def settings_to_rows(settings: Settings) -> list[tuple[str, str, object, str]]:
    values = {f.name: getattr(settings, f.name) for f in fields(settings)}
    values["scale_name"] = settings.scale.name
    values["indicator_rule"] = settings.indicator_rule.value
    values["multi_department_rule"] = settings.multi_department_rule.value
    values["sample"] = SAMPLE_MARK if settings.sample else ""
    return [(key, label, values[key], note) for key, label, note in SETTING_ROWS]


def setting_cell(key: str) -> str:
    """'シート「設定」セル C9「提出期限」': where a person finds and changes a setting."""
    return f"シート「設定」セル {_cell(key)}「{_label(key)}」"


def _cell(key: str) -> str:
    """Where a setting stands on the 設定 sheet (values in column C, rows in SETTING_ROWS order)."""
    keys = [k for k, _, _ in SETTING_ROWS]
    key = _LEGACY_ROWS.get(key, (key,))[0]
    return f"C{keys.index(key) + 2}" if key in keys else ""


# a master made before the 評価基準 sheet keeps its A/B thresholds in the rows the scale rows took
_LEGACY_ROWS = {"threshold_a": ("scale_name", "A の基準（実績／目標 ％ 以上）"),
                "threshold_b": ("indicator_rule", "B の基準（実績／目標 ％ 以上）")}


def _label(key: str) -> str:
    if key in _LEGACY_ROWS:
        return _LEGACY_ROWS[key][1]
    return next((label for k, label, _ in SETTING_ROWS if k == key), key)


def setting_error(key: str, value: object, what: str) -> MasterError:
    """A Japanese message naming the setting, its cell, the value and what to enter."""
    shown = "" if value is None else str(value)
    return MasterError(f"シート「設定」セル {_cell(key)}「{_label(key)}」の値「{shown}」は使えません。{what}")


DAY_KEYS = ("deadline", "resubmission_deadline", "meeting_date")   # days written in 和暦 with the weekday


def settings_from_values(values: dict[str, object]) -> Settings:
    """Build Settings from key -> cell value; raises MasterError naming the cell on a bad value."""
    from workbook.domain.era import parse_fiscal_year, wareki_day_text

    def text(key: str, default: str = "") -> str:
        value = values.get(key)
        return default if value in (None, "") else str(value).strip()

    def number(key: str, default: float) -> float:
        value = values.get(key)
        if value in (None, ""):
            return default
        try:
            return float(nfkc(str(value)).replace("%", "").strip())
        except ValueError:
            raise setting_error(key, value, "数値（例：110）を入力してください。") from None

    fiscal_year = parse_fiscal_year(values.get("fiscal_year"))
    if fiscal_year is None or not 1 <= fiscal_year <= 99:
        raise setting_error("fiscal_year", values.get("fiscal_year"), "「6」「R6」「令和6年度」のように入力してください。")
    try:
        rule = CombineRule.parse(text("multi_department_rule", CombineRule.LOWEST.value))
    except ValueError:
        raise setting_error("multi_department_rule", values.get("multi_department_rule"),
                            "一覧（" + "／".join(r.value for r in CombineRule) + "）から選んでください。") from None
    indicator_rule = next((r for r in IndicatorRule if r.value == nfkc(text("indicator_rule", "目標比"))), None)
    if indicator_rule is None:
        raise setting_error("indicator_rule", values.get("indicator_rule"),
                            "一覧（" + "／".join(r.value for r in IndicatorRule) + "）から選んでください。")
    scale = DEFAULT_SCALE
    if "threshold_a" in values or "threshold_b" in values:   # a master from before the 評価基準 sheet
        a, b = number("threshold_a", 110.0), number("threshold_b", 90.0)
        if not 0 < b < a:
            raise setting_error("threshold_b" if b <= 0 else "threshold_a", b if b <= 0 else a,
                                f"A の基準（{a:g}）は B の基準（{b:g}）より大きく、B の基準は 0 より大きくしてください。")
        scale = legacy_scale(a, b)
    attachment = text("mail_attachment", ATTACH)
    if attachment not in MAIL_ATTACHMENT_CHOICES:
        raise setting_error("mail_attachment", values.get("mail_attachment"),
                            "一覧（" + "／".join(MAIL_ATTACHMENT_CHOICES) + "）から選んでください。")
    paper = text("report_paper", PAPER_A4)
    if nfkc(paper) not in {nfkc(p) for p in PAPER_CHOICES}:
        raise setting_error("report_paper", values.get("report_paper"), "一覧（" + "／".join(PAPER_CHOICES) + "）から選んでください。")
    paper = next(p for p in PAPER_CHOICES if nfkc(p) == nfkc(paper))
    raw = values.get("municipality_code")
    if isinstance(raw, (int, float)) and not isinstance(raw, bool) and float(raw).is_integer() and 0 < raw < 10 ** 6:
        raw = f"{int(raw):06d}"   # typed as a number, Excel drops the leading zero (北海道 01…)
    code = nfkc("" if raw is None else str(raw)).replace(" ", "").strip()
    if code and not (len(code) == 6 and code.isascii() and code.isdigit()):
        raise setting_error("municipality_code", values.get("municipality_code"),
                            "6 桁の数字（例：132195）を入力するか、空欄にしてください。")
    from workbook.domain.era import parse_year_span

    if text("plan_period") and parse_year_span(text("plan_period")) is None:
        raise setting_error("plan_period", values.get("plan_period"), "「令和6年度〜令和8年度」のように入力してください。")
    defaults = Settings("", "", 0)
    days = {k: wareki_day_text(text(k)) for k in DAY_KEYS}   # a date typed in Excel shows in 和暦
    return Settings(
        municipality=text("municipality"),
        plan_name=text("plan_name"),
        fiscal_year=fiscal_year,
        scale=scale,
        multi_department_rule=rule,
        indicator_rule=indicator_rule,
        deadline=days["deadline"],
        contact=text("contact"),
        protection_password="" if values.get("protection_password") is None else str(values["protection_password"]),
        mail_attachment=attachment,
        report_paper=paper,
        sample=text("sample") == SAMPLE_MARK,
        municipality_code=code,
        resubmission_deadline=days["resubmission_deadline"],
        meeting_date=days["meeting_date"],
        **{k: text(k, getattr(defaults, k)) for k in (
            "distribution_folder", "inbox_folder", "report_folder",
            "archive_folder", "backup_folder", "correction_folder", "reminder_folder",
            "sender", "sender_name", "document_number", "shared_folder",
            "meeting_document_number", "meeting_name", "publisher_section", "publisher_address",
            "publisher_phone", "year_end_folder", "prefecture", "plan_period")},
    )


def check_year_in_plan(settings: Settings, plan_years: tuple[int, ...]) -> None:
    """The year reported must be one the plan has targets for."""
    if plan_years and settings.fiscal_year not in plan_years:
        from workbook.domain.era import fiscal_year_label, short_label

        span = "・".join(fiscal_year_label(y) for y in plan_years)
        raise setting_error("fiscal_year", settings.fiscal_year,
                            f"計画の取組目標は {span} の分だけです。設定の年度を直すか、シート「計画」に"
                            f"「取組目標({short_label(settings.fiscal_year)})」の列を追加してください。")


def check_rule_fits_scale(settings: Settings) -> None:
    """「点数の平均」 needs points on the 評価基準 sheet."""
    if settings.multi_department_rule is CombineRule.POINTS and not settings.scale.has_points:
        raise setting_error("multi_department_rule", settings.multi_department_rule.value,
                            "評価基準（シート「評価基準」）に点数がないため、点数の平均は使えません。"
                            "点数を入力するか、ほかの統合方法を選んでください。")
