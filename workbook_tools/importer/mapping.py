"""The import mapping: which source columns fill which fields of which sheet, and how (a TOML file).

    config = "orderbook.toml"              # company settings to validate with (relative to this file)

    [source]                               # how to read the files (all optional)
    encoding = "auto"                      # auto: BOM, UTF-8, else GB18030/GBK
    delimiter = "auto"

    [[skip]]                               # source rows no target imports (reported as skipped)
    column = "StockCode"
    in = ["POST", "DOT"]
    reason = "not a product"

    [[target]]                             # one per sheet a source row feeds; several may read one file
    sheet = "orders"
    files = ["orders.csv"]                 # file-name patterns this target reads (default: every file)
    auto = true                            # also match headers by the schema's names and aliases
    repeated = "report"                    # or "merge": many source rows make one row (an invoice's order)
    require = ["shippedDate"]              # no row here when one of these source columns is blank
    [target.columns]                       # source column -> field ("" ignores the column)
    orderID = "order_no"
    [target.fields]                        # field -> source column, or how to compute it
    status = { column = "shippedDate", values = { "" = "processing", "*" = "shipped" } }
    tracking_no = { template = "NW{orderID}" }
    notes = { constant = "imported" }

A field spec takes one of ``column`` / ``template`` / ``join`` / ``constant``, then optionally,
in this order: ``replace`` (regex pairs), ``values`` (a value map: ``""`` = blank, ``"*"`` = any
other value), ``international`` (phone numbers to +country form), ``date_format`` (strptime
formats), ``default`` (when blank). The result is read by the same converters as a workbook cell.
"""

from __future__ import annotations

import os
import re
import string
from datetime import date, datetime
from fnmatch import fnmatch
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ..config import load_toml_model
from ..errors import ConfigError, about
from ..schema import SHEET_BY_KEY

#: Derived fields a source may still give: the products' stock on hand (sets the opening stock).
HINT_FIELDS = {"products": ("on_hand",)}


