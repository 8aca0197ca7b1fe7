#!/usr/bin/env python3
"""Render the pictures in docs/: the template and the demo book as LibreOffice shows them.

    python scripts/render_docs.py            # needs soffice and pdftoppm (poppler-utils)

(The reconciliation pictures: scripts/render_reconcile_docs.py.)

Each sheet's first rows are printed to one landscape page (soffice → PDF → pdftoppm → PNG).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

import openpyxl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from workbook_tools.demo import generate_demo  # noqa: E402
from workbook_tools.libreoffice import convert  # noqa: E402
from workbook_tools.schema import DASHBOARD, INSTRUCTIONS, SHEET_BY_KEY, aux_name  # noqa: E402
from workbook_tools.template import write_book  # noqa: E402

DOCS = ROOT / "docs"
TODAY = date(2026, 11, 27)


def page_per_sheet(src: Path, dst: Path, sheets: list[str], rows: int) -> None:
    """A copy of ``src`` printing only ``sheets``, each its first ``rows`` rows on one page. The other
    sheets are hidden, not removed: the formulas read them (the payment terms, the allocation)."""
    wb = openpyxl.load_workbook(src)
    for ws in wb.worksheets:
        if ws.title not in sheets:
            ws.sheet_state = "hidden"
            continue
        ws.protection.sheet = False
        ws.print_area = f"A1:{openpyxl.utils.get_column_letter(ws.max_column)}{rows}"
        ws.page_setup.orientation = "landscape"
        ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 1
        ws.sheet_properties.pageSetUpPr.fitToPage = True
    wb._sheets.sort(key=lambda ws: sheets.index(ws.title) if ws.title in sheets else len(sheets))
    wb.active = 0
    wb.save(dst)


def render(book: Path, name: str, sheets: list[str], rows: int, tmp: Path) -> list[Path]:
    trimmed = tmp / f"{name}.xlsx"
    page_per_sheet(book, trimmed, sheets, rows)
    pdf = convert(trimmed, tmp, "pdf")
    subprocess.run(["pdftoppm", "-png", "-r", "90", str(pdf), str(tmp / name)], check=True)
    pages = sorted(tmp.glob(f"{name}-*.png"))
    out = []
    for sheet_name, page in zip(sheets, pages):
        dest = DOCS / f"{name}-{SHEET_KEY.get(sheet_name, 'page')}.png"
        shutil.copy(page, dest)
        out.append(dest)
    return out


SHEET_KEY = {
    aux_name(INSTRUCTIONS, "zh"): "instructions",
    aux_name(DASHBOARD, "zh"): "dashboard",
    **{s.zh: s.key for s in SHEET_BY_KEY.values()},
}


def render_dashboard(book: Path, tmp: Path) -> Path:
    """The demo's 概览 as the book prints it, charts included (openpyxl, which page_per_sheet uses,
    drops charts): a copy of the package with every other sheet hidden."""
    import re
    import zipfile

    name = aux_name(DASHBOARD, "zh")
    only = tmp / "dashboard.xlsx"
    with zipfile.ZipFile(book) as src, zipfile.ZipFile(only, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "xl/workbook.xml":
                text = data.decode("utf-8")
                hide = lambda m: (
                    m[0]
                    if f'name="{name}"' in m[0] or "state=" in m[0]
                    else m[0].replace(  # noqa: E731
                        "<sheet ", '<sheet state="hidden" ', 1
                    )
                )
                text = re.sub(r"<sheet [^>]*>", hide, text)
                text = re.sub(r"<workbookView\b(?![^>]*activeTab)", '<workbookView activeTab="1"', text)
                data = text.encode("utf-8")
            dst.writestr(item.filename, data)
    pdf = convert(only, tmp, "pdf")
    subprocess.run(["pdftoppm", "-png", "-r", "90", "-f", "1", "-l", "1", str(pdf), str(tmp / "dashboard")], check=True)
    dest = DOCS / "demo-dashboard.png"
    shutil.copy(sorted(tmp.glob("dashboard-*.png"))[0], dest)
    return dest


def render_summary(tmp: Path) -> list[Path]:
    """Three printed pages of the demo book's monthly report (月报): the key figures with the first charts,
    the breakdowns, and the receivables ageing."""
    from workbook_tools.summary import monthly_summary, write_summary

    summary = monthly_summary(generate_demo(2000, seed=1, today=TODAY), "2026-10", today=TODAY)
    pdf = convert(write_summary(summary, tmp / "summary.xlsx", "zh"), tmp, "pdf")
    subprocess.run(["pdftoppm", "-png", "-r", "90", str(pdf), str(tmp / "summary")], check=True)
    pages = {int(p.stem.rsplit("-", 1)[1]): p for p in tmp.glob("summary-*.png")}
    out = []
    for name, page in (("overview", 1), ("breakdowns", 3), ("ageing", 5)):
        shutil.copy(pages[page], DOCS / f"summary-{name}.png")
        out.append(DOCS / f"summary-{name}.png")
    return out


def main() -> None:
    DOCS.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as t:
        tmp = Path(t)
        template = write_book(tmp / "template.xlsx", None)
        made = render(template, "template", [aux_name(INSTRUCTIONS, "zh"), SHEET_BY_KEY["orders"].zh], 40, tmp)
        demo = write_book(tmp / "demo.xlsx", generate_demo(200, seed=1, today=TODAY), today=TODAY)
        made += render(demo, "demo", [s.zh for s in SHEET_BY_KEY.values()], 30, tmp)
        made.append(render_dashboard(demo, tmp))
        made += render_summary(tmp)
    for p in made:
        print(p.relative_to(ROOT))


if __name__ == "__main__":
    main()
