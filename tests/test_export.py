"""orderbook export: normalised tables with keys, derived from the schema; re-export updates in place;
several books in one database, keys unique per book; a folder of books at once.

Every test that takes ``url`` runs twice: on SQLite and on a PostgreSQL server the module starts
(initdb into a temporary folder, a Unix socket only, stopped at the end; as root, run as the
``postgres`` account). Without PostgreSQL's binaries or the psycopg driver those runs skip, saying why.
"""

from __future__ import annotations

import copy
import functools
import importlib.util
import itertools
import os
import pwd
import re
import shutil
import subprocess
import tempfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from workbook_tools.book import OrderBook
from workbook_tools.commands.export import command
from workbook_tools.demo import generate_demo
from workbook_tools.derive import derive
from workbook_tools.export import ExportError, ExportRefused, connect, default_url, export_book, refusal_lines
from workbook_tools.export.sync import CHUNK
from workbook_tools.export.tables import build_metadata, exported_columns, is_lookup, primary_key
from workbook_tools.outputs import xlsx_workbook
from workbook_tools.safe_io import backup
from workbook_tools.schema import SHEETS
from workbook_tools.template import write_book

TODAY = date(2026, 11, 27)
NAME = "总店"
README = Path(__file__).resolve().parents[1] / "README.md"


# ------------------------------------------------------------------------------------ PostgreSQL


def _postgres_bin() -> Path | None:
    """The folder of initdb, pg_ctl and postgres: from the PATH, else Debian's newest
    /usr/lib/postgresql/<version>/bin (the package does not put them on the PATH)."""
    found = shutil.which("pg_ctl")
    if found and (Path(found).resolve().parent / "initdb").exists():
        return Path(found).resolve().parent
    versions = [p.parent for p in Path("/usr/lib/postgresql").glob("*/bin/pg_ctl") if p.parts[-3].isdigit()]
    return max(versions, key=lambda p: int(p.parts[-2]), default=None)


class Postgres:
    """A throwaway server: ``new_url()`` makes an empty database on it."""

    def __init__(self, socket_dir: Path):
        self.socket_dir = socket_dir
        self.admin = sa.create_engine(self.url("postgres"), isolation_level="AUTOCOMMIT")
        self.names = itertools.count(1)

    def url(self, db: str) -> str:
        return f"postgresql+psycopg://postgres@/{db}?host={self.socket_dir}"

    def new_url(self) -> str:
        db = f"t{next(self.names)}"
        with self.admin.connect() as conn:
            conn.exec_driver_sql(f"CREATE DATABASE {db}")
        return self.url(db)


@pytest.fixture(scope="module")
def postgres():
    if importlib.util.find_spec("psycopg") is None:
        pytest.skip("the psycopg driver is not installed: pip install -e '.[test]'")
    bindir = _postgres_bin()
    if bindir is None:
        pytest.skip(
            "no PostgreSQL server (initdb, pg_ctl) on the PATH or in /usr/lib/postgresql: apt-get install postgresql"
        )
    user = None
    home = Path(tempfile.mkdtemp(prefix="orderbook-pg-", dir="/tmp"))  # short: a socket path has ~100 bytes
    if os.geteuid() == 0:  # the server refuses to run as root
        try:
            account = pwd.getpwnam("postgres")
        except KeyError:
            shutil.rmtree(home)
            pytest.skip("running as root, and there is no `postgres` account to run the server as")
        user = "postgres"
        os.chown(home, account.pw_uid, account.pw_gid)
    run = functools.partial(
        subprocess.run, user=user, cwd=home, check=True, capture_output=True, text=True, timeout=120
    )
    data = home / "data"
    try:
        run([bindir / "initdb", "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-locale"])
        run(
            [
                bindir / "pg_ctl",
                "-D",
                data,
                "-l",
                home / "log",
                "-w",
                "-o",
                f"-c listen_addresses='' -k {home} -F",
                "start",
            ]
        )
    except subprocess.CalledProcessError as e:
        log = (home / "log").read_text(errors="replace") if (home / "log").exists() else ""
        shutil.rmtree(home, ignore_errors=True)
        pytest.fail(f"PostgreSQL did not start: {e.stderr}\n{log}")
    server = Postgres(home)
    try:
        yield server
    finally:
        server.admin.dispose()
        subprocess.run(
            [bindir / "pg_ctl", "-D", data, "-m", "immediate", "-w", "stop"],
            user=user,
            cwd=home,
            capture_output=True,
            timeout=120,
        )
        shutil.rmtree(home, ignore_errors=True)


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'book.sqlite'}"
    return request.getfixturevalue("postgres").new_url()


# --------------------------------------------------------------------------------------- helpers


@pytest.fixture(scope="module")
def demo():
    return generate_demo(300, seed=4, today=TODAY)


@pytest.fixture
def data(demo):
    return copy.deepcopy(demo)


def _sql(url, query: str, **params) -> list[tuple]:
    engine = connect(url)
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(sa.text(query), params)]
    finally:
        engine.dispose()


