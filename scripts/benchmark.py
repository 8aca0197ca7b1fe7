#!/usr/bin/env python3
"""Benchmarks on the 100,000-order demo book, as ratios to a baseline measured in the same run.

    python scripts/benchmark.py                 # makes /tmp/orderbook-bench/demo-100000.xlsx once
    python scripts/benchmark.py --orders 20000 --repeat 3

Each step runs in a fresh child process, so its wall time and peak memory (max RSS) are its own.
Baseline for validation, reconciliation and the summary: python-calamine reading every sheet of the
same book (to_python), bare. Steps: read (the baseline), validate (read + every rule), reconcile
(read + reconcile + write the reconciliation workbook), summary (read + October's summary + write).
Baseline for regenerate (read + rewrite the whole book on the template): bare-write, xlsxwriter in
constant_memory mode writing the same cell values with no formatting (the values read beforehand,
not timed). Import: rows per second importing 100,000 CSV order lines into a new book.
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
    from workbook_tools.reconcile import bench

    bench(book, today=TODAY)


def step_summary(book: Path) -> None:
    from workbook_tools.summary.run import bench

    bench(book, "2026-10", today=TODAY)


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


def step_bare_write(book: Path) -> float:
    """The regenerate baseline: xlsxwriter constant_memory writing the same cell values, unformatted."""
    import tempfile

    from workbook_tools.regenerate import _bare_values, _bare_write

    sheets = _bare_values(book)
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        _bare_write(sheets, Path(tmp) / "bare.xlsx")
        return time.perf_counter() - start


def _config():
    from workbook_tools.config import Config

    return Config()


STEPS = {"read": step_read, "validate": step_validate, "reconcile": step_reconcile, "summary": step_summary,
         "bare-write": step_bare_write, "regenerate": step_regenerate}
#: (step, baseline, target ratio)
COMPARISONS = [("validate", "read", 2.0), ("reconcile", "read", 2.0), ("summary", "read", 2.0),
               ("regenerate", "bare-write", 1.5)]


def run_child(step: str, book: Path) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", step, "--book", str(book)],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def child(step: str, book: Path) -> None:
    sys.path.insert(0, str(ROOT))
    start = time.perf_counter()
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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--orders", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3, help="runs per step; the median is reported")
    ap.add_argument("--dir", type=Path, default=Path("/tmp/orderbook-bench"))
    ap.add_argument("--book", type=Path, help="benchmark this book instead of the demo")
    ap.add_argument("--skip-import", action="store_true", help="skip the CSV import measurement")
    ap.add_argument("--child", choices=sorted(STEPS), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        return child(args.child, args.book)

    book = args.book or make_book(args.orders, args.dir)
    print(f"book: {book} ({book.stat().st_size / 1e6:.1f} MB)")
    results = {}
    for step in STEPS:
        runs = [run_child(step, book) for _ in range(args.repeat)]
        results[step] = {"seconds": statistics.median(r["seconds"] for r in runs),
                         "peak_mb": max(r["peak_mb"] for r in runs)}
        print(f"{step:>10}: {results[step]['seconds']:7.2f} s  peak {results[step]['peak_mb']:7.0f} MB  "
              "(runs: " + ", ".join(f"{r['seconds']:.2f}" for r in runs) + ")", flush=True)
    if not args.skip_import:
        import tempfile

        from workbook_tools.importer.bench import bench as import_bench

        with tempfile.TemporaryDirectory() as tmp:
            imp = import_bench(tmp)
        print(f"    import: {imp}")
    for step, base, target in COMPARISONS:
        ratio = results[step]["seconds"] / results[base]["seconds"]
        verdict = "ok" if ratio <= target else "OVER TARGET"
        print(f"{step} / {base} = {ratio:.2f}×  (target ≤ {target}×: {verdict})")


if __name__ == "__main__":
    main()
