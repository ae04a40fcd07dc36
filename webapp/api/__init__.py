"""The JSON API (``/api/v1``): bearer-token authentication, CSRF-exempt, JSON errors.

Every URL of the API is listed here in one block; views live in one module per area.
"""

from __future__ import annotations

from flask import Blueprint
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from webapp.api import cases, errors, me, notices, openapi, organs, sheets, tokens
from webapp.services import ServiceError

bp = Blueprint("api", __name__, url_prefix="/api/v1")

bp.add_url_rule("/tokens", view_func=tokens.create_token, methods=["POST"])
bp.add_url_rule("/me", view_func=me.me)
bp.add_url_rule("/cases", view_func=cases.list_cases, methods=["GET"])
bp.add_url_rule("/cases", view_func=cases.create_case, methods=["POST"], endpoint="create_case")
bp.add_url_rule("/cases/<int:case_id>", view_func=cases.get_case, methods=["GET"])
bp.add_url_rule("/cases/<int:case_id>/events", view_func=cases.fire_event, methods=["POST"])
bp.add_url_rule("/cases/<int:case_id>/attachments", view_func=cases.upload_attachment, methods=["POST"])
bp.add_url_rule(
    "/cases/<int:case_id>/attachments/<int:attachment_id>",
    view_func=cases.delete_attachment,
    methods=["DELETE"],
    endpoint="delete_attachment",
)
bp.add_url_rule(
    "/cases/<int:case_id>/attachments/<int:attachment_id>",
    view_func=cases.replace_attachment,
    methods=["PUT"],
    endpoint="replace_attachment",
)
bp.add_url_rule(
    "/cases/<int:case_id>", view_func=cases.delete_case, methods=["DELETE"], endpoint="delete_case"
)
bp.add_url_rule("/cases/<int:case_id>/panel", view_func=cases.set_panel, methods=["PUT"])
bp.add_url_rule("/cases/<int:case_id>/sheets", view_func=sheets.list_sheets, methods=["GET"])
bp.add_url_rule("/cases/<int:case_id>/sheets", view_func=sheets.start_sheet, methods=["POST"])
bp.add_url_rule("/sheets/<int:sheet_id>", view_func=sheets.get_sheet, methods=["GET"])
bp.add_url_rule("/sheets/<int:sheet_id>", view_func=sheets.put_sheet, methods=["PUT"])
bp.add_url_rule("/sheets/<int:sheet_id>/submit", view_func=sheets.submit_sheet, methods=["POST"])
bp.add_url_rule("/sheets/<int:sheet_id>/reopen", view_func=sheets.reopen_sheet, methods=["POST"])
bp.add_url_rule("/organs/<int:organ_id>/grade", view_func=organs.organ_grade, methods=["GET"])
bp.add_url_rule("/notices", view_func=notices.list_notices, methods=["GET"])
bp.add_url_rule("/notices/<int:case_id>/objections", view_func=notices.submit_objection, methods=["POST"])
bp.add_url_rule("/objections/<reference>", view_func=notices.objection_status, methods=["GET"])
bp.add_url_rule("/openapi.json", view_func=openapi.openapi_json, methods=["GET"])

for status in errors.ERRORS:
    if status != 500:
        bp.register_error_handler(status, errors.handle_http_exception)
bp.register_error_handler(ServiceError, errors.handle_service_error)
bp.register_error_handler(StaleDataError, errors.handle_stale_data)
bp.register_error_handler(HTTPException, errors.handle_http_exception)
bp.register_error_handler(500, errors.handle_unexpected)
