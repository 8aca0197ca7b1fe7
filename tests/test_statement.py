"""Customer statements (对账单): a small book worked by hand figure by figure, the closing balance of
every demo customer against the ageing (and against pandas), the printable workbook, the command,
and the PDFs LibreOffice renders."""

from __future__ import annotations

import subprocess
from datetime import date
from decimal import Decimal as D

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import needs_soffice
from reconcile_cases import frames, order_amounts

from workbook_tools.book import new_row as row
from workbook_tools.config import BankAccount, Config
from workbook_tools.demo import generate_demo
from workbook_tools.derive import derive
from workbook_tools.outputs import read_tag
from workbook_tools.receivables import ageing, allocate, credits, receivables
from workbook_tools.statement import Credit, as_at, customer_statements
from workbook_tools.statement.sheet import write_statement
from workbook_tools.statement.texts import goods_summary
from workbook_tools.template import write_book

TODAY = date(2026, 11, 27)
BANK = Config(
    company_name="杭州明远办公用品有限公司",
    bank_account=BankAccount(bank="中国工商银行杭州文三路支行", account_no="1202021209000123456"),
)


def hand_book():
    """C0001 owes 150.00 from September; in October two orders, a cancelled order paid 40.00 and not
    refunded, and 150.00 paid to the September order; 100.00 paid and the 40.00 refunded in November
    are not October's."""
    order = lambda no, day, due, status, cust="C0001": row(
        "orders", order_no=no, customer_id=cust, order_date=day, due_date=due, status=status
    )
    line = lambda no, sku, q, price, disc=None: row(
        "order_lines", order_no=no, sku=sku, quantity=q, unit_price=D(price), discount=disc
    )
    pay = lambda no, day, amount, ref: row(
        "payments", order_no=no, paid_on=day, method="银行转账", amount=D(amount), reference=ref
    )
    return {
        "customers": [
            row(
                "customers",
                customer_id="C0001",
                name="杭州明远贸易有限公司",
                contact="王伟",
                phone="0571-88886666",
                address="西湖区文三路 90 号",
            ),
            row("customers", customer_id="C0002", name="李娜", phone="13812345678", address="解放路 1 号"),
            row("customers", customer_id="C0003", name="没有往来的客户", phone="13900000000", address="某路 3 号"),
        ],
        "products": [
            row("products", sku="P1001", name="办公椅", list_price=D("100.00"), opening_stock=50),
            row("products", sku="P1002", name="文件柜", list_price=D("20.00"), opening_stock=50),
            row("products", sku="P1003", name="台灯", list_price=D("35.00"), opening_stock=50),
        ],
        "orders": [
            order("SO2026090001", date(2026, 9, 20), date(2026, 9, 25), "completed"),
            order("SO2026100001", date(2026, 10, 8), date(2026, 10, 15), "shipped"),
            order("SO2026100002", date(2026, 10, 15), date(2026, 10, 20), "cancelled"),
            order("SO2026100003", date(2026, 10, 20), date(2026, 11, 5), "pending"),
            order("SO2026100004", date(2026, 10, 9), date(2026, 10, 12), "completed", cust="C0002"),
        ],
        "order_lines": [
            line("SO2026090001", "P1001", 2, "100.00"),
            line("SO2026100001", "P1002", 3, "20.00"),
            line("SO2026100001", "P1003", 1, "35.00", D("0.1")),
            line("SO2026100001", "P1001", 1, "100.00"),
            line("SO2026100002", "P1003", 4, "35.00"),
            line("SO2026100003", "P1001", 1, "100.00"),
            line("SO2026100004", "P1002", 1, "20.00"),
        ],
        "status_log": [],
        "shipments": [],
        "stock_moves": [],
        "payments": [
            pay("SO2026090001", date(2026, 9, 25), "50.00", "TX0925"),
            pay("SO2026100002", date(2026, 10, 16), "40.00", "TX1016"),
            pay("SO2026090001", date(2026, 10, 25), "150.00", "TX1025"),
            pay("SO2026100003", date(2026, 11, 3), "100.00", "TX1103"),
            pay("SO2026100002", date(2026, 11, 5), "-40.00", "TX1105"),  # the cancelled order's money back
            pay("SO2026100004", date(2026, 10, 9), "20.00", "TX1009"),
        ],
    }


