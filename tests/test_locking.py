"""One writer at a time, and not while someone has the book open (issue 8, part 4).

``safe_io.locked(book)`` takes our lock (a hidden ``.NAME.orderbook-lock`` beside the book), refuses
while Excel / WPS (``~$NAME``) or LibreOffice (``.~lock.NAME#``) has the book open, and remembers the
book as it was; ``atomic_path`` on the book checks, just before its rename, that nobody changed it."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from workbook_tools.cli import cli
from workbook_tools.errors import BookChangedError, BookLockedError, OutputError
from workbook_tools.read import read_book
from workbook_tools.safe_io import atomic_path, lock_owner, locked
from workbook_tools.template import write_book

TODAY = date(2026, 11, 20)


ZH = {"LANG": "zh_CN.UTF-8", "LC_ALL": "", "LC_MESSAGES": ""}
EN = {"LANG": "en_US.UTF-8", "LC_ALL": "", "LC_MESSAGES": ""}


def run(*args, env=None):
    return CliRunner().invoke(cli, [str(a) for a in args], env=env)


def excel_owner_file(name: str, *, word: bool = False) -> bytes:
    """An owner file as Excel writes it (165 bytes; Word's: 162, the UTF-16 copy at 54)."""
    ansi = name.encode("gbk", "replace")[:52]
    head = bytes([len(name)]) + ansi
    at = 54 if word else 55
    head += (b"\0" if word else b" ") * (at - len(head))
    data = head + len(name).to_bytes(2, "little") + name.encode("utf-16-le")
    size = 162 if word else 165
    return (data + b" \0" * size)[:size]


@pytest.fixture
def book(tmp_path):
    return write_book(tmp_path / "book.xlsx", today=TODAY)


# ------------------------------------------------------------------ who has the book open


@pytest.mark.parametrize(
    "name, content, owner",
    [
        ("~$book.xlsx", excel_owner_file("张三"), "张三"),
        ("~$book.xlsx", excel_owner_file("Wang Wei"), "Wang Wei"),
        ("~$book.xlsx", excel_owner_file("李娜", word=True), "李娜"),
        ("~$book.xlsx", bytes([4]) + b"wang" + b" " * 50, "wang"),  # no UTF-16 copy: the code-page name
        ("~$book.xlsx", b"", None),
        (
            ".~lock.book.xlsx#",
            ",李四,li-pc,30.11.2026 10:00,file:///home/li/.config/libreoffice/4;".encode(),
            "李四 @ li-pc",
        ),
        (".~lock.book.xlsx#", b"Li Si\\, Sales,lisi,li-pc,30.11.2026 10:00,file:///x;", "Li Si, Sales @ li-pc"),
    ],
)
def test_the_owner_is_read_from_office_lock_files(tmp_path, name, content, owner):
    lock = tmp_path / name
    lock.write_bytes(content)
    assert lock_owner(lock) == owner


@pytest.mark.parametrize(
    "lock_name, content, app, who",
    [
        ("~$book.xlsx", excel_owner_file("张三"), "Excel / WPS", "张三"),
        (
            ".~lock.book.xlsx#",
            b",\xe6\x9d\x8e\xe5\x9b\x9b,li-pc,30.11.2026 10:00,file:///home/li;",
            "LibreOffice",
            "李四 @ li-pc",
        ),
    ],
)
@pytest.mark.parametrize(
    "args",
    [
        ["regenerate", "{book}"],
        ["template", "-o", "{book}"],
        ["import", "{csv}", "--into", "{book}", "--today", "2026-11-20"],
    ],
)
def test_a_book_open_in_excel_or_libreoffice_is_not_written(book, tmp_path, lock_name, content, app, who, args):
    (tmp_path / lock_name).write_bytes(content)
    csv = tmp_path / "c.csv"
    csv.write_text("客户编号,客户名称,手机,详细地址\nC0901,甲,13912345678,某路\n", encoding="utf-8")
    argv = [a.format(book=book, csv=csv) for a in args]
    before = book.read_bytes()
    result = run(*argv, env=ZH)  # one line, in the command line's language only
    assert result.exit_code == 2
    assert result.output == (
        f"orderbook: {book}：{who}正在用 {app} 打开这个订单簿（锁定文件 {lock_name}），请先关闭；"
        "确认无人打开时可加 --force\n"
    )
    result = run(*argv, env=EN)
    assert result.exit_code == 2
    assert result.output == (
        f"orderbook: {book}: open in {app} by {who} (lock file {lock_name}): close it first, "
        "or use --force if nobody has it open\n"
    )
    assert book.read_bytes() == before and not list(tmp_path.glob("*.bak.xlsx"))
    result = run(*argv, "--force")  # nobody has it open after all: a stale lock file
    assert result.exit_code == 0, result.output
    assert book.read_bytes() != before


def test_an_unreadable_owner_file_still_refuses(book, tmp_path):
    (tmp_path / "~$book.xlsx").write_bytes(b"\xff")
    with pytest.raises(BookLockedError, match="open in Excel / WPS by someone") as refused:
        with locked(book):
            pass
    assert "有人正在用 Excel / WPS 打开" in refused.value.text("zh")


# ------------------------------------------------------------------ changed between read and rename


def test_a_book_changed_after_the_lock_was_taken_is_not_replaced(book, tmp_path):
    with locked(book) as guard:
        assert guard.path == book.resolve()
        book.write_bytes(book.read_bytes() + b"saved in Excel")  # someone saved meanwhile
        changed = book.read_bytes()
        with pytest.raises(BookChangedError, match="the book changed on disk after it was read"):
            with atomic_path(book, guard=guard) as tmp:
                tmp.write_bytes(b"our new book")
    assert book.read_bytes() == changed
    assert sorted(p.name for p in tmp_path.iterdir()) == ["book.xlsx"]  # no temporary file, no lock file


def test_a_change_keeping_size_and_mtime_is_found_by_the_hash(book):
    with locked(book) as guard:
        st = book.stat()
        data = bytearray(book.read_bytes())
        data[-100] ^= 0xFF
        book.write_bytes(bytes(data))
        os.utime(book, ns=(st.st_atime_ns, st.st_mtime_ns))
        with pytest.raises(BookChangedError):
            guard.check_unchanged()


def test_a_library_write_inside_locked_is_checked_without_passing_the_guard(book):
    """The commands lock around library calls (regenerate, merge, import) that know nothing of the
    guard: atomic_path finds the guard of this thread's lock on the same file."""
    with locked(book):
        book.write_bytes(b"changed")
        with pytest.raises(BookChangedError):
            write_book(book, today=TODAY)
    assert book.read_bytes() == b"changed"


def test_a_book_that_appeared_or_vanished_counts_as_changed(tmp_path, book):
    new = tmp_path / "new.xlsx"
    with locked(new) as guard:
        new.write_bytes(b"someone else's")
        with pytest.raises(BookChangedError):
            guard.check_unchanged()
    with locked(book) as guard:
        book.unlink()
        with pytest.raises(BookChangedError):
            guard.check_unchanged()


def test_locked_is_reentrant_and_our_own_writes_renew_the_guard(book):
    with locked(book) as outer:
        with locked(book) as inner:  # the command locks, the library locks again: no deadlock
            assert inner is outer
            write_book(book, today=TODAY)
        write_book(book, lang="en", today=TODAY)  # a second write in the same lock is not "changed"
    assert read_book(book).lang == "en"


def test_through_a_symlink_the_target_is_locked(book, tmp_path):
    link = tmp_path / "link.xlsx"
    link.symlink_to(book)
    with locked(link) as guard:
        assert guard.path == book.resolve()
        assert (tmp_path / ".book.xlsx.orderbook-lock").exists()  # beside the target, hidden
        write_book(link, today=TODAY)
    assert link.is_symlink()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["book.xlsx", "link.xlsx"]


def test_a_book_opened_in_excel_through_its_link_is_not_written(book, tmp_path):
    link = tmp_path / "shared.xlsx"
    link.symlink_to(book.name)
    owner = tmp_path / "~$shared.xlsx"
    owner.write_bytes(excel_owner_file("王芳"))
    with pytest.raises(BookLockedError, match="open in Excel / WPS by 王芳") as refused:
        with locked(link):
            pass
    assert "王芳正在用 Excel / WPS 打开" in refused.value.text("zh")
    owner.unlink()
    with locked(link):  # Excel opens it by the link while we work
        owner.write_bytes(excel_owner_file("王芳"))
        with pytest.raises(BookLockedError, match="王芳"):
            write_book(link, today=TODAY)


def test_a_book_opened_in_excel_while_we_worked_is_not_replaced(book, tmp_path):
    before = book.read_bytes()
    with locked(book):
        (tmp_path / "~$book.xlsx").write_bytes(excel_owner_file("赵敏"))
        with pytest.raises(BookLockedError, match="赵敏"):
            write_book(book, lang="en", today=TODAY)
    assert book.read_bytes() == before


def test_a_new_books_folder_is_made_and_an_impossible_one_is_one_line(tmp_path):
    with locked(tmp_path / "a" / "b" / "book.xlsx") as guard:
        assert guard.path.parent.is_dir()
    (tmp_path / "file").write_text("x")
    with pytest.raises(OutputError, match="cannot write"):
        with locked(tmp_path / "file" / "book.xlsx"):
            pass


# ------------------------------------------------------------------ another orderbook writing

_HOLD = """
import sys, time
from workbook_tools.safe_io import locked
with locked(sys.argv[1]):
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
"""


def _holder(book: Path, seconds: float) -> subprocess.Popen:
    child = subprocess.Popen([sys.executable, "-c", _HOLD, str(book), str(seconds)], stdout=subprocess.PIPE, text=True)
    assert child.stdout.readline().strip() == "held"
    return child


def test_another_orderbook_writing_the_book_is_waited_for_then_named(book):
    child = _holder(book, 30)
    try:
        started = time.monotonic()
        with pytest.raises(BookLockedError, match=f"another orderbook command is writing {book}"):
            with locked(book, timeout=0.5):
                pass
        assert 0.4 < time.monotonic() - started < 10
    finally:
        child.kill()
        child.wait()
    with locked(book, timeout=5):  # the lock died with its holder
        pass


def test_the_second_writer_goes_on_once_the_first_is_done(book):
    child = _holder(book, 1)
    try:
        started = time.monotonic()
        with locked(book, timeout=30):
            assert child.poll() is not None or time.monotonic() - started > 0.5
    finally:
        child.wait()
    assert child.returncode == 0


_INCREMENT = """
import os, sys
from workbook_tools.safe_io import locked
for _ in range(int(sys.argv[2])):
    with locked(sys.argv[1]):
        n = int(open(sys.argv[1]).read())
        with open(sys.argv[1] + ".new", "w") as fh:
            fh.write(str(n + 1))
        os.replace(sys.argv[1] + ".new", sys.argv[1])
"""


def test_the_lock_excludes_other_processes_and_its_file_goes_away(tmp_path):
    """Four processes read, add one and write back 25 times each: no increment is lost, although
    each release removes the lock file another process may be waiting on."""
    counter = tmp_path / "counter"
    counter.write_text("0")
    children = [subprocess.Popen([sys.executable, "-c", _INCREMENT, str(counter), "25"]) for _ in range(4)]
    assert [c.wait(timeout=120) for c in children] == [0] * 4
    assert counter.read_text() == "100"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["counter"]


@pytest.mark.slow
def test_two_imports_started_together_lose_no_row(tmp_path):
    """Both imports read, change and write the same book; before the lock the second rename threw the
    first import's row away. Now either both rows land, or one import fails in one clear line."""
    book = tmp_path / "book.xlsx"
    made = subprocess.run(
        [
            sys.executable,
            "-m",
            "workbook_tools.cli",
            "demo",
            "--orders",
            "20000",
            "--today",
            TODAY.isoformat(),
            "-o",
            str(book),
        ],
        capture_output=True,
        text=True,
    )
    assert made.returncode == 0, made.stderr
    sources = {}
    for cid, name in (("C9001", "甲贸易"), ("C9002", "乙商行")):
        sources[cid] = tmp_path / f"{cid}.csv"
        sources[cid].write_text(
            f"客户编号,客户名称,手机,详细地址\n{cid},{name},13912345678,某路1号\n", encoding="utf-8"
        )
    children = {
        cid: subprocess.Popen(
            [
                sys.executable,
                "-m",
                "workbook_tools.cli",
                "import",
                str(src),
                "--into",
                str(book),
                "--today",
                TODAY.isoformat(),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for cid, src in sources.items()
    }
    results = {cid: (c.wait(timeout=300), c.stderr.read()) for cid, c in children.items()}
    ids = {r["customer_id"] for r in read_book(book)["customers"].rows}
    landed = {cid for cid in sources if cid in ids}
    for cid, (code, err) in results.items():
        if code == 0:
            assert cid in landed, f"{cid} said it was imported but is not in the book"
        else:
            assert code == 2 and err.count("\n") == 1 and ("another orderbook command" in err or "changed" in err), err
    assert landed == set(sources) or len(landed) == 1 and sum(code != 0 for code, _ in results.values()) == 1
