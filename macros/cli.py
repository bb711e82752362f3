"""Command line: loads arguments, calls operations, turns exceptions into messages. Nothing else."""
from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import traceback
from pathlib import Path

from workbook.domain.era import parse_fiscal_year
from workbook.domain.scale_presets import PRESETS
from workbook.errors import AddonError


# argparse's own phrases, in the user's language (argparse looks them up through its module-level _).
_ARGPARSE_JA = {
    "usage: ": "使い方: ",
    "positional arguments": "引数",
    "options": "オプション",
    "show this help message and exit": "このヘルプを表示して終了",
    "the following arguments are required: %s": "次の引数が必要です: %s",
    "unrecognized arguments: %s": "知らない引数です: %s",
    "invalid choice: %(value)r (choose from %(choices)s)": "「%(value)s」は使えません（%(choices)s から選んでください）",
    "argument %(argument_name)s: %(message)s": "引数 %(argument_name)s: %(message)s",
    "expected one argument": "値を1つ指定してください",
    "%(prog)s: error: %(message)s\n": "%(prog)s: エラー: %(message)s\n",
    "invalid %(type)s value: %(value)r": "「%(value)s」を読めません（形が違います）",
    "ambiguous option: %(option)s could match %(matches)s": "%(option)s では %(matches)s のどれか決まりません（略さずに指定してください）",
    "ignored explicit argument %r": "このオプションには値を付けません（%r）",
    "expected at least one argument": "値を1つ以上指定してください",
    "expected at most one argument": "値は1つまでです",
    "not allowed with argument %s": "%s と一緒には指定できません",
    "one of the arguments %s is required": "次のどれかが必要です: %s",
}
_gettext = argparse._


def _ja(text: str) -> str:
    return _ARGPARSE_JA.get(text, _gettext(text))


argparse._ = _ja


def _say(line: str) -> None:
    print(line, flush=True)