def test_hand_worked_statement_figure_by_figure():
    [st] = customer_statements(hand_book(), "2026-10", customers=["C0001"], today=TODAY)
    assert (st.start, st.end) == (date(2026, 10, 1), date(2026, 10, 31))
    assert st.opening == D("150.00")  # 200.00 ordered in September − 50.00 paid
    got = [(e.day, e.kind, e.order_no, e.charge, e.receipt, e.balance) for e in st.entries]
    assert got == [
        # 3 × 20.00 + 35.00 × 90 % + 100.00 = 60.00 + 31.50 + 100.00
        (date(2026, 10, 8), "order", "SO2026100001", D("191.50"), D(0), D("341.50")),
        (date(2026, 10, 15), "cancelled", "SO2026100002", D(0), D(0), D("341.50")),
        (date(2026, 10, 16), "payment", "SO2026100002", D(0), D("40.00"), D("301.50")),
        (date(2026, 10, 20), "order", "SO2026100003", D("100.00"), D(0), D("401.50")),
        (date(2026, 10, 25), "payment", "SO2026090001", D(0), D("150.00"), D("251.50")),
    ]
    assert st.entries[0].goods == ("文件柜", "台灯", "办公椅") and st.entries[1].total == D("140.00")
    assert (st.charged, st.received, st.closing) == (D("291.50"), D("190.00"), D("251.50"))
    # open at 31 October: 191.50 (16 days past its due date) and 100.00 (the November payment not yet made)
    assert [(i.order_no, i.balance, i.days_past_due) for i in st.open_items] == [
        ("SO2026100001", D("191.50"), 16),
        ("SO2026100003", D("100.00"), -5),
    ]
    assert st.credits == (Credit("refund_due", "SO2026100002", D("40.00")),)
    assert st.ageing == (D("100.00"), D("191.50"), D(0), D(0), D(0))
    assert st.ageing_total - st.credit_total == st.closing  # 291.50 − 40.00


def test_the_month_before_and_after():
    data = hand_book()
    [sep] = customer_statements(data, "2026-09", customers=["C0001"], today=TODAY)
    assert (sep.opening, sep.charged, sep.received, sep.closing) == (D(0), D("200.00"), D("50.00"), D("150.00"))
    [nov] = customer_statements(data, "2026-11", customers=["C0001"], today=TODAY)
    assert nov.end == TODAY  # a month still running is stated up to today
    assert [(e.day, e.kind, e.receipt, e.balance) for e in nov.entries] == [
        (date(2026, 11, 3), "payment", D("100.00"), D("151.50")),
        (date(2026, 11, 5), "refund", D("-40.00"), D("191.50")),
    ]
    assert (nov.opening, nov.received, nov.closing) == (D("251.50"), D("60.00"), D("191.50"))
    assert [i.order_no for i in nov.open_items] == ["SO2026100001"] and not nov.credits  # refunded


def test_all_states_customers_with_something_to_state_and_an_unknown_customer_is_refused():
    from workbook_tools.statement import StatementError

    got = customer_statements(hand_book(), "2026-10", today=TODAY)
    assert [s.customer.customer_id for s in got] == ["C0001", "C0002"]  # C0003 had nothing
    assert (got[1].opening, got[1].charged, got[1].received, got[1].closing) == (D(0), D("20.00"), D("20.00"), D(0))
    [idle] = customer_statements(hand_book(), "2026-10", customers=["c0003"], today=TODAY)  # case-insensitive
    assert idle.customer.name == "没有往来的客户" and not idle.entries and idle.closing == 0
    with pytest.raises(StatementError, match="C9999"):
        customer_statements(hand_book(), "2026-10", customers=["C9999"], today=TODAY)