def _count(url, table, book=None):
    if book is None:
        return _sql(url, f"select count(*) from {table}")[0][0]
    return _sql(url, f"select count(*) from {table} where book = :book", book=book)[0][0]


def _dump(url, book=None) -> dict[str, list[tuple]]:
    engine = connect(url)
    md = build_metadata()
    with engine.connect() as conn:
        out = {}
        for name, t in md.tables.items():
            query = sa.select(t).order_by(*t.primary_key)
            if book is not None:
                query = query.where(t.c.book == book)
            out[name] = [tuple(r) for r in conn.execute(query)]
    engine.dispose()
    return out


def _money(value) -> Decimal:
    """A sum as the database returns it (Decimal from PostgreSQL, float from SQLite) to the cent."""
    return Decimal(str(value)).quantize(Decimal("0.01"))


def _insert_fails(url, statement: str, match: str) -> None:
    engine = connect(url)
    try:
        with pytest.raises(sa.exc.IntegrityError, match=match), engine.begin() as conn:
            conn.exec_driver_sql(statement)
    finally:
        engine.dispose()


# ------------------------------------------------------------------------------------ the tables


def test_tables_come_from_the_schema():
    md = build_metadata()
    assert list(md.tables) == [s.key for s in SHEETS]
    lookups = {(s.key, c.key) for s in SHEETS for c in s.columns if is_lookup(s, c)}
    assert lookups >= {("orders", "customer_name"), ("order_lines", "product_name")}
    assert all(c.derived for s in SHEETS for c in s.columns if is_lookup(s, c))
    assert not is_lookup(SHEETS[2], SHEETS[2].column("total")) and SHEETS[2].key == "orders"
    for sheet in SHEETS:
        table = md.tables[sheet.key]
        names = [c.name for c in table.columns]
        assert names[:2] == (["id", "book"] if primary_key(sheet) == "id" else ["book", sheet.natural_key[0]])
        assert [n for n in names if n not in ("id", "book")] == [c.key for c in exported_columns(sheet)]
        fks = {
            (tuple(fk.parent.name for fk in c.elements), tuple(fk.target_fullname for fk in c.elements))
            for c in table.foreign_key_constraints
        }
        assert fks == {(("book", c.key), (f"{c.ref.split('.')[0]}.book", c.ref)) for c in sheet.columns if c.ref}
    assert [c.name for c in md.tables["customers"].primary_key] == ["book", "customer_id"]
    assert [c.name for c in md.tables["products"].primary_key] == ["book", "sku"]
    assert [c.name for c in md.tables["orders"].primary_key] == ["book", "order_no"]
    assert [c.name for c in md.tables["payments"].primary_key] == ["id"]
    uniques = {
        t.name: {tuple(c.name for c in u.columns) for u in t.constraints if isinstance(u, sa.UniqueConstraint)}
        for t in md.tables.values()
    }
    assert uniques["order_lines"] == {("book", "order_no", "sku")}
    assert uniques["status_log"] == {("book", "order_no", "status", "timestamp")}
    assert uniques["payments"] == {("book", "reference")}
    assert uniques["shipments"] == uniques["stock_moves"] == set()
    price = md.tables["order_lines"].c.unit_price.type
    assert isinstance(price, sa.Numeric) and (price.precision, price.scale) == (12, 2)
    assert isinstance(md.tables["status_log"].c.timestamp.type, sa.DateTime)
    assert isinstance(md.tables["orders"].c.order_date.type, sa.Date)
    assert isinstance(md.tables["order_lines"].c.quantity.type, sa.Integer)
    assert isinstance(md.tables["customers"].c.customer_id.type, sa.String)
    assert md.tables["customers"].c.customer_id.type.length == 20


#: The primary and unique keys, as PostgreSQL describes them (pg_get_constraintdef), written out by hand.
PG_KEYS = {
    ("customers", "p", "PRIMARY KEY (book, customer_id)"),
    ("products", "p", "PRIMARY KEY (book, sku)"),
    ("orders", "p", "PRIMARY KEY (book, order_no)"),
    ("order_lines", "p", "PRIMARY KEY (id)"),
    ("order_lines", "u", "UNIQUE (book, order_no, sku)"),
    ("status_log", "p", "PRIMARY KEY (id)"),
    ("status_log", "u", 'UNIQUE (book, order_no, status, "timestamp")'),
    ("shipments", "p", "PRIMARY KEY (id)"),
    ("payments", "p", "PRIMARY KEY (id)"),
    ("payments", "u", "UNIQUE (book, reference)"),
    ("stock_moves", "p", "PRIMARY KEY (id)"),
}


def _pg_foreign_keys() -> set[tuple[str, str, str]]:
    """One per reference in the schema (a sheet may gain references): (book, column) -> (book, key)."""
    out = set()
    for sheet in SHEETS:
        for c in sheet.columns:
            if c.ref:
                table, key = c.ref.split(".")
                out.add((sheet.key, "f", f"FOREIGN KEY (book, {c.key}) REFERENCES {table}(book, {key})"))
    return out


