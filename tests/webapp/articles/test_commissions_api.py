"""The requests API (/api/v1/article-commissions, -urgent-events, -incidents, -requests/open): the same services
over JSON, refusals with their code, Chinese message, rule and field; a unit sees only its own."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.factories import TEST_PASSWORD
from tests.webapp.articles.conftest import World
from webapp.articles.services import articles
from webapp.core import clock


class Caller:
    """Requests with one user's bearer token. Each runs in an application context of its own: the ``world``
    fixture keeps one pushed, which a request would otherwise reuse (and with it ``g``, where the login manager
    keeps the user it loaded for the previous caller)."""

    def __init__(self, client: FlaskClient, username: str) -> None:
        self.client = client
        token = self._send("post", "/api/v1/tokens", {"username": username, "password": TEST_PASSWORD}, {})
        self.headers = {"Authorization": f"Bearer {token.get_json()['token']}"}

    def _send(self, method: str, url: str, body: Any, headers: dict[str, str]) -> Any:
        with self.client.application.app_context():
            return getattr(self.client, method)(url, headers=headers, json=body)

    def get(self, url: str) -> Any:
        return self._send("get", url, None, self.headers)

    def post(self, url: str, body: Any = None) -> Any:
        return self._send("post", url, body, self.headers)


@pytest.fixture
def call(world: World, client: FlaskClient):  # noqa: ANN201
    return lambda username: Caller(client, username)


def test_a_commission_over_the_api_from_sending_to_cancelling_zg_6_2(world: World, call) -> None:  # noqa: ANN001
    editor, officer = call("editor"), call("officer-a")
    body = {"topic": "基层减负典型做法", "due_on": "2027-01-12", "important": True,
            "unit_ids": [world.unit_a.id, world.unit_b.id]}  # fmt: skip
    created = editor.post("/api/v1/article-commissions", body)
    assert created.status_code == 201, created.get_json()
    commission = created.get_json()
    assert (
        commission["rule"] == "INF-3.10" and commission["days_left"] == 7 and len(commission["targets"]) == 2
    )
    listed = editor.get("/api/v1/article-commissions").get_json()
    assert listed["count"] == 1 and listed["commissions"][0]["tally"]["pending"] == 2
    mine = officer.get("/api/v1/article-commissions").get_json()["commissions"][0]
    assert mine["tally"] is None and mine["own_target"]["unit"]["name"] == "甲县委组织部"
    seen = officer.get(f"/api/v1/article-commissions/{commission['id']}").get_json()
    assert [t["unit"]["name"] for t in seen["targets"]] == ["甲县委组织部"]
    open_requests = officer.get("/api/v1/article-requests/open").get_json()
    assert open_requests["commissions_count"] == 1 and open_requests["commissions"][0]["status"] == "pending"
    refused = officer.post(
        f"/api/v1/article-commissions/{commission['id']}/cancel", {"reason": "不写了不写了"}
    )
    assert refused.status_code == 403 and refused.get_json()["rule"] == "ZG-6.2"
    cancelled = editor.post(f"/api/v1/article-commissions/{commission['id']}/cancel", {"reason": "计划调整"})
    assert cancelled.status_code == 200 and cancelled.get_json()["cancelled"] is True
    again = editor.post(f"/api/v1/article-commissions/{commission['id']}/cancel", {"reason": "计划调整"})
    assert again.status_code == 409 and again.get_json()["error"] == "conflict"
    assert call("upper-editor").get(f"/api/v1/article-commissions/{commission['id']}").status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"topic": "主题", "due_on": "2026-12-31"}, "due_on"),
        ({"topic": "主题", "due_on": "2027-1-12"}, "due_on"),
        ({"topic": "主题", "due_on": 20270112}, "due_on"),
        ({"topic": "主题", "due_on": "2027-01-12", "unit_ids": ["1"]}, "unit_ids"),
        ({"topic": "主题", "due_on": "2027-01-12", "unit_ids": [2**63]}, "unit_ids"),
        ({"topic": 5, "due_on": "2027-01-12"}, "topic"),
        ({"topic": "主" * 121, "due_on": "2027-01-12"}, "topic"),
    ],
)
def test_a_bad_commission_body_names_its_field(world: World, call, body: dict, field: str) -> None:  # noqa: ANN001
    response = call("editor").post("/api/v1/article-commissions", {"unit_ids": [world.unit_a.id], **body})
    assert response.status_code == 400
    answer = response.get_json()
    assert answer["error"] == "invalid_input" and answer["field"] == field, answer


def test_urgent_events_over_the_api_register_board_close_pub_2_3(world: World, call, app) -> None:  # noqa: ANN001
    editor, officer = call("editor"), call("officer-a")
    with app.app_context():
        occurred = (clock.now() - timedelta(minutes=90)).isoformat()
    by_unit = officer.post("/api/v1/article-urgent-events", {
        "office_id": world.office.id, "title": "甲县某镇发生山体滑坡", "occurred_at": occurred,
        "report_title": "山体滑坡首报", "report_body": "正文"})  # fmt: skip
    assert by_unit.status_code == 201, by_unit.get_json()
    registered = by_unit.get_json()
    assert registered["report_id"] and registered["event"]["overdue"] is True
    assert registered["event"]["current_timer"]["status"] == "overdue"
    by_office = editor.post("/api/v1/article-urgent-events", {
        "unit_id": world.unit_b.id, "title": "乙区某企业发生火灾", "occurred_at": occurred[:16]})  # fmt: skip
    assert by_office.status_code == 201 and by_office.get_json()["report_id"] is None
    board = editor.get("/api/v1/article-urgent-events").get_json()
    assert board["count"] == 2
    assert [e["unit"]["name"] for e in officer.get("/api/v1/article-urgent-events").get_json()["events"]] == [
        "甲县委组织部"
    ]
    event_id = by_office.get_json()["event"]["id"]
    assert officer.get(f"/api/v1/article-urgent-events/{event_id}").status_code == 404
    assert officer.post(f"/api/v1/article-urgent-events/{event_id}/close").status_code == 404
    closed = editor.post(f"/api/v1/article-urgent-events/{event_id}/close", {"note": "已处置"})
    assert closed.status_code == 200 and closed.get_json()["current_timer"] is None
    assert editor.get("/api/v1/article-urgent-events?state=closed").get_json()["count"] == 1
    future = editor.post("/api/v1/article-urgent-events", {
        "unit_id": world.unit_b.id, "title": "未来的事件事件", "occurred_at": "2099-01-01T00:00:00+08:00"})  # fmt: skip
    assert future.status_code == 400 and future.get_json()["field"] == "occurred_at"
    assert editor.get("/api/v1/article-urgent-events?state=maybe").status_code == 400


def test_incidents_over_the_api_record_list_withdraw_zg_4_9(world: World, call) -> None:  # noqa: ANN001
    article = articles.create_draft(
        world.officer_a, office_id=world.office.id, title="甲县组工数据", body="正文"
    )
    articles.fire(world.officer_a, article.id, "submit")
    articles.fire(world.signer_a, article.id, "sign_off")
    editor, head, officer = call("editor"), call("head"), call("officer-a")
    body = {
        "kind": "false_info",
        "article_id": article.id,
        "occurred_on": "2027-01-05",
        "note": "数据与公报不符",
    }
    created = editor.post("/api/v1/article-incidents", body)
    assert created.status_code == 201, created.get_json()
    incident = created.get_json()
    assert incident["rule"] == "ZG-4.9" and incident["article_title"] == "甲县组工数据"
    assert officer.get("/api/v1/article-incidents").get_json()["count"] == 1
    assert call("officer-b").get("/api/v1/article-incidents").get_json()["count"] == 0
    assert call("officer-b").get(f"/api/v1/article-incidents/{incident['id']}").status_code == 404
    no_record = editor.post("/api/v1/article-incidents", {**body, "article_id": None})
    assert no_record.status_code == 400 and no_record.get_json()["field"] == "article_id"
    refused = editor.post(f"/api/v1/article-incidents/{incident['id']}/withdraw", {"reason": "经核实无误"})
    assert refused.status_code == 403 and refused.get_json()["error"] == "forbidden"
    withdrawn = head.post(f"/api/v1/article-incidents/{incident['id']}/withdraw", {"reason": "经核实无误"})
    assert withdrawn.status_code == 200 and withdrawn.get_json()["withdraw_reason"] == "经核实无误"
    assert editor.get("/api/v1/article-incidents?status=live").get_json()["count"] == 0
    assert editor.get("/api/v1/article-incidents?kind=rumour").status_code == 400
    assert editor.get("/api/v1/article-incidents?page=0").status_code == 400


def test_people_without_article_work_are_refused_with_the_rule(
    world: World, call, client: FlaskClient
) -> None:  # noqa: ANN001
    reader = call("reader")
    for url in ("/api/v1/article-commissions", "/api/v1/article-urgent-events", "/api/v1/article-incidents",
                "/api/v1/article-requests/open"):  # fmt: skip
        answer = reader.get(url)
        assert answer.status_code == 403 and answer.get_json()["rule"], url
    assert client.get("/api/v1/article-commissions").status_code == 401
