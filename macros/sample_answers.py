"""Sample returns for the demo: the Komae departments fill their distributed files as people do.

fill_return opens a distributed .xlsx, types the answers into its 進捗報告 sheet and saves the
result under another name (the inbox); the distributed file is never changed.

What the sample contains, on purpose (validation should find the mistakes):
- 福祉相談課 and 学校教育課 return correct files (福祉相談課 renames its file: identity is inside).
- 福祉政策課 (28 actions, in a hurry): 2-2-2 graded C without a reason, 4-1-2 graded "◎"
  (not a grade), and the 重点取組 text of 1-2-2 "tidied up" in the locked plan column.
- まちづくり推進課 types the 実績値 of 4-2-2 as "７５％" (full-width digits and a unit).
- 3-3-1 is shared: 福祉政策課 grades it B, 学校教育課 grades it － (with a reason): consolidated B.
- 指導室 does not return its file (NOT_RETURNED), so it shows as 未提出 and 5-1-1 stays incomplete.

The plan's later years (demo --years 3) are answered from the first by later_answer: each grade
moves one step up or down or stays (year_step, fixed per action, department and year), the
mistakes are corrected, 指導室 returns its file, and typed actuals move with the grade.
"""
from __future__ import annotations

import re
import zlib
from dataclasses import dataclass, field, replace
from pathlib import Path

import openpyxl

from workbook.sheets import styles as st
from workbook.files.department_file import RETURN_LINE_HEIGHT, file_name, read_department_file
from workbook.sheets.layout import (CONTACT_NAME_CELL, CONTACT_PHONE_CELL, DATA_SHEET, FIRST_ROW, PLAN_KEYS, col_letter, col_number,
                     split_key)
from workbook.domain.era import fiscal_year_label
from workbook.domain.normalize import parse_number
from workbook.domain.plan import Direction, Plan
from workbook.domain.scale import Common, Scale
from workbook.domain.scale_presets import DEFAULT_SCALE
from workbook.domain.settings import Settings

NOT_RETURNED = ("指導室",)
RENAMED = {"福祉相談課": "（回答）"}   # department -> what it adds to the file name


@dataclass(frozen=True)
class Answer:
    content: str
    result: str
    grade: str
    reason: str = ""
    issues: str = ""
    next: str = ""
    budget: float | None = None
    actuals: dict[int, object] = field(default_factory=dict)

    def values(self) -> dict[str, object]:
        return {"content": self.content, "result": self.result, "grade": self.grade, "reason": self.reason,
                "issues": self.issues, "next": self.next, "budget": self.budget}


