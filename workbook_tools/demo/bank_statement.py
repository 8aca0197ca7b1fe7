"""A sample bank statement for the demo book, as a Chinese bank's 网银 exports it (CSV).

    text = sample_bank_statement(data, seed=1, today=date(2026, 11, 27))
    Path("流水.csv").write_bytes(text.encode("gbk"))      # what most banks hand out

The lines come from the demo's non-cash payments of the last two months: bank transfers from the
customer (payer = the customer, sometimes masked as 李*娜 for people), WeChat / Alipay / card
receipts settled by the payment companies the next day, refunds as outgoing lines — each with its
交易流水号, the payment's reference. To show every outcome of ``orderbook reconcile``, a bank
transfer has lost its reference (it matches by amount, date and payer name only), a few payments
never reached the bank, and there are lines with no payment: bank fees, interest, a transfer from
someone who is not a customer and a payment to a supplier. Title lines above the header and a
total line below the data are there as banks write them.

``python -m workbook_tools.demo.bank_statement [FILE]`` writes the sample of the default demo
(2,000 orders, seed 1, today 2026-11-27) in GBK: examples/bank_statement_sample.csv.
"""

from __future__ import annotations

import csv
import io
import random
import sys
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from ..book import BookData, Row

#: A statement line: (date, seconds into the day, credit, debit, payer, payer account, memo, reference).
Line = tuple[date, int, Decimal | None, Decimal | None, str, str, str, str]

PERIOD_DAYS = 61
ACCOUNT = "3301 0400 0123 4567 890"
OPENING_BALANCE = Decimal("286500.00")
SETTLERS = {
    "微信支付": ("财付通支付科技有限公司", "微信支付商户结算"),
    "支付宝": ("支付宝（中国）网络技术有限公司", "支付宝商户结算"),
    "信用卡": ("银联商务股份有限公司", "POS刷卡结算"),
}
HEADER = ["交易日期", "交易时间", "收入金额", "支出金额", "账户余额", "对方户名", "对方账号", "摘要", "交易流水号"]


def _mask(name: str) -> str:
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def _digits(rng: random.Random, n: int) -> str:
    return str(rng.randint(1, 9)) + "".join(str(rng.randrange(10)) for _ in range(n - 1))


def _money(d: Decimal | None) -> str:
    return "" if d is None else f"{d:,.2f}"


