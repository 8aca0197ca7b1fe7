"""Formatters: a ``Report`` shown in the terminal or written as JSON, Excel or HTML.

``FORMATS[name](report, out_dir, lang) -> [paths]`` writes one format into a folder under fixed
names (``validation_report.txt|json|html|xlsx``, plus the annotated copies for xlsx; numbered, as
``validation_report-2.json``, where that name is taken by an input or a file that is not ours): one shape for
the CLI's ``--format``/``--out`` and the nightly job. ``render_text`` prints to a terminal.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..outputs import TEXT_KIND, free_path
from ..report import Report

Writer = Callable[[Report, Path, str], list[Path]]


def _free(report: Report, out_dir: Path, name: str, kind: str) -> Path:
    """``out_dir/name``, or ``name-2.ext`` … when that file is an input or not an earlier report."""
    stem, ext = name.rsplit(".", 1)
    return free_path(
        out_dir, lambda n: name if n == 1 else f"{stem}-{n}.{ext}", kind, inputs=[r.path for r in report.files]
    )


# Each writer imports its formatter when it runs: the command line reads the format names from
# FORMATS at start-up, and openpyxl (the Excel report's) would cost every command half a second.


def _text(report: Report, out_dir: Path, lang: str) -> list[Path]:
    from .text import write_text

    return [write_text(report, _free(report, Path(out_dir), "validation_report.txt", TEXT_KIND), lang)]


def _json(report: Report, out_dir: Path, lang: str) -> list[Path]:
    from .json_report import write_json

    return [write_json(report, _free(report, Path(out_dir), "validation_report.json", "validation-json"), lang)]


def _html(report: Report, out_dir: Path, lang: str) -> list[Path]:
    from .html_report import write_html

    return [write_html(report, _free(report, Path(out_dir), "validation_report.html", TEXT_KIND), lang)]


def _xlsx(report: Report, out_dir: Path, lang: str) -> list[Path]:
    from .xlsx_report import write_xlsx

    return write_xlsx(report, out_dir, lang)


#: The one list of report formats: ``validate --format``, ``nightly --format`` and the nightly's
#: defaults are derived from it.
FORMATS: dict[str, Writer] = {"text": _text, "json": _json, "html": _html, "xlsx": _xlsx}
#: The format ``validate`` prints to the terminal (the nightly writes it as a file too).
TERMINAL = "text"
#: The formats that are files for people to open: the nightly job writes these unless told.
FILE_FORMATS: tuple[str, ...] = tuple(name for name in FORMATS if name != TERMINAL)

#: What the package re-exports from its formatters, imported when first asked for.
_EXPORTS = {
    "REPORT_NAME": "xlsx_report",
    "annotated_names": "xlsx_report",
    "write_xlsx": "xlsx_report",
    "render_html": "html_report",
    "write_html": "html_report",
    "report_dict": "json_report",
    "write_json": "json_report",
    "render_text": "text",
    "write_text": "text",
}


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)


__all__ = ["FILE_FORMATS", "FORMATS", "TERMINAL", *_EXPORTS]
