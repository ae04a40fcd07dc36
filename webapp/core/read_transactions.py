"""PostgreSQL: a request's transaction that wrote nothing ends with COMMIT, so the driver keeps its prepared
statements (issue 12).

psycopg 3 prepares a statement on the server once a connection has run it five times (``prepare_threshold``), and
PostgreSQL then stops planning it afresh at every run. But psycopg forgets every prepared statement at a ROLLBACK
(the rolled-back transaction may have dropped what they refer to), and Flask-SQLAlchemy ends every request by
closing the session, which rolls back. So no statement of a page was ever prepared: each was parsed and planned
at every request. The case page's main statement (a case with its organ, panel, filings and spot checks: seven
tables) plans in 0.65-1.0 ms and runs in 0.1 ms.

At the end of each app context (a request, a command), before Flask-SQLAlchemy closes the session, the open
transaction is committed when nothing was raised, the session holds no unflushed change, and the transaction sent
nothing but plain ``SELECT`` statements: every statement passes `note_writes` on its way to the driver, and
anything else (``INSERT``, ``UPDATE``, ``DELETE``, a ``WITH`` that may hide one, DDL, ``SET``…) marks the
connection until its transaction ends. For such a transaction COMMIT and ROLLBACK do the same thing, nothing
(a ``SELECT … FOR UPDATE`` only locks, and both release); only the driver's cache differs. Anything else is
rolled back by the session's close, as before. (Until December 2026 PostgreSQL was asked instead,
``SELECT pg_current_xact_id_if_assigned()``: one more round trip on every request, 2-3 % of a page's CPU.)

In process on the generated province, 150 requests each, three alternating rounds: the case page p50 17.7 / 18.8 /
18.7 → 13.9 / 13.5 / 14.7 ms; the article intake queue 16.7 / 16.0 / 16.6 → 15.7 / 15.7 / 15.6; /bureau/ as a
county 16.7 / 16.5 / 14.8 → 15.3 / 14.8 / 11.9 (without the write check, which adds one short statement).
SQLite has no such cache: nothing changes there.

**Custom plans only.** Once a statement is prepared, PostgreSQL may plan it once for any parameters (a *generic*
plan, ``plan_cache_mode = auto``). Our parameters are skewed: the province's subtree holds 40,163 organisations, a
county's a few hundred, and the generic plan is costed for the average, five. Crawling 1,336 pages of the
generated province as 21 users with generic plans forced, the bureaus in the province's subtree took 95-126 ms
(an index walk of all 40,163 closure rows) against 1-5 ms planned for the province; the audit log's page 1.8 s
against 1.5 ms (a ``LIMIT`` the generic plan cannot see); on a case page ``auto`` had switched to generic, its
statements took 61-63 ms a request against 7-8.5. So every connection plans each run for its parameters (``plan_cache_mode = force_custom_plan``, sent
with the connection's startup, no extra statement, with ``jit = off``: `SETTINGS`); a prepared statement still
saves its parsing and rewriting.
"""

from __future__ import annotations

import logging
import re
from typing import Any

import sqlalchemy as sa
from flask import Flask

from webapp.core.extensions import db

log = logging.getLogger(__name__)

#: what each connection sets at its startup (see above), unless the deployment's URL sets it in ``options``
SETTINGS = {
    # every run of a prepared statement planned for its own parameters
    "plan_cache_mode": "force_custom_plan",
    # no JIT compilation: the planner turns it on for any statement it costs above 100,000, which our list counts
    # over a province office's 359,620 articles are; compiling took 183 ms of a 497 ms search, and the office's
    # article search went from 850 to 510 ms without it (the ledger's reads, 3.8 and 3.6 s, do not gain from it)
    "jit": "off",
}
#: a statement that cannot change a row: a plain SELECT, after any comments (a WITH may hold an INSERT)
_READ_ONLY = re.compile(r"\s*(?:/\*.*?\*/\s*|--[^\n]*\n\s*)*SELECT\b", re.IGNORECASE | re.DOTALL)
#: set on the connection's ``info`` from its transaction's first statement that is not `_READ_ONLY` to its end
WROTE = "kaoping_wrote"


def note_writes(conn: sa.Connection, _cursor: Any, statement: str, *_args: Any) -> None:
    """``before_cursor_execute``: remember that this transaction sent a statement that may have written."""
    if not conn.info.get(WROTE) and not _READ_ONLY.match(statement):
        conn.info[WROTE] = True


def forget_writes(conn: sa.Connection) -> None:
    """``begin``, ``commit`` and ``rollback``: a new transaction has written nothing yet."""
    conn.info.pop(WROTE, None)


def end_read_transaction(exc: BaseException | None) -> None:
    """Commit the session's open transaction if it wrote nothing (see above); otherwise leave it to the close."""
    if exc is not None or not db.session.registry.has():
        return
    session = db.session()
    if not session.in_transaction() or session.new or session.dirty or session.deleted:
        return
    try:
        if session.connection().info.get(WROTE):
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


def with_settings(_dialect: Any, _record: Any, _cargs: Any, cparams: dict[str, Any]) -> None:
    """``do_connect``: libpq's ``options`` carry `SETTINGS`, after (and never over) those the URL gave; the
    connection's cursors describe a statement's columns once (`described_cursor`) unless the deployment chose
    its own cursor class."""
    from webapp.core.described_cursor import DescribedOnceCursor

    options = str(cparams.get("options") or "")
    added = [f"-c {name}={value}" for name, value in SETTINGS.items() if f"{name}=" not in options]
    if added:
        cparams["options"] = " ".join([options, *added]).strip()
    cparams.setdefault("cursor_factory", DescribedOnceCursor)


def init_app(app: Flask) -> None:
    """After ``db.init_app``, before anything connects (Flask runs app-context teardowns last registered first, so
    the commit runs before the session is closed): PostgreSQL only."""
    with app.app_context():
        engine = db.engine
    if engine.dialect.name != "postgresql":
        return
    if not sa.event.contains(engine, "do_connect", with_settings):
        sa.event.listen(engine, "do_connect", with_settings)
        sa.event.listen(engine, "before_cursor_execute", note_writes)
        for ended in ("begin", "commit", "rollback"):
            sa.event.listen(engine, ended, forget_writes)
    app.teardown_appcontext(end_read_transaction)
