"""Formatters: a ``Report`` shown in the terminal or written as JSON, Excel or HTML.

``FORMATS[name](report, out_dir, lang) -> [paths]`` writes one format into a folder under fixed
names (``validation_report.txt|json|html|xlsx``, plus the annotated copies for xlsx; numbered, as
``validation_report-2.json``, where that name is taken by an input or a file that is not ours): one shape for
the CLI's ``--format``/``--out`` and the nightly job. ``render_text`` prints to a terminal.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..outputs import TEXT_KIND, free_path
from ..report import Report
from .html_report import render_html, write_html
from .json_report import report_dict, write_json
from .text import render_text, write_text
from .xlsx_report import REPORT_NAME, annotated_names, write_xlsx

Writer = Callable[[Report, Path, str], list[Path]]


def _free(report: Report, out_dir: Path, name: str, kind: str) -> Path:
    """``out_dir/name``, or ``name-2.ext`` … when that file is an input or not an earlier report."""
    stem, ext = name.rsplit(".", 1)
    return free_path(out_dir, lambda n: name if n == 1 else f"{stem}-{n}.{ext}", kind,
                     inputs=[r.path for r in report.files])


def _text(report: Report, out_dir: Path, lang: str) -> list[Path]:
    return [write_text(report, _free(report, Path(out_dir), "validation_report.txt", TEXT_KIND), lang)]


def _json(report: Report, out_dir: Path, lang: str) -> list[Path]:
    return [write_json(report, _free(report, Path(out_dir), "validation_report.json", "validation-json"), lang)]


def _html(report: Report, out_dir: Path, lang: str) -> list[Path]:
    return [write_html(report, _free(report, Path(out_dir), "validation_report.html", TEXT_KIND), lang)]


def _xlsx(report: Report, out_dir: Path, lang: str) -> list[Path]:
    return write_xlsx(report, out_dir, lang)


FORMATS: dict[str, Writer] = {"text": _text, "json": _json, "xlsx": _xlsx, "html": _html}

__all__ = [
    "FORMATS", "REPORT_NAME", "annotated_names", "render_html", "render_text", "report_dict",
    "write_html", "write_json", "write_text", "write_xlsx",
]
