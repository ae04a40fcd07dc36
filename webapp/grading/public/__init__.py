"""Public pages, no login: the current notice list (公示, ARC-10.3), each notice and its print view, the
objection form and the objection look-up by reference number (GAP-9)."""

from flask import Blueprint

from webapp.grading.public import views

bp = Blueprint("public", __name__, url_prefix="/notices")

bp.add_url_rule("/", view_func=views.notices, endpoint="notices")
bp.add_url_rule("/<int:case_id>", view_func=views.notice, endpoint="notice")
bp.add_url_rule("/<int:case_id>/print", view_func=views.notice_print, endpoint="notice_print")
bp.add_url_rule(
    "/<int:case_id>/objection", view_func=views.objection, endpoint="objection", methods=["GET", "POST"]
)
bp.add_url_rule("/objections/", view_func=views.objection_lookup, endpoint="objection_lookup")
bp.add_url_rule("/objections/<reference>", view_func=views.objection_receipt, endpoint="objection_receipt")
