"""Customer history (客户档案): purchase history, payment habits and RFM segment of every customer.

    profiles = customer_history(data, today=date(2026, 11, 27))
    write_customer_history(profiles, "book.customers.xlsx", "zh")

history.py computes the figures (their exact definitions are in its docstring), rfm.py the scores
and segments, write.py the workbook.
"""

from .history import CustomerProfile, Favourite, customer_history, segment_counts, unprofiled_orders
from .rfm import SEGMENT_BY_VALUE, SEGMENTS, Segment, quintile_scores, segment_of
from .write import write_customer_history

__all__ = [
    "SEGMENTS",
    "SEGMENT_BY_VALUE",
    "CustomerProfile",
    "Favourite",
    "Segment",
    "customer_history",
    "quintile_scores",
    "segment_counts",
    "segment_of",
    "unprofiled_orders",
    "write_customer_history",
]
