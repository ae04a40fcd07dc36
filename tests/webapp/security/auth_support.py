"""Helpers of the authentication tests (issue 13 part A): a movable wall clock, logins from a given address."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from webapp.core import clock
from webapp.demo import DEMO_PASSWORD

REFUSED = "用户名或密码错误，或账号已停用或暂时锁定。"


class WallClock:
    """`clock.wall_now` (the clock of locks, sessions and remember tokens), moved by the test."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.now = datetime(2027, 1, 5, 2, 0, tzinfo=UTC)
        monkeypatch.setattr(clock, "wall_now", lambda: self.now)

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def login(
    client: FlaskClient,
    username: str,
    password: str = DEMO_PASSWORD,
    *,
    address: str = "127.0.0.1",
    **data: Any,
) -> TestResponse:
    return client.post(
        "/auth/login",
        data={"username": username, "password": password, **data},
        environ_base={"REMOTE_ADDR": address},
    )


def token(client: FlaskClient, username: str, password: str = DEMO_PASSWORD, *, address: str = "127.0.0.1"):
    return client.post(
        "/api/v1/tokens",
        json={"username": username, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def signed_in(client: FlaskClient) -> bool:
    """The client's session opens the home page (a refused or ended session is sent to the login page)."""
    response = client.get("/")
    return response.status_code == 200 and "退出登录" in response.get_data(as_text=True)
