"""The JSON API (``/api/v1``): bearer-token authentication, CSRF-exempt, JSON errors.

Every URL of the API is listed here in one block; views live in one module per area.
"""

from __future__ import annotations

from flask import Blueprint
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from webapp.api import errors, me, tokens
from webapp.services import ServiceError

bp = Blueprint("api", __name__, url_prefix="/api/v1")

bp.add_url_rule("/tokens", view_func=tokens.create_token, methods=["POST"])
bp.add_url_rule("/me", view_func=me.me)

for status in errors.ERRORS:
    if status != 500:
        bp.register_error_handler(status, errors.handle_http_exception)
bp.register_error_handler(ServiceError, errors.handle_service_error)
bp.register_error_handler(StaleDataError, errors.handle_stale_data)
bp.register_error_handler(HTTPException, errors.handle_http_exception)
bp.register_error_handler(500, errors.handle_unexpected)
