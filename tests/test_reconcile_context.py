"""The reconciliation runs on validation's context through its public interface (validate/context.py)."""

from __future__ import annotations


def test_reconciliation_uses_the_validation_context_through_its_public_interface():
    import re
    from datetime import date
    from pathlib import Path

    from workbook_tools.book import OrderBook
    from workbook_tools.config import Config
    from workbook_tools.validate.context import Context

    package = Path(__file__).resolve().parents[1] / "workbook_tools" / "reconcile"
    private = [
        f"{p.name}:{n}"
        for p in sorted(package.glob("*.py"))
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"__dict__|\bctx\._", line)
    ]
    assert private == []
    ctx, calls = Context(OrderBook.from_data({}), Config(), date(2026, 3, 1)), []
    assert [ctx.once("x", lambda: calls.append(1) or len(calls)) for _ in range(3)] == [1, 1, 1] and calls == [1]
