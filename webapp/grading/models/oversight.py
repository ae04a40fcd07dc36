"""Records of supervision and reporting: spot checks by upper bureaus (ARC-9.6) and the city bureaus' yearly
approvals summaries submitted to the province (ARC-10.5.3)."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.core.extensions import db
from webapp.core.models.types import UTCDateTime, app_now

if TYPE_CHECKING:
    from webapp.core.models.organisation import Organisation
    from webapp.core.models.user import User
    from webapp.grading.models.case import Case

#: What a spot check found (ARC-9.6); the regulation names no outcomes, these are the bureaus' usual three.
SPOT_CHECK_OUTCOMES: dict[str, str] = {
    "no_issue": "无问题",
    "issues_found": "发现问题",
    "rectify": "责令整改",
}


class SpotCheck(db.Model):
    """One spot check of a lower bureau's grading work on a case (ARC-9.6): when, by whom, what was found."""

    __tablename__ = "spot_checks"
    __table_args__ = (
        sa.CheckConstraint("outcome IN ('no_issue', 'issues_found', 'rectify')", name="outcome"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    bureau_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"))
    checked_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    #: the day of the check (may be before the day it is recorded)
    checked_on: Mapped[date] = mapped_column()
    outcome: Mapped[str] = mapped_column(sa.String(16))
    findings: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=app_now)

    case: Mapped[Case] = relationship(back_populates="spot_checks")
    bureau: Mapped[Organisation] = relationship()
    checked_by: Mapped[User] = relationship()

    @property
    def outcome_label(self) -> str:
        return SPOT_CHECK_OUTCOMES.get(self.outcome, self.outcome)


class SummarySubmission(db.Model):
    """A city bureau's 审批情况汇总表 for one year as submitted to the province (ARC-10.5.3).

    ``rows`` is the table as it stood when submitted; a submission is never changed afterwards (one per bureau
    and year), so the province reads what it received even if a case changes later.
    """

    __tablename__ = "summary_submissions"
    __table_args__ = (sa.UniqueConstraint("bureau_id", "year", name="uq_summary_submissions_bureau_year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bureau_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"))
    year: Mapped[int] = mapped_column()
    #: the application's day of submission (the one clock), used for the deadline
    submitted_on: Mapped[date] = mapped_column()
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=app_now)
    submitted_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    row_count: Mapped[int] = mapped_column(default=0)
    rows: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)

    bureau: Mapped[Organisation] = relationship()
    submitted_by: Mapped[User] = relationship()
