"""Column types shared by the models."""

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa


class UTCDateTime(sa.types.TypeDecorator[datetime]):
    """A timestamp stored in UTC and always read back timezone-aware (UTC).

    SQLite keeps no offset, PostgreSQL ``timestamptz`` does; this type makes both behave the same. Display code
    converts to Asia/Shanghai (``webapp.clock.local``).
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column; use webapp.clock.now()")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def utcnow() -> datetime:
    """Wall-clock UTC for technical timestamps (row created/updated).

    Business times (audit events, uploads, decisions) come from ``webapp.clock.now()``, which honours the demo
    date; a column default must not query the database, so it cannot use that clock.
    """
    return datetime.now(UTC)
