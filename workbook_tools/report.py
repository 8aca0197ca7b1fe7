"""A validation report: the findings of each file, apart from how they are shown (formatters)."""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from .exits import Exit, findings_exit
from .findings import Finding, FindingCounts, ordered
from .lang import Said, pick


@dataclass
class FileResult(FindingCounts):
    path: Path
    findings: list[Finding] = field(default_factory=list)
    #: Why the file could not be read at all (then there are no findings): the English, the stable
    #: text of the JSON report.
    error: str | None = None
    #: Records per sheet key.
    rows: dict[str, int] = field(default_factory=dict)
    lang: str = "zh"
    #: Which settings the file was checked with (``Settings.label``), when known.
    settings: str | None = None
    #: What changed since the previous night (changes.BookChanges), when the nightly job compared.
    changes: Any = None
    #: The same in Chinese (``Settings.describe("zh")``), for reports in Chinese.
    settings_zh: str | None = None
    #: When the check ran, and the file as it was then (bytes, last modified): every report says
    #: which state of which file it describes. Filled in when the result is made.
    checked_at: datetime | None = None
    size: int | None = None
    modified: datetime | None = None
    #: ``error`` in Chinese, for reports in Chinese (None: ``error`` is all there is).
    error_zh: str | None = None

    @classmethod
    def unreadable(cls, path: Path, reason: Said) -> FileResult:
        """A file that could not be read, and why (in both languages)."""
        return cls(path, error=reason.en, error_zh=reason.zh)

    def __post_init__(self) -> None:
        if self.checked_at is None:
            self.checked_at = datetime.now().replace(microsecond=0)
        if self.size is None:
            try:
                st = os.stat(self.path)
            except (OSError, TypeError, ValueError):
                return
            self.size, self.modified = st.st_size, datetime.fromtimestamp(st.st_mtime).replace(microsecond=0)

    def settings_text(self, lang: str) -> str | None:
        return pick(lang, self.settings_zh or "", "") or self.settings

    def error_text(self, lang: str) -> str | None:
        """Why the file could not be read, in ``lang``."""
        return pick(lang, self.error_zh or self.error or "", self.error or "") or None

    def by_code(self) -> Counter[str]:
        return Counter(f.code for f in self.findings)


@dataclass
class Report:
    files: list[FileResult] = field(default_factory=list)
    #: What a folder's search passed over (validate/files.py ``Skipped``: our own outputs, report
    #: folders, links out, devices), each listed once.
    skipped: list[Any] = field(default_factory=list)

    @property
    def findings(self) -> list[Finding]:
        return [f for r in self.files for f in r.findings]

    @property
    def valid(self) -> bool:
        return not any(r.error or r.errors for r in self.files)

    @property
    def exit_code(self) -> Exit:
        if any(r.error for r in self.files):
            return Exit.INPUT
        return findings_exit(any(r.errors for r in self.files))

    def flatten(self, fields: list[str]) -> list[list[Any]]:
        """Compact rows for tests and CSVs: ``report.flatten(["cell", "code"])``."""
        return [[getattr(f, name) for name in fields] for f in self.findings]

    def to_dict(self, lang: str = "zh") -> dict[str, Any]:
        return {
            "valid": self.valid,
            "exit_code": self.exit_code,
            "files": [
                {
                    "path": str(r.path),
                    "error": r.error,
                    "rows": r.rows,
                    "errors": r.errors,
                    "warnings": r.warnings,
                    "by_code": dict(sorted(r.by_code().items())),
                    "checked_at": _iso(r.checked_at),
                    "size": r.size,
                    "modified": _iso(r.modified),
                    "findings": [f.to_dict(lang) for f in ordered(r.findings)],
                    **({"settings": r.settings} if r.settings else {}),
                    **({"changes": r.changes.to_dict(lang)} if r.changes is not None else {}),
                }
                for r in self.files
            ],
            **(
                {
                    "skipped": [
                        {"path": str(s.path), "reason": s.reason, "detail": s.detail or None, "text": s.text(lang)}
                        for s in self.skipped
                    ]
                }
                if self.skipped
                else {}
            ),
        }


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat(timespec="seconds") if moment is not None else None
