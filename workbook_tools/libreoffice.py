"""Drive a headless LibreOffice: recalculate a workbook as a real client would, or render it to PDF.

LibreOffice does not recalculate xlsx files on load by default, so a throw-away user profile sets
"always recalculate" for OOXML and ODF files before converting.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

from .errors import WorkbookToolsError

_PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


class LibreOfficeError(WorkbookToolsError):
    pass


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert(src: str | Path, out_dir: str | Path, fmt: str = "xlsx", *, timeout: int = 300) -> Path:
    """Open ``src`` in LibreOffice (recalculating every formula) and save it as ``fmt`` in ``out_dir``."""
    return convert_many([src], out_dir, fmt, timeout=timeout)[0]


def convert_many(
    srcs: Sequence[str | Path], out_dir: str | Path, fmt: str = "xlsx", *, timeout: int = 300
) -> list[Path]:
    """``convert`` for several files in one LibreOffice run (it starts once: seconds saved per file).
    The files' names must differ: each becomes ``out_dir/<its stem>.<fmt>``."""
    exe = soffice()
    if exe is None:
        raise LibreOfficeError("LibreOffice (soffice) is not installed")
    files, out_dir = [Path(s).resolve() for s in srcs], Path(out_dir).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        user = Path(profile, "user")
        user.mkdir()
        (user / "registrymodifications.xcu").write_text(_PROFILE, encoding="utf-8")
        cmd = [
            exe,
            f"-env:UserInstallation={Path(profile).as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            fmt,
            "--outdir",
            str(out_dir),
            *map(str, files),
        ]
        result = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    outs = [out_dir / f"{src.stem}.{fmt.split(':')[0]}" for src in files]
    missing = [src.name for src, out in zip(files, outs) if not out.exists()]
    if result.returncode != 0 or missing:
        raise LibreOfficeError(
            f"LibreOffice could not convert {', '.join(missing) or files[0].name}: "
            f"{result.stderr.strip() or result.stdout.strip()}"
        )
    return outs
