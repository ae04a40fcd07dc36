"""Timers of urgent information (紧急信息, PUB-2.3, ZG-4.10, INF-3.7): the first report (首报) is due a configured
time after the event, each follow-up (续报) a configured time after the previous report, until the office closes
the event. Pure: the times come in.

Also the waiting limits of the article worklist (a leader's sign-off, a unit's answer to a return), counted in
working days; the regulations name none, so these are our defaults (docs/articles-requests.md).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

#: How a timer stands: reported in time, reported late, still running, or past due with nothing reported.
TIMER_LABELS = {
    "on_time": "按时报送",
    "late": "迟报",
    "running": "计时中",
    "overdue": "已超时未报",
    "closed": "已结束",
}
#: Which report a timer is for.
REPORT_KIND_LABELS = {"first": "首报", "followup": "续报"}


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

    @property
    def late_by(self) -> timedelta | None:
        """How long after ``due`` a late report arrived (None unless late)."""
        if self.status != "late" or self.reported_at is None:
            return None
        return self.reported_at - self.due


def timer(due: datetime, reported_at: datetime | None, now: datetime) -> Timer:
    """How a report due at ``due`` stands at ``now``, given when it was reported (if it was). A report arriving
    at the due minute itself is in time; one a moment later is late."""
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


@dataclass(frozen=True)
class ReportTimed:
    """A report that reached the office: which timer it answered and how (None: it came after the office closed
    the event, when no follow-up was due any more)."""

    kind: str
    timer: Timer | None


@dataclass(frozen=True)
class UrgentClock:
    """Where one urgent event's timers stand: what is stored about it, nothing more.

    ``first_report_at`` / ``last_report_at``: when the first and the latest report reached the office;
    ``closed_at``: when the office closed the event (no follow-up is due after it).
    """

    first_due: datetime
    followup_minutes: int
    first_report_at: datetime | None = None
    last_report_at: datetime | None = None
    closed_at: datetime | None = None

    @property
    def next_due(self) -> datetime | None:
        """When the report awaited now is due: the first report until it arrives, then the next follow-up;
        None once the event is closed (nothing is awaited any more)."""
        if self.closed_at is not None:
            return None
        if self.last_report_at is None:
            return self.first_due
        return next_followup_due(self.last_report_at, self.followup_minutes)

    def first_timer(self, now: datetime) -> Timer:
        """The first report's timer. Closed before a first report came: overdue when it was already past due at
        closing (the first report was omitted), else ended."""
        if self.first_report_at is not None:
            return timer(self.first_due, self.first_report_at, now)
        if self.closed_at is not None:
            return Timer(self.first_due, None, "overdue" if self.closed_at > self.first_due else "closed")
        return timer(self.first_due, None, now)

    def current(self, now: datetime) -> Timer | None:
        """The timer running now (first report or next follow-up; running or overdue), None once closed."""
        due = self.next_due
        return None if due is None else timer(due, None, now)

    def report(self, arrival: datetime) -> tuple[UrgentClock, ReportTimed]:
        """A report reached the office at ``arrival``: the clock after it and the timer it answered. The first
        report answers the first-report timer even after closing (it was due all the same); a follow-up after
        closing answers none."""
        if self.first_report_at is None:
            answered = ReportTimed("first", timer(self.first_due, arrival, arrival))
            return replace(self, first_report_at=arrival, last_report_at=arrival), answered
        due = self.next_due
        answered = ReportTimed("followup", None if due is None else timer(due, arrival, arrival))
        latest = max(self.last_report_at or arrival, arrival)
        return replace(self, last_report_at=latest), answered


def first_report_was_late(clock: UrgentClock) -> bool:
    """The first report arrived after its due time: the office is offered to record 迟报 (ZG-4.10), never
    automatically."""
    return clock.first_report_at is not None and clock.first_report_at > clock.first_due


# -- waiting limits of the worklist (no rule names them: our defaults, docs/articles-requests.md) --------------

#: A leader in charge signs off (ZG-6.1) within this many working days before the worklist flags it overdue.
SIGNOFF_WORKING_DAYS = 2
#: A unit answers a return (退改) within this many working days before the worklist flags it overdue.
RETURN_ANSWER_WORKING_DAYS = 3


def is_working_day(day: date) -> bool:
    """Monday to Friday. The regulations name no holiday calendar; public holidays count as working days."""
    return day.weekday() < 5


def working_days_between(start: date, end: date) -> int:
    """Working days in (``start``, ``end``]: how many working days something waiting since ``start`` has
    waited by ``end`` (0 when ``end`` is not after ``start``)."""
    if end <= start:
        return 0
    days = (end - start).days
    full_weeks, rest = divmod(days, 7)
    count = full_weeks * 5
    for offset in range(1, rest + 1):
        if is_working_day(start + timedelta(days=offset + full_weeks * 7)):
            count += 1
    return count


def waiting_overdue_before(today: date, working_days: int) -> date:
    """The day before which a wait that started is overdue on ``today``: waiting since a day ``d`` is overdue
    exactly when ``d < waiting_overdue_before(today, n)``, i.e. more than ``n`` working days have passed."""
    if working_days < 0:
        raise ValueError("working_days must not be negative")
    day, counted = today, 0
    while counted < working_days + 1:
        if is_working_day(day):
            counted += 1
        day -= timedelta(days=1)
    return day + timedelta(days=1)


def days_left(due_on: date, today: date) -> int:
    """Calendar days until a deadline day (0: due today, negative: past it)."""
    return (due_on - today).days