A = Answer
# The answers are written on the default preset (さいたま市方式) and typed on the master's own scale
# (on_scale): the same meaning (共通区分) under that scale's code.
ABOVE, MET, BELOW, NONE = (g.code for g in DEFAULT_SCALE.grades)
INVALID_GRADES = ("◎", "良")   # the sample's deliberate mistake: the first that is not a code of the scale
# (action code, department or "" for any department of the action) -> answer
ANSWERS: dict[tuple[str, str], Answer] = {
    ("1-1-1", ""): A("相談窓口をまとめた周知用チラシを作成し、市ホームページに再犯防止の相談窓口ページを新設した。",
                     "チラシ2,000部を作成し、市内公共施設12か所と保護司会・更生保護女性会に配布した。ホームページの閲覧数は年間1,240件。",
                     ABOVE, "目標のチラシ作成・ホームページ作成に加え、関係団体への配布まで前倒しで実施できたため。",
                     "矯正施設の在所者へ直接届く周知方法が限られている。", "矯正施設・保護観察所への配架を依頼し、周知先を開拓する。", 165),
    ("1-1-2", ""): A("庁内の相談窓口の役割を整理し、再犯防止関係団体向けの窓口一覧を作成した。",
                     "窓口一覧（8窓口）を作成し、庁内関係課と共有した。", MET, "計画どおり窓口の役割機能を明確化できたため。",
                     "窓口一覧の関係団体への周知はこれから。", "保護司会・協力雇用主会等へ窓口一覧を周知する。"),
    ("1-2-1", ""): A("保護観察所・地域生活定着支援センターと帰住予定者の情報共有の手順を確認した。",
                     "生活環境調整の依頼2件に対応し、関係機関と連携して帰住後の支援につないだ。", MET, "計画どおり連携体制を強化できたため。",
                     "個人情報の取扱いのルールづくりが必要。", "情報共有の手順を文書化し、関係機関と合意する。"),
    ("1-2-2", ""): A("東京都主催の再犯防止研修に市職員が参加し、課内で伝達研修を行った。",
                     "都主催研修に3名参加、伝達研修の参加者18名。", MET, "適宜研修に参加でき、予定どおり実施できたため。",
                     "福祉部門以外の職員の参加が少ない。", "庁内の他部署にも研修の案内を広げる。"),
    ("2-1-1", ""): A("更生保護団体を紹介するホームページを更新し、チラシを作成した。",
                     "ホームページを4回更新、チラシ1,000部を作成し市内施設に掲架した。", MET, "計画どおり実施できたため。",
                     "市民の認知度は依然として低い。", "イベント等の機会にチラシを配布し、周知先を広げる。", 48),
    ("2-1-2", ""): A("「社会を明るくする運動」強調月間に狛江駅頭広報活動、推進大会・コンサートを実施し、SNSで発信した。",
                     "駅頭広報で啓発物品を600部配布。推進大会・コンサートの来場者320人（前年度280人）。SNS投稿12件。",
                     ABOVE, "来場者数が前年度を上回り、SNSでの発信も予定を超えて実施できたため。",
                     "若い世代への周知が課題。", "SNSでの発信を継続し、学校と連携した作文コンテストの周知を強化する。", 480),
    ("2-2-1", ""): A("愛光女子学園と交流事業の実施に向けて調整を行った。",
                     "学園の行事予定の変更により、予定していた交流会が中止となった。", NONE,
                     "学園側の事情（計画外）により交流会を実施できず、評価できないため。",
                     "実施時期を早めに調整する必要がある。", "年度当初に学園と日程を調整し、交流会を実施する。"),
    ("2-2-2", ""): A("保護観察所等と協力したアウトリーチによる周知活動について関係機関と協議した。",
                     "関係機関との日程が合わず、今年度は周知活動を実施できなかった。", BELOW, "",
                     "関係機関との調整の進め方。", "年度前半に関係機関と実施時期を決めて周知活動を行う。"),
    ("2-2-3", ""): A("愛光女子学園が実施する周知活動（パネル展）の会場確保と広報に協力した。",
                     "市役所ロビーでパネル展を1週間開催し、市報・ホームページで周知した。", MET, "予定どおり支援できたため。",
                     "", "引き続き学園の周知活動を支援する。"),
    ("3-1-1", ""): A("法務省作成の協力雇用主パンフレットを配架し、ホームページを更新した。",
                     "パンフレットを市内3か所に配架、商工会の会報で制度を紹介した。", MET, "計画どおり実施できたため。",
                     "市内の協力雇用主の登録数が少ない。", "商工会と連携し、事業者向け説明の機会を設ける。"),
    ("3-2-1", ""): A("地域の居場所を紹介するマップを更新し、多世代交流イベントを開催した。",
                     "居場所マップを3,000部配布。交流イベントを4回開催し、延べ210人が参加した。", ABOVE,
                     "イベントの開催回数・参加者数が予定を上回ったため。", "出所者等が参加しやすい居場所の把握。",
                     "居場所の運営者と再犯防止の観点を共有する。", 350),
    ("3-3-1", "福祉政策課"): A("少年院出院者等からの問い合わせに備え、修学支援の関係機関の情報を整理した。",
                              "問い合わせは1件あり、夜間中学等の情報を提供した。", MET, "問い合わせに対応し、計画どおり情報提供できたため。",
                              "教育機関等の役割分担が明確でない。", "学校教育課と修学支援の課題を整理する。"),
    ("3-3-1", "学校教育課"): A("少年院出院者等の修学に関する相談体制を確認した。",
                              "当課への問い合わせ・相談はなかった。", NONE,
                              "今年度は対象となる相談がなく、修学支援を行う機会がなかったため評価できない。",
                              "相談があった場合の手順の共有。", "福祉政策課と連携し、相談があった場合の対応手順を整える。"),
    ("3-3-2", "福祉政策課"): A("（再掲）3-3-1と同じ。あわせて夜間中学の取組を市ホームページで紹介した。",
                              "夜間中学の紹介ページを作成した。", MET, "計画どおり実施できたため。", "", "周知を継続する。"),
    ("3-3-2", "学校教育課"): A("公立中学校夜間学級の取組と問い合わせ方法を市報・ホームページで周知した。",
                              "市報に1回掲載、ホームページを更新した。", MET, "計画どおり周知できたため。",
                              "対象者に情報が届いているか把握が難しい。", "福祉部門の窓口にもチラシを配架する。"),
    ("4-1-1", ""): A("保護司の面接場所として市の施設2か所を確保し、オンライン研修の会場を提供した。",
                     "面接場所の利用42件。オンライン研修の会場提供2回。", MET, "計画どおり実施できたため。",
                     "夜間・休日に使える場所が少ない。", "地域センター等の活用を検討する。"),
    ("4-1-2", ""): A("（再掲）更生保護団体のホームページの充実とチラシの作成を行った。",
                     "ホームページ更新4回、チラシ1,000部。", "◎", "", "", "保護司会と活動の支障となる要因について意見交換する。"),
    ("4-1-3", ""): A("保護司候補者の推薦手続きについて保護司会と打合せを行い、候補者の情報提供を依頼した。",
                     "推薦に至った候補者は1名（保護司会の目標3名）。", BELOW, "候補者の確保が目標を下回ったため。",
                     "若い世代の候補者が見つからない。", "企業・大学への説明の機会をつくり、幅広い世代に周知する。"),
    ("4-2-2", "福祉政策課"): A("居住支援協議会を2回開催し、居住支援団体と相談事例を共有した。",
                              "住まい探し相談の受付36件。伴走支援につないだ件数12件。", MET, "計画どおり実施できたため。",
                              "保証人がいない相談者の物件確保が難しい。", "家賃債務保証制度の活用を団体と検討する。"),
    ("4-2-2", "まちづくり推進課"): A("住まい探しの相談窓口を月2回開設し、居住支援団体と物件情報のマッチングを行った。",
                                    "相談窓口の開設24回、相談者36人。前年度に受付した相談の解決率は75％。", MET,
                                    "解決率75％（目標70％）で、目標を概ね達成したため。",
                                    "高齢の相談者の物件確保が難しい。", "不動産仲介事業者との連携を広げる。", 3200,
                                    actuals={1: "７５％"}),
    ("4-2-3", ""): A("民生委員・地域包括支援センターとの会議で、出所者等を含む見守りの体制について情報共有した。",
                     "見守り関係者会議を3回開催した。", MET, "計画どおり実施できたため。",
                     "支援が必要な人に気づく仕組みが弱い。", "見守り関係者向けの研修を行う。"),
    ("4-3-1", ""): A("生活環境調整等の依頼に対応し、伴走型支援の体制を整備した。",
                     "生活環境調整等の対応3件、うち2件で福祉サービスの利用につないだ。", MET, "計画どおり実施できたため。",
                     "", "支援の記録様式を統一する。"),
    ("4-3-2", ""): A("生活環境調整等のケース会議に必要に応じて参加した。", "ケース会議への参加4回。", MET,
                     "必要なケース会議に参加できたため。", "", "引き続き必要に応じて参加する。"),
    ("4-4-1", ""): A("依存症問題を抱える方のケース会議に参加し、医療機関・自助グループの情報を整理した。",
                     "ケース会議への参加2回。", MET, "計画どおり実施できたため。", "依存症の専門機関が市内にない。",
                     "都の精神保健福祉センターとの連携を強める。"),
    ("4-5-1", ""): A("依存症・障がいに関する研修に職員が参加した。", "研修参加2回、延べ6名。", MET, "適宜参加できたため。",
                     "家族向けの情報提供が不足している。", "家族向けの相談機関一覧を作成する。"),
    ("5-1-1", "福祉政策課"): A("愛光女子学園と連携し、市職員向け研修と広報活動を実施した。",
                              "職員研修1回（参加25名）、市報での学園紹介1回。", MET, "計画どおり実施できたため。",
                              "", "研修の対象を市内支援関係者に広げる。"),
    ("5-1-1", "指導室"): A("愛光女子学園と市内小中学校の教員の情報交換会を行った。",
                          "情報交換会1回、授業見学1回。", MET, "計画どおり交流できたため。", "", "交流を継続する。"),
    ("5-1-2", ""): A("愛光女子学園への見学会の実施方法について学園と検討した。", "見学会の実施要領（案）を作成した。", MET,
                     "予定どおり検討できたため。", "", "来年度、関係職員向けの見学会を実施する。"),
    ("5-2-1", ""): A("（再掲）4-3-2と同じ。", "ケース会議への参加4回。", MET, "必要なケース会議に参加できたため。", "", "（再掲）4-3-2と同じ。"),
    ("5-2-2", ""): A("重層的支援体制整備事業の支援会議で、出所者等の事例を含め多機関で支援を協議した。",
                     "支援会議を10回開催し、出所者等の事例2件を協議した。", MET, "計画どおり連携体制を構築できたため。",
                     "", "支援会議の参加機関に刑事司法関係機関を加える。"),
    ("5-3-1", "福祉政策課"): A("（再掲）4-2-2と同じ。", "（再掲）住まい探し相談の受付36件。", MET, "計画どおり実施できたため。", "", ""),
    ("5-3-1", "まちづくり推進課"): A("（再掲）4-2-2と同じ。", "（再掲）相談者36人、解決率75％。", MET, "目標を概ね達成したため。", "", "",
                                    actuals={1: 75}),
    ("3-1-2", ""): A("在所者の支援関係者と就労支援員が面談し、出所後の就労支援計画を作成した。",
                     "在所中からの就労支援2件、うち1件が出所後に就職した。", MET, "計画どおり実施できたため。",
                     "本人の希望と求人の条件が合わないことがある。", "ハローワークと連携し求人開拓を進める。"),
    ("3-1-3", ""): A("本人の申込みに基づきハローワークへ支援要請を行い、市の窓口で巡回相談を実施した。",
                     "支援要請5件、巡回相談12回（相談者延べ30人）。", MET, "計画どおり実施できたため。", "",
                     "巡回相談の周知を強化する。"),
    ("4-2-1", ""): A("生活資金が足りず住居のない方に、一時的な宿泊場所を紹介した。", "一時的な宿泊場所の紹介3件。", MET,
                     "必要な方に紹介できたため。", "紹介先の確保が難しい時期がある。", "紹介先の事業者を増やす。"),
    ("3-4-1", ""): A("生活指導主任会を毎月開催し、警察・SSWと情報交換を行った。", "生活指導主任会を11回開催。", MET,
                     "計画どおり実施できたため。", "", "非行の早期発見の事例を共有する。"),
    ("3-4-2", ""): A("青少年健全育成連絡会を開催し、非行防止に関する講演を行った。", "連絡会を2回開催、参加者延べ85人。", MET,
                     "計画どおり実施できたため。", "", "保護者の参加を増やす。"),
}

