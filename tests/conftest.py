"""Shared fixtures, flaskr style: ``app``, ``client``, ``runner``, ``auth`` and ``demo``.

Each ``app`` gets its own SQLite file in a temp folder, TestingConfig, and "today" fixed at ``TODAY`` (2027-01-05) through
the config (never through the real clock). Tables come from ``db.create_all()`` for speed; one test runs the
real migrations (tests/webapp/test_migrations.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from werkzeug.test import TestResponse

from tests.factories import make_test_app
from webapp.core.extensions import db
from webapp.demo import DEMO_PASSWORD, load_demo


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    app = make_test_app(tmp_path)
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture
def demo(app: Flask) -> Flask:
    """The demo organisations, accounts (password ``kaoping-demo``), grades and incidents."""
    with app.app_context():
        load_demo()
    return app


class AuthActions:
    def __init__(self, client: FlaskClient) -> None:
        self._client = client

    def login(self, username: str, password: str = DEMO_PASSWORD, **kwargs: Any) -> TestResponse:
        return self._client.post("/auth/login", data={"username": username, "password": password}, **kwargs)

    def logout(self) -> TestResponse:
        return self._client.post("/auth/logout")


@pytest.fixture
def auth(client: FlaskClient) -> AuthActions:
    return AuthActions(client)
