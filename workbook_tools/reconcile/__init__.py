"""Reconciliation (对账): the book against itself and against the bank, to the cent.

    book = read_book("订单管理簿.xlsx")
    rec = reconcile_book(book, config=config, today=date(2026, 11, 27), bank_statement=Path("流水.csv"))
    rec.exit_code                          # 1 when an error-level discrepancy was found
    write_reconciliation(rec, "对账.xlsx", lang="zh")

The parts, one module each: ``stock`` (a ledger per SKU, stocktakes, negative and low stock),
``payments`` (orders against payments), ``shipments`` (orders against shipments),
``collection`` (the 催收清单 from receivables.py's ageing), ``statement`` + ``bank`` (reading a
bank CSV and matching it to payments), ``workbook`` (the reconciliation workbook). Every
discrepancy is a ``Finding`` with the cell it concerns, so the report formatters apply.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any

from ..book import OrderBook
from ..config import Config
from ..exits import Exit, findings_exit
from ..findings import Finding, FindingCounts
from ..perf import gc_paused
from ..receivables import AgeingTable, Allocation, Receivable, ageing, allocate, credits, receivables
from ..report import FileResult, Report
from ..settings import Settings, given
from .bank import BankResult, match_statement
from .collection import CollectionEntry, collection_list
from .context import make_context, rows_of
from .payments import PaymentResult, reconcile_payments
from .shipments import ShipmentResult, reconcile_shipments
from .statement import StatementError, read_statement
from .stock import StockResult, reconcile_stock

__all__ = ["Reconciliation", "StatementError", "reconcile_book", "write_reconciliation"]


@dataclass
class Reconciliation(FindingCounts):
    book: OrderBook
    path: Path | None
    today: date
    config: Config
    stock: StockResult
    payments: PaymentResult
    shipments: ShipmentResult
    receivables: list[Receivable]
    ageing: AgeingTable
    collection: list[CollectionEntry]
    bank: BankResult | None = None
    findings: list[Finding] = field(default_factory=list)
    #: Which payment on account paid which order, and each customer's credit (receivables.allocate).
    allocation: Allocation | None = None
    #: Each order's 应付日期 and 未付金额 (derive.py), by order index: the 收款核销 sheet shows them.
    order_due: list[Any] = field(default_factory=list)
    order_balance: list[Any] = field(default_factory=list)
    #: Which settings it was made with (settings.Settings), when the caller says: the workbook names them.
    settings: Settings | None = None

    @property
    def exit_code(self) -> Exit:
        return findings_exit(bool(self.errors))

    @cached_property
    def validation_errors(self) -> int:
        """Error-level findings ``orderbook validate`` reports for the book: a book with errors (a
        payment on an unknown order, a quantity typed as text …) gives figures that cannot be
        trusted, so the workbook and the terminal say so on their first line. Worked out once."""
        from ..codes import Severity
        from ..validate.runner import validate_book

        found = validate_book(self.book, config=self.config, today=self.today)
        return sum(f.severity is Severity.ERROR for f in found)

    def report(self, lang: str = "zh") -> Report:
        """The discrepancies as a validation ``Report``, for the formatters (formats/: text, JSON, Excel, HTML)."""
        rows = {k: len(t.rows) for k, t in self.book.tables.items()}
        return Report([FileResult(self.path or Path("book.xlsx"), list(self.findings), rows=rows, lang=lang)])


def reconcile_book(
    book: OrderBook,
    *,
    config: Config | Settings | None = None,
    today: date | None = None,
    bank_statement: str | os.PathLike[str] | None = None,
) -> Reconciliation:
    """Reconcile ``book`` (and, given a statement CSV, the Payments sheet against the bank). ``config``
    may be a ``Settings`` (settings.py): the reconciliation then says which settings made it.

    Raises StatementError when the statement cannot be read (before any other work).
    """
    settings, config = given(config)
    today = today or date.today()
    statement = read_statement(bank_statement, config.bank) if bank_statement is not None else None
    with gc_paused():
        ctx = make_context(book, config, today)
        items = receivables(rows_of(book), ctx.derived, config, today)
        allocation = allocate(rows_of(book), ctx.derived, config)
        rec = Reconciliation(
            book,
            book.path,
            today,
            config,
            stock=reconcile_stock(ctx),
            payments=reconcile_payments(ctx, items),
            shipments=reconcile_shipments(ctx),
            receivables=items,
            ageing=ageing(items, config.thresholds.ageing_buckets, credits(rows_of(book), allocation)),
            collection=collection_list(items, config.thresholds.ageing_buckets),
            bank=match_statement(ctx, statement) if statement is not None else None,
            allocation=allocation,
            order_due=ctx.derived["orders"]["pay_due"],
            order_balance=ctx.derived["orders"]["balance"],
            settings=settings,
        )
    parts: list[StockResult | PaymentResult | ShipmentResult | BankResult] = [rec.stock, rec.payments, rec.shipments]
    if rec.bank:
        parts.append(rec.bank)
    rec.findings = [f for part in parts for f in part.findings]
    return rec


def write_reconciliation(rec: Reconciliation, path: str | os.PathLike[str], lang: str = "zh") -> Path:
    """Write the reconciliation workbook (atomically) and return its path."""
    from .workbook import write_workbook

    with gc_paused():  # ~150,000 small objects per 100,000 orders, none in a cycle (perf.py)
        return write_workbook(rec, Path(path), lang)
