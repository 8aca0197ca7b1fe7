"""orderbook export: normalised tables with keys, derived from the schema; re-export updates in place."""

from __future__ import annotations

import copy
import importlib.util
import sqlite3
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from workbook_tools.book import OrderBook
from workbook_tools.commands.export import command
from workbook_tools.demo import generate_demo
from workbook_tools.derive import derive
from workbook_tools.export import ExportError, ExportRefused, default_url, export_book
from workbook_tools.export.sync import CHUNK
from workbook_tools.export.tables import build_metadata, exported_columns, is_lookup, primary_key
from workbook_tools.schema import SHEETS
from workbook_tools.template import write_book

TODAY = date(2026, 11, 27)


@pytest.fixture(scope="module")
def demo():
    return generate_demo(300, seed=4, today=TODAY)


@pytest.fixture
def data(demo):
    return copy.deepcopy(demo)


@pytest.fixture
def url(tmp_path):
    return f"sqlite:///{tmp_path / 'book.sqlite'}"


def _engine(url):
    from workbook_tools.export import connect

    return connect(url)


def _count(url, table):
    with sqlite3.connect(url.removeprefix("sqlite:///")) as db:
        return db.execute(f"select count(*) from {table}").fetchone()[0]


def _dump(url) -> dict[str, list[tuple]]:
    engine = _engine(url)
    with engine.connect() as conn:
        md = build_metadata()
        out = {t: [tuple(r) for r in conn.execute(sa.select(md.tables[t]).order_by(*md.tables[t].primary_key))]
               for t in md.tables}
    engine.dispose()
    return out


def test_tables_come_from_the_schema():
    md = build_metadata()
    assert list(md.tables) == [s.key for s in SHEETS]
    lookups = {(s.key, c.key) for s in SHEETS for c in s.columns if is_lookup(s, c)}
    assert lookups == {("orders", "customer_name"), ("order_lines", "product_name")}
    for sheet in SHEETS:
        table = md.tables[sheet.key]
        names = [c.name for c in table.columns]
        assert [n for n in names if n != "id"] == [c.key for c in exported_columns(sheet)]
        assert len(names) == len(sheet.columns) - sum(1 for c in sheet.columns if is_lookup(sheet, c)) + (
            primary_key(sheet) == "id")
        assert {(fk.parent.name, fk.target_fullname) for fk in table.foreign_keys} == {
            (c.key, c.ref) for c in sheet.columns if c.ref}
    assert [c.name for c in md.tables["customers"].primary_key] == ["customer_id"]
    assert [c.name for c in md.tables["products"].primary_key] == ["sku"]
    assert [c.name for c in md.tables["orders"].primary_key] == ["order_no"]
    assert [c.name for c in md.tables["payments"].primary_key] == ["id"]
    uniques = {t.name: {tuple(c.name for c in u.columns) for u in t.constraints if isinstance(u, sa.UniqueConstraint)}
               for t in md.tables.values()}
    assert uniques["order_lines"] == {("order_no", "sku")}
    assert uniques["status_log"] == {("order_no", "status", "timestamp")}
    assert uniques["payments"] == {("reference",)}
    assert uniques["shipments"] == uniques["stock_moves"] == set()
    price = md.tables["order_lines"].c.unit_price.type
    assert isinstance(price, sa.Numeric) and (price.precision, price.scale) == (12, 2)
    assert isinstance(md.tables["status_log"].c.timestamp.type, sa.DateTime)
    assert isinstance(md.tables["orders"].c.order_date.type, sa.Date)
    assert isinstance(md.tables["order_lines"].c.quantity.type, sa.Integer)
    assert isinstance(md.tables["customers"].c.customer_id.type, sa.String)
    assert md.tables["customers"].c.customer_id.type.length == 20


