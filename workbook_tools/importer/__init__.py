"""Importing CSV and Excel exports into an order book: ``import_rows``.

    result = import_rows("shop-export.csv", "订单管理簿.xlsx", sheet="orders")
    result = import_rows("northwind/", "nw.xlsx", mapping="examples/northwind/mapping.toml")
    result.counts["orders"]["add"], result.reject_counts(), result.rejects[0].message

Stages: sources.py (read the file: encoding, delimiter, ragged rows) → mapping.py (the TOML
mapping) → rows.py (source records → typed rows per target sheet, with the reader's converters)
→ plan.py (match by natural key: add / identical / conflict / update; repeats in the source) →
verify.py (the would-be book through ``validate_book``: rows with errors rejected, repeated until
none) → store.py (the book changed in place, or a new one) and rejects.py (the rejects report).
"""

from __future__ import annotations

import contextlib
import os
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from ..book import BookData, OrderBook, empty_data
from ..choices import Choice, choice_lists, label_of
from ..codes import Severity
from ..config import Config
from ..errors import BookReadError
from ..exits import Exit, findings_exit
from ..findings import Finding
from ..lang import Said
from ..perf import gc_paused
from ..safe_io import Guard, locked
from ..schema import DASHBOARD, SHEET_BY_KEY, SHEETS, aux_name
from ..settings import Settings, resolve_settings
from ..xlsxpkg.package import Prefetch
from .mapping import Mapping, MappingError, Rule, Target, load_mapping
from .plan import (
    ADD,
    CONFLICT,
    DUPLICATE,
    IDENTICAL,
    MERGED,
    REJECTED,
    SOURCE_CONFLICT,
    UPDATE,
    Item,
    items_of,
    plan_sheet,
)
from .rejects import Reject, counts_by_code, import_message, write_rejects
from .rows import build_rows, guess_sheet, passes, text_of
from .sources import CSV_SUFFIXES, XLSX_SUFFIXES, SourceTable, read_source
from .store import store
from .verify import Screened, screen

__all__ = ["ImportResult", "Mapping", "MappingError", "Reject", "import_rows", "load_mapping"]

KINDS = (ADD, UPDATE, IDENTICAL, CONFLICT, REJECTED, DUPLICATE, SOURCE_CONFLICT)
#: Reported, but no reason for a non-zero exit code.
QUIET = frozenset({"skipped", "duplicate-row"})


@dataclass
class SourceInfo:
    path: Path
    records: int
    encoding: str = ""
    delimiter: str = ""
    sheet: str = ""
    #: Source columns no target reads.
    ignored: list[str] = field(default_factory=list)


@dataclass
class ImportResult:
    book: Path
    #: The book did not exist: the import starts from the empty template.
    created: bool
    dry_run: bool
    lang: str
    written: bool = False
    backup: Path | None = None
    sources: list[SourceInfo] = field(default_factory=list)
    #: sheet key -> {add, update, identical, conflict, rejected, duplicate, source-conflict: rows}
    counts: dict[str, Counter[str]] = field(default_factory=dict)
    rejects: list[Reject] = field(default_factory=list)
    #: Every finding of the book as written (or as it would be, on a dry run); empty when the
    #: import changes nothing (then nothing is checked).
    findings: list[Finding] = field(default_factory=list)
    #: Warnings on imported rows.
    warnings: list[Finding] = field(default_factory=list)
    #: Errors on rows already in the book that it did not have before the import.
    new_errors: list[Finding] = field(default_factory=list)
    rejects_paths: list[Path] = field(default_factory=list)
    #: What else happened to the book (rows prepared ahead again), in both languages.
    notes: list[Said] = field(default_factory=list)
    #: Validation passes run (each after rejecting rows the pass before found in error).
    rounds: int = 0
    #: Which settings the import used, and where they came from.
    settings: Settings | None = None

    def total(self, kind: str) -> int:
        return sum(c[kind] for c in self.counts.values())

    def reject_counts(self) -> dict[str, int]:
        """Code -> number of source rows reported with it (conflicts included)."""
        return counts_by_code(self.rejects)

    @property
    def rejected_rows(self) -> int:
        return len({(r.file, r.row) for r in self.rejects if r.code != "conflict"})

    @property
    def exit_code(self) -> Exit:
        """FINDINGS when a row was rejected, in conflict, or unreadable (ragged); CLEAN otherwise — rows
        the mapping skips on purpose and exact repeats imported once need no one's attention."""
        return findings_exit(any(r.code not in QUIET for r in self.rejects))

    def write_rejects(self, folder: str | os.PathLike[str]) -> list[Path]:
        if self.rejects:
            self.rejects_paths = write_rejects(self.rejects, Path(folder), self.book.stem, self.lang)
        return self.rejects_paths


