"""The office's claim verification page. The services decide who may (`claims.can_verify`); a refusal is shown
beside its field with what was typed kept, or on top of the page, quoting its rule."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from webapp.campaigns.models import CampaignClaim
from webapp.campaigns.services import claims, permissions
from webapp.campaigns.services.campaigns import load
from webapp.core.auth.permissions import login_required
from webapp.core.extensions import db
from webapp.core.request_args import page_arg
from webapp.core.services.errors import BadQueryArg, InvalidInput, NotFound, ServiceError
from workflow.campaigns.table import STATE_LABELS

FOUND_FIELDS = ("cu_id", "category", "content", "points", "note", "content_key")


def _office_campaign(campaign_id: int) -> Any:
    campaign = load(current_user, campaign_id)
    if not permissions.functions_on(current_user, campaign) & {"staff", "head"}:
        raise NotFound("考评活动不存在或您无权查看。")
    return campaign


def _render(campaign_id: int, *, status: int = 200, typed: dict[str, Any] | None = None,
            errors: dict[str, str] | None = None) -> tuple[str, int]:  # fmt: skip
    campaign = _office_campaign(campaign_id)
    wanted = request.args.get("status", "")
    if wanted and wanted not in claims.STATUS_LABELS:
        raise BadQueryArg("认定状态只能是待认定、已认定或不予认定。", "status")
    page = claims.claims_page(campaign, status=wanted, page=page_arg())
    return render_template(
        "campaigns/claims/index.html",
        campaign=campaign,
        page=page,
        wanted=wanted,
        may_verify=claims.can_verify(current_user, campaign),
        typed=typed or {},
        errors=errors or {},
        STATE_LABELS=STATE_LABELS,
        CATEGORIES=claims.CATEGORIES,
        KIND_LABELS=claims.KIND_LABELS,
        STATUS_LABELS=claims.STATUS_LABELS,
        fault_categories=claims.categories_of("fault"),
        unit_options=claims.unit_options(campaign),
    ), status


@login_required
def index(campaign_id: int) -> tuple[str, int]:
    return _render(campaign_id)


def _refused(campaign_id: int, error: ServiceError, typed: dict[str, Any]) -> tuple[str, int]:
    errors: dict[str, str] = {}
    if error.field:
        errors[error.field] = error.message
    else:
        flash(error.message, "danger")
    return _render(campaign_id, status=error.status, typed=typed, errors=errors)


@login_required
def decide(campaign_id: int, claim_id: int) -> Response | tuple[str, int]:
    typed = {"form": f"decide-{claim_id}", "note": request.form.get("note", "")}
    claim = db.session.get(CampaignClaim, claim_id)
    if claim is None or claim.unit.campaign_id != campaign_id:
        raise NotFound("申报记录不存在或您无权查看。")
    try:
        decided = claims.decide(
            current_user, claim_id, decision=request.form.get("decision"), note=typed["note"]
        )
    except ServiceError as error:
        if error.status == 404:
            raise
        return _refused(campaign_id, error, typed)
    flash(
        f"已{'认定' if decided.status == 'verified' else '不予认定'}{claims.describe(decided)}。", "success"
    )
    return redirect(url_for("campaigns_claims.index", campaign_id=campaign_id))


@login_required
def found(campaign_id: int) -> Response | tuple[str, int]:
    typed = {"form": "found", **{name: request.form.get(name, "") for name in FOUND_FIELDS}}
    campaign = _office_campaign(campaign_id)
    try:
        cu_id = _unit_choice(campaign, typed["cu_id"])
        claim = claims.record_found_fault(
            current_user,
            cu_id,
            category=typed["category"],
            content=typed["content"],
            points=typed["points"],
            note=typed["note"],
            content_key=typed["content_key"],
        )
    except ServiceError as error:
        if error.status == 404:
            raise
        return _refused(campaign_id, error, typed)
    flash(f"已记录查实的{claims.describe(claim)}，按未上报过错加倍扣分或一票否决。", "success")
    return redirect(url_for("campaigns_claims.index", campaign_id=campaign_id))


def _unit_choice(campaign: Any, raw: str) -> int:
    text = (raw or "").strip()
    ids = {cu_id for cu_id, _ in claims.unit_options(campaign)}
    if not text.isascii() or not text.isdigit() or len(text) > 18 or int(text) not in ids:
        raise InvalidInput("请选择被考评单位。", field="cu_id")
    return int(text)
