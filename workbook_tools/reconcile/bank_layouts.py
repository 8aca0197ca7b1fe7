"""What Chinese banks' statement exports look like, and how their columns are recognised.

Eight layouts were checked against anonymised real exports (tests/test_bank_layouts.py builds each):

========  ======  ============================================================================
bank      format  what is particular
========  ======  ============================================================================
ICBC 工行  CSV     title block (明细查询文件下载, 卡号: …) and blank lines before the header;
                  ``交易金额(收入)`` / ``记账金额(收入)`` … (记账 preferred); every value padded with
                  spaces and a tab; ``-`` for an empty amount
CCB 建行   .xls    English title row, 开户机构 / 币\u3000\u3000种 / 账号 rows; ``收入`` / ``支出``; padded cells
SPDB 浦发  .xls    an account row; ``存入金额`` / ``取出金额``; ``交易对手名称``; ``2025/12/03  14:06:51``
ABC 农行   CSV     ``交易日期`` as ``20240101``, ``交易时间`` as ``123456``, one signed ``交易金额`` (+/-)
BOC 中行   CSV     title line; ``记账日期`` / ``记账时间``; one signed ``金额``; ``----------`` when empty
BOCOM 交行 CSV     unsigned ``交易金额`` with a ``借贷`` column: ``贷 Cr`` / ``借 Dr``
CMB 招行   CSV     ``记账日期``; signed ``交易金额`` with thousands separators; ``对手信息`` =
                  payer name and account number (``张三 66666666666666``)
对公       .xls(x) ``借方发生额`` / ``贷方发生额``, ``对方单位名称``, ``对方账号``, ``用途``, ``交易流水号``
========  ======  ============================================================================

The header names below are built in; the lists under ``[bank]`` in orderbook.toml are looked at
first, so a clerk adds a bank's unusual name there (``[bank] credit = ["到账金额"]``) and keeps
every built-in one. A header is compared after NFKC (full-width brackets and ideographic spaces
become ASCII), without spaces, quotes, a trailing colon or a unit suffix (``(元)``, ``(人民币)``),
case-folded. A name with a direction in brackets — ``交易金额(收入)``, ``记账金额(支出)`` — is a
credit or debit column; when a statement has both, the 记账 (booked, in the account's currency) one
is used rather than the 交易 (transaction currency) one.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..config import Bank

#: The columns a statement is read for, in the order they are looked for.
KEYS = ("date", "credit", "debit", "amount", "direction", "payer", "memo", "reference")

#: Names known besides those of ``[bank]`` (which come first), per column.
BUILTIN: dict[str, tuple[str, ...]] = {
    "date": (
        "交易日期",
        "记账日期",
        "入账日期",
        "交易时间",
        "日期",
        "记账日",
        "交易日",
        "入账日",
        "账务日期",
        "发生日期",
        "交易日期时间",
        "date",
        "transaction date",
        "value date",
        "posting date",
        "booking date",
    ),
    "credit": (
        "收入金额",
        "贷方金额",
        "贷方发生额",
        "收入",
        "存入金额",
        "存入",
        "贷方",
        "收款金额",
        "入账金额",
        "来账金额",
        "credit",
        "credit amount",
        "deposit",
        "deposits",
        "money in",
        "paid in",
    ),
    "debit": (
        "支出金额",
        "借方金额",
        "借方发生额",
        "支出",
        "支取金额",
        "取出金额",
        "取出",
        "借方",
        "付款金额",
        "出账金额",
        "往账金额",
        "debit",
        "debit amount",
        "withdrawal",
        "withdrawals",
        "money out",
        "paid out",
    ),
    "amount": ("记账金额", "交易金额", "发生额", "金额", "交易额", "amount", "transaction amount"),
    "direction": (
        "借贷标志",
        "借贷方向",
        "收支方向",
        "收支",
        "借贷",
        "借/贷",
        "收/支",
        "借贷标识",
        "借贷方",
        "交易方向",
        "资金方向",
        "收付方向",
        "收支标志",
        "来往账标识",
        "方向",
        "c/d",
        "d/c",
        "dr/cr",
        "cr/dr",
        "direction",
        "debit/credit",
        "credit/debit",
    ),
    "payer": (
        "对方户名",
        "对方账户名称",
        "对方名称",
        "对方单位",
        "对方单位名称",
        "对方账户名",
        "对方户名称",
        "交易对手名称",
        "交易对手",
        "对手户名",
        "对方账号名称",
        "付款人",
        "付款人名称",
        "付款方户名",
        "付款方",
        "收/付款人",
        "对手信息",
        "交易对手信息",
        "对方信息",
        "counterparty",
        "counterparty name",
        "payer",
        "payer name",
    ),
    "memo": (
        "摘要",
        "附言",
        "用途",
        "交易附言",
        "备注",
        "交易摘要",
        "交易用途",
        "交易详情",
        "交易说明",
        "说明",
        "交易备注",
        "memo",
        "description",
        "remarks",
        "narrative",
        "purpose",
    ),
    "reference": (
        "交易流水号",
        "流水号",
        "交易参考号",
        "银行流水号",
        "交易序号",
        "交易编号",
        "核心流水号",
        "交易流水",
        "参考号",
        "reference",
        "reference no",
        "transaction id",
        "transaction reference",
    ),
}

#: Columns that hold a running balance: never an amount (used to explain an unreadable header).
BALANCE = ("余额", "账户余额", "交易后余额", "联机余额", "本次余额", "可用余额", "balance")

_CREDIT = frozenset(
    {"贷", "收", "收入", "贷方", "存入", "入", "来账", "转入", "入账", "收款", "credit", "cr", "c", "+"}
)
_DEBIT = frozenset(
    {"借", "支", "支出", "借方", "支取", "取出", "出", "往账", "转出", "出账", "付款", "debit", "dr", "d", "-"}
)
_UNIT = re.compile(r"[(\[【](元|人民币|人民币元|rmb|cny)[)\]】]$")
_SUFFIX = re.compile(r"^(.+?)[(\[【]([^()\[\]【】]+)[)\]】]$")
_BOOKED = ("记账", "入账")
_DASHES = re.compile(r"[-－—–_~]+")
_MARKS = frozenset("='`-－—–_~")
_FOOTER_WORDS = (
    r"(合计|总计|小计|本页小计|本页合计|本月合计|累计|笔数|总笔数|交易笔数|收入合计|支出合计|借方合计|贷方合计"
    r"|共\s*\d+\s*笔|total|subtotal|sum\b)"
)
#: The first cell of a footer starts with one of the words; any other cell is one of them with a number.
_FOOTER_FIRST = re.compile(_FOOTER_WORDS, re.IGNORECASE)
_FOOTER_ANY = re.compile(r"合计|总计|小计|累计|笔|total|sum", re.IGNORECASE)
_FOOTER_CELL = re.compile(_FOOTER_WORDS + r"\s*[:：]?\s*[-+\d,.\s笔元¥]*", re.IGNORECASE)
_ACCOUNT_TAIL = re.compile(r"^(.*?\S)[\s/|,，;；:：]+([0-9*][0-9* \-]*)$")


def header_name(cell: object) -> str:
    """A header as compared: NFKC, no spaces, quotes, colon or unit suffix, case-folded."""
    s = unicodedata.normalize("NFKC", "" if cell is None else str(cell))
    s = re.sub(r"\s+", "", s).strip("\"'`*:").casefold()
    while True:
        t = _UNIT.sub("", s)
        if t == s:
            return s
        s = t


def clean(value: object) -> str:
    """A cell as text: trimmed of spaces, tabs and ideographic spaces; ``="0123"`` and ``'0123``
    unwrapped; ``-``, ``--``, ``----------`` and the like are blank."""
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    s = value.strip() if type(value) is str else str(value).strip()
    if not s or s[0] not in _MARKS:
        return s
    if s.startswith('="') and s.endswith('"'):
        s = s[2:-1]
    s = s.lstrip("'`").strip()
    return "" if _DASHES.fullmatch(s) else s


def direction(value: object) -> int:
    """+1 for a credit word (贷, 贷 Cr, 收, 收入, C …), -1 for a debit word, 0 when it says neither."""
    s = unicodedata.normalize("NFKC", clean(value)).casefold()
    if not s:
        return 0
    if s in _CREDIT:
        return 1
    if s in _DEBIT:
        return -1
    words = re.split(r"[\s/()|]+", s)
    if any(w in _CREDIT for w in words if w) or s[0] in "贷收":
        return 1
    if any(w in _DEBIT for w in words if w) or s[0] in "借支":
        return -1
    return 0


def payer_name(text: str) -> str:
    """The payer without an account number after it: ``张三 66666666666666`` -> ``张三``."""
    m = _ACCOUNT_TAIL.match(text)
    if m and sum(ch.isdigit() for ch in m.group(2)) >= 4:
        return m.group(1).strip()
    return text


def maybe_footer(cells: Sequence[object]) -> bool:
    """Quick: could this row be a footer? (one search instead of one per cell)"""
    return bool(_FOOTER_ANY.search("\x1f".join(c for c in cells if type(c) is str)))


def is_footer(texts: Sequence[str]) -> bool:
    """A total or count line below the data (合计, 本页小计, 笔数 …); ``texts`` are cleaned cells."""
    first = next((t for t in texts if t), "")
    return bool(_FOOTER_FIRST.match(first)) or any(t and _FOOTER_CELL.fullmatch(t) for t in texts)


class Aliases:
    """The header names looked for, per column: ``[bank]``'s first, then the built-in ones."""

    def __init__(self, bank: Bank | None = None) -> None:
        self.names: dict[str, list[str]] = {}
        for key in KEYS:
            seen: dict[str, None] = {}
            for alias in [*(getattr(bank, key, None) or ()), *BUILTIN[key]]:
                n = header_name(alias)
                if n:
                    seen.setdefault(n)
            self.names[key] = list(seen)

    def __getitem__(self, key: str) -> list[str]:
        return self.names[key]


