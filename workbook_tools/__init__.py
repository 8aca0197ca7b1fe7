"""workbook_tools — the customer order book (客户订单管理簿) and the tools around it.

The same operations as the ``orderbook`` command, for Python::

    from workbook_tools import generate_demo, write_book, read_book, validate_book
    book = read_book(write_book("demo.xlsx", generate_demo(200)))
    findings = validate_book(book)
"""

from .book import BookData, OrderBook, Table
from .config import Config, load_config
from .customers import customer_history
from .demo import generate_demo
from .derive import derive
from .errors import BookReadError, ConfigError, OutputError, WorkbookToolsError
from .export import export_book
from .findings import Finding
from .importer import import_rows
from .merge import merge_books
from .read import read_book
from .reconcile import reconcile_book
from .regenerate import regenerate
from .report import Report
from .schema import SHEETS, Column, Sheet
from .summary import monthly_summary
from .template import write_book
from .validate import validate_book, validate_paths

__all__ = [
    "SHEETS", "BookData", "BookReadError", "Column", "Config", "ConfigError", "Finding", "OrderBook",
    "OutputError", "Report", "Sheet", "Table", "WorkbookToolsError", "customer_history", "derive",
    "export_book", "generate_demo", "import_rows", "load_config", "merge_books", "monthly_summary",
    "read_book", "reconcile_book", "regenerate", "validate_book", "validate_paths", "write_book",
]
__version__ = "0.1.0"
