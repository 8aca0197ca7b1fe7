#!/usr/bin/env python3
"""What the nightly job costs: our biggest book with the default settings, and a night of small books.

    python benchmarks/run.py nightly                       # both measurements
    python benchmarks/run.py nightly --orders 250000 --skip-folder
    python benchmarks/run.py nightly --books 500 --skip-big

1. ``orderbook demo --orders 250000`` (2.4 million rows in eight sheets, 3.2 GB of XML, a
   1,000,362-row status log) checked with the default settings (``Config()``: limits included) the
   way the nightly job checks a book: in a child process under the default memory cap
   (``validate-isolated``; the fork server the night's children come from is started first, off the
   clock, and its start reported: a night pays it once, not per book), and in the process itself as
   ``orderbook validate`` does (``validate``).
   Baseline in the same run: python-calamine reading every sheet (``to_python``), bare. Each step runs
   in a fresh process; wall time and peak resident memory (of the process that reads the book).
2. ``run_nightly`` over a folder of ``--books`` small demo books (30 orders each, warnings only, as
   the demo makes them) with the default formats: wall time, and the bytes the night wrote under
   the reports folder (the day's folder, and anything else the night keeps there).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
TODAY = date(2026, 11, 27)


def step_read(book: Path) -> dict:
    """The baseline: the bare python-calamine read of every sheet (speed.py's)."""
    from benchmarks.speed import step_read as bare_read

    bare_read(book)
    return {}


def step_validate(book: Path) -> dict:
    from workbook_tools.config import Config
    from workbook_tools.validate import validate_file

    result = validate_file(book, config=Config(), today=TODAY)
    assert result.error is None, result.error
    rows = sum(result.rows.values())
    return {"rows": rows, "errors": result.errors, "warnings": result.warnings, "second_mb": _second_peak()}


def _measured(book: Path) -> tuple:
    """In the nightly job's child: the check, and the child's own peak memory."""
    from workbook_tools.config import Config
    from workbook_tools.validate.isolated import _validate

    result = _validate(book, Config(), TODAY)
    return result, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, _second_peak()


def _second_peak() -> float:
    """The peak memory of the second process the check forked (validate/prepared.py), once it is gone."""
    import multiprocessing

    for p in multiprocessing.active_children():
        p.join()
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def step_validate_isolated(book: Path) -> dict:
    from workbook_tools.validate.isolated import Bounds, call_isolated

    bounds = Bounds()
    result, peak, second = call_isolated(_measured, book, bounds=bounds)
    assert result.error is None, result.error
    return {
        "rows": sum(result.rows.values()),
        "errors": result.errors,
        "warnings": result.warnings,
        "child_peak_mb": peak,
        "second_mb": second,
        "memory_cap_mb": bounds.memory_mb,
    }


def _nothing() -> None:
    return None


def start_fork_server() -> dict:
    """What the nightly job pays once a night, not per book: starting the fork server its children
    come from (it imports the reader and checks a three-order book, isolated.py and warm.py)."""
    from workbook_tools.validate.isolated import Bounds, call_isolated

    start = time.perf_counter()
    call_isolated(_nothing, bounds=Bounds())
    return {"server_start_s": time.perf_counter() - start}


STEPS = {"read": step_read, "validate": step_validate, "validate-isolated": step_validate_isolated}
#: Done before a step's clock starts, and reported beside it.
BEFORE = {"validate-isolated": start_fork_server}


def child(step: str, book: Path) -> None:
    from workbook_tools.perf import bulk

    before = BEFORE[step]() if step in BEFORE else {}
    start = time.perf_counter()
    with bulk():  # as the orderbook command runs the library (perf.py)
        extra = STEPS[step](book)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "peak_mb": max(peak, extra.pop("child_peak_mb", 0)), **before, **extra}))


def run_child(step: str, book: Path) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", step, "--book", str(book)], capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def make_book(orders: int, folder: Path) -> Path:
    from workbook_tools.demo import generate_demo
    from workbook_tools.template import write_book

    book = folder / f"demo-{orders}.xlsx"
    if not book.exists():
        folder.mkdir(parents=True, exist_ok=True)
        print(f"writing {book} …", flush=True)
        write_book(book, generate_demo(orders, seed=1, today=TODAY), today=TODAY)
    return book


