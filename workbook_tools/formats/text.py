"""The terminal report: when it ran; per file a header line, the file's size and time, the settings,
counts by rule, then the findings, errors first, each in two or three lines at 80 columns (where,
what is wrong, what to type); and a last line saying the fixes go into the original book.

Everything read from a workbook goes into ``rich.text.Text`` objects, never into markup, so a cell
holding ``[bold]`` or ``[/]`` is shown as typed and cannot break the output. And everything read from a
workbook or a file name passes ``inert`` first: control characters (C0 and C1, ESC and so OSC and CSI
sequences, tab, newline, carriage return, line and paragraph separators, bidirectional overrides) are
shown escaped (``\\x1b``, ``\\n``, ``\\u202e``), so a cell cannot colour, retitle or clear the terminal,
and a value or a file name cannot start a line of its own in a log. A file name holding any of them
is shown quoted (``shown_path``).
"""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..codes import Severity
from ..findings import ordered
from ..report import FileResult, Report
from ..safe_io import atomic_path
from .labels import checked_line, code_counts, code_title, file_facts, file_line, severity_word, totals, word

#: Findings shown per file in the terminal; the file reports carry all of them.
MAX_ROWS = 200
#: Widest cell reference given its own column (a longer one pushes its message line on).
CELL_WIDTH = 16

_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow"}

#: Characters never written as they are: C0 and C1 controls (ESC, so CSI and OSC; tab, newline, CR
#: among them), DEL, line and paragraph separators, the bidirectional controls, and the lone surrogates
#: that stand for bytes of a file name that are not UTF-8 (they cannot be printed at all).
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _escape(m: re.Match[str]) -> str:
    ch = m.group(0)
    if ch in _NAMED:
        return _NAMED[ch]
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def inert(text: object) -> str:
    """``text`` with every control character shown escaped: ESC as the four characters ``\\x1b``."""
    text = str(text)
    return _CONTROL.sub(_escape, text) if _CONTROL.search(text) else text


def shown_path(path: str | os.PathLike[str]) -> str:
    """A file name as shown in a line of text: as it is, or, when it holds a control character (a
    newline, say), quoted with that character escaped, so it cannot end the line or forge another."""
    text = os.fspath(path)
    if isinstance(text, bytes):
        text = os.fsdecode(text)
    if _CONTROL.search(text) is None:
        return text
    return '"' + inert(text.replace("\\", "\\\\").replace('"', '\\"')) + '"'


def render_text(
    report: Report, lang: str = "zh", console: Console | None = None, *, max_rows: int = MAX_ROWS, settings: bool = True
) -> None:
    """Print ``report`` on ``console`` (a new stdout console when None; plain text when not a tty).
    ``settings=False``: each file's settings are left to the caller (the command's last line says them)."""
    if console is None:
        console = Console(highlight=False)
        if not console.is_terminal:  # a log file or a pipe: wide lines beat a table wrapped to 80 columns
            console = Console(highlight=False, width=160)
    checked = checked_line(report, lang)
    if checked:
        console.print(Text(checked, style="dim"))
    for result in report.files:
        _render_file(console, result, lang, max_rows, settings)
    for skipped in report.skipped:  # what a folder's search passed over, once each
        console.print(Text(f"{shown_path(skipped.path)}  {inert(skipped.text(lang))}", style="dim"))
    console.print(Text(totals(report).line(lang), style="bold"))
    if any(r.findings for r in report.files):
        console.print(Text(word("fix_original", lang)))


def write_text(report: Report, path: str | Path, lang: str = "zh", *, width: int = 160) -> Path:
    """The same report as a plain UTF-8 text file (no colours), e.g. for a morning e-mail."""
    buf = io.StringIO()
    console = Console(file=buf, width=width, color_system=None, force_terminal=False, highlight=False, emoji=False)
    render_text(report, lang, console, max_rows=10**9)
    path = Path(path)
    with atomic_path(path) as tmp:
        tmp.write_text(buf.getvalue(), encoding="utf-8")
    return path


def _render_file(console: Console, result: FileResult, lang: str, max_rows: int, settings: bool = True) -> None:
    head = Text()
    head.append(shown_path(result.path), style="bold")
    head.append("  ")
    if result.error:
        head.append(inert(file_line(result, lang)), style="bold red")
        console.print(head)
        console.print()
        return
    style = "bold red" if result.errors else ("yellow" if result.warnings else "green")
    head.append(file_line(result, lang), style=style)
    console.print(head)
    for line in file_facts(result, lang, settings=settings):
        console.print(Text("  " + inert(line), style="dim"))
    if not result.findings:
        console.print(Text(word("clean", lang), style="green"))
        console.print()
        return

    counts = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
    for key in ("severity", "rule", "count"):
        counts.add_column(word(key, lang), justify="right" if key == "count" else "left")
    for code, severity, n in code_counts(result.findings):
        counts.add_row(
            Text(severity_word(severity, lang), style=_STYLE[severity]), Text(code_title(code, lang)), Text(f"{n:,}")
        )
    console.print(counts)
    console.print()

    # one finding in two or three lines at 80 columns: severity, cell and the message (wrapped under
    # itself), then what to type, indented; the value is in the message, the rule in the counts above
    shown = ordered(result.findings)[:max_rows]
    sev_width = max(cell_len(severity_word(s, lang)) for s in Severity)
    cell_width = min(CELL_WIDTH, max((cell_len(inert(f.cell or "")) for f in shown), default=0))
    for f in shown:
        sev, cell = severity_word(f.severity, lang), inert(f.cell or "")
        head = Text(sev + " " * (sev_width - cell_len(sev)), style=_STYLE[f.severity])
        head.append("  " + cell + " " * max(0, cell_width - cell_len(cell)) + "  ")
        _hanging(console, head, Text(inert(f.message(lang))))
        _hanging(console, Text("  → ", style="dim"), Text(inert(f.hint(lang)), style="dim"))
    if len(result.findings) > len(shown):
        console.print(Text(word("more", lang, n=f"{len(result.findings) - len(shown):,}"), style="italic"))
    console.print()


def _hanging(console: Console, head: Text, body: Text) -> None:
    """``head`` then ``body`` wrapped to the console's width, its later lines under its first."""
    pad = cell_len(head.plain)
    out = head.copy()
    for n, line in enumerate(body.wrap(console, max(10, console.width - pad))):
        if n:
            out.append("\n" + " " * pad)
        line.rstrip()
        out.append_text(line)
    console.print(out, soft_wrap=True)
