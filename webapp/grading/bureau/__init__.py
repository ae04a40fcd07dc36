"""Bureau staff (county, city and province archive bureaus). Every URL of the area is listed here."""

from flask import Blueprint

from webapp.grading.bureau import views

bp = Blueprint("bureau", __name__, url_prefix="/bureau")

bp.add_url_rule("/", view_func=views.worklist_page, endpoint="worklist")
bp.add_url_rule("/batch/<action>", view_func=views.batch, endpoint="batch", methods=["GET", "POST"])
bp.add_url_rule(
    "/cases/<int:case_id>/panel", view_func=views.panel, endpoint="panel", methods=["GET", "POST"]
)
bp.add_url_rule(
    "/cases/<int:case_id>/spot-check", view_func=views.spot_check, endpoint="spot_check", methods=["POST"]
)
bp.add_url_rule("/objections", view_func=views.objections, endpoint="objections")
bp.add_url_rule(
    "/objections/<int:objection_id>",
    view_func=views.objection_decide,
    endpoint="objection_decide",
    methods=["POST"],
)
bp.add_url_rule("/summary", view_func=views.annual_summary, endpoint="summary")
bp.add_url_rule("/summary.xlsx", view_func=views.annual_summary_xlsx, endpoint="summary_xlsx")
bp.add_url_rule(
    "/summary/submit", view_func=views.summary_submit, endpoint="summary_submit", methods=["POST"]
)
bp.add_url_rule("/summaries", view_func=views.summaries_received, endpoint="summaries")
bp.add_url_rule(
    "/summaries/<int:bureau_id>.xlsx", view_func=views.summary_received_xlsx, endpoint="summary_received_xlsx"
)
bp.add_url_rule(
    "/cases/<int:case_id>/review-date", view_func=views.review_date, endpoint="review_date", methods=["POST"]
)