def test_export_a_demo_book(data, url):
    result = export_book(data, url)
    for sheet in SHEETS:
        assert _count(url, sheet.key) == len(data[sheet.key]), sheet.key
        assert result.tables[sheet.key].inserted == len(data[sheet.key])

    engine = _engine(url)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        joined = conn.exec_driver_sql(
            "select count(*) from orders o join customers c on c.customer_id = o.customer_id").scalar()
        assert joined == len(data["orders"])
        lines = conn.exec_driver_sql(
            "select count(*) from order_lines l join orders o on o.order_no = l.order_no "
            "join products p on p.sku = l.sku join customers c on c.customer_id = o.customer_id").scalar()
        assert lines == len(data["order_lines"])
        # money exact: every amount, and the derived order totals, to the cent
        md = build_metadata()
        pays = conn.execute(sa.select(md.tables["payments"].c.amount).order_by(md.tables["payments"].c.id)).scalars()
        assert list(pays) == [p["amount"] for p in data["payments"]]
        orders = md.tables["orders"]
        got = dict(conn.execute(sa.select(orders.c.order_no, orders.c.total)).all())
        derived = derive(data)["orders"]
        assert got == {o["order_no"]: t for o, t in zip(data["orders"], derived["total"])}
        balances = dict(conn.execute(sa.select(orders.c.order_no, orders.c.balance)).all())
        assert balances == {o["order_no"]: b for o, b in zip(data["orders"], derived["balance"])}
        total = conn.execute(sa.select(sa.func.sum(md.tables["order_lines"].c.amount))).scalar()
        assert total == sum(derived["total"], Decimal(0))
        on_hand = dict(conn.execute(sa.select(md.tables["products"].c.sku, md.tables["products"].c.on_hand)).all())
        assert on_hand == {p["sku"]: n for p, n in zip(data["products"], derive(data)["products"]["on_hand"])}
    with pytest.raises(sa.exc.IntegrityError, match="FOREIGN KEY"), engine.begin() as conn:
        conn.exec_driver_sql("insert into orders (order_no, customer_id, order_date, status) "
                             "values ('SO9999999999', 'NOBODY', '2026-01-01', 'pending')")
    engine.dispose()


def test_re_export_updates_deletes_and_never_duplicates(data, url):
    export_book(data, url)
    before = _dump(url)
    ids = {r[0]: r for r in before["payments"]}

    data["customers"][0]["phone"] = "13900000000"
    data["order_lines"][0]["quantity"] += 1           # changes the line amount and the order total
    gone_pay = data["payments"].pop(5)
    # an order with everything that refers to it
    victim = next(o for o in data["orders"] if o["status"] == "completed")["order_no"]
    data["orders"] = [o for o in data["orders"] if o["order_no"] != victim]
    for key in ("order_lines", "status_log", "shipments", "payments"):
        data[key] = [r for r in data[key] if r["order_no"] != victim]
    result = export_book(data, url)

    for sheet in SHEETS:
        assert _count(url, sheet.key) == len(data[sheet.key]), sheet.key
    assert result.tables["customers"].updated == 1
    assert result.tables["orders"].deleted == 1 and result.tables["orders"].updated >= 1
    assert result.tables["payments"].inserted == 0
    with sqlite3.connect(url.removeprefix("sqlite:///")) as db:
        assert db.execute("select phone from customers where customer_id = ?",
                          (data["customers"][0]["customer_id"],)).fetchone() == ("13900000000",)
        assert db.execute("select count(*) from orders where order_no = ?", (victim,)).fetchone() == (0,)
        assert db.execute("select count(*) from payments where reference = ?",
                          (gone_pay["reference"],)).fetchone() == (0,) or gone_pay["reference"] is None
        line = data["order_lines"][0]
        assert db.execute("select quantity from order_lines where order_no = ? and sku = ?",
                          (line["order_no"], line["sku"])).fetchall() == [(line["quantity"],)]
    after = _dump(url)
    # rows that stayed kept their surrogate ids
    kept = [r for r in after["payments"] if r[0] in ids]
    assert kept == [ids[r[0]] for r in kept] and len(kept) == len(after["payments"])


def test_exporting_twice_changes_nothing(data, url):
    export_book(data, url)
    first = _dump(url)
    again = export_book(data, url)
    assert not again.changed
    assert all(c.unchanged == c.rows for c in again.tables.values())
    assert _dump(url) == first


def test_rows_with_the_same_natural_key_are_matched_by_occurrence(data, url):
    order = data["orders"][0]["order_no"]
    cash = {"order_no": order, "paid_on": date(2026, 1, 5), "method": "现金", "amount": Decimal("50.00"),
            "reference": None, "notes": None}
    data["payments"] += [dict(cash), dict(cash)]
    export_book(data, url)
    assert _count(url, "payments") == len(data["payments"])
    assert not export_book(data, url).changed
    data["payments"].pop()
    result = export_book(data, url)
    assert result.tables["payments"].deleted == 1 and _count(url, "payments") == len(data["payments"])


