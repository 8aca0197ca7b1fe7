"""Reading a bank statement as Chinese banks export it (网银 → 明细查询 → 导出/下载).

    st = read_statement("工行流水.csv", config.bank)
    st.format, st.encoding             # 'csv', 'gb18030' (GBK files read as its superset), 'utf-8-sig', …
    st.lines[0].date, st.lines[0].credit, st.lines[0].payer, st.lines[0].reference

Formats: CSV (UTF-8 with or without BOM, GBK / GB18030, UTF-16 with BOM — detected; comma, tab,
semicolon or bar separated — detected), Excel ``.xlsx`` and legacy ``.xls`` (python-calamine), and
the HTML or XML-Spreadsheet files some banks hand out under an ``.xls`` name. The content decides,
not the file's name.

The header is the first row (of the first 60, on the first sheet that has one) naming a date column
and an amount column; title blocks, key–value lines (卡号: …, 币种: 人民币) and blank lines above it
are skipped, and so are total and count lines below the data (合计, 本页小计, 笔数) and any row
without a readable date. Which names are recognised, and how, is in bank_layouts.py; ``[bank]`` adds
names. Values may be padded with spaces, tabs and ideographic spaces, wrapped as ``="0123"`` or
prefixed with ``'``; ``-``, ``--`` and dashes only are blank. Dates: ``2024-01-01``,
``2024/01/01  14:06:51``, ``20240101``, ``2024年1月1日`` or Excel dates. Amounts may carry ``+``,
thousands separators, ¥ or 元. Credits come from a 收入/贷方 column (and debits from 支出/借方), or
from one signed amount column, or from an unsigned one with a direction column (借/贷, 贷 Cr, 收/支,
C/D). A payer given with its account number (招行's 对手信息 ``张三 66666666666666``) is the name.

A statement that cannot be read raises ``StatementError``: one line with the header row found (or
the first lines seen) and the ``[bank]`` setting that would make it readable.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from html.parser import HTMLParser
from itertools import islice
from pathlib import Path
from typing import Any, TypedDict

from ..cells import col_letter
from ..config import Bank
from ..derive import ZERO
from ..errors import Message, WorkbookToolsError, about, os_reason
from ..lang import is_zh, norm, say
from ..read.coerce import Dates, to_money
from .bank_layouts import (
    Aliases,
    Columns,
    clean,
    direction,
    find_columns,
    is_balance,
    is_footer,
    maybe_footer,
    payer_name,
)

#: A statement larger than this is not a statement.
MAX_BYTES = 64 * 1024 * 1024
#: The header must be within this many rows of the top.
HEADER_SEARCH = 60
#: Rows below the header looked at to choose among several date columns (交易日期, 交易时间 …).
_PROBE = 20
_SEPARATORS = (",", "\t", ";", "|")
_ENCODING_LABELS = {"gb18030": "GBK / GB18030", "utf-8-sig": "UTF-8 (BOM)", "utf-8": "UTF-8", "utf-16": "UTF-16"}
_FORMAT_LABELS = {
    "xlsx": "Excel (.xlsx)",
    "xls": "Excel 97-2003 (.xls)",
    "ods": "OpenDocument (.ods)",
    "html": "HTML table (.xls)",
    "xml": "XML Spreadsheet 2003 (.xls)",
}
_SEPARATOR_NAMES = {",": "comma", "\t": "tab", ";": "semicolon", "|": "bar"}


class NotText(ValueError):
    """Bytes that are no text in the encodings bank statements come in."""


class StatementError(WorkbookToolsError):
    """A bank statement could not be read."""

    def __init__(self, path: str | os.PathLike[str], reason: Message) -> None:
        super().__init__(about(path, reason))


@dataclass(frozen=True, slots=True)
class BankLine:
    #: 1-based line number in the file (what a text editor shows), or the row on the sheet.
    line: int
    date: date
    credit: Decimal
    debit: Decimal
    payer: str
    memo: str
    reference: str


@dataclass
class Statement:
    path: Path
    #: The text encoding of a CSV ('' for a workbook).
    encoding: str
    lines: list[BankLine] = field(default_factory=list)
    #: Column key -> letter in the file (``credit``, ``date``, …), for findings by cell.
    letters: dict[str, str] = field(default_factory=dict)
    #: Data lines below the header skipped because they had no readable date (totals, notes).
    skipped: int = 0
    #: "csv", "xlsx", "xls", "ods", "html" or "xml".
    format: str = "csv"
    #: The sheet read, in a workbook.
    sheet: str | None = None
    #: The separator of a CSV.
    separator: str = ","
    #: Line (row) number of the header.
    header_line: int = 0
    #: Column key -> the header as the file writes it (``memo`` may name several, joined by " + ").
    columns: dict[str, str] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def encoding_label(self) -> str:
        if self.format == "csv":
            return _ENCODING_LABELS.get(self.encoding, self.encoding)
        label = _FORMAT_LABELS.get(self.format, self.format)
        return f"{label} [{self.sheet}]" if self.sheet else label

    @property
    def format_label(self) -> str:
        """``CSV, GBK / GB18030, comma-separated`` / ``Excel 97-2003 (.xls) [明细]``."""
        if self.format == "csv":
            return f"CSV, {self.encoding_label}, {_SEPARATOR_NAMES.get(self.separator, repr(self.separator))}-separated"
        return self.encoding_label

    @property
    def first(self) -> date | None:
        return min((ln.date for ln in self.lines), default=None)

    @property
    def last(self) -> date | None:
        return max((ln.date for ln in self.lines), default=None)

    @property
    def credits(self) -> Decimal:
        return sum((ln.credit for ln in self.lines), ZERO)

    @property
    def debits(self) -> Decimal:
        return sum((ln.debit for ln in self.lines), ZERO)


def decode(raw: bytes) -> tuple[str, str]:
    """The text of a CSV file and the encoding it was in."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16"), "utf-16"
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        raise NotText() from None


