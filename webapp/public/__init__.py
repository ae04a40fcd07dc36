"""Public pages, no login: the current notice list (公示, ARC-10.3) and the objection form (GAP-9)."""

from flask import Blueprint

from webapp.public import views

bp = Blueprint("public", __name__, url_prefix="/notices")

bp.add_url_rule("/", view_func=views.notices, endpoint="notices")
bp.add_url_rule(
    "/<int:case_id>/objection", view_func=views.objection, endpoint="objection", methods=["GET", "POST"]
)
