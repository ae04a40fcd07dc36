"""Overdue work: the notice left open (ARC-10.3.2), forwarding after Q1 (ARC-10.1.2), a step waiting longer than
the ruleset allows, the yearly summary after 12月19日 (ARC-10.5.3, GAP-19). Every number comes from the ruleset."""

from __future__ import annotations

import copy
import tomllib
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workflow import grading
from workflow.errors import RulesetError
from workflow.grading import deadlines
from workflow.ruleset import WAITABLE_STATES, parse_ruleset


def _case(rules, state, today, *, since=None, notice_start=None, applied_on=None, forwarding=False):
    return deadlines.case_overdue(
        rules,
        state=state,
        state_since=since,
        notice_start=notice_start,
        applied_on=applied_on,
        awaits_forwarding=forwarding,
        today=today,
    )


def test_a_notice_still_open_three_days_after_its_last_day_is_in_time_the_fourth_is_overdue_arc_10_3_2(hubei):
    """Published 2023-06-05, last day 06-11 (GAP-10); closing within 3 days (ruleset) → due 06-14."""
    start = date(2023, 6, 5)
    assert _case(hubei, "in_notice", date(2023, 6, 14), notice_start=start) is None
    late = _case(hubei, "in_notice", date(2023, 6, 16), notice_start=start)
    assert late is not None
    assert (late.kind, late.due, late.days, late.rule) == (
        "notice_not_closed",
        date(2023, 6, 14),
        2,
        "ARC-10.3.2",
    )


def test_the_test_province_counts_its_own_notice_length_and_no_grace(testprov):
    """5 days not counting the publication day, 0 days' grace: 2030-03-01 → last day 03-06, late on 03-07."""
    start = date(2030, 3, 1)
    assert _case(testprov, "in_notice", date(2030, 3, 6), notice_start=start) is None
    assert _case(testprov, "in_notice", date(2030, 3, 7), notice_start=start).days == 1


def test_a_case_awaiting_approval_longer_than_the_ruleset_allows_is_overdue_by_the_extra_days_arc_10_5_2(
    hubei,
):
    since = date(2027, 5, 1)
    assert _case(hubei, "awaiting_approval", date(2027, 5, 31), since=since) is None  # 30 days allowed
    late = _case(hubei, "awaiting_approval", date(2027, 8, 1), since=since)
    assert (late.kind, late.days, late.rule) == ("waiting", 62, "ARC-10.5.2")


def test_plan_not_issued_within_thirty_days_of_the_application_is_overdue_arc_10_1_3(hubei):
    late = _case(hubei, "applied", date(2027, 2, 5), since=date(2027, 1, 5), applied_on=date(2027, 1, 5))
    assert late.days == 1 and late.rule == "ARC-10.1.3"


def test_an_application_still_unforwarded_after_the_first_quarter_is_overdue_arc_10_1_2(hubei):
    """The 特级 application must reach the province in Q1: late counts from 31 March, not from the wait."""
    applied = date(2027, 3, 20)
    assert (
        _case(hubei, "applied", date(2027, 3, 31), since=applied, applied_on=applied, forwarding=True) is None
    )
    late = _case(hubei, "applied", date(2027, 4, 3), since=applied, applied_on=applied, forwarding=True)
    assert (late.kind, late.due, late.days, late.rule) == (
        "not_forwarded",
        date(2027, 3, 31),
        3,
        "ARC-10.1.2",
    )


def test_states_without_a_wait_and_terminal_states_are_never_overdue(hubei, testprov):
    long_ago = date(2000, 1, 1)
    for state in ("draft", "approved", "rejected", "withdrawn"):
        assert _case(hubei, state, date(2027, 1, 1), since=long_ago) is None
    assert _case(testprov, "prechecking", date(2031, 1, 1), since=long_ago) is None  # no wait in testprov


