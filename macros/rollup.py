"""rollup: many municipalities' masters side by side (a prefecture, or an umbrella plan's secretariat).

Reads masters only, through the one snapshot reader, and never writes them. One bad file never
stops the others: it gets a note, in the output and on the console. Writes DIR/進捗集約_<date>.xlsx,
the 対応表 (DIR/対応表.xlsx or --map FILE, read again by the next run so that corrections persist)
and the Word 進捗集約概要.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from workbook.domain.era import fiscal_year_label, wareki_date, wareki_datetime
from workbook.domain.rollup import CityYear, MapRow, city_key, city_year, closed_year, map_rows
from workbook.domain.settings import SAMPLE_TITLE, Settings
from workbook.errors import AddonError
from workbook.files.rollup_book import read_map, write_map, write_rollup
from workbook.files.rollup_read import MasterRead, read_master
from workbook.ooxml.save import backup_copy

from .outcome import Outcome, Progress, quiet

MAP_FILE = "対応表.xlsx"
PARALLEL_FROM = 20        # more cities than this: the Word overview is written in a second process
OUTPUT_PREFIXES = ("進捗集約_", "進捗集約概要_", "対応表", "~$")
BACKUP_FOLDER = Settings.backup_folder     # where a 対応表 about to lose rows is copied first


def master_files(inputs: list[Path]) -> tuple[list[Path], list[str]]:
    """The files named, and the workbooks in the folders named (not this command's own outputs)."""
    files, notes = [], []
    for path in inputs:
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in (".xlsm", ".xlsx")
                           and not p.name.startswith(OUTPUT_PREFIXES))
            if not found:
                notes.append(f"{path}: フォルダにマスター（.xlsm）がありません。")
            files += found
        elif path.exists():
            files.append(path)
        else:
            notes.append(f"{path}: ファイルが見つかりません。")
    unique = list(dict.fromkeys(p.resolve() for p in files))
    return unique, notes


def shown(path: Path) -> str:
    """A file as notes name it: with its folder, since every city's master may have the same name."""
    return f"{path.parent.name}/{path.name}" if path.parent.name else path.name


def _read(path: Path) -> tuple[MasterRead | None, str]:
    try:
        return read_master(path), ""
    except AddonError as exc:
        return None, f"{shown(path)}: マスターとして読めないため、集約に入れていません。{exc}"
    except Exception as exc:  # a library's error on a file that is not a workbook at all
        from .failures import failure_text

        why = failure_text(exc) or "このアドオンのマスターではないか、壊れています"
        return None, f"{shown(path)}: マスターとして読めないため、集約に入れていません（{why}）。"


def rollup(inputs: list[Path], out: Path, map_file: Path | None = None, progress: Progress = quiet,
           today: dt.date | None = None) -> Outcome:
    outcome = Outcome()
    today = today or dt.date.today()
    files, notes = master_files(inputs)
    map_path = map_file or out / MAP_FILE
    with _beside(len(files) > PARALLEL_FROM) as pool:
        pool.submit(_warm)    # a second process imports matplotlib and python-docx while this one reads
        samples: list[str] = []
        cities, map_list, lost = _read_all(files, map_path, notes, progress, samples)
        if lost:        # a row the new 対応表 does not keep as it was: the old file is kept first
            copy = backup_copy(map_path, out / BACKUP_FOLDER)
            notes.append(f"対応表の {len(lost)} 行が変わります（今回の集約の施策と合わない行、または重点課題を読めない行）。"
                         f"元の対応表を {shown(copy)} に残しました。")
        title = f"再犯防止推進計画 進捗集約（{wareki_date(today)}作成）"
        if samples:     # made from a demo's invented answers: said in the title and first among the notes
            title = SAMPLE_TITLE + title
            notes.insert(0, f"サンプル：{'、'.join(dict.fromkeys(samples))}のマスターは、デモ用に作った架空の回答によるものです"
                            "（実在の取組の結果ではありません）。この集約はその値を含みます。")
        stamp = f"{today:%Y%m%d}"
        book = out / f"進捗集約_{stamp}.xlsx"
        progress("集約のブックと進捗集約概要（Word）を作成しています…")
        overview = pool.submit(_overview, out / f"進捗集約概要_{stamp}.docx", title, cities, notes, today,
                               bool(samples))
        mapped = pool.submit(write_map, map_path, map_list)
        write_rollup(book, title, cities, map_list, notes, sample=bool(samples))
        doc = overview.result()
        mapped.result()
    outcome.files += [book, map_path, doc]
    outcome.say(f"集約: {len(cities)} 件（自治体×年度）、読み込んだファイル {len(files)} 件。")
    for note in notes:
        outcome.say(f"注意: {note}")
    outcome.say(f"集約のブック: {book}")
    outcome.say(f"対応表: {map_path}（重点課題の列を直すと、次の集約で使います）")
    outcome.say(f"進捗集約概要: {doc}")
    return outcome


