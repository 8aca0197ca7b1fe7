"""Bank statements in the layouts Chinese banks hand out, built from a demo book's payments.

Each layout is written as the bank writes it (title blocks, key–value lines, padding, placeholders,
its own column names and its own way of telling credits from debits) from the same transactions:
every non-cash payment of the demo (a refund as an outgoing line), plus three lines that are no
payment — interest (a credit nobody recorded), an account fee and a supplier's invoice. Read, each
gives the same number of transactions, credits and totals; reconciled against the demo book, each
payment is found and only the interest is left over.
"""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal as D
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from workbook_tools.book import OrderBook
from workbook_tools.cli import cli
from workbook_tools.config import Config
from workbook_tools.demo import generate_demo
from workbook_tools.errors import WorkbookToolsError
from workbook_tools.reconcile import StatementError, reconcile_book
from workbook_tools.reconcile.bank_layouts import direction, payer_name
from workbook_tools.reconcile.statement import read_statement

TODAY = date(2026, 11, 27)
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@dataclass(frozen=True)
class Txn:
    day: date
    seconds: int
    amount: D  # signed: > 0 money in
    payer: str
    account: str
    memo: str
    reference: str
    #: index on the Payments sheet; None for a line that is no payment
    payment: int | None

    @property
    def time(self) -> str:
        s = self.seconds
        return f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}"


@pytest.fixture(scope="module")
def demo():
    return generate_demo(60, today=TODAY)


@pytest.fixture(scope="module")
def txns(demo) -> list[Txn]:
    return transactions(demo)


def transactions(demo) -> list[Txn]:
    """Every non-cash payment of ``demo`` as a bank line (some a day later, some masked, some naming the
    order in the memo), and three lines that are no payment; by date."""
    customers = {c["customer_id"]: c for c in demo["customers"]}
    orders = {o["order_no"]: o for o in demo["orders"]}
    out = []
    for j, p in enumerate(demo["payments"]):
        if p["method"] == "现金" or not p.get("amount") or not p.get("paid_on"):
            continue
        cust = customers[p["customer_id"] or orders[p["order_no"]]["customer_id"]]  # on account: its customer
        name = cust["name"]
        if not cust.get("contact") and len(name) == 3 and j % 2:
            name = name[0] + "*" + name[2]  # banks mask people's names
        day = min(p["paid_on"] + timedelta(days=j % 3 == 0), TODAY)
        memo = "退款" if p["amount"] < 0 else f"货款 {p['order_no']}" if j % 2 and p["order_no"] else "货款"
        out.append(
            Txn(day, 8 * 3600 + 997 * j % 36000, p["amount"], name, f"62220{j:011d}", memo, p.get("reference") or "", j)
        )
    first = min(t.day for t in out)
    out += [
        Txn(first + timedelta(days=20), 36000, D("3.21"), "", "", "结息", "9900000000000001", None),
        Txn(first + timedelta(days=31), 40000, D("-15.00"), "", "", "账户管理费", "9900000000000002", None),
        Txn(
            first + timedelta(days=45),
            50000,
            D("-2000.00"),
            "温州宏达办公家具制造有限公司",
            "6217000000001234",
            "支付货款",
            "9900000000000003",
            None,
        ),
    ]
    return sorted(out, key=lambda t: (t.day, t.seconds))


def expected(txns):
    """(transactions, credits, total in, total out)."""
    return (
        len(txns),
        sum(1 for t in txns if t.amount > 0),
        sum(t.amount for t in txns if t.amount > 0),
        sum(-t.amount for t in txns if t.amount < 0),
    )


def figures(st):
    return (len(st.lines), sum(1 for ln in st.lines if ln.credit > 0), st.credits, st.debits)


def pad(value, width: int = 12) -> str:
    """ICBC: every value padded with spaces and a trailing tab."""
    return f"{value:<{width}}\t"


def csv_text(rows, **kw) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n", **kw).writerows(rows)
    return out.getvalue()


def money(d: D | None, sign: bool = False, thousands: bool = False) -> str:
    if d is None:
        return ""
    return f"{d:{'+' if sign else ''}{',' if thousands else ''}.2f}"


# --- the layouts --------------------------------------------------------------------------------