def _year(text: str) -> int:
    year = parse_fiscal_year(text)
    if year is None:
        raise argparse.ArgumentTypeError(f"年度「{text}」を読めません（例：R6、令和6年度、6）")
    return year


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m macros", description="再犯防止推進計画 進捗管理アドオン（コマンドライン）",
        epilog="1年の流れ：new（最初の1回）→ distribute → 担当課が記入して返送 → collect → validate →（遅れている課に remind）→ report"
               " → 年度末に next-year（次の年度へ）。"
               "マスターの「操作」シートのボタンも同じ処理を実行します。")
    sub = parser.add_subparsers(dest="command", required=True, metavar="コマンド")
    demo = sub.add_parser("demo", help="狛江市の計画で1年分の流れを実行するデモ")
    demo.add_argument("--out", type=Path, required=True, metavar="フォルダ", help="出力フォルダ")
    demo.add_argument("--fiscal-year", type=_year, default=6, metavar="年度", help="報告対象年度（既定 R6）")
    demo.add_argument("--no-pdf", action="store_true", help="報告書の PDF を作らない")
    demo.add_argument("--years", type=int, default=1, metavar="年数",
                      help="続けて実行する年度の数（既定 1）。例：--years 3 で R6〜R8 を年度更新しながら実行し、計画期間評価報告書も作る")
    demo.add_argument("--scale", default=None, metavar="名前",
                      help="評価基準のプリセット（" + "・".join(PRESETS) + "）。例：--scale 4段階（既定：さいたま市方式）")
    new = sub.add_parser("new", help="計画ファイルからマスターを作る")
    new.add_argument("--plan", type=Path, required=True, metavar="計画ファイル", help="計画ファイル（.xlsx / .csv）")
    new.add_argument("--out", type=Path, required=True, metavar="フォルダ", help="出力フォルダ")
    new.add_argument("--municipality", default="", metavar="自治体名", help="自治体名")
    new.add_argument("--plan-name", default="", metavar="計画名", help="計画名（既定：ファイル名）")
    new.add_argument("--fiscal-year", type=_year, default=None, metavar="年度", help="報告対象年度（既定：計画の初年度）")
    new.add_argument("--scale", default=None, metavar="名前またはファイル",
                     help="評価基準：プリセット名（" + "・".join(PRESETS) + "）か、評価基準の表のファイル"
                          "（.xlsx / .csv）。既定：計画ファイルの評価基準、なければさいたま市方式")
    distribute = sub.add_parser("distribute", help="① 配布：担当課ごとの報告用ファイルを作る")
    distribute.add_argument("master", type=Path, metavar="マスター", help="マスター（.xlsm）")
    collect = sub.add_parser("collect", help="② 回収：回収したファイルを保管・検証して取り込む")
    collect.add_argument("master", type=Path, metavar="マスター", help="マスター（.xlsm）")
    collect.add_argument("inbox", type=Path, nargs="?", default=None, metavar="回収フォルダ", help="回収フォルダ（既定：マスターと同じ場所の 回収/）")
    validate = sub.add_parser("validate", help="③ 検証：マスターの入力内容を検証し、返却票を作る")
    validate.add_argument("master", type=Path, metavar="マスター", help="マスター（.xlsm）")
    report = sub.add_parser("report", help="④ 報告書作成：進捗状況報告書と委員会用概要（Word）を作る")
    report.add_argument("master", type=Path, metavar="マスター", help="マスター（.xlsm）")
    report.add_argument("--no-pdf", action="store_true",
                        help="PDF を作らない（LibreOffice を使わないため、目次のページ番号は Word で更新）")
    report.add_argument("--layout", choices=("table", "cards"), default="table",
                        help="進捗状況報告書の形：table＝取組状況確認表の表形式（既定）、cards＝取組ごとのカード形式")
    report.add_argument("--final", action="store_true",
                        help="確定版：未提出・要修正の課や達成度が未記入の取組があれば、作成せずに一覧を表示（終了コード 2）")
    report.add_argument("--document-number", default="", metavar="資料番号",
                        help="委員会用概要の資料番号（既定：設定の値。例：資料2）")
    report.add_argument("--meeting-name", default="", metavar="会議名", help="会議名（既定：設定の値）")
    report.add_argument("--meeting-date", default="", metavar="開催日", help="開催日（既定：設定の値。例：令和7年7月10日（木））")
    report.add_argument("--fiscal-year", type=_year, default=None, metavar="年度",
                        help="締めた年度の報告書を年度末の控えから作り直す（例：R6）。報告書フォルダの 令和N年度/ に作ります")
    setup = sub.add_parser("setup-excel", help="この PC のアドオンをマスターのボタンが使うように設定する（PC ごとに1回）")
    setup.add_argument("master", type=Path, metavar="マスター", help="マスター（.xlsm）")
    setup.add_argument("--interpreter", default=None, metavar="pythonw.exe", help="ボタンが起動する pythonw.exe（既定：この Python の隣）")
    setup.add_argument("--onedrive", default=None, metavar="フォルダ", help="OneDrive の同期フォルダ（マスターが OneDrive にあるとき）")
    setup.add_argument("--sharepoint", default=None, metavar="フォルダ", help="SharePoint の同期フォルダ（マスターが SharePoint にあるとき）")
    remind = sub.add_parser("remind", help="⑤ 再依頼：未提出・要修正の課への再依頼の文書とメールの下書き（.eml）を作る")
    remind.add_argument("master", type=Path, metavar="マスター", help="マスター（.xlsm）")
    year = sub.add_parser("next-year", help="⑥ 年度更新：報告対象年度を締めて次の年度に進める（マスターを閉じてから）")
    year.add_argument("master", type=Path, metavar="マスター", help="マスター（.xlsm）")
    year.add_argument("--force", action="store_true",
                      help="未提出・要修正の課が残っていても締める（その課は年度別実績と履歴に記録）")
    year.add_argument("--plan", type=Path, default=None, metavar="計画ファイル",
                      help="改定した計画ファイル（new と同じ様式）：次の年度からの取組目標と事業費を置き換え、年度を加える")
    year.add_argument("--end-of-plan", action="store_true",
                      help="計画期間の最終年度を、次の年度の取組目標なしで締める（このマスターでの報告はここまで。次期計画は new で）")
    period = sub.add_parser("period-report", help="計画期間評価報告書（Word）：計画期間の各年度の達成度・指標の推移を並べる")
    period.add_argument("master", type=Path, metavar="マスター", help="マスター（.xlsm）")
    rollup = sub.add_parser("rollup", help="集約：複数の自治体のマスターの進捗を共通区分と国の重点課題で並べる（マスターは読むだけ）")
    rollup.add_argument("masters", type=Path, nargs="+", metavar="マスターまたはフォルダ", help="マスター（.xlsm）かそのフォルダ")
    rollup.add_argument("--out", type=Path, required=True, metavar="フォルダ", help="出力フォルダ")
    rollup.add_argument("--map", type=Path, default=None, metavar="対応表",
                        help="施策と重点課題の対応表（既定：出力フォルダの 対応表.xlsx。あれば読み、修正を引き継ぐ）")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from . import operations as ops

    try:
        if args.command == "demo":
            from .demo import run_demo

            outcome = run_demo(args.out, args.fiscal_year, pdf=not args.no_pdf, progress=_say, scale=args.scale,
                               years=args.years)
        elif args.command == "new":
            outcome = ops.new_from_plan_file(args.plan, args.out, args.municipality, args.plan_name,
                                             args.fiscal_year, progress=_say, scale=args.scale)
        elif args.command == "distribute":
            outcome = ops.distribute(args.master, progress=_say)
        elif args.command == "collect":
            outcome = ops.collect(args.master, args.inbox, progress=_say)
        elif args.command == "setup-excel":
            from .setup_excel import setup_excel

            outcome = setup_excel(args.master, args.interpreter, args.onedrive, args.sharepoint)
        elif args.command == "validate":
            outcome = ops.validate(args.master, progress=_say)
        elif args.command == "remind":
            outcome = ops.remind(args.master, progress=_say)
        elif args.command == "rollup":
            from .rollup import rollup

            outcome = rollup(args.masters, args.out, args.map, progress=_say)
        elif args.command == "next-year":
            outcome = ops.next_year(args.master, args.plan, args.force, progress=_say, end_of_plan=args.end_of_plan)
        elif args.command == "period-report":
            outcome = ops.period_report(args.master, progress=_say)
        else:
            outcome = ops.report(args.master, pdf=not args.no_pdf, progress=_say, layout=args.layout, final=args.final,
                                 meeting={"document_number": args.document_number, "name": args.meeting_name,
                                          "date": args.meeting_date}, fiscal_year=args.fiscal_year)
    except AddonError as exc:
        print(f"エラー: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("中断しました。", file=sys.stderr)
        return 130
    except Exception as exc:  # a library's exception in Japanese; the last safety net: the details in a log file
        from .failures import failure_text

        text = failure_text(exc)
        if text is not None:
            print(f"エラー: {text}", file=sys.stderr)
            return 2
        log = Path(tempfile.gettempdir()) / f"再犯防止アドオン_エラーログ_{dt.datetime.now():%Y%m%d_%H%M%S}.txt"
        try:
            log.write_text(traceback.format_exc(), encoding="utf-8")
            where = f"詳細は {log} にあります。"
        except OSError:
            where = "詳細をログに書き込めませんでした。"
        print(f"エラー: このアドオンの処理の途中で予期しないエラーが起きたため、中止しました。{where}"
              "このメッセージ（とログ）をシステムの担当者に伝えてください。", file=sys.stderr)
        return 3
    for line in outcome.lines:
        print(line)
    return 0
