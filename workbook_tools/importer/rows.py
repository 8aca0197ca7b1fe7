"""Source records → typed rows of one sheet, through a mapping target.

Each field is computed a whole column at a time: the source column (or template, join, constant),
then the target's transforms, then the reader's own converter for the field's type
(read/columns.py: the very code that reads a workbook cell), so "2026/11/27", "NULL", "１２３" or
"¥1,200" mean the same in an import as in a book. A value that cannot be converted is None in the
row plus a problem (record, field, raw value, reason), which validation turns into a finding.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..choices import Choice
from ..config import Config
from ..lang import Said
from ..read.coerce import Bad, Dates, converter, to_int, to_text
from ..read.columns import convert_column
from ..read.headers import header_map
from ..schema import SHEET_BY_KEY, Sheet
from .mapping import HINT_FIELDS, FieldSpec, International, MappingError, Rule, Target
from .sources import SourceTable

Row = dict[str, Any]


def text_of(v: Any) -> str:
    """A raw cell as trimmed text ("" when blank, NULL or unreadable) for rules and value maps."""
    t = to_text(v)
    return t if type(t) is str else ""


@dataclass
class Built:
    """The rows one target makes from one source."""

    target: Target
    source: SourceTable
    sheet: Sheet
    rows: list[Row]
    #: Index into ``source.records`` of each row.
    records: list[int]
    #: (row index, field, raw value, reason) for values that could not be read.
    problems: list[tuple[int, str, Any, str]]
    #: field -> the source columns it comes from ("(constant)" for a constant).
    columns: dict[str, tuple[str, ...]]
    #: Stock on hand per row when the source gives it (products): sets the opening stock.
    on_hand: list[int | None] | None = None
    #: Source columns nothing reads.
    ignored: list[str] = field(default_factory=list)
    #: Records this target skipped by one of its rules: (record index, rule).
    skipped: list[tuple[int, Rule]] = field(default_factory=list)


def resolve_fields(target: Target, source: SourceTable, config: Config) -> dict[str, FieldSpec]:
    """field -> spec: the target's ``fields`` win over its ``columns``, which win over the headers
    matched automatically by the schema's names and aliases (and the config's aliases)."""
    sheet = SHEET_BY_KEY[target.sheet]
    specs: dict[str, FieldSpec] = {}
    claimed: set[str] = set()
    hints = set(HINT_FIELDS.get(sheet.key, ()))
    for name, spec in target.fields.items():
        specs[name] = spec
        claimed.update(spec.source_columns())
    for col_name, fld in target.columns.items():
        claimed.add(col_name)
        if fld and fld not in specs:
            specs[fld] = FieldSpec(column=col_name)
    if target.auto:
        hmap = header_map(sheet, config)
        inputs = {c.key for c in sheet.inputs}
        for h in source.header:
            key = hmap.match(h)
            if key is None and h:
                key = next((k for k in hints if k == h or h.casefold() == k), None)
            if key is not None and (key in inputs or key in hints) and key not in specs and h not in claimed:
                specs[key] = FieldSpec(column=h)
                claimed.add(h)
    for name, spec in specs.items():
        for col in spec.source_columns():
            if source.column(col) is None:
                raise MappingError(
                    Said(
                        f"{source.name}：没有 {sheet.key}.{name} 要的列 {col!r}"
                        f"（文件中的列：{'、'.join(source.header)}）",
                        f"{source.name}: no column {col!r} for {sheet.key}.{name} "
                        f"(the file has: {', '.join(source.header)})",
                    )
                )
    for rule in list(target.skip):
        if source.column(rule.column) is None:
            raise MappingError(
                Said(
                    f"{source.name}：没有 {sheet.key} 的跳过规则要的列 {rule.column!r}",
                    f"{source.name}: no column {rule.column!r} for a skip rule of {sheet.key}",
                )
            )
    for col in target.require:
        if source.column(col) is None:
            raise MappingError(
                Said(
                    f"{source.name}：没有 {sheet.key} 必需的列 {col!r}",
                    f"{source.name}: no column {col!r} required by target {sheet.key}",
                )
            )
    return specs


def _texts(source: SourceTable, col: str, records: list[int]) -> list[str]:
    c = source.index(col)
    recs = source.records
    return [text_of(recs[r][c]) for r in records]


def _raw_values(spec: FieldSpec, source: SourceTable, records: list[int]) -> list[Any]:
    """The field's values before conversion: raw cells, or text built from several."""
    recs = source.records
    if spec.column is not None:
        c = source.index(spec.column)
        return [recs[r][c] for r in records]
    if spec.constant is not None:
        return [spec.constant] * len(records)
    if spec.join is not None:
        parts = list(zip(*(_texts(source, col, records) for col in spec.join))) if spec.join else []
        return [spec.sep.join(p for p in ps if p) for ps in parts] if parts else [""] * len(records)
    names = spec.template_columns()
    columns = {n: _texts(source, n, records) for n in dict.fromkeys(names)}
    out = []
    template = spec.template or ""
    for i in range(len(records)):
        text = template.format_map({n: vals[i] for n, vals in columns.items()})
        out.append(" ".join(text.split()))
    return out


