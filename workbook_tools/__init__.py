"""workbook_tools — the customer order book (客户订单管理簿) and the tools around it."""

from .book import BookData, OrderBook, Table
from .config import Config, load_config
from .errors import BookReadError, ConfigError, OutputError, WorkbookToolsError
from .schema import SHEETS, Column, Sheet

__all__ = [
    "SHEETS", "BookData", "BookReadError", "Column", "Config", "ConfigError", "OrderBook",
    "OutputError", "Sheet", "Table", "WorkbookToolsError", "load_config",
]
__version__ = "0.1.0"
