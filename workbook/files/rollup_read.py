"""A master as the roll-up reads it: through the one snapshot reader (calamine), never written.

What a master holds for the roll-up: its settings (name, 全国地方公共団体コード, scale), the plan, the
merged answers of each department sheet, which departments returned (提出状況), and when it last
collected (the latest 受信日時 on 提出状況). A file that is not a master raises MasterError.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from workbook.domain.era import parse_moment
from workbook.domain.progress import Summary, summarize
from workbook.files.snapshot import MasterSnapshot
from workbook.sheets import master_sheets as ms
from workbook.sheets import names

_RETURNED = ("受理", "要修正")


@dataclass
class MasterRead:
    path: Path
    snapshot: MasterSnapshot
    summary: Summary
    last_collect: dt.datetime | None
    notes: list[str] = field(default_factory=list)   # what was read differently (older layout)

    @property
    def settings(self):
        return self.snapshot.settings

    @property
    def plan(self):
        return self.snapshot.plan


def read_master(path: Path) -> MasterRead:
    snap = MasterSnapshot.read(path)
    notes = []
    if not snap.has_sheet(names.SHEET_SCALE):
        notes.append(f"{path.parent.name}/{path.name}: シート「{names.SHEET_SCALE}」ができる前の版のマスターです"
                     "（マスターは版の番号を持たないため、このシートの有無で見分けています）。"
                     f"達成度は設定の A・B の基準による「{snap.settings.scale.name}」として読みました。")
    entries = {}
    for department in snap.plan.departments:
        for code, entry in snap.department(department.name).entries.items():
            entries[(department.name, code)] = entry
    status = snap.status_rows()
    sha = ms.STATUS_HEADERS.index("SHA-256")
    received = ms.STATUS_HEADERS.index("受信日時")
    returned = [str(r[0]) for r in status if len(r) > sha and r[2] in _RETURNED and r[sha] not in (None, "")]
    moments = [m for m in (parse_moment(r[received]) for r in status if len(r) > received) if m]
    summary = summarize(snap.plan, entries, snap.settings, returned, snap.evaluations(), snap.earlier_actuals())
    return MasterRead(path, snap, summary, max(moments, default=None), notes)
