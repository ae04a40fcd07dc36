"""SQLite: write-ahead logging (issue 12).

In SQLite's default rollback-journal mode a commit needs the whole database to itself: it waits until no other
connection is reading, and while it writes (the journal, the file, two syncs) nobody may read. Under gunicorn's
two workers every reader and every writer then keep stepping back and retrying. In WAL mode readers never wait
for the writer nor the writer for readers, and a commit appends to the ``-wal`` file with one sync (``synchronous``
stays FULL: a committed transaction survives a power cut). On the bench's province the API transition (8 clients,
2 workers, 200 requests) went from p50 79 / 80 / 78 and p99 109 / 115 / 109 ms to p50 68 / 77 / 43 and p99 91 /
103 / 62 in three interleaved rounds.

The mode is stored in the database file, so it is set on every connection (a no-op once set). It needs a local
file system (not NFS), and the database is then its ``.sqlite3`` file *and* the ``-wal`` and ``-shm`` files beside
it while the app runs: back up with ``kaoping backup`` (SQLite's online backup API) or with the app stopped
(docs/operations.md). An in-memory database has no journal to change.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Flask

from webapp.core.extensions import db


def _write_ahead(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
    finally:
        cursor.close()


def init_app(app: Flask) -> None:
    """After ``db.init_app``: every new connection to a SQLite file database turns WAL on."""
    with app.app_context():
        engine = db.engine
    database = engine.url.database
    if (
        engine.dialect.name != "sqlite"
        or not database
        or database == ":memory:"
        or database.startswith("file:")
    ):
        return
    if not sa.event.contains(engine, "connect", _write_ahead):
        sa.event.listen(engine, "connect", _write_ahead)
