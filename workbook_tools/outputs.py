"""What orderbook writes, and what it may write over (DESIGN.md, principle 2).

Every workbook the project writes carries a custom document property ``orderbook:kind`` (book,
summary, reconcile, …): ``xlsx_workbook`` creates every xlsxwriter workbook with it. An existing
file may be replaced silently only when it is our own output of the same kind; an order book, an
input of the command, or a file we did not write is refused unless ``--force`` (and then backed
up first); a folder, device or FIFO is never replaced.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
import zipfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from .errors import OutputError, OutputExistsError, about
from .safe_io import Guard, atomic_path, backup, output_error, refuse_non_regular, scratch_dir
from .xlsxpkg.package import DAMAGED

if TYPE_CHECKING:
    from xlsxwriter import Workbook

#: The custom document property naming what kind of output a workbook is.
TAG = "orderbook:kind"
#: Tagged workbook kinds, with their names in messages (zh, en).
KINDS: dict[str, tuple[str, str]] = {
    "book": ("订单簿", "order book"),
    "summary": ("月报", "monthly summary"),
    "reconcile": ("对账簿", "reconciliation workbook"),
    "customers": ("客户档案", "customer history"),
    "validation-report": ("校验报告", "validation report"),
    "annotated": ("批注副本", "annotated copy"),
    "rejects": ("拒绝清单", "rejects report"),
    "backup": ("备份", "backup"),
    "changes": ("变更报告", "change report"),
    "statement": ("对账单", "customer statement"),
}
#: Outputs that cannot carry the tag, known by their content instead: JSON objects with these keys.
JSON_KINDS: dict[str, tuple[frozenset[str], tuple[str, str]]] = {
    "summary-json": (frozenset({"format_version", "month", "key_figures"}), ("月报 JSON", "summary JSON")),
    "validation-json": (frozenset({"valid", "files"}), ("校验报告 JSON", "validation report JSON")),
}
#: Plain-text outputs (the text and HTML reports): anything but a spreadsheet may be replaced.
TEXT_KIND = "text-report"

_CUSTOM_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
_MAX_PART = 1 << 20  # custom.xml and .rels are a few hundred bytes; anything bigger is not ours
_MAX_JSON = 64 << 20


# --------------------------------------------------------------------------------------- reading


def _regular(path: str | os.PathLike[str]) -> bool:
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return False


def read_tag(path: str | os.PathLike[str]) -> str | None:
    """The ``orderbook:kind`` of the workbook at ``path``; None when it has none, or is no
    workbook at all (never raises; reads two small parts of the zip, not the sheets)."""
    from defusedxml import ElementTree

    if not _regular(path):  # a FIFO or a device would block or never end
        return None
    try:
        with zipfile.ZipFile(path) as z:
            part = _custom_part(z)
            info = z.getinfo(part)
            if info.file_size > _MAX_PART:
                return None
            root = ElementTree.fromstring(z.read(info))
    except DAMAGED:  # not a zip, no custom properties, bad XML: no tag
        return None
    for prop in root:
        if prop.get("name") == TAG:
            value = "".join(prop.itertext()).strip()
            return value or None
    return None


def _custom_part(z: zipfile.ZipFile) -> str:
    """The custom properties part named by the package relationships (docProps/custom.xml as a rule)."""
    from defusedxml import ElementTree

    with contextlib.suppress(*DAMAGED):
        info = z.getinfo("_rels/.rels")
        if info.file_size <= _MAX_PART:
            for rel in ElementTree.fromstring(z.read(info)):
                if rel.get("Type") == _CUSTOM_REL and rel.get("TargetMode") != "External":
                    return str(PurePosixPath(rel.get("Target", "").lstrip("/")))
    return "docProps/custom.xml"


def looks_like_book(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` reads as an order book: two or more of its sheets bear the name of one of
    our data sheets (Chinese or English). Never raises."""
    from .schema import SHEETS

    if not _regular(path):
        return False
    try:
        from .formats.ooxml import sheet_names

        names = {n.strip().casefold() for n in sheet_names(path)}
    except DAMAGED:  # not a workbook we can list: not a book we know
        return False
    return sum(1 for s in SHEETS if s.zh.casefold() in names or s.en.casefold() in names) >= 2