def _read_all(files: list[Path], map_path: Path, notes: list[str], progress: Progress, samples: list[str],
              ) -> tuple[list[CityYear], list[MapRow], list]:
    """Every master read (notes for those that cannot be), one per city and year, with its 対応表 rows;
    samples gets the municipalities whose master holds the demo's sample answers (設定's サンプル). Also
    the rows of the 対応表 that the new one no longer holds as they were (a 施策 the plan renamed)."""
    saved: dict = {}
    kept: list[MapRow] = []
    if map_path.exists():
        saved, map_notes, kept = read_map(map_path)
        notes += map_notes
        progress(f"対応表 {map_path.name} の修正を使います。")
    found: list[_City] = []
    sample_ids: set[int] = set()
    for n, path in enumerate(files, start=1):
        if n == 1 or n % 50 == 0:
            progress(f"マスターを読み込んでいます… {n}/{len(files)}")
        read, note = _read(path)
        if read is None:
            notes.append(note)
            continue
        notes += read.notes
        made = _cities(read, saved)     # the snapshot (the file's bytes) is let go here
        if read.settings.sample:
            sample_ids.update(id(c) for c in made)
        found += made
    chosen, duplicate_notes = _one_per_city_year(found)
    samples += [c.city.municipality for c in chosen if id(c) in sample_ids]     # only the masters used
    notes += duplicate_notes
    cities: list[CityYear] = []
    mapping: dict[tuple[str, str, str], MapRow] = {}
    for city in chosen:
        for row in city.rows:
            mapping.setdefault(row.match, row)
        cities.append(city.city)
        notes += city.notes
    rolled = {c.key for c in cities}
    for row in kept:        # cities not in this roll-up keep their rows (and their corrections) as they are
        if row.key not in rolled:
            mapping.setdefault(row.match, row)
    lost = [m for m, number in saved.items() if m not in mapping or mapping[m].priority != number] + \
        [row.match for row in kept if row.match not in saved]      # what was typed there could not be read
    cities.sort(key=lambda c: (c.fiscal_year, c.key))
    notes += caveats(cities)
    return cities, sorted(mapping.values(), key=lambda r: (r.key, _order(r.goal_code), _order(r.measure_code))), lost


def _warm() -> None:
    import generators.rollup_overview  # noqa: F401  (matplotlib, python-docx)


def _overview(path: Path, title: str, cities: list[CityYear], notes: list[str], today: dt.date,
              sample: bool = False) -> Path:
    from generators.rollup_overview import write_overview

    return write_overview(path, title, cities, notes, today, sample)


class _Inline:
    """An executor that runs the call at once (few cities: a second process would cost more than it saves)."""

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        return None

    def submit(self, fn, *args):
        from concurrent.futures import Future

        future: Future = Future()
        try:
            future.set_result(fn(*args))
        except BaseException as exc:  # handed to result(), as a pool would
            future.set_exception(exc)
        return future


def _beside(parallel: bool):
    """The Word overview (charts: mostly matplotlib time) in a second process while this one writes the
    workbook, when there are many cities: the roll-up of 200 cities uses both cores."""
    if not parallel:
        return _Inline()
    from concurrent.futures import ProcessPoolExecutor

    return ProcessPoolExecutor(max_workers=1)


