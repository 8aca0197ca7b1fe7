"""Write outputs atomically: a temporary file beside the target, then one rename.

A crash or a kill mid-write leaves the previous file untouched (DESIGN.md, principle 2).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from .errors import OutputError


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path in the target's folder; rename it onto ``target`` on success."""
    target = Path(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise OutputError(f"cannot write {target}: {exc.strerror or exc}") from exc
    os.close(fd)
    tmp_path = Path(tmp)
    # mkstemp makes the file private (0600); give it the permissions a normal new file would get
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp_path, 0o666 & ~umask)
    try:
        yield tmp_path
        try:
            with open(tmp_path, "rb+") as fh:  # flush to disk before the rename makes it visible
                os.fsync(fh.fileno())
            os.replace(tmp_path, target)
        except OSError as exc:  # e.g. the target is a folder, or (on Windows) open in Excel
            raise OutputError(f"cannot write {target}: {exc.strerror or exc}") from exc
    except BaseException:
        with contextlib.suppress(OSError):
            tmp_path.unlink()
        raise


def backup(path: str | os.PathLike, *, now: datetime | None = None) -> Path:
    """Copy ``path`` to ``name.YYYYmmdd-HHMMSS.bak.xlsx`` beside it and return the copy's path.
    An existing backup is never overwritten (two backups in one second: ``…-HHMMSS-2.bak.xlsx``)."""
    path = Path(path)
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    dest = path.with_name(f"{path.stem}.{stamp}.bak{path.suffix}")
    n = 2
    while dest.exists():
        dest = path.with_name(f"{path.stem}.{stamp}-{n}.bak{path.suffix}")
        n += 1
    with atomic_path(dest) as tmp:
        shutil.copy2(path, tmp)
    return dest
