"""Python's computation of every derived column — the truth the workbook's formulas mirror.

Each function here has a twin formula in formulas.py; a LibreOffice test proves they agree.
The semantics follow the spreadsheet functions exactly: lookups and SUMIFS criteria match keys
case-insensitively, blanks count as 0, money is rounded to the cent half away from zero as
:func:`money` says (the formulas' ``ROUND(ROUND(x*100,4),0)/100``), and a stocktake counts at
the end of its day.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from .book import BookData

CENT = Decimal("0.01")
ZERO = Decimal(0)
EXCEL_EPOCH = date(1899, 12, 30)


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


_SUB_CENT = Decimal("0.0001")
_ONE = Decimal(1)


def money(value: Decimal) -> Decimal:
    """A derived amount rounded to the cent as the formulas round it: ``ROUND(ROUND(x*100,4),0)/100``.

    The inner ROUND takes off the binary noise of the product (39 × 8.70 × 0.95 is 322.33499999…
    as a double): to four places of a cent it is the decimal value again, and a half cent is
    then exactly .5, which every client rounds away from zero. For amounts of up to six decimals
    (whole quantities × prices in cents × discounts to 0.01 %) this is plain rounding to the cent.
    """
    c = (value * 100).quantize(_SUB_CENT, rounding=ROUND_HALF_UP).quantize(_ONE, rounding=ROUND_HALF_UP)
    return (c / 100).quantize(CENT)


def serial(d: date | datetime) -> float:
    """Excel's 1900-system serial number of a date (fraction of day for datetimes)."""
    if isinstance(d, datetime):
        return (d - datetime(1899, 12, 30)).total_seconds() / 86400
    return (d - EXCEL_EPOCH).days


def _casefold(value: Any) -> str:
    """Key as SUMIFS/MATCH compare it: case-insensitive text."""
    return "" if value is None else str(value).casefold()


class _Memo(dict):
    """``memo[x]`` computes ``fn(x)`` once: keys, dates and amounts repeat across a book's rows,
    and a dict hit is far cheaper than a Python call on a 250,000-line book."""

    def __init__(self, fn):
        super().__init__()
        self.fn = fn

    def __missing__(self, key):
        value = self[key] = self.fn(key)
        return value


def _line_amount(qpd: tuple) -> Decimal:
    q, p, d = qpd
    return money(_num(q) * _num(p) * (1 - _num(d)))


def _num(value: Any) -> Decimal:
    return ZERO if value is None else Decimal(value)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)


