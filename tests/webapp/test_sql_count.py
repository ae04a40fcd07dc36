"""The bench's statement counter (webapp/core/sql_count.py): ``X-SQL-Statements`` per request, only when the
``KAOPING_SQL_COUNT`` flag is set."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask, request

from config.settings import config_for
from tests.factories import make_test_app
from webapp.core.auth.permissions import public
from webapp.core.extensions import db


def _app_with_query_route(tmp_path: Path, **overrides: object) -> Flask:
    app = make_test_app(tmp_path, **overrides)

    @public
    def run_queries() -> str:
        for _ in range(int(request.args.get("n", "0"))):
            db.session.execute(sa.text("SELECT 1"))
        return "ok"

    app.add_url_rule("/test-queries", "test_queries", run_queries)
    return app


def test_every_response_counts_the_statements_its_request_sent(tmp_path: Path) -> None:
    client = _app_with_query_route(tmp_path, KAOPING_SQL_COUNT="1").test_client()
    counts = [int(client.get(f"/test-queries?n={n}").headers["X-SQL-Statements"]) for n in (0, 1, 5, 5)]
    assert counts == [0, 1, 5, 5]  # per request, not accumulated across requests


def test_a_page_that_runs_more_queries_reports_more_statements(tmp_path: Path) -> None:
    app = make_test_app(tmp_path, KAOPING_SQL_COUNT="1")
    with app.app_context():
        db.create_all()
    client = app.test_client()
    health = int(client.get("/healthz").headers["X-SQL-Statements"])
    notices = client.get("/notices/")
    assert notices.status_code == 200
    assert health == 0
    assert int(notices.headers["X-SQL-Statements"]) > health


@pytest.mark.parametrize("flag", ["", "0", "off"])
def test_without_the_flag_responses_carry_no_count(tmp_path: Path, flag: str) -> None:
    client = _app_with_query_route(tmp_path, KAOPING_SQL_COUNT=flag).test_client()
    response = client.get("/test-queries?n=3")
    assert response.status_code == 200
    assert "X-SQL-Statements" not in response.headers


def test_the_flag_is_read_from_the_environment(tmp_path: Path) -> None:
    assert config_for("testing", tmp_path, {"KAOPING_SQL_COUNT": "1"}).KAOPING_SQL_COUNT == "1"
    assert config_for("testing", tmp_path, {}).KAOPING_SQL_COUNT == ""
