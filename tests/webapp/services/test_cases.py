"""The case use cases: open, fire (alone and in batches), attachments, panel, objections, spot-checks, the page."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import current_app

from tests.factories import TODAY
from tests.walk import (
    NOTICE_OVER,
    PRECONDITIONS,
    event_count,
    events_of,
    give_grade,
    new_organ,
    org,
    upload,
    user,
)
from tests.walk import case as get
from tests.webapp.services.flow import APPROVAL_DAY, drive
from webapp.core.extensions import db
from webapp.core.services.audit import verify_chain
from webapp.core.services.errors import NotFound, ServiceError
from webapp.grading.models import Attachment, Case, CaseFiling, Grade, Objection
from webapp.grading.services import case_page, cases, objection_filing, panel
from webapp.grading.services.errors import BatchRefused, Refused, Stale

# -- opening ----------------------------------------------------------------------------------------------------


def test_opening_a_county_direct_second_level_case_resolves_the_county_bureau_for_every_function(ctx):
    case = cases.open_case(
        user("unit-county"), level="second", kind="evaluation", preconditions=PRECONDITIONS
    )
    county = org("yc-yl")
    assert (case.state, case.lodged_with_id, case.planner_id, case.organizer_id, case.approver_id) == (
        "draft",
        county.id,
        county.id,
        county.id,
        county.id,
    )
    assert (case.panel_min, case.panel_max, case.forwarder_id) == (3, 5, None)
    assert case.summary_to_id == org("yc").id  # GAP-19: in the city's yearly summary
    assert [(e.event, e.from_state, e.to_state, e.rule_id) for e in events_of(case.id)] == [
        ("open", None, "draft", "ARC-10.1.1")
    ]


def test_a_special_application_from_a_county_organ_is_lodged_with_the_county_and_forwarded_by_the_city(ctx):
    organ = new_organ("yc-yl", username="unit-special", has_system_guidance=True)
    give_grade(organ, "first", date(2025, 1, 10), date(2028, 1, 9), "鄂档等〔2025〕901号")
    case = cases.open_case(
        user("unit-special"), level="special", kind="evaluation", preconditions=PRECONDITIONS
    )
    assert (case.lodged_with_id, case.forwarder_id, case.prechecker_id, case.organizer_id) == (
        org("yc-yl").id,
        org("yc").id,
        org("yc").id,
        org("hb").id,
    )
    assert (case.panel_min, case.panel_max) == (7, 9)  # ARC-10.4.4


def test_a_township_cannot_open_a_special_level_case_arc_4_2(ctx):
    with pytest.raises(Refused) as refused:
        cases.open_case(user("unit-town"), level="special", kind="evaluation", preconditions=PRECONDITIONS)
    assert refused.value.code == "not_a_candidate" and refused.value.rule == "ARC-4.2"
    assert refused.value.status == 409


@pytest.mark.parametrize("username", ["county-staff", "admin", "reviewer-1"])
def test_only_organ_users_open_cases(ctx, username):
    with pytest.raises(Refused) as refused:
        cases.open_case(user(username), level="second", kind="evaluation", preconditions=PRECONDITIONS)
    assert refused.value.status == 403


def test_a_deactivated_organ_user_cannot_open_a_case(ctx):
    applicant = user("unit-county")
    applicant.active = False
    with pytest.raises(Refused) as refused:
        cases.open_case(applicant, level="second", kind="evaluation", preconditions=PRECONDITIONS)
    assert refused.value.status == 403 and refused.value.rule == "ARC-5.0"


@pytest.mark.parametrize(
    ("level", "kind", "preconditions", "field"),
    [
        ("fourth", "evaluation", {}, "level"),
        ("second", "audit", {}, "kind"),
        ("second", "evaluation", {"ARC-9.9": True}, "preconditions"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(ctx, level, kind, preconditions, field):
    with pytest.raises(ServiceError) as error:
        cases.open_case(user("unit-county"), level=level, kind=kind, preconditions=preconditions)
    assert error.value.field == field and error.value.code == "invalid_input"
    assert db.session.scalar(sa.select(sa.func.count(Case.id))) == 0


def test_an_organ_runs_one_case_at_a_time(ctx):
    drive("unit-county", to="draft")
    with pytest.raises(Refused) as refused:
        cases.open_case(user("unit-county"), level="second", kind="evaluation", preconditions=PRECONDITIONS)
    assert refused.value.code == "case_already_open"


# -- firing -----------------------------------------------------------------------------------------------------


def test_applying_without_confirming_a_precondition_is_refused_citing_it_arc_5(ctx):
    case = cases.open_case(
        user("unit-county"),
        level="second",
        kind="evaluation",
        preconditions={**PRECONDITIONS, "ARC-5.3": False},
    )
    with pytest.raises(Refused) as refused:
        cases.fire_event(user("unit-county"), case.id, "apply", today=TODAY)
    assert (refused.value.code, refused.value.rule) == ("preconditions_not_met", "ARC-5.3")
    assert get(case.id).state == "draft" and len(events_of(case.id)) == 1


def test_applying_outside_the_window_is_refused_arc_10_1_1(ctx):
    case_id = drive("unit-county", to="draft")
    with pytest.raises(Refused) as refused:
        cases.fire_event(user("unit-county"), case_id, "apply", today=date(2027, 4, 1))
    assert (refused.value.code, refused.value.rule) == ("outside_application_window", "ARC-10.1.1")


def test_an_ungraded_organ_cannot_apply_for_first_level_step_by_step_arc_3_1(ctx):
    case = cases.open_case(user("unit-county"), level="first", kind="evaluation", preconditions=PRECONDITIONS)
    with pytest.raises(Refused) as refused:
        cases.fire_event(user("unit-county"), case.id, "apply", today=TODAY)
    assert refused.value.rule == "ARC-3.1"


def test_requesting_acceptance_needs_the_three_attachments_arc_10_1_4(ctx):
    case = cases.open_case(
        user("unit-county"), level="second", kind="evaluation", preconditions=PRECONDITIONS
    )
    upload("unit-county", case.id, "application_form")
    cases.fire_event(user("unit-county"), case.id, "apply", today=TODAY)
    cases.fire_event(user("county-staff"), case.id, "plan", today=TODAY)
    with pytest.raises(Refused) as refused:
        cases.fire_event(user("unit-county"), case.id, "request_acceptance", today=TODAY)
    assert (refused.value.code, refused.value.rule) == ("attachments_missing", "ARC-10.1.4")
    assert "自查评分表" in refused.value.message


def test_the_notice_cannot_close_before_seven_days_arc_10_3_2(ctx):
    case_id = drive("unit-county", to="in_notice")
    with pytest.raises(Refused) as refused:
        cases.fire_event(user("county-staff"), case_id, "close_notice", today=NOTICE_OVER.replace(day=11))
    assert (refused.value.code, refused.value.rule, refused.value.status) == (
        "notice_period_not_elapsed",
        "ARC-10.3.2",
        409,
    )
    assert "2027-01-12" in refused.value.message


def test_a_bureau_without_the_function_is_forbidden_and_an_outsider_sees_nothing(ctx):
    case_id = drive("unit-county", to="applied")
    with pytest.raises(Refused) as refused:
        cases.fire_event(user("city-staff"), case_id, "plan", today=TODAY)
    assert (refused.value.status, refused.value.rule) == (403, "ARC-9.6")
    with pytest.raises(NotFound):
        cases.fire_event(user("unit-city"), case_id, "withdraw", today=TODAY)
    assert get(case_id).state == "applied"


def test_bureau_staff_cannot_approve_only_the_head_can_arc_10_5_2(ctx):
    case_id = drive("unit-county", to="awaiting_approval")
    with pytest.raises(Refused) as refused:
        cases.fire_event(user("county-staff"), case_id, "approve", today=APPROVAL_DAY)
    assert refused.value.code == "forbidden"
    cases.fire_event(user("county-head"), case_id, "approve", today=APPROVAL_DAY)
    assert get(case_id).state == "approved"


def test_a_stale_expected_version_is_refused_as_stale(ctx):
    case_id = drive("unit-county", to="applied")
    version = get(case_id).version_id
    cases.fire_event(user("county-staff"), case_id, "plan", today=TODAY, expected_version=version)
    with pytest.raises(Stale) as stale:
        cases.fire_event(user("unit-county"), case_id, "withdraw", today=TODAY, expected_version=version)
    assert (stale.value.code, stale.value.status) == ("stale", 409)
    assert get(case_id).state == "planned"


def test_a_concurrent_update_is_refused_as_stale_and_nothing_is_written(ctx):
    case_id = drive("unit-county", to="applied")
    case = db.session.get(Case, case_id)
    assert case is not None
    before = event_count()
    # someone else's UPDATE bumps the version behind this session's back
    db.session.execute(
        sa.update(Case).where(Case.id == case_id).values(version_id=Case.version_id + 1),
        execution_options={"synchronize_session": False},
    )
    with pytest.raises(Stale):
        cases.fire_event(user("county-staff"), case_id, "plan", today=TODAY)
    assert get(case_id).state == "applied" and event_count() == before


def test_a_failing_side_effect_rolls_the_whole_event_back(ctx, monkeypatch):
    case_id = drive("unit-county", to="awaiting_approval")
    before = event_count()

    def boom(*args, **kwargs):
        raise RuntimeError("printer on fire")

    monkeypatch.setattr(cases, "_grant", boom)
    with pytest.raises(RuntimeError):
        cases.fire_event(user("county-head"), case_id, "approve", today=APPROVAL_DAY)
    assert get(case_id).state == "awaiting_approval" and event_count() == before
    assert db.session.scalar(sa.select(Grade).where(Grade.case_id == case_id)) is None


@pytest.mark.parametrize("one_writer", [False, True], ids=["rows-locked", "database-locked"])
def test_the_answer_reads_the_case_as_the_approval_leaves_it_inside_or_after_the_commit(
    ctx, monkeypatch, one_writer
):
    """ARC-9.3: an approval with an answer (the API's, issue 12). Where writes lock rows (PostgreSQL) the answer
    is read inside the transaction: one that fails rolls the whole approval back. Where a write locks the database
    (SQLite) it is read after the commit, so the approval stands whatever the answer does. Either way the answer
    sees the grade and the timeline the approval wrote."""
    monkeypatch.setattr(cases, "one_writer_at_a_time", lambda: one_writer)
    case_id = drive("unit-county", to="awaiting_approval")
    before = event_count()

    def fails(case: Case) -> None:
        raise NotFound("案件不存在或您无权查看。")

    with pytest.raises(NotFound):
        cases.fire_event(user("county-head"), case_id, "approve", today=APPROVAL_DAY, answer=fails)
    granted = db.session.scalar(sa.select(sa.func.count(Grade.id)).where(Grade.case_id == case_id))
    if one_writer:
        assert get(case_id).state == "approved" and event_count() == before + 1 and granted == 1
        return
    assert get(case_id).state == "awaiting_approval" and event_count() == before and granted == 0
    db.session.remove()

    def read(case: Case) -> tuple[str, int, int]:
        view = case_page.case_view(user("county-head"), case_id, today=APPROVAL_DAY)
        grades = db.session.scalar(sa.select(sa.func.count(Grade.id)).where(Grade.case_id == case_id))
        return view.case.state, grades or 0, len(view.timeline)

    state, grades, timeline = cases.fire_event(
        user("county-head"), case_id, "approve", today=APPROVAL_DAY, answer=read
    )
    assert (state, grades, timeline) == ("approved", 1, len(events_of(case_id)))
    assert get(case_id).state == "approved" and event_count() == before + 1


def test_conclude_review_needs_a_score_for_scored_levels_and_a_pass_line_decides(ctx):
    case_id = drive("unit-county", to="in_review")
    lead = next(m.user for m in get(case_id).panel if m.is_lead)
    with pytest.raises(Refused) as refused:
        cases.fire_event(lead, case_id, "conclude_review", today=NOTICE_OVER)
    assert (refused.value.code, refused.value.rule) == ("review_result_missing", "ARC-10.4.5")
    with pytest.raises(ServiceError) as error:
        cases.fire_event(lead, case_id, "conclude_review", today=NOTICE_OVER, total_score="eighty")
    assert error.value.field == "total_score"
    assert get(case_id).total_score is None
    cases.fire_event(lead, case_id, "conclude_review", today=NOTICE_OVER, total_score=79.5)
    assert (get(case_id).state, float(get(case_id).total_score)) == ("rejected", 79.5)  # ARC-7.2: line 80
    assert events_of(case_id)[-1].rule_id == "ARC-7.2"


def test_only_the_panel_lead_concludes_the_review(ctx):
    case_id = drive("unit-county", to="in_review")
    member = next(m.user for m in get(case_id).panel if not m.is_lead)
    with pytest.raises(Refused) as refused:
        cases.fire_event(member, case_id, "conclude_review", today=NOTICE_OVER, total_score=90)
    assert refused.value.code == "forbidden"


# -- approval side effects (CT-19) -------------------------------------------------------------------------------


def test_approval_grants_the_grade_numbers_the_certificate_and_the_letter(ctx):
    case_id = drive("unit-county", to="approved")
    case = get(case_id)
    grade = db.session.scalar(sa.select(Grade).where(Grade.case_id == case_id))
    assert (grade.level, grade.valid_from, grade.valid_to) == ("second", APPROVAL_DAY, date(2030, 1, 13))
    assert case.certificate_no == grade.certificate_no == "鄂档证〔2027〕0001号"
    assert case.letter_no == "夷档函〔2027〕1号"
    assert case.decided_on == APPROVAL_DAY
    assert verify_chain("case", case_id).ok


def test_letter_and_certificate_numbers_run_on_per_year(ctx):
    first = drive("unit-county", to="approved")
    second = drive("unit-town", to="approved")
    assert get(first).letter_no == "夷档函〔2027〕1号" and get(second).letter_no == "夷档函〔2027〕2号"
    assert get(second).certificate_no == "鄂档证〔2027〕0002号"


def test_a_promotion_supersedes_the_lower_grade_gt_03(ctx):
    old = db.session.scalar(sa.select(Grade).where(Grade.organ_id == org("yc-czj").id))
    case_id = drive("unit-city", level="first", to="approved", score=92)
    new = db.session.scalar(sa.select(Grade).where(Grade.case_id == case_id))
    db.session.refresh(old)
    assert new.level == "first" and old.superseded_by_id == new.id


def test_a_special_recheck_approved_by_the_city_is_filed_with_the_province_arc_9_3(ctx):
    organ = new_organ("yc", "city_direct", username="unit-sp", has_system_guidance=True)
    old = give_grade(organ, "special", date(2024, 6, 1), date(2027, 5, 31), "鄂档等〔2024〕901号")
    case_id = drive(
        "unit-sp",
        level="special",
        kind="recheck",
        to="approved",
        panel=["reviewer-1", "reviewer-2", "reviewer-3", "reviewer-9"],
    )
    case = get(case_id)
    assert (case.state, case.approver_id) == ("approved", org("yc").id)
    filings = db.session.scalars(sa.select(CaseFiling).where(CaseFiling.case_id == case_id)).all()
    assert [(f.bureau_id, f.rule_id, f.filed_on) for f in filings] == [
        (org("hb").id, "ARC-9.3", APPROVAL_DAY)
    ]
    db.session.refresh(old)
    assert old.superseded_by_id is not None  # GT-06: the recheck certificate renews the level


def test_a_first_level_recheck_by_the_county_is_filed_with_the_city_arc_9_5(ctx):
    organ = new_organ("yc-yl", username="unit-l1")
    give_grade(organ, "first", date(2024, 9, 1), date(2027, 8, 31), "鄂档等〔2024〕902号")
    case_id = drive("unit-l1", level="first", kind="recheck", to="approved", score=93)
    case = get(case_id)
    assert case.approver_id == org("yc-yl").id
    filings = db.session.scalars(sa.select(CaseFiling).where(CaseFiling.case_id == case_id)).all()
    assert [(f.bureau_id, f.rule_id) for f in filings] == [(org("yc").id, "ARC-9.5")]


def test_a_refused_recheck_leaves_the_grade_in_force_until_it_expires_gap_5(ctx):
    organ = new_organ("yc-yl", username="unit-l2")
    grade = give_grade(organ, "second", date(2024, 9, 1), date(2027, 8, 31), "鄂档等〔2024〕903号")
    case_id = drive("unit-l2", kind="recheck", to="awaiting_approval")
    cases.fire_event(user("county-head"), case_id, "refuse", today=APPROVAL_DAY, comment="材料不实")
    db.session.refresh(grade)
    assert get(case_id).state == "rejected"
    assert (grade.superseded_by_id, grade.lapsed_on) == (None, None)


# -- batches ----------------------------------------------------------------------------------------------------


def test_a_batch_plans_every_case_or_none_and_names_each_refusal(ctx):
    first, second = drive("unit-county"), drive("unit-town")
    cases.fire_event(user("county-staff"), first, "plan", today=TODAY)
    before = event_count()
    with pytest.raises(BatchRefused) as refused:
        cases.batch_fire(user("county-staff"), [first, second], "plan", today=TODAY)
    assert set(refused.value.refusals) == {first}
    assert refused.value.refusals[first].code == "invalid_transition"
    assert get(second).state == "applied" and event_count() == before
    done = cases.batch_fire(user("county-staff"), [second], "plan", today=TODAY, comment="2027年度计划")
    assert [c.state for c in done] == ["planned"]


def test_a_batch_publishes_a_notice_list_with_one_start_date(ctx):
    ids = [drive("unit-county", to="prechecking"), drive("unit-town", to="prechecking")]
    cases.batch_fire(
        user("county-staff"),
        ids,
        "pass_precheck",
        today=TODAY,
        notice_start=date(2027, 1, 6),
        opinion="同意公示",
    )
    assert [(get(i).state, get(i).notice_start, get(i).precheck_opinion) for i in ids] == [
        ("in_notice", date(2027, 1, 6), "同意公示")
    ] * 2


# -- attachments, panel, spot-check -----------------------------------------------------------------------------


def test_an_upload_is_stored_under_a_derived_name_and_audited(ctx):
    case_id = drive("unit-county", to="draft")
    attachment = db.session.scalars(sa.select(Attachment).where(Attachment.case_id == case_id)).first()
    path = Path(current_app.config["UPLOAD_FOLDER"]) / attachment.stored_filename
    assert path.read_bytes() == b"%PDF-1.4 demo"
    assert attachment.stored_filename.startswith(attachment.sha256[:40])
    row = events_of(case_id)[1]
    assert (row.event, row.from_state, row.to_state, row.rule_id) == (
        "upload",
        "draft",
        "draft",
        "ARC-10.1.4",
    )


def test_the_prechecker_uploads_only_its_opinion(ctx):
    case_id = drive("unit-county", to="prechecking")
    with pytest.raises(Refused):
        upload("county-staff", case_id, "application_form")
    upload("county-staff", case_id, "precheck_opinion")
    assert events_of(case_id)[-1].rule_id == "ARC-10.2.2"


def test_nothing_is_uploaded_to_a_closed_case(ctx):
    case_id = drive("unit-county", to="applied")
    cases.fire_event(user("unit-county"), case_id, "withdraw", today=TODAY)
    with pytest.raises(Refused) as refused:
        upload("unit-county", case_id, "other")
    assert refused.value.code == "case_closed"


def test_the_panel_size_follows_the_authority_row_arc_10_4_3(ctx):
    case_id = drive("unit-town", to="prechecking")
    cases.fire_event(user("county-staff"), case_id, "pass_precheck", today=TODAY, opinion="同意公示。")
    with pytest.raises(Refused) as refused:
        panel.set_panel(user("county-staff"), case_id, ["reviewer-1", "reviewer-2", "reviewer-4"])
    assert (refused.value.code, refused.value.rule) == ("panel_size_out_of_range", "ARC-10.4.3")
    assert get(case_id).panel == []


def test_a_reviewer_from_the_applicant_organ_is_refused(ctx):
    organ = org("yc-yl-czj")
    from tests.factories import make_user

    make_user(organ, "reviewer", username="insider")
    db.session.commit()
    case_id = drive("unit-county", to="prechecking")
    cases.fire_event(user("county-staff"), case_id, "pass_precheck", today=TODAY, opinion="同意公示。")
    with pytest.raises(Refused) as refused:
        panel.set_panel(user("county-staff"), case_id, ["reviewer-1", "reviewer-2", "insider"])
    assert refused.value.code == "reviewer_conflict"


def test_a_panel_needs_reviewers_and_names_the_lead(ctx):
    case_id = drive("unit-county", to="prechecking")
    cases.fire_event(user("county-staff"), case_id, "pass_precheck", today=TODAY, opinion="同意公示。")
    with pytest.raises(ServiceError) as error:
        panel.set_panel(user("county-staff"), case_id, ["reviewer-1", "reviewer-2", "county-head"])
    assert error.value.field == "reviewers"
    panel.set_panel(
        user("county-staff"), case_id, ["reviewer-1", "reviewer-2", "reviewer-4"], lead="reviewer-4"
    )
    assert [m.user.username for m in get(case_id).panel if m.is_lead] == ["reviewer-4"]
    with pytest.raises(Refused):
        panel.set_panel(user("city-staff"), case_id, ["reviewer-1", "reviewer-2", "reviewer-4"])


# -- objections (GAP-9) -----------------------------------------------------------------------------------------


def test_an_objection_gets_a_reference_and_moves_the_case_to_objection_review(ctx):
    case_id = drive("unit-county", to="in_notice")
    first = objection_filing.submit_objection(case_id, content="档案室面积不达标", name="张三", today=TODAY)
    second = objection_filing.submit_objection(case_id, content="另一条意见", today=TODAY)
    assert (first.reference, second.reference) == ("GS-2027-0001", "GS-2027-0002")
    trail = events_of(case_id)
    assert [(e.event, e.to_state, e.actor_name) for e in trail[-2:]] == [
        ("object", "objection_review", "社会公众"),
        ("objection_received", "objection_review", "社会公众"),
    ]


def test_dismissing_objections_one_by_one_returns_to_the_notice_only_after_the_last(ctx):
    case_id = drive("unit-county", to="in_notice")
    a = objection_filing.submit_objection(case_id, content="一", today=TODAY)
    b = objection_filing.submit_objection(case_id, content="二", today=TODAY)
    objection_filing.handle_objection(user("county-staff"), a.id, "dismiss", note="经核实不成立", today=TODAY)
    assert get(case_id).state == "objection_review"
    objection_filing.handle_objection(user("county-staff"), b.id, "dismiss", note="经核实不成立", today=TODAY)
    assert get(case_id).state == "in_notice"
    assert {o.status for o in db.session.scalars(sa.select(Objection))} == {"dismissed"}
    cases.fire_event(user("county-staff"), case_id, "close_notice", today=NOTICE_OVER)
    assert get(case_id).state == "in_review"


def test_an_upheld_objection_returns_the_case_for_completion(ctx):
    case_id = drive("unit-county", to="in_notice")
    objection = objection_filing.submit_objection(case_id, content="材料不实", today=TODAY)
    with pytest.raises(ServiceError):
        objection_filing.handle_objection(user("county-staff"), objection.id, "uphold", note="", today=TODAY)
    with pytest.raises(Refused):
        objection_filing.handle_objection(
            user("city-staff"), objection.id, "uphold", note="越权", today=TODAY
        )
    objection_filing.handle_objection(
        user("county-staff"), objection.id, "uphold", note="属实，退回补充", today=TODAY
    )
    assert get(case_id).state == "returned"
    assert db.session.get(Objection, objection.id).status == "upheld"


def test_an_objection_outside_the_notice_period_is_refused(ctx):
    case_id = drive("unit-county", to="in_notice")
    with pytest.raises(Refused) as refused:
        objection_filing.submit_objection(case_id, content="太晚了", today=NOTICE_OVER)
    assert refused.value.rule == "ARC-10.3.2"
    with pytest.raises(NotFound):
        objection_filing.submit_objection(drive("unit-town"), content="不在公示中", today=TODAY)


# -- the case page ----------------------------------------------------------------------------------------------


def test_the_organizer_sees_close_notice_disabled_with_the_rule(ctx):
    case_id = drive("unit-county", to="in_notice")
    view = case_page.case_view(user("county-staff"), case_id, today=TODAY)
    close = next(a for a in view.actions if a.event == "close_notice")
    assert not close.allowed and close.rule == "ARC-10.3.2"
    assert view.notice["last_day"] == date(2027, 1, 11) and view.notice["may_close_on"] == date(2027, 1, 12)
    assert view.abilities["set_panel"] and not view.abilities["spot_check"]
    assert view.diagram.startswith("<svg") and "公示中" in view.diagram


def test_an_upper_bureau_reads_without_actions_and_is_told_why(ctx):
    case_id = drive("unit-county", to="in_notice")
    view = case_page.case_view(user("city-staff"), case_id, today=TODAY)
    assert view.actions == [] and view.functions == frozenset()
    assert "ARC-9.6" in view.read_only_reason and view.abilities["spot_check"]


def test_the_page_lists_the_basis_documents_arc_10_5_1(ctx):
    case_id = drive("unit-county", to="awaiting_approval")
    view = case_page.case_view(user("county-head"), case_id, today=APPROVAL_DAY)
    assert [d.present for d in view.basis_documents] == [True] * 5
    assert [a.event for a in view.actions if a.allowed] == ["approve", "refuse"]


@pytest.mark.parametrize("username", ["unit-city", "admin", "reviewer-9", "county-staff"])
def test_the_page_is_not_found_for_those_who_may_not_see_it(ctx, username):
    case_id = drive("unit-county", to="draft")  # a draft is the organ's own, bureaus included
    with pytest.raises(NotFound):
        case_page.case_view(user(username), case_id)


def test_the_audit_chain_verifies_after_a_full_walk(ctx):
    case_id = drive("unit-county", to="approved")
    check = verify_chain("case", case_id)
    assert check.ok and check.checked == len(events_of(case_id)) >= 14
    assert all(e.rule_id for e in events_of(case_id))
