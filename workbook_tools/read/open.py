"""Opening a workbook: every way a file can fail to be an .xlsx becomes one clear BookReadError.

Checked before any library sees the file, in this order: missing, a folder, a FIFO or a device, an
Excel lock file, empty, an OLE container (a legacy .xls or a password-protected .xlsx), not a zip, a
truncated zip, a zip that is no workbook (an .ods, say), a zip bomb (a part that expands more than
``MAX_RATIO`` times, or a package past ``limits.max_uncompressed_mb``). Then python-calamine opens it;
whatever it raises is turned into a BookReadError too. Each sheet's extent is scanned from its XML
before calamine reads it (xlsxparts.scan_sheet): a sheet reaching absurdly far is read cut to its data.
"""

from __future__ import annotations

import codecs
import io
import os
import stat
import threading
import zipfile
import zlib
from collections.abc import Collection, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from python_calamine import CalamineError, CalamineWorkbook

from ..cells import col_letter
from ..config import Config
from ..errors import BookReadError, os_reason
from ..lang import Said, said
from ..xlsxpkg.zsplice import Indexed
from .xlsxparts import (
    GRID_CELLS,
    Parts,
    PartsError,
    SheetScan,
    bounded_copy,
    read_parts,
    scan_sheet,
    workbook_member,
)

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
#: An encrypted .xlsx is an OLE container holding these streams (MS-OFFCRYPTO).
_ENCRYPTED_STREAMS = ("EncryptionInfo".encode("utf-16-le"), "EncryptedPackage".encode("utf-16-le"))
#: Zip-bomb guard: a part bigger than ``_RATIO_FROM`` may expand at most this many times. Our books'
#: sheets expand 6-16 times; deflate's ceiling is about 1,032 (a part of zeros or of one repeated byte).
MAX_RATIO = 250
_RATIO_FROM = 10 << 20
#: Sheets parsed at once. calamine parses without the GIL, so two sheets parse side by side on two
#: cores: the bare read of the 100,000-order demo book takes 5.0 s instead of 9.5 s.
READERS = 2


Merged = list[tuple[tuple[int, int], tuple[int, int]]]


@dataclass
class SheetCells:
    """One sheet as read: calamine's grid from A1, its merged ranges and its error cells (0-based)."""

    name: str
    grid: list[list[Any]]
    merged: Merged
    errors: dict[tuple[int, int], str]
    #: The sheet's XML with its deflate block boundaries, when asked to keep it (``read_sheets``).
    xml: Indexed | None = None


