#!/usr/bin/env python3
"""``orderbook summary`` for crontabs that call this script: the command itself, same options, same
defaults (the last full month, written beside the book).

    python scripts/monthly_summary.py /srv/orders/订单管理簿.xlsx --json /srv/orders/reports/last-month.json

Use the command in new crontabs (README, "The monthly summary"):

    0 6 1 * *  cd /srv/orders && orderbook summary 订单管理簿.xlsx >> summary.log 2>&1
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from workbook_tools.commands.summary import command as main  # noqa: E402

if __name__ == "__main__":
    main(prog_name="orderbook summary")
