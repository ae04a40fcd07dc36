"""The one clock. Dates are in Asia/Shanghai; timestamps are stored in UTC.

``today()`` is ``KAOPING_TODAY`` when set (demos, tests), else the real date in Asia/Shanghai, plus — only where
``DEMO_CLOCK_ENABLED`` (development, testing; never production) — a demo offset in days kept in the database
and moved from the admin page 「演示日期」, so a demo user can let the 7-day notice elapse.

Every date and timestamp the application stamps comes from here: business dates from `today()`, timestamps
(audit rows, uploads, and the created/updated columns through `webapp.core.models.types.app_now`) from `now()`.
The only exception is `wall_now()`, the machine's clock, kept for security expiry (API tokens), which a demo
date must not stretch or cut short. No other module calls ``datetime.now``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app, g, has_app_context
from sqlalchemy.orm import Session

from config.settings import parse_today
from webapp.core.models.setting import forget_request_settings, request_settings

SHANGHAI = ZoneInfo("Asia/Shanghai")
#: SettingKV key of the demo offset in days
DEMO_OFFSET_KEY = "demo_clock_offset_days"


def _fixed_today() -> date | None:
    if not has_app_context():
        return None
    return parse_today(current_app.config.get("KAOPING_TODAY"))


def demo_clock_enabled() -> bool:
    return has_app_context() and bool(current_app.config.get("DEMO_CLOCK_ENABLED"))


def demo_offset_days() -> int:
    """Days the admin moved the demo clock forward (0 when disabled or unset); cached per request."""
    if not demo_clock_enabled():
        return 0
    if "kaoping_demo_offset" in g:
        return int(g.kaoping_demo_offset)
    raw = request_settings().get(DEMO_OFFSET_KEY)  # one statement with the ruleset selection
    try:
        offset = int(raw) if raw is not None else 0
    except ValueError:
        offset = 0
    g.kaoping_demo_offset = offset
    return offset


def forget_cached_offset() -> None:
    """Call after changing the offset within a request."""
    if has_app_context():
        g.pop("kaoping_demo_offset", None)
        forget_request_settings()


@sa.event.listens_for(Session, "before_flush")
def _cache_offset_before_flush(session: Session, flush_context: object, instances: object) -> None:
    """Read the demo offset before rows are written, so the timestamp column defaults (`now()`) find it cached
    instead of querying in the middle of the flush (queries are safe here: nothing has been written yet)."""
    if demo_clock_enabled() and "kaoping_demo_offset" not in g:
        demo_offset_days()


def wall_now() -> datetime:
    """The machine's clock (UTC), for security expiry only (API tokens): a demo date must not extend them."""
    return datetime.now(UTC)


def real_today() -> date:
    return datetime.now(SHANGHAI).date()


@contextmanager
def as_of(day: date) -> Iterator[None]:
    """Run a step as of ``day`` (demo data only): business dates, audit rows and timestamps get that date, as if
    ``KAOPING_TODAY`` were set, with no demo offset. The demos of every feature use this one."""
    config = current_app.config
    saved_today, saved_offset = config.get("KAOPING_TODAY"), g.get("kaoping_demo_offset")
    config["KAOPING_TODAY"] = day.isoformat()
    g.kaoping_demo_offset = 0
    try:
        yield
    finally:
        config["KAOPING_TODAY"] = saved_today
        if saved_offset is None:
            g.pop("kaoping_demo_offset", None)
        else:
            g.kaoping_demo_offset = saved_offset


def base_today() -> date:
    """Today before the demo offset: KAOPING_TODAY or the real date."""
    return _fixed_today() or real_today()


def today() -> date:
    return base_today() + timedelta(days=demo_offset_days())


def is_fixed() -> bool:
    """True when "today" is not the real date (KAOPING_TODAY set or demo offset non-zero)."""
    return _fixed_today() is not None or demo_offset_days() != 0


def now() -> datetime:
    """Current instant, timezone-aware UTC. On a fixed/shifted date, the date part (in Shanghai) is ``today()``
    and the time of day is the real one, so events keep their order."""
    real = datetime.now(SHANGHAI)
    day = today()
    if day == real.date():
        return real.astimezone(UTC)
    return datetime.combine(day, real.timetz()).astimezone(UTC)


def local(moment: datetime | None) -> datetime | None:
    """A stored timestamp in Asia/Shanghai for display."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(SHANGHAI)
