"""The operations behind every button and command. Entry points (cli.py, xl.py) only call these."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from workbook.errors import MasterError, PlanFileError
from workbook.files.master import Master, VbaSpec, build_master
from workbook.domain.plan import Plan
from workbook.files.plan_import import import_plan
from workbook.files.scale_import import scale_for_new
from workbook.ooxml.save import lock_file
from workbook.domain.era import fiscal_year_label
from workbook.domain.settings import Settings

from .outcome import Outcome, Progress, quiet as _quiet

def master_vba() -> VbaSpec | None:
    from .vba import build_project

    return VbaSpec(build_project)


def xlwings_conf() -> list[tuple[str, str]]:
    from .vba import xlwings_conf_entries

    return xlwings_conf_entries()


def new_master(plan: Plan, settings: Settings, out: Path, name: str | None = None) -> Path:
    path = out / (name or f"{settings.plan_name}_進捗管理.xlsm")
    return build_master(plan, settings, path, vba=master_vba(), xlwings_conf=xlwings_conf())


def new_from_plan_file(plan_file: Path, out: Path, municipality: str, plan_name: str,
                       fiscal_year: int | None, progress: Progress = _quiet, scale: str | None = None) -> Outcome:
    if not Path(plan_file).is_file():
        raise PlanFileError(f"計画ファイル {plan_file} が見つかりません（フォルダではなくファイルを指定してください）。")
    if Path(out).exists() and not Path(out).is_dir():
        raise MasterError(f"出力先 {out} はファイルです。フォルダを指定してください。")
    progress(f"計画ファイル {plan_file} を読み込んでいます…")
    plan = import_plan(plan_file, municipality, plan_name)
    chosen = scale_for_new(Path(plan_file), scale)
    settings = Settings(municipality=municipality, plan_name=plan.name,
                        fiscal_year=fiscal_year or plan.fiscal_years[0], scale=chosen)
    if settings.fiscal_year not in plan.fiscal_years:
        raise PlanFileError(f"--fiscal-year の{fiscal_year_label(settings.fiscal_year)}は、計画ファイルの取組目標の年度（"
                            + "・".join(fiscal_year_label(y) for y in plan.fiscal_years) + "）にありません。")
    progress(f"{len(plan.actions)} 取組・{len(plan.departments)} 課のマスターを作成しています…")
    path = new_master(plan, settings, out)
    outcome = Outcome(files=[path])
    outcome.say(f"マスターを作成しました: {path}")
    outcome.say(f"評価基準：{chosen.name}（{'・'.join(chosen.codes)}）。シート「評価基準」で確認できます。")
    return outcome


def open_master(path: Path) -> Master:
    return Master.open(path)



# --- the yearly cycle: each operation lives in its own module; these are the only entry points ---
def distribute(master: Path, progress: Progress = _quiet) -> Outcome:
    """配布: one .xlsx per department into the distribution folder."""
    from .distribute import run_distribute

    return run_distribute(Path(master), progress)


def _refuse_if_open(master: Path) -> None:
    """The command line saves the file itself: refuse while Excel or LibreOffice has it open."""
    master = Path(master)
    lock = lock_file(master)
    if lock is not None:
        raise MasterError(f"マスター {master.name} は Excel などで開かれています（{lock.name} があります）。"
                          "閉じてからもう一度実行するか、マスターの「操作」シートのボタンを使ってください。")


def collect(master: Path, inbox: Path | None = None, progress: Progress = _quiet, write=None) -> Outcome:
    """回収: archive, identify, validate and merge every returned file.

    write: how the decided update reaches the master (default: saved to the file; the Excel
    buttons pass macros.excel.XlwingsBook.write_update).
    """
    from .collect import run_collect

    if write is None:
        _refuse_if_open(master)
    return run_collect(Path(master), Path(inbox) if inbox else None, progress, **({"write": write} if write else {}))


def validate(master: Path, progress: Progress = _quiet, write=None) -> Outcome:
    """検証: check what the master holds; refresh 検証結果 and the correction lists (write: as collect)."""
    from .validate import run_validate

    if write is None:
        _refuse_if_open(master)
    return run_validate(Path(master), progress, **({"write": write} if write else {}))


def report(master: Path, pdf: bool = True, progress: Progress = _quiet, fiscal_year: int | None = None,
           **options) -> Outcome:
    """報告書作成: the Word progress report and the committee summary (and PDFs); options: layout,
    final, meeting (macros.report.run_report); fiscal_year: a closed year's, made again from its 年度末の控え."""
    from .report import run_report, run_year_report

    if fiscal_year is not None:
        return run_year_report(Path(master), fiscal_year, pdf, progress, **options)
    return run_report(Path(master), pdf, progress, **options)


def next_year(master: Path, plan_file: Path | None = None, force: bool = False, progress: Progress = _quiet,
              check_only: bool = False, end_of_plan: bool = False) -> Outcome:
    """年度更新: close the reported year (年度別実績, 年度末の控え) and move the master on to the next one.
    check_only: only say whether it can be done (the button: the master is open in Excel)."""
    from .next_year import run_next_year

    if not check_only:
        _refuse_if_open(master)
    return run_next_year(Path(master), Path(plan_file) if plan_file else None, force, progress, check_only,
                         end_of_plan)


def remind(master: Path, progress: Progress = _quiet) -> Outcome:
    """再依頼: the follow-up memo and a mail draft (.eml) per late department (the master is only read)."""
    from .remind import run_remind

    return run_remind(Path(master), progress)


DEMO_MASTER_NAME = "狛江市_再犯防止推進計画_進捗管理.xlsm"


def demo_steps(out: Path, pdf: bool, evaluations: bool = False) -> list[tuple[str, Callable[[], object]]]:
    """The yearly cycle after the master is built (evaluations: the section types sample 内部評価・委員会意見
    before the report, for the next year's feedback)."""
    from .distribute import fill_sample_evaluations, fill_sample_returns

    master = out / DEMO_MASTER_NAME
    return [
        ("配布", lambda: distribute(master)),
        ("担当課の回答（サンプル）を記入", lambda: fill_sample_returns(master)),
        ("回収・検証", lambda: collect(master)),
        *([("内部評価・委員会意見（サンプル）を記入", lambda: fill_sample_evaluations(master))] if evaluations else []),
        ("報告書作成", lambda: report(master, pdf)),
    ]


def period_report(master: Path, progress: Progress = _quiet) -> Outcome:
    """計画期間評価報告書: every year of the plan side by side, from 年度別実績 and the current year."""
    from .period_report import run_period_report

    return run_period_report(Path(master), progress)
