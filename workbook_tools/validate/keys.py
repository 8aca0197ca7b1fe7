"""Key rules: unique columns hold each value once; customers that look like the same one."""

from __future__ import annotations

from collections.abc import Iterator
from operator import methodcaller

from ..findings import Finding
from ..keys import display, misspelt
from ..schema import SHEETS
from .context import Context, key

CODES = ("duplicate-key", "key-spelling", "possible-duplicate-customer")

#: What ``keys.misspelt`` found, in words: (中文, English).
_WHAT = {
    "spaces": ("前后有空格", "has spaces around it"),
    "full-width": ("含全角字符", "has full-width characters"),
    "both": ("前后有空格且含全角字符", "has spaces around it and full-width characters"),
}


def check(ctx: Context) -> Iterator[Finding]:
    yield from _spelling(ctx)
    for sheet in SHEETS:
        for col in sheet.columns:
            if not col.unique:
                continue
            keys = list(
                filter(None, map(ctx.keys.__getitem__, map(methodcaller("get", col.key), ctx.table(sheet.key).rows)))
            )
            if len(set(keys)) == len(keys):
                continue  # each once (nearly every book): no index of the column needed for it
            for rows in ctx.index(sheet.key, col.key).values():
                for i in rows[1:]:  # the first occurrence is the original; flag each repeat
                    first = ctx.table(sheet.key).cell(rows[0], col.key)
                    yield ctx.at(
                        "duplicate-key", sheet.key, i, col.key, ctx.table(sheet.key).rows[i][col.key], other=first
                    )
    yield from _look_alike_customers(ctx)


def _spelling(ctx: Context) -> Iterator[Finding]:
    """Each key cell the reader found typed with spaces around it or in full-width characters: the
    workbook's MATCH and SUMIFS do not find such a key (keys.py), whatever validation makes of it."""
    for sheet in SHEETS:
        for i, column, typed in ctx.table(sheet.key).spelling:
            zh, en = _WHAT[misspelt(typed) or "spaces"]
            yield ctx.at("key-spelling", sheet.key, i, column, typed, expected=display(typed), what=zh, what_en=en)


def _digits(phone: str | None) -> str:
    d = "".join(ch for ch in phone or "" if ch.isdigit())
    return d[-11:] if len(d) >= 11 else d


def _look_alike_customers(ctx: Context) -> Iterator[Finding]:
    table = ctx.table("customers")
    seen: dict[tuple[str, str], int] = {}
    for i, row in enumerate(table.rows):
        signs = []
        if _digits(row.get("phone")):
            signs.append(("phone", _digits(row.get("phone"))))
        if row.get("name") and row.get("address"):
            signs.append(("name+address", key(row["name"]) + "|" + "".join(key(row["address"]).split())))
        for sign in signs:
            j = seen.setdefault(sign, i)
            if j != i and key(table.rows[j].get("customer_id")) != key(row.get("customer_id")):
                reason = ("电话", "phone") if sign[0] == "phone" else ("名称和地址", "name and address")
                yield ctx.at(
                    "possible-duplicate-customer",
                    "customers",
                    i,
                    "customer_id",
                    row.get("customer_id"),
                    other=table.cell(j, "customer_id"),
                    reason=reason[0],
                    reason_en=reason[1],
                )
                break
