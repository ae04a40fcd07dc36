"""Worklists, the public notice list, the organ overview, `tick`, the city summary and the PDF documents."""

from __future__ import annotations

import json
from datetime import date

import pytest
import sqlalchemy as sa

from tests.factories import TODAY
from tests.walk import case as get
from tests.walk import give_grade, new_organ, org, user
from tests.webapp.services.flow import APPROVAL_DAY, drive
from webapp.core.extensions import db
from webapp.core.services.errors import NotFound
from webapp.grading.models import Grade
from webapp.grading.services import cases, documents, grades, notices, objection_filing, summary, worklist
from webapp.grading.services.errors import Refused

# -- worklist ---------------------------------------------------------------------------------------------------


def test_the_county_worklist_holds_the_cases_it_acts_on_next_with_counts(ctx):
    applied = drive("unit-county")
    noticed = drive("unit-town", to="in_notice")
    draft = cases.open_case(user("unit-prov"), level="first", kind="recheck", preconditions={}).id
    work = worklist.worklist(user("county-staff"), today=TODAY)
    assert {row.case.id for row in work.rows} == {applied, noticed} and draft not in work.counts
    assert work.counts == {"applied": 1, "in_notice": 1}
    row = next(r for r in work.rows if r.case.id == applied)
    assert "planner" in row.functions and row.next_events == ("plan", "decline")
    assert [r.case.id for r in worklist.worklist(user("county-staff"), state="in_notice").rows] == [noticed]
    assert worklist.worklist(user("county-staff"), tier="township").rows[0].case.id == noticed
    assert worklist.worklist(user("county-staff"), year=2026).rows == []


def test_cases_waiting_for_the_applicant_are_not_on_the_bureau_worklist(ctx):
    drive("unit-county", to="planned")
    assert worklist.worklist(user("county-staff")).rows == []


def test_the_city_sees_county_cases_as_supervised_not_as_its_work_arc_9_6(ctx):
    case_id = drive("unit-county")
    assert worklist.worklist(user("city-staff")).rows == []
    work = worklist.worklist(user("city-staff"), tab="supervised")
    assert [c.id for c in work.supervised] == [case_id] and work.totals["supervised"] == 1
    assert [c.id for c in worklist.worklist(user("prov-staff"), tab="supervised").supervised] == [case_id]


def test_filed_cases_reach_the_receiving_bureau_arc_9_5(ctx):
    organ = new_organ("yc-yl", username="unit-l1")
    give_grade(organ, "first", date(2024, 9, 1), date(2027, 8, 31), "鄂档等〔2024〕911号")
    case_id = drive("unit-l1", level="first", kind="recheck", to="approved", score=95)
    assert [c.id for c in worklist.worklist(user("city-staff"), tab="filed").filed] == [case_id]
    assert worklist.worklist(user("city-staff")).totals["filed"] == 1  # counted, not loaded, on another tab


def test_non_bureau_users_have_an_empty_worklist(ctx):
    assert worklist.worklist(user("unit-county")).rows == []


# -- notices ----------------------------------------------------------------------------------------------------


def test_the_public_list_shows_running_notices_with_their_last_day_arc_10_3_2(ctx):
    case_id = drive("unit-county", to="in_notice")
    drive("unit-town", to="prechecking")
    [row] = notices.current_notices(today=TODAY)
    assert (row.case_id, row.organ_name, row.level_label, row.bureau_name) == (
        case_id,
        "夷陵区财政局",
        "省二级",
        "夷陵区档案局",
    )
    assert (row.start, row.last_day, row.under_objection) == (TODAY, date(2027, 1, 11), False)
    assert notices.current_notices(today=date(2027, 1, 12)) == []
    assert notices.current_notices(today=TODAY, bureau_id=org("yc").id) == []


def test_a_notice_under_objection_stays_on_the_list_gap_9(ctx):
    case_id = drive("unit-county", to="in_notice")
    objection_filing.submit_objection(case_id, content="异议", today=TODAY)
    [row] = notices.current_notices(today=date(2027, 1, 20))
    assert row.under_objection


# -- organ overview and tick -------------------------------------------------------------------------------------


