"""Issue 7, point 9: every refusal of the scoring engine carries a code and params, and reads in Chinese.

The text comes from one table (workflow/scoring/messages.py); these tests hold it to that: every code raised in
the engine has a message, every message renders with its parameters, and no message contains English words.
"""

import re
import string
from decimal import Decimal
from pathlib import Path

import pytest

from config.schemes import load_scheme
from workflow.scoring import messages
from workflow.scoring.errors import SchemeError, SheetError
from workflow.scoring.messages import FIELD_NAMES, MESSAGES, RULE_NAMES
from workflow.scoring.scheme import RULE_KINDS

ENGINE = Path(messages.__file__).parent
#: Technical tokens a message may name (the encoding a file must be saved in); nothing else in Latin letters.
ALLOWED_LATIN = {"UTF"}
ENGLISH = re.compile(r"[A-Za-z]{2,}")


def english_words(text: str) -> set[str]:
    return set(ENGLISH.findall(text)) - ALLOWED_LATIN


def sample(name: str):
    """A value of the kind the engine passes for a parameter called `name`."""
    if name in ("field",):
        return "floor"  # a real TOML key: rendered by its Chinese name
    if name == "fields":
        return ["deductions", "ratio"]
    if name == "rule":
        return "ratio_band"
    if name == "rules":
        return list(RULE_KINDS)
    if name in ("names", "levels", "available", "defects"):
        return ["缺少文件", "台账缺页"]
    if name in ("count", "max_count", "n", "line", "column", "left", "low", "high", "decimals"):
        return 3
    if name in ("max", "total", "reach", "score", "discretionary", "deduction", "bound", "min", "points"):
        return Decimal("2.5")
    if name in ("value", "whole", "ratio"):
        return Decimal("13")
    return "档案库房"


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("code", sorted(MESSAGES))
def test_every_error_code_renders_in_chinese_without_english_words(code):
    params = {name: sample(name) for name in placeholders(MESSAGES[code])}
    error = SheetError(code, source="评分表文件", item="X-1", label="二、1 档案库房", **params)
    text = str(error)
    assert "{" not in text and "}" not in text
    assert english_words(text) == set(), f"{code}: {text}"
    assert error.to_dict()["error"] == code and error.to_dict()["message"] == text
    assert text.startswith("评分表文件：考核项目「二、1 档案库房」：")


def test_every_code_the_engine_raises_has_a_message():
    """A code raised anywhere in workflow/scoring (or config/schemes.py) must be in the table."""
    sources = [*ENGINE.rglob("*.py"), ENGINE.parents[1] / "config" / "schemes.py"]
    raised = set()
    for path in sources:
        raised |= set(
            re.findall(r'"((?:scheme|sheet|number|rank)\.[a-z_]+)"', path.read_text(encoding="utf-8"))
        )
    raised -= {"scheme.py", "sheet.json"}
    assert raised, "no codes found: the pattern is stale"
    assert raised <= set(MESSAGES), raised - set(MESSAGES)


def test_every_scheme_field_and_rule_kind_has_a_chinese_name():
    """Messages name fields by their Chinese names: every key the parser reads has one."""
    source = (ENGINE / "scheme" / "parse.py").read_text(encoding="utf-8")
    # a key is read by `r.get("key", …)`, listed in a declaration `"key": TEXT`, or read as a list of sub-rules
    reads = r'(?:\b(?:r|top)\.get\(|_read_all\(r, |_read_one\(r, |_values\(\w+, )"([a-z_]+)"'
    declared = r'"([a-z_]+)": (?:TEXT|NUMBER|FLAG|COUNT|TEXTS|LIST|NUMBERS|_opt\(|v\.)'
    keys = set(re.findall(reads, source)) | set(re.findall(declared, source))
    assert {"max", "floor", "deductions", "veto_when", "pass_line"} <= keys
    assert keys <= set(FIELD_NAMES), keys - set(FIELD_NAMES)
    assert set(RULE_KINDS) == set(RULE_NAMES)
    for names in (FIELD_NAMES, RULE_NAMES):
        assert all(not english_words(v) for v in names.values())


def test_the_reported_english_messages_now_read_in_chinese_naming_the_item_as_the_table_does():
    """「item HBS-5.1: a score below the maximum needs a reason…」 and 「give either a score … not both」."""
    from workflow.scoring.table import ItemEntry, score_sheet

    hubei = load_scheme("hubei-archive-sample")
    with pytest.raises(SheetError) as below_max:
        score_sheet(hubei, {"HBS-5.1": ItemEntry(awarded=Decimal(8))}, "first")
    assert str(below_max.value) == "考核项目「五、1 利用服务与编研」：评分8分低于满分10分，须填写扣分原因"
    assert (below_max.value.code, below_max.value.item, below_max.value.field) == (
        "sheet.awarded_needs_reason",
        "HBS-5.1",
        "reason",
    )
    assert below_max.value.to_dict()["params"] == {"score": 8, "max": 10}
    with pytest.raises(SheetError) as both:
        score_sheet(
            hubei,
            {"HBS-3.1": ItemEntry(awarded=Decimal(8), reason="缺", defects={"missing_file": 1})},
            "first",
        )
    assert str(both.value) == "考核项目「三、1 收集归档」：直接评分与扣分情形（或酌情扣分）只能填写一种"


def test_an_unknown_field_someone_typed_is_quoted_as_written_and_the_rest_is_chinese(raw_scheme, build):
    data = raw_scheme("hubei-archive-sample")
    data["sections"][0]["items"][0]["florr"] = True
    with pytest.raises(SchemeError) as excinfo:
        build(data, "hubei.toml")
    text = str(excinfo.value)
    assert text == "hubei.toml：考核项目「一、1 领导重视」：有不认识的设置项：「florr」（多为拼写错误）"
    assert english_words(text.replace("「florr」", "").replace("hubei.toml", "")) == set()
