"""Reading what is imported: a CSV (encoding and delimiter detected) or one sheet of an .xlsx.

A source becomes a ``SourceTable``: its header, its records as lists of raw values (text from a
CSV; what python-calamine gives from an .xlsx), the row number of each record as a spreadsheet
would show it (header = row 1 in a CSV), and the records that could not be used (ragged rows).

CSV encodings: a BOM decides (UTF-8, UTF-16); else strict UTF-8; else GB18030, the superset of
GBK and GB2312 that Chinese Excel writes. The delimiter is the one of ``, ; TAB |`` that splits
the header line into the most fields (quotes respected). A record with more or fewer fields than
the header is reported, never silently shifted into the wrong columns.
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..config import Config
from ..errors import BookReadError
from ..read.coerce import ExcelError
from ..read.headers import normalise

DELIMITERS = (",", ";", "\t", "|")
CSV_SUFFIXES = (".csv", ".txt", ".tsv")
XLSX_SUFFIXES = (".xlsx", ".xlsm")
_BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))


@dataclass
class SourceTable:
    path: Path
    header: list[str]
    #: Raw values per record, each as long as the header.
    records: list[list[Any]]
    #: Row number of each record as a spreadsheet shows it (CSV: header = 1, first record = 2).
    row_numbers: list[int]
    encoding: str = ""
    delimiter: str = ""
    sheet: str = ""
    date1904: bool = False
    #: Records whose number of fields is not the header's: (row number, raw fields).
    ragged: list[tuple[int, list[Any]]] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.path.name

    def column(self, name: str) -> int | None:
        """Index of the header ``name`` (exact first, then after normalising case, spaces, width)."""
        if name in self._exact:
            return self._exact[name]
        return self._folded.get(normalise(name))

    def index(self, name: str) -> int:
        """:meth:`column` of a header the mapping was checked against (rows.py: a missing one is a
        MappingError before any row is read)."""
        found = self.column(name)
        if found is None:
            raise KeyError(f"{self.name}: no column {name!r}")
        return found

    def __post_init__(self) -> None:
        self._exact: dict[str, int] = {}
        self._folded: dict[str, int] = {}
        for i, h in enumerate(self.header):
            self._exact.setdefault(h, i)
            self._folded.setdefault(normalise(h), i)


def detect_encoding(data: bytes) -> tuple[str, str]:
    """``(codec, text)``: a BOM decides; else UTF-8 when the bytes are valid UTF-8; else GB18030."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return ("utf-16" if codec == "utf-16" else "utf-8-sig"), data.decode(codec)
    try:
        return "utf-8", data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return "gb18030", data.decode("gb18030")
    except UnicodeDecodeError:
        raise ValueError(
            "neither UTF-8 nor GBK/GB18030: save it as UTF-8 CSV, or set [source] encoding in the mapping"
        ) from None


def sniff_delimiter(text: str) -> str:
    """The candidate that splits the first line into the most fields (a comma on a tie)."""
    first = next(iter(text.splitlines()), "")
    best, most = ",", 1
    for d in DELIMITERS:
        n = len(next(csv.reader([first], delimiter=d), []))
        if n > most:
            best, most = d, n
    return best


def read_csv(
    path: Path, *, encoding: str | None = None, delimiter: str | None = None, header_row: int = 1
) -> SourceTable:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise BookReadError(path, f"cannot be opened ({exc.strerror or exc})") from None
    try:
        if encoding and encoding != "auto":
            text = data.decode(encoding)
        else:
            encoding, text = detect_encoding(data)
    except (UnicodeDecodeError, LookupError, ValueError) as exc:
        raise BookReadError(path, f"cannot decode the text ({exc})") from None
    delimiter = delimiter if delimiter and delimiter != "auto" else sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: list[str] | None = None
    records: list[list[Any]] = []
    numbers: list[int] = []
    ragged: list[tuple[int, list[Any]]] = []
    n = 0
    try:
        for n, fields in enumerate(reader, 1):
            if n < header_row:
                continue
            if header is None:
                header = [h.strip() for h in fields]
                width = len(header)
                continue
            if not fields or (len(fields) == 1 and not fields[0].strip()):
                continue  # a blank line
            if len(fields) != width:
                if len(fields) > width and not any(f.strip() for f in fields[width:]):
                    fields = fields[:width]  # trailing empty fields (a delimiter at the end of the line)
                else:
                    ragged.append((n, fields))
                    continue
            records.append(fields)
            numbers.append(n)
    except csv.Error as exc:
        raise BookReadError(path, f"not a readable CSV at line {reader.line_num} ({exc})") from None
    if header is None or not any(header):
        raise BookReadError(path, "no header row (the file is empty)")
    return SourceTable(path, header, records, numbers, encoding=encoding, delimiter=delimiter, ragged=ragged)


def read_xlsx(
    path: Path,
    *,
    sheet: str | None = None,
    prefer: tuple[str, ...] = (),
    config: Config | None = None,
    header_row: int | None = None,
) -> SourceTable:
    """One sheet of a workbook: ``sheet`` by name, else the first whose name is in ``prefer``
    (the target sheet's Chinese or English name), else the first sheet. The header is
    ``header_row`` (1-based), else the first row with a value."""
    from ..read.open import open_book

    with open_book(path, config or Config()) as book:
        names = book.sheet_names
        if sheet is not None:
            if sheet not in names:
                raise BookReadError(path, f"no sheet {sheet!r} (the file has: {', '.join(names)})")
            name = sheet
        else:
            wanted = {normalise(p) for p in prefer}
            found = next((n for n in names if normalise(n) in wanted), names[0] if names else None)
            if found is None:
                raise BookReadError(path, "the workbook has no sheets")
            name = found
        cells = next(book.read_sheets([name]))
        grid = cells.grid
        for (r, c), text in cells.errors.items():
            if r < len(grid) and c < len(grid[r]):
                grid[r][c] = ExcelError(text)
        date1904 = book.parts.date1904
    if header_row is not None:
        top = header_row - 1
    else:
        first = next((r for r, row in enumerate(grid) if any(v != "" for v in row)), None)
        if first is None:
            raise BookReadError(path, f"sheet {name!r} is empty")
        top = first
    header = [str(v).strip() if v != "" else "" for v in grid[top]]
    while header and not header[-1]:
        header.pop()
    width = len(header)
    records, numbers = [], []
    for r in range(top + 1, len(grid)):
        row = grid[r]
        if not any(v != "" for v in row):
            continue
        values = list(row[:width]) + [""] * (width - len(row))
        records.append(values)
        numbers.append(r + 1)
    return SourceTable(path, header, records, numbers, sheet=name, date1904=date1904)


def read_source(
    path: str | os.PathLike[str],
    *,
    encoding: str | None = None,
    delimiter: str | None = None,
    sheet: str | None = None,
    prefer: tuple[str, ...] = (),
    header_row: int | None = None,
    config: Config | None = None,
) -> SourceTable:
    path = Path(path)
    if not path.exists():
        raise BookReadError(path, "file not found")
    if path.is_dir():
        raise BookReadError(path, "is a folder, not a file")
    suffix = path.suffix.lower()
    if suffix in XLSX_SUFFIXES:
        return read_xlsx(path, sheet=sheet, prefer=prefer, config=config, header_row=header_row)
    if suffix in (".xls", ".xlsb", ".ods"):
        raise BookReadError(path, f"{suffix} files cannot be imported: save the sheet as .xlsx or CSV")
    return read_csv(path, encoding=encoding, delimiter=delimiter, header_row=header_row or 1)
