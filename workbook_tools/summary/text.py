"""The key figures as a few lines of text, for the terminal and cron logs."""

from __future__ import annotations

from ..lang import say
from .model import MonthlySummary, Number
from .texts import tr


def _fmt(value: Number | None, kind: str, symbol: str) -> str:
    if value is None:
        return "—"
    if kind == "money":
        return f"{symbol}{value:,.2f}"
    if kind == "rate":
        return f"{value:.1%}"
    if kind == "days":
        return f"{value:.1f}"
    return f"{value:,}"


def _change(value: float | None) -> str:
    return "" if value is None else f" ({value:+.1%})"


def _width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def figures_text(summary: MonthlySummary, lang: str = "zh") -> list[str]:
    """``月报 2026-10（截至 2026-10-31）`` then one line per figure: this month, the previous month."""
    head = say(
        lang,
        ("{sheet}（截至 {day}）", "{sheet} (as of {day})"),
        sheet=tr("sheet", lang, month=summary.month),
        day=f"{summary.as_of:%Y-%m-%d}",
    )
    labels = {k: tr(k, lang) for k in summary.figures}
    pad = max(_width(t) for t in labels.values()) + 2
    prev = tr("previous", lang)
    lines = [head]
    for key, f in summary.figures.items():
        label = labels[key]
        value = _fmt(f.value, f.kind, summary.currency_symbol)
        lines.append(
            f"  {label}{' ' * (pad - _width(label))}{value:>16}   {prev} "
            f"{_fmt(f.previous, f.kind, summary.currency_symbol)}{_change(f.change_previous)}"
        )
    return lines
