"""The urgent-information pages over HTTP (PUB-2.3, ZG-4.10): a unit registers an event with its first report, the
office's board shows live countdowns with overdue highlighted, the 迟报 suggestion, closing; access and input."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from flask.testing import FlaskClient

from tests.factories import TEST_PASSWORD
from tests.webapp.articles.conftest import World
from webapp.articles.models import Article, UrgentEvent
from webapp.articles.services import articles, urgent
from webapp.core import clock
from webapp.core.extensions import db

TODAY = date(2027, 1, 5)


def _login(client: FlaskClient, username: str) -> None:
    assert (
        client.post("/auth/login", data={"username": username, "password": TEST_PASSWORD}).status_code == 302
    )


def _text(response) -> str:  # noqa: ANN001
    return response.get_data(as_text=True)


def _beijing(moment: datetime) -> str:
    local = clock.local(moment)
    assert local is not None
    return local.strftime("%Y-%m-%dT%H:%M")


def _now() -> datetime:
    return datetime.combine(TODAY, datetime.now(UTC).time(), tzinfo=UTC).replace(second=0, microsecond=0)


def test_a_unit_registers_an_event_and_its_first_report_from_one_form(
    world: World, client: FlaskClient
) -> None:
    _login(client, "officer-a")
    with client.application.app_context():
        occurred = _beijing(clock.now() - timedelta(minutes=20))
    page = client.get("/requests/urgent/new")
    assert page.status_code == 200 and "首报正文" in _text(page)
    response = client.post(
        "/requests/urgent/new",
        data={"office_id": str(world.office.id), "title": "甲县某镇发生山体滑坡", "occurred_at": occurred,
              "report_title": "山体滑坡首报", "report_body": "上午发生山体滑坡……", "secrecy": "none"},
    )  # fmt: skip
    assert response.status_code == 302, _text(response)
    event = db.session.scalars(db.select(UrgentEvent)).one()
    report = db.session.scalars(db.select(Article).where(Article.urgent_event_id == event.id)).one()
    assert report.kind == "urgent" and report.state == "draft"
    shown = _text(client.get(response.headers["Location"]))
    assert "甲县某镇发生山体滑坡" in shown and "首报时限" in shown and "data-countdown" in shown
    assert f'href="/articles/new?urgent={event.id}"' in shown and f'href="/articles/{report.id}"' in shown
    unit_board = _text(client.get("/requests/urgent"))
    assert "甲县某镇发生山体滑坡" in unit_board and "剩余" in unit_board


@pytest.mark.parametrize(
    ("changes", "message", "kept"),
    [
        ({"occurred_at": "2099-01-01T10:00"}, "不能晚于现在", "2099-01-01T10:00"),
        ({"occurred_at": "2026-11-01T10:00"}, "不能早于30天前", "2026-11-01T10:00"),
        ({"occurred_at": "昨天上午"}, "发生时间", "甲县某镇发生山体滑坡"),
        ({"report_title": "  "}, "首报标题", "甲县某镇发生山体滑坡"),
        ({"office_id": "99999999999999999999"}, "报送办公室", "甲县某镇发生山体滑坡"),
        ({"title": "滑坡"}, "至少4个字", "山体滑坡首报"),
    ],
)
def test_careless_input_is_refused_beside_its_field_and_nothing_is_written(
    world: World, client: FlaskClient, changes: dict, message: str, kept: str
) -> None:
    _login(client, "officer-a")
    data = {"office_id": str(world.office.id), "title": "甲县某镇发生山体滑坡", "occurred_at": "2027-01-05T00:10",
            "report_title": "山体滑坡首报", "report_body": "正文", "secrecy": "none", **changes}  # fmt: skip
    response = client.post("/requests/urgent/new", data=data)
    assert response.status_code == 400
    assert message in _text(response) and kept in _text(response)
    assert db.session.scalar(db.select(db.func.count(UrgentEvent.id))) == 0
    assert db.session.scalar(db.select(db.func.count(Article.id))) == 0


def test_the_office_board_highlights_an_overdue_first_report_and_the_office_closes_it(
    world: World, client: FlaskClient
) -> None:
    with client.application.app_context():
        now = clock.now()
        overdue = urgent.register_by_office(
            world.editor, unit_id=world.unit_b.id, title="乙区某企业发生火灾", occurred_at=now - timedelta(hours=2),
            now=now,
        )  # fmt: skip
        running = urgent.register_by_office(
            world.editor, unit_id=world.unit_a.id, title="甲县某路段交通事故", occurred_at=now, now=now
        )
        overdue_id, running_id = overdue.id, running.id
    _login(client, "editor")
    board = _text(client.get("/requests/urgent"))
    assert board.index("乙区某企业发生火灾") < board.index("甲县某路段交通事故")  # soonest due first
    assert f'data-event-row="{overdue_id}" class="table-danger" data-overdue="yes"' in board
    assert f'data-event-row="{running_id}" class="" data-overdue="no"' in board
    assert "已超时" in board and "urgent-timers.js" in board
    response = client.post(f"/requests/urgent/{overdue_id}/close", data={"note": "已电话报告并处置完毕"})
    assert response.status_code == 302
    client.get(response.headers["Location"])  # shows the flash message
    assert f'data-event-row="{overdue_id}"' not in _text(client.get("/requests/urgent"))
    assert "乙区某企业发生火灾" in _text(client.get("/requests/urgent?tab=closed"))
    again = client.post(f"/requests/urgent/{overdue_id}/close", data={"note": ""})
    assert again.status_code == 409 and "该紧急事件已结束" in _text(again)


def test_a_late_first_report_is_offered_and_the_office_decides(world: World, client: FlaskClient) -> None:
    with client.application.app_context():
        now = clock.now()
        event, report = urgent.register_by_unit(
            world.officer_a, office_id=world.office.id, title="甲县某镇发生山体滑坡",
            occurred_at=now - timedelta(hours=3), report_title="首报", report_body="正文", now=now,
        )  # fmt: skip
        articles.fire(world.officer_a, report.id, "submit", today=TODAY, now=now)
        articles.fire(world.signer_a, report.id, "sign_off", today=TODAY, now=now)
        event_id = event.id
    _login(client, "editor")
    late_tab = _text(client.get("/requests/urgent?tab=late"))
    assert "甲县某镇发生山体滑坡" in late_tab and "记为迟报" in late_tab
    shown = _text(client.get(f"/requests/urgent/{event_id}"))
    assert 'data-testid="late-suggestion"' in shown and "ZG-4.10" in shown
    refused = client.post(f"/requests/urgent/{event_id}/dismiss-late", data={"reason": ""})
    assert refused.status_code == 400
    done = client.post(
        f"/requests/urgent/{event_id}/dismiss-late", data={"reason": "已于发生后半小时电话报告"}
    )
    assert done.status_code == 302
    assert "甲县某镇发生山体滑坡" not in _text(client.get("/requests/urgent?tab=late"))
    assert "不认定迟报" in _text(client.get(f"/requests/urgent/{event_id}"))


def test_units_see_only_their_events_and_may_not_close_them(world: World, client: FlaskClient) -> None:
    with client.application.app_context():
        now = clock.now()
        event = urgent.register_by_office(
            world.editor, unit_id=world.unit_a.id, title="甲县某路段交通事故", occurred_at=now, now=now
        )
        event_id = event.id
    _login(client, "officer-b")
    assert client.get(f"/requests/urgent/{event_id}").status_code == 404
    assert "甲县某路段交通事故" not in _text(client.get("/requests/urgent"))
    client.post("/auth/logout")
    _login(client, "signer-a")
    assert client.get(f"/requests/urgent/{event_id}").status_code == 200
    assert client.post(f"/requests/urgent/{event_id}/close", data={"note": ""}).status_code == 403
    assert client.get("/requests/urgent/new").status_code == 403  # a leader registers nothing: officers write
    client.post("/auth/logout")
    _login(client, "upper-editor")
    assert client.get(f"/requests/urgent/{event_id}").status_code == 404
    assert client.post(f"/requests/urgent/{event_id}/close", data={"note": ""}).status_code == 404


def test_the_office_registers_an_event_for_one_of_its_units_only(world: World, client: FlaskClient) -> None:
    _login(client, "editor")
    with client.application.app_context():
        occurred = _beijing(clock.now() - timedelta(minutes=5))
    bad = client.post(
        "/requests/urgent/new",
        data={
            "unit_id": str(world.outsider.organisation_id),
            "title": "无关单位的事件",
            "occurred_at": occurred,
        },
    )
    assert bad.status_code == 400 and "无关单位的事件" in _text(bad)
    good = client.post(
        "/requests/urgent/new",
        data={"unit_id": str(world.unit_b.id), "title": "乙区某企业发生火灾", "occurred_at": occurred},
    )
    assert good.status_code == 302
    assert db.session.scalars(db.select(UrgentEvent)).one().unit_id == world.unit_b.id
