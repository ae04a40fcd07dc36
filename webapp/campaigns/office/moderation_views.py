"""Moderation (审定) and approval (审批): the side-by-side board, the office's counts within the quotas (a count
outside the range is refused quoting STA-4.1, 400, the typed counts kept), vetoes and 不合格 with reasons, the
recognition score; the head's page to approve or return with a reason (ORG-PR.8)."""

from __future__ import annotations

from decimal import Decimal

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup, escape
from werkzeug.wrappers import Response

from webapp.campaigns.office import bp
from webapp.campaigns.office.common import HELPERS, version
from webapp.campaigns.office.views import _period_label, rules_lines
from webapp.campaigns.services import campaigns, moderation, permissions
from webapp.core import clock
from webapp.core.auth.permissions import login_required
from webapp.core.request_args import page_arg
from webapp.core.services.errors import ServiceError


def _score(value: object) -> str:
    """A score as the cell prints it: a number's digits need no escaping (2,000 cells a page)."""
    if value is None:
        return "—"
    return str(value) if isinstance(value, Decimal | int) else str(escape(value))


def item_cells(board: moderation.Board) -> dict[str, Markup]:
    """Each item's row of the 逐项对照 table: per unit shown, 「自评 / 合议」 (— where a sheet has none), marked
    where the two differ. Made in Python: 50 units × 20 items were 1,000 cells of template logic."""
    cells = {}
    for item in board.items:
        row = []
        for unit in board.units:
            own, agreed = item.scores.get(unit.id, (None, None))
            differs = own is not None and agreed is not None and own != agreed
            row.append(
                f'<td class="text-nowrap{" table-warning" if differs else ""}">{_score(own)} / {_score(agreed)}</td>'
            )
        cells[item.id] = Markup("".join(row))
    return cells


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
    body = render_template(
        template,
        board=board,
        item_cells=item_cells(board),
        campaign=board.campaign,
        period_label=_period_label(board.campaign),
        functions=permissions.functions_on(current_user, board.campaign),
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
    return _render(campaign_id, "campaigns/office/moderation.html")


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
            "campaigns/office/moderation.html",
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
            return _render(campaign_id, "campaigns/office/moderation.html", status=404)
    except ServiceError as exc:
        return _render(
            campaign_id,
            "campaigns/office/moderation.html",
            errors={f"unit-{unit_id}": exc.message},
            typed={f"reason-{unit_id}": reason, f"score-{unit_id}": (request.form.get("score") or "")[:20]},
            status=exc.status,
        )
    flash("已保存。", "success")
    return redirect(url_for("campaigns_office.moderation", campaign_id=campaign_id) + f"#unit-{unit_id}")