def test_keys_are_renamed_and_moved_in_one_go(data, url):
    """An order moves to another customer and its old customer leaves; a payment's amount changes
    (a new natural key) while its unique reference stays: the order of the statements keeps every
    constraint satisfied."""
    export_book(data, url)
    first_customer = data["customers"][0]["customer_id"]
    other = data["customers"][1]["customer_id"]
    for o in data["orders"]:
        if o["customer_id"] == first_customer:
            o["customer_id"] = other.lower()  # the workbook matches keys case-insensitively
    data["customers"].pop(0)
    pay = next(p for p in data["payments"] if p["reference"])
    pay["amount"] += Decimal("0.01")
    export_book(data, url)
    with sqlite3.connect(url.removeprefix("sqlite:///")) as db:
        assert db.execute("select count(*) from customers where customer_id = ?", (first_customer,)).fetchone() == (0,)
        assert db.execute("select count(*) from orders where customer_id = ?", (other.lower(),)).fetchone() == (0,)
        assert db.execute("select amount from payments where reference = ?", (pay["reference"],)).fetchall() == [
            (float(pay["amount"]),)]
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []


def test_many_deletions_go_in_chunks(data, url):
    export_book(data, url)
    data["status_log"] = data["status_log"][: len(data["status_log"]) - CHUNK - 7]
    assert export_book(data, url).tables["status_log"].deleted == CHUNK + 7


def test_a_book_the_keys_cannot_hold_is_refused_and_nothing_written(data, url, tmp_path):
    export_book(data, url)
    before = _dump(url)
    data["orders"][3]["customer_id"] = "C9999"
    data["orders"].append(dict(data["orders"][0]))
    data["order_lines"][0]["sku"] = None
    data["payments"][0]["amount"] = Decimal("1.234")
    data["customers"][0]["name"] = "changed"
    book = OrderBook.from_data(data)
    book["stock_moves"].problems.append((0, "quantity", "lots", "wrong-type"))
    with pytest.raises(ExportRefused) as refused:
        export_book(book, url)
    kinds = {(p.kind, p.cell) for p in refused.value.problems}
    assert kinds == {("unknown-reference", "订单!B5"), ("duplicate-key", f"订单!A{len(data['orders']) + 1}"),
                     ("missing-key", "订单明细!B2"), ("does-not-fit", "付款!D2"), ("unreadable", "库存变动!D2")}
    message = str(refused.value)
    assert "nothing written" in message and "订单!B5 C9999" in message and "more than 2 decimal places" in message
    assert _dump(url) == before
    fresh = tmp_path / "never.sqlite"
    with pytest.raises(ExportRefused):
        export_book(book, f"sqlite:///{fresh}")
    assert not fresh.exists()


def test_a_database_with_other_tables_is_not_touched(data, url):
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("create table customers (customer_id text primary key, whatever text)")
    engine.dispose()
    with pytest.raises(ExportError, match="table customers has other columns"):
        export_book(data, url)


def test_command(tmp_path):
    data = generate_demo(40, seed=9, today=TODAY)
    book = write_book(tmp_path / "簿.xlsx", data, today=TODAY)
    run = CliRunner().invoke(command, [str(book)], catch_exceptions=False)
    assert run.exit_code == 0, run.output
    db = tmp_path / "簿.sqlite"
    assert db.exists() and default_url(book).database == str(db)
    assert f"to sqlite:///{db}" in run.output
    assert _count(f"sqlite:///{db}", "orders") == len(data["orders"])
    assert "orders" in run.output and "nothing changed" not in run.output
    again = CliRunner().invoke(command, [str(book), "--to", f"sqlite:///{db}"])
    assert again.exit_code == 0 and "nothing changed" in again.output

    bad = CliRunner().invoke(command, [str(book), "--to", "postgresql+psycopg://me:secret@localhost/db"])
    assert bad.exit_code == 2 and "secret" not in bad.output and "me:***@localhost" in bad.output
    if importlib.util.find_spec("psycopg") is None:
        assert 'pip install "psycopg[binary]"' in bad.output
    assert "Traceback" not in bad.output

    data["orders"][0]["customer_id"] = "C9999"
    broken = write_book(tmp_path / "broken.xlsx", data, today=TODAY)
    refused = CliRunner().invoke(command, [str(broken)])
    assert refused.exit_code == 1 and "订单!B2 C9999" in refused.output
    assert not (tmp_path / "broken.sqlite").exists()
