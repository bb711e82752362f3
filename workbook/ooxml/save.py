"""The one atomic save: every file the add-on writes is written beside its target and then put in
place in one step (replace_atomically), with the old file's permissions; a file about to change is first
copied aside with the time in its name (backup_copy). Nothing else in the project calls os.replace."""
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


def replace_atomically(path: Path, write: Callable[[Path], None] | None = None, data: bytes | None = None,
                       times: tuple[float, float] | None = None) -> None:
    """write(tmp) into a temporary file beside path (or data, written through the temporary file's own
    handle, with the access and modification times given), then replace path with it in one step.

    A reader never sees a half-written file; on any error the old file stays as it was.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=".~tmp_", suffix=path.suffix, dir=path.parent)
    tmp = Path(name)
    try:
        if write is None:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            if times is not None:
                os.utime(tmp, times)
        else:
            os.close(fd)
            write(tmp)
        keep_mode(tmp, path)
        os.replace(tmp, path)
    except BaseException:
        if tmp.exists():
            tmp.unlink()
        raise


def move(source: Path, target: Path) -> None:
    """Rename a file in one step (a file that must not be read again under its old name)."""
    os.replace(source, target)


def keep_aside(path: Path, folder: Path | None = None) -> Path | None:
    """Move an existing file out of the way, never overwriting it: to folder (default: its own) as
    <stem>_<YYYYmmdd_HHMMSS of its last write>[_n]<suffix>. None when there is no file."""
    path = Path(path)
    if not path.exists():
        return None
    folder = Path(folder) if folder is not None else path.parent
    folder.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.fromtimestamp(path.stat().st_mtime).strftime("%Y%m%d_%H%M%S")
    target = folder / f"{path.stem}_{stamp}{path.suffix}"
    n = 1
    while target.exists():
        n += 1
        target = folder / f"{path.stem}_{stamp}_{n}{path.suffix}"
    shutil.move(str(path), str(target))
    return target


def lock_file(path: Path) -> Path | None:
    """The owner file Excel (~$name) or LibreOffice (.~lock.name#) keeps while the file is open; None."""
    path = Path(path)
    for lock in (path.with_name("~$" + path.name), path.with_name(f".~lock.{path.name}#")):
        if lock.exists():
            return lock
    return None
