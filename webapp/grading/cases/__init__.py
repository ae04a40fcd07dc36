"""The case page every role shares, the events fired from it, attachments and documents. Every URL is here."""

from flask import Blueprint

from webapp.grading.cases import sheet_views, views

bp = Blueprint("cases", __name__, url_prefix="/cases")

bp.add_url_rule("/", view_func=views.index, endpoint="index")
bp.add_url_rule("/export.xlsx", view_func=views.export, endpoint="export")
bp.add_url_rule("/<int:case_id>", view_func=views.show, endpoint="show")
bp.add_url_rule("/<int:case_id>/events/<event>", view_func=views.fire, endpoint="fire", methods=["POST"])
bp.add_url_rule(
    "/<int:case_id>/attachments", view_func=views.upload, endpoint="upload", methods=["GET", "POST"]
)
bp.add_url_rule(
    "/<int:case_id>/attachments/<int:attachment_id>", view_func=views.download, endpoint="download"
)
bp.add_url_rule(
    "/<int:case_id>/attachments/<int:attachment_id>/delete",
    view_func=views.delete_attachment,
    endpoint="delete_attachment",
    methods=["POST"],
)
bp.add_url_rule(
    "/<int:case_id>/delete", view_func=views.delete_case, endpoint="delete_case", methods=["POST"]
)
bp.add_url_rule("/<int:case_id>/letter.pdf", view_func=views.letter_pdf, endpoint="letter")
bp.add_url_rule("/<int:case_id>/certificate.pdf", view_func=views.certificate_pdf, endpoint="certificate")
bp.add_url_rule(
    "/<int:case_id>/spot-check", view_func=views.spot_check, endpoint="spot_check", methods=["POST"]
)
# the review conclusion from the agreed score sheet (the sheet pages are the sheets blueprint's)
bp.add_url_rule(
    "/<int:case_id>/sheets/conclude",
    view_func=sheet_views.conclude_from_sheet,
    endpoint="conclude_from_sheet",
    methods=["POST"],
)
bp.add_url_rule(
    "/<int:case_id>/sheets/review-conclusion.pdf", view_func=sheet_views.review_pdf, endpoint="review_pdf"
)
bp.add_app_template_global(sheet_views.score_sheet_todo, "score_sheet_todo")
bp.register_error_handler(413, views.too_large)
