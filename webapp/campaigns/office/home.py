"""The office's lines of the home worklist and its link in the navigation bar: campaigns being prepared (待开展),
waiting for moderation (待审定) for its staff, waiting for approval (待审批) for its head — one counting SELECT.
Overdue: results not yet approved after the day they were due (ORG-PR.6: 于10日前将考核评分结果报至区绩效办)."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from webapp.campaigns.models import Campaign
from webapp.campaigns.services import permissions
from webapp.core.extensions import db
from webapp.core.feature import NavLink, WorkArea
from webapp.core.models import Role, User

INDEX_PAGE = "campaigns_office.index"


#: the states the office's lines count
COUNTED = ("draft", "moderation", "approval", "approved")
#: per state, the office's campaigns and those whose results are overdue. Built once: every page an office's
#: person opens counts them for the navigation bar, and building the statement cost more than running it
_BY_STATE = (
    sa.select(
        Campaign.state,
        sa.func.count(Campaign.id),
        sa.func.coalesce(sa.func.sum(sa.case((Campaign.results_due < sa.bindparam("today"), 1), else_=0)), 0),
    )
    .where(Campaign.office_id == sa.bindparam("office"), Campaign.state.in_(COUNTED))
    .group_by(Campaign.state)
)


def office_counts(user: User, today: date) -> dict[str, int] | None:
    office_id = permissions.office_id_of(user)
    if office_id is None:
        return None
    counts = {state: 0 for state in COUNTED} | {f"{state}_late": 0 for state in COUNTED}
    for state, total, late in db.session.execute(_BY_STATE, {"office": office_id, "today": today}):
        counts[state], counts[f"{state}_late"] = int(total), int(late)
    return counts


def office_worklist(user: User, today: date) -> list[WorkArea]:
    counts = office_counts(user, today)
    if counts is None:
        return []
    areas: list[WorkArea] = []
    if user.has_role(Role.CAMPAIGN_STAFF):
        areas.append(
            WorkArea(
                "考评活动待开展",
                "筹备中的考评活动：确定单位、考评组和时间安排后发布",
                INDEX_PAGE,
                counts["draft"],
            )
        )
        areas.append(
            WorkArea(
                "考评结果待审定",
                "合议评分已汇总：对照自评、确定等次名额、否决后报送审批",
                INDEX_PAGE,
                counts["moderation"],
                counts["moderation_late"],
            )
        )
        if counts["approved"]:
            areas.append(
                WorkArea(
                    "考评通报待发布", "负责人已审批同意，填写文号后发布通报", INDEX_PAGE, counts["approved"]
                )
            )
    if user.has_role(Role.CAMPAIGN_HEAD):
        areas.append(
            WorkArea(
                "考评结果待审批",
                "考评办报送的审定结果，审批同意或写明理由退回",
                INDEX_PAGE,
                counts["approval"],
                counts["approval_late"],
            )
        )
    return areas


def office_overdue(user: User, today: date) -> int:
    counts = office_counts(user, today)
    if counts is None:
        return 0
    total = 0
    if user.has_role(Role.CAMPAIGN_STAFF):
        total += counts["moderation_late"]
    if user.has_role(Role.CAMPAIGN_HEAD):
        total += counts["approval_late"]
    return total


def office_nav(user: User) -> list[NavLink]:
    if permissions.office_id_of(user) is None:
        return []
    return [NavLink("考评活动", INDEX_PAGE, ("campaigns_office.",), overdue=True)]