@pytest.mark.parametrize(
    "names, zh, en",
    [
        (("办公椅",), "办公椅", "办公椅"),
        (("办公椅", "文件柜"), "办公椅、文件柜", "办公椅, 文件柜"),
        (("办公椅", "文件柜", "台灯", "台灯", "笔"), "办公椅、文件柜等5项", "办公椅, 文件柜 and 3 more"),
        (("办公椅", "办公椅"), "办公椅等2项", "办公椅 and 1 more"),
    ],
)
def test_goods_summary(names, zh, en):
    assert (goods_summary(names, "zh"), goods_summary(names, "en")) == (zh, en)


# --------------------------------------------------------------------------- terms and money on account


def terms_book(transfer="10000.00"):
    """C0001 on 月结60天 owes three September orders of 4,000 / 5,000 / 3,000 (shipped 9-05, 9-14 and
    9-14; the third on its own terms, 货到付款) and pays ``transfer`` on account on 10-10; an October
    order not shipped yet is not due."""
    order = lambda no, day, status="shipped", **kw: row(
        "orders", order_no=no, customer_id="C0001", order_date=day, status=status, **kw
    )
    line = lambda no, amount: row("order_lines", order_no=no, sku="P1001", quantity=1, unit_price=D(amount))
    ship = lambda no, day: row("shipments", order_no=no, ship_date=day, carrier="送货上门")
    data = hand_book()
    data["customers"][0]["terms"] = "月结60天"
    data.update(
        orders=[
            order("SO2026090011", date(2026, 9, 1)),
            order("SO2026090012", date(2026, 9, 10)),
            order("SO2026090013", date(2026, 9, 12), terms="货到付款"),
            order("SO2026100011", date(2026, 10, 20), status="processing"),
        ],
        order_lines=[
            line("SO2026090011", "4000.00"),
            line("SO2026090012", "5000.00"),
            line("SO2026090013", "3000.00"),
            line("SO2026100011", "800.00"),
        ],
        shipments=[
            ship("SO2026090011", date(2026, 9, 5)),
            ship("SO2026090012", date(2026, 9, 14)),
            ship("SO2026090013", date(2026, 9, 14)),
        ],
        payments=[
            row(
                "payments",
                customer_id="C0001",
                paid_on=date(2026, 10, 10),
                method="银行转账",
                amount=D(transfer),
                reference="TX-ONE-TRANSFER",
            )
        ],
    )
    return data


def test_terms_give_the_due_dates_and_the_ageing():
    [st] = customer_statements(terms_book(transfer="0.01"), "2026-10", customers=["C0001"], today=TODAY)
    assert st.customer.terms == "月结60天"
    # 月结60天: the end of the second month after the shipment's; 货到付款: on the day it shipped
    assert [(i.order_no, i.terms, i.due_date, i.days_past_due) for i in st.open_items] == [
        ("SO2026090013", "货到付款", date(2026, 9, 14), 47),
        ("SO2026090011", "月结60天", date(2026, 11, 30), -30),
        ("SO2026090012", "月结60天", date(2026, 11, 30), -30),
        ("SO2026100011", "月结60天", None, 0),  # not shipped: not due
    ]
    assert [(e.order_no, e.terms, e.due_date) for e in st.entries if e.kind == "order"] == [
        ("SO2026100011", "月结60天", None)
    ]
    # 4,000 (less the 0.01 on account, oldest due first: the 货到付款 order) … by bucket
    assert st.ageing == (D("9800.00"), D(0), D("2999.99"), D(0), D(0))


