"""The JSON report: every finding with its position, words and hint; written atomically as UTF-8."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from workbook_tools.findings import Finding
from workbook_tools.formats import FORMATS, write_json
from workbook_tools.report import FileResult, Report

CHECKED = datetime(2026, 11, 27, 9, 30, 5)


def known_report() -> Report:
    """The warning was found first (产品 is read before 订单); the report lists the error first."""
    return Report(
        [
            FileResult(
                Path("books/订单簿.xlsx"),
                [
                    Finding(
                        "low-stock",
                        sheet="产品",
                        row=3,
                        column="J",
                        field="on_hand",
                        value="P-001",
                        params={"expected": 2, "other": 10},
                        file="books/订单簿.xlsx",
                    ),
                    Finding(
                        "required-missing",
                        sheet="订单",
                        row=12,
                        column="C",
                        field="order_date",
                        params={"column": "下单日期", "column_en": "Order date"},
                        file="books/订单簿.xlsx",
                    ),
                ],
                rows={"orders": 11, "products": 4},
                checked_at=CHECKED,
            ),
            FileResult(Path("books/坏文件.xlsx"), error="not a zip file", checked_at=CHECKED),
        ]
    )


def test_json_report_is_exactly_the_report(tmp_path):
    path = write_json(known_report(), tmp_path / "r.json", "zh")
    text = path.read_text(encoding="utf-8")
    assert "下单日期" in text  # UTF-8, not \\u escapes
    assert json.loads(text) == {
        "lang": "zh",
        "totals": {"files": 2, "errors": 1, "warnings": 1, "unreadable": 1},
        "valid": False,
        "exit_code": 2,
        "files": [
            {
                "path": "books/订单簿.xlsx",
                "error": None,
                "rows": {"orders": 11, "products": 4},
                "errors": 1,
                "warnings": 1,
                "by_code": {"low-stock": 1, "required-missing": 1},
                "checked_at": "2026-11-27T09:30:05",
                "size": None,
                "modified": None,
                "findings": [
                    {
                        "file": "books/订单簿.xlsx",
                        "code": "required-missing",
                        "rule": "必填项为空",
                        "severity": "error",
                        "sheet": "订单",
                        "row": 12,
                        "column": "C",
                        "cell": "订单!C12",
                        "field": "order_date",
                        "value": None,
                        "message": "“下单日期”必须填写",
                        "hint": "填写下单日期，例如 2026-11-02",
                    },
                    {
                        "file": "books/订单簿.xlsx",
                        "code": "low-stock",
                        "rule": "库存不足",
                        "severity": "warning",
                        "sheet": "产品",
                        "row": 3,
                        "column": "J",
                        "cell": "产品!J3",
                        "field": "on_hand",
                        "value": "P-001",
                        "message": "产品“P-001”当前库存 2，不高于安全库存 10",
                        "hint": "安排补货。",
                    },
                ],
            },
            {
                "path": "books/坏文件.xlsx",
                "error": "not a zip file",
                "rows": {},
                "errors": 0,
                "warnings": 0,
                "by_code": {},
                "checked_at": "2026-11-27T09:30:05",
                "size": None,
                "modified": None,
                "findings": [],
            },
        ],
    }


def test_json_in_english_and_through_the_registry(tmp_path):
    [path] = FORMATS["json"](known_report(), tmp_path, "en")
    assert path == tmp_path / "validation_report.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    assert [(f["cell"], f["message"], f["hint"]) for f in data["files"][0]["findings"]] == [
        ("订单!C12", "Order date is required", "Type the Order date, e.g. 2026-11-02"),
        ("产品!J3", "Product 'P-001' has 2 on hand, at or below its reorder point 10", "Reorder."),
    ]


def test_json_write_replaces_the_file_in_one_step(tmp_path):
    target = tmp_path / "r.json"
    target.write_text("old", encoding="utf-8")
    write_json(known_report(), target)
    assert json.loads(target.read_text(encoding="utf-8"))["exit_code"] == 2
    assert [p.name for p in tmp_path.iterdir()] == ["r.json"]  # no temporary left behind


def test_the_file_checked_is_described(tmp_path):
    book = tmp_path / "订单簿.xlsx"
    book.write_bytes(b"x" * 1234)
    data = json.loads(
        write_json(Report([FileResult(book, [], settings="the defaults")]), tmp_path / "r.json").read_text(
            encoding="utf-8"
        )
    )
    [f] = data["files"]
    assert f["size"] == 1234 and f["modified"] == datetime.fromtimestamp(book.stat().st_mtime).isoformat(
        timespec="seconds"
    )
    assert f["settings"] == "the defaults" and f["checked_at"]
