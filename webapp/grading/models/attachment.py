"""Files lodged with a case; bytes live under ``instance/uploads``, the row keeps name, size and SHA-256."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from config.rulesets import DEFAULT_RULESET, load_ruleset
from webapp.core.extensions import db
from webapp.core.models.types import UTCDateTime

if TYPE_CHECKING:
    from webapp.core.models.user import User

#: ARC-10.1.4 (申报审批表, 自查评分表, 验收申请报告), ARC-10.5.1 (廉政告知书), ARC-10.2.2 (书面预检结果).
#: The names are the ruleset's (the regulation's words), so a page, a refusal and a PDF call a file the same.
ATTACHMENT_KIND_LABELS: dict[str, str] = {
    kind.id: kind.name for kind in load_ruleset(DEFAULT_RULESET).attachment_kinds
}


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

    @property
    def kind_label(self) -> str:
        return ATTACHMENT_KIND_LABELS.get(self.kind, self.kind)
