#!/usr/bin/env python3
"""Benchmarks on the 100,000-order demo book, as ratios to a baseline measured in the same run.

    python benchmarks/run.py                    # makes /tmp/orderbook-bench/demo-100000.xlsx once
    python benchmarks/run.py speed --orders 20000 --repeat 3

Each step runs in a fresh child process, so its wall time and peak memory (max RSS) are its own.
Baseline for validation, reconciliation and the summary: python-calamine reading every sheet of the
same book (to_python), bare. Steps: read (the baseline), validate (read + every rule), reconcile
(read + reconcile + write the reconciliation workbook), summary (read + October's summary + write).
Baseline for regenerate (read + rewrite the whole book on the template): bare-write, xlsxwriter in
constant_memory mode writing the same cell values with no formatting (the values read beforehand,
not timed). Import: rows per second importing 100,000 CSV order lines into a new book; a one-row
import into the book, in place, against the same import written as a rebuild of the book
(rebuild-one-row) and against the bare read.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
TODAY = date(2026, 11, 27)


def step_read(book: Path) -> None:
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(str(book))
    for name in wb.sheet_names:
        wb.get_sheet_by_name(name).to_python(skip_empty_area=False)


def step_validate(book: Path) -> None:
    from workbook_tools.validate import validate_file

    result = validate_file(book, config=_config(), today=TODAY)
    assert result.error is None, result.error


def step_reconcile(book: Path) -> None:
    from benchmarks.stages import reconcile_stages

    reconcile_stages(book, today=TODAY)


def step_summary(book: Path) -> None:
    from benchmarks.stages import summary_run

    summary_run(book, "2026-10", today=TODAY)


def step_regenerate(book: Path) -> None:
    import shutil
    import tempfile

    from workbook_tools.regenerate import regenerate

    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / book.name
        shutil.copyfile(book, copy)
        start = time.perf_counter()
        regenerate(copy, output=Path(tmp) / "regenerated.xlsx")
        return time.perf_counter() - start


def _one_line_csv(book: Path, folder: Path) -> Path:
    """A CSV of one order line for the book's last order (what a clerk's one-row import brings)."""
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(str(book))
    lines = wb.get_sheet_by_name("订单明细").to_python()
    order = next(r for r in reversed(lines) if r[0])[0]
    has = {r[1] for r in lines if r[0] == order}
    sku = next(r[0] for r in wb.get_sheet_by_name("产品").to_python()[1:] if r[0] and r[0] not in has)
    path = folder / "one-line.csv"
    path.write_text(f"订单编号,产品编号,数量,单价\n{order},{sku},1,9.90\n", encoding="utf-8")
    return path


def step_import_one_row(book: Path) -> float:
    """One order line imported into (a copy of) the book, in place: read, check, write the changed cells."""
    import shutil
    import tempfile

    from workbook_tools.importer import import_rows

    with tempfile.TemporaryDirectory(dir=book.parent) as tmp:
        copy = Path(tmp) / book.name
        shutil.copyfile(book, copy)
        csv = _one_line_csv(book, Path(tmp))
        start = time.perf_counter()
        result = import_rows(csv, copy, sheet="order_lines", today=TODAY)
        seconds = time.perf_counter() - start
        assert result.written, result.reject_counts()
        return seconds


def step_rebuild_one_row(book: Path) -> float:
    """The same one-row import as a rebuild of the whole book, as import wrote before it changed books in
    place: read + check (a dry run), then regenerate the book with the new row."""
    import shutil
    import tempfile
    from decimal import Decimal

    from workbook_tools.book import new_row
    from workbook_tools.importer import import_rows
    from workbook_tools.read import read_book
    from workbook_tools.regenerate import regenerate

    with tempfile.TemporaryDirectory(dir=book.parent) as tmp:
        copy = Path(tmp) / book.name
        shutil.copyfile(book, copy)
        csv = _one_line_csv(book, Path(tmp))
        order, sku = csv.read_text(encoding="utf-8").splitlines()[1].split(",")[:2]
        start = time.perf_counter()
        assert import_rows(csv, copy, sheet="order_lines", today=TODAY, dry_run=True).total("add") == 1
        data = read_book(copy).data()
        data["order_lines"].append(
            new_row("order_lines", order_no=order, sku=sku, quantity=1, unit_price=Decimal("9.90"))
        )
        regenerate(copy, data=data, today=TODAY)
        return time.perf_counter() - start


def step_bare_write(book: Path) -> float:
    """The regenerate baseline: xlsxwriter constant_memory writing the same cell values, unformatted."""
    import tempfile

    from benchmarks.regenerate_ratio import bare_values, bare_write

    sheets = bare_values(book)
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        bare_write(sheets, Path(tmp) / "bare.xlsx")
        return time.perf_counter() - start


def _config():
    from workbook_tools.config import Config

    return Config()


STEPS = {
    "read": step_read,
    "validate": step_validate,
    "reconcile": step_reconcile,
    "summary": step_summary,
    "bare-write": step_bare_write,
    "regenerate": step_regenerate,
    "import-one-row": step_import_one_row,
    "rebuild-one-row": step_rebuild_one_row,
}
#: (step, baseline, target ratio)
COMPARISONS = [
    ("validate", "read", 2.0),
    ("reconcile", "read", 2.0),
    ("summary", "read", 2.0),
    ("regenerate", "bare-write", 1.5),
    ("import-one-row", "rebuild-one-row", 0.3),
    ("import-one-row", "read", 2.0),
]


def run_child(step: str, book: Path) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", step, "--book", str(book)], capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def child(step: str, book: Path) -> None:
    sys.path.insert(0, str(ROOT))
    start = time.perf_counter()
    from workbook_tools.perf import bulk

    with bulk():  # as the orderbook command runs the library (perf.py)
        own = STEPS[step](book)  # a step that times only part of itself returns its seconds
    seconds = time.perf_counter() - start if own is None else own
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "peak_mb": peak_mb}))


def make_book(orders: int, folder: Path) -> Path:
    sys.path.insert(0, str(ROOT))
    from workbook_tools.demo import generate_demo
    from workbook_tools.template import write_book

    book = folder / f"demo-{orders}.xlsx"
    if not book.exists():
        folder.mkdir(parents=True, exist_ok=True)
        print(f"writing {book} …", flush=True)
        write_book(book, generate_demo(orders, seed=1, today=TODAY), today=TODAY)
    return book


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(
        prog="benchmarks/run.py speed", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--orders", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3, help="runs per step; the median is reported")
    ap.add_argument("--dir", type=Path, default=Path("/tmp/orderbook-bench"))
    ap.add_argument("--book", type=Path, help="benchmark this book instead of the demo")
    ap.add_argument("--skip-import", action="store_true", help="skip the CSV import measurement")
    ap.add_argument("--steps", help="comma-separated steps to run (default: all)")
    ap.add_argument("--child", choices=sorted(STEPS), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        return child(args.child, args.book)

    book = args.book or make_book(args.orders, args.dir)
    print(f"book: {book} ({book.stat().st_size / 1e6:.1f} MB)")
    results = {}
    steps = args.steps.split(",") if args.steps else list(STEPS)
    for step in steps:
        runs = [run_child(step, book) for _ in range(args.repeat)]
        results[step] = {
            "seconds": statistics.median(r["seconds"] for r in runs),
            "peak_mb": max(r["peak_mb"] for r in runs),
        }
        print(
            f"{step:>10}: {results[step]['seconds']:7.2f} s  peak {results[step]['peak_mb']:7.0f} MB  "
            "(runs: " + ", ".join(f"{r['seconds']:.2f}" for r in runs) + ")",
            flush=True,
        )
    if not args.skip_import:
        import tempfile

        from benchmarks.import_speed import bench as import_bench

        with tempfile.TemporaryDirectory() as tmp:
            imp = import_bench(tmp)
        print(f"    import: {imp}")
    for step, base, target in COMPARISONS:
        if step not in results or base not in results:
            continue
        ratio = results[step]["seconds"] / results[base]["seconds"]
        verdict = "ok" if ratio <= target else "OVER TARGET"
        print(f"{step} / {base} = {ratio:.2f}×  (target ≤ {target}×: {verdict})")


if __name__ == "__main__":
    main()
