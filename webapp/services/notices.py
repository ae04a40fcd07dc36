"""The public notice list (公示, ARC-10.3): no login needed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from webapp import clock
from webapp.extensions import db
from webapp.models import LEVEL_LABELS, Case
from webapp.models.case import CASE_KIND_LABELS
from webapp.services.case_facts import ruleset_for
from workflow import calendar

#: States in which a case appears on the public notice list (GAP-9: also while objections are verified).
NOTICE_STATES = ("in_notice", "objection_review")


@dataclass(frozen=True)
class NoticeRow:
    case_id: int
    organ_name: str
    level_label: str
    kind_label: str
    bureau_name: str
    start: date
    last_day: date
    #: True while objections are being verified (GAP-9)
    under_objection: bool


def current_notices(*, today: date | None = None, bureau_id: int | None = None) -> list[NoticeRow]:
    """Notices that have started and not yet run out (or are under objection), earliest first; optionally
    those of one organizing bureau."""
    today = today or clock.today()
    query = sa.select(Case).where(
        Case.state.in_(NOTICE_STATES), Case.notice_start.is_not(None), Case.notice_start <= today
    )
    if bureau_id is not None:
        query = query.where(Case.organizer_id == bureau_id)
    rows = []
    for case in db.session.scalars(query.order_by(Case.notice_start, Case.id)):
        assert case.notice_start is not None
        last_day = calendar.notice_last_day(ruleset_for(case), case.notice_start)
        under_objection = case.state == "objection_review"
        if last_day < today and not under_objection:
            continue  # ran its course; waiting for the organizer to close it
        rows.append(
            NoticeRow(
                case_id=case.id,
                organ_name=case.organ.name,
                level_label=LEVEL_LABELS.get(case.level, case.level),
                kind_label=CASE_KIND_LABELS.get(case.kind, case.kind),
                bureau_name=case.organizer.name if case.organizer else "",
                start=case.notice_start,
                last_day=last_day,
                under_objection=under_objection,
            )
        )
    return rows


def notice_of(case_id: int, *, today: date | None = None) -> NoticeRow | None:
    """One row of the public list (for the objection form), or None if the case is not on it."""
    today = today or clock.today()
    return next((row for row in current_notices(today=today) if row.case_id == case_id), None)