@dataclass
class Source:
    """An open workbook: calamine for the values, the zip for what calamine does not say."""

    path: Path
    zip: zipfile.ZipFile
    workbook: CalamineWorkbook
    parts: Parts
    _pools: list[ThreadPoolExecutor] = field(default_factory=list, repr=False)
    #: Each reader thread's own calamine workbook (``_reader``).
    _readers: dict[int, CalamineWorkbook] = field(default_factory=dict, repr=False)

    @property
    def sheet_names(self) -> list[str]:
        """Every sheet, in workbook order, hidden ones included."""
        return list(self.workbook.sheet_names)

    def sheet_info(self) -> dict[str, tuple[str, bool]]:
        """Every sheet's name -> (kind, hidden): kind "worksheet", "chart" or "other" (dialog and
        macro sheets), hidden for hidden and very hidden sheets."""
        info = {}
        for meta in self.workbook.sheets_metadata:
            typ, visible = str(meta.typ).rsplit(".", 1)[-1], str(meta.visible).rsplit(".", 1)[-1]
            kind = {"WorkSheet": "worksheet", "ChartSheet": "chart"}.get(typ, "other")
            info[meta.name] = (kind, visible != "Visible")
        return info

    def read_sheets(
        self, names: list[str], keep: Collection[str] = (), start: list[str] | None = None
    ) -> Iterator[SheetCells]:
        """The sheets ``names``, in that order, read while the caller works: calamine lets go of the GIL
        while it parses, and so does the scan while it inflates and searches, so on two cores the
        parsing runs behind the caller's Python work, ``READERS`` sheets at a time. The parsing starts
        in the order of ``start`` (default ``names``): a large sheet the caller needs soon can start
        before the small ones it works on meanwhile. Each sheet's XML is scanned (error cells, extent)
        before calamine reads it, so no sheet makes calamine allocate an absurd range. The scan of the
        sheets in ``keep`` keeps their XML, inflated with its block boundaries (``SheetCells.xml``), for
        a writer that changes them next."""
        start = [n for n in start or names if n in names] + [n for n in names if n not in (start or ())]
        scanner, parts = self._pool("xlsx-scan"), self.parts.sheets
        scans = {n: scanner.submit(scan_sheet, self.zip, parts[n], keep=n in keep) for n in start if n in parts}
        reader = self._pool("xlsx-read", READERS)
        grids = {n: reader.submit(self._grid, n, scans.get(n)) for n in start}
        for name in names:
            grid, merged = grids.pop(name).result()
            scan = self._scan(name, scans.get(name))
            yield SheetCells(name, grid, merged, scan.errors, scan.xml)

    def _pool(self, prefix: str, workers: int = 1) -> ThreadPoolExecutor:
        pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix=prefix)
        self._pools.append(pool)
        return pool

    def _damaged(self, name: str, exc: object) -> BookReadError:
        return BookReadError(
            self.path,
            said(
                (
                    "工作表 {name!r} 无法读取，文件已损坏（{exc}）",
                    "sheet {name!r} cannot be read; the file is damaged ({exc})",
                ),
                name=name,
                exc=exc,
            ),
        )

    def _grid(self, name: str, scan: Future[SheetScan] | None = None) -> tuple[list[list[Any]], Merged]:
        """The sheet's cells from A1 (leading empty rows and columns kept, so indexes are Excel's),
        and its merged ranges ``((first row, first col), (last row, last col))``. A sheet whose cells
        reach so far that calamine would allocate more than ``GRID_CELLS`` cells is read cut to the
        columns with a header and the rows with values in them (xlsxparts.bounded_copy)."""
        workbook = self._reader(name)
        if scan is not None and self._scan(name, scan).too_big:
            workbook = self._bounded(name, self._scan(name, scan))
        try:
            sheet = workbook.get_sheet_by_name(name)
            return sheet.to_python(skip_empty_area=False), list(sheet.merged_cell_ranges or [])
        except CalamineError as exc:  # ZipError, XmlError …: damage. A MemoryError is none: it goes up
            raise self._damaged(name, exc) from None

    def _reader(self, name: str) -> CalamineWorkbook:
        """This thread's calamine workbook: one object parses one sheet at a time (it is locked while it
        does), so each reader thread opens the file for itself (opening parses nothing yet)."""
        workbook = self._readers.get(threading.get_ident())
        if workbook is None:
            try:
                workbook = CalamineWorkbook.from_path(str(self.path))
            except (CalamineError, OSError) as exc:
                raise self._damaged(name, exc) from None
            self._readers[threading.get_ident()] = workbook
        return workbook

    def _bounded(self, name: str, scan: SheetScan) -> CalamineWorkbook:
        try:
            cut = bounded_copy(self.zip, self.parts.sheets[name])
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, zlib.error) as exc:
            raise self._damaged(name, exc) from None
        if cut.rows * cut.cols > GRID_CELLS:
            raise BookReadError(
                self.path,
                said(
                    (
                        "工作表 {name!r} 的数据延伸到 {cell}，范围过大（超过 33,554,432 个单元格），无法读取：请删除数据区以外的单元格",
                        "sheet {name!r} has values as far as {cell}: a range too big to read (more than 33,554,432 cells); "
                        "delete the cells outside the data",
                    ),
                    name=name,
                    cell=f"{col_letter(cut.cols - 1)}{cut.rows:,}",
                ),
            )
        try:
            return CalamineWorkbook.from_filelike(io.BytesIO(cut.data))
        except CalamineError as exc:
            raise self._damaged(name, exc) from None

    def _scan(self, name: str, scan: Future[SheetScan] | None) -> SheetScan:
        if scan is None:
            return SheetScan()
        try:
            return scan.result()
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, zlib.error) as exc:
            raise self._damaged(name, exc) from None

    def close(self) -> None:
        """Stop the workers (after the sheet each may be busy with) before the files close."""
        for pool in self._pools:
            pool.shutdown(wait=True, cancel_futures=True)
        self._pools.clear()
        for workbook in self._readers.values():
            workbook.close()
        self._readers.clear()


