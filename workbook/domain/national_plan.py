"""The national 再犯防止推進計画's 重点課題, and the keyword rules that suggest one for a city's 施策.

Data, not logic: when the next national plan comes, change PLAN_NAME, PRIORITIES and KEYWORDS here.
The second plan (令和5年3月17日 閣議決定) groups its measures under seven 重点課題.
A roll-up suggests a 重点課題 for each 基本目標 / 施策 from its titles; a person corrects the
suggestion in the 対応表, and the correction is what later roll-ups use.
"""
from __future__ import annotations

from dataclasses import dataclass

from workbook.domain.normalize import nfkc

PLAN_NAME = "第二次再犯防止推進計画（令和5年3月17日閣議決定）"


@dataclass(frozen=True)
class Priority:
    number: int
    name: str

    @property
    def label(self) -> str:
        return f"{self.number} {self.name}"


PRIORITIES: tuple[Priority, ...] = (
    Priority(1, "就労・住居の確保"),
    Priority(2, "保健医療・福祉サービスの利用の促進"),
    Priority(3, "学校等と連携した修学支援"),
    Priority(4, "犯罪をした者等の特性に応じた効果的な指導"),
    Priority(5, "民間協力者の活動の促進"),
    Priority(6, "地域による包摂の推進"),
    Priority(7, "再犯防止に向けた基盤の整備"),
)
UNMAPPED = "未分類"

# 重点課題 number -> words that point to it in a 施策 or 基本目標 title (weight: how many of them occur)
KEYWORDS: dict[int, tuple[str, ...]] = {
    1: ("就労", "雇用", "仕事", "職業", "就職", "住居", "住まい", "住宅", "居住", "協力雇用主"),
    2: ("保健", "医療", "福祉", "高齢", "障害", "障がい", "依存", "薬物", "アルコール", "生活困窮", "生活保護"),
    3: ("学校", "修学", "就学", "教育", "非行", "少年", "児童", "生徒", "若者", "青少年"),
    4: ("特性", "指導", "性犯罪", "暴力", "ストーカー", "処遇", "女性", "再犯リスク"),
    5: ("民間", "保護司", "更生保護", "ボランティア", "協力者", "広報", "啓発", "社会を明るくする", "周知", "理解"),
    6: ("地域", "包摂", "孤立", "居場所", "相談", "支え", "見守り", "共生", "切れ目"),
    7: ("基盤", "体制", "人材", "研修", "情報共有", "調査", "推進体制", "計画の推進", "関係機関", "ネットワーク"),
}


def priority(number: int | None) -> Priority | None:
    return next((p for p in PRIORITIES if p.number == number), None)


def parse_priority(value: object) -> int | None:
    """A 重点課題 typed in the 対応表: its number (1–7, full-width too) or its name; None when neither."""
    text = nfkc("" if value is None else str(value)).strip()
    if not text:
        return None
    head = text.split()[0].rstrip(".．:：")
    if head.endswith(".0"):
        head = head[:-2]
    if head.isdigit() and priority(int(head)):
        return int(head)
    return next((p.number for p in PRIORITIES if nfkc(p.name) in text), None)


def _score(text: str) -> dict[int, int]:
    text = nfkc(text)
    return {n: sum(text.count(nfkc(w)) for w in words) for n, words in KEYWORDS.items()}


def suggest(measure_title: str, goal_title: str = "") -> int | None:
    """The 重点課題 whose words occur most in the 施策 title (then the 基本目標's); ties go to the lower
    number; None when no word occurs (未分類: a person chooses in the 対応表)."""
    for text in (measure_title, goal_title):
        scores = _score(text or "")
        best = max(scores.values(), default=0)
        if best:
            return min(n for n, s in scores.items() if s == best)
    return None
