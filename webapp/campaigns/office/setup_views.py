"""The setup of a draft campaign (筹备): title and deadlines, quota ranges and the tie switch, units and their
groups chosen from the organisations, the assessment team and its lead chosen among the assessors. Each form
posts to its own URL; a refusal re-renders the page with what was typed, the message beside the field (400)."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from webapp.campaigns.office import bp
from webapp.campaigns.office.common import HELPERS, form_int, form_ints, version
from webapp.campaigns.office.views import _period_label, rules_lines
from webapp.campaigns.services import overview, permissions, setup
from webapp.core.auth.permissions import login_required
from webapp.core.request_args import page_arg
from webapp.core.services.errors import ServiceError

FORMS = ("schedule", "quotas", "units", "team")


def _render(
    campaign_id: int, *, form: str = "", errors: dict[str, str] | None = None, status: int = 200
) -> tuple[str, int]:
    campaign = setup.load_members(overview.load_for_office(current_user, campaign_id))
    query = (request.values.get("q") or "")[:60]
    staff = "staff" in permissions.functions_on(current_user, campaign)
    typed: dict[str, Any] = {key: request.form.get(key, "") for key in request.form} if form else {}
    body = render_template(
        "campaigns/office/setup.html",
        campaign=campaign,
        period_label=_period_label(campaign),
        staff=staff,
        editable=staff and campaign.state == "draft",
        groups=setup.groups_of(campaign),
        deadline_fields=setup.DEADLINE_FIELDS,
        candidates=setup.unit_candidates(current_user, query=query, page=page_arg()) if staff else None,
        assessors=setup.assessor_candidates(current_user, query=(request.values.get("aq") or "")[:60], page=1)
        if staff
        else None,
        query=query,
        form=form,
        typed=typed,
        errors=errors or {},
        rules_lines=rules_lines(campaign),
        **HELPERS,
    )
    return body, status


@bp.route("/<int:campaign_id>/setup", endpoint="setup")
@login_required
def setup_page(campaign_id: int) -> tuple[str, int]:
    return _render(campaign_id)


def _done(campaign_id: int, message: str) -> Response:
    flash(message, "success")
    return redirect(url_for("campaigns_office.setup", campaign_id=campaign_id))


def _refused(campaign_id: int, form: str, exc: ServiceError) -> tuple[str, int]:
    return _render(campaign_id, form=form, errors={exc.field or "form": exc.message}, status=exc.status)


@bp.route("/<int:campaign_id>/setup/schedule", methods=["POST"], endpoint="setup_schedule")
@login_required
def setup_schedule(campaign_id: int) -> Response | tuple[str, int]:
    try:
        setup.update_schedule(
            current_user,
            campaign_id,
            title=(request.form.get("title") or "")[:400],
            deadlines={name: (request.form.get(name) or "")[:20] for name, _l in setup.DEADLINE_FIELDS},
            expected_version=version(),
        )
    except ServiceError as exc:
        return _refused(campaign_id, "schedule", exc)
    return _done(campaign_id, "标题和时间安排已保存。")


@bp.route("/<int:campaign_id>/setup/quotas", methods=["POST"], endpoint="setup_quotas")
@login_required
def setup_quotas(campaign_id: int) -> Response | tuple[str, int]:
    grades = request.form.getlist("grade")[:10]
    quotas = [
        {
            "grade": grade,
            "min": (request.form.get(f"{grade}_min") or "")[:6],
            "max": (request.form.get(f"{grade}_max") or "")[:6],
        }
        for grade in grades
    ]
    try:
        setup.update_quotas(
            current_user,
            campaign_id,
            quotas=quotas,
            tie_rule=(request.form.get("tie_rule") or "")[:10],
            expected_version=version(),
        )
    except ServiceError as exc:
        return _refused(campaign_id, "quotas", exc)
    return _done(campaign_id, "等次名额已保存。")


@bp.route("/<int:campaign_id>/setup/results", methods=["POST"], endpoint="setup_results")
@login_required
def setup_results(campaign_id: int) -> Response | tuple[str, int]:
    try:
        setup.update_results_rules(
            current_user,
            campaign_id,
            bands=(request.form.get("bands") or "")[:200],
            weight=(request.form.get("weight") or "")[:10] or None,
            expected_version=version(),
        )
    except ServiceError as exc:
        return _refused(campaign_id, "results", exc)
    return _done(campaign_id, "结果规则已保存。")


@bp.route("/<int:campaign_id>/setup/units", methods=["POST"], endpoint="setup_units")
@login_required
def setup_units(campaign_id: int) -> Response | tuple[str, int]:
    chosen = form_ints("unit")
    units = [(org_id, (request.form.get(f"group_{org_id}") or "")[:60].strip()) for org_id in chosen]
    try:
        setup.set_units(current_user, campaign_id, units=units, expected_version=version())
    except ServiceError as exc:
        return _refused(campaign_id, "units", exc)
    return _done(campaign_id, f"被考评单位已保存（{len(units)}个）。")


@bp.route("/<int:campaign_id>/setup/team", methods=["POST"], endpoint="setup_team")
@login_required
def setup_team(campaign_id: int) -> Response | tuple[str, int]:
    try:
        setup.set_team(
            current_user,
            campaign_id,
            members=form_ints("member"),
            lead_id=form_int("lead"),
            expected_version=version(),
        )
    except ServiceError as exc:
        return _refused(campaign_id, "team", exc)
    return _done(campaign_id, "考评组已保存。")
