"""What the office asks of units and what it finds: commissions (约稿), urgent events with their timers
(紧急信息, PUB-2.3) and incidents (迟报/漏报/瞒报/信息失实, ZG-4.9, ZG-4.10, INF-3.7) the ledger scores."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.core.extensions import db
from webapp.core.models.types import UTCDateTime, app_now

if TYPE_CHECKING:
    from webapp.articles.models.article import Article
    from webapp.articles.models.office import ArticleOffice
    from webapp.core.models.organisation import Organisation
    from webapp.core.models.user import User

#: A commission target's answer: waiting, answered (in time or late), missed (past the deadline, no answer).
COMMISSION_STATUS_LABELS = {
    "pending": "待报送",
    "answered": "已按时报送",
    "late": "逾期报送",
    "missed": "未报送",
}
INCIDENT_KINDS = ("late", "omitted", "concealed", "false_info")
INCIDENT_KIND_LABELS = {"late": "迟报", "omitted": "漏报", "concealed": "瞒报", "false_info": "信息失实"}
#: The rule each incident kind is scored under.
INCIDENT_RULES = {"late": "ZG-4.10", "omitted": "ZG-4.10", "concealed": "ZG-4.10", "false_info": "ZG-4.9"}


class Commission(db.Model):
    """约稿: a topic the office asks chosen units to write on, by a deadline (ZG-6.2, INF-3.10)."""

    __tablename__ = "article_commissions"

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(sa.ForeignKey("article_offices.id"), index=True)
    topic: Mapped[str] = mapped_column(sa.String(120))
    detail: Mapped[str] = mapped_column(sa.Text, default="")
    due_on: Mapped[date] = mapped_column(index=True)
    #: INF-3.10: missing an important commission costs the year's advanced-unit eligibility
    important: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=app_now)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    office: Mapped[ArticleOffice] = relationship()
    targets: Mapped[list[CommissionTarget]] = relationship(
        back_populates="commission", order_by="CommissionTarget.id", cascade="all, delete-orphan"
    )


class CommissionTarget(db.Model):
    __tablename__ = "article_commission_targets"
    __table_args__ = (
        sa.UniqueConstraint("commission_id", "unit_id", name="uq_article_commission_targets"),
        sa.CheckConstraint("status IN ('pending', 'answered', 'late', 'missed')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    commission_id: Mapped[int] = mapped_column(sa.ForeignKey("article_commissions.id"))
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    status: Mapped[str] = mapped_column(sa.String(10), default="pending", index=True)
    #: when the unit's answering article reached the office (signed off)
    answered_on: Mapped[date | None] = mapped_column()

    commission: Mapped[Commission] = relationship(back_populates="targets")
    unit: Mapped[Organisation] = relationship()


class UrgentEvent(db.Model):
    """An urgent event (突发事件) a unit must report: first report (首报) and follow-ups (续报) on timers."""

    __tablename__ = "article_urgent_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(sa.ForeignKey("article_offices.id"), index=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(120))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: the first report is due at (occurred_at + the office's first-report time, copied when registered)
    first_due_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    followup_minutes: Mapped[int] = mapped_column()
    #: who registered it: the unit with its first report, or the office that learned of it another way
    registered_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=app_now)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    #: when the first and the latest report reached the office (a report's first sign-off; services/urgent.py)
    first_report_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_report_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: when the report awaited now is due (the first report, then each follow-up); None once closed. Kept so the
    #: worklists count running and overdue timers in SQL (`workflow.articles.urgent.UrgentClock.next_due`).
    next_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    #: the office looked at a late first report and decided it is no 迟报 incident (the suggestion goes away)
    late_dismissed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    office: Mapped[ArticleOffice] = relationship()
    unit: Mapped[Organisation] = relationship()
    registered_by: Mapped[User] = relationship(foreign_keys=[registered_by_id])
    reports: Mapped[list[Article]] = relationship(order_by="Article.submitted_at", viewonly=True)


def overdue_urgent_events(office_id: Any, now: datetime) -> sa.ScalarSelect[int]:
    """How many of the office's open urgent events have the report they await past due at ``now``: the count the
    navigation bar shows the office's staff, and a line of its home page (``office_id`` may be a column the
    count is correlated to)."""
    return (
        sa.select(sa.func.count(UrgentEvent.id))
        .where(
            UrgentEvent.office_id == office_id, UrgentEvent.closed_at.is_(None), UrgentEvent.next_due_at < now
        )
        .scalar_subquery()
    )


class Incident(db.Model):
    """An incident the office records against a unit: it names the article it concerns, or for an omitted
    report (漏报, no article exists) the urgent event."""

    __tablename__ = "article_incidents"
    __table_args__ = (
        sa.CheckConstraint("kind IN ('late', 'omitted', 'concealed', 'false_info')", name="kind"),
        sa.CheckConstraint("article_id IS NOT NULL OR urgent_event_id IS NOT NULL", name="names_its_record"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(sa.ForeignKey("article_offices.id"), index=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(12))
    article_id: Mapped[int | None] = mapped_column(sa.ForeignKey("articles.id"), index=True)
    urgent_event_id: Mapped[int | None] = mapped_column(sa.ForeignKey("article_urgent_events.id"), index=True)
    occurred_on: Mapped[date] = mapped_column(index=True)
    note: Mapped[str] = mapped_column(sa.Text)
    #: ZG-4.11: the office marks a serious case (通报批评, no 评先 that year)
    serious: Mapped[bool] = mapped_column(default=False)
    recorded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=app_now)
    #: an incident recorded in error is withdrawn with a reason (kept, not deleted)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    withdraw_reason: Mapped[str | None] = mapped_column(sa.String(500))

    office: Mapped[ArticleOffice] = relationship()
    unit: Mapped[Organisation] = relationship()
    article: Mapped[Article | None] = relationship()
    urgent_event: Mapped[UrgentEvent | None] = relationship()
    recorded_by: Mapped[User] = relationship()

    @property
    def kind_label(self) -> str:
        return INCIDENT_KIND_LABELS.get(self.kind, self.kind)
