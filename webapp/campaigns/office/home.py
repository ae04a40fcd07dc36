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
from webapp.core.read_transactions import in_constants
from webapp.core.request_cache import memo
from webapp.core.services import person_extras

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
    kept = memo(_READ_WITH_PERSON)
    if kept is not None and office_id in kept:  # read with the signed-in person: counted here, for ``today``
        for state, due in kept[office_id]:
            counts[state] += 1
            counts[f"{state}_late"] += 1 if due is not None and due < today else 0
        return counts
    for state, total, late in db.session.execute(_BY_STATE, {"office": office_id, "today": today}):
        counts[state], counts[f"{state}_late"] = int(total), int(late)
    return counts


# -- read with the signed-in person ------------------------------------------------------------------------------
# Every page an office's person opens counts its campaigns for the navigation bar (`office_overdue`): the state
# and the results' due day of each campaign of their organisation in a counted state come with the person
# (`person_extras`, a statement fewer on each page, issue 12) as text, ``state:YYYY-MM-DD`` (or ``state:``)
# joined by commas, and `office_counts` counts them for the day it is asked about, as `_BY_STATE` would. An
# office has a few dozen such campaigns; for anyone else the subquery finds none.

_READ_WITH_PERSON = "campaign_office_states"


def _office_states() -> sa.ColumnElement[str]:
    colon, comma, empty = (sa.literal_column(f"'{text}'", sa.String) for text in (":", ",", ""))
    pair = Campaign.state + colon + sa.func.coalesce(sa.cast(Campaign.results_due, sa.String), empty)
    return (
        sa.select(sa.func.aggregate_strings(pair, comma))
        .where(Campaign.office_id == User.organisation_id, in_constants(Campaign.state, COUNTED))
        .scalar_subquery()
    )


def _keep_office_states(user: User, raw: str | None) -> None:
    kept: dict[int, list[tuple[str, date | None]]] | None = memo(_READ_WITH_PERSON)
    if kept is None or user.organisation_id is None:
        return
    states = []
    for pair in (raw or "").split(","):
        state, _, due = pair.partition(":")
        if state in COUNTED:
            try:
                states.append((state, date.fromisoformat(due) if due else None))
            except ValueError:  # a day the database wrote otherwise (a server's DateStyle): counted by SQL
                return
    kept.setdefault(user.organisation_id, states)


person_extras.read_with_person(_READ_WITH_PERSON, _office_states, _keep_office_states)


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
