"""With CSRF on (as in production), a form posted without its token is refused and writes nothing."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from flask import Flask

from tests.factories import TEST_PASSWORD, make_test_app
from tests.webapp.articles.unit_helpers import page, walk
from webapp.articles.models import Article
from webapp.core.extensions import db


@pytest.fixture
def app(tmp_path) -> Iterator[Flask]:  # the world of conftest, on an app that checks CSRF tokens
    app = make_test_app(tmp_path, WTF_CSRF_ENABLED=True)
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _token(text: str, name: str = "csrf_token") -> str:
    return text.split(f'name="{name}" type="hidden" value="')[1].split('"')[0]


def _login(client, username: str) -> None:  # noqa: ANN001
    token = _token(page(client.get("/auth/login")))
    response = client.post(
        "/auth/login", data={"username": username, "password": TEST_PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302


def test_writing_without_the_csrf_token_is_refused_and_nothing_is_written(world, client):
    _login(client, "officer-a")
    data = {"office_id": str(world.office.id), "title": "无令牌", "body": "正文", "secrecy": "none"}
    response = client.post("/articles/new", data=data)
    assert response.status_code == 400 and "安全令牌" in page(response)
    with client.application.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Article.id))) == 0


def test_an_event_without_the_csrf_token_is_refused_and_the_article_stays_zg_6_1(world, client):
    with client.application.app_context():
        article_id = walk(world, "awaiting_signoff")
        version = db.session.get(Article, article_id).version_id
    _login(client, "signer-a")
    response = client.post(f"/articles/{article_id}/events/sign_off", data={"sign_off-version": version})
    assert response.status_code == 400 and "安全令牌" in page(response)
    with client.application.app_context():
        assert db.session.get(Article, article_id).state == "awaiting_signoff"
    # with the token from the page it goes through
    token = _token(page(client.get(f"/articles/{article_id}")), "sign_off-csrf_token")
    response = client.post(
        f"/articles/{article_id}/events/sign_off",
        data={"sign_off-version": version, "sign_off-csrf_token": token},
    )
    assert response.status_code == 302
