"""Payments against orders: totals, what was received and refunded, and what needs a look.

Per order, total / paid / balance / payment status are derive.py's. Listed for checking:
overpaid orders (error, as validation says), unpaid balances past their due date (warning; the due
date is the order date when blank, as in the ageing), cancelled orders still holding money
(warning), payments to unknown orders (error) or to cancelled ones, refunds, and duplicate
transaction references (error).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from ..derive import ZERO
from ..findings import Finding
from ..receivables import Receivable
from .context import Context

#: The rows of the Payments sheet, most serious first: each a kind of the rule catalogue (codes.py
#: ``KINDS``), the code of the finding made with it, or a note kept for the record.
ORDER = (
    "overpaid",
    "unknown-order",
    "duplicate-key",
    "unpaid-past-due",
    "cancelled-with-payment",
    "payment-on-cancelled-order",
    "refund",
)


@dataclass(frozen=True, slots=True)
class PaymentItem:
    #: What the row is about: a code of the rule catalogue (codes.py ``KINDS``).
    kind: str
    order_no: str
    customer_id: str = ""
    customer_name: str = ""
    #: The order's status (canonical value), "" for an unknown order.
    status: str = ""
    total: Decimal | None = None
    paid: Decimal | None = None
    balance: Decimal | None = None
    payment_status: str = ""
    due_date: date | None = None
    days_past_due: int | None = None
    #: For items about one payment record:
    paid_on: date | None = None
    method: str = ""
    amount: Decimal | None = None
    reference: str = ""
    #: Where to look in the book, e.g. 付款!D12
    cell: str = ""
    #: Another place that matters (the first use of a duplicated reference).
    other: str = ""


@dataclass
class PaymentResult:
    orders: int = 0
    #: Sum of order totals / net paid over non-cancelled orders.
    total: Decimal = ZERO
    paid: Decimal = ZERO
    #: Sum of positive balances of non-cancelled orders (what customers owe).
    outstanding: Decimal = ZERO
    #: Sum of positive / negative payment amounts over every payment record.
    received: Decimal = ZERO
    refunded: Decimal = ZERO
    payments: int = 0
    #: Orders per payment status (non-cancelled orders).
    by_status: Counter[str] = field(default_factory=Counter)
    items: list[PaymentItem] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    def count(self, kind: str) -> int:
        return sum(1 for i in self.items if i.kind == kind)


def reconcile_payments(ctx: Context, receivables: list[Receivable]) -> PaymentResult:
    out = PaymentResult()
    orders = ctx.table("orders")
    d = ctx.derived["orders"]
    totals, paid, balance, pstatus, names = d["total"], d["paid"], d["balance"], d["payment_status"], d["customer_name"]
    order_at = ctx.index("orders", "order_no")
    keys = ctx.keys

    def order_part(i: int) -> tuple[str, str, str, str, Decimal, Decimal, Decimal | None, str]:
        """The order's figures; a cancelled order owes nothing, so no balance or payment status."""
        o = orders.rows[i]
        live = o.get("status") != "cancelled"
        return (
            str(o.get("order_no") or ""),
            str(o.get("customer_id") or ""),
            names[i],
            o.get("status") or "",
            totals[i],
            paid[i],
            balance[i] if live else None,
            pstatus[i] if live else "",
        )

    def order_item(kind: str, i: int, column: str, **kw: Any) -> PaymentItem:
        return PaymentItem(kind, *order_part(i), cell=orders.cell(i, column), **kw)

    for i, o in enumerate(orders.rows):
        if totals[i] == "":
            continue
        status = o.get("status")
        if status == "cancelled":
            if paid[i] > 0:
                out.items.append(order_item("cancelled-with-payment", i, "paid"))
                out.findings.append(
                    ctx.at("cancelled-with-payment", "orders", i, "paid", o.get("order_no"), expected=paid[i])
                )
            continue
        out.orders += 1
        out.total += totals[i]
        out.paid += paid[i]
        out.by_status[pstatus[i]] += 1
        if balance[i] > 0:
            out.outstanding += balance[i]
        if paid[i] > totals[i]:
            out.items.append(order_item("overpaid", i, "paid"))
            out.findings.append(
                ctx.at("overpaid", "orders", i, "paid", o.get("order_no"), expected=totals[i], other=paid[i])
            )
    for r in receivables:
        if r.overdue:
            out.items.append(
                order_item("unpaid-past-due", r.index, "balance", due_date=r.due_date, days_past_due=r.days_past_due)
            )
            out.findings.append(
                ctx.at(
                    "unpaid-past-due",
                    "orders",
                    r.index,
                    "balance",
                    r.order_no,
                    expected=r.balance,
                    date=r.due_date,
                    days=r.days_past_due,
                )
            )

    pays = ctx.table("payments")

    def pay_item(kind: str, j: int, column: str, at: list[int] | None, **kw: Any) -> PaymentItem:
        p = pays.rows[j]
        base = dict(
            paid_on=p.get("paid_on"),
            method=p.get("method") or "",
            amount=p.get("amount"),
            reference=str(p.get("reference") or ""),
            cell=pays.cell(j, column),
            **kw,
        )
        if at:
            return PaymentItem(kind, *order_part(at[0]), **base)
        return PaymentItem(kind, str(p.get("order_no") or ""), **base)

    cancelled = {keys[o.get("order_no")] for o in orders.rows if o.get("status") == "cancelled"}
    first_ref: dict[str, int] = {}
    received: list[Decimal] = []
    refunded: list[Decimal] = []
    for j, p in enumerate(pays.rows):
        amount = p.get("amount")
        k = keys[p.get("order_no")]
        if amount is not None:
            (received if amount > 0 else refunded).append(amount)
        if k and k not in order_at:
            out.items.append(pay_item("unknown-order", j, "order_no", None))
            out.findings.append(ctx.at("unknown-order", "payments", j, "order_no", p.get("order_no")))
        elif amount is not None and amount < 0:
            out.items.append(pay_item("refund", j, "amount", order_at.get(k)))
        elif k in cancelled:
            out.items.append(pay_item("payment-on-cancelled-order", j, "amount", order_at[k]))
        ref = p.get("reference")
        if ref:
            ref = keys[ref]
            first = first_ref.setdefault(ref, j)
            if first != j:
                at = order_at.get(k)
                other = pays.cell(first, "reference")
                out.items.append(pay_item("duplicate-key", j, "reference", at, other=other))
                out.findings.append(
                    ctx.at("duplicate-key", "payments", j, "reference", p.get("reference"), other=other)
                )
    out.payments = len(pays.rows)
    out.received, out.refunded = sum(received, ZERO), sum(refunded, ZERO)
    rank = {k: n for n, k in enumerate(ORDER)}
    out.items.sort(key=lambda it: rank[it.kind])  # stable: within a kind, sheet order
    return out
