"""The evaluation scales a city can choose at `new` (--scale NAME).

The only module that names grading codes. Each preset is a 評価基準 table as data; a city may
also bring its own table (a sheet 評価基準 or a CSV), read by workbook.sheets.scale_sheet.
"""
from __future__ import annotations

from workbook.domain.normalize import nfkc
from workbook.domain.scale import Common, Grade, Scale, Trend

_DASH_DEFINITION = "計画外の事情（感染症の影響等）により事業を実施できず、評価できない"


def _dash() -> Grade:
    return Grade("－", "評価不能", _DASH_DEFINITION, None, True, True, Common.UNASSESSABLE, None, True)


SAITAMA = Scale("さいたま市方式", (
    Grade("A", "目標を上回った", "目標に対し実績が概ね110％以上／事業予定を前倒しで実施できた／予定を超える成果があった",
          3, True, False, Common.ABOVE, Trend.IMPROVED, False, None, 110.0),
    Grade("B", "目標を達成した", "目標に対し実績が概ね90％以上110％未満／事業予定を概ね実施できた",
          2, True, False, Common.MET, Trend.UNCHANGED, False, None, 90.0),
    Grade("C", "目標を下回った", "目標に対し実績が概ね90％未満／事業予定の一部もしくは全部を実施できなかった",
          1, True, False, Common.BELOW, Trend.WORSE, True, None, 0.0),
    _dash(),
))

FOUR_LEVELS = Scale("4段階", (
    Grade("S", "目標を大きく上回った", "目標に対し実績が概ね120％以上／予定を大きく超える成果があった",
          4, True, False, Common.ABOVE, None, False, 100.0, 120.0),
    Grade("A", "目標を達成した", "目標に対し実績が概ね100％以上120％未満／事業予定どおり実施できた",
          3, True, False, Common.MET, Trend.IMPROVED, False, 75.0, 100.0),
    Grade("B", "概ね達成した", "目標に対し実績が概ね80％以上100％未満／事業予定を概ね実施できた",
          2, True, False, Common.BELOW, Trend.UNCHANGED, False, 50.0, 80.0),
    Grade("C", "目標を下回った", "目標に対し実績が概ね80％未満／事業予定の一部もしくは全部を実施できなかった",
          1, True, False, Common.BELOW, Trend.WORSE, True, 25.0, 0.0),
    _dash(),
))

THREE_LEVELS = Scale("3段階", (
    Grade("◎", "目標を達成した", "目標に対し実績が概ね100％以上／事業予定どおり実施できた",
          3, True, False, Common.MET, Trend.IMPROVED, False, 100.0, 100.0),
    Grade("○", "概ね達成した", "目標に対し実績が概ね80％以上100％未満／事業予定を概ね実施できた",
          2, True, False, Common.BELOW, Trend.UNCHANGED, False, 60.0, 80.0),
    Grade("△", "目標を下回った", "目標に対し実績が概ね80％未満／事業予定の一部もしくは全部を実施できなかった",
          1, True, False, Common.BELOW, Trend.WORSE, True, 20.0, 0.0),
    _dash(),
))

FIVE_LEVELS = Scale("5段階", (
    Grade("A", "目標を大きく上回った", "目標に対し実績が概ね120％以上",
          5, True, False, Common.ABOVE, None, False, 100.0, 120.0),
    Grade("B", "目標を達成した", "目標に対し実績が概ね100％以上120％未満",
          4, True, False, Common.MET, Trend.IMPROVED, False, 80.0, 100.0),
    Grade("C", "概ね達成した", "目標に対し実績が概ね80％以上100％未満",
          3, True, False, Common.BELOW, Trend.UNCHANGED, False, 60.0, 80.0),
    Grade("D", "目標を下回った", "目標に対し実績が概ね50％以上80％未満",
          2, True, False, Common.BELOW, Trend.WORSE, True, 40.0, 50.0),
    Grade("E", "目標を大きく下回った", "目標に対し実績が50％未満／事業を実施できなかった",
          1, True, False, Common.BELOW, None, True, 20.0, 0.0),
    _dash(),
))

PROGRESS_CLASSES = Scale("進捗区分", (
    Grade("完了", "完了", "計画期間内に予定した取組を完了した",
          6, True, False, Common.MET, None, False, None, None),
    Grade("S", "目標を上回って進んでいる", "目標に対し実績が概ね120％以上",
          5, True, False, Common.ABOVE, None, False, None, 120.0),
    Grade("A", "順調に進んでいる", "目標に対し実績が概ね100％以上120％未満",
          4, True, False, Common.MET, Trend.IMPROVED, False, None, 100.0),
    Grade("B", "やや遅れている", "目標に対し実績が概ね80％以上100％未満",
          3, True, False, Common.BELOW, Trend.UNCHANGED, False, None, 80.0),
    Grade("C", "遅れている", "目標に対し実績が概ね80％未満",
          2, True, False, Common.BELOW, Trend.WORSE, True, None, 0.0),
    Grade("未着手", "未着手", "取組に着手していない",
          1, True, False, Common.BELOW, None, True, None, None),
    Grade("中止", "中止", "事情の変化により取組を中止した（割合の計算から除く）",
          None, False, True, Common.NOT_APPLICABLE, None, True, None, None),
    Grade("評価困難", "評価困難", "計画外の事情等により評価できない",
          None, True, True, Common.UNASSESSABLE, None, True, None, None),
))

PRESETS: dict[str, Scale] = {s.name: s for s in (SAITAMA, FOUR_LEVELS, THREE_LEVELS, FIVE_LEVELS, PROGRESS_CLASSES)}
DEFAULT_SCALE = SAITAMA


def preset(name: str) -> Scale | None:
    """A preset by name ('４段階' is 4段階)."""
    key = nfkc(str(name)).strip()
    return next((s for n, s in PRESETS.items() if nfkc(n) == key), None)


def legacy_scale(floor_a: float, floor_b: float) -> Scale:
    """The default scale with the A/B thresholds a master made before 評価基準 kept on 設定."""
    def pct(v: float) -> str:
        return f"{v:g}"
    a, b, c, dash = SAITAMA.grades
    return Scale(SAITAMA.name, (
        Grade(a.code, a.name, a.definition.replace("110", pct(floor_a)), a.rank, a.in_denominator,
              a.ignored_in_combination, a.common, a.trend, a.reason_required, a.points, floor_a),
        Grade(b.code, b.name, b.definition.replace("90", pct(floor_b)).replace("110", pct(floor_a)), b.rank,
              b.in_denominator, b.ignored_in_combination, b.common, b.trend, b.reason_required, b.points, floor_b),
        Grade(c.code, c.name, c.definition.replace("90", pct(floor_b)), c.rank, c.in_denominator,
              c.ignored_in_combination, c.common, c.trend, c.reason_required, c.points, c.floor),
        dash))
