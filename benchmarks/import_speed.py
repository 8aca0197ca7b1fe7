"""Import speed: 100,000 CSV order lines into a book that holds the demo's customers and products.

    python benchmarks/run.py import [--rows N] [--dir DIR]
    from benchmarks.import_speed import bench
    bench("/tmp/import-bench")   # {'rows': 100000, 'check_rows_per_s': …, 'import_rows_per_s': …, …}

The CSV is made from the demo generator's customers and products: 12,500 new orders of 8 lines
(one row per line, the order's columns repeated on each), imported through a two-target mapping
(orders merged from their lines, and the lines). Two measurements: a dry run (read, map, match,
validate every rule on the would-be book) and the real import (the same, then the book written).
"""

from __future__ import annotations

import argparse
import csv
import random
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from workbook_tools.book import empty_data
from workbook_tools.config import Config

TODAY = date(2026, 11, 27)
MAPPING = """
[[target]]
sheet = "orders"
repeated = "merge"
[target.fields]
order_no = "order_no"
customer_id = "customer_id"
order_date = "order_date"
status = { constant = "pending" }

[[target]]
sheet = "order_lines"
"""


def make_inputs(folder: Path, rows: int = 100_000, lines_per_order: int = 8, seed: int = 1) -> tuple[Path, Path, Path]:
    """(book with the demo's customers and products, the CSV of ``rows`` lines, the mapping)."""
    from workbook_tools.demo import generate_demo
    from workbook_tools.template import write_book

    folder.mkdir(parents=True, exist_ok=True)
    demo = generate_demo(200, seed=seed, today=TODAY)
    data = empty_data()
    data["customers"], data["products"] = demo["customers"], demo["products"]
    book = folder / "import-bench.xlsx"
    write_book(book, data, today=TODAY)
    rng = random.Random(seed)
    customers = [c["customer_id"] for c in data["customers"]]
    products = [(p["sku"], p["list_price"]) for p in data["products"] if p.get("active") != "no"]
    source = folder / f"lines-{rows}.csv"
    with open(source, "w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["order_no", "customer_id", "order_date", "sku", "quantity", "unit_price", "discount"])
        n = 0
        order = 0
        while n < rows:
            order += 1
            no = f"SO2026{order:06d}"
            cust = rng.choice(customers)
            day = (TODAY - timedelta(days=rng.randrange(1, 365))).isoformat()
            for sku, price in rng.sample(products, min(lines_per_order, rows - n)):
                out.writerow([no, cust, day, sku, rng.randint(1, 20), f"{price:.2f}", rng.choice(["", "5%", "10%"])])
                n += 1
    mapping = folder / "bench-mapping.toml"
    mapping.write_text(MAPPING, encoding="utf-8")
    return book, source, mapping


def bench(tmpdir: str | Path, rows: int = 100_000) -> dict:
    """Measure the import of ``rows`` CSV rows; returns seconds and rows per second."""
    from workbook_tools.importer import import_rows

    folder = Path(tmpdir)
    book, source, mapping = make_inputs(folder, rows)
    config = Config()
    start = time.perf_counter()
    dry = import_rows(source, book, mapping=mapping, dry_run=True, config=config, today=TODAY)
    check_s = time.perf_counter() - start
    assert dry.total("rejected") == 0, dry.reject_counts()
    start = time.perf_counter()
    real = import_rows(source, book, mapping=mapping, config=config, today=TODAY)
    import_s = time.perf_counter() - start
    return {
        "rows": rows,
        "orders": real.counts["orders"]["add"],
        "lines": real.counts["order_lines"]["add"],
        "check_seconds": round(check_s, 2),
        "check_rows_per_s": round(rows / check_s),
        "import_seconds": round(import_s, 2),
        "import_rows_per_s": round(rows / import_s),
        "rounds": real.rounds,
    }


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(
        prog="benchmarks/run.py import", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument(
        "--dir", type=Path, default=None, help="where the book and the CSV go (default: a temporary folder)"
    )
    args = ap.parse_args(argv)
    if args.dir is not None:
        print(f"    import: {bench(args.dir, args.rows)}")
        return
    with tempfile.TemporaryDirectory() as tmp:
        print(f"    import: {bench(tmp, args.rows)}")
