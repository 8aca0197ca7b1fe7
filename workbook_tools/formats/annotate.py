"""The annotated copy of a workbook: flagged cells filled and commented, plus a first Issues sheet.

Two engines write the same copy from the same ``Plan``:

- ``ooxml`` (default) patches the package's XML directly: untouched parts are copied as they are,
  only the flagged sheets, the styles and the workbook part are rewritten. A 100,000-order book takes
  about ten seconds, and nothing openpyxl does not understand (charts, images, extensions) is lost.
- ``openpyxl`` loads and saves the whole book: general, but minutes and gigabytes on a large book,
  and it drops what it does not understand. Used when the fast path meets a package shape it does
  not handle (``ooxml.Unsupported``: threaded comments, form controls, a non-default namespace
  prefix …) or fails unexpectedly.

The input file is only ever opened for reading; the copy is written to a temporary file and renamed.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl.utils import column_index_from_string

from ..codes import Severity
from ..findings import Finding, ordered
from ..lang import SEMICOLON, say
from ..outputs import TAG
from ..report import FileResult
from ..safe_io import atomic_path
from .labels import ISSUE_COLUMNS, comment_text, severity_word, value_text, word

log = logging.getLogger(__name__)

#: Author of the comments in the annotated copy.
AUTHOR = "orderbook"
#: Excel's limit of hyperlinks per worksheet; later rows keep their text without a link.
MAX_LINKS = 65_530
#: Rows an Excel sheet holds below its header.
MAX_ROWS = 1_048_575
#: Excel's limit of characters in a cell (and a comment).
MAX_CHARS = 32_767

#: Issues columns, in Excel widths: together 168, so A4 landscape fits them to its width at about 86 %.
WIDTHS = {
    "file": 18,
    "sheet": 9,
    "cell": 13,
    "severity": 6,
    "rule": 16,
    "value": 14,
    "message": 48,
    "hint": 32,
    "code": 12,
}
WRAP = frozenset({"file", "rule", "message", "hint", "value"})

ENGINES = ("auto", "ooxml", "openpyxl")


@dataclass
class Mark:
    """Everything said about one cell."""

    severity: Severity
    texts: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return clip("\n\n".join(self.texts))


@dataclass
class IssueRow:
    values: list[str]
    severity: Severity
    #: Where the finding sits, as a hyperlink location (``'订单'!C12``); None for book-level findings.
    location: str | None


@dataclass
class Plan:
    #: Sheet name -> (1-based row, 0-based column) -> mark.
    marks: dict[str, dict[tuple[int, int], Mark]]
    issues_title: str
    headers: list[str]
    widths: list[float]
    wrap: list[bool]
    rows: list[IssueRow]
    #: Lines above the table: when the check ran, on which file, with which settings; fix the original.
    notes: list[str] = field(default_factory=list)
    #: The engine that wrote the copy.
    engine: str = ""

    @property
    def header_row(self) -> int:
        """The 1-based row of the table's header (the notes come first)."""
        return len(self.notes) + 1


