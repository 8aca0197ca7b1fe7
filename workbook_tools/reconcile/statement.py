"""Reading a bank statement CSV as Chinese banks export it (网银 → 明细查询 → 导出).

    st = read_statement("工行流水.csv", config.bank)
    st.encoding                        # 'gb18030' (GBK files read as its superset), 'utf-8-sig', …
    st.lines[0].date, st.lines[0].credit, st.lines[0].payer, st.lines[0].reference

Encodings: UTF-8 with or without BOM, GBK / GB18030, UTF-16 with BOM — detected. Separators: comma,
tab or semicolon — detected from the header line. Title lines above the header (account, period)
and total lines below the data are skipped: the header is the first line naming a date column and
an amount column (config ``[bank]`` lists the names, in Chinese and English). Amounts may carry
thousands separators, ¥ or 元; references may be wrapped as ``="0123"`` or prefixed with ``'`` by
Excel-safe exports. Credits come from a 收入/贷方 column, or from one signed amount column with an
optional 借贷标志 direction column.
"""

from __future__ import annotations

import csv
import io
import os
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from ..cells import col_letter
from ..config import Bank
from ..derive import ZERO
from ..errors import WorkbookToolsError
from ..read.coerce import Bad, Dates, to_money

#: A statement larger than this is not a statement.
MAX_BYTES = 64 * 1024 * 1024
_HEADER_SEARCH = 40
_ENCODING_LABELS = {"gb18030": "GBK / GB18030", "utf-8-sig": "UTF-8 (BOM)", "utf-8": "UTF-8", "utf-16": "UTF-16"}
_CREDIT_WORDS = {"贷", "收", "收入", "贷方", "存入", "入", "credit", "cr", "c", "+"}
_DEBIT_WORDS = {"借", "支", "支出", "借方", "支取", "出", "debit", "dr", "d", "-"}


class StatementError(WorkbookToolsError):
    """A bank statement could not be read."""

    def __init__(self, path, reason: str):
        super().__init__(f"{path}: {reason}")


@dataclass(frozen=True, slots=True)
class BankLine:
    #: 1-based line number in the file (what a text editor shows).
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
    encoding: str
    lines: list[BankLine] = field(default_factory=list)
    #: Column key -> letter in the file (``credit``, ``date``, …), for findings by cell.
    letters: dict[str, str] = field(default_factory=dict)
    #: Data lines below the header skipped because they had no readable date (totals, notes).
    skipped: int = 0

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def encoding_label(self) -> str:
        return _ENCODING_LABELS.get(self.encoding, self.encoding)

    @property
    def first(self) -> date | None:
        return min((ln.date for ln in self.lines), default=None)

    @property
    def last(self) -> date | None:
        return max((ln.date for ln in self.lines), default=None)


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
        raise ValueError("not text in UTF-8, GBK/GB18030 or UTF-16") from None


def _norm(header: str) -> str:
    """Header text as compared: NFKC, no spaces or quotes, no unit suffix such as (元), case-folded."""
    s = unicodedata.normalize("NFKC", header).strip().strip('"\'').replace(" ", "").replace("\t", "")
    s = re.sub(r"[(（\[【](元|人民币|rmb|cny)[)）\]】]$", "", s, flags=re.I)
    return s.casefold()


def _text(cell: str) -> str:
    s = cell.strip()
    if s.startswith('="') and s.endswith('"'):
        s = s[2:-1]
    return s.lstrip("'`\t").strip()


def _columns(header: list[str], bank: Bank) -> dict[str, int]:
    names = [_norm(h) for h in header]
    found = {}
    for key in ("date", "credit", "debit", "amount", "direction", "payer", "memo", "reference"):
        for alias in getattr(bank, key):
            a = _norm(alias)
            if a in names and names.index(a) not in found.values():
                found[key] = names.index(a)
                break
    return found


def _sniff(line: str) -> str:
    counts = {sep: line.count(sep) for sep in (",", "\t", ";")}
    return max(counts, key=counts.get) if max(counts.values()) else ","


_DATES = Dates()


def _date(cell: str) -> date | None:
    s = _text(cell)
    if not s:
        return None
    d = _DATES.to_date(s)
    if isinstance(d, Bad) or d is None:
        d = _DATES.to_date(s.split()[0]) if " " in s else None
    return d if isinstance(d, date) else None


def _amount(cell: str) -> Decimal:
    s = _text(cell)
    if s in ("", "-", "--", "—"):
        return ZERO
    m = to_money(s)
    return m if isinstance(m, Decimal) else ZERO


def read_statement(path: str | os.PathLike, bank: Bank | None = None) -> Statement:
    """Read the bank statement at ``path``; raise StatementError with one clear line if it cannot be."""
    path = Path(path)
    bank = bank or Bank()
    try:
        if path.stat().st_size > MAX_BYTES:
            raise StatementError(path, f"larger than {MAX_BYTES // 2**20} MB: not a bank statement")
        raw = path.read_bytes()
    except FileNotFoundError:
        raise StatementError(path, "file not found") from None
    except OSError as exc:
        raise StatementError(path, f"cannot be read ({exc.strerror or exc})") from None
    if raw.startswith(b"PK\x03\x04"):
        raise StatementError(path, "an Excel workbook, not a CSV: save the statement as CSV (逗号分隔)")
    try:
        text, encoding = decode(raw)
    except ValueError as exc:
        raise StatementError(path, str(exc)) from None
    if "\0" in text:
        raise StatementError(path, "a binary file, not a CSV")
    lines = text.splitlines()
    for h, line in enumerate(lines[:_HEADER_SEARCH]):
        sep = _sniff(line)
        header = next(csv.reader([line], delimiter=sep))
        cols = _columns(header, bank)
        if "date" in cols and ("credit" in cols or "amount" in cols):
            break
    else:
        wanted = "/".join(bank.date[:2]) + " and " + "/".join((bank.credit + bank.amount)[:3])
        raise StatementError(path, f"no header line naming the columns {wanted} in the first {_HEADER_SEARCH} "
                                   "lines (column names are configurable in [bank])")
    st = Statement(path, encoding, letters={k: col_letter(i) for k, i in cols.items()})
    reader = csv.reader(io.StringIO("\n".join(lines[h + 1:])), delimiter=sep)
    for n, cells in enumerate(reader, start=h + 2):
        if not any(c.strip() for c in cells):
            continue
        get = lambda key: cells[cols[key]] if key in cols and cols[key] < len(cells) else ""  # noqa: E731
        d = _date(get("date"))
        if d is None:
            st.skipped += 1
            continue
        credit, debit = _amount(get("credit")), _amount(get("debit"))
        if "credit" not in cols:
            amount = _amount(get("amount"))
            side = _norm(_text(get("direction")))
            if side in _DEBIT_WORDS or (side not in _CREDIT_WORDS and amount < 0):
                credit, debit = ZERO, abs(amount)
            else:
                credit, debit = abs(amount), ZERO
        elif debit < 0:  # some banks show withdrawals as negative numbers
            debit = -debit
        st.lines.append(BankLine(n, d, credit, debit, _text(get("payer")), _text(get("memo")),
                                 _text(get("reference"))))
    return st
