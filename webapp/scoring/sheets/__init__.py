"""Score sheet pages (评分表): the self-check, each reviewer's sheet, the agreed sheet, xlsx and PDF.

Every URL of the area is listed here; the views live in views.py.
"""

from flask import Blueprint

from webapp.scoring.sheets import views
from workflow.scoring.numbers import fmt_points

bp = Blueprint("sheets", __name__)

# GET shows a sheet and changes nothing; POST on the same address starts it (creates the draft).
START = ["GET", "POST"]
bp.add_url_rule(
    "/cases/<int:case_id>/sheets/self", view_func=views.self_sheet, endpoint="self_sheet", methods=START
)
bp.add_url_rule(
    "/cases/<int:case_id>/sheets/review", view_func=views.own_review, endpoint="own_review", methods=START
)
bp.add_url_rule(
    "/cases/<int:case_id>/sheets/review/<int:user_id>",
    view_func=views.reviewer_sheet,
    endpoint="reviewer_sheet",
)
bp.add_url_rule(
    "/cases/<int:case_id>/sheets/agreed", view_func=views.agreed_sheet, endpoint="agreed_sheet", methods=START
)
bp.add_url_rule(
    "/cases/<int:case_id>/sheets/agreed/prefill",
    view_func=views.prefill_agreed,
    endpoint="prefill_agreed",
    methods=["POST"],
)
bp.add_url_rule("/cases/<int:case_id>/sheets/blank.xlsx", view_func=views.blank_xlsx, endpoint="blank_xlsx")
# the same for a subject of any other registered type (e.g. campaign_unit); the case's addresses above stay
SUBJECT = "/sheets/<subject_type>/<int:subject_id>"
bp.add_url_rule(
    f"{SUBJECT}/self", view_func=views.subject_self_sheet, endpoint="subject_self_sheet", methods=START
)
bp.add_url_rule(
    f"{SUBJECT}/review", view_func=views.subject_own_review, endpoint="subject_own_review", methods=START
)
bp.add_url_rule(
    f"{SUBJECT}/review/<int:user_id>",
    view_func=views.subject_reviewer_sheet,
    endpoint="subject_reviewer_sheet",
)
bp.add_url_rule(
    f"{SUBJECT}/agreed", view_func=views.subject_agreed_sheet, endpoint="subject_agreed_sheet", methods=START
)
bp.add_url_rule(
    f"{SUBJECT}/agreed/prefill",
    view_func=views.subject_prefill_agreed,
    endpoint="subject_prefill_agreed",
    methods=["POST"],
)
bp.add_url_rule(f"{SUBJECT}/blank.xlsx", view_func=views.subject_blank_xlsx, endpoint="subject_blank_xlsx")
bp.add_url_rule("/sheets/<int:sheet_id>", view_func=views.show, endpoint="show")
bp.add_url_rule("/sheets/<int:sheet_id>", view_func=views.save, endpoint="save", methods=["POST"])
bp.add_url_rule("/sheets/<int:sheet_id>/reopen", view_func=views.reopen, endpoint="reopen", methods=["POST"])
bp.add_url_rule("/sheets/<int:sheet_id>.xlsx", view_func=views.export_xlsx, endpoint="export_xlsx")
bp.add_url_rule(
    "/sheets/<int:sheet_id>/import", view_func=views.import_xlsx, endpoint="import_xlsx", methods=["POST"]
)
bp.add_app_template_global(views.score_sheets_overview, "score_sheets_overview")
bp.add_app_template_global(views.sheet_url, "sheet_url")
bp.add_app_template_global(fmt_points, "fmt_points")
