#!/usr/bin/env python3
"""``orderbook nightly`` for crontabs that call this script: the command itself, same options, same defaults.

    python scripts/nightly_validate.py /srv/orders --reports /srv/orders/reports --keep-days 30

Use the command in new crontabs (README, "Every night"):

    30 2 * * *  cd /srv/orders && orderbook nightly . --extend --reports /srv/orders-reports >> nightly.log 2>&1
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from workbook_tools.cli import nightly as main  # noqa: E402

if __name__ == "__main__":
    main(prog_name="orderbook nightly")
