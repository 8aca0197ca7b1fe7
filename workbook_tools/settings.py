"""Which company settings a command uses, and the copy of them a book carries (DESIGN.md, principle 6).

The settings of a book, first found wins:

1. ``--config FILE``;
2. the import mapping's ``config`` (``orderbook import --mapping``);
3. ``$ORDERBOOK_CONFIG``;
4. ``orderbook.toml`` in the book's folder, or in a parent folder up to the root (the nightly job's
   folder; for other commands the current folder, when the book is inside it);
5. the settings stored in the book;
6. the defaults.

``resolve_settings`` gives them as ``Settings``: the ``Config`` and where it came from (``source``,
``label``), which every command prints and every report carries.

**The copy in the book.** A book is written with the settings it was made or imported with, as custom
document properties (Excel, WPS and LibreOffice keep them through their saves; File → Properties →
Custom): ``orderbook:settings`` holds the settings that differ from the defaults as one line of JSON,
``{"company_name":"Northwind Traders","currency_symbol":"$",…}`` (``{}``: the defaults). Excel keeps 255
characters of a property's text (longer ones are cut, and its add-in API has been seen to crash on
them), so longer settings go on in ``orderbook:settings.2``, ``.3`` …, read until the first that is
missing or empty. A part neither starts nor ends with a space (an application may trim them). As
with an ``orderbook.toml``, a key the book does not set takes the default of the version reading it.
"""

from __future__ import annotations

import json
import os
import stat
import tomllib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

from pydantic import ValidationError

from .config import DEFAULT_CONFIG_NAME, Config, load_config
from .config_messages import first_problem
from .errors import ConfigError, OutputError, about
from .lang import SEMICOLON, Said, lookup, said, say

if TYPE_CHECKING:
    from .report import Report

ENV = "ORDERBOOK_CONFIG"
PROPERTY = "orderbook:settings"
#: Excel's limit on a custom property's text, in UTF-16 code units.
PART_LIMIT = 255
#: A custom properties part larger than this is not read (ours are a few kilobytes).
_MAX_PROPS = 4 << 20

#: Where settings come from, first found wins.
SOURCES = ("--config", "mapping", "$ORDERBOOK_CONFIG", "orderbook.toml", "book", "defaults")
#: Settings a library caller passed as a ``Config`` (no file to name).
GIVEN = "given"
_WORDS = {
    "--config": ("--config {path}", "--config {path}"),
    "mapping": ("导入映射的设置 {path}", "the import mapping's config {path}"),
    "$ORDERBOOK_CONFIG": ("环境变量 ORDERBOOK_CONFIG：{path}", "$ORDERBOOK_CONFIG: {path}"),
    "orderbook.toml": ("{path}", "{path}"),
    "book": ("订单簿中保存的设置", "the settings stored in the book"),
    "defaults": ("默认设置", "the defaults"),
    GIVEN: ("调用方给出的设置", "the settings given by the caller"),
}


@dataclass(frozen=True)
class Settings:
    config: Config
    #: One of ``SOURCES``, or ``GIVEN``.
    source: str
    #: The settings file, or the book that stores them (None: the defaults).
    path: Path | None = None

    def describe(self, lang: str = "en") -> str:
        """Where the settings came from, in words: ``--config a.toml``, ``the settings stored in the book`` …"""
        return lookup(_WORDS, self.source, lang, path=self.path)

    @property
    def label(self) -> str:
        """The English description, for reports (JSON ``settings``)."""
        return self.describe("en")

    def line(self, lang: str = "zh") -> str:
        """The line a command prints: ``设置：…`` / ``settings: …``."""
        return say(lang, ("设置：{source}", "settings: {source}"), source=self.describe(lang))

    def after(self, lang: str = "zh") -> str:
        """``line`` to follow other text on a report's line: ``；设置：…`` / ``; settings: …``."""
        return say(lang, SEMICOLON) + self.line(lang)


def given(config: Config | Settings | None) -> tuple[Settings | None, Config]:
    """What a library call was given as ``config``: the settings (when it says where they came from) and
    the ``Config`` to work with (the defaults when nothing was given)."""
    if isinstance(config, Settings):
        return config, config.config
    return None, config or Config()


# ------------------------------------------------------------------------------------- resolution


