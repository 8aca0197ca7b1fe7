"""Row-level rules: each value on its own — present, of the right type, format, range and list."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from functools import partial
from itertools import compress, repeat
from operator import is_, is_not
from typing import Any

from .. import ids
from ..book import Table
from ..config import Patterns
from ..findings import Finding
from ..hints import example_words, pattern_example, tracking_example
from ..patterns import compile_pattern
from ..schema import SHEETS, Column, T
from .context import Context

CODES = (
    "required-missing",
    "wrong-type",
    "lost-digits",
    "bad-format",
    "tracking-format",
    "out-of-range",
    "not-in-list",
)

#: How the reader's problem reasons map to finding codes.
_PROBLEM_CODES = {"lost-digits": "lost-digits"}

_EXPECTED = {
    T.INT: ("整数", "a whole number"),
    T.MONEY: ("金额", "an amount"),
    T.PERCENT: ("百分比", "a percentage"),
    T.DATE: ("日期", "a date"),
    T.DATETIME: ("日期时间", "a date and time"),
    T.TEXT: ("文本", "text"),
    T.ID: ("文本编号", "a text ID"),
    T.PHONE: ("电话号码", "a phone number"),
    T.EMAIL: ("邮箱", "an email"),
    T.TAX_ID: ("统一社会信用代码", "a tax ID"),
    T.CHOICE: ("选项", "a choice"),
}


#: A format check: (predicate, expected zh, expected en, example or None).
FormatCheck = tuple[Callable[[str], bool], str, str, str | None]
#: Record index -> whether the column's value is required there.
Needed = Callable[[int], bool]


#: Each pattern of the settings (``config.Patterns``) -> the schema's columns it checks, as
#: ``sheet.column``: derived from the schema's ``Column.pattern``, so every column that names a
#: pattern is checked against it (tests/test_patterns.py: the names agree both ways).
PATTERN_COLUMNS: dict[str, tuple[str, ...]] = {
    name: tuple(f"{s.key}.{c.key}" for s in SHEETS for c in s.inputs if c.pattern == name)
    for name in dict.fromkeys(c.pattern for s in SHEETS for c in s.inputs if c.pattern)
}


def _format_checks(ctx: Context) -> dict[str, FormatCheck]:
    """Column type / pattern name -> (predicate, expected zh, expected en, example or None). Every pattern of the
    settings (``Patterns``: the one list of names) is a check here; columns name theirs in the schema."""
    patterns = ctx.config.patterns
    out: dict[str, FormatCheck] = {
        T.PHONE: (
            ids.is_valid_phone,
            "手机 11 位或带区号的座机",
            "an 11-digit mobile or a landline with area code",
            None,
        ),
        T.EMAIL: (ids.is_valid_email, "例如 name@example.com", "e.g. name@example.com", None),
        T.TAX_ID: (
            ids.is_valid_uscc,
            "18 位统一社会信用代码，校验位正确",
            "18 characters with a valid check character",
            None,
        ),
    }
    for name in Patterns.model_fields:
        rx = compile_pattern(getattr(patterns, name))  # linear time (RE2): no pattern can hang the run
        example = pattern_example(name, rx.pattern)  # clerks see an example, never the pattern
        out[name] = (rx.search, *example_words(example, f"patterns.{name}"), example)
    return out


def check(ctx: Context) -> Iterator[Finding]:
    for sheet in SHEETS:
        yield from check_table(ctx, ctx.table(sheet.key))


def check_table(ctx: Context, table: Table) -> Iterator[Finding]:
    """The row rules of one sheet: they need no other sheet, so they run as each sheet is read."""
    formats = _format_checks(ctx)
    sheet = table.sheet
    problem_at = {(i, k): (raw, reason) for i, k, raw, reason in table.problems}
    for col in sheet.inputs:
        # one pass per concern over the column's values, each only where it applies: a million
        # rows pass through here on a 100,000-order book
        k = col.key
        values = table.by_column.get(k)  # as the reader typed it, while the sheet is being read
        if values is None:
            values = [row.get(k) for row in table.rows]
        if None in values:
            needed = REQUIRED_IF[col.required_if](ctx, table) if col.required_if else None
            yield from _blanks(ctx, sheet.key, col, values, problem_at, needed)
        if col.choices and col.strict:
            choices = {c.value for c in ctx.lists[col.choices]}
            for i in [i for i, v in enumerate(values) if v is not None and v not in choices]:
                yield ctx.at("not-in-list", sheet.key, i, k, values[i])
        # a column's pattern is always checked: a name the settings lack is a bug, never a check turned off
        fmt = formats[col.pattern] if col.pattern else formats.get(col.type)
        if fmt is not None or col.max_len is not None:
            yield from _texts(ctx, sheet.key, col, values, fmt)
        if col.min is not None or col.max is not None or col.nonzero:
            yield from _numbers(ctx, sheet.key, col, values)
    if sheet.key == "shipments":
        carriers = {c.name: c for c in ctx.config.lists.carriers}
        for i, row in enumerate(table.rows):
            carrier, no = carriers.get(row.get("carrier") or ""), row.get("tracking_no")
            if carrier and carrier.tracking and no and not ids.tracking_matches(carrier, no):
                example = tracking_example(carrier)
                yield ctx.at(
                    "tracking-format",
                    sheet.key,
                    i,
                    "tracking_no",
                    no,
                    expected=f"{carrier.name}（{example_words(example, 'lists.carriers')[0]}）",
                    expected_en=f"{carrier.en} ({example_words(example, 'lists.carriers')[1]})",
                    example=example,
                    carrier=carrier.name,
                    carrier_en=carrier.en,
                )


def _carrier_needs_tracking(ctx: Context, table: Table) -> Needed:
    """物流单号 is required unless the row's carrier is one the settings mark ``needs_tracking = false``
    (送货上门, 自提, 物流专线 …). A blank or unknown carrier is reported on its own cell, and its
    tracking number stays required."""
    exempt = {c.name for c in ctx.config.lists.carriers if not c.needs_tracking}
    rows = table.rows
    return lambda i: rows[i].get("carrier") not in exempt


def _payment_without_customer(ctx: Context, table: Table) -> Needed:
    """A payment's 订单编号 is required unless the row names a customer (a payment on account)."""
    rows = table.rows
    return lambda i: rows[i].get("customer_id") in (None, "")


