"""webapp/core/pool_check.py: a pooled connection is pinged before use only when it sat idle (issue 12); a dead one
is then replaced before a request uses it. The logic first with a stand-in dialect, then on PostgreSQL with a
connection the server really closed."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from tests import database as test_database
from tests.factories import make_test_app
from webapp.core import pool_check
from webapp.core.errors import DATABASE_FAILED
from webapp.core.extensions import db


class _Refused(Exception):
    """The stand-in driver's error."""


class _Dialect:
    loaded_dbapi = SimpleNamespace(Error=_Refused)

    def __init__(self, error: _Refused | None = None, *, disconnect: bool = False) -> None:
        self.pings = 0
        self.error, self.disconnect = error, disconnect

    def do_ping(self, _connection: Any) -> bool:
        self.pings += 1
        if self.error is not None:
            raise self.error
        return True

    def is_disconnect(self, _error: Any, _connection: Any, _cursor: Any) -> bool:
        return self.disconnect


def _record(returned_ago: float | None) -> SimpleNamespace:
    if returned_ago is None:
        return SimpleNamespace(info={})
    return SimpleNamespace(info={pool_check.RETURNED_AT: pool_check.time.monotonic() - returned_ago})


def _check(dialect: _Dialect, record: SimpleNamespace) -> None:
    pool_check.checked_out(SimpleNamespace(dialect=dialect), object(), record)  # type: ignore[arg-type]


def test_a_connection_given_back_moments_ago_is_used_unchecked():
    dialect = _Dialect()
    _check(dialect, _record(returned_ago=0.01))
    assert dialect.pings == 0


def test_a_connection_idle_longer_is_pinged_first():
    dialect = _Dialect()
    _check(dialect, _record(returned_ago=pool_check.CHECK_AFTER_IDLE + 0.1))
    _check(dialect, _record(returned_ago=None))  # no time kept: never trusted unchecked
    assert dialect.pings == 2


def test_a_dead_connection_makes_the_pool_reconnect():
    """SQLAlchemy's checkout listener contract: ``DisconnectionError`` (here its pool-wide kind, as
    ``pool_pre_ping`` raises) makes the pool open a new connection instead of handing out the dead one."""
    with pytest.raises(sa.exc.InvalidatePoolError):
        _check(_Dialect(_Refused("server closed the connection"), disconnect=True), _record(returned_ago=5))


def test_an_error_that_is_no_disconnect_is_not_hidden():
    with pytest.raises(_Refused):
        _check(_Dialect(_Refused("something else"), disconnect=False), _record(returned_ago=5))


# --- on PostgreSQL: the pool, the server, and a connection it closed --------------------------------------------


def _backend_pid(app: Flask) -> int:
    with app.app_context():
        pid = db.session.scalar(sa.text("SELECT pg_backend_pid()"))
        db.session.commit()
        return int(pid)


def _terminate(app: Flask, pid: int) -> None:
    """Close ``pid``'s connection from the server's side, on a connection outside the app's pool."""
    with app.app_context():
        outside = sa.create_engine(db.engine.url, poolclass=sa.NullPool)
    try:
        with outside.connect() as connection:
            assert connection.scalar(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            for _ in range(200):  # the backend exits asynchronously
                gone = not connection.scalar(
                    sa.text("SELECT count(*) FROM pg_stat_activity WHERE pid = :pid"), {"pid": pid}
                )
                if gone:
                    break
                connection.execute(sa.text("SELECT pg_sleep(0.01)"))
    finally:
        outside.dispose()


@pytest.mark.postgres
def test_on_postgresql_a_busy_connection_sends_no_ping(app: Flask, monkeypatch: pytest.MonkeyPatch):
    with app.app_context():
        dialect = db.engine.dialect
    pings: list[int] = []
    real_ping = dialect.do_ping
    monkeypatch.setattr(dialect, "do_ping", lambda connection: pings.append(1) or real_ping(connection))
    monkeypatch.setattr(pool_check, "CHECK_AFTER_IDLE", 60.0)  # however slow the machine running the test
    first = _backend_pid(app)
    assert _backend_pid(app) == first and pings == []  # the same connection, given back just now
    monkeypatch.setattr(pool_check, "CHECK_AFTER_IDLE", 0.0)  # as if it had sat idle since
    assert _backend_pid(app) == first and pings == [1]


@pytest.mark.postgres
def test_on_postgresql_a_connection_the_server_closed_while_idle_is_replaced(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
):
    first = _backend_pid(app)
    _terminate(app, first)
    monkeypatch.setattr(pool_check, "CHECK_AFTER_IDLE", 0.0)  # it has sat idle: checked before use
    assert client.get("/notices/").status_code == 200  # the page is served, on a new connection
    assert _backend_pid(app) != first


@pytest.mark.postgres
def test_on_postgresql_a_connection_closed_within_the_window_fails_one_request(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
):
    """What is left (pool_check's docstring): a connection the server closed less than `CHECK_AFTER_IDLE` after
    its last use is handed out unchecked. Its request is told that nothing was saved (503, not a page built on
    settings read as absent), the session's close does not trip over the dead connection, and the next request is
    served on a new one."""
    monkeypatch.setattr(pool_check, "CHECK_AFTER_IDLE", 3600.0)
    first = _backend_pid(app)
    _terminate(app, first)
    failed = client.get("/notices/")
    assert failed.status_code == 503
    assert DATABASE_FAILED in failed.get_data(as_text=True)
    assert client.get("/notices/").status_code == 200
    assert _backend_pid(app) != first


@pytest.mark.postgres
def test_a_deployment_that_asks_for_pool_pre_ping_gets_it_alone(tmp_path):
    app = make_test_app(tmp_path, SQLALCHEMY_ENGINE_OPTIONS={"pool_pre_ping": True})
    with app.app_context():
        assert not sa.event.contains(db.engine, "checkin", pool_check._returned)
        db.engine.dispose()


def test_only_a_server_database_is_checked(tmp_path):
    """A SQLite file is not served over a connection that can drop; PostgreSQL's is (each pass checks its own)."""
    app = make_test_app(tmp_path)
    with app.app_context():
        checked = sa.event.contains(db.engine, "checkin", pool_check._returned)
        db.engine.dispose()
    assert checked is test_database.on_postgres()