def clip(text: str) -> str:
    """Drop the control characters XML cannot hold and keep within Excel's cell size."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    text = ILLEGAL_CHARACTERS_RE.sub("", text)
    return text if len(text) <= MAX_CHARS else text[: MAX_CHARS - 1] + "…"


def location(sheet: str, ref: str) -> str:
    """A hyperlink location: the sheet always quoted, e.g. ``'订单'!C12``."""
    return "'" + sheet.replace("'", "''") + "'!" + ref


def target(f: Finding) -> tuple[str, int, int] | None:
    """(sheet, 1-based row, 0-based column) a finding is shown at; a row-level finding at column A."""
    if f.sheet is None or f.row is None:
        return None
    col = column_index_from_string(f.column) - 1 if f.column else 0
    return f.sheet, f.row, col


def issue_row(f: Finding, file_label: str, lang: str, sheets: set[str] | None = None) -> IssueRow:
    """One row of an Issues table; linked only to a sheet in ``sheets`` (when given): a link to a
    sheet the book does not have would only show an Excel error."""
    t = target(f)
    loc = None
    if t is not None and (sheets is None or t[0] in sheets):
        loc = location(t[0], f"{f.column or 'A'}{t[1]}")
    values = {
        "file": file_label,
        "sheet": f.sheet or "",
        "cell": f.cell or "",
        "severity": severity_word(f.severity, lang),
        "rule": f.title(lang),
        "code": f.code,
        "value": value_text(f.value),
        "message": f.message(lang),
        "hint": f.hint(lang),
    }
    return IssueRow([clip(values[k]) for k in ISSUE_COLUMNS], f.severity, loc)


def issues_title(existing: list[str], lang: str) -> str:
    """``问题清单``, or ``问题清单 (2)`` … when the book already has a sheet of that name."""
    base = word("issues", lang)
    taken = {s.casefold() for s in existing}
    title, n = base, 1
    while title.casefold() in taken:
        n += 1
        title = f"{base} ({n})"
    return title


def build_plan(result: FileResult, lang: str, sheet_names: list[str]) -> Plan:
    marks: dict[str, dict[tuple[int, int], Mark]] = {}
    known = set(sheet_names)
    findings = ordered(result.findings)  # errors first, in the comments and the Issues sheet
    for f in findings:
        t = target(f)
        if t is None or t[0] not in known:
            continue
        mark = marks.setdefault(t[0], {}).setdefault((t[1], t[2]), Mark(f.severity))
        if f.severity is Severity.ERROR:
            mark.severity = Severity.ERROR
        mark.texts.append(comment_text(f, lang))
    notes = copy_notes(result, lang)
    rows = [issue_row(f, str(result.path), lang, known) for f in findings[: MAX_ROWS - len(notes)]]
    return Plan(
        marks=marks,
        issues_title=issues_title(sheet_names, lang),
        headers=[word(k, lang) for k in ISSUE_COLUMNS],
        widths=[WIDTHS[k] for k in ISSUE_COLUMNS],
        wrap=[k in WRAP for k in ISSUE_COLUMNS],
        rows=rows,
        notes=notes,
    )


def copy_notes(result: FileResult, lang: str) -> list[str]:
    """The lines above an annotated copy's Issues table: when, which file (size, modified), which
    settings; and that the fixes go into the original book, not this copy."""
    from .labels import file_facts

    when = word("checked", lang, at=result.checked_at.strftime("%Y-%m-%d %H:%M")) if result.checked_at else ""
    first = say(lang, SEMICOLON).join(x for x in (when, str(result.path), *file_facts(result, lang)) if x)
    return [first, word("fix_original_at", lang, path=str(result.path))]


def annotate_copy(
    src: str | Path, dst: str | Path, result: FileResult, lang: str = "zh", *, engine: str = "auto"
) -> Plan:
    """Write the annotated copy of ``src`` to ``dst``; return what was written (``plan.engine`` says how)."""
    from ..xlsxpkg.package import Unsupported
    from . import ooxml

    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {ENGINES}")
    src, dst = Path(src), Path(dst)
    if engine in ("auto", "ooxml"):
        try:
            plan = build_plan(result, lang, ooxml.sheet_names(src))
            ooxml.annotate(src, dst, plan)
            plan.engine = "ooxml"
            return plan
        except Unsupported as exc:
            if engine == "ooxml":
                raise
            log.info("%s: %s; annotating with openpyxl", src, exc)
    plan = _annotate_openpyxl(src, dst, result, lang)
    plan.engine = "openpyxl"
    return plan


def _annotate_openpyxl(src: Path, dst: Path, result: FileResult, lang: str) -> Plan:
    import openpyxl
    from openpyxl.cell.cell import MergedCell
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.hyperlink import Hyperlink
    from openpyxl.worksheet.properties import PageSetupProperties

    from .labels import COLOURS

    with open(src, "rb") as fh:  # read-only handle: the input is never written
        wb = openpyxl.load_workbook(fh)
    plan = build_plan(result, lang, wb.sheetnames)
    fills = {s: PatternFill("solid", fgColor="FF" + c) for s, c in COLOURS.items()}
    for sheet, marks in plan.marks.items():
        ws = wb[sheet]
        for (row, col), mark in sorted(marks.items()):
            cell = ws.cell(row, col + 1)
            if isinstance(cell, MergedCell):  # a merged area shows (and keeps) only its top-left cell
                rng = next((r for r in ws.merged_cells.ranges if cell.coordinate in r), None)
                cell = ws.cell(rng.min_row, rng.min_col) if rng else cell
            if cell.fill != fills[Severity.ERROR]:  # two marks in one merged area: an error stays red
                cell.fill = fills[mark.severity]
            text = mark.text
            if cell.comment is not None and cell.comment.text:
                text = clip(cell.comment.text.rstrip() + "\n\n" + text)
            width, height = comment_size(text)
            cell.comment = Comment(text, AUTHOR, width=width, height=height)

    ws = wb.create_sheet(plan.issues_title, 0)
    bold, link_font = Font(bold=True), Font(color="FF0563C1", underline="single")
    head_fill = PatternFill("solid", fgColor="FFDDEBF7")
    top, wrap = Alignment(vertical="top"), Alignment(vertical="top", wrap_text=True)
    for r, note in enumerate(plan.notes, 1):
        cell = ws.cell(r, 1, note)
        cell.data_type = "s"
        cell.font = bold if r == len(plan.notes) else Font()
    top_row = plan.header_row
    for c, (text, col_width) in enumerate(zip(plan.headers, plan.widths), 1):
        cell = ws.cell(top_row, c, text)
        cell.font, cell.fill = bold, head_fill
        ws.column_dimensions[get_column_letter(c)].width = col_width
    cell_col = ISSUE_COLUMNS.index("cell") + 1
    sev_col = ISSUE_COLUMNS.index("severity") + 1
    for r, issue in enumerate(plan.rows, top_row + 1):
        for c, text in enumerate(issue.values, 1):
            cell = ws.cell(r, c)
            cell.value = text
            cell.data_type = "s"  # a value such as "=1+1" from a workbook stays text, never a formula
            cell.alignment = wrap if plan.wrap[c - 1] else top
        ws.cell(r, sev_col).fill = fills[issue.severity]
        row_h = row_height(issue.values, plan.widths, plan.wrap)
        if row_h:
            ws.row_dimensions[r].height = row_h
        if issue.location and r - top_row <= MAX_LINKS:
            cell = ws.cell(r, cell_col)
            cell.hyperlink = Hyperlink(ref=cell.coordinate, location=issue.location, display=issue.values[cell_col - 1])
            cell.font = link_font
    ws.freeze_panes = f"A{top_row + 1}"
    ws.auto_filter.ref = f"A{top_row}:{get_column_letter(len(plan.headers))}{len(plan.rows) + top_row}"
    # printed on A4 landscape, the table's width on one page, its header on every page
    ws.page_setup.paperSize, ws.page_setup.orientation = 9, "landscape"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_title_rows = f"{top_row}:{top_row}"
    for other in wb.worksheets:
        other.sheet_view.tabSelected = False
    ws.sheet_view.tabSelected = True
    wb.active = 0
    from openpyxl.packaging.custom import StringProperty

    # types-openpyxl's Workbook lacks custom_doc_props (openpyxl has it since 3.1)
    props = wb.custom_doc_props  # type: ignore[attr-defined]
    props.props = [p for p in props.props if p.name != TAG]
    props.append(StringProperty(name=TAG, value="annotated"))  # our output, never a book
    with atomic_path(dst, like=src) as tmp:  # no more readable than the book it copies
        wb.save(tmp)
    return plan


#: Where a line may break: before and after each CJK character, after a run of other text and its spaces.
_TOKEN = re.compile(r"[\u2e80-\U0010ffff]|[^\s\u2e80-\U0010ffff]+\s*|\s+")


def _units(text: str) -> float:
    # measured in LibreOffice's PDFs of the report: a CJK character of 10 pt takes 1.3 to 1.5
    # widths, Latin text 0.85 to 1 (punctuation, capitals); Excel's CJK fonts run wider: 1.7 and 1
    return sum(1.7 if ord(ch) > 0x2E7F else 1.0 for ch in text)


def text_lines(text: str, width: float) -> int:
    """Lines ``text`` wraps to in a column ``width`` characters wide (CJK characters count double).

    Wrapped as LibreOffice and Excel wrap: a word that does not fit goes to the next line whole (a
    word longer than a line is cut), CJK characters one by one. On the safe side: a row a line too
    tall costs a little paper, a line too short cuts the message (neither program draws more of a
    wrapped cell than its row shows)."""
    room = max(1.0, width - 1.0)  # Excel widths count "0"s of the 11 pt font; our text is 10 pt
    lines = 0
    for line in text.split("\n"):
        lines += 1
        used = 0.0
        for token in _TOKEN.findall(line):
            w, ink = _units(token), _units(token.rstrip())
            if used and used + ink > room:
                lines += 1
                used = 0.0
            if ink > room:  # a word longer than the line is cut where the line ends
                lines += math.ceil(ink / room) - 1
                w = ink % room or room
            used += w
    return lines


def row_height(values: Sequence[str], widths: Sequence[float], wrap: Sequence[bool]) -> float | None:
    """Height (points) for an Issues row whose wrapped cells need more than one line; None otherwise.

    Set explicitly because LibreOffice does not fit row heights when it opens a file."""
    lines = max((text_lines(v, w) for v, w, x in zip(values, widths, wrap) if x and v), default=1)
    return None if lines <= 1 else min(409.0, 14.5 * lines + 3)


def comment_size(text: str) -> tuple[int, int]:
    """A comment box (points) big enough for ``text``: 300 pt wide, about 50 half-width characters a line."""
    return 300, min(600, 14 * text_lines(text, 51) + 12)
