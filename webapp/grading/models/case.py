"""A grading case (one evaluation or recheck of one organ) with its panel and filing recipients.

The state is a plain string owned by the state machine in ``workflow/``; views never set it and models never
commit — services do both.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from config.rulesets import load_ruleset
from webapp.core.extensions import db
from webapp.core.models.types import UTCDateTime, app_now
from workflow.grading import STATE_LABELS
from workflow.ruleset import Ruleset

if TYPE_CHECKING:
    from webapp.core.models.organisation import Organisation
    from webapp.core.models.user import User
    from webapp.grading.models.oversight import SpotCheck


class Level(StrEnum):
    """ARC-4.1, highest first."""

    SPECIAL = "special"
    FIRST = "first"
    SECOND = "second"


class CaseKind(StrEnum):
    EVALUATION = "evaluation"
    RECHECK = "recheck"


#: Chinese labels come from the state machine itself (workflow/grading/table.py); colours are this UI's.
CASE_STATE_LABELS: dict[str, str] = dict(STATE_LABELS)
CASE_STATE_COLOURS: dict[str, str] = {
    "draft": "secondary",
    "applied": "primary",
    "forwarded": "primary",
    "planned": "info",
    "acceptance_requested": "info",
    "prechecking": "warning",
    "returned": "warning",
    "in_notice": "primary",
    "objection_review": "danger",
    "in_review": "warning",
    "awaiting_approval": "info",
    "approved": "success",
    "rejected": "danger",
    "withdrawn": "dark",
}
CONCLUSION_LABELS: dict[str, str] = {"pass": "达标", "fail": "未达标"}


#: function columns the worklist filters together with the state (index ``ix_cases_<name>_state`` each)
ACTING_COLUMNS = ("forwarder", "planner", "prechecker", "organizer", "approver")


def _bureau_column(*, index: bool = True) -> Any:
    """A case column naming a bureau, its old value known when it changes; indexed on its own unless an index
    of the table begins with it (an acting bureau's ``ix_cases_<function>_state``, migration
    0023_redundant_indexes)."""
    return mapped_column(sa.ForeignKey("organisations.id"), index=index, active_history=True)


class CaseNames:
    """What a case is called in its own regulation, from its columns alone: shared by the mapped `Case` and the
    plain records a long list reads instead (`webapp.grading.services.case_rows`)."""

    __slots__ = ()
    ruleset_id: str
    level: str
    kind: str
    state: str

    @property
    def ruleset(self) -> Ruleset:
        """The ruleset the case started with; it keeps it to the end (the names it shows come from it)."""
        return load_ruleset(self.ruleset_id)

    @property
    def level_label(self) -> str:
        return self.ruleset.level_name(self.level)

    @property
    def kind_label(self) -> str:
        return self.ruleset.kind_name(self.kind)

    @property
    def state_label(self) -> str:
        return CASE_STATE_LABELS.get(self.state, self.state)


class Case(CaseNames, db.Model):
    __tablename__ = "cases"
    __table_args__ = (
        sa.CheckConstraint("conclusion IS NULL OR conclusion IN ('pass', 'fail')", name="conclusion"),
        sa.CheckConstraint("kind IN ('evaluation', 'recheck')", name="kind"),
        # issue 12: the case lists' order (newest change first, id breaking ties) read straight off an index,
        # so a page (and a keyset page at any depth) stops after its rows instead of sorting every case; the
        # columns every list filters on follow, so the rows a deep page skips are judged in the index alone
        # (migration 0019_covering_indexes)
        sa.Index(
            "ix_cases_listing",
            "updated_at",
            "id",
            "deleted_at",
            "state",
            "lodged_with_id",
            *(f"{name}_id" for name in ACTING_COLUMNS),
        ),
        sa.Index("ix_cases_plan_year", "plan_year"),
        # the worklist's "where this bureau acts next": (function column = bureau AND state IN …) per function,
        # read exactly off these instead of every case the bureau ever held that function in
        *(sa.Index(f"ix_cases_{name}_state", f"{name}_id", "state") for name in ACTING_COLUMNS),
        # the 12月20日 summary: a city's approvals of one year (approver IN the city's bureaus, decided_on in the
        # year) as a range, not every approved case of the province (migration 0012_scale_pages)
        sa.Index("ix_cases_approver_decided", "approver_id", "decided_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organ_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    level: Mapped[str] = mapped_column(sa.String(10))
    kind: Mapped[str] = mapped_column(sa.String(12))
    #: the organ's tier copied at application, so a later re-organisation does not re-route a running case
    tier: Mapped[str] = mapped_column(sa.String(20))
    #: ruleset and scoring scheme the case started with; kept to the end (running instances finish on their version)
    ruleset_id: Mapped[str] = mapped_column(sa.String(40))
    scheme_id: Mapped[str | None] = mapped_column(sa.String(60))
    scheme_version: Mapped[str | None] = mapped_column(sa.String(20))
    state: Mapped[str] = mapped_column(sa.String(32), default="draft", index=True)
    #: the day the case entered its current state (the application's clock): overdue waits count from it
    state_since: Mapped[date | None] = mapped_column(index=True)
    plan_year: Mapped[int | None] = mapped_column()
    applied_on: Mapped[date | None] = mapped_column()
    #: ARC-10.1.2: date C sent a 特级 application on to P
    forwarded_on: Mapped[date | None] = mapped_column()

    # Concrete bureaus per function (§6), resolved by workflow/grading/authority.py when the case is lodged. Each
    # keeps its old value when set (active_history): a bureau taken off a case moves its counts' revision too
    # (`webapp.grading.services.case_revision`).
    lodged_with_id: Mapped[int | None] = _bureau_column()
    planner_id: Mapped[int | None] = _bureau_column(index=False)
    prechecker_id: Mapped[int | None] = _bureau_column(index=False)
    organizer_id: Mapped[int | None] = _bureau_column(index=False)
    approver_id: Mapped[int | None] = _bureau_column(index=False)
    #: ARC-10.1.2: the bureau that aggregates and forwards a 特级 application to the province
    forwarder_id: Mapped[int | None] = _bureau_column(index=False)
    #: ARC-10.5.3, GAP-19: the city bureau whose yearly approvals summary includes this case
    summary_to_id: Mapped[int | None] = _bureau_column()
    panel_min: Mapped[int | None] = mapped_column()
    panel_max: Mapped[int | None] = mapped_column()
    #: included in the city bureau's 12月20日 approvals summary (ARC-10.5.3, GAP-19)
    in_city_summary: Mapped[bool] = mapped_column(default=False)
    #: ARC-5.1…5.6 as declared by the organ: {"ARC-5.1": true, …}
    preconditions: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)

    #: first day of the public notice (ARC-10.3.1); the end date is computed by workflow/calendar.py
    notice_start: Mapped[date | None] = mapped_column()
    #: day the notice was closed (公示结果, a basis document of ARC-10.5.1)
    notice_closed_on: Mapped[date | None] = mapped_column()
    #: day the case reached a terminal state (approved, rejected, withdrawn)
    decided_on: Mapped[date | None] = mapped_column()
    #: 确认函 number, e.g. 宜档函〔2027〕1号 (ARC-10.5.4)
    letter_no: Mapped[str | None] = mapped_column(sa.String(40), unique=True)
    #: certificate number of the grade the approval granted, with the ruleset's prefix (ARC-10.5.5)
    certificate_no: Mapped[str | None] = mapped_column(sa.String(40), unique=True)
    precheck_opinion: Mapped[str | None] = mapped_column(sa.Text)
    #: the panel's on-site review day (评审日期), set by the organizer with the panel (ARC-10.4)
    review_date: Mapped[date | None] = mapped_column()
    total_score: Mapped[Decimal | None] = mapped_column(sa.Numeric(5, 2))
    conclusion: Mapped[str | None] = mapped_column(sa.String(4))

    #: when the organ deleted this draft (never applied, ARC-10.1.1); the row and its audit trail stay, hidden
    #: from every list and page, because audit rows are append-only
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    # ARC-9.6: a higher bureau spot-checked this case.
    spot_check: Mapped[bool] = mapped_column(default=False)
    spot_checked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    spot_checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    #: optimistic lock: an UPDATE with a stale version raises StaleDataError (two people cannot both approve)
    version_id: Mapped[int] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=app_now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=app_now, onupdate=app_now)

    __mapper_args__ = {"version_id_col": version_id}

    organ: Mapped[Organisation] = relationship(foreign_keys=[organ_id])
    lodged_with: Mapped[Organisation | None] = relationship(foreign_keys=[lodged_with_id])
    planner: Mapped[Organisation | None] = relationship(foreign_keys=[planner_id])
    prechecker: Mapped[Organisation | None] = relationship(foreign_keys=[prechecker_id])
    organizer: Mapped[Organisation | None] = relationship(foreign_keys=[organizer_id])
    approver: Mapped[Organisation | None] = relationship(foreign_keys=[approver_id])
    forwarder: Mapped[Organisation | None] = relationship(foreign_keys=[forwarder_id])
    summary_to: Mapped[Organisation | None] = relationship(foreign_keys=[summary_to_id])
    spot_checked_by: Mapped[User | None] = relationship(foreign_keys=[spot_checked_by_id])
    spot_checks: Mapped[list[SpotCheck]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="SpotCheck.id"
    )
    filings: Mapped[list[CaseFiling]] = relationship(back_populates="case", cascade="all, delete-orphan")
    panel: Mapped[list[PanelMember]] = relationship(back_populates="case", cascade="all, delete-orphan")

    def __repr__(self) -> str:
        return f"<Case {self.id} {self.level}/{self.kind} {self.state}>"


class CaseFiling(db.Model):
    """A bureau that receives a copy of the case materials for record (备案; ARC-9.3, ARC-9.5)."""

    __tablename__ = "case_filings"
    #: the "filed with this bureau" tab: its rows by bureau, newest filing first (issue 12)
    __table_args__ = (sa.Index("ix_case_filings_bureau_filed", "bureau_id", "filed_on"),)

    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True)
    bureau_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), primary_key=True)
    rule_id: Mapped[str | None] = mapped_column(sa.String(20))
    filed_on: Mapped[date | None] = mapped_column()

    case: Mapped[Case] = relationship(back_populates="filings")
    bureau: Mapped[Organisation] = relationship()


class BureauCasesRevision(db.Model):
    """A bureau's cases revision (issue 12): raised at every commit that changes a case the bureau, or a bureau
    below it, names in a bureau column or a filing, a grade of such a case, the bureau's yearly summary, an organ
    below it, or any bureau; the counts its pages show (worklist tabs, overdue work, list totals) and a city's
    summary rows are kept per process under it (`webapp.grading.services.case_revision`, which says why each is
    followed). The row is made by the first raise: no row reads as 0."""

    __tablename__ = "bureau_cases_revisions"

    #: the bureau's organisation id
    id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True)
    value: Mapped[int] = mapped_column(default=0, server_default="0")


class PanelMember(db.Model):
    """A reviewer on the case's review panel (ARC-10.4.2–10.4.4)."""

    __tablename__ = "panel_members"
    __table_args__ = (
        sa.UniqueConstraint("case_id", "user_id", name="uq_panel_members_case_user"),
        sa.CheckConstraint("declaration IS NULL OR declaration IN ('none', 'conflict')", name="declaration"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    is_lead: Mapped[bool] = mapped_column(default=False)
    #: 回避声明: None until the member declares; "none" (no conflict) or "conflict" (asks to be replaced)
    declaration: Mapped[str | None] = mapped_column(sa.String(10))
    declaration_note: Mapped[str | None] = mapped_column(sa.Text)
    declared_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    case: Mapped[Case] = relationship(back_populates="panel")
    user: Mapped[User] = relationship()
