"""The Excel report: an annotated copy of each workbook with findings, and ``validation_report.xlsx``.

``validation_report.xlsx`` lists every finding of every file on its 问题清单 / Issues sheet; each
cell reference is a relative hyperlink into the annotated copy beside it
(``订单簿.annotated.xlsx#'订单'!C12``), so the folder can be moved or mailed as a whole. The file
name is percent-encoded in the link (``file_link``): a ``#`` in it would otherwise end the file name
and start the location, and a ``%`` be read as an escape; spaces and Chinese are encoded as Excel does.
A 汇总 / Summary sheet gives the files and the counts by code.
"""

from __future__ import annotations

import logging
from pathlib import Path
from urllib.parse import quote

import xlsxwriter
from openpyxl.utils.exceptions import InvalidFileException
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from ..codes import Severity
from ..errors import OutputError
from ..findings import ordered
from ..outputs import free_path, xlsx_workbook
from ..report import FileResult, Report
from ..template.styles import TEXT_AS_TEXT, a4_page
from ..xlsxpkg.package import DAMAGED
from .annotate import (
    MAX_LINKS,
    MAX_ROWS,
    WIDTHS,
    WRAP,
    IssueRow,
    Plan,
    annotate_copy,
    issue_row,
    row_height,
)
from .labels import (
    COLOURS,
    ISSUE_COLUMNS,
    TEXT_COLOURS,
    checked_line,
    code_counts,
    code_title,
    file_facts,
    rows_read,
    severity_word,
    totals,
    word,
)

log = logging.getLogger(__name__)

REPORT_NAME = "validation_report.xlsx"


def file_link(name: str, location: str | None = None) -> str:
    """The ``write_url`` target of a file beside the report (and a place in it): the name
    percent-encoded whole (UTF-8), so ``#``, ``%``, spaces and Chinese all reach Excel as typed."""
    return f"external:{quote(name, safe='')}" + (f"#{location}" if location else "")


def _write_link(ws: Worksheet, row: int, col: int, target: str, fmt: Format, text: str, plain: Format) -> None:
    """A link, or the text alone when Excel cannot take the link (too long: 2,079 characters)."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if ws.write_url(row, col, target, fmt, text) < 0:
            ws.write_string(row, col, text, plain)


def _report_name(n: int) -> str:
    return REPORT_NAME if n == 1 else REPORT_NAME.replace(".xlsx", f"-{n}.xlsx")


def annotated_names(
    report: Report,
    out_dir: str | Path | None = None,
    *,
    taken: tuple[str, ...] = (REPORT_NAME,),
) -> dict[int, str]:
    """File name of each annotated copy, by index in ``report.files``: ``<stem>.annotated.xlsx``,
    made unique (``<stem>-2.annotated.xlsx``) when two inputs share a name or, given ``out_dir``,
    when a file there may not be replaced (an input, a book, a file that is not an earlier annotated
    copy: validate never writes over them)."""
    names: dict[int, str] = {}
    taken_now = [*taken]
    inputs = [r.path for r in report.files]
    for i, r in enumerate(report.files):
        if r.error or not r.findings:
            continue
        suffix = r.path.suffix.lower() if r.path.suffix.lower() in (".xlsx", ".xlsm") else ".xlsx"
        stem = r.path.stem

        def name(n: int, stem: str = stem, suffix: str = suffix) -> str:
            return f"{stem}.annotated{suffix}" if n == 1 else f"{stem}-{n}.annotated{suffix}"

        if out_dir is None:
            n = 1
            while name(n).casefold() in {t.casefold() for t in taken_now}:
                n += 1
            names[i] = name(n)
        else:
            names[i] = free_path(out_dir, name, "annotated", inputs=inputs, taken=taken_now).name
        taken_now.append(names[i])
    return names


def write_xlsx(report: Report, out_dir: str | Path, lang: str = "zh", *, engine: str = "auto") -> list[Path]:
    """Write the annotated copies and ``validation_report.xlsx`` into ``out_dir``; return their paths
    (the report first). A copy that cannot be written is noted in the report; the others go on.
    Never over an input, a book or someone else's file: those names get a number
    (``validation_report-2.xlsx``, ``<stem>-2.annotated.xlsx``)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    plans: dict[int, Plan] = {}
    notes: dict[int, str] = {}
    report_path = free_path(out_dir, _report_name, "validation-report", inputs=[r.path for r in report.files])
    names = annotated_names(report, out_dir, taken=(report_path.name,))
    for i, name in names.items():
        result = report.files[i]
        dst = out_dir / name
        if dst.resolve() == result.path.resolve():
            notes[i] = f"{word('no_copy', lang)}: {dst} is the input"
            continue
        try:
            plans[i] = annotate_copy(result.path, dst, result, lang, engine=engine)
            written.append(dst)
        except OutputError:
            raise
        except (*DAMAGED, InvalidFileException) as exc:  # a book we could read but not copy must not stop the others
            log.warning("annotated copy of %s failed: %s", result.path, exc)
            notes[i] = f"{word('no_copy', lang)}: {exc}"
    copies = {i: names[i] for i in plans}
    report_path = write_summary(report, report_path, lang, plans=plans, copies=copies, notes=notes)
    return [report_path, *written]


