"""RFM scoring and the named customer segments (客户分层).

Population: the customers with at least one non-cancelled order that has an order date. For each:

- **R** (recency) = days from the last such order to ``today``; fewer days is better.
- **F** (frequency) = the number of non-cancelled orders.
- **M** (monetary) = the sum of their order totals.

**Scores 1–5 by quintiles of rank.** For a customer whose value is better than ``b`` of the ``n``
customers (strictly better: ties are not counted), the score is ``1 + floor(5 × b / n)``. Tied
values therefore always share a score (the score of the tie's lowest rank, pandas'
``rank(method="min")``), the result does not depend on row order, and with ``n`` distinct values
each score holds ``n / 5`` customers. When most customers have ordered once, they all get F = 1
and the next frequency jumps to a higher score: a tie is never split at a quintile edge.

**Segments: the classic eight-segment model (客户价值分层), with its four "一般" (ordinary) segments
reduced to two.** Each score is *high* when it is above the mean of that score over the
population (a strict comparison: if every customer has the same score, all are low), else *low*:

| R | F | M | segment |
| --- | --- | --- | --- |
| high | high | high | 重要价值客户 key value |
| low | high | high | 重要保持客户 key to retain |
| high | low | high | 重要发展客户 key to develop |
| low | low | high | 重要挽留客户 key to win back |
| low | low | low | 流失风险 churn risk (the classic 一般挽留客户) |
| any other with M low | | | 一般客户 regular (the classic 一般价值 / 一般发展 / 一般保持) |

Customers outside the population (no order yet, or only cancelled ones) are 新客户（未下单）.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any


@dataclass(frozen=True)
class Segment:
    value: str
    zh: str
    en: str
    #: The rule, as shown beside the segment counts: (中文, English).
    rule_zh: str
    rule_en: str

    def label(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en

    def rule(self, lang: str) -> str:
        return self.rule_zh if lang == "zh" else self.rule_en


SEGMENTS: tuple[Segment, ...] = (
    Segment("key_value", "重要价值客户", "Key value",
            "R 高 F 高 M 高：近期常买、花得多", "R, F, M high: recent, frequent, big spender"),
    Segment("key_retain", "重要保持客户", "Key to retain",
            "R 低 F 高 M 高：一直买得多，但最近没来", "R low, F and M high: loyal big spender gone quiet"),
    Segment("key_develop", "重要发展客户", "Key to develop",
            "R 高 F 低 M 高：最近下过大单，次数少", "R high, F low, M high: recent big orders, few of them"),
    Segment("key_win_back", "重要挽留客户", "Key to win back",
            "R 低 F 低 M 高：花过大钱，已久未下单", "R low, F low, M high: spent a lot once, long ago"),
    Segment("regular", "一般客户", "Regular",
            "M 低，且 R、F 不同时为低", "M low, and not both R and F low"),
    Segment("churn_risk", "流失风险", "Churn risk",
            "R 低 F 低 M 低：久未下单、次数少、金额小", "R, F, M low: long ago, seldom, little"),
    Segment("no_orders", "新客户（未下单）", "New (no orders yet)",
            "没有未取消的订单", "No order that was not cancelled"),
)
SEGMENT_BY_VALUE: dict[str, Segment] = {s.value: s for s in SEGMENTS}

_BY_HIGH: dict[tuple[bool, bool, bool], str] = {
    (True, True, True): "key_value",
    (False, True, True): "key_retain",
    (True, False, True): "key_develop",
    (False, False, True): "key_win_back",
    (False, False, False): "churn_risk",
}


def quintile_scores(values: Sequence[Any], *, lower_is_better: bool = False) -> list[int]:
    """Score each value 1–5: ``1 + floor(5 × b / n)``, ``b`` = how many values it strictly beats."""
    n = len(values)
    ordered = sorted(values)
    out = []
    for v in values:
        beaten = n - bisect_right(ordered, v) if lower_is_better else bisect_left(ordered, v)
        out.append(1 + 5 * beaten // n)
    return out


def segment_of(high_r: bool, high_f: bool, high_m: bool) -> str:
    """The segment value for a customer's high/low R, F and M."""
    return _BY_HIGH.get((high_r, high_f, high_m), "regular")


@dataclass(frozen=True)
class Rfm:
    r: int
    f: int
    m: int
    segment: str


def rfm(recency_days: Sequence[int], frequency: Sequence[int], monetary: Sequence[Any]) -> list[Rfm]:
    """Scores and segment of each customer of the population (the three sequences are aligned)."""
    n = len(recency_days)
    if n == 0:
        return []
    r = quintile_scores(recency_days, lower_is_better=True)
    f = quintile_scores(frequency)
    m = quintile_scores(monetary)
    means = [Fraction(sum(s), n) for s in (r, f, m)]
    return [
        Rfm(ri, fi, mi, segment_of(ri > means[0], fi > means[1], mi > means[2]))
        for ri, fi, mi in zip(r, f, m)
    ]
