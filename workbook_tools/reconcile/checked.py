"""Whether the reconciled book passes ``orderbook validate``: a book with errors (a payment on an
unknown order, a quantity typed as text …) gives figures that cannot be trusted, so the workbook
and the terminal say so on their first line."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..codes import Severity

if TYPE_CHECKING:
    from . import Reconciliation

_KEY = "_validation_errors"


def validation_errors(rec: Reconciliation) -> int:
    """Error-level findings ``orderbook validate`` reports for the book (worked out once per
    reconciliation: the terminal and the workbook both ask)."""
    if _KEY not in rec.__dict__:
        from ..validate.runner import validate_book

        found = validate_book(rec.book, config=rec.config, today=rec.today)
        rec.__dict__[_KEY] = sum(f.severity is Severity.ERROR for f in found)
    return rec.__dict__[_KEY]
