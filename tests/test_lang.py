"""The one language switch: lang.py picks, nothing else compares a language to a literal."""

from workbook_tools import lang


def test_pick_and_say():
    assert lang.pick("zh", "已写入", "wrote") == "已写入"
    assert lang.pick("en", "已写入", "wrote") == "wrote"
    assert lang.pick("en_US.UTF-8", "甲", "a") == "a"
    assert lang.pick(None, "甲", "a") == "甲"          # Chinese is the default
    assert lang.say("en", ("共 {n} 行", "{n} rows"), n=3) == "3 rows"
    assert lang.lookup({"k": ("行", "row")}, "k", "zh") == "行"
    assert lang.joined("zh", ["甲", "乙"], lang.ENUM_COMMA) == "甲、乙"
    assert lang.joined("en", [1, 2]) == "1, 2"
