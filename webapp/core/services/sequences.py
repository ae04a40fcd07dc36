"""Collision-free reference numbers (异议受理编号、确认函文号、证书编号): a building block that runs inside the
caller's transaction and never commits.

`next_value` increments the (series, year) row with ``UPDATE … SET value = value + 1 … RETURNING value``. The
UPDATE locks the row until the caller's transaction ends (a row lock on PostgreSQL, the database write lock on
SQLite), so a concurrent transaction waits and then reads the incremented value: no two transactions can get the
same number, and a rolled-back transaction gives its number back. Taking ``max + 1`` of the stored references
(the previous way) let two concurrent requests compute the same number, and the second insert failed.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from webapp.core.extensions import db
from webapp.core.models import Sequence


def _increment(name: str, year: int) -> int | None:
    statement = (
        sa.update(Sequence)
        .where(Sequence.name == name, Sequence.year == year)
        .values(value=Sequence.value + 1)
        .returning(Sequence.value)
        .execution_options(synchronize_session=False)
    )
    return db.session.execute(statement).scalar_one_or_none()


def _create(name: str, year: int, value: int) -> None:
    """Insert the counter unless a concurrent transaction just did (then theirs stands)."""
    dialect = db.session.get_bind().dialect.name
    row = {"name": name, "year": year, "value": value}
    if dialect == "postgresql":
        db.session.execute(postgresql.insert(Sequence).values(**row).on_conflict_do_nothing())
    elif dialect == "sqlite":
        db.session.execute(sqlite.insert(Sequence).values(**row).on_conflict_do_nothing())
    else:  # pragma: no cover - the app supports SQLite and PostgreSQL
        raise RuntimeError(f"unsupported database {dialect!r}")


def next_value(name: str, year: int, *, highest_stored: Callable[[], int]) -> int:
    """The next number of series ``name`` in ``year``, inside the caller's transaction.

    ``highest_stored`` gives the highest number already used in stored references; it seeds a counter that does
    not exist yet (a new year, or a database from before counters), so no stored reference is handed out again.
    """
    value = _increment(name, year)
    if value is None:
        _create(name, year, highest_stored())
        value = _increment(name, year)
    if value is None:  # pragma: no cover - the row exists now, inserted by us or by a concurrent transaction
        raise RuntimeError(f"sequence {name}/{year} could not be created")
    return value


def highest_number(column: sa.ColumnElement[str], prefix: str, suffix: str = "") -> int:
    """Highest ``n`` among ``column`` values ``{prefix}{n}{suffix}`` (0 when none)."""
    highest = 0
    for number in db.session.scalars(sa.select(column).where(column.startswith(prefix, autoescape=True))):
        digits = number[len(prefix) :].removesuffix(suffix)
        if digits.isdigit():
            highest = max(highest, int(digits))
    return highest
