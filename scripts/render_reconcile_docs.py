#!/usr/bin/env python3
"""Render docs/reconcile-*.png: the reconciliation workbook of the demo book as LibreOffice shows it.

    python scripts/render_reconcile_docs.py      # needs soffice and pdftoppm (poppler-utils)

The demo book (2,000 orders, seed 1, today 2026-11-27) is reconciled against the sample bank
statement examples/bank_statement_sample.csv; each sheet's first rows are printed to one page.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

import openpyxl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from workbook_tools.book import OrderBook  # noqa: E402
from workbook_tools.demo import generate_demo  # noqa: E402
from workbook_tools.libreoffice import convert  # noqa: E402
from workbook_tools.reconcile import reconcile_book, write_reconciliation  # noqa: E402
from workbook_tools.reconcile.words import SHEETS  # noqa: E402

DOCS = ROOT / "docs"
TODAY = date(2026, 11, 27)
ROWS = 36


def main() -> None:
    data = generate_demo(2000, seed=1, today=TODAY)
    book = OrderBook.from_data(data, path=Path("demo_order_book.xlsx"))
    rec = reconcile_book(book, today=TODAY, bank_statement=ROOT / "examples" / "bank_statement_sample.csv")
    with tempfile.TemporaryDirectory() as t:
        tmp = Path(t)
        full = write_reconciliation(rec, tmp / "reconciliation.xlsx")
        wb = openpyxl.load_workbook(full)
        key_of = {zh: key for key, (zh, _en) in SHEETS.items()}
        keys = [key_of[ws.title] for ws in wb.worksheets if key_of[ws.title] != "findings"]  # in the book's order
        for ws in wb.worksheets:
            rows = min(ws.max_row, 80 if ws.title == SHEETS["summary"][0] else ROWS)
            ws.print_area = f"A1:{openpyxl.utils.get_column_letter(ws.max_column)}{rows}"
            ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 1
            ws.sheet_properties.pageSetUpPr.fitToPage = True
        for name in [ws.title for ws in wb.worksheets if ws.title not in [SHEETS[k][0] for k in keys]]:
            wb.remove(wb[name])
        trimmed = tmp / "reconcile.xlsx"
        wb.save(trimmed)
        pdf = convert(trimmed, tmp, "pdf")
        subprocess.run(["pdftoppm", "-png", "-r", "90", str(pdf), str(tmp / "reconcile")], check=True)
        for key, page in zip(keys, sorted(tmp.glob("reconcile-*.png"))):
            dest = DOCS / f"reconcile-{key}.png"
            shutil.copy(page, dest)
            print(dest.relative_to(ROOT))


if __name__ == "__main__":
    main()
