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


class OutputExistsError(OutputError):
    """An output would replace a file this command may not replace without ``--force``: an order
    book, an input of the command, a file orderbook did not write as that kind of output, or a
    file that is not a regular file (device, FIFO, folder; never replaced, even with --force)."""


class DiskFullError(OutputError):
    """The disk (or the quota, or the file size limit) ran out while writing; nothing was replaced."""


class BookLockedError(OutputError):
    """The book is open in Excel / WPS / LibreOffice (their lock file is beside it), or another
    orderbook command is writing it."""


class BookChangedError(OutputError):
    """The book changed on disk between reading it and replacing it; nothing was written."""