def _source_files(sources: Iterable[Path], mapping: Mapping | None) -> list[Path]:
    files: list[Path] = []
    for p in sources:
        if p.is_dir():
            found = sorted(
                f
                for f in p.iterdir()
                if f.is_file()
                and f.suffix.lower() in CSV_SUFFIXES + XLSX_SUFFIXES
                and not f.name.startswith(("~$", "."))
            )
            if mapping is not None:
                found = [f for f in found if any(t.reads(f.name) for t in mapping.target)]
            if not found:
                raise BookReadError(p, "no CSV or .xlsx file to import in this folder")
            files.extend(found)
        else:
            files.append(p)
    return files


def _targets(src: SourceTable, mapping: Mapping | None, sheet: str | None, config: Config) -> list[Target]:
    if mapping is not None:
        targets = [t for t in mapping.target if t.reads(src.name) and (sheet is None or t.sheet == sheet)]
        if not targets:
            raise MappingError(
                Said(
                    f"{src.name}：导入映射中没有读这个文件的 [[target]]" + (f"（导入 {sheet}）" if sheet else ""),
                    f"{src.name}: no [[target]] of the mapping reads this file" + (f" into {sheet}" if sheet else ""),
                )
            )
        return targets
    sheet = sheet or guess_sheet(src, config)
    if sheet is None:
        raise MappingError(
            Said(
                f"{src.name}：看不出这些列属于哪个工作表（{'、'.join(src.header)}），请加 --sheet 或 --mapping",
                f"{src.name}: cannot tell which sheet its columns belong to "
                f"({', '.join(src.header)}): give --sheet or a --mapping",
            )
        )
    return [Target(sheet=sheet)]


def _prefer(mapping: Mapping | None, sheet: str | None) -> tuple[str, ...]:
    keys = [sheet] if sheet else [t.sheet for t in mapping.target] if mapping else []
    return tuple(n for k in keys for n in (SHEET_BY_KEY[k].zh, SHEET_BY_KEY[k].en, k))


def _raw_of(item: Item, fld: str | None) -> tuple[str, Any]:
    """(source column(s), the value found there) of ``fld`` in the item's source row."""
    cols = item.built.columns.get(fld or "", ())
    if not cols:
        return "", None
    if cols == ("(constant)",):
        spec = item.built.target.fields.get(fld or "")
        return cols[0], spec.constant if spec else None
    src, rec = item.built.source, item.record
    values = [src.records[rec][src.index(c)] for c in cols]
    if len(cols) == 1:
        return cols[0], values[0]
    return ", ".join(cols), " / ".join(text_of(v) for v in values)


def _key_columns(item: Item) -> tuple[str, Any]:
    parts = [_raw_of(item, k) for k in item.built.sheet.natural_key if item.built.columns.get(k)]
    return ", ".join(c for c, _ in parts), " / ".join(text_of(v) for _, v in parts)


