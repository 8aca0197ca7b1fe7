"""Typed exceptions for problems with usage, files or configuration.

Problems *in the data* are never raised: they become ``Finding``s in a report.
Everything raised here is caught once, by the CLI, and shown as one line.
"""

from __future__ import annotations


class WorkbookToolsError(Exception):
    """Base of every error the library raises on purpose."""


class ConfigError(WorkbookToolsError):
    """The TOML configuration file is missing, unreadable or invalid."""


class SchemaError(WorkbookToolsError):
    """The schema declaration itself is inconsistent (a bug, not bad data)."""


class BookReadError(WorkbookToolsError):
    """An input workbook could not be read at all (not a zip, encrypted, truncated …)."""

    def __init__(self, path, reason: str):
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


class MissingSheetError(BookReadError):
    """A required sheet is absent from the workbook."""


class MissingColumnError(BookReadError):
    """A required column is absent from a sheet's header row."""


class OutputError(WorkbookToolsError):
    """An output file could not be written."""
