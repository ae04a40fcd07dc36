"""Timers of urgent information (紧急信息, PUB-2.3, ZG-4.10, INF-3.7): the first report (首报) is due a configured
time after the event, each follow-up (续报) a configured time after the previous report, until the office closes
the event. Pure: the times come in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

#: How a timer stands: reported in time, reported late, still running, or past due with nothing reported.
TIMER_LABELS = {
    "on_time": "按时报送",
    "late": "迟报",
    "running": "计时中",
    "overdue": "已超时未报",
    "closed": "已结束",
}


@dataclass(frozen=True)
class Timer:
    due: datetime
    reported_at: datetime | None
    status: str

    def remaining(self, now: datetime) -> timedelta:
        """Time left before ``due`` (negative when past it)."""
        return self.due - now

    @property
    def label(self) -> str:
        return TIMER_LABELS[self.status]


def timer(due: datetime, reported_at: datetime | None, now: datetime) -> Timer:
    """How a report due at ``due`` stands at ``now``, given when it was reported (if it was)."""
    if reported_at is not None:
        return Timer(due, reported_at, "on_time" if reported_at <= due else "late")
    return Timer(due, None, "running" if now <= due else "overdue")


def first_report_due(occurred_at: datetime, first_report_minutes: int) -> datetime:
    """The first report (首报) is due this long after the event happened."""
    if first_report_minutes <= 0:
        raise ValueError("first_report_minutes must be positive")
    return occurred_at + timedelta(minutes=first_report_minutes)


def next_followup_due(last_report_at: datetime, followup_minutes: int) -> datetime:
    """Each follow-up (续报) is due this long after the previous report, while the event is open."""
    if followup_minutes <= 0:
        raise ValueError("followup_minutes must be positive")
    return last_report_at + timedelta(minutes=followup_minutes)
