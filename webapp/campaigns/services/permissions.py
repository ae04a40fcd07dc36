"""The one place that decides who may do what in a campaign: role × organisation × state. Deny by default.

- *Role × organisation* → the campaign functions a person holds (``workflow.campaigns.FUNCTIONS``): the office's
  staff (考评办经办人, role ``campaign_staff`` at the campaign's office) are its ``staff``; the office's head
  (``campaign_head``) its ``head``, who approves the results (ORG-PR.8); a member of its assessment team (role
  ``assessor``, listed in ``campaign_assessors``) an ``assessor``, its lead also ``lead``; a person of an assessed
  unit (``campaign_unit`` at that organisation) ``unit`` — for their own unit only.
- A unit never sees another unit's sheets, evidence or claims; it sees the whole ranking only once published.
- *State* and every other rule are the domain's (``workflow.campaigns.check``).

Lists use `visible_clause`, the same decision as `functions_on` written as SQL.
"""

from __future__ import annotations

import sqlalchemy as sa

from webapp.campaigns.models import Campaign, CampaignAssessor, CampaignUnit
from webapp.core.extensions import db
from webapp.core.models import Role, User

OFFICE_ROLES = frozenset({Role.CAMPAIGN_STAFF, Role.CAMPAIGN_HEAD})


def _active(user: User | None) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and bool(user.active)


def is_office_user(user: User | None) -> bool:
    """Whether the person works at an office that runs campaigns (staff or head)."""
    return _active(user) and user is not None and user.has_role(*OFFICE_ROLES)


def office_id_of(user: User | None) -> int | None:
    """The office (organisation) whose campaigns the person runs, if they are its staff or head."""
    return user.organisation_id if is_office_user(user) and user is not None else None


def unit_of(user: User | None, campaign: Campaign) -> CampaignUnit | None:
    """The person's own unit in this campaign, if their organisation is assessed in it."""
    if not _active(user) or user is None or not user.has_role(Role.CAMPAIGN_UNIT):
        return None
    return next((u for u in campaign.units if u.organisation_id == user.organisation_id), None)


def assessor_of(user: User | None, campaign: Campaign) -> CampaignAssessor | None:
    """The person's seat on the campaign's assessment team, if any."""
    if not _active(user) or user is None or not user.has_role(Role.ASSESSOR):
        return None
    return next((a for a in campaign.assessors if a.user_id == user.id), None)


def functions_on(user: User | None, campaign: Campaign) -> frozenset[str]:
    """The campaign functions ``user`` holds on ``campaign`` (empty: nothing, not even reading)."""
    if not _active(user) or user is None:
        return frozenset()
    functions: set[str] = set()
    if user.organisation_id == campaign.office_id:
        if user.has_role(Role.CAMPAIGN_STAFF):
            functions.add("staff")
        if user.has_role(Role.CAMPAIGN_HEAD):
            functions.add("head")
    seat = assessor_of(user, campaign)
    if seat is not None:
        functions.add("assessor")
        if seat.lead:
            functions.add("lead")
    if unit_of(user, campaign) is not None and campaign.state != "draft":
        functions.add("unit")
    return frozenset(functions)


def can_view(user: User | None, campaign: Campaign) -> bool:
    return bool(functions_on(user, campaign))


def is_office(user: User | None, campaign: Campaign) -> bool:
    """Staff or head of the campaign's office: they see every unit, sheet, claim and the live ranking."""
    return bool(functions_on(user, campaign) & {"staff", "head"})


def can_see_ranking(user: User | None, campaign: Campaign) -> bool:
    """The office and its team see the ranking as it forms; a unit sees it only once published (LRN-4.4)."""
    functions = functions_on(user, campaign)
    if functions & {"staff", "head", "assessor"}:
        return True
    return "unit" in functions and campaign.state == "published"


def can_see_own_result(user: User | None, campaign: Campaign) -> bool:
    """A unit sees its own total, rank and grade once the head has approved the results (ORG-PR.8)."""
    return "unit" in functions_on(user, campaign) and campaign.state in ("approved", "published")


def visible_clause(user: User | None) -> sa.ColumnElement[bool]:
    """`can_view` as SQL, for lists: the office's campaigns, the team's, the unit's (not in draft)."""
    if not _active(user) or user is None:
        return sa.false()
    parts: list[sa.ColumnElement[bool]] = []
    if user.has_role(*OFFICE_ROLES):
        parts.append(Campaign.office_id == user.organisation_id)
    if user.has_role(Role.ASSESSOR):
        parts.append(
            Campaign.id.in_(
                sa.select(CampaignAssessor.campaign_id).where(CampaignAssessor.user_id == user.id)
            )
        )
    if user.has_role(Role.CAMPAIGN_UNIT) and user.organisation_id is not None:
        parts.append(
            sa.and_(
                Campaign.state != "draft",
                Campaign.id.in_(
                    sa.select(CampaignUnit.campaign_id).where(
                        CampaignUnit.organisation_id == user.organisation_id
                    )
                ),
            )
        )
    return sa.or_(*parts) if parts else sa.false()


def visible_ids(user: User | None) -> sa.Select[tuple[int]]:
    """The ids of the campaigns ``user`` may see, as a subquery."""
    return sa.select(Campaign.id).where(visible_clause(user))


def count_visible(user: User | None) -> int:
    return (
        db.session.scalar(sa.select(sa.func.count()).select_from(Campaign).where(visible_clause(user))) or 0
    )
