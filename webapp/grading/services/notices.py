"""The public notice list (公示, ARC-10.3): no login needed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from webapp.core import clock
from webapp.core.extensions import db
from webapp.grading.models import Case
from webapp.grading.services.case_facts import ruleset_for
from workflow import calendar
from workflow.ruleset import Ruleset

#: States in which a case appears on the public notice list (GAP-9: also while objections are verified).
NOTICE_STATES = ("in_notice", "objection_review")


@dataclass(frozen=True)
class NoticeBasis:
    """The regulation a notice is published under, in its own words (ARC-10.3.1, ARC-10.3.2)."""

    #: the regulation as cited: 《title》（number）, from the ruleset
    regulation: str
    #: 第十条
    article: str
    #: 在本级档案信息网站公示拟考评机关名单及考评等级
    publication: str
    #: 公示时间不少于7天
    period: str


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
    bureau_id: int | None = None
    #: where the public reaches the organising bureau (Organisation.contact_phone / address)
    bureau_phone: str = ""
    bureau_address: str = ""
    basis: NoticeBasis | None = None

    @property
    def days(self) -> int:
        """Length of the notice, both ends counted (GAP-10)."""
        return (self.last_day - self.start).days + 1


def _basis(ruleset: Ruleset) -> NoticeBasis:
    publication = ruleset.rule_texts[ruleset.citations.get("notice_publication", "ARC-10.3.1")]
    period = ruleset.rule_texts[ruleset.citations.get("notice_period", "ARC-10.3.2")]
    return NoticeBasis(
        regulation=ruleset.documents.measures,
        article=publication.article,
        publication=publication.quote,
        period=period.quote,
    )


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
        ruleset = ruleset_for(case)
        last_day = calendar.notice_last_day(ruleset, case.notice_start)
        under_objection = case.state == "objection_review"
        if last_day < today and not under_objection:
            continue  # ran its course; waiting for the organizer to close it
        rows.append(
            NoticeRow(
                case_id=case.id,
                organ_name=case.organ.name,
                level_label=ruleset.level_name(case.level),
                kind_label=ruleset.kind_name(case.kind),
                bureau_name=case.organizer.name if case.organizer else "",
                start=case.notice_start,
                last_day=last_day,
                under_objection=under_objection,
                bureau_id=case.organizer_id,
                bureau_phone=(case.organizer.contact_phone or "") if case.organizer else "",
                bureau_address=(case.organizer.address or "") if case.organizer else "",
                basis=_basis(ruleset),
            )
        )
    return rows


def notice_of(case_id: int, *, today: date | None = None) -> NoticeRow | None:
    """One row of the public list (for the objection form), or None if the case is not on it."""
    today = today or clock.today()
    return next((row for row in current_notices(today=today) if row.case_id == case_id), None)