def _check_file(path: Path) -> None:
    if not path.exists():
        raise BookReadError(path, ("文件不存在", "file not found"))
    if path.is_dir():
        raise BookReadError(path, ("这是文件夹，不是文件", "is a folder, not a file"))
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        raise _unopened(path, exc) from None
    if not stat.S_ISREG(mode):  # opening a FIFO waits for a writer forever; a device never ends
        what = (
            ("FIFO（命名管道）", "a FIFO (named pipe)")
            if stat.S_ISFIFO(mode)
            else ("设备或套接字", "a device or socket")
        )
        raise BookReadError(
            path, said(("不是普通文件：{zh}，未读取", "{en}: not a regular file, not read"), zh=what[0], en=what[1])
        )
    if path.name.startswith("~$"):
        raise BookReadError(
            path,
            (
                "Excel 打开工作簿时生成的锁定文件（~$…），不是工作簿",
                "an Excel lock file (~$…), which Excel keeps while a book is open; not a workbook",
            ),
        )
    try:
        size = path.stat().st_size
        with path.open("rb") as f:
            head = f.read(8)
            if head == _OLE_MAGIC:
                body = head + f.read(64 << 20)
                if any(s in body for s in _ENCRYPTED_STREAMS):
                    raise BookReadError(
                        path,
                        (
                            "工作簿有密码保护（已加密）：请在 Excel 中打开，取消密码（文件 > 信息 > 保护工作簿）后另存",
                            "password-protected (encrypted) workbook: open it in Excel, remove the password "
                            "(File > Info > Protect Workbook) and save it again",
                        ),
                    )
                raise BookReadError(
                    path,
                    (
                        "旧版 Excel 97-2003 (.xls) 文件：请在 Excel 或 WPS 中另存为 .xlsx",
                        "a legacy Excel 97-2003 (.xls) file: open it in Excel or WPS and save it as .xlsx",
                    ),
                )
    except OSError as exc:
        raise _unopened(path, exc) from None
    if size == 0:
        raise BookReadError(path, ("空文件（0 字节）", "empty file (0 bytes)"))
    if head[:4] not in _ZIP_MAGIC:
        looks = (
            (
                "（看起来是文本：是否把 CSV 或 HTML 文件改名成了 .xlsx？）",
                " (it looks like text: a CSV or HTML file renamed .xlsx?)",
            )
            if _is_text(path)
            else ("", "")
        )
        raise BookReadError(
            path,
            Said(
                "不是 Excel 工作簿 (.xlsx)：文件不是 zip 压缩包" + looks[0],
                "not an Excel workbook (.xlsx): the file is not a zip archive" + looks[1],
            ),
        )


def _unopened(path: Path, exc: OSError) -> BookReadError:
    reason = os_reason(exc)
    return BookReadError(path, Said(f"无法打开（{reason.zh}）", f"cannot be opened ({reason.en})"))


def _is_text(path: Path) -> bool:
    """Does the file start like text (a CSV in UTF-8 or GBK, HTML, XML)?"""
    with path.open("rb") as f:
        head = f.read(512)
    if head.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return True
    if b"\0" in head:
        return False
    for encoding in ("utf-8", "gb18030"):
        try:
            text = codecs.getincrementaldecoder(encoding)().decode(head, final=False)
        except UnicodeDecodeError:
            continue
        return all(ch.isprintable() or ch in "\r\n\t" for ch in text)
    return False


