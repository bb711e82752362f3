"""The demo: one whole yearly cycle on the embedded Komae plan."""
from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from workbook.files.sample import komae_plan, komae_settings

from . import operations as ops
from .outcome import Outcome, Progress, quiet as _quiet


def _clear(out: Path, progress: Progress) -> None:
    """Never overwrite a previous demo: move it aside."""
    if out.exists() and any(out.iterdir()):
        stamp = dt.datetime.now().strftime("%Y%m%d_%H%M%S")
        aside = out.with_name(f"{out.name}.old-{stamp}")
        shutil.move(str(out), str(aside))
        progress(f"前回のデモ出力を {aside} に移しました。")
    out.mkdir(parents=True, exist_ok=True)


def run_demo(out: Path, fiscal_year: int = 6, pdf: bool = True, progress: Progress = _quiet) -> Outcome:
    _clear(out, progress)
    plan, settings = komae_plan(), komae_settings(fiscal_year)
    outcome = Outcome()
    steps = [("マスター作成", lambda: _build(plan, settings, out))]
    steps += [(label, step) for label, step in ops.demo_steps(out, pdf)]
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


def _build(plan, settings, out: Path) -> Outcome:
    path = ops.new_master(plan, settings, out, name=ops.DEMO_MASTER_NAME)
    outcome = Outcome(files=[path])
    outcome.say(f"マスター: {path}（{len(plan.actions)} 取組、{len(plan.departments)} 課）")
    return outcome
