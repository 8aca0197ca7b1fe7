"""The JSON report: ``Report.to_dict`` plus totals, written atomically as UTF-8."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..report import Report
from ..safe_io import atomic_path
from .labels import totals


def report_dict(report: Report, lang: str = "zh") -> dict[str, Any]:
    """Every finding with code, severity, sheet, row, column, cell, value, message and hint, per file."""
    t = totals(report)
    return {
        "lang": lang,
        "totals": {"files": t.files, "errors": t.errors, "warnings": t.warnings, "unreadable": t.unreadable},
        **report.to_dict(lang),
    }


def write_json(report: Report, path: str | Path, lang: str = "zh") -> Path:
    path = Path(path)
    with atomic_path(path) as tmp:
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump(report_dict(report, lang), fh, ensure_ascii=False, indent=2)
            fh.write("\n")
    return path
