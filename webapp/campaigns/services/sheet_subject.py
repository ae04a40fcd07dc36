"""A campaign's score sheets: one unit in one campaign (`CampaignUnit`) as the sheets' subject ("campaign_unit"),
who reads and fills which sheet when, and the late mark of a self-assessment.

- The unit's 填报人 (role ``campaign_unit`` at that organisation) fills its 自评表 while the campaign is in
  self-assessment (STA-4.2, LRN-4.2); it is still accepted while the team assesses (``ASSESS_STATES``) and then
  marked late when submitted after ``Campaign.self_due``.
- Each member of the assessment team fills their own 考评评分表 and the lead the 合议评分表 — the result
  (STA-4.3, LRN-4.3, SAF-3.2) — while the campaign is being assessed (``ASSESS_STATES``).
- Everything is read-only after; the office's staff and head read every sheet, the team reads the unit's
  self-assessment and each other's sheets, the unit reads its own self-assessment and, once the head approved,
  its agreed sheet. Another unit, an assessor of another campaign, anyone else: the subject does not exist (404).
- The scheme is the one the campaign was opened with (``scheme_id`` / ``scheme_version``), never the active one.
- Submitting or reopening a sheet writes the campaign's audit trail.

The sheet code (`webapp.scoring.services.scoresheets`) knows none of this: `CampaignSheets` hands it over.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa

from webapp.campaigns.models import Campaign, CampaignUnit
from webapp.campaigns.services import permissions
from webapp.campaigns.services.campaigns import SUBJECT
from webapp.campaigns.services.results import SHEET_SUBJECT
from webapp.core import clock
from webapp.core.extensions import db
from webapp.core.models import Role, User
from webapp.core.services.audit import append_event
from webapp.core.services.errors import NotFound
from webapp.scoring.models import ScoreSheet, SheetKind
from webapp.scoring.permissions import SheetAccess, SheetRoles, sheet_access
from webapp.scoring.services.schemes import get_scheme
from webapp.scoring.services.scoresheets.subject import (
    Closed,
    PanelSeat,
    SheetSubject,
    SheetWords,
    SubjectPage,
)
from workflow.campaigns.rules import quote
from workflow.campaigns.table import ASSESS_STATES, STATE_LABELS
from workflow.scoring.scheme import Scheme

#: The unit reads its agreed sheet once the head approved the results (ORG-PR.8).
RESULT_STATES = frozenset({"approved", "published"})
SELF_RULE = "STA-4.2"
SCORE_RULE = "STA-4.3"

WORDS = SheetWords(
    noun="被考评单位",
    names={SheetKind.SELF: "自评表", SheetKind.REVIEWER: "考评评分表", SheetKind.AGREED: "合议评分表"},
    fillers={SheetKind.SELF: "被考评单位", SheetKind.REVIEWER: "考评组成员", SheetKind.AGREED: "考评组组长"},
    members="考评组成员",
    opinion="考评意见（考评组的书面意见，供考评办审定时参考）",
    numbered=False,
)


def sheet_roles(user: User, cu: CampaignUnit) -> SheetRoles:
    """The user's standing on one unit of one campaign and which sheets its state opens. Deny by default: only
    the unit itself, the campaign's office and its team see the subject at all."""
    campaign = cu.campaign
    functions = permissions.functions_on(user, campaign)
    mine = permissions.unit_of(user, campaign)
    own = "unit" in functions and mine is not None and mine.id == cu.id
    seat = permissions.assessor_of(user, campaign)
    member = seat is not None and user.has_role(Role.ASSESSOR)
    office = bool(functions & {"staff", "head"})
    if not (own or member or office):
        return SheetRoles()
    return SheetRoles(
        visible=True,
        applicant=own,
        member=member,
        lead=member and seat is not None and seat.lead,
        # campaigns have no 回避声明 step: a member of the team may score once scoring is open
        declared=member,
        overseer=office,
        self_check_open=campaign.state in ASSESS_STATES,
        review_open=campaign.state in ASSESS_STATES,
        concluded=campaign.state in RESULT_STATES,
    )