def test_one_transfer_pays_three_orders_oldest_due_first():
    """10,000 on account over open orders of 4,000 / 5,000 / 3,000 due oldest first leaves 2,000 open
    on the third (the unshipped October order of 800 is not due, so it comes last and gets nothing)."""
    data = terms_book()
    for o, due in zip(data["orders"], [None, None, None]):
        o["terms"] = due
    data["customers"][0]["terms"] = None
    for o, due in zip(data["orders"], [date(2026, 9, 10), date(2026, 9, 20), date(2026, 10, 5), date(2026, 11, 20)]):
        o["due_date"] = due
    [sep, oct_] = (customer_statements(data, m, customers=["C0001"], today=TODAY)[0] for m in ("2026-09", "2026-10"))
    assert sep.closing == oct_.opening == D("12000.00")
    [pay] = [e for e in oct_.entries if e.kind == "payment"]
    assert (pay.on_account, pay.order_no, pay.receipt) == (True, "", D("10000.00"))
    assert pay.allocations == (
        ("SO2026090011", D("4000.00")),
        ("SO2026090012", D("5000.00")),
        ("SO2026090013", D("1000.00")),
    )
    assert pay.unallocated == 0
    assert [(i.order_no, i.paid, i.allocated, i.balance) for i in oct_.open_items] == [
        ("SO2026090013", D("1000.00"), D("1000.00"), D("2000.00")),
        ("SO2026100011", D(0), D(0), D("800.00")),
    ]
    assert oct_.closing == D("2800.00") == oct_.ageing_total and not oct_.credits


def test_money_left_on_account_is_a_credit():
    [st] = customer_statements(terms_book(transfer="13000.00"), "2026-10", customers=["C0001"], today=TODAY)
    [pay] = [e for e in st.entries if e.kind == "payment"]
    # every open order is paid, the one not due yet last: 4,000 + 5,000 + 3,000 + 800, 200 left
    assert [n for n, _ in pay.allocations][-1] == "SO2026100011" and pay.unallocated == D("200.00")
    assert sum(a for _, a in pay.allocations) == D("12800.00") and not st.open_items
    assert st.credits == (Credit("on_account", "", D("200.00")),)
    assert st.closing == D("-200.00") == st.ageing_total - st.credit_total  # 12,800 − 13,000


def test_money_left_on_account_pays_the_next_months_order(tmp_path):
    """13,000 paid on account on 9-28 pays September's 12,000; October's 800 order takes 800 of the
    1,000 left: October shows it applied, with no change to the balance."""
    data = terms_book(transfer="13000.00")
    data["payments"][0]["paid_on"] = date(2026, 9, 28)
    [sep] = customer_statements(data, "2026-09", customers=["C0001"], today=TODAY)
    assert [e.kind for e in sep.entries] == ["order", "order", "order", "payment"]
    assert sep.entries[-1].unallocated == D("1000.00") and sep.closing == D("-1000.00")
    assert sep.credits == (Credit("on_account", "", D("1000.00")),)
    [oct_] = customer_statements(data, "2026-10", customers=["C0001"], today=TODAY)
    got = [(e.day, e.kind, e.order_no, e.charge, e.receipt, e.balance, e.allocations) for e in oct_.entries]
    assert got == [
        (date(2026, 10, 20), "order", "SO2026100011", D("800.00"), D(0), D("-200.00"), ()),
        (date(2026, 10, 20), "applied", "", D(0), D(0), D("-200.00"), (("SO2026100011", D("800.00")),)),
    ]
    assert oct_.credits == (Credit("on_account", "", D("200.00")),) and not oct_.open_items
    _, rows = _cells(write_statement(oct_, tmp_path / "s.xlsx", "zh"))
    assert _find(rows, "以前的预收款核销本单")[1:7] == (
        "SO2026100011",
        "以前的预收款核销本单",
        None,
        None,
        None,
        "800.00",
    )


def test_workbook_shows_terms_due_dates_and_the_allocation(tmp_path):
    [st] = customer_statements(terms_book(transfer="13000.00"), "2026-10", customers=["C0001"], today=TODAY)
    _, rows = _cells(write_statement(st, tmp_path / "s.xlsx", "zh", config=BANK))
    assert _find(rows, "付款条件")[1] == "月结60天"
    assert _find(rows, "销售：办公椅")[1::5] == ("SO2026100011", "发货后起算")
    assert _find(rows, "客户账户收款（银行转账）")[4:7] == (13000, -1000, "流水号 TX-ONE-TRANSFER")  # 12,000 − 13,000
    assert [(r[1], r[6]) for r in rows if r[2] == "　└ 核销本单"] == [
        ("SO2026090013", "3,000.00"),
        ("SO2026090011", "4,000.00"),
        ("SO2026090012", "5,000.00"),
        ("SO2026100011", "800.00"),
    ]
    assert _find(rows, "　└ 余款留作预收款")[6] == "200.00"
    assert _find(rows, "客户账户余款（预收款）")[5] == -200
    _, rows = _cells(write_statement(st, tmp_path / "en.xlsx", "en"))
    assert _find(rows, "Payment terms")[1] == "Month-end 60 days"
    assert _find(rows, "Sale: 办公椅")[1::5] == ("SO2026100011", "due from shipment")


