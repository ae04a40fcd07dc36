"""A periodic assessment campaign (考评活动) and what hangs off it.

One office (the organisation of the staff who open it) assesses many units at once against one scheme version
for one period: each unit self-assesses on its sheet with evidence (STA-4.2, LRN-4.2), the assessment team scores
each unit and the lead keeps the agreed sheet (STA-4.3, LRN-4.3, SAF-3.1), the office moderates (grade quotas,
vetoes), the head approves (ORG-PR.8) and the office publishes the bulletin (通报). The sheets are the shared
score sheets (``score_sheets`` with subject type ``campaign_unit``); the states are
`workflow.campaigns.table`. ``rules`` holds the result rules the campaign was opened with (quotas, tie rule,
composite, bottom-two, bonus cap — from the scheme's preset, `config.campaigns`), ``choices`` the office's
counts within the quotas, ``result`` the ranking frozen at approval.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.core.extensions import db
from webapp.core.models.types import UTCDateTime, app_now

if TYPE_CHECKING:
    from webapp.core.models.organisation import Organisation
    from webapp.core.models.user import User

CAMPAIGN_STATE_VALUES = (
    "draft",
    "self_assessment",
    "assessment",
    "moderation",
    "approval",
    "approved",
    "published",
    "cancelled",
)
PERIOD_KINDS = ("month", "quarter", "half", "year")
#: performance (业绩, a bonus) or fault (过错, a deduction or a veto) — ORG-4.1, ORG-PR.1
CLAIM_KINDS = ("performance", "fault")
#: declared or found, then verified or rejected by the office (ORG-PR.1: 申报认定)
CLAIM_STATUSES = ("pending", "verified", "rejected")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Campaign(db.Model):
    __tablename__ = "campaigns"
    __table_args__ = (
        sa.CheckConstraint(_in("state", CAMPAIGN_STATE_VALUES), name="state"),
        sa.CheckConstraint(_in("period_kind", PERIOD_KINDS), name="period_kind"),
        sa.CheckConstraint("period_start <= period_end", name="period_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(120))
    #: the scheme version the campaign scores with, fixed when it is opened (running campaigns keep theirs)
    scheme_id: Mapped[str] = mapped_column(sa.String(60))
    scheme_version: Mapped[str] = mapped_column(sa.String(20))
    #: the preset (config/campaigns/presets.toml) the campaign's rules came from
    preset: Mapped[str] = mapped_column(sa.String(60))
    period_kind: Mapped[str] = mapped_column(sa.String(10))
    period_start: Mapped[date] = mapped_column(sa.Date)
    period_end: Mapped[date] = mapped_column(sa.Date)
    #: the first campaign of the series it was copied from (itself for the first): composites and bottom-two
    #: histories read the series
    series_id: Mapped[int | None] = mapped_column(sa.Integer, index=True)
    previous_id: Mapped[int | None] = mapped_column(sa.ForeignKey("campaigns.id"))
    state: Mapped[str] = mapped_column(sa.String(20), default="draft", index=True)
    #: deadlines (None where the campaign has no such step)
    self_due: Mapped[date | None] = mapped_column(sa.Date)
    materials_due: Mapped[date | None] = mapped_column(sa.Date)
    inspection_from: Mapped[date | None] = mapped_column(sa.Date)
    inspection_to: Mapped[date | None] = mapped_column(sa.Date)
    results_due: Mapped[date | None] = mapped_column(sa.Date)
    #: result rules: {"quotas": [{"grade", "min", "max"}], "rest_grade", "fail_grade", "tie_rule",
    #: "groups": [...], "composite": {"method", "weight", "into"}, "bottom_two": bool, "bonus_cap": "50"}
    rules: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    #: the office's counts within the quotas: {group: {grade: n}} (STA-4.1 / GAP-6)
    choices: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    #: the ranking frozen when the head approves (pages, exports and the API read it from then on)
    result: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    opened_on: Mapped[date | None] = mapped_column(sa.Date)
    submitted_on: Mapped[date | None] = mapped_column(sa.Date)
    approved_on: Mapped[date | None] = mapped_column(sa.Date)
    published_on: Mapped[date | None] = mapped_column(sa.Date)
    #: the bulletin: document number, title, the office's own paragraph
    bulletin_number: Mapped[str] = mapped_column(sa.String(40), default="")
    bulletin_title: Mapped[str] = mapped_column(sa.String(120), default="")
    bulletin_text: Mapped[str] = mapped_column(sa.Text, default="")
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    approved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    published_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=app_now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=app_now, onupdate=app_now)
    version_id: Mapped[int] = mapped_column(default=1)
    #: raised at every commit that changes the campaign's units or their score sheets, without touching
    #: ``version_id`` (a unit saving its sheet does not make the office's open form stale): what keys the
    #: campaign's shared standing (`webapp.campaigns.services.standing`)
    standing_revision: Mapped[int] = mapped_column(default=0, server_default="0")

    __mapper_args__ = {"version_id_col": version_id}

    office: Mapped[Organisation] = relationship()
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])
    published_by: Mapped[User | None] = relationship(foreign_keys=[published_by_id])
    units: Mapped[list[CampaignUnit]] = relationship(
        back_populates="campaign", order_by="CampaignUnit.position", cascade="all, delete-orphan"
    )
    assessors: Mapped[list[CampaignAssessor]] = relationship(
        back_populates="campaign", order_by="CampaignAssessor.id", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Campaign {self.id} {self.scheme_id} {self.period_start}…{self.period_end} {self.state}>"


class CampaignUnit(db.Model):
    """One unit assessed in one campaign: its group, and the office's moderation of it (veto, 不合格)."""

    __tablename__ = "campaign_units"
    __table_args__ = (sa.UniqueConstraint("campaign_id", "organisation_id", name="uq_campaign_units_unit"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaigns.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    #: the ranking group (ORG-PR.9: 街道 / 区直单位); "" when the campaign ranks everyone together
    group: Mapped[str] = mapped_column(sa.String(40), default="")
    position: Mapped[int] = mapped_column(default=0)
    #: 一票否决 decided by the office in moderation, with its reason (ORG-12.3)
    vetoed: Mapped[bool] = mapped_column(default=False)
    veto_reason: Mapped[str] = mapped_column(sa.String(500), default="")
    #: judged 不合格 by the office among the units outside the quotas (STA GAP-6), with its reason
    judged_fail: Mapped[bool] = mapped_column(default=False)
    fail_reason: Mapped[str] = mapped_column(sa.String(500), default="")
    #: 公认度评价 score recorded by the office (ORG-4.1, ORG-PR.7); None where the campaign has none
    recognition: Mapped[Decimal | None] = mapped_column(sa.Numeric(6, 2))

    campaign: Mapped[Campaign] = relationship(back_populates="units")
    organisation: Mapped[Organisation] = relationship()
    evidence: Mapped[list[CampaignEvidence]] = relationship(
        back_populates="unit", order_by="CampaignEvidence.position", cascade="all, delete-orphan"
    )
    claims: Mapped[list[CampaignClaim]] = relationship(
        back_populates="unit", order_by="CampaignClaim.id", cascade="all, delete-orphan"
    )


class CampaignAssessor(db.Model):
    """A member of the campaign's assessment team (考评组, SAF-3.1); the lead keeps the agreed sheets."""

    __tablename__ = "campaign_assessors"
    __table_args__ = (sa.UniqueConstraint("campaign_id", "user_id", name="uq_campaign_assessors_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaigns.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    lead: Mapped[bool] = mapped_column(default=False)

    campaign: Mapped[Campaign] = relationship(back_populates="assessors")
    user: Mapped[User] = relationship()


class CampaignEvidence(db.Model):
    """A supporting material of a unit's self-assessment, in binding order (STA-4.2), with its date: only
    materials dated within the period count (STA GAP-8). Bytes under ``instance/uploads``."""

    __tablename__ = "campaign_evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_unit_id: Mapped[int] = mapped_column(
        sa.ForeignKey("campaign_units.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(sa.String(200))
    #: 发文日期或上报时间 (STA-4.2)
    dated: Mapped[date] = mapped_column(sa.Date)
    #: the score-sheet item it supports ("" for the whole sheet)
    item_id: Mapped[str] = mapped_column(sa.String(40), default="")
    original_filename: Mapped[str] = mapped_column(sa.String(255))
    stored_filename: Mapped[str] = mapped_column(sa.String(80), unique=True)
    size: Mapped[int] = mapped_column()
    sha256: Mapped[str] = mapped_column(sa.String(64))
    content_type: Mapped[str] = mapped_column(sa.String(120), default="application/octet-stream")
    uploaded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=app_now)

    unit: Mapped[CampaignUnit] = relationship(back_populates="evidence")
    uploaded_by: Mapped[User] = relationship()


class CampaignClaim(db.Model):
    """A performance (业绩) or fault (过错) declared by the unit or found by the office, then verified
    (ORG-PR.1). An undeclared fault found later counts double or vetoes (ORG-PR.2)."""

    __tablename__ = "campaign_claims"
    __table_args__ = (
        sa.CheckConstraint(_in("kind", CLAIM_KINDS), name="kind"),
        sa.CheckConstraint(_in("status", CLAIM_STATUSES), name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_unit_id: Mapped[int] = mapped_column(
        sa.ForeignKey("campaign_units.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(sa.String(12))
    #: what was achieved or went wrong, in the unit's words
    content: Mapped[str] = mapped_column(sa.String(300))
    #: the same content counts once, at its highest item (ORG-6.3): claims sharing a key are one content
    content_key: Mapped[str] = mapped_column(sa.String(60))
    #: performance: major_innovation (+20) / innovation (+10) / other; fault: general / veto (ORG-6.4, ORG-7.x)
    category: Mapped[str] = mapped_column(sa.String(30))
    points: Mapped[Decimal] = mapped_column(sa.Numeric(6, 2), default=Decimal(0))
    #: declared by the unit (True) or found by the office (False: a fault not declared counts double, ORG-PR.2)
    declared: Mapped[bool] = mapped_column(default=True)
    #: the red-header document or other evidence it rests on (ORG-6.4)
    evidence: Mapped[str] = mapped_column(sa.String(300), default="")
    status: Mapped[str] = mapped_column(sa.String(10), default="pending")
    note: Mapped[str] = mapped_column(sa.String(500), default="")
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=app_now)
    verified_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    unit: Mapped[CampaignUnit] = relationship(back_populates="claims")
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    verified_by: Mapped[User | None] = relationship(foreign_keys=[verified_by_id])
