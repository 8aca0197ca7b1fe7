"""Reference rules: every customer, order and product a row names exists on its own sheet."""

from __future__ import annotations

from collections.abc import Iterator
from operator import methodcaller
from typing import Any

from ..findings import Finding
from ..schema import SHEETS
from .context import Context

CODES = ("unknown-customer", "unknown-order", "unknown-sku")
_CODE = {"customers": "unknown-customer", "orders": "unknown-order", "products": "unknown-sku"}


def check(ctx: Context) -> Iterator[Finding]:
    keys = ctx.keys
    spelled_as: dict[str, set[Any]] = {}  # per target: its values as spelled there, and blank
    for sheet in SHEETS:
        for col in sheet.columns:
            if not col.ref:
                continue
            target_sheet, target_col = col.ref.split(".")
            spelled = spelled_as.get(col.ref)
            if spelled is None:
                spelled = spelled_as[col.ref] = {
                    None,
                    *map(methodcaller("get", target_col), ctx.table(target_sheet).rows),
                }
            rows = ctx.table(sheet.key).rows
            if spelled.issuperset(map(methodcaller("get", col.key), rows)):
                continue  # every row names one as spelled on its own sheet, or none (nearly every book)
            known = ctx.index(target_sheet, target_col)
            values = list(map(methodcaller("get", col.key), rows))
            # set arithmetic first (a name spelled as on its own sheet is known), then the few others
            # through key(): a book names the same order or product on many rows
            unknown = {v for v in set(values).difference(spelled) if v is not None and keys[v] not in known}
            if unknown:
                for i, v in enumerate(values):
                    if v in unknown:
                        yield ctx.at(_CODE[target_sheet], sheet.key, i, col.key, v)
