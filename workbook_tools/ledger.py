"""The stock ledger of each product, day by day — shared by validation and reconciliation.

Per SKU, from its opening stock: each day's receipts, returns and adjustments add, what was shipped
that day takes away (partial shipments on their ship date; a whole-order shipment takes every line
of the order on derive.py's ``whole_ship_date``), and a stocktake replaces the book quantity at the
END of its day. This is the same arithmetic as derive.py's ``on_hand``: the last day's closing
stock is the product's stock on hand.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from .dates import day as _day
from .derive import Derived
from .keys import normalise as key

_DELTA_TYPES = {"receipt": 0, "return": 1, "adjustment": 2}


@dataclass(slots=True)
class LedgerDay:
    date: date
    #: Stock at the start of the day.
    opening: int
    receipts: int = 0
    returns: int = 0
    adjustments: int = 0
    shipped: int = 0
    #: The day's stocktake (sum of its rows), or None when nothing was counted that day.
    counted: int | None = None
    #: Stock-movement record indexes of the day's stocktake rows.
    count_rows: list[int] = field(default_factory=list)

    @property
    def stock(self) -> int:
        """The book stock at the end of the day's movements, before any count."""
        return self.opening + self.receipts + self.returns + self.adjustments - self.shipped

    @property
    def variance(self) -> int | None:
        """Counted − book stock (None without a count)."""
        return None if self.counted is None else self.counted - self.stock

    @property
    def closing(self) -> int:
        return self.stock if self.counted is None else self.counted


@dataclass(slots=True)
class SkuLedger:
    sku: str
    #: Index of the product's record on the Products sheet.
    index: int
    opening: int
    days: list[LedgerDay]

    @property
    def closing(self) -> int:
        return self.days[-1].closing if self.days else self.opening

    def total(self, what: str) -> int:
        """Sum over every day of ``receipts``, ``returns``, ``adjustments``, ``shipped`` or ``variance``."""
        return sum(getattr(d, what) or 0 for d in self.days)

    def counts(self) -> Iterator[LedgerDay]:
        return (d for d in self.days if d.counted is not None)

    def negative_starts(self) -> Iterator[LedgerDay]:
        """Days the book stock went below zero: the first such day, then again only after a count."""
        went_negative = False
        for d in self.days:
            if d.stock < 0 and not went_negative:
                went_negative = True
                yield d
            if d.counted is not None:
                went_negative = d.counted < 0


def stock_ledgers(
    data: Mapping[str, list[dict[str, Any]]], derived: Derived, keys: Callable[[Any], str] = key
) -> dict[str, SkuLedger]:
    """``{sku key: SkuLedger}`` for every product (a SKU listed twice: its last row)."""
    products = data["products"]
    known = {keys(p.get("sku")): i for i, p in enumerate(products)}
    # per (sku, day): [receipts, returns, adjustments, shipped]
    deltas: dict[str, dict[date, list[int]]] = defaultdict(dict)
    counts: dict[str, dict[date, list[int]]] = defaultdict(lambda: defaultdict(list))
    for j, m in enumerate(data["stock_moves"]):
        sku, d, q = keys(m.get("sku")), _day(m.get("date")), m.get("quantity")
        if sku not in known or d is None or q is None:
            continue
        kind = m.get("type")
        if kind == "stocktake":
            counts[sku][d].append(j)
        elif kind in _DELTA_TYPES:
            day = deltas[sku].get(d) or deltas[sku].setdefault(d, [0, 0, 0, 0])
            day[_DELTA_TYPES[kind]] += q
    for s in data["shipments"]:
        q = s.get("quantity")
        if q is None:
            continue
        sku, d = keys(s.get("sku")), _day(s.get("ship_date"))
        if sku in known and d is not None:
            day = deltas[sku].get(d) or deltas[sku].setdefault(d, [0, 0, 0, 0])
            day[3] += q
    for ln, whole in zip(data["order_lines"], derived["order_lines"]["whole_ship_date"]):
        if whole == "" or ln.get("quantity") is None:
            continue
        sku = keys(ln.get("sku"))
        if sku in known:
            day = deltas[sku].get(whole) or deltas[sku].setdefault(whole, [0, 0, 0, 0])
            day[3] += ln["quantity"]

    moves = data["stock_moves"]
    out: dict[str, SkuLedger] = {}
    for sku, i in known.items():
        stock = opening = products[i].get("opening_stock") or 0
        sku_deltas, sku_counts = deltas.get(sku, {}), counts.get(sku, {})
        days: list[LedgerDay] = []
        for d in sorted(set(sku_deltas) | set(sku_counts)):
            r, ret, adj, shipped = sku_deltas.get(d, (0, 0, 0, 0))
            rows = sku_counts.get(d, [])
            entry = LedgerDay(
                d, stock, r, ret, adj, shipped, sum(moves[j]["quantity"] for j in rows) if rows else None, rows
            )
            days.append(entry)
            stock = entry.closing
        out[sku] = SkuLedger(sku, i, opening, days)
    return out