def test_the_summary_is_late_from_20_december_when_before_means_strictly_before_arc_10_5_3_gap_19(hubei):
    """「12月20日前」 read strictly: the last day in time is 12月19日."""
    assert deadlines.summary_overdue(hubei, 2027, submitted_on=None, today=date(2027, 12, 19)) is None
    late = deadlines.summary_overdue(hubei, 2027, submitted_on=None, today=date(2027, 12, 22))
    assert (late.due, late.days, late.rule) == (date(2027, 12, 19), 3, "ARC-10.5.3")
    assert (
        deadlines.summary_overdue(hubei, 2027, submitted_on=date(2027, 12, 1), today=date(2028, 1, 9)) is None
    )
    assert deadlines.submitted_late_by(hubei, 2027, date(2027, 12, 21)) == 2


def test_the_test_province_summary_deadline_includes_its_due_day(testprov):
    assert deadlines.summary_overdue(testprov, 2030, submitted_on=None, today=date(2030, 11, 30)) is None
    assert deadlines.summary_overdue(testprov, 2030, submitted_on=None, today=date(2030, 12, 1)).days == 1


@given(
    since=st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)),
    offset=st.integers(min_value=0, max_value=400),
    state=st.sampled_from(["applied", "in_review", "awaiting_approval", "prechecking"]),
)
def test_the_sql_cut_off_for_a_wait_agrees_with_the_per_case_answer(hubei, since, offset, state):
    today = since + timedelta(days=offset)
    cutoff = deadlines.wait_cutoffs(hubei, today)[state]
    assert (since < cutoff) == (_case(hubei, state, today, since=since) is not None)


@given(
    start=st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)),
    offset=st.integers(min_value=0, max_value=60),
)
def test_the_sql_cut_off_for_a_notice_agrees_with_the_per_case_answer(hubei, testprov, start, offset):
    today = start + timedelta(days=offset)
    for rules in (hubei, testprov):
        late = _case(rules, "in_notice", today, notice_start=start) is not None
        assert (start < deadlines.notice_cutoff(rules, today)) == late


@given(
    applied=st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)),
    offset=st.integers(min_value=0, max_value=500),
)
def test_the_sql_cut_off_for_forwarding_agrees_with_the_per_case_answer(hubei, applied, offset):
    today = applied + timedelta(days=offset)
    year = deadlines.forwarding_overdue_year(hubei, today)
    late = _case(hubei, "applied", today, since=applied, applied_on=applied, forwarding=True) is not None
    assert (applied < date(year, 1, 1)) == late


def test_every_waitable_state_is_a_non_terminal_state_of_the_procedure():
    assert set(WAITABLE_STATES) <= set(grading.CASE_STATES) - grading.TERMINAL_STATES


def _hubei_data() -> dict:
    path = Path(__file__).parents[3] / "config" / "rulesets" / "hubei-2011.toml"
    return tomllib.loads(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (
            lambda d: d["deadlines"]["waits"].append({"state": "approved", "days": 3, "rule": "ARC-3.1"}),
            "state",
        ),
        (lambda d: d["deadlines"]["waits"].append(dict(d["deadlines"]["waits"][0])), "state"),
        (lambda d: d["deadlines"]["waits"][0].update(days=0), "days"),
        (lambda d: d["deadlines"]["waits"][0].update(rule="ARC-99"), "rule"),
        (lambda d: d["deadlines"].update(notice_close_days=-1), "notice_close_days"),
        (lambda d: d["deadlines"].update(review_date_ahead_days=0), "review_date_ahead_days"),
        (lambda d: d["deadlines"].pop("review_date_past_days"), "review_date_past_days"),
        (lambda d: d.pop("deadlines"), "deadlines"),
    ],
)
def test_a_ruleset_with_a_bad_deadline_is_refused_naming_the_field(change, field):
    data = copy.deepcopy(_hubei_data())
    change(data)
    with pytest.raises(RulesetError) as raised:
        parse_ruleset(data, "hubei-2011.toml")
    assert field in str(raised.value)
