"""Small hand-made order books for the reconciliation tests, and the demo as pandas frames."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal as D

import pandas as pd

from workbook_tools.book import new_row as row
from workbook_tools.schema import SHEET_BY_KEY

TODAY = date(2026, 3, 1)


def small_book():
    """Two customers, two products, three orders; everything agrees."""
    return {
        "customers": [
            row(
                "customers",
                customer_id="C0001",
                name="杭州明远贸易有限公司",
                contact="王伟",
                phone="0571-88886666",
                address="文三路 90 号",
            ),
            row("customers", customer_id="C0002", name="李娜", phone="13812345678", address="解放路 1 号"),
        ],
        "products": [
            row("products", sku="P1001", name="办公椅", list_price=D("100.00"), opening_stock=50, reorder_point=5),
            row("products", sku="P1002", name="文件柜", list_price=D("20.00"), opening_stock=100, reorder_point=10),
        ],
        "orders": [
            row(
                "orders",
                order_no="SO2026010001",
                customer_id="C0001",
                order_date=date(2026, 1, 5),
                due_date=date(2026, 1, 10),
                status="completed",
            ),
            row(
                "orders",
                order_no="SO2026020001",
                customer_id="C0002",
                order_date=date(2026, 2, 20),
                due_date=date(2026, 2, 27),
                status="processing",
            ),
            row(
                "orders",
                order_no="SO2026020002",
                customer_id="C0001",
                order_date=date(2026, 2, 25),
                due_date=date(2026, 3, 5),
                status="pending",
            ),
        ],
        "order_lines": [
            row("order_lines", order_no="SO2026010001", sku="P1001", quantity=2, unit_price=D("100.00")),
            row("order_lines", order_no="SO2026020001", sku="P1002", quantity=3, unit_price=D("20.00")),
            row("order_lines", order_no="SO2026020002", sku="P1002", quantity=1, unit_price=D("20.00")),
        ],
        "status_log": [
            row("status_log", order_no="SO2026010001", status="completed", timestamp=datetime(2026, 1, 9, 9)),
        ],
        "shipments": [
            row(
                "shipments",
                order_no="SO2026010001",
                ship_date=date(2026, 1, 7),
                carrier="顺丰速运",
                tracking_no="SF1234567890123",
                delivered_on=date(2026, 1, 9),
            ),
        ],
        "payments": [
            row(
                "payments",
                order_no="SO2026010001",
                paid_on=date(2026, 1, 5),
                method="银行转账",
                amount=D("200.00"),
                reference="6222000011112222",
            ),
            row(
                "payments",
                order_no="SO2026020001",
                paid_on=date(2026, 2, 20),
                method="支付宝",
                amount=D("20.00"),
                reference="2026022022001100000001",
            ),
        ],
        "stock_moves": [
            row("stock_moves", date=date(2026, 1, 2), sku="P1001", type="receipt", quantity=10, doc_no="RK1"),
            row("stock_moves", date=date(2026, 2, 1), sku="P1002", type="stocktake", quantity=100),
        ],
    }


def frames(data) -> dict[str, pd.DataFrame]:
    """Every sheet as a DataFrame with all its input columns (money as float, dates as Timestamps)."""
    out = {}
    for key, rows in data.items():
        cols = [c.key for c in SHEET_BY_KEY[key].inputs]
        df = pd.DataFrame(rows, columns=cols)
        for c in SHEET_BY_KEY[key].inputs:
            if c.type in ("money", "percent"):
                df[c.key] = df[c.key].map(lambda v: float(v) if v is not None else float("nan"))
            elif c.type in ("date", "datetime"):
                df[c.key] = pd.to_datetime(df[c.key])
        out[key] = df
    return out


def order_amounts(f: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Per order: total (sum of rounded line amounts), paid, balance — computed with pandas alone."""
    lines = f["order_lines"].copy()
    # exact integer arithmetic: cents × parts-per-million, rounded half up to the cent
    price_c = (lines["unit_price"] * 100).round().astype("int64")
    keep_ppm = 1_000_000 - (lines["discount"].fillna(0) * 1_000_000).round().astype("int64")
    lines["amount_c"] = (lines["quantity"].astype("int64") * price_c * keep_ppm + 500_000) // 1_000_000
    total_c = lines.groupby("order_no")["amount_c"].sum()
    paid_c = (f["payments"]["amount"] * 100).round().astype("int64").groupby(f["payments"]["order_no"]).sum()
    orders = f["orders"].set_index("order_no")
    orders["total_c"] = total_c.reindex(orders.index).fillna(0).astype("int64")
    orders["paid_c"] = paid_c.reindex(orders.index).fillna(0).astype("int64")
    orders["balance_c"] = orders["total_c"] - orders["paid_c"]
    return orders
