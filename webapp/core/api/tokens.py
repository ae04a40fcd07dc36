"""``POST /api/v1/tokens``: exchange a username and password for a bearer token."""

from __future__ import annotations

from flask import Response, jsonify, request

from webapp.core.api.errors import json_error
from webapp.core.auth.permissions import public
from webapp.core.services import accounts


@public
def create_token() -> tuple[Response, int]:
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        return json_error(400, "bad_request", '请求体须为 JSON 对象：{"username": …, "password": …}。')
    username, password = payload.get("username"), payload.get("password")
    if not isinstance(username, str) or not isinstance(password, str) or not username or not password:
        return json_error(400, "missing_credentials", "请提供用户名和密码。")
    user = accounts.authenticate(username, password)
    if user is None:
        return json_error(401, "invalid_credentials", "用户名或密码错误")
    return jsonify(token=accounts.issue_token(user)), 200
