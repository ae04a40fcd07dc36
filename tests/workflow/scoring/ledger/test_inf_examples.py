"""Every worked example of shared/rules/county-gov-info-performance.md §4 with the shipped ledger-inf scheme."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

from tests.workflow.scoring.ledger.helpers import (
    adoptions,
    claim,
    incident,
    instruction,
    line_sum,
    scheme,
    score,
    unit,
)

INF = scheme("ledger-inf")
TOWN, DEPT = "镇（街道）", "部门（单位）"


def _zhouxiang():
    u = "周巷镇"
    rec = [
        *adoptions(INF, u, "《每日要讯》", n=3),
        *adoptions(INF, u, "政府办公室《专报信息》", n=2),
        *adoptions(INF, u, "宁波市政府办公厅《专报信息》", article="Z1"),
        *adoptions(INF, u, "《昨日要情》", article="Z1"),
    ]
    return rec, [instruction(INF, u, "Z1", "本级领导")], [claim(INF, u, "信息业务培训")]


def test_example1_town_below_base_scores_80_points_and_0_667_of_its_point():
    """INF Example 1 (INF-1.1, INF-2.4, INF-2.8, INF-2.7, INF-2.9, INF-3.1, INF-3.3): 80 ÷ 120 → 0.667."""
    rec, ins, claims = _zhouxiang()
    result = score(INF, [unit(INF, "周巷镇", TOWN, 120)], "2020", rec, ins, claims=claims)
    town = result.unit("周巷镇")
    assert town.total == 80 == line_sum(town)
    assert town.points == 75 and town.bonus == 5
    assert town.completion is not None and round(town.completion, 4) == Decimal("0.6667")
    assert town.assessment == {"score": 0.667, "rule": "INF-3.1", "text": "完成率66.67%，计0.667分"}
    assert town.advanced is False
    assert any(f.flag == "not_eligible_not_completed" and f.rule == "INF-3.3" for f in town.flags)


def _police(extra_depts: int = 0):
    u = "公安局"
    rec = [
        *adoptions(INF, u, "《政务情况交流》", "经验做法", article="G1", day=date(2020, 3, 1)),
        *adoptions(INF, u, "省政府办公厅《政务工作交流》", n=2, day=date(2020, 4, 1)),
    ]
    ins = [instruction(INF, u, "G1", "国务院领导")]
    roster = [unit(INF, u, DEPT, 200)] + [unit(INF, f"部门{i}", DEPT, 100) for i in range(extra_depts)]
    return score(INF, roster, "2020", rec, ins, claims=[claim(INF, u, "蹲岗学习")])


def test_example2_department_above_base_is_listed_directly_outside_the_30_percent_cap():
    """INF Example 2 (INF-2.1, INF-2.7, INF-2.11, INF-3.3, INF-3.6, INF-3.2): 270 → 135 %, direct, +0.5."""
    result = _police(extra_depts=2)
    police = result.unit("公安局")
    assert police.total == 270 == line_sum(police)
    assert police.completion == Decimal("1.35")
    assert police.advanced is True
    pool = next(p for p in result.advanced if p["pool"] == "depts")
    assert (
        pool["direct"] == ["公安局"] and pool["cap"] == 0
    )  # ⌊0.3 × 3⌋ = 0: the direct listing is outside it
    assert police.assessment is not None and police.assessment["score"] == 0.5
    assert any(ln.rule == "INF-2.11" and ln.points == 20 for ln in police.lines)


def test_example3_late_urgent_item_costs_30_percent_of_base_and_minus_half_a_point():
    """INF Example 3 (INF-3.7, INF-3.2): 110 − 36 = 74 → 61.67 % → not completed → −0.5."""
    u = "统计局"
    rec = adoptions(INF, u, "宁波市政府办公厅《参阅》（普刊）", n=3) + adoptions(
        INF, u, "政府办公室《专报信息》", n=2
    )
    result = score(
        INF, [unit(INF, u, DEPT, 120)], "2020", rec, incidents=[incident(INF, u, "紧急信息迟报瞒报造成后果")]
    )
    stats = result.unit(u)
    assert stats.points == 110
    assert stats.deductions == -36
    assert stats.total == 74 == line_sum(stats)
    assert round(stats.completion * 100, 2) == Decimal("61.67")
    assert stats.assessment is not None and stats.assessment["score"] == -0.5


def test_example3_a_second_notice_disqualifies_even_a_unit_that_reached_its_base():
    """INF Example 3 / INF-3.8: two urgent-information notices in the year → no advanced, even at 100 %."""
    u = "统计局"
    rec = adoptions(INF, u, "宁波市政府办公厅《参阅》（普刊）", "情况反映", n=5)
    notices = [incident(INF, u, "通报批评", date(2020, 3, 1)), incident(INF, u, "通报批评", date(2020, 9, 1))]
    result = score(INF, [unit(INF, u, DEPT, 120)], "2020", rec, incidents=notices)
    stats = result.unit(u)
    assert stats.completion is not None and stats.completion >= 1
    assert stats.disqualified and stats.advanced is False
    assert any(f.rule == "INF-3.8" for f in stats.flags)
    roster = [unit(INF, u, DEPT, 120)] + [
        unit(INF, f"部门{i}", DEPT, 100) for i in range(3)
    ]  # cap ⌊0.3 × 4⌋ = 1
    one = score(INF, roster, "2020", rec, incidents=notices[:1]).unit(u)
    assert one.advanced is True


def test_example4_advanced_quotas_are_floor_of_share_times_participants():
    """INF Example 4 (INF-3.4, INF-3.5, GAP-8): 19 towns → 6; 52 departments → 15; 53 → 15."""
    for pool_id, group, n, cap in (("towns", TOWN, 19, 6), ("depts", DEPT, 52, 15), ("depts", DEPT, 53, 15)):
        roster = [unit(INF, f"单位{i}", group, 100) for i in range(n)]
        result = score(INF, roster, "2020", [])
        pool = next(p for p in result.advanced if p["pool"] == pool_id)
        assert (pool["participants"], pool["cap"]) == (n, cap)


def test_example5_the_bundled_town_and_zone_complete_together_at_0_833():
    """INF Example 5 (INF-3.1, GAP-2): (100 + 50) ÷ (120 + 60) = 83.33 % → 0.833; the zone is not ranked alone."""
    rec = adoptions(INF, "镇", "政府办公室《专报信息》", n=10) + adoptions(
        INF, "东工业区管委会", "政府办公室《专报信息》", n=5
    )
    roster = [unit(INF, "镇", TOWN, 120), unit(INF, "东工业区管委会", DEPT, 60)]
    result = score(INF, roster, "2020", rec)
    town, zone = result.unit("镇"), result.unit("东工业区管委会")
    assert (town.total, zone.total) == (100, 50)
    assert town.assessment is not None and town.assessment["score"] == 0.833
    assert zone.rank is None and zone.assessment is None and zone.bundled_into == "镇"
    depts = next(p for p in result.advanced if p["pool"] == "depts")
    assert depts["participants"] == 0


def test_example5_switch_separate_keeps_the_zone_in_the_department_pool():
    """INF GAP-2 switch: with separate = true the zone is also assessed as a department (N = 53 reading)."""
    switched = dataclasses.replace(
        INF, bundles=tuple(dataclasses.replace(b, separate=True) for b in INF.bundles)
    )
    roster = [unit(INF, "镇", TOWN, 120), unit(INF, "东工业区管委会", DEPT, 60)]
    result = score(switched, roster, "2020", [])
    assert result.unit("东工业区管委会").rank == 1
    assert next(p for p in result.advanced if p["pool"] == "depts")["participants"] == 1


def test_example6_a_commissioned_item_forwarded_and_then_adopted_scores_35_else_20():
    """INF Example 6 (INF-2.5, INF-2.8, GAP-10): 15 + 20 (the 5 replaced) = 35; not adopted upward → 15 + 5 = 20."""
    u = "民政局"
    adopted = [
        *adoptions(INF, u, "政府办公室《参阅》", article="Y"),
        *adoptions(INF, u, "约稿上报信息", article="Y"),
        *adoptions(INF, u, "《参阅》（增刊）", article="Y"),
    ]
    result = score(INF, [unit(INF, u, DEPT, 120)], "2020", adopted).unit(u)
    assert result.total == 35 == line_sum(result)
    assert any(f.rule == "GAP-10" for f in result.flags)
    result = score(INF, [unit(INF, u, DEPT, 120)], "2020", adopted[:2]).unit(u)
    assert result.total == 20
