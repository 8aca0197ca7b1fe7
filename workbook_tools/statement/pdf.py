"""Statements as PDF, rendered by LibreOffice from their workbooks (the print setup of sheet.py).

A PDF cannot carry the ``orderbook:kind`` custom property, so ours are known by the keywords the
workbook carries into it (sheet.KEYWORD; LibreOffice writes ``orderbook, statement`` in the PDF's
document information, UTF-16). An existing PDF is replaced silently only when it is one of ours;
any other file there is refused unless ``--force`` (backed up first), as outputs.py does for
workbooks.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from pathlib import Path

from ..libreoffice import LibreOfficeError, convert_many, soffice
from ..outputs import refusal
from ..safe_io import atomic_path, backup
from .sheet import KEYWORD

#: What LibreOffice makes of KEYWORD in a PDF's /Keywords: plain, or as UTF-16 hex (FEFF…).
_MARKS = tuple(
    m
    for text in (KEYWORD, KEYWORD.replace(":", ", "))
    for m in (text.encode(), ("FEFF" + text.encode("utf-16-be").hex().upper()).encode())
)
_MAX_PDF = 32 << 20
#: Statements per LibreOffice run: one start-up for many files, a bounded command line and time.
BATCH = 40


class PdfUnavailable(LibreOfficeError):
    """--pdf without LibreOffice on the machine."""


def require_soffice() -> None:
    if soffice() is None:
        raise PdfUnavailable(
            "--pdf 需要 LibreOffice（soffice），本机未安装；不加 --pdf 只写 xlsx / --pdf needs "
            "LibreOffice (soffice), which is not installed: without --pdf only the xlsx files "
            "are written (apt-get install libreoffice-calc-nogui)"
        )


def is_our_pdf(path: str | os.PathLike[str]) -> bool:
    try:
        if os.path.getsize(path) > _MAX_PDF:
            return False
        data = Path(path).read_bytes()
    except OSError:
        return False
    return data.startswith(b"%PDF") and any(m in data for m in _MARKS)


def pdf_path(xlsx: Path) -> Path:
    return xlsx.with_suffix(".pdf")


def check_pdf(path: Path, *, inputs: Iterable[str | os.PathLike[str]] = (), force: bool = False) -> Path | None:
    """As outputs.check_output for a PDF: None when ``path`` may be written (absent, or our own
    statement PDF); with ``force`` the backup's path; else OutputExistsError."""
    if not path.exists() and not path.is_symlink():
        return None
    if not path.is_file():
        raise refusal(path, "statement", "special")
    if any(os.path.exists(i) and os.path.samefile(path, i) for i in inputs if i is not None):
        reason = "input"
    elif is_our_pdf(path):
        return None
    else:
        reason = "foreign"
    if not force:
        raise refusal(path, "statement", reason)
    return backup(path)


def write_pdfs(workbooks: list[Path], *, timeout_per_file: int = 20) -> list[Path]:
    """Render each statement workbook to ``<same name>.pdf`` beside it, atomically (LibreOffice
    writes into a private folder; each PDF is then renamed into place)."""
    require_soffice()
    out = []
    for first in range(0, len(workbooks), BATCH):
        batch = workbooks[first : first + BATCH]
        folder = batch[0].parent
        with tempfile.TemporaryDirectory(dir=folder, prefix=".orderbook-pdf-") as scratch:
            try:
                made = convert_many(batch, scratch, "pdf", timeout=60 + timeout_per_file * len(batch))
            except subprocess.TimeoutExpired:
                raise LibreOfficeError(f"LibreOffice took too long to render {len(batch)} statements") from None
            for src, pdf in zip(batch, made):
                target = pdf_path(src)
                with atomic_path(target) as tmp:
                    shutil.copyfile(pdf, tmp)
                out.append(target)
    return out