# --------------------------------------------------------------------------- the demo


@pytest.fixture(scope="module")
def demo():
    return generate_demo(600, seed=4, today=TODAY)


MONTHS = ["2025-12", "2026-02", "2026-05", "2026-08", "2026-10", "2026-11"]


@pytest.mark.parametrize("month", MONTHS)
def test_closing_balance_equals_the_ageing_total_for_every_demo_customer(demo, month):
    ids = [c["customer_id"] for c in demo["customers"]]
    statements = customer_statements(demo, month, customers=ids, today=TODAY)
    end = statements[0].end
    cut, config = as_at(demo, end), Config()
    derived = derive(cut, config, today=end)
    money_on_account = credits(cut, allocate(cut, derived, config))
    rows = ageing(receivables(cut, derived, config, as_of=end), credit=money_on_account).rows
    table = {r.customer_id: r.net for r in rows}  # open balances − money on account
    for st in statements:
        others = sum((c.amount for c in st.credits if c.kind != "on_account"), D(0))  # overpaid, refunds due
        assert st.closing == table.get(st.customer.customer_id, D(0)) - others, st.customer.customer_id
    owing = [st for st in statements if st.closing]
    assert len(owing) >= 5 and sum(1 for st in statements if st.credits) < len(owing)  # not vacuous


def test_the_demos_transfers_on_account_are_allocated_whole(demo):
    """Every payment on account of the demo's 月结 customers in its months is split over orders (and
    what is left on account) to the cent."""
    ids = [c["customer_id"] for c in demo["customers"]]
    transfers = [
        e
        for m in MONTHS
        for st in customer_statements(demo, m, customers=ids, today=TODAY)
        for e in st.entries
        if e.on_account and e.kind == "payment"
    ]
    assert len(transfers) >= 5
    for e in transfers:
        assert e.allocations and sum((a for _, a in e.allocations), e.unallocated) == e.receipt, e.reference


def test_closing_balances_against_pandas_and_month_to_month(demo):
    """Closing = non-cancelled order totals to the month's end − payments to its end, by pandas alone;
    each month opens with the balance the month before closed with."""
    f = frames(demo)
    amounts = order_amounts(f).reset_index()
    owner = f["orders"][["order_no", "customer_id"]].rename(columns={"customer_id": "order_customer"})
    pays = f["payments"].merge(owner, on="order_no", how="left")
    # a payment belongs to its order's customer; a payment on account (no order) to the customer it names
    pays["customer_id"] = pays["order_customer"].fillna(pays.get("customer_id", pd.Series(dtype=object)))
    ids = [c["customer_id"] for c in demo["customers"]]
    before = None
    for month in ["2026-07", "2026-08", "2026-09", "2026-10"]:
        statements = customer_statements(demo, month, customers=ids, today=TODAY)
        end = pd.Timestamp(statements[0].end)
        placed = amounts[(amounts["order_date"] <= end) & (amounts["status"] != "cancelled")]
        owed_c = (
            placed.groupby("customer_id")["total_c"]
            .sum()
            .sub((pays[pays["paid_on"] <= end].groupby("customer_id")["amount"].sum() * 100).round(), fill_value=0)
        )
        for st in statements:
            assert st.closing * 100 == D(int(owed_c.get(st.customer.customer_id, 0))), st.customer.customer_id
            if before is not None:
                assert st.opening == before[st.customer.customer_id]
        before = {st.customer.customer_id: st.closing for st in statements}


# --------------------------------------------------------------------------- the workbook


