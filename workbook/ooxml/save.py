"""Small file helpers shared by every writer: atomic replace with sensible permissions."""
from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from pathlib import Path
from typing import Callable


def keep_mode(tmp: Path, path: Path) -> None:
    """mkstemp makes 0600 files: give the new file the old file's mode, or the usual one."""
    if Path(path).exists():
        shutil.copymode(path, tmp)
    else:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)


def backup_copy(path: Path, folder: Path) -> Path:
    """Copy a file aside, with the time in its name, before it is changed: <stem>_<YYYYmmdd_HHMMSS_ffffff><suffix>."""
    path = Path(path)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d_%H%M%S_%f")
    target = folder / f"{path.stem}_{stamp}{path.suffix}"
    shutil.copy2(path, target)
    return target


def replace_atomically(path: Path, write: Callable[[Path], None]) -> None:
    """write(tmp) into a temporary file beside path, then replace path with it in one step.

    A reader never sees a half-written file; on any error the old file stays as it was.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=".~tmp_", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        write(tmp)
        keep_mode(tmp, path)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def decode_japanese_text(raw: bytes) -> str | None:
    """Text saved by Japanese office software: UTF-8 (with or without BOM) or Shift_JIS (cp932)."""
    for encoding in ("utf-8-sig", "cp932"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None
