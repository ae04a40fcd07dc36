"""``POST /api/v1/tokens``: exchange a username and password for a bearer token."""

from __future__ import annotations

from flask import Response, jsonify
from pydantic import Field

from webapp.core.api.errors import json_error
from webapp.core.api.spec import Body, Out, operation
from webapp.core.auth.permissions import public
from webapp.core.services import accounts


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
        401: "bad credentials",
    },
)
def create_token(body: Credentials) -> tuple[Response, int]:
    user = accounts.authenticate(body.username, body.password)
    if user is None:
        return json_error(401, "invalid_credentials", "用户名或密码错误")
    return jsonify(token=accounts.issue_token(user)), 200
