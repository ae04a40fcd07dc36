"""Fixtures for the API tests: request helpers that carry a demo user's bearer token."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient


def bearer_callers(client: FlaskClient) -> type:
    """``Caller(username)`` → get/post/put on ``client`` with that user's token (None: no token)."""
    tokens: dict[str, str] = {}

    class Caller:
        def __init__(self, username: str | None) -> None:
            self.headers = {}
            if username:
                if username not in tokens:
                    response = client.post(
                        "/api/v1/tokens", json={"username": username, "password": "kaoping-demo"}
                    )
                    tokens[username] = response.get_json()["token"]
                self.headers = {"Authorization": f"Bearer {tokens[username]}"}

        def get(self, url: str, **kw: Any) -> Any:
            return client.get(url, headers=self.headers, **kw)

        def post(self, url: str, **kw: Any) -> Any:
            return client.post(url, headers=self.headers, **kw)

        def put(self, url: str, **kw: Any) -> Any:
            return client.put(url, headers=self.headers, **kw)

        def fire(self, case_id: int, event: str, **body: Any) -> Any:
            return self.post(f"/api/v1/cases/{case_id}/events", json={"event": event, **body})

    return Caller


@pytest.fixture
def api(demo, client):  # noqa: ANN001 - the demo app and its test client
    """``api(username)`` → request helpers carrying that user's bearer token."""
    return bearer_callers(client)