def _order(code: str) -> tuple:
    parts = "".join(ch if ch.isdigit() else " " for ch in code).split()
    return tuple(int(p) for p in parts), code


@dataclass
class _City:
    city: CityYear
    rows: list[MapRow]
    path: Path
    notes: list[str]      # said only when this master is the one used for this year


def _cities(read: MasterRead, saved: dict) -> list[_City]:
    """The master's reported year, and each year it closed (年度別実績) as a row of its own."""
    s = read.settings
    # without the code, the prefecture and the name tell cities apart (府中市 of 東京都 and of 広島県)
    name = s.municipality if s.municipality_code or not s.prefecture else f"{s.prefecture} {s.municipality}"
    rows = map_rows(city_key(s.municipality_code, name), name, read.plan, saved)
    notes = []
    if not s.municipality_code:
        how = "都道府県と自治体名" if s.prefecture else "自治体名（設定に都道府県もないため）"
        notes.append(f"{shown(read.path)}: 設定に全国地方公共団体コードがないため、{how}「{name}」で"
                     "見分けました（設定にコードを入力してください）。")
    if not read.summary.returned_departments:
        notes.append(f"{s.municipality}（{fiscal_year_label(s.fiscal_year)}）: まだ回答を取り込んでいません"
                     "（すべての取組を未評価として数えました）。")
    period = s.period_years(read.plan.fiscal_years)       # 設定's 計画期間: a rolled 実施計画 does not move it
    city = city_year(read.summary, read.plan, s.municipality_code, name, s.plan_name, shown(read.path),
                     rows, read.last_collect, period)
    out = [_City(city, rows, read.path, notes)]
    results = read.snapshot.year_results()
    for year in sorted({r.fiscal_year for r in results} - {s.fiscal_year}):
        closed = closed_year(results, year, read.plan, s.scale, s.municipality_code, name, s.plan_name,
                             shown(read.path), rows, period)
        closed.last_collect = read.last_collect
        out.append(_City(closed, rows, read.path, []))
    return out


def _one_per_city_year(found: list[_City]) -> tuple[list[_City], list[str]]:
    """Two masters of the same city and year: the later last collect (as recorded on 提出状況) wins."""
    groups: dict[tuple[str, int], list[_City]] = {}
    for item in found:
        groups.setdefault((item.city.key, item.city.fiscal_year), []).append(item)
    chosen, notes = [], []
    floor = dt.datetime.min
    for (key, year), group in groups.items():
        group.sort(key=lambda c: c.city.last_collect or floor)
        winner = group[-1]
        chosen.append(winner)
        for other in group[:-1]:
            last = winner.city.last_collect
            when = wareki_datetime(last) if last else "記録なし"
            notes.append(f"{winner.city.municipality}（{fiscal_year_label(year)}）のマスターが 2 つ以上あります。"
                         f"最後の回収が新しい {shown(winner.path)}（{when}）を使い、{shown(other.path)} は集約に入れていません。")
    return chosen, notes


def caveats(cities: list[CityYear]) -> list[str]:
    """The cautions a reader of the roll-up needs: different scales and different years."""
    out = []
    scales = sorted({c.scale_name for c in cities})
    if len(scales) > 1:
        out.append("評価基準が自治体によって異なります（" + "・".join(scales) + "）。"
                   "記号ではなく共通区分（上回った・達成・下回った・評価不能・対象外）で比べていますが、"
                   "区分の基準（判定下限など）は自治体ごとです。点数の平均は点数のある評価基準の自治体だけです。")
    years = sorted({c.fiscal_year for c in cities})
    if len(years) > 1:
        per = "、".join(f"{fiscal_year_label(y)} {sum(1 for c in cities if c.fiscal_year == y)} 件" for y in years)
        out.append(f"報告対象年度が異なります（{per}）。年度ごとに分けて示しています。")
    return out
