"""The office's list, a new campaign, one campaign's page with its events, and the copy for the next period."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from webapp.campaigns.office import bp
from webapp.campaigns.office.common import HELPERS, refused_back, version
from webapp.campaigns.services import campaigns, overview, permissions, setup
from webapp.core import clock
from webapp.core.auth.permissions import login_required
from webapp.core.request_args import page_arg
from webapp.core.services.audit import trail_of
from webapp.core.services.errors import InvalidInput, NotFound, ServiceError
from workflow.campaigns import CAMPAIGN_STATES, EVENTS
from workflow.campaigns.periods import Period
from workflow.campaigns.rules import RULES, quote


def _office_only() -> None:
    if permissions.office_id_of(current_user) is None:
        raise NotFound()


@bp.route("/", endpoint="index")
@login_required
def index() -> str:
    _office_only()
    state = request.args.get("state", "")
    state = state if state in CAMPAIGN_STATES else ""
    page = overview.office_list(current_user, state=state or None, page=page_arg())
    return render_template(
        "campaigns/office/index.html",
        page=page,
        state=state,
        may_open=permissions.is_office_user(current_user) and "campaign_staff" in current_user.roles,
        period_label=_period_label,
        **HELPERS,
    )


def _period_label(campaign: object) -> str:
    c = campaign
    try:
        return Period(c.period_kind, c.period_start, c.period_end).label()  # type: ignore[attr-defined]
    except ValueError:
        return f"{c.period_start}至{c.period_end}"  # type: ignore[attr-defined]


@bp.route("/new", methods=["GET", "POST"], endpoint="new")
@login_required
def new() -> Response | tuple[str, int]:
    _office_only()
    typed = {
        "preset": request.form.get("preset", ""),
        "period_start": request.form.get("period_start", ""),
        "title": request.form.get("title", ""),
        "period_kind": request.form.get("period_kind", ""),
        "scheme_version": request.form.get("scheme_version", ""),
    }
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        try:
            day = setup.parse_day(typed["period_start"], "period_start", "考评期")
            if day is None:
                raise InvalidInput("请填写考评期内的一天（如2026-10-01）。", field="period_start")
            campaign = setup.create_draft(
                current_user,
                preset_id=typed["preset"],
                period_start=day,
                title=typed["title"][:400],
                period_kind=typed["period_kind"] or None,
                scheme_version=typed["scheme_version"] or None,
                today=clock.today(),
            )
        except ServiceError as exc:
            errors[exc.field or "form"] = exc.message
            status = exc.status
        else:
            flash("考评活动已建立（筹备中），请确认被考评单位、考评组和时间安排。", "success")
            return redirect(url_for("campaigns_office.setup", campaign_id=campaign.id))
    if not permissions.office_id_of(current_user) or "campaign_staff" not in current_user.roles:
        abort(403)
    body = render_template(
        "campaigns/office/new.html",
        presets=setup.preset_choices(),
        versions=setup.version_choices(),
        typed=typed,
        errors=errors,
        today=clock.today(),
        **HELPERS,
    )
    return body, status


def rules_lines(campaign: object) -> list[tuple[str, str]]:
    """The result rules as the office reads them, each with its rule quoted: (what, quote)."""
    rules = getattr(campaign, "rules", None) or {}
    lines: list[tuple[str, str]] = []
    quota_rule = str(rules.get("quota_rule") or "STA-4.1")
    for quota in rules.get("quotas") or ():
        lines.append(
            (
                f"{quota['grade']}：{quota['min']}—{quota['max']}名",
                quote(quota_rule) if quota_rule in RULES else "",
            )
        )
    if rules.get("quotas"):
        rest = rules.get("rest_grade") or "合格"
        lines.append(
            (
                f"其余单位为{rest}，考评办可评定不合格（须写明理由）",
                quote(quota_rule) if quota_rule in RULES else "",
            )
        )
        tie = (
            "同分跨档时不予确定名额，由考评办重新确定"
            if rules.get("tie_rule", "refuse") == "refuse"
            else "同分跨档时同分单位均取较低等次"
        )
        lines.append((tie, "本系统解释（原文未规定同分的处理）"))
    groups = [g for g in rules.get("groups") or () if g]
    if groups:
        lines.append((f"分组排序：{'、'.join(groups)}", quote("ORG-PR.9")))
    if not rules.get("quotas"):
        lines.append(("按总分由高到低排序，不设等次名额", ""))
    spec = rules.get("composite") or {}
    if spec.get("into") == "SAF-4.1":
        lines.append(
            (f"全年综合分值为各季度得分的平均分，按{_percent(spec.get('weight'))}加权", quote("SAF-4.1"))
        )
    if spec.get("into") == "ORG-PR.7" or rules.get("bonus_cap"):
        lines.append(("年度汇总：责任目标考核成绩 + 业绩加分 − 过错扣分 + 公认度评价得分", quote("ORG-PR.7")))
        lines.append((f"业绩加分最多{rules.get('bonus_cap') or 50}分", quote("ORG-6.2")))
    if rules.get("bottom_two"):
        lines.append(("月考核连续2次排后两名：组织约谈", quote("ORG-12.6")))
        lines.append(("累计3次排后两名：写出书面报告", quote("ORG-12.7")))
    return lines


def _percent(weight: object) -> str:
    try:
        return f"{float(str(weight)) * 100:g}%"
    except ValueError:
        return "规定比例"


@bp.route("/<int:campaign_id>", endpoint="show")
@login_required
def show(campaign_id: int) -> str:
    campaign = overview.load_for_office(current_user, campaign_id)
    today = clock.today()
    return render_template(
        "campaigns/office/show.html",
        campaign=campaign,
        period_label=_period_label(campaign),
        progress=overview.overview(campaign, page=page_arg(), today=today),
        allowed=campaigns.allowed_events(current_user, campaign, today),
        blocked=campaigns.blocked_events(current_user, campaign, today),
        functions=permissions.functions_on(current_user, campaign),
        rules_lines=rules_lines(campaign),
        trail=campaigns_trail(campaign),
        today=today,
        **HELPERS,
    )


def campaigns_trail(campaign: object) -> list[object]:
    return list(trail_of(campaigns.SUBJECT, campaign.id))[-30:]  # type: ignore[attr-defined]


@bp.route("/<int:campaign_id>/events/<event>", methods=["POST"], endpoint="fire")
@login_required
def fire(campaign_id: int, event: str) -> Response:
    overview.load_for_office(current_user, campaign_id)
    if event not in EVENTS:
        raise NotFound("没有这个操作。")
    back = request.form.get("back", "show")
    back = back if back in ("show", "approval", "bulletin", "moderation") else "show"
    try:
        campaigns.fire(
            current_user,
            campaign_id,
            event,
            reason=(request.form.get("reason") or "")[:2000] or None,
            expected_version=version(),
        )
    except ServiceError as exc:
        return refused_back(exc, f"campaigns_office.{back}", campaign_id=campaign_id)
    flash(f"已{HELPERS['EVENT_LABELS'].get(event, event)}。", "success")
    return redirect(url_for(f"campaigns_office.{back}", campaign_id=campaign_id))


@bp.route("/<int:campaign_id>/copy", methods=["POST"], endpoint="copy")
@login_required
def copy(campaign_id: int) -> Response:
    overview.load_for_office(current_user, campaign_id)
    try:
        created = setup.copy_for_next(current_user, campaign_id, today=clock.today())
    except ServiceError as exc:
        return refused_back(exc, "campaigns_office.show", campaign_id=campaign_id)
    flash("已复制为下一期的考评活动（筹备中），请核对后发布。", "success")
    return redirect(url_for("campaigns_office.setup", campaign_id=created.id))
