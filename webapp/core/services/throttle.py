"""Counting attempts and locking: the login lock (5 failures in 15 minutes lock the account and the address for
15 minutes) and the rate limits of the public objection form are both a `Limit` and calls to `hit`.

A window is fixed, not sliding: it starts at the first attempt and lasts ``Limit.window``; an attempt after it
starts a new window at 1. When the count reaches ``Limit.limit`` and the limit locks, the key is locked until
``now + Limit.lock``. Every function takes ``now`` (the caller passes ``clock.now()``) and none commits: the
caller's transaction carries the count, and a refused login commits it on purpose.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from webapp.core.extensions import db
from webapp.core.models.throttle import Throttle

KEY_LENGTH = 128


@dataclass(frozen=True)
class Limit:
    scope: str
    #: attempts allowed in one window (the one that reaches it locks, when ``lock`` is set)
    limit: int
    window: timedelta
    #: how long reaching the limit locks the key; None: a rate limit that only counts
    lock: timedelta | None = None

    def __post_init__(self) -> None:
        if (
            self.limit < 1
            or self.window <= timedelta(0)
            or (self.lock is not None and self.lock <= timedelta(0))
        ):
            raise ValueError(f"a limit needs a positive count, window and lock: {self}")


@dataclass(frozen=True)
class Hit:
    #: attempts in the current window, this one included
    count: int
    #: set when the key is locked (by this attempt or before)
    locked_until: datetime | None

    def locked(self, now: datetime) -> bool:
        return self.locked_until is not None and self.locked_until > now


def _key(key: str | int) -> str:
    return str(key)[:KEY_LENGTH]


def hit(limit: Limit, key: str | int, *, now: datetime) -> Hit:
    """One attempt by ``key``: one atomic INSERT … ON CONFLICT DO UPDATE (no lost update between workers)."""
    table = Throttle.__table__
    insert = (postgresql.insert if db.engine.dialect.name == "postgresql" else sqlite.insert)(table)
    expired = table.c.window_started_at <= now - limit.window
    count = sa.case((expired, 1), else_=table.c.count + 1)
    still_locked = sa.and_(table.c.locked_until.is_not(None), table.c.locked_until > now)
    lock_until = now + limit.lock if limit.lock is not None else None
    whens: list[tuple[sa.ColumnElement[bool], sa.ColumnElement[datetime | None]]] = [
        (still_locked, table.c.locked_until)
    ]
    if lock_until is not None:  # a lock runs from the attempt that reaches the limit
        whens.append((count >= limit.limit, sa.literal(lock_until, Throttle.locked_until.type)))
    locked = sa.case(*whens, else_=sa.null())
    statement = insert.values(
        scope=limit.scope,
        key=_key(key),
        count=1,
        window_started_at=now,
        last_at=now,
        locked_until=lock_until if limit.limit <= 1 else None,
    ).on_conflict_do_update(
        index_elements=[table.c.scope, table.c.key],
        set_={
            "count": count,
            "window_started_at": sa.case((expired, now), else_=table.c.window_started_at),
            "last_at": now,
            "locked_until": locked,
        },
    )
    db.session.execute(statement)
    row = db.session.execute(
        sa.select(Throttle.count, Throttle.locked_until).where(
            Throttle.scope == limit.scope, Throttle.key == _key(key)
        )
    ).one()
    return Hit(row.count, row.locked_until)


def _row(scope: str, key: str | int) -> Throttle | None:
    return db.session.get(Throttle, (scope, _key(key)))


def locked_until(limit: Limit, key: str | int, *, now: datetime) -> datetime | None:
    """When the key's lock ends, or None if it is not locked now."""
    row = _row(limit.scope, key)
    if row is None or row.locked_until is None or row.locked_until <= now:
        return None
    return row.locked_until


def count(limit: Limit, key: str | int, *, now: datetime) -> int:
    """Attempts in the key's current window (0 once the window has passed)."""
    row = _row(limit.scope, key)
    if row is None or row.window_started_at <= now - limit.window:
        return 0
    return row.count


def clear(scope: str, key: str | int) -> None:
    """Forget the key's attempts and lock (a successful login clears its account's failures)."""
    db.session.execute(sa.delete(Throttle).where(Throttle.scope == scope, Throttle.key == _key(key)))


def lift(scope: str, key: str | int) -> bool:
    """The security administrator lifts a lock: True if there was one to lift."""
    result = db.session.execute(
        sa.delete(Throttle).where(
            Throttle.scope == scope, Throttle.key == _key(key), Throttle.locked_until.is_not(None)
        )
    )
    return bool(result.rowcount)


def active_locks(scopes: Iterable[str], *, now: datetime, limit: int = 200) -> list[Throttle]:
    """Locks in force in ``scopes``, the longest-lasting first (at most ``limit``)."""
    return list(
        db.session.scalars(
            sa.select(Throttle)
            .where(Throttle.scope.in_(list(scopes)), Throttle.locked_until > now)
            .order_by(Throttle.locked_until.desc(), Throttle.scope, Throttle.key)
            .limit(limit)
        )
    )


def forget_expired(*, now: datetime, older_than: timedelta) -> int:
    """Rows neither locked nor touched for ``older_than`` (the daily tick keeps the table small)."""
    result = db.session.execute(
        sa.delete(Throttle).where(
            Throttle.last_at < now - older_than,
            sa.or_(Throttle.locked_until.is_(None), Throttle.locked_until <= now),
        )
    )
    return int(result.rowcount or 0)
