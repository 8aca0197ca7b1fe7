"""Identifier checks: 统一社会信用代码, phone numbers, e-mail addresses, tracking numbers."""

from __future__ import annotations

import random

import pytest

from workbook_tools.config import Carrier, Config
from workbook_tools.ids import (
    INTL_RE,
    LANDLINE_RE,
    MOBILE_RE,
    USCC_CHARS,
    is_valid_email,
    is_valid_phone,
    is_valid_uscc,
    tracking_matches,
    uscc_check_char,
)

#: Published codes of real organisations (company registers, annual reports).
REAL_USCC = [
    "91350100M000100Y43",  # example code from GB 32100-2015 commentaries
    "914403001922038216",  # 华为技术有限公司
    "91110108551385082Q",  # 小米科技有限责任公司
]


@pytest.mark.parametrize("code", REAL_USCC)
def test_real_codes_are_valid(code):
    assert uscc_check_char(code[:17]) == code[17]
    assert is_valid_uscc(code)


def test_check_character_by_hand():
    # weighted sum 1640; 1640 % 31 = 28; 31 − 28 = 3 → the character of value 3, "3"
    first17 = "91350100M000100Y4"
    values = [USCC_CHARS.index(c) for c in first17]
    weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
    check = 31 - sum(v * w for v, w in zip(values, weights)) % 31
    assert uscc_check_char(first17) == USCC_CHARS[0 if check == 31 else check] == "3"


@pytest.mark.parametrize(
    "code",
    [
        "91350100M000100Y44",  # wrong check character
        "914403001922038217",
        "91350100M000100Y4",  # 17 characters
        "91350100M000100Y433",  # 19 characters
        "91350100m000100y43",  # lower case
        "91350100I000100Y43",  # I is not in the alphabet
        "91350100O000100Y43",  # nor O
        " 91350100M000100Y43",
        "",
        None,
        914403001922038216,  # a number, as Excel would store it
    ],
)
def test_invalid_codes(code):
    assert not is_valid_uscc(code)


def test_check_character_zero_when_the_sum_divides_by_31():
    # find a body whose weighted sum is a multiple of 31: its check character is "0", never "31"
    rng = random.Random(3)
    for _ in range(10_000):
        body = "".join(rng.choice(USCC_CHARS) for _ in range(17))
        if uscc_check_char(body) == "0":
            assert is_valid_uscc(body + "0")
            return
    raise AssertionError("no body with check character 0 found")


def test_check_char_rejects_bad_input():
    with pytest.raises(ValueError):
        uscc_check_char("123")
    with pytest.raises(ValueError):
        uscc_check_char("91350100S000100Y4")


def test_every_single_character_change_is_caught():
    code = REAL_USCC[1]
    for i in range(18):
        for c in USCC_CHARS:
            if c != code[i]:
                assert not is_valid_uscc(code[:i] + c + code[i + 1 :]), (i, c)


@pytest.mark.parametrize(
    "phone",
    ["13812345678", "19912345678", "+8613812345678", "0086 138 1234 5678", "+86-138-1234-5678", "138-1234-5678"],
)
def test_mobiles(phone):
    assert MOBILE_RE.match(phone) and is_valid_phone(phone)


@pytest.mark.parametrize(
    "phone",
    [
        "0571-88886666",
        "010-62345678",
        "02162345678",
        "(0571)88886666",
        "0571 8888666",
        "021-62345678-8012",
        "021-62345678转801",
        "+86-571-88886666",
        "+86 10 62345678",
    ],
)
def test_landlines(phone):
    assert LANDLINE_RE.match(phone) and is_valid_phone(phone)


@pytest.mark.parametrize("phone", ["+1 415 555 0100", "+44 20 7946 0958", "+852 51234567", "+85223456789"])
def test_international(phone):
    assert INTL_RE.match(phone) and is_valid_phone(phone)


def test_service_numbers():
    assert is_valid_phone("400-888-8888") and is_valid_phone("8008208820")


@pytest.mark.parametrize(
    "phone",
    [
        "12812345678",  # 12x is not a mobile prefix
        "1381234567",  # 10 digits
        "138123456789",  # 12 digits
        "23812345678",
        "571-88886666",  # area code without 0
        "0571-0888666",  # local number starting with 0
        "0571-888",  # too short
        "0571-888866667777",  # too long, no extension separator
        "+86 123",  # +86 and not a mainland number
        "+8612345678901",
        "+",
        "+12",
        "++1234567",
        "0000-1234567",
        "123",
        "",
        "13812345678.0",
        None,
        13812345678,
    ],
)
def test_invalid_phones(phone):
    assert not is_valid_phone(phone)


@pytest.mark.parametrize(
    "email",
    [
        "wangwei@example.com",
        "zhang.san+orders@mingyuan.com.cn",
        "123456789@qq.com",
        "a_b-c@sub.domain.cn",
        " li@163.com ",
    ],
)
def test_valid_emails(email):
    assert is_valid_email(email)


@pytest.mark.parametrize(
    "email",
    [
        "wangwei",
        "wangwei@",
        "@example.com",
        "wang wei@example.com",
        "wang..wei@example.com",
        ".wang@example.com",
        "wang@example",
        "wang@-example.com",
        "wang@example.c",
        "王伟@example.com",
        "a@b@example.com",
        "x" * 65 + "@example.com",
        "",
        None,
    ],
)
def test_invalid_emails(email):
    assert not is_valid_email(email)


@pytest.mark.parametrize(
    "carrier,good,bad",
    [
        ("顺丰速运", ["SF1234567890123", "SF123456789012"], ["SF12345", "sf1234567890123", "1234567890123"]),
        ("中通快递", ["75123456789012"], ["7512345678901", "751234567890123"]),
        ("韵达快递", ["4312345678901", "312345678901234"], ["43123456789012"]),
        ("极兔速递", ["JT5123456789012", "JT512345678901"], ["JT51234567890123", "JX5123456789012"]),
        ("京东物流", ["JDX123456789012", "JDK123456789012"], ["JDA123456789012", "JD123456789012"]),
        ("EMS", ["EA123456789CN"], ["EA12345678CN", "1123456789012"]),
        ("德邦快递", ["12345678", "5123456789"], ["1234567", "51234567890"]),
    ],
)
def test_tracking_numbers_follow_the_configured_carrier(carrier, good, bad):
    c = Config().carrier(carrier)
    assert all(tracking_matches(c, no) for no in good)
    assert not any(tracking_matches(c, no) for no in bad)


def test_tracking_unknown_format_and_odd_values():
    other = Config().carrier("其他")
    assert tracking_matches(other, "whatever-123")
    sf = Config().carrier("顺丰速运")
    assert tracking_matches(sf, " SF1234567890123 ")
    assert not tracking_matches(sf, None)
    assert not tracking_matches(sf, 1234567890123)
    custom = Carrier(name="同城快送", tracking=r"TC\d{6}")
    assert tracking_matches(custom, "TC123456") and not tracking_matches(custom, "TC1234567")
