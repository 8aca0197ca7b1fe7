"""Errors as they are: calamine's own errors say the file is damaged; running out of memory says so
and is never called damage (issue 12, point 4)."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from python_calamine import XmlError

import workbook_tools.read.open as read_open
from workbook_tools.commands.export import command as export_command
from workbook_tools.demo import generate_demo
from workbook_tools.errors import BookReadError
from workbook_tools.read import read_book
from workbook_tools.template import write_book

TODAY = date(2026, 11, 27)


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    return write_book(tmp_path_factory.mktemp("errors") / "簿.xlsx", generate_demo(5, seed=1, today=TODAY), today=TODAY)


class _Calamine:
    """Stands in for CalamineWorkbook: opening raises ``error``."""

    error: BaseException

    @classmethod
    def from_path(cls, path):
        raise cls.error


def test_calamine_errors_are_a_damaged_file(book, monkeypatch):
    _Calamine.error = XmlError("unexpected end of file")
    monkeypatch.setattr(read_open, "CalamineWorkbook", _Calamine)
    with pytest.raises(BookReadError, match=r"damaged workbook, cannot be read \(unexpected end of file\)"):
        read_book(book)


def test_running_out_of_memory_is_not_damage(book, monkeypatch):
    _Calamine.error = MemoryError()
    monkeypatch.setattr(read_open, "CalamineWorkbook", _Calamine)
    with pytest.raises(MemoryError):
        read_book(book)
    run = CliRunner().invoke(export_command, [str(book), "--lang", "en"])
    assert run.exit_code == 2 and "Traceback" not in run.output
    assert run.output == (
        "orderbook: not enough memory to finish: the book holds more rows or cells than this machine can read at once\n"
    )
    run = CliRunner().invoke(export_command, [str(book)], env={"LANG": "zh_CN.UTF-8", "LC_ALL": "", "LC_MESSAGES": ""})
    assert run.output == "orderbook: 内存不足，未能完成：这本簿的行或单元格多到这台电脑一次读不下\n"


def test_a_bug_is_not_called_damage(book, monkeypatch):
    _Calamine.error = TypeError("a bug in our code")
    monkeypatch.setattr(read_open, "CalamineWorkbook", _Calamine)
    with pytest.raises(TypeError, match="a bug in our code"):
        read_book(book)


def test_rows_are_built_without_eval():
    """read/sheets.py builds each sheet's row dicts from a syntax tree: a key is data, never code."""
    from workbook_tools.read.sheets import _row_builder

    odd = ("order_no", "x'); __import__('os').system('exit 1'); ('", 'a"b', "")
    assert _row_builder(odd)(1, 2, 3, 4) == dict(zip(odd, (1, 2, 3, 4)))
    assert _row_builder(())() == {}
    package = Path(read_open.__file__).resolve().parents[1]
    uses = [
        f"{p.relative_to(package)}:{i}"
        for p in sorted(package.rglob("*.py"))
        for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"\beval\(", line)
    ]
    assert uses == []