def write_summary(
    report: Report,
    path: str | Path,
    lang: str = "zh",
    *,
    plans: dict[int, Plan] | None = None,
    copies: dict[int, str] | None = None,
    notes: dict[int, str] | None = None,
) -> Path:
    """``validation_report.xlsx``: Issues (all files, linked into the annotated copies) and Summary."""
    plans, copies, notes = plans or {}, copies or {}, notes or {}
    path = Path(path)
    with xlsx_workbook(path, "validation-report", TEXT_AS_TEXT) as wb:
        fmt = _formats(wb)
        _issues_sheet(wb, fmt, report, lang, plans, copies)
        _summary_sheet(wb, fmt, report, lang, copies, notes)
    return path


def _formats(wb: xlsxwriter.Workbook) -> dict[str, Format]:
    base = {"valign": "top", "font_size": 10}
    return {
        "head": wb.add_format(
            {**base, "bold": True, "bg_color": "#DDEBF7", "border": 1, "valign": "vcenter", "text_wrap": True}
        ),
        "text": wb.add_format(base),
        "wrap": wb.add_format({**base, "text_wrap": True}),
        "small": wb.add_format({**base, "font_size": 8, "font_color": "#59636E"}),
        "link": wb.add_format({**base, "font_color": "#0563C1", "underline": 1}),
        "num": wb.add_format({**base, "num_format": "#,##0"}),
        "bad": wb.add_format({**base, "font_color": "#9C0006", "bold": True}),
        "note": wb.add_format({**base, "bold": True, "font_color": "#9C5700"}),
        "title": wb.add_format({"bold": True, "font_size": 14}),
        **{
            s: wb.add_format({**base, "bg_color": "#" + c, "font_color": "#" + TEXT_COLOURS[s]})
            for s, c in COLOURS.items()
        },
    }


def _rows(report: Report, lang: str, plans: dict[int, Plan]) -> list[tuple[int, FileResult, IssueRow]]:
    """Every file's rows, errors first (a file that cannot be read is an error), then warnings."""
    out = []
    for i, r in enumerate(report.files):
        if r.error:
            out.append(
                (
                    i,
                    r,
                    IssueRow(
                        [
                            str(r.path)
                            if k == "file"
                            else word("error", lang)
                            if k == "severity"
                            else word("read_error", lang, reason=r.error_text(lang))
                            if k == "message"
                            else ""
                            for k in ISSUE_COLUMNS
                        ],
                        Severity.ERROR,
                        None,
                    ),
                )
            )
            continue
        rows = plans[i].rows if i in plans else [issue_row(f, str(r.path), lang) for f in ordered(r.findings)]
        out.extend((i, r, row) for row in rows)
    return sorted(out, key=lambda item: item[2].severity is not Severity.ERROR)


