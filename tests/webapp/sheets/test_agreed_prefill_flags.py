"""The agreed sheet pre-filled from the reviewers' sheets keeps every fact most of them recorded (ARC-7.2, GAP-12).

Issue 7, the class of point 12: only items of kind "veto" carried their flags over, so a veto most reviewers
found on an ordinary item (`veto_when`, or `zero_when` with `veto = true`, docs/schemes.md) was silently dropped.
The pre-fill is tested on its own (`prefill_entries`) with the three reviewers' sheets as the engine scores them.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from webapp.scoring.services.scoresheets.agreed import prefill_entries
from webapp.scoring.services.scoresheets.checks import compute, item_scores
from workflow.scoring.scheme import parse_scheme

ITEMS = [
    {
        "id": "T-1",
        "no": "1",
        "name": "档案安全",
        "max": 5,
        "rule": "deduction",
        "floor": True,
        "deductions": [{"defect": "no_plan", "text": "无应急预案", "points": 2, "per": "once"}],
        "veto_when": [{"flag": "incident", "text": "两年内发生档案安全事故"}],
    },
    {
        "id": "T-2",
        "no": "2",
        "name": "档案库房",
        "max": 10,
        "rule": "condition",
        "zero_when": [
            {"flag": "dispersed", "text": "档案分散管理"},
            {"flag": "lost", "text": "档案丢失", "veto": True},
        ],
    },
    {"id": "T-3", "no": "3", "name": "其他工作", "max": 5, "rule": "award"},
]
SCHEME = parse_scheme(
    {
        "id": "t",
        "version": "1",
        "name": "测试表",
        "max": 20,
        "veto_grade": "不合格",
        "sections": [{"id": "S1", "no": "一", "name": "第一部分", "max": 20, "items": ITEMS}],
    },
    "test.toml",
)
PLAIN = {"T-1": {"defects": {"no_plan": 1}}, "T-2": {}, "T-3": {"awarded": "5"}}


def reviewer(n: int, **facts: list[str]):  # noqa: ANN201 - a stand-in for a submitted ScoreSheet row
    entries = {item: {**PLAIN[item]} for item in PLAIN}
    for item_id, flags in facts.items():
        entries[item_id.replace("_", "-")]["flags"] = flags
        entries[item_id.replace("_", "-")]["reason"] = f"专家{n}：现场发现"
    result = compute(SCHEME, None, entries).result
    assert result is not None
    return SimpleNamespace(entries=entries, result=result.to_dict(), reviewer_id=n)


def agreed(sheets):  # noqa: ANN001, ANN201
    entries = prefill_entries(sheets, SCHEME, None, "median")
    computed = compute(SCHEME, None, entries)
    assert computed.result is not None and not computed.problems, computed.problems
    return entries, computed.result


def test_a_veto_most_reviewers_found_on_an_ordinary_item_vetoes_the_agreed_sheet_arc_7_2_gap_12():
    """Two of three reviewers tick 两年内发生档案安全事故 on a deduction item (veto_when): the pre-filled agreed sheet
    is vetoed, and it says why."""
    sheets = [reviewer(1, T_1=["incident"]), reviewer(2, T_1=["incident"]), reviewer(3)]
    assert [s.result["vetoed"] for s in sheets] == [True, True, False]
    entries, result = agreed(sheets)
    assert entries["T-1"]["flags"] == ["incident"]
    assert result.vetoed and not result.passed
    assert "专家1：现场发现" in entries["T-1"]["reason"] and "专家3" not in entries["T-1"]["reason"]


def test_a_veto_only_one_reviewer_of_three_found_is_not_carried_over_arc_7_2_gap_12():
    entries, result = agreed([reviewer(1, T_1=["incident"]), reviewer(2), reviewer(3)])
    assert "flags" not in entries["T-1"]
    assert not result.vetoed


def test_a_zero_when_with_veto_most_reviewers_found_zeroes_the_item_and_vetoes_the_sheet_arc_7_2():
    sheets = [reviewer(1), reviewer(2, T_2=["lost"]), reviewer(3, T_2=["lost", "dispersed"])]
    entries, result = agreed(sheets)
    assert entries["T-2"]["flags"] == ["lost"]  # 档案分散管理: one of three, not the panel's finding
    assert result.vetoed
    assert item_scores(result.to_dict())["T-2"] == 0


def test_a_zero_when_most_reviewers_found_zeroes_the_item_without_a_veto():
    sheets = [reviewer(1, T_2=["dispersed"]), reviewer(2, T_2=["dispersed"]), reviewer(3)]
    entries, result = agreed(sheets)
    assert entries["T-2"]["flags"] == ["dispersed"]
    assert not result.vetoed and item_scores(result.to_dict())["T-2"] == 0


@pytest.mark.parametrize("flagged", [0, 1])
def test_nobody_or_a_minority_flags_nothing(flagged):
    sheets = [reviewer(n, T_2=["lost"]) if n <= flagged else reviewer(n) for n in (1, 2, 3)]
    entries, result = agreed(sheets)
    assert all("flags" not in e for e in entries.values()) and not result.vetoed
