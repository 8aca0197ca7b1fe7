"""Pausing the garbage collector is the caller's choice (issue 12: no process-wide side effects in
library calls): the library pauses it only inside ``perf.bulk()``, which the command enters."""

import gc

from workbook_tools import cli, perf
from workbook_tools.read import read_book
from workbook_tools.template import write_book


def _collector_during_read(book) -> list[bool]:
    seen: list[bool] = []
    read_book(book, on_table=lambda table: seen.append(gc.isenabled()))
    return seen


def test_a_library_call_leaves_the_collector_alone_unless_the_caller_consents(tmp_path):
    book = write_book(tmp_path / "b.xlsx")
    assert gc.isenabled()
    seen = _collector_during_read(book)
    assert len(seen) == 8 and all(seen)  # never paused for a program that did not ask
    with perf.bulk():
        seen = _collector_during_read(book)
        assert gc.isenabled()  # bulk() itself changes nothing
    assert len(seen) == 8 and not any(seen)  # paused while the sheets were read
    assert gc.isenabled()  # and on again after


def test_a_collector_the_caller_turned_off_stays_off():
    gc.disable()
    try:
        with perf.bulk(), perf.gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_command_consents(monkeypatch):
    seen = []
    monkeypatch.setattr(cli, "cli", lambda **kw: seen.append(perf._CONSENT.get()))
    cli.main()
    assert seen == [True] and perf._CONSENT.get() is False


# ------------------------------------------------------------------ read_ahead (the sheet scan's)


def test_read_ahead_gives_every_item_in_order():
    assert list(perf.read_ahead(iter(range(1000)), depth=3)) == list(range(1000))


def test_read_ahead_raises_what_the_maker_raised_after_the_items_before_it():
    def made():
        yield 1
        yield 2
        raise OSError("disk gone")

    got = []
    try:
        for item in perf.read_ahead(made()):
            got.append(item)
    except OSError as exc:
        assert str(exc) == "disk gone"
    else:
        raise AssertionError("the maker's error was lost")
    assert got == [1, 2]


def test_leaving_read_ahead_early_stops_its_maker():
    import threading

    made = []

    def endless():
        n = 0
        while True:
            made.append(n)
            yield n
            n += 1

    for item in perf.read_ahead(endless(), depth=2):
        if item == 5:
            break
    assert not [t for t in threading.enumerate() if t.name == "read-ahead"]  # joined, not left running
    assert len(made) <= 5 + 1 + 2 + 1  # the items taken, the one in hand, the slots, one blocked in put


def test_read_ahead_makes_the_items_itself_when_no_thread_can_start(monkeypatch):
    """Under a memory cap (the nightly's child) there may be no room for another thread's stack:
    the items are then made in the caller's thread, all of them, in order."""
    import threading

    def refuse(self):
        raise RuntimeError("can't start new thread")

    monkeypatch.setattr(threading.Thread, "start", refuse)
    assert list(perf.read_ahead(iter(range(10)))) == list(range(10))