def test_an_ungraded_organ_may_apply_for_second_level_only_gap_1(ctx):
    overview = grades.organ_overview(user("unit-county"), today=TODAY)
    assert overview.status.state == "ungraded" and overview.cases == []
    allowed = [(o.level, o.kind) for o in overview.options if o.allowed]
    assert allowed == [("second", "evaluation")]
    first = next(o for o in overview.options if (o.level, o.kind) == ("first", "evaluation"))
    assert first.refusals[0].rule == "ARC-3.1"


def test_the_overview_says_why_no_option_is_open_outside_the_window(ctx):
    overview = grades.organ_overview(user("unit-county"), today=date(2027, 5, 1))
    assert not any(o.allowed for o in overview.options)
    assert any(r.rule == "ARC-10.1.1" for o in overview.options for r in o.refusals)


def test_only_organ_users_have_an_overview(ctx):
    with pytest.raises(Refused):
        grades.organ_overview(user("county-staff"))


def test_tick_lapses_a_grade_past_validity_without_a_recheck_and_is_idempotent_arc_11_5(ctx):
    grade = db.session.scalar(sa.select(Grade).where(Grade.organ_id == org("yc-yl-jyj").id))
    report = grades.tick(today=date(2027, 1, 20))
    assert report.lapsed == [grade.id]
    db.session.refresh(grade)
    assert grade.lapsed_on == date(2027, 1, 20)
    assert grades.tick(today=date(2027, 1, 20)).lapsed == []


def test_tick_keeps_a_grade_whose_recheck_is_running_gap_4(ctx):
    organ = new_organ("yc-yl", username="unit-re")
    grade = give_grade(organ, "second", date(2024, 2, 1), date(2027, 1, 31), "鄂档等〔2024〕921号")
    drive("unit-re", kind="recheck", to="in_review")
    report = grades.tick(today=date(2027, 3, 1))
    assert grade.id not in report.lapsed
    db.session.refresh(grade)
    assert grade.lapsed_on is None


def test_tick_reports_organs_whose_recheck_is_due_arc_11_2(ctx):
    report = grades.tick(today=TODAY)
    assert org("hb-czt").id in report.recheck_due and report.lapsed == []
    drive("unit-prov", level="first", kind="recheck", to="applied")
    assert org("hb-czt").id not in grades.tick(today=TODAY).recheck_due


def test_kaoping_tick_prints_a_json_report(ctx, runner):
    result = runner.invoke(args=["tick", "--today", "2027-01-20"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output.strip().splitlines()[-1])
    assert report["today"] == "2027-01-20" and len(report["lapsed"]) == 1
    again = json.loads(runner.invoke(args=["tick", "--today", "2027-01-20"]).output.strip().splitlines()[-1])
    assert again["lapsed"] == []
    assert runner.invoke(args=["tick", "--today", "2027-13-01"]).exit_code != 0


# -- summary and documents ----------------------------------------------------------------------------------------


def test_the_city_summary_has_the_years_approvals_of_its_counties_gap_19(ctx):
    case_id = drive("unit-county", to="approved")
    data = summary.annual_summary(user("city-staff"), 2027)
    assert [(r.organ_name, r.approver, r.approved_on) for r in data.rows] == [
        ("夷陵区财政局", "夷陵区档案局", APPROVAL_DAY)
    ]
    assert data.rows[0].certificate_number == get(case_id).certificate_no
    assert summary.annual_summary(user("city-staff"), 2026).rows == []


@pytest.mark.parametrize("username", ["county-staff", "prov-staff", "unit-city"])
def test_only_city_bureaus_have_a_summary_arc_10_5_3(ctx, username):
    with pytest.raises(Refused) as refused:
        summary.annual_summary(user(username), 2027)
    assert refused.value.status == 403 and refused.value.rule == "ARC-10.5.3"


def test_the_letter_and_certificate_are_pdfs_once_approved(ctx):
    case_id = drive("unit-county", to="awaiting_approval")
    with pytest.raises(Refused):
        documents.confirmation_letter(user("unit-county"), case_id)
    assert documents.review_conclusion(user("county-head"), case_id).startswith(b"%PDF")
    cases.fire_event(user("county-head"), case_id, "approve", today=APPROVAL_DAY)
    for render in (documents.confirmation_letter, documents.certificate):
        assert render(user("unit-county"), case_id).startswith(b"%PDF")
    with pytest.raises(NotFound):
        documents.certificate(user("unit-city"), case_id)
