"""Campaign operations: load a campaign the person may see, gather its facts, fire its events.

One transaction per public function; a refusal raises `Refused` with the domain's reason quoting the rule, a lost
race `Stale` (已被他人处理，请刷新). ``today`` comes from the one clock (`webapp.core.clock`). The setup of a
campaign (units, team, deadlines) is `setup`, the office's moderation `moderation`, the results `results`.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from flask import request

from webapp.campaigns.models import Campaign, CampaignAssessor, CampaignClaim, CampaignUnit
from webapp.campaigns.services import permissions, results, standing
from webapp.campaigns.services.errors import Refused, Stale
from webapp.core import clock
from webapp.core.extensions import db
from webapp.core.models import User
from webapp.core.services import unit_of_work
from webapp.core.services.audit import append_event
from webapp.core.services.errors import NotFound
from webapp.core.services.kept import may_keep
from workflow import campaigns as domain
from workflow.errors import Refusal, WorkflowError

#: the audit trail's subject type for a campaign (one hash-chained chain per campaign)
SUBJECT = "campaign"
#: inputs each event takes
EVENT_INPUTS: dict[str, tuple[str, ...]] = {"return_results": ("reason",)}


def load(user: User | None, campaign_id: int, *, lock: bool = False) -> Campaign:
    """The campaign if ``user`` may see it; NotFound otherwise (no existence leak). Its row as committed now,
    even when the session holds an older copy (a session that outlived one request: a test's, a command's), since
    the shared standing is keyed by it (`standing`); pending changes are flushed before the query. In a GET
    (or HEAD) request it comes with what the guards count (`_COUNTS`), for the page's buttons (`page_facts`)."""
    if not lock and may_keep():
        row = db.session.execute(_LOAD_WITH_COUNTS, {"campaign": campaign_id}).one_or_none()
        campaign = row[0] if row is not None else None
        if row is not None:
            request.__dict__.setdefault(_COUNTED, {})[(row[0].id, row[0].version_id)] = tuple(row[1:])
    else:
        query = (
            sa.select(Campaign).where(Campaign.id == campaign_id).execution_options(populate_existing=True)
        )
        if lock:
            query = query.with_for_update()
        campaign = db.session.scalar(query)
    if campaign is None or not permissions.can_view(user, campaign):
        raise NotFound("考评活动不存在或您无权查看。")
    return campaign


def check_version(campaign: Campaign, expected_version: int | None) -> None:
    if expected_version is not None and campaign.version_id != expected_version:
        raise Stale()


def actor_of(user: User | None, campaign: Campaign) -> domain.Actor:
    return domain.Actor(permissions.functions_on(user, campaign))


_CAMPAIGN = sa.bindparam("campaign")


def _counted(campaign: Any) -> tuple[sa.ScalarSelect[int], ...]:
    """What the guards count besides the standing: claims awaiting the office, the team and its leads."""
    return (
        sa.select(sa.func.count(CampaignClaim.id))
        .join(CampaignUnit, CampaignUnit.id == CampaignClaim.campaign_unit_id)
        .where(CampaignUnit.campaign_id == campaign, CampaignClaim.status == "pending")
        .scalar_subquery(),
        sa.select(sa.func.count(CampaignAssessor.id))
        .where(CampaignAssessor.campaign_id == campaign)
        .scalar_subquery(),
        sa.select(sa.func.count(CampaignAssessor.id))
        .where(CampaignAssessor.campaign_id == campaign, CampaignAssessor.lead.is_(True))
        .scalar_subquery(),
    )


#: `_counted` in one statement, built once (an act gathers them for its guards, after its lock)
_COUNTS = sa.select(*_counted(_CAMPAIGN))
#: a page's campaign with `_counted` in the same statement (a statement fewer on every campaign page, issue 12)
_LOAD_WITH_COUNTS = (
    sa.select(Campaign, *_counted(Campaign.id))
    .where(Campaign.id == _CAMPAIGN)
    .execution_options(populate_existing=True)
)
#: per GET (or HEAD) request: (campaign id, version) → its counts, read with the campaign by `load`
_COUNTED = "_kaoping_campaign_counts"


