"""Grade lifecycle (digest §5.2, GT-01…GT-09; ARC-3.2, ARC-11.2, ARC-11.5, ARC-14.1; GAP-4/5/6/22)."""

from __future__ import annotations

from datetime import date

import pytest

from workflow.grading.grade import (
    Grade,
    GradeState,
    grade_after_approval,
    grade_after_failed_recheck,
    grade_status,
    superseded,
)

from ..conftest import with_switches

SECOND_2021 = Grade("second", date(2021, 5, 10), date(2024, 5, 9), "evaluation")  # Example B


def test_no_certificate_means_ungraded(hubei):
    status = grade_status(None, date(2024, 1, 1), False, hubei)
    assert status.state is GradeState.UNGRADED and not status.in_force and status.level is None


def test_example_b_validity_recheck_year_and_promotion(hubei):
    """Example B: valid through 2024-05-09, recheck year 2024, promotion from 2022-05-10 (ARC-3.2, ARC-11.2)."""
    early = grade_status(SECOND_2021, date(2022, 1, 15), False, hubei)
    assert early.state is GradeState.GRADED
    assert early.recheck_due_year == 2024 and not early.recheck_due
    assert early.promotion_eligible_from == date(2022, 5, 10) and not early.promotion_eligible
    later = grade_status(SECOND_2021, date(2023, 1, 15), False, hubei)
    assert later.promotion_eligible
    assert grade_status(SECOND_2021, date(2024, 1, 15), False, hubei).recheck_due


def test_example_b_grade_lapses_the_day_after_validity_without_recheck(hubei):
    """GT-08, ARC-11.5: no recheck application → lapsed from 2024-05-10."""
    assert grade_status(SECOND_2021, date(2024, 5, 9), False, hubei).state is GradeState.GRADED
    lapsed = grade_status(SECOND_2021, date(2024, 5, 10), False, hubei)
    assert lapsed.state is GradeState.LAPSED and lapsed.expires_on == date(2024, 5, 10)
    assert not lapsed.in_force and not lapsed.promotion_eligible


def test_open_recheck_marks_the_grade_pending(hubei):
    """GT-05: a recheck application lodged in the expiry year."""
    status = grade_status(SECOND_2021, date(2024, 2, 1), True, hubei)
    assert status.state is GradeState.RECHECK_PENDING and status.in_force and not status.recheck_due


def test_pending_recheck_keeps_the_grade_in_force_past_expiry(hubei):
    """GT-09, GAP-4: a timely recheck application keeps the grade until the decision."""
    status = grade_status(SECOND_2021, date(2024, 8, 1), True, hubei)
    assert status.state is GradeState.RECHECK_PENDING and status.expires_on is None and status.in_force
    strict = with_switches(hubei, gap4_pending_recheck_keeps_grade=False)
    assert grade_status(SECOND_2021, date(2024, 8, 1), True, strict).state is GradeState.LAPSED


def test_failed_recheck_decided_after_expiry_lapses_at_once(hubei):
    """GT-07, GAP-5, Example E: 一级 recheck totals 86 < 90: no renewal and no downgrade to 二级."""
    first = Grade("first", date(2019, 12, 1), date(2022, 11, 30), "evaluation")
    assert grade_after_failed_recheck(hubei, first, 86.0, date(2022, 12, 5)) is None
    assert grade_status(first, date(2022, 12, 5), False, hubei).state is GradeState.LAPSED
    assert (
        grade_status(first, date(2022, 10, 1), False, hubei).state is GradeState.GRADED
    )  # decided before expiry


def test_downgrade_after_failed_recheck_is_a_switch(hubei):
    """GAP-5 policy flag: with it on, 86 ≥ 80 grants 省二级 from the decision date."""
    first = Grade("first", date(2019, 12, 1), date(2022, 11, 30), "evaluation")
    downgrading = with_switches(hubei, gap5_downgrade_on_failed_recheck=True)
    lower = grade_after_failed_recheck(downgrading, first, 86.0, date(2022, 12, 5))
    assert lower == Grade("second", date(2022, 12, 5), date(2025, 12, 4), "recheck")
    assert grade_after_failed_recheck(downgrading, first, 79.5, date(2022, 12, 5)) is None


def test_promotion_supersedes_the_lower_grade(hubei):
    """GT-03, GAP-22, Example B: 一级 certificate 2023-10-16 → valid through 2026-10-15, supersedes 二级."""
    new = grade_after_approval(hubei, SECOND_2021, "first", "evaluation", date(2023, 10, 16))
    assert new == Grade("first", date(2023, 10, 16), date(2026, 10, 15), "evaluation")
    old = superseded(SECOND_2021, date(2023, 10, 16))
    status = grade_status(old, date(2024, 1, 10), False, hubei)
    assert status.state is GradeState.SUPERSEDED and not status.recheck_due and not status.in_force


def test_passed_recheck_starts_a_new_validity_from_the_certificate(hubei):
    """GT-06, GAP-6, Example D: recheck passed 2023-07-14 → valid through 2026-07-13."""
    special = Grade("special", date(2020, 9, 1), date(2023, 8, 31), "evaluation")
    renewed = grade_after_approval(hubei, special, "special", "recheck", date(2023, 7, 14))
    assert renewed == Grade("special", date(2023, 7, 14), date(2026, 7, 13), "recheck")
    chained = grade_after_approval(
        with_switches(hubei, gap6_recheck_validity_from="previous_expiry"),
        special,
        "special",
        "recheck",
        date(2023, 7, 14),
    )
    assert (chained.valid_from, chained.valid_to) == (date(2023, 9, 1), date(2026, 8, 31))


def test_a_recheck_must_renew_the_level_held(hubei):
    with pytest.raises(ValueError):
        grade_after_approval(hubei, SECOND_2021, "first", "recheck", date(2024, 3, 1))


@pytest.mark.parametrize(("level", "reward"), [("second", False), ("first", True), ("special", True)])
def test_reward_policy_for_first_and_special_while_valid(hubei, level, reward):
    """ARC-14.1: 特级 and 一级 (incl. by recheck) while valid; 二级 is not listed."""
    grade = Grade(level, date(2021, 5, 10), date(2024, 5, 9), "evaluation")
    assert grade_status(grade, date(2022, 1, 1), False, hubei).reward_policy is reward
    assert grade_status(grade, date(2024, 6, 1), False, hubei).reward_policy is False


def test_top_level_has_no_promotion(hubei):
    special = Grade("special", date(2021, 5, 10), date(2024, 5, 9), "evaluation")
    status = grade_status(special, date(2023, 1, 1), False, hubei)
    assert status.promotion_eligible_from is None and not status.promotion_eligible


def test_the_test_province_grades_last_four_years_and_wait_two(testprov):
    grade = grade_after_approval(testprov, None, "bronze", "assessment", date(2030, 5, 10))
    assert grade.valid_to == date(2034, 5, 9)
    status = grade_status(grade, date(2031, 6, 1), False, testprov)
    assert status.promotion_eligible_from == date(2032, 5, 10) and not status.promotion_eligible
    assert status.recheck_due_year == 2034
