"""Objections raised against a case during its public notice (GAP-9)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.core.extensions import db
from webapp.core.models.types import UTCDateTime, app_now

if TYPE_CHECKING:
    from webapp.core.models.user import User

OBJECTION_STATUS_LABELS: dict[str, str] = {
    "open": "待核查",
    "dismissed": "不成立",
    "upheld": "成立（可整改）",
    "rejected_case": "成立（终止考评）",
}


class Objection(db.Model):
    __tablename__ = "objections"
    __table_args__ = (
        sa.CheckConstraint("status IN ('open', 'dismissed', 'upheld', 'rejected_case')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    #: given to the objector, e.g. ``YY-2027-0001``
    reference: Mapped[str] = mapped_column(sa.String(20), unique=True)
    name: Mapped[str | None] = mapped_column(sa.String(64))
    contact: Mapped[str | None] = mapped_column(sa.String(120))
    content: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[str] = mapped_column(sa.String(16), default="open", index=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=app_now)
    handled_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    handling_note: Mapped[str | None] = mapped_column(sa.Text)
    #: one-time key of the submission (the form's hidden token or the API's ``Idempotency-Key``): the same
    #: key sent again returns this objection instead of filing a second one
    submission_key: Mapped[str | None] = mapped_column(sa.String(64), unique=True)

    handled_by: Mapped[User | None] = relationship()

    @property
    def status_label(self) -> str:
        return OBJECTION_STATUS_LABELS.get(self.status, self.status)
