"""The ledger's periods (台账计分): a closed period's frozen results, its recorded recomputes, import batches.

A period is scored live from the records of the flow (adoptions, instructions, incidents, commissions) until the
office head closes it; from then on the page, the API and the exports read the frozen result (``result`` — the
engine's JSON, `LedgerResult.to_dict()`), and a late correction changes it only through a recorded recompute
(`LedgerRecompute`: who, when, why, the difference and the result it replaced). Publishing the bulletin (通报)
is a second act on a closed period.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.core.extensions import db
from webapp.core.models.types import UTCDateTime, app_now

if TYPE_CHECKING:
    from webapp.articles.models.office import ArticleOffice
    from webapp.core.models.user import User

LEDGER_STATES = ("closed", "published")
LEDGER_STATE_LABELS = {"open": "计分中", "closed": "已结算", "published": "已通报"}
IMPORT_KINDS = ("roster", "records")
IMPORT_KIND_LABELS = {"roster": "单位名册", "records": "采用记录"}


class LedgerPeriod(db.Model):
    """A period an office has closed: its frozen results and, once published, its bulletin (通报)."""

    __tablename__ = "ledger_periods"
    __table_args__ = (
        sa.UniqueConstraint("office_id", "period", name="uq_ledger_periods_period"),
        sa.CheckConstraint("state IN ('closed', 'published')", name="state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(sa.ForeignKey("article_offices.id"))
    #: the CLI's spelling: ``2027-01``, ``2027-Q1``, ``2027-H1``, ``2027``
    period: Mapped[str] = mapped_column(sa.String(8))
    scheme_id: Mapped[str] = mapped_column(sa.String(60))
    scheme_version: Mapped[str] = mapped_column(sa.String(20), default="")
    state: Mapped[str] = mapped_column(sa.String(10), default="closed")
    #: `LedgerResult.to_dict()` as frozen at closing (or at the last recorded recompute)
    result: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    closed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=app_now)
    closed_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    #: the bulletin: its document number (宜组信通〔2027〕1号), title and the office's own paragraph
    bulletin_number: Mapped[str] = mapped_column(sa.String(40), default="")
    bulletin_title: Mapped[str] = mapped_column(sa.String(120), default="")
    bulletin_text: Mapped[str] = mapped_column(sa.Text, default="")
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    published_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    version_id: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version_id}

    office: Mapped[ArticleOffice] = relationship()
    closed_by: Mapped[User] = relationship(foreign_keys=[closed_by_id])
    published_by: Mapped[User | None] = relationship(foreign_keys=[published_by_id])
    recomputes: Mapped[list[LedgerRecompute]] = relationship(
        back_populates="period", order_by="LedgerRecompute.id"
    )


class LedgerRecompute(db.Model):
    """A recorded recompute of a closed period after a late correction: the difference and what it replaced."""

    __tablename__ = "ledger_recomputes"

    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(sa.ForeignKey("ledger_periods.id"), index=True)
    reason: Mapped[str] = mapped_column(sa.String(500))
    #: [{unit, field, before, after}] — what changed for each unit
    changes: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON)
    previous: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=app_now)

    period: Mapped[LedgerPeriod] = relationship(back_populates="recomputes")
    by: Mapped[User] = relationship()


class LedgerImport(db.Model):
    """One import of a roster or of adoption records from a spreadsheet (.xlsx / UTF-8 CSV)."""

    __tablename__ = "ledger_imports"
    __table_args__ = (sa.CheckConstraint("kind IN ('roster', 'records')", name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(sa.ForeignKey("article_offices.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(8))
    filename: Mapped[str] = mapped_column(sa.String(200))
    #: rows read, records created, records that were already there (a re-import adds nothing twice)
    rows: Mapped[int] = mapped_column(default=0)
    created: Mapped[int] = mapped_column(default=0)
    unchanged: Mapped[int] = mapped_column(default=0)
    by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=app_now)

    by: Mapped[User] = relationship()
