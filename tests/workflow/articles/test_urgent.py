"""Timers of urgent information (PUB-2.3, ZG-4.10, INF-3.7) and the worklist's waiting limits, to the minute."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from workflow.articles.urgent import (
    UrgentClock,
    first_report_due,
    first_report_was_late,
    next_followup_due,
    timer,
    waiting_overdue_before,
    working_days_between,
)

EVENT = datetime(2027, 1, 5, 8, 0, tzinfo=UTC)
MINUTE = timedelta(minutes=1)


def test_the_first_report_is_due_the_configured_minutes_after_the_event_pub_2_3() -> None:
    assert first_report_due(EVENT, 60) == datetime(2027, 1, 5, 9, 0, tzinfo=UTC)
    with pytest.raises(ValueError):
        first_report_due(EVENT, 0)


def test_a_follow_up_is_due_the_configured_minutes_after_the_previous_report_pub_2_3() -> None:
    assert next_followup_due(EVENT, 240) == datetime(2027, 1, 5, 12, 0, tzinfo=UTC)
    with pytest.raises(ValueError):
        next_followup_due(EVENT, -1)


def test_a_report_at_the_due_minute_is_in_time_and_one_minute_later_is_late_zg_4_10() -> None:
    due = first_report_due(EVENT, 60)
    assert timer(due, due, due).status == "on_time"
    late = timer(due, due + MINUTE, due + MINUTE)
    assert late.status == "late" and late.label == "迟报" and late.late_by == MINUTE
    assert timer(due, due - MINUTE, due).late_by is None


def test_an_unreported_timer_runs_until_the_due_minute_and_is_overdue_after_it() -> None:
    due = first_report_due(EVENT, 60)
    assert timer(due, None, due).status == "running"
    assert timer(due, None, due + MINUTE).status == "overdue"
    assert timer(due, None, due - 10 * MINUTE).remaining(due - 10 * MINUTE) == 10 * MINUTE
    assert timer(due, None, due + MINUTE).remaining(due + MINUTE) == -MINUTE


def _clock(**kwargs: object) -> UrgentClock:
    return UrgentClock(first_due=first_report_due(EVENT, 60), followup_minutes=240, **kwargs)  # type: ignore[arg-type]


def test_until_the_first_report_the_running_timer_is_the_first_reports() -> None:
    clock = _clock()
    assert clock.next_due == EVENT + 60 * MINUTE
    assert clock.current(EVENT + 59 * MINUTE).status == "running"  # type: ignore[union-attr]
    assert clock.current(EVENT + 61 * MINUTE).status == "overdue"  # type: ignore[union-attr]


def test_the_first_report_starts_the_follow_up_timer_from_its_arrival_pub_2_3() -> None:
    arrival = EVENT + 45 * MINUTE
    clock, answered = _clock().report(arrival)
    assert answered.kind == "first" and answered.timer is not None and answered.timer.status == "on_time"
    assert clock.first_report_at == arrival and clock.next_due == arrival + 240 * MINUTE
    assert not first_report_was_late(clock)


def test_a_late_first_report_is_offered_as_late_reporting_zg_4_10() -> None:
    clock, answered = _clock().report(EVENT + 61 * MINUTE)
    assert answered.timer is not None and answered.timer.status == "late"
    assert first_report_was_late(clock)
    on_the_minute, _ = _clock().report(EVENT + 60 * MINUTE)
    assert not first_report_was_late(on_the_minute)


def test_each_follow_up_is_timed_from_the_previous_report_to_the_minute() -> None:
    clock, _ = _clock().report(EVENT + 30 * MINUTE)  # first report at 08:30, follow-up due 12:30
    clock, second = clock.report(EVENT + 270 * MINUTE)  # 12:30 exactly: in time
    assert second.kind == "followup" and second.timer is not None and second.timer.status == "on_time"
    assert clock.next_due == EVENT + 510 * MINUTE  # 16:30
    clock, third = clock.report(EVENT + 511 * MINUTE)  # 16:31: one minute late
    assert third.timer is not None and third.timer.status == "late" and third.timer.late_by == MINUTE
    assert clock.first_report_at == EVENT + 30 * MINUTE and clock.last_report_at == EVENT + 511 * MINUTE


def test_a_closed_event_awaits_nothing_and_a_later_follow_up_answers_no_timer() -> None:
    clock, _ = _clock().report(EVENT + 30 * MINUTE)
    closed = UrgentClock(
        clock.first_due, 240, clock.first_report_at, clock.last_report_at, closed_at=EVENT + 120 * MINUTE
    )
    assert closed.next_due is None and closed.current(EVENT + 1000 * MINUTE) is None
    _, late_news = closed.report(EVENT + 300 * MINUTE)
    assert late_news.kind == "followup" and late_news.timer is None


def test_closed_without_a_first_report_the_first_timer_shows_the_omission_only_if_it_was_due() -> None:
    omitted = _clock(closed_at=EVENT + 61 * MINUTE)
    assert omitted.first_timer(EVENT + 5000 * MINUTE).status == "overdue"
    ended = _clock(closed_at=EVENT + 59 * MINUTE)
    assert ended.first_timer(EVENT + 5000 * MINUTE).status == "closed"
    # the first report still answers the first-report timer after closing (it was due all the same)
    _, answered = omitted.report(EVENT + 90 * MINUTE)
    assert answered.kind == "first" and answered.timer is not None and answered.timer.status == "late"


def test_working_days_count_monday_to_friday() -> None:
    friday, monday = date(2027, 1, 8), date(2027, 1, 11)
    assert working_days_between(friday, monday) == 1  # Sat, Sun not counted
    assert working_days_between(friday, friday) == 0
    assert working_days_between(monday, friday) == 0
    assert working_days_between(date(2027, 1, 4), date(2027, 1, 18)) == 10


@pytest.mark.parametrize("days", [0, 1, 2, 3, 5, 9])
@pytest.mark.parametrize("today", [date(2027, 1, 4) + timedelta(days=n) for n in range(7)])
def test_a_wait_is_overdue_exactly_when_more_than_the_working_days_passed(today: date, days: int) -> None:
    cutoff = waiting_overdue_before(today, days)
    for back in range(0, 20):
        start = today - timedelta(days=back)
        assert (start < cutoff) == (working_days_between(start, today) > days), (start, today, days)


def test_a_leaders_sign_off_waiting_since_monday_is_overdue_on_thursday_not_wednesday_zg_6_1() -> None:
    monday = date(2027, 1, 4)
    assert not monday < waiting_overdue_before(date(2027, 1, 6), 2)
    assert monday < waiting_overdue_before(date(2027, 1, 7), 2)