def test_types_and_keys_in_postgresql(postgres, data):
    url = postgres.new_url()
    export_book(data, url, name=NAME)
    keys = _sql(
        url,
        "select conrelid::regclass::text, contype, pg_get_constraintdef(oid) from pg_constraint "
        "where connamespace = 'public'::regnamespace",
    )
    expected = PG_KEYS | _pg_foreign_keys()
    assert set(keys) == expected and len(keys) == len(expected)
    assert ("orders", "f", "FOREIGN KEY (book, customer_id) REFERENCES customers(book, customer_id)") in expected
    assert ("order_lines", "f", "FOREIGN KEY (book, sku) REFERENCES products(book, sku)") in expected
    columns = {
        (t, c): rest
        for t, c, *rest in _sql(
            url,
            "select table_name, column_name, data_type, character_maximum_length, numeric_precision, "
            "numeric_scale, is_nullable from information_schema.columns where table_schema = 'public'",
        )
    }
    assert columns["orders", "order_no"] == ["character varying", 30, None, None, "NO"]
    assert columns["orders", "customer_id"] == ["character varying", 20, None, None, "NO"]
    assert columns["orders", "order_date"] == ["date", None, None, None, "YES"]
    assert columns["orders", "total"] == ["numeric", None, 12, 2, "YES"]
    assert columns["order_lines", "quantity"] == ["integer", None, 32, 0, "YES"]
    assert columns["order_lines", "discount"] == ["numeric", None, 7, 4, "YES"]
    assert columns["status_log", "timestamp"] == ["timestamp without time zone", None, None, None, "NO"]
    assert columns["payments", "id"] == ["integer", None, 32, 0, "NO"]
    assert columns["payments", "reference"][-1] == "YES"
    assert columns["customers", "notes"] == ["text", None, None, None, "YES"]
    assert {
        t for (t, c), rest in columns.items() if c == "book" and rest == ["character varying", 255, None, None, "NO"]
    } == {s.key for s in SHEETS}
    # the values as typed: dates as dates, money to the cent, timestamps with their time
    first = data["orders"][0]
    assert _sql(
        url, "select order_date, total from orders where book = :b and order_no = :o", b=NAME, o=first["order_no"]
    ) == [(first["order_date"], derive(data)["orders"]["total"][0])]
    log = data["status_log"][0]
    assert _sql(
        url,
        "select timestamp from status_log where order_no = :o and status = :s order by timestamp limit 1",
        o=log["order_no"],
        s=log["status"],
    ) == [(log["timestamp"],)]


def test_types_and_keys_in_sqlite(tmp_path, data):
    url = f"sqlite:///{tmp_path / 'book.sqlite'}"
    export_book(data, url, name=NAME)
    info = {r[1]: (r[2], r[3], r[5]) for r in _sql(url, "PRAGMA table_info(orders)")}  # type, not null, pk position
    assert info["book"] == ("VARCHAR(255)", 1, 1) and info["order_no"] == ("VARCHAR(30)", 1, 2)
    assert info["order_date"] == ("DATE", 0, 0) and info["total"] == ("NUMERIC(12, 2)", 0, 0)
    fks = {(r[0], r[2], r[3], r[4]) for r in _sql(url, "PRAGMA foreign_key_list(order_lines)")}
    assert fks == {
        (0, "products", "book", "book"),
        (0, "products", "sku", "sku"),
        (1, "orders", "book", "book"),
        (1, "orders", "order_no", "order_no"),
    } or fks == {
        (1, "products", "book", "book"),
        (1, "products", "sku", "sku"),
        (0, "orders", "book", "book"),
        (0, "orders", "order_no", "order_no"),
    }
    unique = [r[1] for r in _sql(url, "PRAGMA index_list(payments)") if r[2] == 1]
    assert [[c[2] for c in _sql(url, f"PRAGMA index_info({name})")] for name in unique] == [["book", "reference"]]


# ------------------------------------------------------------------------------------ one book


def test_export_a_demo_book(data, url):
    result = export_book(data, url, name=NAME)
    assert result.book == NAME
    for sheet in SHEETS:
        assert _count(url, sheet.key) == _count(url, sheet.key, NAME) == len(data[sheet.key]), sheet.key
        assert result.tables[sheet.key].inserted == len(data[sheet.key])

    engine = connect(url)
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        joined = conn.exec_driver_sql(
            "select count(*) from orders o join customers c on c.book = o.book and c.customer_id = o.customer_id"
        ).scalar()
        assert joined == len(data["orders"])
        lines = conn.exec_driver_sql(
            "select count(*) from order_lines l join orders o on o.book = l.book and o.order_no = l.order_no "
            "join products p on p.book = l.book and p.sku = l.sku "
            "join customers c on c.book = o.book and c.customer_id = o.customer_id"
        ).scalar()
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
        assert _money(total) == sum(derived["total"], Decimal(0))
        on_hand = dict(conn.execute(sa.select(md.tables["products"].c.sku, md.tables["products"].c.on_hand)).all())
        assert on_hand == {p["sku"]: n for p, n in zip(data["products"], derive(data)["products"]["on_hand"])}
    engine.dispose()
    _insert_fails(
        url,
        f"insert into orders (book, order_no, customer_id, order_date, status) "
        f"values ('{NAME}', 'SO9999999999', 'NOBODY', '2026-01-01', 'pending')",
        "(?i)foreign key",
    )