def icbc(txns, details: bool) -> bytes:
    """工商银行 明细查询文件下载: a title block, blank lines, 交易/记账金额(收入/支出), padded values, ``-``."""
    head = [
        "交易日期",
        "摘要",
        *(["交易详情"] if details else []),
        "交易场所",
        "交易国家或地区简称",
        "钞/汇",
        "交易金额(收入)",
        "交易金额(支出)",
        "交易币种",
        "记账金额(收入)",
        "记账金额(支出)",
        "记账币种",
        "余额",
        "对方户名",
    ]
    rows = [
        ["明细查询文件下载"],
        ["卡号: 1234****9876", "卡别名: 基本户"],
        ["子账户序号: 00000"],
        [f"起始日期: {txns[0].day}", f"终止日期: {txns[-1].day}"],
        [],
        [],
        [pad(h) for h in head] if details else head,
    ]
    balance = D("50000.00")
    for t in txns:
        balance += t.amount
        credit, debit = (money(t.amount), "-") if t.amount > 0 else ("-", money(-t.amount))
        # the interest was credited in dollars: the 交易 amount is not the 记账 amount
        traded = ("0.45", "-") if t.memo == "结息" else (credit, debit)
        rows.append(
            [
                pad(v)
                for v in [
                    t.day.isoformat(),
                    "转账" if t.payer else t.memo,
                    *([t.memo] if details else []),
                    "网上银行",
                    "CHN",
                    "钞",
                    *traded,
                    "USD" if t.memo == "结息" else "人民币",
                    credit,
                    debit,
                    "人民币",
                    money(balance),
                    t.payer or "-",
                ]
            ]
        )
    return csv_text(rows).encode("gbk" if details else "utf-8-sig")


def abc(txns) -> bytes:
    """农业银行: 20240101 / 123456, one signed 交易金额 with +."""
    rows = [
        ["中国农业银行账户明细"],
        ["账户：6228480000000000000", "户名：示例商贸有限公司"],
        [
            "交易日期",
            "交易时间",
            "交易金额",
            "本次余额",
            "对方户名",
            "对方账号",
            "交易行",
            "交易渠道",
            "交易类型",
            "交易用途",
            "交易摘要",
        ],
    ]
    balance = D("50000.00")
    for t in txns:
        balance += t.amount
        rows.append(
            [
                t.day.strftime("%Y%m%d"),
                t.time.replace(":", ""),
                money(t.amount, sign=True),
                money(balance),
                t.payer,
                t.account,
                "杭州分行",
                "网银",
                "转账",
                t.memo,
                "转存" if t.amount > 0 else "转支",
            ]
        )
    return csv_text(rows).encode("gbk")


def boc(txns) -> bytes:
    """中国银行: a title line, 记账日期/记账时间, one signed 金额, ---------- in empty cells."""
    dash = "----------"
    rows = [
        ["中国银行交易流水明细单"],
        ["账号", "4563510000000000", "币种", "人民币"],
        [],
        [
            "记账日期",
            "记账时间",
            "币别",
            "金额",
            "余额",
            "交易名称",
            "渠道",
            "网点名称",
            "附言",
            "对方账户名",
            "对方卡号/账号",
            "对方开户行",
        ],
    ]
    balance = D("50000.00")
    for t in txns:
        balance += t.amount
        rows.append(
            [
                t.day.isoformat(),
                t.time,
                "人民币",
                money(t.amount),
                money(balance),
                "转账交易",
                "网上银行",
                dash,
                t.memo or dash,
                t.payer or dash,
                t.account or dash,
                dash,
            ]
        )
    rows.append(["本页小计", dash, dash, dash, dash, dash, dash, dash, dash, dash, dash, dash])
    return csv_text(rows).encode("gb18030")


def bocom(txns) -> bytes:
    """交通银行: an unsigned 交易金额 and 借贷 (贷 Cr / 借 Dr), thousands separators."""
    rows = [
        ["交通银行账户交易明细"],
        ["账号:", "6222600000000000000"],
        [],
        ["交易日期", "交易时间", "交易地点", "交易方式", "借贷", "交易金额", "余额", "对方户名", "对方账号", "摘要"],
    ]
    balance = D("50000.00")
    for t in txns:
        balance += t.amount
        rows.append(
            [
                t.day.isoformat(),
                t.time,
                "网上银行",
                "转账",
                "贷 Cr" if t.amount > 0 else "借 Dr",
                money(abs(t.amount), thousands=True),
                money(balance, thousands=True),
                t.payer,
                t.account,
                t.memo,
            ]
        )
    rows.append(["合计", "", "", "", "", "", "", "", "", f"笔数：{len(txns)}"])
    return csv_text(rows).encode("utf-8")


