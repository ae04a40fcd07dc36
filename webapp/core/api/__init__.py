"""The JSON API (``/api/v1``): bearer-token authentication, CSRF-exempt, JSON errors.

The shared routes (tokens, me, the OpenAPI document) are listed here; each feature package adds its own in its
``register_api(bp)``, called once from ``webapp/features.py``.
"""

from __future__ import annotations

from flask import Blueprint
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from webapp.core.api import errors, me, openapi, tokens
from webapp.core.services.errors import ServiceError

bp = Blueprint("api", __name__, url_prefix="/api/v1")

bp.add_url_rule("/tokens", view_func=tokens.create_token, methods=["POST"])
bp.add_url_rule("/me", view_func=me.me)
bp.add_url_rule("/openapi.json", view_func=openapi.openapi_json, methods=["GET"])

for status in errors.ERRORS:
    if status != 500:
        bp.register_error_handler(status, errors.handle_http_exception)
bp.register_error_handler(ServiceError, errors.handle_service_error)
bp.register_error_handler(StaleDataError, errors.handle_stale_data)
bp.register_error_handler(HTTPException, errors.handle_http_exception)
bp.register_error_handler(500, errors.handle_unexpected)
