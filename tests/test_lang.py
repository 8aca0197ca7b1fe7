"""The one language switch: lang.py picks, nothing else compares a language to a literal."""

import ast
from pathlib import Path

from workbook_tools import lang

PACKAGE = Path(lang.__file__).resolve().parent


def test_pick_and_say():
    assert lang.pick("zh", "已写入", "wrote") == "已写入"
    assert lang.pick("en", "已写入", "wrote") == "wrote"
    assert lang.pick("en_US.UTF-8", "甲", "a") == "a"
    assert lang.pick(None, "甲", "a") == "甲"  # Chinese is the default
    assert lang.say("en", ("共 {n} 行", "{n} rows"), n=3) == "3 rows"
    assert lang.lookup({"k": ("行", "row")}, "k", "zh") == "行"
    assert lang.joined("zh", ["甲", "乙"], lang.ENUM_COMMA) == "甲、乙"
    assert lang.joined("en", [1, 2]) == "1, 2"


def _compares_lang(node: ast.Compare) -> bool:
    """Any comparison with "zh" or "en" (``lang == "zh"``, ``current_lang() != "en"``, ``x in ("zh",)``)."""
    operands = [node.left, *node.comparators]
    literals = [n for n in operands if isinstance(n, ast.Constant)]
    literals += [
        e
        for n in operands
        if isinstance(n, (ast.Tuple, ast.List, ast.Set))
        for e in n.elts
        if isinstance(e, ast.Constant)
    ]
    return any(n.value in ("zh", "en") for n in literals)


def test_no_inline_language_tests():
    """Every choice of language goes through lang.py (issue 12: no inline ``lang == "zh"``)."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "lang.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Compare) and _compares_lang(node):
                found.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno}")
    assert found == []


def test_a_text_may_have_fields_named_like_the_parameters():
    """Fields are the text's own: ``key``, ``lang`` and ``pair`` among them (positional-only parameters)."""
    assert lang.lookup({"k": ("键 {key}", "key {key}")}, "k", "en", key="A1") == "key A1"
    assert lang.say("zh", ("{lang}：{pair}", "{lang}: {pair}"), lang="en", pair="x") == "en：x"
    assert lang.said(("{pair}", "{pair}"), pair="p") == lang.Said("p", "p")
