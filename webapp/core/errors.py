"""Error pages: Chinese HTML for people, JSON under ``/api/`` for programs."""

from __future__ import annotations

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException, InternalServerError

from webapp.core.api import errors as api_errors
from webapp.core.extensions import db
from webapp.core.services.errors import ServiceError

PAGE_TITLES: dict[int, str] = {
    400: "请求有误",
    401: "需要登录",
    403: "无权访问",
    404: "页面不存在",
    405: "不支持的操作",
    409: "数据已被修改",
    413: "上传文件过大",
    500: "系统出错",
    503: "暂时无法保存",
}
#: statuses with their own template; the rest share errors/error.html
OWN_TEMPLATES = {403, 404, 500}


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def _page(status: int, message: str | None = None) -> tuple[str, int]:
    template = f"errors/{status}.html" if status in OWN_TEMPLATES else "errors/error.html"
    title = PAGE_TITLES.get(status, "请求失败")
    return render_template(template, status=status, title=title, message=message), status


def handle_http_exception(exc: HTTPException):  # noqa: ANN201 - a Flask response
    status = exc.code or 500
    if _wants_json():
        return api_errors.handle_http_exception(exc)
    if isinstance(exc, CSRFError):
        return _page(400, "页面已过期或缺少安全令牌，请返回上一页刷新后重新提交。")
    if status >= 500:
        db.session.rollback()
    return _page(status)


def handle_stale_data(exc: StaleDataError):  # noqa: ANN201
    db.session.rollback()
    if _wants_json():
        return api_errors.json_error(409)
    return _page(409, "该记录刚被他人修改，您的操作未保存。请刷新页面后重试。")


def handle_service_error(exc: ServiceError):  # noqa: ANN201
    db.session.rollback()
    if _wants_json():
        return api_errors.handle_service_error(exc)
    return _page(exc.status, exc.message)


#: what a person reads when the database fails mid-request (nothing of the request was kept: one transaction)
DATABASE_FAILED = "数据库暂时无法完成操作，本次操作未保存，也未留下记录。请稍后重试。"


def handle_database_failure(exc: OperationalError):  # noqa: ANN201
    """The database failed (unreachable, lock timeout, deadlock): the transaction is rolled back whole, so the
    person is told that nothing was saved — a 503 without internals, never the SQL or a traceback."""
    db.session.rollback()
    if _wants_json():
        return api_errors.json_error(503, "database_unavailable", DATABASE_FAILED)
    return _page(503, DATABASE_FAILED)


def handle_internal_error(exc: InternalServerError):  # noqa: ANN201
    db.session.rollback()
    if _wants_json():
        return api_errors.json_error(500)
    return _page(500)


def register_errorhandlers(app: Flask) -> None:
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(StaleDataError, handle_stale_data)
    app.register_error_handler(OperationalError, handle_database_failure)
    app.register_error_handler(ServiceError, handle_service_error)
    app.register_error_handler(InternalServerError, handle_internal_error)
