"""Filters and globals every template can use."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import Flask
from sqlalchemy.exc import SQLAlchemyError

from webapp import clock
from webapp.models import (
    CASE_KIND_LABELS,
    CASE_STATE_COLOURS,
    CASE_STATE_LABELS,
    LEVEL_LABELS,
    ORGAN_TIER_LABELS,
    ROLE_LABELS,
)


def format_datetime(moment: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A stored UTC timestamp shown in Asia/Shanghai."""
    local = clock.local(moment)
    return local.strftime(fmt) if local else ""


def format_date(day: date | None) -> str:
    return day.isoformat() if day else ""


def clock_context() -> dict[str, Any]:
    return {
        "effective_today": clock.today(),
        "clock_is_fixed": clock.is_fixed(),
        "nav_overdue_count": _nav_overdue_count,
    }


def _nav_overdue_count() -> int:
    """Overdue work of the signed-in user for the navigation bar: one query, cached for the request."""
    from flask_login import current_user

    from webapp.services.overdue import overdue_count

    if not current_user.is_authenticated:
        return 0
    try:
        return overdue_count(current_user, clock.today())
    except SQLAlchemyError:
        # the error page of a failed request must still render: no count rather than a second failure
        return 0


def register_template_helpers(app: Flask) -> None:
    app.add_template_filter(format_datetime, "datetime_cn")
    app.add_template_filter(format_date, "date_cn")
    app.jinja_env.globals.update(
        ROLE_LABELS=ROLE_LABELS,
        CASE_STATE_LABELS=CASE_STATE_LABELS,
        CASE_STATE_COLOURS=CASE_STATE_COLOURS,
        LEVEL_LABELS=LEVEL_LABELS,
        CASE_KIND_LABELS=CASE_KIND_LABELS,
        ORGAN_TIER_LABELS=ORGAN_TIER_LABELS,
        PRODUCT_NAME="考评 · 机关档案工作目标管理等级考评系统",
    )
    app.context_processor(clock_context)
