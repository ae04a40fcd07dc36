"""The campaign feature's links in the navigation bar, one function per audience: the office's 考评活动
(`webapp.campaigns.office.home`), the unit's 我的考评, the team's 考评任务."""

from __future__ import annotations

from webapp.campaigns.office.home import office_nav
from webapp.core.feature import NavLink
from webapp.core.models import Role, User


def unit_links(user: User) -> list[NavLink]:
    """我的考评: the unit's campaigns (the overdue count shows here for a unit's 填报人)."""
    if not user.has_role(Role.CAMPAIGN_UNIT):
        return []
    return [NavLink("我的考评", "campaigns_unit.mine", ("campaigns_unit.",), overdue=True)]


def team_links(user: User) -> list[NavLink]:
    """考评任务: the assessor's campaigns and units to score."""
    if not user.has_role(Role.ASSESSOR):
        return []
    return [
        NavLink("考评任务", "campaigns_team.index", ("campaigns_team.",),
                overdue=not user.has_role(Role.CAMPAIGN_UNIT))
    ]  # fmt: skip


def nav(user: User) -> list[NavLink]:
    return [*office_nav(user), *unit_links(user), *team_links(user)]