@dataclass
class Columns:
    """Where each column is in a header row (0-based); ``dates`` are the candidates for the date."""

    header: list[str]
    index: dict[str, int] = field(default_factory=dict)
    dates: list[int] = field(default_factory=list)
    memos: list[int] = field(default_factory=list)

    @property
    def usable(self) -> bool:
        return bool(self.dates) and ("credit" in self.index or "debit" in self.index or "amount" in self.index)

    def name(self, key: str) -> str:
        """The header text of the column read for ``key`` ('' when there is none)."""
        i = self.index.get(key)
        return "" if i is None else clean(self.header[i])


def _suffixed(names: list[str], aliases: Aliases, side: int, taken: set[int]) -> int | None:
    """A ``交易金额(收入)`` / ``记账金额(支出)`` column for ``side`` (+1 credit, -1 debit), 记账 first."""
    found = []
    for i, n in enumerate(names):
        m = _SUFFIX.match(n)
        if i in taken or m is None:
            continue
        base, suffix = m.groups()
        if direction(suffix) != side or not ("额" in base or base in aliases["amount"]):
            continue
        found.append((0 if base.startswith(_BOOKED) else 1, i))
    return min(found)[1] if found else None


def _booked(names: list[str], i: int, taken: set[int]) -> int:
    """Column ``i`` or, when it is a 交易… column and a 记账… column of the same name exists, that one."""
    n = names[i]
    if n.startswith("交易"):
        for prefix in _BOOKED:
            other = prefix + n[2:]
            if other in names and names.index(other) not in taken:
                return names.index(other)
    return i


