"""Catalogues with one source: what the command line and the nightly job offer is derived from it."""

from __future__ import annotations

from workbook_tools.changes.nightly import CHANGE_REPORTS
from workbook_tools.cli import cli
from workbook_tools.formats import FILE_FORMATS, FORMATS, TERMINAL
from workbook_tools.nightly import DEFAULT_FORMATS


def choices(command: str, param: str) -> list[str]:
    (option,) = [p for p in cli.commands[command].params if p.name == param]
    return list(option.type.choices)


def test_report_formats_come_from_formats_FORMATS():
    assert list(FORMATS) == ["text", "json", "html", "xlsx"] and TERMINAL == "text"
    assert choices("validate", "formats") == choices("nightly", "formats") == list(FORMATS)
    assert DEFAULT_FORMATS == FILE_FORMATS == ("json", "html", "xlsx")
    assert set(CHANGE_REPORTS) == {"html", "xlsx"} and set(CHANGE_REPORTS) <= set(FILE_FORMATS)


def test_the_help_names_the_formats_it_offers():
    from click.testing import CliRunner

    env = {"LANG": "en_US.UTF-8", "LC_ALL": "", "LC_MESSAGES": ""}
    help_en = CliRunner().invoke(cli, ["nightly", "--help"], env=env, prog_name="orderbook").output
    assert "[text|json|html|xlsx]" in help_en and "Default: json, html, xlsx." in " ".join(help_en.split())


def test_every_reconciliation_row_is_a_kind_of_the_rule_catalogue():
    from workbook_tools.codes import CODES, KINDS, NOTES, Severity
    from workbook_tools.reconcile import payments, shipments
    from workbook_tools.reconcile.words import for_record, kind_mark, kind_title

    assert not NOTES.keys() & CODES.keys()
    rank = {Severity.ERROR: 0, Severity.WARNING: 1, None: 2}
    for order in (payments.ORDER, shipments.ORDER):
        assert set(order) <= set(KINDS)
        assert [rank[KINDS[k].severity] for k in order] == sorted(rank[KINDS[k].severity] for k in order)
    assert [k for k in (*payments.ORDER, *shipments.ORDER) if for_record(k)] == [
        "payment-on-cancelled-order",
        "refund",
        "shipped-after-due",
    ]
    assert [kind_mark(k) for k in payments.ORDER] == ["error"] * 3 + ["warning"] * 2 + [None] * 2
    assert (kind_title("duplicate-key", "zh"), kind_title("refund", "en"), kind_title("outgoing", "zh")) == (
        "重复编号",
        "Refund",
        "支出（非退款）",
    )


def test_summary_fields_have_one_source_with_the_display_order():
    from workbook_tools.summary import FIELDS
    from workbook_tools.summary.model import TABLES
    from workbook_tools.summary.sheet import DISPLAY

    assert list(DISPLAY) == list(FIELDS) == list(TABLES)
    assert DISPLAY["top_products_by_revenue"] == ("name", "sku", "quantity", "revenue", "share")
    assert FIELDS["top_products_by_revenue"] == ("name", "sku", "quantity", "revenue", "share", "spec")
    assert {name: set(DISPLAY[name]) for name in DISPLAY} == {
        name: set(fields) - {"spec"} for name, fields in FIELDS.items()
    }
