"""Exceptions: raised only when an operation cannot go on.

Everything a user can correct in a file is reported as a Problem (see problems.py),
not raised. Messages are Japanese because they reach the person at the screen.
"""


class AddonError(Exception):
    """Base class; str(e) is a complete Japanese message for the user."""


class PlanFileError(AddonError):
    """A plan file cannot be imported (unreadable, or its rows are wrong)."""

    def __init__(self, message: str, problems: list | None = None):
        super().__init__(message)
        self.problems = problems or []


class MasterError(AddonError):
    """The master workbook is missing, unreadable or not a master of this add-on."""


class PackageError(AddonError):
    """Writing would drop parts of the .xlsm package (VBA, buttons, drawings)."""


class ReportError(AddonError):
    """A report cannot be written (template missing or broken, file in use)."""


def os_reason(exc: OSError) -> str:
    """What went wrong with a file or folder, in Japanese (the OS's own text is English on most PCs)."""
    import errno

    winerror = getattr(exc, "winerror", None)
    if isinstance(exc, PermissionError) or winerror in (5, 32, 33):
        return "ほかのプログラム（Excel など）で開いているか、読み書きする権限がありません"
    if isinstance(exc, FileNotFoundError):
        return "ファイルまたはフォルダが見つかりません"
    if isinstance(exc, FileExistsError):
        return "同じ名前のファイルがすでにあります"
    if isinstance(exc, IsADirectoryError):
        return "ファイルではなくフォルダです"
    if isinstance(exc, NotADirectoryError):
        return "フォルダの場所の途中がファイルになっています"
    if exc.errno == errno.ENOSPC or winerror == 112:
        return "ディスクの空き容量が足りません"
    if exc.errno == errno.ENAMETOOLONG or winerror == 206:
        return "ファイルの場所（パス）が長すぎます"
    if exc.errno == errno.EROFS:
        return "読み取り専用の場所には書き込めません"
    if isinstance(exc, (TimeoutError, ConnectionError)) or winerror in (53, 64, 67):
        return "ネットワーク上のフォルダにつながりません"
    return "ファイルの読み書き中にエラーが起きました"
