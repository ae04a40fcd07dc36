"""The applying unit's workspace (roles ``unit_applicant``/``unit_leader``). Every URL of the area is listed here.

Attachments are uploaded on the case page's upload form (``cases.upload``), shared with the pre-checker, who
uploads its opinion there too.
"""

from flask import Blueprint

from webapp.grading.unit import views

bp = Blueprint("unit", __name__, url_prefix="/unit")

bp.add_url_rule("/", view_func=views.dashboard, endpoint="dashboard")
bp.add_url_rule("/cases/new", view_func=views.open_case, endpoint="open_case", methods=["GET", "POST"])
