#!/usr/bin/env python3
"""How long real spreadsheet clients take to recalculate an order book, and whether they agree
with Python.

    python benchmarks/run.py recalc                  # the 2,000-order demo (written once to --dir)
    python benchmarks/run.py recalc --orders 100 --repeat 3

For each client (LibreOffice ``soffice --convert-to``, Gnumeric ``ssconvert``) the book is
converted twice: loading and saving only (LibreOffice told never to recalculate xlsx files;
``ssconvert`` without ``--recalc``), and with a full recalculation of every formula. The
recalculation's cost is the difference. Every derived cell and dashboard figure of the
recalculated book is then held against Python's values (0 mismatches expected). A client that is
not installed is skipped. Prints a table, or JSON with ``--json``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

_PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>{mode}</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>{mode}</value></prop></item>
</oor:items>
"""


def libreoffice(book: Path, out_dir: Path, recalc: bool) -> float:
    """Seconds for LibreOffice to load ``book`` (recalculating every formula, or never) and save it."""
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        user = Path(profile, "user")
        user.mkdir()
        (user / "registrymodifications.xcu").write_text(_PROFILE.format(mode=0 if recalc else 1), encoding="utf-8")
        # a first start creates the profile: not part of the measurement
        subprocess.run(
            [exe, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless", "--terminate_after_init"],
            capture_output=True,
            timeout=300,
        )
        start = time.perf_counter()
        subprocess.run(
            [
                exe,
                f"-env:UserInstallation={Path(profile).as_uri()}",
                "--headless",
                "--norestore",
                "--convert-to",
                "xlsx",
                "--outdir",
                str(out_dir),
                str(book),
            ],
            capture_output=True,
            timeout=3600,
            check=True,
        )
        return time.perf_counter() - start


def gnumeric(book: Path, out_dir: Path, recalc: bool) -> float:
    out_dir.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    subprocess.run(
        ["ssconvert", *(["--recalc"] if recalc else []), str(book), str(out_dir / book.name)],
        capture_output=True,
        timeout=7200,
        check=True,
    )
    return time.perf_counter() - start


CLIENTS = {
    "LibreOffice": (libreoffice, lambda: shutil.which("soffice") or shutil.which("libreoffice")),
    "Gnumeric": (gnumeric, lambda: shutil.which("ssconvert")),
}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(
        prog="benchmarks/run.py recalc", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--orders", type=int, default=2000)
    ap.add_argument("--repeat", type=int, default=1, help="runs per measurement; the median is reported")
    ap.add_argument("--dir", type=Path, default=Path("/tmp/orderbook-bench"))
    ap.add_argument("--book", type=Path, help="measure this book instead of the demo")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)

    from recalc_cases import mismatches

    today = date.today()
    if args.book:
        book = args.book
    else:
        from workbook_tools.demo import generate_demo
        from workbook_tools.template import write_book

        args.dir.mkdir(parents=True, exist_ok=True)
        book = args.dir / f"recalc-demo-{args.orders}-{today.isoformat()}.xlsx"
        if not book.exists():
            write_book(book, generate_demo(args.orders, seed=1, today=today), today=today)
    rows = []
    for name, (run, available) in CLIENTS.items():
        if not available():
            rows.append({"client": name, "skipped": "not installed"})
            continue
        with tempfile.TemporaryDirectory(prefix="recalc-") as tmp:
            load = statistics.median(run(book, Path(tmp) / f"load{i}", False) for i in range(args.repeat))
            full = [run(book, Path(tmp) / f"recalc{i}", True) for i in range(args.repeat)]
            bad = mismatches(book, Path(tmp) / "recalc0" / f"{book.stem}.xlsx", today=today)
        total = statistics.median(full)
        rows.append(
            {
                "client": name,
                "load_save_s": round(load, 1),
                "with_recalc_s": round(total, 1),
                "recalc_s": round(max(0.0, total - load), 1),
                "mismatches": len(bad),
            }
        )
    if args.json:
        print(json.dumps({"book": str(book), "results": rows}, ensure_ascii=False, indent=2))
        return
    print(f"{book} ({book.stat().st_size / 1e6:.1f} MB)")
    print(f"{'client':<12} {'load+save':>10} {'+ recalc':>10} {'recalc':>8} {'mismatches':>11}")
    for r in rows:
        if "skipped" in r:
            print(f"{r['client']:<12} skipped: {r['skipped']}")
        else:
            print(
                f"{r['client']:<12} {r['load_save_s']:>9.1f}s {r['with_recalc_s']:>9.1f}s {r['recalc_s']:>7.1f}s "
                f"{r['mismatches']:>11}"
            )


if __name__ == "__main__":
    main()