def test_re_export_updates_deletes_and_never_duplicates(data, url):
    export_book(data, url, name=NAME)
    before = _dump(url)
    ids = {r[0]: r for r in before["payments"]}

    data["customers"][0]["phone"] = "13900000000"
    data["order_lines"][0]["quantity"] += 1  # changes the line amount and the order total
    gone_pay = data["payments"].pop(5)
    # an order with everything that refers to it
    victim = next(o for o in data["orders"] if o["status"] == "completed")["order_no"]
    data["orders"] = [o for o in data["orders"] if o["order_no"] != victim]
    for key in ("order_lines", "status_log", "shipments", "payments"):
        data[key] = [r for r in data[key] if r["order_no"] != victim]
    result = export_book(data, url, name=NAME)

    for sheet in SHEETS:
        assert _count(url, sheet.key) == len(data[sheet.key]), sheet.key
    after = _dump(url)
    # the customer whose phone changed, and those whose derived values (if any) moved with the orders
    changed = [r for r in after["customers"] if r not in before["customers"]]
    assert result.tables["customers"].updated == len(changed) >= 1
    assert data["customers"][0]["customer_id"] in {r[1] for r in changed}
    assert result.tables["orders"].deleted == 1 and result.tables["orders"].updated >= 1
    assert result.tables["payments"].inserted == 0
    assert _sql(url, "select phone from customers where customer_id = :c", c=data["customers"][0]["customer_id"]) == [
        ("13900000000",)
    ]
    assert _sql(url, "select count(*) from orders where order_no = :o", o=victim) == [(0,)]
    if gone_pay["reference"] is not None:
        assert _sql(url, "select count(*) from payments where reference = :r", r=gone_pay["reference"]) == [(0,)]
    line = data["order_lines"][0]
    assert _sql(
        url, "select quantity from order_lines where order_no = :o and sku = :s", o=line["order_no"], s=line["sku"]
    ) == [(line["quantity"],)]
    # rows that stayed kept their surrogate ids
    kept = [r for r in after["payments"] if r[0] in ids]
    assert kept == [ids[r[0]] for r in kept] and len(kept) == len(after["payments"])


def test_exporting_twice_changes_nothing(data, url):
    export_book(data, url, name=NAME)
    first = _dump(url)
    again = export_book(data, url, name=NAME)
    assert not again.changed
    assert all(c.unchanged == c.rows for c in again.tables.values())
    assert _dump(url) == first


def test_rows_with_the_same_natural_key_are_matched_by_occurrence(data, url):
    order = data["orders"][0]["order_no"]
    cash = {
        "order_no": order,
        "paid_on": date(2026, 1, 5),
        "method": "现金",
        "amount": Decimal("50.00"),
        "reference": None,
        "notes": None,
    }
    data["payments"] += [dict(cash), dict(cash)]
    export_book(data, url, name=NAME)
    assert _count(url, "payments") == len(data["payments"])
    assert not export_book(data, url, name=NAME).changed
    data["payments"].pop()
    result = export_book(data, url, name=NAME)
    assert result.tables["payments"].deleted == 1 and _count(url, "payments") == len(data["payments"])


def test_keys_are_renamed_and_moved_in_one_go(data, url):
    """An order moves to another customer and its old customer leaves; a payment's amount changes
    (a new natural key) while its unique reference stays: the order of the statements keeps every
    constraint satisfied."""
    export_book(data, url, name=NAME)
    first_customer = data["customers"][0]["customer_id"]
    other = data["customers"][1]["customer_id"]
    for o in data["orders"]:
        if o["customer_id"] == first_customer:
            o["customer_id"] = other.lower()  # the workbook matches keys case-insensitively
    for p in data["payments"]:  # and its payments on account
        if p["customer_id"] == first_customer:
            p["customer_id"] = other.lower()
    data["customers"].pop(0)
    pay = next(p for p in data["payments"] if p["reference"])
    pay["amount"] += Decimal("0.01")
    export_book(data, url, name=NAME)
    assert _sql(url, "select count(*) from customers where customer_id = :c", c=first_customer) == [(0,)]
    assert _sql(url, "select count(*) from orders where customer_id = :c", c=other.lower()) == [(0,)]
    assert [
        _money(a) for (a,) in _sql(url, "select amount from payments where reference = :r", r=pay["reference"])
    ] == [pay["amount"]]
    if url.startswith("sqlite"):
        assert _sql(url, "PRAGMA foreign_key_check") == []


