"""Column types shared by the models."""

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa


class UTCDateTime(sa.types.TypeDecorator[datetime]):
    """A timestamp stored in UTC and always read back timezone-aware (UTC).

    SQLite keeps no offset, PostgreSQL ``timestamptz`` does; this type makes both behave the same. Display code
    converts to Asia/Shanghai (``webapp.core.clock.local``).
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column; use webapp.core.clock.now()")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def app_now() -> datetime:
    """Column default for created/updated stamps: the application's clock (`webapp.core.clock.now`), so under a demo
    date (KAOPING_TODAY or the admin's 演示日期) a row is never stamped on the machine's date instead.

    `webapp.core.clock` reads the demo offset from the database once per request and caches it; its ``before_flush``
    hook fills that cache before any row is written, so this default never queries in the middle of a flush.
    """
    from webapp.core import (
        clock,  # clock imports the models (its setting row): import when called, not at load
    )

    return clock.now()
