"""The demo: one whole yearly cycle on the embedded Komae plan."""
from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from dataclasses import replace
from functools import partial

from workbook.domain.era import fiscal_year_label, short_label, wareki_day, western_year
from workbook.domain.problems import problem
from workbook.domain.scale_presets import DEFAULT_SCALE, PRESETS, preset
from workbook.errors import MasterError
from workbook.files.sample import komae_plan, komae_settings
from workbook.files.snapshot import MasterSnapshot

from . import operations as ops
from .demo_plan import write_revised_plan
from .outcome import Outcome, Progress, quiet as _quiet


def _clear(out: Path, progress: Progress) -> None:
    """Never overwrite a previous demo: move it aside. A folder holding anything else, and the folder
    one works in (or one above it), are refused: the demo does not move a person's own files."""
    out = out.resolve()
    if out == Path.cwd().resolve() or out in Path.cwd().resolve().parents:
        raise MasterError(f"デモの出力先に、いま作業しているフォルダ（またはその上のフォルダ） {out} は指定できません。"
                          "新しいフォルダの名前を指定してください（例：--out demo）。")
    if out.exists() and any(out.iterdir()):
        if not (out / ops.DEMO_MASTER_NAME).exists():
            raise MasterError(f"デモの出力先 {out} には、デモの出力ではないファイルがあります。何も変えていません。"
                              "空のフォルダか、新しいフォルダの名前を指定してください（例：--out demo）。")
        stamp = dt.datetime.now().strftime("%Y%m%d_%H%M%S")
        aside = out.with_name(f"{out.name}.old-{stamp}")
        shutil.move(str(out), str(aside))
        progress(f"前回のデモ出力を {aside} に移しました。")
    out.mkdir(parents=True, exist_ok=True)


def run_demo(out: Path, fiscal_year: int = 6, pdf: bool = True, progress: Progress = _quiet,
             scale: str | None = None, years: int = 1) -> Outcome:
    """scale: a preset name (the default preset when None); the sample answers keep their meaning.
    years: how many fiscal years from fiscal_year; with more than one, each is closed with next-year
    and the July revision of the rolling 実施計画 (--plan, macros/demo_plan.py: one more year of 取組目標
    and 事業費 each time), the last one too, and the plan-period evaluation is made at the end (the
    sample's first year leaves 指導室 未提出, so that close is forced and recorded). Only the last
    year's report is made as PDF."""
    chosen = DEFAULT_SCALE if scale is None else preset(scale)
    if chosen is None:
        raise MasterError(problem("scale-unknown-preset", value=scale, choices="・".join(PRESETS)).message)
    plan = komae_plan()
    settings = replace(komae_settings(fiscal_year), scale=chosen, sample=True, **demo_meeting(fiscal_year))
    last = fiscal_year + years - 1
    if years < 1 or last not in plan.fiscal_years:     # refused before anything in out is moved
        raise MasterError(f"--years は 1 から {len(plan.fiscal_years) - plan.fiscal_years.index(fiscal_year)} まで"
                          f"です（狛江市の計画は{fiscal_year_label(plan.fiscal_years[-1])}まで）。"
                          if fiscal_year in plan.fiscal_years else f"計画に{fiscal_year_label(fiscal_year)}がありません。")
    _clear(out, progress)
    outcome = Outcome()
    steps = [("マスター作成", lambda: _build(plan, settings, out))]
    for year in range(fiscal_year, last + 1):
        prefix = f"{short_label(year)} " if years > 1 else ""
        steps += [(prefix + label, step) for label, step in
                  ops.demo_steps(out, pdf and year == last,     # 設定's meeting: moved on by each next-year
                                 evaluations=years > 1)]
        if years > 1:   # every year of the period is closed, with the July revision of the 実施計画
            steps.append((f"{prefix}年度更新（実施計画の改定）", partial(_next_year, out, year + 1)))
    if years > 1:
        steps.append(("計画期間評価報告書", lambda: ops.period_report(out / ops.DEMO_MASTER_NAME)))
    for i, (label, step) in enumerate(steps, start=1):
        progress(f"[{i}/{len(steps)}] {label}…")
        result = step()
        if isinstance(result, Outcome):
            outcome.lines.extend(result.lines)
            outcome.files.extend(result.files)
    outcome.say("")
    outcome.say(f"デモの出力先: {out.resolve()}")
    for path in sorted(p for p in out.rglob("*") if p.is_file()):
        outcome.say(f"  {path.relative_to(out)}")
    return outcome


def _next_year(out: Path, new_year: int) -> Outcome:
    """⑥ 年度更新 with the revised 実施計画 (macros/demo_plan.py) that adds the year after the window."""
    master = out / ops.DEMO_MASTER_NAME
    plan_file = write_revised_plan(MasterSnapshot.read(master).plan, new_year, out)
    return ops.next_year(master, plan_file=plan_file, force=True)


def demo_meeting(fiscal_year: int) -> dict[str, str]:
    """The demo's committee meeting (in July after the year reported) and colophon, on 設定 as a city fills them."""
    day = dt.date(western_year(fiscal_year) + 1, 7, 10)
    return {"meeting_document_number": "資料2",
            "meeting_name": f"{fiscal_year_label(fiscal_year + 1)}第1回 狛江市民福祉推進委員会",
            "meeting_date": wareki_day(day),
            "publisher_section": "狛江市 福祉保健部 福祉政策課",
            "publisher_address": "〒201-8585 東京都狛江市和泉本町一丁目1番5号",
            "publisher_phone": "03-3430-1111（代表）"}


def _build(plan, settings, out: Path) -> Outcome:
    path = ops.new_master(plan, settings, out, name=ops.DEMO_MASTER_NAME)
    outcome = Outcome(files=[path])
    outcome.say(f"マスター: {path}（{len(plan.actions)} 取組、{len(plan.departments)} 課、"
                f"評価基準 {settings.scale.name}：{'・'.join(settings.scale.codes)}）")
    return outcome