#: The conditions a column can be required on (schema ``Column.required_if``): name ->
#: f(ctx, table) -> (record index -> whether the value is required there).
REQUIRED_IF: dict[str, Callable[[Context, Table], Needed]] = {
    "carrier_needs_tracking": _carrier_needs_tracking,
    "payment_without_customer": _payment_without_customer,
}


def _blanks(
    ctx: Context,
    sheet: str,
    col: Column,
    values: list[Any],
    problem_at: dict[tuple[int, str], tuple[Any, str]],
    needed: Needed | None = None,
) -> Iterator[Finding]:
    k = col.key
    if col.required or needed is not None:
        blank: Iterable[int] = compress(range(len(values)), map(is_, values, repeat(None)))  # (in C)
    else:  # an optional column: only its cells that could not be read (None in ``values`` too)
        blank = sorted(i for i, key in problem_at if key == k)
    for i in blank:
        if (i, k) in problem_at:
            raw, reason = problem_at[(i, k)]
            zh, en = _EXPECTED[col.type]
            yield ctx.at(_PROBLEM_CODES.get(reason, "wrong-type"), sheet, i, k, raw, expected=zh, expected_en=en)
        elif col.required or (needed is not None and needed(i)):
            yield ctx.at("required-missing", sheet, i, k)


def _texts(ctx: Context, sheet: str, col: Column, values: list[Any], fmt: FormatCheck | None) -> Iterator[Finding]:
    limit = col.max_len
    for i, v in enumerate(values):
        if v.__class__ is not str:
            continue
        if fmt is not None and not fmt[0](v):
            yield ctx.at("bad-format", sheet, i, col.key, v, expected=fmt[1], expected_en=fmt[2], example=fmt[3])
        elif limit is not None and len(v) > limit:
            yield ctx.at(
                "bad-format",
                sheet,
                i,
                col.key,
                v,
                expected=f"最多 {limit} 个字符",
                expected_en=f"at most {limit} characters",
                limit=limit,
            )


def _within(col: Column, values: list[Any]) -> bool:
    """Whether every number of ``values`` is in ``col``'s range, told in C (a large book has a million
    quantities and prices); False when some value is no int or Decimal (the careful loop then looks)."""
    present = list(filter(partial(is_not, None), values))
    if not present:
        return True
    if not set(map(type, present)) <= {int, Decimal}:
        return False
    return (
        (col.min is None or min(present) >= col.min)
        and (col.max is None or max(present) <= col.max)
        and not (col.nonzero and 0 in present)
    )


def _numbers(ctx: Context, sheet: str, col: Column, values: list[Any]) -> Iterator[Finding]:
    if _within(col, values):
        return
    for i, v in enumerate(values):
        if v is None or v.__class__ is bool or not isinstance(v, (int, Decimal)):
            continue
        if col.min is not None and v < col.min:
            yield ctx.at("out-of-range", sheet, i, col.key, v, expected=f"≥ {col.min:g}", expected_en=f"≥ {col.min:g}")
        elif col.max is not None and v > col.max:
            yield ctx.at("out-of-range", sheet, i, col.key, v, expected=f"≤ {col.max:g}", expected_en=f"≤ {col.max:g}")
        elif col.nonzero and v == 0:
            yield ctx.at("out-of-range", sheet, i, col.key, v, expected="≠ 0", expected_en="≠ 0")
