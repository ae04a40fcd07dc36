"""The bulletin (通报) of a campaign's approved results: its document (read by the page, the .xlsx and the PDF)
and the office's words for it (文号, 标题, 导语), typed while the results are approved and not yet published.
Before the head approves (ORG-PR.8) there is no bulletin."""

from __future__ import annotations

import re

from webapp.campaigns.documents.bulletin import (
    BulletinDocument,
    bulletin_document,
    default_text,
    default_title,
)
from webapp.campaigns.models import Campaign
from webapp.campaigns.services import campaigns, overview, permissions
from webapp.campaigns.services.errors import Refused
from webapp.core import clock
from webapp.core.models import User
from webapp.core.models.types import app_now
from webapp.core.services.audit import append_event
from webapp.core.services.errors import InvalidInput, NotFound
from workflow.campaigns.periods import Period
from workflow.campaigns.rules import refusal as rule_refusal

LIMITS = {"bulletin_number": 40, "bulletin_title": 120, "bulletin_text": 4000}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
RESULT_STATES = ("approved", "published")


def period_label(campaign: Campaign) -> str:
    try:
        return Period(campaign.period_kind, campaign.period_start, campaign.period_end).label()
    except ValueError:
        return f"{campaign.period_start.isoformat()}至{campaign.period_end.isoformat()}"


def document(campaign: Campaign, typed: dict[str, str] | None = None) -> BulletinDocument:
    values = typed or {
        "bulletin_number": campaign.bulletin_number,
        "bulletin_title": campaign.bulletin_title,
        "bulletin_text": campaign.bulletin_text,
    }
    reasons = {str(u.id): (u.veto_reason if u.vetoed else u.fail_reason) for u in campaign.units}
    return bulletin_document(
        campaign.result,
        office=campaign.office.name,
        campaign_title=campaign.title,
        period=period_label(campaign),
        number=values["bulletin_number"],
        title=values["bulletin_title"],
        text=values["bulletin_text"],
        reasons=reasons,
        quota_rule=str((campaign.rules or {}).get("quota_rule") or "STA-4.1"),
        issued_on=campaign.published_on or clock.today(),
        draft=campaign.state != "published",
    )


def readable(user: User | None, campaign_id: int) -> Campaign:
    """The campaign whose bulletin the office reads: approved or published; NotFound before (with why)."""
    campaign = overview.load_for_office(user, campaign_id)
    if campaign.state not in RESULT_STATES or not campaign.result:
        raise NotFound("考评结果尚未经负责人审批，还没有通报。")
    return campaign


def save(
    user: User | None, campaign_id: int, values: dict[str, str], *, expected_version: int | None = None
) -> Campaign:
    """文号, 标题 and 导语 of the bulletin, while the results are approved and not yet published (the office's)."""
    with campaigns.unit_of_work():
        campaign = campaigns.load(user, campaign_id, lock=True)
        if not permissions.functions_on(user, campaign) & {"staff", "head"}:
            raise NotFound("考评活动不存在或您无权查看。")
        campaigns.check_version(campaign, expected_version)
        if campaign.state != "approved":
            raise Refused(rule_refusal("not_approved", "ORG-PR.8", "通报只能在结果审批同意后、发布之前填写"))
        clean: dict[str, str] = {}
        for key, limit in LIMITS.items():
            text = (values.get(key) or "").strip()
            if _CONTROL.search(text):
                raise InvalidInput("含有不可见的控制字符，请删除后再提交。", field=key)
            if len(text) > limit:
                raise InvalidInput(f"不能超过{limit}个字。", field=key)
            clean[key] = text
        if not clean["bulletin_title"]:
            clean["bulletin_title"] = default_title(campaign.office.name, campaign.title)
        if not clean["bulletin_text"]:
            clean["bulletin_text"] = default_text(campaign.title, period_label(campaign))
        campaign.bulletin_number = clean["bulletin_number"]
        campaign.bulletin_title = clean["bulletin_title"]
        campaign.bulletin_text = clean["bulletin_text"]
        campaign.updated_at = app_now()
        append_event(
            campaigns.SUBJECT,
            campaign.id,
            "bulletin_saved",
            actor=user,
            from_state=campaign.state,
            to_state=campaign.state,
            comment=f"通报：{clean['bulletin_number']} {clean['bulletin_title']}".strip(),
        )
    return campaign
