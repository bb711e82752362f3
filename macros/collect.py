"""② 回収: take in every returned file, find every mistake, lose nothing.

Collect, in order:
1. every file directly in the inbox is copied byte for byte into the archive (受領控) with its
   SHA-256 and the time received, before anything reads it (Excel's ~$ lock files are listed
   and skipped; files in subfolders are named, not read). An inbox given explicitly must exist;
2. each archived copy is opened safely (workbook.files.intake) and identified by the identity sheet
   inside it, never by its name, and by its rows: a table that is not the named department's is
   rejected. When every file names the same other plan, the cause is 設定 changed after
   distribution: that is said once, and no correction list is written for it;
3. each department's return is chosen among its files and the return accepted before (read back
   from the archive): the newer one, as workbook.rules.merge defines it;
4. the chosen return is checked (workbook.rules.checks and rules.rows: what is flagged is never merged); when it is not the return accepted before,
   it is merged into the department's sheet (values it replaces go to 履歴). Answers in the
   master for rows the plan no longer has go to 履歴 (「計画から削除」) when the sheet is rewritten;
5. 進捗一覧, 提出状況 and 検証結果 are rebuilt, correction lists (返却票) written, and the master
   saved once (workbook.files.master_update). Collecting the same inbox again writes nothing.
A department counts as reported (受理/要修正) only when a return of its own was merged; one whose
files were all rejected stays 未提出, with the last of those files named in 提出状況.
Validate (macros/validate.py) checks what the master's department sheets hold with the same rules.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from workbook.domain.era import fiscal_year_label
from workbook.domain.normalize import loose
from workbook.domain.problems import Report, problem
from workbook.errors import MasterError
from workbook.files.archive import Archive, ArchiveRecord
from workbook.files.intake import Intake, inspect, is_ignored, is_lock_file, lock_problem, reason_text
from workbook.files.master_update import apply
from workbook.files.snapshot import MasterSnapshot
from workbook.rules.checks import (Where, column_problems, file_name_problems, identity_problems, ownership_problems,
                                   return_problems)
from workbook.rules.merge import Candidate, incoming_entries, merge_contact, merge_entries, newest
from workbook.rules.rows import blocked, with_kept_values
from workbook.rules.status import SECTION_ONLY, Taken, status_rows
from workbook.sheets.layout import DATA_SHEET, closed_keys

from .finish import Writer, accepted_before, check_rows, finish, refuse_deleted_rows, refuse_hand_edited_year, status_of
from .merged import Merged, now as _now, plan_drops as _plan_drops
from .batch import batch
from .outcome import Outcome, Progress, quiet as _quiet



@dataclass
class Received:
    file: str                   # name as received
    record: ArchiveRecord
    intake: Intake
    earlier: bool = False       # the return accepted before, read back from the archive
    kept_before: bool = False   # already in the archive before this collect (received in an earlier one)


@batch
def run_collect(master: Path, inbox: Path | None = None, progress: Progress = _quiet,
                write: Writer = apply) -> Outcome:
    progress(f"マスター {master.name} を読み込んでいます…")
    snap = MasterSnapshot.read(master)
    refuse_hand_edited_year(snap)
    refuse_deleted_rows(snap)
    outcome, report = Outcome(), Report()
    folder = _inbox_folder(snap, inbox, outcome)
    archive = Archive(snap.folder(snap.settings.archive_folder))
    for note in archive.notes:
        outcome.say(note)
    stored = _archive_inbox(folder, master, archive, report, outcome, progress)
    progress("ファイルを開いて識別しています…")
    received = _open(stored, accepted_before(snap), archive, outcome)
    candidates, rejected, stale = _identify(received, snap, report, outcome)
    progress("検証して取り込んでいます…")
    drops = _plan_drops(snap, outcome)
    merged = _merge(snap, candidates, {r.record.sha256 for r in received if r.earlier}, report, outcome, drops)
    taken = {name: Taken(c.file, c.record.received_at, c.record.sha256) for name, c in merged.chosen.items()}
    last_rejected = {name: max(files, key=lambda x: (x.intake.saved_at or x.record.modified, x.record.received_at))
                     for name, files in rejected.items()}
    status = status_rows(snap.plan, status_of(snap), report, taken,
                         {name: Taken(r.file, r.record.received_at) for name, r in last_rejected.items()},
                         merged.contacts, stale=stale)
    written = finish(snap, report, status, merged.entries, merged.departments, merged.history, outcome, progress,
                      write=write)
    if written.changed:
        outcome.say(f"マスターを保存しました: {master}" + (f"（保存前の控え: {written.backup.name}）" if written.backup else ""))
    else:
        outcome.say("マスターの内容に変更はありません（書き換えていません）。")
    return outcome


def _inbox_folder(snap: MasterSnapshot, inbox: Path | None, outcome: Outcome) -> Path:
    """The inbox to read: one given must exist; the default one (設定) is made when missing."""
    folder = Path(inbox) if inbox is not None else snap.folder(snap.settings.inbox_folder)
    if folder.exists() and not folder.is_dir():
        raise MasterError(f"回収フォルダに指定した {folder} はフォルダではなくファイルです。"
                          "提出されたファイルを入れたフォルダを指定してください。")
    if not folder.exists():
        if inbox is not None:
            raise MasterError(f"回収フォルダ {folder} がありません。フォルダの場所と名前を確認してください。")
        folder.mkdir(parents=True, exist_ok=True)
        outcome.say(f"回収フォルダ {folder} がなかったので作成しました。提出されたファイルをここに入れてください。")
    return folder


def _has_files(folder: Path) -> bool:
    try:
        return any(p.is_file() and not is_ignored(p.name) for p in folder.rglob("*"))
    except OSError:
        return True


def _archive_inbox(inbox: Path, master: Path, archive: Archive, report: Report, outcome: Outcome,
                   progress: Progress) -> list[tuple[str, ArchiveRecord, bytes | None]]:
    """Step 1: every file directly in the inbox into the archive, before anything reads it."""
    entries = sorted(inbox.iterdir())
    master_path = master.resolve()
    files = [p for p in entries if p.is_file() and not is_ignored(p.name)
             and not p.name.startswith(".~tmp_") and p.resolve() != master_path]
    subfolders = [p.name for p in entries if p.is_dir() and not is_ignored(p.name) and _has_files(p)]
    if subfolders:
        outcome.say(f"サブフォルダ内のファイルは読みません: {'、'.join(subfolders)}"
                    f"（取り込むファイルは {inbox.name} の直下に置いてください）。")
    progress(f"{len(files)} 件のファイルを受領控に保管しています…")
    stored, new = [], 0
    try:
        for path in files:
            if is_lock_file(path.name):
                report.add(lock_problem(path.name))
                outcome.say(f"{path.name}: Excel の一時ファイル（~$）のため読み飛ばしました。")
                continue
            try:
                record, data, added = archive.add(path)
            except OSError as exc:   # in use, vanished, or no permission: the others go on
                report.add(problem("file-unreadable", file=path.name, value=reason_text(exc)))
                outcome.say(f"{path.name}: 読み取れないため保管できませんでした（{reason_text(exc)}）。")
                continue
            new += added
            stored.append((path.name, record, data, not added))
    finally:
        archive.save_index()
    outcome.say(f"回収フォルダのファイル {len(stored)} 件を受領控に保管しました（新規 {new} 件）: {archive.folder}")
    return stored


def _safe_inspect(data: bytes | None, name: str, size: int) -> Intake:
    try:
        return inspect(data, name, size)
    except Exception as exc:  # a defect in reading one file must not stop the others
        return Intake(name, problems=[problem("file-unreadable", file=name, value=reason_text(exc))])


def _open(stored, accepted: dict[str, str], archive: Archive, outcome: Outcome) -> list[Received]:
    """Step 2: open each archived file once (same bytes under two names count once), and read back
    the returns accepted before that are no longer in the inbox."""
    received: list[Received] = []
    seen: dict[str, str] = {}
    for name, record, data, kept_before in stored:
        if record.sha256 in seen:
            outcome.say(f"{name}: {seen[record.sha256]} と同じ内容のため、1件として扱います。")
            continue
        seen[record.sha256] = name
        received.append(Received(name, record, _safe_inspect(data, name, record.size), kept_before=kept_before))
    for sha in accepted.values():
        record = archive.find(sha)
        data = archive.read(record) if record and sha not in seen else None
        if data is not None:
            received.append(Received(record.name, record, _safe_inspect(data, record.name, record.size), earlier=True))
    return received


def _identify(received: list[Received], snap: MasterSnapshot, report: Report,
              outcome: Outcome) -> tuple[dict[str, list[Candidate]], dict[str, list[Received]], set[str]]:
    """Step 2b: whose return each file is, from its identity sheet and its rows. A return accepted
    before that no longer fits (the fiscal year in 設定 moved on) is left out quietly; a file of an
    earlier fiscal year that an earlier collect already archived (last year's returns still in the
    inbox) is left out with a note to the section, not counted against its department."""
    plan, settings = snap.plan, snap.settings
    candidates: dict[str, list[Candidate]] = {}
    rejected: dict[str, list[Received]] = {}
    stale: set[str] = set()   # departments whose earlier return belongs to another year or plan
    known = {d.name for d in plan.departments}
    accepted_by = accepted_before(snap)
    accepted = set(accepted_by.values())
    previous: list[Received] = []
    # an old-year file this year's collect already held against its department stays so
    flagged = {str(row.file) for row in check_rows(snap) if row.code == "wrong-fiscal-year"}
    checked = [(r, _identity_check(r, snap, r.earlier or r.record.sha256 in accepted)) for r in received]
    renamed = _settings_renamed(checked)
    if renamed:
        outcome.say(f"受け取ったファイルはすべて「{renamed}」として配布されたものです。設定の計画名／自治体名"
                    f"（{settings.municipality} {settings.plan_name}）が配布時と違います。設定を配布時に戻すか、"
                    "配布し直してください（このための返却票は作りません）。")
    for r, wrong in checked:
        ret = r.intake.ret
        if renamed:
            wrong = [replace(p, code="plan-name-changed") if p.code == "wrong-plan" else p for p in wrong]
        only_renamed = bool(wrong) and all(p.code in SECTION_ONLY for p in wrong)
        if only_renamed and (r.earlier or r.record.sha256 in accepted):
            wrong = []    # accepted before under the name it was distributed with: it stays as it was
        if r.earlier and (r.intake.problems or wrong or ret is None):
            if ret is not None and not only_renamed:
                stale.add(ret.identity.department)
            continue
        if r.kept_before and ret is not None and 0 < ret.identity.fiscal_year < settings.fiscal_year \
                and r.file not in flagged:
            previous.append(r)
            if accepted_by.get(ret.identity.department) == r.record.sha256:
                stale.add(ret.identity.department)      # last year's accepted return: not this year's
            continue
        report.add(r.intake.problems)
        if ret is None:
            outcome.say(f"{r.file}: 読み込めません（{r.intake.problems[0].type.title}）。")
            continue
        if wrong:
            report.add(wrong)
            if only_renamed:       # the section's own change: 提出状況 stays as it was, no correction list
                outcome.say(f"{r.file}: 取り込みません（{'、'.join(dict.fromkeys(p.type.title for p in wrong))}）。")
                continue
            owner = next((p.department for p in wrong if p.code == "file-name-mismatch"), ret.identity.department)
            if owner in known:
                rejected.setdefault(owner, []).append(r)
            outcome.say(f"{r.file}: 取り込みません（{'、'.join(dict.fromkeys(p.type.title for p in wrong))}）。")
            continue
        candidates.setdefault(ret.identity.department, []).append(
            Candidate(ret, r.record, r.intake.saved_at, r.file))
    _say_previous_year(previous, settings.fiscal_year, report, outcome)
    return candidates, rejected, stale


def _say_previous_year(previous: list[Received], fiscal_year: int, report: Report, outcome: Outcome) -> None:
    """Last year's files still in the inbox: a warning for the section only (no department, no 返却票)."""
    for r in previous:
        report.add(problem("previous-year-file", file=r.file, value=fiscal_year_label(r.intake.ret.identity.fiscal_year),
                           expected=fiscal_year_label(fiscal_year)))
    if previous:
        years = "・".join(dict.fromkeys(fiscal_year_label(r.intake.ret.identity.fiscal_year)
                                        for r in sorted(previous, key=lambda r: r.intake.ret.identity.fiscal_year)))
        outcome.say(f"{years} のファイル {len(previous)} 件（{'、'.join(r.file for r in previous)}）は以前の回収で"
                    f"受領控に保管済みのため、{fiscal_year_label(fiscal_year)} の回収では読み飛ばしました"
                    "（担当課の未提出・要修正には数えず、返却票も作りません）。回収フォルダから移してください。")


