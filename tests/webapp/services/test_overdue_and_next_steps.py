"""Overdue work flagged with its days (limits from the ruleset) and the next step named with who acts."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import current_app, g

from tests.factories import TODAY
from tests.walk import NOTICE_OVER, user
from tests.walk import case as get
from tests.webapp.services.flow import REVIEW_DAY, drive
from tests.webapp.sql_count import count_statements
from webapp.core.extensions import db
from webapp.grading.models import Case
from webapp.grading.services import next_steps, overdue, summary
from webapp.grading.services.worklist import overdue_count, worklist

APPLICANT = frozenset({"applicant"})


@pytest.fixture
def count_queries(ctx):
    """The shared statement counter (tests/webapp/sql_count) on the app of ``ctx``."""
    return lambda: count_statements(current_app._get_current_object())


def _overdue_ids(today):
    return set(db.session.scalars(sa.select(Case.id).where(overdue.overdue_condition(today))))


def test_every_transition_records_the_day_the_case_entered_its_state(ctx):
    case_id = drive("unit-county", to="awaiting_approval")
    assert get(case_id).state_since == REVIEW_DAY  # concluded on REVIEW_DAY


def test_a_case_awaiting_approval_beyond_30_days_is_flagged_with_the_days_over_arc_10_5_2(ctx):
    case_id = drive("unit-county", to="awaiting_approval")
    case = get(case_id)
    assert overdue.flag_for(case, REVIEW_DAY + timedelta(days=30)) is None
    late_day = REVIEW_DAY + timedelta(days=45)
    flag = overdue.flag_for(case, late_day)
    assert flag is not None and flag.days == 15 and flag.rule == "ARC-10.5.2"
    assert flag.text == "待审批超过30天，已超期15天"
    assert _overdue_ids(late_day) == {case_id} and _overdue_ids(REVIEW_DAY + timedelta(days=30)) == set()


def test_a_notice_still_running_three_days_after_its_last_day_is_overdue_the_day_after_arc_10_3_2(ctx):
    case_id = drive("unit-county", to="in_notice")  # published TODAY, last day TODAY+6
    last_day = TODAY + timedelta(days=6)
    assert overdue.flag_for(get(case_id), last_day + timedelta(days=3)) is None
    flag = overdue.flag_for(get(case_id), last_day + timedelta(days=4))
    assert flag.days == 1 and flag.text == "公示期满未结束公示，已超期1天"
    assert _overdue_ids(last_day + timedelta(days=4)) == {case_id}


def test_the_nav_count_is_the_overdue_work_where_the_user_acts_and_one_query(ctx, count_queries):
    case_id = drive("unit-county", to="awaiting_approval")  # the county head approves
    late_day = REVIEW_DAY + timedelta(days=31)
    head = user("county-head")
    assert head.has_role("bureau_head") and head.organisation.name  # every page loads these (the navbar)
    with count_queries() as counted:
        assert overdue_count(head, late_day) == 1
    assert counted.count == 1
    assert overdue_count(user("unit-county"), late_day) == 0  # not the unit's turn
    assert overdue_count(user("reviewer-7"), late_day) == 0
    # the worklist flags the same row, and counts it by state
    work = worklist(user("county-head"), today=late_day)
    assert [row.overdue.days for row in work.rows if row.case.id == case_id] == [1]
    assert work.overdue_counts == {"awaiting_approval": 1}


def test_the_worklist_hands_its_overdue_count_to_the_nav_bar_of_a_county_arc_10_5_2(ctx, count_queries):
    """On the "act" tab the worklist has just counted the county's overdue work (ARC-10.5.2: 30 days to
    approve); the navigation bar reads that count instead of counting again (one statement fewer)."""
    case_id = drive("unit-county", to="awaiting_approval")
    late_day = REVIEW_DAY + timedelta(days=31)
    head = user("county-head")
    app = current_app._get_current_object()
    app.config["KAOPING_TODAY"] = late_day.isoformat()
    try:
        with app.test_request_context("/bureau/"):
            g.pop("kaoping_overdue_count", None)  # the test's app context outlives each request context
            work = worklist(head)
            assert [row.overdue.days for row in work.rows if row.case.id == case_id] == [1]
            with count_queries() as counted:
                assert overdue_count(head, late_day) == 1
            assert counted.count == 0
        with app.test_request_context("/bureau/"):
            g.pop("kaoping_overdue_count", None)
            worklist(head, tab="filed")  # the tab that counts no overdue work: the nav bar counts for itself
            with count_queries() as counted:
                assert overdue_count(head, late_day) == 1
            assert counted.count == 1
    finally:
        app.config.pop("KAOPING_TODAY")


def test_a_city_bureau_counts_last_years_summary_until_it_is_submitted_arc_10_5_3(ctx):
    day = TODAY + timedelta(days=40)  # 2027-02-14: the 2026 summary was due by 2026-12-19
    assert overdue_count(user("city-staff"), day) == 1
    summary.submit_summary(user("city-staff"), 2026, today=day)
    assert overdue_count(user("city-staff"), day) == 0
    assert overdue_count(user("county-staff"), day) == 0  # county bureaus send no summary


def test_the_units_page_says_which_bureau_acts_next(ctx):
    """「等待夷陵区档案局下达考评计划」 after applying; 「请本单位…」 when it is the unit's turn (ARC-10.0)."""
    case_id = drive("unit-county", to="applied")
    step = next_steps.describe(get(case_id), APPLICANT, TODAY)
    assert step.text == "等待夷陵区档案局下达考评计划" and not step.yours and step.rule == "ARC-10.1.3"
    case_id = drive("unit-town", to="planned")
    step = next_steps.describe(get(case_id), APPLICANT, TODAY)
    assert step.yours and step.text.startswith("请本单位上传自查评分表")


def test_the_next_step_in_review_names_the_panel_lead_and_a_special_application_the_forwarder(ctx):
    case_id = drive("unit-county", to="panel")
    step = next_steps.describe(get(case_id), APPLICANT, NOTICE_OVER)
    lead = next(m.user.display_name for m in get(case_id).panel if m.is_lead)
    assert step.text == f"等待评审组（组长：{lead}）现场评审并形成评审结论"
    approved = drive("unit-town", to="approved")
    assert next_steps.describe(get(approved), APPLICANT, TODAY).finished
