"""A pooled database connection is checked before use only when it has sat unused for a while (issue 12).

A connection kept in the pool may have been closed by the server meanwhile (PostgreSQL restarted, an idle
timeout, a proxy or a network between), and a request that got such a connection would fail on its first
statement. SQLAlchemy's ``pool_pre_ping`` guards against it by sending a statement of its own (``;`` with psycopg)
at every checkout, that is at the start of every request: one more round trip to the server each time. On the
generated province, in process on PostgreSQL (400 requests a page, two alternating rounds): checking a connection
out cost 0.23 ms of Python with the ping and 0.09 without, and the province's case list took 7.0 / 6.6 → 6.5 / 6.4
ms a request, the case page 9.1 / 9.1 → 8.9 / 8.5.

So the check is skipped for a connection that was given back to the pool less than `CHECK_AFTER_IDLE` seconds
ago, as HikariCP does (``aliveBypassWindowMs``, 500 ms): a busy worker takes back the connection it returned a few
milliseconds before and sends no ping; a connection that sat idle longer, which is where a server's restart or
a dropped socket is met, is pinged as before, and a dead one is replaced before the request uses it. What is
left: a server that goes away within that half second of its connection's last use fails the request that next
takes the connection (with an error, never silently), and SQLAlchemy then replaces every connection of the
pool. A brand-new connection is never pinged (it has just been opened). SQLite files are not served over a
connection that can drop: nothing is checked there.

A deployment that wants every checkout pinged sets ``pool_pre_ping`` in ``SQLALCHEMY_ENGINE_OPTIONS``; this check
then stands aside.
"""

from __future__ import annotations

import time
from typing import Any

import sqlalchemy as sa
from flask import Flask

from webapp.core.extensions import db

#: seconds a connection may have been back in the pool and still be used unchecked (HikariCP's 500 ms)
CHECK_AFTER_IDLE = 0.5
#: where a connection's record keeps when it was last given back (``info`` is dropped with the connection)
RETURNED_AT = "kaoping_returned_at"


def _returned(_dbapi_connection: Any, record: Any) -> None:
    """``checkin`` (and ``connect``: a new connection counts as just used)."""
    record.info[RETURNED_AT] = time.monotonic()


def checked_out(engine: sa.Engine, dbapi_connection: Any, record: Any) -> None:
    """``checkout``: ping a connection idle for `CHECK_AFTER_IDLE` or longer; a dead one makes the pool
    reconnect (``DisconnectionError`` raised from a checkout listener is SQLAlchemy's documented way)."""
    returned = record.info.get(RETURNED_AT)
    if returned is not None and time.monotonic() - returned < CHECK_AFTER_IDLE:
        return
    dialect = engine.dialect
    try:
        dialect.do_ping(dbapi_connection)
    except dialect.loaded_dbapi.Error as error:
        if dialect.is_disconnect(error, dbapi_connection, None):
            # every connection made before now is suspect (the server went away): as pool_pre_ping does
            raise sa.exc.InvalidatePoolError() from error
        raise


def init_app(app: Flask) -> None:
    """After ``db.init_app``: a server database's pool checks a connection that sat idle before handing it out."""
    with app.app_context():
        engine = db.engine
    pinged_anyway = app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}).get("pool_pre_ping")
    if engine.dialect.name == "sqlite" or pinged_anyway:
        return
    if sa.event.contains(engine, "checkin", _returned):
        return
    sa.event.listen(engine, "connect", _returned)
    sa.event.listen(engine, "checkin", _returned)
    sa.event.listen(engine, "checkout", lambda conn, record, _proxy: checked_out(engine, conn, record))
