"""Moderation (审定) and approval (审批): the side-by-side board, the office's counts within the quotas (a count
outside the range is refused quoting STA-4.1, 400, the typed counts kept), vetoes and 不合格 with reasons, the
recognition score; the head's page to approve or return with a reason (ORG-PR.8)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from werkzeug.wrappers import Response

from webapp.campaigns.office import bp
from webapp.campaigns.office.board_html import item_cells, unit_rows
from webapp.campaigns.office.common import HELPERS, version
from webapp.campaigns.office.views import _period_label, rules_lines
from webapp.campaigns.services import campaigns, moderation, permissions
from webapp.core import clock
from webapp.core.auth.permissions import login_required
from webapp.core.request_args import page_arg
from webapp.core.services.errors import ServiceError

MODERATION = "campaigns/office/moderation.html"


def _render(
    campaign_id: int,
    template: str,
    *,
    errors: dict[str, str] | None = None,
    typed: dict[str, str] | None = None,
    status: int = 200,
) -> tuple[str, int]:
    board = moderation.board(current_user, campaign_id, page=page_arg())
    today = clock.today()
    functions = permissions.functions_on(current_user, board.campaign)
    deciding = template == MODERATION and board.editable and "staff" in functions
    body = render_template(
        template,
        board=board,
        deciding=deciding,
        # each decision form posts to campaigns_office.decide (…/moderation/units/<unit>/<decision>): the
        # address is written out from the board's own, not built by url_for 150 times a page (tested)
        unit_rows=unit_rows(
            board,
            decide_at=url_for("campaigns_office.moderation", campaign_id=campaign_id) + "/units/"
            if deciding
            else None,
            csrf=generate_csrf() if deciding else "",
            errors=errors,
            typed=typed,
        ),
        item_cells=item_cells(board),
        campaign=board.campaign,
        period_label=_period_label(board.campaign),
        functions=functions,
        allowed=campaigns.allowed_events(current_user, board.campaign, today),
        blocked=campaigns.blocked_events(current_user, board.campaign, today),
        rules_lines=rules_lines(board.campaign),
        errors=errors or {},
        typed=typed or {},
        **HELPERS,
    )
    return body, status


@bp.route("/<int:campaign_id>/moderation", endpoint="moderation")
@login_required
def moderation_page(campaign_id: int) -> tuple[str, int]:
    return _render(campaign_id, MODERATION)


@bp.route("/<int:campaign_id>/approval", endpoint="approval")
@login_required
def approval_page(campaign_id: int) -> tuple[str, int]:
    return _render(campaign_id, "campaigns/office/approval.html")


@bp.route("/<int:campaign_id>/moderation/choices", methods=["POST"], endpoint="choices")
@login_required
def choices(campaign_id: int) -> Response | tuple[str, int]:
    raw: dict[str, dict[str, str]] = {}
    typed: dict[str, str] = {}
    for key in list(request.form)[:200]:
        if key.startswith("count::"):
            _prefix, group, grade = (key.split("::", 2) + ["", ""])[:3]
            value = (request.form.get(key) or "")[:6]
            raw.setdefault(group[:40], {})[grade[:20]] = value
            typed[key] = value
    try:
        moderation.set_choices(current_user, campaign_id, raw, expected_version=version())
    except ServiceError as exc:
        return _render(
            campaign_id,
            MODERATION,
            errors={"choices": exc.message},
            typed=typed,
            status=exc.status,
        )
    flash("等次名额已确定。", "success")
    return redirect(url_for("campaigns_office.moderation", campaign_id=campaign_id))


@bp.route("/<int:campaign_id>/moderation/units/<int:unit_id>/<decision>", methods=["POST"], endpoint="decide")
@login_required
def decide(campaign_id: int, unit_id: int, decision: str) -> Response | tuple[str, int]:
    reason = (request.form.get("reason") or "")[:2000]
    try:
        if decision == "veto":
            moderation.set_veto(
                current_user,
                campaign_id,
                unit_id,
                vetoed=request.form.get("on") == "1",
                reason=reason,
                expected_version=version(),
            )
        elif decision == "fail":
            moderation.set_judged_fail(
                current_user,
                campaign_id,
                unit_id,
                judged_fail=request.form.get("on") == "1",
                reason=reason,
                expected_version=version(),
            )
        elif decision == "recognition":
            moderation.set_recognition(
                current_user,
                campaign_id,
                unit_id,
                (request.form.get("score") or "")[:20],
                expected_version=version(),
            )
        else:
            return _render(campaign_id, MODERATION, status=404)
    except ServiceError as exc:
        return _render(
            campaign_id,
            MODERATION,
            errors={f"unit-{unit_id}": exc.message},
            # what was typed into the refused form only: the unit's other fields keep what is recorded
            typed={f"score-{unit_id}": (request.form.get("score") or "")[:20]}
            if decision == "recognition"
            else {f"reason-{unit_id}": reason},
            status=exc.status,
        )
    flash("已保存。", "success")
    return redirect(url_for("campaigns_office.moderation", campaign_id=campaign_id) + f"#unit-{unit_id}")
