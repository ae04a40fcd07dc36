"""Issues of an office's own publication (期刊): assembled from adoptions, ordered, numbered, locked; a change to
a locked issue is a recorded correction (勘误), never a silent edit."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.core.extensions import db
from webapp.core.models.types import UTCDateTime, app_now

if TYPE_CHECKING:
    from webapp.articles.models.office import Publication
    from webapp.articles.models.records import Adoption
    from webapp.core.models.user import User

ISSUE_STATE_LABELS = {"assembling": "编排中", "locked": "已定稿"}


class PublicationIssue(db.Model):
    __tablename__ = "article_issues"
    __table_args__ = (
        sa.UniqueConstraint("publication_id", "year", "number", name="uq_article_issues_number"),
        sa.UniqueConstraint("publication_id", "total", name="uq_article_issues_total"),
        sa.CheckConstraint("state IN ('assembling', 'locked')", name="state"),
        sa.CheckConstraint("copies IS NULL OR copies BETWEEN 1 AND 100000", name="copies"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    publication_id: Mapped[int] = mapped_column(sa.ForeignKey("article_publications.id"))
    year: Mapped[int] = mapped_column()
    #: 第N期 in the year, and 总第N期 since the first issue
    number: Mapped[int] = mapped_column()
    total: Mapped[int] = mapped_column()
    issued_on: Mapped[date] = mapped_column()
    state: Mapped[str] = mapped_column(sa.String(12), default="assembling")
    #: 密级 of the issue: the highest of its items (an issue holding a 秘密 item is 秘密)
    secrecy: Mapped[str] = mapped_column(sa.String(8), default="none")
    editor_note: Mapped[str] = mapped_column(sa.String(500), default="")
    #: the distribution block printed at the foot (报：…  送：…  发：…), as the office types it
    distribution: Mapped[str] = mapped_column(sa.String(500), default="")
    #: 共印×份, when the office states it
    copies: Mapped[int | None] = mapped_column()
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    locked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    locked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    version_id: Mapped[int] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=app_now)

    __mapper_args__ = {"version_id_col": version_id}

    publication: Mapped[Publication] = relationship()
    items: Mapped[list[IssueItem]] = relationship(
        back_populates="issue", order_by="IssueItem.position", cascade="all, delete-orphan"
    )
    corrections: Mapped[list[IssueCorrection]] = relationship(
        back_populates="issue", order_by="IssueCorrection.id"
    )
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])

    @property
    def state_label(self) -> str:
        return ISSUE_STATE_LABELS.get(self.state, self.state)

    @property
    def number_label(self) -> str:
        return f"{self.year}年第{self.number}期，总第{self.total}期"

    @property
    def print_label(self) -> str:
        return f"{self.year}年第{self.number}期（总第{self.total}期）"


class IssueItem(db.Model):
    __tablename__ = "article_issue_items"
    __table_args__ = (sa.UniqueConstraint("adoption_id", name="uq_article_issue_items_adoption"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    issue_id: Mapped[int] = mapped_column(sa.ForeignKey("article_issues.id"), index=True)
    adoption_id: Mapped[int] = mapped_column(sa.ForeignKey("article_adoptions.id"))
    position: Mapped[int] = mapped_column()
    #: the title and text as printed (the edited text at the time it was put in the issue)
    title: Mapped[str] = mapped_column(sa.String(120))
    body: Mapped[str] = mapped_column(sa.Text)
    #: the writing unit as printed after the item (（甲县委组织部供稿）), copied when added: a later renaming of
    #: the unit does not change a printed issue
    source: Mapped[str] = mapped_column(sa.String(120), default="")
    #: set by a correction (勘误) withdrawing the item from a locked issue; the row stays
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    issue: Mapped[PublicationIssue] = relationship(back_populates="items")
    adoption: Mapped[Adoption] = relationship()


#: What a correction changes: an item's title or text, an item withdrawn, the editor's note.
CORRECTION_KINDS = ("edit", "withdraw", "note")
CORRECTION_KIND_LABELS = {"edit": "更正标题或正文", "withdraw": "撤销稿件", "note": "更正编者按"}


class IssueCorrection(db.Model):
    """勘误: a recorded change to a locked issue, with who, when, why and what changed."""

    __tablename__ = "article_issue_corrections"
    __table_args__ = (sa.CheckConstraint("kind IN ('edit', 'withdraw', 'note')", name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    issue_id: Mapped[int] = mapped_column(sa.ForeignKey("article_issues.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(12), default="edit")
    #: the item corrected or withdrawn (None: the correction is about the issue, e.g. the editor's note)
    item_id: Mapped[int | None] = mapped_column(sa.ForeignKey("article_issue_items.id"))
    reason: Mapped[str] = mapped_column(sa.Text)
    change: Mapped[str] = mapped_column(sa.Text)
    by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=app_now)

    issue: Mapped[PublicationIssue] = relationship(back_populates="corrections")
    item: Mapped[IssueItem | None] = relationship()
    by: Mapped[User] = relationship()

    @property
    def kind_label(self) -> str:
        return CORRECTION_KIND_LABELS.get(self.kind, self.kind)
