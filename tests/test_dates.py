"""Excel serial numbers in both date systems, Excel's phantom 29 February 1900, and the column
letters, against figures worked out by hand and against openpyxl's conversion."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, to_excel

from workbook_tools.cells import col_index, col_letter
from workbook_tools.dates import (
    date_of_serial,
    day,
    from_serial,
    holds,
    in_range,
    serial,
)
from workbook_tools.read.coerce import BAD_DATE, WRONG_TYPE, Dates


def test_the_date_of_a_value():
    assert day(date(2026, 1, 2)) == date(2026, 1, 2)
    assert day(datetime(2026, 1, 2, 23, 59)) == date(2026, 1, 2)
    assert [day(v) for v in (None, "2026-01-02", 46024)] == [None, None, None]


@pytest.mark.parametrize(
    ("value", "s1900", "s1904"),
    [
        (date(1900, 1, 1), 1, None),
        (date(1900, 2, 28), 59, None),  # the last day before Excel's phantom 29 February 1900
        (date(1900, 3, 1), 61, None),
        (date(1904, 1, 1), 1462, 0),
        (date(2026, 1, 2), 46024, 44562),
        (date(9999, 12, 31), 2958465, 2957003),
        (datetime(2026, 1, 2, 12), 46024.5, 44562.5),
        (datetime(1900, 1, 1, 6), 1.25, None),
    ],
)
def test_serials_in_both_date_systems_and_before_1_march_1900(value, s1900, s1904):
    assert serial(value) == s1900
    assert from_serial(s1900) == (
        value if isinstance(value, datetime) else datetime(value.year, value.month, value.day)
    )
    assert date_of_serial(s1900) == day(value)
    if s1904 is None:
        assert not holds(value, date1904=True)
    else:
        assert serial(value, date1904=True) == s1904 and holds(value, date1904=True)
        assert date_of_serial(s1904, date1904=True) == day(value)


def test_serials_agree_with_openpyxl():
    for value in (
        date(1900, 1, 1),
        date(1900, 2, 28),
        date(1900, 3, 1),
        date(2026, 11, 27),
        datetime(2026, 11, 27, 9, 30, 15, 250_000),
        datetime(2000, 2, 29, 23, 59, 59),
    ):
        assert serial(value) == pytest.approx(to_excel(value, CALENDAR_WINDOWS_1900), abs=1e-9)
        if value >= date(1904, 1, 1) if type(value) is date else value.year >= 1904:
            assert serial(value, True) == pytest.approx(to_excel(value, CALENDAR_MAC_1904), abs=1e-9)


def test_serial_60_is_a_day_the_calendar_never_had():
    assert from_serial(60) is None and date_of_serial(60.5) is None
    assert from_serial(60, date1904=True) == datetime(1904, 3, 1)
    assert serial(date(1899, 12, 31)) == 0 and not holds(date(1899, 12, 30)) and holds(date(1899, 12, 31))
    assert [in_range(x) for x in (0, 1, 2958465, 2958466)] == [False, True, True, False]
    assert [in_range(x, True) for x in (-1, 0, 2957003, 2957004)] == [False, True, True, False]


def test_the_reader_types_serials_through_the_same_rules():
    d1900, d1904 = Dates(), Dates(date1904=True)
    assert d1900.to_date(46024.0) == date(2026, 1, 2) and d1904.to_date(44562.0) == date(2026, 1, 2)
    assert d1900.to_date(59.0) == date(1900, 2, 28) and d1900.to_date(61.0) == date(1900, 3, 1)
    assert (
        d1900.to_date(60.0) is BAD_DATE and d1900.to_date(0.0) is WRONG_TYPE and d1904.to_date(0.0) == date(1904, 1, 1)
    )
    assert d1900.to_datetime(46024.75) == datetime(2026, 1, 2, 18)


def test_column_letters_both_ways():
    for i, letters in ((0, "A"), (25, "Z"), (26, "AA"), (701, "ZZ"), (702, "AAA"), (16383, "XFD")):
        assert col_letter(i) == letters and col_index(letters) == i and col_index(letters.encode()) == i
    assert col_index("xfd") == 16383