def _issues_sheet(
    wb: xlsxwriter.Workbook,
    fmt: dict[str, Format],
    report: Report,
    lang: str,
    plans: dict[int, Plan],
    copies: dict[int, str],
) -> None:
    ws = wb.add_worksheet(word("issues", lang))
    notes = [line for line in (checked_line(report, lang), word("fix_original", lang)) if line]
    for r, note in enumerate(notes):
        ws.write_string(r, 0, note, fmt["note"] if r == len(notes) - 1 else fmt["text"])
    top = len(notes)  # 0-based row of the header
    for c, key in enumerate(ISSUE_COLUMNS):
        ws.write_string(top, c, word(key, lang), fmt["head"])
        ws.set_column(c, c, WIDTHS[key], fmt["small"] if key == "code" else fmt["wrap"] if key in WRAP else fmt["text"])
    cell_col, sev_col = ISSUE_COLUMNS.index("cell"), ISSUE_COLUMNS.index("severity")
    code_col = ISSUE_COLUMNS.index("code")
    rows = _rows(report, lang, plans)
    widths = [WIDTHS[k] for k in ISSUE_COLUMNS]
    wrap = [k in WRAP for k in ISSUE_COLUMNS]
    links = 0
    room = MAX_ROWS - top
    for n, (i, _result, row) in enumerate(rows[:room], top + 1):
        for c, (key, text) in enumerate(zip(ISSUE_COLUMNS, row.values)):
            if text:
                ws.write_string(n, c, text, fmt["wrap"] if key in WRAP else fmt["text"])
        ws.write_string(n, sev_col, row.values[sev_col], fmt[row.severity])
        if row.values[code_col]:
            ws.write_string(n, code_col, row.values[code_col], fmt["small"])
        height = row_height(row.values, widths, wrap)
        if height:
            ws.set_row(n, height)
        if row.location and i in copies and links < MAX_LINKS:
            links += 1
            _write_link(
                ws, n, cell_col, file_link(copies[i], row.location), fmt["link"], row.values[cell_col], fmt["text"]
            )
    if len(rows) > room:
        ws.write_string(min(MAX_ROWS, top + room + 1), 0, word("too_many", lang, n=f"{room:,}"), fmt["bad"])
    last = top + min(len(rows), room)
    ws.freeze_panes(top + 1, 0)
    ws.autofilter(top, 0, max(last, top + 1), len(ISSUE_COLUMNS) - 1)
    a4_page(ws, footer=True)
    ws.repeat_rows(top)
    ws.activate()


def _summary_sheet(
    wb: xlsxwriter.Workbook,
    fmt: dict[str, Format],
    report: Report,
    lang: str,
    copies: dict[int, str],
    notes: dict[int, str],
) -> None:
    ws = wb.add_worksheet(word("summary", lang))
    ws.write_string(0, 0, word("title_report", lang), fmt["title"])
    ws.write_string(1, 0, totals(report).line(lang), fmt["text"])
    ws.write_string(2, 0, checked_line(report, lang) or "", fmt["text"])
    ws.write_string(3, 0, word("fix_original", lang), fmt["note"])
    heads = ["file", "rows", "errors", "warnings", "annotated", "about"]
    for c, key in enumerate(heads):
        ws.write_string(5, c, word(key, lang), fmt["head"])
    for c, width in enumerate((40, 10, 8, 8, 34, 44)):
        ws.set_column(c, c, width)
    row = 6
    for i, r in enumerate(report.files):
        ws.write_string(row, 0, str(r.path), fmt["wrap"])
        about = "\n".join(file_facts(r, lang))
        if about:
            ws.write_string(row, 5, about, fmt["wrap"])
            ws.set_row(row, row_height([about], [44], [True]))
        if r.error:
            ws.write_string(row, 1, word("read_error", lang, reason=r.error_text(lang)), fmt["bad"])
        else:
            ws.write_number(row, 1, rows_read(r), fmt["num"])
            ws.write_number(row, 2, r.errors, fmt["num"])
            ws.write_number(row, 3, r.warnings, fmt["num"])
            if i in copies:
                _write_link(ws, row, 4, file_link(copies[i]), fmt["link"], copies[i], fmt["text"])
            elif i in notes:
                ws.write_string(row, 4, notes[i], fmt["bad"])
            elif not r.findings:
                ws.write_string(row, 4, word("clean", lang), fmt["text"])
        row += 1
    row += 1
    ws.write_string(row, 0, word("by_code", lang), fmt["title"])
    row += 1
    for c, key in enumerate(("rule", "severity", "count", "code")):
        ws.write_string(row, c, word(key, lang), fmt["head"])
    row += 1
    for code, severity, count in code_counts(report.findings):
        ws.write_string(row, 0, code_title(code, lang), fmt["text"])
        ws.write_string(row, 1, severity_word(severity, lang), fmt[severity])
        ws.write_number(row, 2, count, fmt["num"])
        ws.write_string(row, 3, code, fmt["small"])
        row += 1
    a4_page(ws, footer=True)