def _open_zip(path: Path, config: Config) -> tuple[zipfile.ZipFile, Parts]:
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, EOFError, ValueError):
        raise BookReadError(
            path,
            (
                "文件不完整或已损坏（下载或复制未完成？）：zip 压缩包打不开",
                "truncated or damaged file (an incomplete download or copy?): its zip archive cannot be opened",
            ),
        ) from None
    except OSError as exc:
        raise _unopened(path, exc) from None
    try:
        workbook = workbook_member(zf)
        if workbook is None:
            if "content.xml" in zf.NameToInfo and "mimetype" in zf.NameToInfo:
                raise BookReadError(
                    path,
                    (
                        "这是 OpenDocument 表格 (.ods)，请另存为 .xlsx",
                        "an OpenDocument spreadsheet (.ods): save it as .xlsx",
                    ),
                )
            raise BookReadError(
                path,
                (
                    "是压缩包，但不是 Excel 工作簿（没有 xl/workbook.xml）",
                    "a zip archive, but not an Excel workbook (no xl/workbook.xml)",
                ),
            )
        if workbook.endswith(".bin"):
            raise BookReadError(
                path,
                (
                    "这是 Excel 二进制工作簿 (.xlsb)，请另存为 .xlsx",
                    "an Excel binary workbook (.xlsb): save it as .xlsx",
                ),
            )
        _check_sizes(path, zf, config.limits.max_uncompressed_mb)
        try:
            return zf, read_parts(zf, workbook)
        except PartsError as exc:
            raise BookReadError(
                path, Said(f"工作簿已损坏：{exc.said.zh}", f"damaged workbook: {exc.said.en}")
            ) from None
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, KeyError) as exc:
            raise BookReadError(
                path, said(("文件不完整或已损坏：{exc}", "truncated or damaged file: {exc}"), exc=exc)
            ) from None
    except BaseException:
        zf.close()
        raise


def _check_sizes(path: Path, zf: zipfile.ZipFile, limit_mb: int) -> None:
    """The zip-bomb guard: no part may expand more than ``MAX_RATIO`` times (once it is big enough to
    matter), and the whole package not past ``limit_mb`` (the default, 16 GB, takes a book of our
    schema with every sheet full to Excel's 1,048,576 rows: about 10.6 GB of XML)."""
    total = 0
    for info in zf.infolist():
        total += info.file_size
        if info.file_size > _RATIO_FROM and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            ratio = info.file_size // max(info.compress_size, 1)
            raise BookReadError(
                path,
                said(
                    (
                        "{part!r} 解压后放大 {ratio:,} 倍（超过 {most} 倍：没有哪个表格能压缩得这么小），疑似压缩炸弹，拒绝读取",
                        "{part!r} expands {ratio:,} times (more than {most}: no spreadsheet compresses that well): "
                        "refused as a possible zip bomb",
                    ),
                    part=info.filename,
                    ratio=ratio,
                    most=MAX_RATIO,
                ),
            )
    if total > limit_mb << 20:
        raise BookReadError(
            path,
            said(
                (
                    "解压后 {mb} MB，超过 {limit_mb} MB 上限（设置中的 limits.max_uncompressed_mb），疑似压缩炸弹，拒绝读取",
                    "expands to {mb} MB, over the {limit_mb} MB limit (limits.max_uncompressed_mb in the config): "
                    "refused as a possible zip bomb",
                ),
                mb=total >> 20,
                limit_mb=limit_mb,
            ),
        )


@contextmanager
def open_book(path: str | os.PathLike[str], config: Config) -> Iterator[Source]:
    """Open ``path`` for reading, or raise BookReadError with one line saying why not."""
    path = Path(path)
    _check_file(path)
    zf, parts = _open_zip(path, config)
    try:
        try:
            workbook = CalamineWorkbook.from_path(str(path))
        except (CalamineError, OSError) as exc:
            raise BookReadError(
                path, said(("工作簿已损坏，无法读取（{exc}）", "damaged workbook, cannot be read ({exc})"), exc=exc)
            ) from None
        source = Source(path, zf, workbook, parts)
        try:
            yield source
        finally:
            source.close()
            workbook.close()
    finally:
        zf.close()
