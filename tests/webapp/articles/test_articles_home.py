"""The article feature's lines on the home page and its overdue count: counts per person (sign-off waiting, returns
unanswered, commissions near their deadline and missed, urgent timers, the office's intake), with overdue per our
defaults (docs/articles-requests.md), in a fixed number of SQL statements whatever the data size."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import sqlalchemy as sa
from flask import url_for

from tests.factories import TEST_PASSWORD
from tests.webapp.articles.conftest import World
from webapp.articles import home
from webapp.articles.services import articles, commissions, instructions, urgent
from webapp.articles.services.adoptions import AdoptionInput
from webapp.articles.services.instructions import FollowUpInput
from webapp.core.extensions import db
from webapp.core.feature import WorkArea
from webapp.core.models import User

MONDAY = date(2027, 1, 4)
TUESDAY, WEDNESDAY, THURSDAY = (MONDAY + timedelta(days=n) for n in (1, 2, 3))
#: Tuesday 2027-01-05 10:00 in Beijing
EVENT_AT = datetime(2027, 1, 5, 2, 0, tzinfo=UTC)


@contextmanager
def counting() -> Iterator[SimpleNamespace]:
    counted = SimpleNamespace(n=0)

    def count(*args: object) -> None:
        counted.n += 1

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield counted
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)


def _lines(user: User, today: date, now: datetime = EVENT_AT) -> dict[str, WorkArea]:
    return {area.title: area for area in home.worklist(user, today, now=now)}


def _article(
    world: World, *, to: str, on: date, officer: User | None = None, signer: User | None = None
) -> int:
    officer, signer = officer or world.officer_a, signer or world.signer_a
    article = articles.create_draft(officer, office_id=world.office.id, title="标题", body="正文", today=on)
    if to in ("awaiting_signoff", "returned", "submitted"):
        articles.fire(officer, article.id, "submit", today=on)
    if to == "returned":
        articles.fire(signer, article.id, "leader_return", reason="请补充数据来源", today=on)
    if to == "submitted":
        articles.fire(signer, article.id, "sign_off", today=on)
    return article.id


def test_a_leaders_sign_off_is_overdue_after_two_working_days_zg_6_1(world: World) -> None:
    _article(world, to="awaiting_signoff", on=MONDAY)
    line = _lines(world.signer_a, WEDNESDAY)["待审阅稿件"]
    assert (line.count, line.overdue) == (1, 0)
    line = _lines(world.signer_a, THURSDAY)["待审阅稿件"]
    assert (line.count, line.overdue) == (1, 1)
    assert home.overdue_count(world.signer_a, THURSDAY, now=EVENT_AT) == 1
    assert "待审阅稿件" not in _lines(world.officer_a, THURSDAY)  # an officer does not sign off


def test_a_return_unanswered_for_more_than_three_working_days_is_overdue(world: World) -> None:
    _article(world, to="returned", on=MONDAY)
    assert _lines(world.officer_a, THURSDAY)["退改待修改"].overdue == 0
    line = _lines(world.officer_a, MONDAY + timedelta(days=4))  # Friday: Tue, Wed, Thu, Fri
    assert (line["退改待修改"].count, line["退改待修改"].overdue) == (1, 1)
    assert _lines(world.officer_b, THURSDAY)["退改待修改"].count == 0  # another unit's return


def test_commissions_near_their_deadline_and_missed_show_in_the_units_line_inf_3_10(world: World) -> None:
    for due in (TUESDAY + timedelta(days=2), TUESDAY + timedelta(days=10), TUESDAY):
        commissions.create(world.editor, topic=f"约稿{due}", detail="", due_on=due, important=False,
                           unit_ids=[world.unit_a.id], today=TUESDAY)  # fmt: skip
    line = _lines(world.officer_a, TUESDAY)["约稿任务"]
    # warning days 2: due today and in two days are near; none overdue yet
    assert (line.count, line.overdue) == (3, 0) and "其中2件临近截止" in line.description
    line = _lines(world.officer_a, WEDNESDAY)["约稿任务"]  # the one due Tuesday was missed (tick or not)
    assert (line.count, line.overdue) == (3, 1) and "逾期未报送1件" in line.description
    home.tick(WEDNESDAY)
    assert _lines(world.officer_a, WEDNESDAY)["约稿任务"].overdue == 1
    assert home.overdue_count(world.officer_a, WEDNESDAY, now=EVENT_AT) == 1
    office = _lines(world.editor, WEDNESDAY)["约稿跟踪"]
    assert office.count == 2 and "1个单位逾期未报送" in office.description
    assert _lines(world.officer_b, WEDNESDAY)["约稿任务"].count == 0


def test_urgent_timers_running_and_overdue_for_the_unit_and_the_office_pub_2_3(world: World) -> None:
    event, report = urgent.register_by_unit(
        world.officer_a, office_id=world.office.id, title="甲县某镇发生山体滑坡", occurred_at=EVENT_AT,
        report_title="首报", report_body="正文", now=EVENT_AT,
    )  # fmt: skip
    running = EVENT_AT + timedelta(minutes=60)
    assert (_lines(world.signer_a, TUESDAY, running)["紧急信息"].overdue, home.overdue_count(world.signer_a, TUESDAY, now=running)) == (0, 0)  # fmt: skip
    late = EVENT_AT + timedelta(minutes=61)
    assert _lines(world.signer_a, TUESDAY, late)["紧急信息"].overdue == 1
    board = _lines(world.editor, TUESDAY, late)["紧急信息看板"]
    assert (board.count, board.overdue) == (1, 1)
    assert home.overdue_count(world.editor, TUESDAY, now=late) == 1
    articles.fire(world.officer_a, report.id, "submit", today=TUESDAY)
    articles.fire(world.signer_a, report.id, "sign_off", today=TUESDAY, now=late)
    lines = _lines(world.editor, TUESDAY, late)
    assert (lines["紧急信息看板"].overdue, lines["迟报待认定"].count, lines["待接收稿件"].count) == (0, 1, 1)
    urgent.close(world.editor, event.id)
    assert _lines(world.editor, TUESDAY, late + timedelta(days=1))["紧急信息看板"].count == 0


def test_people_without_article_work_get_no_lines(world: World) -> None:
    assert home.worklist(world.reader, TUESDAY, now=EVENT_AT) == []
    assert home.overdue_count(world.reader, TUESDAY, now=EVENT_AT) == 0


def _statements(user: User, today: date) -> tuple[int, int]:
    db.session.expire_all()
    with counting() as listed:
        home.worklist(user, today, now=EVENT_AT)
    db.session.expire_all()
    with counting() as badge:
        home.overdue_count(user, today, now=EVENT_AT)
    return listed.n, badge.n


def test_the_worklist_and_the_badge_issue_the_same_statements_whatever_the_data_size(world: World) -> None:
    people = (world.officer_a, world.signer_a, world.editor, world.head)
    small = {user.username: _statements(user, THURSDAY) for user in people}
    for n in range(6):
        _article(world, to=("awaiting_signoff", "returned", "submitted")[n % 3], on=MONDAY)
        _article(world, to="submitted", on=MONDAY, officer=world.officer_b, signer=world.signer_b)
        commissions.create(world.editor, topic=f"约稿{n}", detail="", due_on=TUESDAY + timedelta(days=n),
                           important=n % 2 == 0, unit_ids=[world.unit_a.id, world.unit_b.id], today=TUESDAY)  # fmt: skip
        urgent.register_by_office(world.editor, unit_id=world.unit_a.id, title=f"紧急事件{n}",
                                  occurred_at=EVENT_AT - timedelta(hours=n), now=EVENT_AT)  # fmt: skip
    large = {user.username: _statements(user, THURSDAY) for user in people}
    assert large == small
    # and the counts did grow: the statements counted, not the rows
    assert _lines(world.signer_a, THURSDAY)["待审阅稿件"].count == 2
    assert all(badge <= 8 for _, badge in large.values()), large


def _adopted(world: World, on: date) -> int:
    article_id = _article(world, to="submitted", on=on)
    articles.fire(world.editor, article_id, "receive", today=on)
    articles.fire(world.editor, article_id, "adopt", today=on,
                  adoption=AdoptionInput(world.own_publication.id, "exp", "single"))  # fmt: skip
    return article_id


def test_follow_ups_of_leaders_instructions_are_counted_for_the_unit_with_those_past_due(
    world: World,
) -> None:
    """批示落实 (INF-2.7): the publishing part's count (services.instructions.follow_ups_due) in the unit's line."""
    for due in (TUESDAY + timedelta(days=1), TUESDAY + timedelta(days=3)):
        instructions.record(
            world.editor, _adopted(world, MONDAY), leader="张三", level="city", text="此经验很好，请总结推广。",
            instructed_on=TUESDAY, follow_up=FollowUpInput(world.unit_a.id, due, "报告推广情况"), today=TUESDAY,
        )  # fmt: skip
    line = _lines(world.officer_a, THURSDAY)["批示落实"]
    assert (line.count, line.overdue) == (2, 1)
    assert home.overdue_count(world.officer_a, THURSDAY, now=EVENT_AT) == 1
    assert _lines(world.officer_b, THURSDAY)["批示落实"].count == 0


def test_every_line_links_to_a_page_that_opens(world: World, client) -> None:  # noqa: ANN001
    _article(world, to="awaiting_signoff", on=MONDAY)
    for username in ("officer-a", "signer-a", "editor", "head"):
        client.post("/auth/login", data={"username": username, "password": TEST_PASSWORD})
        home_page = client.get("/")
        assert home_page.status_code == 200
        with client.application.test_request_context():
            user = db.session.scalars(sa.select(User).where(User.username == username)).one()
            urls = {url_for(area.endpoint) for area in home.worklist(user, TUESDAY, now=EVENT_AT)}
        for url in urls:
            assert url in home_page.get_data(as_text=True)
            assert client.get(url).status_code == 200, (username, url)
        client.post("/auth/logout")
