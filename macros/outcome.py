"""What an operation reports back to the entry point that ran it (CLI or button)."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

Progress = Callable[[str], None]


def quiet(_: str) -> None:
    pass


@dataclass
class Outcome:
    """What an operation did, for the entry point to show: Japanese lines and the files written."""

    lines: list[str] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)

    def say(self, line: str) -> None:
        self.lines.append(line)
