"""Changes someone must look at: an order that was paid or shipped last night, changed or deleted since.

- ``row-deleted`` (error): the order itself, one of its payments or one of its shipments deleted;
- ``paid-order-changed`` (warning): on its order lines, payments or shipments, a quantity, price,
  discount or amount changed, or an order line added or deleted.

"Paid or shipped" is as the earlier snapshot had it: a payment or a shipment recorded for the order,
or its status shipped or completed. Payments and shipments added later are the normal course.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ..book import OrderBook
from ..cells import col_letter
from ..findings import Finding
from ..keys import natural
from ..lang import pick
from ..schema import SHEET_BY_KEY, T
from .diff import ADDED, CHANGED, DELETED, RowChange
from .snapshot import Snapshot

#: Sheets whose deleted rows lose an order's record of money or goods.
DELETE_WATCHED = ("orders", "payments", "shipments")
#: Sheets whose amounts and quantities make up what was paid or shipped.
AMOUNT_WATCHED = ("order_lines", "payments", "shipments")
AMOUNT_TYPES = (T.INT, T.MONEY, T.PERCENT)
SHIPPED_STATUSES = ("shipped", "completed")


def paid_or_shipped(snap: Snapshot) -> dict[Any, tuple[int, int]]:
    """Order number (as a key) -> (payments, shipments) of every order paid or shipped in ``snap``."""
    pays = Counter(natural(r.values.get("order_no")) for r in snap.get("payments", []))
    ships = Counter(natural(r.values.get("order_no")) for r in snap.get("shipments", []))
    status = {
        natural(r.values.get("order_no")) for r in snap.get("orders", []) if r.values.get("status") in SHIPPED_STATUSES
    }
    return {k: (pays[k], ships[k]) for k in set(pays) | set(ships) | status if k not in (None, "")}


def show(v: Any, lang: str = "zh") -> str:
    if v is None or v == "":
        return pick(lang, "（空）", "(blank)")
    if isinstance(v, Decimal):
        return f"{v.normalize():f}" if v == v.to_integral() else str(v)
    if isinstance(v, datetime):
        return v.isoformat(sep=" ", timespec="seconds" if v.second else "minutes")
    return v.isoformat() if isinstance(v, date) else str(v)


def change_findings(
    before: Snapshot, changes: list[RowChange], book: OrderBook, file: str | None = None
) -> tuple[list[RowChange], list[Finding]]:
    """The findings ``changes`` (from ``before`` to ``book``) raise, and the changes marked with their codes."""
    settled = paid_or_shipped(before)
    marked, findings = [], []
    for c in changes:
        order = natural(c.values.get("order_no"))
        found: list[Finding] = []
        if order in settled:
            table = book[c.sheet]
            sheet = SHEET_BY_KEY[c.sheet]
            pays, ships = settled[order]
            order_no = c.values.get("order_no")

            def at(code: str, row: int | None, column: str | None, **params: Any) -> Finding:
                letter = col_letter(table.columns[column]) if column in table.columns and row else None
                return Finding(
                    code,
                    sheet=table.name,
                    row=row,
                    column=letter,
                    field=column,
                    value=order_no,
                    params={"sheet": sheet.zh, "sheet_en": sheet.en, **params},
                    file=file,
                )

            if c.kind == DELETED and c.sheet in DELETE_WATCHED:
                found.append(at("row-deleted", None, "order_no", row_was=c.old_row, payments=pays, shipments=ships))
            elif c.sheet in AMOUNT_WATCHED and c.kind == CHANGED:
                for key, old, new in c.cells:
                    col = sheet.column(key)
                    if col.type in AMOUNT_TYPES:
                        found.append(
                            at(
                                "paid-order-changed",
                                c.row,
                                key,
                                change=f"{sheet.zh}第 {c.row} 行{col.zh} {show(old)} → {show(new)}",
                                change_en=f"{sheet.en} row {c.row}: {col.en} {show(old, 'en')} → {show(new, 'en')}",
                            )
                        )
            elif c.sheet == "order_lines":
                line = f"{c.values.get('sku') or ''} × {show(c.values.get('quantity'))}"
                if c.kind == ADDED:
                    found.append(
                        at(
                            "paid-order-changed",
                            c.row,
                            "quantity",
                            change=f"{sheet.zh}第 {c.row} 行新增明细 {line}",
                            change_en=f"{sheet.en} row {c.row}: line {line} added",
                        )
                    )
                else:
                    found.append(
                        at(
                            "paid-order-changed",
                            None,
                            "quantity",
                            change=f"{sheet.zh}原第 {c.old_row} 行明细 {line} 被删除",
                            change_en=f"{sheet.en} row {c.old_row} (last night): line {line} deleted",
                        )
                    )
        findings.extend(found)
        marked.append(replace(c, codes=tuple(dict.fromkeys(f.code for f in found))) if found else c)
    return marked, findings
