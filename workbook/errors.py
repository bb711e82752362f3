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