def test_many_deletions_go_in_chunks(data, url):
    export_book(data, url, name=NAME)
    data["status_log"] = data["status_log"][: len(data["status_log"]) - CHUNK - 7]
    assert export_book(data, url, name=NAME).tables["status_log"].deleted == CHUNK + 7


def test_a_book_the_keys_cannot_hold_is_refused_and_nothing_written(data, url, tmp_path):
    export_book(data, url, name=NAME)
    before = _dump(url)
    data["orders"][3]["customer_id"] = "C9999"
    data["orders"].append(dict(data["orders"][0]))
    data["order_lines"][0]["sku"] = None
    data["payments"][0]["amount"] = Decimal("1.234")
    data["customers"][0]["name"] = "changed"
    book = OrderBook.from_data(data)
    book["stock_moves"].problems.append((0, "quantity", "lots", "wrong-type"))
    with pytest.raises(ExportRefused) as refused:
        export_book(book, url, name=NAME)
    kinds = {(p.kind, p.cell) for p in refused.value.problems}
    assert kinds == {
        ("unknown-reference", "订单!B5"),
        ("duplicate-key", f"订单!A{len(data['orders']) + 1}"),
        ("missing-key", "订单明细!B2"),
        ("does-not-fit", "付款!D2"),
        ("unreadable", "库存变动!D2"),
    }
    message = str(refused.value)
    assert "nothing written" in message and "订单!B5 C9999" in message and "more than 2 decimal places" in message
    duplicate = f"订单!A{len(data['orders']) + 1} {data['orders'][0]['order_no']}"
    assert f"  duplicate key: 1 ({duplicate}: same Order no as 订单!A2)" in message.splitlines()
    zh = refusal_lines(refused.value.problems, "zh")
    assert zh[0] == "拒绝导出，未写入任何内容：5 个值会破坏数据库的键或丢失"
    assert "  值放不进它的列：1 个（付款!D2 1.234：小数多于 2 位）" in zh
    assert f"  重复的编号：1 个（{duplicate}：订单编号与 订单!A2 相同）" in zh
    assert _dump(url) == before
    fresh = tmp_path / "never.sqlite"
    with pytest.raises(ExportRefused):
        export_book(book, f"sqlite:///{fresh}", name=NAME)
    assert not fresh.exists()


def test_a_database_with_other_tables_is_not_touched(url):
    engine = sa.create_engine(url)
    with engine.begin() as conn:  # the table of an earlier version: no book column
        columns = ", ".join(f"{c.key} text" for c in exported_columns(SHEETS[0]))
        conn.exec_driver_sql(f"create table customers ({columns})")
    engine.dispose()
    data = generate_demo(5, seed=1, today=TODAY)
    with pytest.raises(
        ExportError,
        match=r"table customers lacks book, which may not be empty: export to a new "
        r"database \(it is a copy of the books",
    ):
        export_book(data, url, name=NAME)
    assert _sql(url, "select count(*) from customers") == [(0,)]


def _older_database(url, without: dict[str, str]) -> None:
    """The tables as an earlier version made them: ``without`` {table: column} those columns (and the
    keys and indexes on them)."""
    md, old = build_metadata(), sa.MetaData()
    for t in md.sorted_tables:
        if t.name not in without:
            t.to_metadata(old)
            continue
        gone = without[t.name]
        keep = [
            sa.Column(c.name, c.type, primary_key=c.primary_key, nullable=c.nullable, autoincrement=c.autoincrement)
            for c in t.columns
            if c.name != gone
        ]
        keys = [
            sa.ForeignKeyConstraint([e.parent.name for e in fk.elements], [e.target_fullname for e in fk.elements])
            for fk in t.foreign_key_constraints
            if gone not in fk.column_keys
        ]
        sa.Table(t.name, old, *keep, *keys)
    engine = connect(url)
    with engine.begin() as conn:
        old.create_all(conn)
    engine.dispose()


def test_an_older_database_gets_the_new_columns(data, url):
    """A release adds columns: the branches' database takes them, keys included, and keeps its rows."""
    without = {"customers": "notes", "orders": "total"}
    if not url.startswith("sqlite"):
        without["shipments"] = "sku"  # a reference: its key is added too (SQLite cannot, see below)
    _older_database(url, without)
    result = export_book(data, url, name=NAME)
    assert sorted(result.added_columns) == sorted(f"{t}.{c}" for t, c in without.items())
    derived = derive(data)["orders"]["total"]
    assert [_money(t) for _, t in sorted(_sql(url, "select order_no, total from orders"))] == [
        t for _, t in sorted((o["order_no"], t) for o, t in zip(data["orders"], derived))
    ]
    assert _sql(url, "select count(*) from customers where notes is not null") == [
        (sum(1 for c in data["customers"] if c["notes"]),)
    ]
    assert not export_book(data, url, name=NAME).changed  # the columns are there now, nothing more to add
    if url.startswith("sqlite"):
        return
    assert _sql(url, "select count(*) from shipments where sku is not null") == [
        (sum(1 for s in data["shipments"] if s["sku"]),)
    ]
    keys = _sql(url, "select pg_get_constraintdef(oid) from pg_constraint where conrelid = 'shipments'::regclass")
    assert ("FOREIGN KEY (book, sku) REFERENCES products(book, sku)",) in keys
    assert ("ix_shipments_book_sku",) in _sql(url, "select indexname from pg_indexes where tablename = 'shipments'")
    assert _sql(
        url,
        "select col_description('orders'::regclass, attnum) from pg_attribute "
        "where attrelid = 'orders'::regclass and attname = 'total'",
    )[0][0].startswith("订单金额 / ")


