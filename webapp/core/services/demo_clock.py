"""Moving the demo clock (development and testing only; production refuses)."""

from __future__ import annotations

from datetime import date

from flask import current_app

from webapp.core import clock
from webapp.core.extensions import db
from webapp.core.models import SettingKV
from webapp.core.services import ServiceError, transaction

MAX_OFFSET_DAYS = 3 * 366


def set_demo_offset(days: int) -> date:
    """Set the offset in days from the base date; returns the new effective today."""
    if not current_app.config.get("DEMO_CLOCK_ENABLED"):
        raise ServiceError("演示日期仅在开发、测试环境可用。", code="forbidden")
    if not -MAX_OFFSET_DAYS <= days <= MAX_OFFSET_DAYS:
        raise ServiceError(f"偏移天数须在 ±{MAX_OFFSET_DAYS} 天之内。", field="days")
    with transaction():
        row = db.session.get(SettingKV, clock.DEMO_OFFSET_KEY)
        if row is None:
            db.session.add(SettingKV(key=clock.DEMO_OFFSET_KEY, value=str(days)))
        else:
            row.value = str(days)
    clock.forget_cached_offset()
    return clock.today()


def advance_demo_clock(days: int) -> date:
    if days <= 0:
        raise ServiceError("请填写要前进的天数（正整数）。", field="days")
    return set_demo_offset(clock.demo_offset_days() + days)


def reset_demo_clock() -> date:
    return set_demo_offset(0)
