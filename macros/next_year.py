"""⑥ 年度更新 (next-year): close the reported year and move the master on to the next one.

The one roll mechanism. Before anything is written, the master as it stands is kept read-only in
the 年度末 folder (設定; macros/year_end.py). Then, in one save (workbook.files.master_update, the
openpyxl way):
1. the closed year's results go to 年度別実績: one row per action × department, from the one
   aggregation (the numbers of 進捗一覧 and of the year's documents), with each department's
   提出状況 at closing;
2. 設定's 報告対象年度 moves on and every department sheet and 進捗一覧 are rewritten for the new
   year: inputs, contacts, 内部評価 and 委員会意見 empty, last year's 自己評価 and 実績・成果 in
   the 前年度 columns (the roll of workbook.files.snapshot); what the sheets leave out goes to 履歴
   first (「年度繰越」, macros/merged.year_drops);
3. 提出状況 starts again with every department 未提出, and 検証結果 with it;
4. with --plan, a revised plan file's 取組目標 and 事業費 for the coming years replace the plan's
   (old values in 履歴,「計画改定」) and the years it adds extend the plan (workbook.domain.plan_revision).

It refuses, saying what to do, and writes nothing: 設定's year edited by hand; the year already
closed, or nothing reported for it yet (so running it twice changes nothing the second time);
進捗一覧 behind the department sheets; no 取組目標 for the next year; departments still 未提出 or
要修正, unless force (who was open is recorded in 年度別実績 and 履歴).
The Excel button only checks (check_only): the master must be closed, as every sheet changes.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from workbook.domain.normalize import nfkc
from workbook.domain.era import fiscal_year_label, shift_day, short_label, year_span_label
from workbook.domain.plan import Plan
from workbook.domain.plan_revision import BUDGET, Revision, revise
from workbook.domain.problems import Report
from workbook.domain.progress import summarize
from workbook.domain.year_results import results_of_year
from workbook.errors import MasterError
from workbook.files.master import Master
from workbook.files.master_update import MasterUpdate, apply
from workbook.files.plan_import import import_plan
from workbook.files.snapshot import MasterSnapshot
from workbook.rules.late import late_departments
from workbook.rules.status import ACCEPTED, status_rows
from workbook.sheets import names
from workbook.sheets.progress_sheet import progress_differences

from .finish import check_rows, refuse_deleted_rows, refuse_hand_edited_year, refuse_year_without_targets, status_of
from .merged import now, year_drops
from .outcome import Outcome, Progress, quiet as _quiet
from .year_end import command_line, keep_year_end_copy

CLOSE = "年度更新"        # 履歴 operation: the year closed, and who was still open
PLAN_REVISION = "計画改定"  # 履歴 operation: a 取組目標 or 事業費 replaced by the revised plan


def run_next_year(master: Path, plan_file: Path | None = None, force: bool = False, progress: Progress = _quiet,
                  check_only: bool = False, end_of_plan: bool = False) -> Outcome:
    progress(f"マスター {master.name} を読み込んでいます…")
    snap = MasterSnapshot.read(master)
    year = snap.settings.fiscal_year
    new_year = year + 1
    label, new_label = fiscal_year_label(year), fiscal_year_label(new_year)
    refuse_hand_edited_year(snap)
    refuse_deleted_rows(snap)
    refuse_year_without_targets(snap, "年度を締めていません")
    kept = snap.year_results()
    m = Master(snap)
    summary = m.summary()
    _refuse_closed(snap, kept, summary)
    _refuse_stale_progress(snap, summary, master)
    revision = _revision(snap.plan, plan_file, new_year) if plan_file else None
    plan = revision.plan if revision else snap.plan
    period_end = snap.settings.period_end(snap.plan.fiscal_years)
    if end_of_plan and len(plan.without_target(new_year)) < len(plan.actions):
        raise MasterError(f"計画{'ファイル ' + plan_file.name + ' ' if plan_file else ''}に{new_label}の取組目標があるため、"
                          f"--end-of-plan は使えません（{new_label}も報告を続ける計画です）。--end-of-plan を付けずに実行してください。"
                          "何も変えていません。")
    if end_of_plan and year != period_end:
        raise MasterError(f"--end-of-plan は計画期間（設定の「計画期間」）の最終年度"
                          f"{'（' + fiscal_year_label(period_end) + '）' if period_end else ''}を締めるときだけ使えます。"
                          f"{label}は最終年度ではないため、何も変えていません。")
    try:
        blank = [] if end_of_plan else _refuse_no_targets(plan, new_year, plan_file, year == period_end)
    except MasterError:
        if not check_only:
            raise
        blank = None          # the button cannot pass --plan: it says to, in the command it shows
    late = late_departments(snap.plan, status_of(snap), check_rows(snap))
    if late and not force:
        raise MasterError(f"{label}を締められません。まだ終わっていない担当課があります：\n"
                          + "\n".join(f"  {state}：{'、'.join(l.name for l in late if l.state == state)}"
                                      for state in dict.fromkeys(l.state for l in late))
                          + "\n② 回収・③ 検証を済ませてから、もう一度実行してください。このまま締めるときは --force を付けて"
                            "実行してください（締めた時の提出状況はシート「年度別実績」と「履歴」に残ります）。年度は進めていません。")
    outcome = Outcome()
    if check_only:
        outcome.say(f"{label}を締めて{new_label}に進める準備ができています（まだ何も変えていません）。")
        if blank is None:
            outcome.say(f"ただし計画に{new_label}の取組目標がないため、{new_label}の取組目標を入れた改定計画のファイル"
                        "（new と同じ様式）を --plan で指定してください。"
                        + (f"計画期間が{label}で終わり、このマスターでの報告をここまでにするときは、--plan の代わりに"
                           " --end-of-plan を付けてください。" if year == period_end else ""))
        outcome.say("年度更新はマスターのほぼすべてのシートを書き換えるため、Excel で開いたままでは実行しません。"
                    "マスターを保存して閉じてから、コマンド プロンプトで次を実行してください：")
        for line in command_line(master, year, needs_plan=blank is None):
            outcome.say(line)
        return outcome

    states = {d.name: ACCEPTED for d in snap.plan.departments} | {l.name: l.state for l in late}
    results = results_of_year(summary, states)
    progress(f"{label}のマスターの控えを保存しています…")
    copy, note = keep_year_end_copy(snap)
    rolled = snap.for_year(new_year, plan)
    drops = year_drops(rolled, outcome)
    report = Report()
    status = status_rows(rolled.plan, [], report, {}, {}, {})
    entries = {(d.name, code): e for d in rolled.plan.departments
               for code, e in rolled.department(d.name).entries.items()}
    stamp = now()
    moved = _moved_deadlines(snap.settings) | _moved_meeting_name(snap.settings)
    # a master made before 設定 had 計画期間: the plan's own years, fixed before --plan extends them
    period = {} if snap.settings.plan_period or not snap.plan.fiscal_years else \
        {"plan_period": year_span_label(min(snap.plan.fiscal_years), max(snap.plan.fiscal_years))}
    history = _plan_history(revision, stamp, plan_file) + drops.history
    history += [[stamp, CLOSE, "", "", "報告対象年度", label, new_label, copy.name]]
    history += [[stamp, CLOSE, "", "", MOVED[k], old, new, ""] for k, (old, new) in moved.items()]
    history += [[stamp, CLOSE, l.name, "", "締めた時の提出状況", l.state, "未完了のまま締めた（--force）", ""] for l in late]
    progress("マスターを新しい年度に書き換えています…")
    update = MasterUpdate(summarize(rolled.plan, entries, rolled.settings, []), [r.to_row() for r in status],
                          report.rows(), drops.departments, history,
                          settings={"fiscal_year": new_year} | {k: v for k, (_, v) in moved.items()} | period,
                          plan_sheets=revision is not None, year_results=kept + results)
    written = apply(rolled, update)
    outcome.lines[:0] = [f"{label}を締め、報告対象年度を{new_label}にしました。",
                         f"シート「{names.SHEET_YEAR_RESULTS}」に{label}の実績 {len(results)} 行"
                         f"（{len(summary.actions)} 取組）を記録しました。",
                         f"{label}のマスターの控え（読み取り専用）: {copy}{note}"]
    if revision is not None:
        outcome.lines[3:3] = _revision_lines(revision, plan_file)
    if period:
        outcome.say(f"設定に計画期間「{period['plan_period']}」を記入しました（計画の取組目標の年度から。改定計画で延ばした年度は"
                    "次期計画の見通しとして扱います。違うときは設定シートで直してください）。")
    for key, (old, new) in moved.items():
        outcome.say(f"設定の{MOVED[key]}を「{old}」から「{new}」に進めました（"
                    + ("年度を1年進めました" if key == "meeting_name" else "1年後の同じ曜日")
                    + "。違うときは設定シートで直してください）。")
    if late:
        outcome.say("未完了のまま締めた担当課（年度別実績の「締めた時の提出状況」と履歴に記録）："
                    + "、".join(f"{l.name}（{l.state}）" for l in late))
    if blank:
        outcome.say(f"注意: 取組 {_few(blank)} には{new_label}の取組目標がありません（配布するファイルでは空欄になります）。")
    outcome.say(f"各課シートの入力欄を空にし、{label}の自己評価と実績・成果を「前年度」の列に移しました。"
                "提出状況はすべて未提出に戻しました。")
    outcome.say(f"マスターを保存しました: {master}" + (f"（保存前の控え: {written.backup.name}）" if written.backup else ""))
    if end_of_plan:
        outcome.say(f"計画期間の最後の年度（{label}）を締めました。このマスターでの報告はここまでです（{new_label}の取組目標が"
                    "ないため、配布はしません）。計画期間評価報告書は python -m macros period-report "
                    f"\"{master}\" で、すべての年度を締めた年度として作れます。次期計画は python -m macros new で新しいマスターを作ってください。")
    else:
        outcome.say(f"次は ① 配布 で{new_label}のファイルを配布してください。")
    outcome.say(f"{label}の報告書は python -m macros report \"{master}\" --fiscal-year {short_label(year)} で作り直せます。")
    outcome.files += [master, copy]
    return outcome


DEADLINES = {"deadline": "提出期限", "resubmission_deadline": "再提出期限", "meeting_date": "開催日（委員会用概要）"}
MOVED = DEADLINES | {"meeting_name": "会議名（委員会用概要）"}


def _moved_meeting_name(settings) -> dict[str, tuple[str, str]]:
    """The committee that reads the closed year's report meets in the next fiscal year: its name's year
    ('令和7年度第1回 …' when 令和6年度 closes) moves on one year with the report."""
    name = settings.meeting_name
    held, next_held = fiscal_year_label(settings.fiscal_year + 1), fiscal_year_label(settings.fiscal_year + 2)
    if held in name:
        return {"meeting_name": (name, name.replace(held, next_held))}
    typed = nfkc(name)          # 令和７年度 typed with full-width digits
    return {"meeting_name": (name, typed.replace(held, next_held))} if held in typed else {}


def _moved_deadlines(settings) -> dict[str, tuple[str, str]]:
    """設定's deadlines 52 weeks on, the same weekday (key -> (old, new)), those written as a date."""
    out = {}
    for key in DEADLINES:
        old = getattr(settings, key)
        new = shift_day(old, dt.timedelta(weeks=52)) if old else None     # the same weekday, a year on
        if new is not None:
            out[key] = (old, new)
    return out


