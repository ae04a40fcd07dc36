"""What each viewer gets of an objection (GAP-9), and the public look-up by reference number.

The objector's name and contact (姓名、联系方式) are shown only to those `permissions.can_see_objector` names —
the staff of the organising bureau, who verify objections; the public form promises the contact is not
published. Every page, API answer and export builds its objections through `objection_views`, so no caller can
forget the check: an `ObjectionView` made for anyone else simply has no name or contact in it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from webapp.core import clock
from webapp.core.extensions import db
from webapp.core.models import User
from webapp.core.records import plain_rows
from webapp.core.services.errors import NotFound, ServiceError
from webapp.grading.models import OBJECTION_STATUS_LABELS, Case, Objection
from webapp.grading.services import permissions

#: Objection reference numbers: GS-<year>-<serial> (公示异议)
REFERENCE_RE = re.compile(r"^GS-(\d{4})-(\d{4,6})$")
REFERENCE_PREFIX = "GS-{year}-"


@dataclass(frozen=True)
class ObjectionView:
    """One objection as a given viewer may see it. ``name`` / ``contact`` are None unless ``objector_visible``."""

    id: int
    case_id: int
    reference: str
    received_at: datetime
    status: str
    content: str
    handling_note: str | None
    handled_at: datetime | None
    objector_visible: bool
    name: str | None = None
    contact: str | None = None

    @property
    def status_label(self) -> str:
        return OBJECTION_STATUS_LABELS.get(self.status, self.status)


def view_of(objection: Objection | sa.Row[Any], *, objector_visible: bool) -> ObjectionView:
    """The one place an objection is turned into what a viewer gets."""
    return ObjectionView(
        id=objection.id,
        case_id=objection.case_id,
        reference=objection.reference,
        received_at=objection.received_at,
        status=objection.status,
        content=objection.content,
        handling_note=objection.handling_note,
        handled_at=objection.handled_at,
        objector_visible=objector_visible,
        name=objection.name if objector_visible else None,
        contact=objection.contact if objector_visible else None,
    )


def objection_views(
    user: User | None, case: Case, objections: Iterable[Objection | sa.Row[Any]]
) -> list[ObjectionView]:
    """``objections`` of ``case`` as ``user`` may see them (who objected only for the organising bureau)."""
    visible = permissions.can_see_objector(user, case)
    return [view_of(objection, objector_visible=visible) for objection in objections]


#: a case's objections, oldest first, built once (`records.plain_rows`: the case page and the API's case read them)
_OF_CASE = (
    sa.select(Objection.__table__)
    .where(Objection.__table__.c.case_id == sa.bindparam("case_id"))
    .order_by(Objection.__table__.c.id)
)


def objections_of(user: User | None, case: Case) -> list[ObjectionView]:
    """All objections of ``case``, oldest first, as ``user`` may see them (read as rows: a view reads their
    columns alone)."""
    return objection_views(user, case, plain_rows(_OF_CASE, {"case_id": case.id}))


# -- the public look-up by reference number ------------------------------------------------------------------


@dataclass(frozen=True)
class ObjectionStatus:
    """What anyone holding a reference number may read: nothing about who objected or about the objection's
    text, only where it stands (受理编号、受理日期、办理状态、核实意见)."""

    reference: str
    received_on: date
    status: str
    status_label: str
    handled_on: date | None
    outcome_note: str | None
    organ_name: str
    bureau_name: str


def normalise_reference(text: str | None) -> str:
    """``gs-2027-0001 `` → ``GS-2027-0001``; a clear Chinese error for anything that is not a reference."""
    reference = (text or "").strip().upper()
    if not reference:
        raise ServiceError("请输入受理编号。", code="invalid_input", field="reference")
    if not REFERENCE_RE.match(reference):
        raise ServiceError(
            "受理编号格式应为 GS-年份-序号，如 GS-2027-0001。", code="invalid_input", field="reference"
        )
    return reference


def objection_status(text: str | None) -> ObjectionStatus:
    """The status of the objection with this reference number (no login; NotFound when there is none)."""
    reference = normalise_reference(text)
    objection = db.session.scalar(sa.select(Objection).where(Objection.reference == reference))
    if objection is None:
        raise NotFound("未找到该受理编号的异议，请核对编号。")
    case = db.session.get(Case, objection.case_id)
    assert case is not None
    decided = objection.status != "open"
    return ObjectionStatus(
        reference=objection.reference,
        received_on=clock.local(objection.received_at).date(),
        status=objection.status,
        status_label=objection.status_label if decided else "核实中",
        handled_on=clock.local(objection.handled_at).date() if decided and objection.handled_at else None,
        outcome_note=objection.handling_note if decided else None,
        organ_name=case.organ.name,
        bureau_name=case.organizer.name if case.organizer else "",
    )