def test_sqlite_cannot_add_a_reference_to_an_older_table(data, tmp_path):
    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    _older_database(url, {"customers": "notes", "shipments": "sku"})
    with pytest.raises(
        ExportError, match="table shipments lacks sku, whose key SQLite cannot add to a table: export to a new database"
    ):
        export_book(data, url, name=NAME)
    # checked before the first change: the other table did not get its column either
    assert "notes" not in {r[1] for r in _sql(url, "PRAGMA table_info(customers)")}
    assert _sql(url, "select count(*) from orders") == [(0,)]


def test_a_book_needs_a_name(data, tmp_path):
    with pytest.raises(ValueError, match="name="):
        export_book(data, f"sqlite:///{tmp_path / 'x.sqlite'}")
    with pytest.raises(ExportError, match="blank"):
        export_book(data, f"sqlite:///{tmp_path / 'x.sqlite'}", name="  ")


# ------------------------------------------------------------------------------ several books


def test_several_books_share_one_database_with_keys_per_book(url):
    north = generate_demo(60, seed=4, today=TODAY)
    south = generate_demo(40, seed=5, today=TODAY)
    # the branches number their customers, products and orders the same way
    assert north["customers"][0]["customer_id"] == south["customers"][0]["customer_id"] == "C0001"
    assert north["orders"][0]["order_no"] == south["orders"][0]["order_no"]
    assert export_book(north, url, name="北京").tables["orders"].inserted == 60
    assert export_book(south, url, name="上海").tables["orders"].inserted == 40
    for sheet in SHEETS:
        got = dict(_sql(url, f"select book, count(*) from {sheet.key} group by book"))
        assert got == {"北京": len(north[sheet.key]), "上海": len(south[sheet.key])}, sheet.key
    assert dict(_sql(url, "select book, name from customers where customer_id = 'C0001'")) == {
        "北京": north["customers"][0]["name"],
        "上海": south["customers"][0]["name"],
    }
    # joins on (book, key) never mix the branches: each order finds its own book's customer
    assert _sql(
        url, "select count(*) from orders o join customers c on c.book = o.book and c.customer_id = o.customer_id"
    ) == [(100,)]

    south_before, north_before = _dump(url, "上海"), _dump(url, "北京")
    gone = north["orders"].pop(0)["order_no"]
    for key in ("order_lines", "status_log", "shipments", "payments"):
        north[key] = [r for r in north[key] if r["order_no"] != gone]
    north["customers"][0]["phone"] = "13900000000"
    result = export_book(north, url, name="北京")
    changed = [r for r in _dump(url, "北京")["customers"] if r not in north_before["customers"]]
    assert result.tables["orders"].deleted == 1 and result.tables["customers"].updated == len(changed) >= 1
    assert _dump(url, "上海") == south_before  # the other branch untouched
    assert dict(_sql(url, "select book, count(*) from orders where order_no = :o group by book", o=gone)) == {"上海": 1}
    assert dict(_sql(url, "select book, phone from customers where customer_id = 'C0001'"))["北京"] == "13900000000"

    # keys are unique per book: the same order twice in one book is refused by the database ...
    o = south["orders"][0]
    _insert_fails(
        url,
        f"insert into orders (book, order_no, customer_id, status) "
        f"values ('上海', '{o['order_no']}', 'C0001', 'pending')",
        "(?i)unique|duplicate",
    )
    # ... and a row refers only to rows of its own book
    only_south = {c["customer_id"] for c in south["customers"]} - {c["customer_id"] for c in north["customers"]}
    if only_south:
        _insert_fails(
            url,
            f"insert into orders (book, order_no, customer_id, status) "
            f"values ('北京', 'SO9999999999', '{min(only_south)}', 'pending')",
            "(?i)foreign key",
        )
    _insert_fails(
        url,
        "insert into orders (book, order_no, customer_id, status) values ('广州', 'SO9999999999', 'C0001', 'pending')",
        "(?i)foreign key",
    )


# ------------------------------------------------------------------------------------ the command


