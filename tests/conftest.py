"""Shared fixtures, flaskr style: ``app``, ``client``, ``runner``, ``auth`` and ``demo``.

Each ``app`` gets its own SQLite file in a temp folder, TestingConfig, and "today" fixed at ``TODAY`` (2027-01-05) through
the config (never through the real clock). Tables come from ``db.create_all()`` for speed, and ``demo`` from
``load_demo()``, each made once per process and copied (tests/snapshots.py); one test runs the real migrations
(tests/webapp/test_migrations.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from werkzeug.test import TestResponse

from tests import database as test_database
from tests import snapshots, url_builders
from tests.factories import make_test_app
from webapp.core.extensions import db
from webapp.demo import DEMO_PASSWORD

url_builders.install()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """``@pytest.mark.postgres`` tests only mean something on PostgreSQL: skipped in the SQLite pass."""
    if test_database.on_postgres():
        return
    skip = pytest.mark.skip(reason=test_database.SKIP_REASON)
    for item in items:
        if item.get_closest_marker("postgres"):
            item.add_marker(skip)


@pytest.fixture
def pg_url() -> Iterator[str]:
    """URL of a fresh empty PostgreSQL database of the test's own (real separate connections, processes,
    migrations), dropped after the test. Skips in the SQLite pass."""
    if not test_database.on_postgres():
        pytest.skip(test_database.SKIP_REASON)
    name = test_database.fresh_database_name()
    url = test_database.create_database(name)
    yield url
    test_database.drop_database(name)


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    app = make_test_app(tmp_path)
    snapshots.create_tables(app)
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
    snapshots.load_demo_data(app)
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
