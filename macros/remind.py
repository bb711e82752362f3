"""再依頼: the follow-up memo and one unsent mail draft per late department, into the 再依頼 folder.

Late = 未提出 or 要修正 on 提出状況 (with the open items of 検証結果, as on the correction lists).
The master is only read. What an earlier run wrote for this year is moved to 以前の再依頼/ first,
so no draft to a department that has since caught up stays where it could be sent by mistake.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from generators.letters import due, reminder_name, shared_location, write_reminder
from generators.mail_draft import addresses, draft_name, mail_draft, write_mail_draft
from workbook.domain.era import fiscal_year_label
from workbook.domain.settings import setting_cell
from workbook.files import corrections, department_file
from workbook.files.snapshot import MasterSnapshot
from workbook.ooxml.save import keep_aside
from workbook.rules.late import Late, late_departments
from workbook.rules.status import CheckRow, StatusRow
from workbook.sheets import names

from .finish import refuse_hand_edited_year, refuse_year_without_targets
from .outcome import Outcome, Progress, quiet as _quiet

KEPT_FOLDER = "以前の再依頼"   # inside the 再依頼 folder


def run_remind(master: Path, progress: Progress = _quiet, today: dt.date | None = None) -> Outcome:
    progress(f"マスター {master.name} を開いています…")
    snap = MasterSnapshot.read(master)
    refuse_hand_edited_year(snap)
    refuse_year_without_targets(snap, "再依頼の文書を作っていません")
    plan, settings = snap.plan, snap.settings
    status = [StatusRow.from_row(r) for r in snap.status_rows()]
    late = late_departments(plan, status, CheckRow.from_sheet(snap.rows(names.SHEET_CHECKS)))
    outcome = Outcome()
    if not late:
        outcome.say("未提出・要修正の担当課はありません。再依頼の文書とメールの下書きは作成しませんでした。")
        return outcome
    folder = snap.folder(settings.reminder_folder)
    folder.mkdir(parents=True, exist_ok=True)
    _keep_earlier(folder, settings, outcome)
    if not any(r.file or r.reported for r in status):
        outcome.say(f"まだ回収していないため（シート「{names.SHEET_STATUS}」に受け取ったファイルがありません）、"
                    f"担当するすべての課（{len(late)} 課）に提出を依頼します。")
    if not settings.deadline.strip():
        outcome.say(f"警告: 提出期限が空欄です（{setting_cell('deadline')}）。文書とメールには「未定」と書きました。"
                    "期限を入力してから、もう一度 ⑤ 再依頼 を実行してください。")
    elif due(settings, today) == "至急":
        outcome.say(f"警告: {'再提出期限' if settings.resubmission_deadline.strip() else '提出期限'}が過ぎているため、"
                    "文書とメールには「至急」と書きました。新しい期限を示すときは、再提出期限"
                    f"（{setting_cell('resubmission_deadline')}）に入力してから、もう一度 ⑤ 再依頼 を実行してください。")
    if not settings.sender.strip():
        outcome.say(f"警告: 発信者が空欄です（{setting_cell('sender')}）。文書の発信者欄が空になっています。")
    progress("再依頼の文書を作成しています…")
    memo = write_reminder(settings, late, folder / reminder_name(settings), today)
    outcome.files.append(memo)
    waiting = [x.name for x in late if x.not_returned]
    fixing = [x.name for x in late if not x.not_returned]
    outcome.say(f"再依頼の文書を作成しました: {memo}")
    if waiting:
        outcome.say("　未提出: " + "、".join(waiting))
    if fixing:
        outcome.say("　要修正: " + "、".join(fixing))
    if not settings.attach_files and not shared_location(settings, snap.path.parent):
        outcome.say(f"警告: 共有フォルダが空欄のため（{setting_cell('shared_folder')}）、メールにファイルの場所を書けませんでした"
                    "（「問い合わせ先にお尋ねください」としました）。入力してから、もう一度 ⑤ 再依頼 を実行してください。")
    for i, x in enumerate(late, start=1):
        progress(f"[{i}/{len(late)}] {x.name} へのメールの下書きを作成しています…")
        outcome.files.append(_draft(snap, x, folder, outcome, today))
    outcome.say(f"メールの下書き（.eml、未送信）を {len(late)} 件作成しました（{folder}）。"
                "ダブルクリックするとメールソフトで開きます。内容を確かめてから送信してください。")
    return outcome


def _draft(snap: MasterSnapshot, late: Late, folder: Path, outcome: Outcome, today: dt.date | None = None) -> Path:
    settings = snap.settings
    to, unreadable = addresses(late.department.email)
    if unreadable:
        outcome.say(f"警告: {late.name} のメールアドレス「{'、'.join(unreadable)}」を読めません"
                    f"（シート「{names.SHEET_DEPARTMENTS}」の「メール」列）。宛先から外しました。")
    if not to:
        outcome.say(f"警告: {late.name} のメールアドレスがありません。下書きの宛先は空です。"
                    f"シート「{names.SHEET_DEPARTMENTS}」の「メール」列に入力するか、送信前に宛先を入力してください。")
    if late.not_returned:
        sub, name = settings.distribution_folder, department_file.file_name(settings, late.name)
    else:
        sub, name = settings.correction_folder, corrections.file_name(settings, late.name)
    file = snap.folder(sub) / name
    attachment, location = None, ""
    if not file.is_file():
        outcome.say(f"警告: {late.name} に付けるファイル {sub}/{name} がありません（"
                    + ("① 配布 を実行してください" if late.not_returned else "③ 検証 を実行すると作られます")
                    + "）。下書きには付けていません。")
    elif settings.attach_files:
        attachment = file
    else:
        location = shared_location(settings, snap.path.parent, sub, name)
    path = folder / draft_name(settings, late.name)
    write_mail_draft(path, mail_draft(settings, late, to, attachment, location, today))
    return path


def _keep_earlier(folder: Path, settings, outcome: Outcome) -> None:
    year = fiscal_year_label(settings.fiscal_year)
    earlier = [folder / reminder_name(settings)] + sorted(folder.glob(f"{year}_再依頼_*.eml"))
    moved = 0
    for path in earlier:
        try:
            moved += keep_aside(path, folder / KEPT_FOLDER) is not None
        except PermissionError:
            outcome.say(f"{path.name} は開かれているため移せませんでした。閉じてからもう一度実行してください。")
    if moved:
        outcome.say(f"前回作成した再依頼の文書・下書き {moved} 件は {settings.reminder_folder}/{KEPT_FOLDER}/ に移しました。")