def cmb(txns) -> bytes:
    """招商银行: # lines on top, 记账日期, signed 交易金额 with thousands separators, 对手信息 = name + account."""
    rows = [
        ["# 招商银行交易记录"],
        ["# 账    号: [6214830000000000]"],
        ["# 币    种: [人民币]"],
        [f"# 起始日期: [{txns[0].day:%Y%m%d}]   终止日期: [{txns[-1].day:%Y%m%d}]"],
        [],
        ["记账日期", "货币", "交易金额", "联机余额", "交易摘要", "对手信息"],
    ]
    balance = D("50000.00")
    for t in txns:
        balance += t.amount
        rows.append(
            [
                t.day.isoformat(),
                "人民币",
                money(t.amount, sign=t.amount > 0, thousands=True),
                money(balance, thousands=True),
                t.memo,
                f"{t.payer} {t.account}".strip(),
            ]
        )
    rows += [[], [f"# 合计收入: {sum(t.amount for t in txns if t.amount > 0)}"]]
    return csv_text(rows).encode("utf-8")


def ccb_csv(txns) -> str:
    """建设银行 .xls (made from this CSV by LibreOffice): an English title row, 开户机构/币种/账号 with
    ideographic spaces, 记账日, 收入/支出, cells padded with spaces."""
    rows = [
        ["China Construction Bank Account Transaction Details"],
        ["开户机构：", " 中国建设银行杭州城西支行 "],
        ["币\u3000\u3000种：", "人民币"],
        ["账\u3000\u3000号：", "33050161000000000000"],
        [
            f" {h} "
            for h in (
                "记账日",
                "交易日期",
                "交易时间",
                "支出",
                "收入",
                "账户余额",
                "币种",
                "摘要",
                "对方账号",
                "对方户名",
            )
        ],
    ]
    balance = D("50000.00")
    for t in txns:
        balance += t.amount
        out, inc = (None, t.amount) if t.amount > 0 else (-t.amount, None)
        rows.append(
            [
                f" {v} "
                for v in (
                    f"{t.day:%Y%m%d}",
                    f"{t.day:%Y%m%d}",
                    t.time,
                    money(out),
                    money(inc),
                    money(balance),
                    "人民币",
                    t.memo,
                    t.account,
                    t.payer,
                )
            ]
        )
    return csv_text(rows)


def spdb_csv(txns) -> str:
    """浦发银行 .xls (made from this CSV by LibreOffice): an account row, 存入金额/取出金额, 交易对手名称,
    dates as 2025/12/03  14:06:51."""
    rows = [
        ["账号：9876543210000000", "户名：示例商贸有限公司", "币种：人民币"],
        ["顺序号", "交易日期", "交易类型", "存入金额", "取出金额", "余额", "交易对手名称", "交易对手账号", "附言"],
    ]
    balance = D("50000.00")
    for n, t in enumerate(txns, start=1):
        balance += t.amount
        inc, out = (t.amount, None) if t.amount > 0 else (None, -t.amount)
        rows.append(
            [
                n,
                f"{t.day:%Y/%m/%d}  {t.time}",
                "转账",
                money(inc),
                money(out),
                money(balance),
                t.payer,
                t.account,
                t.memo,
            ]
        )
    return csv_text(rows)


def company_xlsx(txns, path: Path) -> Path:
    """对公账户 .xlsx: a title, 借方发生额/贷方发生额, 对方单位名称, 用途, 交易流水号; real dates and numbers."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "账户明细"
    ws.append(["单位账户交易明细"])
    ws.append(["账号：3301040160000000000", None, "户名：示例商贸有限公司"])
    ws.append(
        [
            "交易流水号",
            "交易日期",
            "借方发生额（元）",
            "贷方发生额（元）",
            "余额",
            "对方账号",
            "对方单位名称",
            "用途",
            "摘要",
        ]
    )
    balance = D("50000.00")
    for t in txns:
        balance += t.amount
        ws.append(
            [
                t.reference,
                datetime.combine(t.day, datetime.min.time()) + timedelta(seconds=t.seconds),
                float(-t.amount) if t.amount < 0 else None,
                float(t.amount) if t.amount > 0 else None,
                float(balance),
                t.account,
                t.payer,
                t.memo,
                "转账",
            ]
        )
    ws.append(
        [
            "合计",
            None,
            float(sum(-t.amount for t in txns if t.amount < 0)),
            float(sum(t.amount for t in txns if t.amount > 0)),
        ]
    )
    wb.save(path)
    return path


def company_html(txns) -> bytes:
    """A "statement.xls" that is an HTML table, as some banks' 网银 save it."""

    def cells(tag, values):
        return "<tr>" + "".join(f"<{tag}>{v}</{tag}>" for v in values) + "</tr>\n"

    body = [
        cells("td", ["<b>账户明细</b>", "&nbsp;"]),
        cells("th", ["交易日期", "贷方金额", "借方金额", "对方户名", "摘要", "流水号"]),
    ]
    for t in txns:
        body.append(
            cells(
                "td",
                [
                    t.day.isoformat(),
                    money(t.amount) if t.amount > 0 else "&nbsp;",
                    money(-t.amount) if t.amount < 0 else "&nbsp;",
                    t.payer or "&nbsp;",
                    t.memo,
                    t.reference,
                ],
            )
        )
    html = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"></head><body>'
        '<table border="1">\n' + "".join(body) + "</table></body></html>"
    )
    return html.encode("gbk")


