"""The incident pages over HTTP (ZG-4.9, ZG-4.10, ZG-4.11): the office records from an article or an urgent event
and its head withdraws with a reason; a unit lists only its own; the article page's partial offers the link."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from flask import render_template
from flask.testing import FlaskClient
from flask_login import login_user

from tests.factories import TEST_PASSWORD
from tests.webapp.articles.conftest import World
from webapp.articles.models import Incident
from webapp.articles.services import articles, incidents, urgent
from webapp.core import clock
from webapp.core.extensions import db

TODAY = date(2027, 1, 5)


def _login(client: FlaskClient, username: str) -> None:
    assert (
        client.post("/auth/login", data={"username": username, "password": TEST_PASSWORD}).status_code == 302
    )


def _text(response) -> str:  # noqa: ANN001
    return response.get_data(as_text=True)


def _submitted(world: World, title: str = "甲县组工数据", secrecy: str = "none") -> tuple[int, str]:
    article = articles.create_draft(world.officer_a, office_id=world.office.id, title=title, body="正文",
                                    secrecy=secrecy, today=TODAY)  # fmt: skip
    articles.fire(world.officer_a, article.id, "submit", today=TODAY)
    articles.fire(world.signer_a, article.id, "sign_off", today=TODAY)
    return article.id, article.number or ""


def test_the_office_records_false_information_from_the_article_and_the_trail_cites_zg_4_9(
    world: World, client: FlaskClient
) -> None:
    article_id, number = _submitted(world)
    _login(client, "editor")
    form = _text(client.get(f"/requests/incidents/new?article={article_id}"))
    assert f'value="{number}"' in form and '<option selected value="false_info">' in form
    response = client.post(
        f"/requests/incidents/new?article={article_id}",
        data={"kind": "false_info", "article_number": number, "occurred_on": "2027-01-05",
              "note": "数据与统计公报不符", "serious": "y"},
    )  # fmt: skip
    assert response.status_code == 302, _text(response)
    shown = _text(client.get(response.headers["Location"]))
    assert "信息失实" in shown and "性质严重" in shown and "ZG-4.9" in shown and "ZG-4.11" in shown
    assert "《甲县组工数据》" in _text(client.get("/requests/incidents"))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"article_number": "2027-9999"}, "没有编号为"),
        ({"article_number": ""}, "须指明所涉稿件"),
        ({"occurred_on": "2027-02-01"}, "不能晚于今天"),
        ({"occurred_on": "9999-12-31"}, "不能晚于今天"),
        ({"note": "错"}, "至少4个字"),
        ({"kind": "lost"}, "情况类型"),
        ({"urgent_event_id": "99999999999999999999"}, "紧急事件"),
    ],
)
def test_careless_input_is_refused_beside_its_field(
    world: World, client: FlaskClient, data: dict, message: str
) -> None:
    _, number = _submitted(world)
    _login(client, "editor")
    values = {"kind": "false_info", "article_number": number, "occurred_on": "2027-01-05", "note": "数据有误有误",
              **data}  # fmt: skip
    response = client.post("/requests/incidents/new", data=values)
    assert response.status_code == 400 and message in _text(response)
    assert db.session.scalar(db.select(db.func.count(Incident.id))) == 0


def test_the_head_withdraws_with_a_reason_and_the_record_stays(world: World, client: FlaskClient) -> None:
    article_id, _ = _submitted(world)
    incident = incidents.create(world.editor, kind="false_info", article_id=article_id, occurred_on=TODAY,
                                note="数据有误", today=TODAY)  # fmt: skip
    _login(client, "editor")
    assert (
        client.post(f"/requests/incidents/{incident.id}/withdraw", data={"reason": "经核实无误"}).status_code
        == 403
    )
    client.post("/auth/logout")
    _login(client, "head")
    assert client.post(f"/requests/incidents/{incident.id}/withdraw", data={"reason": ""}).status_code == 400
    assert (
        client.post(
            f"/requests/incidents/{incident.id}/withdraw", data={"reason": "经核实数据无误"}
        ).status_code
        == 302
    )
    shown = _text(client.get(f"/requests/incidents/{incident.id}"))
    assert "已撤销" in shown and "经核实数据无误" in shown
    assert "已撤销" in _text(client.get("/requests/incidents?status=withdrawn"))
    assert f'data-incident="{incident.id}"' not in _text(client.get("/requests/incidents?status=live"))


def test_a_unit_lists_only_its_own_incidents_and_not_a_secret_title(
    world: World, client: FlaskClient
) -> None:
    secret_id, _ = _submitted(world, title="绝密的人事调整", secrecy="secret")
    incident = incidents.create(world.editor, kind="false_info", article_id=secret_id, occurred_on=TODAY,
                                note="数据有误", today=TODAY)  # fmt: skip
    _login(client, "officer-a2")
    listing = _text(client.get("/requests/incidents"))
    assert (
        f'data-incident="{incident.id}"' in listing
        and "绝密的人事调整" not in listing
        and "涉密稿件" in listing
    )
    client.post("/auth/logout")
    _login(client, "officer-b")
    assert f'data-incident="{incident.id}"' not in _text(client.get("/requests/incidents"))
    assert client.get(f"/requests/incidents/{incident.id}").status_code == 404
    assert client.get("/requests/incidents/new").status_code == 403


def test_an_omission_is_recorded_from_the_urgent_event(world: World, client: FlaskClient) -> None:
    with client.application.app_context():
        now = clock.now()
        event = urgent.register_by_office(world.editor, unit_id=world.unit_b.id, title="乙区某企业发生火灾",
                                          occurred_at=now - timedelta(hours=3), now=now)  # fmt: skip
        event_id = event.id
    _login(client, "editor")
    form = _text(client.get(f"/requests/incidents/new?event={event_id}&kind=omitted"))
    assert '<option selected value="omitted">' in form and "乙区某企业发生火灾" in form
    response = client.post(
        f"/requests/incidents/new?event={event_id}&kind=omitted",
        data={"kind": "omitted", "urgent_event_id": str(event_id), "occurred_on": "2027-01-05", "note": "至今未报告"},
    )  # fmt: skip
    assert response.status_code == 302, _text(response)
    incident = db.session.scalars(db.select(Incident)).one()
    assert (incident.kind, incident.urgent_event_id, incident.article_id) == ("omitted", event_id, None)
    assert "漏报" in _text(client.get(f"/requests/urgent/{event_id}"))


def test_the_article_page_partial_offers_the_office_to_record_and_the_unit_to_follow_up(
    world: World, app
) -> None:  # noqa: ANN001
    with app.app_context():
        now = clock.now()
    event, report = urgent.register_by_unit(
        world.officer_a, office_id=world.office.id, title="甲县某镇发生山体滑坡", occurred_at=now,
        report_title="首报", report_body="正文", now=now,
    )  # fmt: skip
    articles.fire(world.officer_a, report.id, "submit", today=TODAY)
    articles.fire(world.signer_a, report.id, "sign_off", today=TODAY)
    with app.test_request_context("/"):
        login_user(world.editor)
        office_side = render_template(
            "articles/article/_requests_actions.html", article=report, functions={"editor"}
        )
    with app.test_request_context("/"):
        login_user(world.officer_a)
        unit_side = render_template(
            "articles/article/_requests_actions.html", article=report, functions={"author"}
        )
    assert "甲县某镇发生山体滑坡" in office_side and 'data-testid="record-incident"' in office_side
    assert "甲县某镇发生山体滑坡" in unit_side and 'data-testid="record-incident"' not in unit_side
    assert event.id