def _spreadsheet_bytes(path: str | os.PathLike[str]) -> bool:
    """A zip (xlsx, ods) or an OLE file (xls, encrypted xlsx): a workbook, never a text report."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(8)
    except OSError:
        return True
    return head.startswith((b"PK\x03\x04", b"PK\x05\x06", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"))


def _our_json(path: str | os.PathLike[str], keys: frozenset[str]) -> bool:
    try:
        if os.path.getsize(path) > _MAX_JSON:
            return False
        with open(path, encoding="utf-8-sig") as fh:
            doc = json.load(fh)
    except (OSError, ValueError):
        return False
    return isinstance(doc, dict) and keys <= doc.keys()


# --------------------------------------------------------------------------------------- consent


def _same_file(a: str | os.PathLike[str], b: str | os.PathLike[str]) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def why_not_replace(
    path: str | os.PathLike[str], kind: str, inputs: Iterable[str | os.PathLike[str]] = ()
) -> str | None:
    """None when ``path`` may be written as a ``kind`` output without asking: it does not exist, or
    it is our own output of that kind. Else why not: ``special`` (not a regular file), ``input``,
    ``book`` (an order book), ``foreign`` (a file we did not write as that kind)."""
    try:
        st = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as exc:
        raise output_error(path, exc) from exc
    if not stat.S_ISREG(st.st_mode):
        return "special"
    if any(_same_file(path, i) for i in inputs if i is not None):
        return "input"
    if kind in JSON_KINDS:
        return None if _our_json(path, JSON_KINDS[kind][0]) else "book" if looks_like_book(path) else "foreign"
    if kind == TEXT_KIND:
        return "book" if looks_like_book(path) else "foreign" if _spreadsheet_bytes(path) else None
    tag = read_tag(path)
    if tag == "book" or looks_like_book(path):
        return "book"
    return None if tag == kind else "foreign"


def kind_label(kind: str) -> tuple[str, str]:
    if kind in KINDS:
        return KINDS[kind]
    if kind in JSON_KINDS:
        return JSON_KINDS[kind][1]
    return "报告", "report"


def refusal(path: str | os.PathLike[str], kind: str, reason: str) -> OutputExistsError:
    """The one line saying why ``path`` is not replaced."""
    zh, en = kind_label(kind)
    if reason == "special":
        st = os.stat(path)
        refuse_non_regular(path, st)  # raises with the line for folders, devices and FIFOs
    book = looks_like_book(path)
    what_zh, what_en = {
        "input": (
            "这是订单簿本身，本命令的输入" if book else "这是本命令的输入文件",
            "is the order book itself, an input of this command" if book else "is an input of this command",
        ),
        "book": ("这是一个订单簿", "is an order book"),
        "foreign": (f"已有文件，不是 orderbook 写的{zh}", f"already exists and is not a {en} orderbook wrote"),
    }[reason]
    return OutputExistsError(
        about(
            path,
            (
                f"{what_zh}，不会被覆盖；请换一个输出文件，或加 --force（先备份再覆盖）",
                f"{what_en}: not replaced; choose another output file, or --force (backs it up first)",
            ),
        )
    )


def check_output(
    path: str | os.PathLike[str],
    kind: str,
    *,
    inputs: Iterable[str | os.PathLike[str]] = (),
    force: bool = False,
    backup_first: bool = True,
) -> Path | None:
    """Refuse (OutputExistsError) to write a ``kind`` output over ``path`` unless that is allowed
    silently (see ``why_not_replace``) or ``force``. With ``force`` the file is backed up first
    (unless ``backup_first`` is False: the caller's library call makes the backup) and the backup's
    path is returned. A folder, device or FIFO is refused even with ``force``."""
    reason = why_not_replace(path, kind, list(inputs))
    if reason is None:
        return None
    if reason == "special" or not force:
        raise refusal(path, kind, reason)
    return backup(path) if backup_first else None


def free_path(
    folder: str | os.PathLike[str],
    name: Callable[[int], str],
    kind: str,
    *,
    inputs: Iterable[str | os.PathLike[str]] = (),
    taken: Iterable[str] = (),
) -> Path:
    """``folder / name(1)``, else ``name(2)``, ``name(3)`` …: the first that is not in ``taken``
    (case-insensitive) and may be written as a ``kind`` output without asking (for outputs under
    fixed names, such as validate's reports: never over an input, a book or someone's file)."""
    folder = Path(folder)
    inputs = list(inputs)
    taken = {t.casefold() for t in taken}
    n = 1
    while True:
        candidate = folder / name(n)
        if candidate.name.casefold() not in taken and why_not_replace(candidate, kind, inputs) is None:
            return candidate
        n += 1


# --------------------------------------------------------------------------------------- writing


@contextlib.contextmanager
def xlsx_workbook(
    path: str | os.PathLike[str], kind: str, options: dict[str, Any] | None = None, *, guard: Guard | None = None
) -> Iterator[Workbook]:
    """A new xlsxwriter Workbook that becomes ``path`` (atomically, see ``atomic_path``) when the
    block ends: tagged ``orderbook:kind = kind``; xlsxwriter's own scratch files in a private folder
    beside the target, never in $TMPDIR; closed here, its errors (a full disk among them) one line."""
    from xlsxwriter import Workbook
    from xlsxwriter.exceptions import XlsxWriterException

    if kind not in KINDS:
        raise ValueError(f"unknown output kind {kind!r}")
    with atomic_path(path, guard=guard) as tmp, scratch_dir(tmp) as scratch:
        wb = Workbook(str(tmp), {**(options or {}), "tmpdir": str(scratch)})
        wb.set_custom_property(TAG, kind)
        try:
            yield wb
        except OSError as exc:
            _discard(wb)
            raise output_error(path, exc) from exc
        except BaseException:
            _discard(wb)
            raise
        try:
            wb.close()
        except XlsxWriterException as exc:
            cause = exc.args[0] if exc.args and isinstance(exc.args[0], OSError) else exc.__context__
            if isinstance(cause, OSError):
                raise output_error(path, cause) from exc
            raise OutputError((f"无法写入 {path}：{exc}", f"cannot write {path}: {exc}")) from exc
        except OSError as exc:
            raise output_error(path, exc) from exc


def _discard(wb: Workbook) -> None:
    """Close the row files of constant-memory sheets of a workbook that will not be written."""
    from .template.xlsxwriter_adapter import discard

    discard(wb)


@contextlib.contextmanager
def book_output(
    output: Path, *, inputs: Iterable[str | os.PathLike[str]] = (), force: bool = False, backup_first: bool = True
) -> Iterator[Path | None]:
    """Consent and lock for writing an order book at ``output``: refused when it names a book, an
    input or a file we did not write (unless ``force``: then backed up first, unless
    ``backup_first`` is False because the library call makes the backup), or while Excel, WPS or
    LibreOffice has it open; another orderbook command writing it is waited for. Yields the
    backup's path (or None); the library's write inside the block is checked against the book
    having changed since the lock was taken."""
    from .safe_io import locked

    with locked(output, force=force):
        yield check_output(output, "book", inputs=inputs, force=force, backup_first=backup_first)
