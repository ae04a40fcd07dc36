"""An office that receives information articles (信息办、组织部办公室、民政局办公室…), its units and its vocabularies.

An office is an organisation with an `ArticleOffice` row. Its publications and their class/form vocabularies are
the office's configuration (seeded from its ledger scheme in ``config/schemes/ledger/``, editable by the
office's head), never code: one office runs 《组工信息》, another 《每日要讯》《专报信息》.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.core.extensions import db
from webapp.core.models.types import UTCDateTime, app_now

if TYPE_CHECKING:
    from webapp.core.models.organisation import Organisation

#: Kinds of vocabulary term an office keeps beside its publications.
TERM_KINDS = ("class", "form")
TERM_KIND_LABELS = {"class": "信息类别", "form": "采用形式"}


class ArticleOffice(db.Model):
    __tablename__ = "article_offices"
    __table_args__ = (
        sa.CheckConstraint("first_report_minutes BETWEEN 5 AND 1440", name="first_report_minutes"),
        sa.CheckConstraint("followup_minutes BETWEEN 30 AND 10080", name="followup_minutes"),
        sa.CheckConstraint("commission_warning_days BETWEEN 0 AND 30", name="commission_warning_days"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), unique=True)
    #: what the office calls its information work (组工信息、政务信息、民政宣传信息)
    label: Mapped[str] = mapped_column(sa.String(40))
    #: the ledger scheme its adoptions are scored under (issue 10), e.g. ``ledger-zg``
    scheme_id: Mapped[str | None] = mapped_column(sa.String(60))
    #: the higher office it forwards articles to (上报, INF-2.5)
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("article_offices.id"), index=True)
    #: PUB-2.3 / ZG-4.10: the first report of an urgent event is due this many minutes after it happened
    first_report_minutes: Mapped[int] = mapped_column(default=60)
    #: and each follow-up (续报) this many minutes after the previous report while the event is open
    followup_minutes: Mapped[int] = mapped_column(default=240)
    #: a commission (约稿) shows as "near its deadline" this many days before it
    commission_warning_days: Mapped[int] = mapped_column(default=2)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=app_now)
    #: raised with every committed change of a record the ledger reads (`services.ledger_revision`): the live
    #: ledger's cache key, read with one index probe (issue 12)
    records_revision: Mapped[int] = mapped_column(default=0, server_default="0")

    organisation: Mapped[Organisation] = relationship()
    parent: Mapped[ArticleOffice | None] = relationship(remote_side=[id])
    publications: Mapped[list[Publication]] = relationship(
        back_populates="office", order_by="Publication.position"
    )

    @property
    def name(self) -> str:
        return self.organisation.name


class OfficeUnit(db.Model):
    """A unit that writes to an office, and its group there (县区、部门、科室… the ledger's groups)."""

    __tablename__ = "article_office_units"
    __table_args__ = (
        sa.UniqueConstraint("office_id", "unit_id", name="uq_article_office_units"),
        sa.CheckConstraint("base_score IS NULL OR base_score BETWEEN 0 AND 10000", name="base_score"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(sa.ForeignKey("article_offices.id"))
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    group_code: Mapped[str] = mapped_column(sa.String(40), default="")
    #: the unit's annual base score (基础分, INF-1) where the office's scheme has one; None: scored on actual
    #: points (INF-1.9)
    base_score: Mapped[Decimal | None] = mapped_column(sa.Numeric(8, 2))
    active: Mapped[bool] = mapped_column(default=True)

    office: Mapped[ArticleOffice] = relationship()
    unit: Mapped[Organisation] = relationship()


class Publication(db.Model):
    """A publication adoptions are recorded in: the office's own (它编期的, ``own``) or a higher one."""

    __tablename__ = "article_publications"
    __table_args__ = (sa.UniqueConstraint("office_id", "code", name="uq_article_publications_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(sa.ForeignKey("article_offices.id"))
    #: the id in the office's ledger scheme (``P3``), so the ledger scores it without guessing by name
    code: Mapped[str] = mapped_column(sa.String(40))
    name: Mapped[str] = mapped_column(sa.String(80))
    #: the office edits and numbers issues of it (期刊)
    own: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)

    office: Mapped[ArticleOffice] = relationship(back_populates="publications")


class VocabularyTerm(db.Model):
    """A class (经验类/参阅类) or form (专期/单条/综合/事例) in an office's adoption vocabulary."""

    __tablename__ = "article_terms"
    __table_args__ = (
        sa.UniqueConstraint("office_id", "kind", "code", name="uq_article_terms_code"),
        sa.CheckConstraint("kind IN ('class', 'form')", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(sa.ForeignKey("article_offices.id"))
    kind: Mapped[str] = mapped_column(sa.String(8))
    code: Mapped[str] = mapped_column(sa.String(40))
    name: Mapped[str] = mapped_column(sa.String(40))
    position: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)
