"""``regenerate`` against xlsxwriter's bare write of the same values, measured in the same run.

    python benchmarks/run.py regenerate BOOK [--repeat N]
    from benchmarks.regenerate_ratio import bench
    bench("demo-100000.xlsx", repeat=3)   # {"regenerate": {…}, "baseline": {…}, "ratio": …}

The baseline (the "bare write" of the speed table, benchmarks/speed.py): xlsxwriter in
constant-memory mode writing every non-empty cell of every sheet as python-calamine reads it, no
formatting, no formulas — a throwaway file in a temporary folder, written the bare way on purpose.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def bench(book_path: str | os.PathLike, *, repeat: int = 1, folder: str | os.PathLike | None = None) -> dict[str, Any]:
    """Time regenerating ``book_path`` (on a copy: the book itself is never modified) and, in the
    same run, the baseline. Each step runs in a fresh process, ``repeat`` times, alternating; the
    medians are reported.

    Returns ``{"regenerate": {"seconds", "peak_mb", "runs"}, "baseline": {…}, "ratio": …}``: the
    ratio is the median of each run's regenerate / baseline (the two run back to back, so a busy
    machine slows both alike), the target of issue 5 being ≤ 1.5.
    """
    book_path = Path(book_path)
    with tempfile.TemporaryDirectory(prefix="regen-bench-", dir=folder) as tmp:
        copy = Path(tmp) / book_path.name
        shutil.copyfile(book_path, copy)
        runs: dict[str, list[dict[str, float]]] = {"regenerate": [], "baseline": []}
        for _ in range(repeat):
            for step in runs:
                out = subprocess.run(
                    [sys.executable, "-c", _CHILD, step, str(copy), tmp, str(ROOT)],
                    capture_output=True,
                    text=True,
                    check=True,
                )
                runs[step].append(json.loads(out.stdout.strip().splitlines()[-1]))
    result: dict[str, Any] = {
        step: {
            "seconds": statistics.median(r["seconds"] for r in rs),
            "peak_mb": max(r["peak_mb"] for r in rs),
            "runs": [round(r["seconds"], 2) for r in rs],
        }
        for step, rs in runs.items()
    }
    result["ratio"] = statistics.median(
        r["seconds"] / b["seconds"] for r, b in zip(runs["regenerate"], runs["baseline"])
    )
    return result


_CHILD = r"""
import json, resource, sys, time
from pathlib import Path
step, book, folder = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
sys.path.insert(0, sys.argv[4])
if step == "regenerate":
    from workbook_tools.regenerate import regenerate
    start = time.perf_counter()
    regenerate(book, output=folder / "regenerated.xlsx")
else:
    from benchmarks.regenerate_ratio import bare_values, bare_write
    sheets = bare_values(book)
    start = time.perf_counter()
    bare_write(sheets, folder / "bare.xlsx")
seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def bare_values(book: Path) -> list[tuple[str, list[list[Any]]]]:
    """Every sheet's values as python-calamine reads them (not timed)."""
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(str(book))
    return [(name, wb.get_sheet_by_name(name).to_python(skip_empty_area=False)) for name in wb.sheet_names]


def bare_write(sheets: list[tuple[str, list[list[Any]]]], path: Path) -> None:
    """The baseline: the values as they are (dates as serial numbers), no formats, no formulas."""
    from xlsxwriter import Workbook

    from workbook_tools.derive import serial

    wb = Workbook(str(path), {"constant_memory": True})
    for name, grid in sheets:
        ws = wb.add_worksheet(name)
        put_string, put_number, put_bool = ws.write_string, ws.write_number, ws.write_boolean
        for r, row in enumerate(grid):
            for c, v in enumerate(row):
                t = type(v)
                if t is str:
                    if v:
                        put_string(r, c, v)
                elif t is float or t is int:
                    put_number(r, c, v)
                elif t is date or t is datetime:
                    put_number(r, c, serial(v))
                elif t is bool:
                    put_bool(r, c, v)
    wb.close()


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(
        prog="benchmarks/run.py regenerate", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("book", type=Path)
    ap.add_argument("--repeat", type=int, default=1)
    args = ap.parse_args(argv)
    print(json.dumps(bench(args.book, repeat=args.repeat), indent=2))