def _refuse_closed(snap: MasterSnapshot, kept, summary) -> None:
    """The year is in 年度別実績 already, or nothing at all was reported for it (right after a close)."""
    year = snap.settings.fiscal_year
    label = fiscal_year_label(year)
    if any(r.fiscal_year == year for r in kept):
        raise MasterError(f"{label}はすでに締めています（シート「{names.SHEET_YEAR_RESULTS}」に{label}の行があります）。"
                          "何も変えていません。")
    reported = any(not e.is_blank() for p in summary.actions for e in p.entries.values()) or \
        any(p.internal_evaluation.strip() or p.committee_opinion.strip() for p in summary.actions) or \
        any(r.reported for r in status_of(snap))
    if reported:
        return
    before = fiscal_year_label(year - 1)
    if any(r.fiscal_year == year - 1 for r in kept):
        raise MasterError(f"{before}はすでに締めて、{label}に進めてあります。{label}の回答はまだ一つもないため、"
                          f"何も変えていません。{label}を締めるのは、{label}の回答を回収してからです。")
    raise MasterError(f"{label}の回答がまだ一つもないため、締められません（何も変えていません）。"
                      "① 配布・② 回収を済ませてから実行してください。")


def _refuse_stale_progress(snap: MasterSnapshot, summary, master: Path) -> None:
    rows = snap.rows(names.SHEET_PROGRESS)
    if progress_differences(rows if rows else None, summary):
        raise MasterError(f"シート「{names.SHEET_PROGRESS}」が各課シート・設定の今の内容と合っていないため、"
                          "年度を締めていません（締めた年度の実績と報告書は進捗一覧と同じ集計から作ります）。"
                          f"先に ③ 検証 を実行してから、もう一度実行してください（python -m macros validate \"{master}\"）。")


