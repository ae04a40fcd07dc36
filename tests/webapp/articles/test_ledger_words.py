"""A live result in the office's words (services/ledger.py `renamed_copy`): the scheme names the source's
publications (《**组工信息》, the text's own redaction), the office reads its own (《市组工信息》). The copy is what the
result's JSON text, names replaced in it, reads back as (how it was made until issue 12), made without that text
and with the engine's units dropped as they are copied (a worker's peak while scoring a year, issue 12)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from webapp.articles.services.ledger import renamed_copy

#: names and words from characters JSON writes as they are (no quote, backslash, control character, separator or
#: letter of true/false/null), so the JSON text's replace below touches the strings' text only
WORDS = st.text(alphabet="《》*组工信息甲乙丙经验类单条", max_size=12)
NAMES = st.text(alphabet="《》*组工信息甲乙", min_size=1, max_size=6)
SCALARS = st.one_of(
    WORDS,
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.none(),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(WORDS, inner, max_size=4)),
    max_leaves=20,
)
RESULTS = st.fixed_dictionaries(
    {"units": st.lists(st.dictionaries(WORDS, VALUES, max_size=5), max_size=5)},
    optional={"period_text": WORDS, "zero_submission": st.lists(WORDS, max_size=3), "advanced": VALUES},
)


def _through_json_text(result: dict[str, Any], renamed: list[tuple[str, str]]) -> dict[str, Any]:
    """The result as it was put in the office's words until issue 12: its JSON text, each name replaced there."""
    text = json.dumps(result, ensure_ascii=False)
    for old, new in renamed:
        text = text.replace(old, new)
    loaded: dict[str, Any] = json.loads(text)
    return loaded


@given(RESULTS, st.lists(st.tuples(NAMES, NAMES), max_size=3))
def test_the_copy_is_what_the_results_json_text_reads_back_as_with_the_names_replaced(
    result: dict[str, Any], renamed: list[tuple[str, str]]
) -> None:
    """ZG-4.3 (the office's publication for the scheme's 《**组工信息》): every string, keys included, in order of the
    names; the same values, keys in the same order (compared as JSON text, as a frozen result is kept)."""
    expected = _through_json_text(result, renamed)
    copied = renamed_copy(result, renamed)
    assert json.dumps(copied, ensure_ascii=False) == json.dumps(expected, ensure_ascii=False)


def test_equal_strings_and_lines_are_one_object_and_what_the_units_share_is_left_as_it_was() -> None:
    """issue 12 (worker RSS): each unit's lines repeat the same words (ZG-4.3 「《**组工信息》经验类单条：6分×1篇」); the
    copy keeps one of each, and one dict of each line (a dict of scalars). The engine's units are used up as they
    are copied; a quota list two units share (and could share with the scheme) is copied, never changed."""
    shared_quotas = [{"quota": "《**组工信息》任务", "done": 1}]
    units = [
        {
            "unit": name,
            "lines": [{"rule": "ZG-4.3", "text": "《**组工信息》经验类单条：6分×1篇", "points": 6}],
        }
        for name in ("甲县委组织部", "乙区委组织部")
    ]
    for unit in units:
        unit["quotas"] = shared_quotas
    # the same words made separately, as the engine formats each unit's lines
    units[1]["lines"][0]["text"] = "".join(["《**组工信息》", "经验类单条：6分×1篇"])
    units[0]["note"] = "《市组工信息》任务"  # already the office's words: the renamed quota's value
    dumped = {"period_text": "2026年第四季度", "units": units, "pairs": (1, 2), "by_day": {1: "一日"}}
    dumped["figures"] = [{"points": 1}, {"points": 1.0}, {"points": True}, {"points": 1}]  # equal, not alike

    out = renamed_copy(dumped, [("《**组工信息》", "《市组工信息》")])

    a, b = out["units"]
    assert a["lines"][0]["text"] == "《市组工信息》经验类单条：6分×1篇"
    assert a["lines"][0] is b["lines"][0]  # one dict for the same line of two units
    assert a["lines"] is not b["lines"] and a["unit"] != b["unit"]
    assert a["quotas"] == [{"quota": "《市组工信息》任务", "done": 1}] and a["quotas"] is not shared_quotas
    assert a["note"] is a["quotas"][0]["quota"]
    assert shared_quotas == [
        {"quota": "《**组工信息》任务", "done": 1}
    ]  # the engine's (the scheme's) unchanged
    assert dumped["units"] == []  # used up, unit by unit
    assert out["pairs"] == [1, 2] and out["by_day"] == {"1": "一日"}  # as its JSON reads back
    one, one_point_o, true, one_again = out["figures"]
    assert one is one_again and one is not one_point_o and one is not true and one_point_o is not true
    assert json.dumps(out["figures"]) == '[{"points": 1}, {"points": 1.0}, {"points": true}, {"points": 1}]'


def test_a_value_json_cannot_write_is_refused_as_the_json_text_refused_it() -> None:
    """A result is kept as JSON (a closed period's frozen result): a value with no JSON form is a bug, not a page."""
    with pytest.raises(TypeError):
        renamed_copy({"units": [{"day": date(2026, 11, 10)}]}, [])
