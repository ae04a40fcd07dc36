"""The navigation bar's count of an office's urgent reports past due (PUB-2.3's 首报/续报 timers) is read with the
office on a GET (issue 12: a statement fewer on every page of its staff) and is the count a statement of its own
gives, at the same moment."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import sqlalchemy as sa
from flask import Flask, g
from flask.testing import FlaskClient

from tests.factories import TEST_PASSWORD
from tests.webapp.articles.conftest import World
from webapp.articles import home
from webapp.articles.services import permissions, urgent
from webapp.core import clock
from webapp.core.extensions import db


def _login(client: FlaskClient, username: str) -> None:
    assert (
        client.post("/auth/login", data={"username": username, "password": TEST_PASSWORD}).status_code == 302
    )


@contextmanager
def _sent(app: Flask) -> Iterator[list[str]]:
    sent: list[str] = []
    with app.app_context():
        engine = db.engine

    def note(_conn, _cursor, statement, *_args) -> None:  # noqa: ANN001
        sent.append(statement)

    sa.event.listen(engine, "before_cursor_execute", note)
    try:
        yield sent
    finally:
        sa.event.remove(engine, "before_cursor_execute", note)


def _nav_overdue(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'data-testid="nav-overdue"[^>]*>超期 (\d+)<', html)]


def test_the_office_count_comes_with_the_office_and_matches_a_count_of_its_own_pub_2_3(
    world: World, client: FlaskClient
) -> None:
    with client.application.app_context():
        now = clock.now()
        late = urgent.register_by_office(
            world.editor, unit_id=world.unit_b.id, title="乙区某企业发生火灾", occurred_at=now - timedelta(hours=2),
            now=now,
        )  # fmt: skip
        urgent.register_by_office(
            world.editor, unit_id=world.unit_a.id, title="甲县某路段交通事故", occurred_at=now, now=now
        )
        late_id = late.id
        counted = home.overdue_count(db.session.get(type(world.editor), world.editor.id), now.date(), now=now)
    assert counted == 1  # what a statement of its own counts: the fire's first report is past due
    _login(client, "editor")
    with _sent(client.application) as sent:
        html = client.get("/office/articles").get_data(as_text=True)
    assert 1 in _nav_overdue(html)
    reading_events = [s for s in sent if "article_urgent_events" in s]
    assert (
        len(reading_events) == 1 and "article_offices" in reading_events[0]
    )  # with the office, no statement more
    assert (
        client.post(f"/requests/urgent/{late_id}/close", data={"note": "已电话报告并处置完毕"}).status_code
        == 302
    )
    g.pop("kaoping_articles_overdue", None)  # kept for a request on `g`, which this test's app context shares
    assert _nav_overdue(client.get("/office/articles").get_data(as_text=True)) == []  # nothing past due now


def test_a_post_counts_with_a_statement_of_its_own_and_no_count_is_kept_from_it(
    world: World, client: FlaskClient, app: Flask
) -> None:
    """Outside a GET the office is read alone (what is read may change while the request runs)."""
    with app.test_request_context("/office/articles", method="POST"):
        office = permissions.office_of(world.editor)
        assert office is not None and office.id == world.office.id
        assert permissions.urgent_overdue_read_with_office(office) is None
    with app.test_request_context("/office/articles", method="GET"):
        office = permissions.office_of(world.editor)
        read = permissions.urgent_overdue_read_with_office(office)
        assert read is not None and read[1] == 0