def _identity_check(r: Received, snap: MasterSnapshot, accepted_before: bool) -> list:
    ret = r.intake.ret
    if ret is None:
        return []
    wrong = identity_problems(ret.identity, snap.plan, snap.settings, r.file)
    if not any(p.code == "unknown-department" for p in wrong):
        wrong += file_name_problems(ret.identity, snap.plan, r.file)
        wrong += ownership_problems(ret, snap.plan, r.file, foreign_rows=not accepted_before)
        wrong += column_problems(ret, r.file)
    return wrong


def _settings_renamed(checked: list[tuple[Received, list]]) -> str:
    """The plan every readable file names, when all of them name the same plan other than 設定's
    (計画名 or 自治体名 corrected after distribution); '' otherwise."""
    names: dict[str, str] = {}
    for r, wrong in checked:
        if r.intake.ret is None:
            continue
        other = next((p.value for p in wrong if p.code == "wrong-plan"), None)
        if other is None:
            return ""
        names[loose(other)] = other
    return next(iter(names.values())) if len(names) == 1 else ""


def _merge(snap: MasterSnapshot, candidates: dict[str, list[Candidate]], from_archive: set[str], report: Report,
           outcome: Outcome, drops: Merged | None = None) -> Merged:
    """Steps 3-4: the newer return of each department is checked, and merged unless accepted before.

    drops: the departments whose sheets lose rows the plan no longer has (_plan_drops)."""
    plan, settings = snap.plan, snap.settings
    accepted = accepted_before(snap)
    earlier = snap.earlier_actuals()      # 累計 indicators add up the closed years (年度別実績)
    closed = closed_keys(settings.fiscal_year, settings.period_end(plan.fiscal_years))   # not asked this year
    now = _now()
    out = Merged()
    if drops is not None:
        out.departments.update(drops.departments)
        out.history += drops.history
    for department in plan.departments:
        name = department.name
        state = snap.department(name)
        entries, contact = state.entries, state.contact
        if name in candidates:
            chosen, older = newest(candidates[name])
            out.chosen[name] = chosen
            for other in older:
                if other.record.sha256 not in from_archive:   # a file still in the inbox that lost
                    report.add(problem("older-return", file=other.file, department=name, expected=chosen.file))
                    outcome.say(f"{other.file}: {name} のより新しいファイル {chosen.file} があるため取り込みません。")
            found = return_problems(chosen.ret, plan, settings, Where(chosen.file, DATA_SHEET, name), earlier)
            found = with_kept_values(found, chosen.ret, state.table.values if state.table else {}, state.contact)
            report.add(found)
            _say_plan_changes(found, name, outcome)
            if chosen.record.sha256 != accepted.get(name):
                held = blocked(found, chosen.ret)      # what was reported as an error is never merged
                entries, changes = merge_entries(
                    entries, incoming_entries(chosen.ret, plan, name, held, settings.scale, closed), plan, name,
                    settings.fiscal_year)
                contact, more = merge_contact(contact, (chosen.ret.contact_name, chosen.ret.contact_phone), name,
                                              keep=held)
                changes += more
                out.history += [[now, "回収", c.department, c.action_code, c.field, c.old, c.new, chosen.file]
                                for c in changes]
                out.departments[name] = (entries, contact)
                outcome.say(f"{chosen.file}: {name} の報告を取り込みました"
                            + (f"（上書き {len(changes)} 件は履歴に記録）。" if changes else "。"))
        out.contacts[name] = contact
        out.entries.update({(name, code): e for code, e in entries.items()})
    return out


def _say_plan_changes(found: list, department: str, outcome: Outcome) -> None:
    """Rows the plan gained or lost after the file was distributed: for the section, in the output too."""
    for code, text in (("row-not-distributed", "は配布後に計画に追加されたため、ファイルにありません。"
                                               f"{department} に配布し直してください。"),
                       ("row-not-in-plan", "は配布後に計画から削除されたため、その行は取り込みません。")):
        labels = list(dict.fromkeys(p.value for p in found if p.code == code))
        if labels:
            outcome.say(f"{department}: 取組 {'、'.join(labels)} {text}")


