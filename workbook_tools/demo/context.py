"""The demo's clock and the state every generation step shares.

Time is kept as whole minutes since midnight of the book's first day: cheap to add and compare,
minute precision by construction. "Now" is 09:00 on ``today``: nothing dated today happens later
than that, so no timestamp lies in the future whenever the book is generated on ``today``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from ..config import Config

if TYPE_CHECKING:
    from .shipping import Ship

D = 1440  #: minutes per day
H = 60
#: An event that has not happened (and will not before "now").
NEVER = 1 << 40
#: Days covered by the book: the last 12 months up to and including today.
DAYS = 365


class Clock:
    def __init__(self, today: date):
        self.today = today
        self.start = today - timedelta(days=DAYS - 1)
        self.today_i = DAYS - 1
        self.now = self.today_i * D + 9 * H
        self._base = datetime.combine(self.start, time())
        self.dates = [self.start + timedelta(days=i) for i in range(DAYS)]

    def date(self, m: int) -> date:
        """The date of minute ``m`` (which must not lie after today)."""
        return self.dates[m // D]

    def datetime(self, m: int) -> datetime:
        return self._base + timedelta(minutes=m)

    def day_at(self, day: int, minute_of_day: int) -> int:
        return day * D + minute_of_day


def work(m: int, rng: random.Random, open_: int = 8 * H + 30, close: int = 19 * H) -> int:
    """Move ``m`` forward into working hours (open_ ≤ time of day ≤ close)."""
    tod = m % D
    if tod < open_:
        return m - tod + open_ + rng.randrange(60)
    if tod > close:
        return m - tod + D + open_ + rng.randrange(90)
    return m


@dataclass
class Ctx:
    rng: random.Random
    clock: Clock
    config: Config
    orders_n: int
    #: Staff names.
    sales: list[str] = field(default_factory=list)
    handlers: list[str] = field(default_factory=list)
    #: Values that must stay unique across the book.
    used_tracking: set[str] = field(default_factory=set)
    used_refs: set[str] = field(default_factory=set)
    #: Carriers the demo uses (shipping.Ship) and their cumulative weights (normal, bulky goods).
    ships: list[Ship] = field(default_factory=list)
    ship_cum: list[float] = field(default_factory=list)
    ship_cum_bulky: list[float] = field(default_factory=list)

    def handler(self) -> str:
        return self.rng.choice(self.handlers)
