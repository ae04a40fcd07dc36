"""JSON errors for the API: ``{"error": code, "message": Chinese}`` with the matching HTTP status."""

from __future__ import annotations

from flask import Response, jsonify
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from webapp.core.services.errors import ServiceError

ERRORS: dict[int, tuple[str, str]] = {
    400: ("bad_request", "请求格式不正确。"),
    401: ("unauthorized", "未登录或令牌无效、已过期。"),
    403: ("forbidden", "无权执行此操作。"),
    404: ("not_found", "请求的资源不存在。"),
    405: ("method_not_allowed", "不支持该请求方法。"),
    409: ("conflict", "数据已被他人修改，请刷新后重试。"),
    413: ("payload_too_large", "上传内容超过大小限制。"),
    500: ("internal_error", "服务器内部错误，请稍后重试或联系管理员。"),
}


def json_error(status: int, code: str | None = None, message: str | None = None) -> tuple[Response, int]:
    default_code, default_message = ERRORS.get(status, ("error", "请求失败。"))
    return jsonify(error=code or default_code, message=message or default_message), status


def handle_http_exception(exc: HTTPException) -> tuple[Response, int]:
    status = exc.code or 500
    response, status = json_error(status)
    valid_methods = getattr(exc, "valid_methods", None)
    if status == 405 and valid_methods:
        response.headers["Allow"] = ", ".join(valid_methods)
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="kaoping"'
    return response, status


def handle_service_error(exc: ServiceError) -> tuple[Response, int]:
    """``{"error", "message"}`` plus ``rule`` (refusals quote one) and ``field`` (bad input) when known."""
    status = getattr(exc, "status", 400)
    body: dict[str, object] = {"error": exc.code, "message": exc.message}
    rule = getattr(exc, "rule", None)
    if rule is not None or status == 409 or exc.code == "forbidden":
        body["rule"] = rule
    if exc.field is not None or exc.code == "invalid_input":
        body["field"] = exc.field
    return jsonify(body), status


def handle_stale_data(exc: StaleDataError) -> tuple[Response, int]:
    return json_error(409)


def handle_unexpected(exc: Exception) -> tuple[Response, int]:
    return json_error(500)
