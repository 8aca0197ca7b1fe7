"""Reference rules: every customer, order and product a row names exists on its own sheet."""

from __future__ import annotations

from collections.abc import Iterator

from ..schema import SHEETS
from .context import Context

CODES = ("unknown-customer", "unknown-order", "unknown-sku")
_CODE = {"customers": "unknown-customer", "orders": "unknown-order", "products": "unknown-sku"}


def check(ctx: Context) -> Iterator:
    for sheet in SHEETS:
        for col in sheet.columns:
            if not col.ref:
                continue
            target_sheet, target_col = col.ref.split(".")
            known = ctx.index(target_sheet, target_col)
            keys = ctx.keys
            for i, row in enumerate(ctx.table(sheet.key).rows):
                v = row.get(col.key)
                if v is not None and keys[v] not in known:
                    yield ctx.at(_CODE[target_sheet], sheet.key, i, col.key, v)