# Typical mistakes beyond the answers above: (department, row key) -> {column key: value}
EDITS: dict[tuple[str, str], dict[str, object]] = {
    ("福祉政策課", "1-2-2"): {"title": "市職員等への研修による相談支援機能の強化"},
}


def answer_for(plan: Plan, code: str, department: str, fiscal_year: int) -> Answer:
    """The sample answer; a plain 'carried out as planned' for actions the sample does not know.
    The plan's first year is answered as written above (with its mistakes); later years from it
    by later_answer: some grades improve, some fall, and the mistakes are gone."""
    known = ANSWERS.get((code, department)) or ANSWERS.get((code, ""))
    if known is None:
        try:
            target = plan.action(code).target_for(fiscal_year) or "計画の取組"
        except KeyError:  # a row the plan no longer has
            target = "計画の取組"
        known = Answer(f"「{target}」に取り組んだ。", "計画どおり実施した。", MET, "計画どおり実施できたため。")
    first = plan.fiscal_years[0] if plan.fiscal_years else fiscal_year
    return known if fiscal_year <= first else later_answer(known, code, department, fiscal_year, first)


# A later year's grade, one step along this ladder from the year before (NONE: carried out at last)
LADDER = (BELOW, MET, ABOVE)
UP_REASON = "前年度の課題への対応が進み、目標を上回る成果があったため。"
DOWN_REASON = "関係機関との調整に時間を要し、目標を下回ったため。"
SAME_REASON = "前年度に引き続き、計画どおり実施できたため。"