def company_xml(txns) -> bytes:
    """A "statement.xls" in XML Spreadsheet 2003, as other banks' 网银 save it (a skipped cell: ss:Index)."""

    def row(*cells, start=1):
        first = f' ss:Index="{start}"' if start > 1 else ""
        return (
            "<Row>"
            + "".join(
                f'<Cell{first if k == 0 else ""}><Data ss:Type="String">{c}</Data></Cell>' for k, c in enumerate(cells)
            )
            + "</Row>\n"
        )

    rows = [row("账户明细查询", start=2), row("记账日期", "收入金额", "支出金额", "对方户名", "用途", "交易流水号")]
    for t in txns:
        rows.append(
            row(
                t.day.isoformat(),
                money(t.amount) if t.amount > 0 else "",
                money(-t.amount) if t.amount < 0 else "",
                t.payer,
                t.memo,
                t.reference,
            )
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<?mso-application progid="Excel.Sheet"?>\n'
        '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
        'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">\n<Worksheet ss:Name="明细"><Table>\n'
        + "".join(rows)
        + "</Table></Worksheet></Workbook>\n"
    ).encode("utf-8")


TEXT_LAYOUTS = {
    "icbc": (lambda t: icbc(t, details=False), "icbc.csv"),
    "icbc-details": (lambda t: icbc(t, details=True), "icbc2.csv"),
    "abc": (abc, "abc.csv"),
    "boc": (boc, "boc.csv"),
    "bocom": (bocom, "bocom.csv"),
    "cmb": (cmb, "cmb.csv"),
    "company-html": (company_html, "statement.xls"),
    "company-xml": (company_xml, "statement.xls"),
}


def check(path: Path, demo, txns):
    """Read ``path``: the figures of ``txns``; reconcile it: every payment found, only the interest left."""
    st = read_statement(path)
    assert figures(st) == expected(txns)
    assert [ln.date for ln in st.lines] == [t.day for t in txns]
    rec = reconcile_book(OrderBook.from_data(demo), today=TODAY, bank_statement=path)
    b = rec.bank
    assert sorted(m.payment for m in b.matches) == sorted(t.payment for t in txns if t.payment is not None)
    pays = demo["payments"]
    assert all((m.line.credit or -m.line.debit) == pays[m.payment]["amount"] for m in b.matches)
    assert [("结息" in ln.memo, ln.credit) for ln in b.unmatched_lines] == [(True, D("3.21"))]
    assert sorted(ln.debit for ln in b.outgoing_lines) == [D("15.00"), D("2000.00")]
    assert b.unmatched_payments == []
    return st, b


@pytest.mark.parametrize("layout", list(TEXT_LAYOUTS))
def test_each_layout_reads_to_the_same_figures_and_matches_the_demo(tmp_path, demo, txns, layout):
    build, name = TEXT_LAYOUTS[layout]
    path = tmp_path / name
    path.write_bytes(build(txns))
    st, b = check(path, demo, txns)
    assert st.format == {"company-html": "html", "company-xml": "xml"}.get(layout, "csv")
    if layout.startswith("company"):
        assert b.count("reference") == sum(1 for t in txns if t.payment is not None and t.reference)
    else:  # no reference column: by amount, date and the payer's name (or the order number in the memo)
        assert b.count("reference") == 0


