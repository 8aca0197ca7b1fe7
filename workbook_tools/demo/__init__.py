"""Demo data: a realistic, internally consistent Chinese order book (``orderbook demo``).

``generate_demo(orders, seed=…, today=…)`` returns BookData — ``{sheet_key: [row dict]}`` with the
input columns of every sheet — deterministic for its arguments. The parts:

- ``people``, ``names``, ``places``: customers (people, companies, shops, public bodies) and staff;
- ``catalog``, ``products``: what the demo company sells;
- ``orders``, ``lifecycle``, ``shipping``: orders, lines, status history, problems, shipments;
- ``payments``: deposits, balances, refunds; ``stock``: receipts, returns, adjustments, stocktake;
- ``generate``: the order of the steps, identifier formats, and variety in small books.
"""

from .generate import generate_demo

__all__ = ["generate_demo"]