def _refuse_no_targets(plan: Plan, year: int, plan_file: Path | None, period_ends: bool = False) -> list[str]:
    """The actions without a 取組目標 for the year (refused when none has one). period_ends: the year
    closed is the plan period's last; the message offers --end-of-plan."""
    blank = plan.without_target(year)
    if year in plan.fiscal_years and len(blank) < len(plan.actions):
        return blank
    where = f"計画ファイル {plan_file.name} にも" if plan_file else "シート「計画」に"
    end = (f"計画期間がこの年度で終わり、このマスターでの報告をここまでにするときは --end-of-plan を付けて実行してください"
           f"（{fiscal_year_label(year - 1)}を締め、計画期間評価報告書は見込みなしで作れます。次期計画のマスターは new で作ります）。"
           if period_ends else "")
    raise MasterError(f"{where}{fiscal_year_label(year)}の取組目標がないため、年度を進めていません。"
                      f"シート「計画」に「取組目標({short_label(year)})」の列を追加して記入するか、{fiscal_year_label(year)}の"
                      "取組目標を入れた計画ファイル（new と同じ様式）を --plan で指定してください"
                      "（例：python -m macros next-year マスター.xlsm --plan 実施計画_改定.xlsx）。" + end)


def _revision(plan: Plan, plan_file: Path, first_year: int) -> Revision:
    revision = revise(plan, import_plan(plan_file, plan.municipality, plan.name), first_year)
    if not revision.matches:
        parts = ([f"計画にない取組 {_few(list(revision.unknown_codes))}"] if revision.unknown_codes else []) + \
                ([f"ファイルにない取組 {_few(list(revision.missing_codes))}"] if revision.missing_codes else [])
        raise MasterError(f"計画ファイル {plan_file.name} の取組がマスターの計画と合いません（{'、'.join(parts)}）。"
                          "--plan で置き換えるのは取組目標と事業費だけです。取組の追加・削除はシート「計画」で行ってから、"
                          "計画ファイルの取組番号をマスターに合わせてください。年度は進めていません。")
    return revision


