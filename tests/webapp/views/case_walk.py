"""Cases for the unit, case-page, reviewer and public page tests, walked through the real services.

Never sets ``.state``: each step is `webapp.services.cases`, so permissions, guards and audit rows are the real
ones. Call inside an app context on top of the ``demo`` fixture, e.g. ``walk("unit-county", to="in_notice")``.
The demo organ 夷陵区财政局 (``unit-county``) is county-direct and ungraded, so its 省二级 evaluation is
organised, pre-checked and approved by 夷陵区档案局 (``county-staff``, ``county-head``; ARC-9.4, §6 row 19).
"""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO

import sqlalchemy as sa
from werkzeug.datastructures import FileStorage

from tests.factories import TODAY
from webapp.extensions import db
from webapp.models import Case, CaseEvent, User
from webapp.services import cases

PRECONDITIONS = {f"ARC-5.{n}": True for n in range(1, 7)}
#: a 7-day notice started on TODAY (2027-01-05) runs to 01-11 and may be closed from 01-12 (ARC-10.3.2)
NOTICE_OVER = TODAY + timedelta(days=7)
#: the panel of the county case: county-bureau reviewers first (reviewer-7 leads), none from the organ
PANEL = ["reviewer-7", "reviewer-8", "reviewer-4"]
STEPS = (
    "draft",
    "applied",
    "planned",
    "acceptance_requested",
    "prechecking",
    "in_notice",
    "in_review",
    "panel",
    "awaiting_approval",
    "approved",
)


def user(username: str) -> User:
    found = db.session.scalar(sa.select(User).where(User.username == username))
    assert found is not None, username
    return found


def case(case_id: int) -> Case:
    db.session.expire_all()
    found = db.session.get(Case, case_id)
    assert found is not None
    return found


def events(case_id: int) -> int:
    return db.session.scalar(sa.select(sa.func.count(CaseEvent.id)).where(CaseEvent.case_id == case_id)) or 0


def upload(username: str, case_id: int, kind: str, data: bytes = b"%PDF-1.4\n% kaoping test\n") -> None:
    file = FileStorage(BytesIO(data), filename=f"{kind}.pdf", content_type="application/pdf")
    cases.upload_attachment(user(username), case_id, kind, file, today=TODAY)


def walk(
    unit: str = "unit-county",
    *,
    to: str = "in_notice",
    bureau: str = "county",
    level: str = "second",
    kind: str = "evaluation",
    panel: list[str] | None = None,
    score: float = 88.5,
) -> int:
    """Open a case for ``unit``'s organ and take it to ``to`` (a `STEPS` name; ``panel`` = in review with the
    panel formed); ``bureau`` is the demo bureau prefix acting on it (``county`` → county-staff/-head)."""
    stop = STEPS.index(to)
    staff, head = f"{bureau}-staff", f"{bureau}-head"
    case_id = cases.open_case(user(unit), level=level, kind=kind, preconditions=PRECONDITIONS, today=TODAY).id
    steps = [
        lambda: (upload(unit, case_id, "application_form"), fire(unit, case_id, "apply")),
        lambda: fire(staff, case_id, "plan"),
        lambda: (
            upload(unit, case_id, "self_check_sheet"),
            upload(unit, case_id, "acceptance_report"),
            upload(unit, case_id, "integrity_notice"),
            fire(unit, case_id, "request_acceptance"),
        ),
        lambda: fire(staff, case_id, "start_precheck"),
        lambda: fire(staff, case_id, "pass_precheck", notice_start=TODAY, opinion="材料齐全，同意公示。"),
        lambda: fire(staff, case_id, "close_notice", today=NOTICE_OVER),
        lambda: cases.set_panel(
            user(staff), case_id, panel or PANEL, lead=(panel or PANEL)[0], today=NOTICE_OVER
        ),
        lambda: fire((panel or PANEL)[0], case_id, "conclude_review", today=NOTICE_OVER, total_score=score),
        lambda: fire(head, case_id, "approve", today=NOTICE_OVER),
    ]
    for step in steps[:stop]:
        step()
    return case_id


def fire(username: str, case_id: int, event: str, *, today=TODAY, **kwargs) -> None:  # noqa: ANN001
    cases.fire_event(user(username), case_id, event, today=today, **kwargs)
