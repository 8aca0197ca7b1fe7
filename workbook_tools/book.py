"""In-memory order book: typed rows per sheet, with where each value sits in the file.

``BookData`` is the plain form every stage exchanges: ``{sheet_key: [row, …]}``, each row a dict of
input column keys to typed values (str, int, Decimal, date, datetime, or None for blank). Choice
columns hold the canonical value (``"pending"``, not ``"待处理"``). Derived columns are never part of
``BookData``: they are recomputed (derive.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .cells import sheet_cell
from .schema import SHEET_BY_KEY, SHEETS, Sheet

if TYPE_CHECKING:
    from .config import Config
    from .frames import Frames
    from .xlsxpkg.zsplice import Indexed

Row = dict[str, Any]
BookData = dict[str, list[Row]]


def new_row(sheet_key: str, **values: Any) -> Row:
    """A row of ``sheet_key`` as BookData holds it: every input column, blank unless given."""
    inputs = SHEET_BY_KEY[sheet_key].inputs
    unknown = set(values) - {c.key for c in inputs}
    if unknown:
        raise KeyError(f"{sheet_key} has no input column {sorted(unknown)}")
    return {c.key: values.get(c.key) for c in inputs}


def empty_data() -> BookData:
    return {s.key: [] for s in SHEETS}


@dataclass
class Table:
    """One data sheet as read from a file."""

    sheet: Sheet
    #: The sheet's name in the file (Chinese or English).
    name: str
    #: Input values per record, typed, keyed by column key.
    rows: list[Row] = field(default_factory=list)
    #: 1-based Excel row number of each record.
    row_numbers: list[int] = field(default_factory=list)
    #: Column key -> 0-based column index in the file (any column order is allowed).
    columns: dict[str, int] = field(default_factory=dict)
    #: Derived column key -> the cached values found in the file, per record (not trusted).
    cached: dict[str, list[Any]] = field(default_factory=dict)
    #: Columns staff added that the schema does not know: header -> (0-based col, values per record).
    #: A column without a header is named by its letter, ``"(N)"``; a repeated header gets its
    #: letter too, ``"微信号 (P)"``.
    extra: dict[str, tuple[int, list[Any]]] = field(default_factory=dict)
    #: Values in those columns on rows that hold no record (every input cell blank):
    #: (1-based Excel row, header as in ``extra``, value), in reading order.
    stray: list[tuple[int, str, Any]] = field(default_factory=list)
    #: Values that could not be read as their column's type: (record index, column key, raw value, reason).
    #: The value itself is None in ``rows``; validation turns each into a ``wrong-type`` finding.
    problems: list[tuple[int, str, Any, str]] = field(default_factory=list)
    #: 1-based Excel row of the header (title rows above it are skipped).
    header_row: int = 1
    #: Key cells typed with surrounding spaces or full-width characters, which the workbook's formulas
    #: do not match: (record index, column key, the text as typed). ``rows`` hold the key as it should
    #: be typed (keys.display); validation reports each (``key-spelling``).
    spelling: list[tuple[int, str, str]] = field(default_factory=list)
    #: The input values column by column, aligned with ``rows`` (the same objects), as the reader
    #: typed them: kept only while ``read_book``'s ``on_table`` runs, for the row rules, which would
    #: otherwise take each column out of a million rows again; then dropped (``{}``).
    by_column: dict[str, list[Any]] = field(default_factory=dict, repr=False, compare=False)

    def cell(self, index: int, key: str) -> str:
        """Where record ``index``'s ``key`` value sits, e.g. ``订单!C12``."""
        return sheet_cell(self.name, self.row_numbers[index] - 1, self.columns[key])


@dataclass
class OtherSheet:
    """A sheet staff added to the book (not a data sheet, the instructions, the dashboard or the
    lists), kept as its cell values: ``read_book(path, other_sheets=True)``."""

    name: str
    #: Cell values from A1, row by row, as python-calamine reads them (str, float, bool, date,
    #: datetime, time, timedelta); None for an empty cell, an error cell as its text ("#N/A").
    rows: list[list[Any]] = field(default_factory=list)
    hidden: bool = False
    #: "worksheet", or "chart" for a chart sheet (no cells; it cannot be carried over).
    kind: str = "worksheet"


@dataclass
class OrderBook:
    tables: dict[str, Table]
    lang: str = "zh"
    path: Path | None = None
    #: Sheets staff added, in workbook order (read only when asked for: ``other_sheets=True``).
    other_sheets: list[OtherSheet] = field(default_factory=list)
    #: Data sheets' XML by part name, inflated with its block boundaries (read_book's ``keep_xml``).
    xml: dict[str, Indexed] = field(default_factory=dict, repr=False)

    def __getitem__(self, key: str) -> Table:
        return self.tables[key]

    @classmethod
    def from_data(cls, data: BookData, *, lang: str = "zh", path: Path | None = None, copy: bool = True) -> OrderBook:
        """A book whose rows sit where ``write_book`` puts them (header on row 1, schema column order):
        lets the same checks run on data that was never read from a file (imports, generated data).
        ``copy=False`` shares the row dicts (for a caller that changes neither)."""
        tables = {}
        for s in SHEETS:
            rows = [dict(r) for r in data.get(s.key, [])] if copy else list(data.get(s.key, []))
            tables[s.key] = Table(
                sheet=s,
                name=s.name(lang),
                rows=rows,
                row_numbers=list(range(2, 2 + len(rows))),
                columns={c.key: i for i, c in enumerate(s.columns)},
            )
        return cls(tables, lang=lang, path=path)

    def frames(self, *, derived: bool = True, config: Config | None = None) -> Frames:
        """One typed pandas DataFrame per sheet, derived columns included (types: frames.py)."""
        from .frames import frames

        return frames(self, derived=derived, config=config)

    def data(self) -> BookData:
        out = empty_data()
        for key, table in self.tables.items():
            out[key] = [dict(r) for r in table.rows]
        return out


def sheet(key: str) -> Sheet:
    return SHEET_BY_KEY[key]
