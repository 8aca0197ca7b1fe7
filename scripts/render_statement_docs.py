#!/usr/bin/env python3
"""Render docs/statement.png: a customer statement (对账单) of the demo book as LibreOffice prints it.

    python scripts/render_statement_docs.py      # needs soffice and pdftoppm (poppler-utils)

The demo book (2,000 orders, seed 1, today 2026-11-27), October 2026; the customer whose statement
shows the most kinds of lines (payments on account and their allocation, credits, refunds,
cancelled orders) on one page; an example bank account in the settings.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from workbook_tools.config import BankAccount, Config
from workbook_tools.demo import generate_demo
from workbook_tools.libreoffice import convert
from workbook_tools.statement import customer_statements
from workbook_tools.statement.sheet import write_statement

TODAY = date(2026, 11, 27)
CONFIG = Config(bank_account=BankAccount(bank="中国工商银行杭州文三路支行", account_no="1202 0212 0900 0123 456"))


def showcase(st) -> tuple:
    kinds = {e.kind for e in st.entries} | {c.kind for c in st.credits}
    return (
        len(st.entries) <= 14,
        any(e.on_account for e in st.entries),
        len(kinds),
        bool(st.open_items),
        len(st.entries),
    )


def main() -> None:
    data = generate_demo(2000, seed=1, today=TODAY)
    st = max(customer_statements(data, "2026-10", config=CONFIG, today=TODAY), key=showcase)
    with tempfile.TemporaryDirectory() as t:
        book = write_statement(st, Path(t) / "statement.xlsx", "zh", config=CONFIG)
        pdf = convert(book, t, "pdf")
        subprocess.run(
            ["pdftoppm", "-png", "-r", "80", "-singlefile", str(pdf), str(Path(t) / "statement")], check=True
        )
        shutil.copy(Path(t) / "statement.png", ROOT / "docs" / "statement.png")
    print(f"docs/statement.png: {st.customer.customer_id} {st.customer.name}, {len(st.entries)} lines")


if __name__ == "__main__":
    main()
