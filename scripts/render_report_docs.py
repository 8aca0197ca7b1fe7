#!/usr/bin/env python3
"""Render the validation report picture in docs/: the Excel report as LibreOffice prints it. (The HTML
report has no picture: rendering it needs a browser or LibreOffice Writer/Web, not installed here.)

    python scripts/render_report_docs.py     # needs soffice and pdftoppm (poppler-utils)

A demo book with a few of the mistakes clerks make (a pasted "9件", a short order number, a bad
e-mail, a wrong tracking number …) is checked; the first page of the Excel report becomes a PNG.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

import openpyxl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from workbook_tools.config import Config  # noqa: E402
from workbook_tools.demo import generate_demo  # noqa: E402
from workbook_tools.formats import FORMATS  # noqa: E402
from workbook_tools.libreoffice import convert  # noqa: E402
from workbook_tools.schema import SHEET_BY_KEY  # noqa: E402
from workbook_tools.template import write_book  # noqa: E402
from workbook_tools.validate import validate_paths  # noqa: E402

DOCS = ROOT / "docs"
TODAY = date(2026, 11, 27)


def cell(sheet: str, key: str, row: int) -> tuple[str, str]:
    s = SHEET_BY_KEY[sheet]
    return s.zh, f"{s.letter(key)}{row}"


def mistakes(path: Path) -> None:
    """What clerks type: a unit in a quantity, a short order number, half an e-mail, a phone number
    missing digits, a tracking number of another carrier, a blank address."""
    wb = openpyxl.load_workbook(path)
    for (sheet, ref), value in {
        cell("order_lines", "quantity", 3): "9件",
        cell("orders", "order_no", 5): "SO123",
        cell("customers", "email", 2): "wang@",
        cell("customers", "phone", 3): "12345",
        cell("shipments", "tracking_no", 2): "XX1",
        cell("customers", "address", 4): None,
    }.items():
        wb[sheet][ref] = value
    wb.save(path)


def first_page(src: Path, name: str, tmp: Path) -> Path:
    tmp = tmp / name  # each its own folder: both reports are validation_report.*
    pdf = convert(src, tmp, "pdf")
    subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", str(pdf), str(tmp / name)], check=True)
    [page] = sorted(tmp.glob(f"{name}-*.png"))
    dest = DOCS / f"{name}.png"
    shutil.copy(page, dest)
    return dest


def main() -> None:
    with tempfile.TemporaryDirectory() as t:
        tmp = Path(t)
        (tmp / "books").mkdir()
        book = write_book(tmp / "books" / "华东订单簿.xlsx", generate_demo(80, seed=5, today=TODAY), today=TODAY)
        mistakes(book)
        os.chdir(tmp)  # the reports name the book as the clerk typed it: books/华东订单簿.xlsx
        report = validate_paths([Path("books/华东订单簿.xlsx")], config=Config(), today=TODAY)
        out = tmp / "out"
        xlsx = FORMATS["xlsx"](report, out, "zh")[0]
        print(f"wrote {first_page(xlsx, 'validation-report', tmp).relative_to(ROOT)}")


if __name__ == "__main__":
    main()