def resolve_settings(
    book: str | os.PathLike[str] | None = None,
    *,
    config_path: str | os.PathLike[str] | None = None,
    mapping_config: str | os.PathLike[str] | None = None,
    environ: Mapping[str, str] | None = None,
    root: str | os.PathLike[str] | None = None,
    stored: bool = True,
) -> Settings:
    """The settings for ``book`` (a file that may not exist yet; None: no book) in the order of
    precedence above. ``environ``: where to look up ``$ORDERBOOK_CONFIG`` (None: not looked up; the
    commands pass ``os.environ``). ``root``: the highest folder searched for ``orderbook.toml``
    (default: the current folder, when the book is inside it). ``stored=False``: the book's own copy
    is not read (a command about to write a new book there). Raises ConfigError (one line) when the
    settings found cannot be used."""
    if config_path is not None:
        return Settings(load_config(config_path), "--config", Path(config_path))
    if mapping_config is not None:
        return Settings(load_config(mapping_config), "mapping", Path(mapping_config))
    env = (environ or {}).get(ENV)
    if env:
        return Settings(load_config(env), "$ORDERBOOK_CONFIG", Path(env))
    folder = Path(book).parent if book is not None else Path(".")
    nearby = find_nearby(folder, root)
    if nearby is not None:
        return Settings(load_config(nearby), "orderbook.toml", nearby)
    if stored and book is not None:
        config = read_stored(book)
        if config is not None:
            return Settings(config, "book", Path(book))
    return Settings(Config(), "defaults")


def find_nearby(folder: str | os.PathLike[str], root: str | os.PathLike[str] | None = None) -> Path | None:
    """``orderbook.toml`` in ``folder`` or a parent of it up to ``root`` (default: the current folder);
    only ``folder`` itself when it is not inside ``root``."""
    here = Path(os.path.abspath(folder))
    top = Path(os.path.abspath(root if root is not None else os.curdir))
    inside = here == top or top in here.parents
    while True:
        candidate = here / DEFAULT_CONFIG_NAME
        if candidate.is_file():
            return candidate
        if not inside or here == top or here.parent == here:
            return None
        here = here.parent


# ------------------------------------------------------------------------------- the book's copy


def stored_json(config: Config) -> str:
    """The settings that differ from the defaults, as one line of JSON (``{}`` for the defaults)."""
    return json.dumps(
        _differences(config.model_dump(mode="json"), Config().model_dump(mode="json")),
        ensure_ascii=False,
        separators=(",", ":"),
    )


