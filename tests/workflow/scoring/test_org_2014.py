"""The visible part of the 2014 streets table (ORG) with the digest's worked examples."""

from decimal import Decimal

import pytest

from tests.workflow.scoring.refusals import refused
from workflow.scoring.errors import SheetError
from workflow.scoring.table import BonusClaim, ItemEntry, score_sheet

D = Decimal
ON_TARGET = ItemEntry(measures={"built": D(10), "target": D(10)})  # ORG-T6 needs its measured values


def test_org_scheme_is_marked_partial_with_the_visible_33_points(org):
    """ORG-T0: 33 of the section's 40 points are visible (GAP-1)."""
    assert org.partial and not org.sample
    assert org.max == 33


def test_org_example_1_no_plan_and_two_missing_records_leave_1(org):
    """ORG-T1, Example 1: 4 − 2 − 2 × 0.5 = 1."""
    entry = ItemEntry(defects={"no_plan": 1, "missing_record": 2})
    result = score_sheet(org, {"ORG-T1": entry}).item("ORG-T1")
    assert result.score == 1
    assert result.reasons == (
        "没有学习培训计划，扣2分（ORG-T1）",
        "缺少培训资料（花名册、笔记、图片、学习体会等）2项，每项扣0.5分，扣1分（ORG-T1）",
    )


@pytest.mark.parametrize(("late", "expected"), [(3, 1), (6, 0), (0, 4)])
def test_org_example_2_one_point_per_late_village_floored_at_zero(org, late, expected):
    """ORG-T2, Example 2, GAP-5: 每村扣1分, 扣完为止."""
    result = score_sheet(org, {"ORG-T2": ItemEntry(defects={"late_village": late})}).item("ORG-T2")
    assert result.score == expected


def test_org_t3_untransformed_lagging_villages_score_nothing(org):
    """ORG-T3: 未完成后进村转化的不得分."""
    result = score_sheet(org, {"ORG-T3": ItemEntry(flags=frozenset({"not_transformed"}))}).item("ORG-T3")
    assert (result.score, result.reasons) == (0, ("未完成后进村转化，本项不得分（ORG-T3）",))


def test_org_t4_different_amounts_per_defect_kind(org):
    """ORG-T4: 制度落实不到位扣2分; 没有建立行为规范扣1分."""
    entry = ItemEntry(defects={"systems_not_implemented": 1, "no_code_of_conduct": 1})
    assert score_sheet(org, {"ORG-T4": entry}).item("ORG-T4").score == 1


def test_org_t4_a_once_only_defect_cannot_be_counted_twice(org):
    """ORG-T4: a per-occurrence-once deduction takes 0 or 1."""
    with refused(SheetError, "sheet.defect_once", item="ORG-T4", count=2):
        score_sheet(org, {"ORG-T4": ItemEntry(defects={"no_code_of_conduct": 2})})


@pytest.mark.parametrize(
    ("built", "item", "bonus"), [(14, 4, 3), (11, 4, 1), (8, 2, 0), (10, 4, 0), (13, 4, 3)]
)
def test_org_example_3_red_coverage_shortfall_and_capped_excess_bonus(org, built, item, bonus):
    """ORG-T6, Example 3, GAP-5/6: −1 per organisation short; +1 per extra, 3 or more → +3."""
    entry = ItemEntry(measures={"built": D(built), "target": D(10)})
    result = score_sheet(org, {"ORG-T6": entry})
    assert (result.item("ORG-T6").score, result.item("ORG-T6+").score) == (item, bonus)
    assert result.item("ORG-T6").score + result.bonus_total == item + bonus


def test_org_example_4_three_practical_things_not_done_leave_3_4(org):
    """ORG-T7, Example 4: 4 − 3 × 0.2 = 3.4."""
    result = score_sheet(org, {"ORG-T7": ItemEntry(defects={"not_done": 3})}).item("ORG-T7")
    assert result.score == D("3.4")


def test_org_t7_counts_beyond_the_ten_things_are_rejected(org):
    """ORG-T7: only ten practical things exist (max_count keeps the item within its 4 points)."""
    with refused(SheetError, "sheet.defect_max_count", item="ORG-T7", count=11, max_count=10):
        score_sheet(org, {"ORG-T7": ItemEntry(defects={"not_done": 11})})


def test_org_t8_discretionary_deduction_within_the_item(org):
    """ORG-T8, GAP-7: 视情况酌情扣分 in [0, 4] with a reason."""
    result = score_sheet(org, {"ORG-T8": ItemEntry(deduction=D("1.5"), reason="缺少第二环节记录")})
    assert result.item("ORG-T8").score == D("2.5")
    assert result.item("ORG-T8").reasons == ("酌情扣1.5分：缺少第二环节记录（ORG-T8）",)


