"""Who may apply for what (ARC-3.2, ARC-4.2–4.4, ARC-5.1–5.6, ARC-11.2; GAP-1, GAP-2, GAP-20, GAP-21)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from workflow.grading.eligibility import OrganFacts, check_application, eligible_options

from ..conftest import all_preconditions, graded_organ, with_switches


def codes(refusals):
    return [refusal.code for refusal in refusals]


def test_example_a_county_direct_organ_may_seek_first_level(hubei):
    """Example A: 二级 since 2020-03-15; applying at the start of 2022 → eligible (ARC-3.2)."""
    organ = graded_organ("county_direct", "second", date(2020, 3, 15), date(2023, 3, 14))
    assert (
        check_application(hubei, organ, "first", "evaluation", all_preconditions(hubei), date(2022, 1, 10))
        == []
    )


def test_example_b_promotion_waits_for_the_2023_round(hubei):
    """Example B, ARC-3.2, GAP-2: certificate 2021-05-10 → the 2022 round is too early, 2023 is fine."""
    organ = graded_organ("county_direct", "second", date(2021, 5, 10), date(2024, 5, 9))
    refusals = check_application(
        hubei, organ, "first", "evaluation", all_preconditions(hubei), date(2022, 1, 15)
    )
    assert codes(refusals) == ["promotion_wait_not_elapsed"]
    assert (
        refusals[0].rule == "ARC-3.2"
        and "2022-05-10" in refusals[0].message
        and "第三条" in refusals[0].message
    )
    assert (
        check_application(hubei, organ, "first", "evaluation", all_preconditions(hubei), date(2023, 1, 15))
        == []
    )


def test_gap2_alternative_defers_the_wait_to_approval(hubei):
    """GAP-2 switch: measured at approval, the 2022 application is accepted (approval is checked later)."""
    organ = graded_organ("county_direct", "second", date(2021, 5, 10), date(2024, 5, 9))
    ruleset = with_switches(hubei, gap2_promotion_wait_measured_at="approval")
    assert (
        check_application(ruleset, organ, "first", "evaluation", all_preconditions(hubei), date(2022, 1, 15))
        == []
    )


def test_example_c_city_direct_organ_with_system_task_may_seek_special(hubei):
    """Example C: 一级 from 2021-11-20 with a system-guidance task; start of 2023 → eligible (ARC-3.2, ARC-4.2)."""
    organ = graded_organ("city_direct", "first", date(2021, 11, 20), date(2024, 11, 19), guidance=True)
    assert (
        check_application(hubei, organ, "special", "evaluation", all_preconditions(hubei), date(2023, 1, 10))
        == []
    )


def test_special_needs_a_system_guidance_task_unless_overridden(hubei):
    """ARC-4.2, GAP-20: 「主要是」 as a manual override flag."""
    organ = graded_organ("city_direct", "first", date(2021, 11, 20), date(2024, 11, 19), guidance=False)
    refusals = check_application(
        hubei, organ, "special", "evaluation", all_preconditions(hubei), date(2023, 1, 10)
    )
    assert codes(refusals) == ["not_a_candidate"] and refusals[0].rule == "ARC-4.2"
    overridden = replace(organ, special_candidate_override=True)
    assert (
        check_application(
            hubei, overridden, "special", "evaluation", all_preconditions(hubei), date(2023, 1, 10)
        )
        == []
    )


def test_township_organs_are_not_special_candidates(hubei):
    """ARC-4.2, GAP-20 (rows 4 and 8)."""
    organ = graded_organ("township", "first", date(2021, 1, 5), date(2024, 1, 4), guidance=True)
    refusals = check_application(
        hubei, organ, "special", "evaluation", all_preconditions(hubei), date(2023, 1, 10)
    )
    assert codes(refusals) == ["not_a_candidate"] and "第四条" in refusals[0].message
    assert "GAP" not in refusals[0].message  # the message quotes the article; gap ids are for the help page


def test_example_f_recent_security_incident_blocks_until_2025(hubei):
    """Example F, ARC-5.5, GAP-21: damage on 2022-08-15 blocks the 2024 round; 2025 is clear."""
    organ = graded_organ("county_direct", None, incidents=(date(2022, 8, 15),))
    refusals = check_application(
        hubei, organ, "second", "evaluation", all_preconditions(hubei), date(2024, 1, 10)
    )
    assert codes(refusals) == ["security_incident_within_window"]
    assert refusals[0].rule == "ARC-5.5" and "2024-08-16" in refusals[0].message
    assert (
        check_application(hubei, organ, "second", "evaluation", all_preconditions(hubei), date(2025, 1, 10))
        == []
    )


@pytest.mark.parametrize("rule", ["ARC-5.1", "ARC-5.2", "ARC-5.3", "ARC-5.4", "ARC-5.5", "ARC-5.6"])
def test_each_unconfirmed_precondition_is_refused_citing_its_rule(hubei, rule):
    """ARC-5: all six preconditions must hold."""
    organ = graded_organ("county_direct", None)
    preconditions = all_preconditions(hubei) | {rule: False}
    refusals = check_application(hubei, organ, "second", "evaluation", preconditions, date(2024, 1, 10))
    assert codes(refusals) == ["preconditions_not_met"]
    assert refusals[0].rule == rule and rule in refusals[0].message and "第五条" in refusals[0].message


def test_entry_is_always_at_the_lowest_level(hubei):
    """GAP-1, ARC-3.1 逐级晋升: an ungraded organ may not apply for 一级; with the switch off it may."""
    organ = graded_organ("county_direct", None)
    refusals = check_application(
        hubei, organ, "first", "evaluation", all_preconditions(hubei), date(2024, 1, 10)
    )
    assert codes(refusals) == ["not_eligible"] and refusals[0].rule == "ARC-3.1"
    relaxed = with_switches(hubei, gap1_entry_at_lowest_level=False)
    assert (
        check_application(relaxed, organ, "first", "evaluation", all_preconditions(hubei), date(2024, 1, 10))
        == []
    )


def test_a_lapsed_grade_counts_as_no_grade(hubei):
    """§5.2 G3 behaves as G0."""
    organ = graded_organ("county_direct", "second", date(2019, 5, 10), date(2022, 5, 9))
    assert codes(check_application(hubei, organ, "first", "evaluation", None, date(2023, 1, 10))) == [
        "not_eligible"
    ]
    assert check_application(hubei, organ, "second", "evaluation", None, date(2023, 1, 10)) == []


def test_an_organ_already_holding_the_level_rechecks_instead(hubei):
    organ = graded_organ("county_direct", "first", date(2022, 5, 10), date(2025, 5, 9))
    assert codes(check_application(hubei, organ, "second", "evaluation", None, date(2023, 1, 10))) == [
        "not_eligible"
    ]


def test_recheck_only_in_the_expiry_year_and_for_the_level_held(hubei):
    """ARC-11.2, Example E: valid through 2022-11-30 → recheck applied for in 2022."""
    organ = graded_organ("township", "first", date(2019, 12, 1), date(2022, 11, 30))
    assert (
        check_application(hubei, organ, "first", "recheck", all_preconditions(hubei), date(2022, 1, 10)) == []
    )
    early = check_application(hubei, organ, "first", "recheck", all_preconditions(hubei), date(2021, 1, 10))
    assert codes(early) == ["recheck_not_due"] and early[0].rule == "ARC-11.2"
    wrong_level = check_application(
        hubei, organ, "second", "recheck", all_preconditions(hubei), date(2022, 1, 10)
    )
    assert codes(wrong_level) == ["not_eligible"]


def test_eligible_options_lists_every_level_and_kind(hubei):
    """Example A's organ in 2022: 一级 evaluation and nothing else."""
    organ = graded_organ("county_direct", "second", date(2020, 3, 15), date(2023, 3, 14))
    options = eligible_options(hubei, organ, date(2022, 1, 10))
    assert [(level, kind) for level, kind, refusals in options if not refusals] == [("first", "evaluation")]
    assert len(options) == 6


def test_the_test_province_steps_through_four_levels(testprov):
    organ = OrganFacts("provincial", False, None, ())
    assert [
        (level, kind)
        for level, kind, refusals in eligible_options(testprov, organ, date(2030, 2, 15))
        if not refusals
    ] == [("bronze", "assessment")]
