"""The order book workbook writer: the empty template and books filled with data."""

from .dashboard import dashboard_cells, dashboard_values
from .write import PREPARED_ROWS, TEMPLATE_PATH, write_book

__all__ = ["PREPARED_ROWS", "TEMPLATE_PATH", "dashboard_cells", "dashboard_values", "write_book"]
