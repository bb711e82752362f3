"""Small file helpers shared by every writer: atomic replace with sensible permissions."""
from __future__ import annotations

import os
import shutil
from pathlib import Path


def keep_mode(tmp: Path, path: Path) -> None:
    """mkstemp makes 0600 files: give the new file the old file's mode, or the usual one."""
    if Path(path).exists():
        shutil.copymode(path, tmp)
    else:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
