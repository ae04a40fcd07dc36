"""An information article (信息稿件): its versions, attachments and returns (退改).

The state is a plain string owned by the article procedure in ``workflow/articles``; views never set it and
models never commit — services do both. The current text is the latest `ArticleRevision`; ``title`` and
``body`` on the article are a copy of it for lists and search.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.core.extensions import db
from webapp.core.models.types import UTCDateTime, app_now
from workflow.articles import SECRECY_LABELS, STATE_LABELS

if TYPE_CHECKING:
    from webapp.articles.models.office import ArticleOffice
    from webapp.core.models.organisation import Organisation
    from webapp.core.models.user import User

ARTICLE_STATE_LABELS: dict[str, str] = dict(STATE_LABELS)
ARTICLE_STATE_COLOURS: dict[str, str] = {
    "draft": "secondary",
    "awaiting_signoff": "info",
    "returned": "warning",
    "submitted": "primary",
    "received": "primary",
    "adopted": "success",
    "not_adopted": "dark",
    "withdrawn": "dark",
}
#: What an article is: an ordinary item, an answer to a commission (约稿), or an urgent report (紧急信息).
ARTICLE_KINDS = ("normal", "commissioned", "urgent")
ARTICLE_KIND_LABELS = {"normal": "一般信息", "commissioned": "约稿信息", "urgent": "紧急信息"}
SECRECY_LEVEL_LABELS: dict[str, str] = dict(SECRECY_LABELS)


class ArticleNames:
    """What an article's state, secrecy and kind are called, from its columns alone: shared by the mapped
    `Article` and the plain records a long list reads instead (`webapp.articles.services.intake`)."""

    __slots__ = ()
    state: str
    secrecy: str
    kind: str

    @property
    def state_label(self) -> str:
        return ARTICLE_STATE_LABELS.get(self.state, self.state)

    @property
    def secrecy_label(self) -> str:
        return SECRECY_LEVEL_LABELS.get(self.secrecy, self.secrecy)

    @property
    def kind_label(self) -> str:
        return ARTICLE_KIND_LABELS.get(self.kind, self.kind)


class Article(ArticleNames, db.Model):
    __tablename__ = "articles"
    __table_args__ = (
        sa.CheckConstraint("secrecy IN ('none', 'internal', 'secret')", name="secrecy"),
        sa.CheckConstraint("kind IN ('normal', 'commissioned', 'urgent')", name="kind"),
        # an office's articles by state, followed by what the intake queue filters and sorts on, so the queue's
        # page of ids and its counts are read in the index alone (issue 12, migration 0019_covering_indexes)
        sa.Index(
            "ix_articles_queue",
            "office_id",
            "state",
            "deleted_at",
            "submitted_on",
            "kind",
            "submitted_at",
            "created_at",
            "id",
        ),
        sa.Index("ix_articles_unit_state", "unit_id", "state"),
        # the ledger's submissions per unit and month of a period, read in the index alone (issue 12, migrations
        # 0011 and 0022)
        sa.Index("ix_articles_office_submitted", "office_id", "submitted_on", "unit_id", "deleted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: 稿件编号 per office and year, e.g. 2027-0042 (assigned when first sent to the leader)
    number: Mapped[str | None] = mapped_column(sa.String(24))
    office_id: Mapped[int] = mapped_column(sa.ForeignKey("article_offices.id"))
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"))
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(16), default="normal")
    secrecy: Mapped[str] = mapped_column(sa.String(8), default="none")
    title: Mapped[str] = mapped_column(sa.String(120))
    body: Mapped[str] = mapped_column(sa.Text, default="")
    #: number of the latest revision (1 for the first text)
    revision_no: Mapped[int] = mapped_column(default=1)
    state: Mapped[str] = mapped_column(sa.String(24), default="draft", index=True)
    state_since: Mapped[date | None] = mapped_column()
    #: the commission target this article answers (约稿), or the urgent event it reports
    commission_target_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("article_commission_targets.id"), index=True
    )
    urgent_event_id: Mapped[int | None] = mapped_column(sa.ForeignKey("article_urgent_events.id"), index=True)
    #: the ledger import that recorded this article from an office's spreadsheet (issue 10), else None
    import_id: Mapped[int | None] = mapped_column(sa.ForeignKey("ledger_imports.id"), index=True)
    submitted_on: Mapped[date | None] = mapped_column()
    #: when the article reached the office (timers of urgent reports count to the minute)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    signed_off_on: Mapped[date | None] = mapped_column()
    signed_off_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    received_on: Mapped[date | None] = mapped_column()
    received_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decided_on: Mapped[date | None] = mapped_column()
    withdrawn_on: Mapped[date | None] = mapped_column()
    #: a draft the unit deleted (never sent): hidden everywhere; the row and its trail stay
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: optimistic lock: two people cannot both act on the version they loaded
    version_id: Mapped[int] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=app_now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=app_now, onupdate=app_now, index=True)

    __mapper_args__ = {"version_id_col": version_id}

    office: Mapped[ArticleOffice] = relationship()
    unit: Mapped[Organisation] = relationship()
    author: Mapped[User] = relationship(foreign_keys=[author_id])
    signed_off_by: Mapped[User | None] = relationship(foreign_keys=[signed_off_by_id])
    received_by: Mapped[User | None] = relationship(foreign_keys=[received_by_id])
    revisions: Mapped[list[ArticleRevision]] = relationship(
        back_populates="article", order_by="ArticleRevision.no", cascade="all, delete-orphan"
    )
    returns: Mapped[list[ArticleReturn]] = relationship(
        back_populates="article", order_by="ArticleReturn.id", cascade="all, delete-orphan"
    )


class ArticleRevision(db.Model):
    """One version of the text; every save that changes it adds one, none is ever changed."""

    __tablename__ = "article_revisions"
    __table_args__ = (sa.UniqueConstraint("article_id", "no", name="uq_article_revisions_no"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(sa.ForeignKey("articles.id"))
    no: Mapped[int] = mapped_column()
    title: Mapped[str] = mapped_column(sa.String(120))
    body: Mapped[str] = mapped_column(sa.Text)
    #: what the person said about this version (修改说明), optional
    note: Mapped[str] = mapped_column(sa.String(500), default="")
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    #: the article's state when the version was saved (a unit's draft, the office's edit 编辑中)
    state: Mapped[str] = mapped_column(sa.String(24))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=app_now)

    article: Mapped[Article] = relationship(back_populates="revisions")
    author: Mapped[User] = relationship()


class ArticleReturn(db.Model):
    """A return for revision (退改), by the unit's leader or by the office, with its reason and the answer."""

    __tablename__ = "article_returns"
    __table_args__ = (
        sa.CheckConstraint("returned_by_side IN ('leader', 'office')", name="returned_by_side"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(sa.ForeignKey("articles.id"), index=True)
    returned_by_side: Mapped[str] = mapped_column(sa.String(8))
    reason: Mapped[str] = mapped_column(sa.Text)
    returned_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    returned_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=app_now)
    #: the revision the return was about
    revision_no: Mapped[int] = mapped_column()
    answer: Mapped[str | None] = mapped_column(sa.Text)
    answered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    article: Mapped[Article] = relationship(back_populates="returns")
    returned_by: Mapped[User] = relationship(foreign_keys=[returned_by_id])
    answered_by: Mapped[User | None] = relationship(foreign_keys=[answered_by_id])

    @property
    def side_label(self) -> str:
        return "分管领导退改" if self.returned_by_side == "leader" else "办公室退回修改"


class ArticleAttachment(db.Model):
    """A file with an article (images, documents); bytes under ``instance/uploads``, the row keeps the rest."""

    __tablename__ = "article_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(sa.ForeignKey("articles.id"), index=True)
    original_filename: Mapped[str] = mapped_column(sa.String(255))
    stored_filename: Mapped[str] = mapped_column(sa.String(80), unique=True)
    size: Mapped[int] = mapped_column()
    sha256: Mapped[str] = mapped_column(sa.String(64))
    content_type: Mapped[str] = mapped_column(sa.String(120), default="application/octet-stream")
    uploaded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=app_now)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    uploaded_by: Mapped[User] = relationship()
