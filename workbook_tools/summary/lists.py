"""Lists for follow-up: products at or below their reorder point, and problems still open.

- ``low_stock``: products whose stock on hand (derive.py: the book as it stands, every movement
  recorded) is at or below the reorder point — the product's 安全库存, or the config's
  ``low_stock_default`` when blank. Most short first.
- ``unresolved_problems``: status-log rows with a problem (问题) and no resolution (处理措施),
  logged on or before the report's as-of day; ``days_open`` counts from the day logged to that day.
  Oldest first. ``status`` is the order's current status.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ..book import BookData
from ..config import Config
from ..derive import Derived
from .facts import Facts

Row = dict[str, Any]


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def low_stock(data: BookData, derived: Derived, config: Config) -> list[Row]:
    default = config.thresholds.low_stock_default
    rows = []
    for p, on_hand in zip(data["products"], derived["products"]["on_hand"]):
        if _blank(p.get("sku")) or not isinstance(on_hand, int):
            continue
        point = default if p.get("reorder_point") is None else p["reorder_point"]
        if on_hand <= point:
            rows.append(
                {
                    "sku": str(p["sku"]).strip(),
                    "name": (p.get("name") or "").strip(),
                    "on_hand": on_hand,
                    "reorder_point": point,
                    "shortfall": point - on_hand,
                }
            )
    return sorted(rows, key=lambda r: (-r["shortfall"], r["on_hand"], r["sku"]))


def unresolved_problems(data: BookData, facts: Facts, as_of: date) -> list[Row]:
    keys, rows = facts.keys, []
    for e in data["status_log"]:
        issue = e.get("issue")
        if not issue or not _blank(e.get("resolution")) or _blank(issue):
            continue
        ts = e.get("timestamp")
        day = ts.date() if isinstance(ts, datetime) else ts
        if day is not None and day > as_of:
            continue
        _m, _live, _day, _due, ck, cid, status = facts.orders.get(keys[e.get("order_no")], (None,) * 4 + ("",) * 3)
        rows.append(
            {
                "order_no": (str(e.get("order_no") or "")).strip(),
                "customer_id": "" if cid is None else str(cid).strip(),
                "customer_name": facts.customers.get(ck, ("", "", ""))[1],
                "logged_at": ts,
                "status": status,
                "issue": str(e["issue"]).strip(),
                "handled_by": (e.get("handled_by") or "").strip(),
                "days_open": (as_of - day).days if day is not None else None,
            }
        )
    return sorted(rows, key=lambda r: (r["logged_at"] is None, r["logged_at"] or datetime.min, r["order_no"]))
