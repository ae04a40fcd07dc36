"""The assessment team's pages (考评任务): the campaigns a person assesses and, per campaign, the units to score
with their own sheet; the lead also sees the agreed sheets and the members' spread. Every URL is here."""

from flask import Blueprint

from webapp.campaigns.team import views

bp = Blueprint("campaigns_team", __name__, url_prefix="/campaigns/team")

bp.add_url_rule("/", view_func=views.index, endpoint="index", strict_slashes=False)
bp.add_url_rule("/<int:campaign_id>", view_func=views.show, endpoint="show")