def _cells(path):
    ws = openpyxl.load_workbook(path).active
    return ws, list(ws.iter_rows(values_only=True))


def _find(rows, text):
    return next(r for r in rows if text in r)


def test_workbook_in_chinese(tmp_path):
    [st] = customer_statements(hand_book(), "2026-10", customers=["C0001"], today=TODAY)
    path = write_statement(st, tmp_path / "s.xlsx", "zh", config=BANK)
    assert read_tag(path) == "statement"
    ws, rows = _cells(path)
    assert ws.title == "对账单"
    assert rows[0][0] == "杭州明远办公用品有限公司" and rows[1][0] == "对 账 单"
    assert rows[2][0] == "对账期间：2026-10-01 至 2026-10-31    对账日期：2026-10-31    币种：CNY"
    assert _find(rows, "客户名称")[:5] == ("客户名称", "杭州明远贸易有限公司", None, "客户编号", "C0001")
    assert _find(rows, "期初余额")[2:6] == ("期初余额", None, None, 150.0)
    order = _find(rows, "SO2026100001")
    assert order[2:6] == ("销售：文件柜、台灯等3项", 191.5, None, 341.5)
    assert _find(rows, "已取消：台灯")[3:7] == (0, None, 341.5, "订单金额 140.00 不计")
    assert _find(rows, "收款（银行转账）")[1:7] == (
        "SO2026100002",
        "收款（银行转账）",
        None,
        40,
        301.5,
        "流水号 TX1016",
    )
    assert _find(rows, "本期合计")[3:5] == (291.5, 190)
    assert _find(rows, "期末余额")[5] == 251.5
    assert _find(rows, "待退款（订单已取消）")[5] == -40
    assert _find(rows, "合计（= 期末余额）")[5] == 251.5
    assert [r[5] for r in rows if r[3] in ("未到期", "0–30天", "31–60天", "减：客户余款")] == [100, 191.5, 0, -40]
    assert (
        _find(rows, "开户行")[1] == "中国工商银行杭州文三路支行"
        and _find(rows, "户名")[1] == "杭州明远办公用品有限公司"
    )
    assert _find(rows, "客户确认签章：")[0] == "经办人："
    assert _find(rows, "日期：        年      月      日")[0] == "日期：2026-10-31"
    # A4 portrait, the width on one page, page x of y, the table's header on every page
    assert (ws.page_setup.paperSize, ws.page_setup.orientation) == (9, "portrait")
    # fit to one page wide (fitToWidth left out: 1 is its default), as many pages tall as it takes
    assert ws.sheet_properties.pageSetUpPr.fitToPage and (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (
        None,
        0,
    )
    assert ws.oddFooter.center.text == "第 &P 页，共 &N 页"
    assert (
        ws.oddHeader.left.text == "杭州明远办公用品有限公司"
        and ws.oddHeader.right.text == "对账单 杭州明远贸易有限公司 2026-10"
    )
    head = next(i for i, r in enumerate(rows, 1) if r[0] == "日期")
    assert ws.print_title_rows == f"${head}:${head}"


def test_a_refund_on_the_workbook(tmp_path):
    [st] = customer_statements(hand_book(), "2026-11", customers=["C0001"], today=TODAY)
    _, rows = _cells(write_statement(st, tmp_path / "s.xlsx", "zh"))
    assert _find(rows, "退款（银行转账）")[1:7] == (
        "SO2026100002",
        "退款（银行转账）",
        None,
        -40,
        191.5,
        "流水号 TX1105",
    )
    assert _find(rows, "本期合计")[3:5] == (0, 60)  # nothing charged in November, 100.00 − 40.00 received


def test_workbook_in_english_without_a_bank_account(tmp_path):
    [st] = customer_statements(hand_book(), "2026-10", customers=["C0001"], today=TODAY)
    ws, rows = _cells(write_statement(st, tmp_path / "s.xlsx", "en"))
    assert ws.title == "Statement" and rows[1][0] == "Statement of account"
    assert rows[2][0] == "Period: 2026-10-01 to 2026-10-31    Statement date: 2026-10-31    Currency: CNY"
    assert _find(rows, "SO2026100001")[2] == "Sale: 文件柜, 台灯 and 1 more"
    assert _find(rows, "Opening balance")[5] == 150 and _find(rows, "Closing balance")[5] == 251.5
    assert _find(rows, "Refund due (order cancelled)")[5] == -40
    assert ws.oddFooter.center.text == "Page &P of &N"
    assert not any("Please pay to" in r for r in rows)  # no account in the settings: none printed
    assert _find(rows, "Customer's signature and seal:")


# --------------------------------------------------------------------------- the command


@pytest.fixture
def book_file(tmp_path):
    return write_book(tmp_path / "book.xlsx", hand_book(), today=TODAY)


def run(*args):
    from workbook_tools.cli import cli

    return CliRunner().invoke(cli, ["statement", *[str(a) for a in args]], catch_exceptions=False)


def test_command_writes_one_workbook_per_customer_and_replaces_its_own(book_file, tmp_path):
    result = run(book_file, "--month", "2026-10", "--all", "--today", TODAY)
    assert result.exit_code == 0, result.output
    folder = tmp_path / "book.statements-2026-10"
    names = ["book.statement-2026-10-C0001.xlsx", "book.statement-2026-10-C0002.xlsx"]
    assert sorted(p.name for p in folder.iterdir()) == names
    assert all(read_tag(folder / n) == "statement" for n in names)
    lines = result.output.splitlines()
    assert lines[1:4] == [
        f"C0001 杭州明远贸易有限公司  期初 150.00  应收 291.50  收款 190.00  期末 251.50  → {names[0]}",
        f"C0002 李娜  期初 0.00  应收 20.00  收款 20.00  期末 0.00  → {names[1]}",
        f"已写入 2 份对账单 → {folder}",
    ]
    assert "bank_account.bank" in lines[4]
    again = run(book_file, "--month", "2026-10", "--customer", "C0001", "-o", folder, "--today", TODAY, "--lang", "en")
    assert again.exit_code == 0 and again.output.splitlines()[-2] == f"wrote 1 statement(s) → {folder}"


def test_command_refuses_what_it_may_not_write_before_writing_anything(book_file, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    book_copy = out / "book.statement-2026-10-C0002.xlsx"
    book_copy.write_bytes(book_file.read_bytes())  # an order book under a statement's name
    result = run(book_file, "--month", "2026-10", "--all", "-o", out, "--today", TODAY)
    assert result.exit_code == 2 and "is an order book" in result.output and "Traceback" not in result.output
    assert sorted(p.name for p in out.iterdir()) == [book_copy.name]  # C0001's was not written either
    assert book_copy.read_bytes() == book_file.read_bytes()
    result = run(book_file, "--month", "2026-10", "--all", "-o", out, "--today", TODAY, "--force")
    assert result.exit_code == 0 and read_tag(book_copy) == "statement"
    assert len(list(out.glob("book.statement-2026-10-C0002.*.bak.xlsx"))) == 1


def test_customer_ids_a_file_name_cannot_hold(tmp_path):
    data = hand_book()
    data["customers"] += [
        row("customers", customer_id="C/1", name="甲", phone="13900000001", address="1 号"),
        row("customers", customer_id="C:1", name="乙", phone="13900000002", address="2 号"),
    ]
    book = write_book(tmp_path / "ids.xlsx", data, today=TODAY)
    result = run(book, "--month", "2026-10", "--customer", "C/1", "--customer", "C:1", "--today", TODAY)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "ids.statements-2026-10").iterdir()) == [
        "ids.statement-2026-10-C_1-2.xlsx",
        "ids.statement-2026-10-C_1.xlsx",
    ]