def _item_rejects(item: Item, lang: str, lists: dict[str, tuple[Choice, ...]]) -> list[Reject]:
    sheet, src = item.built.sheet.key, item.built.source.name
    row = item.source_row
    if item.kind == REJECTED:
        out: list[Reject] = []
        for f in item.reasons:
            col, raw = _raw_of(item, f.field)
            out.append(Reject(src, row, col, raw if col else f.value, sheet, f.field, f.code, f.message(lang)))
        return out
    if item.kind in (DUPLICATE, SOURCE_CONFLICT):
        col, raw = _key_columns(item)
        other = item.other.source_row
        if item.kind == DUPLICATE:
            return [
                Reject(
                    src, row, col, raw, sheet, None, "duplicate-row", import_message("duplicate-row", lang, other=other)
                )
            ]
        fields = ", ".join(item.built.sheet.column(k).header(lang) for k in item.diffs)
        return [
            Reject(
                src,
                row,
                col,
                raw,
                sheet,
                ",".join(item.diffs),
                "source-conflict",
                import_message("source-conflict", lang, other=other, fields=fields),
            )
        ]
    if item.kind == CONFLICT:
        return [
            Reject(
                src,
                row,
                *_raw_of(item, k),
                sheet,
                k,
                "conflict",
                import_message(
                    "conflict",
                    lang,
                    field=item.built.sheet.column(k).header(lang),
                    book=_book_value(item, k, lang, lists),
                ),
            )
            for k in item.diffs
        ]
    return []


def _book_value(item: Item, k: str, lang: str, lists: dict[str, tuple[Choice, ...]]) -> str:
    v = (item.book_row or {}).get(k)
    col = item.built.sheet.column(k)
    if v is None:
        return ""
    if col.choices and isinstance(v, str):
        return label_of(lists[col.choices], v, lang)
    return str(v)


def import_rows(
    source: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    book_path: str | os.PathLike[str],
    *,
    sheet: str | None = None,
    mapping: str | os.PathLike[str] | Mapping | None = None,
    dry_run: bool = False,
    update: bool = False,
    config: Config | Settings | None = None,
    lang: str | None = None,
    today: date | None = None,
    rejects_dir: str | os.PathLike[str] | None = None,
    force: bool = False,
) -> ImportResult:
    """Import ``source`` (a CSV or .xlsx file, a folder of them, or a list) into the book at
    ``book_path`` (created from the empty template when it does not exist).

    ``sheet`` restricts the import to one target sheet (and names it when there is no mapping
    and the headers do not tell). ``mapping``: a TOML mapping file or a loaded ``Mapping``;
    without one, columns are matched by their headers. ``config``: the company settings to
    validate and write with (default: the mapping's ``config`` file, else the defaults).
    A ``Settings`` (settings.py) may be given instead, to say where they came from. Settings given
    (as a ``Config``, from ``--config`` or the mapping) are stored in the book as it is written.
    ``dry_run`` changes nothing. ``update`` overwrites book rows whose key matches but whose
    values differ (default: report them as conflicts). ``rejects_dir``: write the rejects report
    there (CSV and Excel) when anything was rejected. Raises WorkbookToolsError subclasses for
    files, settings or mappings that cannot be used; problems in the data are in the result.

    The book is locked from before it is read until the change is written (one writer at a time);
    it is not written while Excel, WPS or LibreOffice has it open, unless ``force``.
    """
    with contextlib.ExitStack() as stack:
        guard = None if dry_run else stack.enter_context(locked(book_path, force=force))
        return _import(
            source,
            Path(book_path),
            sheet=sheet,
            mapping=mapping,
            dry_run=dry_run,
            update=update,
            config=config,
            lang=lang,
            today=today,
            rejects_dir=rejects_dir,
            guard=guard,
        )


