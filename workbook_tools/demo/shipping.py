"""Carriers for the demo: which ones a shipment uses, their tracking numbers, transit times."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from ..book import Row
from ..config import Carrier
from ..errors import ConfigError
from ..ids import tracking_matches
from .context import Ctx


def _d(rng: random.Random, n: int) -> str:
    return f"{rng.randrange(10**n):0{n}d}"


Gen = Callable[[random.Random], str]

#: Real shapes of the carriers' numbers (see DESIGN.md, "Known traps").
KNOWN: dict[str, Gen] = {
    "顺丰速运": lambda r: "SF1" + _d(r, 12),
    "中通快递": lambda r: "7" + r.choice("35") + _d(r, 12),
    "圆通速递": lambda r: "YT" + r.choice("6789") + _d(r, 12),
    "韵达快递": lambda r: "4" + r.choice("36") + _d(r, 11),
    "申通快递": lambda r: "773" + _d(r, 12),
    "极兔速递": lambda r: "JT5" + _d(r, 12),
    "京东物流": lambda r: "JD" + r.choice("XK") + _d(r, 12),
    "EMS": lambda r: "E" + r.choice("ABCDEFGHJKLMNPQRTUWXY") + _d(r, 9) + "CN",
    "德邦快递": lambda r: r.choice("56") + _d(r, 9),
}
#: Shapes tried for a carrier the defaults do not know (a company's own config).
GENERIC: tuple[Gen, ...] = (
    lambda r: _d(r, 12),
    lambda r: "1" + _d(r, 13),
    lambda r: "9" + _d(r, 9),
    lambda r: "8" + _d(r, 7),
    lambda r: "SF1" + _d(r, 12),
    lambda r: "YT" + _d(r, 13),
    lambda r: "JT" + _d(r, 13),
    lambda r: "JDX" + _d(r, 12),
    lambda r: "EA" + _d(r, 9) + "CN",
    lambda r: _d(r, 20),
)
WEIGHTS = {
    "顺丰速运": 28,
    "中通快递": 16,
    "圆通速递": 12,
    "韵达快递": 10,
    "申通快递": 7,
    "极兔速递": 5,
    "京东物流": 9,
    "EMS": 5,
    "德邦快递": 6,
    "其他": 1.5,
}
TRANSIT = {"顺丰速运": (1, 2), "京东物流": (1, 2), "EMS": (2, 5), "德邦快递": (2, 5)}
OTHER_NOTES = ("同城货运", "货拉拉同城配送", "客户指定物流")
#: Where the demo company sits: some whole orders to customers in its city go without a carrier's
#: tracking number — in the company's own van, or collected by the customer.
HOME_CITY = "杭州市"
#: Carrier (config ``needs_tracking = false``), share of those orders, note on the shipment row.
LOCAL_DELIVERIES = (("送货上门", 0.15, "公司货车送货上门"), ("自提", 0.08, "客户到仓库自提"))


@dataclass(frozen=True)
class Ship:
    carrier: Carrier
    gen: Gen
    weight: float
    bulky_weight: float
    transit: tuple[int, int]


def _generator(carrier: Carrier, rng: random.Random) -> Gen | None:
    for gen in ((KNOWN[carrier.name],) if carrier.name in KNOWN else ()) + GENERIC:
        if all(tracking_matches(carrier, gen(rng)) for _ in range(5)):
            return gen
    return None


def setup_carriers(ctx: Ctx) -> list[Ship]:
    """The config's carriers the demo can produce tracking numbers for, with their weights. Those
    needing no tracking number are left to local_deliveries()."""
    ships = []
    for c in ctx.config.lists.carriers:
        if not c.needs_tracking:
            continue
        gen = _generator(c, ctx.rng)
        if gen is None:
            continue
        w = WEIGHTS.get(c.name, 3.0)
        ships.append(Ship(c, gen, w, w * (8 if c.name == "德邦快递" else 1), TRANSIT.get(c.name, (2, 4))))
    if not ships:
        raise ConfigError("lists.carriers: the demo cannot make tracking numbers for any configured carrier")
    return ships


def tracking_no(ctx: Ctx, ship: Ship) -> str:
    while (no := ship.gen(ctx.rng)) in ctx.used_tracking:
        pass
    ctx.used_tracking.add(no)
    return no


def local_deliveries(ctx: Ctx, ship_rows: list[Row], city_of: dict[str, str]) -> None:
    """Turn some whole-order shipments to customers in ``HOME_CITY`` into deliveries without a
    tracking number (送货上门, 自提), in place. Which ones follows from the order number alone, not
    from the book's random stream: the rest of the book stays what it was for the seed (their
    tracking numbers were drawn, then dropped). Carriers the settings lack, or that need a tracking
    number there, are not used."""
    local = [
        (c, share, note)
        for name, share, note in LOCAL_DELIVERIES
        if (c := ctx.config.carrier(name)) is not None and not c.needs_tracking
    ]
    if not local:
        return
    for row in ship_rows:
        no = row["order_no"]
        if row["sku"] is not None or row["notes"] is not None or city_of.get(no) != HOME_CITY:
            continue
        u = random.Random(f"local delivery {no}").random()  # str seeds hash with SHA-512: stable
        for carrier, share, note in local:
            if u < share:
                row.update(carrier=carrier.name, tracking_no=None, notes=note)
                break
            u -= share
