"""What changed since last night: a real book edited between two nights (rows added, cells edited,
rows deleted), the change report, its findings, the history, and the snapshot that keeps it."""

from __future__ import annotations

import json
import shutil
from datetime import date, datetime
from decimal import Decimal as D
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from workbook_tools.book import OrderBook
from workbook_tools.changes import ADDED, CHANGED, DELETED, change_history, pending_changes, record_changes
from workbook_tools.changes.nightly import check_and_record, write_change_reports
from workbook_tools.changes.snapshot import SnapshotStore, snapshot_of, snapshot_path
from workbook_tools.cli import cli
from workbook_tools.config import Config
from workbook_tools.demo import generate_demo
from workbook_tools.report import Report
from workbook_tools.schema import SHEET_BY_KEY
from workbook_tools.template import write_book

NIGHT1, NIGHT2 = date(2026, 11, 26), date(2026, 11, 27)
DATA = generate_demo(30, today=NIGHT1)
ORDERS = DATA["orders"]
PAID = ORDERS[1]  # completed: paid and shipped
UNPAID = ORDERS[4]  # cancelled before anything was paid or shipped
SHIPPED = ORDERS[29]  # shipped and paid
PENDING = ORDERS[27]  # nothing paid or shipped yet


def col(sheet: str, key: str) -> int:
    return SHEET_BY_KEY[sheet].col(key) + 1


def line_row(order: dict) -> int:
    """Excel row of the order's first order line (header on row 1)."""
    return 2 + next(i for i, r in enumerate(DATA["order_lines"]) if r["order_no"] == order["order_no"])


def edit_like_staff(path: Path) -> dict:
    """What someone does in Excel during the day; returns what was done, for the assertions."""
    wb = openpyxl.load_workbook(path)
    lines, orders, customers = wb["订单明细"], wb["订单"], wb["客户"]
    pending_line, shipped_line = line_row(PENDING), line_row(SHIPPED)
    lines.cell(pending_line, col("order_lines", "quantity")).value = 7
    old_price = lines.cell(shipped_line, col("order_lines", "unit_price")).value
    lines.cell(shipped_line, col("order_lines", "unit_price")).value = 1.5
    customers.cell(3, col("customers", "phone")).value = "13900001111"
    new_customer = 2 + len(DATA["customers"])
    added = {"customer_id": "C0999", "name": "宁波新客户", "phone": "13912345678", "address": "中山路 1 号"}
    for key, value in added.items():
        customers.cell(new_customer, col("customers", key)).value = value
    orders.delete_rows(ORDERS.index(UNPAID) + 2)  # the lower one first: the other keeps its row number
    orders.delete_rows(ORDERS.index(PAID) + 2)
    wb.save(path)
    return {
        "pending_line": pending_line,
        "shipped_line": shipped_line,
        "old_price": old_price,
        "new_customer": new_customer,
    }


@pytest.fixture(scope="module")
def nights(tmp_path_factory):
    """Night 1 takes the snapshot; the book is edited; night 2 reports the changes."""
    root = tmp_path_factory.mktemp("nights")
    book = write_book(root / "books" / "订单簿.xlsx", DATA, today=NIGHT1)
    reports = root / "reports"
    first = check_and_record(book, Config(), NIGHT1, reports, datetime(2026, 11, 26, 2, 30), "the defaults")
    done = edit_like_staff(book)
    second = check_and_record(book, Config(), NIGHT2, reports, datetime(2026, 11, 27, 2, 30), "the defaults")
    return book, reports, first, second, done


def test_the_first_night_takes_a_snapshot_and_reports_nothing(nights):
    book, reports, first, _, _ = nights
    assert first.changes.since is None and first.changes.rows == [] and first.changes.night == NIGHT1
    assert snapshot_path(reports, book).exists()
    assert not any(f.code in ("row-deleted", "paid-order-changed") for f in first.findings)


