"""Dates of the procedure: notice periods, validity, recheck year, yearly deadlines, windows.

Every function takes the ruleset (or just its `CalendarSettings`) first, so no number of days or date of the
year is written here. Dates are plain `date`s, already in the ruleset's time zone (the web layer converts).
"""

from __future__ import annotations

import calendar as _gregorian
from datetime import date, timedelta

from workflow.ruleset import CalendarSettings, MonthDay, Ruleset

ONE_DAY = timedelta(days=1)


def shift(start: date, delta: timedelta) -> date:
    """``start + delta``, saturating at `date.min` / `date.max` instead of raising OverflowError.

    Dates typed by people are range-checked before they are stored (see `workflow.grading`), but a page must
    never fail on a stored value: a notice starting on 9999-12-31 simply never ends (its last day is date.max).
    """
    try:
        return start + delta
    except OverflowError:
        return date.max if delta > timedelta(0) else date.min


def settings_of(rules: Ruleset | CalendarSettings) -> CalendarSettings:
    return rules.calendar if isinstance(rules, Ruleset) else rules


def add_years(rules: Ruleset | CalendarSettings, start: date, years: int) -> date:
    """The anniversary `years` after `start`; 29 Feb lands on the ruleset's `leap_day_anniversary` in common years."""
    year = start.year + years
    if year > date.max.year:  # saturate (see `shift`): a stored far-future date must not break a page
        return date.max
    if year < date.min.year:
        return date.min
    try:
        return start.replace(year=year)
    except ValueError:  # 29 February into a common year
        month, day = settings_of(rules).leap_day_anniversary
        return date(year, month, day)


def add_months(start: date, months: int) -> date:
    """Same day `months` later (or earlier); clamped to the month's last day when it has no such day."""
    index = start.year * 12 + start.month - 1 + months
    year, month = divmod(index, 12)
    if year > date.max.year:  # saturate (see `shift`)
        return date.max
    if year < date.min.year:
        return date.min
    last = _gregorian.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(start.day, last))


def _on(year: int, month_day: MonthDay) -> date:
    return date(year, *month_day)


# -- public notice (ARC-10.3.2, GAP-10) -------------------------------------------------------------------------


def notice_last_day(rules: Ruleset | CalendarSettings, start: date) -> date:
    """Last day the notice must still run: with the publication day counted, 2023-06-05 + 7 days → 2023-06-11."""
    settings = settings_of(rules)
    days = settings.notice_days - 1 if settings.notice_counts_publication_day else settings.notice_days
    return shift(start, timedelta(days=days))


def notice_may_close_on(rules: Ruleset | CalendarSettings, start: date) -> date:
    """First day the notice may be closed and the review held (2023-06-05 → 2023-06-12)."""
    return shift(notice_last_day(rules, start), ONE_DAY)


def notice_elapsed(rules: Ruleset | CalendarSettings, start: date, on: date) -> bool:
    return on >= notice_may_close_on(rules, start)


# -- validity, recheck, promotion (ARC-10.5.6, ARC-11.2, ARC-3.2, GAP-3) --------------------------------------


def validity_end(rules: Ruleset | CalendarSettings, valid_from: date) -> date:
    """Last valid day: the day before the n-th anniversary (2021-05-10 → 2024-05-09, GAP-3)."""
    anniversary = add_years(rules, valid_from, settings_of(rules).validity_years)
    # past the calendar's end the certificate simply never expires (see `shift`)
    return date.max if anniversary == date.max else anniversary - ONE_DAY


def recheck_year(rules: Ruleset | CalendarSettings, valid_to: date) -> int:
    """The calendar year the recheck must be applied for: the year the certificate expires (ARC-11.2)."""
    return valid_to.year


def promotion_eligible_from(rules: Ruleset | CalendarSettings, valid_from: date) -> date:
    """First day an organ may seek the next level: the certificate's anniversary after the wait (ARC-3.2)."""
    return add_years(rules, valid_from, settings_of(rules).promotion_wait_years)


# -- yearly dates (ARC-10.1.1, ARC-10.1.2, ARC-10.5.3) -----------------------------------------------------------


def application_window(rules: Ruleset | CalendarSettings, year: int) -> tuple[date, date]:
    """First and last day (inclusive) of the year's application window, our reading of 「年初」."""
    start, end = settings_of(rules).application_window
    return _on(year, start), _on(year, end)


def in_application_window(rules: Ruleset | CalendarSettings, on: date) -> bool:
    """Whether `on` is inside the application window; always True when the ruleset does not enforce it."""
    if not settings_of(rules).enforce_application_window:
        return True
    start, end = application_window(rules, on.year)
    return start <= on <= end


def forwarding_deadline(rules: Ruleset | CalendarSettings, year: int) -> date:
    """Last day the city bureau may forward 特级 applications to the province (Q1: 31 March, ARC-10.1.2)."""
    return _on(year, settings_of(rules).forwarding_last_day)


def summary_deadline(rules: Ruleset | CalendarSettings, year: int) -> date:
    """Last day the yearly approvals summary is in time: 「12月20日前」 read as strictly before → 19 December."""
    settings = settings_of(rules)
    due = _on(year, settings.summary_due_before)
    return due if settings.summary_due_day_inclusive else shift(due, -ONE_DAY)


# -- security incidents (ARC-5.5, GAP-21) -----------------------------------------------------------------------


def incident_window_start(rules: Ruleset | CalendarSettings, on: date) -> date:
    """First day of the incident window that ends on `on` (24 months: 2024-01-10 → 2022-01-10)."""
    return add_months(on, -settings_of(rules).incident_window_months)


def incidents_in_window(
    rules: Ruleset | CalendarSettings, incidents: tuple[date, ...], on: date
) -> list[date]:
    start = incident_window_start(rules, on)
    return sorted(incident for incident in incidents if start <= incident <= on)


def incident_free_from(rules: Ruleset | CalendarSettings, incident: date) -> date:
    """First day whose incident window no longer contains `incident` (2022-08-15 → 2024-08-16)."""
    day = add_months(incident, settings_of(rules).incident_window_months)
    # Month-end clamping can make the window a day or two longer than the plain anniversary; step past it.
    while incident_window_start(rules, day) <= incident and day < date.max:
        day += ONE_DAY
    return day