def find_columns(cells: Sequence[object], aliases: Aliases) -> Columns:
    """The columns of the header row ``cells`` (may be unusable: see ``Columns.usable``)."""
    names = [header_name(c) for c in cells]
    cols = Columns([clean(c) for c in cells])
    positions: dict[str, list[int]] = {}
    for i, n in enumerate(names):
        if n:
            positions.setdefault(n, []).append(i)
    taken: set[int] = set()

    def first(key: str) -> int | None:
        for alias in aliases[key]:
            for i in positions.get(alias, ()):
                if i not in taken:
                    return i
        return None

    for alias in aliases["date"]:
        cols.dates.extend(i for i in positions.get(alias, ()) if i not in cols.dates)
    taken.update(cols.dates)
    for key in ("credit", "debit", "amount"):
        at = first(key)
        if at is None and key != "amount":
            at = _suffixed(names, aliases, 1 if key == "credit" else -1, taken)
        if at is not None:
            at = _booked(names, at, taken)
            cols.index[key] = at
            taken.add(at)
    for key in ("direction", "payer", "reference"):
        at = first(key)
        if at is not None:
            cols.index[key] = at
            taken.add(at)
    for alias in aliases["memo"]:
        cols.memos.extend(i for i in positions.get(alias, ()) if i not in taken and i not in cols.memos)
    if cols.memos:
        cols.index["memo"] = cols.memos[0]
    return cols


def is_balance(name: str) -> bool:
    n = header_name(name)
    return any(n == header_name(b) or n.endswith(header_name(b)) for b in BALANCE)
