"""Is it overdue, and by how many days: the notice left open, a step waiting too long, the yearly summary late.

Pure: every limit comes from the ruleset (`Ruleset.deadlines`, `Ruleset.calendar`), "today" is an argument.
The web layer turns the same limits into SQL cut-offs (`wait_cutoffs`, `notice_cutoff`) so a page can count
overdue cases in one query, and calls `case_overdue` per row to say by how much.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from workflow import calendar
from workflow.ruleset import Ruleset

#: Kinds of lateness, for the UI's words.
NOTICE_NOT_CLOSED = "notice_not_closed"
NOT_FORWARDED = "not_forwarded"
WAITING = "waiting"
SUMMARY_LATE = "summary_late"


@dataclass(frozen=True)
class Overdue:
    """Something due by ``due`` (the last day in time) and still not done ``days`` days later."""

    kind: str
    due: date
    days: int
    rule: str


def days_past(due: date, today: date) -> int:
    """Days ``today`` lies after ``due`` (the last day in time); 0 while still in time."""
    return max(0, (today - due).days)


def _overdue(kind: str, due: date, today: date, rule: str) -> Overdue | None:
    days = days_past(due, today)
    return Overdue(kind, due, days, rule) if days > 0 else None


def notice_close_due(rules: Ruleset, notice_start: date) -> date:
    """Last day the organizer is in time to close the notice: its last day plus the ruleset's grace."""
    return calendar.shift(
        calendar.notice_last_day(rules, notice_start), timedelta(days=rules.deadlines.notice_close_days)
    )


def case_overdue(
    rules: Ruleset,
    *,
    state: str,
    state_since: date | None,
    notice_start: date | None,
    applied_on: date | None,
    awaits_forwarding: bool,
    today: date,
) -> Overdue | None:
    """Why a case is late in its current state, or None.

    - in notice: past the notice's last day plus ``notice_close_days`` and not closed (ARC-10.3.2);
    - applied and still to be forwarded to the province: past the Q1 forwarding deadline (ARC-10.1.2);
    - any state with a wait in the ruleset: more than ``days`` days since it entered the state.
    """
    if state == "in_notice" and notice_start is not None:
        return _overdue(
            NOTICE_NOT_CLOSED, notice_close_due(rules, notice_start), today, rules.citations["notice_period"]
        )
    if state == "applied" and awaits_forwarding and applied_on is not None:
        due = calendar.forwarding_deadline(rules, applied_on.year)
        return _overdue(NOT_FORWARDED, due, today, rules.citations["forwarding"])
    wait = rules.deadlines.waits.get(state)
    if wait is None or state_since is None:
        return None
    return _overdue(WAITING, calendar.shift(state_since, timedelta(days=wait.days)), today, wait.rule)


def summary_overdue(rules: Ruleset, year: int, *, submitted_on: date | None, today: date) -> Overdue | None:
    """The city's summary of ``year`` is late: not submitted after its deadline (ARC-10.5.3; 12月19日 in hubei-2011)."""
    if submitted_on is not None:
        return None
    due = calendar.summary_deadline(rules, year)
    return _overdue(SUMMARY_LATE, due, today, rules.procedure.summary_rule)


def submitted_late_by(rules: Ruleset, year: int, submitted_on: date) -> int:
    """Days a submitted summary came after its deadline (0 when in time)."""
    return days_past(calendar.summary_deadline(rules, year), submitted_on)


# -- cut-offs for counting in SQL ---------------------------------------------------------------------------


def wait_cutoffs(rules: Ruleset, today: date) -> dict[str, date]:
    """For each state with a wait: a case in it is overdue exactly when it entered the state before the cut-off."""
    return {
        state: calendar.shift(today, -timedelta(days=wait.days))
        for state, wait in rules.deadlines.waits.items()
    }


def notice_cutoff(rules: Ruleset, today: date) -> date:
    """A notice that started before this day is overdue to close today (inverse of `notice_close_due`)."""
    length = calendar.notice_last_day(rules, today) - today  # days from start to last day
    return calendar.shift(today, -(length + timedelta(days=rules.deadlines.notice_close_days)))


def forwarding_overdue_year(rules: Ruleset, today: date) -> int:
    """Cases applied in a year before this one and still unforwarded are overdue (ARC-10.1.2): the current year
    counts too once its forwarding deadline has passed."""
    due = calendar.forwarding_deadline(rules, today.year)
    return today.year + 1 if today > due else today.year