def test_rows_added_changed_and_deleted_between_two_nights(nights):
    _, _, _, second, done = nights
    changes = second.changes
    assert changes.since == NIGHT1 and changes.night == NIGHT2
    got = [(c.kind, c.sheet, c.key, c.row, c.old_row, [(k, a, b) for k, a, b in c.cells]) for c in changes.rows]
    assert got == [
        (ADDED, "customers", "C0999", done["new_customer"], None, []),
        (
            CHANGED,
            "customers",
            DATA["customers"][1]["customer_id"],
            3,
            3,
            [("phone", DATA["customers"][1]["phone"], "13900001111")],
        ),
        (DELETED, "orders", PAID["order_no"], None, ORDERS.index(PAID) + 2, []),
        (DELETED, "orders", UNPAID["order_no"], None, ORDERS.index(UNPAID) + 2, []),
        (
            CHANGED,
            "order_lines",
            f"{PENDING['order_no']} / {DATA['order_lines'][done['pending_line'] - 2]['sku']}",
            done["pending_line"],
            done["pending_line"],
            [("quantity", DATA["order_lines"][done["pending_line"] - 2]["quantity"], 7)],
        ),
        (
            CHANGED,
            "order_lines",
            f"{SHIPPED['order_no']} / {DATA['order_lines'][done['shipped_line'] - 2]['sku']}",
            done["shipped_line"],
            done["shipped_line"],
            [("unit_price", D(str(done["old_price"])), D("1.5"))],
        ),
    ]
    assert changes.counts() == {ADDED: 1, CHANGED: 3, DELETED: 2}


def test_a_deleted_row_keeps_every_value_to_paste_back(nights):
    _, _, _, second, _ = nights
    (gone,) = [c for c in second.changes.rows if c.kind == DELETED and c.key == PAID["order_no"]]
    assert gone.values == {k: PAID.get(k) for k in gone.values} and set(gone.values) == {
        c.key for c in SHEET_BY_KEY["orders"].inputs
    }


def test_deleting_a_paid_order_and_repricing_a_shipped_one_are_findings(nights):
    _, _, _, second, done = nights
    ours = [f for f in second.findings if f.code in ("row-deleted", "paid-order-changed")]
    assert [(f.code, f.cell, f.value) for f in ours] == [
        ("row-deleted", None, PAID["order_no"]),
        ("paid-order-changed", f"订单明细!E{done['shipped_line']}", SHIPPED["order_no"]),
    ]
    deleted = ours[0]
    payments = sum(1 for p in DATA["payments"] if p["order_no"] == PAID["order_no"])
    shipments = sum(1 for s in DATA["shipments"] if s["order_no"] == PAID["order_no"])
    assert deleted.message("zh") == (
        f"订单原第 {ORDERS.index(PAID) + 2} 行（订单“{PAID['order_no']}”）已被删除，"
        f"该订单有 {payments} 笔付款、{shipments} 次发货"
    )
    assert deleted.severity == "error" and ours[1].severity == "warning"
    assert "单价" in ours[1].message("zh") and "→ 1.5" in ours[1].message("zh")
    # the unpaid order deleted and the pending order's quantity changed are reported, not findings
    assert {c.key: c.codes for c in second.changes.rows}[UNPAID["order_no"]] == ()


def test_the_report_files_show_the_changes_and_the_deleted_rows(nights, tmp_path):
    _, _, _, second, _ = nights
    html, xlsx = write_change_reports(Report([second]), tmp_path, "zh")
    text = html.read_text(encoding="utf-8")
    assert PAID["order_no"] in text and "已删除的行" in text
    assert "<td class=code>已付款或已发货订单的行被删除</td>" in text and "row-deleted" not in text
    wb = openpyxl.load_workbook(xlsx)
    assert wb.sheetnames == ["变更", "已删除 订单"]
    deleted = wb["已删除 订单"]
    header = [c.value for c in deleted[2]]
    assert header[:4] == ["订单编号", "客户编号", "下单日期", "交货日期"]
    rows = {r[0]: r for r in deleted.iter_rows(min_row=3, values_only=True) if r[0]}
    paid = rows[PAID["order_no"]]
    assert paid[2] == datetime.combine(PAID["order_date"], datetime.min.time())  # a date, ready to paste back
    assert paid[header.index("订单状态")] == "已完成"
    assert [c.value for c in wb["变更"][1]][:4] == ["订单簿", "自", "至", "变更"]
    found = {r[6]: r[10] for r in wb["变更"].iter_rows(min_row=2, values_only=True) if r[10]}
    assert found[PAID["order_no"]] == "已付款或已发货订单的行被删除"


