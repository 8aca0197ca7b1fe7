"""The reconciliation workbook (xlsxwriter, written atomically): a summary, then one sheet per check.

Every table has a styled header row, frozen panes, a filter, column widths to fit, and number
formats; money is written as numbers with two decimals, dates as dates. Rows that are error-level
discrepancies are marked red in their first column, warnings yellow. Values are written as values:
no formulas, so every reader shows the same figures without recalculating.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from xlsxwriter import Workbook
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from .. import lang as langs
from ..choices import ORDER_STATUS, PAYMENT_STATUS, choice_lists, label_of
from ..codes import CODES, Severity
from ..outputs import xlsx_workbook
from ..schema import SHEET_BY_KEY
from ..template.printing import page_setup
from ..template.styles import (
    ERROR_FILL,
    ERROR_FONT,
    OPTIONAL_FILL,
    REQUIRED_FILL,
    TEXT_AS_TEXT,
    WARNING_FILL,
    WARNING_FONT,
)
from .collection import CollectionEntry, collection_by_salesperson
from .words import HEADERS, SHEETS, TEXTS, for_record, kind_mark, kind_title, w

if TYPE_CHECKING:
    from ..receivables import Allocation, PaymentAllocation
    from . import Reconciliation
    from .bank import BankResult
    from .payments import PaymentItem
    from .shipments import ShipmentItem
    from .stock import NegativeSpell

_NUM = {"int": "#,##0", "money": "#,##0.00", "date": "yyyy-mm-dd", "pct": "0.0%", "text": "@"}
_BORDER = {"border": 1, "border_color": "#BFBFBF", "valign": "vcenter"}
#: Widths are fitted to at most this many rows of a column.
_FIT_ROWS = 300


#: A row of the Payments or Shipments sheet: what ``_kept`` sorts into action and record.
_Item = TypeVar("_Item", "PaymentItem", "ShipmentItem")


@dataclass(frozen=True)
class Col:
    key: str
    kind: str = "text"


class _Formats:
    def __init__(self, wb: Workbook, company: str = "") -> None:
        #: Printed in every sheet's header.
        self.company = company
        add = wb.add_format
        head = {
            "bold": True,
            "text_wrap": True,
            "align": "center",
            "valign": "vcenter",
            "border": 1,
            "border_color": "#8EA9DB",
            "bg_color": REQUIRED_FILL,
            "font_color": "#FFFFFF",
        }
        self.header = add(head)
        self.cell = {k: add({**_BORDER, "num_format": n}) for k, n in _NUM.items()}
        self.total = {
            k: add({**_BORDER, "num_format": n, "bold": True, "top": 2, "bg_color": OPTIONAL_FILL})
            for k, n in _NUM.items()
        }
        self.group = {k: add({**_BORDER, "num_format": n, "top": 2, "top_color": "#1F4E78"}) for k, n in _NUM.items()}
        self.error = add({**_BORDER, "bg_color": ERROR_FILL, "font_color": ERROR_FONT})
        self.warning = add({**_BORDER, "bg_color": WARNING_FILL, "font_color": WARNING_FONT})
        self.marked = {
            (mark, k): add({**_BORDER, "num_format": n, "bg_color": fill, "font_color": font})
            for mark, fill, font in (("error", ERROR_FILL, ERROR_FONT), ("warning", WARNING_FILL, WARNING_FONT))
            for k, n in _NUM.items()
        }
        self.title = add({"bold": True, "font_size": 16, "font_color": REQUIRED_FILL})
        self.meta = add({"font_color": "#595959"})
        self.section = add({"bold": True, "font_size": 12, "bg_color": OPTIONAL_FILL, "bottom": 1})
        self.label = add({**_BORDER})
        self.ok = add({"bold": True, "font_color": "#375623"})
        self.alert = add({"bold": True, "font_color": ERROR_FONT, "bg_color": ERROR_FILL})


def _display_width(value: Any) -> float:
    if value is None:
        return 0
    if isinstance(value, Decimal):
        return len(f"{value:,.2f}")
    if isinstance(value, (date, datetime)):
        return 10
    s = str(value)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def _put(ws: Worksheet, r: int, c: int, value: Any, kind: str, fmt: Format) -> None:
    if value is None or value == "":
        ws.write_blank(r, c, None, fmt)
    elif kind in ("money", "int", "pct") and isinstance(value, (int, float, Decimal)):
        ws.write_number(r, c, float(value), fmt)
    elif kind == "date" and isinstance(value, (date, datetime)):
        ws.write_datetime(r, c, value, fmt)
    else:
        ws.write_string(r, c, str(value), fmt)


def _table(
    ws: Worksheet,
    f: _Formats,
    lang: str,
    cols: Sequence[Col],
    rows: Iterable[Sequence[Any]],
    *,
    first: int = 0,
    freeze_cols: int = 1,
    marks: Sequence[str | None] | None = None,
    groups: Sequence[bool] | None = None,
    totals: Sequence[Any] | None = None,
    headers: Sequence[str] | None = None,
    more_totals: Sequence[Sequence[Any]] = (),
) -> int:
    """Write a header and ``rows`` from row ``first``; return the next free row.

    ``marks[i]`` ("error"/"warning") colours row i's first cell; ``groups[i]`` draws a line above row i;
    ``totals`` is a bold row under the table (outside the filter), ``more_totals`` bold rows under it.
    """
    names = list(headers) if headers else [w(HEADERS, c.key, lang) for c in cols]
    widths = [max(6.0, _display_width(n) * 0.9 + 2) for n in names]
    ws.set_row(first, 30)
    for c, name in enumerate(names):
        ws.write_string(first, c, name, f.header)
    r = first
    kinds = [c.kind for c in cols]
    plain = [f.cell[k] for k in kinds]
    grouped = [f.group[k] for k in kinds]
    for i, values in enumerate(rows):
        r += 1
        fmts = grouped if groups is not None and groups[i] else plain
        mark = marks[i] if marks is not None else None
        for c, v in enumerate(values):
            fmt = fmts[c]
            if c == 0 and mark:
                fmt = f.marked[(mark, kinds[0])]
            t = type(v)
            if t is str:
                if v:
                    ws.write_string(r, c, v, fmt)
                else:
                    ws.write_blank(r, c, None, fmt)
            elif v is None:
                ws.write_blank(r, c, None, fmt)
            else:
                _put(ws, r, c, v, kinds[c], fmt)
        if i < _FIT_ROWS:
            for c, v in enumerate(values):
                widths[c] = max(widths[c], _display_width(v) + 2)
    last = r
    ws.freeze_panes(first + 1, freeze_cols)
    ws.autofilter(first, 0, max(last, first + 1), len(cols) - 1)
    for row in ([totals] if totals is not None else []) + list(more_totals):
        r += 1
        for c, (col, v) in enumerate(zip(cols, row)):
            _put(ws, r, c, v, col.kind, f.total[col.kind])
    widths = [min(width, 48) for width in widths]
    for c, width in enumerate(widths):
        ws.set_column(c, c, width)
    page_setup(ws, widths, company=f.company, lang=lang, header_rows=first, key_columns=freeze_cols)
    return r + 1


def write_workbook(rec: Reconciliation, path: Path, lang: str = "zh") -> Path:
    with xlsx_workbook(path, "reconcile", TEXT_AS_TEXT) as wb:
        f = _Formats(wb, rec.config.company_name)

        def sheet(key: str) -> Worksheet:
            return wb.add_worksheet(w(SHEETS, key, lang))

        _summary(sheet("summary"), f, rec, lang)
        _stock(sheet("stock"), f, rec, lang)
        _counts(sheet("counts"), f, rec, lang)
        _counts(sheet("counts_detail"), f, rec, lang, detail=True)
        _payments(sheet("payments"), f, rec, lang)
        _payments(sheet("payments_record"), f, rec, lang, record=True)
        if rec.allocation is not None and rec.allocation.payments:
            _allocation(sheet("allocation"), f, rec, rec.allocation, lang)
        _shipments(sheet("shipments"), f, rec, lang)
        _shipments(sheet("shipments_record"), f, rec, lang, record=True)
        _ageing(sheet("ageing"), f, rec, lang)
        _collection(sheet("collection"), f, rec, lang)
        _collection_by_salesperson(sheet("collection_by_salesperson"), f, rec, lang)
        if rec.bank is not None:
            _bank(sheet("bank"), f, rec, rec.bank, lang)
        _findings(sheet("findings"), f, rec, lang)
        wb.set_properties({"title": w(TEXTS, "title", lang), "subject": str(rec.path or "")})
    return path


# --------------------------------------------------------------------------------------------
# Sheets
# --------------------------------------------------------------------------------------------


def _summary(ws: Worksheet, f: _Formats, rec: Reconciliation, lang: str) -> None:
    def t(key: str) -> str:
        return w(TEXTS, key, lang)

    ws.set_column(0, 0, 40)
    ws.set_column(1, 1, 26)
    ws.set_column(2, 2, 10)
    ws.set_column(3, 3, 26)
    page_setup(ws, [40, 26, 10, 26], company=f.company, lang=lang, header_rows=None)
    ws.write_string(0, 0, f"{t('title')} — {rec.config.company_name}", f.title)
    ws.write_string(1, 0, f"{t('book')}: {rec.path.name if rec.path else '—'}", f.meta)
    ws.write_string(
        2,
        0,
        f"{t('as_of')}: {rec.today.isoformat()}" + (rec.settings.after(lang) if rec.settings is not None else ""),
        f.meta,
    )
    r = 4
    errors = rec.validation_errors
    if errors:
        ws.merge_range(3, 0, 3, 3, t("book_errors").format(n=f"{errors:,}"), f.alert)
        r = 5
    s, p, sh = rec.stock, rec.payments, rec.shipments

    def section(title: str, items: list[tuple[str, Any, str]]) -> None:
        nonlocal r
        ws.write_string(r, 0, title, f.section)
        ws.write_blank(r, 1, None, f.section)
        r += 1
        for label, value, kind in items:
            ws.write_string(r, 0, label, f.label)
            _put(ws, r, 1, value, kind, f.cell[kind])
            r += 1
        r += 1

    section(
        t("sec_stock"),
        [
            (t("skus"), len(s.lines), "int"),
            (t("stock_value"), s.value, "money"),
            (t("stocktakes"), len(s.counts), "int"),
            (t("counts_with_variance"), len(s.gains) + len(s.losses), "int"),
            (t("count_gain_units"), s.gross[0], "int"),
            (t("count_loss_units"), s.gross[2], "int"),
            (t("count_net_units"), s.variance_units, "int"),
            (t("count_gain_value"), s.gross[1], "money"),
            (t("count_loss_value"), s.gross[3], "money"),
            (t("count_net_value"), s.variance_value, "money"),
            (t("negative_skus"), len({n.sku for n in s.negatives}), "int"),
            (t("low_skus"), sum(1 for x in s.lines if x.low), "int"),
        ],
    )
    section(
        t("sec_payments"),
        [
            (t("orders"), p.orders, "int"),
            (t("order_total"), p.total, "money"),
            (t("paid_total"), p.paid, "money"),
            (t("outstanding"), p.outstanding, "money"),
            (t("payments"), p.payments, "int"),
            (t("received"), p.received, "money"),
            (t("refunded"), p.refunded, "money"),
            (t("payments_action"), len(_kept(p.items, False)), "int"),
            (t("payments_record_n"), len(_kept(p.items, True)), "int"),
        ]
        + [
            (label_of(PAYMENT_STATUS, k, lang), p.by_status.get(k, 0), "int")
            for k in ("unpaid", "partial", "paid", "overpaid")
        ],
    )
    section(
        t("sec_shipments"),
        [
            (t("shipments"), sh.shipments, "int"),
            (t("shipped_orders"), sh.shipped_orders, "int"),
            (t("on_time"), sh.on_time_rate, "pct"),
            (t("shipments_action"), len(_kept(sh.items, False)), "int"),
            (t("shipments_record_n"), len(_kept(sh.items, True)), "int"),
        ],
    )
    section(
        t("sec_ageing"),
        [
            (t("receivables"), len(rec.receivables), "int"),
            *[(label, total, "money") for label, total in zip(rec.ageing.labels(lang), rec.ageing.totals)],
            (w(HEADERS, "sum", lang), rec.ageing.grand_total, "money"),
            (t("overdue_total"), rec.ageing.overdue_total, "money"),
            (t("collect_customers"), len(rec.collection), "int"),
        ],
    )
    if rec.bank is not None:
        b, st = rec.bank, rec.bank.statement
        period = f"{st.first} – {st.last}" if st.first else "—"
        section(
            t("sec_bank"),
            [
                (t("statement"), st.name, "text"),
                (t("encoding"), st.encoding_label, "text"),
                (t("bank_period"), period, "text"),
                (t("bank_lines"), len(st.lines), "int"),
                (t("skipped"), st.skipped, "int"),
                (t("bank_credits"), b.credits, "money"),
                (t("bank_matched"), b.matched_credits, "money"),
                *[
                    (kind_title(how, lang), b.count(how), "int")
                    for how in ("reference", "amount_date_name", "amount_date_order")
                ],
                (kind_title("bank-line-unmatched", lang), len(b.unmatched_lines), "int"),
                (kind_title("outgoing", lang), len(b.outgoing_lines), "int"),
                (kind_title("payment-not-in-bank", lang), len(b.unmatched_payments), "int"),
            ],
        )

    ws.write_string(r, 0, t("sec_findings"), f.section)
    for c in range(1, 5):
        ws.write_blank(r, c, None, f.section)
    r += 1
    counts = Counter(x.code for x in rec.findings)
    if not counts:
        ws.write_string(r, 0, t("none"), f.ok)
        return
    for c, key in enumerate(("title", "count", "severity", "code")):
        ws.write_string(r, c, w(HEADERS, key, lang) if key != "count" else t("count"), f.header)
    order = sorted(counts, key=lambda code: (CODES[code].severity is not Severity.ERROR, -counts[code], code))
    for code in order:
        r += 1
        rule = CODES[code]
        sev = f.error if rule.severity is Severity.ERROR else f.warning
        ws.write_string(r, 0, rule.title(lang), sev)
        ws.write_number(r, 1, counts[code], f.cell["int"])
        ws.write_string(r, 2, t(rule.severity.value), f.label)
        ws.write_string(r, 3, code, f.label)


def _stock(ws: Worksheet, f: _Formats, rec: Reconciliation, lang: str) -> None:
    cols = [
        Col("sku"),
        Col("product"),
        Col("unit"),
        Col("list_price", "money"),
        Col("opening", "int"),
        Col("receipts", "int"),
        Col("returns", "int"),
        Col("adjustments", "int"),
        Col("shipped", "int"),
        Col("corrections", "int"),
        Col("closing", "int"),
        Col("stock_value", "money"),
        Col("reorder_point", "int"),
        Col("low"),
        Col("last_count", "date"),
        Col("negative_on"),
        Col("lowest", "int"),
    ]
    spells: dict[int, list[NegativeSpell]] = {}
    for n in rec.stock.negatives:
        spells.setdefault(n.index, []).append(n)
    yes = w(TEXTS, "yes", lang)
    rows: list[tuple[Any, ...]] = []
    marks: list[str | None] = []
    for s in rec.stock.lines:
        neg = spells.get(s.index, [])
        rows.append(
            (
                s.sku,
                s.name,
                s.unit,
                s.list_price,
                s.opening,
                s.receipts,
                s.returns,
                s.adjustments,
                s.shipped,
                s.count_corrections,
                s.closing,
                s.value,
                s.reorder_point,
                yes if s.low else None,
                s.last_count,
                "、".join(n.date.isoformat() for n in neg) if neg else None,
                min(n.lowest for n in neg) if neg else None,
            )
        )
        marks.append("error" if neg else "warning" if s.low else None)
    totals = (
        [w(TEXTS, "total_row", lang), None, None, None]
        + [sum(r[k] for r in rows) for k in range(4, 11)]
        + [sum((r[11] for r in rows), Decimal(0)), None, None, None, None, None]
    )
    _table(ws, f, lang, cols, rows, marks=marks, totals=totals, freeze_cols=2)


def _counts(ws: Worksheet, f: _Formats, rec: Reconciliation, lang: str, *, detail: bool = False) -> None:
    """The counts that found a variance, with found-over, found-short and net totals; ``detail``: every
    count, the ones that matched too."""
    cols = [
        Col("count_date", "date"),
        Col("sku"),
        Col("product"),
        Col("book", "int"),
        Col("counted", "int"),
        Col("variance", "int"),
        Col("list_price", "money"),
        Col("variance_value", "money"),
        Col("cell"),
    ]
    prices = {s.sku: s.list_price for s in rec.stock.lines}
    counts = sorted(rec.stock.counts if detail else rec.stock.gains + rec.stock.losses, key=lambda c: (c.date, c.sku))
    rows = [(c.date, c.sku, c.name, c.book, c.counted, c.variance, prices.get(c.sku), c.value, c.cell) for c in counts]
    marks = ["warning" if c.variance else None for c in counts]
    gain_units, gain_value, loss_units, loss_value = rec.stock.gross

    def t(key: str) -> str:
        return w(TEXTS, key, lang)

    totals = [t("gain_row"), None, None, None, None, gain_units, None, gain_value, None]
    more = [
        [t("loss_row"), None, None, None, None, loss_units, None, loss_value, None],
        [t("net_row"), None, None, None, None, rec.stock.variance_units, None, rec.stock.variance_value, None],
    ]
    end = _table(ws, f, lang, cols, rows, marks=marks, totals=totals, more_totals=more, freeze_cols=3)
    if not detail:
        ws.write_string(end + 1, 0, t("all_counts").format(sheet=w(SHEETS, "counts_detail", lang)), f.meta)


def _status(value: str, lang: str) -> str:
    return label_of(ORDER_STATUS, value, lang) if value else ""


def _kept(items: Sequence[_Item], record: bool) -> list[_Item]:
    """The items for the record (``record``), or those that need action."""
    return [i for i in items if for_record(i.kind) == record]


def _payments(ws: Worksheet, f: _Formats, rec: Reconciliation, lang: str, *, record: bool = False) -> None:
    """The payment items that need action, or (``record``) those kept for the record."""
    cols = [
        Col("kind"),
        Col("order_no"),
        Col("customer"),
        Col("status"),
        Col("total", "money"),
        Col("paid", "money"),
        Col("balance", "money"),
        Col("payment_status"),
        Col("due_date", "date"),
        Col("days_past_due", "int"),
        Col("paid_on", "date"),
        Col("method"),
        Col("amount", "money"),
        Col("reference"),
        Col("cell"),
        Col("other"),
    ]
    methods = choice_lists(rec.config)["payment_method"]
    items = _kept(rec.payments.items, record)
    rows = [
        (
            kind_title(i.kind, lang),
            i.order_no,
            i.customer_name,
            _status(i.status, lang),
            i.total,
            i.paid,
            i.balance,
            label_of(PAYMENT_STATUS, i.payment_status, lang) if i.payment_status else "",
            i.due_date,
            i.days_past_due,
            i.paid_on,
            label_of(methods, i.method, lang) if i.method else "",
            i.amount,
            i.reference,
            i.cell,
            i.other,
        )
        for i in items
    ]
    end = _table(ws, f, lang, cols, rows, marks=[kind_mark(i.kind) for i in items], freeze_cols=2)
    if not items and not record:
        ws.write_string(end, 0, w(TEXTS, "nothing_to_do", lang), f.ok)


def _shipments(ws: Worksheet, f: _Formats, rec: Reconciliation, lang: str, *, record: bool = False) -> None:
    """The shipment items that need action, or (``record``) those kept for the record."""
    cols = [
        Col("kind"),
        Col("order_no"),
        Col("customer"),
        Col("status"),
        Col("order_date", "date"),
        Col("due_date", "date"),
        Col("first_ship", "date"),
        Col("days_late", "int"),
        Col("sku"),
        Col("ordered", "int"),
        Col("shipped_qty", "int"),
        Col("cell"),
    ]
    items = _kept(rec.shipments.items, record)
    rows = [
        (
            kind_title(i.kind, lang),
            i.order_no,
            i.customer_name,
            _status(i.status, lang),
            i.order_date,
            i.due_date,
            i.first_ship,
            i.days_late,
            i.sku,
            i.ordered,
            i.shipped,
            i.cell,
        )
        for i in items
    ]
    end = _table(ws, f, lang, cols, rows, marks=[kind_mark(i.kind) for i in items], freeze_cols=2)
    if not items and not record:
        ws.write_string(end, 0, w(TEXTS, "nothing_to_do", lang), f.ok)


def _ageing(ws: Worksheet, f: _Formats, rec: Reconciliation, lang: str) -> None:
    table = rec.ageing
    labels = table.labels(lang)
    cols = [
        Col("customer_id"),
        Col("customer"),
        Col("contact"),
        Col("phone"),
        Col("orders", "int"),
        *[Col("sum", "money") for _ in labels],
        Col("sum", "money"),
        Col("credit_on_account", "money"),
        Col("net_owed", "money"),
    ]
    headers = (
        [w(HEADERS, c.key, lang) for c in cols[:5]]
        + labels
        + [w(HEADERS, k, lang) for k in ("sum", "credit_on_account", "net_owed")]
    )
    rows = [
        (r.customer_id, r.customer_name, r.contact, r.phone, r.orders, *r.amounts, r.total, r.credit, r.net)
        for r in table.rows
    ]
    marks = ["warning" if any(r.amounts[1:]) else None for r in table.rows]
    totals = [
        w(TEXTS, "total_row", lang),
        None,
        None,
        None,
        sum(r.orders for r in table.rows),
        *table.totals,
        table.grand_total,
        table.credit_total,
        table.net_total,
    ]
    _table(ws, f, lang, cols, rows, headers=headers, marks=marks, totals=totals, freeze_cols=2)


#: The 催收清单's columns (the list per salesperson leaves out the last, the salesperson).
_COLLECTION = [
    Col("rank", "int"),
    Col("customer_id"),
    Col("customer"),
    Col("contact"),
    Col("phone"),
    Col("overdue", "money"),
    Col("owed", "money"),
    Col("oldest_due", "date"),
    Col("max_days", "int"),
    Col("bucket"),
    Col("order_no"),
    Col("order_date", "date"),
    Col("pay_due", "date"),
    Col("days_past_due", "int"),
    Col("balance", "money"),
    Col("status"),
    Col("terms"),
    Col("salesperson"),
]


def _collection_rows(
    entries: Sequence[CollectionEntry], rec: Reconciliation, lang: str
) -> tuple[list[tuple[Any, ...]], list[bool], list[Any]]:
    """The rows of a collection list (a row per overdue order, the customer's figures on each), a line
    above each customer after the first, and the total row."""
    labels = rec.ageing.labels(lang)
    terms = choice_lists(rec.config)["payment_terms"]
    rows: list[tuple[Any, ...]] = []
    groups: list[bool] = []
    for e in entries:
        for n, o in enumerate(e.orders):
            rows.append(
                (
                    e.rank,
                    e.customer_id,
                    e.customer_name,
                    e.contact,
                    e.phone,
                    e.overdue,
                    e.owed,
                    e.oldest_due,
                    e.max_days,
                    labels[e.bucket],
                    o.order_no,
                    o.order_date,
                    o.due_date,
                    o.days_past_due,
                    o.balance,
                    _status(o.status, lang) if o.status else "",
                    label_of(terms, o.terms, lang) if o.terms else "",
                    o.salesperson,
                )
            )
            groups.append(n == 0 and e.rank > 1)
    totals = [
        w(TEXTS, "total_row", lang),
        None,
        None,
        None,
        None,
        sum((e.overdue for e in entries), Decimal(0)),
        sum((e.owed for e in entries), Decimal(0)),
        None,
        None,
        None,
        None,
        None,
        None,
        None,
        sum((r[14] for r in rows), Decimal(0)),
        None,
        None,
        None,
    ]
    return rows, groups, totals


def _collection(ws: Worksheet, f: _Formats, rec: Reconciliation, lang: str) -> None:
    rows, groups, totals = _collection_rows(rec.collection, rec, lang)
    _table(ws, f, lang, _COLLECTION, rows, groups=groups, totals=totals, freeze_cols=3)


def _collection_by_salesperson(ws: Worksheet, f: _Formats, rec: Reconciliation, lang: str) -> None:
    """The 催收清单 of each salesperson (the orders they sold), one after the other, each starting a
    printed page (a manual page break above its title row) with a title row naming the salesperson,
    its header and its total: printed, each salesperson gets their own pages. No filter or frozen
    panes: the blocks are for paper (催收清单 is the list to sort and filter)."""
    cols = _COLLECTION[:-1]
    names = [w(HEADERS, c.key, lang) for c in cols]
    widths = [max(6.0, _display_width(n) * 0.9 + 2) for n in names]
    r, breaks = 0, list[int]()
    for person, entries in collection_by_salesperson(rec.receivables, rec.config.thresholds.ageing_buckets).items():
        rows, groups, totals = _collection_rows(entries, rec, lang)
        if r:
            breaks.append(r)  # the page breaks above this row
        overdue = sum((e.overdue for e in entries), Decimal(0))
        title = w(TEXTS, "salesperson_block", lang).format(
            name=person or w(TEXTS, "no_salesperson", lang), customers=len(entries), overdue=f"{overdue:,.2f}"
        )
        ws.write_string(r, 0, title, f.section)
        for c in range(1, len(cols)):
            ws.write_blank(r, c, None, f.section)
        ws.set_row(r + 1, 30)
        for c, name in enumerate(names):
            ws.write_string(r + 1, c, name, f.header)
        r += 2
        for i, values in enumerate(rows):
            fmts = f.group if groups[i] else f.cell
            for c, (col, v) in enumerate(zip(cols, values)):
                _put(ws, r, c, v, col.kind, fmts[col.kind])
                if i < _FIT_ROWS:
                    widths[c] = max(widths[c], _display_width(v) + 2)
            r += 1
        for c, (col, v) in enumerate(zip(cols, totals)):
            _put(ws, r, c, v, col.kind, f.total[col.kind])
        r += 2
    widths = [min(width, 48) for width in widths]
    for c, width in enumerate(widths):
        ws.set_column(c, c, width)
    page_setup(ws, widths, company=f.company, lang=lang, header_rows=None, key_columns=3)
    ws.set_h_pagebreaks(breaks)


def _allocation(ws: Worksheet, f: _Formats, rec: Reconciliation, alloc: Allocation, lang: str) -> None:
    """收款核销: each payment on account (by customer, oldest first), the orders it paid in 核销顺序
    and how much (receivables.allocate), what it left on account, and the customer's credit (预收款)
    after all of its payments; the payment's own figures on its first row, so the columns add up."""
    cols = [
        Col("customer_id"),
        Col("customer"),
        Col("paid_on", "date"),
        Col("amount", "money"),
        Col("method"),
        Col("reference"),
        Col("notes"),
        Col("payment_cell"),
        Col("order_paid"),
        Col("order_date", "date"),
        Col("pay_due", "date"),
        Col("allocated", "money"),
        Col("balance", "money"),
        Col("left_on_account", "money"),
        Col("customer_credit", "money"),
    ]
    schema = {
        "notes": SHEET_BY_KEY["payments"].column("notes"),
        "allocated": SHEET_BY_KEY["orders"].column("allocated"),
    }
    headers = [langs.label(schema[c.key], lang) if c.key in schema else w(HEADERS, c.key, lang) for c in cols]
    pays, orders = rec.book["payments"], rec.book["orders"]
    methods = choice_lists(rec.config)["payment_method"]
    names: dict[str, str] = {}
    for c in rec.book["customers"].rows:
        names.setdefault(str(c.get("customer_id") or "").strip().casefold(), str(c.get("name") or ""))

    def key(p: PaymentAllocation) -> str:
        return str(p.customer_id).strip().casefold()

    rows: list[tuple[Any, ...]] = []
    groups: list[bool] = []
    for p in sorted(alloc.payments, key=lambda p: (key(p), p.paid_on or date.min, p.index)):
        row = pays.rows[p.index]
        method = row.get("method") or ""
        paid = (
            p.customer_id,
            names.get(key(p), ""),
            p.paid_on,
            p.amount,
            label_of(methods, method, lang) if method else "",
            row.get("reference"),
            row.get("notes"),
            pays.cell(p.index, "amount"),
        )
        for n, share in enumerate(p.shares or [None]):
            order: tuple[Any, ...]
            if share is None:
                order = (None, None, None, None, None)
            else:
                i = share.order_index
                due, balance = rec.order_due[i], rec.order_balance[i]
                order = (
                    share.order_no,
                    orders.rows[i].get("order_date"),
                    due or None,
                    share.amount,
                    balance if balance != "" else None,
                )
            first = n == 0
            rows.append(
                (
                    *paid[:3],
                    paid[3] if first else None,
                    *paid[4:],
                    *order,
                    p.unallocated if first else None,
                    alloc.credit_of(p.customer_id),
                )
            )
            groups.append(first and bool(rows[:-1]))
    shown = {key(p) for p in alloc.payments}
    totals = [
        w(TEXTS, "total_row", lang),
        None,
        None,
        sum((p.amount for p in alloc.payments), Decimal(0)),
        None,
        None,
        None,
        None,
        None,
        None,
        None,
        sum((s.amount for p in alloc.payments for s in p.shares), Decimal(0)),
        None,
        sum((p.unallocated for p in alloc.payments), Decimal(0)),
        sum((v for k, v in alloc.credit.items() if k in shown), Decimal(0)),
    ]
    _table(ws, f, lang, cols, rows, headers=headers, groups=groups, totals=totals, freeze_cols=2)


def _bank(ws: Worksheet, f: _Formats, rec: Reconciliation, b: BankResult, lang: str) -> None:
    cols = [
        Col("result"),
        Col("line", "int"),
        Col("bank_date", "date"),
        Col("credit", "money"),
        Col("debit", "money"),
        Col("payer"),
        Col("memo"),
        Col("reference"),
        Col("order_no"),
        Col("paid_on", "date"),
        Col("amount", "money"),
        Col("method"),
        Col("days_apart", "int"),
        Col("payment_cell"),
    ]
    pays = rec.book["payments"]
    methods = choice_lists(rec.config)["payment_method"]
    matched = {m.line.line: m for m in b.matches}
    unmatched = {ln.line for ln in b.unmatched_lines}
    rows: list[tuple[Any, ...]] = []
    marks: list[str | None] = []

    def payment_part(j: int) -> tuple[Any, Any, Any, str, None, str]:
        p = pays.rows[j]
        return (
            p.get("order_no"),
            p.get("paid_on"),
            p.get("amount"),
            label_of(methods, p.get("method") or "", lang),
            None,
            pays.cell(j, "amount"),
        )

    # what needs a look first (credits without payment, then outgoing lines), then the matches, in file order
    rank = {ln.line: (0 if ln.line in unmatched else 2 if ln.line in matched else 1) for ln in b.statement.lines}
    for ln in sorted(b.statement.lines, key=lambda ln: (rank[ln.line], ln.line)):
        bank_part = (ln.line, ln.date, ln.credit or None, ln.debit or None, ln.payer, ln.memo, ln.reference)
        if ln.line in matched:
            m = matched[ln.line]
            order_no, paid_on, amount, method, _, cell = payment_part(m.payment)
            rows.append((kind_title(m.how, lang), *bank_part, order_no, paid_on, amount, method, m.days, cell))
            marks.append(None)
        else:
            kind = "bank-line-unmatched" if ln.line in unmatched else "outgoing" if ln.debit > 0 else "no_amount"
            rows.append((kind_title(kind, lang), *bank_part, None, None, None, None, None, None))
            marks.append(kind_mark(kind))
    missing = [
        (kind_title("payment-not-in-bank", lang), None, None, None, None, None, None, None, *payment_part(j))
        for j in b.unmatched_payments
    ]
    at = sum(1 for v in rank.values() if v == 0)  # payments not on the statement go after the unmatched credits
    rows[at:at] = missing
    marks[at:at] = [kind_mark("payment-not-in-bank")] * len(missing)
    _table(ws, f, lang, cols, rows, marks=marks, freeze_cols=1)


def _findings(ws: Worksheet, f: _Formats, rec: Reconciliation, lang: str) -> None:
    cols = [Col("severity"), Col("title"), Col("cell"), Col("value"), Col("message"), Col("hint"), Col("code")]
    found = sorted(rec.findings, key=lambda x: x.severity is not Severity.ERROR)
    rows: list[tuple[str, ...]] = []
    for x in found:
        c = CODES[x.code]
        value = x.value.isoformat() if isinstance(x.value, (date, datetime)) else x.value
        rows.append(
            (
                w(TEXTS, x.severity.value, lang),
                c.title(lang),
                x.cell or "",
                "" if value is None else str(value),
                x.message(lang),
                x.hint(lang),
                x.code,
            )
        )
    _table(ws, f, lang, cols, rows, marks=[x.severity.value for x in found], freeze_cols=1)