def test_icbc_prefers_the_booked_amount_and_reads_padded_values(tmp_path, txns):
    path = tmp_path / "icbc.csv"
    path.write_bytes(icbc(txns, details=True))
    st = read_statement(path)
    assert (st.header_line, st.encoding) == (7, "gb18030")
    assert st.columns["credit"] == "记账金额(收入)" and st.columns["debit"] == "记账金额(支出)"
    assert st.columns["memo"] == "摘要 + 交易详情"
    (interest,) = [ln for ln in st.lines if "结息" in ln.memo]
    assert interest.credit == D("3.21")
    first = st.lines[0]
    assert first.memo.startswith("转账 ") and first.payer == txns[0].payer  # padding and tabs gone


def test_cmb_payer_is_the_name_before_the_account(tmp_path, txns):
    path = tmp_path / "cmb.csv"
    path.write_bytes(cmb(txns))
    st = read_statement(path)
    assert [ln.payer for ln in st.lines] == [t.payer for t in txns]
    assert payer_name("张三 66666666666666") == "张三" and payer_name("张三/6214****1234") == "张三"
    assert payer_name("上海1号店") == "上海1号店" and payer_name("李*娜") == "李*娜"


def test_directions():
    assert [
        direction(v)
        for v in ("贷 Cr", "借 Dr", "贷", "借", "收", "支", "C", "D", "收入", "支出", "Credit", "DR", "", "-", "其他")
    ] == [1, -1, 1, -1, 1, -1, 1, -1, 1, -1, 1, -1, 0, 0, 0]


def test_company_xlsx_with_real_dates_and_numbers(tmp_path, demo, txns):
    path = company_xlsx(txns, tmp_path / "对公明细.xlsx")
    st, b = check(path, demo, txns)
    assert (st.format, st.sheet, st.header_line, st.encoding_label) == (
        "xlsx",
        "账户明细",
        3,
        "Excel (.xlsx) [账户明细]",
    )
    assert st.columns["credit"] == "贷方发生额（元）" and st.columns["payer"] == "对方单位名称"
    assert st.skipped == 1  # 合计
    assert b.count("reference") == sum(1 for t in txns if t.payment is not None and t.reference)


