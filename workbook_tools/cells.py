"""A1-style cell helpers (0-based indexes in, Excel's 1-based names out)."""

from __future__ import annotations

from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell

#: Excel's last row (1-based).
MAX_ROW = 1_048_576


def col_letter(col: int) -> str:
    """``col_letter(0) == "A"``, ``col_letter(26) == "AA"``, ``col_letter(16383) == "XFD"``."""
    name: str = xl_col_to_name(col)  # xlsxwriter ships no type information
    return name


def col_index(letters: str | bytes) -> int:
    """The 0-based index of a column's letters: ``col_index("AA") == 26`` (also as bytes, as a
    sheet's XML holds them: ``col_index(b"XFD") == 16383``)."""
    if isinstance(letters, str):
        letters = letters.upper().encode("ascii")
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n - 1


def cell_name(row: int, col: int) -> str:
    """``cell_name(1, 2) == "C2"`` — row and col are 0-based."""
    name: str = xl_rowcol_to_cell(row, col)
    return name


def quote_sheet(name: str) -> str:
    """Sheet name as it must appear in a formula (quoted when it is not a plain word)."""
    if name.isidentifier() and name.isascii():
        return name
    return "'" + name.replace("'", "''") + "'"


def sheet_cell(sheet: str, row: int, col: int) -> str:
    """The reference shown to people in reports, e.g. ``订单!C12``."""
    return f"{sheet}!{cell_name(row, col)}"


def fit_utf16(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` UTF-16 code units (Excel's unit for its length limits)."""
    if len(text.encode("utf-16-le")) <= 2 * limit:
        return text
    out, used = [], 0
    for ch in text:
        used += 2 if ord(ch) > 0xFFFF else 1
        if used > limit - 1:
            break
        out.append(ch)
    return "".join(out) + "…"