def sample_bank_statement(
    data: BookData, *, seed: int = 1, today: date | None = None, company: str = "示例商贸有限公司"
) -> str:
    """CSV text of a bank statement over the last two months of ``data`` (see the module's doc)."""
    rng = random.Random(seed)
    today = today or date.today()
    start = today - timedelta(days=PERIOD_DAYS - 1)
    customers = {c["customer_id"]: c for c in data["customers"]}
    orders = {o["order_no"]: o for o in data["orders"]}

    def customer_of(p: Row) -> Row | None:  # a payment on account names its customer, not an order
        return customers.get(p.get("customer_id") or orders.get(p["order_no"], {}).get("customer_id"))

    lines: list[Line] = []
    accounts: dict[str, str] = {}
    recent = [
        p
        for p in data["payments"]
        if p.get("paid_on") and start <= p["paid_on"] <= today and p.get("amount") and p.get("method") != "现金"
    ]
    transfers = [p for p in recent if p["method"] == "银行转账" and p["amount"] > 0 and p.get("reference")]
    companies = [p for p in transfers if (customer_of(p) or {}).get("contact")]
    pool: list[Row | None] = list(companies or transfers) or [None]
    no_reference = pool[len(companies or transfers) // 2]
    left_out = {
        id(p)
        for p in rng.sample([p for p in recent if p["amount"] > 0 and p is not no_reference], min(3, len(recent) // 20))
    }
    for p in recent:
        if id(p) in left_out:
            continue
        cust = customer_of(p) or {}
        name = cust.get("name") or "个人客户"
        amount, method = p["amount"], p["method"]
        seconds = rng.randrange(8 * 3600, 18 * 3600)
        reference = p.get("reference") or ""
        if method in SETTLERS and amount > 0:
            payer, memo = SETTLERS[method]
            day = min(p["paid_on"] + timedelta(days=1), today)  # settled the next day
        else:
            person = not cust.get("contact")
            payer = _mask(name) if person and rng.random() < 0.3 else name
            day = min(p["paid_on"] + timedelta(days=rng.choice((0, 0, 0, 1))), today)
            if amount < 0:
                memo = "退款"
            elif method == "其他":
                memo = rng.choice(("银行承兑汇票到期托收", "公司账户代付货款", "转账"))
            else:
                memo = rng.choice(
                    (
                        "货款",
                        "货款",
                        "付货款",
                        f"货款 {p['order_no']}" if p["order_no"] else "月结货款",
                        "转账",
                        "网银转账",
                    )
                )
        if p is no_reference:
            reference, memo, payer = "", "货款", name
        acct = accounts.setdefault(payer, _digits(rng, 19))
        credit, debit = (amount, None) if amount > 0 else (None, -amount)
        lines.append((day, seconds, credit, debit, payer, acct, memo, reference))

    # lines that are no payment of ours
    def extra(day: date, credit: Decimal | None, debit: Decimal | None, payer: str, memo: str) -> None:
        if start <= day <= today:
            lines.append(
                (
                    day,
                    rng.randrange(8 * 3600, 18 * 3600),
                    credit,
                    debit,
                    payer,
                    _digits(rng, 19) if payer else "",
                    memo,
                    _digits(rng, 20),
                )
            )

    month = date(start.year, start.month, 1)
    while month <= today:
        extra(month + timedelta(days=rng.randrange(2, 6)), None, Decimal("15.00"), "", "账户管理费")
        extra(
            month + timedelta(days=rng.randrange(8, 25)),
            None,
            Decimal(rng.choice(("2.00", "5.50", "10.00"))),
            "",
            "跨行转账手续费",
        )
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    for quarter_end in (date(today.year, m, 21) for m in (3, 6, 9, 12)):
        extra(quarter_end, Decimal("127.36"), None, "", "结息")
    extra(start + timedelta(days=PERIOD_DAYS // 3), Decimal("8600.00"), None, "宁波恒信包装材料有限公司", "往来款")
    if companies:  # a customer paid in advance and nobody recorded it
        cust = customer_of(companies[0]) or {}
        extra(start + timedelta(days=PERIOD_DAYS * 2 // 3), Decimal("5000.00"), None, cust["name"], "预付货款")
    extra(
        start + timedelta(days=PERIOD_DAYS // 2), None, Decimal("23480.00"), "温州宏达办公家具制造有限公司", "支付货款"
    )

    lines.sort(key=lambda ln: (ln[0], ln[1]))
    out = io.StringIO()
    wr = csv.writer(out, lineterminator="\r\n")
    wr.writerow(["账户明细查询"])
    wr.writerow([f"账号：{ACCOUNT}", f"户名：{company}", "币种：人民币"])
    wr.writerow([f"查询期间：{start:%Y-%m-%d} 至 {today:%Y-%m-%d}"])
    wr.writerow(HEADER)
    balance = OPENING_BALANCE
    credits = debits = Decimal(0)
    for day, seconds, credit, debit, payer, acct, memo, reference in lines:
        balance += (credit or 0) - (debit or 0)
        credits += credit or 0
        debits += debit or 0
        wr.writerow(
            [
                f"{day:%Y-%m-%d}",
                f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}",
                _money(credit),
                _money(debit),
                _money(balance),
                payer,
                acct,
                memo,
                reference,
            ]
        )
    wr.writerow(["合计", "", _money(credits), _money(debits), "", "", "", f"共 {len(lines)} 笔", ""])
    return out.getvalue()


def main(argv: list[str]) -> None:
    from ..demo import generate_demo

    target = Path(argv[0] if argv else "examples/bank_statement_sample.csv")
    today = date(2026, 11, 27)
    text = sample_bank_statement(generate_demo(2000, seed=1, today=today), seed=1, today=today)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(text.encode("gbk"))
    print(f"wrote {target} (GBK)")


if __name__ == "__main__":
    main(sys.argv[1:])