def claims(*contents: str) -> tuple[BonusClaim, ...]:
    return tuple(BonusClaim(c) for c in contents)


def test_org_example_5_two_major_and_one_innovation_project_reach_the_cap(org):
    """ORG-6.4, Example 5: 20 + 20 + 10 = 50 ≤ 50."""
    entries = {
        "ORG-6.4.1": ItemEntry(claims=claims("A", "B")),
        "ORG-6.4.2": ItemEntry(claims=claims("C")),
        "ORG-T6": ON_TARGET,
    }
    result = score_sheet(org, entries)
    assert (result.bonus_raw, result.bonus_total, result.total) == (50, 50, 83)


def test_org_6_2_bonus_total_is_capped_at_50(org):
    """ORG-6.2, Example 5: adding innovation project D → 60, capped at 50."""
    entries = {
        "ORG-6.4.1": ItemEntry(claims=claims("A", "B")),
        "ORG-6.4.2": ItemEntry(claims=claims("C", "D")),
    }
    result = score_sheet(org, entries)
    assert (result.bonus_raw, result.bonus_total) == (60, 50)
    assert result.bonus_reasons == ("加分合计60分，超过上限50分，按50分计（ORG-6.2）",)


def test_org_6_2_cap_covers_performance_bonus_but_not_the_red_coverage_excess(org):
    """ORG-6.2 caps 业绩 only; the ORG-T6 table bonus (+3) comes on top."""
    entries = {
        "ORG-6.4.1": ItemEntry(claims=claims("A", "B")),
        "ORG-6.4.2": ItemEntry(claims=claims("C", "D")),
        "ORG-T6": ItemEntry(measures={"built": D(14), "target": D(10)}),
    }
    result = score_sheet(org, entries)
    assert (result.bonus_raw, result.bonus_total) == (63, 53)


def test_org_6_3_same_content_counts_once_at_the_highest_item(org):
    """ORG-6.3: content A as major (20) and as innovation project (10) counts once, as 20."""
    entries = {"ORG-6.4.1": ItemEntry(claims=claims("A")), "ORG-6.4.2": ItemEntry(claims=claims("A"))}
    result = score_sheet(org, entries)
    assert result.bonus_total == 20
    assert result.item("ORG-6.4.2").score == 0
    assert result.item("ORG-6.4.2").reasons == (
        "同一内容「A」已按最高项ORG-6.4.1计分，不重复加分（ORG-6.3）",
    )


def test_org_6_4_claims_item_is_capped_by_its_own_maximum(org):
    """ORG-6.4: three major projects (60) stay within the item's 50 before the scheme cap applies."""
    result = score_sheet(org, {"ORG-6.4.1": ItemEntry(claims=claims("A", "B", "C"))})
    assert result.item("ORG-6.4.1").score == 50
    assert "本项加分以50分为限（ORG-6.4.1）" in result.item("ORG-6.4.1").reasons


def test_org_6_5_recognition_worth_more_replaces_the_project_bonus(org, raw_scheme, build):
    """ORG-6.3, Example 5: A also recognised under ORG-6.5 worth X counts once as max(20, X)."""
    data = raw_scheme("org-2014-streets")
    bonus_section = data["sections"][1]
    bonus_section["items"].append(
        {
            "id": "ORG-6.5",
            "name": "受到上级表彰（示例值）",
            "max": 50,
            "rule": "claims",
            "bonus": True,
            "points": 30,
        }
    )
    data["bonus"]["groups"][0]["items"].append("ORG-6.5")
    data["bonus"]["cap_items"].append("ORG-6.5")
    scheme = build(data, "org-2014-streets.toml")
    entries = {"ORG-6.4.1": ItemEntry(claims=claims("A", "B")), "ORG-6.5": ItemEntry(claims=claims("A"))}
    result = score_sheet(scheme, entries)
    assert (result.item("ORG-6.4.1").score, result.item("ORG-6.5").score, result.bonus_total) == (20, 30, 50)


def test_org_12_3_a_veto_fault_fails_the_sheet_but_keeps_the_score(org):
    """ORG-12.3, GAP-10: a vetoed unit keeps its computed score and is flagged."""
    result = score_sheet(org, {"ORG-7.1": ItemEntry(flags=frozenset({"veto_fault"})), "ORG-T6": ON_TARGET})
    assert result.vetoed and result.passed is False
    assert result.total == 33
    assert result.veto_reasons == ("一票否决：发生否决性过错（经区委组织部认定）（ORG-7.1）",)