def _phone(number: str, country: str, intl: International) -> str:
    if not number or number.startswith("+"):
        return number
    code = intl.codes.get(country) or intl.codes.get(country.casefold())
    if code is None:
        return number
    groups = re.findall(r"\d+", number)
    if not groups:
        return number
    if groups[0].startswith("0") and country not in intl.keep_zero:
        groups[0] = groups[0][1:]
        if not groups[0]:
            groups.pop(0)
    return "+" + code.lstrip("+") + " " + " ".join(groups)


def _strptime(text: str, formats: list[str]) -> Any:
    for fmt in formats:
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    return text  # left for the converter, which reads ISO and Chinese dates, or reports it


def transform(spec: FieldSpec, values: list[Any], source: SourceTable, records: list[int]) -> list[Any]:
    """Apply the spec's transforms (replace, values, international, date_format, default) in order."""
    if spec.replace:
        subs = [(re.compile(p), r) for p, r in spec.replace]

        def sub(v: Any) -> Any:
            if not isinstance(v, str):
                return v
            for rx, r in subs:
                v = rx.sub(r, v)
            return v

        values = [sub(v) for v in values]
    if spec.values:
        table = {k.strip().casefold(): v for k, v in spec.values.items()}
        other = table.get("*")
        blank = table.get("")

        def mapped(v: Any) -> Any:
            t = text_of(v)
            if not t:
                return v if blank is None else blank
            hit = table.get(t.casefold())
            return hit if hit is not None else (other if other is not None else v)

        values = [mapped(v) for v in values]
    if spec.international is not None:
        countries = _texts(source, spec.international.country, records)
        values = [_phone(text_of(v), c, spec.international) if text_of(v) else v for v, c in zip(values, countries)]
    if spec.date_format:
        values = [_strptime(v.strip(), spec.date_format) if isinstance(v, str) and v.strip() else v for v in values]
    if spec.default is not None:
        values = [spec.default if (v is None or (isinstance(v, str) and not text_of(v))) else v for v in values]
    return values


def passes(rules: list[Rule], source: SourceTable, records: list[int]) -> tuple[list[int], list[tuple[int, Rule]]]:
    """Records no rule skips, and the skipped ones with the first rule that matched."""
    if not rules:
        return records, []
    columns = [(rule, _texts(source, rule.column, records)) for rule in rules]
    keep, skipped = [], []
    for i, r in enumerate(records):
        hit = next((rule for rule, texts in columns if rule.test(texts[i])), None)
        if hit is None:
            keep.append(r)
        else:
            skipped.append((r, hit))
    return keep, skipped


def build_rows(
    target: Target, source: SourceTable, records: list[int], *, config: Config, lists: dict[str, tuple[Choice, ...]]
) -> Built:
    """The rows ``target`` makes from ``records`` (indexes into ``source.records``, after the
    mapping-wide skip rules)."""
    sheet = SHEET_BY_KEY[target.sheet]
    specs = resolve_fields(target, source, config)
    if target.require:
        needed = [_texts(source, col, records) for col in target.require]
        records = [r for i, r in enumerate(records) if all(t[i] for t in needed)]
    records, skipped = passes(target.skip, source, records)
    dates = Dates(source.date1904)
    n = len(records)
    columns_out: list[list[Any]] = []
    problems: list[tuple[int, str, Any, str]] = []
    keys: list[str] = []
    on_hand = None
    for col in sheet.inputs:
        spec = specs.get(col.key)
        keys.append(col.key)
        if spec is None:
            columns_out.append([None] * n)
            continue
        values = transform(spec, _raw_values(spec, source, records), source, records)
        typed, probs = convert_column(values, converter(col, lists=lists, dates=dates))
        columns_out.append(typed)
        problems.extend((i, col.key, raw, reason) for i, raw, reason in probs)
    for hint in HINT_FIELDS.get(sheet.key, ()):
        spec = specs.get(hint)
        if spec is not None:
            values = transform(spec, _raw_values(spec, source, records), source, records)
            on_hand = [None if type(v) is Bad else v for v in map(to_int, values)]
    rows = [dict(zip(keys, vals)) for vals in zip(*columns_out)] if n else []
    problems.sort(key=lambda p: p[0])
    used = {c for spec in specs.values() for c in spec.source_columns()}
    used.update(rule.column for rule in target.skip)
    used.update(target.require)
    used.update(c for c, f in target.columns.items() if not f)
    used_idx = {source.column(c) for c in used}
    ignored = [h for i, h in enumerate(source.header) if h and i not in used_idx]
    field_columns = {k: (tuple(spec.source_columns()) or ("(constant)",)) for k, spec in specs.items()}
    return Built(target, source, sheet, rows, records, problems, field_columns, on_hand, ignored, skipped)


def guess_sheet(source: SourceTable, config: Config) -> str | None:
    """The sheet whose columns the source's headers name most, among those whose required key
    columns are all there; None when no sheet fits or two fit equally well."""
    scores = []
    for sheet in SHEET_BY_KEY.values():
        hmap = header_map(sheet, config)
        found = {hmap.match(h) for h in source.header} - {None}
        needed = [k for k in sheet.natural_key if sheet.column(k).required]
        if all(k in found for k in needed):
            scores.append((len(found & {c.key for c in sheet.inputs}), sheet.key))
    scores.sort(reverse=True)
    if not scores or (len(scores) > 1 and scores[0][0] == scores[1][0]):
        return None
    return scores[0][1]