def year_step(code: str, department: str, fiscal_year: int) -> int:
    """+1 (improves), -1 (falls) or 0, fixed for the action, department and year (no randomness)."""
    value = zlib.crc32(f"{code}|{department}|{fiscal_year}".encode("utf-8")) % 6
    return 1 if value == 0 else -1 if value == 1 else 0


def later_answer(first: Answer, code: str, department: str, fiscal_year: int, first_year: int) -> Answer:
    grade = first.grade if first.grade in LADDER or first.grade == NONE else MET   # a mistake is corrected
    steps = [year_step(code, department, y) for y in range(first_year + 1, fiscal_year + 1)]
    for step in steps:
        if grade == NONE:
            grade = MET if step else NONE
        else:
            grade = LADDER[max(0, min(len(LADDER) - 1, LADDER.index(grade) + step))]
    step = steps[-1]
    reason = UP_REASON if step > 0 and grade == ABOVE else DOWN_REASON if grade == BELOW else \
        (first.reason or SAME_REASON) if step == 0 and grade == first.grade else SAME_REASON
    if grade == NONE:
        reason = first.reason
    actuals = {n: _moved(v, fiscal_year - first_year, step) for n, v in first.actuals.items()}
    factor = 1 + 0.05 * (fiscal_year - first_year) + 0.08 * sum(steps)    # more done as the years go, less in a bad one
    return replace(first, grade=grade, reason=reason, actuals=actuals,
                   content=f"{fiscal_year_label(fiscal_year)}も、{first.content}",
                   result=_NUMBER.sub(lambda m: _scaled(m.group(), factor), first.result))


