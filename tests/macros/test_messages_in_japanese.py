"""Every library exception that reaches a message is said in Japanese, with what to do.

The known exceptions (the OS, zipfile, zlib, calamine, openpyxl, lxml, a codec) are injected at each
entry point: every command of macros.cli.main, and the buttons of macros.xl over the xlwings fake.
The message names no exception class and holds no English word beyond file names and a product name;
a fault of the add-on itself (a KeyError of its own) says so and names the log.
"""
from __future__ import annotations

import re
import shutil
import tempfile
import zipfile
import zlib

import pytest
from lxml import etree
from openpyxl.utils.exceptions import InvalidFileException
from python_calamine import CalamineError

from macros import cli, operations as ops
from tests.macros import fake_xlwings as fx
from tests.workbook.returns_kit import small_plan
from workbook.domain.settings import Settings

PATH = "/srv/share/福祉政策課/master.xlsm"


def _xml_error() -> Exception:
    try:
        etree.fromstring(b"not xml")
    except etree.XMLSyntaxError as exc:
        return exc
    raise AssertionError("lxml accepted garbage")


KNOWN = {   # a library's exceptions about a file: Japanese, what to do, exit code 2
    "permission": PermissionError(13, "Permission denied", PATH),
    "not-found": FileNotFoundError(2, "No such file or directory", PATH),
    "disk-full": OSError(28, "No space left on device"),
    "bad-zip": zipfile.BadZipFile("File is not a zip file"),
    "zip-part-missing": KeyError("There is no item named 'xl/workbook.xml' in the archive"),
    "openpyxl-format": InvalidFileException("openpyxl does not support .foo file format, please check you can open "
                                            "it with Excel first. Supported formats are: .xlsx,.xlsm,.xltx,.xltm"),
    "calamine-format": CalamineError("Cannot detect file format"),
    "xml": _xml_error(),
    "zlib": zlib.error("Error -3 while decompressing data: invalid stored block lengths"),
    "codec": UnicodeDecodeError("utf-8", b"\xff", 0, 1, "invalid start byte"),
}
FAULTS = {   # the add-on's own faults: a Japanese message naming the log, exit code 3
    "own-key": KeyError("missing key"),
    "own-value": ValueError("could not convert string to float: 'abc'"),
}
CLASS_NAMES = {type(e).__name__ for e in (*KNOWN.values(), *FAULTS.values())} | {"Error", "Exception", "Traceback",
                                                                                  "errno", "Errno"}
ALLOWED = {"Excel", "xlsx", "xlsm"}          # product and file-type names a person knows

COMMANDS = {   # command line -> (argv, the module attribute the command calls)
    "demo": (["demo", "--out", "/tmp/x"], ("macros.demo", "run_demo")),
    "new": (["new", "--plan", "plan.csv", "--out", "/tmp/x"], ("macros.operations", "new_from_plan_file")),
    "distribute": (["distribute", PATH], ("macros.operations", "distribute")),
    "collect": (["collect", PATH], ("macros.operations", "collect")),
    "validate": (["validate", PATH], ("macros.operations", "validate")),
    "report": (["report", PATH], ("macros.operations", "report")),
    "remind": (["remind", PATH], ("macros.operations", "remind")),
    "setup-excel": (["setup-excel", PATH], ("macros.setup_excel", "setup_excel")),
}


def english_words(text: str) -> list[str]:
    """ASCII words of three or more letters outside paths and file names."""
    text = text.replace(PATH, "").replace(tempfile.gettempdir(), "")
    text = re.sub(r"[\w./\\-]*\.(?:xlsm|xlsx|txt|log)\b", "", text)
    return [w for w in re.findall(r"[A-Za-z]{3,}", text) if w not in ALLOWED]


def assert_japanese(text: str) -> None:
    assert re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", text), text
    assert not [n for n in CLASS_NAMES if n in text], text
    assert english_words(text) == [], text


def inject(monkeypatch, target: tuple[str, str], exc: BaseException) -> None:
    import importlib

    def raising(*args, **kwargs):
        raise exc

    monkeypatch.setattr(importlib.import_module(target[0]), target[1], raising)


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("name", [*KNOWN, *FAULTS])
def test_every_command_says_a_library_exception_in_japanese(command, name, monkeypatch, capsys):
    argv, target = COMMANDS[command]
    exc = KNOWN.get(name) or FAULTS[name]
    inject(monkeypatch, target, exc)
    code = cli.main(argv)
    out = capsys.readouterr()
    assert code == (2 if name in KNOWN else 3)
    assert out.out == ""
    assert_japanese(out.err)
    if name in FAULTS:
        assert "ログ" in out.err


