"""Shared by the tests/test_import_*.py files: a small clean book, CSV writing, reading back."""

from __future__ import annotations

import csv
from datetime import date, datetime
from decimal import Decimal as D
from pathlib import Path

from conftest import SHARED_DATA  # noqa: F401  (where the real data is, for the import tests)

from workbook_tools.book import empty_data
from workbook_tools.book import new_row as row
from workbook_tools.read import read_book
from workbook_tools.template import write_book

TODAY = date(2026, 3, 1)


def small_data():
    data = empty_data()
    data["customers"] = [
        row(
            "customers",
            customer_id="C0001",
            name="杭州明远贸易有限公司",
            contact="王伟",
            phone="0571-88886666",
            address="文三路 90 号",
            tier="金牌客户",
        ),
        row("customers", customer_id="C0002", name="李娜", phone="13812345678", address="解放路 1 号"),
    ]
    data["products"] = [
        row(
            "products",
            sku="P1001",
            name="办公椅",
            unit="把",
            list_price=D("100.00"),
            opening_stock=50,
            reorder_point=5,
            active="yes",
        ),
        row(
            "products",
            sku="P1002",
            name="文件柜",
            unit="个",
            list_price=D("20.00"),
            opening_stock=100,
            reorder_point=10,
            active="yes",
        ),
    ]
    data["orders"] = [
        row(
            "orders",
            order_no="SO2026020001",
            customer_id="C0002",
            order_date=date(2026, 2, 20),
            due_date=date(2026, 2, 27),
            status="processing",
        ),
    ]
    data["order_lines"] = [
        row("order_lines", order_no="SO2026020001", sku="P1002", quantity=3, unit_price=D("20.00")),
    ]
    data["status_log"] = [
        row("status_log", order_no="SO2026020001", status="processing", timestamp=datetime(2026, 2, 20, 9)),
    ]
    return data


def small_book(path: Path, data=None) -> Path:
    return write_book(path, data or small_data(), today=TODAY)


def write_csv(path: Path, header, rows, *, encoding="utf-8", delimiter=",") -> Path:
    with open(path, "w", encoding=encoding, newline="") as fh:
        out = csv.writer(fh, delimiter=delimiter)
        out.writerow(header)
        out.writerows(rows)
    return path


def rows_of(path: Path, sheet: str):
    return read_book(path)[sheet].rows
