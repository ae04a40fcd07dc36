"""The commission pages over HTTP: the office sends and follows, the unit sees its own with the days left, hostile
or careless input answers a Chinese message beside the field (the form keeps what was typed), never a 500."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from flask.testing import FlaskClient

from tests.factories import TEST_PASSWORD
from tests.webapp.articles.conftest import World
from webapp.articles.models import Commission
from webapp.articles.services import commissions
from webapp.core.extensions import db

TODAY = date(2027, 1, 5)  # the test app's today


def _login(client: FlaskClient, username: str) -> None:
    response = client.post("/auth/login", data={"username": username, "password": TEST_PASSWORD})
    assert response.status_code in (302, 303), response.status_code


def _text(response) -> str:  # noqa: ANN001
    return response.get_data(as_text=True)


def _sent(world: World, units: list[int] | None = None, due: date = TODAY + timedelta(days=1)) -> Commission:
    return commissions.create(
        world.editor, topic="基层减负典型做法", detail="", due_on=due, important=True,
        unit_ids=units or [world.unit_a.id, world.unit_b.id], today=TODAY,
    )  # fmt: skip


def test_the_office_sends_a_commission_from_the_form(world: World, client: FlaskClient) -> None:
    _login(client, "editor")
    page = client.get("/requests/commissions/new")
    assert page.status_code == 200 and "甲县委组织部" in _text(page)
    response = client.post(
        "/requests/commissions/new",
        data={"topic": "乡村振兴中的组织力", "detail": "1000字以内", "due_on": "2027-01-20", "important": "y",
              "unit_ids": [str(world.unit_a.id)]},
    )  # fmt: skip
    assert response.status_code == 302
    commission = db.session.scalars(db.select(Commission)).one()
    assert commission.important and [t.unit_id for t in commission.targets] == [world.unit_a.id]
    shown = _text(client.get(response.headers["Location"]))
    assert "乡村振兴中的组织力" in shown and "待报送" in shown and "发起约稿" in shown
    listing = _text(client.get("/requests/commissions"))
    assert "乡村振兴中的组织力" in listing and "剩 15 天" in listing


@pytest.mark.parametrize(
    ("data", "field_message"),
    [
        ({"topic": "主题", "due_on": "2026-12-31"}, "截止日期不能早于今天"),
        ({"topic": "主题", "due_on": "9999-12-31"}, "截止日期应在一年以内"),
        ({"topic": "主题", "due_on": "明天"}, "日期"),
        ({"topic": "主" * 121, "due_on": "2027-01-20"}, "120"),
        ({"topic": "主题", "due_on": "2027-01-20", "unit_ids": ["99999999999999999999"]}, "约稿单位"),
        ({"topic": "", "due_on": "2027-01-20"}, "请填写约稿主题"),
    ],
)
def test_careless_input_is_refused_beside_its_field_and_kept(
    world: World, client: FlaskClient, data: dict, field_message: str
) -> None:
    _login(client, "editor")
    data = {"unit_ids": [str(world.unit_a.id)], **data}
    response = client.post("/requests/commissions/new", data=data)
    assert response.status_code == 400
    assert field_message in _text(response)
    if data["topic"]:
        assert data["topic"] in _text(response)  # what was typed is kept
    assert db.session.scalar(db.select(db.func.count(Commission.id))) == 0


def test_a_unit_sees_its_commission_with_the_days_left_and_not_the_other_units(
    world: World, client: FlaskClient
) -> None:
    commission = _sent(world)
    _login(client, "officer-a")
    listing = _text(client.get("/requests/commissions"))
    assert "基层减负典型做法" in listing and "剩 1 天" in listing
    shown = _text(client.get(f"/requests/commissions/{commission.id}"))
    assert "甲县委组织部" in shown and "乙区委组织部" not in shown and "发起约稿" not in shown
    assert client.get("/requests/commissions/new").status_code == 403
    assert (
        client.post(f"/requests/commissions/{commission.id}/cancel", data={"reason": "不想写了"}).status_code
        == 403
    )


def test_another_offices_staff_and_units_outside_get_404(world: World, client: FlaskClient) -> None:
    commission = _sent(world, units=[world.unit_a.id])
    for username in ("upper-editor", "officer-b", "outsider"):
        _login(client, username)
        assert client.get(f"/requests/commissions/{commission.id}").status_code == 404
        assert (
            client.post(
                f"/requests/commissions/{commission.id}/cancel", data={"reason": "理由理由"}
            ).status_code
            == 404
        )
        client.post("/auth/logout")
    assert client.get(f"/requests/commissions/{commission.id}").status_code == 302  # anonymous: to the login


def test_cancelling_needs_a_reason_and_shows_it_in_the_trail(world: World, client: FlaskClient) -> None:
    commission = _sent(world)
    _login(client, "head")
    response = client.post(f"/requests/commissions/{commission.id}/cancel", data={"reason": ""})
    assert response.status_code == 400 and "请写明理由" in _text(response)
    response = client.post(
        f"/requests/commissions/{commission.id}/cancel", data={"reason": "上级调整约稿计划"}
    )
    assert response.status_code == 302
    shown = _text(client.get(f"/requests/commissions/{commission.id}"))
    assert "已取消" in shown and "上级调整约稿计划" in shown and "取消约稿" in shown
    again = client.post(f"/requests/commissions/{commission.id}/cancel", data={"reason": "再取消一次"})
    assert again.status_code == 409 and "该约稿已取消" in _text(again)


def test_the_page_number_is_checked(world: World, client: FlaskClient) -> None:
    _login(client, "editor")
    assert client.get("/requests/commissions?page=0").status_code == 400
    assert client.get("/requests/commissions?page=abc").status_code == 400
    assert client.get("/requests/commissions?page=3").status_code == 200


def test_the_unit_answers_from_the_commission_and_the_office_reaches_the_answer(
    world: World, client: FlaskClient
) -> None:
    from webapp.articles.services import articles

    commission = _sent(world)
    target = next(t for t in commission.targets if t.unit_id == world.unit_a.id)
    _login(client, "officer-a")
    page = _text(client.get(f"/requests/commissions/{commission.id}"))
    assert f'href="/articles/new?commission={target.id}"' in page
    assert client.get(f"/articles/new?commission={target.id}").status_code == 200
    client.post("/auth/logout")
    article = articles.create_draft(world.officer_a, office_id=world.office.id, title="甲县减负做法", body="正文",
                                    commission_target_id=target.id, today=TODAY)  # fmt: skip
    articles.fire(world.officer_a, article.id, "submit", today=TODAY)
    articles.fire(world.signer_a, article.id, "sign_off", today=TODAY)
    _login(client, "editor")
    page = _text(client.get(f"/requests/commissions/{commission.id}"))
    assert f'href="/articles/{article.id}"' in page and "已按时报送" in page
    article_page = _text(client.get(f"/articles/{article.id}"))
    assert 'data-testid="article-requests"' in article_page and "基层减负典型做法" in article_page
    assert 'data-testid="record-incident"' in article_page
