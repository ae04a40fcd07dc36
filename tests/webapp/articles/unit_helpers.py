"""Helpers of the unit-side article tests (pages and API): sign in, write, and walk an article to a state."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

from tests.factories import TEST_PASSWORD, TODAY
from tests.webapp.articles.conftest import World
from webapp.articles.services import articles
from webapp.articles.services.adoptions import AdoptionInput

BODY = "甲县建立组工干部下沉一线工作机制。\n全县抽调干部五十名，分赴各乡镇开展调研。\n下一步将总结经验，形成制度。"


def login(client: FlaskClient, username: str) -> None:
    """Sign ``username`` in (signing out whoever was)."""
    client.post("/auth/logout")
    response = client.post("/auth/login", data={"username": username, "password": TEST_PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]


def page(response: Any) -> str:
    return response.get_data(as_text=True)


def write(world: World, *, title: str = "甲县推行组工干部下沉一线", body: str = BODY, **kw: Any) -> int:
    return articles.create_draft(
        world.officer_a, office_id=world.office.id, title=title, body=body, today=TODAY, **kw
    ).id


def walk(world: World, to: str, **kw: Any) -> int:
    """A new article of unit 甲 taken to ``to`` through the services (every step as the people do it)."""
    article_id = write(world, **kw)
    steps: dict[str, list[tuple[Any, str, dict[str, Any]]]] = {
        "draft": [],
        "awaiting_signoff": [(world.officer_a, "submit", {})],
        "returned": [
            (world.officer_a, "submit", {}),
            (world.signer_a, "leader_return", {"reason": "数据来源请注明出处"}),
        ],
        "submitted": [(world.officer_a, "submit", {}), (world.signer_a, "sign_off", {})],
        "received": [
            (world.officer_a, "submit", {}),
            (world.signer_a, "sign_off", {}),
            (world.editor, "receive", {}),
        ],
        "adopted": [
            (world.officer_a, "submit", {}),
            (world.signer_a, "sign_off", {}),
            (world.editor, "receive", {}),
            (world.editor, "adopt", {"adoption": AdoptionInput(world.own_publication.id, "exp", "single")}),
        ],
    }
    for user, event, inputs in steps[to]:
        articles.fire(user, article_id, event, today=TODAY, **inputs)
    return article_id
