"""Campaigns over JSON: the list the caller may see (paginated in the query), one campaign (with the office's
units and progress, the events the caller may fire and every refused one with its rule quoted), firing an event,
the office's counts within the quotas (a count outside the range: 400 quoting STA-4.1) and the ranking.

Access as everywhere in the API: whoever may not see a campaign gets 404; refusals are the services'
(``{"error", "message", "rule", "field"}``).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, Response, jsonify, request
from flask_login import current_user

from webapp.campaigns.api import schemas
from webapp.campaigns.models import Campaign
from webapp.campaigns.services import (
    bulletin,
    campaigns,
    moderation,
    overview,
    permissions,
    results,
    standing,
)
from webapp.campaigns.services.errors import Refused
from webapp.core import clock
from webapp.core.api.spec import operation
from webapp.core.auth.permissions import login_required
from webapp.core.extensions import db
from webapp.core.pagination import SortKey, capped_count, keyset_page, limit_arg, order_by
from webapp.core.request_args import page_arg
from webapp.core.services.errors import NotFound
from workflow.campaigns import STATE_LABELS
from workflow.campaigns.ranking import QuotaRefused
from workflow.errors import Refusal

PER_PAGE = 20
#: newest period first (keyset: the cursor carries the last row's pair)
LIST_KEYS = (SortKey(Campaign.period_start, "period_start", date), SortKey(Campaign.id, "id", int))
#: the page form counts up to here, never every campaign of a province
COUNT_CAP = 10_000
_ERRORS: dict[int, tuple[str, Any] | str] = {404: "no such campaign, or the caller may not see it"}
_ACT_ERRORS: dict[int, tuple[str, Any] | str] = {
    **_ERRORS,
    400: "a typed value refused (field, Chinese message quoting the rule)",
    403: "the caller may not do this",
    409: "the state or a rule refuses it now (Chinese message quoting the rule), or the campaign changed (stale)",
}


def register(bp: Blueprint) -> None:
    rules: list[tuple[str, Any, str]] = [
        ("/campaigns", campaign_list, "GET"),
        ("/campaigns/<int:campaign_id>", campaign_detail, "GET"),
        ("/campaigns/<int:campaign_id>/events", campaign_event, "POST"),
        ("/campaigns/<int:campaign_id>/choices", campaign_choices, "PUT"),
        ("/campaigns/<int:campaign_id>/ranking", campaign_ranking, "GET"),
    ]
    for rule, view, method in rules:
        bp.add_url_rule(rule, endpoint=view.__name__, view_func=view, methods=[method])


def summary_json(campaign: Campaign) -> dict[str, Any]:
    return {
        "id": campaign.id,
        "title": campaign.title,
        "office_id": campaign.office_id,
        "office": campaign.office.name,
        "scheme_id": campaign.scheme_id,
        "scheme_version": campaign.scheme_version,
        "period_kind": campaign.period_kind,
        "period_start": campaign.period_start.isoformat(),
        "period_end": campaign.period_end.isoformat(),
        "period": bulletin.period_label(campaign),
        "state": campaign.state,
        "state_label": STATE_LABELS.get(campaign.state, ""),
        "version": campaign.version_id,
    }


@login_required
@operation(
    "Campaigns the caller may see, newest period first",
    query=schemas.CampaignListQuery,
    responses={200: ("a page of campaigns", schemas.CampaignList), 400: "a bad page number"},
)
def campaign_list() -> Response:
    stmt = (
        sa.select(Campaign)
        .options(sa.orm.joinedload(Campaign.office))
        .where(permissions.visible_clause(current_user))
    )
    if "cursor" in request.args or "limit" in request.args:
        limit = limit_arg(request.args, default=PER_PAGE)
        found = keyset_page(stmt, LIST_KEYS, cursor=request.args.get("cursor") or None, limit=limit)
        return jsonify(
            {
                "items": [summary_json(c) for c in found.items],
                "next_cursor": found.next_cursor,
                "per_page": limit,
            }
        )
    page = page_arg()
    total = int(db.session.scalar(sa.select(capped_count(stmt, Campaign.id, COUNT_CAP))) or 0)
    total = min(total, COUNT_CAP)
    rows = db.session.scalars(
        stmt.order_by(*order_by(LIST_KEYS)).limit(PER_PAGE).offset((page - 1) * PER_PAGE)
    ).all()
    return jsonify(
        {
            "items": [summary_json(c) for c in rows],
            "page": page,
            "pages": max(1, -(-total // PER_PAGE)),
            "count": total,
        }
    )


def _detail(campaign: Campaign) -> dict[str, Any]:
    today = clock.today()
    office = permissions.is_office(current_user, campaign)
    units = None
    if office:
        found = overview.overview(campaign, page=1, today=today)
        units = [
            {
                "id": u.id,
                "organisation_id": u.organisation_id,
                "name": u.name,
                "group": u.group,
                "self_assessment": u.self_state,
                "self_total": str(u.self_total) if u.self_total is not None else None,
                "agreed_total": str(u.agreed_total)
                if u.agreed_submitted and u.agreed_total is not None
                else None,
                "claims_pending": u.claims_pending,
                "vetoed": u.vetoed,
                "judged_fail": u.judged_fail,
            }
            for u in found.units.items
        ]
    return {
        **summary_json(campaign),
        "deadlines": {
            name: (getattr(campaign, name).isoformat() if getattr(campaign, name) else None)
            for name in ("self_due", "materials_due", "inspection_from", "inspection_to", "results_due")
        },
        "rules": dict(campaign.rules or {}) if office else {},
        "choices": results.choices_of(campaign) if office else {},
        "units": units,
        "allowed_events": campaigns.allowed_events(current_user, campaign, today),
        "blocked_events": [
            {"event": event, "code": r.code, "message": r.message, "rule": r.rule}
            for event, r in campaigns.blocked_events(current_user, campaign, today)
        ],
    }


@login_required
@operation(
    "One campaign: its period, deadlines, rules, the office's units and progress, and the events",
    responses={200: ("the campaign", schemas.CampaignDetail), **_ERRORS},
)
def campaign_detail(campaign_id: int) -> Response:
    return jsonify(_detail(campaigns.load(current_user, campaign_id)))


@login_required
@operation(
    "Fire an event (open, start_assessment, …, approve, return_results with a reason, publish)",
    body=schemas.CampaignEventRequest,
    responses={200: ("the campaign after the event", schemas.CampaignDetail), **_ACT_ERRORS},
)
def campaign_event(campaign_id: int, body: schemas.CampaignEventRequest) -> Response:
    campaign = campaigns.fire(
        current_user, campaign_id, body.event, reason=body.reason, expected_version=body.version
    )
    return jsonify(_detail(campaign))


@login_required
@operation(
    "The office's counts within the quotas (STA-4.1): refused outside the range, quoting the rule",
    body=schemas.CampaignChoicesRequest,
    responses={200: ("the ranking under the new counts", schemas.CampaignRanking), **_ACT_ERRORS},
)
def campaign_choices(campaign_id: int, body: schemas.CampaignChoicesRequest) -> Response:
    campaign = moderation.set_choices(current_user, campaign_id, body.choices, expected_version=body.version)
    return _ranking_json(campaign.id)


@login_required
@operation(
    "The ranking per group with ties, grades and vetoes: live until approval, frozen from then on",
    responses={
        200: ("the ranking", schemas.CampaignRanking),
        **_ERRORS,
        409: "the office's counts break a quota (Chinese message quoting STA-4.1)",
    },
)
def campaign_ranking(campaign_id: int) -> Response:
    return _ranking_json(campaign_id)


def _ranking_json(campaign_id: int) -> Response:
    campaign = campaigns.load(current_user, campaign_id)
    if not permissions.can_see_ranking(current_user, campaign):
        raise NotFound("考评活动不存在或您无权查看。")
    try:
        ranked = standing.ranking(campaign)
    except QuotaRefused as exc:
        raise Refused(Refusal(exc.code, exc.message, exc.rule), status=409) from exc
    names = results.frozen_names(campaign)
    data = results.ranking_to_dict(ranked, names)
    return jsonify({"campaign_id": campaign.id, "frozen": bool(campaign.result), **data})
