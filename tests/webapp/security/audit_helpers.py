"""What a test does to play an attacker with write access to the database (not to the audit key or files)."""

from __future__ import annotations

from webapp.core.extensions import db
from webapp.core.models.audit import append_only_statements


def drop_append_only_triggers() -> None:
    """Drop the triggers that refuse UPDATE/DELETE of audit rows, in the current transaction, as an attacker
    owning the database could; the ORM's own refusal is bypassed by writing Core/raw SQL."""
    connection = db.session.connection()
    for statement in append_only_statements(connection.dialect.name, drop=True):
        connection.exec_driver_sql(statement)
