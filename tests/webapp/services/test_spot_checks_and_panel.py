"""Spot checks record what was found (ARC-9.6); the panel's review date and each member's conflict-of-interest
declaration (回避声明), required before scoring."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.factories import TODAY
from tests.walk import NOTICE_OVER, events_of, user
from tests.walk import case as get
from tests.webapp.services.flow import drive
from webapp.core.services.errors import Conflict, ServiceError
from webapp.grading.services import panel, sheet_subject, spot_checks
from webapp.grading.services.errors import Refused
from webapp.scoring.services.scoresheets import operations

# -- spot checks (ARC-9.6) ----------------------------------------------------------------------------------------


def test_an_upper_bureau_records_the_date_outcome_and_findings_of_a_spot_check_arc_9_6(ctx):
    case_id = drive("unit-county", to="in_notice")
    check = spot_checks.record_spot_check(
        user("city-staff"),
        case_id,
        outcome="issues_found",
        findings="卷内目录缺页码",
        checked_on=TODAY,
        today=TODAY,
    )
    case = get(case_id)
    assert [(c.outcome_label, c.findings, c.checked_on) for c in case.spot_checks] == [
        ("发现问题", "卷内目录缺页码", TODAY)
    ]
    assert case.spot_check and case.state == "in_notice" and check.bureau.name == "宜昌市档案局"
    row = events_of(case_id)[-1]
    assert (row.event, row.rule_id, row.from_state, row.to_state) == (
        "spot_check",
        "ARC-9.6",
        "in_notice",
        "in_notice",
    )
    assert row.comment == f"抽查（{TODAY.isoformat()}）：发现问题。卷内目录缺页码"
    spot_checks.record_spot_check(
        user("prov-staff"), case_id, outcome="no_issue", findings="已整改", checked_on=TODAY, today=TODAY
    )
    assert len(get(case_id).spot_checks) == 2  # a second check is a second record, not an overwrite


def test_the_organizing_bureau_cannot_spot_check_its_own_case_arc_9_6(ctx):
    case_id = drive("unit-county", to="in_notice")
    with pytest.raises(Refused) as refused:
        spot_checks.record_spot_check(
            user("county-staff"), case_id, outcome="no_issue", findings="无", checked_on=TODAY, today=TODAY
        )
    assert refused.value.rule == "ARC-9.6" and get(case_id).spot_checks == []


@pytest.mark.parametrize(
    ("outcome", "findings", "days", "field"),
    [
        ("ok", "x", 0, "outcome"),
        ("no_issue", "  ", 0, "findings"),
        ("no_issue", "字" * 4001, 0, "findings"),
        ("no_issue", "x", 1, "checked_on"),  # in the future
        ("no_issue", "x", -366, "checked_on"),
    ],
)
def test_a_spot_check_with_bad_input_names_the_field_and_saves_nothing(ctx, outcome, findings, days, field):
    case_id = drive("unit-county", to="in_notice")
    with pytest.raises(ServiceError) as error:
        spot_checks.record_spot_check(
            user("city-staff"),
            case_id,
            outcome=outcome,
            findings=findings,
            checked_on=TODAY + timedelta(days=days),
            today=TODAY,
        )
    assert error.value.field == field and get(case_id).spot_checks == [] and not get(case_id).spot_check


# -- review date --------------------------------------------------------------------------------------------------


def test_the_review_date_falls_after_the_notice_and_within_the_rulesets_window_arc_10_3_2(ctx):
    case_id = drive("unit-county", to="in_notice")  # notice may close from NOTICE_OVER
    with pytest.raises(ServiceError) as error:
        panel.set_review_date(user("county-staff"), case_id, NOTICE_OVER - timedelta(days=1), today=TODAY)
    assert error.value.field == "review_date" and "公示期满后" in error.value.message
    with pytest.raises(ServiceError):
        panel.set_review_date(user("county-staff"), case_id, TODAY + timedelta(days=181), today=TODAY)
    panel.set_review_date(user("county-staff"), case_id, NOTICE_OVER + timedelta(days=2), today=TODAY)
    assert get(case_id).review_date == NOTICE_OVER + timedelta(days=2)
    assert events_of(case_id)[-1].comment == f"评审日期：{(NOTICE_OVER + timedelta(days=2)).isoformat()}"
    with pytest.raises(Refused):  # only the organizer sets it
        panel.set_review_date(user("city-staff"), case_id, NOTICE_OVER, today=TODAY)


# -- conflict-of-interest declarations ---------------------------------------------------------------------------


def _undeclared_panel_case() -> int:
    """In review; reviewer-4 (on the first panel) has declared, reviewer-1 and reviewer-2 join undeclared."""
    case_id = drive("unit-county", to="in_review")
    panel.set_panel(
        user("county-staff"), case_id, ["reviewer-1", "reviewer-2", "reviewer-4"], today=NOTICE_OVER
    )
    return case_id


def test_a_member_must_declare_no_conflict_before_scoring(ctx):
    case_id = _undeclared_panel_case()
    assert not sheet_subject.access(user("reviewer-2"), get(case_id)).edit_own_review
    assert operations.open_sheet(user("reviewer-2"), case_id, "reviewer") is None  # nothing created
    with pytest.raises(ServiceError) as error:
        panel.declare(user("reviewer-2"), case_id, conflict=False, confirmed=False, today=NOTICE_OVER)
    assert error.value.field == "confirmed"
    member = panel.declare(user("reviewer-2"), case_id, conflict=False, confirmed=True, today=NOTICE_OVER)
    assert member.declaration == "none" and member.declaration_note == panel.NO_CONFLICT_STATEMENT
    assert events_of(case_id)[-1].event == "declare_interest"
    assert operations.open_sheet(user("reviewer-2"), case_id, "reviewer") is not None
    with pytest.raises(Conflict):  # a declaration stands
        panel.declare(user("reviewer-2"), case_id, conflict=True, reason="改变主意", today=NOTICE_OVER)


def test_a_member_declaring_a_conflict_is_flagged_and_replacing_the_panel_keeps_the_others_declarations(ctx):
    case_id = _undeclared_panel_case()
    with pytest.raises(ServiceError) as error:
        panel.declare(user("reviewer-2"), case_id, conflict=True, reason=" ", today=NOTICE_OVER)
    assert error.value.field == "reason"
    panel.declare(user("reviewer-2"), case_id, conflict=True, reason="曾为该单位档案顾问", today=NOTICE_OVER)
    panel.declare(user("reviewer-1"), case_id, conflict=False, confirmed=True, today=NOTICE_OVER)
    flagged = {m.user.username: m.declaration for m in get(case_id).panel}
    assert flagged == {"reviewer-1": "none", "reviewer-2": "conflict", "reviewer-4": "none"}
    assert not sheet_subject.access(user("reviewer-2"), get(case_id)).edit_own_review
    panel.set_panel(
        user("county-staff"), case_id, ["reviewer-1", "reviewer-4", "reviewer-5"], today=NOTICE_OVER
    )
    kept = {m.user.username: m.declaration for m in get(case_id).panel}
    assert kept == {"reviewer-1": "none", "reviewer-4": "none", "reviewer-5": None}


def test_only_a_member_of_the_panel_declares(ctx):
    case_id = _undeclared_panel_case()
    with pytest.raises(ServiceError) as error:
        panel.declare(user("reviewer-9"), case_id, conflict=False, confirmed=True, today=NOTICE_OVER)
    assert error.value.status == 404
