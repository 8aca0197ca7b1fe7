"""Customer statements (对账单): per customer and month, the opening balance, the month's orders,
payments and refunds, the closing balance, what is open and how old — as data (model.py), as a
printable A4 workbook (sheet.py), and as PDF through LibreOffice (pdf.py).

    statements = customer_statements(book.data(), "2026-10", config=config)
    write_statement(statements[0], "C0001.xlsx", "zh", config=config)
"""

from .model import (
    Credit,
    Customer,
    Entry,
    OpenItem,
    Statement,
    StatementError,
    as_at,
    customer_statements,
)

__all__ = ["Credit", "Customer", "Entry", "OpenItem", "Statement", "StatementError", "as_at", "customer_statements"]