def test_company_xlsx_with_a_header_of_two_rows(tmp_path, demo, txns):
    """发生额 merged over 借方 | 贷方, as many 对公 statements print it."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["单位账户交易明细"])
    ws.append(["交易日期", "发生额", None, "余额", "对方单位名称", "摘要", "交易流水号"])
    ws.append([None, "借方", "贷方"])
    ws.merge_cells("B2:C2")
    for t in txns:
        ws.append(
            [
                t.day.strftime("%Y%m%d"),
                float(-t.amount) if t.amount < 0 else None,
                float(t.amount) if t.amount > 0 else None,
                1.0,
                t.payer,
                t.memo,
                t.reference,
            ]
        )
    wb.save(tmp_path / "two.xlsx")
    st, _ = check(tmp_path / "two.xlsx", demo, txns)
    assert (st.header_line, st.columns["debit"], st.columns["credit"]) == (2, "发生额(借方)", "发生额(贷方)")
    assert st.lines[0].line == 4


def test_a_workbook_named_csv_is_read_as_a_workbook(tmp_path, txns):
    path = company_xlsx(txns, tmp_path / "x.xlsx")
    renamed = path.rename(tmp_path / "流水.csv")
    assert figures(read_statement(renamed)) == expected(txns)


@pytest.fixture(scope="module")
def xls_files(tmp_path_factory, txns):
    """CCB's and SPDB's .xls, written by LibreOffice from CSVs (one soffice run for both)."""
    if SOFFICE is None:
        pytest.skip("LibreOffice (soffice) is not installed: the .xls statements are made with it")
    folder = tmp_path_factory.mktemp("xls")
    sources = []
    for name, text in (("ccb", ccb_csv(txns)), ("spdb", spdb_csv(txns))):
        (folder / f"{name}.csv").write_text(text, encoding="utf-8")
        sources.append(str(folder / f"{name}.csv"))
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={(folder / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--infilter=CSV:44,34,76,1",
            "--convert-to",
            "xls:MS Excel 97",
            "--outdir",
            str(folder),
            *sources,
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return {name: folder / f"{name}.xls" for name in ("ccb", "spdb")}


@pytest.mark.libreoffice
@pytest.mark.slow
@pytest.mark.parametrize("bank", ["ccb", "spdb"])
def test_legacy_xls_from_ccb_and_spdb(xls_files, demo, txns, bank):
    path = xls_files[bank]
    assert path.read_bytes()[:4] == b"\xd0\xcf\x11\xe0"
    st, _ = check(path, demo, txns)
    assert st.format == "xls" and st.encoding_label.startswith("Excel 97-2003 (.xls)")
    if bank == "ccb":
        assert (st.header_line, st.columns["date"], st.columns["credit"], st.columns["payer"]) == (
            5,
            "交易日期",
            "收入",
            "对方户名",
        )
    else:
        assert (st.header_line, st.columns["credit"], st.columns["debit"], st.columns["payer"]) == (
            2,
            "存入金额",
            "取出金额",
            "交易对手名称",
        )


def test_the_header_row_found_and_the_setting_to_add(tmp_path):
    path = tmp_path / "de.csv"
    path.write_text(
        "Kontoauszug\nBuchungstag,Gutschrift,Lastschrift,Kontostand,Auftraggeber\n"
        "2026-02-21,40.00,,100.00,李娜\n2026-02-22,,10.00,90.00,\n",
        encoding="utf-8",
    )
    with pytest.raises(StatementError) as err:
        read_statement(path)
    msg = str(err.value)
    assert "\n" not in msg and isinstance(err.value, WorkbookToolsError)
    assert 'the header looks like line 2: "Buchungstag | Gutschrift | Lastschrift | Kontostand | Auftraggeber"' in msg
    assert '[bank] date = ["Buchungstag"] and credit = ["Gutschrift"] and debit = ["Lastschrift"]' in msg
    # the setting it names makes the file readable
    config = Config.model_validate(
        {
            "bank": {
                "date": ["Buchungstag"],
                "credit": ["Gutschrift"],
                "debit": ["Lastschrift"],
                "payer": ["Auftraggeber"],
            }
        }
    )
    st = read_statement(path, config.bank)
    assert figures(st) == (2, 1, D("40.00"), D("10.00")) and st.lines[0].payer == "李娜"

    # a known date with an unknown amount column: only the amount is asked for
    path.write_text("记账日期,Betrag,对方户名\n2026-02-21,40.00,李娜\n", encoding="utf-8")
    with pytest.raises(StatementError, match=r'\[bank\] amount = \["Betrag"\]$'):
        read_statement(path)
    # nothing like a table: the first lines it saw
    path.write_text("hello,world\n1,2\n", encoding="utf-8")
    with pytest.raises(StatementError, match='the first lines are line 1: "hello | world"; line 2: "1 | 2"'):
        read_statement(path)


def test_unreadable_dates_say_which_column(tmp_path):
    path = tmp_path / "us.csv"
    path.write_text("交易日期,收入金额\n01/31/2026,40.00\n", encoding="utf-8")
    with pytest.raises(StatementError, match=r"column 交易日期 \(A\), e\.g\. '01/31/2026' on line 2"):
        read_statement(path)


def test_date_column_is_chosen_by_its_values(tmp_path):
    # 交易时间 is named before 记账日期 among the names, but here holds times only
    path = tmp_path / "t.csv"
    path.write_text("交易时间,记账日期,交易金额\n102311,2026-02-21,+40.00\n", encoding="utf-8")
    st = read_statement(path)
    assert st.columns["date"] == "记账日期" and st.lines[0].date == date(2026, 2, 21)


def test_bank_check_prints_what_was_recognised(tmp_path, txns):
    path = tmp_path / "bocom.csv"
    path.write_bytes(bocom(txns))
    result = CliRunner().invoke(cli, ["bank-check", str(path), "--lang", "en"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    n, credits, total_in, total_out = expected(txns)
    out = result.output
    assert "bocom.csv: CSV, UTF-8, comma-separated; header on line 4" in out
    assert "  amount     交易金额 (F)" in out and "  direction  借贷 (E)" in out and "  payer      对方户名 (H)" in out
    assert f"{n} transactions" in out and f"{credits} credits, total in ¥{total_in:,.2f}" in out
    assert f"total out ¥{total_out:,.2f}" in out
    assert "lines skipped: 1" in out

    zh = CliRunner().invoke(cli, ["bank-check", str(path)], catch_exceptions=False).output
    assert "表头在第 4 行" in zh and f"交易 {n} 笔" in zh

    bad = tmp_path / "bad.csv"
    bad.write_text("hello,world\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["bank-check", str(bad)], catch_exceptions=False)
    assert result.exit_code == 2 and result.output.startswith("orderbook: ") and result.output.count("\n") == 1
    assert "[bank] date" in result.output