@pytest.mark.slow  # seconds of whole-book writing: pytest --all (CI) runs it
def test_command(tmp_path):
    data = generate_demo(40, seed=9, today=TODAY)
    book = write_book(tmp_path / "簿.xlsx", data, today=TODAY)
    run = CliRunner().invoke(command, [str(book)], catch_exceptions=False)
    assert run.exit_code == 0, run.output
    db = tmp_path / "簿.sqlite"
    url = f"sqlite:///{db}"
    assert db.exists() and default_url(book).database == str(db)
    assert run.output.splitlines() == [
        f"已导出 {book} 到 {url}，簿名“簿”",
        "设置：订单簿中保存的设置",
        "  表                行数       新增       更新       删除",
        *[f"  {s.key:<11}{len(data[s.key]):>11,}{len(data[s.key]):>11,}          0          0" for s in SHEETS],
    ]
    assert _count(url, "orders", "簿") == len(data["orders"])
    again = CliRunner().invoke(command, [str(book), "--to", url, "--lang", "en"])
    assert again.exit_code == 0 and again.output.splitlines() == [
        f"exported {book} to {url} as book '簿'",
        "settings: the settings stored in the book",
        "  table             rows      added    updated    deleted",
        *[f"  {s.key:<11}{len(data[s.key]):>11,}          0          0          0" for s in SHEETS],
        "the database already held this book: nothing changed",
    ]
    named = CliRunner().invoke(command, [str(book), "--to", url, "--book", "北京"])
    assert named.exit_code == 0 and dict(_sql(url, "select book, count(*) from orders group by book")) == {
        "簿": 40,
        "北京": 40,
    }

    bad = CliRunner().invoke(command, [str(book), "--to", "postgresql+nosuchdriver://me:secret@localhost/db"])
    assert bad.exit_code == 2 and "secret" not in bad.output and "me:***@localhost" in bad.output
    assert "Traceback" not in bad.output and "unknown database kind" in bad.output
    if importlib.util.find_spec("pg8000") is None:
        missing = CliRunner().invoke(command, [str(book), "--to", "postgresql+pg8000://me@localhost/db"])
        assert missing.exit_code == 2 and "the database driver is not installed" in missing.output

    data["orders"][0]["customer_id"] = "C9999"
    broken = write_book(tmp_path / "broken.xlsx", data, today=TODAY)
    refused = CliRunner().invoke(command, [str(broken)])
    assert refused.exit_code == 1 and refused.output.splitlines() == [
        f"orderbook: {broken}: 拒绝导出，未写入任何内容：1 个值会破坏数据库的键或丢失",
        "  引用的编号不存在：1 个（订单!B2 C9999）",
        "请在簿中改正（orderbook validate 会逐个指出）后再导出",
    ]
    refused = CliRunner().invoke(command, [str(broken), "--lang", "en"])
    assert refused.exit_code == 1 and refused.output.splitlines() == [
        f"orderbook: {broken}: export refused, nothing written: 1 value would break the database's keys or be lost",
        "  unknown reference: 1 (订单!B2 C9999)",
        "fix them in the book (`orderbook validate` points at each) and export again",
    ]
    assert not (tmp_path / "broken.sqlite").exists()

    folder_and_name = CliRunner().invoke(command, [str(tmp_path), "--book", "x"])
    assert (
        folder_and_name.exit_code == 2 and "--book 只为一本簿命名；文件夹中每本簿以其路径命名" in folder_and_name.output
    )
    folder_and_name = CliRunner().invoke(command, [str(tmp_path), "--book", "x", "--lang", "en"])
    assert folder_and_name.exit_code == 2 and "--book names one book" in folder_and_name.output


