"""The HTML report: one self-contained page (inline CSS, no scripts, no external assets).

When the check ran, then per file its size, time and settings, and the findings grouped by rule,
errors first, each with what to type; rules by their names (the codes are in the JSON report). Every text that comes from a workbook or a path is
escaped: values are untrusted. Control characters are shown escaped as in the terminal
(text.inert: ESC as ``\\x1b``), never written into the page.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from html import escape
from pathlib import Path

from ..codes import CODES, Severity
from ..findings import Finding
from ..lang import pick
from ..report import FileResult, Report
from ..safe_io import atomic_path
from .labels import (
    checked_line,
    code_counts,
    code_title,
    file_facts,
    file_line,
    rows_read,
    severity_word,
    totals,
    value_text,
    word,
)
from .text import inert, shown_path

#: Code groups with more findings than this start folded (the summary line stays visible).
OPEN_LIMIT = 50

_CSS = """
body{font-family:-apple-system,"Segoe UI","PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif;
 margin:2rem auto;max-width:1200px;padding:0 1rem;color:#1f2328;line-height:1.45}
h1{font-size:1.6rem;margin:0 0 .3rem}h2{font-size:1.25rem;margin:2rem 0 .3rem;word-break:break-all}
h3{font-size:1.05rem;margin:1.2rem 0 .4rem}
.meta{color:#59636e;margin:0 0 1rem}.total{font-weight:600}
table{border-collapse:collapse;width:100%;margin:.3rem 0 .8rem;font-size:.92rem}
th,td{border:1px solid #d1d9e0;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#f0f3f6}td.n{text-align:right;white-space:nowrap}
td.cell{white-space:nowrap;font-family:ui-monospace,Consolas,monospace}
td.value{font-family:ui-monospace,Consolas,monospace;word-break:break-all;max-width:16rem}
.sev{display:inline-block;border-radius:3px;padding:0 .4rem;font-size:.85rem;font-weight:600}
.error{background:#ffc7ce;color:#9c0006}.warning{background:#ffeb9c;color:#9c5700}
.clean{background:#c6efce;color:#006100}.bad{color:#9c0006;font-weight:600}
details{margin:.2rem 0 .6rem}summary{cursor:pointer;padding:.2rem 0}
summary code,td code{background:#f0f3f6;padding:0 .3rem;border-radius:3px}
.hint{color:#59636e}.fix{font-weight:600;color:#9c5700}
@media print{details{break-inside:avoid}}
"""


def write_html(report: Report, path: str | Path, lang: str = "zh", *, generated: datetime | None = None) -> Path:
    path = Path(path)
    with atomic_path(path) as tmp:
        tmp.write_text(render_html(report, lang, generated=generated), encoding="utf-8")
    return path


def render_html(report: Report, lang: str = "zh", *, generated: datetime | None = None) -> str:
    t = totals(report)
    title = word("title_report", lang)
    out = [
        "<!DOCTYPE html>",
        f'<html lang="{pick(lang, "zh-CN", "en")}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{_e(title)}</h1>",
    ]
    checked = checked_line(report, lang)
    if checked:
        out.append(f'<p class="meta">{_e(checked)}</p>')
    if generated is not None:
        out.append(f'<p class="meta">{_e(word("generated", lang))}: {_e(generated.strftime("%Y-%m-%d %H:%M"))}</p>')
    out.append(f'<p class="total">{_e(t.line(lang))}</p>')
    if any(r.findings for r in report.files):
        out.append(f'<p class="fix">{_e(word("fix_original", lang))}</p>')
    out.append(_files_table(report, lang))
    for n, result in enumerate(report.files, 1):
        out.append(_file_section(n, result, lang))
    out.append("</body></html>\n")
    return "\n".join(out)


#: Table attributes for renderers that ignore CSS (Outlook, LibreOffice); browsers use the stylesheet.
_TABLE = '<table border="1" cellspacing="0" cellpadding="4" width="100%">'
_BG = {Severity.ERROR: "#ffc7ce", Severity.WARNING: "#ffeb9c"}
_FG = {Severity.ERROR: "#9c0006", Severity.WARNING: "#9c5700"}


def _e(text: object) -> str:
    if isinstance(text, Path):
        text = shown_path(text)
    return escape(inert(text), quote=True)


def _sev(severity: Severity | str, lang: str) -> str:
    s = Severity(severity)
    return f'<span class="sev {s.value}" style="color:{_FG[s]}"><b>{_e(severity_word(s, lang))}</b></span>'


def _files_table(report: Report, lang: str) -> str:
    rows = [
        f'{_TABLE}<colgroup><col><col width="12%"><col width="12%"><col width="12%"></colgroup>'
        f"<tr><th>{_e(word('file', lang))}</th><th>{_e(word('rows', lang))}</th>"
        f"<th>{_e(word('errors', lang))}</th><th>{_e(word('warnings', lang))}</th></tr>"
    ]
    for n, r in enumerate(report.files, 1):
        link = f'<a href="#file-{n}">{_e(r.path)}</a>'
        if r.error:
            rows.append(f'<tr><td>{link}</td><td colspan="3" class="bad">{_e(file_line(r, lang))}</td></tr>')
        else:
            rows.append(
                f'<tr><td>{link}</td><td class="n">{rows_read(r):,}</td>'
                f'<td class="n">{r.errors:,}</td><td class="n">{r.warnings:,}</td></tr>'
            )
    rows.append("</table>")
    return "".join(rows)


def _file_section(n: int, result: FileResult, lang: str) -> str:
    out = [f'<section id="file-{n}"><h2>{_e(result.path)}</h2>']
    if result.error:
        out.append(f'<p class="bad">{_e(file_line(result, lang))}</p></section>')
        return "\n".join(out)
    out.append(f'<p class="meta">{_e(file_line(result, lang))}</p>')
    for line in file_facts(result, lang):
        out.append(f'<p class="meta">{_e(line)}</p>')
    if not result.findings:
        out.append(f'<p><span class="sev clean">{_e(word("clean", lang))}</span></p></section>')
        return "\n".join(out)
    out.append(_counts_table(result.findings, lang))
    # one group per rule, errors first (code_counts' order): no warning between two errors
    by_code: dict[str, list[Finding]] = defaultdict(list)
    for f in result.findings:
        by_code[f.code].append(f)
    for code, _severity, count in code_counts(result.findings):
        out.append(_code_group(code, by_code[code], count, lang))
    out.append("</section>")
    return "\n".join(out)


def _counts_table(findings: list[Finding], lang: str) -> str:
    rows = [
        f'{_TABLE}<colgroup><col width="12%"><col><col width="12%"></colgroup>'
        f"<tr><th>{_e(word('severity', lang))}</th><th>{_e(word('rule', lang))}</th>"
        f"<th>{_e(word('count', lang))}</th></tr>"
    ]
    for code, severity, count in code_counts(findings):
        rows.append(
            f'<tr><td bgcolor="{_BG[severity]}">{_sev(severity, lang)}</td>'
            f'<td>{_e(code_title(code, lang))}</td><td class="n">{count:,}</td></tr>'
        )
    rows.append("</table>")
    return "".join(rows)


def _code_group(code: str, findings: list[Finding], count: int, lang: str) -> str:
    severity = CODES[code].severity
    out = [
        f'<details{" open" if count <= OPEN_LIMIT else ""} data-code="{_e(code)}"><summary>{_sev(severity, lang)} '
        f"{_e(code_title(code, lang))} — {count:,}</summary>",
        f'{_TABLE}<colgroup><col width="13%"><col width="15%"><col width="38%"><col></colgroup>'
        f"<tr><th>{_e(word('cell', lang))}</th><th>{_e(word('value', lang))}</th>"
        f"<th>{_e(word('message', lang))}</th><th>{_e(word('hint', lang))}</th></tr>",
    ]
    for f in findings:
        out.append(
            f'<tr><td class="cell" nowrap>{_e(f.cell or "")}</td><td class="value">{_e(value_text(f.value))}</td>'
            f'<td>{_e(f.message(lang))}</td><td class="hint">{_e(f.hint(lang))}</td></tr>'
        )
    out.append("</table></details>")
    return "".join(out)
