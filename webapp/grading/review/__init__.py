"""The reviewer's pages (role ``reviewer``): the cases on whose panel they sit. Every URL is here."""

from flask import Blueprint

from webapp.grading.review import views

bp = Blueprint("review", __name__, url_prefix="/review")

bp.add_url_rule("/", view_func=views.index, endpoint="index")
bp.add_url_rule("/cases/<int:case_id>/declare", view_func=views.declare, endpoint="declare", methods=["POST"])
