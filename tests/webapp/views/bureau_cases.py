"""Cases for the bureau page tests, driven through the services (never by setting ``.state``).

Call inside an app context on top of the ``demo`` fixture, e.g. ``drive("unit-county", to="in_notice")``.
Every step goes through `webapp.services.cases`, so permissions, guards and audit rows are the real ones.
"""

from __future__ import annotations

from datetime import date, timedelta
from io import BytesIO

import sqlalchemy as sa
from werkzeug.datastructures import FileStorage

from tests.factories import TODAY, make_user
from webapp.extensions import db
from webapp.models import Case, CaseEvent, Grade, Organisation, Role, User, UserRole
from webapp.services import cases

PRECONDITIONS = {f"ARC-5.{n}": True for n in range(1, 7)}
#: the day a 7-day notice started on TODAY may be closed (ARC-10.3.2, GAP-10: 01-05 … 01-11, close from 01-12)
NOTICE_OVER = TODAY + timedelta(days=7)
#: states in the order `drive` reaches them
ORDER = (
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


def user(username: str) -> User:
    found = db.session.scalar(sa.select(User).where(User.username == username))
    assert found is not None, username
    return found


def org(code: str) -> Organisation:
    found = db.session.scalar(sa.select(Organisation).where(Organisation.code == code))
    assert found is not None, code
    return found


def bureau_user(org_id: int | None, role: str = Role.BUREAU_STAFF) -> User:
    """A user of the bureau holding a function (staff acts, the head approves)."""
    assert org_id is not None
    found = db.session.scalar(
        sa.select(User)
        .join(UserRole, UserRole.user_id == User.id)
        .where(User.organisation_id == org_id, UserRole.role == role)
        .order_by(User.id)
    )
    assert found is not None, (org_id, role)
    return found


def unit_user(org_code: str) -> str:
    """A new applicant account for a demo organ without one (e.g. 夷陵区龙泉镇人民政府 ``yc-yl-lqz``)."""
    applicant = make_user(org(org_code), Role.UNIT_APPLICANT, username=f"unit-{org_code}")
    db.session.commit()
    return applicant.username


def upload(actor: User, case_id: int, kind: str, today: date = TODAY) -> None:
    file = FileStorage(BytesIO(b"%PDF-1.4\n% test\n"), filename=f"{kind}.pdf", content_type="application/pdf")
    cases.upload_attachment(actor, case_id, kind, file, today=today)


def reviewers(*numbers: int) -> list[str]:
    return [f"reviewer-{n}" for n in numbers]


def get(case_id: int) -> Case:
    db.session.expire_all()
    case = db.session.get(Case, case_id)
    assert case is not None
    return case


def event_count(case_id: int | None = None) -> int:
    stmt = sa.select(sa.func.count(CaseEvent.id))
    if case_id is not None:
        stmt = stmt.where(CaseEvent.case_id == case_id)
    return db.session.scalar(stmt) or 0


def drive(
    unit: str,
    *,
    level: str = "second",
    kind: str = "evaluation",
    to: str = "applied",
    panel: list[str] | None = None,
    score: float = 92,
    approve_on: date | None = None,
) -> int:
    """Open a case for ``unit``'s organ and take it to state ``to`` (one of `ORDER`); returns the case id."""
    applicant = user(unit)
    case = cases.open_case(applicant, level=level, kind=kind, preconditions=PRECONDITIONS, today=TODAY)
    case_id = case.id
    cases.fire_event(applicant, case_id, "apply", today=TODAY)
    if to == "applied":
        return case_id
    case = get(case_id)
    if case.forwarder_id is not None:
        cases.fire_event(bureau_user(case.forwarder_id), case_id, "forward", today=TODAY)
        if to == "forwarded":
            return case_id
    cases.fire_event(bureau_user(get(case_id).planner_id), case_id, "plan", today=TODAY)
    if to == "planned":
        return case_id
    for attachment in ("application_form", "self_check_sheet", "acceptance_report", "integrity_notice"):
        upload(applicant, case_id, attachment)
    cases.fire_event(applicant, case_id, "request_acceptance", today=TODAY)
    if to == "acceptance_requested":
        return case_id
    prechecker = bureau_user(get(case_id).prechecker_id)
    cases.fire_event(prechecker, case_id, "start_precheck", today=TODAY)
    if to == "prechecking":
        return case_id
    case = get(case_id)
    if case.prechecker_id != case.organizer_id:
        upload(prechecker, case_id, "precheck_opinion")
    cases.fire_event(
        prechecker, case_id, "pass_precheck", today=TODAY, notice_start=TODAY, opinion="材料齐全，同意公示。"
    )
    if to == "in_notice":
        return case_id
    organizer = bureau_user(get(case_id).organizer_id)
    cases.fire_event(organizer, case_id, "close_notice", today=NOTICE_OVER)
    if to == "in_review":
        return case_id
    case = get(case_id)
    members = panel or reviewers(*range(1, 1 + (case.panel_min or 3)))
    cases.set_panel(organizer, case_id, members, lead=members[0], today=NOTICE_OVER)
    cases.fire_event(user(members[0]), case_id, "conclude_review", today=NOTICE_OVER, total_score=score)
    if to == "awaiting_approval":
        return case_id
    head = bureau_user(get(case_id).approver_id, Role.BUREAU_HEAD)
    cases.fire_event(head, case_id, "approve", today=approve_on or NOTICE_OVER)
    assert to == "approved", to
    return case_id


def give_grade(organ_code: str, level: str, valid_from: date, valid_to: date, number: str) -> None:
    """A certificate for an organ (tests that need, e.g., a 省一级 organ due for recheck in 2027)."""
    db.session.add(
        Grade(
            organ=org(organ_code),
            level=level,
            valid_from=valid_from,
            valid_to=valid_to,
            certificate_kind="evaluation",
            certificate_no=number,
        )
    )
    db.session.commit()
