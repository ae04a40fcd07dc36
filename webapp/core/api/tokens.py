"""``POST /api/v1/tokens``: exchange a username and password for a bearer token."""

from __future__ import annotations

from flask import Response, jsonify
from pydantic import Field

from webapp.core.api.errors import json_error
from webapp.core.api.spec import Body, Out, operation
from webapp.core.auth.permissions import public
from webapp.core.services import accounts, passwords
from webapp.core.services.client import client_address


class Credentials(Body):
    not_object = ("bad_request", '请求体须为 JSON 对象：{"username": …, "password": …}。')
    refused = ("missing_credentials", "请提供用户名和密码。")

    username: str = Field(min_length=1)
    password: str = Field(min_length=1)


class Token(Out):
    token: str = Field(description="send as Authorization: Bearer <token>")


@public
@operation(
    "Exchange username and password for a bearer token",
    body=Credentials,
    responses={
        200: ("the token", Token),
        400: "not a JSON object (bad_request) or a field missing (missing_credentials)",
        401: "bad credentials, or an inactive or locked account (one answer: invalid_credentials)",
        403: "the password has expired or was reset by an administrator and must be changed on the web page 修改密码 (password_expired)",
        429: "too many failed logins from this address: locked for a while (locked)",
    },
)
def create_token(body: Credentials) -> tuple[Response, int]:
    outcome = accounts.attempt_login(body.username, body.password, address=client_address(), channel="API")
    if outcome.status == "address_locked":
        message = "本机所在地址登录失败次数过多，已暂时锁定，请稍后再试或联系安全管理员。"
        return jsonify(error="locked", message=message, rule=accounts.LOCK_RULE), 429
    if outcome.user is None:
        return json_error(401, "invalid_credentials", accounts.REFUSED_LOGIN)
    if outcome.password_expired:
        return json_error(
            403, "password_expired", passwords.expiry_message(outcome.user, then="后才能申请令牌")
        )
    return jsonify(token=accounts.issue_token(outcome.user)), 200
