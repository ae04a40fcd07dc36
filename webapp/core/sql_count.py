"""Counting SQL statements per request for the bench (`make bench`, issue 12): with ``KAOPING_SQL_COUNT`` set, every
response carries ``X-SQL-Statements: <n>``, the statements the request sent to the database.

A page must issue the same few statements whatever the data size; the bench reads this header on the demo and
on the generated province and reports both. Registered by `create_app` only when the flag is set, so a normal
deployment pays nothing for it (no listener on the engine, no header).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Flask, g, has_request_context
from werkzeug.wrappers import Response

from webapp.core.extensions import db

HEADER = "X-SQL-Statements"
_KEY = "kaoping_sql_statements"


def _count(*_args: Any, **_kwargs: Any) -> None:
    # a statement outside a request (the CLI, a test's setup) belongs to nobody's page
    if has_request_context():
        setattr(g, _KEY, getattr(g, _KEY, 0) + 1)


def statements_so_far() -> int:
    """Statements the current request has sent so far (0 outside a request or before the first)."""
    return int(getattr(g, _KEY, 0)) if has_request_context() else 0


def init_app(app: Flask) -> None:
    """Listen on the app's engine (created on first use inside an app context) and stamp every response."""
    with app.app_context():
        engine = db.engine
    if not sa.event.contains(engine, "before_cursor_execute", _count):
        sa.event.listen(engine, "before_cursor_execute", _count)

    @app.after_request
    def _stamp(response: Response) -> Response:
        response.headers[HEADER] = str(statements_so_far())
        return response


def enabled(value: Any) -> bool:
    """The flag's truthiness as an environment variable spells it (``1``, ``true``, ``yes``, ``on``)."""
    if isinstance(value, bool):
        return value
    return str(value or "").strip().lower() in {"1", "true", "yes", "on"}
