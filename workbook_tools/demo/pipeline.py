"""``orderbook demo`` as a library call: make a demo book, check it, and report its last full month.

    run = make_demo("demo.xlsx", orders=2000, today=date(2026, 11, 27))
    run.path, run.checked.errors, run.report

Both outputs are refused before any work when one of them would replace what it may not (outputs.py);
``phase(verb_zh, verb_en, **kw)``, when given, makes the progress callback of each step (commands/common.py
``progress_bar`` gives one).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from ..book import BookData
from ..config import Config
from ..names import output_path
from ..outputs import book_output, check_output
from ..report import FileResult
from ..schema import SHEETS
from ..summary import monthly_summary
from ..summary.model import MonthlySummary
from ..summary.months import previous_month
from ..summary.sheet import write_summary
from ..template import write_book
from ..validate import validate_file
from .generate import generate_demo


@dataclass
class DemoRun:
    path: Path
    #: The last full month's report (月报), beside the book.
    report: Path
    data: BookData
    checked: FileResult
    summary: MonthlySummary
    #: Backups made of what was replaced (with ``force``), None where nothing was.
    backups: list[Path | None] = field(default_factory=list)


def _no_progress(verb_zh: str, verb_en: str, **_: Any) -> Callable[[str, int, int], None] | None:
    return None


def make_demo(
    output: str | Path,
    *,
    orders: int = 2000,
    seed: int = 1,
    today: date | None = None,
    config: Config | None = None,
    lang: str | None = None,
    inputs: Iterable[str | os.PathLike[str]] = (),
    force: bool = False,
    phase: Callable[..., Any] | None = None,
) -> DemoRun:
    """Write a filled demo book at ``output``, validate it, and write the last full month's report
    beside it (``BOOK.summary-YYYY-MM.xlsx``). ``inputs``: files the outputs may never replace (the
    settings file). Raises the outputs' typed errors (OutputExistsError …) before anything is written."""
    output, config = Path(output), config or Config()
    lang, today, phase = lang or config.language, today or date.today(), phase or _no_progress
    month = previous_month(today)
    report_path = output_path(output, "summary", month)
    backups = [check_output(report_path, "summary", inputs=[*inputs, output], force=force)]
    with book_output(output, inputs=list(inputs), force=force) as saved_book:
        data = generate_demo(orders, seed=seed, today=today, config=config, progress=phase("生成", "making"))
        sizes = {s.name(lang): len(data.get(s.key) or []) for s in SHEETS}
        path = write_book(
            output,
            data,
            config=config,
            lang=lang,
            today=today,
            progress=phase("写入", "writing", sizes=sizes, cumulative=True),
        )
    backups.append(saved_book)
    checked = validate_file(path, config=config, today=today, progress=phase("校验", "checking"))
    summarising = phase("月报", "report") or (lambda *_: None)
    summarising(str(month), 0, 2)
    summary = monthly_summary(data, str(month), config=config, today=today)
    summarising(str(month), 1, 2)
    report = write_summary(summary, report_path, lang, config=config)
    summarising(str(month), 2, 2)
    return DemoRun(path, report, data, checked, summary, backups)