class MappingError(ConfigError):
    """The mapping file is missing, unreadable or invalid, or does not fit the source."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Rule(_Strict):
    """A test on one source column: ``equals``, ``in``, ``matches`` (a regex, searched) or ``blank``."""

    column: str
    equals: str | None = None
    in_: list[str] | None = Field(None, alias="in")
    matches: str | None = None
    blank: bool | None = None
    reason: str = ""

    @model_validator(mode="after")
    def _one_test(self) -> Rule:
        tests = [t for t in (self.equals, self.in_, self.matches, self.blank) if t is not None]
        if len(tests) != 1:
            raise ValueError(f"rule on {self.column!r}: give exactly one of equals, in, matches, blank")
        if self.matches is not None:
            try:
                re.compile(self.matches)
            except re.error as exc:
                raise ValueError(f"rule on {self.column!r}: bad regular expression ({exc})") from None
        return self

    def test(self, text: str) -> bool:
        """``text``: the cell as text, trimmed ("" when blank)."""
        if self.blank is not None:
            return (text == "") == self.blank
        if self.equals is not None:
            return text == self.equals
        if self.in_ is not None:
            return text in self.in_
        assert self.matches is not None  # _one_test: exactly one test is given
        return re.search(self.matches, text) is not None

    def describe(self) -> str:
        if self.reason:
            return self.reason
        if self.blank is not None:
            return f"{self.column} is {'blank' if self.blank else 'not blank'}"
        if self.equals is not None:
            return f"{self.column} = {self.equals}"
        if self.in_ is not None:
            return f"{self.column} in {', '.join(self.in_)}"
        return f"{self.column} matches {self.matches}"


class International(_Strict):
    """Phone numbers written the local way ("030-0074321", "(5) 555-4729") to ``+49 30 0074321``:
    separators become single spaces, one leading trunk ``0`` is dropped (except for the countries
    in ``keep_zero``, such as Italy), and the country's calling code goes in front. A number that
    already starts with ``+``, or whose country is not in ``codes``, is left as it is."""

    country: str
    codes: dict[str, str]
    keep_zero: list[str] = Field(default_factory=list)


Constant = str | bool | int | float | datetime | date


class FieldSpec(_Strict):
    column: str | None = None
    template: str | None = None
    join: list[str] | None = None
    sep: str = ", "
    constant: Constant | None = None
    replace: list[tuple[str, str]] = Field(default_factory=list)
    values: dict[str, str] = Field(default_factory=dict)
    international: International | None = None
    date_format: list[str] = Field(default_factory=list)
    default: Constant | None = None

    @field_validator("date_format", mode="before")
    @classmethod
    def _listify(cls, v: Any) -> Any:
        return [v] if isinstance(v, str) else v

    @model_validator(mode="after")
    def _one_source(self) -> FieldSpec:
        given = [n for n in ("column", "template", "join", "constant") if getattr(self, n) is not None]
        if len(given) != 1:
            raise ValueError("a field takes exactly one of column, template, join, constant")
        for pattern, _ in self.replace:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"replace: bad regular expression {pattern!r} ({exc})") from None
        if self.template is not None:
            try:
                self.template_columns()
            except ValueError as exc:
                raise ValueError(f"template {self.template!r}: {exc}") from None
        return self

    def template_columns(self) -> list[str]:
        return [name for _, name, _, _ in string.Formatter().parse(self.template or "") if name]

    def source_columns(self) -> list[str]:
        """The source columns this field reads (for the rejects report)."""
        cols = [self.column] if self.column else self.template_columns() if self.template else list(self.join or [])
        if self.international:
            cols.append(self.international.country)
        return cols


class Target(_Strict):
    sheet: str
    files: list[str] = Field(default_factory=lambda: ["*"])
    auto: bool = True
    repeated: Literal["report", "merge"] = "report"
    require: list[str] = Field(default_factory=list)
    skip: list[Rule] = Field(default_factory=list)
    columns: dict[str, str] = Field(default_factory=dict)
    fields: dict[str, FieldSpec] = Field(default_factory=dict)

    @field_validator("files", mode="before")
    @classmethod
    def _files(cls, v: Any) -> Any:
        return [v] if isinstance(v, str) else v

    @field_validator("fields", mode="before")
    @classmethod
    def _field_specs(cls, v: Any) -> Any:
        if isinstance(v, dict):
            return {k: {"column": s} if isinstance(s, str) else s for k, s in v.items()}
        return v

    @model_validator(mode="after")
    def _known_fields(self) -> Target:
        sheet = SHEET_BY_KEY.get(self.sheet)
        if sheet is None:
            raise ValueError(f"unknown sheet {self.sheet!r} (one of {', '.join(SHEET_BY_KEY)})")
        allowed = {c.key for c in sheet.inputs} | set(HINT_FIELDS.get(self.sheet, ()))
        for name in list(self.fields) + [f for f in self.columns.values() if f]:
            if name not in allowed:
                raise ValueError(
                    f"sheet {self.sheet}: {name!r} is not a field you can import (one of {', '.join(sorted(allowed))})"
                )
        return self

    def reads(self, file_name: str) -> bool:
        return any(fnmatch(file_name.casefold(), p.casefold()) for p in self.files)


class SourceOptions(_Strict):
    encoding: str = "auto"
    delimiter: str = "auto"
    #: The sheet of an .xlsx source (default: the one named like the target sheet, else the first).
    sheet: str | None = None
    #: 1-based row of the header (default: the first row; in an .xlsx the first with a value).
    header_row: int | None = Field(None, ge=1)

    @field_validator("delimiter")
    @classmethod
    def _delimiter(cls, v: str) -> str:
        v = {"tab": "\t", "\\t": "\t"}.get(v, v)
        if v != "auto" and len(v) != 1:
            raise ValueError("delimiter is one character, 'tab' or 'auto'")
        return v


class Mapping(_Strict):
    #: Company settings (TOML) to validate and write with, relative to the mapping file; used when
    #: no --config is given.
    config: str | None = None
    source: SourceOptions = Field(default_factory=SourceOptions)
    skip: list[Rule] = Field(default_factory=list)
    target: list[Target] = Field(default_factory=list)
    #: Where the mapping was read from (relative paths resolve against its folder).
    path: Path | None = Field(None, exclude=True)

    def config_path(self) -> Path | None:
        if self.config is None:
            return None
        p = Path(self.config)
        return p if p.is_absolute() or self.path is None else self.path.parent / p


def load_mapping(path: str | os.PathLike[str]) -> Mapping:
    """Read and check a mapping file; MappingError with one line when it cannot be used."""
    path = Path(path)
    mapping = load_toml_model(path, Mapping, MappingError, ("导入映射文件", "mapping file"))
    if not mapping.target:
        raise MappingError(
            about(
                path,
                ("没有 [[target]] 表：没有写明各行导入到哪里", "no [[target]] tables: nothing says where the rows go"),
            )
        )
    return mapping.model_copy(update={"path": path})
