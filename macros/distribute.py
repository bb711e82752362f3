"""配布: one .xlsx per department into the distribution folder; and the demo's sample returns.

A file already in the way is never overwritten: it is moved to 以前の配布/ with the time it was
last written in its name, so a copy someone already mailed out can still be found.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from workbook.files.department_file import file_name, read_department_file, write_department_file
from workbook.domain.era import fiscal_year_label, parse_date, wareki_date, western_year
from workbook.sheets.instructions import write_instructions
from workbook.files.master import Master
from workbook.domain.returns import Entry
from macros.sample_answers import NOT_RETURNED, fill_return, return_name

from workbook.errors import MasterError, os_reason
from workbook.ooxml.save import keep_aside, lock_file
from workbook.domain.settings import setting_cell
from generators.letters import request_memo_name, shared_location, write_request_memo

from .finish import refuse_hand_edited_year, refuse_year_without_targets
from .outcome import Outcome, Progress, quiet as _quiet

KEPT_FOLDER = "以前の配布"     # inside the distribution folder
KEPT_RETURNS_FOLDER = "以前の回収"  # inside the inbox, for the demo's sample returns


def run_distribute(master: Path, progress: Progress = _quiet) -> Outcome:
    progress(f"マスター {master.name} を開いています…")
    m = Master.open(master)
    refuse_hand_edited_year(m.snapshot)     # files of a year the master's sheets are not in
    plan, settings = m.plan, m.settings
    refuse_year_without_targets(m.snapshot, "配布していません")
    outcome = Outcome()
    _follow_the_scale(m, outcome)
    folder = m.folder(settings.distribution_folder)
    folder.mkdir(parents=True, exist_ok=True)
    departments = [d.name for d in plan.departments if plan.actions_of(d.name)]
    idle = [d.name for d in plan.departments if not plan.actions_of(d.name)]
    wanted = {file_name(settings, d) for d in departments}
    for stale in _stale_files(folder, settings, wanted):
        try:
            keep_aside(stale, folder / KEPT_FOLDER)
            outcome.say(f"担当する取組がなくなった課のファイル {stale.name} を {KEPT_FOLDER}/ に移しました。")
        except OSError as exc:
            outcome.say(f"{stale.name} を移せませんでした（{os_reason(exc)}。担当する取組がない課のファイルです）。")
    kept_count, failed = 0, []
    for i, department in enumerate(departments, start=1):
        progress(f"[{i}/{len(departments)}] {department} のファイルを作成しています…")
        path = folder / file_name(settings, department)
        try:
            kept = keep_aside(path, folder / KEPT_FOLDER)
            write_department_file(path, plan, settings, department, previous=_previous(m, department),
                                  instructions=write_instructions)
        except OSError as exc:     # open in Excel, a read-only folder, a full disk: the others go on
            failed.append(os_reason(exc))
            outcome.say(f"{department}: {path.name} を作成できませんでした（{os_reason(exc)}）。"
                        "閉じるか、フォルダに書き込めるようにしてから、もう一度配布してください。")
            continue
        if kept is not None:
            kept_count += 1
        actions = plan.actions_of(department)
        shared = sum(1 for a in actions if len(a.departments) > 1)
        outcome.files.append(path)
        outcome.say(f"{department}: {len(actions)} 取組" + (f"（うち他課と共同 {shared}）" if shared else "")
                    + f" → {path.name}")
    for name in idle:
        outcome.say(f"{name}: 担当する取組がないため、ファイルを作成しませんでした。")
    if kept_count:
        outcome.say(f"前回配布したファイル {kept_count} 件は上書きせず {settings.distribution_folder}/{KEPT_FOLDER}/ に"
                    "日時付きの名前で残しました。")
    if departments and not outcome.files:
        raise MasterError(f"配布用ファイルを 1 件も作成できませんでした（配布フォルダ: {folder}。{failed[0]}）。"
                          "ファイルを閉じるか、フォルダに書き込めるか確かめてから、もう一度配布してください。")
    outcome.lines.insert(0, f"配布用ファイルを {len(outcome.files)} 課分作成しました（配布フォルダ: {folder}）。"
                         + (f"{len(failed)} 課分は作成できませんでした（下記）。" if failed else ""))
    _request_memo(m, folder, outcome)
    outcome.say(f"各課にメール等で送付してください。提出期限: {settings.deadline or '（設定 シートで未設定）'}")
    early = deadline_before_year_end(settings.deadline, settings.fiscal_year)
    if early:
        outcome.say(f"注意: 提出期限「{settings.deadline}」は報告対象の{fiscal_year_label(settings.fiscal_year)}が"
                    f"終わる {wareki_date(early)} より前です（前の年度の期限のままではありませんか）。"
                    "配布したファイルにもこの期限が書かれています。設定シートの提出期限を直してから配布し直してください。")
    return outcome


def _request_memo(m: Master, folder: Path, outcome: Outcome) -> None:
    """The 照会文 (Word) that goes with the files; the one from an earlier run is kept in 以前の配布/."""
    settings = m.settings
    memo = folder / request_memo_name(settings)
    try:
        keep_aside(memo, folder / KEPT_FOLDER)
        outcome.files.append(write_request_memo(m.plan, settings, m.path.parent, memo))
    except OSError as exc:
        outcome.say(f"照会文 {memo.name} を作成できませんでした（{os_reason(exc)}）。閉じてからもう一度配布してください。")
        return
    outcome.say(f"照会文（Word）を作成しました: {memo.name}　文書番号・日付・文面を確かめてから、ファイルと一緒に送ってください。")
    for key, what in (("deadline", "提出期限"), ("sender", "発信者")):
        if not getattr(settings, key).strip():
            outcome.say(f"警告: {what}が空欄です（{setting_cell(key)}）。照会文の{what}の欄が空になっています。"
                        "入力してからもう一度配布してください。")
    if not shared_location(settings, m.path.parent, settings.distribution_folder):
        outcome.say(f"警告: 共有フォルダが空欄です（{setting_cell('shared_folder')}）。照会文には配布ファイルの場所を"
                    "「別途お知らせします」と書きました。各課が開ける共有フォルダを入力してからもう一度配布するか、場所を別にお知らせください。")


def parse_deadline(text: object) -> dt.date | None:
    """The date in a 提出期限 text ('令和7年5月30日（金）', 'R7.5.30', '2025/5/30', a date cell); None when
    there is none."""
    return parse_date(text)


def deadline_before_year_end(deadline: object, fiscal_year: int) -> dt.date | None:
    """The last day of the reported fiscal year when the deadline falls on or before it (results of a
    year can only be reported after it ends); None otherwise or when the deadline is not a date."""
    day = parse_deadline(deadline)
    year_end = dt.date(western_year(fiscal_year) + 1, 3, 31)
    return year_end if day is not None and day <= year_end else None


def _previous(m: Master, department: str) -> dict[str, Entry]:
    """Last year's answers where the master holds them (MasterSnapshot.previous)."""
    return m.previous_entries(department)