# counts in a result text ('2,000部', '12か所'); single digits, years, dates, ages, shares and decimals stay
_NUMBER = re.compile(r"(?<![\d.,和R第])(?:\d{1,3}(?:,\d{3})+|\d{2,})(?![\d.,年月日時歳%％])")


def _scaled(text: str, factor: float) -> str:
    value = max(1, round(int(text.replace(",", "")) * factor))
    return f"{value:,}" if "," in text else str(value)


def _moved(value: object, years: int, step: int) -> object:
    """A typed actual some years on: drifting down a little a year, more when the grade moved."""
    number = parse_number(value)
    return value if number is None else round(number.value * (1 - 0.04 * years + 0.06 * step))


def on_scale(code: str, scale: Scale) -> str:
    """A sample grade (default preset) as the master's scale writes the same meaning: the code with
    the same 共通区分, preferring one judged by ratio (判定下限), and for 下回った one that asks for a
    reason; the best of those. A deliberate mistake stays a code the scale does not have."""
    source = DEFAULT_SCALE.grade(code)
    if source is None:
        return next(c for c in INVALID_GRADES if scale.normalize(c) is None)
    fallback = {Common.ABOVE: (Common.ABOVE, Common.MET), Common.MET: (Common.MET, Common.ABOVE),
                Common.BELOW: (Common.BELOW,), Common.UNASSESSABLE: (Common.UNASSESSABLE, Common.NOT_APPLICABLE)}
    for common in fallback.get(source.common, (source.common,)):
        same = [g for g in scale.grades if g.common is common]
        if not same:
            continue
        if common is Common.BELOW:     # the best code judged by ratio that asks for a reason
            same.sort(key=lambda g: (not g.reason_required, g.floor is None, -(g.rank or 0)))
        else:                          # the best code judged by ratio
            same.sort(key=lambda g: (g.floor is None, -(g.rank or 0)))
        return same[0].code
    return scale.ranked[-1].code


