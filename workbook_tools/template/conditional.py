"""Conditional formats that show problems while staff type: red for errors, yellow for warnings.

Each rule covers one column over the prepared rows (row 2 to the sheet's last prepared row); the
formulas are relative to row 2. Other sheets are reached through ``col_…`` names (lists.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from xlsxwriter.worksheet import Worksheet

from ..cells import MAX_ROW
from ..choices import ORDER_STATUS, label_of
from ..config import Config
from ..errors import SchemaError
from ..formulas import LABELLED, code_of
from ..schema import Sheet
from .lists import column_name
from .styles import Styles


@dataclass(frozen=True)
class Rule:
    column: str
    formula: str
    #: "error" (red) or "warning" (yellow)
    level: str


def _q(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def rules(sheet: Sheet, lang: str, config: Config) -> list[Rule]:
    """The conditional formats of ``sheet``, in priority order."""

    def h(key: str) -> str:
        return f"${sheet.letter(key)}2"  # same-row cell, relative to row 2

    out: list[Rule] = []
    for col in sheet.inputs:
        letter, cell = sheet.letter(col.key), h(col.key)
        if col.unique:
            above, below = f"${letter}$1:${letter}1", f"${letter}3:${letter}${MAX_ROW}"
            out.append(
                Rule(
                    col.key,
                    f'=AND({cell}<>"",OR(ISNUMBER(MATCH({cell},{above},0)),ISNUMBER(MATCH({cell},{below},0))))',
                    "error",
                )
            )
        if col.ref:
            target = column_name(*col.ref.split("."))
            key = code_of(cell) if (sheet.key, col.key) in LABELLED else cell  # "C0001 名称": its code
            out.append(Rule(col.key, f'=AND({cell}<>"",ISNA(MATCH({key},{target},0)))', "error"))

    def status(value: str) -> str:
        return _q(label_of(ORDER_STATUS, value, lang))

    if sheet.key == "orders":
        key, due, st = h("order_no"), h("due_date"), h("status")
        grace = config.thresholds.overdue_grace_days
        out.append(
            Rule(
                "due_date",
                f'=AND({key}<>"",ISNUMBER({due}),{due}+{grace}<TODAY(),'
                f"OR({st}={status('pending')},{st}={status('processing')}))",
                "warning",
            )
        )
        out.append(
            Rule(
                "balance",
                f'=AND({key}<>"",N({h("balance")})>0,ISNUMBER({due}),{due}<TODAY(),{st}<>{status("cancelled")})',
                "warning",
            )
        )
    if sheet.key == "products":
        key, on_hand = h("sku"), h("on_hand")
        out.append(Rule("on_hand", f'=AND({key}<>"",ISNUMBER({on_hand}),{on_hand}<0)', "error"))
        # low stock as validate and the dashboard count it: the products 低库存序号 numbers (on sale only)
        out.append(Rule("on_hand", f'=AND({key}<>"",ISNUMBER({h("low_seq")}))', "warning"))
    return out


def add_conditional_formats(
    ws: Worksheet, sheet: Sheet, lang: str, config: Config, last_row: int, styles: Styles
) -> None:
    for r in rules(sheet, lang, config):
        c = sheet.col(r.column)
        fmt = styles.error if r.level == "error" else styles.warning
        if ws.conditional_format(1, c, last_row - 1, c, {"type": "formula", "criteria": r.formula, "format": fmt}) != 0:
            raise SchemaError(f"{sheet.key}.{r.column}: xlsxwriter refused the conditional format")