# --- tables: the rows of a file, each with its line number --------------------------------------

Record = tuple[int, list[Any]]


@dataclass
class _Table:
    format: str
    encoding: str = ""
    sheet: str | None = None
    separator: str = ","
    rows: list[Record] | None = None
    text: str | None = None
    path: Path | None = None

    def records(self) -> Iterator[Record]:
        if self.rows is not None:
            return iter(self.rows)
        assert self.text is not None and self.path is not None, "a table without rows is a CSV's text"
        return _csv_records(self.path, self.text, self.separator)

    def where(self, line: int, lang: str = "en") -> str:
        if self.sheet:
            return say(lang, ("工作表 {sheet} 第 {line} 行", "sheet {sheet} line {line}"), sheet=self.sheet, line=line)
        return say(lang, ("第 {line} 行", "line {line}"), line=line)


def _csv_records(path: Path, text: str, sep: str) -> Iterator[Record]:
    reader = csv.reader(io.StringIO(text), delimiter=sep)
    line = 1
    try:
        for cells in reader:
            yield line, cells
            line = reader.line_num + 1
    except csv.Error as exc:
        raise StatementError(
            path, (f"第 {line} 行无法按 CSV 读取（{exc}）", f"line {line} cannot be read as CSV ({exc})")
        ) from None


