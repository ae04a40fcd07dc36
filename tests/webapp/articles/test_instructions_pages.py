"""The instruction pages over HTTP: the office enters a 批示 (INF-2.7) with a follow-up, the unit reports, late
reports are marked, the wrong people are turned away, hostile input is refused."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import g
from flask.testing import FlaskClient

from tests.factories import TEST_PASSWORD
from tests.webapp.articles.conftest import World
from tests.webapp.articles.issue_world import DAY, adopted
from webapp.articles.models import FollowUp, Instruction
from webapp.articles.services import articles, instructions
from webapp.core.extensions import db


def _login(client: FlaskClient, username: str) -> None:
    client.post("/auth/logout")
    g.pop("_login_user", None)  # `world` keeps one app context around the test (see test_issues_api.py)
    response = client.post("/auth/login", data={"username": username, "password": TEST_PASSWORD})
    assert response.status_code == 302


def _form(world: World, **values: str) -> dict[str, str]:
    data = {
        "leader": "张某某（市委书记）", "level": "city", "instructed_on": "2027-01-05", "text": "请总结推广。",
        "with_follow_up": "y", "unit_id": str(world.unit_a.id), "due_on": "2027-01-12", "request": "报送推广情况",
    }  # fmt: skip
    data.update(values)
    return data


def test_the_editor_enters_an_instruction_with_a_follow_up_and_the_unit_reports(
    client: FlaskClient, world: World
) -> None:
    article_id = adopted(world).article_id
    _login(client, "editor")
    page = client.get(f"/office/publishing/instructions/new?article={article_id}")
    assert page.status_code == 200 and "录入领导批示" in page.get_data(as_text=True)
    response = client.post(f"/office/publishing/instructions/new?article={article_id}", data=_form(world))
    assert response.status_code == 302
    listing = client.get("/office/publishing/instructions").get_data(as_text=True)
    assert "张某某（市委书记）" in listing and "待反馈" in listing
    _login(client, "officer-a")
    mine = client.get("/office/publishing/follow-ups").get_data(as_text=True)
    assert "张某某（市委书记）" in mine and "甲县推行组工干部下沉一线" in mine
    follow_up_id = db.session.scalar(sa.select(FollowUp.id))
    response = client.post(f"/office/publishing/follow-ups/{follow_up_id}", data={"report": ""})
    assert response.status_code == 400 and "请填写落实情况" in response.get_data(as_text=True)
    response = client.post(f"/office/publishing/follow-ups/{follow_up_id}", data={"report": "已召开推进会。"})
    assert response.status_code == 302
    page = client.get(f"/office/publishing/follow-ups/{follow_up_id}").get_data(as_text=True)
    assert "按期反馈" in page and "已召开推进会。" in page


def test_a_report_after_the_deadline_is_marked_late(client: FlaskClient, world: World) -> None:
    article_id = adopted(world).article_id
    instruction = instructions.record(
        world.editor, article_id, leader="李某", level="county", text="阅", instructed_on=DAY, today=DAY,
        follow_up=instructions.FollowUpInput(world.unit_a.id, DAY),
    )  # fmt: skip
    follow_up_id = instruction.follow_ups[0].id
    instructions.report(
        world.signer_a, follow_up_id, "已落实。", now=instructions.clock.now() + timedelta(days=2)
    )
    _login(client, "signer-a")
    page = client.get(f"/office/publishing/follow-ups/{follow_up_id}").get_data(as_text=True)
    assert "逾期反馈" in page


def test_a_bad_instruction_form_keeps_what_was_typed(client: FlaskClient, world: World) -> None:
    article_id = adopted(world).article_id
    _login(client, "editor")
    url = f"/office/publishing/instructions/new?article={article_id}"
    cases = [
        (_form(world, instructed_on="2027-01-04"), "不能早于采用日期（2027-01-05）"),
        (_form(world, instructed_on="2027-02-30"), "请填写有效日期"),
        (_form(world, level="emperor"), "不是有效的选择"),
        (_form(world, due_on="2026-12-31"), "反馈期限不能早于今天"),
        (_form(world, unit_id=str(world.outsider.organisation_id)), "请选择向本办公室报送信息的单位"),
        (_form(world, unit_id="abc"), "选择无效"),
        (_form(world, text="批" * 2001), "2000"),
    ]
    for data, message in cases:
        response = client.post(url, data=data)
        page = response.get_data(as_text=True)
        assert response.status_code == 400, (data, response.status_code)
        assert "张某某（市委书记）" in page  # what was typed stays
        assert message in page, message
    assert db.session.scalar(sa.select(sa.func.count(Instruction.id))) == 0


def test_not_adopted_articles_other_offices_and_units_are_turned_away(
    client: FlaskClient, world: World
) -> None:
    article = articles.create_draft(
        world.officer_a, office_id=world.office.id, title="在编稿", body="正文", today=DAY
    )
    articles.fire(world.officer_a, article.id, "submit", today=DAY)
    articles.fire(world.signer_a, article.id, "sign_off", today=DAY)
    _login(client, "editor")
    page = client.get(f"/office/publishing/instructions/new?article={article.id}")
    assert page.status_code == 409 and "INF-2.7" in page.get_data(as_text=True)
    assert client.get("/office/publishing/instructions/new?article=abc").status_code == 400
    assert client.get("/office/publishing/instructions/new").status_code == 404
    adopted_id = adopted(world).article_id
    for username in ("upper-editor", "outsider"):
        _login(client, username)
        assert client.get(f"/office/publishing/instructions/new?article={adopted_id}").status_code in (
            403,
            404,
        )
    for username in ("officer-a", "reader"):
        _login(client, username)
        assert client.get("/office/publishing/instructions").status_code == 403
        response = client.post(f"/office/publishing/instructions/new?article={adopted_id}", data=_form(world))
        assert response.status_code == 403
    _login(client, "editor")
    assert client.get("/office/publishing/follow-ups").status_code == 403
    assert db.session.scalar(sa.select(sa.func.count(Instruction.id))) == 0


def test_another_unit_cannot_open_or_report_a_follow_up(client: FlaskClient, world: World) -> None:
    instruction = instructions.record(
        world.editor, adopted(world).article_id, leader="李某", level="city", text="阅", instructed_on=DAY,
        today=DAY, follow_up=instructions.FollowUpInput(world.unit_a.id, DAY + timedelta(days=3)),
    )  # fmt: skip
    follow_up_id = instruction.follow_ups[0].id
    _login(client, "officer-b")
    assert client.get(f"/office/publishing/follow-ups/{follow_up_id}").status_code == 404
    assert (
        client.post(f"/office/publishing/follow-ups/{follow_up_id}", data={"report": "冒报"}).status_code
        == 404
    )
    assert "没有交办本单位" in client.get("/office/publishing/follow-ups").get_data(as_text=True)
    assert db.session.get(FollowUp, follow_up_id).report is None
