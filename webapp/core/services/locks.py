"""Serialise two transactions that decide on the same row without changing it — e.g. "no case is running for
this organ, so open one": the check and the insert are only safe if nobody else checks in between.

`lock_row` is a building block inside the caller's transaction (never commits). PostgreSQL: ``SELECT … FOR
UPDATE`` takes the row lock; a second transaction waits there, and its next statements see what the first
committed. SQLite has no row locks and takes its write lock at the first write, so a check made before that write
could read a state another writer is about to change: a no-op ``UPDATE`` of the row takes the database's write
lock now (the second writer waits on the busy timeout), and every read after it sees the latest commit.
"""

from __future__ import annotations

import sqlalchemy as sa

from webapp.core.extensions import db


def lock_row(table: sa.Table, row_id: int) -> None:
    """Hold ``table``'s row ``row_id`` until the caller's transaction ends (see the module docstring)."""
    dialect = db.session.get_bind().dialect.name
    if dialect == "sqlite":
        statement: sa.Executable = (
            sa.update(table).where(table.c.id == row_id).values(id=table.c.id)  # changes nothing
        )
    else:
        statement = sa.select(table.c.id).where(table.c.id == row_id).with_for_update()
    db.session.execute(statement)
