"""Rankings per group with shared ranks (ZG-5.2, GAP-12), the 零报送 and last-place lists (ZG-5.3) and the
advanced-unit selection (INF-3.3 … 3.10)."""

from __future__ import annotations

from datetime import date

from tests.workflow.scoring.ledger.helpers import (
    adoptions,
    incident,
    instruction,
    scheme,
    score,
    submitted,
    unit,
)

ZG, INF = scheme("ledger-zg"), scheme("ledger-inf")
COUNTY, SECTION = "县（市、区）委组织部", "科室第一组"


def test_units_and_sections_are_ranked_apart_and_ties_share_a_rank():
    """ZG-5.2 / GAP-12: two rankings; equal points share a rank (1, 1, 3); last place = every unit at the lowest."""
    roster = [unit(ZG, n, COUNTY) for n in ("甲县", "乙县", "丙县", "丁县")] + [unit(ZG, "办公室", SECTION)]
    rec = [
        *adoptions(ZG, "甲县", "《**组工信息》", "参阅类", "单条", 2),
        *adoptions(ZG, "乙县", "《**组工信息》", "参阅类", "单条", 2),
        *adoptions(ZG, "丙县", "《**组工信息》", "参阅类", "单条", 1),
    ]
    subs = [submitted("丁县", date(2020, 2, 1))]
    result = score(ZG, roster, "2020-H1", rec, submissions=subs)
    ranks = {u.unit: u.rank for u in result.units}
    assert ranks == {"甲县": 1, "乙县": 1, "丙县": 3, "丁县": 4, "办公室": 1}
    assert result.last_place == ["丁县"]
    assert result.zero_submission == ["办公室"]
    assert any(f.flag == "zero_submission" and f.rule == "ZG-5.3" for f in result.unit("办公室").flags)


def test_when_everyone_ties_nobody_is_last():
    """GAP-12: 'last place' needs someone above it; an all-equal group has no last place."""
    roster = [unit(ZG, n, COUNTY) for n in ("甲县", "乙县")]
    assert score(ZG, roster, "2020-H1").last_place == []


def _dept(name, n_items, klass="情况反映"):
    return adoptions(INF, name, "宁波市政府办公厅《参阅》（普刊）", klass, n=n_items, day=date(2020, 3, 1))


def test_advanced_departments_are_capped_at_30_percent_in_rank_order():
    """INF-3.5 / GAP-8: 7 departments → ⌊2.1⌋ = 2 advanced; eligible ones beyond the cap are listed outside."""
    names = [f"局{i}" for i in range(7)]
    roster = [unit(INF, n, "部门（单位）", 100) for n in names]
    rec = [a for i, n in enumerate(names) for a in _dept(n, 4 + i)]  # all complete (≥ 120 of 100)
    result = score(INF, roster, "2020", rec)
    pool = next(p for p in result.advanced if p["pool"] == "depts")
    assert pool["cap"] == 2 and pool["inside"] == ["局6", "局5"]
    assert pool["outside"] == ["局4", "局3", "局2", "局1", "局0"]
    assert result.unit("局6").assessment["score"] == 0.5 and result.unit("局4").assessment["score"] == 0


def test_a_tie_at_the_cap_is_flagged_for_a_manual_decision():
    """INF-3.4 / GAP-8: ties at the boundary are not regulated; the tied units are flagged."""
    names = [f"局{i}" for i in range(4)]  # cap ⌊1.2⌋ = 1
    roster = [unit(INF, n, "部门（单位）", 100) for n in names]
    rec = [a for n in names for a in _dept(n, 5)]
    result = score(INF, roster, "2020", rec)
    pool = next(p for p in result.advanced if p["pool"] == "depts")
    assert sorted(pool["tie_at_cap"]) == names
    assert all(any(f.flag == "tie_at_cap" for f in result.unit(n).flags) for n in names)


def test_an_item_without_a_comprehensive_class_does_not_make_a_unit_eligible():
    """INF-3.3(b): completing the base is not enough without one comprehensive item at 专报 level or higher."""
    names = [f"局{i}" for i in range(4)]
    roster = [unit(INF, n, "部门（单位）", 100) for n in names]
    rec = adoptions(INF, "局0", "政府办公室《每日要讯》", n=30, day=date(2020, 3, 1))
    result = score(INF, roster, "2020", rec).unit("局0")
    assert result.completion >= 1 and result.advanced is False
    assert any(f.flag == "not_eligible_no_qualifying_article" for f in result.flags)


def test_disqualification_prevails_over_direct_advancement():
    """INF-3.6 vs INF-3.10 (GAP-7): a failed important commission removes even a direct listing."""
    rec = adoptions(INF, "公安局", "《政务情况交流》", "经验做法", article="G", day=date(2020, 3, 1))
    rec += adoptions(INF, "公安局", "省政府办公厅《政务工作交流》", n=2, day=date(2020, 3, 1))
    ins = [instruction(INF, "公安局", "G", "国务院领导")]
    roster = [unit(INF, "公安局", "部门（单位）", 200)]
    direct = score(INF, roster, "2020", rec, ins).unit("公安局")
    assert direct.advanced is True
    refused = score(
        INF, roster, "2020", rec, ins, incidents=[incident(INF, "公安局", "未完成重要约稿任务")]
    ).unit("公安局")
    assert refused.advanced is False and any(f.rule == "INF-3.10" for f in refused.flags)


def test_a_higher_notice_counts_as_not_completing_the_base():
    """INF-3.9 / GAP-13: deemed not completed → −0.5 for a department and no advanced, whatever its points."""
    roster = [unit(INF, "建设局", "部门（单位）", 100)]
    rec = _dept("建设局", 5)
    result = score(INF, roster, "2020", rec, incidents=[incident(INF, "建设局", "被上级通报批评")]).unit(
        "建设局"
    )
    assert result.completion >= 1
    assert result.assessment["score"] == -0.5
    assert result.advanced is False


def test_only_a_scheme_that_criticises_them_lists_zero_submission_and_last_place():
    """ZG-5.3 lists them; INF has no such rule, so its result carries no such lists."""
    roster = [unit(INF, n, "部门（单位）", 100) for n in ("甲局", "乙局")]
    result = score(INF, roster, "2020", _dept("甲局", 1))
    assert result.zero_submission == [] and result.last_place == []
    assert not any(f.flag in ("zero_submission", "last_place") for u in result.units for f in u.flags)
