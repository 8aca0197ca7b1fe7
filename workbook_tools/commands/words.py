"""The result lines of ``regenerate``, ``merge``, ``export`` and ``extend``, Chinese and English side
by side; ``say(key, lang, **fields)`` is the one lookup. The words the other commands share ("已写入"
/ "wrote", "设置：" / "settings:") come from common.wrote and Settings.line, not from here."""

from __future__ import annotations

from .. import lang as langs

WORDS: dict[str, tuple[str, str]] = {
    # shared by these commands
    "note": ("提示：{note}", "note: {note}"),
    "list_sep": ("，", ", "),
    "blank": ("（空）", "(blank)"),
    # regenerate
    "saved_as": ("（原簿已保存为 {path}）", " (the old book is saved as {path})"),
    "rows": ("行数：{counts}", "rows: {counts}"),
    "staff_columns": ("已带过去的员工列（{sheet}）：{columns}", "staff columns carried over on {sheet}: {columns}"),
    "staff_sheets": ("已带过去的员工工作表：{sheets}", "staff sheets carried over: {sheets}"),
    "also_kept": ("另外带过去：{things}", "also carried over: {things}"),
    "raw_values": (
        "读不出类型、按原样带过去的值：{n:,} 个（orderbook validate 逐个列出）",
        "unreadable values carried over as found: {n:,} (orderbook validate lists them)",
    ),
    "lost": ("未带过去（--accept-loss）：{loss}", "not carried over (--accept-loss): {loss}"),
    "kept.comments": ("批注", "comments"),
    "kept.links": ("链接", "links"),
    "kept.formulas": ("公式", "formulas"),
    "kept.formats": ("格式", "formats"),
    "kept.merged": ("合并单元格", "merged"),
    "kept.names": ("名称", "names"),
    "kept.macros": ("宏", "macros"),
    # merge
    "from_books": ("（来自 {n} 本簿）", " from {n} books"),
    "old_saved_as": ("（原来的 {name} 已保存为 {path}）", " (the old {name} is saved as {path})"),
    "col_sheet": ("工作表", "sheet"),
    "col_from": ("取自 {name}（仅此簿有）", "from {name} (only there)"),
    "col_merged": ("合并", "merged"),
    "col_conflicting": ("冲突", "conflicting"),
    "conflicts": ("冲突：{n:,} 处，未解决：{unresolved:,} 处", "conflicts: {n:,}, unresolved: {unresolved:,}"),
    "conflict": (
        "{sheet} {key} {column}：{kept} [{state}]  ≠  {other}",
        "{sheet} {key} {column}: {kept} [{state}]  ≠  {other}",
    ),
    "kept_preferred": ("保留（--prefer）", "kept (preferred)"),
    "kept_unresolved": ("保留，未解决", "kept, UNRESOLVED"),
    "correction": (
        " —— 只有{column}不同，其余相同：可能是更正，不是另一行",
        " — only the {column} differs: probably a correction, not a second row",
    ),
    # export
    "exported": ("已导出 {book} 到 {url}，簿名“{name}”", "exported {book} to {url} as book {name!r}"),
    "added_columns": (
        "以前版本建的表已加上列：{columns}（数据库中其他簿的这些列为空，直到它们再次导出）",
        (
            "columns added to the tables an earlier version made: {columns} (other books in the "
            "database hold them empty until they are exported again)"
        ),
    ),
    "added_columns_folder": (
        "以前版本建的表已加上列：{columns}（不在此文件夹中的簿这些列为空，直到它们再次导出）",
        (
            "columns added to the tables an earlier version made: {columns} (books not in "
            "this folder hold them empty until they are exported again)"
        ),
    ),
    "unchanged": ("数据库中已是这本簿的数据：没有改动", "the database already held this book: nothing changed"),
    "col_table": ("表", "table"),
    "col_rows": ("行数", "rows"),
    "col_added": ("新增", "added"),
    "col_updated": ("更新", "updated"),
    "col_deleted": ("删除", "deleted"),
    "folder_done": (
        "{folder} → {url}：{books:,} 本簿中已导出 {exported:,} 本",
        "{folder} → {url}: {exported:,} of {books:,} books exported",
    ),
    "elsewhere": (
        "数据库中还有不在此文件夹中的簿（保持原样）：{books}",
        "also in the database, not in this folder (left as they were): {books}",
    ),
    "book_line": ("{head}：{text}", "{head}: {text}"),
    "book_counts": (
        "{rows:,} 行，新增 {added:,}，更新 {updated:,}，删除 {deleted:,}",
        "{rows:,} rows, {added:,} added, {updated:,} updated, {deleted:,} deleted",
    ),
    "unreadable_book": ("未导出，簿无法读取：{error}", "not exported, the book could not be read: {error}"),
    "one_book_only": (
        "--book 只为一本簿命名；文件夹中每本簿以其路径命名",
        "--book names one book; in a folder each book is named by its path",
    ),
    # extend
    "prepared": ("预置到第 {new:,} 行（原来到 {old:,} 行）", "prepared to row {new:,} (was {old:,})"),
    "formulas_written": ("写入公式单元格 {n:,} 个", "{n:,} formula cells written"),
    "validation_restored": ("恢复数据验证：{columns}", "validation restored on {columns}"),
    "part_sep": ("；", "; "),
    "sheet_line": ("{sheet}：{parts}", "{sheet}: {parts}"),
    "cached": ("刷新缓存的计算结果：{n:,} 个", "cached results refreshed: {n:,}"),
    "nothing_to_do": (
        "{path}：每个表预置的行都还够，无需改动",
        "{path}: every sheet is prepared far enough ahead; nothing to do",
    ),
}


def say(key: str, lang: str, /, **fields: object) -> str:
    """``key``'s words in ``lang`` ("en" English, anything else Chinese), with ``fields`` filled in."""
    return langs.lookup(WORDS, key, lang, **fields)
