"""What the unit's pages read: every campaign the user's unit is in (paginated in the query), and one campaign
as its unit sees it — deadlines with the days left, its sheet, its materials, its claims, its own result once the
head approved and the whole ranking once published (LRN-4.4, STA-4.3).

A fixed number of queries per page whatever the data size; the lists are bounded (materials, claims) or paged.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

import sqlalchemy as sa

from webapp.campaigns.models import Campaign, CampaignClaim, CampaignUnit
from webapp.campaigns.services import claims, evidence, permissions, results, sheet_subject, standing
from webapp.campaigns.services.campaigns import load
from webapp.campaigns.services.results import SHEET_SUBJECT
from webapp.core import clock
from webapp.core.extensions import db
from webapp.core.models import Role, User
from webapp.core.services.errors import NotFound
from webapp.scoring.models import ScoreSheet, SheetKind, SheetStatus
from workflow.campaigns.ranking import QuotaRefused
from workflow.campaigns.table import ASSESS_STATES

PER_PAGE = 20
#: The unit sees its own result once the head approved (ORG-PR.8) and everyone's once published (LRN-4.4).
OWN_RESULT_STATES = frozenset({"approved", "published"})
RANKING_STATES = frozenset({"published"})


def is_unit_user(user: User | None) -> bool:
    return user is not None and user.is_authenticated and user.has_role(Role.CAMPAIGN_UNIT)


def mine_clause(user: User) -> sa.ColumnElement[bool]:
    """The campaigns the user's unit is in, once announced (a draft is the office's own business)."""
    return sa.and_(
        CampaignUnit.organisation_id == user.organisation_id,
        Campaign.state != "draft",
    )


def my_campaigns(user: User, *, page: int = 1, per_page: int = PER_PAGE) -> Any:
    """(Campaign, CampaignUnit) rows of the user's unit, newest period first, one page (paginated in the query)."""
    stmt = (
        sa.select(CampaignUnit)
        .join(Campaign, Campaign.id == CampaignUnit.campaign_id)
        .where(mine_clause(user))
        .options(sa.orm.contains_eager(CampaignUnit.campaign).joinedload(Campaign.office))
        .order_by(Campaign.period_end.desc(), Campaign.id.desc())
    )
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False, count=True)


@dataclass(frozen=True)
class Deadline:
    label: str
    day: date
    days_left: int
    #: the stage this date belongs to is over (the campaign moved past it): no countdown any more
    done: bool = False

    @property
    def text(self) -> str:
        if self.done:
            return "本阶段已结束"
        if self.days_left > 0:
            return f"还剩{self.days_left}天"
        if self.days_left == 0:
            return "今天截止"
        return f"已过{-self.days_left}天"


#: states in which the self-assessment, materials and inspection are over (a late self-assessment is still taken
#: while the team assesses, so those dates keep counting until moderation) and those in which the results are
_TEAM_DONE = frozenset({"moderation", "approval", "approved", "published", "cancelled"})
_RESULTS_DONE = frozenset({"approved", "published", "cancelled"})


def deadlines(campaign: Campaign, today: date) -> list[Deadline]:
    team_done = campaign.state in _TEAM_DONE
    named = [
        ("自评截止", campaign.self_due, team_done),
        ("材料报送截止", campaign.materials_due, team_done),
        ("实地考评开始", campaign.inspection_from, team_done),
        ("实地考评结束", campaign.inspection_to, team_done),
        ("结果报送截止", campaign.results_due, campaign.state in _RESULTS_DONE),
    ]
    return [Deadline(label, day, (day - today).days, done) for label, day, done in named if day is not None]


@dataclass(frozen=True)
class SelfSheet:
    """The unit's 自评表 as its page shows it."""

    status: str
    submitted: bool
    late: bool
    total: Decimal | None
    #: the unit may fill it now (else it reads it, or nothing when none exists)
    editable: bool
    exists: bool