def test_a_second_run_the_same_night_compares_with_the_night_before_again(nights, tmp_path):
    book, reports, _, second, _ = nights
    copy_reports = tmp_path / "reports"
    shutil.copytree(reports, copy_reports)
    again = check_and_record(book, Config(), NIGHT2, copy_reports, datetime(2026, 11, 27, 9, 0), "the defaults")
    assert [(c.kind, c.key) for c in again.changes.rows] == [(c.kind, c.key) for c in second.changes.rows]
    history = change_history(book, reports_root=copy_reports)
    assert [(h.night, h.since, len(h.rows)) for h in history] == [(NIGHT1, None, 0), (NIGHT2, NIGHT1, 6)]


def test_the_history_and_what_changed_since_the_last_run(nights, tmp_path):
    book, reports, _, second, _ = nights
    result = CliRunner().invoke(cli, ["changes", str(book), "--since", "2026-11-27", "--reports", str(reports)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "2026-11-27 夜间  自 2026-11-26 以来：新增 1 行，修改 3 行，删除 2 行"
    assert any(
        ln.startswith(f"  删除 订单原第 {ORDERS.index(PAID) + 2} 行 {PAID['order_no']}：")
        and ln.endswith(" [已付款或已发货订单的行被删除]")
        for ln in lines
    )
    assert "row-deleted" not in result.output
    assert "现在（尚未记录）  自 2026-11-27 以来：新增 0 行，修改 0 行，删除 0 行" in lines
    as_json = json.loads(CliRunner().invoke(cli, ["changes", str(book), "--reports", str(reports), "--json"]).output)
    assert [n["night"] for n in as_json["nights"]] == ["2026-11-26", "2026-11-27"]
    deleted = [r for r in as_json["nights"][1]["rows"] if r["kind"] == "deleted" and r["key"] == PAID["order_no"]]
    assert deleted[0]["values"]["订单编号"] == PAID["order_no"] and deleted[0]["values"]["订单状态"] == "已完成"
    missing = CliRunner().invoke(cli, ["changes", str(book), "--reports", str(tmp_path / "none")])
    assert missing.exit_code == 2 and "no snapshot" in missing.output


def test_a_book_sorted_or_unchanged_has_no_changes(tmp_path):
    data = generate_demo(30, today=NIGHT1)
    book = OrderBook.from_data(data)
    record_changes(tmp_path / "b.xlsx", book, reports_root=tmp_path, night=NIGHT1)
    data["orders"].reverse()
    data["order_lines"].sort(key=lambda r: (r["sku"], r["order_no"]))
    assert pending_changes(tmp_path / "b.xlsx", OrderBook.from_data(data), reports_root=tmp_path).rows == []


def test_the_snapshot_gives_back_exactly_what_was_read(tmp_path):
    data = generate_demo(10, today=NIGHT1)
    data["order_lines"][0]["unit_price"] = D("12.345")
    data["order_lines"][1]["discount"] = D("0.0625")
    book = OrderBook.from_data(data)
    book["orders"].rows[0]["order_date"] = None
    book["orders"].problems.append((0, "order_date", "2026/13/45", "wrong-type"))  # as the reader leaves it
    snap = snapshot_of(book)
    with SnapshotStore(tmp_path / "s.sqlite") as store:
        store.put(NIGHT1, snap, since=None, taken=datetime(2026, 11, 26), book="b.xlsx", settings=None, changes=[])
        back = store.load(NIGHT1)
    assert back == snap
    assert back["orders"][0].values["order_date"] == "2026/13/45"
    assert back["order_lines"][0].values["unit_price"] == D("12.345")


# ------------------------------------------------------------------------------------- the nightly job


@pytest.mark.slow
def test_the_nightly_job_reports_the_changes_in_summary_json_and_its_report_files(tmp_path):
    """Two nights of `orderbook nightly` over a real book, edited in between (each book is checked in a
    child process: the changes come back from it)."""
    from workbook_tools.nightly import run_nightly

    folder, reports = tmp_path / "orders", tmp_path / "reports"
    book = write_book(folder / "订单簿.xlsx", DATA, today=NIGHT1)
    first = run_nightly(folder, reports_root=reports, today=NIGHT1, now=datetime(2026, 11, 26, 2, 30))
    assert not (first.report_dir / "changes.html").exists()  # the first night only takes the snapshot
    assert sorted(p.name for p in reports.iterdir()) == ["2026-11-26", "snapshots"]
    edit_like_staff(book)
    second = run_nightly(folder, reports_root=reports, today=NIGHT2, now=datetime(2026, 11, 27, 2, 30))
    assert second.exit_code == 1  # row-deleted is an error
    assert f"{book}  自 2026-11-26 以来：新增 1 行，修改 3 行，删除 2 行" in second.lines
    summary = json.loads((second.report_dir / "summary.json").read_text(encoding="utf-8"))
    (entry,) = summary["files"]
    assert entry["settings"] == "the settings stored in the book"
    assert entry["by_code"]["row-deleted"] == 1 and entry["by_code"]["paid-order-changed"] == 1
    changes = entry["changes"]
    assert (changes["since"], changes["night"], changes["added"], changes["changed"], changes["deleted"]) == (
        "2026-11-26",
        "2026-11-27",
        1,
        3,
        2,
    )
    deleted = next(r for r in changes["rows"] if r["key"] == PAID["order_no"])
    assert deleted["codes"] == ["row-deleted"] and deleted["values"]["客户编号"] == PAID["customer_id"]
    assert {"changes.html", "changes.xlsx"} <= {p.name for p in second.report_dir.iterdir()}
    assert {"changes.html", "changes.xlsx"} <= set(summary["outputs"])
    report = json.loads((second.report_dir / "validation_report.json").read_text(encoding="utf-8"))
    assert report["files"][0]["changes"]["deleted"] == 2


def test_the_nightly_job_checks_each_book_with_its_own_settings(tmp_path):
    from workbook_tools.config import Patterns
    from workbook_tools.nightly import run_nightly

    folder = tmp_path / "orders"
    own = Config(company_name="宁波海川文具", patterns=Patterns(customer_id=r"^KH\d{4}$"))
    data = generate_demo(20, today=NIGHT1, config=own)
    write_book(folder / "海川.xlsx", data, config=own, today=NIGHT1)
    write_book(folder / "branch" / "分店.xlsx", data, config=own, today=NIGHT1)
    (folder / "branch" / "orderbook.toml").write_text("", encoding="utf-8")  # the branch uses the defaults
    result = run_nightly(
        folder,
        reports_root=tmp_path / "reports",
        formats=("json",),
        today=NIGHT1,
        now=datetime(2026, 11, 26, 2, 30),
        isolate=False,
    )
    by_book = {r.path.name: r for r in result.report.files}
    assert by_book["海川.xlsx"].settings == "the settings stored in the book"
    assert "bad-format" not in by_book["海川.xlsx"].by_code()
    assert by_book["分店.xlsx"].settings == str(folder / "branch" / "orderbook.toml")
    assert by_book["分店.xlsx"].by_code()["bad-format"] >= 20  # KH0001 is not a customer id by default


def test_a_night_reads_each_book_once_for_its_check_and_its_snapshot(tmp_path, monkeypatch):
    import workbook_tools.read as reader

    book = write_book(tmp_path / "book.xlsx", generate_demo(5, seed=2, today=NIGHT1), today=NIGHT1)
    reads: list[Path] = []
    real = reader.read_book

    def counted(path, **kw):
        reads.append(Path(path))
        return real(path, **kw)

    monkeypatch.setattr(reader, "read_book", counted)
    result = check_and_record(book, Config(), NIGHT1, tmp_path / "reports", datetime(2026, 11, 26, 2, 30))
    assert reads == [book]
    assert result.error is None and result.changes is not None and result.changes.error is None
    assert snapshot_path(tmp_path / "reports", book).exists()
