"""The summary as JSON, for other tools and dashboards.

Money is a string with two decimals ("1234.50": exact, and JavaScript's numbers are not);
counts are integers; rates and shares are numbers between 0 and 1 rounded to 4 places; day
averages are numbers rounded to 2 places; dates are "YYYY-MM-DD", times "YYYY-MM-DDTHH:MM:SS";
a figure the data does not have is null. Field names: see the README ("JSON output").
"""

from __future__ import annotations

import json
import os
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..safe_io import atomic_path
from .model import FIELD_KINDS, MonthlySummary

FORMAT_VERSION = 1


def _value(value: Any, kind: str) -> Any:
    if value is None:
        return None
    if kind == "money" or isinstance(value, Decimal):
        return f"{Decimal(value):.2f}"
    if kind in ("rate", "change"):
        return round(float(value), 4)
    if kind == "days":
        return round(float(value), 2)
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _row(row: dict[str, Any]) -> dict[str, Any]:
    return {k: _value(v, FIELD_KINDS.get(k, "text")) for k, v in row.items()}


def summary_dict(summary: MonthlySummary) -> dict[str, Any]:
    m, a = summary.month, summary.ageing
    return {
        "format_version": FORMAT_VERSION,
        "month": str(m),
        "period": {"first": m.first.isoformat(), "last": m.last.isoformat()},
        "as_of": summary.as_of.isoformat(),
        "today": summary.today.isoformat(),
        "company": summary.company,
        "currency": summary.currency,
        "settings": summary.settings.label if summary.settings is not None else None,
        "key_figures": {
            key: {
                "value": _value(f.value, f.kind),
                "previous_month": _value(f.previous, f.kind),
                "change_vs_previous_month": _value(f.change_previous, "change"),
                "same_month_last_year": _value(f.last_year, f.kind),
                "change_vs_last_year": _value(f.change_last_year, "change"),
            }
            for key, f in summary.figures.items()
        },
        **{name: [_row(r) for r in rows] for name, rows in summary.tables.items()},
        "receivables_ageing": {
            "as_of": summary.as_of.isoformat(),
            "buckets": [{"from_days": b.low, "to_days": b.high, "zh": b.zh, "en": b.en} for b in a.buckets],
            "customers": [
                {
                    "customer_id": r.customer_id,
                    "name": r.customer_name,
                    "contact": r.contact,
                    "phone": r.phone,
                    "orders": r.orders,
                    "max_days_past_due": r.max_days,
                    "amounts": [_value(x, "money") for x in r.amounts],
                    "total": _value(r.total, "money"),
                }
                for r in a.rows
            ],
            "totals": [_value(x, "money") for x in a.totals],
            "total": _value(a.grand_total, "money"),
        },
    }


def write_json(summary: MonthlySummary, path: str | os.PathLike[str]) -> Path:
    path = Path(path)
    with atomic_path(path) as tmp:
        tmp.write_text(json.dumps(summary_dict(summary), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path
