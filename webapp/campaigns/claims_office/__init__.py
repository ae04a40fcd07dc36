"""The office's claim verification page (申报认定, ORG-PR.1/2): every declared performance and fault of a campaign,
the office's decision on each with a note, and the faults it found that were not declared."""

from flask import Blueprint

from webapp.campaigns.claims_office import views

bp = Blueprint("campaigns_claims", __name__, url_prefix="/campaigns")

bp.add_url_rule("/<int:campaign_id>/claims", view_func=views.index, endpoint="index")
bp.add_url_rule(
    "/<int:campaign_id>/claims/<int:claim_id>/decide",
    view_func=views.decide,
    endpoint="decide",
    methods=["POST"],
)
bp.add_url_rule("/<int:campaign_id>/claims/found", view_func=views.found, endpoint="found", methods=["POST"])
