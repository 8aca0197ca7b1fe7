"""Dates of cell values and Excel's serial numbers, in one place.

Excel counts days in one of two systems, chosen per workbook: from 1900 (serial 1 is 1900-01-01)
or, in books made by old Mac Excel, from 1904 (serial 0 is 1904-01-01, 1,462 days later). The
1900 system believes in 29 February 1900 (serial 60, a day the calendar never had, kept from
Lotus 1-2-3): from 1 March 1900 on, serial = days since 1899-12-30; before it, days since
1899-12-31. Serial 0 (1899-12-31 there) is the earliest date a 1900 book can hold.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

EPOCH_1900 = datetime(1899, 12, 30)
#: The day before serial 1 (1900-01-01), for dates before the phantom 29 February 1900.
EPOCH_1900_EARLY = datetime(1899, 12, 31)
EPOCH_1904 = datetime(1904, 1, 1)
#: Days between the two systems' serials of one date.
DAYS_1904 = 1462
#: The first day Excel's 1900 system counts right: earlier dates are one serial lower.
LEAP_BUG_END = date(1900, 3, 1)
#: The serial of 29 February 1900, which Excel shows and the calendar does not have.
PHANTOM_LEAP_DAY = 60
#: One past the serial of 9999-12-31, Excel's last day (1900 system).
MAX_SERIAL = 2958466

_LEAP_BUG_END_DT = datetime(1900, 3, 1)


def day(value: Any) -> date | None:
    """The date of a value: a date itself, a datetime's day, None for anything else."""
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else None


def serial(value: date | datetime, date1904: bool = False) -> int | float:
    """Excel's serial number of a date (an int) or a datetime (with the time as a fraction of a day),
    in the 1900 system or, with ``date1904``, the 1904 one. A date Excel cannot hold (before
    1899-12-31, or before 1904-01-01 in a 1904 book) gives a serial below its first: see :func:`holds`."""
    if value.__class__ is date:
        if date1904:
            return (value - EPOCH_1904.date()).days
        return (value - (EPOCH_1900 if value >= LEAP_BUG_END else EPOCH_1900_EARLY).date()).days
    if not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day)
    epoch = EPOCH_1904 if date1904 else EPOCH_1900 if value >= _LEAP_BUG_END_DT else EPOCH_1900_EARLY
    delta = value - epoch
    return delta.days + (delta.seconds + delta.microseconds / 1e6) / 86400  # as xlsxwriter computes it


def holds(value: date | datetime, date1904: bool = False) -> bool:
    """Whether a workbook of that date system can hold ``value`` as a date (Excel has no negative dates)."""
    return serial(value, date1904) >= 0


def in_range(number: float, date1904: bool = False) -> bool:
    """Whether a number is the serial of a day Excel can show (1900-01-01 or 1904-01-01 to 9999-12-31)."""
    return 0 <= number < MAX_SERIAL - DAYS_1904 if date1904 else 1 <= number < MAX_SERIAL


def from_serial(number: float, date1904: bool = False) -> datetime | None:
    """The datetime of an Excel serial number (the fraction is the time, to the millisecond);
    None for 29 February 1900, which has a serial and no date. The caller checks :func:`in_range`."""
    if date1904:
        epoch = EPOCH_1904
    elif PHANTOM_LEAP_DAY <= number < PHANTOM_LEAP_DAY + 1:
        return None
    else:
        epoch = EPOCH_1900 if number >= PHANTOM_LEAP_DAY else EPOCH_1900_EARLY
    days = int(number)
    ms = round((number - days) * 86_400_000)
    return epoch + timedelta(days=days, milliseconds=ms)


def date_of_serial(number: float, date1904: bool = False) -> date | None:
    """The day of an Excel serial number (its time dropped); None for 29 February 1900."""
    d = from_serial(number, date1904)
    return None if d is None else d.date()
