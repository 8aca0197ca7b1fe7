"""Calendar months: ``Month(2026, 10)`` parsed from "2026-10", its days, and months before it."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from ..errors import WorkbookToolsError
from ..lang import said


class MonthError(WorkbookToolsError):
    """A --month value that is not a month, or a month that has not begun."""


_MONTH = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?\s*$")


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Month:
        """``"2026-10"`` (also ``2026/10``, ``2026年10月``) -> ``Month(2026, 10)``."""
        m = _MONTH.match(str(text))
        if not m or not 1 <= int(m.group(2)) <= 12 or int(m.group(1)) < 1900:
            raise MonthError(
                said(
                    (
                        "{text!r} 不是月份，请写成 YYYY-MM，例如 2026-10",
                        "{text!r} is not a month: use YYYY-MM, e.g. 2026-10",
                    ),
                    text=text,
                )
            )
        return cls(int(m.group(1)), int(m.group(2)))

    @classmethod
    def of(cls, d: date) -> Month:
        return cls(d.year, d.month)

    @classmethod
    def from_index(cls, index: int) -> Month:
        return cls(index // 12, index % 12 + 1)

    @property
    def index(self) -> int:
        """Months since year 0: consecutive months have consecutive indexes."""
        return self.year * 12 + self.month - 1

    def shift(self, months: int) -> Month:
        return Month.from_index(self.index + months)

    @property
    def first(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last(self) -> date:
        return date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    @property
    def days(self) -> int:
        return self.last.day

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


def month_index(d: date) -> int:
    return d.year * 12 + d.month - 1


def previous_month(today: date) -> Month:
    """The last complete month before ``today``: what the monthly job reports on."""
    return Month.of(today).shift(-1)
