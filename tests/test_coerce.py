"""Cell values as calamine returns them → typed values, or a problem with a reason (never a guess)."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest

from workbook_tools.choices import choice_lists
from workbook_tools.config import Config
from workbook_tools.read.coerce import (
    REASONS,
    Bad,
    Dates,
    ExcelError,
    choice_converter,
    to_ascii_text,
    to_id,
    to_int,
    to_money,
    to_percent,
    to_text,
)
from workbook_tools.read.columns import convert_column

D = Decimal
LISTS = choice_lists(Config())


def one(fn, value):
    """Convert a single cell: the typed value, or ``Bad(reason)`` shown as its reason."""
    out, problems = convert_column([value], fn)
    if problems:
        assert out == [None]
        return ("problem", problems[0][2])
    return out[0]


# --- text and identifiers ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("  王伟 ", "王伟"),
        ("文三路\xa090 号", "文三路 90 号"),  # NBSP inside becomes a space
        ("\xa0\u3000", None),  # space-only
        ("", None),
        ("NULL", None),
        ("null", None),
        ("第一行\n第二行", "第一行\n第二行"),  # line breaks inside are kept
        (44.0, "44"),
        (12.5, "12.5"),
        (True, "TRUE"),
        (date(2026, 11, 27), "2026-11-27"),
        (datetime(2026, 11, 27, 10, 30), "2026-11-27 10:30"),
        ("#N/A", ("problem", "excel-error")),
        (ExcelError("#REF!"), ("problem", "excel-error")),
    ],
)
def test_text(raw, expected):
    assert one(to_text, raw) == expected


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("SO2026110001", "SO2026110001"),
        (" C0001\xa0", "C0001"),
        (44.0, "44"),  # an ID calamine gives as a float
        (13812345678.0, "13812345678"),  # a phone stored as a number, all 11 digits intact
        ("１３８１２３４５６７８", "13812345678"),  # full-width digits
        ("0571-88886666", "0571-88886666"),
        ("1.38E+10", ("problem", "lost-digits")),  # Excel showed it in scientific notation: digits gone
        ("1.3812E10", ("problem", "lost-digits")),
        (9.13301066e17, ("problem", "lost-digits")),  # an 18-character tax id typed as a number
        (1234567890123456.0, ("problem", "lost-digits")),  # 16 digits: beyond Excel's 15
        (999999999999999.0, "999999999999999"),  # 15 digits: still exact
        (date(2026, 1, 2), ("problem", "wrong-type")),  # SKU "1-2" that Excel turned into a date
        ("EA123456789CN", "EA123456789CN"),  # letters E… are not scientific notation
        ("2E5X", "2E5X"),
    ],
)
def test_id(raw, expected):
    assert one(to_id, raw) == expected


def test_email_folds_full_width():
    assert one(to_ascii_text, "ｗａｎｇ＠ｅｘａｍｐｌｅ．ｃｏｍ") == "wang@example.com"


# --- numbers --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, expected",
    [
        (44.0, 44),
        (-3.0, -3),
        ("123", 123),
        ("１２３", 123),
        (" 1,234 ", 1234),
        ("12.0", 12),
        ("12.5", ("problem", "not-integer")),
        (12.5, ("problem", "not-integer")),
        ("5件", ("problem", "wrong-type")),
        ("1,2", ("problem", "wrong-type")),  # not a thousands separator: no guess
        ("1_000", ("problem", "wrong-type")),
        (True, ("problem", "wrong-type")),
        (date(2026, 1, 1), ("problem", "wrong-type")),
        ("", None),
        ("NULL", None),
    ],
)
def test_int(raw, expected):
    assert one(to_int, raw) == expected


@pytest.mark.parametrize(
    "raw, expected",
    [
        (1234.5, D("1234.50")),
        (0.1 + 0.2, D("0.30")),  # 0.30000000000000004
        (2.675, D("2.68")),  # half-up on the decimal text, not the binary value
        (-12.0, D("-12.00")),
        ("¥1,234.50", D("1234.50")),
        ("￥1,234.5", D("1234.50")),
        ("-¥12", D("-12.00")),
        ("1234.5元", D("1234.50")),
        ("(1,234.50)", D("-1234.50")),  # accounting negative
        ("RMB 99", D("99.00")),
        ("１２３．４", D("123.40")),
        ("abc", ("problem", "wrong-type")),
        ("5%", ("problem", "wrong-type")),
        (True, ("problem", "wrong-type")),
    ],
)
def test_money(raw, expected):
    got = one(to_money, raw)
    assert got == expected
    if isinstance(expected, Decimal):
        assert got.as_tuple().exponent == -2


@pytest.mark.parametrize(
    "raw, expected, text",
    [
        (0.05, D("0.05"), "0.05"),
        (0.15000000000000002, D("0.15"), "0.15"),
        ("5%", D("0.05"), "0.05"),
        ("５％", D("0.05"), "0.05"),
        ("12.5 %", D("0.125"), "0.125"),
        ("0.05", D("0.05"), "0.05"),
        (0.0, D("0"), "0"),
        (1.0, D("1"), "1"),
        (0.123456, D("0.1235"), "0.1235"),
        ("五折", ("problem", "wrong-type"), None),
    ],
)
def test_percent(raw, expected, text):
    got = one(to_percent, raw)
    assert got == expected
    if text is not None:
        assert str(got) == text


# --- dates ----------------------------------------------------------------------------------

DATES = Dates()


@pytest.mark.parametrize(
    "raw, expected",
    [
        (date(2026, 11, 27), date(2026, 11, 27)),
        (datetime(2026, 11, 27, 10, 30), date(2026, 11, 27)),
        ("2026/11/27", date(2026, 11, 27)),
        ("2026-11-27", date(2026, 11, 27)),
        ("2026年11月27日", date(2026, 11, 27)),
        ("2026 年 1 月 5 日", date(2026, 1, 5)),
        ("20261127", date(2026, 11, 27)),
        ("2026.11.27", date(2026, 11, 27)),
        ("１９９６-０７-０４", date(1996, 7, 4)),
        ("1996-07-04 00:00:00.000", date(1996, 7, 4)),  # SQL Server export
        (46353.0, date(2026, 11, 27)),  # a serial that lost its date format
        (46353.75, date(2026, 11, 27)),
        (20261127.0, date(2026, 11, 27)),  # typed as a number
        (61.0, date(1900, 3, 1)),
        (59.0, date(1900, 2, 28)),
        (60.0, ("problem", "bad-date")),  # 29 Feb 1900 never happened
        ("2026-02-30", ("problem", "bad-date")),
        ("20261327", ("problem", "bad-date")),
        ("06/25/16", ("problem", "wrong-type")),  # month/day/year or day/month? not guessed
        ("明天", ("problem", "wrong-type")),
        (-5.0, ("problem", "wrong-type")),
        (True, ("problem", "wrong-type")),
        (timedelta(hours=2), ("problem", "wrong-type")),
        ("NULL", None),
        ("#N/A", ("problem", "excel-error")),
    ],
)
def test_date(raw, expected):
    assert one(DATES.to_date, raw) == expected


def test_date_1904_system():
    d1904 = Dates(date1904=True)
    assert one(d1904.to_date, 0.0) == date(1904, 1, 1)
    assert one(d1904.to_date, 40543.0) == date(2015, 1, 1)  # the same serial is 2010-12-31 in 1900
    assert one(DATES.to_date, 40543.0) == date(2010, 12, 31)


@pytest.mark.parametrize(
    "raw, expected",
    [
        (datetime(2026, 11, 2, 10, 30), datetime(2026, 11, 2, 10, 30)),
        (date(2026, 11, 2), datetime(2026, 11, 2)),
        ("2026-11-02 10:30", datetime(2026, 11, 2, 10, 30)),
        ("2026/11/02 9:05:07", datetime(2026, 11, 2, 9, 5, 7)),
        ("2026-11-02T10:30:00", datetime(2026, 11, 2, 10, 30)),
        ("2026年11月2日 10:30", datetime(2026, 11, 2, 10, 30)),
        ("2026-11-02", datetime(2026, 11, 2)),
        ("2023-02-18 06:13:56.730", datetime(2023, 2, 18, 6, 13, 56, 730000)),
        (46328.4375, datetime(2026, 11, 2, 10, 30)),
        ("2026-11-02 25:00", ("problem", "bad-date")),
        (time(10, 30), ("problem", "wrong-type")),
    ],
)
def test_datetime(raw, expected):
    assert one(DATES.to_datetime, raw) == expected


# --- choices --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("待处理", "pending"),
        ("Pending", "pending"),
        ("PENDING", "pending"),
        (" pending ", "pending"),
        ("进行中", "进行中"),  # unknown: kept as typed, validation reports not-in-list
        ("", None),
        ("#N/A", ("problem", "excel-error")),
    ],
)
def test_choice(raw, expected):
    assert one(choice_converter(LISTS["order_status"]), raw) == expected


def test_choice_labels_ignore_case_width_and_spaces():
    to_status = choice_converter(LISTS["payment_status"])
    assert one(to_status, "partly  paid") == "partial"
    assert one(to_status, "部分付款") == "partial"
    to_yes = choice_converter(LISTS["yes_no"])
    assert one(to_yes, True) == "yes" and one(to_yes, False) == "no" and one(to_yes, "否") == "no"
    to_method = choice_converter(LISTS["payment_method"])
    assert one(to_method, "WeChat Pay") == "微信支付"


# --- whole columns --------------------------------------------------------------------------


def test_problems_carry_index_raw_value_and_reason():
    out, problems = convert_column(["3", "", "x", 4.5, ExcelError("#N/A"), "NULL", 7.0], to_int)
    assert out == [3, None, None, None, None, None, 7]
    assert problems == [(2, "x", "wrong-type"), (3, 4.5, "not-integer"), (4, "#N/A", "excel-error")]
    assert set(REASONS) >= {reason for _, _, reason in problems}


def test_booleans_do_not_share_a_memo_slot_with_one_and_zero():
    out, problems = convert_column([1.0, True, 0.0, False, 1.0], to_text)
    assert out == ["1", "TRUE", "0", "FALSE", "1"] and problems == []


def test_large_text_column_fast_path_matches_the_careful_path():
    values = [f"SO{i:010d}" for i in range(5000)] + [" SO1\xa0", "", "ＳＯ２", "\u3000", "x\u00a8"]
    out, problems = convert_column(values, to_id)
    assert problems == []
    assert out[:2] == ["SO0000000000", "SO0000000001"]
    assert out[-5:-1] == ["SO1", None, "SO2", None]
    assert out == [one(to_id, v) for v in values]


@pytest.mark.parametrize(
    "odd, reason",
    [
        ("#N/A", "excel-error"),
        (ExcelError("#VALUE!"), "excel-error"),
        ("1.38E+10", "lost-digits"),
        (1.5e16, "lost-digits"),
    ],
)
def test_large_text_column_leaves_the_fast_path_for_anything_odd(odd, reason):
    values = [f"C{i:06d}" for i in range(5000)]
    values[4321] = odd
    out, problems = convert_column(values, to_id)
    assert problems == [(4321, str(odd) if isinstance(odd, ExcelError) else odd, reason)]
    assert out[4321] is None and out[4320] == "C004320"


def test_large_text_column_nulls_and_addresses_with_hash_signs():
    values = [f"文三路 {i} 号 3#楼" for i in range(5000)] + ["NULL", "#REF!"]
    out, problems = convert_column(values, to_text)
    assert out[0] == "文三路 0 号 3#楼" and out[-2:] == [None, None]
    assert problems == [(5001, "#REF!", "excel-error")]


def test_mostly_distinct_numbers_take_the_direct_path():
    values = [i + 0.25 for i in range(5000)] + ["", "abc"]
    out, problems = convert_column(values, to_money)
    assert out[:2] == [D("0.25"), D("1.25")] and out[-2:] == [None, None]
    assert problems == [(5001, "abc", "wrong-type")]


def test_bad_is_never_returned_as_a_value():
    for fn in (to_text, to_id, to_int, to_money, to_percent, DATES.to_date, DATES.to_datetime):
        out, _ = convert_column(["#N/A", "x" * 3, 1.5, True, date(2026, 1, 1), ""], fn)
        assert not any(isinstance(v, Bad) for v in out)


@pytest.mark.parametrize("fn, kind", [(DATES.to_date, date), (DATES.to_datetime, datetime)], ids=["date", "datetime"])
def test_a_column_of_its_own_type_is_its_own_output_and_anything_else_is_converted(fn, kind):
    """A date column of nothing but dates (a timestamp column of nothing but timestamps) is taken as it
    is; one other value anywhere (a serial, a datetime among dates, text) and every cell is converted,
    as one by one."""
    made = [datetime(2026, 1, 1, 8, 30) + timedelta(days=i, minutes=i) for i in range(5000)]
    values = [v if kind is datetime else v.date() for v in made]
    out, problems = convert_column(values, fn)
    assert out == values and problems == [] and all(a is b for a, b in zip(out, values))
    for odd in (46000.5, datetime(2026, 3, 1, 12, 0), date(2026, 3, 1), "2026-03-01", "x"):
        mixed = list(values)
        mixed[2500] = odd
        out, problems = convert_column(mixed, fn)
        expected = [one(fn, v) for v in mixed]
        if odd == "x":
            assert expected[2500] == ("problem", "wrong-type") and problems == [(2500, "x", "wrong-type")]
            expected[2500] = None
        else:
            assert type(out[2500]) is kind and problems == []
        assert out == expected
