"""The reconciliation in a few terminal lines: totals per part, then the discrepancies by kind."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from rich.console import Console
from rich.text import Text

from ..codes import CODES, Severity
from ..formats.labels import code_title
from ..lang import norm
from .words import for_record

if TYPE_CHECKING:
    from . import Reconciliation
    from .payments import PaymentItem
    from .shipments import ShipmentItem

_LINES = {
    "zh": {
        "head": "对账 {book}（截至 {today}）",
        "alert": "注意  订单簿有 {errors} 个校验错误，以下数字可能不准：先运行 orderbook validate，在原订单簿中修正",
        "stock": "库存  {skus} 个产品，库存金额 {value}；盘点 {counts} 次，{varied} 次有差异：盘盈 {gain:+,} 件 {gvalue}，"
        "盘亏 {loss:+,} 件 {lvalue}，净 {units:+,} 件 {vvalue}；负库存 {negative} 个，需补货 {low} 个",
        "payments": "付款  {orders} 张订单，金额 {total}，已收 {paid}，未收 {outstanding}；收款 {received}，退款 {refunded}；"
        "需处理 {action} 项，备查 {record} 项",
        "shipments": "发货  {shipments} 条发货记录，{shipped} 张订单已发货，按期发货率 {rate}；需处理 {action} 项，备查 {record} 项",
        "ageing": "账龄  {buckets}；合计 {total}，其中逾期 {overdue}；需催收客户 {customers} 个",
        "bank": "银行  {name}：{lines} 行，匹配 {matched}（流水号 {ref}，金额+日期+户名/订单号 {amount}），"
        "收入无对应付款 {unmatched}，付款不在流水中 {missing}",
        "total": "问题  {errors} 个错误，{warnings} 个警告",
        "clean": "问题  没有发现问题",
        "rule": "      {n}  {title}",
    },
    "en": {
        "head": "Reconciliation of {book} (as of {today})",
        "alert": "Note      the order book has {errors} validation errors, so these figures may be wrong: "
        "run orderbook validate and fix them in the book first",
        "stock": "Stock     {skus} products worth {value}; {counts} stocktakes, {varied} with a variance: "
        "over {gain:+,} units {gvalue}, short {loss:+,} units {lvalue}, net {units:+,} units {vvalue}; "
        "{negative} went negative, {low} to reorder",
        "payments": "Payments  {orders} orders, total {total}, paid {paid}, outstanding {outstanding}; "
        "received {received}, refunded {refunded}; {action} need action, {record} for the record",
        "shipments": "Shipments {shipments} shipment records, {shipped} orders shipped, {rate} on time; "
        "{action} need action, {record} for the record",
        "ageing": "Ageing    {buckets}; total {total}, past due {overdue}; {customers} customers to chase",
        "bank": "Bank      {name}: {lines} lines, {matched} matched ({ref} by reference, {amount} by amount and date), "
        "{unmatched} credits without payment, {missing} payments not on the statement",
        "total": "Found     {errors} errors, {warnings} warnings",
        "clean": "Found     no discrepancies",
        "rule": "      {n}  {title} ({code})",
    },
}


def summary_lines(rec: Reconciliation, lang: str = "zh") -> list[tuple[str, str]]:
    """(text, rich style) per line."""
    t = _LINES[norm(lang)]
    sym = rec.config.currency_symbol

    def money(d: Decimal) -> str:
        return f"-{sym}{-d:,.2f}" if d < 0 else f"{sym}{d:,.2f}"

    s, p, sh, a = rec.stock, rec.payments, rec.shipments, rec.ageing
    rate = f"{sh.on_time_rate:.1%}" if sh.on_time_rate is not None else "—"
    gain, gvalue, loss, lvalue = s.gross

    def split(items: Sequence[PaymentItem | ShipmentItem]) -> dict[str, str]:
        record = sum(1 for i in items if for_record(i.kind))
        return {"action": f"{len(items) - record:,}", "record": f"{record:,}"}

    out = [(t["head"].format(book=rec.path.name if rec.path else "—", today=rec.today.isoformat()), "bold")]
    errors = rec.validation_errors
    if errors:
        out.append((t["alert"].format(errors=f"{errors:,}"), "bold red"))
    out += [
        (
            t["stock"].format(
                skus=f"{len(s.lines):,}",
                value=money(s.value),
                counts=f"{len(s.counts):,}",
                varied=f"{len(s.gains) + len(s.losses):,}",
                gain=gain,
                gvalue=money(gvalue),
                loss=loss,
                lvalue=money(lvalue),
                units=s.variance_units,
                vvalue=money(s.variance_value),
                negative=len({n.sku for n in s.negatives}),
                low=sum(1 for x in s.lines if x.low),
            ),
            "",
        ),
        (
            t["payments"].format(
                orders=f"{p.orders:,}",
                total=money(p.total),
                paid=money(p.paid),
                outstanding=money(p.outstanding),
                received=money(p.received),
                refunded=money(p.refunded),
                **split(p.items),
            ),
            "",
        ),
        (
            t["shipments"].format(
                shipments=f"{sh.shipments:,}", shipped=f"{sh.shipped_orders:,}", rate=rate, **split(sh.items)
            ),
            "",
        ),
        (
            t["ageing"].format(
                buckets=" · ".join(f"{label} {money(v)}" for label, v in zip(a.labels(lang), a.totals)),
                total=money(a.grand_total),
                overdue=money(a.overdue_total),
                customers=len(rec.collection),
            ),
            "",
        ),
    ]
    if rec.bank is not None:
        b = rec.bank
        out.append(
            (
                t["bank"].format(
                    name=b.statement.name,
                    lines=f"{len(b.statement.lines):,}",
                    matched=f"{len(b.matches):,}",
                    ref=f"{b.count('reference'):,}",
                    amount=f"{len(b.matches) - b.count('reference'):,}",
                    unmatched=len(b.unmatched_lines),
                    missing=len(b.unmatched_payments),
                ),
                "",
            )
        )
    if not rec.findings:
        out.append((t["clean"], "green"))
        return out
    out.append(
        (
            t["total"].format(errors=f"{rec.errors:,}", warnings=f"{rec.warnings:,}"),
            "bold red" if rec.errors else "yellow",
        )
    )
    counts = Counter(f.code for f in rec.findings)
    for code in sorted(counts, key=lambda c: (CODES[c].severity is not Severity.ERROR, -counts[c], c)):
        c = CODES[code]
        out.append(
            (
                t["rule"].format(n=f"{counts[code]:>6,}", title=code_title(code, lang), code=code),
                "red" if c.severity is Severity.ERROR else "yellow",
            )
        )
    return out


def render_summary(rec: Reconciliation, lang: str = "zh", console: Console | None = None) -> None:
    console = console or Console(highlight=False, soft_wrap=True)
    for line, style in summary_lines(rec, lang):
        console.print(Text(line, style=style))
