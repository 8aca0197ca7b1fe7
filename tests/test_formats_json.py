"""The JSON report: every finding with its position, words and hint; written atomically as UTF-8."""

from __future__ import annotations

import json
from pathlib import Path

from workbook_tools.findings import Finding
from workbook_tools.formats import FORMATS, write_json
from workbook_tools.report import FileResult, Report


def known_report() -> Report:
    return Report([
        FileResult(Path("books/订单簿.xlsx"), [
            Finding("required-missing", sheet="订单", row=12, column="C", field="order_date",
                    params={"column": "下单日期", "column_en": "Order date"}, file="books/订单簿.xlsx"),
            Finding("low-stock", sheet="产品", row=3, column="J", field="on_hand", value="P-001",
                    params={"expected": 2, "other": 10}, file="books/订单簿.xlsx"),
        ], rows={"orders": 11, "products": 4}),
        FileResult(Path("books/坏文件.xlsx"), error="not a zip file"),
    ])


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
                "path": "books/订单簿.xlsx", "error": None, "rows": {"orders": 11, "products": 4},
                "errors": 1, "warnings": 1, "by_code": {"low-stock": 1, "required-missing": 1},
                "findings": [
                    {"file": "books/订单簿.xlsx", "code": "required-missing", "severity": "error", "sheet": "订单",
                     "row": 12, "column": "C", "cell": "订单!C12", "field": "order_date", "value": None,
                     "message": "“下单日期”必须填写", "hint": "补填此单元格。"},
                    {"file": "books/订单簿.xlsx", "code": "low-stock", "severity": "warning", "sheet": "产品",
                     "row": 3, "column": "J", "cell": "产品!J3", "field": "on_hand", "value": "P-001",
                     "message": "产品“P-001”当前库存 2，不高于安全库存 10", "hint": "安排补货。"},
                ],
            },
            {"path": "books/坏文件.xlsx", "error": "not a zip file", "rows": {}, "errors": 0, "warnings": 0,
             "by_code": {}, "findings": []},
        ],
    }


def test_json_in_english_and_through_the_registry(tmp_path):
    [path] = FORMATS["json"](known_report(), tmp_path, "en")
    assert path == tmp_path / "validation_report.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    assert [(f["cell"], f["message"], f["hint"]) for f in data["files"][0]["findings"]] == [
        ("订单!C12", "Order date is required", "Fill in this cell."),
        ("产品!J3", "Product 'P-001' has 2 on hand, at or below its reorder point 10", "Reorder."),
    ]


def test_json_write_replaces_the_file_in_one_step(tmp_path):
    target = tmp_path / "r.json"
    target.write_text("old", encoding="utf-8")
    write_json(known_report(), target)
    assert json.loads(target.read_text(encoding="utf-8"))["exit_code"] == 2
    assert [p.name for p in tmp_path.iterdir()] == ["r.json"]  # no temporary left behind