@pytest.fixture(scope="module")
def master_template(tmp_path_factory):
    plan = small_plan()
    return ops.new_master(plan, Settings(plan.municipality, plan.name, 6), tmp_path_factory.mktemp("m"), "master.xlsm")


@pytest.fixture
def press(monkeypatch, tmp_path, master_template):
    """Press a button of the master (a copy) open in the xlwings fake; returns its message boxes."""
    from macros import xl

    master = tmp_path / "master.xlsm"
    shutil.copy2(master_template, master)
    monkeypatch.setattr(xl, "xw", fx)
    fake = fx.Book.open(master)
    monkeypatch.setattr(fx.Book, "_mock_caller", fake)

    def pressed(button: str, operation: str, exc: BaseException) -> list[dict]:
        inject(monkeypatch, ("macros.operations", operation), exc)
        assert xl.ENTRY_POINTS[button]() is None
        return fake.app.alerts

    return pressed


@pytest.mark.parametrize("name", [*KNOWN, *FAULTS])
def test_a_button_says_a_library_exception_in_japanese(press, name):
    exc = KNOWN.get(name) or FAULTS[name]
    [alert] = press("collect", "collect", exc)
    assert alert["mode"] == "critical"
    assert_japanese(alert["prompt"])
    assert_japanese(alert["title"])
    if name in FAULTS:
        assert "ログ" in alert["prompt"]


@pytest.mark.parametrize("button", ["distribute", "collect", "validate", "report", "remind"])
def test_every_button_says_a_locked_file_in_japanese(press, button):
    [alert] = press(button, button, KNOWN["permission"])
    assert alert["mode"] == "critical" and "開いて" in alert["prompt"]
    assert_japanese(alert["prompt"])


def test_a_master_that_is_no_workbook_is_named_in_japanese(tmp_path, capsys):
    """Not injected: the real readers on a file that is not a workbook."""
    fake = tmp_path / "master.xlsm"
    fake.write_text("これはブックではありません", encoding="utf-8")
    for command in ("collect", "validate", "report", "distribute", "remind"):
        assert cli.main([command, str(fake)]) == 2
        err = capsys.readouterr().err
        assert_japanese(err.replace(str(fake), ""))


SUBCOMMANDS = ("demo", "new", "distribute", "collect", "validate", "report", "setup-excel", "remind", "next-year",
            "period-report", "rollup")
# words a Japanese user meets in the help on purpose: the command, its option values, product names
HELP_WORDS = {"python", "macros", "pythonw", "table", "cards", "PDF", "Word", "Python", "LibreOffice", "OneDrive",
              "SharePoint", "xlsx", "csv", "xlsm"} | {part for c in SUBCOMMANDS for part in c.split("-")}


@pytest.mark.parametrize("command", SUBCOMMANDS)
def test_the_help_of_every_command_is_japanese(command, capsys):
    with pytest.raises(SystemExit):
        cli.main([command, "--help"])
    words = set(re.findall(r"(?<![-A-Za-z_.])[A-Za-z_]{3,}", capsys.readouterr().out))
    assert words <= HELP_WORDS


@pytest.mark.parametrize("argv", [[], ["collect"], ["demo", "--out", "x", "--years", "abc"], ["report", "--f", "m"],
                                  ["next-year", "--force=1", "m"], ["report", "m", "--layout", "wide"],
                                  ["validate", "m", "extra"]])
def test_argument_errors_are_japanese(argv, capsys):
    with pytest.raises(SystemExit) as info:
        cli.main(argv)
    err = capsys.readouterr().err
    assert info.value.code == 2 and "エラー" in err
    words = set(re.findall(r"(?<![-A-Za-z_.'])[A-Za-z_]{3,}", err)) - HELP_WORDS - {"abc", "wide", "extra", "final"}
    assert words == set(), err


def test_an_os_error_on_a_working_file_names_the_folder_a_person_knows():
    from macros.failures import failure_text

    for working, shown in (("/srv/share/返却票/.~tmp_l4ehyum7.xlsx", "（/srv/share/返却票）"),
                           ("/srv/share/報告書/.report_x1/令和6年度_委員会用概要.docx", "（/srv/share/報告書）"),
                           (PATH, f"（{PATH}）")):
        text = failure_text(PermissionError(13, "Permission denied", working))
        assert shown in text and ".~tmp_" not in text and ".report_" not in text