def access(user: User, cu: CampaignUnit) -> SheetAccess:
    return sheet_access(sheet_roles(user, cu))


def scheme_of_campaign(campaign: Campaign) -> Scheme | None:
    """The scheme version the campaign was opened with (None when it cannot be found: the sheets say so)."""
    try:
        return get_scheme(campaign.scheme_id, campaign.scheme_version)
    except NotFound:
        return None


def is_late(campaign: Campaign, submitted_at: datetime | None) -> bool:
    """A self-assessment submitted after the day it was due (accepted while the team assesses, marked late)."""
    if campaign.self_due is None or submitted_at is None:
        return False
    local = clock.local(submitted_at) or submitted_at
    return local.date() > campaign.self_due


def _day(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def sheet_subject(cu: CampaignUnit) -> SheetSubject:
    """One unit of one campaign as its score sheets see it."""
    campaign = cu.campaign
    state = STATE_LABELS.get(campaign.state, campaign.state)
    now = f"考评活动当前为「{state}」"
    self_closed = Closed(
        f"自评表在自评期间填写，逾期的可在考评期间补交（{now}）。{quote(SELF_RULE)}", SELF_RULE
    )
    score_closed = Closed(f"考评组在考评期间评分（{now}）。{quote(SCORE_RULE)}", SCORE_RULE)
    name = cu.organisation.name
    return SheetSubject(
        id=cu.id,
        type=SHEET_SUBJECT,
        record=cu,
        title=f"{name}-{campaign.title}",
        level=None,
        level_label="",
        scheme=scheme_of_campaign(campaign),
        closed={
            SheetKind.SELF: self_closed,
            SheetKind.REVIEWER: score_closed,
            SheetKind.AGREED: score_closed,
        },
        not_scored_message="本次考评的评分表只有框架、没有分值，请考评办先导入评分表。",
        panel=tuple(
            PanelSeat(
                a.user_id,
                a.user.display_name,
                a.user.organisation.name if a.user.organisation else "",
                a.lead,
            )
            for a in sorted(campaign.assessors, key=lambda a: (not a.lead, a.id))
        ),  # fmt: skip
        page=SubjectPage("campaigns_unit.show", {"cu_id": cu.id}),
        name=name,
        summary=f"{name} · {campaign.title} · {state}",
        words=WORDS,
    )


class CampaignSheets:
    """The `SheetProcedure` of the campaigns: a sheet's subject is one unit in one campaign."""

    words = WORDS

    def subject(self, subject_id: int) -> SheetSubject | None:
        cu = db.session.get(CampaignUnit, subject_id)
        return sheet_subject(cu) if cu is not None else None

    def access(self, user: User, subject: SheetSubject) -> SheetAccess:
        return access(user, subject.record)

    def pin_scheme(self, subject: SheetSubject) -> Scheme | None:
        # the campaign fixed its scheme version when it was set up; running campaigns keep theirs
        return scheme_of_campaign(subject.record.campaign)

    def scheme_users(self) -> dict[tuple[str, str], int]:
        grouped = sa.select(Campaign.scheme_id, Campaign.scheme_version, sa.func.count(Campaign.id)).group_by(
            Campaign.scheme_id, Campaign.scheme_version
        )
        return {(scheme_id, version): n for scheme_id, version, n in db.session.execute(grouped) if scheme_id}

    def record(self, subject: SheetSubject, sheet: ScoreSheet, event: str, actor: User, comment: str) -> None:
        cu: CampaignUnit = subject.record
        campaign = cu.campaign
        late = ""
        if sheet.kind == SheetKind.SELF and event == "sheet_submitted" and is_late(campaign, clock.now()):
            assert campaign.self_due is not None  # is_late says so
            late = f"（逾期提交，自评截止日为{_day(campaign.self_due)}）"
        append_event(
            SUBJECT,
            campaign.id,
            event,
            actor=actor,
            from_state=campaign.state,
            to_state=campaign.state,
            comment=f"{cu.organisation.name}的{WORDS.name(sheet.kind)}：{comment}{late}",
            rule_id=SELF_RULE if sheet.kind == SheetKind.SELF else SCORE_RULE,
        )
