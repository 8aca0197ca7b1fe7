"""Drive Gnumeric's ``ssconvert``: recalculate a workbook as a third spreadsheet client would.

``ssconvert --recalc IN OUT`` loads the book, recalculates every formula and writes it again
(the format from OUT's extension). What it says on stderr while loading (an element it does not
know, a formula it cannot read) comes back with the result: a book of ours loads without a word.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from .errors import WorkbookToolsError


class GnumericError(WorkbookToolsError):
    pass


#: Gnumeric cannot hold print titles of both columns and rows (Excel's ``Sheet!$A:$B,Sheet!$1:$1``, which
#: Excel, WPS and LibreOffice print with): it says so while loading and drops them. Only the printing is
#: Gnumeric's loss; every formula is read, so this line is no warning about the book's formulas.
_PRINT_TITLES = re.compile(r"'[^']*!\$[A-Z]+:\$[A-Z]+,[^']*!\$\d+:\$\d+' Multiple expressions are not supported")


@dataclass
class Recalculated:
    path: Path
    #: What ssconvert printed while loading and saving (warnings), one line each.
    warnings: list[str]
    seconds: float


def ssconvert() -> str | None:
    return shutil.which("ssconvert")


def recalculate(src: str | Path, out_dir: str | Path, *, timeout: int = 600) -> Recalculated:
    """Load ``src`` in Gnumeric, recalculate every formula and save it as ``out_dir/<name>.xlsx``."""
    exe = ssconvert()
    if exe is None:
        raise GnumericError("Gnumeric (ssconvert) is not installed")
    src, out_dir = Path(src).resolve(), Path(out_dir).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    out = out_dir / f"{src.stem}.xlsx"
    start = time.perf_counter()
    try:
        result = subprocess.run([exe, "--recalc", str(src), str(out)], capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise GnumericError(f"Gnumeric took more than {timeout} s to recalculate {src.name}") from None
    seconds = time.perf_counter() - start
    if result.returncode != 0 or not out.exists():
        raise GnumericError(f"Gnumeric could not convert {src.name}: {result.stderr.strip() or result.stdout.strip()}")
    warnings = [
        line.strip()
        for line in (result.stderr + result.stdout).splitlines()
        if line.strip() and not _PRINT_TITLES.search(line)
    ]
    return Recalculated(out, warnings, seconds)