def facts_for(campaign: Campaign, counted: tuple[int, int, int] | None = None) -> domain.CampaignFacts:
    """What the guards read, gathered in a fixed number of queries whatever the number of units (``counted``:
    the counts, when read with the campaign)."""
    rules = campaign.rules or {}
    shared = standing.of(campaign)  # a page's: shared by the process; an act's: read from its own session
    units, progress = shared.units, shared.progress
    grouped = bool(rules.get("groups"))
    if counted is None:
        counted = db.session.execute(_COUNTS, {"campaign": campaign.id}).one()
    pending, assessors, leads = counted
    try:
        # a frame (SAF GAP-1: the annex with the points is missing) has areas without items to score
        scheme_frame = results.scheme_of(campaign).frame
    except NotFound:
        scheme_frame = True
    quota_problem: str | None = None
    quota_rule = str(rules.get("quota_rule") or "STA-4.1")
    refused = shared.refusal if campaign.state in ("moderation", "approval") else None
    if refused is not None:
        quota_problem, quota_rule = refused.message, refused.rule
    return domain.CampaignFacts(
        state=campaign.state,
        units=len(units),
        units_without_group=sum(1 for u in units if grouped and not u.group),
        assessors=assessors,
        leads=leads,
        scheme_frame=scheme_frame,
        period_start=campaign.period_start,
        period_end=campaign.period_end,
        self_due=campaign.self_due,
        materials_due=campaign.materials_due,
        inspection_from=campaign.inspection_from,
        inspection_to=campaign.inspection_to,
        results_due=campaign.results_due,
        self_submitted=progress.self_submitted,
        agreed_submitted=progress.agreed_submitted,
        claims_pending=pending,
        quota_problem=quota_problem,
        quota_rule=quota_rule,
        opened_on=campaign.opened_on,
        submitted_on=campaign.submitted_on,
        approved_on=campaign.approved_on,
        published_on=campaign.published_on,
        cites={str(k): str(v) for k, v in (rules.get("cites") or {}).items()},
    )


def _apply_effects(user: User, campaign: Campaign, record: Any, facts: domain.CampaignFacts) -> None:
    for effect in record.effects:
        if effect.on_facts:
            setattr(campaign, effect.field, getattr(facts, effect.field))
        elif effect.kind == "freeze_result":
            campaign.result = results.ranking_to_dict(
                results.ranking(campaign, live=True), results.unit_names(campaign)
            )
            campaign.approved_by_id = user.id
        elif effect.kind == "clear_result":
            campaign.result = None
        if effect.kind == "set_date" and effect.field == "published_on":
            campaign.published_by_id = user.id


def fire_checked(
    user: User, campaign: Campaign, event: str, today: date, *, inputs: dict[str, Any] | None = None
) -> Any:
    """Inside the caller's transaction: check, fire, apply the row's effects, write the audit row."""
    inputs = {name: (inputs or {}).get(name) for name in EVENT_INPUTS.get(event, ())}
    facts = facts_for(campaign)
    try:
        record = domain.fire(facts, event, actor_of(user, campaign), today, **inputs)
    except WorkflowError as exc:
        raise Refused(exc.refusal) from exc
    before = campaign.state
    campaign.state = facts.state
    _apply_effects(user, campaign, record, facts)
    append_event(
        SUBJECT,
        campaign.id,
        event,
        actor=user,
        from_state=before,
        to_state=campaign.state,
        comment=str(inputs.get("reason") or "").strip()[:2000],
        rule_id=record.rule,
    )
    return record


def fire(
    user: User,
    campaign_id: int,
    event: str,
    *,
    reason: str | None = None,
    expected_version: int | None = None,
    today: date | None = None,
) -> Campaign:
    """Fire ``event``: permission → domain guards → state change → effects → audit row → commit.
    ``return_results`` takes ``reason``. ``expected_version`` guards against two people acting at once."""
    today = today or clock.today()
    if event not in domain.EVENTS:
        raise NotFound("没有这个操作。")
    with unit_of_work():
        campaign = load(user, campaign_id, lock=True)
        check_version(campaign, expected_version)
        fire_checked(user, campaign, event, today, inputs={"reason": reason})
    return campaign


def page_facts(campaign: Campaign) -> domain.CampaignFacts:
    """`facts_for` for a page's buttons: a page asks for the allowed and the blocked events (and the nav, the
    overview…), so the facts are gathered once per GET (or HEAD) request and campaign version (it changes nothing,
    so nothing read earlier in it can be stale). Firing an event always gathers its own facts (`fire_checked`)."""
    if not may_keep():
        return facts_for(campaign)
    cache = request.__dict__.setdefault("_kaoping_campaign_facts", {})
    key = (campaign.id, campaign.version_id, campaign.state)
    if key not in cache:
        counted = request.__dict__.get(_COUNTED, {}).get((campaign.id, campaign.version_id))
        cache[key] = facts_for(campaign, counted)
    facts: domain.CampaignFacts = cache[key]
    return facts


def allowed_events(user: User | None, campaign: Campaign, today: date | None = None) -> list[str]:
    """Events ``user`` may fire on ``campaign`` now (for the buttons), in table order."""
    return domain.allowed_events(page_facts(campaign), actor_of(user, campaign), today or clock.today())


def blocked_events(
    user: User | None, campaign: Campaign, today: date | None = None
) -> list[tuple[str, Refusal]]:
    """Events of the person's functions that the guards refuse now, each with its quoted reason (shown beside
    the disabled button)."""
    facts = page_facts(campaign)
    actor = actor_of(user, campaign)
    return domain.PROCEDURE.blocked_events(facts, actor, today or clock.today(), None)
