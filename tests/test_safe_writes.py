"""Safe writes (issue 5, part 5; issue 8, part 5): every book is written to a temporary file beside its
target and renamed into place. A process killed in the middle of writing leaves the old book as it was
(and the next write to it removes what the kill left). Through a symlink the link's target is written;
the file keeps its mode and owner; nothing lands in $TMPDIR; a full disk is one line, exit 2."""

from __future__ import annotations

import ast
import os
import resource
import signal
import stat
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from backups import is_backup_of

from workbook_tools import safe_io
from workbook_tools.errors import DiskFullError, OutputExistsError
from workbook_tools.read import read_book
from workbook_tools.safe_io import atomic_path, backup, clean_stale
from workbook_tools.template import write_book
from workbook_tools.validate.files import find_books, is_candidate

PACKAGE = Path(__file__).resolve().parents[1] / "workbook_tools"
TODAY = date(2026, 11, 20)

#: Calls that write a workbook (xlsxwriter, openpyxl, a zip written by hand, pandas).
_BOOK_WRITERS = ("Workbook", "save", "to_excel")
#: Writers that are no book staff use: a package in memory (BytesIO) that the reader opens instead
#: of a sheet too large to read whole. (The benchmarks' bare baseline lives outside the package, in benchmarks/.)
_EXEMPT = {("xlsxparts.py", "bounded_copy")}


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


def _in_memory(call: ast.Call) -> bool:
    """``Workbook(buffer, {…, "in_memory": True})``: bytes in memory, no file written."""
    return any(
        isinstance(k, ast.Constant) and k.value == "in_memory" and isinstance(v, ast.Constant) and v.value is True
        for a in call.args[1:2]
        if isinstance(a, ast.Dict)
        for k, v in zip(a.keys, a.values)
    )


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
                if isinstance(up, ast.With) and any(
                    "atomic_path" in ast.unparse(item.context_expr) for item in up.items
                ):
                    inside = True
                if isinstance(up, (ast.FunctionDef, ast.AsyncFunctionDef)) and function is None:
                    function = up.name
            where = f"{path.relative_to(PACKAGE.parent)}:{node.lineno} {ast.unparse(node)[:60]}"
            found.append((where, inside or (path.name, function) in _EXEMPT or _in_memory(node)))
    return found


def test_every_book_writer_writes_through_atomic_path():
    """xlsxwriter's Workbook(...), openpyxl's .save(...), ZipFile(..., "w") and .to_excel(...)
    appear only inside ``with atomic_path(target) as tmp:`` in the package."""
    writes = _book_writes()
    assert any(w.startswith("workbook_tools/outputs.py") for w, _ in writes)  # the scan sees them
    assert [w for w, safe in writes if not safe] == []


def test_every_xlsxwriter_workbook_is_made_by_outputs_xlsx_workbook():
    """One place creates xlsxwriter workbooks (tagged, scratch files beside the target, errors as one
    line): every other writer asks ``outputs.xlsx_workbook`` for one."""
    made = [
        w for w, _ in _book_writes() if (" Workbook(" in w or " xlsxwriter.Workbook(" in w) and "in_memory" not in w
    ]
    assert [w.split(":")[0] for w in made] == ["workbook_tools/outputs.py"]


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
    with pytest.raises(OutputExistsError, match="cannot write .*not a regular file"):
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


def test_a_backup_is_as_private_as_the_book(tmp_path):
    book = tmp_path / "book.xlsx"
    book.write_bytes(b"book")
    book.chmod(0o600)
    assert stat.S_IMODE(backup(book).stat().st_mode) == 0o600


