"""Demo products: a selection of the catalogue's variants with prices and demand."""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal

from .catalog import CATALOG, Item
from .context import DAYS, Ctx


@dataclass(slots=True)
class Product:
    item: Item
    spec: str
    model: str
    unit: str
    price: Decimal
    demand: float
    sku: str = ""
    active: bool = True
    #: Day index after which an inactive product is no longer sold.
    stop_day: int = DAYS
    opening: int = 0
    reorder: int = 0

    @property
    def name(self) -> str:
        return self.item.name


def nice_price(x: float) -> Decimal:
    """Round a raw price the way shops price things: 2.5, 12.5, 199, 1299."""
    if x < 10:
        v = round(x * 10) / 10
    elif x < 100:
        v = round(x * 2) / 2
    elif x < 1000:
        v = int(x / 10) * 10 + 9
    else:
        v = int(x / 100) * 100 + 99
    return Decimal(f"{v:.2f}")


def product_count(orders: int) -> int:
    return max(60, min(150, 60 + (orders - 2000) // 1000))


def make_products(ctx: Ctx, n: int) -> list[Product]:
    rng: random.Random = ctx.rng
    units = ctx.config.lists.units
    variants = [(i, k) for i, item in enumerate(CATALOG) for k in range(len(item.specs))]
    n = min(n, len(variants))
    # One variant of every item first (the catalogue stays broad), then random others.
    chosen = {(i, rng.randrange(len(item.specs))) for i, item in enumerate(CATALOG)}
    chosen = set(sorted(chosen)[:n])
    rest = [v for v in variants if v not in chosen]
    rng.shuffle(rest)
    chosen.update(rest[: n - len(chosen)])
    products: list[Product] = []
    bases: dict[int, tuple[float, int]] = {}
    for i, k in sorted(chosen):
        item = CATALOG[i]
        if i not in bases:
            lo, hi = item.price
            bases[i] = (rng.uniform(lo, lo + (hi - lo) * 0.6), rng.randrange(100, 900, 10))
        base, model_no = bases[i]
        unit = item.unit if item.unit in units or not units else units[0]
        products.append(
            Product(
                item=item,
                spec=item.specs[k],
                model=f"{item.prefix}-{model_no + 10 * k}",
                unit=unit,
                price=nice_price(base * (1 + 0.15 * k) * rng.uniform(0.95, 1.05)),
                demand=item.demand * rng.lognormvariate(0, 0.5) / (1 + 0.4 * k),
            )
        )
    # A few discontinued products: sold in the first months, no longer on sale.
    k_off = max(2, len(products) // 25)
    for p in rng.sample(products, k_off):
        p.active = False
        p.stop_day = rng.randint(int(DAYS * 0.4), int(DAYS * 0.8))
    return products
