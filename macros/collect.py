"""回収 and 検証: take in every returned file, find every mistake, lose nothing.

Collect, in order:
1. every file directly in the inbox is copied byte for byte into the archive (受領控) with its
   SHA-256 and the time received, before anything reads it (Excel's ~$ lock files are listed
   and skipped);
2. each archived copy is opened safely (workbook.intake) and identified by the identity sheet
   inside it, never by its name;
3. each department's return is chosen among its files and the return accepted before (read back
   from the archive): the newer one, as workbook.merge defines it;
4. the chosen return is checked (workbook.checks); when it is not the return accepted before,
   it is merged into the department's sheet (values it replaces go to 履歴);
5. 進捗一覧, 提出状況 and 検証結果 are rebuilt, correction lists (返却票) written, and the master
   saved once (workbook.master_update). Collecting the same inbox again writes nothing.
Validate checks what the master's department sheets hold and refreshes the same sheets.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable

from workbook.archive import Archive, ArchiveRecord
from workbook.checks import Where, entry_problems, identity_problems, return_problems
from workbook.corrections import Item, item, write_corrections
from workbook.intake import Intake, inspect, is_ignored, is_lock_file, lock_problem
from workbook import master_sheets as ms
from workbook.layout import DATA_SHEET
from workbook.master import sheet_title
from workbook.master_update import MasterUpdate, Written, apply
from workbook.merge import Candidate, incoming_entries, merge_contact, merge_entries, newest
from workbook.problems import ERROR, SEVERITY_LABELS, Report, problem
from workbook.progress import summarize
from workbook.returns import DepartmentReturn, Entry, Identity
from workbook.snapshot import MasterSnapshot

from .operations import Outcome, Progress, _quiet

# Writes the decided update into the master: apply() saves the file (command line); the Excel
# buttons pass macros.excel.XlwingsBook.write_update, which puts the changes into the open book.
Writer = Callable[[MasterSnapshot, MasterUpdate], Written]
ACCEPTED, NEEDS_FIX, NOT_RETURNED = "受理", "要修正", "未提出"
SHA_COLUMN = ms.STATUS_HEADERS.index("SHA-256")
ENTRY_CODES = frozenset({"required-missing", "contact-missing", "grade-invalid", "reason-missing", "number-invalid",
                         "grade-inconsistent", "formula-in-input", "text-too-long", "not-returned"})


@dataclass
class Received:
    file: str                   # name as received
    record: ArchiveRecord
    intake: Intake
    earlier: bool = False       # the return accepted before, read back from the archive


@dataclass
class Merged:
    """What merging decided, department by department."""

    chosen: dict[str, Candidate] = field(default_factory=dict)
    departments: dict[str, tuple[dict, tuple[str, str]]] = field(default_factory=dict)   # sheets to write
    entries: dict[tuple[str, str], Entry] = field(default_factory=dict)                   # (department, code)
    contacts: dict[str, tuple[str, str]] = field(default_factory=dict)
    history: list[list[object]] = field(default_factory=list)


def run_collect(master: Path, inbox: Path | None = None, progress: Progress = _quiet,
                write: Writer = apply) -> Outcome:
    progress(f"マスター {master.name} を読み込んでいます…")
    snap = MasterSnapshot.read(master)
    outcome, report = Outcome(), Report()
    archive = Archive(snap.folder(snap.settings.archive_folder))
    stored = _archive_inbox(inbox or snap.folder(snap.settings.inbox_folder), master, archive, report, outcome,
                            progress)
    progress("ファイルを開いて識別しています…")
    received = _open(stored, _accepted(snap), archive, outcome)
    candidates, rejected, stale = _identify(received, snap, report, outcome)
    progress("検証して取り込んでいます…")
    merged = _merge(snap, candidates, {r.record.sha256 for r in received if r.earlier}, report, outcome)
    status = _status_rows(snap, report, merged.chosen, rejected, merged.contacts, stale=stale)
    written = _finish(snap, report, status, merged.entries, merged.departments, merged.history, outcome, progress,
                      write=write)
    if written.changed:
        outcome.say(f"マスターを保存しました: {master}" + (f"（保存前の控え: {written.backup.name}）" if written.backup else ""))
    else:
        outcome.say("マスターの内容に変更はありません（書き換えていません）。")
    return outcome


def _archive_inbox(inbox: Path, master: Path, archive: Archive, report: Report, outcome: Outcome,
                   progress: Progress) -> list[tuple[str, ArchiveRecord, bytes | None]]:
    """Step 1: every file directly in the inbox into the archive, before anything reads it."""
    if not inbox.is_dir():
        inbox.mkdir(parents=True, exist_ok=True)
        outcome.say(f"回収フォルダ {inbox} がなかったので作成しました。提出されたファイルをここに入れてください。")
    files = sorted(p for p in inbox.iterdir() if p.is_file() and not is_ignored(p.name)
                   and not p.name.startswith(".~tmp_") and p.resolve() != master.resolve())
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
                report.add(problem("file-unreadable", file=path.name, value=str(exc)[:120]))
                outcome.say(f"{path.name}: 読み取れないため保管できませんでした（{exc.strerror or exc}）。")
                continue
            new += added
            stored.append((path.name, record, data))
    finally:
        archive.save_index()
    outcome.say(f"回収フォルダのファイル {len(stored)} 件を受領控に保管しました（新規 {new} 件）: {archive.folder}")
    return stored


def _safe_inspect(data: bytes | None, name: str, size: int) -> Intake:
    try:
        return inspect(data, name, size)
    except Exception as exc:  # a defect in reading one file must not stop the others
        return Intake(name, problems=[problem("file-unreadable", file=name, value=f"{type(exc).__name__}: {exc}"[:120])])


def _open(stored, accepted: dict[str, str], archive: Archive, outcome: Outcome) -> list[Received]:
    """Step 2: open each archived file once (same bytes under two names count once), and read back
    the returns accepted before that are no longer in the inbox."""
    received: list[Received] = []
    seen: dict[str, str] = {}
    for name, record, data in stored:
        if record.sha256 in seen:
            outcome.say(f"{name}: {seen[record.sha256]} と同じ内容のため、1件として扱います。")
            continue
        seen[record.sha256] = name
        received.append(Received(name, record, _safe_inspect(data, name, record.size)))
    for sha in accepted.values():
        record = archive.find(sha)
        data = archive.read(record) if record and sha not in seen else None
        if data is not None:
            received.append(Received(record.name, record, _safe_inspect(data, record.name, record.size), earlier=True))
    return received


def _identify(received: list[Received], snap: MasterSnapshot, report: Report,
              outcome: Outcome) -> tuple[dict[str, list[Candidate]], dict[str, list[Received]], set[str]]:
    """Step 2b: whose return each file is, from its identity sheet. A return accepted before that no
    longer fits (the fiscal year in 設定 moved on) is left out quietly."""
    plan, settings = snap.plan, snap.settings
    candidates: dict[str, list[Candidate]] = {}
    rejected: dict[str, list[Received]] = {}
    stale: set[str] = set()   # departments whose earlier return belongs to another year or plan
    known = {d.name for d in plan.departments}
    for r in received:
        ret = r.intake.ret
        wrong = identity_problems(ret.identity, plan, settings, r.file) if ret is not None else []
        if r.earlier and (r.intake.problems or wrong or ret is None):
            if ret is not None:
                stale.add(ret.identity.department)
            continue
        report.add(r.intake.problems)
        if ret is None:
            outcome.say(f"{r.file}: 読み込めません（{r.intake.problems[0].type.title}）。")
            continue
        if wrong:
            report.add(wrong)
            if ret.identity.department in known:
                rejected.setdefault(ret.identity.department, []).append(r)
            outcome.say(f"{r.file}: 取り込みません（{'、'.join(p.type.title for p in wrong)}）。")
            continue
        candidates.setdefault(ret.identity.department, []).append(
            Candidate(ret, r.record, r.intake.saved_at, r.file))
    return candidates, rejected, stale


def _merge(snap: MasterSnapshot, candidates: dict[str, list[Candidate]], from_archive: set[str], report: Report,
           outcome: Outcome) -> Merged:
    """Steps 3-4: the newer return of each department is checked, and merged unless accepted before."""
    plan, settings = snap.plan, snap.settings
    accepted = _accepted(snap)
    now = dt.datetime.now().strftime("%Y-%m-%d %H:%M:%S")
    out = Merged()
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
            report.add(return_problems(chosen.ret, plan, settings, Where(chosen.file, DATA_SHEET, name)))
            if chosen.record.sha256 != accepted.get(name):
                entries, changes = merge_entries(entries, incoming_entries(chosen.ret, plan, name), plan, name)
                contact, more = merge_contact(contact, (chosen.ret.contact_name, chosen.ret.contact_phone), name)
                changes += more
                out.history += [[now, "回収", c.department, c.action_code, c.field, c.old, c.new, chosen.file]
                                for c in changes]
                out.departments[name] = (entries, contact)
                outcome.say(f"{chosen.file}: {name} の報告を取り込みました"
                            + (f"（上書き {len(changes)} 件は履歴に記録）。" if changes else "。"))
        out.contacts[name] = contact
        out.entries.update({(name, code): e for code, e in entries.items()})
    return out


def run_validate(master: Path, progress: Progress = _quiet, write: Writer = apply) -> Outcome:
    progress(f"マスター {master.name} を読み込んでいます…")
    snap = MasterSnapshot.read(master)
    plan, settings = snap.plan, snap.settings
    outcome, report = Outcome(), Report()
    carried = [row for row in snap.check_rows() if len(row) > 1 and row[1] not in ENTRY_CODES]
    accepted = _accepted(snap)
    entries_all, contacts = {}, {}
    for department in plan.departments:
        name = department.name
        state = snap.department(name)
        contacts[name] = state.contact
        entries_all.update({(name, code): e for code, e in state.entries.items()})
        if name in accepted and state.table is not None:
            t = state.table
            ret = DepartmentReturn(Identity(settings.municipality, settings.plan_name, settings.fiscal_year, name, "", t.keys),
                                   t.entries, t.contact[0], t.contact[1], t.keys, t.key_rows, t.plan_cells,
                                   snap.formulas(sheet_title(name)), t.extra_rows)
            report.add(entry_problems(ret, plan, settings, Where(master.name, sheet_title(name), name)))
    status = _status_rows(snap, report, {}, {}, contacts, carried, validate=True)
    written = _finish(snap, report, status, entries_all, {}, [], outcome, progress, carried, write=write)
    outcome.say("マスターを更新しました。" if written.changed else "マスターの内容に変更はありません（書き換えていません）。")
    return outcome


# --- shared by collect and validate ------------------------------------------------------------
def _accepted(snap: MasterSnapshot) -> dict[str, str]:
    """Department -> SHA-256 of the return accepted before (from 提出状況)."""
    return {str(r[0]): _sha(r) for r in snap.status_rows() if _sha(r) and r[2] in (ACCEPTED, NEEDS_FIX)}


def _sha(row: list[object]) -> str:
    return str(row[SHA_COLUMN] or "") if len(row) > SHA_COLUMN else ""


def _count(rows: list[list[object]], severity: str) -> int:
    return sum(1 for r in rows if r[0] == SEVERITY_LABELS[severity])


def _status_rows(snap: MasterSnapshot, report: Report, chosen_by: dict[str, Candidate],
                 rejected: dict[str, list[Received]], contacts: dict[str, tuple[str, str]],
                 carried: list[list[object]] = (), validate: bool = False,
                 stale: set[str] = frozenset()) -> list[list[object]]:
    """提出状況: one row per department; adds a not-returned problem for each department still 未提出."""
    before = {str(r[0]): r for r in snap.status_rows()}
    rows = []
    for department in snap.plan.departments:
        name = department.name
        actions = len(snap.plan.actions_of(name))
        problems = [p for p in report.for_department(name)]
        mine = [r for r in carried if len(r) > 3 and r[3] == name]
        errors = sum(1 for p in problems if p.is_error) + _count(mine, ERROR)
        warnings = len(problems) + len(mine) - errors
        contact = list(contacts.get(name, ("", "")))
        old = before.get(name)
        if name in chosen_by:
            c = chosen_by[name]
            row = [name, actions, NEEDS_FIX if errors else ACCEPTED, errors, warnings, c.file, c.record.received_at,
                   *contact, c.record.sha256]
        elif name in rejected:
            r = max(rejected[name], key=lambda x: (x.intake.saved_at or x.record.modified, x.record.received_at))
            row = [name, actions, NEEDS_FIX, errors, warnings, r.file, r.record.received_at, *contact, ""]
        elif old is not None and old[2] in (ACCEPTED, NEEDS_FIX) and (validate or _sha(old)) \
                and name not in stale:
            # validate: as collect left it, recounted; collect: accepted before, archived copy unreadable
            row = (list(old) + [""] * SHA_COLUMN)[:SHA_COLUMN + 1]
            if validate:
                row[2:5] = [NEEDS_FIX if errors or not _sha(old) else ACCEPTED, errors, warnings]
                row[7:9] = contact
        else:
            row = [name, actions, NOT_RETURNED, "", "", "", "", *contact, ""]
            if actions:
                report.add(problem("not-returned", department=name, value=actions))
        rows.append(row)
    return rows


def _finish(snap: MasterSnapshot, report: Report, status: list[list[object]], entries_all, departments,
            history, outcome: Outcome, progress: Progress, carried: list[list[object]] = (),
            write: Writer = apply) -> Written:
    """Rebuild 進捗一覧/提出状況/検証結果, write the correction lists, save the master once."""
    plan, settings = snap.plan, snap.settings
    returned = [str(r[0]) for r in status if r[2] in (ACCEPTED, NEEDS_FIX)]
    summary = summarize(plan, entries_all, settings, returned, snap.evaluations())
    frame = report.to_frame()
    checks = frame.astype(object).where(frame.notna(), "").values.tolist()
    if carried:
        checks = sorted(list(carried) + checks, key=_row_order)
    progress("返却票を作成しています…")
    by_department: dict[str, list[Item]] = {}
    for p in report:
        if p.department:
            if p.sheet == sheet_title(p.department):   # validate: the master's sheet has the 進捗報告 layout
                p = replace(p, sheet=DATA_SHEET)
            by_department.setdefault(p.department, []).append(item(p))
    for r in carried:
        if r[3]:
            by_department.setdefault(str(r[3]), []).append(_carried_item(r))
    sources = {str(r[0]): (str(r[5] or ""), str(r[6] or "")) for r in status}
    folder = snap.folder(settings.correction_folder)
    lists, removed = write_corrections(folder, settings, {d: (sources.get(d, ("", "")), items)
                                                          for d, items in by_department.items()})
    outcome.files.extend(lists)
    progress("マスターを保存しています…")
    written = write(snap, MasterUpdate(summary, status, checks, departments, history))
    if written.changed:
        outcome.files.insert(0, snap.path)
    counts = {s: sum(1 for r in status if r[2] == s) for s in (ACCEPTED, NEEDS_FIX, NOT_RETURNED)}
    outcome.say(f"提出状況: 受理 {counts[ACCEPTED]} 課、要修正 {counts[NEEDS_FIX]} 課、未提出 {counts[NOT_RETURNED]} 課。")
    errors = len(report.errors) + _count(carried, ERROR)
    outcome.say(f"検証結果: エラー {errors} 件、警告 {len(report) + len(carried) - errors} 件（シート「検証結果」）。")
    if lists:
        outcome.say(f"返却票 {len(lists)} 件: {folder}")
    for path in removed:
        outcome.say(f"問題がなくなったため返却票 {path.name} を削除しました。")
    if history:
        outcome.say(f"上書きされた値 {len(history)} 件をシート「履歴」に記録しました。")
    return written


def _row_order(row: list[object]) -> tuple:
    cell = str(row[6] or "")
    digits = "".join(ch for ch in cell if ch.isdigit())
    return (row[0] != SEVERITY_LABELS[ERROR], str(row[3] or ""), str(row[4] or ""), str(row[5] or ""),
            int(digits) if digits else 0, cell)


def _carried_item(row: list[object]) -> Item:
    severity = ERROR if row[0] == SEVERITY_LABELS[ERROR] else "warning"
    text = ["" if v is None else str(v) for v in row]
    return Item(severity, text[1], text[5], text[6], "", "", text[7], text[8])

