"""What every check sees: the book, the settings, today, recomputed values and shared indexes.

The public interface, for the checks and for the reconciliation (which runs on the same context):
``book``, ``config``, ``today``, ``derived``, ``keys``, ``lists``, ``table()``, ``index()``, ``at()``
and ``once()`` for anything else worked out once per context (a stock ledger, open balances).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from operator import methodcaller
from typing import Any, TypeVar

from ..book import OrderBook, Row, Table
from ..choices import ChoiceLists, choice_lists
from ..config import Config
from ..dates import day
from ..derive import Derived, derive, one_sheet
from ..findings import Finding
from ..keys import Keys, normalise

#: Keys compare one way everywhere (keys.py): trimmed, full-width folded, case-insensitive.
key = normalise

V = TypeVar("V")


@dataclass
class Context:
    book: OrderBook
    config: Config
    today: date

    def use(self, book: OrderBook) -> None:
        """Check ``book`` from now on. What was worked out from other tables than its own is dropped
        (an import runs the row rules on its incoming rows, then checks the whole would-be book); the
        keys memo holds, a key being the same whatever the book."""
        if any(self.book.tables.get(k) is not t for k, t in book.tables.items()):
            for worked_out in ("derived", "_indexes", "_once", "_derive_ahead"):
                vars(self).pop(worked_out, None)
        self.book = book

    @cached_property
    def derived(self) -> Derived:
        # the rows themselves, not book.data()'s copies: derive only reads them; and the keys the
        # checks before it worked out (a quarter of a million order numbers on a large book)
        done = derive(
            {key: table.rows for key, table in self.book.tables.items()},
            self.config,
            self.today,
            known=self.keys,
            ahead=self._derive_ahead,
        )
        self._derive_ahead.clear()  # (a large book's parts are a hundred megabytes)
        return done

    @cached_property
    def _derive_ahead(self) -> dict[str, tuple[list[Row], Any]]:
        return {}

    def derive_ahead(self, table: Table) -> None:
        """Work out now what ``table`` alone tells ``derived`` (derive.one_sheet): called as each sheet is
        read, while the reader parses the next (validate/runner.py)."""
        part = one_sheet(table.sheet.key, table.rows, self.keys)
        if part is not None:
            self._derive_ahead[table.sheet.key] = part

    @cached_property
    def keys(self) -> Keys:
        """``ctx.keys[value]`` is ``key(value)``, computed once per distinct value."""
        return Keys()

    @cached_property
    def lists(self) -> ChoiceLists:
        return choice_lists(self.config)

    @cached_property
    def _once(self) -> dict[str, Any]:
        return {}

    def once(self, name: str, build: Callable[[], V]) -> V:
        """``build()``, worked out the first time ``name`` is asked for and kept with the context: what
        several checks (and the reconciliation) share without a second pass over the book."""
        kept = self._once
        if name not in kept:
            kept[name] = build()
        value: V = kept[name]
        return value

    def table(self, sheet: str) -> Table:
        return self.book[sheet]

    @cached_property
    def _indexes(self) -> dict[tuple[str, str], dict[str, list[int]]]:
        return {}

    def index(self, sheet: str, column: str) -> dict[str, list[int]]:
        """``key(value) -> [record indexes]`` for one column (built once, shared by checks)."""
        cache = self._indexes
        if (sheet, column) not in cache:
            idx: dict[str, list[int]] = defaultdict(list)
            for i, k in enumerate(map(self.keys.__getitem__, map(methodcaller("get", column), self.table(sheet).rows))):
                if k:
                    idx[k].append(i)
            cache[(sheet, column)] = dict(idx)
        return cache[(sheet, column)]

    def days(self, sheet: str, column: str) -> list[date | None]:
        """Each record's ``column`` as a day (dates.day: a datetime's day, None for what is no date),
        worked out once for the checks that compare dates (an order's date is three checks')."""
        return self.once(f"days:{sheet}.{column}", lambda: _days(self.table(sheet).rows, column))

    def at(self, code: str, sheet: str, index: int, column: str | None, value: Any = None, **params: Any) -> Finding:
        """A finding at record ``index`` of ``sheet`` (at ``column``'s cell, or the row when None)."""
        table = self.table(sheet)
        row = table.row_numbers[index] if index < len(table.row_numbers) else None
        letter = None
        if column is not None:
            col = table.sheet.column(column)
            params.setdefault("column", col.zh)
            params.setdefault("column_en", col.en)
            if column in table.columns:
                from ..cells import col_letter

                letter = col_letter(table.columns[column])
        return Finding(
            code,
            sheet=table.name,
            row=row,
            column=letter,
            field=column,
            value=value,
            params=params,
            file=str(self.book.path) if self.book.path else None,
        )


def _days(rows: list[Row], column: str) -> list[date | None]:
    values = list(map(methodcaller("get", column), rows))
    return [v if v.__class__ is date else day(v) for v in values]  # (most are dates: no call)
