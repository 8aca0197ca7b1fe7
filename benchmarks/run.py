#!/usr/bin/env python3
"""Every benchmark of the README's speed section, from one place.

    python benchmarks/run.py                    # speed: the 100,000-order book, each step against its baseline
    python benchmarks/run.py speed --orders 20000 --repeat 3
    python benchmarks/run.py nightly            # the nightly job: a 250,000-order book, a night of 500 books
    python benchmarks/run.py recalc             # LibreOffice and Gnumeric recalculating a book
    python benchmarks/run.py import             # 100,000 CSV order lines imported into a new book
    python benchmarks/run.py regenerate BOOK    # regenerate against xlsxwriter's bare write, same run

Each benchmark's options: ``python benchmarks/run.py NAME --help``.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

#: name -> module of benchmarks/ with a main(argv)
BENCHMARKS = {
    "speed": "speed",
    "nightly": "nightly",
    "recalc": "recalc",
    "import": "import_speed",
    "regenerate": "regenerate_ratio",
}


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in ("-h", "--help"):
        print(__doc__)
        return
    name = args.pop(0) if args and args[0] in BENCHMARKS else "speed"
    from workbook_tools.perf import bulk

    with bulk():  # as the orderbook command runs the library (perf.py); the child steps opt in too
        importlib.import_module(f"benchmarks.{BENCHMARKS[name]}").main(args)


if __name__ == "__main__":
    main()