def sample_actual(plan: Plan, code: str, department: str, n: int, fiscal_year: int) -> object:
    answer = answer_for(plan, code, department, fiscal_year)
    if n in answer.actuals:
        return answer.actuals[n]
    indicators = plan.indicators_of(code, department)
    target = indicators[n - 1].target_for(fiscal_year) if n <= len(indicators) else None
    if target is None:
        return 0
    first = plan.fiscal_years[0] if plan.fiscal_years else fiscal_year
    if fiscal_year <= first:
        return target
    step = year_step(code, department, fiscal_year) * (1 if indicators[n - 1].direction is Direction.HIGHER else -1)
    return round(target * (1 + 0.08 * step), 1)


RESPONSES = ("ご意見を踏まえ、{next}", "ご意見を受けて関係機関と協議し、対象者に届く周知の方法を見直した。",
             "実績を数値で示せるよう、取組ごとの記録方法を改めた。", "ご意見のとおり、関係課と役割分担を確認し、連携して進めている。")
OUTLOOKS = ("前年度の取組を継続し、成果を検証する。", "取組の対象を広げ、関係機関との連携を強化する。",
            "これまでの実績を踏まえ、事業の進め方を見直す。")


def proposals(plan: Plan, code: str, department: str, fiscal_year: int, has_opinion: bool,
              asks_direction: bool = False) -> dict[str, object]:
    """The sample's 意見への対応, the next two years' 取組 and 事業費 (千円), and in the plan's last year
    今後の方針 (asks_direction: the file shows it): fixed per action, department and year, some left empty."""
    answer = answer_for(plan, code, department, fiscal_year)
    pick = zlib.crc32(f"{code}|{department}|{fiscal_year}|proposal".encode("utf-8"))
    try:
        coming = plan.action(code).target_for(fiscal_year + 1).strip()
    except KeyError:  # a row the plan no longer has
        coming = ""
    plan_1 = answer.next or "計画どおり継続して実施する。"
    out: dict[str, object] = {
        "response": "" if not has_opinion or pick % 5 == 0 else
        RESPONSES[pick % len(RESPONSES)].format(next=answer.next or "取組の進め方を見直した。"),
        "next_plan_1": f"「{coming}」に向けて、{plan_1}" if coming and pick % 2 else plan_1,
        "next_plan_2": "" if pick % 4 == 0 else OUTLOOKS[pick % len(OUTLOOKS)],
        "next_budget_1": None, "next_budget_2": None,
    }
    if answer.budget:      # the year's amount moved a little: the request, then the outlook
        out["next_budget_1"] = round(answer.budget * (1 + 0.05 * year_step(code, department, fiscal_year + 1)))
        out["next_budget_2"] = out["next_budget_1"] if pick % 3 else round(answer.budget * 1.1)
    elif pick % 7 == 0:    # a small new expense (研修の講師謝礼, 印刷費)
        out["next_budget_1"] = 50 + pick % 5 * 30
    if asks_direction:     # the plan period's last year: the file shows 今後の方針
        grade = answer.grade
        out["direction"] = ("完了" if pick % 13 == 0 else "拡充" if grade == ABOVE or pick % 9 == 1
                            else "見直し" if grade in (BELOW, NONE) else "継続")
    return out