class _Markup(HTMLParser):
    """Tables of an HTML page or an XML Spreadsheet 2003 file (<tr>/<td>, <Row>/<Cell>)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[list[list[str]]] = []
        self._open: list[list[list[str]]] = []
        self._cell: list[str] | None = None
        self._span = 1

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "table":
            self.tables.append([])
            self._open.append(self.tables[-1])
        elif tag in ("tr", "row") and self._open:
            self._end_cell()
            self._open[-1].append([])
        elif tag in ("td", "th", "cell") and self._open:
            self._end_cell()
            if not self._open[-1]:
                self._open[-1].append([])
            row = self._open[-1][-1]
            index = a.get("ss:index")
            if index and index.isdigit():
                row.extend([""] * max(0, int(index) - 1 - len(row)))
            self._cell = []
            span = a.get("colspan") or a.get("ss:mergeacross")
            self._span = int(span) + (1 if tag == "cell" else 0) if span and span.isdigit() else 1
        elif tag == "br" and self._cell is not None:
            self._cell.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th", "cell", "tr", "row"):
            self._end_cell()
        elif tag == "table" and self._open:
            self._end_cell()
            self._open.pop()

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)

    def _end_cell(self) -> None:
        if self._cell is not None and self._open and self._open[-1]:
            self._open[-1][-1].extend(["".join(self._cell)] + [""] * (self._span - 1))
        self._cell, self._span = None, 1


def _tables(path: Path, raw: bytes) -> list[_Table]:
    if raw.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        return _workbook_tables(path, raw)
    try:
        text, encoding = decode(raw)
    except NotText:
        raise StatementError(
            path, ("不是 UTF-8、GBK/GB18030 或 UTF-16 文本", "not text in UTF-8, GBK/GB18030 or UTF-16")
        ) from None
    if "\0" in text:
        raise StatementError(path, ("二进制文件，不是 CSV", "a binary file, not a CSV"))
    head = text.lstrip("\ufeff \t\r\n")[:4096].lower()
    if head.startswith("<"):
        return _markup_tables(path, text, encoding, head)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    top = "\n".join(text.split("\n", HEADER_SEARCH)[:HEADER_SEARCH])
    return [
        _Table("csv", encoding, separator=sep, text=text, path=path) for sep in _SEPARATORS if sep == "," or sep in top
    ]


def _workbook_tables(path: Path, raw: bytes) -> list[_Table]:
    from python_calamine import CalamineError, CalamineWorkbook

    fmt = "xls" if raw.startswith(b"\xd0\xcf\x11\xe0") else "ods" if b"opendocument" in raw[:200] else "xlsx"
    try:
        wb = CalamineWorkbook.from_filelike(io.BytesIO(raw))
        sheets = [m.name for m in wb.sheets_metadata if str(m.typ).endswith("WorkSheet")]
    except CalamineError as exc:  # a damaged or foreign workbook: one line for the user
        why = str(exc).strip() or type(exc).__name__
        raise StatementError(
            path, (f"Excel 工作簿无法打开（{why}）", f"an Excel workbook that cannot be opened ({why})")
        ) from None
    out = []
    for name in sheets:
        try:
            grid = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
        except CalamineError:  # a sheet calamine cannot read is not the statement
            continue
        out.append(_Table(fmt, sheet=name, rows=[(r + 1, list(cells)) for r, cells in enumerate(grid)]))
    if not out:
        raise StatementError(path, ("工作簿中没有可读的工作表", "an Excel workbook with no sheet that can be read"))
    return out


def _markup_tables(path: Path, text: str, encoding: str, head: str) -> list[_Table]:
    fmt = "xml" if "urn:schemas-microsoft-com:office:spreadsheet" in text[:65536] else "html"
    parser = _Markup()
    try:
        parser.feed(text)
        parser.close()
    except (ValueError, AssertionError) as exc:  # html.parser is lenient; what it does raise is one line
        raise StatementError(
            path, (f"无法读取的 HTML/XML 文件（{exc}）", f"an HTML or XML file that cannot be read ({exc})")
        ) from None
    tables = [
        _Table(
            fmt,
            encoding,
            sheet=f"table {n}" if len(parser.tables) > 1 else None,
            rows=[(r + 1, cells) for r, cells in enumerate(rows)],
        )
        for n, rows in enumerate(parser.tables, start=1)
        if rows
    ]
    if not tables:
        raise StatementError(
            path,
            ("HTML/XML 文件中没有表格（不是银行流水）", "an HTML or XML file with no table in it (not a statement)"),
        )
    return tables


# --- cells --------------------------------------------------------------------------------------

_DATES = Dates()


def _date(value: object) -> date | None:
    if type(value) is datetime:
        return value.date()
    if type(value) is date:
        return value
    if type(value) is float or type(value) is int:
        d = _DATES.to_date(float(value))
        return d if type(d) is date else None
    s = clean(value)
    if not s:
        return None
    d = _DATES.to_date(s)
    if type(d) is not date and " " in s:
        d = _DATES.to_date(s.split()[0])
    return d if type(d) is date else None


def _amount(value: object) -> Decimal:
    if type(value) is float or type(value) is int:
        m = to_money(value)
    else:
        s = clean(value)
        if not s:
            return ZERO
        m = to_money(s)
    return m if isinstance(m, Decimal) else ZERO


def _is_amount(value: object) -> bool:
    """A number that can be an amount (not a date, not a 16-digit account or reference)."""
    if type(value) is float or type(value) is int:
        return True
    s = clean(value)
    digits = sum(ch.isdigit() for ch in s)
    return bool(s) and digits < 12 and isinstance(to_money(s), Decimal) and _date(s) is None


# --- reading ------------------------------------------------------------------------------------


def _read_bytes(path: Path) -> bytes:
    try:
        if path.stat().st_size > MAX_BYTES:
            raise StatementError(
                path,
                (
                    f"大于 {MAX_BYTES // 2**20} MB，不是银行流水",
                    f"larger than {MAX_BYTES // 2**20} MB: not a bank statement",
                ),
            )
        return path.read_bytes()
    except FileNotFoundError:
        raise StatementError(path, ("找不到文件", "file not found")) from None
    except IsADirectoryError:
        raise StatementError(path, ("是文件夹，不是文件", "a folder, not a file")) from None
    except OSError as exc:
        raise StatementError(path, os_reason(exc)) from None


def _header(table: _Table, aliases: Aliases) -> tuple[int, int, Columns] | None:
    """(record index, line, columns) of the header of ``table``, or None."""
    for k, (line, cells) in enumerate(islice(table.records(), HEADER_SEARCH)):
        if any(clean(c) for c in cells):
            cols = find_columns(cells, aliases)
            if cols.usable:
                return k, line, cols
    return None


def _two_row_header(head: list[Any], sub: list[Any], aliases: Aliases) -> Columns | None:
    """The columns of a header of two rows — 发生额 (merged) over 借方 | 贷方 — when the second row names
    the sides: ``发生额(借方)``, ``发生额(贷方)``; None when the row below the header is no such row."""
    subs = [clean(c) for c in sub]
    if not any(direction(s) for s in subs) or any(_date(c) is not None for c in sub):
        return None
    tops = [clean(c) for c in head]
    combined, carry = [], ""
    for i in range(max(len(tops), len(subs))):
        top = tops[i] if i < len(tops) else ""
        below = subs[i] if i < len(subs) else ""
        if top:
            carry = top
        elif below:
            top = carry  # under a merged cell
        combined.append(f"{top}({below})" if top and below and direction(below) else below or top)
    cols = find_columns(combined, aliases)
    return cols if cols.usable else None


def _choose_date(cols: Columns, rows: Iterable[Record]) -> int:
    """The date column: of the candidates, the one with the most readable dates just below the header."""
    if len(cols.dates) == 1:
        return cols.dates[0]
    counts = dict.fromkeys(cols.dates, 0)
    for _, cells in islice((r for r in rows if any(clean(c) for c in r[1])), _PROBE):
        for i in counts:
            if i < len(cells) and _date(cells[i]) is not None:
                counts[i] += 1
    return max(cols.dates, key=lambda i: (counts[i], -cols.dates.index(i)))


def read_statement(path: str | os.PathLike[str], bank: Bank | None = None) -> Statement:
    """Read the bank statement at ``path``; raise StatementError with one clear line if it cannot be."""
    path = Path(path)
    aliases = Aliases(bank or Bank())
    tables = _tables(path, _read_bytes(path))
    found = [(t, h) for t in tables if (h := _header(t, aliases)) is not None]
    if not found:
        raise StatementError(path, _unreadable(tables, aliases))
    # a CSV: the separator whose header comes first; a workbook: the first sheet with a header
    table, (k, header_line, cols) = min(found, key=lambda f: f[1][0]) if tables[0].format == "csv" else found[0]
    pair = list(islice(table.records(), k, k + 2))
    if len(pair) == 2 and (two_rows := _two_row_header(pair[0][1], pair[1][1], aliases)) is not None:
        cols, k = two_rows, k + 1
    date_i = _choose_date(cols, islice(table.records(), k + 1, k + 1 + 4 * _PROBE))
    index = {"date": date_i, **cols.index}
    columns = {key: cols.header[i] for key, i in index.items() if i < len(cols.header)}
    if len(cols.memos) > 1:
        columns["memo"] = " + ".join(cols.header[i] for i in cols.memos)
    st = Statement(
        path,
        table.encoding,
        letters={key: col_letter(i) for key, i in index.items()},
        format=table.format,
        sheet=table.sheet,
        separator=table.separator,
        header_line=header_line,
        columns=columns,
    )
    unreadable = None  # the first date that could not be read, when no line was
    at = {key: index.get(key, -1) for key in ("date", "credit", "debit", "amount", "direction", "payer", "reference")}
    sides = "credit" in index or "debit" in index
    for line, cells in islice(table.records(), k + 1, None):
        n = len(cells)
        get = {key: cells[i] if 0 <= i < n else "" for key, i in at.items()}
        d = _date(get["date"])
        if d is None:
            if any(clean(c) for c in cells):
                st.skipped += 1
                if unreadable is None and clean(get["date"]) and not is_footer([clean(c) for c in cells]):
                    unreadable = (line, clean(get["date"]))
            continue
        if maybe_footer(cells) and is_footer([clean(c) for c in cells]):
            st.skipped += 1
            continue
        if sides:
            credit, debit = _amount(get["credit"]), _amount(get["debit"])
            if debit < 0:  # some banks show withdrawals as negative numbers
                debit = -debit
            if credit < 0:  # … or a reversal as a negative credit
                credit, debit = ZERO, debit - credit
        else:
            amount = _amount(get["amount"])
            side = direction(get["direction"]) or (-1 if amount < 0 else 1)
            credit, debit = (abs(amount), ZERO) if side > 0 else (ZERO, abs(amount))
        memo = " ".join(dict.fromkeys(t for i in cols.memos if i < n and (t := clean(cells[i]))))
        st.lines.append(
            BankLine(line, d, credit, debit, payer_name(clean(get["payer"])), memo, clean(get["reference"]))
        )
    if not st.lines and unreadable is not None:
        line, value = unreadable
        raise StatementError(
            path,
            (
                f"日期列“{columns['date']}”（{st.letters['date']} 列）中没有可识别的日期，例如{table.where(line, 'zh')}的"
                f"“{value}”：日期可写成 2024-01-31、2024/01/31、20240131 或 2024年1月31日",
                f"no date that can be read in the column {columns['date']} ({st.letters['date']}), e.g. {value!r} on "
                f"{table.where(line)}: dates are read as 2024-01-31, 2024/01/31, 20240131 or 2024年1月31日",
            ),
        )
    return st


# --- when no header is found --------------------------------------------------------------------


def _shown(cells: list[Any], limit: int = 12) -> str:
    texts = [clean(c) for c in cells]
    while texts and not texts[-1]:
        texts.pop()
    s = " | ".join(t[:30] for t in texts[:limit]) + (" | …" if len(texts) > limit else "")
    return s[:200]


def _toml(key: str, name: str) -> str:
    return f"{key} = {json.dumps([name], ensure_ascii=False)}"


def _diagnose(table: _Table, aliases: Aliases) -> tuple[int, tuple[str, str], list[str]]:
    """(how much was recognised, what was seen in Chinese and English, settings to add) for one table."""
    records = [(line, cells) for line, cells in islice(table.records(), HEADER_SEARCH) if any(clean(c) for c in cells)]
    for n, (_line, cells) in enumerate(records):
        dated = [i for i, c in enumerate(cells) if _date(c) is not None and not (type(c) is float and c < 19000101)]
        numbers = [i for i, c in enumerate(cells) if i not in dated and _is_amount(c)]
        if not dated or not numbers or n == 0:
            continue
        above = next(
            (
                (hl, hc)
                for hl, hc in reversed(records[:n])
                if sum(1 for c in hc if clean(c)) >= 2 and not any(_date(c) for c in hc)
            ),
            None,
        )
        if above is None:
            continue
        head_line, head = above
        cols = find_columns(head, aliases)
        names = [clean(c) for c in head]
        settings = []
        if not cols.dates:
            i = dated[0]
            settings.append(_toml("date", names[i] if i < len(names) and names[i] else "<date column>"))
        if not {"credit", "debit", "amount"} & cols.index.keys():
            taken = set(cols.dates) | set(cols.index.values()) | set(cols.memos) | set(dated)
            amounts = _amount_columns([c for _, c in records[n : n + _PROBE]], names, taken)
            if len(amounts) >= 2:
                settings += [_toml("credit", amounts[0]), _toml("debit", amounts[1])]
            elif amounts:
                settings.append(_toml("amount", amounts[0]))
            else:
                settings.append(_toml("credit", "<credit column>"))
        return (
            2,
            (
                f"表头似乎是{table.where(head_line, 'zh')}：“{_shown(head)}”",
                f'the header looks like {table.where(head_line)}: "{_shown(head)}"',
            ),
            settings,
        )
    if not records:
        return 0, ("文件是空的", "the file is empty"), []
    first = records[:3]
    seen_zh = "；".join(f"{table.where(line, 'zh')}：“{_shown(cells)}”" for line, cells in first)
    seen = "; ".join(f'{table.where(line)}: "{_shown(cells)}"' for line, cells in first)
    return 1, (f"前几行是 {seen_zh}", f"the first lines are {seen}"), []


def _amount_columns(rows: list[list[Any]], names: list[str], taken: set[int]) -> list[str]:
    """Names of the columns below a header that hold amounts: a number in some row, nothing else in
    any; not a balance (by name or, when there are more than two, by never being blank)."""
    found, filled = [], []
    for i, name in enumerate(names):
        if not name or i in taken or is_balance(name):
            continue
        values = [r[i] if i < len(r) else "" for r in rows]
        texts = [clean(v) for v in values]
        if any(t for t in texts) and all(not t or _is_amount(v) for v, t in zip(values, texts)):
            found.append(name)
            filled.append(all(texts))
    sometimes_blank = [n for n, f in zip(found, filled) if not f]
    return sometimes_blank if len(found) > 2 and len(sometimes_blank) >= 2 else found


def _unreadable(tables: list[_Table], aliases: Aliases) -> Message:
    found = [_diagnose(t, aliases) for t in tables]
    _, (seen_zh, seen), settings = max(found, key=lambda f: f[0])  # max keeps the first of equals: comma, first sheet
    dates = ", ".join(aliases["date"][:3])
    amounts = ", ".join([*aliases["credit"][:2], *aliases["amount"][:2]])
    zh_settings = settings or [_toml("date", "<日期列>"), _toml("credit", "<收入列>")]
    settings = settings or [_toml("date", "<date column>"), _toml("credit", "<credit column>")]
    return (
        f"前 {HEADER_SEARCH} 行中找不到含日期列（{dates} …）和金额列（{amounts} …）的表头；{seen_zh}；"
        f"请在 orderbook.toml 中加上：[bank] {' 和 '.join(zh_settings)}",
        f"no header line naming a date column ({dates} …) and an amount column "
        f"({amounts} …) in the first {HEADER_SEARCH} lines; {seen}; add to "
        f"orderbook.toml: [bank] {' and '.join(settings)}",
    )


# --- what was recognised (orderbook bank-check) -------------------------------------------------


class _CheckWords(TypedDict):
    head: str
    keys: dict[str, str]
    none: str
    lines: str
    empty: str
    skipped: str
    no_payer: str
    no_sign: str


_CHECK: dict[str, _CheckWords] = {
    "zh": {
        "head": "{name}：{format}；表头在{where}",
        "keys": {
            "date": "日期",
            "credit": "收入",
            "debit": "支出",
            "amount": "金额",
            "direction": "借贷方向",
            "payer": "对方户名",
            "memo": "摘要",
            "reference": "流水号",
        },
        "none": "—",
        "lines": "交易 {n} 笔（{first} 至 {last}）：收入 {credits} 笔，合计 {total_in}；支出 {debits} 笔，合计 {total_out}",
        "empty": "没有读到交易",
        "skipped": "跳过 {n} 行（合计、笔数、说明等没有日期的行）",
        "no_payer": "注意：没有对方户名列，只能按流水号或摘要中的订单号匹配（列名可在 [bank] payer 中设置）",
        "no_sign": "注意：金额没有正负号，也没有借贷列，每笔都按收入计（借贷列的列名可在 [bank] direction 中设置）",
    },
    "en": {
        "head": "{name}: {format}; header on {where}",
        "keys": {
            "date": "date",
            "credit": "credit",
            "debit": "debit",
            "amount": "amount",
            "direction": "direction",
            "payer": "payer",
            "memo": "memo",
            "reference": "reference",
        },
        "none": "—",
        "lines": "{n} transactions ({first} to {last}): {credits} credits, total in {total_in}; {debits} debits, "
        "total out {total_out}",
        "empty": "no transactions read",
        "skipped": "lines skipped: {n} (totals, counts, notes: no date)",
        "no_payer": "note: no payer column, lines match by reference or by an order number in the memo only "
        "(name the column under [bank] payer)",
        "no_sign": "note: the amount has no sign and there is no direction column, every line counts as a credit "
        "(name the direction column under [bank] direction)",
    },
}


def describe(st: Statement, lang: str = "zh", currency_symbol: str = "¥") -> list[str]:
    """What was read of ``st``, in a few lines: the format, each column and what it is read as, the
    number of transactions, credits and debits with their totals, lines skipped, and notes."""
    t = _CHECK[norm(lang)]
    where = say(lang, ("第 {n} 行", "line {n}"), n=st.header_line)  # the sheet is in the format
    out = [t["head"].format(name=st.name, format=st.format_label, where=where)]
    sides = ("amount", "direction") if "amount" in st.columns else ("credit", "debit")
    keys = ("date", *sides, "payer", "memo", "reference")
    width = max(len(t["keys"][k]) for k in keys)
    for k in keys:
        label = t["keys"][k]
        pad = " " * (width - len(label)) * (2 if is_zh(lang) else 1)  # a Chinese label's characters take two columns
        shown = f"{st.columns[k]} ({st.letters[k]})" if k in st.columns else t["none"]
        out.append(f"  {label}{pad}  {shown}")

    def money(d: Decimal) -> str:
        return f"{currency_symbol}{d:,.2f}"

    if st.lines:
        out.append(
            t["lines"].format(
                n=f"{len(st.lines):,}",
                first=st.first,
                last=st.last,
                credits=f"{sum(1 for ln in st.lines if ln.credit > 0):,}",
                total_in=money(st.credits),
                debits=f"{sum(1 for ln in st.lines if ln.debit > 0):,}",
                total_out=money(st.debits),
            )
        )
    else:
        out.append(t["empty"])
    if st.skipped:
        out.append(t["skipped"].format(n=st.skipped))
    if st.lines and "payer" not in st.columns:
        out.append(t["no_payer"])
    if "amount" in st.columns and "direction" not in st.columns and st.lines and all(ln.debit == 0 for ln in st.lines):
        out.append(t["no_sign"])
    return out
