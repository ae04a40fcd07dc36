"""Count the SQL statements a block issues: the proof that a page issues the same few statements whatever the
size of the data (issue 12: ≤ 15 per page, the same at demo and province size)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import Flask

from webapp.core.extensions import db


@dataclass
class Statements:
    count: int = 0
    sql: list[str] = field(default_factory=list)


@contextmanager
def count_statements(app: Flask) -> Iterator[Statements]:
    seen = Statements()

    def listener(conn, cursor, statement, parameters, context, executemany) -> None:  # noqa: ANN001
        seen.count += 1
        seen.sql.append(statement)

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", listener)
    try:
        yield seen
    finally:
        sa.event.remove(engine, "before_cursor_execute", listener)
