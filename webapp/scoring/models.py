"""Scoring tables stored in the database, and the score sheets filled on a case.

A `SchemeVersion` is one version of a scoring scheme (评分表) as TOML text — shipped with the code or imported by
a bureau from its official .xlsx. One version per ruleset is active for new cases; a case records the scheme id
and version it started with and keeps them to the end (running instances finish on their own version).

A `ScoreSheet` is one filled table on one subject of a procedure (`subject_type` + `subject_id`: a grading
case is ``("case", case id)``, a campaign unit ``("campaign_unit", id)``): the applicant's self-check (自查评分, ARC-10.1.4), each panel
member's own sheet on site, and the panel's agreed sheet (GAP-12: one agreed score per item). Entries are plain
JSON in the sheet format of docs/schemes.md; the computed total is cached for lists and is recomputed on every
save by the service.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from config.rulesets import DEFAULT_RULESET, load_ruleset
from webapp.core.extensions import db
from webapp.core.models.types import UTCDateTime, app_now

if TYPE_CHECKING:
    from webapp.core.models.user import User


class SchemeSource(StrEnum):
    SHIPPED = "shipped"  #: config/schemes/*.toml, registered by `kaoping demo` / init
    IMPORTED = "imported"  #: uploaded by a bureau admin from its official .xlsx


SCHEME_SOURCE_LABELS: dict[str, str] = {SchemeSource.SHIPPED: "系统内置", SchemeSource.IMPORTED: "导入"}


class SheetKind(StrEnum):
    SELF = "self"  #: the applicant's self-check (自查评分), before requesting acceptance (ARC-10.1.4)
    REVIEWER = "reviewer"  #: one panel member's own sheet on site (ARC-10.4.5 step 3)
    AGREED = "agreed"  #: the panel's agreed sheet, kept by the lead (GAP-12)


#: The self-check sheet is the document the regulation names 自查情况考评表 (ARC-10.1.4): the ruleset's word for it,
#: the same the attachment of that kind carries (one name per sheet kind, issue 7 point 17).
SELF_CHECK_NAME = next(
    kind.name for kind in load_ruleset(DEFAULT_RULESET).attachment_kinds if kind.id == "self_check_sheet"
)

SHEET_KIND_LABELS: dict[str, str] = {
    SheetKind.SELF: SELF_CHECK_NAME,
    SheetKind.REVIEWER: "评审评分表",
    SheetKind.AGREED: "合议评分表",
}


#: The subject type of grading's cases, the first procedure with sheets: a bare subject id given to the sheet
#: services names a case (`SubjectRef.of`), so grading's callers keep their form.
CASE_SUBJECT = "case"


@dataclass(frozen=True)
class SubjectRef:
    """Which subject a sheet is on: the procedure's subject type and the subject's id in it."""

    type: str
    id: int

    @classmethod
    def of(cls, subject: SubjectRef | int) -> SubjectRef:
        """``subject`` itself, or a bare id as a grading case (`CASE_SUBJECT`)."""
        return subject if isinstance(subject, SubjectRef) else cls(CASE_SUBJECT, subject)


class SheetStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"


SHEET_STATUS_LABELS: dict[str, str] = {SheetStatus.DRAFT: "草稿", SheetStatus.SUBMITTED: "已提交"}


class SchemeVersion(db.Model):
    __tablename__ = "scheme_versions"
    __table_args__ = (
        sa.UniqueConstraint("scheme_id", "version", name="uq_scheme_versions_scheme_version"),
        sa.CheckConstraint("source IN ('shipped', 'imported')", name="source"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    scheme_id: Mapped[str] = mapped_column(sa.String(60))
    #: text, e.g. "sample-1" or "2027.1"; the case column holds 20 characters
    version: Mapped[str] = mapped_column(sa.String(20))
    name: Mapped[str] = mapped_column(sa.String(200))
    #: the scheme as TOML (docs/schemes.md); validated with `parse_scheme` before it is stored
    toml_text: Mapped[str] = mapped_column(sa.Text)
    source: Mapped[str] = mapped_column(sa.String(10), default=SchemeSource.SHIPPED)
    #: the ruleset (e.g. ``hubei-2011``) whose new cases use this version; NULL when not active. Unique, so each
    #: ruleset has at most one active version (several NULLs are allowed on SQLite and PostgreSQL alike).
    active_for: Mapped[str | None] = mapped_column(sa.String(40), unique=True)
    activated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    activated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    imported_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=app_now)
    #: what validation found: {"sections": n, "items": n, "max": "100", "levels": [...], "sample": bool, ...}
    validation: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)

    imported_by: Mapped[User | None] = relationship(foreign_keys=[imported_by_id])
    activated_by: Mapped[User | None] = relationship(foreign_keys=[activated_by_id])

    def __repr__(self) -> str:
        return f"<SchemeVersion {self.scheme_id}@{self.version}>"

    @property
    def ref(self) -> str:
        """``id@version``, the form `config.schemes.load_scheme` takes."""
        return f"{self.scheme_id}@{self.version}"

    @property
    def active(self) -> bool:
        return self.active_for is not None

    @property
    def source_label(self) -> str:
        return SCHEME_SOURCE_LABELS.get(self.source, self.source)


class ScoreSheet(db.Model):
    __tablename__ = "score_sheets"
    __table_args__ = (
        # one self-check and one agreed sheet per subject, one sheet per reviewer: slot = kind or reviewer:<id>
        sa.UniqueConstraint("subject_type", "subject_id", "slot", name="uq_score_sheets_subject_slot"),
        # a subject's sheets, followed by what the progress of a campaign's units reads (kind, status, total,
        # submitted): a campaign's 1,600 sheets are read in the index, not among their 2 KB rows (issue 12,
        # migration 0019_covering_indexes)
        sa.Index(
            "ix_score_sheets_progress",
            "subject_type",
            "subject_id",
            "kind",
            "status",
            "total",
            "submitted_at",
        ),
        sa.CheckConstraint("kind IN ('self', 'reviewer', 'agreed')", name="kind"),
        sa.CheckConstraint("status IN ('draft', 'submitted')", name="status"),
        sa.CheckConstraint(
            "(kind = 'reviewer' AND reviewer_id IS NOT NULL) OR (kind <> 'reviewer' AND reviewer_id IS NULL)",
            name="reviewer_matches_kind",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the procedure's subject type, the key of its `SheetProcedure` registration ("case" for grading)
    subject_type: Mapped[str] = mapped_column(sa.String(20), server_default=CASE_SUBJECT)
    #: the subject's id in its procedure's table (no foreign key: the table depends on the subject type)
    subject_id: Mapped[int] = mapped_column()
    kind: Mapped[str] = mapped_column(sa.String(10))
    #: the panel member who fills a reviewer sheet
    reviewer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    slot: Mapped[str] = mapped_column(sa.String(24))
    status: Mapped[str] = mapped_column(sa.String(10), default=SheetStatus.DRAFT)
    #: the scheme version the sheet is scored against (the case's, pinned when the case was opened)
    scheme_id: Mapped[str] = mapped_column(sa.String(60))
    scheme_version: Mapped[str] = mapped_column(sa.String(20))
    #: item id → entry in the sheet JSON format (docs/schemes.md): awarded, deduction, defects, measures,
    #: flags, claims, reason, note. Numbers are kept as text so decimals stay exact.
    entries: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    #: computed on every save; NULL while an entry cannot be scored yet (e.g. a deduction still without reason)
    total: Mapped[Decimal | None] = mapped_column(sa.Numeric(6, 2))
    #: the engine's result (`SheetResult.to_dict()`) at the last save, for pages and lists
    result: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    #: agreed sheet: item id → the score pre-filled from the reviewers' sheets and not changed since. Entering a
    #: deduction on such an item replaces the pre-filled score (a score the lead typed is theirs and is kept).
    prefilled: Mapped[dict[str, str] | None] = mapped_column(sa.JSON)
    #: agreed sheet: the panel's written opinion (评审意见), printed on the review conclusion
    opinion: Mapped[str | None] = mapped_column(sa.Text)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    submitted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=app_now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=app_now, onupdate=app_now)
    #: optimistic lock: a save from a stale form is refused instead of overwriting newer scores
    version_id: Mapped[int] = mapped_column()

    __mapper_args__ = {"version_id_col": version_id}

    reviewer: Mapped[User | None] = relationship(foreign_keys=[reviewer_id])
    updated_by: Mapped[User | None] = relationship(foreign_keys=[updated_by_id])
    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id])

    def __repr__(self) -> str:
        return f"<ScoreSheet {self.id} {self.subject_type}={self.subject_id} {self.slot} {self.status}>"

    @property
    def ref(self) -> SubjectRef:
        return SubjectRef(self.subject_type, self.subject_id)

    @staticmethod
    def slot_for(kind: str, reviewer_id: int | None = None) -> str:
        return f"reviewer:{reviewer_id}" if kind == SheetKind.REVIEWER else str(kind)

    @property
    def kind_label(self) -> str:
        return SHEET_KIND_LABELS.get(self.kind, self.kind)

    @property
    def status_label(self) -> str:
        return SHEET_STATUS_LABELS.get(self.status, self.status)

    @property
    def submitted(self) -> bool:
        return self.status == SheetStatus.SUBMITTED