def test_export_a_folder(tmp_path, url):
    """Two branches, one in a region's sub-folder, beside a monthly summary and a backup of a book
    (our own outputs: skipped, by their tag — the backup holds a whole book, never a third branch),
    and a damaged book (listed; the others are still exported)."""
    folder = tmp_path / "分店"
    (folder / "华东").mkdir(parents=True)
    books = {"北京": generate_demo(30, seed=4, today=TODAY), "华东/上海": generate_demo(20, seed=5, today=TODAY)}
    for name, data in books.items():
        write_book(folder / f"{name}.xlsx", data, today=TODAY)
    with xlsx_workbook(folder / "北京-月报.xlsx", "summary") as wb:
        wb.add_worksheet("月报")
    bak = backup(folder / "北京.xlsx", now=datetime(2026, 11, 26, 18, 0))
    (folder / "坏.xlsx").write_bytes(b"PK\x03\x04 not really a zip")
    (folder / "~$北京.xlsx").write_bytes(b"Excel's lock file")  # passed over silently

    run = CliRunner().invoke(command, [str(folder), "--to", url], catch_exceptions=False)
    assert run.exit_code == 2, run.output  # the damaged book
    assert any(
        line.startswith(f"{folder} → ") and line.endswith("：3 本簿中已导出 2 本") for line in run.output.splitlines()
    )
    rows = sum(len(books["北京"][s.key]) for s in SHEETS)
    assert f"  北京 ({folder / '北京.xlsx'})：{rows:,} 行，新增 {rows:,}，更新 0，删除 0" in run.output.splitlines()
    assert f"华东/上海 ({folder / '华东' / '上海.xlsx'})：" in run.output
    assert f"  坏 ({folder / '坏.xlsx'})：未导出，簿无法读取：" in run.output
    assert f"  {folder / '北京-月报.xlsx'}：跳过：本程序的输出（summary）" in run.output.splitlines()
    assert f"  {bak}：跳过：本程序的输出（backup）" in run.output.splitlines()
    assert bak.name == "北京.20261126-180000.bak.xlsx"
    assert "~$" not in run.output
    for sheet in SHEETS:
        assert dict(_sql(url, f"select book, count(*) from {sheet.key} group by book")) == {
            name: len(data[sheet.key]) for name, data in books.items()
        }, sheet.key

    # a branch closes: its book leaves the folder, its rows stay and are listed; the others re-export unchanged
    (folder / "坏.xlsx").unlink()
    (folder / "华东" / "上海.xlsx").unlink()
    again = CliRunner().invoke(command, [str(folder), "--to", url, "--lang", "en"], catch_exceptions=False)
    assert again.exit_code == 0, again.output
    assert any(
        line.startswith(f"{folder} → ") and line.endswith(": 1 of 1 books exported")
        for line in again.output.splitlines()
    )
    assert f"  北京 ({folder / '北京.xlsx'}): {rows:,} rows, 0 added, 0 updated, 0 deleted" in again.output.splitlines()
    assert f"  {folder / '北京-月报.xlsx'}: skipped: our own output (summary)" in again.output.splitlines()
    assert "also in the database, not in this folder (left as they were): 华东/上海" in again.output
    assert _count(url, "orders", "华东/上海") == 20


def test_a_folder_goes_beside_its_books_by_default(tmp_path):
    folder = tmp_path / "books"
    folder.mkdir()
    write_book(folder / "a.xlsx", generate_demo(5, seed=1, today=TODAY), today=TODAY)
    run = CliRunner().invoke(command, [str(folder)], catch_exceptions=False)
    assert run.exit_code == 0, run.output
    assert _count(f"sqlite:///{folder / 'books.sqlite'}", "orders", "a") == 5


# ------------------------------------------------------------------------------- the README's queries


def _readme_queries() -> list[str]:
    text = README.read_text(encoding="utf-8")
    section = text[text.index("### Several books, one database") :]
    section = section[: section.index("\n## ")]
    return re.findall(r"```sql\n(.*?)```", section, re.S)


def test_the_readme_queries_run(url):
    """The queries the README shows a company with several branches, run on what they say."""
    books = {"北京": generate_demo(60, seed=4, today=TODAY), "上海": generate_demo(40, seed=5, today=TODAY)}
    for name, data in books.items():
        export_book(data, url, name=name)
    derived = {name: derive(data) for name, data in books.items()}
    queries = _readme_queries()
    assert len(queries) == 4

    per_branch = _sql(url, queries[0])
    assert [(b, n, _money(s), _money(p), _money(o)) for b, n, s, p, o in per_branch] == sorted(
        (
            name,
            len(data["orders"]),
            sum(derived[name]["orders"]["total"], Decimal(0)),
            sum(derived[name]["orders"]["paid"], Decimal(0)),
            sum(derived[name]["orders"]["balance"], Decimal(0)),
        )
        for name, data in books.items()
    )

    months: dict[tuple[str, str], Decimal] = {}
    for name, data in books.items():
        for o, total in zip(data["orders"], derived[name]["orders"]["total"]):
            k = (name, o["order_date"].isoformat()[:7])
            months[k] = months.get(k, Decimal(0)) + total
    assert [(b, m, _money(s)) for b, m, s in _sql(url, queries[1])] == sorted((*k, v) for k, v in months.items())

    stock: dict[str, list] = {}
    for name, data in books.items():
        for p, n in zip(data["products"], derived[name]["products"]["on_hand"]):
            stock.setdefault(p["sku"], []).append((p["name"], n or 0))
    assert [tuple(r) for r in _sql(url, queries[2])] == [
        (sku, min(n for n, _ in rows), len(rows), sum(q for _, q in rows))
        for sku, rows in sorted(stock.items())
        if len(rows) > 1
    ]

    open_: dict[tuple[str, str], Decimal] = {}
    for name, data in books.items():
        names = {c["customer_id"]: c["name"] for c in data["customers"]}
        for o, bal in zip(data["orders"], derived[name]["orders"]["balance"]):
            if bal and bal > 0:
                k = (name, o["customer_id"], names[o["customer_id"]])
                open_[k] = open_.get(k, Decimal(0)) + bal
    top = sorted(open_.items(), key=lambda kv: (-kv[1], kv[0][0], kv[0][1]))[:5]
    assert [(b, c, n, _money(v)) for b, c, n, v in _sql(url, queries[3])] == [(*k, v) for k, v in top]