def _plan_history(revision: Revision | None, stamp: str, plan_file: Path | None) -> list[list[object]]:
    if revision is None:
        return []
    return [[stamp, PLAN_REVISION, "", c.action_code, f"{c.kind}({short_label(c.fiscal_year)})",
             _shown(c.old, c.kind), _shown(c.new, c.kind), plan_file.name] for c in revision.changes]


def _revision_lines(revision: Revision, plan_file: Path) -> list[str]:
    targets = sum(1 for c in revision.changes if c.kind != BUDGET)
    budgets = len(revision.changes) - targets
    years = "・".join(fiscal_year_label(y) for y in revision.plan.fiscal_years)
    lines = [f"計画ファイル {plan_file.name} から、取組目標 {targets} 件・事業費 {budgets} 件を改定しました"
             f"（以前の値はシート「履歴」、操作「{PLAN_REVISION}」）。計画の年度：{years}"]
    if revision.added_years:
        lines.append(f"計画に {'・'.join(fiscal_year_label(y) for y in revision.added_years)} を加えました。")
    if revision.past_differences:
        lines.append(f"取組 {_few(list(revision.past_differences))} の締めた年度までの取組目標はファイルと違いますが、"
                     "締めた年度のものなので変えていません。")
    if revision.other_differences:
        lines.append(f"取組 {_few(list(revision.other_differences))} の重点取組・担当課はファイルと違いますが、変えていません"
                     "（直すときはシート「計画」で）。")
    return lines


def _shown(value: object, kind: str) -> object:
    if value is None or value == "":
        return ""
    if kind == BUDGET and isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _few(codes: list[str], limit: int = 5) -> str:
    return "、".join(codes[:limit]) + (f" ほか {len(codes) - limit} 件" if len(codes) > limit else "")

