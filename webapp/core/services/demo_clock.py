"""Moving the demo clock (development and testing only; production refuses)."""

from __future__ import annotations

from datetime import date, timedelta

from flask import current_app

from webapp.core import clock
from webapp.core.extensions import db
from webapp.core.models import SettingKV, User
from webapp.core.services import transaction
from webapp.core.services.audit import SETTINGS_SUBJECT, record_admin_change
from webapp.core.services.errors import ServiceError

MAX_OFFSET_DAYS = 3 * 366


def set_demo_offset(days: int, *, actor: User | None = None) -> date:
    """Set the offset in days from the base date; returns the new effective today. Audited: the demo date
    decides every deadline, so who moved it and when is part of the record."""
    if not current_app.config.get("DEMO_CLOCK_ENABLED"):
        raise ServiceError("演示日期仅在开发、测试环境可用。", code="forbidden")
    if not -MAX_OFFSET_DAYS <= days <= MAX_OFFSET_DAYS:
        raise ServiceError(f"偏移天数须在 ±{MAX_OFFSET_DAYS} 天之内。", field="days")
    with transaction():
        row = db.session.get(SettingKV, clock.DEMO_OFFSET_KEY)
        before = int(row.value) if row is not None and row.value.lstrip("-").isdigit() else 0
        if row is None:
            db.session.add(SettingKV(key=clock.DEMO_OFFSET_KEY, value=str(days)))
        else:
            row.value = str(days)
        base = clock.base_today()
        record_admin_change(
            *SETTINGS_SUBJECT,
            "demo_clock_set",
            actor=actor,
            comment=f"演示日期：{base + timedelta(days=before)} → {base + timedelta(days=days)}",
        )
    clock.forget_cached_offset()
    return clock.today()


def advance_demo_clock(days: int, *, actor: User | None = None) -> date:
    if days <= 0:
        raise ServiceError("请填写要前进的天数（正整数）。", field="days")
    return set_demo_offset(clock.demo_offset_days() + days, actor=actor)


def reset_demo_clock(*, actor: User | None = None) -> date:
    return set_demo_offset(0, actor=actor)