def _import(
    source: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    book_path: Path,
    *,
    sheet: str | None,
    mapping: str | os.PathLike[str] | Mapping | None,
    dry_run: bool,
    update: bool,
    config: Config | Settings | None,
    lang: str | None,
    today: date | None,
    rejects_dir: str | os.PathLike[str] | None,
    guard: Guard | None,
) -> ImportResult:
    if sheet is not None and sheet not in SHEET_BY_KEY:
        raise MappingError(
            Said(
                f"没有工作表 {sheet!r}（可选：{'、'.join(SHEET_BY_KEY)}）",
                f"unknown sheet {sheet!r} (one of {', '.join(SHEET_BY_KEY)})",
            )
        )
    if mapping is not None and not isinstance(mapping, Mapping):
        mapping = load_mapping(mapping)
    book_path = Path(book_path)
    settings: Settings | None = None
    if isinstance(config, Settings):
        settings = config
        config = settings.config
    elif config is None:
        settings = resolve_settings(book_path, mapping_config=mapping.config_path() if mapping is not None else None)
        config = settings.config
    # settings brought by the import travel with the book from now on
    keep_settings = settings is None or settings.source in ("--config", "mapping")
    today = today or date.today()
    paths = [Path(source)] if isinstance(source, (str, os.PathLike)) else [Path(s) for s in source]

    from ..read import read_book

    # the sheets an import may patch are inflated anyway to be scanned: kept, they need not be again
    patchable = () if dry_run else [s.key for s in SHEETS if s.derived or s.key == sheet]
    book: OrderBook | None = read_book(book_path, config=config, keep_xml=patchable) if book_path.exists() else None
    book_lang = book.lang if book is not None else (lang or config.language)
    lang = lang or book_lang  # of the messages; the book keeps its own language
    result = ImportResult(book=book_path, created=book is None, dry_run=dry_run, lang=lang, settings=settings)

    return _plan_check_store(
        result,
        book,
        book_path,
        paths,
        sheet=sheet,
        mapping=mapping,
        dry_run=dry_run,
        update=update,
        config=config,
        lang=lang,
        book_lang=book_lang,
        today=today,
        rejects_dir=rejects_dir,
        guard=guard,
        keep_settings=keep_settings,
    )


def _patched_sheets(book: OrderBook, items: dict[str, list[Item]]) -> list[str]:
    """The sheets a write may patch: those with incoming rows, those with derived columns, the dashboard."""
    return [book[s.key].name for s in SHEETS if s.derived or any(it.kind in (ADD, UPDATE) for it in items[s.key])] + [
        aux_name(DASHBOARD, book.lang)
    ]


