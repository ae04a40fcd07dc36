"""Steps shared by the office tests (tests/webapp/articles/test_office_*.py): articles brought to the office
through the procedure (create → submit → sign off), by the unit's own people."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

from flask import g

from tests.factories import TEST_PASSWORD, TODAY
from tests.webapp.articles.conftest import World
from webapp.articles.services import articles
from webapp.articles.services.adoptions import AdoptionInput
from webapp.core.models import User

DAY = TODAY  # the test app's "today" (2027-01-05): HTTP requests and services agree


def submitted(
    world: World,
    title: str = "甲县推行组工干部下沉一线",
    body: str = "正文" * 50,
    *,
    unit: str = "a",
    day: date = DAY,
    **kwargs: object,
) -> int:
    """An article of unit 甲 (or 乙) signed off and so submitted to the office (ZG-6.1)."""
    officer, signer = (world.officer_a, world.signer_a) if unit == "a" else (world.officer_b, world.signer_b)
    article = articles.create_draft(
        officer,
        office_id=world.office.id,
        title=title,
        body=body,
        today=day,
        **kwargs,  # type: ignore[arg-type]
    )
    articles.fire(officer, article.id, "submit", today=day)
    articles.fire(signer, article.id, "sign_off", today=day)
    return article.id


def adopted(world: World, *, unit: str = "a", body: str = "正文" * 50, title: str = "甲县经验") -> int:
    article_id = submitted(world, title, body, unit=unit)
    articles.fire(world.editor, article_id, "receive", today=DAY)
    articles.fire(
        world.editor, article_id, "adopt", today=DAY,
        adoption=AdoptionInput(world.own_publication.id, "exp", "single"),
    )  # fmt: skip
    return article_id


def login(client, user: User) -> None:  # type: ignore[no-untyped-def]
    client.post("/auth/logout")
    response = client.post("/auth/login", data={"username": user.username, "password": TEST_PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]


def bearer(client, user: User) -> dict[str, str]:  # type: ignore[no-untyped-def]
    token = client.post("/api/v1/tokens", json={"username": user.username, "password": TEST_PASSWORD})
    return {"Authorization": f"Bearer {token.get_json()['token']}"}


def upper_head(world: World) -> User:
    """The upper office's head, who gives it a class and a form to adopt forwarded articles under."""
    from tests.factories import make_user
    from webapp.articles.services import office_settings
    from webapp.core.extensions import db
    from webapp.core.models import Role

    head = make_user(world.upper.organisation, Role.OFFICE_HEAD, username="upper-head")
    db.session.commit()
    office_settings.add_term(head, "class", code="exp", name="经验类")
    office_settings.add_term(head, "form", code="single", name="单条")
    return head


@contextmanager
def counted_statements() -> Iterator[list[str]]:
    """The SQL statements issued inside the block (to prove a page's statements do not grow with the data), by
    the shared counter of tests/webapp/sql_count, on the app whose context is pushed."""
    from flask import current_app

    from tests.webapp.sql_count import count_statements

    with count_statements(current_app._get_current_object()) as seen:
        yield seen.sql


def version_of(page: str) -> str:
    match = re.search(r'name="t-version" type="hidden" value="(\d+)"', page)
    assert match, "the triage form carries the article's version"
    return match.group(1)


class Api:
    """Calls to ``/api/v1`` with ``user``'s bearer token. The ``world`` fixture keeps one app context open for the
    whole test, and Flask-Login keeps the loaded user in ``g``: it is dropped before each call, so each call is
    authenticated by its own token, as separate requests are."""

    def __init__(self, client, user: User) -> None:  # type: ignore[no-untyped-def]
        self.client = client
        g.pop("_login_user", None)
        self.headers = bearer(client, user)

    def _call(self, method: str, url: str, **kwargs: Any) -> Any:
        g.pop("_login_user", None)
        return getattr(self.client, method)("/api/v1" + url, headers=self.headers, **kwargs)

    def get(self, url: str, **kwargs: Any) -> Any:
        return self._call("get", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> Any:
        return self._call("post", url, **kwargs)

    def patch(self, url: str, **kwargs: Any) -> Any:
        return self._call("patch", url, **kwargs)

    def put(self, url: str, **kwargs: Any) -> Any:
        return self._call("put", url, **kwargs)