def _stale_files(folder: Path, settings, wanted: set[str]) -> list[Path]:
    """This year's files of departments that no longer have actions (other years are left alone)."""
    prefix = file_name(settings, "").removesuffix(".xlsx")   # 令和6年度_進捗報告_
    return [p for p in sorted(folder.glob(f"{prefix}*.xlsx")) if p.is_file() and p.name not in wanted]


def _follow_the_scale(m: Master, outcome: Outcome) -> None:
    """評価基準 edited since the master's department sheets were written: rewrite their drop-downs,
    marks and formulas (and 進捗一覧's colours) before the files go out, keeping every answer."""
    outdated = m.snapshot.scale_outdated()
    if not outdated:
        return
    if lock_file(m.path) is not None:     # open in Excel (the button): the file is not written under it
        outcome.say(f"シート「評価基準」が変更されていますが、マスターの各課シート（{'、'.join(outdated)}）の選択肢と"
                    "進捗一覧の色はまだ前の評価基準です。Excel でマスターを閉じてから、コマンドラインで配布"
                    "（python -m macros distribute）を実行すると反映されます。配布ファイルは新しい評価基準で作りました。")
        return
    for department in m.plan.departments:
        m.write_department(department.name, m.entries_of(department.name), m.contact_of(department.name))
    m.write_progress()
    m.save()
    outcome.say(f"シート「評価基準」の変更を、マスターの各課シート（{'、'.join(outdated)}）と進捗一覧に反映しました。")


def fill_sample_returns(master: Path, progress: Progress = _quiet) -> Outcome:
    """Demo: fill the distributed files as the departments would and put them in 回収/.

    The distributed files stay as they are; one department (sample_answers.NOT_RETURNED) sends nothing
    in the plan's first year (it returns its file in the later years of demo --years 3).
    """
    m = Master.open(master)
    plan, settings = m.plan, m.settings
    source = m.folder(settings.distribution_folder)
    inbox = m.folder(settings.inbox_folder)
    outcome = Outcome()
    current = fiscal_year_label(settings.fiscal_year)   # a person clears the earlier years' returns away
    for old in sorted(p for p in inbox.glob("*.xlsx") if not p.name.startswith(current)):
        keep_aside(old, inbox / KEPT_RETURNS_FOLDER)
    for department in (d.name for d in plan.departments if plan.actions_of(d.name)):
        distributed = source / file_name(settings, department)
        if department in NOT_RETURNED and settings.fiscal_year <= min(plan.fiscal_years, default=settings.fiscal_year):
            outcome.say(f"{department}: 未提出（サンプルでは提出しない課）")
            continue
        if not distributed.exists():
            outcome.say(f"{department}: 配布ファイル {distributed.name} がないため記入できません。")
            continue
        progress(f"{department} の回答を記入しています…")
        target = inbox / return_name(settings, department)
        keep_aside(target, inbox / KEPT_RETURNS_FOLDER)
        fill_return(distributed, target, plan, settings.scale)
        returned = read_department_file(target)
        outcome.files.append(target)
        outcome.say(f"{department}: {len(returned.entries) if returned else 0} 取組に記入 → {settings.inbox_folder}/{target.name}")
    return outcome


def fill_sample_evaluations(master: Path, progress: Progress = _quiet) -> Outcome:
    """Demo (--years 3): the section types 内部評価 and 委員会意見 into 進捗一覧 for some actions, as
    after the committee meets; the next year's files show them to the departments."""
    from macros.sample_answers import sample_evaluations
    from workbook.sheets import names
    from workbook.sheets import styles as st
    from workbook.sheets.progress_sheet import PROGRESS_EDITABLE, PROGRESS_HEADERS

    m = Master.open(master)
    evaluations = sample_evaluations(m.plan, m.settings.fiscal_year)
    ws = m.wb[names.SHEET_PROGRESS]
    code_col = PROGRESS_HEADERS.index("取組番号") + 1
    columns = [PROGRESS_HEADERS.index(name) + 1 for name in PROGRESS_EDITABLE]
    typed = 0
    for row in range(2, ws.max_row + 1):
        texts = evaluations.get(str(ws.cell(row=row, column=code_col).value or ""))
        if texts:
            for column, text in zip(columns, texts):
                st.write_text(ws, row, column, text or None)
            typed += 1
    m.save(backup=False)
    return Outcome([f"進捗一覧に内部評価・委員会意見（サンプル）を {typed} 取組に記入しました。"])
