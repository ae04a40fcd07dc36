"""Grades an organ holds (§5.2) and the security incidents that block applications (ARC-5.5)."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.core.extensions import db
from webapp.core.models.types import UTCDateTime, app_now
from webapp.core.rulesets import selected_ruleset
from workflow.ruleset import Ruleset

if TYPE_CHECKING:
    from webapp.core.models.organisation import Organisation
    from webapp.grading.models.case import Case


class Grade(db.Model):
    """A certificate: level held from ``valid_from`` through ``valid_to`` (inclusive, GAP-3)."""

    __tablename__ = "grades"
    __table_args__ = (
        sa.CheckConstraint("certificate_kind IN ('evaluation', 'recheck')", name="certificate_kind"),
        sa.CheckConstraint("valid_to >= valid_from", name="validity_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organ_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    level: Mapped[str] = mapped_column(sa.String(10))
    valid_from: Mapped[date] = mapped_column()
    valid_to: Mapped[date] = mapped_column()
    certificate_kind: Mapped[str] = mapped_column(sa.String(12), default="evaluation")
    certificate_no: Mapped[str | None] = mapped_column(sa.String(40), unique=True)
    #: the case that granted it; NULL for grades imported from before the system
    case_id: Mapped[int | None] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    #: a later grade (promotion or recheck) that replaced this one (GT-03/GT-04/GT-06)
    superseded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("grades.id"))
    #: set when the grade lapsed (ARC-11.5, GAP-5)
    lapsed_on: Mapped[date | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=app_now)

    organ: Mapped[Organisation] = relationship()
    superseded_by: Mapped[Grade | None] = relationship(remote_side=[id])
    case: Mapped[Case | None] = relationship(viewonly=True)

    @property
    def ruleset(self) -> Ruleset:
        """The granting case's ruleset; a grade from before the system reads the selected one."""
        return self.case.ruleset if self.case is not None else selected_ruleset()

    @property
    def level_label(self) -> str:
        return self.ruleset.level_name(self.level)

    @property
    def certificate_kind_label(self) -> str:
        return self.ruleset.certificate_name(self.certificate_kind) or self.certificate_kind

    def is_valid_on(self, day: date) -> bool:
        return (
            self.superseded_by_id is None
            and self.lapsed_on is None
            and self.valid_from <= day <= self.valid_to
        )


class SecurityIncident(db.Model):
    """An archive security incident (loss, theft, damage, leak); blocks applications for two years (ARC-5.5)."""

    __tablename__ = "security_incidents"

    id: Mapped[int] = mapped_column(primary_key=True)
    organ_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    occurred_on: Mapped[date] = mapped_column()
    description: Mapped[str] = mapped_column(sa.Text)
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=app_now)

    organ: Mapped[Organisation] = relationship()
