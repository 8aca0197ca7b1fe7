"""Typed exceptions for problems with usage, files or configuration.

Problems *in the data* are never raised: they become ``Finding``s in a report.
Everything raised here is caught once, by the CLI, and shown as one line in the user's language:
each error carries its message in both languages (``said``, written side by side where it is
raised) and ``text(lang)`` picks one. ``str()`` is the English, the stable text for logs and JSON.
"""

from __future__ import annotations

import errno
import os
from typing import TypeAlias

from .lang import COLON, Pair, Said, label, say

#: What an error is given: both spellings (a ``Said`` or a ``(zh, en)`` pair), or one text for both
#: (a message from code that has not spelled it twice yet, or one that is the same in both).
Message: TypeAlias = Said | Pair | str


def as_said(message: Message) -> Said:
    if isinstance(message, Said):
        return message
    if isinstance(message, tuple):
        return Said(*message)
    return Said(message, message)


def about(path: str | os.PathLike[str], message: Message) -> Said:
    """``簿.xlsx：不是 Excel 工作簿`` / ``簿.xlsx: not an Excel workbook``: a message about a file."""
    reason = as_said(message)
    shown = os.fspath(path)
    return Said(shown + say("zh", COLON) + reason.zh, shown + say("en", COLON) + reason.en)


#: What the system says about a failed file operation, in Chinese, by its errno (the system's own
#: words, ``strerror``, are English whatever the user's language; they stay the English).
_OS_ZH: dict[int, str] = {
    errno.ENOENT: "文件或文件夹不存在",
    errno.EACCES: "没有权限",
    errno.EPERM: "不允许这样操作",
    errno.EROFS: "磁盘或文件夹是只读的",
    errno.EISDIR: "这是文件夹，不是文件",
    errno.ENOTDIR: "路径中有一段不是文件夹",
    errno.ENOSPC: "磁盘空间不足",
    errno.EDQUOT: "超出磁盘配额",
    errno.EFBIG: "文件超过了允许的大小",
    errno.EBUSY: "文件正被占用",
    errno.ETXTBSY: "文件正被占用",
    errno.ENAMETOOLONG: "文件名太长",
    errno.EMFILE: "打开的文件太多",
    errno.EIO: "磁盘读写出错",
    errno.EEXIST: "文件已存在",
    errno.EXDEV: "不能跨磁盘移动",
    errno.ELOOP: "链接层数太多（循环链接？）",
    errno.EAGAIN: "资源暂时不可用",
}


def os_reason(exc: OSError) -> Said:
    """Why a file operation failed, in both languages: the system's words in English, their
    Chinese by the errno (the system's words again when the errno is not one we know)."""
    en = exc.strerror or str(exc)
    return Said(_OS_ZH.get(exc.errno or 0, en), en)


class WorkbookToolsError(Exception):
    """Base of every error the library raises on purpose."""

    def __init__(self, message: Message = "") -> None:
        self.said = as_said(message)
        super().__init__(self.said.en)

    def text(self, lang: str | None) -> str:
        """The message in ``lang``."""
        return label(self.said, lang)

    def __reduce__(self) -> tuple[object, ...]:  # both spellings survive a child process
        return _rebuild, (type(self), self.said, self.__dict__)


def _rebuild(cls: type[WorkbookToolsError], message: Said, state: dict[str, object]) -> WorkbookToolsError:
    exc = cls.__new__(cls)
    Exception.__init__(exc, message.en)
    exc.__dict__.update(state)
    return exc


class ConfigError(WorkbookToolsError):
    """The TOML configuration file is missing, unreadable or invalid."""


class SchemaError(WorkbookToolsError):
    """The schema declaration itself is inconsistent (a bug, not bad data)."""


class BookReadError(WorkbookToolsError):
    """An input workbook could not be read at all (not a zip, encrypted, truncated …); ``reason``
    says why in both languages, without the path."""

    def __init__(self, path: str | os.PathLike[str], reason: Message) -> None:
        self.path = os.fspath(path)
        self.reason = as_said(reason)
        super().__init__(about(self.path, self.reason))


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