def self_sheet(campaign: Campaign, cu: CampaignUnit, own: bool) -> SelfSheet:
    """The unit's self-assessment sheet in one query, with its late mark (submitted after ``self_due``)."""
    sheet = db.session.scalar(
        sa.select(ScoreSheet).where(
            ScoreSheet.subject_type == SHEET_SUBJECT,
            ScoreSheet.subject_id == cu.id,
            ScoreSheet.kind == SheetKind.SELF,
        )
    )
    submitted = sheet is not None and sheet.status == SheetStatus.SUBMITTED
    late = submitted and sheet is not None and sheet_subject.is_late(campaign, sheet.submitted_at)
    overdue = not submitted and campaign.self_due is not None and clock.today() > campaign.self_due
    status = "已提交" if submitted else ("填写中" if sheet is not None else "未填写")
    if overdue and campaign.state in ASSESS_STATES:
        status += "（已过自评截止日，考评期间仍可补交，将标为逾期）"
    return SelfSheet(
        status=status,
        submitted=submitted,
        late=late,
        total=sheet.total if sheet is not None else None,
        editable=own and campaign.state in ASSESS_STATES and not submitted,
        exists=sheet is not None,
    )


@dataclass
class UnitPage:
    campaign: Campaign
    cu: CampaignUnit
    deadlines: list[Deadline]
    evidence: list[evidence.EvidenceRow]
    claims: list[CampaignClaim]
    may_edit_evidence: bool
    may_declare: bool
    #: the office or team reading the unit's page (not the unit itself)
    reader: bool
    sheet: Any = None
    own_result: Any = None
    ranking: Any = None
    extra: dict[str, Any] = field(default_factory=dict)


def unit_for(user: User, cu_id: int) -> tuple[Campaign, CampaignUnit, bool]:
    """The campaign unit if ``user`` may read its page: its own 填报人 (``own`` True), the office, the team."""
    cu = db.session.get(CampaignUnit, cu_id)
    if cu is None:
        raise NotFound("被考评单位不存在或您无权查看。")
    campaign = load(user, cu.campaign_id)
    mine = permissions.unit_of(user, campaign)
    own = mine is not None and mine.id == cu.id
    if not own and not (permissions.functions_on(user, campaign) - {"unit"}):
        raise NotFound("被考评单位不存在或您无权查看。")
    return campaign, cu, own


def _results(user: User, campaign: Campaign, cu: CampaignUnit, own: bool) -> tuple[Any, Any, dict[str, Any]]:
    """(own result, whole ranking, names): the unit's own line once approved, everyone's once published; the
    office and the team read the unit's line whenever a ranking exists. Nothing when no ranking can be made
    yet (no agreed sheet, or counts the quotas refuse)."""
    see_own = permissions.can_see_own_result(user, campaign) if own else permissions.is_office(user, campaign)
    see_all = own and permissions.can_see_ranking(user, campaign) and campaign.state == "published"
    if not (see_own or see_all) or campaign.state not in OWN_RESULT_STATES:
        return None, None, {}
    try:
        ranked = standing.ranking(campaign)
    except QuotaRefused:
        return None, None, {}
    try:
        mine = ranked.unit(str(cu.id))
    except KeyError:
        mine = None
    names = results.frozen_names(campaign) if see_all else {}
    return mine, ranked if see_all else None, {"unit_key": str(cu.id), "names": names}


def build(user: User, cu_id: int, today: date) -> UnitPage:
    campaign, cu, own = unit_for(user, cu_id)
    own_result, ranking, extra = _results(user, campaign, cu, own)
    rows = claims.claims_of_unit(cu)
    sheet = self_sheet(campaign, cu, own)
    extra["counted"] = claims.counted(rows, _bonus_cap(campaign))
    extra["office"] = permissions.is_office(user, campaign)
    return UnitPage(
        campaign=campaign,
        cu=cu,
        deadlines=deadlines(campaign, today),
        evidence=evidence.rows_of(campaign, cu),
        claims=rows,
        may_edit_evidence=own and campaign.state in ASSESS_STATES and not sheet.submitted,
        may_declare=own and claims.can_declare(user, campaign, cu),
        reader=not own,
        own_result=own_result,
        ranking=ranking,
        extra=extra,
        sheet=sheet,
    )


def _bonus_cap(campaign: Campaign) -> Decimal:
    """The campaign's bonus cap (ORG-6.2: 50 unless its rules say otherwise); a broken value falls back."""
    raw = (campaign.rules or {}).get("bonus_cap")
    try:
        cap = Decimal(str(raw)) if raw not in (None, "") else claims.domain.BONUS_CAP
    except (InvalidOperation, ValueError):
        return claims.domain.BONUS_CAP
    return cap if cap.is_finite() and cap >= 0 else claims.domain.BONUS_CAP
