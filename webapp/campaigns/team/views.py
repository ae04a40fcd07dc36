"""The team's pages; access is the services' (`team_pages`, `permissions`)."""

from __future__ import annotations

from flask import abort, render_template
from flask_login import current_user

from webapp.campaigns.services import team_pages
from webapp.campaigns.services.results import SHEET_SUBJECT
from webapp.core.auth.permissions import login_required
from webapp.core.request_args import page_arg
from workflow.campaigns.table import STATE_LABELS


@login_required
def index() -> str:
    if not team_pages.is_assessor(current_user):
        abort(403)
    page = team_pages.my_campaigns(current_user, page=page_arg())
    return render_template("campaigns/team/index.html", page=page, STATE_LABELS=STATE_LABELS)


@login_required
def show(campaign_id: int) -> str:
    view = team_pages.campaign_units(current_user, campaign_id, page=page_arg())
    return render_template(
        "campaigns/team/show.html", view=view, STATE_LABELS=STATE_LABELS, SUBJECT_TYPE=SHEET_SUBJECT
    )
