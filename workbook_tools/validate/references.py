"""Reference rules: every customer, order and product a row names exists on its own sheet."""

from __future__ import annotations

from collections.abc import Iterator
from operator import methodcaller

from ..findings import Finding
from ..schema import SHEETS
from .context import Context

CODES = ("unknown-customer", "unknown-order", "unknown-sku")
_CODE = {"customers": "unknown-customer", "orders": "unknown-order", "products": "unknown-sku"}


def check(ctx: Context) -> Iterator[Finding]:
    keys = ctx.keys
    for sheet in SHEETS:
        for col in sheet.columns:
            if not col.ref:
                continue
            target_sheet, target_col = col.ref.split(".")
            known = ctx.index(target_sheet, target_col)
            spelled = set(map(methodcaller("get", target_col), ctx.table(target_sheet).rows))
            rows = ctx.table(sheet.key).rows
            values = list(map(methodcaller("get", col.key), rows))
            # set arithmetic first (a name spelled as on its own sheet is known), then the few others
            # through key(): a book names the same order or product on many rows
            unknown = {v for v in set(values).difference(spelled) if v is not None and keys[v] not in known}
            if unknown:
                for i, v in enumerate(values):
                    if v in unknown:
                        yield ctx.at(_CODE[target_sheet], sheet.key, i, col.key, v)