# 内部評価 and 委員会意見 the section types into 進捗一覧 (demo --years 3): for some actions each year
INTERNAL = ("成果を数値で示し、効果を検証できるようにすること。", "関係機関との役割分担を明確にして進めること。",
            "対象者に支援が届いているか把握する方法を検討すること。")
COMMITTEE = ("当事者の視点を取り入れた周知の工夫を期待する。", "民間団体との連携をさらに進められたい。",
             "取組の成果が市民に伝わるよう発信を工夫されたい。")


def sample_evaluations(plan: Plan, fiscal_year: int) -> dict[str, tuple[str, str]]:
    """Action code -> (内部評価, 委員会意見) for about a third of the actions, fixed per year."""
    out = {}
    for action in plan.actions:
        pick = zlib.crc32(f"{action.code}|{fiscal_year}|evaluation".encode("utf-8"))
        if pick % 3 == 0:
            out[action.code] = (INTERNAL[pick % len(INTERNAL)], COMMITTEE[pick % len(COMMITTEE)] if pick % 2 else "")
    return out


def return_name(settings: Settings, department: str) -> str:
    name = file_name(settings, department)
    suffix = RENAMED.get(department, "")
    return name.replace(".xlsx", f"{suffix}.xlsx") if suffix else name


def fill_return(distributed: Path, target: Path, plan: Plan, scale: Scale = DEFAULT_SCALE) -> Path:
    """Type the department's sample answers into a copy of its distributed file, saved as target."""
    wb = openpyxl.load_workbook(distributed)
    found = read_department_file(distributed, wb)
    if found is None:
        raise ValueError(f"{distributed} is not a distributed department file")
    department, year = found.identity.department, found.identity.fiscal_year
    ws = wb[DATA_SHEET]
    asks_direction = not ws.column_dimensions[col_letter("direction")].hidden   # as a person sees the file
    contact = next((d for d in plan.departments if d.name == department), None)
    for ref, value in ((CONTACT_NAME_CELL, contact.contact if contact and contact.contact else "（サンプル）担当者"),
                       (CONTACT_PHONE_CELL, contact.phone if contact and contact.phone else "内線 0000")):
        st.write_text(ws, ws[ref].row, ws[ref].column, value)
    for key, row in found.key_rows.items():
        code, n = split_key(key)
        if n is None:
            values = answer_for(plan, code, department, year).values()
            values["grade"] = on_scale(values["grade"], scale)
        else:
            values = {"actual": sample_actual(plan, code, department, n, year)}
        edits = EDITS.get((department, key), {}) if year <= min(plan.fiscal_years, default=year) else {}
        if any(k in PLAN_KEYS for k in edits):
            ws.protection.sheet = False   # a person unprotects the sheet to change a grey cell
        values.update(edits)
        if n is None:
            values.update(proposals(plan, code, department, year, found.entries[code].has_opinion, asks_direction))
        for col_key, value in values.items():
            st.write_text(ws, row, col_number(col_key), None if value in ("", None) else value)
    if found.key_rows:
        st.autofit_rows(ws, FIRST_ROW, max(found.key_rows.values()), line_height=RETURN_LINE_HEIGHT, min_lines=3)
    target.parent.mkdir(parents=True, exist_ok=True)
    wb.save(target)
    return target
