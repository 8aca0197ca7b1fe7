"""Bank statement against the Payments sheet: which bank line is which payment.

Each incoming bank line (credit > 0) is matched to one recorded payment, and each outgoing line
(debit > 0) to one refund (a negative payment), in two passes:

1. by reference: the line's 交易流水号 equals the payment's 交易流水号;
2. otherwise by amount, equal to the cent, within ``[bank] date_window_days`` of the payment date,
   and only when the payer (对方户名) is the order's customer — its name or contact person, ignoring
   spaces, brackets and company suffixes such as 有限公司; banks' masked names like 李*娜 count —
   or the line's memo (摘要/附言) names the order number. The nearest date wins.

A payment on account (a 付款 row naming a customer, not an order) matches by its customer's name.
An incoming line matching no payment may still be a customer's transfer for several orders at once
(月结 customers pay one transfer a month): :func:`customer_for_line` names the customer whose
payer name matches, or whose open balances, taken in 核销顺序 (oldest due first), add up to the
amount — ``BankResult.customer_matches``, to record as a payment on account.

A payment or line is used once. Listed: the matched pairs and how they matched; incoming lines with
no payment (warning ``bank-line-unmatched``); and payments that should have gone through the bank —
positive, not cash, dated within the statement's period — with no line (warning
``payment-not-in-bank``). Outgoing lines with no refund (fees, salaries, suppliers) are listed but
are not a discrepancy: a business account pays for much more than refunds.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from ..choices import label_of
from ..dates import day as _day
from ..findings import Finding
from ..keys import normalise
from .context import Context
from .statement import BankLine, Statement

#: Payment methods that never pass through the bank.
CASH_METHODS = frozenset({"现金", "cash"})
_SUFFIXES = ("股份有限公司", "有限责任公司", "有限公司", "分公司", "公司")
_PUNCT = re.compile(r"[\s()（）【】\[\]·.,，、\-—_\"']+")


def norm_name(name: str) -> str:
    s = _PUNCT.sub("", unicodedata.normalize("NFKC", name or "")).casefold()
    for suffix in _SUFFIXES:
        if s.endswith(suffix) and len(s) > len(suffix) + 1:
            return s[: -len(suffix)]
    return s


def names_match(payer: str, names: tuple[str, ...]) -> bool:
    """Is the bank's payer one of ``names`` (already normalised)?"""
    p = norm_name(payer)
    if not p:
        return False
    if "*" in p:
        pattern = re.compile("".join("." if ch == "*" else re.escape(ch) for ch in p))
        return any(pattern.fullmatch(n) for n in names if n)
    return any(n and (p == n or (min(len(p), len(n)) >= 2 and (p in n or n in p))) for n in names)


@dataclass(frozen=True, slots=True)
class Match:
    line: BankLine
    #: Index of the payment record on the Payments sheet.
    payment: int
    #: "reference", "amount_date_name" or "amount_date_order"
    how: str
    #: bank date − payment date, in days
    days: int


@dataclass(frozen=True, slots=True)
class CustomerMatch:
    line: BankLine
    customer_id: str
    #: "open_balances" (the amount is the customer's oldest open balances to the cent) or "payer"
    how: str
    #: The orders the amount pays, oldest due first (all of them for "open_balances").
    orders: tuple[str, ...]


@dataclass
class BankResult:
    statement: Statement
    matches: list[Match] = field(default_factory=list)
    #: Incoming lines with no payment; outgoing lines with no refund.
    unmatched_lines: list[BankLine] = field(default_factory=list)
    outgoing_lines: list[BankLine] = field(default_factory=list)
    #: Payment record indexes that should be on the statement and are not.
    unmatched_payments: list[int] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    #: Unmatched incoming lines that look like a customer's transfer for several orders.
    customer_matches: list[CustomerMatch] = field(default_factory=list)

    @property
    def credits(self) -> Decimal:
        return sum((ln.credit for ln in self.statement.lines), Decimal(0))

    @property
    def matched_credits(self) -> Decimal:
        return sum((m.line.credit for m in self.matches), Decimal(0))

    def count(self, how: str) -> int:
        return sum(1 for m in self.matches if m.how == how)


@dataclass(frozen=True, slots=True)
class _Pay:
    j: int
    amount: Decimal
    day: date | None
    reference: str
    order_key: str
    names: tuple[str, ...]


