"""Cases walked through the real services for the service, API, page and sheet tests (never by setting ``.state``).

Each step is `webapp.grading.services.cases`, so permissions, guards and audit rows are the real ones. Call inside an app
context on top of the ``demo`` fixture. Dates: TODAY = 2027-01-05 (application window); a 7-day notice started on
TODAY runs to 01-11 and may be closed from 01-12 (ARC-10.3.2, GAP-10).

`walk` is the one walker; a `Route` names what the test modules' walks differ in (when the materials go in, when
and on which day the panel is formed, the pre-check opinion, the review and approval days), so each module keeps
the cases, dates and states its assertions were written against.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from io import BytesIO
from typing import Any

import sqlalchemy as sa
from werkzeug.datastructures import FileStorage

from tests.factories import TODAY, make_organ, make_user
from webapp.core.extensions import db
from webapp.core.models import AuditEvent, Organisation, Role, User, UserRole
from webapp.grading.models import Case, Grade
from webapp.grading.services import attachments, cases
from webapp.grading.services import panel as panel_service

PRECONDITIONS = {f"ARC-5.{n}": True for n in range(1, 7)}
NOTICE_OVER = TODAY + timedelta(days=7)
MATERIALS = ("application_form", "self_check_sheet", "acceptance_report", "integrity_notice")
PDF = b"%PDF-1.4 demo"


def user(username: str) -> User:
    found = db.session.scalar(sa.select(User).where(User.username == username))
    assert found is not None, username
    return found


def org(code: str) -> Organisation:
    found = db.session.scalar(sa.select(Organisation).where(Organisation.code == code))
    assert found is not None, code
    return found


def case(case_id: int) -> Case:
    """The case as the database holds it now (the session is expired first)."""
    db.session.expire_all()
    found = db.session.get(Case, case_id)
    assert found is not None
    return found


def events_of(case_id: int) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.about("case", case_id)).order_by(AuditEvent.seq)
        )
    )


def event_count(case_id: int | None = None) -> int:
    """Audit rows of one case, or of all cases."""
    stmt = sa.select(sa.func.count(AuditEvent.id))
    if case_id is not None:
        stmt = stmt.where(AuditEvent.about("case", case_id))
    else:  # the cases' trails, not the people's (a refusal goes on the refused person's trail)
        stmt = stmt.where(AuditEvent.subject_type == "case")
    return db.session.scalar(stmt) or 0


def bureau_user(org_id: int | None, role: str = Role.BUREAU_STAFF) -> User:
    """The first user of a bureau holding a function (staff acts, the head approves)."""
    assert org_id is not None
    found = db.session.scalar(
        sa.select(User)
        .join(UserRole, UserRole.user_id == User.id)
        .where(User.organisation_id == org_id, UserRole.role == role)
        .order_by(User.id)
    )
    assert found is not None, (org_id, role)
    return found


def _actor(who: str | User) -> User:
    return user(who) if isinstance(who, str) else who


def upload(who: str | User, case_id: int, kind: str, data: bytes = PDF, *, today: date = TODAY) -> None:
    file = FileStorage(BytesIO(data), filename=f"{kind}.pdf", content_type="application/pdf")
    attachments.upload_attachment(_actor(who), case_id, kind, file, today=today)


def fire(who: str | User, case_id: int, event: str, *, today: date = TODAY, **kwargs: Any) -> Case:
    return cases.fire_event(_actor(who), case_id, event, today=today, **kwargs)


def reviewers(*numbers: int) -> list[str]:
    return [f"reviewer-{n}" for n in numbers]


def unit_user(org_code: str) -> str:
    """A new applicant account for a demo organ without one (e.g. 夷陵区龙泉镇人民政府 ``yc-yl-lqz``)."""
    applicant = make_user(org(org_code), Role.UNIT_APPLICANT, username=f"unit-{org_code}")
    db.session.commit()
    return applicant.username


def new_organ(parent_code: str, tier: str = "county_direct", *, username: str, **kwargs: Any) -> Organisation:
    """An extra organ with one applicant account (so one organ can hold one running case per test)."""
    organ = make_organ(org(parent_code), tier, **kwargs)
    make_user(organ, Role.UNIT_APPLICANT, username=username)
    db.session.commit()
    return organ


def give_grade(organ: Organisation | str, level: str, valid_from: date, valid_to: date, number: str) -> Grade:
    """A certificate (evaluation) for an organ or an organ code, e.g. a 省一级 organ due for recheck in 2027."""
    grade = Grade(
        organ=org(organ) if isinstance(organ, str) else organ,
        level=level,
        valid_from=valid_from,
        valid_to=valid_to,
        certificate_kind="evaluation",
        certificate_no=number,
    )
    db.session.add(grade)
    db.session.commit()
    return grade


#: the states `walk` can stop at, in order; ``panel`` = in review with the panel formed
STATES = (
    "draft",
    "applied",
    "forwarded",
    "planned",
    "acceptance_requested",
    "prechecking",
    "in_notice",
    "in_review",
    "panel",
    "awaiting_approval",
    "approved",
)


@dataclass(frozen=True)
class Route:
    """What the walks of the different test modules differ in (see the module docstring)."""

    #: the default panel, from the case and the panel the caller gave (or None)
    panel: Callable[[Case, list[str] | None], list[str]]
    #: materials uploaded right after opening (``open``, before a draft stops) or just before ``apply``; every
    #: other material goes in just before ``request_acceptance``
    uploads: Mapping[str, tuple[str, ...]]
    #: form the panel on TODAY right after the pre-check (lead left to the service), not after the notice
    panel_in_notice: bool = False
    #: pass the pre-check with ``notice_start=TODAY`` (else the service's default)
    notice_start: bool = True
    opinion: str = "材料齐全，同意公示。"
    review_day: date = NOTICE_OVER
    approve_day: date = NOTICE_OVER


def declare_all(case_id: int, *, today: date = TODAY) -> None:
    """Every panel member declares no conflict of interest (回避声明), as each must before scoring."""
    for member in case(case_id).panel:
        if member.declaration is None:
            panel_service.declare(member.user, case_id, conflict=False, confirmed=True, today=today)


def walk(
    unit: str,
    route: Route,
    *,
    to: str,
    level: str = "second",
    kind: str = "evaluation",
    panel: list[str] | None = None,
    score: float,
    staff: str | None = None,
    head: str | None = None,
    approve_on: date | None = None,
) -> int:
    """Open a case for ``unit``'s organ and take it to ``to`` (one of `STATES`); returns the case id.

    The bureau acting at each step is the one the case names (forwarder, planner, pre-checker, organiser, approver),
    its first staff member or head, unless ``staff``/``head`` name the accounts. A forwarded case stops at
    ``applied`` before it is forwarded; one the review does not send for approval stops after the review.
    """
    assert to in STATES, to
    stop = STATES.index(to)

    def reached(state: str) -> bool:
        return stop <= STATES.index(state)

    def acting(org_id: int | None) -> User:
        return user(staff) if staff else bureau_user(org_id)

    case_id = cases.open_case(user(unit), level=level, kind=kind, preconditions=PRECONDITIONS, today=TODAY).id
    for material in route.uploads.get("open", ()):
        upload(unit, case_id, material)
    if to == "draft":
        return case_id
    for material in route.uploads.get("apply", ()):
        upload(unit, case_id, material)
    fire(unit, case_id, "apply")
    if to == "applied":
        return case_id
    opened = case(case_id)
    assert to != "forwarded" or opened.forwarder_id is not None, "this case is not forwarded"
    if opened.forwarder_id is not None:
        fire(acting(opened.forwarder_id), case_id, "forward")
        if reached("forwarded"):
            return case_id
    fire(acting(case(case_id).planner_id), case_id, "plan")
    if reached("planned"):
        return case_id
    early = {material for materials in route.uploads.values() for material in materials}
    for material in MATERIALS:
        if material not in early:
            upload(unit, case_id, material)
    fire(unit, case_id, "request_acceptance")
    if reached("acceptance_requested"):
        return case_id
    prechecker = acting(case(case_id).prechecker_id)
    fire(prechecker, case_id, "start_precheck")
    if reached("prechecking"):
        return case_id
    checked = case(case_id)
    if checked.prechecker_id != checked.organizer_id:
        upload(prechecker, case_id, "precheck_opinion")
    notice = {"notice_start": TODAY} if route.notice_start else {}
    fire(prechecker, case_id, "pass_precheck", opinion=route.opinion, **notice)
    organizer = acting(checked.organizer_id)
    if route.panel_in_notice:
        panel_service.set_panel(organizer, case_id, route.panel(checked, panel), today=TODAY)
        declare_all(case_id, today=TODAY)
    if reached("in_notice"):
        return case_id
    fire(organizer, case_id, "close_notice", today=NOTICE_OVER)
    if reached("in_review"):
        return case_id
    if not route.panel_in_notice:
        members = route.panel(checked, panel)
        panel_service.set_panel(organizer, case_id, members, lead=members[0], today=NOTICE_OVER)
        declare_all(case_id, today=NOTICE_OVER)
    if reached("panel"):
        return case_id
    lead = next(member.user for member in case(case_id).panel if member.is_lead)
    verdict: dict[str, Any] = {"conclusion": "pass"} if level == "special" else {"total_score": score}
    fire(lead, case_id, "conclude_review", today=route.review_day, **verdict)
    if reached("awaiting_approval") or case(case_id).state != "awaiting_approval":
        return case_id
    approver = user(head) if head else bureau_user(case(case_id).approver_id, Role.BUREAU_HEAD)
    fire(approver, case_id, "approve", today=approve_on or route.approve_day)
    return case_id
