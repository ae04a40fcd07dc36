"""The bulletin (page, .xlsx, PDF) of a campaign's approved results — marked 未发布 until published — the office's
words for it, and the series page (composite across periods, bottom-two history, CAD-7.1)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from webapp.campaigns.documents.bulletin import amount
from webapp.campaigns.office import bp
from webapp.campaigns.office.common import HELPERS, version
from webapp.campaigns.services import bulletin, campaigns, permissions, series
from webapp.core import clock
from webapp.core.auth.permissions import login_required
from webapp.core.request_args import year_arg
from webapp.core.services.errors import ServiceError
from webapp.core.services.uploads import content_disposition
from workflow.campaigns.rules import RULES, quote

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.route("/<int:campaign_id>/bulletin", methods=["GET", "POST"], endpoint="bulletin")
@login_required
def bulletin_page(campaign_id: int) -> Response | tuple[str, int]:
    campaign = bulletin.readable(current_user, campaign_id)
    errors: dict[str, str] = {}
    typed = None
    status = 200
    if request.method == "POST":
        typed = {key: (request.form.get(key) or "")[: limit * 2] for key, limit in bulletin.LIMITS.items()}
        try:
            bulletin.save(current_user, campaign_id, typed, expected_version=version())
        except ServiceError as exc:
            errors[exc.field or "form"] = exc.message
            status = exc.status
        else:
            flash("通报内容已保存。", "success")
            return redirect(url_for("campaigns_office.bulletin", campaign_id=campaign_id))
    today = clock.today()
    body = render_template(
        "campaigns/office/bulletin.html",
        campaign=campaign,
        doc=bulletin.document(campaign, typed),
        typed=typed,
        errors=errors,
        limits=bulletin.LIMITS,
        amount=amount,
        functions=permissions.functions_on(current_user, campaign),
        allowed=campaigns.allowed_events(current_user, campaign, today),
        **HELPERS,
    )
    return body, status


def _download(content: bytes, filename: str, mimetype: str) -> Response:
    response = Response(content, mimetype=mimetype)
    response.headers["Content-Disposition"] = content_disposition(filename)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/<int:campaign_id>/bulletin.xlsx", endpoint="bulletin_xlsx")
@login_required
def bulletin_xlsx_view(campaign_id: int) -> Response:
    campaign = bulletin.readable(current_user, campaign_id)
    doc = bulletin.document(campaign)
    from webapp.campaigns.documents.xlsx import bulletin_xlsx  # openpyxl loads on first use

    return _download(bulletin_xlsx(doc), f"{doc.title}{'（未发布）' if doc.draft else ''}.xlsx", XLSX)


@bp.route("/<int:campaign_id>/bulletin.pdf", endpoint="bulletin_pdf")
@login_required
def bulletin_pdf_view(campaign_id: int) -> Response:
    campaign = bulletin.readable(current_user, campaign_id)
    doc = bulletin.document(campaign)
    from webapp.campaigns.documents.pdf import bulletin_pdf  # ReportLab loads on first use

    return _download(
        bulletin_pdf(doc), f"{doc.title}{'（未发布）' if doc.draft else ''}.pdf", "application/pdf"
    )


@bp.route("/<int:campaign_id>/series", endpoint="series")
@login_required
def series_page(campaign_id: int) -> str:
    found = series.series(current_user, campaign_id, year=year_arg())
    return render_template(
        "campaigns/office/series.html",
        found=found,
        campaign=found.campaign,
        amount=amount,
        quote=lambda rule: quote(rule) if rule in RULES else "",
        **HELPERS,
    )
