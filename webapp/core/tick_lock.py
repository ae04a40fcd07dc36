"""One `kaoping tick` at a time, however many hosts run the timer: a lock held for the whole run.

PostgreSQL: a session-level advisory lock (``pg_try_advisory_lock``) on a connection of its own, kept for the run
and released at its end — or by the server the moment the process dies, so a crashed run never blocks the next.
Advisory locks are scoped to the database, so two deployments on one server do not block each other.

SQLite: an exclusive ``fcntl.flock`` on ``<database file>.tick.lock`` next to the database (every host that can
write the database file sees the same lock file; the kernel drops the lock when the process dies). The lock file
is left in place: removing it while another process holds it open would let a third run lock a new file.

Neither waits: a run that finds the lock taken is told so at once and does nothing (the caller reports
``{"skipped": …}``), so a slow run never piles up timers behind it.
"""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa

from webapp.core.extensions import db

#: The advisory-lock key of the tick ("kaoping!" as a big-endian 64-bit integer): fixed, so every host agrees.
ADVISORY_KEY = 7737588163395086113


@contextmanager
def tick_lock() -> Iterator[bool]:
    """Hold the tick lock for the block: yields True when this run has it, False when another run holds it."""
    engine = db.engine
    backend = engine.url.get_backend_name()
    if backend == "postgresql":
        with _advisory_lock(engine) as held:
            yield held
    elif backend == "sqlite":
        database = engine.url.database
        if not database or database == ":memory:" or database.startswith("file:"):
            yield True  # a private in-memory database: no other process can reach it
            return
        with _file_lock(Path(f"{database}.tick.lock")) as held:
            yield held
    else:  # pragma: no cover - the app supports SQLite and PostgreSQL
        raise RuntimeError(f"unsupported database {backend!r}")


@contextmanager
def _advisory_lock(engine: sa.Engine) -> Iterator[bool]:
    connection = engine.connect()
    try:
        held = bool(
            connection.execute(sa.text("SELECT pg_try_advisory_lock(:key)"), {"key": ADVISORY_KEY}).scalar()
        )
        connection.commit()  # the lock belongs to the session, not to this transaction
        try:
            yield held
        finally:
            if held:
                connection.execute(sa.text("SELECT pg_advisory_unlock(:key)"), {"key": ADVISORY_KEY})
                connection.commit()
    except BaseException:
        # a pooled connection must never go back to the pool still holding the lock
        connection.invalidate()
        raise
    finally:
        connection.close()


@contextmanager
def _file_lock(path: Path) -> Iterator[bool]:
    with path.open("a") as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
