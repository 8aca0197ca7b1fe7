"""A statement as a printable workbook: one sheet, A4 portrait, the table's width on the page, the
company and customer in the page header, "page x of y" in the footer.

Top to bottom: company and title; period, statement date, currency; the customer; payment terms;
the month's lines between the opening and the closing balance; the orders still open and the
customer's credits (their total is the closing balance); the ageing; where to pay; the request to
check; the two seals (ours, and the customer's confirmation: 客户确认签章 / 日期).
"""

from __future__ import annotations

import math
import os
import re
import unicodedata
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from ..choices import choice_lists, label_of
from ..config import Config
from ..lang import COLON, COMMA, LANGS, say
from ..names import output_name
from ..outputs import xlsx_workbook
from ..template.styles import TEXT_AS_TEXT
from .model import Statement
from .texts import day_text, goods_summary, header, money_text, w

if TYPE_CHECKING:
    from xlsxwriter import Workbook
    from xlsxwriter.format import Format
    from xlsxwriter.worksheet import Worksheet

#: Column widths A–H: date, number, description (wide), three amounts, due date, days / notes.
WIDTHS = (14, 15, 26, 12.5, 12.5, 12.5, 12, 9)
LAST = len(WIDTHS) - 1
#: Written into the workbook's keywords: LibreOffice carries them into the PDF, where pdf.py finds them.
KEYWORD = "orderbook:statement"


class _Formats:
    def __init__(self, wb: Workbook) -> None:
        add = wb.add_format
        line = {"border": 1, "border_color": "#BFBFBF", "valign": "vcenter"}
        self.company = add({"bold": True, "font_size": 16, "align": "center", "valign": "vcenter"})
        self.title = add({"bold": True, "font_size": 14, "align": "center", "valign": "vcenter"})
        self.centre = add({"align": "center"})
        self.label = add({"bold": True, "valign": "top"})
        self.value = add({"text_wrap": True, "valign": "top"})
        self.section = add({"bold": True, "font_size": 11, "bottom": 1})
        self.head = add({**line, "bold": True, "bg_color": "#DDEBF7", "align": "center", "text_wrap": True})
        self.text = add({**line, "text_wrap": True})
        self.date = add({**line, "num_format": "yyyy-mm-dd", "align": "center"})
        self.money = add({**line, "num_format": "#,##0.00;-#,##0.00"})
        self.int = add({**line, "num_format": "0"})
        self.bold_text = add({**line, "bold": True})
        self.bold_money = add({**line, "bold": True, "num_format": "#,##0.00;-#,##0.00"})
        self.total_text = add({**line, "bold": True, "top": 2})
        self.total_money = add({**line, "bold": True, "top": 2, "num_format": "#,##0.00;-#,##0.00"})
        self.plain = add({"text_wrap": True, "valign": "top"})
        self.note = add({**line, "text_wrap": True, "font_size": 8})
        self.detail = add({**line, "text_wrap": True, "font_color": "#595959"})
        self.small = add({"text_wrap": True, "valign": "top", "font_size": 9, "font_color": "#595959"})


def file_name(book: str | os.PathLike[str], st: Statement, n: int = 1) -> str:
    """``<book>.statement-2026-10-C0001.xlsx`` (names.py: the book's outputs by kind, then month, then
    customer; ``-2`` … after the customer when ``n`` > 1); characters a file name cannot hold become ``_``."""
    cid = re.sub(r'[\\/:*?"<>|\x00-\x1f]', "_", st.customer.customer_id.strip()) or "_"
    return output_name(book, "statement", f"{st.month}-{cid}" + (f"-{n}" if n > 1 else ""))


def write_statement(
    st: Statement, path: str | os.PathLike[str], lang: str = "zh", *, config: Config | None = None
) -> Path:
    """Write ``st`` as a workbook at ``path`` (atomically, tagged ``statement``) and return the path."""
    if lang not in LANGS:
        raise ValueError(f"lang must be 'zh' or 'en', not {lang!r}")
    config = config or Config()
    path = Path(path)
    with xlsx_workbook(path, "statement", TEXT_AS_TEXT) as wb:
        f = _Formats(wb)
        ws = wb.add_worksheet(w("file_title", lang))
        _Writer(ws, f, st, lang, config).write()
        wb.set_properties(
            {
                "title": f"{w('file_title', lang)} {st.customer.name} {st.month}",
                "subject": st.customer.customer_id,
                "company": config.company_name,
                "keywords": KEYWORD,
            }
        )
    return path