def big(orders: int, folder: Path, repeat: int) -> None:
    book = folder / f"demo-{orders}.xlsx"
    if not book.exists():
        # written by a process of its own: a child inherits the peak memory of the process it is forked
        # from (Linux keeps ru_maxrss across exec), and writing the book takes more than reading it
        subprocess.run([sys.executable, __file__, "--make", str(orders), "--dir", str(folder)], check=True)
    print(f"book: {book} ({book.stat().st_size / 1e6:.1f} MB)")
    # the steps in turns (read, validate, isolated; again …), so that a machine that speeds up or slows
    # down over the minutes of the run moves the baseline with the steps, and the ratio of each turn
    runs: dict[str, list[dict]] = {step: [] for step in STEPS}
    for _ in range(repeat):
        for step in STEPS:
            runs[step].append(run_child(step, book))
    results = {}
    for step, done in runs.items():
        ordered = sorted(done, key=lambda r: r["seconds"])
        results[step] = {
            **ordered[len(ordered) // 2],
            "peak_mb": max(r["peak_mb"] for r in done),
            "second_mb": max(r.get("second_mb", 0) for r in done),
        }
        r = results[step]
        print(
            f"{step:>18}: {r['seconds']:7.2f} s  peak {r['peak_mb']:6.0f} MB"
            + (f"  ({r['rows']:,} rows, {r['errors']} errors, {r['warnings']} warnings)" if "rows" in r else "")
            + (f"  cap {r['memory_cap_mb']:,} MB" if "memory_cap_mb" in r else "")
            + (
                f"  (fork server started first: {r['server_start_s']:.2f} s, once a night)"
                if "server_start_s" in r
                else ""
            )
            + "  runs: "
            + ", ".join(f"{x['seconds']:.2f}" for x in done),
            flush=True,
        )
    for step in ("validate-isolated", "validate"):
        turns = sorted(v["seconds"] / b["seconds"] for v, b in zip(runs[step], runs["read"]))
        ratio = turns[len(turns) // 2]
        main_mb, second_mb = results[step]["peak_mb"], results[step]["second_mb"]
        print(
            f"{step} / read = {ratio:.2f}× (median of the turns: {', '.join(f'{t:.2f}' for t in turns)}; "
            f"target ≤ 1.5×: {'ok' if ratio <= 1.5 else 'OVER TARGET'}); peak {main_mb:,.0f} MB, "
            f"with the second process's {second_mb:,.0f} MB {main_mb + second_mb:,.0f} MB "
            f"(target ≤ 2,048 MB: {'ok' if main_mb + second_mb <= 2048 else 'OVER TARGET'})"
        )


def small_folder(books: int, folder: Path) -> None:
    from workbook_tools.nightly import run_nightly

    # a small book is written afresh every run (the one a run keeps may be of an older schema), and the
    # folder of copies made again when its books are not that book
    (folder / "demo-30.xlsx").unlink(missing_ok=True)
    src = make_book(30, folder)
    shelf = folder / f"books-{books}"
    first = shelf / "分店000.xlsx"
    if not (first.exists() and first.read_bytes() == src.read_bytes() and len(list(shelf.glob("*.xlsx"))) == books):
        shutil.rmtree(shelf, ignore_errors=True)
        shelf.mkdir(parents=True)
        for n in range(books):
            shutil.copyfile(src, shelf / f"分店{n:03}.xlsx")
    with tempfile.TemporaryDirectory(dir=folder) as tmp:
        reports = Path(tmp) / "reports"
        start = time.perf_counter()
        result = run_nightly(shelf, reports_root=reports, today=TODAY, now=datetime(2026, 11, 27, 2, 30))
        seconds = time.perf_counter() - start
        day = sum(p.stat().st_size for p in result.report_dir.rglob("*") if p.is_file())
        total = sum(p.stat().st_size for p in reports.rglob("*") if p.is_file())
        print(
            f"nightly, {books} books of 30 orders: {seconds:.1f} s ({seconds / books:.2f} s a book); "
            f"wrote {total / 1e6:.2f} MB ({day / 1e6:.2f} MB in {result.report_dir.name}/, "
            f"{(total - day) / 1e6:.2f} MB elsewhere under the reports folder); "
            f"{result.report.files[0].warnings} warnings and {result.report.files[0].errors} errors a book; "
            f"exit {result.exit_code}"
        )


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(
        prog="benchmarks/run.py nightly", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--orders", type=int, default=250_000)
    ap.add_argument("--books", type=int, default=500)
    ap.add_argument("--repeat", type=int, default=1, help="runs per step of the big book; the median is reported")
    ap.add_argument("--dir", type=Path, default=Path("/tmp/orderbook-bench"))
    ap.add_argument("--skip-big", action="store_true")
    ap.add_argument("--skip-folder", action="store_true")
    ap.add_argument("--child", choices=sorted(STEPS), help=argparse.SUPPRESS)
    ap.add_argument("--make", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--book", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        return child(args.child, args.book)
    if args.make:
        make_book(args.make, args.dir)
        return
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores", flush=True)
    if not args.skip_big:
        big(args.orders, args.dir, args.repeat)
    if not args.skip_folder:
        small_folder(args.books, args.dir)


if __name__ == "__main__":
    main()
