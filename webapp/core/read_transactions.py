"""PostgreSQL: reads run outside a transaction, the first statement that needs one begins it, and a transaction
that wrote nothing ends with COMMIT, so the driver keeps its prepared statements (issue 12).

psycopg 3 prepares a statement on the server once a connection has run it five times (``prepare_threshold``), and
PostgreSQL then stops planning it afresh at every run. But psycopg forgets every prepared statement at a ROLLBACK
(the rolled-back transaction may have dropped what they refer to), and Flask-SQLAlchemy ends every request by
closing the session, which rolls back. So no statement of a page was ever prepared: each was parsed and planned
at every request. The case page's main statement (a case with its organ, panel, filings and spot checks: seven
tables) plans in 0.65-1.0 ms and runs in 0.1 ms.

At the end of each app context (a request, a command), before Flask-SQLAlchemy closes the session, the open
transaction is committed when nothing was raised, the session holds no unflushed change, and the transaction sent
nothing but ``SELECT`` statements: every statement passes `note_writes` on its way to the driver, and
anything else (``INSERT``, ``UPDATE``, ``DELETE``, a ``WITH`` that names one of them, DDL, ``SET``…) marks the
connection until its transaction ends. (A ``WITH`` was once marked whatever it held: every worklist and list whose
visibility reads the bureaus under one (`subtree_bureau_ids`, a named CTE) was rolled back, and its connection
lost every statement it had prepared.) For such a transaction COMMIT and ROLLBACK do the same thing, nothing
(a ``SELECT … FOR UPDATE`` only locks, and both release); only the driver's cache differs. Anything else is
rolled back by the session's close, as before. (Until December 2026 PostgreSQL was asked instead,
``SELECT pg_current_xact_id_if_assigned()``: one more round trip on every request, 2-3 % of a page's CPU.)
Since reads run outside a transaction (below), what is left for this COMMIT is a transaction that locked rows and
wrote nothing (an event refused after its lock); a context that only read has no transaction open, and neither
this hook nor the session's close sends anything.

In process on the generated province, 150 requests each, three alternating rounds: the case page p50 17.7 / 18.8 /
18.7 → 13.9 / 13.5 / 14.7 ms; the article intake queue 16.7 / 16.0 / 16.6 → 15.7 / 15.7 / 15.6; /bureau/ as a
county 16.7 / 16.5 / 14.8 → 15.3 / 14.8 / 11.9 (without the write check, which adds one short statement).
SQLite has no such cache: nothing changes there.

**Reads outside a transaction.** A page that only reads needs no transaction around its statements: under
PostgreSQL's READ COMMITTED each statement of a transaction sees the data as of its own start, exactly as it does
on its own, so wrapping a page's reads in BEGIN … COMMIT bought nothing and cost two round trips a page (and
SQLAlchemy's commit). `begin_when_needed` (``before_cursor_execute``) runs a read in psycopg's autocommit mode and
switches autocommit off before the first statement that needs a transaction (`needs_transaction`: anything but a
read, and a read whose effect lasts until the transaction ends: a row lock ``FOR UPDATE`` / ``FOR SHARE``, an
``_xact_lock`` advisory lock, ``set_config``); psycopg then sends BEGIN with that statement, and everything after
it, reads included, runs in that transaction until its COMMIT or ROLLBACK. So does a read streamed through a
server-side cursor (``yield_per``: the audit log's export, the chain check), whose DECLARE PostgreSQL allows only
in a transaction. An event still locks its case and reads its facts after the lock, in its transaction
(`locks.lock_row`, `case_facts.stored_facts`); a write is still committed or rolled back whole; and what a
transaction reads after it wrote sees its own write. A deployment that sets an ``isolation_level`` of its own
(REPEATABLE READ, whose point is one snapshot for several statements) keeps every statement in a transaction, as
does a connection given an isolation level by ``execution_options``. In process on the generated province (one
process, the app with and without `begin_when_needed` alternating, 20 rounds of 40 requests, wall time a request):
a signed-in form (the floor under every page) 2.33 → 2.10 and 2.90 → 2.51 ms, /notices/ 2.72 → 2.47, the case
page 5.88 → 5.68 and 7.39 → 7.08, the province's case list at page 1,000 6.45 → 5.91, the article intake queue
6.26 → 5.86, the ledger 5.63 → 5.41; a county's worklist 7.01 → 7.05 (within the rounds' spread); an event's
answer unchanged (it began its transaction at the lock before too).

**Plans.** Once a statement is prepared, PostgreSQL may plan it once for any parameters (a *generic* plan,
``plan_cache_mode = auto``, its default: after five runs planned for their own parameters it keeps the generic plan
when it is costed no higher than their average). Some of our parameters are skewed: the province's subtree holds
40,163 organisations, a county's a few hundred, and a generic plan is costed for the average, five. Crawling 1,336
pages of the generated province as 21 users with generic plans *forced*, the bureaus in the province's subtree
took 95-126 ms (an index walk of all 40,163 closure rows) against 1-5 ms planned for the province; the audit log's
page 1.8 s against 1.5 ms (a ``LIMIT`` the generic plan cannot see); and an early crawl under ``auto`` saw a case
page at 61-63 ms against 7-8.5. So until December 2026 every run was planned afresh (``force_custom_plan``), which
cost the case page 2.3 ms of PostgreSQL's CPU a request against 0.8 under ``auto``, a transition 5.3 against 3.3.

Now the skewed values are written into the statement's text (`skewed_key`: an organisation's id in the closure
table, an organisation's kind, the office in the articles' visibility, intake and ledger statements: the generated
province's largest office holds 60 % of its articles), so each is a statement of its own whose plans are made for
it alone, and the connections run under ``auto``. Crawling 1,066 pages of the generated province as 15 users and the public, eight
rounds on one connection, twice each way alternating: PostgreSQL's CPU 2.84 / 2.84 s a round under
``force_custom_plan``, 2.38 / 2.55 under ``auto``; no page slower than the run-to-run noise (the worst differed
from run to run, by 2-4 ms on 10-25 ms pages). Connections also set ``jit = off`` (`SETTINGS`, sent with the
connection's startup, no extra statement).

A bound ``LIMIT`` kept the list pages planned afresh: a generic plan is costed as if an unknown limit read a tenth
of the rows, above any plan made for a page of 21, so ``auto`` never kept one. The pagers write a page's size and
offset into the statement (`page_bound`, December 2026). The same crawl, twice each way: the bureaus' worklists
and case lists and an office's article search faster (by 0.5-2 ms a page where they moved), a reviewer's case
list slower (its cursor pages 11-13 → 13-15 ms: the plan made for the page reads the listing index backwards,
where the kept one did better), everything else within the noise; `make bench` on PostgreSQL: the API's case
lists −17 %, the province's case list −15 %, a city's supervised tab −10 %.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

import sqlalchemy as sa
from flask import Flask

from webapp.core.extensions import db

log = logging.getLogger(__name__)

#: what each connection sets at its startup (see above), unless the deployment's URL sets it in ``options``
SETTINGS = {
    # PostgreSQL's default, said here so a server's own setting does not change it: a prepared statement may keep
    # a generic plan; the values that would make one wrong are written into the statement (`skewed_key`)
    "plan_cache_mode": "auto",
    # no JIT compilation: the planner turns it on for any statement it costs above 100,000, which our list counts
    # over a province office's 359,620 articles are; compiling took 183 ms of a 497 ms search, and the office's
    # article search went from 850 to 510 ms without it (the ledger's reads, 3.8 and 3.6 s, do not gain from it)
    "jit": "off",
}
#: a statement that reads, after any comments: a SELECT, or a WITH unless it holds a write (`_WRITES`)
_READ_ONLY = re.compile(r"\s*(?:/\*.*?\*/\s*|--[^\n]*\n\s*)*(SELECT|WITH)\b", re.IGNORECASE | re.DOTALL)
#: what a data-modifying CTE needs, once a row lock (``FOR UPDATE``, ``FOR NO KEY UPDATE``) is taken out; a
#: column or a literal that merely contains the word marks the transaction too, which only costs the commit
_WRITES = re.compile(r"\b(?:INSERT|UPDATE|DELETE|MERGE)\b", re.IGNORECASE)
_ROW_LOCKS = re.compile(r"\bFOR\s+(?:NO\s+KEY\s+)?UPDATE\b", re.IGNORECASE)
#: what keeps a read's effect until its transaction ends: row locks, transaction-level advisory locks, settings
_HELD_TO_THE_END = re.compile(
    r"\bFOR\s+(?:NO\s+KEY\s+UPDATE|UPDATE|KEY\s+SHARE|SHARE)\b|_xact_lock\s*\(|\bset_config\s*\(",
    re.IGNORECASE,
)
#: libpq's PQTRANS_IDLE (``psycopg.pq.TransactionStatus.IDLE``): no transaction open on the connection
_IDLE = 0
#: set on the connection's ``info`` from its transaction's first statement that is not `_READ_ONLY` to its end
WROTE = "kaoping_wrote"


def skewed_key(value: Any) -> sa.BindParameter[Any]:
    """``value`` written into the statement's text instead of bound, where the rows it selects are unevenly spread
    (the province's subtree holds 40,163 organisations, a county's a few hundred; 120 of them are bureaus; the
    generated province's largest office holds 60 % of its articles): each value is then a statement of its own,
    prepared and planned for itself, and a plan made for one value is never reused for another (see "Plans"
    above). Only for values of a small, closed set (an organisation's id, an office's, a kind): every value is one
    more statement in each connection's cache. SQLAlchemy renders it as a quoted literal of the column's type."""
    return sa.bindparam(None, value, literal_execute=True)


def page_bound(count: int) -> sa.BindParameter[int]:
    """A list page's ``LIMIT`` or ``OFFSET`` written into the statement's text instead of bound (see "Plans"
    above). PostgreSQL costs a generic plan for an unknown limit or offset as if it read a tenth of the rows,
    above any plan made for a page of 21, so under ``auto`` every list page was planned afresh at every run:
    the province's case list (page 1,000, found from its anchor) 1.37 ms of PostgreSQL's CPU a run, of which
    planning ~1 ms; written in, the generic plan is costed for the page and kept, 0.40 ms (prepared, 300 runs
    each). A page's size comes from a small set (20, 21, 1-101 through the API); an offset from page numbers,
    each one statement more in the connection's cache, which psycopg prepares only after five runs."""
    return sa.bindparam(None, int(count), type_=sa.Integer, literal_execute=True)


def in_constants(column: Any, values: Iterable[str]) -> sa.ColumnElement[bool]:
    """``column IN ('a', 'b', …)`` with the values in the statement's text instead of bound: a bound list is
    expanded into one parameter per value, each rendered with its cast, at every run of the statement (the
    eleven request settings' keys were a tenth of the Python of the statement every signed-in request starts
    with). Only for the code's own constants, which are checked: lower-case letters, digits and underscores."""
    listed = tuple(values)
    if not listed or not all(_CONSTANT.fullmatch(value) for value in listed):
        raise ValueError(f"not a list of the code's constants: {listed!r}")
    return column.in_([sa.literal_column(f"'{value}'", sa.String) for value in listed])


_CONSTANT = re.compile(r"[a-z][a-z0-9_]*")


@lru_cache(maxsize=512)
def needs_transaction(statement: str) -> bool:
    """Must ``statement`` run inside a transaction? Anything but a read (`_READ_ONLY`, a ``WITH`` holding no write),
    and a read that takes a lock the transaction's end releases (``FOR UPDATE`` / ``SHARE``, an ``_xact_lock``
    advisory lock) or sets a value until then (``set_config``). Remembered per statement: the search reads the
    whole text (the case page's main statement is 4.5 KB; unremembered, an event's six cost 0.3 ms under the
    profiler, more than the round trips saved), and SQLAlchemy hands over the same
    few hundred statements again and again (512 kept, about as many as SQLAlchemy's own cache of compiled
    statements, 500; a list's pages each write their offset into the statement, so the set is not closed)."""
    return may_write(statement) or _HELD_TO_THE_END.search(statement) is not None


@lru_cache(maxsize=512)
def may_write(statement: str) -> bool:
    """Anything but a ``SELECT``, or a ``WITH`` that holds a write (a data-modifying CTE). Remembered per statement,
    as `needs_transaction`."""
    read = _READ_ONLY.match(statement)
    return read is None or (
        read.group(1).upper() == "WITH" and _WRITES.search(_ROW_LOCKS.sub("", statement)) is not None
    )


def begin_when_needed(conn: sa.Connection, cursor: Any, statement: str, *_args: Any) -> None:
    """``before_cursor_execute``: reads run outside a transaction, in psycopg's autocommit mode, and the first
    statement that needs one (`needs_transaction`) begins it: psycopg sends ``BEGIN`` before that statement, and
    everything after it runs in the transaction until its COMMIT or ROLLBACK. A read on a connection with no
    transaction open goes back to autocommit (psycopg refuses the switch inside a transaction, and none is open
    then). A read streamed through a server-side cursor runs in a transaction too. A connection given an isolation
    level of its own (``execution_options(isolation_level=…)``, e.g. AUTOCOMMIT for a ``VACUUM``) is SQLAlchemy's
    to manage and left alone."""
    if "isolation_level" in conn.get_execution_options():
        return
    connection = cursor.connection
    # a server-side cursor (``yield_per``, ``stream_results``: psycopg's named cursor) is a DECLARE, which
    # PostgreSQL allows only inside a transaction
    if needs_transaction(statement) or getattr(cursor, "name", None) is not None:
        if connection.autocommit:
            connection.autocommit = False
    elif not connection.autocommit and connection.pgconn.transaction_status == _IDLE:
        connection.autocommit = True


def note_writes(conn: sa.Connection, _cursor: Any, statement: str, *_args: Any) -> None:
    """``before_cursor_execute``: remember that this transaction sent a statement that may have written."""
    if not conn.info.get(WROTE) and may_write(statement):
        conn.info[WROTE] = True


def forget_writes(conn: sa.Connection) -> None:
    """``begin``, ``commit`` and ``rollback``: a new transaction has written nothing yet. A connection the server
    closed under a request is rolled back by the session's close with nothing behind it: its ``info`` cannot be
    read then (SQLAlchemy raises), and the connection that replaces it starts with an empty one."""
    if not conn.invalidated:
        conn.info.pop(WROTE, None)


def end_read_transaction(exc: BaseException | None) -> None:
    """Commit the session's open transaction if it wrote nothing (see above); otherwise leave it to the close."""
    if exc is not None or not db.session.registry.has():
        return
    session = db.session()
    if not session.in_transaction() or session.new or session.dirty or session.deleted:
        return
    try:
        connection = session.connection()
        driver = connection.connection.dbapi_connection
        if driver is not None and driver.pgconn.transaction_status == _IDLE:
            return  # only reads, each outside a transaction (`begin_when_needed`): nothing to end
        if connection.info.get(WROTE):
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
        if "isolation_level" not in app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}):
            # a deployment that chose an isolation level (REPEATABLE READ…) keeps its reads inside transactions
            sa.event.listen(engine, "before_cursor_execute", begin_when_needed)
        for ended in ("begin", "commit", "rollback"):
            sa.event.listen(engine, ended, forget_writes)
    app.teardown_appcontext(end_read_transaction)