def _plan_check_store(
    result: ImportResult,
    book: OrderBook | None,
    book_path: Path,
    paths: list[Path],
    *,
    sheet: str | None,
    mapping: Mapping | None,
    dry_run: bool,
    update: bool,
    config: Config,
    lang: str,
    book_lang: str,
    today: date,
    rejects_dir: str | os.PathLike[str] | None,
    guard: Guard | None,
    keep_settings: bool,
) -> ImportResult:
    with contextlib.ExitStack() as stack:
        stack.enter_context(gc_paused())
        # the book's own rows, not copies: the import builds new dicts for what it adds or updates
        existing: BookData = {k: t.rows for k, t in book.tables.items()} if book is not None else empty_data()
        existing_problems = {k: list(t.problems) for k, t in book.tables.items()} if book is not None else {}
        lists = choice_lists(config)
        items: dict[str, list[Item]] = {s.key: [] for s in SHEETS}
        opts = mapping.source if mapping is not None else None
        for path in _source_files(paths, mapping):
            src = read_source(
                path,
                encoding=opts.encoding if opts else None,
                delimiter=opts.delimiter if opts else None,
                sheet=opts.sheet if opts else None,
                header_row=opts.header_row if opts else None,
                prefer=_prefer(mapping, sheet),
                config=config,
            )
            targets = _targets(src, mapping, sheet, config)
            info = SourceInfo(path, len(src.records), src.encoding, src.delimiter, src.sheet)
            result.sources.append(info)
            where = ", ".join(dict.fromkeys(t.sheet for t in targets))
            for n, fields in src.ragged:
                result.rejects.append(
                    Reject(
                        src.name,
                        n,
                        "",
                        (src.delimiter or ",").join(fields)[:200],
                        where,
                        None,
                        "ragged-row",
                        import_message("ragged-row", lang, found=len(fields), width=len(src.header)),
                    )
                )
            records = list(range(len(src.records)))
            if mapping is not None and mapping.skip:
                for rule in mapping.skip:
                    if src.column(rule.column) is None:
                        raise MappingError(
                            Said(
                                f"{src.name}：没有 [[skip]] 规则要的列 {rule.column!r}（文件中的列：{'、'.join(src.header)}）",
                                f"{src.name}: no column {rule.column!r} for a [[skip]] rule "
                                f"(the file has: {', '.join(src.header)})",
                            )
                        )
                records, skipped = passes(mapping.skip, src, records)
                _report_skips(result, src, skipped, where, lang)
            ignored: list[str] | None = None
            for target in targets:
                built = build_rows(target, src, records, config=config, lists=lists)
                ignored = built.ignored if ignored is None else [c for c in ignored if c in built.ignored]
                _report_skips(result, src, built.skipped, target.sheet, lang)
                items[target.sheet].extend(items_of(built))
            info.ignored = ignored or []

        for s in SHEETS:
            plan_sheet(s, items[s.key], existing[s.key], update=update)

        incoming = any(it.kind in (ADD, UPDATE) for rows in items.values() for it in rows)
        # the sheets the write patches are inflated on the other core while the rows are checked
        prefetched = (
            stack.enter_context(Prefetch(book_path, _patched_sheets(book, items), ready=book.xml))
            if incoming and book is not None and not dry_run
            else None
        )
        screened = (
            screen(existing, existing_problems, items, config=config, today=today, lang=book_lang)
            if incoming
            else Screened(existing)
        )
        result.rounds = screened.rounds
        result.findings = [f for f, _ in screened.findings]
        result.warnings = [f for f, item in screened.findings if item is not None and f.severity is Severity.WARNING]
        on_book = [f for f, item in screened.findings if item is None and f.severity is Severity.ERROR]
        if on_book and book is not None:
            baseline = _baseline(book, config, today)
            sheet_of = {s.name(book_lang): s.key for s in SHEETS}
            result.new_errors = [
                f for f in on_book if (f.code, sheet_of.get(f.sheet or ""), f.row, f.field) not in baseline
            ]
        for s in SHEETS:
            counts = Counter({k: 0 for k in KINDS})
            for item in items[s.key]:
                if item.kind != MERGED:
                    counts[item.kind] += 1
                result.rejects.extend(_item_rejects(item, lang, lists))
            result.counts[s.key] = counts
        result.rejects.sort(key=lambda r: (r.file, r.row))

        changed = result.total(ADD) + result.total(UPDATE)
        if not dry_run and changed:
            stored = store(
                book_path,
                screened.data,
                book=book,
                config=config,
                lang=book_lang,
                today=today,
                guard=guard,
                derived=screened.derived,
                keep_settings=keep_settings,
                prefetched=prefetched,
            )
            result.written, result.backup, result.notes = True, stored.backup, stored.notes
        if rejects_dir is not None:
            result.write_rejects(rejects_dir)
        return result


def _report_skips(
    result: ImportResult, src: SourceTable, skipped: list[tuple[int, Rule]], where: str, lang: str
) -> None:
    for rec, rule in skipped:
        raw = src.records[rec][src.index(rule.column)]
        result.rejects.append(
            Reject(
                src.name,
                src.row_numbers[rec],
                rule.column,
                raw,
                where,
                None,
                "skipped",
                import_message("skipped", lang, reason=rule.describe()),
            )
        )


def _baseline(book: OrderBook, config: Config, today: date) -> set[tuple[str, str | None, int | None, str | None]]:
    """The errors the book had before the import, placed as in the would-be book (same rows, same order)."""
    data = book.data()
    plain = OrderBook.from_data(data, lang=book.lang)
    for key, table in book.tables.items():
        plain[key].problems = list(table.problems)
    sheet_of = {plain[s.key].name: s.key for s in SHEETS}
    from ..validate import validate_book

    return {
        (f.code, sheet_of.get(f.sheet or ""), f.row, f.field)
        for f in validate_book(plain, config=config, today=today)
        if f.severity is Severity.ERROR
    }