def _first_by_key(rows: list[dict], key: str, value: str, keyof=None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for r in rows:
        out.setdefault(keyof[r[key]] if keyof is not None else _casefold(r[key]), r.get(value) or "")
    return out


#: The input column each derived column's formula tests first: when it is blank, the formula gives
#: "" (formulas._blank_guard), and so does derive().
BLANK_GUARD: dict[tuple[str, str], str] = {
    ("products", "last_count_date"): "sku",
    ("products", "on_hand"): "sku",
    ("orders", "customer_name"): "customer_id",
    ("orders", "total"): "order_no",
    ("orders", "paid"): "order_no",
    ("orders", "balance"): "order_no",
    ("orders", "payment_status"): "order_no",
    ("order_lines", "product_name"): "sku",
    ("order_lines", "amount"): "order_no",
    ("order_lines", "shipped_qty"): "order_no",
    ("order_lines", "whole_ship_date"): "order_no",
    ("products", "above_reorder"): "sku",
    ("stock_moves", "latest_count"): "sku",
}


def _guard(sheet: str, rows: list[dict], values: dict[str, list[Any]]) -> None:
    """Blank the derived values of rows whose guarding key is blank, as the formulas do."""
    blank_rows: dict[str, list[int]] = {}
    for (s, key), guard in BLANK_GUARD.items():
        if s == sheet:
            if guard not in blank_rows:
                blank_rows[guard] = [i for i, row in enumerate(rows) if row.get(guard) in (None, "")]
            column = values[key]
            for i in blank_rows[guard]:
                column[i] = ""


@dataclass
class Derived:
    """Derived values per sheet: ``values[sheet][column] -> list`` aligned with the rows."""

    values: dict[str, dict[str, list[Any]]]

    def __getitem__(self, sheet: str) -> dict[str, list[Any]]:
        return self.values[sheet]


def payment_status(total: Decimal, paid: Decimal) -> str:
    if paid > total:
        return "overpaid"
    if paid == total and total > 0:
        return "paid"
    if paid > 0:
        return "partial"
    return "unpaid"


def derive(data: BookData) -> Derived:
    _k, _serial, _amount = _Memo(_casefold), _Memo(serial), _Memo(_line_amount)
    customers, products = data["customers"], data["products"]
    orders, lines = data["orders"], data["order_lines"]
    ships, pays, moves = data["shipments"], data["payments"], data["stock_moves"]

    # --- shipments per order: how many whole-order rows, and their date serials
    whole_n: dict[str, int] = defaultdict(int)
    whole_serials: dict[str, float] = defaultdict(float)
    partial_qty: dict[tuple[str, str], int] = defaultdict(int)
    partial_by_sku: dict[str, list[tuple[float, int]]] = defaultdict(list)
    for s in ships:
        o = _k[s["order_no"]]
        if s.get("sku") in (None, ""):
            whole_n[o] += 1
            if s.get("ship_date") is not None:
                whole_serials[o] += _serial[s["ship_date"]]
        else:
            qty = s.get("quantity") or 0
            partial_qty[(o, _k[s["sku"]])] += qty
            if s.get("ship_date") is not None:
                partial_by_sku[_k[s["sku"]]].append((_serial[s["ship_date"]], qty))

    # the whole-order ship date per order (INT of the mean serial, as the formula computes it)
    whole_date = {o: EXCEL_EPOCH.fromordinal(EXCEL_EPOCH.toordinal() + int(whole_serials[o] / n))
                  for o, n in whole_n.items()}

    # --- order lines
    product_names = _first_by_key(products, "sku", "name", _k)
    line_name, line_amount, line_shipped, line_whole = [], [], [], []
    for ln in lines:
        o, sku = _k[ln["order_no"]], _k[ln["sku"]]
        qty = ln.get("quantity") or 0
        line_name.append(product_names.get(sku, ""))
        line_amount.append(_amount[(ln.get("quantity"), ln.get("unit_price"), ln.get("discount"))])
        n = whole_n.get(o, 0)
        line_shipped.append(qty if n > 0 else partial_qty.get((o, sku), 0))
        line_whole.append(whole_date[o] if n else "")
    line_values = {"product_name": line_name, "amount": line_amount, "shipped_qty": line_shipped,
                   "whole_ship_date": line_whole}
    _guard("order_lines", lines, line_values)

    # --- orders
    customer_names = _first_by_key(customers, "customer_id", "name", _k)
    total_by: dict[str, Decimal] = defaultdict(Decimal)
    for ln, amt in zip(lines, line_amount):
        if amt != "":
            total_by[_k[ln["order_no"]]] += amt
    paid_by: dict[str, Decimal] = defaultdict(Decimal)
    for p in pays:
        paid_by[_k[p["order_no"]]] += _num(p.get("amount"))
    o_name, o_total, o_paid, o_balance, o_status = [], [], [], [], []
    for od in orders:
        o = _k[od["order_no"]]
        total, paid = money(total_by.get(o, ZERO)), money(paid_by.get(o, ZERO))
        o_name.append(customer_names.get(_k[od["customer_id"]], ""))
        o_total.append(total)
        o_paid.append(paid)
        o_balance.append(money(total - paid))
        o_status.append(payment_status(total, paid))

    # --- stock on hand: from the latest stocktake (end of its day), else from the opening stock
    last_count: dict[str, float] = {}
    for m in moves:
        if m.get("type") == "stocktake" and m.get("date") is not None:
            s = _k[m["sku"]]
            last_count[s] = max(last_count.get(s, 0), _serial[m["date"]])
    on_hand, last_count_date = [], []
    line_whole_by_sku: dict[str, list[tuple[float, int]]] = defaultdict(list)
    for ln, wd in zip(lines, line_whole):
        if wd != "":
            line_whole_by_sku[_k[ln["sku"]]].append((_serial[wd], ln.get("quantity") or 0))
    moves_by_sku: dict[str, list[dict]] = defaultdict(list)
    for m in moves:
        moves_by_sku[_k[m["sku"]]].append(m)
    for p in products:
        s = _k[p["sku"]]
        t = last_count.get(s, 0)
        last_count_date.append(EXCEL_EPOCH.fromordinal(EXCEL_EPOCH.toordinal() + int(t)) if t else "")
        if t == 0:
            base = p.get("opening_stock") or 0
        else:
            base = sum(
                m.get("quantity") or 0
                for m in moves_by_sku[s]
                if m.get("type") == "stocktake" and m.get("date") is not None and _serial[m["date"]] == t
            )
        after = sum(
            m.get("quantity") or 0
            for m in moves_by_sku[s]
            if m.get("type") != "stocktake" and m.get("date") is not None and _serial[m["date"]] > t
        )
        shipped = sum(q for d, q in partial_by_sku[s] if d > t) + sum(q for d, q in line_whole_by_sku[s] if d > t)
        on_hand.append(base + after - shipped)
    # how far stock is above the reorder point, where one is set (the dashboard counts the rest)
    above = [n - p["reorder_point"] if _is_number(p.get("reorder_point")) else "" for p, n in zip(products, on_hand)]

    # --- stock movements: the product's latest stocktake shows its date (products count from it)
    latest_count = [
        m["date"] if m.get("type") == "stocktake" and m.get("date") is not None
        and last_count.get(_k[m["sku"]]) == _serial[m["date"]] else ""
        for m in moves
    ]
    move_values = {"latest_count": latest_count}
    _guard("stock_moves", moves, move_values)

    product_values = {"last_count_date": last_count_date, "on_hand": on_hand, "above_reorder": above}
    _guard("products", products, product_values)
    order_values = {"customer_name": o_name, "total": o_total, "paid": o_paid, "balance": o_balance,
                    "payment_status": o_status}
    _guard("orders", orders, order_values)
    return Derived(
        {
            "customers": {},
            "products": product_values,
            "orders": order_values,
            "order_lines": line_values,
            "status_log": {},
            "shipments": {},
            "payments": {},
            "stock_moves": move_values,
        }
    )
