"""The unit's pages (被考评单位): every campaign it is in, and one campaign — its deadlines, its self-assessment
sheet, its supporting materials, its declared performance and faults, its result. Every URL is here."""

from flask import Blueprint

from webapp.campaigns.unit import views

bp = Blueprint("campaigns_unit", __name__, url_prefix="/campaigns")

bp.add_url_rule("/mine", view_func=views.mine, endpoint="mine")
bp.add_url_rule("/unit/<int:cu_id>", view_func=views.show, endpoint="show")
bp.add_url_rule("/unit/<int:cu_id>/evidence", view_func=views.upload, endpoint="upload", methods=["POST"])
bp.add_url_rule("/unit/<int:cu_id>/evidence/<int:evidence_id>", view_func=views.download, endpoint="download")
bp.add_url_rule(
    "/unit/<int:cu_id>/evidence/<int:evidence_id>/delete",
    view_func=views.remove,
    endpoint="remove",
    methods=["POST"],
)
bp.add_url_rule(
    "/unit/<int:cu_id>/evidence/<int:evidence_id>/move",
    view_func=views.move,
    endpoint="move",
    methods=["POST"],
)
bp.add_url_rule("/unit/<int:cu_id>/claims", view_func=views.declare, endpoint="declare", methods=["POST"])
bp.add_url_rule(
    "/unit/<int:cu_id>/claims/<int:claim_id>/withdraw",
    view_func=views.withdraw,
    endpoint="withdraw",
    methods=["POST"],
)
bp.register_error_handler(413, views.too_large)
