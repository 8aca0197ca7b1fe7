"""Shipments against orders: quantities per order line, status against shipments, lateness.

Listed for checking: order lines shipped beyond what was ordered (error, as validation says),
lines of shipped or completed orders not fully shipped (warning), orders marked shipped or
completed with no shipment (error), shipments of cancelled orders (warning) or of unknown ones
(error), and orders first shipped after their due date (warning).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from ..choices import ORDER_STATUS, label_of
from ..dates import day as _day
from ..findings import Finding
from .context import Context

#: The rows of the Shipments sheet, most serious first: each the code of the finding made with it
#: (codes.py ``KINDS``: title, severity, and whether it is only for the record).
ORDER = (
    "shipped-more-than-ordered",
    "shipped-without-shipment",
    "unknown-order",
    "shipped-less-than-ordered",
    "cancelled-order-shipped",
    "shipped-after-due",
)


@dataclass(frozen=True, slots=True)
class ShipmentItem:
    #: What the row is about: a code of the rule catalogue (codes.py ``KINDS``).
    kind: str
    order_no: str
    customer_name: str = ""
    status: str = ""
    order_date: date | None = None
    due_date: date | None = None
    first_ship: date | None = None
    #: Days between the due date and the first shipment (late items).
    days_late: int | None = None
    sku: str = ""
    ordered: int | None = None
    shipped: int | None = None
    cell: str = ""


@dataclass
class ShipmentResult:
    #: Non-cancelled orders with at least one shipment; of those with a due date, how many went on time.
    shipped_orders: int = 0
    with_due: int = 0
    on_time: int = 0
    shipments: int = 0
    items: list[ShipmentItem] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    def count(self, kind: str) -> int:
        return sum(1 for i in self.items if i.kind == kind)

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.with_due if self.with_due else None


def reconcile_shipments(ctx: Context) -> ShipmentResult:
    out = ShipmentResult()
    keys = ctx.keys
    orders, ships, lines = ctx.table("orders"), ctx.table("shipments"), ctx.table("order_lines")
    names = ctx.derived["orders"]["customer_name"]
    order_at = ctx.index("orders", "order_no")

    # --- per order line: what was ordered (a line listed twice counts twice)
    ordered: dict[tuple[str, str], int] = {}
    first_line: dict[tuple[str, str], int] = {}
    for i, ln in enumerate(lines.rows):
        pair = (keys[ln.get("order_no")], keys[ln.get("sku")])
        q = ln.get("quantity") or 0
        before = ordered.get(pair)
        if before is None:
            ordered[pair] = q
            first_line[pair] = i
        else:
            ordered[pair] = before + q
    cancelled = {keys[o.get("order_no")] for o in orders.rows if o.get("status") == "cancelled"}

    first_ship: dict[str, date] = {}
    whole = {keys[s.get("order_no")] for s in ships.rows if not s.get("sku")}
    partial: dict[tuple[str, str], int] = defaultdict(int)
    partial_sku: dict[tuple[str, str], str] = {}
    out.shipments = len(ships.rows)
    for j, s in enumerate(ships.rows):
        k = keys[s.get("order_no")]
        d = s.get("ship_date")
        if type(d) is not date:
            d = _day(d)
        if d is not None:
            earliest = first_ship.get(k)
            if earliest is None or d < earliest:
                first_ship[k] = d
        if s.get("sku") and s.get("quantity") is not None:
            pair = (k, keys[s["sku"]])
            partial[pair] += s["quantity"]
            partial_sku.setdefault(pair, str(s["sku"]))
            # validation's rule, shipment by shipment: after a whole-order shipment every partial one is extra
            limit = 0 if k in whole else ordered.get(pair, 0)
            if partial[pair] > limit:
                out.findings.append(
                    ctx.at(
                        "shipped-more-than-ordered",
                        "shipments",
                        j,
                        "quantity",
                        s.get("order_no"),
                        sku=s["sku"],
                        shipped=partial[pair],
                        expected=limit,
                    )
                )
        if k in cancelled:
            i = order_at[k][0]
            o = orders.rows[i]
            out.items.append(
                ShipmentItem(
                    "cancelled-order-shipped",
                    str(o.get("order_no")),
                    names[i],
                    "cancelled",
                    _day(o.get("order_date")),
                    _day(o.get("due_date")),
                    d,
                    cell=ships.cell(j, "ship_date"),
                )
            )
            out.findings.append(
                ctx.at("cancelled-order-shipped", "shipments", j, "ship_date", o.get("order_no"), date=d)
            )
        elif k and k not in order_at:
            out.items.append(
                ShipmentItem("unknown-order", str(s.get("order_no")), first_ship=d, cell=ships.cell(j, "order_no"))
            )
            out.findings.append(ctx.at("unknown-order", "shipments", j, "order_no", s.get("order_no")))

    # --- per order line: ordered against shipped (a whole-order shipment ships every line in full)
    extra = [pair for pair in partial if pair not in ordered]  # shipped, never ordered
    for pair in [*first_line, *extra]:
        o_key = pair[0]
        if o_key in whole and pair not in partial:
            continue  # shipped in full with the order
        want = ordered.get(pair, 0)
        got = want + partial.get(pair, 0) if o_key in whole else partial.get(pair, 0)
        if got == want:
            continue
        at = order_at.get(o_key)
        if not at:
            continue
        o = orders.rows[at[0]]
        status = o.get("status")
        if got < want and (status not in ("shipped", "completed") or not _has_shipment(ctx, o_key)):
            continue  # still to ship; or nothing shipped at all, which is "not_shipped" below
        line = first_line.get(pair)
        sku = str(lines.rows[line]["sku"]) if line is not None else partial_sku[pair]
        kind = "shipped-more-than-ordered" if got > want else "shipped-less-than-ordered"
        cell = lines.cell(line, "quantity") if line is not None else orders.cell(at[0], "order_no")
        out.items.append(
            ShipmentItem(
                kind,
                str(o.get("order_no")),
                names[at[0]],
                status or "",
                _day(o.get("order_date")),
                _day(o.get("due_date")),
                first_ship.get(o_key),
                sku=sku,
                ordered=want,
                shipped=got,
                cell=cell,
            )
        )
        if kind == "shipped-less-than-ordered" and line is not None:
            shown = str(status)  # shipped or completed: anything else was passed over above
            zh, en = label_of(ORDER_STATUS, shown, "zh"), label_of(ORDER_STATUS, shown, "en")
            out.findings.append(
                ctx.at(
                    "shipped-less-than-ordered",
                    "order_lines",
                    line,
                    "quantity",
                    o.get("order_no"),
                    expected=zh,
                    expected_en=en,
                    sku=sku,
                    ordered=want,
                    shipped=got,
                )
            )

    # --- per order: status against shipments, and lateness
    for i, o in enumerate(orders.rows):
        status = o.get("status")
        if status == "cancelled":
            continue
        k = keys[o.get("order_no")]
        first = first_ship.get(k)
        if first is None:
            if status in ("shipped", "completed") and not _has_shipment(ctx, k):
                zh, en = label_of(ORDER_STATUS, status, "zh"), label_of(ORDER_STATUS, status, "en")
                out.items.append(
                    ShipmentItem(
                        "shipped-without-shipment",
                        str(o.get("order_no")),
                        names[i],
                        status,
                        _day(o.get("order_date")),
                        _day(o.get("due_date")),
                        cell=orders.cell(i, "status"),
                    )
                )
                out.findings.append(
                    ctx.at(
                        "shipped-without-shipment",
                        "orders",
                        i,
                        "status",
                        o.get("order_no"),
                        expected=zh,
                        expected_en=en,
                    )
                )
            continue
        out.shipped_orders += 1
        due = o.get("due_date")
        if type(due) is not date:
            due = _day(due)
            if due is None:
                continue
        out.with_due += 1
        if first <= due:
            out.on_time += 1
            continue
        late = (first - due).days
        out.items.append(
            ShipmentItem(
                "shipped-after-due",
                str(o.get("order_no")),
                names[i],
                status or "",
                _day(o.get("order_date")),
                due,
                first,
                late,
                cell=orders.cell(i, "due_date"),
            )
        )
        out.findings.append(
            ctx.at(
                "shipped-after-due", "orders", i, "due_date", o.get("order_no"), expected=due, other=first, days=late
            )
        )
    rank = {k: n for n, k in enumerate(ORDER)}
    out.items.sort(key=lambda it: rank[it.kind])
    return out


def _has_shipment(ctx: Context, k: str) -> bool:
    """A shipment row without a readable date still counts as a shipment (validation's rule)."""
    return k in ctx.index("shipments", "order_no")
