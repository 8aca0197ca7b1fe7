"""workbook_tools — the customer order book (客户订单管理簿) and the tools around it.

The same operations as the ``orderbook`` command, for Python::

    from workbook_tools import generate_demo, write_book, read_book, validate_book
    book = read_book(write_book("demo.xlsx", generate_demo(200)))
    findings = validate_book(book)

Names are imported on first use (PEP 562), so ``orderbook --help`` does not load the database
layer or the writers it does not need.
"""

from __future__ import annotations

import importlib
from typing import Any

#: Public name -> the module that defines it.
_EXPORTS = {
    "BookData": ".book",
    "OrderBook": ".book",
    "Table": ".book",
    "Config": ".config",
    "load_config": ".config",
    "customer_history": ".customers",
    "generate_demo": ".demo",
    "derive": ".derive",
    "BookReadError": ".errors",
    "ConfigError": ".errors",
    "OutputError": ".errors",
    "WorkbookToolsError": ".errors",
    "export_book": ".export",
    "Finding": ".findings",
    "import_rows": ".importer",
    "merge_books": ".merge",
    "read_book": ".read",
    "reconcile_book": ".reconcile",
    "regenerate": ".regenerate",
    "Report": ".report",
    "SHEETS": ".schema",
    "Column": ".schema",
    "Sheet": ".schema",
    "monthly_summary": ".summary",
    "write_book": ".template",
    "validate_book": ".validate",
    "validate_paths": ".validate",
}
__all__ = sorted(_EXPORTS)
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'workbook_tools' has no attribute {name!r}")
    value = getattr(importlib.import_module(_EXPORTS[name], __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])