class _Writer:
    def __init__(self, ws: Worksheet, f: _Formats, st: Statement, lang: str, config: Config) -> None:
        self.ws, self.f, self.st, self.lang, self.config = ws, f, st, lang, config
        self.r = 0
        lists = choice_lists(config)
        self.methods, self.terms = lists["payment_method"], lists["payment_terms"]

    def t(self, key: str, **fields: object) -> str:
        return w(key, self.lang, **fields)

    def write(self) -> None:
        ws = self.ws
        for c, width in enumerate(WIDTHS):
            ws.set_column(c, c, width)
        self._top()
        self._lines()
        self._open_items()
        self._ageing()
        self._pay_to()
        self._confirmation()
        self._page()

    # --- blocks, each from self.r on, leaving self.r at the next free row

    def _span(self, first: int, last: int, text: str, fmt: Format) -> None:
        if first == last:
            self.ws.write_string(self.r, first, text, fmt)
        else:
            self.ws.merge_range(self.r, first, self.r, last, text, fmt)

    def _top(self) -> None:
        st, ws, f = self.st, self.ws, self.f
        ws.set_row(self.r, 26)
        self._span(0, LAST, self.config.company_name, f.company)
        self.r += 1
        ws.set_row(self.r, 22)
        self._span(0, LAST, self.t("title"), f.title)
        self.r += 1
        span = self.t("period_span", start=day_text(st.start), end=day_text(st.end))
        colon = say(self.lang, COLON)
        self._span(
            0,
            LAST,
            f"{self.t('period')}{colon}{span}    {self.t('as_of')}{colon}{day_text(st.end)}    "
            f"{self.t('currency')}{colon}{self.config.currency}",
            f.centre,
        )
        self.r += 2
        c = st.customer
        pairs = [
            (("customers", "name"), c.name, ("customers", "customer_id"), c.customer_id),
            (("customers", "contact"), c.contact, ("customers", "phone"), c.phone),
        ]
        for left, lv, right, rv in pairs:
            ws.write_string(self.r, 0, header(*left, self.lang), f.label)
            self._span(1, 2, lv, f.value)
            ws.write_string(self.r, 3, header(*right, self.lang), f.label)
            self._span(4, LAST, rv, f.value)
            self.r += 1
        ws.write_string(self.r, 0, header("customers", "address", self.lang), f.label)
        self._span(1, LAST, c.address, f.value)
        self.r += 1
        if c.terms:
            ws.write_string(self.r, 0, header("customers", "terms", self.lang), f.label)
            self._span(1, LAST, self._term(c.terms), f.value)
            self.r += 1
        self.r += 1

    def _term(self, terms: str) -> str:
        return label_of(self.terms, terms, self.lang)

    def _due_note(self, terms: str, due: date | None) -> str:
        """ "应付 2026-11-30", or "发货后起算" for an order on terms counted from a shipment not made
        yet; the order's terms first when they are not the customer's usual ones."""
        term = self.config.payment_term(terms)
        due_text = (
            self.t("due", due=day_text(due))
            if due
            else self.t("due_after_shipment")
            if term is not None and term.after_shipment
            else ""
        )
        if terms and terms != self.st.customer.terms:
            return say(self.lang, COMMA).join(x for x in (self._term(terms), due_text) if x)
        return due_text

    def _lines(self) -> None:
        st, ws, f = self.st, self.ws, self.f
        heads = [
            self.t("date"),
            self.t("number"),
            self.t("description"),
            self.t("charge"),
            self.t("receipt"),
            self.t("balance"),
            self.t("notes"),
        ]
        self.table_head = self.r
        for c, text in enumerate(heads[:-1]):
            ws.write_string(self.r, c, text, f.head)
        self._span(6, LAST, heads[-1], f.head)
        self.r += 1
        self._row(st.start, "", self.t("opening"), None, None, st.opening, "", bold=True)
        for e in st.entries:
            if e.kind in ("order", "cancelled"):
                goods = goods_summary(e.goods, self.lang)
                note = (
                    self.t("cancelled_note", total=money_text(e.total))
                    if e.kind == "cancelled"
                    else self._due_note(e.terms, e.due_date)
                )
                self._row(e.day, e.order_no, self.t(e.kind, goods=goods), e.charge, None, e.balance, note)
            elif e.kind == "applied":
                for order_no, amount in e.allocations:
                    self._row(e.day, order_no, self.t("applied"), None, None, None, money_text(amount), detail=True)
            else:
                method = label_of(self.methods, e.method, self.lang) if e.method else ""
                note = self.t("reference", reference=e.reference) if e.reference else ""
                kind = "payment_on_account" if e.on_account and e.kind == "payment" else e.kind
                self._row(e.day, e.order_no, self.t(kind, method=method), None, e.receipt, e.balance, note)
                for order_no, amount in e.allocations:
                    self._row(None, order_no, self.t("allocated_to"), None, None, None, money_text(amount), detail=True)
                if e.on_account and e.unallocated:
                    self._row(
                        None, "", self.t("left_on_account"), None, None, None, money_text(e.unallocated), detail=True
                    )
        self._row(None, "", self.t("totals"), st.charged, st.received, None, "", total=True)
        self._row(st.end, "", self.t("closing"), None, None, st.closing, "", bold=True)
        self.r += 1

    def _row(
        self,
        day: date | None,
        number: str,
        text: str,
        charge: Decimal | None,
        receipt: Decimal | None,
        balance: Decimal | None,
        note: str,
        *,
        bold: bool = False,
        total: bool = False,
        detail: bool = False,
    ) -> None:
        ws, f = self.ws, self.f
        text_fmt = f.total_text if total else f.bold_text if bold else f.detail if detail else f.text
        money_fmt = f.total_money if total else f.bold_money if bold else f.money
        if day is not None:
            ws.write_datetime(self.r, 0, day, f.date)
        else:
            ws.write_blank(self.r, 0, None, text_fmt)
        ws.write_string(self.r, 1, number, text_fmt)
        ws.write_string(self.r, 2, text, text_fmt)
        for c, v in ((3, charge), (4, receipt), (5, balance)):
            if v is None:
                ws.write_blank(self.r, c, None, money_fmt)
            else:
                ws.write_number(self.r, c, float(v), money_fmt)
        self._span(6, LAST, note, f.note)
        lines = max(_lines(text, WIDTHS[2]), _lines(note, (WIDTHS[6] + WIDTHS[7]) * 11 / 8))
        if lines > 1:
            ws.set_row(self.r, 14 * lines if _lines(text, WIDTHS[2]) > 1 else 11 * lines + 4)
        self.r += 1

    def _open_items(self) -> None:
        st, ws, f = self.st, self.ws, self.f
        self._span(0, LAST, self.t("open_items", end=day_text(st.end)), f.section)
        self.r += 1
        if not st.open_items and not st.credits:
            self._span(0, LAST, self.t("nothing_open"), f.plain)
            self.r += 2
            return
        heads = [
            header("orders", "order_date", self.lang),
            header("orders", "order_no", self.lang),
            self.t("goods"),
            header("orders", "total", self.lang),
            header("orders", "paid", self.lang),
            header("orders", "balance", self.lang),
            self.t("due_date"),
            self.t("days_overdue"),
        ]
        ws.set_row(self.r, 30)
        for c, text in enumerate(heads):
            ws.write_string(self.r, c, text, f.head)
        self.r += 1
        for item in st.open_items:
            if item.order_date is not None:
                ws.write_datetime(self.r, 0, item.order_date, f.date)
            else:
                ws.write_blank(self.r, 0, None, f.text)
            ws.write_string(self.r, 1, item.order_no, f.text)
            text = goods_summary(item.goods, self.lang)
            if item.terms and item.terms != st.customer.terms:
                text = self.t("own_terms", goods=text, terms=self._term(item.terms)) if text else self._term(item.terms)
            ws.write_string(self.r, 2, text, f.text)
            if _lines(text, WIDTHS[2]) > 1:
                ws.set_row(self.r, 14 * _lines(text, WIDTHS[2]))
            for c, v in ((3, item.total), (4, item.paid), (5, item.balance)):
                ws.write_number(self.r, c, float(v), f.money)
            if item.due_date is not None:
                ws.write_datetime(self.r, 6, item.due_date, f.date)
            else:
                ws.write_blank(self.r, 6, None, f.text)
            if item.days_past_due > 0:
                ws.write_number(self.r, 7, item.days_past_due, f.int)
            else:
                ws.write_blank(self.r, 7, None, f.int)
            self.r += 1
        for credit in st.credits:
            ws.write_blank(self.r, 0, None, f.text)
            ws.write_string(self.r, 1, credit.order_no, f.text)
            ws.write_string(self.r, 2, self.t(f"credit_{credit.kind}"), f.text)
            ws.write_blank(self.r, 3, None, f.money)
            ws.write_blank(self.r, 4, None, f.money)
            ws.write_number(self.r, 5, float(-credit.amount), f.money)
            ws.write_blank(self.r, 6, None, f.text)
            ws.write_blank(self.r, 7, None, f.text)
            self.r += 1
        ws.write_blank(self.r, 0, None, f.total_text)
        ws.write_blank(self.r, 1, None, f.total_text)
        ws.write_string(self.r, 2, self.t("open_total"), f.total_text)
        ws.write_blank(self.r, 3, None, f.total_money)
        ws.write_blank(self.r, 4, None, f.total_money)
        ws.write_number(self.r, 5, float(st.ageing_total - st.credit_total), f.total_money)
        ws.write_blank(self.r, 6, None, f.total_text)
        ws.write_blank(self.r, 7, None, f.total_text)
        self.r += 2

    def _ageing(self) -> None:
        st, ws, f = self.st, self.ws, self.f
        self._span(0, LAST, self.t("ageing"), f.section)
        self.r += 1
        rows = [(b.label(self.lang), a, False) for b, a in zip(st.buckets, st.ageing)]
        if st.credits:
            rows.append((self.t("less_credit"), -st.credit_total, False))
        rows.append((self.t("open_total"), st.ageing_total - st.credit_total, True))
        for label, amount, total in rows:
            self.ws.merge_range(self.r, 3, self.r, 4, label, f.total_text if total else f.text)
            ws.write_number(self.r, 5, float(amount), f.total_money if total else f.money)
            self.r += 1
        self.r += 1

    def _pay_to(self) -> None:
        ws, f, account = self.ws, self.f, self.config.bank_account
        if not (account.bank or account.account_no):
            return  # not set: the command says how to set it
        self._span(0, LAST, self.t("pay_to"), f.section)
        self.r += 1
        for key, value in (
            ("account_name", account.account_name or self.config.company_name),
            ("bank", account.bank),
            ("account_no", account.account_no),
        ):
            ws.write_string(self.r, 0, self.t(key), f.label)
            self._span(1, LAST, value, f.value)
            self.r += 1
        self.r += 1

    def _confirmation(self) -> None:
        ws, f = self.ws, self.f
        ws.set_row(self.r, 30)
        self._span(0, LAST, self.t("please_check"), f.small)
        self.r += 2
        left = [
            self.t("seller_seal", company=self.config.company_name),
            self.t("handled_by"),
            f"{self.t('date')}{say(self.lang, COLON)}{day_text(self.st.end)}",
        ]
        right = [self.t("confirm"), self.t("customer_seal"), self.t("sign_date")]
        for i, (a, b) in enumerate(zip(left, right)):
            ws.set_row(self.r, 30 if i else 18)
            ws.merge_range(self.r, 0, self.r, 2, a, f.plain)
            ws.merge_range(self.r, 3, self.r, LAST, b, f.plain)
            self.r += 1

    def _page(self) -> None:
        ws, st = self.ws, self.st
        ws.set_paper(9)
        ws.set_portrait()
        ws.fit_to_pages(1, 0)
        ws.set_margins(left=0.4, right=0.4, top=0.7, bottom=0.7)
        ws.center_horizontally()

        def esc(s: str) -> str:  # a page header's "&" starts a code: "&&" is the character
            return s.replace("&", "&&")

        ws.set_header(
            f"&L&8{esc(self.config.company_name)}"
            f"&R&8{esc(w('file_title', self.lang))} {esc(st.customer.name)} {st.month}"
        )
        ws.set_footer(f"&C&8{self.t('page')}")
        ws.repeat_rows(self.table_head)
        ws.print_area(0, 0, self.r - 1, LAST)
        ws.hide_gridlines(2)


def _lines(text: str, width: float) -> int:
    """How many lines ``text`` takes wrapped in a cell ``width`` characters wide (a Chinese character
    takes about 1.9 widths of a digit); clients do not grow rows for wrapped text in merged cells, and LibreOffice not in
    the rows of a file it did not lay out, so the sheet sets the heights."""
    out = 0
    for part in text.split("\n"):
        wide = sum(1.9 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in part)
        out += max(1, math.ceil(wide / max(width - 1, 1)))
    return out
