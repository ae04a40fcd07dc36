"""Dates of the procedure (ARC-3.2, ARC-10.1.1, ARC-10.1.2, ARC-10.3.2, ARC-10.5.3, ARC-10.5.6, ARC-11.2, GAP-3, GAP-10, GAP-21)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from workflow import calendar


def test_notice_counts_seven_calendar_days_including_publication(hubei):
    """GAP-10 / Example C: published 2023-06-05 → last day 2023-06-11 → close and review from 2023-06-12."""
    assert calendar.notice_last_day(hubei, date(2023, 6, 5)) == date(2023, 6, 11)
    assert calendar.notice_may_close_on(hubei, date(2023, 6, 5)) == date(2023, 6, 12)
    assert not calendar.notice_elapsed(hubei, date(2023, 6, 5), date(2023, 6, 11))
    assert calendar.notice_elapsed(hubei, date(2023, 6, 5), date(2023, 6, 12))


def test_calendar_functions_accept_the_calendar_settings_alone(hubei):
    assert calendar.notice_may_close_on(hubei.calendar, date(2023, 6, 5)) == date(2023, 6, 12)


@pytest.mark.parametrize(
    ("valid_from", "valid_to"),
    [
        (date(2021, 5, 10), date(2024, 5, 9)),  # Example B
        (date(2020, 9, 1), date(2023, 8, 31)),  # Example D
        (date(2019, 12, 1), date(2022, 11, 30)),  # Example E
        (date(2023, 10, 16), date(2026, 10, 15)),  # Example B, 一级
        (date(2020, 2, 29), date(2023, 2, 28)),  # leap day: anniversary 1 March, valid through 28 February
        (date(2021, 3, 1), date(2024, 2, 29)),  # ends on a leap day
    ],
)
def test_validity_ends_the_day_before_the_third_anniversary(hubei, valid_from, valid_to):
    """ARC-10.5.6, GAP-3."""
    assert calendar.validity_end(hubei, valid_from) == valid_to


def test_recheck_year_is_the_expiry_year(hubei):
    """ARC-11.2, Example B: valid through 2024-05-09 → recheck applied for in 2024."""
    assert calendar.recheck_year(hubei, date(2024, 5, 9)) == 2024


def test_promotion_is_possible_one_year_after_the_certificate(hubei):
    """ARC-3.2, Example B: certificate 2021-05-10 → eligible from 2022-05-10."""
    assert calendar.promotion_eligible_from(hubei, date(2021, 5, 10)) == date(2022, 5, 10)
    assert calendar.promotion_eligible_from(hubei, date(2020, 2, 29)) == date(2021, 3, 1)


def test_forwarding_deadline_is_the_end_of_the_first_quarter(hubei):
    """ARC-10.1.2, Example C: by 2023-03-31."""
    assert calendar.forwarding_deadline(hubei, 2023) == date(2023, 3, 31)


def test_summary_is_due_before_twenty_december(hubei):
    """ARC-10.5.3 「12月20日前」: strictly before, so 19 December is the last day in time."""
    assert calendar.summary_deadline(hubei, 2022) == date(2022, 12, 19)
    inclusive = replace(hubei, calendar=replace(hubei.calendar, summary_due_day_inclusive=True))
    assert calendar.summary_deadline(inclusive, 2022) == date(2022, 12, 20)


@pytest.mark.parametrize(
    ("day", "inside"),
    [
        (date(2024, 1, 1), True),
        (date(2024, 3, 31), True),
        (date(2024, 4, 1), False),
        (date(2023, 12, 31), False),
    ],
)
def test_application_window_is_the_first_quarter_by_default(hubei, day, inside):
    """ARC-10.1.1 「年初」, our interpretation: 01-01…03-31."""
    assert calendar.in_application_window(hubei, day) is inside


def test_application_window_can_be_switched_off(hubei):
    relaxed = replace(hubei, calendar=replace(hubei.calendar, enforce_application_window=False))
    assert calendar.in_application_window(relaxed, date(2024, 8, 1))


def test_incident_window_is_the_24_months_ending_on_the_application_date(hubei):
    """GAP-21 / Example F: applying 2024-01-10 → window 2022-01-10…2024-01-10; clean from 2024-08-16."""
    assert calendar.incident_window_start(hubei, date(2024, 1, 10)) == date(2022, 1, 10)
    assert calendar.incidents_in_window(hubei, (date(2022, 8, 15),), date(2024, 1, 10)) == [date(2022, 8, 15)]
    assert calendar.incident_free_from(hubei, date(2022, 8, 15)) == date(2024, 8, 16)
    assert calendar.incidents_in_window(hubei, (date(2022, 8, 15),), date(2024, 8, 16)) == []


def test_incident_free_from_agrees_with_the_window_at_month_ends(hubei):
    for incident in (date(2022, 2, 28), date(2022, 3, 31), date(2023, 2, 28)):
        free = calendar.incident_free_from(hubei, incident)
        assert calendar.incidents_in_window(hubei, (incident,), free) == []
        assert calendar.incidents_in_window(hubei, (incident,), free - calendar.ONE_DAY) == [incident]


def test_the_test_province_counts_its_own_days(testprov):
    """5 days not counting publication, 4-year validity, 2-year wait, 12-month window, 02-28 leap rule."""
    assert calendar.notice_last_day(testprov, date(2030, 3, 1)) == date(2030, 3, 6)
    assert calendar.notice_may_close_on(testprov, date(2030, 3, 1)) == date(2030, 3, 7)
    assert calendar.validity_end(testprov, date(2030, 5, 10)) == date(2034, 5, 9)
    assert calendar.validity_end(testprov, date(2028, 2, 29)) == date(2032, 2, 28)
    assert calendar.promotion_eligible_from(testprov, date(2028, 2, 29)) == date(2030, 2, 28)
    assert calendar.summary_deadline(testprov, 2030) == date(2030, 11, 30)
    assert calendar.incident_window_start(testprov, date(2030, 6, 1)) == date(2029, 6, 1)
    assert not calendar.in_application_window(testprov, date(2030, 1, 15))
