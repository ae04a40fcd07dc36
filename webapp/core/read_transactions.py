"""PostgreSQL: a request's transaction that wrote nothing ends with COMMIT, so the driver keeps its prepared
statements (issue 12).

psycopg 3 prepares a statement on the server once a connection has run it five times (``prepare_threshold``), and
PostgreSQL then stops planning it afresh at every run. But psycopg forgets every prepared statement at a ROLLBACK
(the rolled-back transaction may have dropped what they refer to), and Flask-SQLAlchemy ends every request by
closing the session, which rolls back. So no statement of a page was ever prepared: each was parsed and planned
at every request. The case page's main statement (a case with its organ, panel, filings and spot checks: seven
tables) plans in 0.65-1.0 ms and runs in 0.1 ms.

At the end of each app context (a request, a command), before Flask-SQLAlchemy closes the session, the open
transaction is committed when nothing was raised, the session holds no unflushed change, and PostgreSQL says the
transaction wrote nothing: ``pg_current_xact_id_if_assigned()`` is NULL until its first write. For such a
transaction COMMIT and ROLLBACK do the same thing, nothing; only the driver's cache differs. Anything else is
rolled back by the session's close, as before.

In process on the generated province, 150 requests each, three alternating rounds: the case page p50 17.7 / 18.8 /
18.7 → 13.9 / 13.5 / 14.7 ms; the article intake queue 16.7 / 16.0 / 16.6 → 15.7 / 15.7 / 15.6; /bureau/ as a
county 16.7 / 16.5 / 14.8 → 15.3 / 14.8 / 11.9 (without the write check, which adds one short statement).
SQLite has no such cache: nothing changes there.
"""

from __future__ import annotations

import logging

import sqlalchemy as sa
from flask import Flask

from webapp.core.extensions import db

log = logging.getLogger(__name__)

#: NULL while the transaction has written nothing (PostgreSQL 13 and later)
WROTE = sa.text("SELECT pg_current_xact_id_if_assigned() IS NOT NULL")


def end_read_transaction(exc: BaseException | None) -> None:
    """Commit the session's open transaction if it wrote nothing (see above); otherwise leave it to the close."""
    if exc is not None or not db.session.registry.has():
        return
    session = db.session()
    if not session.in_transaction() or session.new or session.dirty or session.deleted:
        return
    try:
        if session.execute(WROTE).scalar_one():
            return  # a write nobody committed: the close rolls it back, as it always did
        # nothing changed, so nothing loaded is stale: left loaded, as the close alone leaves it (an object kept
        # past the context, detached, still reads its attributes)
        expire, session.expire_on_commit = session.expire_on_commit, False
        try:
            session.commit()
        finally:
            session.expire_on_commit = expire
    except sa.exc.SQLAlchemyError:  # a broken connection: the close rolls back and the pool replaces it
        log.warning("could not end a read transaction with COMMIT", exc_info=True)


def init_app(app: Flask) -> None:
    """After ``db.init_app`` (Flask runs app-context teardowns last registered first, so this runs before the
    session is closed): PostgreSQL only."""
    with app.app_context():
        dialect = db.engine.dialect.name
    if dialect == "postgresql":
        app.teardown_appcontext(end_read_transaction)
