"""Bank statements: reading the files banks export, and matching their lines to the recorded payments.

The layouts of particular banks (ICBC, CCB, SPDB, ABC, BOC, BOCOM, CMB, company accounts) are in
test_bank_layouts.py."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D
from pathlib import Path

import pytest
from reconcile_cases import TODAY, row, small_book

from workbook_tools.book import OrderBook
from workbook_tools.config import Config
from workbook_tools.demo import generate_demo
from workbook_tools.demo.bank_statement import sample_bank_statement
from workbook_tools.reconcile import StatementError, reconcile_book
from workbook_tools.reconcile.bank import names_match, norm_name
from workbook_tools.reconcile.statement import read_statement

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "bank_statement_sample.csv"

STATEMENT = """\
中国工商银行 账户明细
"账号：1202 0000 0000 0000 000","户名：示例商贸有限公司"
交易日期,摘要,收入金额(元),支出金额(元),账户余额,对方户名,交易流水号
2026-01-05,货款,200.00,,"10,200.00",杭州明远贸易有限公司,6222000011112222
2026/02/21,转账,"40.00",,"10,240.00",李*,
20260220,支付宝结算,20.00,,"10,260.00",支付宝（中国）网络技术有限公司,="2026022022001100000001"
2026-02-25 14:03:11,利息,3.21,,"10,263.21",,
2026-02-26,手续费,,2.00,"10,261.21",,
合计,,263.21,2.00,,,
"""


def write(tmp_path: Path, text: str, encoding: str, name: str = "statement.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


@pytest.mark.parametrize(
    "encoding, detected", [("gbk", "gb18030"), ("utf-8-sig", "utf-8-sig"), ("utf-8", "utf-8"), ("gb18030", "gb18030")]
)
def test_statement_encodings_are_detected(tmp_path, encoding, detected):
    st = read_statement(write(tmp_path, STATEMENT, encoding))
    assert st.encoding == detected
    assert [(ln.line, ln.date, ln.credit, ln.debit, ln.payer, ln.reference) for ln in st.lines] == [
        (4, date(2026, 1, 5), D("200.00"), D(0), "杭州明远贸易有限公司", "6222000011112222"),
        (5, date(2026, 2, 21), D("40.00"), D(0), "李*", ""),
        (6, date(2026, 2, 20), D("20.00"), D(0), "支付宝（中国）网络技术有限公司", "2026022022001100000001"),
        (7, date(2026, 2, 25), D("3.21"), D(0), "", ""),
        (8, date(2026, 2, 26), D(0), D("2.00"), "", ""),
    ]
    assert st.skipped == 1 and st.letters["credit"] == "C"


def test_one_amount_column_with_a_direction_and_tabs(tmp_path):
    text = (
        "记账日期\t交易金额\t借贷标志\t对方名称\t附言\t流水号\n"
        "2026-02-21\t40.00\t贷\t李娜\tSO2026020001\t\n"
        "2026-02-22\t15.00\t借\t\t手续费\t\n"
        "2026-02-23\t-7.00\t\t\t\t\n"
    )
    st = read_statement(write(tmp_path, text, "utf-16"))
    assert [(ln.credit, ln.debit, ln.memo) for ln in st.lines] == [
        (D("40.00"), D(0), "SO2026020001"),
        (D(0), D("15.00"), "手续费"),
        (D(0), D("7.00"), ""),
    ]


def test_headers_and_values_as_banks_write_them(tmp_path):
    # ideographic and trailing spaces, full-width brackets, a unit suffix; ¥, +, thousands; -- and dashes as blank
    text = (
        "\u3000交易日期\u3000,收入金额（元） ,支出金额（元）,对方户名 ,摘要,交易流水号\n"
        '2026-02-21\t,"¥1,234.50",--,\u3000李娜\u3000,货款\t, 0001 \n'
        "2026/02/22 09:30:00,+40.00,—,-,----------,\n"
        "2026-02-23,-,7.00,,手续费,\n"
        '本页小计,"1,274.50",7.00,,,\n'
        "共 3 笔,,,,,\n"
    )
    st = read_statement(write(tmp_path, text, "utf-8"))
    assert [(ln.date, ln.credit, ln.debit, ln.payer, ln.memo, ln.reference) for ln in st.lines] == [
        (date(2026, 2, 21), D("1234.50"), D(0), "李娜", "货款", "0001"),
        (date(2026, 2, 22), D("40.00"), D(0), "", "", ""),
        (date(2026, 2, 23), D(0), D("7.00"), "", "手续费", ""),
    ]
    assert st.skipped == 2 and st.columns["credit"] == "收入金额（元）"


@pytest.mark.parametrize(
    "column, credit, debit",
    [("收/支", "收", "支"), ("C/D", "C", "D"), ("借贷", "贷 Cr", "借 Dr"), ("借贷标志", "贷方", "借方")],
)
def test_direction_columns(tmp_path, column, credit, debit):
    text = f"日期;金额;{column}\n20260221;40.00;{credit}\n20260222;15.00;{debit}\n"
    st = read_statement(write(tmp_path, text, "gbk"))
    assert st.separator == ";" and [(ln.credit, ln.debit) for ln in st.lines] == [
        (D("40.00"), D(0)),
        (D(0), D("15.00")),
    ]


def test_column_names_are_configurable(tmp_path):
    text = "Buchungstag,Gutschrift,Auftraggeber\n2026-02-21,40.00,李娜\n"
    with pytest.raises(StatementError, match="no header line"):
        read_statement(write(tmp_path, text, "utf-8"))
    config = Config.model_validate(
        {"bank": {"date": ["Buchungstag"], "credit": ["Gutschrift"], "payer": ["Auftraggeber"]}}
    )
    (line,) = read_statement(write(tmp_path, text, "utf-8"), config.bank).lines
    assert (line.credit, line.payer) == (D("40.00"), "李娜")


def test_unreadable_statements_say_why(tmp_path):
    with pytest.raises(StatementError, match="file not found") as err:
        read_statement(tmp_path / "missing.csv")
    assert err.value.text("zh") == f"{tmp_path / 'missing.csv'}：找不到文件"  # one language a line
    with pytest.raises(StatementError, match="an Excel workbook that cannot be opened") as err:
        read_statement(write(tmp_path, "PK\x03\x04rest", "latin-1", "x.csv"))
    assert "Excel 工作簿无法打开（" in err.value.text("zh") and " / " not in err.value.text("zh")
    with pytest.raises(StatementError, match="no header line") as err:
        read_statement(write(tmp_path, "hello,world\n1,2\n", "utf-8", "h.csv"))
    assert err.value.text("zh").endswith(
        "前几行是 第 1 行：“hello | world”；第 2 行：“1 | 2”；"
        '请在 orderbook.toml 中加上：[bank] date = ["<日期列>"] 和 credit = ["<收入列>"]'
    )
    with pytest.raises(StatementError, match="an HTML or XML file with no table"):
        read_statement(write(tmp_path, "<html><body>请登录</body></html>", "utf-8", "y.xls"))
    with pytest.raises(StatementError, match="not text in UTF-8, GBK/GB18030 or UTF-16"):
        (tmp_path / "z.csv").write_bytes(b"\x80\xff\x80\xff")
        read_statement(tmp_path / "z.csv")
    with pytest.raises(StatementError, match="a binary file"):
        (tmp_path / "b.csv").write_bytes(b"abc\x00def")
        read_statement(tmp_path / "b.csv")


def test_names():
    assert norm_name("杭州明远贸易有限公司") == "杭州明远贸易"
    assert names_match("杭州明远贸易有限公司", ("杭州明远贸易",))
    assert names_match("杭州 明远贸易(有限公司)", ("杭州明远贸易",))
    assert names_match("李*", ("李娜",)) and names_match("李*娜", ("李小娜",)) and not names_match("王*", ("李娜",))
    assert not names_match("", ("李娜",)) and not names_match("李", ("李娜",))


def test_matching_by_reference_and_by_amount_date_and_name(tmp_path):
    st = write(tmp_path, STATEMENT, "gbk")
    rec = reconcile_book(OrderBook.from_data(small_book()), today=TODAY, bank_statement=st)
    b = rec.bank
    assert [(m.line.line, m.payment, m.how, m.days) for m in b.matches] == [
        (4, 0, "reference", 0),
        (6, 1, "reference", 0),
    ]
    # line 5 (李*, 40.00 on 21 Feb): no payment of 40.00 recorded; line 7 is interest
    assert [ln.line for ln in b.unmatched_lines] == [5, 7]
    assert [ln.line for ln in b.outgoing_lines] == [8]
    assert [(f.code, f.cell) for f in b.findings] == [
        ("bank-line-unmatched", "statement.csv!C5"),
        ("bank-line-unmatched", "statement.csv!C7"),
    ]
    # once the 40.00 is recorded without a reference, it matches by amount, date (1 day apart) and the masked name
    data = small_book()
    data["payments"].append(
        row("payments", order_no="SO2026020001", paid_on=date(2026, 2, 20), method="银行转账", amount=D("40.00"))
    )
    rec = reconcile_book(OrderBook.from_data(data), today=TODAY, bank_statement=st)
    assert [(m.line.line, m.payment, m.how, m.days) for m in rec.bank.matches][1] == (5, 2, "amount_date_name", 1)
    assert rec.bank.unmatched_payments == [] and [ln.line for ln in rec.bank.unmatched_lines] == [7]


def test_amount_and_date_without_the_payer_do_not_match(tmp_path):
    data = small_book()
    data["payments"].append(
        row("payments", order_no="SO2026020001", paid_on=date(2026, 2, 20), method="银行转账", amount=D("40.00"))
    )
    text = STATEMENT.replace("李*", "王*")
    rec = reconcile_book(OrderBook.from_data(data), today=TODAY, bank_statement=write(tmp_path, text, "utf-8"))
    assert 5 in [ln.line for ln in rec.bank.unmatched_lines]
    assert rec.bank.unmatched_payments == [2]
    (f,) = [f for f in rec.bank.findings if f.code == "payment-not-in-bank"]
    assert f.cell == "付款!D4"
    assert f.message("zh") == "订单“SO2026020001”2026-02-20 的银行转账付款 40.00 在银行流水中没有找到"
    # the memo naming the order is enough; a date outside the window is not
    rec = reconcile_book(
        OrderBook.from_data(data),
        today=TODAY,
        bank_statement=write(tmp_path, text.replace(",转账,", ",货款 so2026020001,"), "utf-8"),
    )
    assert any(m.how == "amount_date_order" for m in rec.bank.matches)
    rec = reconcile_book(
        OrderBook.from_data(data),
        today=TODAY,
        bank_statement=write(tmp_path, STATEMENT.replace("2026/02/21", "2026/02/24"), "utf-8"),
    )
    assert rec.bank.unmatched_payments == [2]


@pytest.fixture(scope="module")
def demo():
    return generate_demo(2000, seed=1, today=date(2026, 11, 27))


def test_the_committed_sample_statement_is_the_generated_one_in_gbk(demo):
    text = sample_bank_statement(demo, seed=1, today=date(2026, 11, 27))
    assert EXAMPLE.read_bytes() == text.encode("gbk")


def test_the_sample_statement_reconciles_with_every_outcome(demo):
    rec = reconcile_book(OrderBook.from_data(demo), today=date(2026, 11, 27), bank_statement=EXAMPLE)
    b = rec.bank
    assert b.statement.encoding == "gb18030" and b.statement.skipped == 1
    assert b.count("reference") > 300 and b.count("amount_date_name") >= 1
    no_ref = [m for m in b.matches if m.how == "amount_date_name" and "货款" == m.line.memo]
    assert len(no_ref) == 1  # the transfer whose reference was lost
    assert no_ref[0].line.reference == "" and demo["payments"][no_ref[0].payment]["reference"]
    # the transfer from a stranger, and a customer's advance payment nobody recorded
    assert sorted((ln.memo, ln.credit) for ln in b.unmatched_lines) == [
        ("往来款", D("8600.00")),
        ("预付货款", D("5000.00")),
    ]
    assert len(b.unmatched_payments) == 3
    assert {ln.memo for ln in b.outgoing_lines} >= {"账户管理费", "跨行转账手续费", "支付货款"}
    # every matched pair agrees to the cent, within the window
    pays = demo["payments"]
    for m in b.matches:
        assert (m.line.credit or -m.line.debit) == pays[m.payment]["amount"] and abs(m.days) <= 3
    assert rec.errors == 0
