"""What happens to an article after the office has it: adoptions, forwarding up (上报/转送), leaders' instructions
(批示) and their follow-ups (落实反馈). These are the records the ledger (issue 10) scores."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.core.extensions import db
from webapp.core.models.types import UTCDateTime, app_now

if TYPE_CHECKING:
    from webapp.articles.models.article import Article
    from webapp.articles.models.office import ArticleOffice, Publication
    from webapp.core.models.organisation import Organisation
    from webapp.core.models.user import User

#: Leaders' levels for instructions (INF-2.7, ZG-4.5): the ledger scheme names the points of each.
INSTRUCTION_LEVELS = ("national", "provincial", "city", "county")
INSTRUCTION_LEVEL_LABELS = {
    "national": "国家领导",
    "provincial": "省领导",
    "city": "市领导",
    "county": "县（区）领导",
}
#: 上报: passed up to the higher office (INF-2.5); 转送: sent on to the government's leaders (INF-2.6).
FORWARD_KINDS = ("up", "to_leaders")
FORWARD_KIND_LABELS = {"up": "上报上级", "to_leaders": "转送领导"}
FORWARD_STATUS_LABELS = {
    "pending": "待上级处理",
    "adopted": "上级已采用",
    "declined": "上级未采用",
    "sent": "已转送",
}


class Adoption(db.Model):
    """One adoption (采用/录用) of an article in one publication; an article may have several (INF-2.8)."""

    __tablename__ = "article_adoptions"
    # the ledger's read of a period (services/ledger_records.records) in these two indexes alone (issue 12, migration
    # 0022): the office's articles adopted in the window, then every adoption of those articles
    __table_args__ = (
        sa.Index(
            "ix_article_adoptions_ledger_window", "office_id", "adopted_on", "article_id", "cancelled_at"
        ),
        sa.Index(
            "ix_article_adoptions_ledger_rows",
            "article_id",
            "office_id",
            "cancelled_at",
            "publication_id",
            "class_code",
            "form_code",
            "adopted_on",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(sa.ForeignKey("articles.id"))
    #: the office that recorded it (the receiving office, or the higher office after forwarding)
    office_id: Mapped[int] = mapped_column(sa.ForeignKey("article_offices.id"))
    publication_id: Mapped[int] = mapped_column(sa.ForeignKey("article_publications.id"), index=True)
    class_code: Mapped[str] = mapped_column(sa.String(40))
    form_code: Mapped[str] = mapped_column(sa.String(40))
    adopted_on: Mapped[date] = mapped_column(index=True)
    editor_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    #: set when the adoption follows a forwarding (上报): credit flows to the authoring unit (INF-2.5)
    forwarding_id: Mapped[int | None] = mapped_column(sa.ForeignKey("article_forwardings.id"))
    note: Mapped[str] = mapped_column(sa.String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=app_now)
    #: a mistaken adoption is withdrawn (recorded), never deleted
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancel_reason: Mapped[str | None] = mapped_column(sa.String(500))

    article: Mapped[Article] = relationship()
    office: Mapped[ArticleOffice] = relationship()
    publication: Mapped[Publication] = relationship()
    editor: Mapped[User] = relationship()


class Forwarding(db.Model):
    """An article an office passed up (上报) or sent on to its leaders (转送), and what became of it."""

    __tablename__ = "article_forwardings"
    __table_args__ = (
        sa.CheckConstraint("kind IN ('up', 'to_leaders')", name="kind"),
        sa.CheckConstraint("status IN ('pending', 'adopted', 'declined', 'sent')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(sa.ForeignKey("articles.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(12))
    from_office_id: Mapped[int] = mapped_column(sa.ForeignKey("article_offices.id"), index=True)
    #: the higher office (``up``); None for ``to_leaders``
    to_office_id: Mapped[int | None] = mapped_column(sa.ForeignKey("article_offices.id"), index=True)
    status: Mapped[str] = mapped_column(sa.String(10), default="pending")
    note: Mapped[str] = mapped_column(sa.String(500), default="")
    forwarded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    forwarded_on: Mapped[date] = mapped_column()
    decided_on: Mapped[date | None] = mapped_column()
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decline_reason: Mapped[str | None] = mapped_column(sa.String(500))

    article: Mapped[Article] = relationship()
    from_office: Mapped[ArticleOffice] = relationship(foreign_keys=[from_office_id])
    to_office: Mapped[ArticleOffice | None] = relationship(foreign_keys=[to_office_id])
    forwarded_by: Mapped[User] = relationship(foreign_keys=[forwarded_by_id])


class Instruction(db.Model):
    """A leader's written instruction (批示) on an adopted article (INF-2.7, ZG-4.5)."""

    __tablename__ = "article_instructions"
    __table_args__ = (
        sa.CheckConstraint("level IN ('national', 'provincial', 'city', 'county')", name="level"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(sa.ForeignKey("articles.id"), index=True)
    office_id: Mapped[int] = mapped_column(sa.ForeignKey("article_offices.id"), index=True)
    leader: Mapped[str] = mapped_column(sa.String(60))
    level: Mapped[str] = mapped_column(sa.String(12))
    text: Mapped[str] = mapped_column(sa.Text)
    instructed_on: Mapped[date] = mapped_column(index=True)
    recorded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=app_now)

    article: Mapped[Article] = relationship()
    recorded_by: Mapped[User] = relationship()
    follow_ups: Mapped[list[FollowUp]] = relationship(back_populates="instruction", order_by="FollowUp.id")

    @property
    def level_label(self) -> str:
        return INSTRUCTION_LEVEL_LABELS.get(self.level, self.level)


class FollowUp(db.Model):
    """落实反馈: a unit reports by a deadline what it did about an instruction."""

    __tablename__ = "article_follow_ups"

    id: Mapped[int] = mapped_column(primary_key=True)
    instruction_id: Mapped[int] = mapped_column(sa.ForeignKey("article_instructions.id"), index=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    due_on: Mapped[date] = mapped_column(index=True)
    request: Mapped[str] = mapped_column(sa.String(500), default="")
    report: Mapped[str | None] = mapped_column(sa.Text)
    reported_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reported_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    assigned_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=app_now)

    instruction: Mapped[Instruction] = relationship(back_populates="follow_ups")
    unit: Mapped[Organisation] = relationship()
