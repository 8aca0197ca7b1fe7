"""A known report for the formatter tests, built from findings (no reader involved), and a small
workbook whose sheets and cells match them."""

from __future__ import annotations

from pathlib import Path

import xlsxwriter

from workbook_tools.findings import Finding
from workbook_tools.report import FileResult, Report

SCRIPT = "<script>alert(1)</script>"


def findings(file: str | None = None) -> list[Finding]:
    return [
        Finding(
            "duplicate-key",
            sheet="客户",
            row=3,
            column="A",
            field="customer_id",
            value="C0001",
            params={"column": "客户编号", "column_en": "Customer ID", "other": "客户!A2"},
            file=file,
        ),
        Finding(
            "bad-format",
            sheet="客户",
            row=3,
            column="C",
            field="phone",
            value=SCRIPT,
            params={
                "column": "手机/电话",
                "column_en": "Phone",
                "expected": "手机号或带区号的座机",
                "expected_en": "mobile or landline",
            },
            file=file,
        ),
        Finding("unknown-customer", sheet="订单", row=2, column="B", field="customer_id", value="C0009", file=file),
        Finding(
            "overdue",
            sheet="订单",
            row=2,
            column="B",
            field="due_date",
            value="SO0000000001",
            params={"expected": "2026-11-01"},
            file=file,
        ),
        Finding(
            "required-missing",
            sheet="订单",
            row=2,
            column="E",
            field="due_date",
            params={"column": "交货日期", "column_en": "Due date"},
            file=file,
        ),
        Finding(
            "required-missing",
            sheet="订单",
            row=9,
            column="C",
            field="order_date",
            params={"column": "下单日期", "column_en": "Order date"},
            file=file,
        ),
        Finding(
            "low-stock",
            sheet="订单明细",
            row=3,
            column="D",
            field="quantity",
            value="=1+1",
            params={"expected": 3, "other": 5},
            file=file,
        ),
    ]


def write_book(path: Path) -> Path:
    """客户 / 订单 / 订单明细 with a staff comment on 订单!A1 and a merged area 订单明细!F5:G6."""
    wb = xlsxwriter.Workbook(str(path))
    bold = wb.add_format({"bold": True})
    text = wb.add_format({"num_format": "@"})
    customers = wb.add_worksheet("客户")
    customers.write_row(0, 0, ["客户编号", "客户名称", "手机/电话"], bold)
    customers.write_row(1, 0, ["C0001", "甲公司", "13812345678"], text)
    customers.write_row(2, 0, ["C0001", "乙公司", SCRIPT], text)
    orders = wb.add_worksheet("订单")
    orders.write_row(0, 0, ["订单编号", "客户编号", "下单日期", "订单状态", "交货日期"], bold)
    orders.write_row(1, 0, ["SO0000000001", "C0009", "2026-10-01", "待处理"])
    orders.write_comment("A1", "staff note: keep sorted")
    lines = wb.add_worksheet("订单明细")
    lines.write_row(0, 0, ["订单编号", "产品编号", "单价", "数量"], bold)
    lines.write_row(1, 0, ["SO0000000001", "P001", 10, 1])
    lines.write_row(2, 0, ["SO0000000001", "P002", 12])
    lines.write_string(2, 3, "=1+1")
    lines.merge_range("F5:G6", "merged", None)
    orders.activate()
    wb.close()
    return path


def report(book: Path, broken: Path | None = None, clean: Path | None = None) -> Report:
    files = [FileResult(book, findings(str(book)), rows={"customers": 2, "orders": 1, "order_lines": 2})]
    if broken is not None:
        files.append(FileResult(broken, error="not a zip file"))
    if clean is not None:
        files.append(FileResult(clean, rows={"customers": 4}))
    return Report(files)
