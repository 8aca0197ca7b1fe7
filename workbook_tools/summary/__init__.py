"""The monthly summary (月报): key figures, breakdowns, receivables ageing, low stock, open problems.

    summary = monthly_summary(read_book("订单管理簿.xlsx"), "2026-10", today=date(2026, 11, 27))
    summary.figures["revenue"].value          # Decimal('123456.00'), beside .previous and .last_year
    summary["top_customers"][0]               # {"customer_id": "C0031", "name": …, "revenue": …}
    write_summary(summary, "summary_2026-10.xlsx", lang="zh")       # a workbook with charts
    summary_into_book("订单管理簿.xlsx", summary)                    # 订单管理簿.with-summary-2026-10.xlsx + 月报 sheet
    write_json(summary, "summary_2026-10.json")

Stages: facts.py (one pass per sheet, rows grouped by month) → figures.py (key figures and their
definitions), breakdowns.py, lists.py (low stock, open problems), as_of.py (receivables.py as of
the month's end) → model.py (the plain data) → sheet.py + charts.py + grid.py (xlsxwriter),
into_book.py (the copy of the book), json_out.py, text.py (terminal lines). run.py: one run as the
command does it (its benchmark step is benchmarks/stages.py).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from ..book import BookData, OrderBook
from ..config import Config
from ..derive import Derived, derive
from ..lang import said
from ..perf import gc_paused
from ..receivables import ageing, receivables
from ..schema import SHEETS
from .as_of import derived_as_of, outstanding
from .breakdowns import breakdowns
from .facts import collect
from .figures import key_figures
from .into_book import default_copy_path, summary_into_book
from .json_out import summary_dict, write_json
from .lists import low_stock, unresolved_problems
from .model import FIELDS, FIGURE_KINDS, Figure, MonthlySummary
from .months import Month, MonthError, previous_month
from .sheet import default_summary_path, sheet_name, write_summary

__all__ = [
    "FIELDS",
    "FIGURE_KINDS",
    "Figure",
    "Month",
    "MonthError",
    "MonthlySummary",
    "default_copy_path",
    "default_summary_path",
    "monthly_summary",
    "previous_month",
    "sheet_name",
    "summary_dict",
    "summary_into_book",
    "write_json",
    "write_summary",
]


def _rows(book: OrderBook | BookData) -> BookData:
    if isinstance(book, OrderBook):
        return {s.key: book.tables[s.key].rows if s.key in book.tables else [] for s in SHEETS}
    return {s.key: book.get(s.key) or [] for s in SHEETS}


def monthly_summary(
    book: OrderBook | BookData,
    month: str | Month,
    *,
    config: Config | None = None,
    today: date | None = None,
    top: int = 10,
    derived: Derived | None = None,
) -> MonthlySummary:
    """The summary of ``month`` ("YYYY-MM") for a book (as read, or plain BookData).

    Receivables, stock and open problems are as of the month's last day, or ``today`` (default:
    the real date) while the month is running. Raises MonthError for a month that has not begun.
    ``derived`` may pass derive(data) when the caller already has it.
    """
    config = config or Config()
    today = today or date.today()
    month = month if isinstance(month, Month) else Month.parse(month)
    if month.first > today:
        raise MonthError(
            said(
                (
                    "{month} 尚未开始（今天是 {today:%Y-%m-%d}）",
                    "{month} has not begun yet (today is {today:%Y-%m-%d})",
                ),
                month=month,
                today=today,
            )
        )
    as_of = min(month.last, today)
    data = _rows(book)
    with gc_paused():
        derived = derived if derived is not None else derive(data, config, as_of)
        facts = collect(data, derived, (month.index, month.shift(-1).index, month.shift(-12).index))
        at_end = derived_as_of(data, derived, as_of, facts.keys, config)
        ages = ageing(receivables(data, at_end, config, as_of=as_of), config.thresholds.ageing_buckets)

        def outstanding_at(day: date) -> Decimal:
            if day == as_of:
                return ages.grand_total
            return outstanding(data, derived_as_of(data, derived, day, facts.keys, config))

        tables = breakdowns(facts, month, top=top)
        tables["low_stock"] = low_stock(data, derived, config)
        tables["unresolved_problems"] = unresolved_problems(data, facts, as_of)
        return MonthlySummary(
            month=month,
            as_of=as_of,
            today=today,
            company=config.company_name,
            currency=config.currency,
            currency_symbol=config.currency_symbol,
            figures=key_figures(facts, month, as_of, outstanding_at),
            tables=tables,
            ageing=ages,
            top=top,
        )
