"""Urgent information (紧急信息, PUB-2.3, ZG-4.10) through the services: registered by the unit with its first report
or by the office for a unit, timers moved when a report reaches the office, the 迟报 suggestion, closing."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from tests.webapp.articles.conftest import World
from webapp.articles.models import Article, UrgentEvent
from webapp.articles.services import articles, incidents, urgent
from webapp.articles.services.errors import Refused
from webapp.core.extensions import db
from webapp.core.services.audit import trail_of
from webapp.core.services.errors import Conflict, InvalidInput, NotFound

DAY = date(2027, 1, 5)
#: 2027-01-05 10:00 in Beijing
EVENT_AT = datetime(2027, 1, 5, 2, 0, tzinfo=UTC)
NOW = EVENT_AT + timedelta(minutes=10)
MINUTE = timedelta(minutes=1)


def _register(world: World, **kwargs: object) -> tuple[UrgentEvent, Article]:
    values: dict[str, object] = {
        "office_id": world.office.id, "title": "甲县某镇发生山体滑坡", "occurred_at": EVENT_AT,
        "report_title": "甲县某镇山体滑坡首报", "report_body": "上午10时许，某村发生山体滑坡……", "now": NOW,
    }  # fmt: skip
    values.update(kwargs)
    return urgent.register_by_unit(world.officer_a, **values)  # type: ignore[arg-type]


def _reach_office(world: World, article_id: int, at: datetime) -> None:
    articles.fire(world.officer_a, article_id, "submit", today=DAY, now=at)
    articles.fire(world.signer_a, article_id, "sign_off", today=DAY, now=at)


def _follow_up(world: World, event: UrgentEvent, at: datetime) -> int:
    article = articles.create_draft(
        world.officer_a, office_id=world.office.id, title="山体滑坡续报", body="续报正文", kind="urgent",
        urgent_event_id=event.id, today=DAY,
    )  # fmt: skip
    _reach_office(world, article.id, at)
    return article.id


def test_a_unit_registers_an_event_with_its_first_report_as_a_draft_pub_2_3(world: World) -> None:
    event, report = _register(world)
    assert (report.kind, report.urgent_event_id, report.state) == ("urgent", event.id, "draft")
    # the office's first-report time (60 minutes) runs from when the event happened, not from registering
    assert event.first_due_at == EVENT_AT + 60 * MINUTE == event.next_due_at
    assert event.followup_minutes == world.office.followup_minutes
    [row] = trail_of("urgent_event", event.id)
    assert row.rule_id == "PUB-2.3" and "2027-01-05 11:00" in row.comment


def test_a_bad_first_report_leaves_no_event_behind(world: World) -> None:
    before = db.session.scalar(db.select(db.func.count(UrgentEvent.id)))
    with pytest.raises(InvalidInput) as error:
        _register(world, report_title="   ")
    assert error.value.field == "report_title"
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count(UrgentEvent.id))) == before


@pytest.mark.parametrize(
    ("occurred", "ok"),
    [(NOW, True), (NOW + MINUTE, False), (NOW - timedelta(days=30), True), (NOW - timedelta(days=30, minutes=1), False)],
)  # fmt: skip
def test_an_event_happened_not_in_the_future_and_at_most_30_days_ago(
    world: World, occurred: datetime, ok: bool
) -> None:
    if ok:
        assert _register(world, occurred_at=occurred)[0].occurred_at == occurred
    else:
        with pytest.raises(InvalidInput) as error:
            _register(world, occurred_at=occurred)
        assert error.value.field == "occurred_at"


def test_a_time_typed_without_an_offset_is_beijing_time(world: World) -> None:
    event, _ = _register(world, occurred_at=datetime(2027, 1, 5, 10, 0))
    assert event.occurred_at == EVENT_AT


def test_the_first_report_counts_when_signed_off_and_a_late_one_is_offered_as_late_zg_4_10(
    world: World,
) -> None:
    event, report = _register(world)
    _reach_office(world, report.id, EVENT_AT + 61 * MINUTE)
    db.session.refresh(event)
    assert event.first_report_at == EVENT_AT + 61 * MINUTE
    assert event.next_due_at == EVENT_AT + (61 + 240) * MINUTE
    arrived = trail_of("urgent_event", event.id)[-1]
    assert (
        arrived.event == "report_arrived"
        and arrived.rule_id == "ZG-4.10"
        and "迟于时限1分钟" in arrived.comment
    )
    assert urgent.is_late_suggested(event)
    assert [e.id for e in urgent.late_suggestions(world.office, page=1).items] == [event.id]
    assert urgent.first_report(event).id == report.id  # type: ignore[union-attr]


def test_a_first_report_on_the_due_minute_is_in_time_and_suggests_nothing(world: World) -> None:
    event, report = _register(world)
    _reach_office(world, report.id, EVENT_AT + 60 * MINUTE)
    db.session.refresh(event)
    assert "按时" in trail_of("urgent_event", event.id)[-1].comment
    assert not urgent.is_late_suggested(event)


def test_each_follow_up_runs_from_the_previous_report_and_a_resent_report_is_no_new_one(world: World) -> None:
    event, report = _register(world)
    _reach_office(world, report.id, EVENT_AT + 30 * MINUTE)
    follow = _follow_up(world, event, EVENT_AT + 300 * MINUTE)  # due 240 minutes after the first: 30 late
    db.session.refresh(event)
    assert event.last_report_at == EVENT_AT + 300 * MINUTE and event.next_due_at == EVENT_AT + 540 * MINUTE
    assert "第1次续报" in trail_of("urgent_event", event.id)[-1].comment
    assert "迟于时限30分钟" in trail_of("urgent_event", event.id)[-1].comment
    # the office returns the follow-up; signed off again it reached the office before: not a new report
    articles.fire(world.editor, follow, "office_return", reason="请补充伤亡人数", today=DAY)
    articles.fire(world.officer_a, follow, "resubmit", answer="已补充伤亡人数", today=DAY)
    articles.fire(world.signer_a, follow, "sign_off", today=DAY, now=EVENT_AT + 600 * MINUTE)
    db.session.refresh(event)
    assert event.next_due_at == EVENT_AT + 540 * MINUTE
    assert [r.event for r in trail_of("urgent_event", event.id)].count("report_arrived") == 2


def test_the_office_registers_an_event_for_a_unit_and_only_they_see_it(world: World) -> None:
    event = urgent.register_by_office(
        world.editor, unit_id=world.unit_b.id, title="乙区某企业发生火灾", occurred_at=EVENT_AT, now=NOW
    )
    assert event.unit_id == world.unit_b.id and event.next_due_at == EVENT_AT + 60 * MINUTE
    assert urgent.load(world.officer_b, event.id) is not None
    for stranger in (world.officer_a, world.signer_a, world.upper_editor, world.outsider, world.reader):
        with pytest.raises(NotFound):
            urgent.load(stranger, event.id)
    with pytest.raises(InvalidInput) as error:
        urgent.register_by_office(world.editor, unit_id=world.outsider.organisation_id, title="某某事件",
                                  occurred_at=EVENT_AT, now=NOW)  # fmt: skip
    assert error.value.field == "unit_id"
    with pytest.raises(Refused):
        urgent.register_by_office(world.officer_a, unit_id=world.unit_a.id, title="某某事件",
                                  occurred_at=EVENT_AT, now=NOW)  # fmt: skip
    # the unit's officer writes the first report on it
    report = articles.create_draft(
        world.officer_b,
        office_id=world.office.id,
        title="火灾首报",
        body="正文",
        urgent_event_id=event.id,
        today=DAY,
    )
    assert report.kind == "urgent"


def test_a_unit_cannot_register_at_an_office_it_does_not_write_to(world: World) -> None:
    with pytest.raises(Refused) as refused:
        _register(world, office_id=world.upper.id)
    assert refused.value.status == 403 and "PUB-2.3" in refused.value.message


def test_the_office_closes_an_event_and_nothing_is_awaited_after(world: World) -> None:
    event, _ = _register(world)
    with pytest.raises(Refused):
        urgent.close(world.officer_a, event.id)
    urgent.close(world.editor, event.id, note="事态已平息", now=NOW + 30 * MINUTE)
    db.session.refresh(event)
    assert event.next_due_at is None and event.closed_at == NOW + 30 * MINUTE
    with pytest.raises(Conflict):
        urgent.close(world.editor, event.id)
    row = urgent.row(event, NOW + 1000 * MINUTE)
    assert row.current is None and row.first.status == "closed"
    assert [e.id for e in urgent.board(world.office, page=1).items] == []
    assert [e.id for e in urgent.board(world.office, page=1, closed=True).items] == [event.id]


def test_the_board_lists_open_events_soonest_due_first_with_overdue_flagged(world: World) -> None:
    late, _ = _register(world, occurred_at=NOW - 120 * MINUTE, title="较早发生的事件")
    soon, _ = _register(world, title="刚刚发生的事件")
    rows = [urgent.row(e, NOW) for e in urgent.board(world.office, page=1).items]
    assert [r.event.id for r in rows] == [late.id, soon.id]
    assert rows[0].overdue and rows[0].remaining_seconds == -60 * 60
    assert not rows[1].overdue and rows[1].remaining_seconds == 50 * 60


def test_dismissing_a_late_suggestion_needs_a_reason_and_recording_it_also_clears_it(world: World) -> None:
    first, report = _register(world)
    _reach_office(world, report.id, EVENT_AT + 90 * MINUTE)
    with pytest.raises(InvalidInput):
        urgent.dismiss_late(world.editor, first.id, reason="")
    urgent.dismiss_late(world.editor, first.id, reason="已于10时30分电话报告")
    assert not urgent.is_late_suggested(first)
    with pytest.raises(Conflict):
        urgent.dismiss_late(world.editor, first.id, reason="再说一次理由")
    second, report2 = _register(world, title="另一起紧急事件")
    _reach_office(world, report2.id, EVENT_AT + 90 * MINUTE)
    incidents.create(
        world.editor, kind="late", article_id=report2.id, occurred_on=DAY, note="首报迟30分钟", today=DAY
    )
    assert not urgent.is_late_suggested(second)
