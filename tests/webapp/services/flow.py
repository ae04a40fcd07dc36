"""Driving cases through the services for the service and API tests (never by setting ``.state``).

Call inside an app context on top of the ``demo`` fixture. Dates: TODAY = 2027-01-05 (application window);
a notice published on TODAY may be closed from 2027-01-12 (ARC-10.3.2, GAP-10).
"""

from __future__ import annotations

from datetime import date, timedelta
from io import BytesIO

import sqlalchemy as sa
from werkzeug.datastructures import FileStorage

from tests.factories import TODAY, make_organ, make_user
from webapp.extensions import db
from webapp.models import Case, CaseEvent, Grade, Organisation, User
from webapp.services import cases

PRECONDITIONS = {f"ARC-5.{n}": True for n in range(1, 7)}
NOTICE_OVER = TODAY + timedelta(days=7)
REVIEW_DAY = NOTICE_OVER + timedelta(days=1)
APPROVAL_DAY = NOTICE_OVER + timedelta(days=2)
MATERIALS = ("application_form", "self_check_sheet", "acceptance_report", "integrity_notice")
#: a five-person panel from outside the county organs (township cases need 5–7, ARC-10.4.3)
PANEL = ["reviewer-7", "reviewer-8", "reviewer-4", "reviewer-5", "reviewer-1"]


def user(username: str) -> User:
    found = db.session.scalar(sa.select(User).where(User.username == username))
    assert found is not None, username
    return found


def org(code: str) -> Organisation:
    found = db.session.scalar(sa.select(Organisation).where(Organisation.code == code))
    assert found is not None, code
    return found


def get(case_id: int) -> Case:
    db.session.expire_all()
    case = db.session.get(Case, case_id)
    assert case is not None
    return case


def events_of(case_id: int) -> list[CaseEvent]:
    return list(
        db.session.scalars(sa.select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.seq))
    )


def event_count() -> int:
    return db.session.scalar(sa.select(sa.func.count(CaseEvent.id))) or 0


def upload(username: str, case_id: int, kind: str, content: bytes = b"%PDF-1.4 demo") -> None:
    cases.upload_attachment(
        user(username), case_id, kind, FileStorage(BytesIO(content), filename=f"{kind}.pdf")
    )


def new_organ(parent_code: str, tier: str = "county_direct", *, username: str, **kwargs) -> Organisation:
    """An extra organ with one applicant account (so one organ can hold one running case per test)."""
    organ = make_organ(org(parent_code), tier, **kwargs)
    make_user(organ, "unit_applicant", username=username)
    db.session.commit()
    return organ


def give_grade(organ: Organisation, level: str, valid_from: date, valid_to: date, number: str) -> Grade:
    grade = Grade(organ=organ, level=level, valid_from=valid_from, valid_to=valid_to, certificate_no=number)
    db.session.add(grade)
    db.session.commit()
    return grade


STEPS = (
    "applied",
    "forwarded",
    "planned",
    "acceptance_requested",
    "prechecking",
    "in_notice",
    "in_review",
    "awaiting_approval",
    "approved",
)


def drive(
    unit: str,
    *,
    level: str = "second",
    kind: str = "evaluation",
    to: str = "applied",
    staff: str | None = None,
    head: str | None = None,
    panel: list[str] | None = None,
    score: float = 85.5,
) -> int:
    """Open a case for ``unit``'s organ and drive it to state ``to`` (one of STEPS, or ``draft``)."""
    case = cases.open_case(user(unit), level=level, kind=kind, preconditions=PRECONDITIONS, today=TODAY)
    case_id = case.id
    for kind_id in MATERIALS:
        upload(unit, case_id, kind_id)
    if to == "draft":
        return case_id

    def bureau_user(org_id: int | None, role: str) -> User:
        return db.session.scalar(
            sa.select(User).where(User.organisation_id == org_id, User.username.like(f"%-{role}"))
        )

    def at(state: str) -> bool:
        return get(case_id).state == state

    cases.fire_event(user(unit), case_id, "apply", today=TODAY)
    c = get(case_id)
    if c.forwarder_id is not None:
        if to == "applied":
            return case_id
        cases.fire_event(bureau_user(c.forwarder_id, "staff"), case_id, "forward", today=TODAY)
        if to == "forwarded":
            return case_id
    if to == "applied":
        return case_id
    planner = user(staff) if staff else bureau_user(c.planner_id, "staff")
    cases.fire_event(planner, case_id, "plan", today=TODAY)
    if to == "planned":
        return case_id
    cases.fire_event(user(unit), case_id, "request_acceptance", today=TODAY)
    if to == "acceptance_requested":
        return case_id
    prechecker = user(staff) if staff else bureau_user(c.prechecker_id, "staff")
    cases.fire_event(prechecker, case_id, "start_precheck", today=TODAY)
    if to == "prechecking":
        return case_id
    if c.prechecker_id != c.organizer_id:
        upload(prechecker.username, case_id, "precheck_opinion")
    cases.fire_event(prechecker, case_id, "pass_precheck", today=TODAY, opinion="材料齐全")
    organizer = user(staff) if staff else bureau_user(c.organizer_id, "staff")
    low = c.panel_min or 3
    cases.set_panel(organizer, case_id, (panel or PANEL)[: max(low, 3)], today=TODAY)
    if to == "in_notice":
        return case_id
    cases.fire_event(organizer, case_id, "close_notice", today=NOTICE_OVER)
    if to == "in_review":
        return case_id
    lead = next(m.user for m in get(case_id).panel if m.is_lead)
    if level == "special":
        cases.fire_event(lead, case_id, "conclude_review", today=REVIEW_DAY, conclusion="pass")
    else:
        cases.fire_event(lead, case_id, "conclude_review", today=REVIEW_DAY, total_score=score)
    if to == "awaiting_approval" or not at("awaiting_approval"):
        return case_id
    approver = user(head) if head else bureau_user(c.approver_id, "head")
    cases.fire_event(approver, case_id, "approve", today=APPROVAL_DAY)
    return case_id