def match_statement(ctx: Context, statement: Statement) -> BankResult:
    out = BankResult(statement)
    window = ctx.config.bank.date_window_days
    pays = _payments(ctx)
    by_ref: dict[str, _Pay] = {}
    for p in pays:
        if p.reference:
            by_ref.setdefault(p.reference, p)
    used: set[int] = set()
    done: set[int] = set()  # statement line numbers matched

    lines = sorted(statement.lines, key=lambda ln: (ln.date, ln.line))
    for ln in lines:
        signed = ln.credit if ln.credit > 0 else -ln.debit
        if not signed:
            continue
        ref = by_ref.get(_ref_key(ln.reference)) if ln.reference else None
        if ref is not None and ref.j not in used and (ref.amount > 0) == (signed > 0):
            used.add(ref.j)
            done.add(ln.line)
            out.matches.append(Match(ln, ref.j, "reference", (ln.date - ref.day).days if ref.day else 0))

    #: Payments still unmatched that have a date, by amount (each with that date).
    by_amount: dict[Decimal, list[tuple[_Pay, date]]] = defaultdict(list)
    for p in pays:
        if p.j not in used and p.day is not None:
            by_amount[p.amount].append((p, p.day))
    for ln in lines:
        signed = ln.credit if ln.credit > 0 else -ln.debit
        if not signed or ln.line in done:
            continue
        memo = ln.memo.casefold()
        best = None
        for p, paid_on in by_amount.get(signed, ()):
            days = (ln.date - paid_on).days
            if p.j in used or abs(days) > window:
                continue
            if names_match(ln.payer, p.names):
                how = "amount_date_name"
            elif p.order_key and p.order_key in memo:
                how = "amount_date_order"
            else:
                continue
            if best is None or abs(days) < abs(best[1]):
                best = (p, days, how)
        if best:
            p, days, how = best
            used.add(p.j)
            done.add(ln.line)
            out.matches.append(Match(ln, p.j, how, days))
    out.matches.sort(key=lambda m: m.line.line)

    for ln in statement.lines:
        if ln.line in done:
            continue
        if ln.credit > 0:
            out.unmatched_lines.append(ln)
            found = customer_for_line(ctx, ln)
            if found is not None:
                out.customer_matches.append(found)
            out.findings.append(
                Finding(
                    "bank-line-unmatched",
                    sheet=statement.name,
                    row=ln.line,
                    column=statement.letters.get("credit") or statement.letters.get("amount"),
                    field="credit",
                    value=ln.credit,
                    file=str(statement.path),
                    params={"date": ln.date, "payer": ln.payer or "—"},
                )
            )
        elif ln.debit > 0:
            out.outgoing_lines.append(ln)

    first, last = statement.first, statement.last
    table = ctx.table("payments")
    for p in pays:
        row = table.rows[p.j]
        if (
            p.j in used
            or p.amount <= 0
            or first is None
            or last is None
            or p.day is None
            or not first <= p.day <= last
            or (row.get("method") or "").casefold() in CASH_METHODS
        ):
            continue
        out.unmatched_payments.append(p.j)
        method = row.get("method") or ""
        out.findings.append(
            ctx.at(
                "payment-not-in-bank",
                "payments",
                p.j,
                "amount",
                p.amount,
                order=row.get("order_no"),
                date=p.day,
                method=method,
                method_en=label_of(ctx.lists["payment_method"], method, "en"),
            )
        )
    return out


def _open_by_customer(ctx: Context) -> dict[str, tuple[str, list[tuple[str, Decimal]]]]:
    """Customer key -> (customer ID, [(order no, balance)] of its open orders in 核销顺序)."""
    return ctx.once("open_by_customer", lambda: _open_balances(ctx))


def _open_balances(ctx: Context) -> dict[str, tuple[str, list[tuple[str, Decimal]]]]:
    from ..derive import allocation_order

    d = ctx.derived["orders"]
    orders = ctx.table("orders").rows
    custs = [ctx.keys[o.get("customer_id")] if o.get("order_no") else "" for o in orders]
    out = {}
    for c, idx in allocation_order(list(d["alloc_rank"]), custs).items():
        owed = [
            (str(orders[i].get("order_no")), d["balance"][i])
            for i in idx
            if d["balance"][i] != "" and d["balance"][i] > 0
        ]
        if owed:
            out[c] = (str(orders[idx[0]].get("customer_id")), owed)
    return out


def customer_for_line(ctx: Context, ln: BankLine) -> CustomerMatch | None:
    """The customer an incoming bank line probably pays several orders for: one whose oldest open
    balances (核销顺序) add up to the amount exactly; else the one whose name or contact is the payer.
    None when neither finds exactly one customer."""
    open_ = _open_by_customer(ctx)
    hits = []
    for cid, owed in open_.values():
        running = Decimal(0)
        for n, (_no, bal) in enumerate(owed, 1):
            running += bal
            if running == ln.credit and n > 1:
                hits.append(CustomerMatch(ln, cid, "open_balances", tuple(no for no, _ in owed[:n])))
                break
            if running > ln.credit:
                break
    if len(hits) == 1:
        return hits[0]
    if not ln.payer:
        return None
    by_name = []
    for c in ctx.table("customers").rows:
        names = tuple(n for n in (norm_name(c.get("name") or ""), norm_name(c.get("contact") or "")) if n)
        if names and names_match(ln.payer, names):
            by_name.append(c)
    if len(by_name) != 1:
        return None
    cid = str(by_name[0].get("customer_id") or "")
    owed = open_.get(ctx.keys[cid], ("", []))[1]
    return CustomerMatch(ln, cid, "payer", tuple(no for no, _ in owed))


_ref_key = normalise  # a payment reference is a key like any other (keys.py)


def _payments(ctx: Context) -> list[_Pay]:
    customers = ctx.table("customers").rows
    cust_at = ctx.index("customers", "customer_id")
    orders = ctx.table("orders").rows
    order_at = ctx.index("orders", "order_no")
    keys = ctx.keys
    names_of: dict[str, tuple[str, ...]] = {}
    out = []
    for j, p in enumerate(ctx.table("payments").rows):
        amount = p.get("amount")
        if amount is None or amount == 0:
            continue
        k = keys[p.get("order_no")]
        names: tuple[str, ...] = ()
        # the order's customer; a payment on account names its customer itself
        cid = keys[orders[order_at[k][0]].get("customer_id")] if k in order_at else keys[p.get("customer_id")]
        if cid:
            if cid not in names_of:
                c = customers[cust_at[cid][0]] if cid in cust_at else {}
                both = (norm_name(c.get("name") or ""), norm_name(c.get("contact") or ""))
                names_of[cid] = tuple(n for n in both if n)
            names = names_of[cid]
        out.append(_Pay(j, amount, _day(p.get("paid_on")), _ref_key(p.get("reference")), k, names))
    return out
