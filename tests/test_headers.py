"""Header cells → schema columns: either language, aliases, any spelling staff leave behind."""

import pytest

from workbook_tools.config import Config
from workbook_tools.read.headers import find_header, header_map, normalise
from workbook_tools.schema import SHEET_BY_KEY, SHEETS

ORDERS = SHEET_BY_KEY["orders"]


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("订单编号", "订单编号"),
        (" 订单编号 *", "订单编号"),
        ("订单编号＊", "订单编号"),
        ("订单\n编号", "订单编号"),
        ("订单\xa0编号", "订单编号"),
        ("Order No", "orderno"),
        ("ＯＲＤＥＲ　ＮＯ", "orderno"),
        ("order_no", "order_no"),
        (2026.0, "2026.0"),
    ],
)
def test_normalise(raw, expected):
    assert normalise(raw) == expected


def test_header_map_accepts_both_languages_keys_and_aliases():
    hmap = header_map(ORDERS)
    for text in ("订单编号", "Order no", "order_no", "订单号", "Order Number", " 订单编号* "):
        assert hmap.match(text) == "order_no", text
    assert hmap.match("客户名称") == "customer_name"
    assert hmap.match("something else") is None
    assert hmap.match("") is None


def test_configured_aliases_add_names_but_never_take_an_official_one():
    config = Config(aliases={"orders.order_no": ["单据编号", "下单日期"], "orders.status": ["进度"]})
    hmap = header_map(ORDERS, config)
    assert hmap.match("单据编号") == "order_no"
    assert hmap.match("进度") == "status"
    assert hmap.match("下单日期") == "order_date"  # the official header keeps its column


def test_no_two_columns_of_a_sheet_claim_the_same_header():
    for sheet in SHEETS:
        owner: dict[str, str] = {}
        for col in sheet.columns:
            for word in (col.zh, col.en, col.key, *col.aliases):
                assert owner.setdefault(normalise(word), col.key) == col.key, (sheet.key, word)


def test_find_header_skips_title_rows_and_keeps_unknown_headers():
    grid = [
        ["客户订单管理簿", "", "", "", ""],
        ["", "", "", "", ""],
        ["导出时间：2026-11-27", "订单", "", "", ""],  # one word that looks like a header is not enough
        ["", "状态", "订单编号", "下单日期", "我的备注"],
        ["", "待处理", "SO1", "2026-11-27", "x"],
    ]
    header = find_header(grid, header_map(ORDERS))
    assert header.index == 3
    assert header.columns == {"status": 1, "order_no": 2, "order_date": 3}
    assert header.extra == {"我的备注": 4}


def test_find_header_first_cell_naming_a_column_wins_and_repeats_are_extra():
    grid = [["订单编号", "客户编号", "订单号", "备注", "Notes", "备注", "我的", "我的"]]
    header = find_header(grid, header_map(ORDERS))
    assert header.columns == {"order_no": 0, "customer_id": 1, "notes": 3}
    assert header.extra == {"订单号": 2, "Notes": 4, "备注": 5, "我的": 6, "我的 (H)": 7}


def test_find_header_falls_back_to_the_best_row_and_none_when_nothing_matches():
    assert find_header([["a", "b"], ["订单编号", "x"]], header_map(ORDERS)).index == 1
    assert find_header([["a", "b"], ["c", ""]], header_map(ORDERS)) is None
    assert find_header([], header_map(ORDERS)) is None
    deep = [[""]] * 30 + [["订单编号", "客户编号", "下单日期"]]
    assert find_header(deep, header_map(ORDERS)) is None  # only the top 30 rows are searched
