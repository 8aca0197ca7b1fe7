"""Stock against the books: a ledger per SKU, stocktake variances, negative stock, low stock.

The ledger is ledger.py's — the one validation walks — so the figures here and the findings of
``orderbook validate`` always agree: a stocktake counts at the end of its day, whole-order
shipments take their lines on derive.py's ``whole_ship_date``, and each SKU's closing stock is
derive.py's ``on_hand``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from ..derive import ZERO, cents
from ..findings import Finding
from ..ledger import LedgerDay, SkuLedger
from ..validate.stock import ledger_findings, ledgers, low_stock_findings
from .context import Context


@dataclass(frozen=True, slots=True)
class StockLine:
    """One SKU: opening + receipts + returns − shipped ± adjustments + stocktake corrections = closing."""

    sku: str
    name: str
    unit: str
    list_price: Decimal | None
    opening: int
    receipts: int
    returns: int
    adjustments: int
    shipped: int
    #: Sum of (counted − book) over the SKU's stocktakes: what the counts changed.
    count_corrections: int
    closing: int
    reorder_point: int
    low: bool
    active: bool
    last_count: date | None
    #: First day the stock went negative (None if never).
    negative_on: date | None
    index: int

    @property
    def value(self) -> Decimal:
        """Closing stock at list price."""
        return cents(self.closing * (self.list_price or ZERO))


@dataclass(frozen=True, slots=True)
class CountLine:
    """A stocktake against the ledger on its date (at the end of the day)."""

    sku: str
    name: str
    date: date
    book: int
    counted: int
    variance: int
    #: variance × list price
    value: Decimal
    #: Stock-movement record index of the (first) count row.
    index: int
    cell: str


@dataclass(frozen=True, slots=True)
class NegativeSpell:
    sku: str
    name: str
    #: The day the stock went below zero, and the stock that day.
    date: date
    stock: int
    #: The lowest stock before it was back at zero or more, and when.
    lowest: int
    lowest_on: dt.date  # dt.: the field ``date`` above hides the type in the class body
    #: The first day the stock was back at zero or more (None: still negative).
    recovered_on: dt.date | None
    index: int


@dataclass
class StockResult:
    lines: list[StockLine] = field(default_factory=list)
    counts: list[CountLine] = field(default_factory=list)
    negatives: list[NegativeSpell] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    @property
    def value(self) -> Decimal:
        return sum((s.value for s in self.lines), ZERO)

    @property
    def variance_units(self) -> int:
        return sum(c.variance for c in self.counts)

    @property
    def variance_value(self) -> Decimal:
        return sum((c.value for c in self.counts), ZERO)

    @property
    def gains(self) -> list[CountLine]:
        """Counts that found more than the books (盘盈)."""
        return [c for c in self.counts if c.variance > 0]

    @property
    def losses(self) -> list[CountLine]:
        """Counts that found less than the books (盘亏)."""
        return [c for c in self.counts if c.variance < 0]

    @property
    def gross(self) -> tuple[int, Decimal, int, Decimal]:
        """(units, value) found over and (units, value) found short, each side summed on its own: a
        gain of 2 and a loss of 3 are not "1 short"."""
        gains, losses = self.gains, self.losses
        return (
            sum(c.variance for c in gains),
            sum((c.value for c in gains), ZERO),
            sum(c.variance for c in losses),
            sum((c.value for c in losses), ZERO),
        )


def reconcile_stock(ctx: Context) -> StockResult:
    products = ctx.table("products").rows
    moves = ctx.table("stock_moves")
    default_point = ctx.config.thresholds.low_stock_default
    out = StockResult()
    for led in sorted(ledgers(ctx).values(), key=lambda led: led.index):
        p = products[led.index]
        if p.get("sku") is None:
            continue
        sku, name, price = str(p["sku"]), str(p.get("name") or ""), p.get("list_price")
        starts = list(led.negative_starts())
        for start in starts:
            out.negatives.append(_spell(led, start, sku, name))
        for d in led.counts():
            counted = d.closing  # counts() yields counted days only: their closing is the count
            variance = counted - d.stock
            value = cents(variance * (price or ZERO))
            out.counts.append(
                CountLine(
                    sku,
                    name,
                    d.date,
                    d.stock,
                    counted,
                    variance,
                    value,
                    d.count_rows[0],
                    moves.cell(d.count_rows[0], "quantity"),
                )
            )
        point = p.get("reorder_point")
        point = default_point if point is None else point
        active = p.get("active") != "no"
        counts = [d.date for d in led.counts()]
        out.lines.append(
            StockLine(
                sku,
                name,
                str(p.get("unit") or ""),
                price,
                led.opening,
                led.total("receipts"),
                led.total("returns"),
                led.total("adjustments"),
                led.total("shipped"),
                led.total("variance"),
                led.closing,
                point,
                active and led.closing <= point,
                active,
                counts[-1] if counts else None,
                starts[0].date if starts else None,
                led.index,
            )
        )
    out.findings = [*ledger_findings(ctx), *low_stock_findings(ctx)]
    return out


def _spell(led: SkuLedger, start: LedgerDay, sku: str, name: str) -> NegativeSpell:
    days = led.days
    i = days.index(start)
    lowest, lowest_on, recovered = start.stock, start.date, None
    for d in days[i:]:
        if d.stock < lowest:
            lowest, lowest_on = d.stock, d.date
        if d.closing >= 0:
            recovered = d.date
            break
    return NegativeSpell(sku, name, start.date, start.stock, lowest, lowest_on, recovered, led.index)