@pytest.mark.parametrize(
    "args, message",
    [
        (["--all", "--customer", "C0001"], "give --customer ID (one or more) or --all"),
        ([], "give --customer ID (one or more) or --all"),
        (["--customer", "C9999"], "no customer C9999 on the Customers sheet"),
    ],
)
def test_command_usage_errors(book_file, args, message):
    result = run(book_file, "--month", "2026-10", "--today", TODAY, *args)
    assert result.exit_code == 2 and message in result.output and "Traceback" not in result.output


def test_a_month_not_begun(book_file):
    from workbook_tools.cli import cli

    for lang, line in (
        ("zh", "orderbook: 2026-12 尚未开始（今天是 2026-11-27）"),
        ("en", "orderbook: 2026-12 has not begun (today is 2026-11-27)"),
    ):
        result = CliRunner().invoke(
            cli, ["statement", str(book_file), "--month", "2026-12", "--all", "--today", str(TODAY), "--lang", lang]
        )
        assert result.exit_code == 2 and result.output.strip() == line


def test_pdf_without_libreoffice_is_one_line_and_nothing_written(book_file, tmp_path, monkeypatch):
    monkeypatch.setattr("workbook_tools.statement.pdf.soffice", lambda: None)
    result = run(book_file, "--month", "2026-10", "--all", "--today", TODAY, "--pdf")
    assert result.exit_code == 2 and len(result.output.strip().splitlines()) == 1
    assert "--pdf needs LibreOffice (soffice), which is not installed" in result.output
    assert not (tmp_path / "book.statements-2026-10").exists()