def _differences(data: dict[str, Any], defaults: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in data.items():
        default = defaults.get(key)
        if isinstance(value, dict) and isinstance(default, dict):
            inner = _differences(value, default)
            if inner:
                out[key] = inner
        elif value != default:
            out[key] = value
    return out


def _units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def split_parts(text: str, limit: int = PART_LIMIT) -> list[str]:
    """``text`` cut into parts of at most ``limit`` UTF-16 units, none starting or ending with a space."""
    parts = []
    while _units(text) > limit:
        end = min(len(text), limit)  # a character is one or two units
        while _units(text[:end]) > limit:
            end -= 1
        # a part may not end or start with a space (an application may trim it)
        while end > 1 and (text[end - 1].isspace() or text[end].isspace()):
            end -= 1
        parts.append(text[:end])
        text = text[end:]
    parts.append(text)
    return parts


def part_names(n: int) -> list[str]:
    return [PROPERTY if i == 1 else f"{PROPERTY}.{i}" for i in range(1, n + 1)]


def settings_properties(config: Config, existing: Iterable[str] = ()) -> dict[str, str]:
    """The custom properties that store ``config`` in a book: name -> text. Parts left over from a
    longer earlier copy (named in ``existing``) are emptied."""
    parts = split_parts(stored_json(config))
    out = dict(zip(part_names(len(parts)), parts))
    for name in existing:
        if name.startswith(f"{PROPERTY}.") and name not in out and name[len(PROPERTY) + 1 :].isdigit():
            out[name] = ""
    return out


def stored_text(properties: Mapping[str, str]) -> str | None:
    """The JSON the properties hold (parts joined), or None when there is no copy."""
    if PROPERTY not in properties:
        return None
    parts, n = [], 1
    while part := properties.get(PROPERTY if n == 1 else f"{PROPERTY}.{n}"):
        parts.append(part)
        n += 1
    return "".join(parts)


def parse_stored(text: str, where: str) -> Config:
    """The ``Config`` of a stored copy; ConfigError naming ``where`` when it cannot be used."""

    def bad(why: Said) -> ConfigError:
        return ConfigError(
            about(
                where,
                said(
                    (
                        f"订单簿中保存的设置（{PROPERTY}）无法使用：{{zh}}；请用 `orderbook config set` 重新保存，或加 --config",
                        f"the settings stored in the book ({PROPERTY}) cannot be used: {{en}}; "
                        "store them again with `orderbook config set` or give --config",
                    ),
                    zh=why.zh,
                    en=why.en,
                ),
            )
        )

    try:
        data = json.loads(text)
    except ValueError as exc:
        raise bad(Said(f"不是有效的 JSON（{exc}）", f"not valid JSON ({exc})")) from None
    if not isinstance(data, dict):
        raise bad(Said("不是 JSON 对象", "not a JSON object"))
    try:
        return Config.model_validate(data)
    except ValidationError as exc:
        raise bad(first_problem(exc)) from None


def _properties(path: Path) -> dict[str, str] | None:
    """The custom properties of the workbook at ``path``; None when it is no workbook we can read."""
    from .xlsxpkg.package import Package, Unsupported
    from .xlsxpkg.props import read_properties

    try:
        if not stat.S_ISREG(os.stat(path).st_mode):  # a FIFO or a device would block
            return None
        with Package(path) as pkg:
            if any(i.file_size > _MAX_PROPS for i in pkg.zip.infolist() if i.filename.startswith("docProps/")):
                return None
            return read_properties(pkg)
    except (Unsupported, OSError, KeyError, ValueError):
        return None


def read_stored(book: str | os.PathLike[str]) -> Config | None:
    """The settings stored in ``book``; None when it stores none (or is no workbook). ConfigError when
    its copy is damaged or invalid."""
    props = _properties(Path(book))
    text = stored_text(props) if props is not None else None
    return None if text is None else parse_stored(text, str(book))


# ------------------------------------------------------------------------------- changing the copy


def assign(config: Config, assignments: Iterable[str]) -> Config:
    """``config`` with ``key=value`` assignments applied (dotted keys: ``thresholds.overdue_grace_days=5``,
    ``lists.carriers.0.tracking=^SF\\d{12}$``). A value is read as TOML (``5``, ``true``, ``["a", "b"]``)
    where that parses and the setting is not text; otherwise as it is written. ConfigError naming the key."""
    data = config.model_dump(mode="json")
    for item in assignments:
        key, sep, raw = item.partition("=")
        key = key.strip()
        if not sep or not key:
            raise ConfigError(
                said(
                    (
                        "{item!r}：请写成 名称=值，例如 currency_symbol=$ 或 thresholds.overdue_grace_days=5",
                        "{item!r}: write key=value, e.g. currency_symbol=$ or thresholds.overdue_grace_days=5",
                    ),
                    item=item,
                )
            )
        parent, last = _walk(data, key)
        current = parent.get(last) if isinstance(parent, dict) else parent[last]
        value: Any = raw
        if not isinstance(current, str):
            try:
                value = tomllib.loads(f"v = {raw}")["v"]
            except tomllib.TOMLDecodeError:
                value = raw
        parent[last] = value
        try:
            Config.model_validate(data)
        except ValidationError as exc:
            raise ConfigError(first_problem(exc)) from None
    return Config.model_validate(data)


def setting_text(config: Config, key: str) -> str:
    """The value of the dotted ``key`` of ``config``, as JSON writes it (``"¥"``, ``3``, ``["a", "b"]``)."""
    parent, last = _walk(config.model_dump(mode="json"), key)
    return json.dumps(parent.get(last) if isinstance(parent, dict) else parent[last], ensure_ascii=False)


def _walk(data: dict[str, Any], key: str) -> tuple[Any, Any]:
    """The container holding ``key`` (dotted) in ``data``, and the last step: (dict, name) or (list, index).
    Under ``aliases`` the rest of the key is one entry, named ``sheet.field`` (it may be new)."""
    if key.startswith("aliases.") and len(key) > len("aliases."):
        return data["aliases"], key.removeprefix("aliases.")
    node: Any = data
    steps = key.split(".")
    for n, step in enumerate(steps):
        last = n == len(steps) - 1
        if isinstance(node, dict) and step in node:
            if last:
                return node, step
            node = node[step]
        elif isinstance(node, list) and step.isdigit() and int(step) < len(node):
            if last:
                return node, int(step)
            node = node[int(step)]
        else:
            raise ConfigError(_no_such(key, ".".join(steps[:n]), node))
    raise ConfigError(_no_such(key, "", None))


def _no_such(key: str, done: str, node: Any) -> Said:
    """``nope: no such setting under lists (there: carriers, …)``, in both languages."""
    known = ", ".join(node) if isinstance(node, dict) else f"0–{len(node) - 1}" if isinstance(node, list) else ""
    zh = f"{key}：没有这个设置项" + (
        f"（{done} 下可用：{known}）"
        if done and known
        else f"（{done} 下没有）"
        if done
        else f"（可用：{known}）"
        if known
        else ""
    )
    en = f"{key}: no such setting" + (f" under {done}" if done else "") + (f" (there: {known})" if known else "")
    return Said(zh, en)


def store_settings(book: str | os.PathLike[str], config: Config, *, force: bool = False) -> Path:
    """Write ``config`` as the settings stored in ``book``, in place: only ``docProps/custom.xml`` (and,
    the first time, the package's relationships and content types) change; every other part is copied
    byte for byte. Locked as every writer is, refused while the book is open in Excel, WPS or
    LibreOffice unless ``force``."""
    from .safe_io import atomic_path, locked
    from .xlsxpkg.package import Package, Unsupported
    from .xlsxpkg.props import read_properties, set_properties

    book = Path(book)
    with locked(book, force=force) as guard:
        try:
            with atomic_path(book, guard=guard) as tmp, open(tmp, "wb") as out, Package(book) as pkg:
                set_properties(pkg, settings_properties(config, read_properties(pkg)))
                pkg.write_to(out)
        except Unsupported as exc:
            raise OutputError(
                about(
                    book,
                    (
                        f"无法在原文件中写入设置（{exc}），未写入任何文件",
                        f"cannot store the settings in this book ({exc}); nothing was written",
                    ),
                )
            ) from None
    return book


# ---------------------------------------------------------------------------------- many books


def fixed_settings(
    config_path: str | os.PathLike[str] | None = None, environ: Mapping[str, str] | None = None
) -> Settings | None:
    """The settings every book of a run gets: ``--config``, else ``$ORDERBOOK_CONFIG``; None when each
    book has its own. Loaded once (a ConfigError stops the whole run)."""
    if config_path is not None or (environ or {}).get(ENV):
        return resolve_settings(None, config_path=config_path, environ=environ, stored=False)
    return None


#: ``resolve(book) -> Settings``: the settings each book of a run is checked with.
Resolver: TypeAlias = "Callable[[str | os.PathLike[str]], Settings]"


def settings_resolver(
    *,
    config_path: str | os.PathLike[str] | None = None,
    environ: Mapping[str, str] | None = None,
    root: str | os.PathLike[str] | None = None,
    fixed: Config | Settings | None = None,
) -> Resolver:
    """``resolve(book) -> Settings`` for a run over many books: ``fixed`` settings (a ``Config`` given by
    a caller, or ``Settings``), else ``--config`` or ``$ORDERBOOK_CONFIG`` (``fixed_settings``), else
    per book: an ``orderbook.toml`` up to ``root``, the book's own copy, the defaults (a ConfigError
    there is that book's)."""
    if isinstance(fixed, Config):
        fixed = Settings(fixed, GIVEN)
    fixed = fixed or fixed_settings(config_path, environ)
    if fixed is not None:
        given = fixed
        return lambda book: given
    return lambda book: resolve_settings(book, root=root)


def validate_books(
    paths: Iterable[str | os.PathLike[str]],
    *,
    resolve: Resolver,
    today: date | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> tuple[Report, list[Settings | None]]:
    """``validate_paths`` with each book checked with its own settings (``resolve(book) -> Settings``):
    returns the ``Report``, each file's ``settings`` saying which were used, and the ``Settings`` per file.
    Settings that cannot be used make that file unreadable (the others are still checked)."""
    from .report import FileResult, Report
    from .validate.files import check_book, find_inputs

    today = today or date.today()
    found = find_inputs(paths)
    books = found.books
    report = Report(skipped=list(found.skipped))
    used: list[Settings | None] = []
    for n, path in enumerate(books, 1):
        try:
            settings = resolve(path)
        except ConfigError as exc:
            report.files.append(FileResult.unreadable(path, exc.said))
            used.append(None)
        else:
            result = check_book(
                path, config=settings.config, today=today, progress=progress if len(books) == 1 else None
            )
            result.settings, result.settings_zh = settings.label, settings.describe("zh")
            report.files.append(result)
            used.append(settings)
        if progress:
            progress("validate", n, len(books))
    return report, used


def properties_to_store(book: str | os.PathLike[str], config: Config) -> dict[str, str] | None:
    """The custom properties that make ``book`` store ``config`` (for a writer changing the book in
    place), or None when it stores exactly these settings already."""
    props = _properties(Path(book)) or {}
    text = stored_text(props)
    if text is not None:
        try:
            if parse_stored(text, str(book)) == config:
                return None
        except ConfigError:
            pass  # a damaged copy is replaced
    return settings_properties(config, props)
