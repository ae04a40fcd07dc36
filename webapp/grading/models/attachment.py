"""Files lodged with a case; bytes live under ``instance/uploads``, the row keeps name, size and SHA-256."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.orm.exc import DetachedInstanceError

from webapp.core.extensions import db
from webapp.core.models.types import UTCDateTime
from webapp.core.rulesets import selected_ruleset

if TYPE_CHECKING:
    from webapp.core.models.user import User
    from webapp.grading.models.case import Case

#: The kinds of file a case stores (ids; each ruleset names them, ARC-10.1.4, ARC-10.5.1, ARC-10.2.2).
ATTACHMENT_KINDS = (
    "application_form",
    "self_check_sheet",
    "acceptance_report",
    "integrity_notice",
    "precheck_opinion",
    "other",
)


class Attachment(db.Model):
    __tablename__ = "attachments"
    __table_args__ = (
        sa.CheckConstraint(
            "kind IN ('application_form', 'self_check_sheet', 'acceptance_report', "
            "'integrity_notice', 'precheck_opinion', 'other')",
            name="kind",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(24))
    original_filename: Mapped[str] = mapped_column(sa.String(255))
    #: random name under UPLOAD_FOLDER; never derived from user input
    stored_filename: Mapped[str] = mapped_column(sa.String(80), unique=True)
    size: Mapped[int] = mapped_column()
    sha256: Mapped[str] = mapped_column(sa.String(64))
    content_type: Mapped[str] = mapped_column(sa.String(120), default="application/octet-stream")
    uploaded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime())

    uploaded_by: Mapped[User] = relationship()
    #: read-only: the case's ruleset names the kinds (its case is usually loaded already, so no query)
    case: Mapped[Case] = relationship(viewonly=True)

    @property
    def kind_label(self) -> str:
        """The ruleset's name for the kind (ARC-10.1.4 申报审批表 …), so a page, a refusal and a PDF agree. A row
        read after its session closed (a deleted file's flash message) names it by the selected ruleset."""
        try:
            ruleset = self.case.ruleset
        except DetachedInstanceError:
            ruleset = selected_ruleset()
        return ruleset.attachment_name(self.kind)
