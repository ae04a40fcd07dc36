"""The campaign feature's part of each person's home page and navigation bar: counts of their work, overdue
first. Counting queries only (one SELECT per side, whatever the data size); the lists are the pages these lines
link to.

- A unit's 填报人: 自评待提交 — campaigns of their unit in self-assessment or assessment whose self-assessment
  sheet is not submitted; overdue past ``self_due`` (still accepted while the team assesses, marked late).
- A member of an assessment team: 待评分 — units of campaigns being assessed whose sheet of theirs is not
  submitted (the lead: also the agreed sheet); overdue past the inspection window's end.
The office's lines are the office side's (`webapp.campaigns.office.home`).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa

from webapp.campaigns.models import Campaign, CampaignAssessor, CampaignUnit
from webapp.campaigns.office.home import office_overdue, office_worklist
from webapp.campaigns.services.results import SHEET_SUBJECT
from webapp.core.extensions import db
from webapp.core.feature import WorkArea
from webapp.core.models import Role, User
from webapp.scoring.models import ScoreSheet, SheetKind, SheetStatus
from workflow.campaigns.table import ASSESS_STATES

_OPEN = tuple(sorted(ASSESS_STATES))


def _submitted(kind: str, reviewer_id: Any = None) -> sa.Exists:
    """A submitted sheet of ``kind`` on the campaign unit of the outer query (of ``reviewer_id`` if given)."""
    condition = sa.and_(
        ScoreSheet.subject_type == SHEET_SUBJECT,
        ScoreSheet.subject_id == CampaignUnit.id,
        ScoreSheet.kind == kind,
        ScoreSheet.status == SheetStatus.SUBMITTED,
    )
    if reviewer_id is not None:
        condition = sa.and_(condition, ScoreSheet.reviewer_id == reviewer_id)
    return sa.exists().where(condition)


def _count_pair(stmt: sa.Select[Any], late: sa.ColumnElement[bool]) -> tuple[int, int]:
    total, overdue = db.session.execute(
        stmt.with_only_columns(
            sa.func.count(), sa.func.coalesce(sa.func.sum(sa.case((late, 1), else_=0)), 0)
        ).order_by(None)
    ).one()
    return int(total or 0), int(overdue or 0)


# -- the unit's side -------------------------------------------------------------------------------------------


def unit_counts(user: User, today: date) -> tuple[int, int] | None:
    """(self-assessments to submit, of which overdue) for the user's unit; None for someone not at a unit."""
    if not user.has_role(Role.CAMPAIGN_UNIT) or user.organisation_id is None:
        return None
    stmt = (
        sa.select(CampaignUnit.id)
        .join(Campaign, Campaign.id == CampaignUnit.campaign_id)
        .where(
            CampaignUnit.organisation_id == user.organisation_id,
            Campaign.state.in_(_OPEN),
            ~_submitted(SheetKind.SELF),
        )
    )
    return _count_pair(stmt, sa.and_(Campaign.self_due.is_not(None), Campaign.self_due < today))


def unit_worklist(user: User, today: date) -> list[WorkArea]:
    counts = unit_counts(user, today)
    if counts is None:
        return []
    total, overdue = counts
    return [
        WorkArea(
            "自评待提交",
            "本单位参加的考评活动：自评表、佐证材料、业绩与过错申报；逾期未交的在考评期间仍可补交（标为逾期）",
            "campaigns_unit.mine",
            total,
            overdue,
        )
    ]


# -- the team's side -------------------------------------------------------------------------------------------


def team_counts(user: User, today: date) -> tuple[int, int] | None:
    """(units whose sheet of the user is not submitted, of which past the inspection window) in campaigns
    being assessed; the lead's agreed sheets count as well. None for someone on no team."""
    if not user.has_role(Role.ASSESSOR):
        return None
    seat = sa.and_(CampaignAssessor.campaign_id == Campaign.id, CampaignAssessor.user_id == user.id)
    waiting = sa.or_(
        ~_submitted(SheetKind.REVIEWER, user.id),
        sa.and_(CampaignAssessor.lead.is_(True), ~_submitted(SheetKind.AGREED)),
    )
    stmt = (
        sa.select(CampaignUnit.id)
        .join(Campaign, Campaign.id == CampaignUnit.campaign_id)
        .join(CampaignAssessor, seat)
        .where(Campaign.state.in_(_OPEN), waiting)
    )
    late = sa.and_(Campaign.inspection_to.is_not(None), Campaign.inspection_to < today)
    return _count_pair(stmt, late)


def team_worklist(user: User, today: date) -> list[WorkArea]:
    counts = team_counts(user, today)
    if counts is None:
        return []
    total, overdue = counts
    return [
        WorkArea(
            "待评分", "您参加的考评组：逐单位评分，组长填写合议评分表", "campaigns_team.index", total, overdue
        )
    ]


def worklist(user: User, today: date) -> list[WorkArea]:
    return [*office_worklist(user, today), *unit_worklist(user, today), *team_worklist(user, today)]


def overdue_count(user: User, today: date) -> int:
    mine = sum(counts[1] for counts in (unit_counts(user, today), team_counts(user, today)) if counts)
    return office_overdue(user, today) + mine
