"""What the assessment team's pages read (考评任务): the campaigns a person assesses (paginated in the query),
and one campaign's units with the person's own sheet on each; for the lead, the agreed sheet and the spread of
the members' submitted totals (as in grading's panel).

Three queries per page whatever the data size: the page of units, their sheets, the count.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from webapp.campaigns.models import Campaign, CampaignAssessor, CampaignUnit
from webapp.campaigns.services import permissions
from webapp.campaigns.services.campaigns import load
from webapp.campaigns.services.results import SHEET_SUBJECT
from webapp.core.extensions import db
from webapp.core.models import Role, User
from webapp.core.services.errors import NotFound
from webapp.scoring.models import ScoreSheet, SheetKind, SheetStatus
from workflow.campaigns.table import ASSESS_STATES

PER_PAGE = 20
#: States in which a campaign is listed as work for the team (scoring is open in ASSESS_STATES).
LISTED_STATES = ("self_assessment", "assessment", "moderation", "approval", "approved", "published")
STATUS_WORDS = {None: "未填写", SheetStatus.DRAFT: "填写中", SheetStatus.SUBMITTED: "已提交"}


def is_assessor(user: User | None) -> bool:
    return user is not None and user.is_authenticated and user.has_role(Role.ASSESSOR)


def my_campaigns(user: User, *, page: int = 1, per_page: int = PER_PAGE) -> Any:
    """(CampaignAssessor) seats of the person, newest period first, announced campaigns only."""
    stmt = (
        sa.select(CampaignAssessor)
        .join(Campaign, Campaign.id == CampaignAssessor.campaign_id)
        .where(CampaignAssessor.user_id == user.id, Campaign.state.in_(LISTED_STATES))
        .options(sa.orm.contains_eager(CampaignAssessor.campaign).joinedload(Campaign.office))
        .order_by(Campaign.period_end.desc(), Campaign.id.desc())
    )
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False, count=True)


@dataclass(frozen=True)
class UnitLine:
    cu: CampaignUnit
    own_status: str
    own_total: Decimal | None
    agreed_status: str
    agreed_total: Decimal | None
    #: the members' submitted totals, lowest first (shown to the lead)
    reviewers: tuple[Decimal, ...]
    self_submitted: bool

    @property
    def spread(self) -> Decimal | None:
        return self.reviewers[-1] - self.reviewers[0] if len(self.reviewers) > 1 else None


@dataclass(frozen=True)
class TeamCampaign:
    campaign: Campaign
    seat: CampaignAssessor
    page: Any
    lines: list[UnitLine]
    scoring_open: bool


def campaign_units(user: User, campaign_id: int, *, page: int = 1, per_page: int = PER_PAGE) -> TeamCampaign:
    """One campaign's units for a member of its team, with their sheets; NotFound for anyone else."""
    campaign = load(user, campaign_id)
    seat = permissions.assessor_of(user, campaign)
    if seat is None:
        raise NotFound("考评活动不存在或您无权查看。")
    units = db.paginate(
        sa.select(CampaignUnit)
        .where(CampaignUnit.campaign_id == campaign.id)
        .options(sa.orm.joinedload(CampaignUnit.organisation))
        .order_by(CampaignUnit.group, CampaignUnit.position, CampaignUnit.id),
        page=page,
        per_page=per_page,
        error_out=False,
        count=True,
    )
    ids = [cu.id for cu in units.items]
    sheets: dict[int, dict[str, Any]] = {i: {"reviewers": []} for i in ids}
    if ids:
        rows = db.session.execute(
            sa.select(
                ScoreSheet.subject_id,
                ScoreSheet.kind,
                ScoreSheet.reviewer_id,
                ScoreSheet.status,
                ScoreSheet.total,
            ).where(ScoreSheet.subject_type == SHEET_SUBJECT, ScoreSheet.subject_id.in_(ids))
        ).all()
        for subject_id, kind, reviewer_id, status, total in rows:
            slot = sheets[subject_id]
            if kind == SheetKind.SELF:
                slot["self"] = status == SheetStatus.SUBMITTED
            elif kind == SheetKind.AGREED:
                slot["agreed"] = (status, total)
            else:
                if reviewer_id == user.id:
                    slot["own"] = (status, total)
                if status == SheetStatus.SUBMITTED and total is not None:
                    slot["reviewers"].append(total)
    lines = []
    for cu in units.items:
        slot = sheets[cu.id]
        own_status, own_total = slot.get("own", (None, None))
        agreed_status, agreed_total = slot.get("agreed", (None, None))
        lines.append(
            UnitLine(
                cu=cu,
                own_status=STATUS_WORDS.get(own_status, "未填写"),
                own_total=own_total,
                agreed_status=STATUS_WORDS.get(agreed_status, "未填写"),
                agreed_total=agreed_total,
                reviewers=tuple(sorted(slot["reviewers"])) if seat.lead else (),
                self_submitted=bool(slot.get("self")),
            )
        )
    return TeamCampaign(campaign, seat, units, lines, campaign.state in ASSESS_STATES)