def test_writing_through_a_symlink_writes_its_target_and_leaves_the_link(tmp_path):
    real_dir = tmp_path / "shared"
    real_dir.mkdir()
    target = real_dir / "book.xlsx"
    target.write_bytes(b"old")
    link = tmp_path / "book.xlsx"
    link.symlink_to(target)
    with atomic_path(link) as tmp:
        assert tmp.parent == real_dir  # the temporary file beside the target, so the rename stays in its folder
        tmp.write_bytes(b"new")
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_bytes() == b"new"
    assert sorted(p.name for p in real_dir.iterdir()) == ["book.xlsx"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["book.xlsx", "shared"]


def test_a_book_written_through_a_symlink_by_a_command_stays_a_link(tmp_path):
    from click.testing import CliRunner

    from workbook_tools.cli import cli

    target = write_book(tmp_path / "real.xlsx", today=TODAY)
    link = tmp_path / "book.xlsx"
    link.symlink_to(target.name)
    result = CliRunner().invoke(cli, ["regenerate", str(link), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and os.readlink(link) == "real.xlsx"
    assert openpyxl.load_workbook(target, read_only=True).sheetnames[2] == "Customers"


def test_the_old_files_mode_is_kept_and_a_new_file_gets_the_umask_mode(tmp_path, monkeypatch):
    def no_umask(*_):  # reading the umask with os.umask() changes it for every thread, for a moment
        raise AssertionError("os.umask called")

    monkeypatch.setattr(os, "umask", no_umask)
    book = tmp_path / "book.xlsx"
    book.write_bytes(b"old")
    book.chmod(0o660)
    write_book(book, today=TODAY)
    assert stat.S_IMODE(book.stat().st_mode) == 0o660
    fresh = write_book(tmp_path / "new.xlsx", today=TODAY)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o666 & ~safe_io.current_umask()


def test_the_umask_is_read_without_changing_it():
    script = (
        "import os; os.umask(0o027); from workbook_tools.safe_io import current_umask; "
        "print(oct(current_umask())); print(oct(os.umask(0o027)))"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["0o27", "0o27"]


@pytest.mark.skipif(os.geteuid() != 0, reason="only root may give a file to another user")
def test_the_old_files_owner_and_group_are_kept(tmp_path):
    book = tmp_path / "book.xlsx"
    book.write_bytes(b"old")
    os.chown(book, 1234, 1235)
    with atomic_path(book) as tmp:
        tmp.write_bytes(b"new")
    st = book.stat()
    assert (st.st_uid, st.st_gid) == (1234, 1235) and book.read_bytes() == b"new"


def test_xlsxwriter_scratch_files_stay_beside_the_target_never_in_tmpdir(tmp_path, monkeypatch):
    """constant_memory makes xlsxwriter write every sheet's rows to a temporary file first: a kill
    left 90–160 MB of them in $TMPDIR. They go into a hidden folder beside the target now."""
    tmpdir = tmp_path / "tmpdir"
    tmpdir.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmpdir))
    seen = []
    real_mkstemp = tempfile.mkstemp

    def spy(*args, **kwargs):
        fd, name = real_mkstemp(*args, **kwargs)
        seen.append(Path(name).parent)
        return fd, name

    monkeypatch.setattr(tempfile, "mkstemp", spy)
    folder = tmp_path / "books"
    write_book(folder / "book.xlsx", today=TODAY)
    assert seen and all(p.parent == folder and p.name.startswith(".book.xlsx.") for p in seen)
    assert list(tmpdir.iterdir()) == []
    assert [p.name for p in folder.iterdir()] == ["book.xlsx"]


def test_stale_temporary_files_of_killed_runs_are_removed_on_the_next_write(tmp_path):
    host = safe_io._HOST
    dead = 2**22 + 12345  # above the kernel's pid_max: no such process
    stale = [
        f".book.xlsx.{dead}-{host}-abc123.tmp",
        f".book.xlsx.{dead}-{host}-abc123.d.tmp",
        ".book.xlsx.k2j4h5g6.tmp",  # an earlier version's, without a pid: stale by age
        f".book.20261130-214624.bak.xlsx.{dead}-{host}-o5b2zx.tmp",
    ]  # a backup a kill cut short
    kept = [
        f".book.xlsx.{os.getpid()}-{host}-zzz999.tmp",  # a live process: ours, writing
        ".book.xlsx.a1b2c3d4.tmp",  # without a pid and fresh
        f".other.xlsx.{dead}-{host}-abc123.tmp",  # another target's
        f".other.20261130-214624.bak.xlsx.{dead}-{host}-o5b2zx.tmp",  # another target's backup's
        f".book.xlsx.{dead}-ffff-abc123.tmp" if host != "ffff" else f".book.xlsx.{dead}-fffe-abc123.tmp",
    ]  # another host's
    for name in stale + kept:
        (tmp_path / name).write_bytes(b"half a book")
    (tmp_path / stale[1]).unlink()
    (tmp_path / stale[1]).mkdir()
    (tmp_path / stale[1] / "tmpx1y2z3").write_bytes(b"rows")
    hour_ago = time.time() - 2 * 3600
    os.utime(tmp_path / stale[2], (hour_ago, hour_ago))
    book = tmp_path / "book.xlsx"
    book.write_bytes(b"old")
    with atomic_path(book) as tmp:
        tmp.write_bytes(b"new")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["book.xlsx", *kept])
    assert clean_stale(book) == []


def test_nothing_is_left_behind_when_the_writer_fails(tmp_path):
    from workbook_tools.outputs import xlsx_workbook

    with pytest.raises(RuntimeError):
        with xlsx_workbook(tmp_path / "r.xlsx", "summary", {"constant_memory": True}) as wb:
            wb.add_worksheet("s").write(0, 0, "x")
            raise RuntimeError("crash")
    assert list(tmp_path.iterdir()) == []


_DISK_FULL_LIMIT = 200_000  # bytes: more than a small file, less than a book


def _limited(limit: int):
    def apply():  # in the child: writes past the limit fail with EFBIG instead of killing it
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


@pytest.mark.parametrize("case", ["new book over a small file (--force)", "regenerate in place"])
def test_a_full_disk_is_one_line_exit_2_and_the_old_file_intact(tmp_path, case):
    """RLIMIT_FSIZE in a child process makes writes fail as on a full disk (EFBIG)."""
    if case.startswith("new book"):
        old = tmp_path / "book.xlsx"
        wb = openpyxl.Workbook()
        wb.active["A1"] = "someone's notes"
        wb.save(old)
        args = ["template", "-o", str(old), "--force"]
    else:
        old = write_book(tmp_path / "book.xlsx", today=TODAY)
        assert old.stat().st_size > _DISK_FULL_LIMIT
        args = ["regenerate", str(old)]
    before = old.read_bytes()
    names_before = sorted(p.name for p in tmp_path.iterdir())
    child = subprocess.run(
        [sys.executable, "-m", "workbook_tools.cli", *args],
        capture_output=True,
        text=True,
        preexec_fn=_limited(_DISK_FULL_LIMIT),
        cwd=tmp_path,
        timeout=120,
        env={**os.environ, "LANG": "en_US.UTF-8", "LC_ALL": "", "LC_MESSAGES": ""},
    )
    assert child.returncode == 2, child.stderr
    # one line naming the file that could not be written (in place: the backup, made first)
    assert child.stderr.count("\n") == 1 and child.stderr.startswith(f"orderbook: {tmp_path}/book.")
    assert child.stderr.endswith(": disk full (File too large): nothing was written and the old file is as it was\n")
    assert old.read_bytes() == before
    after = sorted(p.name for p in tmp_path.iterdir() if not p.name.endswith(".orderbook-lock"))
    backups = [n for n in after if ".bak." in n]
    assert sorted(set(after) - set(backups)) == names_before  # no temporary file, no scratch folder
    assert all(is_backup_of(tmp_path / n, before) for n in backups)


def test_a_full_disk_inside_the_library_is_a_disk_full_error(tmp_path):
    book = tmp_path / "book.xlsx"
    book.write_bytes(b"old")
    with pytest.raises(DiskFullError, match="disk full"):
        with atomic_path(book):
            raise OSError(28, "No space left on device")
    assert book.read_bytes() == b"old" and [p.name for p in tmp_path.iterdir()] == ["book.xlsx"]


_WRITER = r"""
import sys, time, zipfile
from datetime import date
from workbook_tools.demo import generate_demo
# each part of the package takes a moment to go in, so the kill lands while the file is written
# (assembling the zip is otherwise so quick that the rename may come before the kill)
for _name in ("write", "writestr"):
    _orig = getattr(zipfile.ZipFile, _name)
    setattr(zipfile.ZipFile, _name, lambda self, *a, _orig=_orig, **k: (time.sleep(0.2), _orig(self, *a, **k))[1])
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
    child = subprocess.Popen(
        [sys.executable, "-c", _WRITER, str(book)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
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
    assert grown.name in leftovers and all(n.startswith(f".{book.name}.") for n in leftovers)
    assert not is_candidate(grown)
    assert list(find_books([folder])) == [book]
    # the next write to the book removes what the killed one left
    write_book(book, generate_demo(10, seed=3, today=TODAY), today=TODAY)
    assert [p.name for p in folder.iterdir()] == [book.name]