# --------------------------------------------------------------------------- PDF


def _pdf(path, *args):
    return subprocess.run(
        [args[0], *args[1:], str(path), *(["-"] if args[0] == "pdftotext" else [])],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


@needs_soffice
@pytest.mark.slow  # seconds of whole-book writing: pytest --all (CI) runs it
def test_pdf_statements(book_file, tmp_path):
    result = run(book_file, "--month", "2026-10", "--all", "--today", TODAY, "--pdf")
    assert result.exit_code == 0, result.output
    assert "（另有 PDF 2 份）" in result.output
    pdf = tmp_path / "book.statements-2026-10" / "book.statement-2026-10-C0001.pdf"
    info = _pdf(pdf, "pdfinfo")
    assert "Pages:           1\n" in info and "595.304 x 841.89 pts (A4)" in info  # portrait
    text = _pdf(pdf, "pdftotext", "-layout")
    for expected in (
        "对账期间：2026-10-01 至 2026-10-31",
        "期初余额",
        "150.00",
        "191.50",
        "251.50",
        "客户确认签章",
        "第 1 页，共 1 页",
    ):
        assert expected in text, expected
    # our own PDF is replaced silently; another file under its name is not
    assert run(book_file, "--month", "2026-10", "--customer", "C0001", "--today", TODAY, "--pdf").exit_code == 0
    pdf.write_bytes(b"%PDF-1.4 someone else's")
    refused = run(book_file, "--month", "2026-10", "--customer", "C0001", "--today", TODAY, "--pdf")
    assert refused.exit_code == 2 and "not a customer statement orderbook wrote" in refused.output


@needs_soffice
def test_a_long_statement_runs_over_pages_with_page_x_of_y(tmp_path):
    data = hand_book()
    for n in range(70):
        no = f"SO20261011{n:02d}"
        data["orders"].append(
            row("orders", order_no=no, customer_id="C0002", order_date=date(2026, 10, 1 + n % 28), status="completed")
        )
        data["order_lines"].append(row("order_lines", order_no=no, sku="P1002", quantity=1, unit_price=D("20.00")))
    book = write_book(tmp_path / "long.xlsx", data, today=TODAY)
    assert run(book, "--month", "2026-10", "--customer", "C0002", "--today", TODAY, "--pdf").exit_code == 0
    pdf = tmp_path / "long.statements-2026-10" / "long.statement-2026-10-C0002.pdf"
    pages = int(next(line.split()[-1] for line in _pdf(pdf, "pdfinfo").splitlines() if line.startswith("Pages:")))
    assert pages >= 2
    text = _pdf(pdf, "pdftotext", "-layout").split("\f")
    assert f"第 2 页，共 {pages} 页" in text[1] and "本期应收" in text[1]  # the table's header again on page 2
    assert "1,420.00" in "".join(text)  # 71 × 20.00 charged in the month
