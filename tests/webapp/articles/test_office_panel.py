"""The office's part of the article page (templates/articles/article/_office_actions.html, included by the
article page with ``article`` and ``functions``): forwarding, further adoptions, withdrawing one — only for the
people who decide on the article, and the forms post back to the page they came from."""

from __future__ import annotations

from flask import Flask, render_template
from flask_login import login_user

from tests.webapp.articles import office_steps as steps
from tests.webapp.articles.conftest import World
from webapp.articles.services import articles, permissions
from webapp.core.models import User


def _panel(app: Flask, user: User, article_id: int) -> str:
    with app.test_request_context(f"/articles/{article_id}"):
        login_user(user)
        article = articles.load(user, article_id)
        return render_template(
            "articles/article/_office_actions.html",
            article=article,
            functions=permissions.functions_on(user, article),
        )


def test_the_office_sees_forwarding_and_adoptions_on_the_article_page(app: Flask, world: World) -> None:
    article_id = steps.adopted(world)
    html = _panel(app, world.editor, article_id)
    assert 'data-testid="office-actions"' in html and 'data-testid="forward-form"' in html
    assert 'data-testid="adopt-again-form"' in html and "撤销这条采用记录" in html
    assert f'value="/articles/{article_id}"' in html  # the forms come back to the article page
    assert f"/office/articles/{article_id}/duplicates" in html


def test_a_received_article_offers_the_triage_screen(app: Flask, world: World) -> None:
    article_id = steps.submitted(world)
    articles.fire(world.editor, article_id, "receive", today=steps.DAY)
    html = _panel(app, world.head, article_id)
    assert f'href="/office/articles/{article_id}/triage">分拣处理' in html
    assert 'data-testid="adopt-again-form"' not in html  # not adopted yet


def test_the_unit_and_readers_see_nothing_of_it(app: Flask, world: World) -> None:
    article_id = steps.adopted(world)
    for user in (world.officer_a, world.signer_a, world.reader):
        assert 'data-testid="office-actions"' not in _panel(app, user, article_id)
