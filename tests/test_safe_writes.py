"""Safe writes (issue 5, part 5): every book is written to a temporary file beside its target and
renamed into place. A process killed in the middle of writing leaves the old book as it was."""

from __future__ import annotations

import ast
import os
import signal
import subprocess
import sys
import time
from datetime import date, datetime
from pathlib import Path

import pytest

from workbook_tools.errors import OutputError
from workbook_tools.read import read_book
from workbook_tools.safe_io import atomic_path, backup
from workbook_tools.template import write_book
from workbook_tools.validate.files import find_books, is_candidate

PACKAGE = Path(__file__).resolve().parents[1] / "workbook_tools"
TODAY = date(2026, 11, 20)

#: Calls that write a workbook (xlsxwriter, openpyxl, a zip written by hand, pandas).
_BOOK_WRITERS = ("Workbook", "save", "to_excel")
#: Writers that are no book staff use: the benchmark's baseline writes a throwaway file into a
#: temporary folder, bare by design (it is what regenerate is measured against).
_EXEMPT = {("regenerate.py", "_bare_write")}


def _writes_a_book(call: ast.Call) -> bool:
    fn = call.func
    name = fn.attr if isinstance(fn, ast.Attribute) else fn.id if isinstance(fn, ast.Name) else ""
    if name in _BOOK_WRITERS:
        return True
    if name == "ZipFile":
        modes = [a.value for a in call.args[1:2] if isinstance(a, ast.Constant)]
        modes += [k.value.value for k in call.keywords if k.arg == "mode" and isinstance(k.value, ast.Constant)]
        return any(m in ("w", "a", "x") for m in modes)
    return False


def _book_writes() -> list[tuple[str, bool]]:
    """Every book-writing call in the package: ("path:line call", inside ``with atomic_path``)."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and _writes_a_book(node)):
                continue
            up, inside, function = node, False, None
            while up in parents:
                up = parents[up]
                if isinstance(up, ast.With) and any("atomic_path" in ast.unparse(item.context_expr) for item in up.items):
                    inside = True
                if isinstance(up, (ast.FunctionDef, ast.AsyncFunctionDef)) and function is None:
                    function = up.name
            where = f"{path.relative_to(PACKAGE.parent)}:{node.lineno} {ast.unparse(node)[:60]}"
            found.append((where, inside or (path.name, function) in _EXEMPT))
    return found


def test_every_book_writer_writes_through_atomic_path():
    """xlsxwriter's Workbook(...), openpyxl's .save(...), ZipFile(..., "w") and .to_excel(...)
    appear only inside ``with atomic_path(target) as tmp:`` in the package."""
    writes = _book_writes()
    assert any(w.startswith("workbook_tools/template/write.py") for w, _ in writes)  # the scan sees them
    assert [w for w, safe in writes if not safe] == []


def test_atomic_path_leaves_the_old_file_when_the_writer_fails(tmp_path):
    target = tmp_path / "book.xlsx"
    target.write_bytes(b"old book")
    with pytest.raises(RuntimeError):
        with atomic_path(target) as tmp:
            tmp.write_bytes(b"half a new bo")
            raise RuntimeError("crash")
    assert target.read_bytes() == b"old book"
    assert [p.name for p in tmp_path.iterdir()] == ["book.xlsx"]


def test_a_target_that_cannot_be_replaced_is_an_output_error_and_leaves_no_temporary_file(tmp_path):
    target = tmp_path / "book.xlsx"
    target.mkdir()
    with pytest.raises(OutputError, match="cannot write"):
        with atomic_path(target) as tmp:
            tmp.write_bytes(b"new")
    assert [p.name for p in tmp_path.iterdir()] == ["book.xlsx"]


def test_a_backup_never_overwrites_an_older_backup(tmp_path):
    book = tmp_path / "book.xlsx"
    book.write_bytes(b"first")
    now = datetime(2026, 11, 20, 9, 30, 0)
    first = backup(book, now=now)
    book.write_bytes(b"second")
    second = backup(book, now=now)
    assert first.name == "book.20261120-093000.bak.xlsx"
    assert second.name == "book.20261120-093000-2.bak.xlsx"
    assert first.read_bytes() == b"first" and second.read_bytes() == b"second"


_WRITER = r"""
import sys
from datetime import date
from workbook_tools.demo import generate_demo
from workbook_tools.template import write_book
data = generate_demo(20000, seed=5, today=date(2026, 11, 20))
print("writing", flush=True)
write_book(sys.argv[1], data, today=date(2026, 11, 20))
print("done", flush=True)
"""


@pytest.mark.slow
def test_killing_a_write_in_the_middle_leaves_the_old_book_intact(tmp_path):
    """A child process writes a large book over an existing one; it is killed (SIGKILL) while the
    temporary file grows. The old book is byte for byte what it was and still reads; the leftover
    temporary file is a dot-file, which the folder scan of validate and nightly never takes for a book."""
    from workbook_tools.demo import generate_demo

    folder = tmp_path / "books"
    folder.mkdir()
    book = write_book(folder / "订单管理簿.xlsx", generate_demo(40, seed=2, today=TODAY), today=TODAY)
    before = book.read_bytes()
    scratch = tmp_path / "scratch"  # xlsxwriter's own temporary files, so a kill leaves none in /tmp
    scratch.mkdir()
    env = {**os.environ, "TMPDIR": str(scratch)}
    child = subprocess.Popen([sys.executable, "-c", _WRITER, str(book)], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        grown, deadline, last = None, time.monotonic() + 120, -1
        while time.monotonic() < deadline and child.poll() is None:
            temps = list(folder.glob(f".{book.name}.*.tmp"))
            size = temps[0].stat().st_size if temps else -1
            if temps and size > 0 and last > 0 and size > last:
                grown = temps[0]
                break
            last = size
            time.sleep(0.005)
        assert child.poll() is None, f"the writer finished before it could be killed: {child.communicate()}"
        assert grown is not None, "the temporary file never grew"
        os.kill(child.pid, signal.SIGKILL)
    finally:
        if child.poll() is None:
            child.kill()
        child.wait()
    assert child.returncode == -signal.SIGKILL
    assert book.read_bytes() == before
    assert read_book(book).data() == generate_demo(40, seed=2, today=TODAY)
    leftovers = sorted(p.name for p in folder.iterdir() if p != book)
    assert leftovers == [grown.name] and grown.name.startswith(".")
    assert not is_candidate(grown)
    assert list(find_books([folder])) == [book]
