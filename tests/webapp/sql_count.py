"""Count the SQL statements a block issues: the proof that a page issues the same few statements whatever the
size of the data (issue 12: ≤ 15 per page, the same at demo and province size)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import Flask

from webapp.core.extensions import db
from webapp.core.services.kept import PREFIX as KEPT_PREFIX


@dataclass
class Statements:
    count: int = 0
    sql: list[str] = field(default_factory=list)
    #: transactions begun on the engine inside the block
    transactions: int = 0


@contextmanager
def count_statements(app: Flask, *, cold: bool = False) -> Iterator[Statements]:
    """The statements sent inside the block. ``cold``: what the app keeps per process under a revision (a
    bureau's counts, a ledger, a standing: `webapp.core.services.kept`) is dropped first, so the count is the
    page's worst case, not one that depends on what an earlier request left."""
    seen = Statements()
    if cold:
        for name in [name for name in app.extensions if name.startswith(KEPT_PREFIX)]:
            del app.extensions[name]

    def listener(conn, cursor, statement, parameters, context, executemany) -> None:  # noqa: ANN001
        seen.count += 1
        seen.sql.append(statement)

    def began(conn) -> None:  # noqa: ANN001
        seen.transactions += 1

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", listener)
    sa.event.listen(engine, "begin", began)
    try:
        yield seen
    finally:
        sa.event.remove(engine, "before_cursor_execute", listener)
        sa.event.remove(engine, "begin", began)
